/*
 * Assessment campaigns (8.2) over HTTP on the real server, on either driver:
 * owners answer, the coverage counts them exactly and names the late owners,
 * closing takes the snapshot (as many rows as risks), a closed campaign
 * refuses changes and answers with nothing written, two snapshots compare
 * (new, closed, raised, lowered), the due check, and the campaign's pages
 * (coverage bar, Confirm buttons, close button, compare page).
 *
 * bea (contributor, PER-1) owns RSK-1 and RSK-2; carl (contributor, PER-2)
 * owns RSK-3; the administrator (manager too) answers for anyone and closes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/http.h"
#include "../support/server.h"

static test_server SRV;
static CURL *EASY;
#define USER_PASSWORD "a password of the tests"

typedef struct cred {
    const char *name;
    http_session s;
} cred;

static cred ADMIN = {.name = SERVER_ADMIN}, BEA = {.name = "bea"}, CARL = {.name = "carl"},
            BEA_WEB = {.name = "bea"}, ADMIN_WEB = {.name = SERVER_ADMIN};

/* One request as who: JSON with a token, or a form with the session's CSRF token. */
static void http(resp *r, const cred *who, const char *method, const char *path,
                 const char *body)
{
    http_session s = who->s;
    bool form = s.cookie[0] != '\0';
    char with_csrf[2048];
    if (form && body) {
        snprintf(with_csrf, sizeof(with_csrf), "%s%scsrf=%s", body, body[0] ? "&" : "", s.csrf);
        body = with_csrf;
    }
    http_headers h = {0};
    if (body) {
        http_header(&h, "Content-Type: %s", form ? HTTP_FORM_TYPE : "application/json");
        http_header(&h, "Origin: %s", SRV.url);
    }
    http_credentials(&h, &s);
    http_client c = {.base = SRV.url, .easy = EASY};
    http_send(r, &c, method, path, body, body ? strlen(body) : 0, h.line);
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static long long jint(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* The problem names field among its errors. */
static void names_field(const resp *r, const char *field)
{
    json_t *errs = json_object_get(r->json, "errors");
    size_t i;
    json_t *e;
    json_array_foreach(errs, i, e)
    {
        if (strcmp(jstr(e, "field"), field) == 0)
            return;
    }
    fail_msg("no error names %s: %s", field, r->body);
}

static long long rows(const char *sql)
{
    return server_db_int(&SRV, sql);
}

static void created(const cred *who, const char *path, const char *body, const char *want_id)
{
    resp r;
    http(&r, who, "POST", path, body);
    CHECK_STATUS(&r, 201);
    assert_string_equal(jstr(r.json, "id"), want_id);
    resp_free(&r);
}

static void cli(const char *const *args)
{
    char out[4096];
    int rc = server_run_isms(args, SERVER_RUN_SECONDS, out, sizeof(out));
    if (rc != 0)
        fail_msg("isms %s %s: exit %d: %s", args[2], args[3], rc, out);
}

static bool sign_in(cred *c)
{
    http_client cl = {.base = SRV.url, .easy = EASY};
    resp r;
    long status = http_login(&r, &cl, &c->s, c->name, USER_PASSWORD);
    resp_free(&r);
    return status == 303 && http_read_csrf(&cl, &c->s, "/");
}

static int group_setup(void **state)
{
    (void)state;
    memset(&SRV, 0, sizeof(SRV));
    EASY = curl_easy_init();
    server_set_risk_preset("5");
    if (!EASY || !server_start(&SRV, NULL))
        return -1;
    http_bearer(&ADMIN.s, SRV.token);
    if (!server_add_user(&SRV, "bea", "contributor", USER_PASSWORD) ||
        !server_add_user(&SRV, "carl", "contributor", USER_PASSWORD) ||
        !server_mint_token(&SRV, "bea", NULL, BEA.s.token, sizeof(BEA.s.token)) ||
        !server_mint_token(&SRV, "carl", NULL, CARL.s.token, sizeof(CARL.s.token)))
        return -1;
    /* The administrator signs in with the password server_prepare gave them. */
    http_client cl = {.base = SRV.url, .easy = EASY};
    resp r;
    long st = http_login(&r, &cl, &ADMIN_WEB.s, SRV.admin, SRV.password);
    resp_free(&r);
    if (st != 303 || !http_read_csrf(&cl, &ADMIN_WEB.s, "/"))
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    server_cleanup(&SRV);
    curl_easy_cleanup(EASY);
    return 0;
}

/* ============================================================================= */

static void test_setup_people_and_risks(void **state)
{
    (void)state;
    resp r;
    /* Before any assessment: due, never assessed. */
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/due", NULL);
    CHECK_STATUS(&r, 200);
    assert_true(json_is_true(json_object_get(r.json, "due")));
    TEXT_HAS(jstr(r.json, "reason"), "no assessment has been closed yet");
    assert_int_equal(jint(r.json, "interval_months"), 12);
    resp_free(&r);

    created(&ADMIN, "/api/v1/people", "{\"name\":\"Bea Owner\"}", "PER-1");
    created(&ADMIN, "/api/v1/people", "{\"name\":\"Carl Other\"}", "PER-2");
    cli((const char *[]){"--db", SRV.db, "user", "set", "bea", "--person", "PER-1", NULL});
    cli((const char *[]){"--db", SRV.db, "user", "set", "carl", "--person", "PER-2", NULL});
    created(&ADMIN, "/api/v1/risks",
            "{\"title\":\"Laptop theft\",\"owner\":\"PER-1\",\"likelihood\":4,\"impact\":4}",
            "RSK-1");
    created(&ADMIN, "/api/v1/risks",
            "{\"title\":\"Phishing\",\"owner\":\"PER-1\",\"likelihood\":2,\"impact\":2}", "RSK-2");
    created(&ADMIN, "/api/v1/risks",
            "{\"title\":\"Flood\",\"owner\":\"PER-2\",\"likelihood\":1,\"impact\":1}", "RSK-3");
    /* Due long ago: whoever has not answered is late. */
    created(&ADMIN, "/api/v1/risk-campaigns",
            "{\"title\":\"Assessment 2025\",\"trigger\":\"interval\",\"due_date\":\"2025-01-31\"}",
            "CMP-1");
}

static void test_answers_and_coverage(void **state)
{
    (void)state;
    resp r;
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/CMP-1/coverage", NULL);
    CHECK_STATUS(&r, 200);
    assert_int_equal(jint(r.json, "risks"), 3);
    assert_int_equal(jint(r.json, "answered"), 0);
    assert_int_equal(jint(r.json, "late_owners"), 2);
    resp_free(&r);

    created(&BEA, "/api/v1/risk-reviews",
            "{\"campaign\":\"CMP-1\",\"risk\":\"RSK-1\",\"outcome\":\"confirmed\"}", "RRV-1");
    /* bea may not answer carl's risk: refused, nothing written. */
    http(&r, &BEA, "POST", "/api/v1/risk-reviews",
         "{\"campaign\":\"CMP-1\",\"risk\":\"RSK-3\",\"outcome\":\"confirmed\"}");
    assert_true(r.status == 400 || r.status == 403);
    resp_free(&r);
    assert_int_equal(rows("SELECT COUNT(*) FROM risk_review"), 1);

    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/CMP-1/coverage", NULL);
    CHECK_STATUS(&r, 200);
    assert_string_equal(jstr(r.json, "status"), "open");
    assert_int_equal(jint(r.json, "risks"), 3);
    assert_int_equal(jint(r.json, "answered"), 1);
    assert_int_equal(jint(r.json, "percent"), 33);
    assert_int_equal(jint(r.json, "late_owners"), 2);
    json_t *owners = json_object_get(r.json, "owners");
    assert_int_equal(json_array_size(owners), 2);
    json_t *bea = json_array_get(owners, 0), *carl = json_array_get(owners, 1);
    assert_string_equal(jstr(bea, "person"), "PER-1");
    assert_string_equal(jstr(bea, "name"), "Bea Owner");
    assert_int_equal(jint(bea, "risks"), 2);
    assert_int_equal(jint(bea, "answered"), 1);
    assert_int_equal(jint(bea, "percent"), 50);
    assert_true(json_is_true(json_object_get(bea, "late")));
    assert_string_equal(jstr(carl, "person"), "PER-2");
    assert_int_equal(jint(carl, "answered"), 0);
    assert_true(json_is_true(json_object_get(carl, "late")));
    resp_free(&r);

    /* Two answers for one risk count once. */
    created(&ADMIN, "/api/v1/risk-reviews",
            "{\"campaign\":\"CMP-1\",\"risk\":\"RSK-1\",\"outcome\":\"confirmed\"}", "RRV-2");
    created(&BEA, "/api/v1/risk-reviews",
            "{\"campaign\":\"CMP-1\",\"risk\":\"RSK-2\",\"outcome\":\"confirmed\"}", "RRV-3");
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/CMP-1/coverage", NULL);
    assert_int_equal(jint(r.json, "answered"), 2);
    assert_int_equal(jint(r.json, "late_owners"), 1);
    bea = json_array_get(json_object_get(r.json, "owners"), 0);
    assert_false(json_is_true(json_object_get(bea, "late")));
    resp_free(&r);
}

static void test_bad_requests(void **state)
{
    (void)state;
    resp r;
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/CMP-99/coverage", NULL);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/CMP-1/coverage?x=1", NULL);
    CHECK_STATUS(&r, 400);
    names_field(&r, "x");
    resp_free(&r);
    /* An open campaign has no snapshot yet. */
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/CMP-1/snapshot", NULL);
    CHECK_STATUS(&r, 409);
    BODY_HAS(&r, "CMP-1 is open");
    resp_free(&r);
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/CMP-99/snapshot", NULL);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/compare", NULL);
    CHECK_STATUS(&r, 400);
    names_field(&r, "from");
    names_field(&r, "to");
    resp_free(&r);
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/compare?from=CMP-1&to=CMP-99", NULL);
    CHECK_STATUS(&r, 400);
    names_field(&r, "from"); /* open */
    names_field(&r, "to");   /* unknown */
    BODY_HAS(&r, "CMP-99: no such assessment campaign");
    BODY_HAS(&r, "CMP-1 is open");
    resp_free(&r);
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/compare?from=CMP-1&to=x&limit=0", NULL);
    CHECK_STATUS(&r, 400);
    names_field(&r, "to");
    names_field(&r, "limit");
    resp_free(&r);
}

static void test_close_takes_snapshot(void **state)
{
    (void)state;
    resp r;
    /* A contributor may not close it: nothing written. */
    http(&r, &BEA, "PATCH", "/api/v1/risk-campaigns/CMP-1", "{\"status\":\"closed\",\"version\":1}");
    CHECK_STATUS(&r, 403);
    resp_free(&r);
    assert_int_equal(rows("SELECT COUNT(*) FROM risk_snapshot"), 0);

    http(&r, &ADMIN, "PATCH", "/api/v1/risk-campaigns/CMP-1", "{\"status\":\"closed\",\"version\":1}");
    CHECK_STATUS(&r, 200);
    assert_string_equal(jstr(r.json, "status"), "closed");
    assert_int_equal(jint(r.json, "risks_total"), 3);
    assert_true(jstr(r.json, "closed_at")[0] != '\0');
    resp_free(&r);
    assert_int_equal(rows("SELECT COUNT(*) FROM risk_snapshot WHERE campaign_id = 1"),
                     rows("SELECT COUNT(*) FROM risk WHERE retired_at IS NULL"));
    assert_int_equal(rows("SELECT COUNT(*) FROM risk_snapshot WHERE campaign_id = 1"), 3);

    /* Closed: no change, no new answer; nothing written. */
    long long log = rows("SELECT COUNT(*) FROM isms_change_log");
    http(&r, &ADMIN, "PATCH", "/api/v1/risk-campaigns/CMP-1", "{\"title\":\"Other\",\"version\":2}");
    CHECK_STATUS(&r, 409);
    resp_free(&r);
    http(&r, &ADMIN, "POST", "/api/v1/risk-reviews",
         "{\"campaign\":\"CMP-1\",\"risk\":\"RSK-3\",\"outcome\":\"confirmed\"}");
    CHECK_STATUS(&r, 400);
    names_field(&r, "campaign");
    resp_free(&r);
    assert_int_equal(rows("SELECT COUNT(*) FROM risk_review"), 3);
    assert_int_equal(rows("SELECT version FROM risk_campaign WHERE id = 1"), 2);
    assert_int_equal(rows("SELECT COUNT(*) FROM isms_change_log"), log);

    /* The coverage of a closed campaign is of its snapshot, and no one is late any more. */
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/CMP-1/coverage", NULL);
    assert_string_equal(jstr(r.json, "status"), "closed");
    assert_int_equal(jint(r.json, "risks"), 3);
    assert_int_equal(jint(r.json, "answered"), 2);
    assert_int_equal(jint(r.json, "late_owners"), 0);
    resp_free(&r);

    /* The snapshot, two at a time. */
    http(&r, &BEA, "GET", "/api/v1/risk-campaigns/CMP-1/snapshot?limit=2", NULL);
    CHECK_STATUS(&r, 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    json_t *first = json_array_get(items, 0);
    assert_string_equal(jstr(first, "risk"), "RSK-1");
    assert_string_equal(jstr(first, "owner"), "PER-1");
    assert_string_equal(jstr(first, "owner_name"), "Bea Owner");
    assert_int_equal(jint(first, "likelihood"), 4);
    assert_int_equal(jint(first, "impact"), 4);
    assert_string_equal(jstr(first, "method"), "RM-1");
    assert_string_equal(jstr(r.json, "next_cursor"), "RSK-2");
    resp_free(&r);
    http(&r, &BEA, "GET", "/api/v1/risk-campaigns/CMP-1/snapshot?limit=2&cursor=RSK-2", NULL);
    CHECK_STATUS(&r, 200);
    items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(jstr(json_array_get(items, 0), "risk"), "RSK-3");
    assert_true(json_is_null(json_object_get(r.json, "next_cursor")));
    resp_free(&r);
    http(&r, &BEA, "GET", "/api/v1/risk-campaigns/CMP-1/snapshot?cursor=abc", NULL);
    CHECK_STATUS(&r, 400);
    names_field(&r, "cursor");
    resp_free(&r);

    /* Just closed: not due; the next one is a year after. */
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/due", NULL);
    CHECK_STATUS(&r, 200);
    assert_true(json_is_false(json_object_get(r.json, "due")));
    assert_string_equal(jstr(r.json, "last_campaign"), "CMP-1");
    assert_int_equal(strlen(jstr(r.json, "next_due")), 10);
    resp_free(&r);
}

/* The level of a risk as stored, to compare with what the snapshots say. */
static long long level_of(int id)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT level FROM risk WHERE id = %d", id);
    return rows(sql);
}

static void patch_risk(int id, const char *fields)
{
    resp r;
    char path[64], body[256];
    snprintf(path, sizeof(path), "/api/v1/risks/RSK-%d", id);
    http(&r, &ADMIN, "GET", path, NULL);
    long long version = jint(r.json, "version");
    resp_free(&r);
    snprintf(body, sizeof(body), "{%s,\"version\":%lld}", fields, version);
    http(&r, &ADMIN, "PATCH", path, body);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
}

static void test_compare(void **state)
{
    (void)state;
    long long l1 = level_of(1), l2 = level_of(2);
    created(&ADMIN, "/api/v1/risk-campaigns",
            "{\"title\":\"After the incident\",\"trigger\":\"incident\",\"due_date\":\"2099-12-31\"}",
            "CMP-2");
    patch_risk(1, "\"likelihood\":1,\"impact\":1"); /* lowered */
    patch_risk(2, "\"likelihood\":5,\"impact\":5"); /* raised */
    patch_risk(3, "\"status\":\"closed\"");         /* closed */
    created(&ADMIN, "/api/v1/risks",
            "{\"title\":\"Ransomware\",\"owner\":\"PER-2\",\"likelihood\":3,\"impact\":5}",
            "RSK-4");
    assert_true(level_of(1) < l1);
    assert_true(level_of(2) > l2);
    resp r;
    /* Not yet due: nobody is late on an open campaign before its due date. */
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/CMP-2/coverage", NULL);
    assert_int_equal(jint(r.json, "risks"), 4);
    assert_int_equal(jint(r.json, "answered"), 0);
    assert_int_equal(jint(r.json, "late_owners"), 0);
    resp_free(&r);
    http(&r, &ADMIN, "PATCH", "/api/v1/risk-campaigns/CMP-2", "{\"status\":\"closed\",\"version\":1}");
    CHECK_STATUS(&r, 200);
    resp_free(&r);

    http(&r, &CARL, "GET", "/api/v1/risk-campaigns/compare?from=CMP-1&to=CMP-2", NULL);
    CHECK_STATUS(&r, 200);
    json_t *counts = json_object_get(r.json, "counts");
    assert_int_equal(jint(counts, "new"), 1);
    assert_int_equal(jint(counts, "closed"), 1);
    assert_int_equal(jint(counts, "raised"), 1);
    assert_int_equal(jint(counts, "lowered"), 1);
    assert_int_equal(jint(counts, "unchanged"), 0);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 4);
    static const char *const want[][2] = {
        {"RSK-1", "lowered"}, {"RSK-2", "raised"}, {"RSK-3", "closed"}, {"RSK-4", "new"}};
    for (size_t i = 0; i < 4; i++) {
        json_t *it = json_array_get(items, i);
        assert_string_equal(jstr(it, "risk"), want[i][0]);
        assert_string_equal(jstr(it, "change"), want[i][1]);
    }
    assert_int_equal(jint(json_array_get(items, 1), "level_from"), l2);
    assert_int_equal(jint(json_array_get(items, 1), "level_to"), level_of(2));
    assert_true(json_is_null(json_object_get(json_array_get(items, 3), "level_from")));
    assert_true(json_is_null(json_object_get(r.json, "next_cursor")));
    resp_free(&r);
    /* A page of one, then the rest. */
    http(&r, &CARL, "GET", "/api/v1/risk-campaigns/compare?from=CMP-1&to=CMP-2&limit=1", NULL);
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    assert_string_equal(jstr(r.json, "next_cursor"), "RSK-1");
    resp_free(&r);
    http(&r, &CARL, "GET",
         "/api/v1/risk-campaigns/compare?from=CMP-1&to=CMP-2&limit=2&cursor=RSK-1", NULL);
    CHECK_STATUS(&r, 200);
    items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(jstr(json_array_get(items, 0), "risk"), "RSK-2");
    assert_string_equal(jstr(r.json, "next_cursor"), "RSK-3");
    resp_free(&r);
    /* The other way round: the new risk is closed, the closed one new... */
    http(&r, &CARL, "GET", "/api/v1/risk-campaigns/compare?from=CMP-2&to=CMP-1", NULL);
    CHECK_STATUS(&r, 200);
    counts = json_object_get(r.json, "counts");
    assert_int_equal(jint(counts, "closed"), 1);
    assert_int_equal(jint(counts, "raised"), 1);
    assert_int_equal(jint(counts, "lowered"), 1);
    resp_free(&r);
    http(&r, &CARL, "GET", "/api/v1/risk-campaigns/compare?from=CMP-1&to=CMP-1", NULL);
    CHECK_STATUS(&r, 400);
    names_field(&r, "to");
    resp_free(&r);
}

/* --- the pages ------------------------------------------------------------- */

static void test_pages(void **state)
{
    (void)state;
    assert_true(sign_in(&BEA_WEB));
    created(&ADMIN, "/api/v1/risk-campaigns",
            "{\"title\":\"Quarterly\",\"trigger\":\"other\",\"due_date\":\"2025-06-30\"}", "CMP-3");
    resp r;
    http(&r, &BEA_WEB, "GET", "/risk-campaigns/CMP-3", NULL);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "<h2>Coverage</h2>");
    BODY_HAS(&r, "0 of 4 risks answered");
    BODY_HAS(&r, "<progress class=\"coverage\" max=\"4\" value=\"0\">");
    BODY_HAS(&r, "<tr class=\"late\">");
    BODY_HAS(&r, "Your risks to answer");
    BODY_HAS(&r, "name=\"risk\" value=\"RSK-1\"");
    BODY_HAS(&r, "name=\"risk\" value=\"RSK-2\"");
    BODY_LACKS(&r, "name=\"risk\" value=\"RSK-4\""); /* carl's */
    BODY_LACKS(&r, "Close and take snapshot");     /* not a manager */
    resp_free(&r);

    /* Confirm RSK-1 with the button's form: an answer, and back to the page. */
    http(&r, &BEA_WEB, "POST", "/risk-campaigns/CMP-3/confirm", "risk=RSK-1");
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/risk-campaigns/CMP-3?done=saved");
    resp_free(&r);
    assert_int_equal(rows("SELECT COUNT(*) FROM risk_review WHERE campaign = 3 AND risk = 1"), 1);
    /* Without the CSRF token: refused, nothing written. */
    http_headers h = {0};
    http_header(&h, "Content-Type: %s", HTTP_FORM_TYPE);
    http_header(&h, "Origin: %s", SRV.url);
    http_session s = BEA_WEB.s;
    http_credentials(&h, &s);
    http_client c = {.base = SRV.url, .easy = EASY};
    http_send(&r, &c, "POST", "/risk-campaigns/CMP-3/confirm", "risk=RSK-2", 10, h.line);
    CHECK_STATUS(&r, 403);
    resp_free(&r);
    /* Not hers: refused with the reason, nothing written. */
    http(&r, &BEA_WEB, "POST", "/risk-campaigns/CMP-3/confirm", "risk=RSK-4");
    assert_true(r.status == 400 || r.status == 422);
    BODY_HAS(&r, "answered by its owner");
    resp_free(&r);
    http(&r, &BEA_WEB, "POST", "/risk-campaigns/CMP-3/confirm", "risk=nonsense");
    assert_true(r.status == 400 || r.status == 422);
    resp_free(&r);
    assert_int_equal(rows("SELECT COUNT(*) FROM risk_review WHERE campaign = 3"), 1);

    http(&r, &BEA_WEB, "GET", "/risk-campaigns/CMP-3", NULL);
    BODY_HAS(&r, "1 of 4 risks answered");
    BODY_LACKS(&r, "name=\"risk\" value=\"RSK-1\"");
    resp_free(&r);

    /* The manager sees the close button, with its question; closing shows the snapshot. */
    http(&r, &ADMIN_WEB, "GET", "/risk-campaigns/CMP-3", NULL);
    BODY_HAS(&r, "Close and take snapshot");
    BODY_HAS(&r, "data-confirm=\"Close this assessment");
    resp_free(&r);
    http(&r, &ADMIN_WEB, "POST", "/risk-campaigns/CMP-3/close", "version=1");
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    assert_int_equal(rows("SELECT COUNT(*) FROM risk_snapshot WHERE campaign_id = 3"), 4);
    http(&r, &BEA_WEB, "GET", "/risk-campaigns/CMP-3", NULL);
    BODY_HAS(&r, "<h2>Snapshot</h2>");
    BODY_HAS(&r, "Ransomware");
    BODY_LACKS(&r, "Your risks to answer");
    resp_free(&r);
    /* A second close of the same version: refused, one snapshot. */
    http(&r, &ADMIN_WEB, "POST", "/risk-campaigns/CMP-3/close", "version=1");
    CHECK_STATUS(&r, 409);
    resp_free(&r);
    assert_int_equal(rows("SELECT COUNT(*) FROM risk_snapshot WHERE campaign_id = 3"), 4);

    /* The compare page, in sections. */
    http(&r, &BEA_WEB, "GET", "/risk-campaigns/compare?from=CMP-1&to=CMP-2", NULL);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "id=\"new\"");
    BODY_HAS(&r, "id=\"raised\"");
    BODY_HAS(&r, "id=\"lowered\"");
    BODY_HAS(&r, "id=\"closed\"");
    BODY_HAS(&r, "Ransomware");
    resp_free(&r);
    http(&r, &BEA_WEB, "GET", "/risk-campaigns/compare?from=CMP-1&to=CMP-77", NULL);
    assert_int_equal(r.status, 400);
    BODY_HAS(&r, "CMP-77: no such assessment campaign");
    resp_free(&r);
    http(&r, &BEA_WEB, "GET", "/risk-campaigns/compare", NULL);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "name=\"from\"");
    resp_free(&r);
}

static void test_home_notice(void **state)
{
    (void)state;
    resp r;
    /* The last assessment closed today: no notice. */
    http(&r, &BEA_WEB, "GET", "/", NULL);
    CHECK_STATUS(&r, 200);
    BODY_LACKS(&r, "assessment-due");
    resp_free(&r);
    /* Closed long ago (as if), and the notice says since when. */
    assert_true(server_db_exec(&SRV, "UPDATE risk_campaign SET closed_at = "
                                     "'2020-01-15T10:00:00.000Z' WHERE status = 'closed'"));
    http(&r, &BEA_WEB, "GET", "/", NULL);
    BODY_HAS(&r, "id=\"assessment-due\"");
    BODY_HAS(&r, "due since 2021-01-15");
    resp_free(&r);
    http(&r, &ADMIN, "GET", "/api/v1/risk-campaigns/due", NULL);
    assert_true(json_is_true(json_object_get(r.json, "due")));
    assert_string_equal(jstr(r.json, "next_due"), "2021-01-15");
    resp_free(&r);
}

int main(int argc, char **argv)
{
    int skip = server_driver_from_args(argc, argv);
    if (skip)
        return skip;
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setup_people_and_risks),
        cmocka_unit_test(test_answers_and_coverage),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_close_takes_snapshot),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_home_notice),
    };
    int failed = cmocka_run_group_tests_name("risk-campaign", tests, group_setup, group_teardown);
    curl_global_cleanup();
    return failed;
}
