/*
 * The second factor over real HTTP (docs/SECURITY.md): the login's second
 * step (the pending-login cookie, a wrong code, a recovery code, no pending
 * login), replay of a code, the codes counted by the login throttling, the
 * administrator's requirement of a second factor for everyone, enrolment on
 * the web pages, and signing acts (fresh password and code; valid for a few
 * minutes; refused to API tokens). Codes are computed here from the secret
 * the CLI or the page shows.
 *
 * Each test starts its own server (`isms serve`, ISMS_BIN); the CLI is the
 * real binary too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../support/http.h"
#include "../support/server.h"
#include "core/totp.h"

static test_server SRV;

static http_client CLIENT; /* a new connection per request */

/* Who sends a request: nobody, a session ("isms_session=..." or "isms_login=...") or a token. */
typedef http_session who;

static const who NOBODY = {0};

/* One request with w's cookie and token (never X-CSRF-Token: forms carry csrf); a form body
 * when body is not NULL. */
static void request(resp *r, const who *w, const char *method, const char *path, const char *body)
{
    http_headers h = {0};
    http_header(&h, "Expect:");
    if (body)
        http_header(&h, "Content-Type: " HTTP_FORM_TYPE);
    http_header(&h, "Origin: %s", SRV.url);
    http_credentials(&h, w);
    http_send(r, &CLIENT, method, path, body, body ? strlen(body) : 0, h.line);
}

/* --- the server, the database, the CLI --------------------------------------------------- */

static void start(const char *const *extra)
{
    memset(&SRV, 0, sizeof(SRV));
    assert_true(server_start(&SRV, extra));
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

/* One integer from the database (either driver; -1 without a row). */
static long long db_int(const char *sql)
{
    return server_db_int(&SRV, sql);
}

static void db_exec(const char *sql)
{
    assert_true(server_db_exec(&SRV, sql));
}

/* The code of a base32 secret, `offset` steps from now. */
static void code_now(const char *secret, int offset, char out[9])
{
    unsigned char key[TOTP_KEY_MAX];
    size_t len;
    assert_true(totp_secret_decode(secret, key, &len));
    assert_true(totp_generate(key, len, (int64_t)time(NULL) + offset * TOTP_STEP_S, 6, out));
}

/* Forget the last accepted step of every user: the next code of this step passes again. */
static void forget_steps(void)
{
    db_exec("UPDATE isms_totp SET last_step = 0");
}

/*
 * Enrol `name` on the CLI (as the administrator): the secret into secret,
 * the recovery codes into codes (may be NULL).
 */
static void cli_enrol(const char *name, char secret[TOTP_SECRET_TEXT + 1],
                      char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1])
{
    char out[4096];
    const char *begin[] = {"--db", SRV.db, "--as", SRV.admin, "user", "totp", "enrol", name, NULL};
    assert_int_equal(server_run_isms(begin, SERVER_RUN_SECONDS, out, sizeof(out)), 0);
    const char *k = strstr(out, "30 s):\n  ");
    assert_non_null(k);
    snprintf(secret, TOTP_SECRET_TEXT + 1, "%.32s", k + strlen("30 s):\n  "));
    char code[16];
    code_now(secret, 0, code);
    strcat(code, "\n");
    const char *confirm[] = {"--db", SRV.db, "--as", SRV.admin, "user", "totp", "confirm", name,
                             NULL};
    assert_int_equal(server_run_isms_input(confirm, code, SERVER_RUN_SECONDS, out, sizeof(out)),
                     0);
    const char *p = strstr(out, "shown again):\n");
    assert_non_null(p);
    p += strlen("shown again):\n");
    for (size_t i = 0; codes && i < TOTP_RECOVERY_COUNT; i++) {
        assert_int_equal(strncmp(p, "  ", 2), 0);
        snprintf(codes[i], TOTP_RECOVERY_TEXT + 1, "%.19s", p + 2);
        p += 2 + TOTP_RECOVERY_TEXT + 1;
    }
    forget_steps();
}

/* POST /login with name and password; the pending login's cookie into w. */
static long password_step(who *w, const char *name, const char *password, resp *r)
{
    return http_login(r, &CLIENT, w, name, password);
}

/* The session's CSRF token from its account page. */
static void read_csrf(who *w)
{
    assert_true(http_read_csrf(&CLIENT, w, "/account"));
}

/* The code step: POST /login/code; the session cookie replaces the pending one on success. */
static long code_step(who *w, const char *code, resp *r)
{
    char body[128];
    snprintf(body, sizeof(body), "code=%s", code);
    for (char *p = body; *p; p++)
        if (*p == ' ')
            *p = '+';
    request(r, w, "POST", "/login/code", body);
    const char *c = http_set_cookie(r, "isms_session");
    if (r->status == 303 && c[0])
        snprintf(w->cookie, sizeof(w->cookie), "%.*s", (int)strcspn(c, ";"), c);
    return r->status;
}

/* Sign in with both steps; a session with its CSRF token in w. */
static void sign_in_with_code(who *w, const char *name, const char *password, const char *secret)
{
    resp r;
    assert_int_equal(password_step(w, name, password, &r), 303);
    resp_free(&r);
    char code[9];
    code_now(secret, 0, code);
    forget_steps();
    CHECK_STATUS((code_step(w, code, &r), &r), 303);
    resp_free(&r);
    read_csrf(w);
}

/* ===================================================================================== */

static void test_login_second_step(void **state)
{
    (void)state;
    /* No throttling here (test_codes_are_throttled has it): this test fails codes on purpose. */
    start((const char *const[]){"--login-delay-after", "1000", "--login-lockout-after", "1000",
                                NULL});
    char secret[TOTP_SECRET_TEXT + 1], codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1];
    cli_enrol(SRV.admin, secret, codes);
    /* The right password: no session yet, a pending login bound to this browser. */
    who w;
    resp r;
    char body[256];
    snprintf(body, sizeof(body), "name=admin&password=admin+password+1234&next=%%2Fcontext-issues");
    request(&r, &NOBODY, "POST", "/login", body);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/login/code");
    assert_string_equal(http_set_cookie(&r, "isms_session"), "");
    const char *pending = http_set_cookie(&r, "isms_login");
    TEXT_HAS(pending, "; Path=/login");
    TEXT_HAS(pending, "; HttpOnly");
    TEXT_HAS(pending, "; SameSite=Lax");
    TEXT_HAS(pending, "Max-Age=300");
    memset(&w, 0, sizeof(w));
    snprintf(w.cookie, sizeof(w.cookie), "%.*s", (int)strcspn(pending, ";"), pending);
    resp_free(&r);
    assert_int_equal(db_int("SELECT count(*) FROM isms_session"), 0);
    assert_int_equal(db_int("SELECT count(*) FROM isms_login_pending WHERE length(token_hash) = 64"),
                     1);
    /* The pending cookie is no session. */
    request(&r, &w, "GET", "/", NULL);
    CHECK_STATUS(&r, 303);
    TEXT_HAS(r.location, "/login?next=");
    resp_free(&r);
    request(&r, &w, "GET", "/login/code", NULL);
    CHECK_STATUS(&r, 200);
    TEXT_HAS(r.body, "autocomplete=\"one-time-code\"");
    resp_free(&r);
    /* A wrong code: asked again. */
    char code[9];
    code_now(secret, 0, code);
    char wrong[9];
    snprintf(wrong, sizeof(wrong), "%06d", (atoi(code) + 500000) % 1000000);
    CHECK_STATUS((code_step(&w, wrong, &r), &r), 401);
    TEXT_HAS(r.body, "The code is not right");
    resp_free(&r);
    /* The right one: the session, back to the page asked for, the pending cookie cleared. */
    CHECK_STATUS((code_step(&w, code, &r), &r), 303);
    assert_string_equal(r.location, "/context-issues");
    TEXT_HAS(http_set_cookie(&r, "isms_session"), "; HttpOnly");
    TEXT_HAS(http_set_cookie(&r, "isms_login"), "Max-Age=0");
    resp_free(&r);
    request(&r, &w, "GET", "/context-issues", NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    assert_int_equal(db_int("SELECT count(*) FROM isms_login_pending"), 0);
    /* Replay: the same code, and the one before it, are refused at the next login. */
    assert_int_equal(password_step(&w, "admin", SRV.password, &r), 303);
    resp_free(&r);
    CHECK_STATUS((code_step(&w, code, &r), &r), 401);
    resp_free(&r);
    char before[9];
    code_now(secret, -1, before);
    CHECK_STATUS((code_step(&w, before, &r), &r), 401);
    resp_free(&r);
    assert_true(
        db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'totp_failed' AND detail = "
               "'login: code already used'") >= 1);
    /* A recovery code instead, in any case and without dashes: once. */
    char lower[TOTP_RECOVERY_TEXT + 1];
    size_t n = 0;
    for (const char *p = codes[0]; *p; p++)
        if (*p != '-')
            lower[n++] = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
    lower[n] = '\0';
    CHECK_STATUS((code_step(&w, lower, &r), &r), 303);
    resp_free(&r);
    assert_int_equal(
        db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'recovery_code_used'"), 1);
    assert_int_equal(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'login_ok' AND "
                            "detail = 'second factor: a recovery code'"),
                     1);
    assert_int_equal(password_step(&w, "admin", SRV.password, &r), 303);
    resp_free(&r);
    CHECK_STATUS((code_step(&w, codes[0], &r), &r), 401);
    resp_free(&r);
    /* Five wrong codes end the pending login: back to the password. */
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS((code_step(&w, wrong, &r), &r), 401);
        resp_free(&r);
    }
    CHECK_STATUS((code_step(&w, wrong, &r), &r), 303);
    assert_string_equal(r.location, "/login?expired=1");
    resp_free(&r);
    /* Without a pending login there is nothing to complete. */
    who none = {0};
    CHECK_STATUS((code_step(&none, code, &r), &r), 303);
    assert_string_equal(r.location, "/login?expired=1");
    resp_free(&r);
    request(&r, &NOBODY, "GET", "/login/code", NULL);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    /* API tokens are a factor of their own: unaffected. */
    who t = {0};
    snprintf(t.token, sizeof(t.token), "%s", SRV.token);
    request(&r, &t, "GET", "/api/v1/context-issues", NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    /* The secret never leaves through the pages once enrolled. */
    sign_in_with_code(&w, "admin", SRV.password, secret);
    request(&r, &w, "GET", "/account/totp", NULL);
    CHECK_STATUS(&r, 200);
    assert_null(strstr(r.body, secret));
    TEXT_HAS(r.body, "9 of 10 unused");
    resp_free(&r);
    stop();
}

static void test_codes_are_throttled(void **state)
{
    (void)state;
    start((const char *const[]){"--login-delay-after", "2", "--login-lockout-after", "4", NULL});
    char secret[TOTP_SECRET_TEXT + 1];
    cli_enrol(SRV.admin, secret, NULL);
    who w;
    resp r;
    assert_int_equal(password_step(&w, "admin", SRV.password, &r), 303);
    resp_free(&r);
    char code[9], wrong[9];
    code_now(secret, 0, code);
    snprintf(wrong, sizeof(wrong), "%06d", (atoi(code) + 500000) % 1000000);
    double t0 = server_now();
    for (int i = 0; i < 4; i++) {
        CHECK_STATUS((code_step(&w, wrong, &r), &r), 401);
        resp_free(&r);
    }
    assert_true(server_now() - t0 >= 2.9); /* 1 s and 2 s after the second failure */
    /* Locked: even the right code, and the password too. */
    CHECK_STATUS((code_step(&w, code, &r), &r), 429);
    assert_string_equal(r.retry_after, "900");
    resp_free(&r);
    assert_int_equal(password_step(&w, "admin", SRV.password, &r), 429);
    resp_free(&r);
    assert_int_equal(db_int("SELECT count(*) FROM isms_session"), 0);
    assert_int_equal(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'login_failed' "
                            "AND detail = 'wrong code'"),
                     4);
    stop();
}

static void test_require_for_everyone(void **state)
{
    (void)state;
    start(NULL);
    assert_true(server_add_user(&SRV, "nina", "manager", "nina password 1"));
    char out[2048];
    const char *on[] = {"--db", SRV.db, "--as", SRV.admin, "user", "totp", "require", "on", NULL};
    assert_int_equal(server_run_isms(on, SERVER_RUN_SECONDS, out, sizeof(out)), 0);
    TEXT_HAS(out, "required of everyone");
    /* Signed in with the password only: sent to enrolment, nothing else. */
    who w;
    resp r;
    assert_int_equal(password_step(&w, "nina", "nina password 1", &r), 303);
    resp_free(&r);
    TEXT_HAS(w.cookie, "isms_session=");
    request(&r, &w, "GET", "/context-issues", NULL);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/account/totp");
    resp_free(&r);
    request(&r, &w, "GET", "/api/v1/context-issues", NULL);
    CHECK_STATUS(&r, 403);
    TEXT_HAS(r.body, "totp_required");
    resp_free(&r);
    request(&r, &w, "GET", "/account/totp", NULL);
    CHECK_STATUS(&r, 200);
    TEXT_HAS(r.body, "Your administrator requires a second factor");
    const char *v = strstr(r.body, "name=\"csrf\" value=\"");
    assert_non_null(v);
    v += strlen("name=\"csrf\" value=\"");
    snprintf(w.csrf, sizeof(w.csrf), "%.*s", (int)strcspn(v, "\""), v);
    resp_free(&r);
    /* Enrolment on the page: the QR code, the key, then the first code. */
    char body[256];
    snprintf(body, sizeof(body), "csrf=%s", w.csrf);
    request(&r, &w, "POST", "/account/totp", body);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    request(&r, &w, "GET", "/account/totp", NULL);
    CHECK_STATUS(&r, 200);
    TEXT_HAS(r.body, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\"");
    TEXT_HAS(r.body, "otpauth://totp/isms:nina?secret=");
    const char *k = strstr(r.body, "id=\"totp-secret\">");
    assert_non_null(k);
    char secret[TOTP_SECRET_TEXT + 1];
    snprintf(secret, sizeof(secret), "%.32s", k + strlen("id=\"totp-secret\">"));
    resp_free(&r);
    snprintf(body, sizeof(body), "csrf=%s&code=000000x", w.csrf);
    request(&r, &w, "POST", "/account/totp/confirm", body);
    CHECK_STATUS(&r, 422);
    TEXT_HAS(r.body, "is not the code the app shows now");
    resp_free(&r);
    char code[9];
    code_now(secret, 0, code);
    snprintf(body, sizeof(body), "csrf=%s&code=%s", w.csrf, code);
    request(&r, &w, "POST", "/account/totp/confirm", body);
    CHECK_STATUS(&r, 200);
    TEXT_HAS(r.body, "The second factor is on.");
    TEXT_HAS(r.body, "<ol class=\"recovery-codes\">");
    resp_free(&r);
    assert_int_equal(db_int("SELECT count(*) FROM isms_recovery_code WHERE length(code_hash) = 64"),
                     10);
    request(&r, &w, "GET", "/context-issues", NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    /* The administrator's control on the users page. */
    who admin;
    assert_int_equal(password_step(&admin, "admin", SRV.password, &r), 303);
    resp_free(&r);
    request(&r, &admin, "GET", "/account/totp", NULL); /* the admin has none either */
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    db_exec("UPDATE isms_settings SET value = 'false' WHERE key = 'require_totp'");
    read_csrf(&admin);
    request(&r, &admin, "GET", "/users", NULL);
    CHECK_STATUS(&r, 200);
    TEXT_HAS(r.body, "Require a second factor of everyone");
    resp_free(&r);
    snprintf(body, sizeof(body), "csrf=%s&require=on", admin.csrf);
    request(&r, &admin, "POST", "/settings/require-totp", body);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/users?done=totp-required");
    resp_free(&r);
    request(&r, &admin, "GET", "/users", NULL); /* now the admin too must enrol */
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    assert_int_equal(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'totp_required'"),
                     2);
    stop();
}

static void test_signing_act(void **state)
{
    (void)state;
    start(NULL);
    assert_true(server_add_user(&SRV, "sara", "manager", "sara password 1"));
    char secret[TOTP_SECRET_TEXT + 1];
    cli_enrol("sara", secret, NULL);
    who w;
    sign_in_with_code(&w, "sara", "sara password 1", secret);
    resp r;
    char body[256];
    /* Turning the second factor off is a signing act: password and a fresh code. */
    request(&r, &w, "GET", "/account/totp", NULL);
    TEXT_HAS(r.body, "name=\"sign_password\"");
    TEXT_HAS(r.body, "name=\"sign_code\"");
    resp_free(&r);
    snprintf(body, sizeof(body), "csrf=%s", w.csrf);
    request(&r, &w, "POST", "/account/totp/disable", body);
    CHECK_STATUS(&r, 422);
    TEXT_HAS(r.body, "sign_password: is required");
    resp_free(&r);
    char code[9];
    code_now(secret, 0, code);
    snprintf(body, sizeof(body), "csrf=%s&sign_password=wrong&sign_code=%s", w.csrf, code);
    request(&r, &w, "POST", "/account/totp/disable", body);
    CHECK_STATUS(&r, 422);
    TEXT_HAS(r.body, "sign_password: is not your password");
    resp_free(&r);
    /* The code that signed in was of this step: a replay. */
    snprintf(body, sizeof(body), "csrf=%s&sign_password=sara+password+1&sign_code=%s", w.csrf,
             code);
    request(&r, &w, "POST", "/account/totp/disable", body);
    CHECK_STATUS(&r, 422);
    TEXT_HAS(r.body, "sign_code: was used already");
    resp_free(&r);
    assert_int_equal(db_int("SELECT count(*) FROM isms_totp"), 1);
    forget_steps();
    request(&r, &w, "POST", "/account/totp/disable", body);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/account/totp?done=disabled");
    resp_free(&r);
    assert_int_equal(db_int("SELECT count(*) FROM isms_totp"), 0);
    assert_int_equal(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'signing_ok'"), 1);
    assert_int_equal(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'signing_failed'"),
                     2);
    assert_int_equal(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'totp_disabled'"),
                     1);
    /* Fresh for a few minutes: the next signing act of the session needs nothing more. */
    cli_enrol("sara", secret, NULL);
    request(&r, &w, "GET", "/account/totp", NULL);
    TEXT_HAS(r.body, "You confirmed who you are a few minutes ago");
    resp_free(&r);
    snprintf(body, sizeof(body), "csrf=%s", w.csrf);
    request(&r, &w, "POST", "/account/totp/recovery", body);
    CHECK_STATUS(&r, 201);
    TEXT_HAS(r.body, "New recovery codes");
    resp_free(&r);
    /* ... but only that session: another must sign for itself. */
    who other;
    sign_in_with_code(&other, "sara", "sara password 1", secret);
    snprintf(body, sizeof(body), "csrf=%s", other.csrf);
    request(&r, &other, "POST", "/account/totp/recovery", body);
    CHECK_STATUS(&r, 422);
    resp_free(&r);
    /* An API token cannot sign. */
    who t = {0};
    assert_true(server_mint_token(&SRV, "sara", NULL, t.token, sizeof(t.token)));
    request(&r, &t, "POST", "/account/totp/disable", "sign_password=sara+password+1");
    CHECK_STATUS(&r, 403);
    TEXT_HAS(r.body, "an API token cannot sign");
    resp_free(&r);
    /* The administrator turns sara's off (lost phone) with their own password. */
    who admin;
    assert_int_equal(password_step(&admin, "admin", SRV.password, &r), 303);
    resp_free(&r);
    read_csrf(&admin);
    request(&r, &admin, "GET", "/users/sara", NULL);
    CHECK_STATUS(&r, 200);
    TEXT_HAS(r.body, "Turn off their second factor");
    resp_free(&r);
    snprintf(body, sizeof(body), "csrf=%s&sign_password=sara+password+1", admin.csrf);
    request(&r, &admin, "POST", "/users/sara/totp/disable", body);
    CHECK_STATUS(&r, 422); /* the signer's own password, not sara's */
    resp_free(&r);
    snprintf(body, sizeof(body), "csrf=%s&sign_password=admin+password+1234", admin.csrf);
    request(&r, &admin, "POST", "/users/sara/totp/disable", body);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/users/sara?done=totp-off");
    resp_free(&r);
    assert_int_equal(db_int("SELECT count(*) FROM isms_totp"), 0);
    assert_int_equal(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'totp_disabled' "
                            "AND detail = 'by admin'"),
                     1);
    stop();
    /* Guessing the password through a signing form meets the login's lock-out. */
    start((const char *const[]){"--login-delay-after", "3", "--login-lockout-after", "3", NULL});
    assert_int_equal(password_step(&admin, "admin", SRV.password, &r), 303);
    resp_free(&r);
    read_csrf(&admin);
    snprintf(body, sizeof(body), "csrf=%s&sign_password=guess", admin.csrf);
    for (int i = 0; i < 3; i++) {
        request(&r, &admin, "POST", "/account/totp/disable", body);
        CHECK_STATUS(&r, 422);
        resp_free(&r);
    }
    snprintf(body, sizeof(body), "csrf=%s&sign_password=admin+password+1234", admin.csrf);
    request(&r, &admin, "POST", "/account/totp/disable", body);
    CHECK_STATUS(&r, 403);
    TEXT_HAS(r.body, "too many failed attempts");
    resp_free(&r);
    stop();
}

int main(int argc, char **argv)
{
    int skip = server_driver_from_args(argc, argv); /* sqlite or postgres */
    if (skip)
        return skip;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_second_step),
        cmocka_unit_test(test_codes_are_throttled),
        cmocka_unit_test(test_require_for_everyone),
        cmocka_unit_test(test_signing_act),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
