/*
 * Authentication and permissions over real HTTP (docs/SECURITY.md): signing
 * in and out with the session cookie's flags, idle and absolute timeouts, a
 * disabled user and a new password ending sessions, login throttling (a
 * growing delay, then a lock-out, the same for an unknown name), API tokens
 * (use, role viewer, expiry, revocation, last use, made on the web), CSRF
 * on every state-changing request of a session (bearer calls exempt), a
 * contributor's own records, and the route x role matrix: every route of
 * router_routes() for every role and for nobody, from a table of this file
 * that names each route's permission, so a route without an expectation
 * (or with another permission) fails here.
 *
 * Each test starts its own server (`isms serve`, ISMS_BIN) with the options
 * it needs; users are added and tokens made with the real CLI.
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

#include "../support/http.h"
#include "../support/server.h"
#include "http/router.h"

static test_server SRV;

/* --- HTTP ------------------------------------------------------------------------ */

static http_client CLIENT; /* a new connection per request */

/* Who sends a request: nobody, a session (cookie and CSRF token, sent as X-CSRF-Token
 * when csrf_header) or a bearer token. */
typedef http_session who;

static const who NOBODY = {0};

/*
 * One request; body NULL sends none (an empty one for a method other than GET);
 * content_type for the body ("form" is the form type); extra: one more header line
 * or NULL. Origin is our own unless extra names one.
 */
static void request(resp *r, const who *w, const char *method, const char *path, const char *body,
                    const char *content_type, const char *extra)
{
    http_headers h = {0};
    http_header(&h, "Expect:");
    if (content_type)
        http_header(&h, "Content-Type: %s",
                    strcmp(content_type, "form") == 0 ? HTTP_FORM_TYPE : content_type);
    if (!extra || strncasecmp(extra, "Origin:", 7) != 0)
        http_header(&h, "Origin: %s", SRV.url);
    http_credentials(&h, w);
    if (extra)
        http_header(&h, "%s", extra);
    if (!body && strcmp(method, "GET") != 0)
        body = "";
    http_send(r, &CLIENT, method, path, body, body ? strlen(body) : 0, h.line);
}

/* --- the server, users, sessions ------------------------------------------------------ */

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

/* Sign in: the session cookie and its CSRF token into w; the login's status. */
static long sign_in(who *w, const char *name, const char *password)
{
    resp r;
    long status = http_login(&r, &CLIENT, w, name, password);
    resp_free(&r);
    if (status == 303)
        assert_true(http_read_csrf(&CLIENT, w, "/account"));
    else
        memset(w, 0, sizeof(*w));
    return status;
}

static void add_user(const char *name, const char *roles)
{
    assert_true(server_add_user(&SRV, name, roles, "user password 1"));
}

static void token_of(who *w, const char *as, const char *role)
{
    http_bearer(w, "");
    assert_true(server_mint_token(&SRV, as, role, w->token, sizeof(w->token)));
}

static who admin_token(void)
{
    who w;
    http_bearer(&w, SRV.token);
    return w;
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

/* Run the CLI on the server's database as the administrator. */
#define CLI(code, ...)                                                                             \
    cli((code), (const char *const[]){"--db", SRV.db, "--as", SRV.admin, __VA_ARGS__, NULL})
static void cli(int code, const char *const *args)
{
    char out[4096];
    int rc = server_run_isms(args, SERVER_RUN_SECONDS, out, sizeof(out));
    if (rc != code)
        print_error("isms %s %s: exit %d, expected %d:\n%s\n", args[4], args[5], rc, code, out);
    assert_int_equal(rc, code);
}

static const char ISSUE[] = "{\"title\":\"Auth test issue\",\"origin\":\"external\","
                            "\"category\":\"legal\"}";

static long long issues(void)
{
    return db_int("SELECT count(*) FROM context_issue");
}

/* ===================================================================================== */

static void test_login_logout(void **state)
{
    (void)state;
    start(NULL);
    who w;
    assert_int_equal(sign_in(&w, "ADMIN", SRV.password), 303); /* names ignore case */
    resp r;
    /* The cookie: a 256-bit token, HttpOnly, SameSite=Lax, not Secure without --behind-tls. */
    request(&r, &NOBODY, "POST", "/login", "name=admin&password=admin+password+1234", "form", NULL);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/");
    assert_int_equal(strncmp(r.set_cookie, "isms_session=", 13), 0);
    assert_int_equal(strcspn(r.set_cookie + 13, ";"), 43);
    TEXT_HAS(r.set_cookie, "; Path=/");
    TEXT_HAS(r.set_cookie, "; HttpOnly");
    TEXT_HAS(r.set_cookie, "; SameSite=Lax");
    assert_null(strstr(r.set_cookie, "Secure"));
    /* Only the token's SHA-256 is kept. */
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM isms_session WHERE token_hash = '%.43s'",
             r.set_cookie + 13);
    assert_int_equal(db_int(sql), 0);
    assert_int_equal(db_int("SELECT count(*) FROM isms_session WHERE length(token_hash) = 64"), 2);
    resp_free(&r);
    /* Pages with the session: the user's name, no-store. */
    request(&r, &w, "GET", "/", NULL, NULL, NULL);
    CHECK_STATUS(&r, 200);
    TEXT_HAS(r.body, ">admin</a>");
    TEXT_HAS(r.body, "Sign out");
    assert_string_equal(r.cache_control, "no-store");
    resp_free(&r);
    /* Back to the page asked for, never to another site. */
    request(&r, &NOBODY, "POST", "/login",
            "name=admin&password=admin+password+1234&next=%2Fcontext-issues%3Fq%3Dx", "form", NULL);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/context-issues?q=x");
    resp_free(&r);
    static const char *const evil[] = {"%2F%2Fevil.example", "https%3A%2F%2Fevil.example",
                                       "%2F%5Cevil.example", "javascript%3Aalert(1)"};
    for (size_t i = 0; i < 4; i++) {
        char body[256];
        snprintf(body, sizeof(body), "name=admin&password=admin+password+1234&next=%s", evil[i]);
        request(&r, &NOBODY, "POST", "/login", body, "form", NULL);
        CHECK_STATUS(&r, 303);
        assert_string_equal(r.location, "/");
        resp_free(&r);
    }
    /* A page without a session: to the login page, which comes back to it. */
    request(&r, &NOBODY, "GET", "/context-issues?origin=external", NULL, NULL, NULL);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/login?next=%2Fcontext-issues%3Forigin%3Dexternal");
    resp_free(&r);
    request(&r, &NOBODY, "GET", "/login?next=%2Fcontext-issues", NULL, NULL, NULL);
    CHECK_STATUS(&r, 200);
    TEXT_HAS(r.body, "name=\"next\" value=\"/context-issues\"");
    TEXT_HAS(r.body, "autocomplete=\"current-password\"");
    resp_free(&r);
    /* A login from another site is refused before anything is checked. */
    request(&r, &NOBODY, "POST", "/login", "name=admin&password=admin+password+1234", "form",
            "Origin: http://evil.example");
    CHECK_STATUS(&r, 403);
    resp_free(&r);
    /* Logout: the session ends, the cookie is cleared. */
    char body[128];
    snprintf(body, sizeof(body), "csrf=%s", w.csrf);
    request(&r, &w, "POST", "/logout", body, "form", NULL);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/login?out=1");
    TEXT_HAS(r.set_cookie, "isms_session=;");
    TEXT_HAS(r.set_cookie, "Max-Age=0");
    resp_free(&r);
    request(&r, &w, "GET", "/", NULL, NULL, NULL);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/login?next=%2F&expired=1");
    resp_free(&r);
    /* Every attempt is an authentication event, none is a record change. */
    assert_true(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'login_ok'") >= 6);
    assert_int_equal(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'logout'"), 1);
    stop();
    /* Behind TLS the cookie is Secure. */
    start((const char *const[]){"--behind-tls", NULL});
    request(&r, &NOBODY, "POST", "/login", "name=admin&password=admin+password+1234", "form", NULL);
    CHECK_STATUS(&r, 303);
    TEXT_HAS(r.set_cookie, "; Secure");
    resp_free(&r);
    stop();
}

static void test_wrong_password_unknown_user(void **state)
{
    (void)state;
    start(NULL);
    resp a, b;
    request(&a, &NOBODY, "POST", "/login", "name=admin&password=wrong+password", "form", NULL);
    request(&b, &NOBODY, "POST", "/login", "name=nobody&password=wrong+password", "form", NULL);
    CHECK_STATUS(&a, 401);
    CHECK_STATUS(&b, 401);
    TEXT_HAS(a.body, "The name or the password is wrong.");
    TEXT_HAS(b.body, "The name or the password is wrong.");
    assert_null(a.set_cookie[0] ? a.set_cookie : NULL);
    /* The same page but for the name typed back into the form. */
    assert_int_equal(a.len - strlen("admin"), b.len - strlen("nobody"));
    resp_free(&a);
    resp_free(&b);
    assert_int_equal(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'login_failed'"),
                     2);
    assert_int_equal(db_int("SELECT count(*) FROM isms_session"), 0);
    /* The API without credentials, or with bad ones: 401 and a Bearer challenge. */
    request(&a, &NOBODY, "GET", "/api/v1/context-issues", NULL, NULL, NULL);
    CHECK_STATUS(&a, 401);
    TEXT_HAS(a.content_type, "application/problem+json");
    assert_string_equal(a.www_authenticate, "Bearer realm=\"isms\"");
    resp_free(&a);
    who bad = {0};
    snprintf(bad.token, sizeof(bad.token), "isms_%s",
             "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    request(&a, &bad, "GET", "/api/v1/context-issues", NULL, NULL, NULL);
    CHECK_STATUS(&a, 401);
    TEXT_HAS(a.www_authenticate, "error=\"invalid_token\"");
    resp_free(&a);
    request(&a, &NOBODY, "GET", "/api/v1/context-issues", NULL, NULL, "Authorization: Basic eDp5");
    CHECK_STATUS(&a, 401);
    resp_free(&a);
    /* /healthz, the API's description and the static files stay open. */
    request(&a, &NOBODY, "GET", "/api/v1/openapi.json", NULL, NULL, NULL);
    CHECK_STATUS(&a, 200);
    resp_free(&a);
    request(&a, &NOBODY, "GET", "/healthz", NULL, NULL, NULL);
    CHECK_STATUS(&a, 200);
    resp_free(&a);
    request(&a, &NOBODY, "GET", "/static/style.css", NULL, NULL, NULL);
    CHECK_STATUS(&a, 200);
    resp_free(&a);
    stop();
}

static void test_session_timeouts(void **state)
{
    (void)state;
    start((const char *const[]){"--session-idle", "2s", "--session-max", "4s", NULL});
    who w;
    resp r;
    /* Idle: unused for 2 s, the session ends. */
    assert_int_equal(sign_in(&w, "admin", SRV.password), 303);
    server_sleep_ms(2500);
    request(&r, &w, "GET", "/", NULL, NULL, NULL);
    CHECK_STATUS(&r, 303);
    TEXT_HAS(r.location, "expired=1");
    resp_free(&r);
    /* Absolute: used every 0.8 s, it still ends 4 s after the login. */
    assert_int_equal(sign_in(&w, "admin", SRV.password), 303);
    double t0 = server_now();
    while (server_now() - t0 < 3.2) {
        request(&r, &w, "GET", "/", NULL, NULL, NULL);
        CHECK_STATUS(&r, 200);
        resp_free(&r);
        server_sleep_ms(800);
    }
    server_sleep_ms(1200);
    request(&r, &w, "GET", "/", NULL, NULL, NULL);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    /* Expired sessions are forgotten. */
    assert_int_equal(db_int("SELECT count(*) FROM isms_session"), 0);
    stop();
}

static void test_disable_and_password_change(void **state)
{
    (void)state;
    start(NULL);
    add_user("carol", "manager");
    who s1, s2, tok;
    assert_int_equal(sign_in(&s1, "carol", "user password 1"), 303);
    assert_int_equal(sign_in(&s2, "carol", "user password 1"), 303);
    token_of(&tok, "carol", NULL);
    resp r;
    request(&r, &tok, "GET", "/api/v1/context-issues", NULL, NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    /* Disabled: sessions end, tokens stop, login is refused with the usual answer. */
    CLI(0, "user", "disable", "carol");
    request(&r, &s1, "GET", "/", NULL, NULL, NULL);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    request(&r, &tok, "GET", "/api/v1/context-issues", NULL, NULL, NULL);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
    who again;
    assert_int_equal(sign_in(&again, "carol", "user password 1"), 401);
    assert_int_equal(db_int("SELECT count(*) FROM isms_user WHERE name = 'carol'"), 1);
    /* Enabled again: back in, with a new session. */
    CLI(0, "user", "set", "carol", "--enable");
    assert_int_equal(sign_in(&s1, "carol", "user password 1"), 303);
    assert_int_equal(sign_in(&s2, "carol", "user password 1"), 303);
    /* A new password: every session of the user ends, this one too. */
    request(&r, &s1, "POST", "/account/password",
            "current=user+password+1&password=a+new+password&repeat=a+new+password", "form", NULL);
    CHECK_STATUS(&r, 403); /* without the CSRF token */
    resp_free(&r);
    char body[256];
    snprintf(body, sizeof(body),
             "csrf=%s&current=wrong&password=a+new+password&"
             "repeat=a+new+password",
             s1.csrf);
    request(&r, &s1, "POST", "/account/password", body, "form", NULL);
    CHECK_STATUS(&r, 422);
    TEXT_HAS(r.body, "is not your password");
    resp_free(&r);
    snprintf(body, sizeof(body), "csrf=%s&current=user+password+1&password=short&repeat=short",
             s1.csrf);
    request(&r, &s1, "POST", "/account/password", body, "form", NULL);
    CHECK_STATUS(&r, 422);
    TEXT_HAS(r.body, "shorter than 10 characters");
    resp_free(&r);
    snprintf(body, sizeof(body),
             "csrf=%s&current=user+password+1&password=a+new+password&"
             "repeat=a+new+password",
             s1.csrf);
    request(&r, &s1, "POST", "/account/password", body, "form", NULL);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/login?changed=1");
    resp_free(&r);
    request(&r, &s2, "GET", "/", NULL, NULL, NULL);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    request(&r, &s1, "GET", "/", NULL, NULL, NULL);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    assert_int_equal(sign_in(&s1, "carol", "user password 1"), 401);
    assert_int_equal(sign_in(&s1, "carol", "a new password"), 303);
    assert_int_equal(
        db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'password_changed'"), 1);
    stop();
}

/* Sign in with a wrong password; its status and how long it took. */
static long timed_failure(const char *name, double *seconds)
{
    char *body = http_login_body(name, "wrong password");
    resp r;
    double t0 = server_now();
    request(&r, &NOBODY, "POST", "/login", body, "form", NULL);
    *seconds = server_now() - t0;
    free(body);
    long status = r.status;
    if (status == 429)
        assert_string_equal(r.retry_after, "900");
    resp_free(&r);
    return status;
}

static void throttle_sequence(const char *name)
{
    double s;
    assert_int_equal(timed_failure(name, &s), 401); /* 1 */
    assert_true(s < 0.9);
    assert_int_equal(timed_failure(name, &s), 401); /* 2 */
    assert_true(s < 0.9);
    assert_int_equal(timed_failure(name, &s), 401); /* 3: after 2 failures, 1 s */
    assert_true(s >= 0.95);
    assert_int_equal(timed_failure(name, &s), 401); /* 4: 2 s */
    assert_true(s >= 1.95);
    assert_int_equal(timed_failure(name, &s), 429); /* locked out, at once */
    assert_true(s < 0.9);
}

static void test_throttling(void **state)
{
    (void)state;
    const char *const opts[] = {"--login-delay-after", "2", "--login-lockout-after", "4", NULL};
    start(opts);
    throttle_sequence("admin");
    /* Locked: even the right password is refused, without a session. */
    who w;
    assert_int_equal(sign_in(&w, "admin", SRV.password), 429);
    assert_int_equal(db_int("SELECT count(*) FROM isms_session"), 0);
    assert_true(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'login_throttled'") >=
                2);
    /* Tokens still work: throttling guards passwords only. */
    who t = admin_token();
    resp r;
    request(&r, &t, "GET", "/api/v1/context-issues", NULL, NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    stop();
    /* An unknown name is answered the same, at the same pace. */
    start(opts);
    throttle_sequence("ghost");
    stop();
}

static void test_tokens(void **state)
{
    (void)state;
    start(NULL);
    add_user("vera", "viewer");
    who admin = admin_token(), read_only, vera;
    token_of(&read_only, NULL, "viewer");
    token_of(&vera, "vera", NULL);
    resp r;
    /* A token with the role viewer reads and cannot write, whatever its owner may. */
    request(&r, &read_only, "GET", "/api/v1/context-issues", NULL, NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    request(&r, &read_only, "POST", "/api/v1/context-issues", ISSUE, "application/json", NULL);
    CHECK_STATUS(&r, 403);
    TEXT_HAS(r.body, "manager or contributor");
    resp_free(&r);
    request(&r, &vera, "POST", "/api/v1/context-issues", ISSUE, "application/json", NULL);
    CHECK_STATUS(&r, 403);
    TEXT_HAS(r.body, "vera");
    resp_free(&r);
    assert_int_equal(issues(), 0);
    request(&r, &admin, "POST", "/api/v1/context-issues", ISSUE, "application/json", NULL);
    CHECK_STATUS(&r, 201);
    TEXT_HAS(r.body, "\"created_by\":\"admin\"");
    resp_free(&r);
    /* Last use is kept; only hashes are stored. */
    assert_int_equal(db_int("SELECT count(*) FROM isms_api_token WHERE last_used_at IS NULL"), 0);
    assert_int_equal(db_int("SELECT count(*) FROM isms_api_token WHERE length(token_hash) = 64"),
                     3);
    /* Expired and revoked tokens are refused. */
    db_exec("UPDATE isms_api_token SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = 2");
    request(&r, &read_only, "GET", "/api/v1/context-issues", NULL, NULL, NULL);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
    CLI(0, "token", "revoke", "3");
    request(&r, &vera, "GET", "/api/v1/context-issues", NULL, NULL, NULL);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
    CLI(1, "token", "create", "--expires", "2001-01-01");
    CLI(1, "token", "create", "--user", "vera", "--role", "manager");
    CLI(1, "token", "create", "--user", "nobody");
    /* Made on the web: shown once, usable at once. */
    who s;
    assert_int_equal(sign_in(&s, "admin", SRV.password), 303);
    char body[256];
    snprintf(body, sizeof(body), "csrf=%s&label=from+the+web&role=viewer&expires=2999-01-01",
             s.csrf);
    request(&r, &s, "POST", "/account/tokens", body, "form", NULL);
    CHECK_STATUS(&r, 201);
    const char *t = strstr(r.body, "<code class=\"token\" id=\"token\">");
    assert_non_null(t);
    who web = {0};
    snprintf(web.token, sizeof(web.token), "%.48s",
             t + strlen("<code class=\"token\" id=\"token\">"));
    resp_free(&r);
    request(&r, &web, "GET", "/api/v1/context-issues", NULL, NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    request(&r, &s, "GET", "/account", NULL, NULL, NULL);
    CHECK_STATUS(&r, 200);
    TEXT_HAS(r.body, "from the web");
    assert_null(strstr(r.body, web.token)); /* never shown again */
    resp_free(&r);
    snprintf(body, sizeof(body), "csrf=%s&role=admin&expires=2000-01-01", s.csrf);
    request(&r, &s, "POST", "/account/tokens", body, "form", NULL);
    CHECK_STATUS(&r, 422);
    TEXT_HAS(r.body, "must be in the future");
    resp_free(&r);
    /* Revoked from the web. */
    snprintf(body, sizeof(body), "csrf=%s", s.csrf);
    request(&r, &s, "POST", "/account/tokens/4/revoke", body, "form", NULL);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    request(&r, &web, "GET", "/api/v1/context-issues", NULL, NULL, NULL);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
    /* Another user's token is not found from one's own account page. */
    request(&r, &s, "POST", "/account/tokens/3/revoke", body, "form", NULL);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
    stop();
}

static void test_csrf(void **state)
{
    (void)state;
    start(NULL);
    who s, t = admin_token();
    assert_int_equal(sign_in(&s, "admin", SRV.password), 303);
    resp r;
    const char *form = "title=CSRF&origin=internal&category=legal";
    char body[512];
    /* A form without the token, or with another, is refused and writes nothing. */
    request(&r, &s, "POST", "/context-issues", form, "form", NULL);
    CHECK_STATUS(&r, 403);
    TEXT_HAS(r.body, "Form expired");
    resp_free(&r);
    snprintf(body, sizeof(body), "%s&csrf=%s", form, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    request(&r, &s, "POST", "/context-issues", body, "form", NULL);
    CHECK_STATUS(&r, 403);
    resp_free(&r);
    snprintf(body, sizeof(body), "%s&csrf=%s&csrf=%s", form, s.csrf, s.csrf);
    request(&r, &s, "POST", "/context-issues", body, "form", NULL);
    CHECK_STATUS(&r, 403);
    resp_free(&r);
    assert_int_equal(issues(), 0);
    /* With the session's token: created. */
    snprintf(body, sizeof(body), "%s&csrf=%s", form, s.csrf);
    request(&r, &s, "POST", "/context-issues", body, "form", NULL);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    assert_int_equal(issues(), 1);
    /* The JSON API with a session cookie needs X-CSRF-Token. */
    request(&r, &s, "POST", "/api/v1/context-issues", ISSUE, "application/json", NULL);
    CHECK_STATUS(&r, 403);
    TEXT_HAS(r.body, "urn:isms:problem:csrf");
    resp_free(&r);
    s.csrf_header = true;
    request(&r, &s, "POST", "/api/v1/context-issues", ISSUE, "application/json", NULL);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    /* Bearer calls are exempt. */
    request(&r, &t, "POST", "/api/v1/context-issues", ISSUE, "application/json", NULL);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    assert_int_equal(issues(), 3);
    /* Every form of the pages carries the token. */
    request(&r, &s, "GET", "/context-issues/ISS-1", NULL, NULL, NULL);
    CHECK_STATUS(&r, 200);
    size_t forms = 0, fields = 0;
    for (const char *p = r.body; (p = strstr(p, "method=\"post\"")); p++)
        forms++;
    snprintf(body, sizeof(body), "name=\"csrf\" value=\"%s\"", s.csrf);
    for (const char *p = r.body; (p = strstr(p, body)); p++)
        fields++;
    assert_true(forms >= 2);
    assert_int_equal(forms, fields);
    resp_free(&r);
    stop();
}

/* `isms user set NAME --person PER-n` as the administrator. */
static void link_person(const char *name, const char *person)
{
    char out[4096];
    const char *args[] = {"--db", SRV.db, "--as",     SRV.admin, "user",
                          "set",  name,   "--person", person,    NULL};
    int rc = server_run_isms(args, SERVER_RUN_SECONDS, out, sizeof(out));
    if (rc != 0)
        print_error("isms user set %s --person %s: %d\n%s\n", name, person, rc, out);
    assert_int_equal(rc, 0);
}

/* A request whose answer must be want; the body of a 403 must say why (because). */
static void expect(const who *w, const char *method, const char *path, const char *body, long want,
                   const char *because)
{
    resp r;
    request(&r, w, method, path, body, body ? "application/json" : NULL, NULL);
    CHECK_STATUS(&r, want);
    if (because)
        TEXT_HAS(r.body, because);
    resp_free(&r);
}

/*
 * A contributor changes records whose owner is the person they are linked to
 * (`isms user set --person`), and, of kinds without an owner, those they
 * created; nothing else.
 */
static void test_contributor_owns_records(void **state)
{
    (void)state;
    start(NULL);
    add_user("conny", "contributor");
    add_user("colin", "contributor"); /* linked to no person */
    who admin = admin_token(), conny, colin;
    token_of(&conny, "conny", NULL);
    token_of(&colin, "colin", NULL);
    expect(&admin, "POST", "/api/v1/people", "{\"name\":\"Conny Example\"}", 201, "PER-1");
    expect(&admin, "POST", "/api/v1/people", "{\"name\":\"Otto Other\"}", 201, "PER-2");
    link_person("conny", "PER-1");
    /* ISS-1 is Conny's person's, ISS-2 another's, ISS-3 nobody's. */
    static const char *const owners[] = {",\"owner\":\"PER-1\"", ",\"owner\":\"PER-2\"", ""};
    for (size_t i = 0; i < 3; i++) {
        char body[256];
        snprintf(body, sizeof(body),
                 "{\"title\":\"Issue %zu\",\"origin\":\"external\",\"category\":\"legal\"%s}",
                 i + 1, owners[i]);
        expect(&admin, "POST", "/api/v1/context-issues", body, 201, NULL);
    }
    expect(&conny, "PATCH", "/api/v1/context-issues/ISS-1",
           "{\"status\":\"monitored\",\"version\":1}", 200, "\"updated_by\":\"conny\"");
    expect(&conny, "PATCH", "/api/v1/context-issues/ISS-2",
           "{\"status\":\"monitored\",\"version\":1}", 403, "owned by someone else");
    expect(&conny, "POST", "/api/v1/context-issues/ISS-2/retire",
           "{\"reason\":\"mine now\",\"version\":1}", 403, "owned by someone else");
    expect(&conny, "PATCH", "/api/v1/context-issues/ISS-3",
           "{\"status\":\"monitored\",\"version\":1}", 403, "owned by someone else");
    /* Without a person, a contributor changes no record of a kind with owners. */
    expect(&colin, "PATCH", "/api/v1/context-issues/ISS-1", "{\"status\":\"active\",\"version\":2}",
           403, "owned by someone else");
    /* Creating needs no ownership; a record created without her person as owner is not hers. */
    expect(&conny, "POST", "/api/v1/context-issues", ISSUE, 201, "\"created_by\":\"conny\"");
    expect(&conny, "PATCH", "/api/v1/context-issues/ISS-4",
           "{\"status\":\"monitored\",\"version\":1}", 403, "owned by someone else");
    /* Handing a record on to another owner ends her say over it. */
    expect(&conny, "PATCH", "/api/v1/context-issues/ISS-1", "{\"owner\":\"PER-2\",\"version\":2}",
           200, NULL);
    expect(&conny, "PATCH", "/api/v1/context-issues/ISS-1", "{\"status\":\"active\",\"version\":3}",
           403, "owned by someone else");
    assert_int_equal(db_int("SELECT version FROM context_issue WHERE id = 2"), 1);
    assert_int_equal(db_int("SELECT version FROM context_issue WHERE id = 3"), 1);
    /* Scope items have no owner: a contributor changes those she created. */
    static const char SCOPE[] = "{\"title\":\"Head office\",\"type\":\"site\","
                                "\"inclusion\":\"included\"}";
    expect(&admin, "POST", "/api/v1/scope-items", SCOPE, 201, "SCP-1");
    expect(&conny, "POST", "/api/v1/scope-items", SCOPE, 201, "SCP-2");
    expect(&conny, "PATCH", "/api/v1/scope-items/SCP-2", "{\"description\":\"x\",\"version\":1}",
           200, NULL);
    expect(&conny, "PATCH", "/api/v1/scope-items/SCP-1", "{\"description\":\"x\",\"version\":1}",
           403, "created by admin");
    expect(&colin, "PATCH", "/api/v1/scope-items/SCP-2", "{\"description\":\"y\",\"version\":2}",
           403, "created by conny");
    expect(&conny, "POST", "/api/v1/scope-items/SCP-2/retire",
           "{\"reason\":\"no longer ours\",\"version\":2}", 200, NULL);
    assert_int_equal(db_int("SELECT version FROM scope_item WHERE id = 1"), 1);
    /* Linking a user is an authentication event; accounts are no records of the change log,
     * which holds the records' changes only, by their users, and verifies. */
    assert_int_equal(db_int("SELECT count(*) FROM isms_auth_event WHERE event = 'person_changed' "
                            "AND name = 'conny' AND detail = 'PER-1'"),
                     1);
    assert_int_equal(db_int("SELECT count(*) FROM isms_change_log WHERE kind NOT IN "
                            "('person', 'context-issue', 'scope-item')"),
                     0);
    assert_int_equal(db_int("SELECT count(*) FROM isms_change_log WHERE actor = 'conny'"), 6);
    expect(&admin, "GET", "/api/v1/log/verify", NULL, 200, "\"ok\":true");
    stop();
}

/* --- the route x role matrix ------------------------------------------------------------ */

enum { NPRINCIPALS = 6 };
static const char *const PRINCIPALS[NPRINCIPALS] = {"nobody",      "admin-only", "manager",
                                                    "contributor", "auditor",    "viewer"};

/*
 * The permission each route needs, written here independently of the route
 * table: every route of router_routes() must be listed with the same
 * permission, and is then requested by everyone.
 */
static const struct expected_route {
    const char *method, *pattern;
    isms_permission perm;
    const char *body; /* a body that does no harm when allowed, or NULL */
} EXPECTED[] = {
    {"GET", "/healthz", PERM_OPEN, NULL},
    {"GET", "/api/v1/openapi.json", PERM_OPEN, NULL},
    {"GET", "/api/v1/log", PERM_READ, NULL},
    {"GET", "/api/v1/log/verify", PERM_READ, NULL},
    {"POST", "/api/v1/log/{seq}/redact", PERM_ADMIN, "{}"}, /* 400: no reason */
    {"GET", "/api/v1/risk-method", PERM_READ, NULL}, /* 404 without a method */
    {"GET", "/api/v1/risk-method/presets/{size}", PERM_READ, NULL},
    /* Signed risk acceptance: the kind's hook decides who signs, so every reader may try. */
    {"POST", "/api/v1/risks/{id}/accept", PERM_READ, "{}"},
    {"GET", "/api/v1/risks/{id}/acceptances", PERM_READ, NULL}, /* 404: PRC-1 is no risk */
    {"POST", "/risks/{id}/accept", PERM_READ, ""},
    {"GET", "/api/v1/risk-campaigns/compare", PERM_READ, NULL}, /* 400: from, to required */
    {"GET", "/api/v1/risk-campaigns/due", PERM_READ, NULL},
    {"GET", "/api/v1/risk-campaigns/{id}/coverage", PERM_READ, NULL},
    {"GET", "/api/v1/risk-campaigns/{id}/snapshot", PERM_READ, NULL},
    /* The risk register's views: read-only. */
    {"GET", "/api/v1/risks/heatmap", PERM_READ, NULL},
    {"GET", "/api/v1/risks/heatmap.svg", PERM_READ, NULL},
    {"GET", "/api/v1/risks/flags", PERM_READ, NULL},
    {"GET", "/api/v1/risk-actions/overdue", PERM_READ, NULL},
    {"GET", "/api/v1/{kind}", PERM_READ, NULL},
    {"POST", "/api/v1/{kind}", PERM_WRITE, "{}"},
    {"GET", "/api/v1/{kind}/export.csv", PERM_READ, NULL},
    {"GET", "/api/v1/{kind}/export.xlsx", PERM_READ, NULL},
    {"POST", "/api/v1/{kind}/import", PERM_WRITE, "{}"}, /* 415: not text/csv; writes nothing */
    {"GET", "/api/v1/{kind}/{id}", PERM_READ, NULL},
    {"PATCH", "/api/v1/{kind}/{id}", PERM_WRITE, "{}"},
    {"DELETE", "/api/v1/{kind}/{id}", PERM_WRITE, NULL},
    {"POST", "/api/v1/{kind}/{id}/retire", PERM_WRITE, "{}"},
    {"GET", "/api/v1/{kind}/{id}/history", PERM_READ, NULL},
    {"GET", "/", PERM_READ, NULL},
    {"GET", "/static/{file}", PERM_OPEN, NULL},
    {"GET", "/login", PERM_OPEN, NULL},
    {"POST", "/login", PERM_OPEN, "name=&password="}, /* 401: the handler's refusal */
    {"GET", "/login/code", PERM_OPEN, NULL},         /* no pending login: back to /login */
    {"POST", "/login/code", PERM_OPEN, "code="},
    {"POST", "/logout", PERM_SELF, ""},
    {"GET", "/account", PERM_SELF, NULL},
    {"POST", "/account/password", PERM_SELF, "current="},
    {"POST", "/account/tokens", PERM_SELF, "role=nothing"},
    {"POST", "/account/tokens/{id}/revoke", PERM_SELF, ""},
    {"GET", "/account/totp", PERM_SELF, NULL},
    {"POST", "/account/totp", PERM_SELF, ""},
    {"POST", "/account/totp/confirm", PERM_SELF, "code="},
    {"POST", "/account/totp/recovery", PERM_SELF, ""},
    {"POST", "/account/totp/disable", PERM_SELF, ""},
    {"GET", "/users", PERM_ADMIN, NULL},
    {"POST", "/users", PERM_ADMIN, "name="},
    {"GET", "/users/{user}", PERM_ADMIN, NULL},
    {"POST", "/users/{user}/roles", PERM_ADMIN, "role_viewer=on"},
    {"POST", "/users/{user}/password", PERM_ADMIN, "password=x"},
    {"POST", "/users/{user}/disable", PERM_ADMIN, ""},
    {"POST", "/users/{user}/enable", PERM_ADMIN, ""},
    {"POST", "/users/{user}/tokens/{id}/revoke", PERM_ADMIN, ""},
    {"POST", "/users/{user}/totp/disable", PERM_ADMIN, ""},
    {"POST", "/settings/require-totp", PERM_ADMIN, "require=off"},
    {"GET", "/clauses/{clause}", PERM_READ, NULL},
    {"GET", "/log", PERM_READ, NULL},
    {"GET", "/log/{seq}", PERM_READ, NULL},
    {"POST", "/log/{seq}/redact", PERM_ADMIN, "reason="}, /* 422: no reason */
    {"GET", "/risk-method", PERM_READ, NULL},
    {"GET", "/risk-method/edit", PERM_MANAGE, NULL},
    {"POST", "/risk-method/edit", PERM_MANAGE, "title="}, /* 422: no grid sizes */
    {"GET", "/risk-campaigns/compare", PERM_READ, NULL},
    {"POST", "/risk-campaigns/{id}/confirm", PERM_WRITE, "risk="}, /* 404: no such campaign */
    {"POST", "/risk-campaigns/{id}/close", PERM_WRITE, "version="},
    {"GET", "/{kind}", PERM_READ, NULL},
    {"POST", "/{kind}", PERM_WRITE, "title="},
    {"GET", "/{kind}/new", PERM_WRITE, NULL},
    {"GET", "/{kind}/import", PERM_WRITE, NULL},
    {"POST", "/{kind}/import", PERM_WRITE, "csv="}, /* 400: invalid CSV (empty) */
    {"GET", "/{kind}/{id}", PERM_READ, NULL},
    {"GET", "/{kind}/{id}/edit", PERM_WRITE, NULL},
    {"GET", "/{kind}/{id}/history", PERM_READ, NULL},
    {"POST", "/{kind}/{id}/edit", PERM_WRITE, "title="},
    {"POST", "/{kind}/{id}/retire", PERM_WRITE, "reason="},
    {"POST", "/{kind}/{id}/delete", PERM_WRITE, ""},
};

/*
 * Signing acts (http/signing.h): the principals of the matrix use API tokens,
 * which may reach these routes but are told that they cannot sign.
 */
static bool signing_route(const char *pattern)
{
    static const char *const signing[] = {"/account/totp/recovery", "/account/totp/disable",
                                          "/users/{user}/totp/disable",
                                          "/api/v1/risks/{id}/accept", "/risks/{id}/accept"};
    for (size_t i = 0; i < sizeof(signing) / sizeof(signing[0]); i++)
        if (strcmp(pattern, signing[i]) == 0)
            return true;
    return false;
}

/* Whether each principal holds a permission: nobody, admin-only ... viewer. */
static bool holds(isms_permission p, size_t who_i)
{
    static const bool table[PERM_COUNT][NPRINCIPALS] = {
        [PERM_OPEN] = {1, 1, 1, 1, 1, 1},  [PERM_SELF] = {0, 1, 1, 1, 1, 1},
        [PERM_READ] = {0, 1, 1, 1, 1, 1},  [PERM_WRITE] = {0, 0, 1, 1, 0, 0},
        [PERM_MANAGE] = {0, 0, 1, 0, 0, 0}, [PERM_ADMIN] = {0, 1, 0, 0, 0, 0},
    };
    return table[p][who_i];
}

/* The kinds whose routes the matrix requests: processes, and people (clause 5.3). */
static const char *const MATRIX_KINDS[][2] = {{"processes", "PRC-1"}, {"people", "PER-1"}};
enum { NMATRIX_KINDS = sizeof(MATRIX_KINDS) / sizeof(MATRIX_KINDS[0]) };

/* The pattern with its placeholders filled: records (of MATRIX_KINDS[kind]), users, tokens and
 * change log entries that exist. */
static void fill(const char *pattern, size_t kind, char *out, size_t size)
{
    const char *const subst[][2] = {
        {"{kind}", MATRIX_KINDS[kind][0]},
        {"{id}", MATRIX_KINDS[kind][1]},
        {"{user}", "target"},
        {"{clause}", "4"},
        {"{file}", "style.css"},
        {"{seq}", "1"},
        {"{size}", "5"},
    };
    size_t n = 0;
    bool tokens = strstr(pattern, "/tokens/") != NULL;
    for (const char *p = pattern; *p && n + 1 < size;) {
        bool done = false;
        for (size_t i = 0; i < sizeof(subst) / sizeof(subst[0]) && !done; i++) {
            size_t len = strlen(subst[i][0]);
            if (strncmp(p, subst[i][0], len) == 0) {
                const char *v = tokens && i == 1 ? "999" : subst[i][1];
                n += (size_t)snprintf(out + n, size - n, "%s", v);
                p += len;
                done = true;
            }
        }
        if (!done)
            out[n++] = *p++;
    }
    out[n < size ? n : size - 1] = '\0';
}

static void test_route_matrix(void **state)
{
    (void)state;
    /* No throttling: the matrix sends a failing login for every principal. */
    start((const char *const[]){"--login-delay-after", "1000", "--login-lockout-after", "1000",
                                NULL});
    add_user("adm", "admin");
    add_user("man", "manager");
    add_user("con", "contributor");
    add_user("aud", "auditor");
    add_user("vie", "viewer");
    add_user("target", "viewer");
    who w[NPRINCIPALS];
    memset(w, 0, sizeof(w));
    static const char *const names[NPRINCIPALS] = {NULL, "adm", "man", "con", "aud", "vie"};
    for (size_t i = 1; i < NPRINCIPALS; i++)
        token_of(&w[i], names[i], NULL);
    resp r;
    request(&r, &NOBODY, "GET", "/healthz", NULL, NULL, NULL);
    resp_free(&r);
    who admin = admin_token();
    request(&r, &admin, "POST", "/api/v1/people", "{\"name\":\"Alice Matrix\"}", "application/json",
            NULL);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    request(&r, &admin, "POST", "/api/v1/processes", "{\"title\":\"Matrix\",\"owner\":\"PER-1\"}",
            "application/json", NULL);
    CHECK_STATUS(&r, 201);
    resp_free(&r);

    size_t n;
    const http_route *routes = router_routes(&n);
    size_t nexpected = sizeof(EXPECTED) / sizeof(EXPECTED[0]);
    int problems = 0;
    for (size_t i = 0; i < n; i++) {
        const struct expected_route *e = NULL;
        for (size_t j = 0; j < nexpected && !e; j++)
            if (strcmp(EXPECTED[j].method, routes[i].method) == 0 &&
                strcmp(EXPECTED[j].pattern, routes[i].pattern) == 0)
                e = &EXPECTED[j];
        if (!e) {
            print_error("route %s %s has no expectation in the matrix (declare its permission "
                        "here)\n",
                        routes[i].method, routes[i].pattern);
            problems++;
            continue;
        }
        if (routes[i].permission != e->perm || routes[i].permission == PERM_UNSET) {
            print_error("route %s %s declares permission %s, the matrix expects %s\n",
                        routes[i].method, routes[i].pattern, permission_name(routes[i].permission),
                        permission_name(e->perm));
            problems++;
            continue;
        }
        bool of_kind = strstr(e->pattern, "{kind}") != NULL;
        for (size_t k = 0; k < (of_kind ? NMATRIX_KINDS : 1); k++) {
            char path[256];
            fill(e->pattern, k, path, sizeof(path));
            bool api = strncmp(path, "/api/", 5) == 0 || strcmp(path, "/healthz") == 0;
            const char *ct = e->body ? (api ? "application/json" : "form") : NULL;
            for (size_t p = 0; p < NPRINCIPALS; p++) {
                request(&r, &w[p], e->method, path, e->body, ct, NULL);
                bool allowed = holds(e->perm, p);
                bool ok;
                bool login = strcmp(e->pattern, "/login") == 0 && strcmp(e->method, "POST") == 0;
                if (allowed && login)
                    ok = r.status == 401 && strstr(r.body, "The name or the password is wrong.");
                else if (allowed && signing_route(e->pattern))
                    ok = r.status == 403 && strstr(r.body, "signing act");
                else if (allowed)
                    ok = r.status != 401 && r.status != 403 && r.status != 500 &&
                         !(r.status == 303 && strncmp(r.location, "/login?next=", 12) == 0);
                else if (p == 0)
                    ok = api ? r.status == 401 && r.www_authenticate[0]
                             : r.status == 303 && strncmp(r.location, "/login?next=", 12) == 0;
                else
                    ok = r.status == 403 && strstr(r.body, "needs ");
                if (!ok) {
                    print_error("%s %s as %s: %ld (expected %s)\n%.300s\n", e->method, path,
                                PRINCIPALS[p], r.status,
                                allowed  ? "the handler's answer"
                                : p == 0 ? "401 or the login page"
                                         : "403 naming the role",
                                r.body);
                    problems++;
                }
                resp_free(&r);
            }
        }
    }
    /* Every expectation names a route that exists. */
    for (size_t j = 0; j < nexpected; j++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(EXPECTED[j].method, routes[i].method) == 0 &&
                    strcmp(EXPECTED[j].pattern, routes[i].pattern) == 0;
        if (!found) {
            print_error("the matrix names %s %s, which is no route\n", EXPECTED[j].method,
                        EXPECTED[j].pattern);
            problems++;
        }
    }
    assert_int_equal(problems, 0);
    stop();
}

/* `isms serve` listens on any address now (requests authenticate). */
static void test_listen_any_address(void **state)
{
    (void)state;
    test_server s;
    assert_true(server_prepare(&s));
    char out[4096];
    const char *args[] = {"serve", "--db", s.db, "--listen", "0.0.0.0:0", NULL};
    int rc = server_run_isms(args, 2, out, sizeof(out));
    assert_int_equal(rc, SERVER_TIMED_OUT); /* it served until killed */
    TEXT_HAS(out, "serving");
    TEXT_HAS(out, "http://0.0.0.0:");
    server_cleanup(&s);
}

int main(int argc, char **argv)
{
    int skip = server_driver_from_args(argc, argv); /* sqlite or postgres */
    if (skip)
        return skip;
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_logout),
        cmocka_unit_test(test_wrong_password_unknown_user),
        cmocka_unit_test(test_session_timeouts),
        cmocka_unit_test(test_disable_and_password_change),
        cmocka_unit_test(test_throttling),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_contributor_owns_records),
        cmocka_unit_test(test_route_matrix),
        cmocka_unit_test(test_listen_any_address),
    };
    int failed = cmocka_run_group_tests_name("auth", tests, NULL, NULL);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
