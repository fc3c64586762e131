/*
 * A record's history over HTTP, on the real server (`isms serve`, ISMS_BIN):
 * GET /api/v1/<plural>/<id>/history and the history page /<plural>/<id>/history,
 * with changes made through every face (API, web form, CLI on the same
 * database), a redacted version, a deleted record, bad queries, and the
 * server's signed checkpoints (--checkpoint-key).
 *
 * Every change is made by a signed-in user, and the log names them: ann
 * (manager) through the API with her token, bea (manager) through the pages
 * with a session, carol (manager) on the command line, dpo (admin) redacts;
 * vic (viewer) reads the history and the log but may not redact.
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
#include <strings.h>

#include "../support/http.h"
#include "../support/server.h"

static test_server SRV;
static CURL *EASY;

/* A user of the tests: an API token, and a session with its CSRF token once signed in. */
typedef struct cred {
    const char *name;
    http_session s; /* the token, or the session and its CSRF token */
} cred;

/* ann, dpo and vic with their tokens; bea and dpo signed in to the pages. */
static cred ANN = {.name = "ann"}, DPO = {.name = "dpo"}, VIC = {.name = "vic"},
            BEA = {.name = "bea"}, DPO_WEB = {.name = "dpo"}, NOBODY = {.name = "nobody"};
#define USER_PASSWORD "a password of the tests"

/* Who sends the requests; NULL: ann's token for the API, bea's session for the pages. */
static const cred *AS;

/*
 * One request; a body is JSON, or a form when form is true (sent with our Origin).
 * It carries AS's credentials: a session cookie (a form gets the session's CSRF token as
 * its csrf field, other requests as X-CSRF-Token), else a bearer token.
 */
static void http(resp *r, const char *method, const char *path, const char *body, bool form)
{
    const cred *who = AS ? AS : strncmp(path, "/api/", 5) == 0 ? &ANN : &BEA;
    http_session s = who->s;
    char *with_csrf = NULL;
    if (s.cookie[0] && form && body) {
        size_t n = strlen(body) + strlen(s.csrf) + 8;
        with_csrf = malloc(n);
        if (!with_csrf)
            abort();
        snprintf(with_csrf, n, "%s%scsrf=%s", body, body[0] ? "&" : "", s.csrf);
        body = with_csrf;
    }
    http_headers h = {0};
    if (body) {
        http_header(&h, "Content-Type: %s", form ? HTTP_FORM_TYPE : "application/json");
        http_header(&h, "Origin: %s", SRV.url);
    }
    if (s.cookie[0])
        s.token[0] = '\0'; /* a session, else the token */
    s.csrf_header = !form;
    http_credentials(&h, &s);
    http_client c = {.base = SRV.url, .easy = EASY};
    http_send(r, &c, method, path, body, body ? strlen(body) : 0, h.line);
    free(with_csrf);
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    return json_string_value(v);
}

static json_int_t jint(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", key);
    return json_integer_value(v);
}

/* The problem's first error names field. */
static void problem_names(const resp *r, long status, const char *field)
{
    CHECK_STATUS(r, status);
    assert_string_equal(r->content_type, "application/problem+json");
    json_t *errs = json_object_get(r->json, "errors");
    size_t i;
    json_t *e;
    json_array_foreach(errs, i, e) if (strcmp(jstr(e, "field"), field) == 0) return;
    fail_msg("no error names %s: %s", field, r->body);
}

/* Run the isms binary on the server's database, as the administrator unless --as comes first. */
static void cli(int want, const char *const *args)
{
    const char *argv[24] = {"--db", SRV.db};
    size_t n = 2;
    if (strcmp(args[0], "--as") != 0) {
        argv[n++] = "--as";
        argv[n++] = SRV.admin;
    }
    for (; *args && n < 23; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    char out[8192];
    int rc = server_run_isms(argv, SERVER_RUN_SECONDS, out, sizeof(out));
    if (rc != want)
        fail_msg("isms %s %s %s: exit %d, expected %d: %s", argv[2], argv[3] ? argv[3] : "",
                 argv[4] ? argv[4] : "", rc, want, out);
}

#define CLI(want, ...) cli(want, (const char *const[]){__VA_ARGS__, NULL})

/* Sign in as a browser does; keep the session cookie and the CSRF token of its pages. */
static bool sign_in(cred *c)
{
    http_client cl = {.base = SRV.url, .easy = EASY};
    resp r;
    long status = http_login(&r, &cl, &c->s, c->name, USER_PASSWORD);
    resp_free(&r);
    return status == 303 && strncmp(c->s.cookie, "isms_session=", 13) == 0 &&
           http_read_csrf(&cl, &c->s, "/");
}

static int group_setup(void **state)
{
    (void)state;
    memset(&SRV, 0, sizeof(SRV));
    EASY = curl_easy_init();
    if (!EASY || !server_start(&SRV, NULL))
        return -1;
    static const struct {
        cred *c;
        const char *roles;
    } users[] = {{&ANN, "manager"}, {&DPO, "admin"}, {&VIC, "viewer"}};
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
        if (!server_add_user(&SRV, users[i].c->name, users[i].roles, USER_PASSWORD) ||
            !server_mint_token(&SRV, users[i].c->name, NULL, users[i].c->s.token,
                               sizeof(users[i].c->s.token)))
            return -1;
    if (!server_add_user(&SRV, "bea", "manager", USER_PASSWORD) ||
        !server_add_user(&SRV, "carol", "manager", USER_PASSWORD) || !sign_in(&BEA) ||
        !sign_in(&DPO_WEB)) {
        fprintf(stderr, "test_history: cannot make the users\n");
        return -1;
    }
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

static void test_history_of_changes_from_every_face(void **state)
{
    (void)state;
    resp r;
    http(&r, "POST", "/api/v1/context-issues",
         "{\"title\":\"Cloud <outage>\",\"origin\":\"external\",\"category\":\"technological\"}",
         false);
    CHECK_STATUS(&r, 201);
    assert_string_equal(jstr(r.json, "id"), "ISS-1");
    resp_free(&r);
    http(&r, "PATCH", "/api/v1/context-issues/ISS-1",
         "{\"version\":1,\"effect\":\"Ann\",\"description\":\"line 1\\nline 2\"}", false);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    /* Through the web form, then the command line on the same database. */
    http(&r, "POST", "/context-issues/ISS-1/edit",
         "version=2&title=Cloud+%3Coutage%3E&origin=external&category=technological&"
         "owner=&status=monitored&description=line+1%0D%0Aline+2&effect=Bob&climate_related=&"
         "review_date=",
         true);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    CLI(0, "--as", "carol", "context-issue", "retire", "ISS-1", "--reason", "moved to the cloud");

    http(&r, "GET", "/api/v1/context-issues/ISS-1/history", NULL, false);
    CHECK_STATUS(&r, 200);
    assert_string_equal(r.content_type, "application/json");
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 4);
    assert_true(json_is_false(json_object_get(r.json, "truncated")));
    static const struct {
        const char *action, *channel, *actor;
    } want[] = {{"create", "api", "ann"},
                {"update", "api", "ann"},
                {"update", "web", "bea"},
                {"retire", "cli", "carol"}};
    for (size_t i = 0; i < 4; i++) {
        json_t *it = json_array_get(items, i);
        assert_int_equal(jint(it, "seq"), (json_int_t)i + 1);
        assert_int_equal(jint(it, "version"), (json_int_t)i + 1);
        assert_string_equal(jstr(it, "action"), want[i].action);
        assert_string_equal(jstr(it, "channel"), want[i].channel);
        assert_string_equal(jstr(it, "actor"), want[i].actor);
        assert_true(json_is_false(json_object_get(it, "redacted")));
        json_t *rec = json_object_get(it, "record");
        assert_string_equal(jstr(rec, "id"), "ISS-1");
        assert_int_equal(jint(rec, "version"), (json_int_t)i + 1);
        assert_string_equal(jstr(rec, "title"), "Cloud <outage>");
    }
    assert_string_equal(jstr(json_object_get(json_array_get(items, 2), "record"), "effect"), "Bob");
    assert_string_equal(jstr(json_object_get(json_array_get(items, 3), "record"), "retired_reason"),
                        "moved to the cloud");
    resp_free(&r);

    http(&r, "GET", "/api/v1/context-issues/ISS-1/history?from=1&to=4", NULL, false);
    CHECK_STATUS(&r, 200);
    assert_string_equal(jstr(r.json, "id"), "ISS-1");
    assert_int_equal(jint(r.json, "from"), 1);
    assert_int_equal(jint(r.json, "to"), 4);
    json_t *changes = json_object_get(r.json, "changes");
    const char *fields[] = {"description", "effect",     "status",
                            "retired_at",  "retired_by", "retired_reason"};
    assert_int_equal(json_array_size(changes), 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(jstr(json_array_get(changes, i), "field"), fields[i]);
    json_t *effect = json_array_get(changes, 1);
    assert_true(json_is_null(json_object_get(effect, "before")));
    assert_string_equal(jstr(effect, "after"), "Bob");
    json_t *status = json_array_get(changes, 2);
    assert_string_equal(jstr(status, "before"), "open");
    assert_string_equal(jstr(status, "after"), "monitored");
    resp_free(&r);
    /* The other way round, and a version with itself. */
    http(&r, "GET", "/api/v1/context-issues/ISS-1/history?to=1&from=3", NULL, false);
    CHECK_STATUS(&r, 200);
    effect = json_array_get(json_object_get(r.json, "changes"), 1);
    assert_string_equal(jstr(effect, "before"), "Bob");
    assert_true(json_is_null(json_object_get(effect, "after")));
    resp_free(&r);
    http(&r, "GET", "/api/v1/context-issues/ISS-1/history?from=2&to=2", NULL, false);
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "changes")), 0);
    resp_free(&r);
}

static void test_history_bad_queries(void **state)
{
    (void)state;
    resp r;
    static const struct {
        const char *query, *field;
    } bad[] = {
        {"?from=x&to=2", "from"},
        {"?from=1", "to"},
        {"?to=1", "from"},
        {"?from=0&to=1", "from"},
        {"?from=1&to=-2", "to"},
        {"?from=1&from=2&to=3", "from"},
        {"?foo=1", "foo"},
        {"?from=&to=1", "from"},
        {"?from=1&to=99999999999999999999", "to"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), "/api/v1/context-issues/ISS-1/history%s", bad[i].query);
        http(&r, "GET", path, NULL, false);
        problem_names(&r, 400, bad[i].field);
        resp_free(&r);
    }
    http(&r, "GET", "/api/v1/context-issues/ISS-1/history?from=1&to=9", NULL, false);
    CHECK_STATUS(&r, 404);
    assert_non_null(strstr(jstr(r.json, "detail"), "no version 9 of ISS-1"));
    resp_free(&r);
    http(&r, "GET", "/api/v1/context-issues/ISS-77/history", NULL, false);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
    http(&r, "GET", "/api/v1/context-issues/IP-1/history", NULL, false);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
    http(&r, "GET", "/api/v1/no-such-kinds/X-1/history", NULL, false);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
    http(&r, "POST", "/api/v1/context-issues/ISS-1/history", "{}", false);
    CHECK_STATUS(&r, 405);
    assert_string_equal(r.allow, "GET");
    resp_free(&r);
    /* Every role reads a history; nobody anonymous does. */
    AS = &VIC;
    http(&r, "GET", "/api/v1/context-issues/ISS-1/history", NULL, false);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    http(&r, "GET", "/context-issues/ISS-1/history", NULL, false);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    AS = &NOBODY;
    http(&r, "GET", "/api/v1/context-issues/ISS-1/history", NULL, false);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
    http(&r, "GET", "/context-issues/ISS-1/history", NULL, false);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    AS = NULL;
}

static void test_redacted_and_deleted(void **state)
{
    (void)state;
    /* Redacting is for administrators: a manager is refused, and nothing changes. */
    CLI(1, "--as", "carol", "log", "redact", "2", "--reason", "personal data");
    CLI(0, "--as", "dpo", "log", "redact", "2", "--reason", "personal data");
    resp r;
    http(&r, "GET", "/api/v1/context-issues/ISS-1/history", NULL, false);
    CHECK_STATUS(&r, 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 5);
    json_t *second = json_array_get(items, 1);
    assert_true(json_is_true(json_object_get(second, "redacted")));
    assert_true(json_is_null(json_object_get(second, "record")));
    json_t *redaction = json_array_get(items, 4);
    assert_string_equal(jstr(redaction, "action"), "redact");
    assert_string_equal(jstr(redaction, "actor"), "dpo");
    assert_int_equal(jint(redaction, "redacts"), 2);
    assert_string_equal(jstr(redaction, "reason"), "personal data");
    resp_free(&r);
    http(&r, "GET", "/api/v1/context-issues/ISS-1/history?from=2&to=3", NULL, false);
    CHECK_STATUS(&r, 409);
    assert_non_null(strstr(jstr(r.json, "detail"), "redacted"));
    resp_free(&r);

    http(&r, "POST", "/api/v1/people", "{\"name\":\"Ann Becker\"}", false);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    http(&r, "POST", "/api/v1/processes", "{\"title\":\"Backup\",\"owner\":\"PER-1\"}",
         false);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    CLI(0, "process", "delete", "PRC-1");
    http(&r, "GET", "/api/v1/processes/PRC-1", NULL, false);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
    http(&r, "GET", "/api/v1/processes/PRC-1/history", NULL, false);
    CHECK_STATUS(&r, 200);
    items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(jstr(json_array_get(items, 1), "action"), "delete");
    assert_string_equal(jstr(json_object_get(json_array_get(items, 1), "record"), "title"),
                        "Backup");
    resp_free(&r);
    http(&r, "GET", "/processes/PRC-1/history", NULL, false);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "no longer exists");
    BODY_HAS(&r, "badge-danger\">deleted");
    resp_free(&r);
    CLI(0, "log", "verify");
}

static void test_history_page(void **state)
{
    (void)state;
    resp r;
    http(&r, "GET", "/context-issues/ISS-1", NULL, false);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "href=\"/context-issues/ISS-1/history\">History</a>");
    resp_free(&r);
    http(&r, "GET", "/context-issues/ISS-1/history", NULL, false);
    CHECK_STATUS(&r, 200);
    assert_string_equal(r.content_type, "text/html; charset=utf-8");
    BODY_HAS(&r, "<h1>History</h1>");
    BODY_HAS(&r, "<p class=\"lead\">Cloud &lt;outage&gt;</p>");
    BODY_LACKS(&r, "<outage>");
    BODY_HAS(&r, "<a href=\"/context-issues/ISS-1\">ISS-1</a>");
    BODY_HAS(&r, "<form method=\"get\" action=\"/context-issues/ISS-1/history\">");
    BODY_HAS(&r, "<th scope=\"col\">Compare</th>");
    BODY_HAS(&r, "<input type=\"radio\" name=\"from\" value=\"1\"");
    BODY_HAS(&r, "<input type=\"radio\" name=\"to\" value=\"4\" aria-label=\"Compare to version "
                 "4\" checked>");
    BODY_LACKS(&r, "name=\"from\" value=\"2\""); /* version 2 is redacted */
    BODY_HAS(&r, "<td>ann</td><td>api</td>");
    BODY_HAS(&r, "<td>bea</td><td>web</td>");
    BODY_HAS(&r, "<td>carol</td><td>cli</td>");
    BODY_HAS(&r, "content redacted");
    BODY_HAS(&r, "entry 2: personal data");
    BODY_LACKS(&r, "Changes from version");
    resp_free(&r);
    http(&r, "GET", "/context-issues/ISS-1/history?from=1&to=4", NULL, false);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "<h2>Changes from version 1 to version 4</h2>");
    BODY_HAS(&r, "<th scope=\"row\">Effect on the ISMS</th><td><span class=\"muted\">"
                 "\xE2\x80\x94</span></td><td");
    BODY_HAS(&r, ">Bob</td>");
    BODY_HAS(&r, "<th scope=\"row\">Status</th><td><span class=\"badge badge-info\">open</span>");
    BODY_HAS(&r, "<th scope=\"row\">Description</th><td><span class=\"muted\">\xE2\x80\x94"
                 "</span></td><td class=\"prose\">line 1");
    BODY_HAS(&r, "<th scope=\"row\">Reason for retiring</th>");
    resp_free(&r);
    /* A form sends empty values for versions not chosen: the list only. */
    http(&r, "GET", "/context-issues/ISS-1/history?from=&to=", NULL, false);
    CHECK_STATUS(&r, 200);
    BODY_LACKS(&r, "Changes from version");
    resp_free(&r);
    http(&r, "GET", "/context-issues/ISS-1/history?from=x&to=1", NULL, false);
    CHECK_STATUS(&r, 400);
    BODY_HAS(&r, "<code>from</code>");
    resp_free(&r);
    http(&r, "GET", "/context-issues/ISS-1/history?from=1", NULL, false);
    CHECK_STATUS(&r, 400);
    BODY_HAS(&r, "<code>to</code>");
    resp_free(&r);
    http(&r, "GET", "/context-issues/ISS-1/history?from=1&to=9", NULL, false);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
    http(&r, "GET", "/context-issues/ISS-1/history?from=2&to=3", NULL, false);
    CHECK_STATUS(&r, 409);
    resp_free(&r);
    http(&r, "GET", "/context-issues/ISS-42/history", NULL, false);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
    http(&r, "GET", "/context-issues/nonsense/history", NULL, false);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
}

static void test_openapi_has_history(void **state)
{
    (void)state;
    resp r;
    http(&r, "GET", "/api/v1/openapi.json", NULL, false);
    CHECK_STATUS(&r, 200);
    json_t *path =
        json_object_get(json_object_get(r.json, "paths"), "/api/v1/context-issues/{id}/history");
    assert_non_null(path);
    assert_string_equal(jstr(json_object_get(path, "get"), "operationId"), "historyContextIssue");
    json_t *schemas = json_object_get(json_object_get(r.json, "components"), "schemas");
    assert_non_null(json_object_get(schemas, "ContextIssueHistory"));
    assert_non_null(json_object_get(schemas, "HistoryDiff"));
    resp_free(&r);
}

static void test_log_api(void **state)
{
    (void)state;
    resp r;
    http(&r, "GET", "/api/v1/log?limit=3", NULL, false);
    CHECK_STATUS(&r, 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 3);
    assert_int_equal(jint(r.json, "next_after"), 3);
    json_t *first = json_array_get(items, 0);
    assert_int_equal(jint(first, "seq"), 1);
    assert_string_equal(jstr(first, "record"), "ISS-1");
    assert_string_equal(jstr(first, "kind"), "context-issue");
    assert_string_equal(jstr(first, "prev_hash"),
                        "0000000000000000000000000000000000000000000000000000000000000000");
    assert_non_null(strstr(jstr(first, "content"), "\"title\":\"Cloud <outage>\""));
    assert_true(json_is_null(json_object_get(json_array_get(items, 1), "content")));
    resp_free(&r);
    http(&r, "GET", "/api/v1/log?after=3&kind=process", NULL, false);
    CHECK_STATUS(&r, 200);
    items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(jstr(json_array_get(items, 1), "action"), "delete");
    assert_true(json_is_null(json_object_get(r.json, "next_after")));
    resp_free(&r);
    http(&r, "GET", "/api/v1/log?id=PRC-1", NULL, false);
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
    resp_free(&r);
    static const struct {
        const char *query, *field;
    } bad[] = {{"?limit=0", "limit"},         {"?limit=1001", "limit"},
               {"?after=-1", "after"},        {"?kind=nope", "kind"},
               {"?id=XYZ-1", "id"},           {"?kind=process&id=ISS-1", "id"},
               {"?after=1&after=2", "after"}, {"?sort=seq", "sort"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/log%s", bad[i].query);
        http(&r, "GET", path, NULL, false);
        problem_names(&r, 400, bad[i].field);
        resp_free(&r);
    }

    http(&r, "GET", "/api/v1/log/verify", NULL, false);
    CHECK_STATUS(&r, 200);
    assert_true(json_is_true(json_object_get(r.json, "ok")));
    json_int_t last = jint(r.json, "last_seq");
    assert_int_equal(jint(r.json, "entries"), last);
    assert_int_equal(jint(r.json, "redacted"), 1);
    assert_int_equal(strlen(jstr(r.json, "last_hash")), 64);
    resp_free(&r);
    http(&r, "GET", "/api/v1/log/verify?now=1", NULL, false);
    problem_names(&r, 400, "now");
    resp_free(&r);

    /* Reading the log and verifying it is for every role, not for anonymous callers. */
    AS = &VIC;
    http(&r, "GET", "/api/v1/log/verify", NULL, false);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    AS = &NOBODY;
    http(&r, "GET", "/api/v1/log", NULL, false);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
    http(&r, "GET", "/api/v1/log/verify", NULL, false);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
    /* Redacting is for administrators: a manager, a viewer and nobody are refused. */
    static const struct {
        const cred *who;
        long status;
    } not_allowed[] = {{&ANN, 403}, {&VIC, 403}, {&NOBODY, 401}};
    for (size_t i = 0; i < sizeof(not_allowed) / sizeof(not_allowed[0]); i++) {
        AS = not_allowed[i].who;
        http(&r, "POST", "/api/v1/log/1/redact", "{\"reason\":\"asked to\"}", false);
        CHECK_STATUS(&r, not_allowed[i].status);
        resp_free(&r);
    }
    AS = &DPO;
    /* Redaction: refused inputs write nothing; then it works and is logged, by the API. */
    static const struct {
        const char *path, *body, *field;
        long status;
    } refused[] = {
        {"/api/v1/log/1/redact", "{}", "reason", 400},
        {"/api/v1/log/1/redact", "{\"reason\":\"  \"}", "reason", 400},
        {"/api/v1/log/1/redact", "{\"reason\":5}", "reason", 400},
        {"/api/v1/log/1/redact", "{\"reason\":\"x\",\"seq\":1}", "seq", 400},
        {"/api/v1/log/x/redact", "{\"reason\":\"x\"}", "seq", 400},
        {"/api/v1/log/1/redact", "[1]", "body", 400},
        {"/api/v1/log/999/redact", "{\"reason\":\"x\"}", NULL, 404},
        {"/api/v1/log/2/redact", "{\"reason\":\"x\"}", NULL, 409},
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        http(&r, "POST", refused[i].path, refused[i].body, false);
        if (refused[i].field)
            problem_names(&r, refused[i].status, refused[i].field);
        else
            CHECK_STATUS(&r, refused[i].status);
        resp_free(&r);
    }
    http(&r, "GET", "/api/v1/log/verify", NULL, false);
    assert_int_equal(jint(r.json, "last_seq"), last);
    resp_free(&r);
    http(&r, "POST", "/api/v1/log/1/redact", "{\"reason\":\"asked to\"}", false);
    CHECK_STATUS(&r, 200);
    assert_int_equal(jint(r.json, "redacted"), 1);
    assert_int_equal(jint(r.json, "redaction"), last + 1);
    resp_free(&r);
    http(&r, "GET", "/api/v1/log?after=1000000", NULL, false);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/log?after=%lld", (long long)last);
    http(&r, "GET", path, NULL, false);
    json_t *red = json_array_get(json_object_get(r.json, "items"), 0);
    assert_string_equal(jstr(red, "action"), "redact");
    assert_string_equal(jstr(red, "channel"), "api");
    assert_string_equal(jstr(red, "actor"), "dpo");
    resp_free(&r);
    http(&r, "GET", "/api/v1/log/verify", NULL, false);
    assert_true(json_is_true(json_object_get(r.json, "ok")));
    assert_int_equal(jint(r.json, "redacted"), 2);
    resp_free(&r);
    http(&r, "DELETE", "/api/v1/log/verify", NULL, false);
    CHECK_STATUS(&r, 405);
    resp_free(&r);
    AS = NULL;
}

static void test_log_pages(void **state)
{
    (void)state;
    resp r;
    http(&r, "GET", "/log", NULL, false);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "<h1>Change log</h1>");
    BODY_HAS(&r, "<a href=\"/log/1\">1</a>");
    BODY_HAS(&r, "<a href=\"/context-issues/ISS-1/history\">ISS-1</a>");
    BODY_HAS(&r, "(content redacted)");
    BODY_LACKS(&r, "notice-ok");
    resp_free(&r);
    http(&r, "GET", "/log?verify=1&kind=&id=", NULL, false);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "<div class=\"notice notice-ok\" role=\"status\">The change log verifies:");
    resp_free(&r);
    http(&r, "GET", "/log?limit=2", NULL, false);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "href=\"/log?after=2&amp;limit=2\">Next page</a>");
    resp_free(&r);
    http(&r, "GET", "/log?id=PRC-1", NULL, false);
    CHECK_STATUS(&r, 200);
    BODY_LACKS(&r, "ISS-1</a>");
    resp_free(&r);
    http(&r, "GET", "/log?limit=x", NULL, false);
    CHECK_STATUS(&r, 400);
    BODY_HAS(&r, "<code>limit</code>");
    resp_free(&r);
    http(&r, "GET", "/context-issues/ISS-1/history", NULL, false);
    BODY_HAS(&r, "href=\"/log?id=ISS-1\">In the change log</a>");
    resp_free(&r);

    /* One entry, its record field by field; a manager gets no form to redact it ... */
    http(&r, "GET", "/log/3", NULL, false);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "<h1>Entry 3</h1>");
    BODY_HAS(&r, "<dt>Effect on the ISMS</dt><dd class=\"prose\">Bob</dd>");
    BODY_LACKS(&r, "/log/3/redact");
    resp_free(&r);
    http(&r, "POST", "/log/3/redact", "reason=Past+retention", true);
    CHECK_STATUS(&r, 403);
    BODY_HAS(&r, "admin role");
    resp_free(&r);
    /* ... an administrator does, with the session's CSRF token. */
    AS = &DPO_WEB;
    http(&r, "GET", "/log/3", NULL, false);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "<form class=\"form confirm\" method=\"post\" data-confirm=\"Redact the content "
                 "of entry 3? This cannot be undone.\" action=\"/log/3/redact\" novalidate>\n"
                 "<input type=\"hidden\" name=\"csrf\"");
    resp_free(&r);
    http(&r, "POST", "/log/3/redact", "reason=", true);
    CHECK_STATUS(&r, 422);
    BODY_HAS(&r, "<p class=\"error\" id=\"f-reason-error\">is required");
    resp_free(&r);
    CLI(0, "log", "verify");
    http(&r, "POST", "/log/3/redact", "reason=Past+retention", true);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    http(&r, "GET", "/log/3?done=redacted", NULL, false);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "notice-ok");
    BODY_HAS(&r, "The content was redacted.");
    BODY_LACKS(&r, "/log/3/redact");
    resp_free(&r);
    http(&r, "POST", "/log/3/redact", "reason=again", true);
    CHECK_STATUS(&r, 409);
    resp_free(&r);
    http(&r, "GET", "/log/999", NULL, false);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
    http(&r, "GET", "/log/abc", NULL, false);
    CHECK_STATUS(&r, 404);
    resp_free(&r);
    AS = NULL;
    http(&r, "GET", "/log?after=5", NULL, false);
    BODY_HAS(&r, "<td>dpo</td><td>web</td>");
    resp_free(&r);
    CLI(0, "log", "verify");
}

static void test_stop(void **state)
{
    (void)state;
    int rc = server_stop(&SRV, SIGTERM);
    assert_int_equal(rc, 0);
    assert_false(server_sanitizer_report(&SRV));
}

/* --- the server signs checkpoints ---------------------------------------------- */

/* Its own server, stopped and removed by the group's teardown even when a check fails. */
static test_server CHECKPOINT_SRV;

static int checkpoints_teardown(void **state)
{
    (void)state;
    server_cleanup(&CHECKPOINT_SRV);
    if (EASY)
        curl_easy_cleanup(EASY);
    EASY = NULL;
    return 0;
}

static void test_server_checkpoints(void **state)
{
    (void)state;
    test_server s = {0};
    assert_true(server_prepare(&s));
    CHECKPOINT_SRV = s;
    char secret[400], public[400], out[8192];
    snprintf(secret, sizeof(secret), "%s/log.key", s.dir);
    snprintf(public, sizeof(public), "%s/log.pub", s.dir);
    const char *keygen[] = {"log", "keygen", "--secret", secret, "--public", public, NULL};
    assert_int_equal(server_run_isms(keygen, SERVER_RUN_SECONDS, out, sizeof(out)), 0);
    const char *extra[] = {"--checkpoint-key", secret, "--checkpoint-every", "1", NULL};
    assert_true(server_start(&CHECKPOINT_SRV, extra));
    s = CHECKPOINT_SRV;
    test_server saved = SRV;
    SRV = s;
    cred admin = {.name = SERVER_ADMIN};
    http_bearer(&admin.s, s.token);
    AS = &admin;
    EASY = curl_easy_init();
    assert_non_null(EASY);
    resp r;
    http(&r, "POST", "/api/v1/interested-parties",
         "{\"title\":\"Customers\",\"category\":\"customer\",\"origin\":\"external\"}", false);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    assert_true(server_stderr_wait_for(&SRV, "checkpoint of the change log: entry 1 ", 10));
    http(&r, "POST", "/api/v1/interested-parties",
         "{\"title\":\"Regulator\",\"category\":\"regulator\",\"origin\":\"external\"}", false);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    SRV = saved;
    AS = NULL;
    curl_easy_cleanup(EASY);
    EASY = NULL;
    /* At stop the last change is signed too (unless a tick already did). */
    assert_int_equal(server_stop(&CHECKPOINT_SRV, SIGTERM), 0);
    char *err = server_stderr(&CHECKPOINT_SRV);
    assert_non_null(strstr(err, "checkpoint of the change log: entry 2 "));
    assert_null(strstr(err, "checkpoint of the change log failed"));
    free(err);
    assert_false(server_sanitizer_report(&CHECKPOINT_SRV));
    const char *verify[] = {"--db", CHECKPOINT_SRV.db, "log", "verify", "--public-key", public,
                            NULL};
    assert_int_equal(server_run_isms(verify, SERVER_RUN_SECONDS, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "checkpoints: 2, signatures verified"));
}

int main(int argc, char **argv)
{
    int skip = server_driver_from_args(argc, argv); /* sqlite or postgres */
    if (skip)
        return skip;
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 1;
    const struct CMUnitTest history[] = {
        cmocka_unit_test(test_history_of_changes_from_every_face),
        cmocka_unit_test(test_history_bad_queries),
        cmocka_unit_test(test_redacted_and_deleted),
        cmocka_unit_test(test_history_page),
        cmocka_unit_test(test_openapi_has_history),
        cmocka_unit_test(test_log_api),
        cmocka_unit_test(test_log_pages),
        cmocka_unit_test(test_stop),
    };
    const struct CMUnitTest checkpoints[] = {
        cmocka_unit_test(test_server_checkpoints),
    };
    int failed = cmocka_run_group_tests_name("history", history, group_setup, group_teardown);
    failed += cmocka_run_group_tests_name("checkpoints", checkpoints, NULL, checkpoints_teardown);
    curl_global_cleanup();
    return failed;
}
