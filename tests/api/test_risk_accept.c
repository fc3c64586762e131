/*
 * Signed risk acceptance over real HTTP (docs/RISK.md "Acceptance"): the
 * API's POST /api/v1/risks/{id}/accept from a signed-in session (CSRF and
 * sign_password in the JSON body), its refusal to API tokens, field errors,
 * GET .../acceptances with the validity of each, invalidation by a change
 * of what was accepted, top management's exception, the flag for overdue
 * actions, and the acceptance panel and signing form of the risk's page.
 * Every refusal leaves no acceptance and no change-log entry. The driver is
 * the first argument, as for test_api.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../support/http.h"
#include "../support/server.h"

static test_server SRV;
static http_client CLIENT;

#define OLGA_PW "olga password 1234"
#define BEA_PW "bea password 12345"

static void cli(const char *const *args)
{
    char out[4096];
    const char *full[32] = {"--db", SRV.db, "--as", SRV.admin};
    size_t n = 4;
    for (size_t i = 0; args[i] && n < 31; i++)
        full[n++] = args[i];
    full[n] = NULL;
    int rc = server_run_isms(full, SERVER_RUN_SECONDS, out, sizeof(out));
    if (rc != 0)
        fail_msg("isms %s %s: %d\n%s", args[0], args[1], rc, out);
}

static long long db_int(const char *sql)
{
    return server_db_int(&SRV, sql);
}

static long long acceptances(void)
{
    return db_int("SELECT count(*) FROM risk_acceptance");
}

static long long log_entries(void)
{
    return db_int("SELECT count(*) FROM isms_change_log");
}

/* One request as w: JSON when the body starts with '{', else a form. */
static void request(resp *r, const http_session *w, const char *method, const char *path,
                    const char *body)
{
    http_headers h = {0};
    http_header(&h, "Expect:");
    if (body)
        http_header(&h, "Content-Type: %s",
                    body[0] == '{' ? "application/json" : HTTP_FORM_TYPE);
    http_header(&h, "Origin: %s", SRV.url);
    http_credentials(&h, w);
    http_send(r, &CLIENT, method, path, body, body ? strlen(body) : 0, h.line);
}

static void login(http_session *w, const char *name, const char *password)
{
    resp r;
    assert_int_equal(http_login(&r, &CLIENT, w, name, password), 303);
    resp_free(&r);
    assert_true(http_read_csrf(&CLIENT, w, "/account"));
    w->csrf_header = true;
}

static const char *json_str(const resp *r, const char *key)
{
    json_t *v = r->json ? json_object_get(r->json, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : "";
}

/* A refused request: the status, a field named, and nothing written. */
static void refused(const http_session *w, const char *path, const char *body, long status,
                    const char *needle)
{
    long long acc = acceptances(), log = log_entries();
    resp r;
    request(&r, w, "POST", path, body);
    CHECK_STATUS(&r, status);
    if (needle)
        BODY_HAS(&r, needle);
    resp_free(&r);
    assert_int_equal(acceptances(), acc);
    assert_int_equal(log_entries(), log);
}

static void setup_isms(void)
{
    server_set_risk_preset("5");
    memset(&SRV, 0, sizeof(SRV));
    assert_true(server_prepare(&SRV));
    const char *p1[] = {"person", "add", "--name", "Olga Owner", NULL};
    const char *p2[] = {"person", "add", "--name", "Bea Boss", "--top-management", "true", NULL};
    cli(p1);
    cli(p2);
    assert_true(server_add_user(&SRV, "olga", "contributor", OLGA_PW));
    assert_true(server_add_user(&SRV, "bea", "viewer", BEA_PW));
    const char *u1[] = {"user", "set", "olga", "--person", "PER-1", NULL};
    const char *u2[] = {"user", "set", "bea", "--person", "PER-2", NULL};
    cli(u1);
    cli(u2);
    const char *r1[] = {"risk", "add", "--title", "Laptop theft", "--owner", "PER-1",
                        "--likelihood", "4", "--impact", "4", "--residual-likelihood", "2",
                        "--residual-impact", "3", "--treatment", "modify, share", "--controls",
                        "5.15, 8.24", "--review-date", "2099-12-31", NULL};
    const char *r2[] = {"risk", "add", "--title", "Ransomware", "--owner", "PER-1",
                        "--likelihood", "5", "--impact", "5", "--residual-likelihood", "5",
                        "--residual-impact", "5", "--treatment", "modify", "--review-date",
                        "2099-12-31", NULL};
    cli(r1);
    cli(r2);
    assert_true(server_start(&SRV, NULL));
    CLIENT.base = SRV.url;
}

static void stop(void)
{
    int rc = server_stop(&SRV, SIGTERM);
    if (rc != 0 || server_sanitizer_report(&SRV)) {
        char *err = server_stderr(&SRV);
        print_error("isms serve ended with %d:\n%s\n", rc, err);
        free(err);
    }
    assert_int_equal(rc, 0);
    assert_false(server_sanitizer_report(&SRV));
    server_cleanup(&SRV);
}

#define ACCEPT1 "/api/v1/risks/RSK-1/accept"
#define GOOD_BODY "{\"role\":\"owner\",\"rationale\":\"Encrypted disks\",\"sign_password\":\"" OLGA_PW "\"}"

static void test_api_signing(void **state)
{
    (void)state;
    setup_isms();
    http_session admin_token = {0}, olga = {0}, bea = {0};
    http_bearer(&admin_token, SRV.token);
    login(&olga, "olga", OLGA_PW);
    login(&bea, "bea", BEA_PW);

    /* An API token cannot sign, whatever it holds; the answer says how to sign. */
    refused(&admin_token, ACCEPT1, GOOD_BODY, 403, "an API token cannot sign");
    /* Nor does the generic create of the kind make one. */
    refused(&admin_token, "/api/v1/risk-acceptances",
            "{\"risk\":\"RSK-1\",\"role\":\"owner\",\"rationale\":\"x\"}", 403,
            "signed with the signer's own credentials");
    /* Field errors, named; the credentials are checked before anything is written. */
    refused(&olga, ACCEPT1, "{\"role\":\"owner\",\"rationale\":\"x\"}", 400, "sign_password");
    refused(&olga, ACCEPT1,
            "{\"role\":\"owner\",\"rationale\":\"x\",\"sign_password\":\"wrong\"}", 400,
            "is not your password");
    refused(&olga, ACCEPT1, "{\"role\":\"boss\",\"sign_password\":\"" OLGA_PW "\"}", 400,
            "rationale");
    refused(&olga, ACCEPT1, "{\"role\":\"boss\",\"rationale\":\"x\"}", 400,
            "owner, top-management");
    refused(&olga, ACCEPT1, "{\"role\":\"owner\",\"rationale\":\"x\",\"colour\":1}", 400,
            "colour");
    refused(&olga, ACCEPT1, "{\"role\":\"owner\",\"rationale\":\"x\",\"exception\":\"yes\"}",
            400, "true or false");
    refused(&olga, "/api/v1/risks/RSK-99/accept", GOOD_BODY, 404, NULL);
    /* Bea is not the owner; an exception is not for a Medium residual. */
    refused(&bea, ACCEPT1,
            "{\"role\":\"owner\",\"rationale\":\"x\",\"sign_password\":\"" BEA_PW "\"}", 400,
            "only the risk owner signs as owner");
    refused(&olga, ACCEPT1,
            "{\"role\":\"owner\",\"rationale\":\"x\",\"exception\":true,\"exception_until\":"
            "\"2099-01-01\",\"sign_password\":\"" OLGA_PW "\"}",
            400, "exception");

    resp r;
    request(&r, &olga, "POST", ACCEPT1, GOOD_BODY);
    CHECK_STATUS(&r, 201);
    assert_string_equal(json_str(&r, "id"), "ACC-1");
    assert_string_equal(json_str(&r, "role"), "owner");
    assert_string_equal(json_str(&r, "signer"), "PER-1");
    assert_string_equal(json_str(&r, "signed_by_user"), "olga");
    assert_string_equal(json_str(&r, "expires"), "2099-12-31");
    TEXT_HAS(r.location, "/api/v1/risk-acceptances/ACC-1");
    resp_free(&r);
    assert_int_equal(acceptances(), 1);
    /* The signature is an authentication event of its own (docs/SECURITY.md). */
    assert_true(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'signing_ok' "
                       "AND name = 'olga' AND detail LIKE '%accept RSK-1%'") >= 1);

    request(&r, &admin_token, "GET", "/api/v1/risks/RSK-1/acceptances", NULL);
    CHECK_STATUS(&r, 200);
    assert_string_equal(json_str(&r, "acceptance"), "accepted");
    assert_string_equal(json_str(&r, "accepted_until"), "2099-12-31");
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "validity")),
                        "valid");
    resp_free(&r);

    /* An unrelated edit keeps it; a change of the residual score invalidates it. */
    request(&r, &admin_token, "PATCH", "/api/v1/risks/RSK-1", "{\"title\":\"Stolen laptop\",\"version\":2}");
    CHECK_STATUS(&r, 200);
    assert_string_equal(json_str(&r, "acceptance"), "accepted");
    resp_free(&r);
    request(&r, &admin_token, "PATCH", "/api/v1/risks/RSK-1", "{\"residual_impact\":2,\"version\":3}");
    CHECK_STATUS(&r, 200);
    assert_string_equal(json_str(&r, "acceptance"), "invalidated");
    resp_free(&r);
    request(&r, &admin_token, "GET", "/api/v1/risks/RSK-1/acceptances", NULL);
    assert_string_equal(json_str(&r, "acceptance"), "invalidated");
    items = json_object_get(r.json, "items");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "validity")),
                        "changed");
    resp_free(&r);
    stop();
}

static void test_top_management_exception(void **state)
{
    (void)state;
    setup_isms();
    http_session olga = {0}, bea = {0};
    login(&olga, "olga", OLGA_PW);
    login(&bea, "bea", BEA_PW);
    resp r;
    request(&r, &olga, "POST", "/api/v1/risks/RSK-2/accept",
            "{\"role\":\"owner\",\"rationale\":\"Backups\",\"sign_password\":\"" OLGA_PW "\"}");
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    request(&r, &olga, "GET", "/api/v1/risks/RSK-2", NULL);
    assert_string_equal(json_str(&r, "acceptance"), "pending");
    resp_free(&r);
    /* Very high must be treated: top management accepts it only as an exception. */
    refused(&bea, "/api/v1/risks/RSK-2/accept",
            "{\"role\":\"top-management\",\"rationale\":\"x\",\"sign_password\":\"" BEA_PW "\"}",
            400, "time-limited exception");
    refused(&olga, "/api/v1/risks/RSK-2/accept",
            "{\"role\":\"top-management\",\"rationale\":\"x\",\"sign_password\":\"" OLGA_PW
            "\"}",
            400, "does not belong to top management");
    char until[16], body[512];
    time_t t = time(NULL) + 30 * 86400;
    strftime(until, sizeof(until), "%Y-%m-%d", gmtime(&t));
    snprintf(body, sizeof(body),
             "{\"role\":\"top-management\",\"rationale\":\"Until the new backup site\","
             "\"exception\":true,\"exception_until\":\"%s\",\"sign_password\":\"" BEA_PW "\"}",
             until);
    request(&r, &bea, "POST", "/api/v1/risks/RSK-2/accept", body);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    request(&r, &bea, "GET", "/api/v1/risks/RSK-2", NULL);
    assert_string_equal(json_str(&r, "acceptance"), "accepted");
    assert_string_equal(json_str(&r, "accepted_until"), until);
    resp_free(&r);
    stop();
}

static void test_web_panel_and_overdue_flag(void **state)
{
    (void)state;
    setup_isms();
    http_session olga = {0}, admin = {0};
    login(&olga, "olga", OLGA_PW);
    olga.csrf_header = false; /* forms carry csrf */
    login(&admin, SRV.admin, SRV.password);
    resp r;
    request(&r, &olga, "GET", "/risks/RSK-1", NULL);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "id=\"acceptance\"");
    BODY_HAS(&r, "Not accepted");
    BODY_HAS(&r, "Sign acceptance");
    BODY_HAS(&r, "name=\"sign_password\"");
    BODY_LACKS(&r, "Add Risk acceptance");
    resp_free(&r);
    /* The administrator is no person: no form to sign. */
    request(&r, &admin, "GET", "/risks/RSK-1", NULL);
    BODY_HAS(&r, "id=\"acceptance\"");
    BODY_LACKS(&r, "Sign acceptance");
    resp_free(&r);
    request(&r, &admin, "GET", "/risk-acceptances", NULL);
    CHECK_STATUS(&r, 200);
    BODY_LACKS(&r, "New risk acceptance");
    resp_free(&r);

    /* A refused form comes back with what was typed and the error; nothing written. */
    char form[512];
    snprintf(form, sizeof(form), "csrf=%s&role=owner&rationale=&sign_password=olga+password+1234",
             olga.csrf);
    refused(&olga, "/risks/RSK-1/accept", form, 422, "Rationale");
    snprintf(form, sizeof(form),
             "csrf=%s&role=owner&rationale=Encrypted+disks&sign_password=wrong", olga.csrf);
    refused(&olga, "/risks/RSK-1/accept", form, 422, "is not your password");
    snprintf(form, sizeof(form),
             "csrf=%s&role=owner&rationale=Encrypted+disks&sign_password=olga+password+1234",
             olga.csrf);
    request(&r, &olga, "POST", "/risks/RSK-1/accept", form);
    CHECK_STATUS(&r, 303);
    TEXT_HAS(r.location, "/risks/RSK-1#acceptance");
    resp_free(&r);
    assert_int_equal(acceptances(), 1);
    request(&r, &olga, "GET", "/risks/RSK-1", NULL);
    BODY_HAS(&r, "Accepted until 2099-12-31");
    BODY_HAS(&r, "Encrypted disks");
    BODY_HAS(&r, ">valid<");
    BODY_LACKS(&r, "acceptance-overdue");
    resp_free(&r);

    /* A treatment action of the risk past its due date flags the accepted risk. */
    const char *act[] = {"risk-action", "add", "--title", "Encrypt the last laptops",
                         "--owner", "PER-1", "--due-date", "2020-01-31", "--risks", "RSK-1",
                         NULL};
    cli(act);
    request(&r, &olga, "GET", "/risks/RSK-1", NULL);
    BODY_HAS(&r, "id=\"acceptance-overdue\"");
    BODY_HAS(&r, "RTA-1");
    resp_free(&r);
    http_session token = {0};
    http_bearer(&token, SRV.token);
    request(&r, &token, "GET", "/api/v1/risks/RSK-1/acceptances", NULL);
    assert_true(json_is_true(json_object_get(r.json, "accepted_with_overdue_actions")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(r.json,
                                                                         "overdue_actions"),
                                                         0)),
                        "RTA-1");
    resp_free(&r);

    /* Changing the controls invalidates it, visibly, naming what changed. */
    request(&r, &token, "PATCH", "/api/v1/risks/RSK-1", "{\"controls\":\"5.15\",\"version\":2}");
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    request(&r, &olga, "GET", "/risks/RSK-1", NULL);
    BODY_HAS(&r, "Invalidated");
    BODY_HAS(&r, "id=\"acceptance-changed\"");
    BODY_HAS(&r, " controls;");
    BODY_HAS(&r, ">changed<");
    resp_free(&r);
    stop();
}

int main(int argc, char **argv)
{
    int skip = server_driver_from_args(argc, argv);
    if (skip)
        return skip;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_signing),
        cmocka_unit_test(test_top_management_exception),
        cmocka_unit_test(test_web_panel_and_overdue_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
