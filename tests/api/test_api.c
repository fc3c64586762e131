/*
 * End-to-end tests of the HTTP API: every test group starts the real binary
 * (`isms serve`, ISMS_BIN) on a fresh database and an ephemeral loopback port
 * and talks to it over HTTP with libcurl. Every generic operation is driven
 * for several kinds; every refused input is checked for its status, its
 * problem body (type, and the field named in errors[]), that the database is
 * unchanged (every list, retired records included, compared before and
 * after) and that the server still answers. Each group ends by stopping its
 * server with a signal: it must exit 0 within a few seconds, print nothing
 * more on stdout and report nothing from a sanitizer on stderr.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/http.h"
#include "../support/server.h"

/* --- the group's server and client ------------------------------------------ */

static test_server SRV; /* the server of the running group */
static CURL *EASY;      /* one handle per group: its connection is kept alive */
static char AUTH_LINE_BUF[128]; /* "Authorization: Bearer <the admin's token>" */
#define AUTH_LINE auth_line()

static const char *auth_line(void)
{
    snprintf(AUTH_LINE_BUF, sizeof(AUTH_LINE_BUF), "Authorization: Bearer %s", SRV.token);
    return AUTH_LINE_BUF;
}

static const char *const PLURALS[] = {"context-issues", "climate-decisions", "interested-parties",
                                      "requirements",   "scope-items",       "processes",
                                      "people"};
enum { NPLURALS = sizeof(PLURALS) / sizeof(PLURALS[0]) };

/* A body of n bytes filled with c (for size tests). */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* --- HTTP ------------------------------------------------------------------ */

/* One request with the administrator's token; body NULL sends none (else a JSON body of
 * body_len bytes); if_match NULL sends no If-Match. */
static void http_n(resp *r, const char *method, const char *path, const char *body,
                   size_t body_len, const char *if_match)
{
    http_headers h = {0};
    if (body)
        http_header(&h, "Content-Type: application/json");
    if (if_match)
        http_header(&h, "If-Match: %s", if_match);
    http_header(&h, "%s", AUTH_LINE);
    http_client c = {.base = SRV.url, .easy = EASY};
    http_send(r, &c, method, path, body, body_len, h.line);
}

static void http(resp *r, const char *method, const char *path, const char *body,
                 const char *if_match)
{
    http_n(r, method, path, body, body ? strlen(body) : 0, if_match);
}

/* --- checks ----------------------------------------------------------------- */

static const json_t *member(const json_t *o, const char *key)
{
    assert_true(json_is_object(o));
    const json_t *v = json_object_get(o, key);
    if (!v) {
        char *dump = json_dumps(o, JSON_COMPACT);
        print_error("no member '%s' in %s\n", key, dump ? dump : "?");
        free(dump);
        fail();
    }
    return v;
}

static const char *str_of(const json_t *o, const char *key)
{
    const json_t *v = member(o, key);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

static json_int_t int_of(const json_t *o, const char *key)
{
    const json_t *v = member(o, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static bool errors_name(const json_t *problem, const char *field)
{
    const json_t *errs = json_object_get(problem, "errors");
    size_t i;
    const json_t *e;
    json_array_foreach(errs, i, e) {
        const json_t *f = json_object_get(e, "field");
        const json_t *reason = json_object_get(e, "reason");
        if (json_is_string(f) && strcmp(json_string_value(f), field) == 0 &&
            json_is_string(reason) && json_string_length(reason) > 0)
            return true;
    }
    return false;
}

/* The response is the problem: status, type, title, detail and (when field) errors[]. */
#define CHECK_PROBLEM(r, st, type, field) check_problem((r), (st), (type), (field), __FILE__, __LINE__)
static void check_problem(const resp *r, long status, const char *type, const char *field,
                          const char *file, int line)
{
    http_check_status(r, status, file, line);
    if (strcmp(r->content_type, "application/problem+json") != 0) {
        print_error("%s:%d: content type '%s', not application/problem+json\n", file, line,
                    r->content_type);
        _fail(file, line);
    }
    assert_non_null(r->json);
    char uri[96];
    snprintf(uri, sizeof(uri), "urn:isms:problem:%s", type);
    if (strcmp(str_of(r->json, "type"), uri) != 0) {
        print_error("%s:%d: problem type %s, expected %s: %s\n", file, line,
                    str_of(r->json, "type"), uri, r->body);
        _fail(file, line);
    }
    assert_true(strlen(str_of(r->json, "title")) > 0);
    assert_true(strlen(str_of(r->json, "detail")) > 0);
    assert_int_equal(int_of(r->json, "status"), status);
    if (field && !errors_name(r->json, field)) {
        print_error("%s:%d: errors[] does not name '%s': %s\n", file, line, field, r->body);
        _fail(file, line);
    }
}

static void check_health(void)
{
    resp r;
    http(&r, "GET", "/healthz", NULL, NULL);
    CHECK_STATUS(&r, 200);
    assert_string_equal(str_of(r.json, "status"), "ok");
    assert_true(int_of(r.json, "schema_version") >= 1);
    resp_free(&r);
}

/* Every record of every kind, retired ones included, as the API lists them. */
static char *snapshot(void)
{
    buf all = {0};
    for (size_t k = 0; k < NPLURALS; k++) {
        char *cursor = NULL;
        do {
            char path[2048];
            if (cursor) {
                char *esc = curl_easy_escape(EASY, cursor, 0);
                snprintf(path, sizeof(path), "/api/v1/%s?retired=include&limit=200&cursor=%s",
                         PLURALS[k], esc);
                curl_free(esc);
            } else {
                snprintf(path, sizeof(path), "/api/v1/%s?retired=include&limit=200",
                         PLURALS[k]);
            }
            free(cursor);
            cursor = NULL;
            resp r;
            http(&r, "GET", path, NULL, NULL);
            CHECK_STATUS(&r, 200);
            buf_addf(&all, "%s:%s\n", PLURALS[k], r.body);
            const json_t *next = member(r.json, "next_cursor");
            if (json_is_string(next))
                cursor = strdup(json_string_value(next));
            resp_free(&r);
        } while (cursor);
    }
    return all.p;
}

/*
 * A refused request: the problem (status, type, field when not NULL), the
 * database unchanged, the server still serving. r keeps the answer for more
 * checks; the caller frees it.
 */
#define REFUSED(r, m, path, body, im, st, type, field)                                         \
    refused((r), (m), (path), (body), (im), (st), (type), (field), __FILE__, __LINE__)
static void refused(resp *r, const char *method, const char *path, const char *body,
                    const char *if_match, long status, const char *type, const char *field,
                    const char *file, int line)
{
    char *before = snapshot();
    http(r, method, path, body, if_match);
    check_problem(r, status, type, field, file, line);
    char *after = snapshot();
    if (strcmp(before, after) != 0) {
        print_error("%s:%d: %s %s changed the database\n", file, line, method, path);
        _fail(file, line);
    }
    free(before);
    free(after);
    check_health();
}

/* As REFUSED, without keeping the answer. */
#define BAD(m, path, body, im, st, type, field)                                                 \
    do {                                                                                       \
        resp bad_r_;                                                                           \
        refused(&bad_r_, (m), (path), (body), (im), (st), (type), (field), __FILE__, __LINE__); \
        resp_free(&bad_r_);                                                                    \
    } while (0)

/* --- records ---------------------------------------------------------------- */

/* Create a record; returns its id (malloc'd). */
#define CREATE(plural, body) create((plural), (body), __FILE__, __LINE__)
static char *create(const char *plural, const char *body, const char *file, int line)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/%s", plural);
    resp r;
    http(&r, "POST", path, body, NULL);
    http_check_status(&r, 201, file, line);
    char *id = strdup(str_of(r.json, "id"));
    resp_free(&r);
    return id;
}

/* GET a record into r (200 expected). */
static void get_record(resp *r, const char *plural, const char *id)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/%s/%s", plural, id);
    http(r, "GET", path, NULL, NULL);
    CHECK_STATUS(r, 200);
}

static json_int_t version_of(const char *plural, const char *id)
{
    resp r;
    get_record(&r, plural, id);
    json_int_t v = int_of(r.json, "version");
    resp_free(&r);
    return v;
}

/* PATCH body (which carries its own version) and expect 200. */
static void patch_ok(const char *plural, const char *id, const char *body)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/%s/%s", plural, id);
    resp r;
    http(&r, "PATCH", path, body, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
}

static void retire_ok(const char *plural, const char *id, const char *reason)
{
    char path[160], body[512];
    snprintf(path, sizeof(path), "/api/v1/%s/%s/retire", plural, id);
    snprintf(body, sizeof(body), "{\"reason\":\"%s\",\"version\":%lld}", reason,
             (long long)version_of(plural, id));
    resp r;
    http(&r, "POST", path, body, NULL);
    CHECK_STATUS(&r, 200);
    assert_true(json_is_true(member(r.json, "retired")));
    resp_free(&r);
}

/* --- group fixtures --------------------------------------------------------- */

static int start_group(const char *const *extra)
{
    memset(&SRV, 0, sizeof(SRV));
    if (!server_start(&SRV, extra))
        return -1;
    EASY = curl_easy_init();
    return EASY ? 0 : -1;
}

static int group_setup(void **state)
{
    (void)state;
    return start_group(NULL);
}

static int group_setup_limits(void **state)
{
    (void)state;
    const char *extra[] = {"--max-body", "4096", "--max-url", "512", NULL};
    return start_group(extra);
}

static int group_teardown(void **state)
{
    (void)state;
    if (EASY)
        curl_easy_cleanup(EASY);
    EASY = NULL;
    server_cleanup(&SRV);
    return 0;
}

/* The last test of every group: a graceful stop, exit 0, nothing from a sanitizer. */
static void test_stop(void **state)
{
    (void)state;
    curl_easy_cleanup(EASY); /* close the kept-alive connection first */
    EASY = NULL;
    int rc = server_stop(&SRV, SIGTERM);
    char *err = server_stderr(&SRV);
    if (rc != 0 || server_sanitizer_report(&SRV))
        print_error("isms serve ended with %d; stderr:\n%s\n", rc, err);
    assert_int_equal(rc, 0);
    assert_false(server_sanitizer_report(&SRV));
    assert_non_null(strstr(err, "isms: stopping"));
    assert_string_equal(SRV.extra_out, ""); /* exactly one line on stdout */
    free(err);
}

/* ============================================================================
 * Group 1: records — every generic operation, every error, several kinds.
 * ========================================================================== */

static const char ISSUE[] = "{\"title\":\"Supplier lock-in\",\"origin\":\"external\","
                            "\"category\":\"economic\"}";
static const char PARTY[] = "{\"title\":\"Customer A\",\"category\":\"customer\","
                            "\"origin\":\"external\"}";
static const char SCOPE[] = "{\"title\":\"Head office\",\"type\":\"site\","
                            "\"inclusion\":\"included\"}";
/* PER-1 is the first person of the group (test_create_and_get_every_kind, test_list_create_120). */
static const char PERSON[] = "{\"name\":\"Jonas Weber\",\"job_title\":\"CISO\","
                             "\"department\":\"Information security\","
                             "\"email\":\"jonas.weber@example.com\",\"top_management\":false}";
static const char PROCESS[] = "{\"title\":\"Backup\",\"owner\":\"PER-1\"}";
static const char CLIMATE[] = "{\"title\":\"2024\",\"relevant\":true,\"reasoning\":\"floods\","
                              "\"decided_by\":\"board\",\"decided_on\":\"2024-01-15\"}";

static void test_health(void **state)
{
    (void)state;
    char want[600];
    snprintf(want, sizeof(want), "isms: serving %s on http://127.0.0.1:%u/ (Ctrl-C stops)",
             SRV.db, SRV.port);
    assert_string_equal(SRV.line, want);
    resp r;
    http(&r, "GET", "/healthz", NULL, NULL);
    CHECK_STATUS(&r, 200);
    assert_string_equal(r.content_type, "application/json");
    assert_string_equal(r.nosniff, "nosniff");
    assert_string_equal(str_of(r.json, "status"), "ok");
    assert_int_equal(int_of(r.json, "schema_version"), 7); /* clause 4, log, people, accounts, TOTP, risk, heat counts */
    char first_id[64];
    snprintf(first_id, sizeof(first_id), "%s", r.request_id);
    resp_free(&r);
    http(&r, "GET", "/healthz", NULL, NULL);
    CHECK_STATUS(&r, 200);
    assert_string_not_equal(first_id, r.request_id); /* every request its own id */
    resp_free(&r);
    /* Only GET is a health check. */
    BAD("POST", "/healthz", "{}", NULL, 405, "method_not_allowed", NULL);
    /* The schema is read from the database: migrated by another isms since, this one is unfit. */
    assert_true(server_db_exec(&SRV, "INSERT INTO isms_schema (version, name, applied_at) "
                                     "VALUES (99, 'from a newer isms', '2030-01-01T00:00:00Z')"));
    http(&r, "GET", "/healthz", NULL, NULL);
    CHECK_PROBLEM(&r, 503, "schema_changed", NULL);
    BODY_HAS(&r, "schema version 99, this isms serves version 7");
    resp_free(&r);
    assert_true(server_db_exec(&SRV, "DELETE FROM isms_schema WHERE version = 99"));
    check_health();
}

/* Created record: 201, Location, ETag "1", the record as the API shows it. */
static void check_created(const resp *r, const char *plural, const char *kind,
                          const char *prefix)
{
    CHECK_STATUS(r, 201);
    assert_string_equal(r->content_type, "application/json");
    const char *id = str_of(r->json, "id");
    assert_true(strncmp(id, prefix, strlen(prefix)) == 0 && id[strlen(prefix)] == '-');
    char loc[160];
    snprintf(loc, sizeof(loc), "/api/v1/%s/%s", plural, id);
    assert_string_equal(r->location, loc);
    assert_string_equal(r->etag, "\"1\"");
    assert_string_equal(str_of(r->json, "kind"), kind);
    assert_int_equal(int_of(r->json, "version"), 1);
    assert_true(json_is_false(member(r->json, "retired")));
    assert_true(strlen(str_of(r->json, "created_at")) >= 20);
    assert_string_equal(str_of(r->json, "created_at"), str_of(r->json, "updated_at"));
    assert_true(strlen(str_of(r->json, "created_by")) > 0);
}

static void test_create_and_get_every_kind(void **state)
{
    (void)state;
    static const struct {
        const char *plural, *kind, *prefix, *body, *field, *value;
    } cases[] = {
        {"context-issues", "context-issue", "ISS", ISSUE, "status", "open"},
        {"climate-decisions", "climate-decision", "CLD", CLIMATE, "decided_on", "2024-01-15"},
        {"interested-parties", "interested-party", "IP", PARTY, "category", "customer"},
        {"requirements", "requirement", "REQ",
         "{\"title\":\"GDPR\",\"party\":\"IP-1\",\"type\":\"legal\",\"addressed\":\"yes\","
         "\"how_addressed\":\"DPA with every processor\",\"climate_related\":false}",
         "party", "IP-1"},
        {"scope-items", "scope-item", "SCP", SCOPE, "inclusion", "included"},
        {"people", "person", "PER", PERSON, "name", "Jonas Weber"},
        {"processes", "process", "PRC", PROCESS, "owner", "PER-1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/%s", cases[i].plural);
        resp r;
        http(&r, "POST", path, cases[i].body, NULL);
        check_created(&r, cases[i].plural, cases[i].kind, cases[i].prefix);
        char id[32], loc[sizeof(r.location)];
        snprintf(id, sizeof(id), "%s", str_of(r.json, "id"));
        snprintf(loc, sizeof(loc), "%s", r.location);
        assert_string_equal(str_of(r.json, cases[i].field), cases[i].value);
        char *created = json_dumps(r.json, JSON_COMPACT | JSON_SORT_KEYS);
        resp_free(&r);

        /* GET at the Location: the same record, plus who refers to it. */
        http(&r, "GET", loc, NULL, NULL);
        CHECK_STATUS(&r, 200);
        assert_string_equal(r.etag, "\"1\"");
        assert_true(json_is_array(member(r.json, "referred_to_by")));
        json_object_del(r.json, "referred_to_by");
        char *got = json_dumps(r.json, JSON_COMPACT | JSON_SORT_KEYS);
        assert_string_equal(created, got);
        free(created);
        free(got);
        resp_free(&r);

        /* It is listed. */
        http(&r, "GET", path, NULL, NULL);
        CHECK_STATUS(&r, 200);
        const json_t *items = member(r.json, "items");
        assert_int_equal(json_array_size(items), 1);
        assert_string_equal(str_of(json_array_get(items, 0), "id"), id);
        assert_true(json_is_null(member(r.json, "next_cursor")));
        resp_free(&r);
    }
    /* IP-1 shows that REQ-1 refers to it. */
    resp r;
    get_record(&r, "interested-parties", "IP-1");
    const json_t *refs = member(r.json, "referred_to_by");
    assert_int_equal(json_array_size(refs), 1);
    const json_t *ref = json_array_get(refs, 0);
    assert_string_equal(str_of(ref, "id"), "REQ-1");
    assert_string_equal(str_of(ref, "kind"), "requirement");
    assert_string_equal(str_of(ref, "field"), "party");
    assert_string_equal(str_of(ref, "title"), "GDPR");
    resp_free(&r);
    /* PER-1 shows that PRC-1 is theirs. */
    get_record(&r, "people", "PER-1");
    refs = member(r.json, "referred_to_by");
    assert_int_equal(json_array_size(refs), 1);
    assert_string_equal(str_of(json_array_get(refs, 0), "id"), "PRC-1");
    assert_string_equal(str_of(json_array_get(refs, 0), "field"), "owner");
    assert_string_equal(str_of(json_array_get(refs, 0), "title"), "Backup");
    resp_free(&r);
}

static void test_update(void **state)
{
    (void)state;
    char *bob = CREATE("people", "{\"name\":\"Bob Example\"}");
    char owner[128];
    snprintf(owner, sizeof(owner), "{\"owner\":\"%s\",\"status\":\"monitored\"}", bob);
    char *id = CREATE("context-issues", ISSUE);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/context-issues/%s", id);
    resp r;

    /* Version in the body. */
    http(&r, "PATCH", path, "{\"description\":\"we depend on one vendor\",\"version\":1}", NULL);
    CHECK_STATUS(&r, 200);
    assert_string_equal(r.etag, "\"2\"");
    assert_int_equal(int_of(r.json, "version"), 2);
    assert_string_equal(str_of(r.json, "description"), "we depend on one vendor");
    assert_string_equal(str_of(r.json, "title"), "Supplier lock-in"); /* untouched */
    assert_string_not_equal(str_of(r.json, "created_at"), "");
    resp_free(&r);

    /* If-Match as an entity tag. */
    http(&r, "PATCH", path, owner, "\"2\"");
    CHECK_STATUS(&r, 200);
    assert_int_equal(int_of(r.json, "version"), 3);
    assert_string_equal(str_of(r.json, "owner"), bob);
    assert_string_equal(str_of(r.json, "status"), "monitored");
    resp_free(&r);

    /* If-Match as a bare number; null clears an optional field. */
    http(&r, "PATCH", path, "{\"description\":null}", "3");
    CHECK_STATUS(&r, 200);
    assert_int_equal(int_of(r.json, "version"), 4);
    assert_true(json_is_null(member(r.json, "description")));
    assert_string_equal(str_of(r.json, "owner"), bob);
    resp_free(&r);

    /* Without a version: 428. Stale: 409 with the current version. */
    BAD("PATCH", path, "{\"title\":\"x\"}", NULL, 428, "version_required", NULL);
    REFUSED(&r, "PATCH", path, "{\"title\":\"x\",\"version\":2}", NULL, 409, "conflict", NULL);
    assert_int_equal(int_of(r.json, "current_version"), 4);
    resp_free(&r);
    REFUSED(&r, "PATCH", path, "{\"title\":\"x\"}", "\"3\"", 409, "conflict", NULL);
    assert_int_equal(int_of(r.json, "current_version"), 4);
    resp_free(&r);
    BAD("PATCH", path, "{\"title\":\"x\"}", "\"abc\"", 400, "invalid", NULL);
    BAD("PATCH", path, "{\"title\":\"x\"}", "0", 400, "invalid", NULL);
    BAD("PATCH", path, "{\"title\":\"x\",\"version\":0}", NULL, 400, "invalid", "version");
    BAD("PATCH", path, "{\"title\":\"x\",\"version\":\"4\"}", NULL, 400, "invalid", "version");
    BAD("PATCH", path, "{\"title\":\"x\",\"version\":4.0}", NULL, 400, "invalid", "version");
    /* Unknown record, unknown kind of id. */
    BAD("PATCH", "/api/v1/context-issues/ISS-999", "{\"title\":\"x\",\"version\":1}", NULL,
        404, "not_found", NULL);
    BAD("PATCH", "/api/v1/context-issues/IP-1", "{\"title\":\"x\",\"version\":1}", NULL, 404,
        "not_found", NULL);

    /* A change of nothing: accepted (or refused), never a server error. */
    http(&r, "PATCH", path, "{\"version\":4}", NULL);
    assert_true(r.status == 200 || r.status == 400);
    resp_free(&r);
    free(id);
    free(bob);
}

static void test_retire(void **state)
{
    (void)state;
    char *id = CREATE("scope-items", SCOPE);
    char path[128], rpath[160];
    snprintf(path, sizeof(path), "/api/v1/scope-items/%s", id);
    snprintf(rpath, sizeof(rpath), "%s/retire", path);

    BAD("POST", rpath, "{\"reason\":\"sold\"}", NULL, 428, "version_required", NULL);
    resp r;
    REFUSED(&r, "POST", rpath, "{\"reason\":\"sold\",\"version\":7}", NULL, 409, "conflict",
            NULL);
    assert_int_equal(int_of(r.json, "current_version"), 1);
    resp_free(&r);
    BAD("POST", rpath, "{\"version\":1}", NULL, 400, "invalid", "reason");
    BAD("POST", rpath, "{\"reason\":\"   \",\"version\":1}", NULL, 400, "invalid", "reason");
    BAD("POST", rpath, "{\"reason\":5,\"version\":1}", NULL, 400, "invalid", "reason");
    BAD("POST", rpath, "{\"reason\":\"sold\",\"version\":1,\"when\":\"now\"}", NULL, 400,
        "invalid", "when");
    BAD("POST", rpath, "{\"reason\":\"sold\",\"version\":-1}", NULL, 400, "invalid",
        "version");
    BAD("POST", rpath, "{\"reason\":\"a\",\"reason\":\"b\",\"version\":1}", NULL, 400,
        "invalid", "body");
    BAD("POST", rpath, "[]", NULL, 400, "invalid", "body");
    BAD("POST", rpath, "", NULL, 400, "invalid", "body");
    BAD("POST", "/api/v1/scope-items/SCP-999/retire", "{\"reason\":\"x\",\"version\":1}", NULL,
        404, "not_found", NULL);

    http(&r, "POST", rpath, "{\"reason\":\"the site was sold\"}", "\"1\"");
    CHECK_STATUS(&r, 200);
    assert_true(json_is_true(member(r.json, "retired")));
    assert_string_equal(str_of(r.json, "retired_reason"), "the site was sold");
    assert_true(strlen(str_of(r.json, "retired_at")) >= 20);
    assert_true(json_is_array(member(r.json, "referred_to_by")));
    resp_free(&r);

    /* Still readable; out of the default list; in retired=only. */
    get_record(&r, "scope-items", id);
    assert_true(json_is_true(member(r.json, "retired")));
    json_int_t v = int_of(r.json, "version");
    resp_free(&r);
    http(&r, "GET", "/api/v1/scope-items", NULL, NULL);
    CHECK_STATUS(&r, 200);
    size_t i;
    const json_t *it;
    json_array_foreach(member(r.json, "items"), i, it) assert_string_not_equal(str_of(it, "id"), id);
    resp_free(&r);
    http(&r, "GET", "/api/v1/scope-items?retired=only", NULL, NULL);
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_array_size(member(r.json, "items")), 1);
    assert_string_equal(str_of(json_array_get(member(r.json, "items"), 0), "id"), id);
    resp_free(&r);

    /* A retired record no longer changes, and is not retired twice. */
    char body[128];
    snprintf(body, sizeof(body), "{\"title\":\"x\",\"version\":%lld}", (long long)v);
    BAD("PATCH", path, body, NULL, 409, "conflict", NULL);
    snprintf(body, sizeof(body), "{\"reason\":\"again\",\"version\":%lld}", (long long)v);
    BAD("POST", rpath, body, NULL, 409, "conflict", NULL);
    free(id);
}

static void test_retire_referenced(void **state)
{
    (void)state;
    char *party = CREATE("interested-parties", "{\"title\":\"Regulator\",\"category\":"
                                               "\"regulator\",\"origin\":\"external\"}");
    char body[512];
    snprintf(body, sizeof(body),
             "{\"title\":\"Report incidents\",\"party\":\"%s\",\"type\":\"regulatory\","
             "\"addressed\":\"no\",\"reason_not_addressed\":\"not yet\"}",
             party);
    char *req = CREATE("requirements", body);
    char rpath[160];
    snprintf(rpath, sizeof(rpath), "/api/v1/interested-parties/%s/retire", party);
    resp r;
    REFUSED(&r, "POST", rpath, "{\"reason\":\"gone\",\"version\":1}", NULL, 409, "referenced",
            NULL);
    const json_t *refs = member(r.json, "referrers");
    assert_int_equal(json_array_size(refs), 1);
    assert_string_equal(json_string_value(json_array_get(refs, 0)), req);
    resp_free(&r);

    /* A requirement cannot point at a retired party; once its requirement is retired,
     * the party can go. */
    retire_ok("requirements", req, "met");
    retire_ok("interested-parties", party, "no longer regulates us");
    snprintf(body, sizeof(body),
             "{\"title\":\"Late\",\"party\":\"%s\",\"type\":\"legal\",\"addressed\":\"no\","
             "\"reason_not_addressed\":\"n/a\"}",
             party);
    BAD("POST", "/api/v1/requirements", body, NULL, 400, "invalid", "party");
    free(party);
    free(req);
}

static void test_delete(void **state)
{
    (void)state;
    char *prc = CREATE("processes", "{\"title\":\"Patch management\",\"owner\":\"PER-1\"}");
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/processes/%s", prc);

    BAD("DELETE", path, NULL, NULL, 428, "version_required", NULL);
    resp r;
    REFUSED(&r, "DELETE", path, NULL, "\"5\"", 409, "conflict", NULL);
    assert_int_equal(int_of(r.json, "current_version"), 1);
    resp_free(&r);
    BAD("DELETE", "/api/v1/processes/PRC-999", NULL, "\"1\"", 404, "not_found", NULL);

    http(&r, "DELETE", path, NULL, "\"1\"");
    CHECK_STATUS(&r, 204);
    assert_int_equal(r.len, 0);
    resp_free(&r);
    BAD("GET", path, NULL, NULL, 404, "not_found", NULL);
    BAD("DELETE", path, NULL, "\"1\"", 404, "not_found", NULL);

    /* Only a planned process may go. */
    char *running = CREATE("processes", "{\"title\":\"Access review\",\"owner\":\"PER-1\"}");
    snprintf(path, sizeof(path), "/api/v1/processes/%s", running);
    patch_ok("processes", running, "{\"status\":\"operating\",\"version\":1}");
    BAD("DELETE", path, NULL, "\"2\"", 409, "conflict", NULL);

    /* A planned process another refers to is not deleted either. */
    char *target = CREATE("processes", "{\"title\":\"Logging\",\"owner\":\"PER-1\"}");
    char body[256];
    snprintf(body, sizeof(body),
             "{\"title\":\"Monitoring\",\"owner\":\"PER-1\",\"interacts_with\":[\"%s\"]}", target);
    char *user = CREATE("processes", body);
    snprintf(path, sizeof(path), "/api/v1/processes/%s", target);
    REFUSED(&r, "DELETE", path, NULL, "1", 409, "referenced", NULL);
    assert_string_equal(json_string_value(json_array_get(member(r.json, "referrers"), 0)), user);
    resp_free(&r);

    /* Other kinds are retired, never deleted. */
    for (size_t k = 0; k < NPLURALS; k++) {
        if (strcmp(PLURALS[k], "processes") == 0)
            continue;
        snprintf(path, sizeof(path), "/api/v1/%s/X-1", PLURALS[k]);
        REFUSED(&r, "DELETE", path, NULL, "\"1\"", 405, "method_not_allowed", NULL);
        assert_non_null(strstr(r.allow, "GET"));
        assert_non_null(strstr(r.allow, "PATCH"));
        assert_null(strstr(r.allow, "DELETE"));
        resp_free(&r);
    }
    free(prc);
    free(running);
    free(target);
    free(user);
}

static void test_climate_decision_supersedes(void **state)
{
    (void)state;
    /* CLD-1 exists (created in the second test); a new decision retires it. */
    char *second = CREATE("climate-decisions",
                          "{\"title\":\"2025\",\"relevant\":false,\"reasoning\":\"moved inland\","
                          "\"decided_by\":\"board\",\"decided_on\":\"2025-01-10\"}");
    resp r;
    get_record(&r, "climate-decisions", "CLD-1");
    assert_true(json_is_true(member(r.json, "retired")));
    resp_free(&r);
    get_record(&r, "climate-decisions", second);
    assert_true(json_is_false(member(r.json, "retired")));
    resp_free(&r);
    char path[128], rpath[160];
    snprintf(path, sizeof(path), "/api/v1/climate-decisions/%s", second);
    snprintf(rpath, sizeof(rpath), "%s/retire", path);
    /* Recorded decisions do not change, and the one in force is not withdrawn. */
    BAD("PATCH", path, "{\"reasoning\":\"changed\",\"version\":1}", NULL, 409, "conflict", NULL);
    BAD("POST", rpath, "{\"reason\":\"oops\",\"version\":1}", NULL, 409, "conflict", NULL);
    /* Its required fields and types. */
    BAD("POST", "/api/v1/climate-decisions",
        "{\"title\":\"2026\",\"relevant\":\"yes\",\"reasoning\":\"r\",\"decided_by\":\"b\","
        "\"decided_on\":\"2026-01-01\"}",
        NULL, 400, "invalid", "relevant");
    BAD("POST", "/api/v1/climate-decisions",
        "{\"title\":\"2026\",\"relevant\":true,\"reasoning\":\"r\",\"decided_by\":\"b\","
        "\"decided_on\":\"2026-02-30\"}",
        NULL, 400, "invalid", "decided_on");
    BAD("POST", "/api/v1/climate-decisions",
        "{\"title\":\"2026\",\"relevant\":true,\"decided_by\":\"b\",\"decided_on\":\"2026-01-01\"}",
        NULL, 400, "invalid", "reasoning");
    free(second);
}

static void test_not_found(void **state)
{
    (void)state;
    /* Outside /api a 404 is a web page (tests/web). */
    static const char *const paths[] = {
        "/api",
        "/api/v1",
        "/api/v1/",
        "/api/v2/context-issues",
        "/api/v1/widgets",
        "/api/v1/context-issue",
        "/api/v1/context-issues/",
        "/api/v1/context-issues/ISS-1/extra",
        "/api/v1/context-issues/ISS-1/retire/now",
        "/api/v1/context-issues/ISS-999",
        "/api/v1/context-issues/ISS-0",
        "/api/v1/context-issues/ISS--1",
        "/api/v1/context-issues/ISS-99999999999999999999999",
        "/api/v1/context-issues/IP-1",
        "/api/v1/context-issues/ISS-01",
        "/api/v1/context-issues/ISS-1.0",
        "/api/v1/context-issues/ISS-%201",
        "/api/v1/context-issues/%3Cscript%3E",
        "/healthz/x",
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        BAD("GET", paths[i], NULL, NULL, 404, "not_found", NULL);
    BAD("POST", "/api/v1/widgets", "{}", NULL, 404, "not_found", NULL);
    BAD("PATCH", "/api/v1/widgets/W-1", "{\"version\":1}", NULL, 404, "not_found", NULL);
}

static void test_method_not_allowed(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path, *allow[3];
    } cases[] = {
        {"PUT", "/api/v1/context-issues", {"GET", "POST", NULL}},
        {"DELETE", "/api/v1/context-issues", {"GET", "POST", NULL}},
        {"PATCH", "/api/v1/processes", {"GET", "POST", NULL}},
        {"PUT", "/api/v1/processes/PRC-1", {"GET", "PATCH", "DELETE"}},
        {"PUT", "/api/v1/context-issues/ISS-1", {"GET", "PATCH", NULL}},
        {"POST", "/api/v1/requirements/REQ-1", {"GET", "PATCH", NULL}},
        {"GET", "/api/v1/scope-items/SCP-1/retire", {"POST", NULL, NULL}},
        {"PATCH", "/api/v1/scope-items/SCP-1/retire", {"POST", NULL, NULL}},
        {"DELETE", "/healthz", {"GET", NULL, NULL}},
        {"OPTIONS", "/healthz", {"GET", NULL, NULL}},
        {"FOO", "/api/v1/context-issues", {"GET", "POST", NULL}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        resp r;
        REFUSED(&r, cases[i].method, cases[i].path, NULL, NULL, 405, "method_not_allowed", NULL);
        for (size_t a = 0; a < 3 && cases[i].allow[a]; a++)
            if (!strstr(r.allow, cases[i].allow[a])) {
                print_error("%s %s: Allow '%s' lacks %s\n", cases[i].method, cases[i].path,
                            r.allow, cases[i].allow[a]);
                fail();
            }
        assert_null(strstr(r.allow, cases[i].method));
        /* DELETE is offered only where it can succeed: processes. */
        if (!strstr(cases[i].path, "/processes/PRC-"))
            assert_null(strstr(r.allow, "DELETE"));
        resp_free(&r);
    }
}

/* Every way a body can be wrong, for create and update, on several kinds. */
static void test_bad_bodies(void **state)
{
    (void)state;
    static const struct {
        const char *plural, *body, *field;
    } creates[] = {
        /* Not a JSON object. */
        {"context-issues", "", "body"},
        {"context-issues", "   \r\n", "body"},
        {"context-issues", "{", "body"},
        {"context-issues", "{\"title\":\"a\",}", "body"},
        {"context-issues", "[]", "body"},
        {"context-issues", "\"title\"", "body"},
        {"context-issues", "null", "body"},
        {"context-issues", "42", "body"},
        {"context-issues", "{\"title\":\"a\"} {}", "body"},
        {"context-issues", "{\"title\":\"\xff\xfe\",\"origin\":\"internal\",\"category\":\"legal\"}",
         "body"},
        {"context-issues", "{'title':'a'}", "body"},
        /* Duplicate keys. */
        {"context-issues",
         "{\"title\":\"a\",\"title\":\"b\",\"origin\":\"internal\",\"category\":\"legal\"}",
         "body"},
        {"interested-parties",
         "{\"title\":\"P\",\"category\":\"customer\",\"origin\":\"external\","
         "\"origin\":\"internal\"}",
         "body"},
        /* Unknown members. */
        {"context-issues",
         "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\",\"colour\":\"red\"}",
         "colour"},
        {"scope-items",
         "{\"title\":\"a\",\"type\":\"site\",\"inclusion\":\"included\",\"Title\":\"b\"}",
         "Title"},
        {"processes", "{\"title\":\"a\",\"owner\":\"PER-1\",\"fields\":{}}", "fields"},
        {"processes", "{\"title\":\"a\",\"owner\":\"PER-1\",\"\":1}", ""},
        /* Wrong types. */
        {"context-issues", "{\"title\":5,\"origin\":\"internal\",\"category\":\"legal\"}",
         "title"},
        {"context-issues", "{\"title\":[\"a\"],\"origin\":\"internal\",\"category\":\"legal\"}",
         "title"},
        {"context-issues", "{\"title\":\"a\",\"origin\":true,\"category\":\"legal\"}", "origin"},
        {"context-issues",
         "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\","
         "\"climate_related\":\"yes\"}",
         "climate_related"},
        {"context-issues",
         "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\","
         "\"climate_related\":1}",
         "climate_related"},
        {"context-issues",
         "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\","
         "\"review_date\":20250101}",
         "review_date"},
        {"requirements",
         "{\"title\":\"a\",\"party\":1,\"type\":\"legal\",\"addressed\":\"no\","
         "\"reason_not_addressed\":\"r\"}",
         "party"},
        {"processes", "{\"title\":\"a\",\"owner\":\"PER-1\",\"interacts_with\":\"PRC-1\"}",
         "interacts_with"},
        {"processes", "{\"title\":\"a\",\"owner\":\"PER-1\",\"interacts_with\":[1]}",
         "interacts_with"},
        {"processes", "{\"title\":\"a\",\"owner\":\"PER-1\",\"externally_provided\":\"true\"}",
         "externally_provided"},
        {"scope-items", "{\"title\":{},\"type\":\"site\",\"inclusion\":\"included\"}", "title"},
        /* Read-only members. */
        {"context-issues",
         "{\"id\":\"ISS-77\",\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\"}",
         "id"},
        {"context-issues",
         "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\","
         "\"created_at\":\"2020-01-01T00:00:00Z\"}",
         "created_at"},
        {"context-issues",
         "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\",\"version\":1}",
         "version"},
        {"context-issues",
         "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\",\"retired\":true}",
         "retired"},
        {"interested-parties",
         "{\"title\":\"P\",\"category\":\"customer\",\"origin\":\"external\","
         "\"kind\":\"process\"}",
         "kind"},
        {"scope-items",
         "{\"title\":\"a\",\"type\":\"site\",\"inclusion\":\"included\",\"updated_by\":\"me\"}",
         "updated_by"},
        {"processes", "{\"title\":\"a\",\"owner\":\"PER-1\",\"referred_to_by\":[]}",
         "referred_to_by"},
        /* Values the kind refuses. */
        {"context-issues", "{\"title\":\"a\",\"origin\":\"sideways\",\"category\":\"legal\"}",
         "origin"},
        {"context-issues", "{\"title\":\"a\",\"origin\":\"Internal\",\"category\":\"legal\"}",
         "origin"},
        {"context-issues", "{\"origin\":\"internal\",\"category\":\"legal\"}", "title"},
        {"context-issues", "{\"title\":\"   \",\"origin\":\"internal\",\"category\":\"legal\"}",
         "title"},
        {"context-issues", "{\"title\":null,\"origin\":\"internal\",\"category\":\"legal\"}",
         "title"},
        {"context-issues", "{\"title\":\"a\",\"category\":\"legal\"}", "origin"},
        {"context-issues", "{}", "title"},
        {"context-issues", /* jansson refuses NUL in strings while parsing */
         "{\"title\":\"a\\u0000b\",\"origin\":\"internal\",\"category\":\"legal\"}", "body"},
        {"context-issues",
         "{\"title\":\"a\\u0007b\",\"origin\":\"internal\",\"category\":\"legal\"}", "title"},
        {"context-issues",
         "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\","
         "\"review_date\":\"2025-13-01\"}",
         "review_date"},
        {"context-issues",
         "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\","
         "\"status\":\"forgotten\"}",
         "status"},
        {"interested-parties", "{\"title\":\"P\",\"category\":\"alien\",\"origin\":\"external\"}",
         "category"},
        {"scope-items", "{\"title\":\"a\",\"type\":\"planet\",\"inclusion\":\"included\"}", "type"},
        {"processes", "{\"title\":\"a\"}", "owner"},
        {"processes", "{\"title\":\"a\",\"owner\":null}", "owner"},
        /* An owner is a person in force, named by id. */
        {"processes", "{\"title\":\"a\",\"owner\":\"Alice\"}", "owner"},
        {"processes", "{\"title\":\"a\",\"owner\":\"PER-999\"}", "owner"},
        {"processes", "{\"title\":\"a\",\"owner\":\"ISS-1\"}", "owner"},
        {"processes", "{\"title\":\"a\",\"owner\":1}", "owner"},
        {"context-issues",
         "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\","
         "\"owner\":[\"PER-1\"]}",
         "owner"},
        /* People. */
        {"people", "{}", "name"},
        {"people", "{\"name\":\" \"}", "name"},
        {"people", "{\"name\":\"a\",\"email\":\"a.example.com\"}", "email"},
        {"people", "{\"name\":\"a\",\"email\":\"a@b@example.com\"}", "email"},
        {"people", "{\"name\":\"a\",\"email\":\"a b@example.com\"}", "email"},
        {"people", "{\"name\":\"a\",\"email\":\"a@localhost\"}", "email"},
        {"people", "{\"name\":\"a\",\"manager\":\"PER-999\"}", "manager"},
        {"people", "{\"name\":\"a\",\"manager\":\"Greta\"}", "manager"},
        {"people", "{\"name\":\"a\",\"manager\":\"PRC-1\"}", "manager"},
        {"people", "{\"name\":\"a\",\"top_management\":\"yes\"}", "top_management"},
        {"people", "{\"name\":\"a\",\"title\":\"Dr\"}", "title"},
        {"processes", "{\"title\":\"a\",\"owner\":\"PER-1\",\"status\":\"running\"}", "status"},
        {"processes", "{\"title\":\"a\",\"owner\":\"PER-1\",\"interacts_with\":[\"ISS-1\"]}",
         "interacts_with"},
        {"processes", "{\"title\":\"a\",\"owner\":\"PER-1\",\"interacts_with\":[\"PRC-999\"]}",
         "interacts_with"},
        {"processes", "{\"title\":\"a\",\"owner\":\"PER-1\",\"interacts_with\":[\"PRC-1\",\"PRC-1\"]}",
         "interacts_with"},
        {"requirements",
         "{\"title\":\"a\",\"party\":\"IP-999\",\"type\":\"legal\",\"addressed\":\"no\","
         "\"reason_not_addressed\":\"r\"}",
         "party"},
        {"requirements",
         "{\"title\":\"a\",\"party\":\"ISS-1\",\"type\":\"legal\",\"addressed\":\"no\","
         "\"reason_not_addressed\":\"r\"}",
         "party"},
        {"requirements",
         "{\"title\":\"a\",\"type\":\"legal\",\"addressed\":\"no\","
         "\"reason_not_addressed\":\"r\"}",
         "party"},
    };
    char path[128];
    for (size_t i = 0; i < sizeof(creates) / sizeof(creates[0]); i++) {
        snprintf(path, sizeof(path), "/api/v1/%s", creates[i].plural);
        BAD("POST", path, creates[i].body, NULL, 400, "invalid", creates[i].field);
    }

    /* Too long: the title of 201 characters, a description of 8001. */
    char *long_title = repeat('t', 201), *long_text = repeat('d', 8001);
    buf b = {0};
    buf_addf(&b, "{\"title\":\"%s\",\"origin\":\"internal\",\"category\":\"legal\"}", long_title);
    BAD("POST", "/api/v1/context-issues", b.p, NULL, 400, "invalid", "title");
    b.len = 0;
    buf_addf(&b, "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\","
                 "\"description\":\"%s\"}", long_text);
    BAD("POST", "/api/v1/context-issues", b.p, NULL, 400, "invalid", "description");
    free(b.p);
    free(long_title);
    free(long_text);

    /* A body with several faults names each of them. */
    resp r;
    REFUSED(&r, "POST", "/api/v1/context-issues",
            "{\"title\":5,\"origin\":\"internal\",\"category\":\"legal\",\"colour\":1,"
            "\"id\":\"x\"}",
            NULL, 400, "invalid", "title");
    assert_true(errors_name(r.json, "colour"));
    assert_true(errors_name(r.json, "id"));
    resp_free(&r);

    /* The same for updates, on ISS-1 (version read first). */
    char *body = NULL;
    json_int_t v = version_of("context-issues", "ISS-1");
    static const struct {
        const char *members, *field;
    } patches[] = {
        {"\"colour\":\"red\"", "colour"},
        {"\"title\":5", "title"},
        {"\"title\":null", "title"},
        {"\"title\":\"\"", "title"},
        {"\"origin\":\"sideways\"", "origin"},
        {"\"climate_related\":\"no\"", "climate_related"},
        {"\"id\":\"ISS-2\"", "id"},
        {"\"created_by\":\"me\"", "created_by"},
        {"\"retired_reason\":\"x\"", "retired_reason"},
        {"\"updated_at\":\"2020-01-01T00:00:00Z\"", "updated_at"},
        {"\"review_date\":\"tomorrow\"", "review_date"},
    };
    for (size_t i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
        free(body);
        if (asprintf(&body, "{%s,\"version\":%lld}", patches[i].members, (long long)v) < 0)
            abort();
        BAD("PATCH", "/api/v1/context-issues/ISS-1", body, NULL, 400, "invalid",
            patches[i].field);
    }
    free(body);
    BAD("PATCH", "/api/v1/context-issues/ISS-1", "{\"version\":1,\"version\":2}", NULL, 400,
        "invalid", "body");
    BAD("PATCH", "/api/v1/context-issues/ISS-1", "[1]", NULL, 400, "invalid", "body");
    BAD("PATCH", "/api/v1/context-issues/ISS-1", "", "\"1\"", 400, "invalid", "body");
}

/* The rules of the kinds, answered as 400 naming the field. */
static void test_kind_rules(void **state)
{
    (void)state;
    /* 4.2 c: addressed says how, not (fully) addressed says why. */
    static const struct {
        const char *members, *field, *also;
    } reqs[] = {
        {"\"addressed\":\"yes\"", "how_addressed", NULL},
        {"\"addressed\":\"yes\",\"how_addressed\":\"  \"", "how_addressed", NULL},
        {"\"addressed\":\"no\"", "reason_not_addressed", NULL},
        {"\"addressed\":\"no\",\"how_addressed\":\"x\"", "reason_not_addressed", NULL},
        {"\"addressed\":\"partly\"", "how_addressed", "reason_not_addressed"},
        {"\"addressed\":\"partly\",\"how_addressed\":\"x\"", "reason_not_addressed", NULL},
        {"\"addressed\":\"partly\",\"reason_not_addressed\":\"x\"", "how_addressed", NULL},
        {"\"addressed\":\"maybe\",\"how_addressed\":\"x\",\"reason_not_addressed\":\"y\"",
         "addressed", NULL},
    };
    char body[512];
    for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
        snprintf(body, sizeof(body), "{\"title\":\"R\",\"party\":\"IP-1\",\"type\":\"legal\",%s}",
                 reqs[i].members);
        resp r;
        REFUSED(&r, "POST", "/api/v1/requirements", body, NULL, 400, "invalid", reqs[i].field);
        if (reqs[i].also)
            assert_true(errors_name(r.json, reqs[i].also));
        resp_free(&r);
    }
    /* The same rule on update: REQ-1 is addressed "yes" with how_addressed. */
    json_int_t v = version_of("requirements", "REQ-1");
    snprintf(body, sizeof(body), "{\"how_addressed\":null,\"version\":%lld}", (long long)v);
    BAD("PATCH", "/api/v1/requirements/REQ-1", body, NULL, 400, "invalid", "how_addressed");
    snprintf(body, sizeof(body), "{\"addressed\":\"partly\",\"version\":%lld}", (long long)v);
    BAD("PATCH", "/api/v1/requirements/REQ-1", body, NULL, 400, "invalid",
        "reason_not_addressed");
    snprintf(body, sizeof(body),
             "{\"addressed\":\"partly\",\"reason_not_addressed\":\"budget\",\"version\":%lld}",
             (long long)v);
    patch_ok("requirements", "REQ-1", body);

    /* 4.3: an exclusion carries its justification. */
    BAD("POST", "/api/v1/scope-items",
        "{\"title\":\"Canteen\",\"type\":\"site\",\"inclusion\":\"excluded\"}", NULL, 400,
        "invalid", "justification");
    BAD("POST", "/api/v1/scope-items",
        "{\"title\":\"Canteen\",\"type\":\"site\",\"inclusion\":\"excluded\","
        "\"justification\":\" \\n\\t\"}",
        NULL, 400, "invalid", "justification");
    char *scp = CREATE("scope-items", "{\"title\":\"Canteen\",\"type\":\"site\","
                                      "\"inclusion\":\"excluded\",\"justification\":"
                                      "\"no information processed\"}");
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/scope-items/%s", scp);
    BAD("PATCH", path, "{\"justification\":null,\"version\":1}", NULL, 400, "invalid",
        "justification");
    free(scp);
    scp = CREATE("scope-items", SCOPE);
    snprintf(path, sizeof(path), "/api/v1/scope-items/%s", scp);
    BAD("PATCH", path, "{\"inclusion\":\"excluded\",\"version\":1}", NULL, 400, "invalid",
        "justification");
    free(scp);

    /* 4.4: an external process names its provider; no process interacts with itself;
     * discontinued is final. */
    BAD("POST", "/api/v1/processes",
        "{\"title\":\"Payroll\",\"owner\":\"PER-1\",\"externally_provided\":true}", NULL, 400,
        "invalid", "provider");
    BAD("POST", "/api/v1/processes",
        "{\"title\":\"Payroll\",\"owner\":\"PER-1\",\"externally_provided\":true,"
        "\"provider\":\"  \"}",
        NULL, 400, "invalid", "provider");
    char *prc = CREATE("processes", "{\"title\":\"Payroll\",\"owner\":\"PER-1\","
                                    "\"externally_provided\":true,\"provider\":\"PayCo\"}");
    snprintf(path, sizeof(path), "/api/v1/processes/%s", prc);
    BAD("PATCH", path, "{\"provider\":null,\"version\":1}", NULL, 400, "invalid", "provider");
    snprintf(body, sizeof(body), "{\"interacts_with\":[\"%s\"],\"version\":1}", prc);
    BAD("PATCH", path, body, NULL, 400, "invalid", "interacts_with");
    patch_ok("processes", prc, "{\"status\":\"discontinued\",\"version\":1}");
    BAD("PATCH", path, "{\"status\":\"operating\",\"version\":2}", NULL, 400, "invalid",
        "status");
    BAD("PATCH", path, "{\"status\":\"planned\",\"version\":2}", NULL, 400, "invalid", "status");
    BAD("DELETE", path, NULL, "2", 409, "conflict", NULL);
    free(prc);
}

/* The reason errors[] gives for field, or "". */
static const char *error_reason(const json_t *problem, const char *field)
{
    const json_t *errs = json_object_get(problem, "errors");
    size_t i;
    const json_t *e;
    json_array_foreach(errs, i, e)
        if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
            return json_string_value(json_object_get(e, "reason"));
    return "";
}

/* Clause 5.3: people, their manager, owners that are people, people who leave. */
static void test_people(void **state)
{
    (void)state;
    char *ceo = CREATE("people", "{\"name\":\"Greta Lindqvist\",\"job_title\":\"CEO\","
                                 "\"department\":\"Management\",\"top_management\":true}");
    char body[512], path[160];
    snprintf(body, sizeof(body),
             "{\"name\":\"Mia Hoffmann\",\"job_title\":\"HR Manager\",\"department\":"
             "\"Human resources\",\"manager\":\"%s\",\"email\":\"mia.hoffmann@example.com\"}",
             ceo);
    resp r;
    http(&r, "POST", "/api/v1/people", body, NULL);
    check_created(&r, "people", "person", "PER");
    char *hr = strdup(str_of(r.json, "id"));
    assert_string_equal(str_of(r.json, "manager"), ceo);
    assert_string_equal(str_of(r.json, "email"), "mia.hoffmann@example.com");
    assert_true(json_is_null(member(r.json, "top_management")));
    resp_free(&r);

    /* Lists filter on top management, department and manager, and sort by name. */
    http(&r, "GET", "/api/v1/people?top_management=true", NULL, NULL);
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_array_size(member(r.json, "items")), 1);
    assert_string_equal(str_of(json_array_get(member(r.json, "items"), 0), "id"), ceo);
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/people?manager=%s&department=Human%%20resources", ceo);
    http(&r, "GET", path, NULL, NULL);
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_array_size(member(r.json, "items")), 1);
    assert_string_equal(str_of(json_array_get(member(r.json, "items"), 0), "id"), hr);
    resp_free(&r);
    http(&r, "GET", "/api/v1/people?sort=name&limit=200", NULL, NULL);
    CHECK_STATUS(&r, 200);
    const json_t *items = member(r.json, "items");
    for (size_t i = 1; i < json_array_size(items); i++)
        assert_true(strcmp(str_of(json_array_get(items, i - 1), "name"),
                           str_of(json_array_get(items, i), "name")) <= 0);
    resp_free(&r);
    BAD("GET", "/api/v1/people?email=x", NULL, NULL, 400, "invalid", "email");
    BAD("GET", "/api/v1/people?sort=manager", NULL, NULL, 400, "invalid", "sort");
    BAD("GET", "/api/v1/people?manager=Greta", NULL, NULL, 400, "invalid", "manager");

    /* Nobody manages themselves; addresses are checked; nothing is written. */
    snprintf(path, sizeof(path), "/api/v1/people/%s", hr);
    snprintf(body, sizeof(body), "{\"manager\":\"%s\",\"version\":1}", hr);
    REFUSED(&r, "PATCH", path, body, NULL, 400, "invalid", "manager");
    assert_string_equal(error_reason(r.json, "manager"), "a person cannot be their own manager");
    resp_free(&r);
    BAD("PATCH", path, "{\"email\":\"mia.hoffmann@example\",\"version\":1}", NULL, 400,
        "invalid", "email");
    BAD("PATCH", path, "{\"manager\":\"PER-999\",\"version\":1}", NULL, 400, "invalid",
        "manager");
    patch_ok("people", hr, "{\"job_title\":\"Head of HR\",\"email\":null,\"version\":1}");

    /* An owner is a person: shown by id, with the record in the person's referred_to_by. */
    snprintf(body, sizeof(body), "{\"title\":\"Onboarding\",\"owner\":\"%s\"}", hr);
    char *prc = CREATE("processes", body);
    get_record(&r, "processes", prc);
    assert_string_equal(str_of(r.json, "owner"), hr);
    resp_free(&r);
    get_record(&r, "people", ceo);
    const json_t *refs = member(r.json, "referred_to_by");
    assert_int_equal(json_array_size(refs), 1);
    assert_string_equal(str_of(json_array_get(refs, 0), "id"), hr);
    assert_string_equal(str_of(json_array_get(refs, 0), "kind"), "person");
    assert_string_equal(str_of(json_array_get(refs, 0), "field"), "manager");
    resp_free(&r);

    /* People leave: refused while records in force name them, naming those records. */
    snprintf(path, sizeof(path), "/api/v1/people/%s/retire", hr);
    REFUSED(&r, "POST", path, "{\"reason\":\"left\",\"version\":2}", NULL, 409, "referenced",
            NULL);
    assert_int_equal(json_array_size(member(r.json, "referrers")), 1);
    assert_string_equal(json_string_value(json_array_get(member(r.json, "referrers"), 0)), prc);
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/people/%s/retire", ceo);
    BAD("POST", path, "{\"reason\":\"retires\",\"version\":1}", NULL, 409, "referenced", NULL);
    snprintf(path, sizeof(path), "/api/v1/people/%s", ceo);
    BAD("DELETE", path, NULL, "1", 405, "method_not_allowed", NULL);

    /* Once the process has another owner, the person can leave, and owns nothing new. */
    snprintf(body, sizeof(body), "{\"owner\":\"%s\",\"version\":1}", ceo);
    patch_ok("processes", prc, body);
    retire_ok("people", hr, "left the company");
    snprintf(body, sizeof(body), "{\"title\":\"Payroll\",\"owner\":\"%s\"}", hr);
    REFUSED(&r, "POST", "/api/v1/processes", body, NULL, 400, "invalid", "owner");
    assert_non_null(strstr(error_reason(r.json, "owner"), "is retired"));
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/processes/%s", prc);
    snprintf(body, sizeof(body), "{\"owner\":\"%s\",\"version\":2}", hr);
    BAD("PATCH", path, body, NULL, 400, "invalid", "owner");
    snprintf(body, sizeof(body), "{\"name\":\"New starter\",\"manager\":\"%s\"}", hr);
    BAD("POST", "/api/v1/people", body, NULL, 400, "invalid", "manager");
    snprintf(body, sizeof(body),
             "{\"title\":\"Staff turnover\",\"origin\":\"internal\",\"category\":\"organizational\","
             "\"owner\":\"PER-999\"}");
    REFUSED(&r, "POST", "/api/v1/context-issues", body, NULL, 400, "invalid", "owner");
    assert_string_equal(error_reason(r.json, "owner"), "PER-999 does not exist");
    resp_free(&r);
    free(ceo);
    free(hr);
    free(prc);
}

static void test_script_title_verbatim(void **state)
{
    (void)state;
    static const char title[] = "<script>alert(1)</script>";
    resp r;
    http(&r, "POST", "/api/v1/context-issues",
         "{\"title\":\"<script>alert(1)</script>\",\"origin\":\"internal\",\"category\":"
         "\"other\",\"description\":\"\\\"quoted\\\" & <b>bold</b> \\u00e9\\u20ac\"}",
         NULL);
    CHECK_STATUS(&r, 201);
    assert_string_equal(r.content_type, "application/json");
    assert_string_equal(r.nosniff, "nosniff");
    assert_non_null(strstr(r.body, "\"title\":\"<script>alert(1)</script>\""));
    char id[32];
    snprintf(id, sizeof(id), "%s", str_of(r.json, "id"));
    resp_free(&r);

    get_record(&r, "context-issues", id);
    assert_non_null(strstr(r.body, "\"title\":\"<script>alert(1)</script>\""));
    assert_string_equal(str_of(r.json, "title"), title);
    assert_string_equal(str_of(r.json, "description"),
                        "\"quoted\" & <b>bold</b> \xc3\xa9\xe2\x82\xac");
    resp_free(&r);

    http(&r, "GET", "/api/v1/context-issues?q=%3Cscript%3E", NULL, NULL);
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_array_size(member(r.json, "items")), 1);
    assert_non_null(strstr(r.body, "\"title\":\"<script>alert(1)</script>\""));
    resp_free(&r);

    /* Echoed input in a problem stays text: a bad member name is named back as JSON. */
    REFUSED(&r, "POST", "/api/v1/context-issues",
            "{\"<img src=x>\":1,\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\"}",
            NULL, 400, "invalid", "<img src=x>");
    assert_string_equal(r.content_type, "application/problem+json");
    resp_free(&r);
}

/* Two writers with the same version: exactly one wins. */
static void test_concurrent_updates(void **state)
{
    (void)state;
    char *id = CREATE("interested-parties", PARTY);
    char url[256];
    snprintf(url, sizeof(url), "%s/api/v1/interested-parties/%s", SRV.url, id);
    enum { N = 4 };
    CURLM *multi = curl_multi_init();
    CURL *h[N];
    buf bodies[N];
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, AUTH_LINE);
    char payload[N][128];
    for (int i = 0; i < N; i++) {
        memset(&bodies[i], 0, sizeof(bodies[i]));
        snprintf(payload[i], sizeof(payload[i]), "{\"contact\":\"writer %d\",\"version\":1}", i);
        h[i] = curl_easy_init();
        curl_easy_setopt(h[i], CURLOPT_URL, url);
        curl_easy_setopt(h[i], CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h[i], CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(h[i], CURLOPT_CUSTOMREQUEST, "PATCH");
        curl_easy_setopt(h[i], CURLOPT_POSTFIELDS, payload[i]);
        curl_easy_setopt(h[i], CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h[i], CURLOPT_WRITEFUNCTION, http_write_buf);
        curl_easy_setopt(h[i], CURLOPT_WRITEDATA, &bodies[i]);
        curl_easy_setopt(h[i], CURLOPT_FORBID_REUSE, 1L);
        curl_multi_add_handle(multi, h[i]);
    }
    int running = 1;
    while (running) {
        assert_int_equal(curl_multi_perform(multi, &running), CURLM_OK);
        if (running)
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    int ok = 0, conflict = 0;
    for (int i = 0; i < N; i++) {
        long status = 0;
        curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &status);
        if (status == 200)
            ok++;
        else if (status == 409)
            conflict++;
        else
            print_error("writer %d: %ld %s\n", i, status, bodies[i].p ? bodies[i].p : "");
        curl_multi_remove_handle(multi, h[i]);
        curl_easy_cleanup(h[i]);
        free(bodies[i].p);
    }
    curl_slist_free_all(hdr);
    curl_multi_cleanup(multi);
    assert_int_equal(ok, 1);
    assert_int_equal(conflict, N - 1);
    assert_int_equal(version_of("interested-parties", id), 2);
    free(id);
}

/* Bodies over the default limit of 1 MiB: 413 from Content-Length, nothing read. */
static void test_body_too_big(void **state)
{
    (void)state;
    size_t n = (1u << 20) + 1;
    char *big = repeat(' ', n);
    memcpy(big, "{\"title\":\"a\"", 12);
    big[n - 1] = '}';
    char *before = snapshot();
    resp r;
    http_n(&r, "POST", "/api/v1/context-issues", big, n, NULL);
    CHECK_PROBLEM(&r, 413, "too_big", NULL);
    resp_free(&r);
    http_n(&r, "PATCH", "/api/v1/context-issues/ISS-1", big, n, "\"1\"");
    CHECK_PROBLEM(&r, 413, "too_big", NULL);
    resp_free(&r);
    /* Just under the limit, the body is read and judged on its content. */
    http_n(&r, "POST", "/api/v1/context-issues", big, n - 1, NULL);
    CHECK_PROBLEM(&r, 400, "invalid", "body");
    resp_free(&r);
    char *after = snapshot();
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(big);
    check_health();
}

static void test_url_too_long(void **state)
{
    (void)state;
    char *q = repeat('a', 5000);
    buf path = {0};
    buf_addf(&path, "/api/v1/context-issues?q=%s", q);
    BAD("GET", path.p, NULL, NULL, 414, "too_big", NULL);
    BAD("POST", path.p, ISSUE, NULL, 414, "too_big", NULL);
    path.len = 0;
    buf_addf(&path, "/api/v1/context-issues/ISS-%s", q);
    BAD("GET", path.p, NULL, NULL, 414, "too_big", NULL);
    free(path.p);
    free(q);
}

/* The database locked by another writer: 503 busy, and nothing half-done. */
static void test_busy(void **state)
{
    (void)state;
    char *before = snapshot();
    void *lock = server_hold_writes(&SRV); /* another writer, whatever the driver */
    assert_non_null(lock);
    /* Reads go on... */
    check_health();
    resp r;
    http(&r, "GET", "/api/v1/context-issues/ISS-1", NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    /* ...writes give up after the busy timeout. */
    http(&r, "POST", "/api/v1/context-issues", ISSUE, NULL);
    CHECK_PROBLEM(&r, 503, "busy", NULL);
    resp_free(&r);
    server_release_writes(lock);
    /* The refused write left nothing behind, and writes work again. */
    char *after = snapshot();
    assert_string_equal(before, after);
    free(before);
    free(after);
    char *id = CREATE("context-issues", ISSUE);
    free(id);
    check_health();
}

/* An access log line per request on stderr, without the query string. */
static void test_access_log(void **state)
{
    (void)state;
    resp r;
    http(&r, "GET", "/api/v1/context-issues?q=topsecret", NULL, NULL);
    CHECK_STATUS(&r, 200);
    char want[160];
    snprintf(want, sizeof(want), " %s GET /api/v1/context-issues 200 ", r.request_id);
    resp_free(&r);
    assert_true(server_stderr_wait_for(&SRV, want, 5));
    http(&r, "POST", "/api/v1/widgets", "{}", NULL);
    CHECK_STATUS(&r, 404);
    snprintf(want, sizeof(want), " %s POST /api/v1/widgets 404 ", r.request_id);
    resp_free(&r);
    assert_true(server_stderr_wait_for(&SRV, want, 5));
    char *err = server_stderr(&SRV);
    assert_null(strstr(err, "topsecret"));
    /* One line per request: as many lines with " GET /healthz 200 " as health checks. */
    size_t lines = 0;
    for (const char *p = err; (p = strstr(p, " GET /healthz 200 ")); p++)
        lines++;
    free(err);
    assert_true(lines >= 10);
    check_health();
    lines++;
    char *again;
    size_t now = 0;
    for (int tries = 0; tries < 200 && now != lines; tries++) {
        again = server_stderr(&SRV);
        now = 0;
        for (const char *p = again; (p = strstr(p, " GET /healthz 200 ")); p++)
            now++;
        free(again);
        if (now != lines)
            server_sleep_ms(10);
    }
    assert_int_equal(now, lines);
}

/* ============================================================================
 * Group 2: lists — paging, filters, sort, search.
 * ========================================================================== */

enum { NISSUES = 120 };

static const char *const CATEGORIES[] = {"legal", "economic", "technological", "social"};

static bool issue_external(int i) { return i % 3 == 0; }
static const char *issue_category(int i) { return CATEGORIES[i % 4]; }
/* Owners are people, created first: PEOPLE[0] is Alice, PEOPLE[1] Bob (ids sort as names do). */
static char PEOPLE[2][32];
static const char *issue_owner(int i) { return i % 5 == 0 ? PEOPLE[0] : i % 5 == 1 ? PEOPLE[1] : NULL; }
static bool issue_closed(int i) { return i % 10 == 0; }
static bool issue_retired(int i) { return i % 30 == 0; }
static bool issue_needle(int i) { return i % 17 == 0; }
static int issue_climate(int i) { return i % 4 == 0 ? 1 : i % 4 == 1 ? 0 : -1; }
static bool issue_dated(int i) { return i % 6 == 0; }

static char ISSUE_IDS[NISSUES + 1][32];

static void test_list_create_120(void **state)
{
    (void)state;
    static const char *const names[2] = {"Alice Example", "Bob Example"};
    for (int i = 0; i < 2; i++) {
        char body[128];
        snprintf(body, sizeof(body), "{\"name\":\"%s\"}", names[i]);
        char *id = CREATE("people", body);
        snprintf(PEOPLE[i], sizeof(PEOPLE[i]), "%s", id);
        free(id);
    }
    assert_string_equal(PEOPLE[0], "PER-1");
    for (int i = 1; i <= NISSUES; i++) {
        buf b = {0};
        buf_addf(&b, "{\"title\":\"Issue %03d%s\",\"origin\":\"%s\",\"category\":\"%s\"", i,
                 issue_needle(i) ? " needle" : "", issue_external(i) ? "external" : "internal",
                 issue_category(i));
        if (issue_owner(i))
            buf_addf(&b, ",\"owner\":\"%s\"", issue_owner(i));
        if (issue_climate(i) >= 0)
            buf_addf(&b, ",\"climate_related\":%s", issue_climate(i) ? "true" : "false");
        if (issue_dated(i))
            buf_addf(&b, ",\"review_date\":\"2025-%02d-01\"", 1 + (i / 6) % 12);
        if (issue_closed(i))
            buf_addf(&b, ",\"status\":\"closed\"");
        buf_add(&b, "}", 1);
        char *id = CREATE("context-issues", b.p);
        snprintf(ISSUE_IDS[i], sizeof(ISSUE_IDS[i]), "%s", id);
        free(id);
        free(b.p);
    }
    for (int i = 1; i <= NISSUES; i++)
        if (issue_retired(i))
            retire_ok("context-issues", ISSUE_IDS[i], "no longer relevant");
}

/* The issue number of a listed item (from its title "Issue NNN..."). */
static int issue_number(const json_t *item)
{
    int n = 0;
    assert_int_equal(sscanf(str_of(item, "title"), "Issue %d", &n), 1);
    assert_true(n >= 1 && n <= NISSUES);
    assert_string_equal(str_of(item, "id"), ISSUE_IDS[n]);
    return n;
}

/*
 * Page through /api/v1/context-issues?<query>&limit=<limit> following
 * next_cursor; order[] gets the issue numbers in the order listed. Every item
 * must come exactly once. Returns how many.
 */
static size_t list_all(const char *query, int limit, int *order, size_t *pages)
{
    bool seen[NISSUES + 1] = {false};
    size_t n = 0, npages = 0;
    char *cursor = NULL;
    do {
        buf path = {0};
        buf_addf(&path, "/api/v1/context-issues?limit=%d%s%s", limit, query[0] ? "&" : "",
                 query);
        if (cursor) {
            char *esc = curl_easy_escape(EASY, cursor, 0);
            buf_addf(&path, "&cursor=%s", esc);
            curl_free(esc);
            free(cursor);
            cursor = NULL;
        }
        resp r;
        http(&r, "GET", path.p, NULL, NULL);
        CHECK_STATUS(&r, 200);
        free(path.p);
        const json_t *items = member(r.json, "items");
        const json_t *next = member(r.json, "next_cursor");
        assert_true(json_array_size(items) <= (size_t)limit);
        /* A page short of the limit is the last one. */
        if (json_array_size(items) < (size_t)limit)
            assert_true(json_is_null(next));
        size_t i;
        const json_t *it;
        json_array_foreach(items, i, it) {
            int k = issue_number(it);
            if (seen[k]) {
                print_error("issue %d listed twice (query %s, limit %d)\n", k, query, limit);
                fail();
            }
            seen[k] = true;
            order[n++] = k;
        }
        npages++;
        if (json_is_string(next))
            cursor = strdup(json_string_value(next));
        else
            assert_true(json_is_null(next));
        resp_free(&r);
        assert_true(npages <= NISSUES + 1);
    } while (cursor);
    if (pages)
        *pages = npages;
    return n;
}

typedef bool (*issue_pred)(int i);

/* The listed set is exactly the issues for which pred holds (among those not retired). */
static void check_set(const char *query, int limit, issue_pred pred, bool with_retired)
{
    int order[NISSUES];
    size_t n = list_all(query, limit, order, NULL);
    bool listed[NISSUES + 1] = {false};
    for (size_t i = 0; i < n; i++)
        listed[order[i]] = true;
    for (int i = 1; i <= NISSUES; i++) {
        bool want = pred(i) && (with_retired || !issue_retired(i));
        if (listed[i] != want) {
            print_error("query '%s': issue %d %s\n", query, i,
                        want ? "missing" : "listed but should not be");
            fail();
        }
    }
}

static bool all_issues(int i) { (void)i; return true; }
static bool only_retired(int i) { return issue_retired(i); }
static bool external_issue(int i) { return issue_external(i); }
static bool internal_legal(int i) { return !issue_external(i) && strcmp(issue_category(i), "legal") == 0; }
static bool owned_by_alice(int i) { return issue_owner(i) && strcmp(issue_owner(i), PEOPLE[0]) == 0; }
static bool without_owner(int i) { return issue_owner(i) == NULL; }
static bool closed_issue(int i) { return issue_closed(i); }
static bool open_issue(int i) { return !issue_closed(i); }
static bool climate_true(int i) { return issue_climate(i) == 1; }
static bool climate_false(int i) { return issue_climate(i) == 0; }
static bool needle_issue(int i) { return issue_needle(i); }
static bool issue_10x(int i) { return i >= 100 && i <= 109; }
static bool march_review(int i) { return issue_dated(i) && 1 + (i / 6) % 12 == 3; }

static void test_list_paging(void **state)
{
    (void)state;
    int order[NISSUES];
    size_t pages;
    /* 116 in force, in id order, over pages of 7: every one exactly once. */
    size_t n = list_all("", 7, order, &pages);
    assert_int_equal(n, NISSUES - 4);
    assert_int_equal(pages, (n + 6) / 7);
    for (size_t i = 1; i < n; i++)
        assert_true(order[i - 1] < order[i]);
    check_set("", 7, all_issues, false);
    /* With the retired ones: all 120. */
    n = list_all("retired=include", 13, order, NULL);
    assert_int_equal(n, NISSUES);
    check_set("retired=include", 1, all_issues, true);
    check_set("retired=only", 3, only_retired, true);
    check_set("retired=exclude", 200, all_issues, false);

    /* The default page is 50, and 200 is allowed. */
    resp r;
    http(&r, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_array_size(member(r.json, "items")), 50);
    assert_true(json_is_string(member(r.json, "next_cursor")));
    resp_free(&r);
    http(&r, "GET", "/api/v1/context-issues?limit=200&retired=include", NULL, NULL);
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_array_size(member(r.json, "items")), NISSUES);
    assert_true(json_is_null(member(r.json, "next_cursor")));
    resp_free(&r);
    /* Every item of a list is a whole record. */
    http(&r, "GET", "/api/v1/context-issues?limit=1", NULL, NULL);
    CHECK_STATUS(&r, 200);
    const json_t *first = json_array_get(member(r.json, "items"), 0);
    assert_string_equal(str_of(first, "kind"), "context-issue");
    assert_int_equal(int_of(first, "version"), 1);
    str_of(first, "created_at");
    resp_free(&r);
}

static void test_list_sort(void **state)
{
    (void)state;
    int order[NISSUES];
    size_t n = list_all("sort=-title", 9, order, NULL);
    assert_int_equal(n, NISSUES - 4);
    for (size_t i = 1; i < n; i++)
        assert_true(order[i - 1] > order[i]);
    n = list_all("sort=title&retired=include", 11, order, NULL);
    assert_int_equal(n, NISSUES);
    for (size_t i = 1; i < n; i++)
        assert_true(order[i - 1] < order[i]);
    n = list_all("sort=-id", 8, order, NULL);
    assert_int_equal(n, NISSUES - 4);
    for (size_t i = 1; i < n; i++)
        assert_true(order[i - 1] > order[i]);

    /* Sorting on fields with ties and empty values, paged: every item once, in order. */
    static const char *const sorts[] = {"category", "-category", "owner", "-owner",
                                        "review_date", "-review_date", "origin", "-status"};
    for (size_t s = 0; s < sizeof(sorts) / sizeof(sorts[0]); s++) {
        char query[64];
        snprintf(query, sizeof(query), "sort=%s", sorts[s]);
        n = list_all(query, 7, order, NULL);
        assert_int_equal(n, NISSUES - 4);
        bool desc = sorts[s][0] == '-';
        const char *field = desc ? sorts[s] + 1 : sorts[s];
        /* Values that are set come in order; empty ones together, first or last. */
        char prev[32] = "";
        int switches = 0;
        bool last_empty = false;
        for (size_t i = 0; i < n; i++) {
            const char *v = NULL;
            char date[16];
            if (strcmp(field, "category") == 0)
                v = issue_category(order[i]);
            else if (strcmp(field, "owner") == 0)
                v = issue_owner(order[i]);
            else if (strcmp(field, "origin") == 0)
                v = issue_external(order[i]) ? "external" : "internal";
            else if (strcmp(field, "status") == 0)
                v = issue_closed(order[i]) ? "closed" : "open";
            else if (issue_dated(order[i])) {
                snprintf(date, sizeof(date), "2025-%02d-01", 1 + (order[i] / 6) % 12);
                v = date;
            }
            if (i > 0 && last_empty != !v && ++switches > 1) {
                print_error("sort=%s: empty values are not together\n", sorts[s]);
                fail();
            }
            last_empty = !v;
            if (!v)
                continue;
            int c = strcmp(prev, v);
            if (prev[0] && (desc ? c < 0 : c > 0)) {
                print_error("sort=%s: '%s' before '%s'\n", sorts[s], prev, v);
                fail();
            }
            snprintf(prev, sizeof(prev), "%s", v);
        }
    }
}

static void test_list_filters(void **state)
{
    (void)state;
    check_set("origin=external", 10, external_issue, false);
    check_set("origin=internal&category=legal", 4, internal_legal, false);
    char by_alice[64];
    snprintf(by_alice, sizeof(by_alice), "owner=%s", PEOPLE[0]);
    check_set(by_alice, 50, owned_by_alice, false);
    snprintf(by_alice, sizeof(by_alice), "owner=%s&sort=-title", PEOPLE[0]);
    check_set(by_alice, 7, owned_by_alice, false);
    check_set("owner=", 50, without_owner, false);
    check_set("status=closed&retired=include", 5, closed_issue, true);
    check_set("status=open", 50, open_issue, false);
    check_set("climate_related=true", 50, climate_true, false);
    check_set("climate_related=false", 50, climate_false, false);
    check_set("review_date=2025-03-01", 50, march_review, false);
    /* Filters with a sort and small pages. */
    int order[NISSUES];
    size_t n = list_all("origin=external&sort=-title", 4, order, NULL);
    for (size_t i = 1; i < n; i++)
        assert_true(order[i - 1] > order[i]);
    check_set("origin=external&sort=-title", 4, external_issue, false);
}

static void test_list_search(void **state)
{
    (void)state;
    check_set("q=needle", 3, needle_issue, false);
    check_set("q=NEEDLE", 50, needle_issue, false);
    check_set("q=Issue%2010", 4, issue_10x, false);
    /* The human id is searched too. */
    char query[64];
    snprintf(query, sizeof(query), "q=%s", ISSUE_IDS[77]);
    int order[NISSUES];
    size_t n = list_all(query, 50, order, NULL);
    bool found = false;
    for (size_t i = 0; i < n; i++)
        found = found || order[i] == 77;
    assert_true(found);
    /* Nothing matches. */
    n = list_all("q=haystack", 50, order, NULL);
    assert_int_equal(n, 0);
    /* Search with a filter. */
    n = list_all("q=needle&origin=external", 50, order, NULL);
    for (size_t i = 0; i < n; i++)
        assert_true(issue_needle(order[i]) && issue_external(order[i]));
    assert_int_equal(n, 2); /* 51, 102 */
}

static void test_list_references(void **state)
{
    (void)state;
    char *p1 = CREATE("interested-parties", PARTY);
    char *p2 = CREATE("interested-parties", "{\"title\":\"Bank\",\"category\":\"partner\","
                                            "\"origin\":\"external\"}");
    char body[512];
    char *reqs[3];
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof(body),
                 "{\"title\":\"Req %d\",\"party\":\"%s\",\"type\":\"contractual\","
                 "\"addressed\":\"yes\",\"how_addressed\":\"x\"}",
                 i, i == 2 ? p2 : p1);
        reqs[i] = CREATE("requirements", body);
    }
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/requirements?party=%s", p1);
    resp r;
    http(&r, "GET", path, NULL, NULL);
    CHECK_STATUS(&r, 200);
    const json_t *items = member(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(str_of(json_array_get(items, 0), "id"), reqs[0]);
    assert_string_equal(str_of(json_array_get(items, 1), "id"), reqs[1]);
    resp_free(&r);

    char *a = CREATE("processes", PROCESS);
    snprintf(body, sizeof(body), "{\"title\":\"B\",\"owner\":\"PER-1\",\"interacts_with\":[\"%s\"]}",
             a);
    char *b = CREATE("processes", body);
    snprintf(body, sizeof(body),
             "{\"title\":\"C\",\"owner\":\"PER-1\",\"interacts_with\":[\"%s\",\"%s\"]}", b, a);
    char *c = CREATE("processes", body);
    snprintf(path, sizeof(path), "/api/v1/processes?interacts_with=%s", a);
    http(&r, "GET", path, NULL, NULL);
    CHECK_STATUS(&r, 200);
    items = member(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(str_of(json_array_get(items, 0), "id"), b);
    assert_string_equal(str_of(json_array_get(items, 1), "id"), c);
    /* The list comes back as written. */
    const json_t *with = member(json_array_get(items, 1), "interacts_with");
    assert_int_equal(json_array_size(with), 2);
    assert_string_equal(json_string_value(json_array_get(with, 0)), b);
    assert_string_equal(json_string_value(json_array_get(with, 1)), a);
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/processes?interacts_with=%s,%s", a, b);
    BAD("GET", path, NULL, NULL, 400, "invalid", "interacts_with");
    BAD("GET", "/api/v1/requirements?party=ISS-1", NULL, NULL, 400, "invalid", "party");
    BAD("GET", "/api/v1/requirements?party=banana", NULL, NULL, 400, "invalid", "party");
    free(p1);
    free(p2);
    for (int i = 0; i < 3; i++)
        free(reqs[i]);
    free(a);
    free(b);
    free(c);
}

static void test_list_errors(void **state)
{
    (void)state;
    static const struct {
        const char *query, *field;
    } cases[] = {
        {"sort=nope", "sort"},
        {"sort=description", "sort"},
        {"sort=", "sort"},
        {"sort=--title", "sort"},
        {"sort=title&sort=origin", "sort"},
        {"limit=0", "limit"},
        {"limit=201", "limit"},
        {"limit=-1", "limit"},
        {"limit=abc", "limit"},
        {"limit=", "limit"},
        {"limit=1.5", "limit"},
        {"limit=99999999999999999999999", "limit"},
        {"cursor=", "cursor"},
        {"cursor=garbage", "cursor"},
        {"cursor=%FF%FE", "cursor"},
        {"retired=maybe", "retired"},
        {"retired=", "retired"},
        {"retired=INCLUDE", "retired"},
        {"colour=red", "colour"},
        {"page=2", "page"},
        {"offset=10", "offset"},
        {"description=x", "description"},
        {"title=x", "title"},
        {"origin=sideways", "origin"},
        {"origin=internal&origin=external", "origin"},
        {"climate_related=maybe", "climate_related"},
        {"review_date=2025-02-30", "review_date"},
        {"q=%FF", "q"},
        {"q=a&q=b", "q"},
        {"status=done", "status"},
    };
    char path[256];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(path, sizeof(path), "/api/v1/context-issues?%s", cases[i].query);
        BAD("GET", path, NULL, NULL, 400, "invalid", cases[i].field);
    }
    /* q is at most 200 bytes. */
    char *q = repeat('q', 201);
    buf b = {0};
    buf_addf(&b, "/api/v1/context-issues?q=%s", q);
    BAD("GET", b.p, NULL, NULL, 400, "invalid", "q");
    free(b.p);
    free(q);
    /* A cursor of one sort order does not page another. */
    resp r;
    http(&r, "GET", "/api/v1/context-issues?sort=title&limit=5", NULL, NULL);
    CHECK_STATUS(&r, 200);
    char *esc = curl_easy_escape(EASY, str_of(r.json, "next_cursor"), 0);
    resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/context-issues?sort=category&limit=5&cursor=%s", esc);
    curl_free(esc);
    BAD("GET", path, NULL, NULL, 400, "invalid", "cursor");
    /* Filters on other kinds name their own fields. */
    BAD("GET", "/api/v1/processes?externally_provided=perhaps", NULL, NULL, 400, "invalid",
        "externally_provided");
    BAD("GET", "/api/v1/scope-items?inclusion=partly", NULL, NULL, 400, "invalid", "inclusion");
    BAD("GET", "/api/v1/interested-parties?contact=x", NULL, NULL, 400, "invalid", "contact");
}

/* ============================================================================
 * Group 3: limits set on the command line.
 * ========================================================================== */

static void test_limits_body(void **state)
{
    (void)state;
    char *text = repeat('d', 3900);
    buf b = {0};
    buf_addf(&b, "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\","
                 "\"description\":\"%s\"}", text);
    assert_true(b.len <= 4096);
    resp r;
    http(&r, "POST", "/api/v1/context-issues", b.p, NULL);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    free(b.p);
    free(text);
    text = repeat('d', 4100);
    b = (buf){0};
    buf_addf(&b, "{\"title\":\"a\",\"origin\":\"internal\",\"category\":\"legal\","
                 "\"description\":\"%s\"}", text);
    BAD("POST", "/api/v1/context-issues", b.p, NULL, 413, "too_big", NULL);
    b.len = 0;
    buf_addf(&b, "{\"description\":\"%s\",\"version\":1}", text);
    BAD("PATCH", "/api/v1/context-issues/ISS-1", b.p, NULL, 413, "too_big", NULL);
    BAD("POST", "/api/v1/context-issues/ISS-1/retire", b.p, NULL, 413, "too_big", NULL);
    free(b.p);
    free(text);
}

static void test_limits_url(void **state)
{
    (void)state;
    char *q = repeat('a', 600);
    buf b = {0};
    buf_addf(&b, "/api/v1/context-issues?q=%s", q);
    BAD("GET", b.p, NULL, NULL, 414, "too_big", NULL);
    BAD("POST", b.p, ISSUE, NULL, 414, "too_big", NULL);
    free(b.p);
    free(q);
    /* Under the limit it is an ordinary request. */
    q = repeat('a', 150);
    b = (buf){0};
    buf_addf(&b, "/api/v1/context-issues?q=%s", q);
    resp r;
    http(&r, "GET", b.p, NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    free(b.p);
    free(q);
}

/* ============================================================================
 * Group 4: starting and stopping.
 * ========================================================================== */

/* Addresses that are not IP:PORT are refused (any IP address is served: requests authenticate). */
static void test_refuses_bad_listen(void **state)
{
    (void)state;
    test_server s;
    assert_true(server_prepare(&s));
    static const char *const listens[] = {"example.com:80", "127.0.0.1", "127.0.0.1:99999",
                                          "[::1:80",        ":80",       "127.0.0.1:x"};
    for (size_t i = 0; i < sizeof(listens) / sizeof(listens[0]); i++) {
        char out[4096];
        const char *args[] = {"serve", "--db", s.db, "--listen", listens[i], NULL};
        int rc = server_run_isms(args, 20, out, sizeof(out));
        if (rc != 1)
            print_error("--listen %s: exit %d: %s\n", listens[i], rc, out);
        assert_int_equal(rc, 1);
        assert_non_null(strstr(out, "--listen"));
        assert_null(strstr(out, "serving"));
        assert_null(strstr(out, "Sanitizer"));
    }
    /* Serve creates nothing: a database that does not exist is an error, and stays absent. */
    char missing[400];
    snprintf(missing, sizeof(missing), "%s/missing.db", s.dir);
    const char *args[] = {"serve", "--db", missing, "--listen", "127.0.0.1:0", NULL};
    char out[4096];
    int rc = server_run_isms(args, 20, out, sizeof(out));
    assert_true(rc != 0 && rc != SERVER_TIMED_OUT);
    assert_null(strstr(out, "serving"));
    struct stat st;
    assert_int_not_equal(stat(missing, &st), 0);
    /* Bad limits are usage errors. */
    const char *bad_limit[] = {"serve", "--db", s.db, "--listen", "127.0.0.1:0", "--max-body",
                               "12", NULL};
    rc = server_run_isms(bad_limit, 20, out, sizeof(out));
    assert_true(rc != 0 && rc != SERVER_TIMED_OUT);
    assert_non_null(strstr(out, "max-body"));
    server_cleanup(&s);
}

static void test_sigint_stops(void **state)
{
    (void)state;
    assert_true(server_start(&SRV, NULL));
    EASY = curl_easy_init();
    check_health();
    curl_easy_cleanup(EASY);
    EASY = NULL;
    assert_int_equal(server_stop(&SRV, SIGINT), 0);
    assert_false(server_sanitizer_report(&SRV));
    assert_string_equal(SRV.extra_out, "");
    server_cleanup(&SRV);
}

/* SIGTERM while a request is half sent: it completes, then the server exits 0. */
static void test_stop_with_request_in_flight(void **state)
{
    (void)state;
    assert_true(server_start(&SRV, NULL));
    static const char body[] = "{\"title\":\"in flight\",\"origin\":\"internal\","
                               "\"category\":\"legal\"}";
    char head[512];
    int hl = snprintf(head, sizeof(head),
                      "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                      "%s\r\nContent-Length: %zu\r\n\r\n",
                      AUTH_LINE, strlen(body));
    int fd = server_connect(&SRV);
    assert_true(fd >= 0);
    assert_true(server_send_all(fd, head, (size_t)hl));
    /* 100 Continue: the server has taken the headers, the request has begun. */
    char interim[256];
    size_t il = 0;
    while (il < sizeof(interim) - 1 && !(il >= 4 && memcmp(interim + il - 4, "\r\n\r\n", 4) == 0)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        assert_true(poll(&p, 1, 20000) == 1);
        assert_true(recv(fd, interim + il, 1, 0) == 1); /* byte by byte: nothing more */
        il++;
    }
    interim[il] = '\0';
    assert_true(strncmp(interim, "HTTP/1.1 100", 12) == 0);
    assert_true(server_send_all(fd, body, 10));
    assert_int_equal(kill(SRV.pid, SIGTERM), 0);
    assert_true(server_stderr_wait_for(&SRV, "isms: stopping", 5));

    /* No new connections once stopping. */
    bool refused_new = false;
    for (int i = 0; i < 300 && !refused_new; i++) {
        int other = server_connect(&SRV);
        if (other < 0)
            refused_new = true;
        else
            close(other);
        if (!refused_new)
            server_sleep_ms(10);
    }
    assert_true(refused_new);
    /* Still running: the request in flight holds the stop. */
    int ws;
    assert_int_equal(waitpid(SRV.pid, &ws, WNOHANG), 0);

    assert_true(server_send_all(fd, body + 10, strlen(body) - 10));
    char answer[4096];
    int status = server_read_response(fd, 20, answer, sizeof(answer));
    if (status != 201)
        print_error("in-flight request: %d\n%s\n", status, answer);
    assert_int_equal(status, 201);
    assert_non_null(strstr(answer, "\"title\":\"in flight\""));
    close(fd);

    assert_int_equal(server_stop(&SRV, 0), 0);
    assert_false(server_sanitizer_report(&SRV));
    assert_true(server_stderr_wait_for(&SRV, "POST /api/v1/context-issues 201", 0));

    /* The record was committed: a new server on the same database has it. */
    assert_true(server_start(&SRV, NULL));
    EASY = curl_easy_init();
    resp r;
    http(&r, "GET", "/api/v1/context-issues?q=in%20flight", NULL, NULL);
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_array_size(member(r.json, "items")), 1);
    resp_free(&r);
    curl_easy_cleanup(EASY);
    EASY = NULL;
    assert_int_equal(server_stop(&SRV, SIGTERM), 0);
    assert_false(server_sanitizer_report(&SRV));
    server_cleanup(&SRV);
}

/* A slow upload through libcurl (curl_multi) across the stop signal. */
typedef struct slow_upload {
    const char *data;
    size_t len, sent;
    bool paused_once;
} slow_upload;

static size_t slow_read(char *out, size_t size, size_t n, void *ud)
{
    slow_upload *u = ud;
    if (u->sent >= 8 && !u->paused_once) {
        u->paused_once = true;
        return CURL_READFUNC_PAUSE;
    }
    size_t room = size * n, left = u->len - u->sent;
    size_t take = u->sent < 8 ? 8 - u->sent : left;
    if (take > room)
        take = room;
    if (take > left)
        take = left;
    memcpy(out, u->data + u->sent, take);
    u->sent += take;
    return take;
}

static void test_stop_with_slow_curl_upload(void **state)
{
    (void)state;
    assert_true(server_start(&SRV, NULL));
    static const char body[] = "{\"title\":\"slow\",\"origin\":\"external\",\"category\":"
                               "\"social\"}";
    slow_upload u = {.data = body, .len = strlen(body)};
    buf answer = {0};
    char url[128];
    snprintf(url, sizeof(url), "%s/api/v1/context-issues", SRV.url);
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, AUTH_LINE);
    /* curl sends the body only after 100 Continue: when it pauses, the request has begun. */
    hdr = curl_slist_append(hdr, "Expect: 100-continue");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)u.len);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, slow_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_write_buf);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_EXPECT_100_TIMEOUT_MS, 30000L);
    CURLM *m = curl_multi_init();
    curl_multi_add_handle(m, h);
    int running = 1;
    /* Until the upload pauses after 100 Continue and 8 bytes of the body. */
    for (int i = 0; i < 3000 && !u.paused_once && running; i++) {
        curl_multi_perform(m, &running);
        curl_multi_poll(m, NULL, 0, 10, NULL);
    }
    assert_true(u.paused_once);
    assert_int_equal(kill(SRV.pid, SIGTERM), 0);
    assert_true(server_stderr_wait_for(&SRV, "isms: stopping", 5));
    server_sleep_ms(100);
    curl_easy_pause(h, CURLPAUSE_CONT);
    while (running) {
        assert_int_equal(curl_multi_perform(m, &running), CURLM_OK);
        if (running)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    int msgs;
    CURLMsg *msg = curl_multi_info_read(m, &msgs);
    assert_non_null(msg);
    assert_int_equal(msg->data.result, CURLE_OK);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status != 201)
        print_error("slow upload: %ld %s\n", status, answer.p ? answer.p : "");
    assert_int_equal(status, 201);
    assert_non_null(strstr(answer.p, "\"title\":\"slow\""));
    curl_multi_remove_handle(m, h);
    curl_easy_cleanup(h);
    curl_multi_cleanup(m);
    curl_slist_free_all(hdr);
    free(answer.p);
    assert_int_equal(server_stop(&SRV, 0), 0);
    assert_false(server_sanitizer_report(&SRV));
    server_cleanup(&SRV);
}

static int lifecycle_teardown(void **state)
{
    return group_teardown(state);
}


/* --- CSV import and export (docs/IMPORT-EXPORT.md) ------------------------------- */

static void http_csv(resp *r, const char *path, const char *csv)
{
    http_headers h = {0};
    http_header(&h, "Content-Type: text/csv; charset=utf-8");
    http_header(&h, "%s", AUTH_LINE);
    http_client c = {.base = SRV.url, .easy = EASY};
    http_send(r, &c, "POST", path, csv, strlen(csv), h.line);
}

static void test_csv_import_export(void **state)
{
    (void)state;
    static const char csv[] = "TITLE,origin,Category\r\nCSV one,internal,legal\r\n"
                              "\"CSV, two\",external,other\r\n";
    resp r;
    http_csv(&r, "/api/v1/context-issues/import", csv); /* a dry run */
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_integer_value(member(r.json, "created")), 2);
    assert_true(json_is_false(member(r.json, "applied")));
    resp_free(&r);
    http(&r, "GET", "/api/v1/context-issues/export.csv", NULL, NULL);
    CHECK_STATUS(&r, 200);
    BODY_LACKS(&r, "CSV one");
    resp_free(&r);
    http_csv(&r, "/api/v1/context-issues/import?apply=true", csv);
    CHECK_STATUS(&r, 200);
    assert_true(json_is_true(member(r.json, "applied")));
    resp_free(&r);
    http(&r, "GET", "/api/v1/context-issues/export.csv", NULL, NULL);
    CHECK_STATUS(&r, 200);
    TEXT_HAS(r.content_type, "text/csv");
    BODY_HAS(&r, "id,title,origin,category,");
    BODY_HAS(&r, ",CSV one,internal,legal,");
    BODY_HAS(&r, ",\"CSV, two\",external,other,");
    resp_free(&r);
    /* bad rows: 422, each named, nothing imported */
    http_csv(&r, "/api/v1/context-issues/import?apply=true",
             "title,origin,category\r\nGood,internal,legal\r\nBad,inside,legal\r\n");
    CHECK_STATUS(&r, 422);
    const json_t *bad = member(r.json, "bad");
    assert_int_equal(json_array_size(bad), 1);
    assert_int_equal(json_integer_value(member(json_array_get(bad, 0), "row")), 3);
    assert_string_equal(str_of(json_array_get(bad, 0), "column"), "origin");
    assert_true(json_is_false(member(r.json, "applied")));
    resp_free(&r);
    http(&r, "GET", "/api/v1/context-issues/export.csv", NULL, NULL);
    BODY_LACKS(&r, "Good,internal");
    resp_free(&r);
    /* wrong parameter, body type, CSV */
    http_csv(&r, "/api/v1/context-issues/import?apply=maybe", csv);
    CHECK_STATUS(&r, 400);
    resp_free(&r);
    http_csv(&r, "/api/v1/context-issues/import?dry=true", csv);
    CHECK_STATUS(&r, 400);
    resp_free(&r);
    http(&r, "POST", "/api/v1/context-issues/import", "{}", NULL);
    CHECK_STATUS(&r, 415);
    resp_free(&r);
    http_csv(&r, "/api/v1/context-issues/import", "title,origin,category\r\n\"open,x,y\r\n");
    CHECK_STATUS(&r, 400);
    resp_free(&r);
    /* XLSX: a zip file */
    http(&r, "GET", "/api/v1/people/export.xlsx", NULL, NULL);
    CHECK_STATUS(&r, 200);
    assert_true(r.len > 100 && memcmp(r.body, "PK", 2) == 0);
    resp_free(&r);
}

int main(int argc, char **argv)
{
    int skip = server_driver_from_args(argc, argv); /* sqlite or postgres */
    if (skip)
        return skip;
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 1;
    http_want_request_id = true; /* every answer carries an X-Request-Id */
    const struct CMUnitTest records[] = {
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_create_and_get_every_kind),
        cmocka_unit_test(test_update),
        cmocka_unit_test(test_retire),
        cmocka_unit_test(test_retire_referenced),
        cmocka_unit_test(test_delete),
        cmocka_unit_test(test_climate_decision_supersedes),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_method_not_allowed),
        cmocka_unit_test(test_bad_bodies),
        cmocka_unit_test(test_kind_rules),
        cmocka_unit_test(test_people),
        cmocka_unit_test(test_script_title_verbatim),
        cmocka_unit_test(test_concurrent_updates),
        cmocka_unit_test(test_body_too_big),
        cmocka_unit_test(test_url_too_long),
        cmocka_unit_test(test_busy),
        cmocka_unit_test(test_access_log),
        cmocka_unit_test(test_csv_import_export),
        cmocka_unit_test(test_stop),
    };
    const struct CMUnitTest lists[] = {
        cmocka_unit_test(test_list_create_120),
        cmocka_unit_test(test_list_paging),
        cmocka_unit_test(test_list_sort),
        cmocka_unit_test(test_list_filters),
        cmocka_unit_test(test_list_search),
        cmocka_unit_test(test_list_references),
        cmocka_unit_test(test_list_errors),
        cmocka_unit_test(test_stop),
    };
    const struct CMUnitTest limits[] = {
        cmocka_unit_test(test_limits_body),
        cmocka_unit_test(test_limits_url),
        cmocka_unit_test(test_stop),
    };
    const struct CMUnitTest lifecycle[] = {
        cmocka_unit_test(test_refuses_bad_listen),
        cmocka_unit_test(test_sigint_stops),
        cmocka_unit_test(test_stop_with_request_in_flight),
        cmocka_unit_test(test_stop_with_slow_curl_upload),
    };
    int failed = 0;
    failed += cmocka_run_group_tests_name("records", records, group_setup, group_teardown);
    failed += cmocka_run_group_tests_name("lists", lists, group_setup, group_teardown);
    failed += cmocka_run_group_tests_name("limits", limits, group_setup_limits, group_teardown);
    failed += cmocka_run_group_tests_name("lifecycle", lifecycle, NULL, lifecycle_teardown);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
