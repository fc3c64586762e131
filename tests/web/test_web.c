/*
 * End-to-end tests of the web pages (docs/WEB.md): every group starts the
 * real binary (`isms serve`, ISMS_BIN) on a fresh database and an ephemeral
 * loopback port and talks to it with libcurl as a browser would: GET pages,
 * POST forms as application/x-www-form-urlencoded with an Origin header, no
 * redirects followed (the 303 and its Location are checked, then fetched).
 *
 * Every HTML answer is checked for its status, content type, the
 * Content-Security-Policy and Referrer-Policy of the contract, and a whole
 * document. Every refused post is checked for its status, a body that names
 * the field (or the rule) at fault, that the database is unchanged (every
 * record of every kind, retired ones included, read through the JSON API
 * before and after) and that the server still answers. Each group ends by
 * stopping its server with a signal: exit 0, nothing from a sanitizer.
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

#define CSP                                                                                        \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "                    \
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
#define ASSET_CACHE "public, max-age=31536000, immutable"

static test_server SRV; /* the server of the running group */
static CURL *EASY;      /* one handle per group: its connection is kept alive */
static char ORIGIN[96]; /* the server's own origin, "http://127.0.0.1:PORT" */
/* The group's session (a real POST /login as the administrator) and its CSRF token,
 * sent with every request (the token as X-CSRF-Token; tests/api/test_auth.c checks
 * the form field and its refusals). */
static http_session SESSION = {.csrf_header = true};

static const char *const PLURALS[] = {"context-issues", "climate-decisions", "interested-parties",
                                      "requirements",   "scope-items",       "processes",
                                      "people"};
enum { NPLURALS = sizeof(PLURALS) / sizeof(PLURALS[0]) };

/* --- HTTP ------------------------------------------------------------------- */

/*
 * One request on the group's kept-alive handle. body NULL sends none (body_len
 * bytes otherwise, so a body may hold NUL); headers: extra header lines,
 * NULL-terminated, or NULL. The group's session goes along unless a Cookie is given.
 */
static void request(resp *r, const char *method, const char *path, const char *body,
                    size_t body_len, const char *const *headers)
{
    http_headers h = {0};
    http_header(&h, "Expect:"); /* no 100-continue wait */
    bool own_cookie = false;
    for (size_t i = 0; headers && headers[i]; i++)
        own_cookie |= strncasecmp(headers[i], "Cookie:", 7) == 0;
    http_header_lines(&h, headers);
    if (!own_cookie)
        http_credentials(&h, &SESSION);
    http_client c = {.base = SRV.url, .easy = EASY};
    http_send(r, &c, method, path, body, body_len, h.line);
}

static void get(resp *r, const char *path)
{
    request(r, "GET", path, NULL, 0, NULL);
}

/* The headers of a form post from our own page, plus more (NULL-terminated, or NULL). */
static const char **form_headers(const char *content_type, const char *origin,
                                 const char *const *more)
{
    static char ct_line[256], origin_line[256];
    static const char *lines[16];
    size_t n = 0;
    snprintf(ct_line, sizeof(ct_line), "Content-Type:%s%s", content_type ? " " : "",
             content_type ? content_type : "");
    lines[n++] = ct_line;
    if (origin) {
        snprintf(origin_line, sizeof(origin_line), "Origin: %s", origin);
        lines[n++] = origin_line;
    }
    for (size_t i = 0; more && more[i] && n < sizeof(lines) / sizeof(lines[0]) - 1; i++)
        lines[n++] = more[i];
    lines[n] = NULL;
    return lines;
}

/* POST a form as a browser on our own page does. */
static void post_form(resp *r, const char *path, const char *body)
{
    request(r, "POST", path, body, strlen(body), form_headers(HTTP_FORM_TYPE, ORIGIN, NULL));
}

/* --- checks ----------------------------------------------------------------- */

/* The headers every answer carries (docs/WEB.md). */
static void check_common_headers(const resp *r, const char *file, int line)
{
    if (strcmp(r->csp, CSP) != 0) {
        print_error("%s:%d: Content-Security-Policy '%s', expected '%s'\n", file, line, r->csp,
                    CSP);
        _fail(file, line);
    }
    if (strcmp(r->referrer_policy, "same-origin") != 0) {
        print_error("%s:%d: Referrer-Policy '%s'\n", file, line, r->referrer_policy);
        _fail(file, line);
    }
    if (strcmp(r->nosniff, "nosniff") != 0 || !r->request_id[0]) {
        print_error("%s:%d: X-Content-Type-Options '%s', X-Request-Id '%s'\n", file, line,
                    r->nosniff, r->request_id);
        _fail(file, line);
    }
}

/*
 * Whether the tags of page (text between '<' and '>'; escaped text has no raw
 * '<') are free of inline script and style: no <script> without src, no
 * <style>, no style= or on...= attribute, no javascript: anywhere in a tag.
 */
static bool markup_clean(const char *page, char *why, size_t size)
{
    for (const char *p = strchr(page, '<'); p; p = strchr(p + 1, '<')) {
        const char *end = strchr(p, '>');
        if (!end)
            break;
        /* The tag without its quoted values (escaped text: no raw quote inside). */
        char *tag = malloc((size_t)(end - p + 2));
        if (!tag)
            abort();
        size_t n = 0;
        bool quoted = false;
        for (const char *q = p; q <= end; q++) {
            if (*q == '"')
                quoted = !quoted;
            else if (!quoted)
                tag[n++] = *q;
        }
        tag[n] = '\0';
        const char *bad = NULL;
        if (strncasecmp(tag, "<script", 7) == 0 && !strstr(tag, " src="))
            bad = "inline script";
        else if (strncasecmp(tag, "<style", 6) == 0)
            bad = "a style element";
        else if (strcasestr(tag, " style="))
            bad = "a style attribute";
        else if (strcasestr(tag, "javascript:"))
            bad = "a javascript: URL";
        for (const char *a = strstr(tag, " on"); a && !bad; a = strstr(a + 1, " on")) {
            const char *q = a + 3;
            while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
                q++;
            if (*q == '=' && q > a + 3)
                bad = "an event handler attribute";
        }
        if (bad)
            snprintf(why, size, "the page holds %s: %.100s", bad, tag);
        free(tag);
        if (bad)
            return false;
    }
    return true;
}

/* An HTML page: status, headers, a whole document, no inline script or style. */
#define CHECK_HTML(r, want) check_html((r), (want), __FILE__, __LINE__)
static void check_html(const resp *r, long want, const char *file, int line)
{
    http_check_status(r, want, file, line);
    check_common_headers(r, file, line);
    if (strcmp(r->content_type, "text/html; charset=utf-8") != 0) {
        print_error("%s:%d: content type '%s'\n", file, line, r->content_type);
        _fail(file, line);
    }
    if (strcmp(r->cache_control, "no-store") != 0) {
        print_error("%s:%d: Cache-Control '%s' on a page\n", file, line, r->cache_control);
        _fail(file, line);
    }
    const char *b = r->body ? r->body : "";
    static const char tail[] = "</body>\n</html>\n";
    if (strncmp(b, "<!DOCTYPE html>\n<html lang=\"en\">\n", 33) != 0 || r->len < sizeof(tail) ||
        strcmp(b + r->len - (sizeof(tail) - 1), tail) != 0 || strlen(b) != r->len) {
        print_error("%s:%d: not a whole HTML document: %.300s ... %s\n", file, line, b,
                    r->len > 300 ? b + r->len - 300 : "");
        _fail(file, line);
    }
    /* The CSP forbids inline script and style: the markup must not need them. */
    char why[160];
    if (!markup_clean(b, why, sizeof(why))) {
        print_error("%s:%d: %s\n", file, line, why);
        _fail(file, line);
    }
    if (!strstr(b, "<main id=\"main\" class=\"content\">")) {
        print_error("%s:%d: no <main>: %.2000s\n", file, line, b);
        _fail(file, line);
    }
}

/* The text of <main> (malloc'd), where a page says what went wrong. */
static char *main_of(const resp *r)
{
    const char *start = strstr(r->body, "<main");
    const char *end = start ? strstr(start, "</main>") : NULL;
    assert_non_null(start);
    assert_non_null(end);
    return strndup(start, (size_t)(end - start));
}

/* <main> names what (any case): the field or the rule at fault. */
#define MAIN_NAMES(r, what) main_names((r), (what), __FILE__, __LINE__)
static void main_names(const resp *r, const char *what, const char *file, int line)
{
    char *m = main_of(r);
    bool found = strcasestr(m, what) != NULL;
    if (!found)
        print_error("%s:%d: the page does not name '%s'; <main>: %.4000s\n", file, line, what, m);
    free(m);
    if (!found)
        _fail(file, line);
}

/* The body between the first occurrence of open and the next close (malloc'd), or NULL. */
static char *between(const char *s, const char *open, const char *close)
{
    const char *a = strstr(s, open);
    if (!a)
        return NULL;
    a += strlen(open);
    const char *b = strstr(a, close);
    return b ? strndup(a, (size_t)(b - a)) : NULL;
}

/* --- the database through the API ------------------------------------------- */

static void check_health(void)
{
    resp r;
    get(&r, "/healthz");
    CHECK_STATUS(&r, 200);
    assert_non_null(r.json);
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
                snprintf(path, sizeof(path), "/api/v1/%s?retired=include&limit=200", PLURALS[k]);
            }
            free(cursor);
            cursor = NULL;
            resp r;
            get(&r, path);
            CHECK_STATUS(&r, 200);
            assert_non_null(r.json);
            buf_addf(&all, "%s:%s\n", PLURALS[k], r.body);
            const json_t *next = json_object_get(r.json, "next_cursor");
            if (json_is_string(next))
                cursor = strdup(json_string_value(next));
            resp_free(&r);
        } while (cursor);
    }
    return all.p;
}

/* How many records of a kind, retired ones included. */
static size_t count_of(const char *plural)
{
    size_t n = 0;
    char *cursor = NULL;
    do {
        char path[2048];
        if (cursor) {
            char *esc = curl_easy_escape(EASY, cursor, 0);
            snprintf(path, sizeof(path), "/api/v1/%s?retired=include&limit=200&cursor=%s", plural,
                     esc);
            curl_free(esc);
        } else {
            snprintf(path, sizeof(path), "/api/v1/%s?retired=include&limit=200", plural);
        }
        free(cursor);
        cursor = NULL;
        resp r;
        get(&r, path);
        CHECK_STATUS(&r, 200);
        n += json_array_size(json_object_get(r.json, "items"));
        const json_t *next = json_object_get(r.json, "next_cursor");
        if (json_is_string(next))
            cursor = strdup(json_string_value(next));
        resp_free(&r);
    } while (cursor);
    return n;
}

/* GET a record through the API into r (200 expected). */
static void api_record(resp *r, const char *plural, const char *id)
{
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/%s/%s", plural, id);
    get(r, path);
    CHECK_STATUS(r, 200);
    assert_non_null(r->json);
}

static const char *json_str(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) {
        char *dump = json_dumps(o, JSON_COMPACT);
        print_error("no string member '%s' in %s\n", key, dump ? dump : "?");
        free(dump);
        fail();
    }
    return json_string_value(v);
}

static json_int_t json_int(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

/* Create a record through the API; its id (malloc'd). */
static char *api_create(const char *plural, const char *json_body)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/%s", plural);
    const char *h[] = {"Content-Type: application/json", NULL};
    resp r;
    request(&r, "POST", path, json_body, strlen(json_body), h);
    CHECK_STATUS(&r, 201);
    char *id = strdup(json_str(r.json, "id"));
    resp_free(&r);
    return id;
}

/* Add a person (owners are people) through the API; their id (malloc'd). */
static char *api_person(const char *name)
{
    json_t *j = json_pack("{s:s}", "name", name);
    char *body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    char *id = api_create("people", body);
    free(body);
    return id;
}

/*
 * A refused request: the status and an HTML page, the database unchanged,
 * the server still serving. r keeps the answer for more checks.
 */
#define REFUSED(r, m, path, body, len, headers, status)                                            \
    refused((r), (m), (path), (body), (len), (headers), (status), __FILE__, __LINE__)
static void refused(resp *r, const char *method, const char *path, const char *body, size_t len,
                    const char *const *headers, long status, const char *file, int line)
{
    char *before = snapshot();
    size_t issues = count_of("context-issues");
    request(r, method, path, body, len, headers);
    check_html(r, status, file, line);
    if (count_of("context-issues") != issues) {
        print_error("%s:%d: %s %s changed the number of context issues\n", file, line, method,
                    path);
        _fail(file, line);
    }
    if (r->location[0]) {
        print_error("%s:%d: a refused post redirects to %s\n", file, line, r->location);
        _fail(file, line);
    }
    char *after = snapshot();
    if (strcmp(before, after) != 0) {
        print_error("%s:%d: %s %s changed the database\n", file, line, method, path);
        _fail(file, line);
    }
    free(before);
    free(after);
    check_health();
}

/* A form post from our own page that is refused. */
#define FORM_REFUSED(r, path, body, status)                                                        \
    refused((r), "POST", (path), (body), strlen(body), form_headers(HTTP_FORM_TYPE, ORIGIN, NULL), \
            (status), __FILE__, __LINE__)

/* A form post that succeeds: 303 to want_prefix...?done=done; the Location (malloc'd). */
#define POST_OK(path, body, want_prefix, done)                                                     \
    post_ok((path), (body), (want_prefix), (done), __FILE__, __LINE__)
static char *post_ok(const char *path, const char *body, const char *want_prefix, const char *done,
                     const char *file, int line)
{
    resp r;
    post_form(&r, path, body);
    http_check_status(&r, 303, file, line);
    check_common_headers(&r, file, line);
    char suffix[64];
    snprintf(suffix, sizeof(suffix), "?done=%s", done);
    size_t ll = strlen(r.location), sl = strlen(suffix);
    if (strncmp(r.location, want_prefix, strlen(want_prefix)) != 0 || ll < sl ||
        strcmp(r.location + ll - sl, suffix) != 0) {
        print_error("%s:%d: Location '%s', expected %s...%s\n", file, line, r.location, want_prefix,
                    suffix);
        _fail(file, line);
    }
    char *loc = strdup(r.location);
    resp_free(&r);
    return loc;
}

/* The record id in a Location "/context-issues/ISS-3?done=..." (malloc'd). */
static char *id_of_location(const char *location)
{
    const char *slash = strrchr(location, '/');
    assert_non_null(slash);
    size_t n = strcspn(slash + 1, "?");
    return strndup(slash + 1, n);
}

/* A created context issue's id, through the form. */
static char *form_create_issue(const char *title_encoded)
{
    buf body = {0};
    buf_addf(&body,
             "title=%s&origin=internal&category=legal&description=&effect="
             "&climate_related=&owner=&status=open&review_date=",
             title_encoded);
    char *loc = POST_OK("/context-issues", body.p, "/context-issues/ISS-", "created");
    char *id = id_of_location(loc);
    free(loc);
    free(body.p);
    return id;
}

/* --- group fixtures --------------------------------------------------------- */

/* Sign in as the administrator, as a browser does; keep the session cookie and CSRF token. */
static bool sign_in(void)
{
    http_client c = {.base = SRV.url, .easy = EASY};
    resp r;
    long status = http_login(&r, &c, &SESSION, SRV.admin, SRV.password);
    resp_free(&r);
    SESSION.csrf_header = true;
    return status == 303 && strncmp(SESSION.cookie, "isms_session=", 13) == 0 &&
           http_read_csrf(&c, &SESSION, "/");
}

static int group_setup(void **state)
{
    (void)state;
    memset(&SRV, 0, sizeof(SRV));
    if (!server_start(&SRV, NULL))
        return -1;
    snprintf(ORIGIN, sizeof(ORIGIN), "%s", SRV.url);
    EASY = curl_easy_init();
    if (!EASY || !sign_in()) {
        fprintf(stderr, "test_web: cannot sign in as %s\n", SRV.admin);
        return -1;
    }
    return 0;
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
    curl_easy_cleanup(EASY);
    EASY = NULL;
    int rc = server_stop(&SRV, SIGTERM);
    char *err = server_stderr(&SRV);
    if (rc != 0 || server_sanitizer_report(&SRV))
        print_error("isms serve ended with %d; stderr:\n%s\n", rc, err);
    assert_int_equal(rc, 0);
    assert_false(server_sanitizer_report(&SRV));
    assert_string_equal(SRV.extra_out, "");
    free(err);
}

/* ============================================================================
 * Group "pages": navigation, static files, errors of the router.
 * ========================================================================== */

static void test_home(void **state)
{
    (void)state;
    resp r;
    get(&r, "/");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<meta charset=\"utf-8\">");
    BODY_HAS(&r, "<a class=\"skip-link\" href=\"#main\">Skip to content</a>");
    BODY_HAS(&r, "<li><a href=\"/\" aria-current=\"page\">Overview</a></li>");
    BODY_HAS(&r, "<a class=\"card card-link\" href=\"/clauses/4\"><span class=\"num\">4</span>"
                 "<h2>Context of the organization</h2><p class=\"card-meta\">0 records in ");
    BODY_HAS(&r, "<a class=\"card card-link\" href=\"/clauses/10\">");
    BODY_HAS(&r, "<p class=\"card-meta muted\">Not covered yet</p>");
    BODY_HAS(&r, "<link rel=\"stylesheet\" href=\"/static/style.css?v=");
    BODY_HAS(&r, "<script src=\"/static/app.js?v=");
    BODY_HAS(&r, "<footer class=\"footer\">isms ");
    resp_free(&r);
    /* A query string changes nothing; an unknown ?done= shows no notice. */
    get(&r, "/?done=bogus");
    CHECK_HTML(&r, 200);
    BODY_LACKS(&r, "class=\"notice");
    resp_free(&r);
}

static void test_clause(void **state)
{
    (void)state;
    resp r;
    get(&r, "/clauses/4");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<h2><span class=\"num\">4.1</span> ");
    BODY_HAS(&r, "<ul class=\"kind-list\">\n<li><a href=\"/context-issues\">Context issues</a> "
                 "<span class=\"count\">0</span>");
    BODY_HAS(&r, "<a href=\"/clauses/4\" aria-current=\"page\"><span class=\"num\">4</span>");
    BODY_HAS(&r, "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"/\">"
                 "Overview</a></li>");
    resp_free(&r);
    get(&r, "/clauses/10");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<p class=\"muted\">No records kept for this clause yet.</p>");
    resp_free(&r);
    /* People serve 5.3; 5.1 and 5.2 keep nothing yet. */
    get(&r, "/clauses/5");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<h2><span class=\"num\">5.3</span> Organizational roles, responsibilities and "
                 "authorities</h2>\n<ul class=\"kind-list\">\n<li><a href=\"/people\">People</a> "
                 "<span class=\"count\">0</span>");
    BODY_HAS(&r, "<h2><span class=\"num\">5.1</span> Leadership and commitment</h2>\n"
                 "<p class=\"muted\">No records kept for this clause yet.</p>");
    resp_free(&r);
    get(&r, "/");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<a class=\"card card-link\" href=\"/clauses/5\"><span class=\"num\">5</span>"
                 "<h2>Leadership</h2><p class=\"card-meta\">0 records in 1 kind</p>");
    resp_free(&r);
    /* Not top-level clauses, or none at all: 404 pages. */
    static const char *const missing[] = {"/clauses/4.1", "/clauses/11", "/clauses/3", "/clauses/x",
                                          "/clauses/%3Cb%3E"};
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        get(&r, missing[i]);
        CHECK_HTML(&r, 404);
        BODY_HAS(&r, "There is no such clause.");
        BODY_LACKS(&r, "<b>");
        resp_free(&r);
    }
}

/* The asset's ETag without quotes, as the pages link it. */
static void asset_version(const char *page_body, const char *name, char *out, size_t size)
{
    char open[64];
    snprintf(open, sizeof(open), "/static/%s?v=", name);
    char *v = between(page_body, open, "\"");
    assert_non_null(v);
    snprintf(out, size, "%s", v);
    free(v);
}

static void test_static_files(void **state)
{
    (void)state;
    resp page;
    get(&page, "/");
    CHECK_HTML(&page, 200);
    static const struct {
        const char *name, *type;
    } assets[] = {
        {"style.css", "text/css; charset=utf-8"},
        {"app.js", "text/javascript; charset=utf-8"},
        {"icon.svg", "image/svg+xml"},
    };
    for (size_t i = 0; i < sizeof(assets) / sizeof(assets[0]); i++) {
        char version[64], path[128], quoted[80];
        asset_version(page.body, assets[i].name, version, sizeof(version));
        assert_true(strlen(version) >= 8);
        snprintf(quoted, sizeof(quoted), "\"%s\"", version);
        /* Linked with ?v=ETAG; served the same with or without it. */
        for (int with_v = 0; with_v < 2; with_v++) {
            snprintf(path, sizeof(path), "/static/%s%s%s", assets[i].name, with_v ? "?v=" : "",
                     with_v ? version : "");
            resp r;
            get(&r, path);
            CHECK_STATUS(&r, 200);
            check_common_headers(&r, __FILE__, __LINE__);
            assert_string_equal(r.content_type, assets[i].type);
            assert_string_equal(r.cache_control, ASSET_CACHE);
            assert_string_equal(r.etag, quoted);
            assert_true(r.len > 0);
            resp_free(&r);
        }
        /* If-None-Match with the ETag (alone, in a list, weak, or *): 304, no body. */
        char line[160];
        const char *matching[] = {quoted, NULL, NULL, "*"};
        char list[128], weak[96];
        snprintf(list, sizeof(list), "\"0000000000000000\", %s", quoted);
        snprintf(weak, sizeof(weak), "W/%s", quoted);
        matching[1] = list;
        matching[2] = weak;
        snprintf(path, sizeof(path), "/static/%s", assets[i].name);
        for (size_t m = 0; m < sizeof(matching) / sizeof(matching[0]); m++) {
            snprintf(line, sizeof(line), "If-None-Match: %s", matching[m]);
            const char *h[] = {line, NULL};
            resp r;
            request(&r, "GET", path, NULL, 0, h);
            CHECK_STATUS(&r, 304);
            assert_int_equal(r.len, 0);
            assert_string_equal(r.etag, quoted);
            assert_string_equal(r.cache_control, ASSET_CACHE);
            resp_free(&r);
        }
        /* Another ETag, or the bare value without quotes: the file again. */
        const char *stale[] = {"\"0000000000000000\"", version};
        for (size_t m = 0; m < 2; m++) {
            snprintf(line, sizeof(line), "If-None-Match: %s", stale[m]);
            const char *h[] = {line, NULL};
            resp r;
            request(&r, "GET", path, NULL, 0, h);
            CHECK_STATUS(&r, 200);
            assert_true(r.len > 0);
            resp_free(&r);
        }
    }
    resp_free(&page);
    /* Files that are not there: the 404 page, not cached for a year. */
    static const char *const missing[] = {"/static/nope.css", "/static/style.css.map",
                                          "/static/STYLE.CSS", "/static/..%2Fmeson.build"};
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        resp r;
        get(&r, missing[i]);
        CHECK_HTML(&r, 404);
        BODY_HAS(&r, "<h1>Not found</h1>");
        if (i < 3)
            BODY_HAS(&r, "There is no such file.");
        resp_free(&r);
    }
}

static void test_not_found(void **state)
{
    (void)state;
    static const char *const pages[] = {
        "/nope",
        "/context-issue",
        "/context-issues/ISS-999",
        "/context-issues/ISS-0",
        "/context-issues/REQ-1",
        "/context-issues/garbage",
        "/context-issues/ISS-1/nope",
        "/context-issues/ISS-999/edit",
        "/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    };
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        resp r;
        get(&r, pages[i]);
        CHECK_HTML(&r, 404);
        BODY_HAS(&r, "<h1>Not found</h1>");
        BODY_LACKS(&r, "<script>alert(1)");
        resp_free(&r);
    }
    /* Under /api the answer stays a problem, not a page. */
    resp r;
    get(&r, "/api/v1/nope");
    CHECK_STATUS(&r, 404);
    assert_string_equal(r.content_type, "application/problem+json");
    resp_free(&r);
}

static void test_method_not_allowed(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path, *allow;
    } cases[] = {
        {"DELETE", "/context-issues", "GET, POST"},
        {"PUT", "/context-issues", "GET, POST"},
        {"POST", "/", "GET"},
        {"DELETE", "/", "GET"},
        {"POST", "/clauses/4", "GET"},
        {"PATCH", "/context-issues/ISS-1", "GET"},
        {"POST", "/static/style.css", "GET"},
        {"POST", "/context-issues/new", "GET"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        resp r;
        const char *h[] = {"Content-Type: " HTTP_FORM_TYPE, NULL};
        char *before = snapshot();
        request(&r, cases[i].method, cases[i].path, "title=x", 7, h);
        CHECK_HTML(&r, 405);
        if (strcmp(r.allow, cases[i].allow) != 0)
            fail_msg("%s %s: Allow '%s', expected '%s'", cases[i].method, cases[i].path, r.allow,
                     cases[i].allow);
        BODY_HAS(&r, "<h1>Method not allowed</h1>");
        char *after = snapshot();
        assert_string_equal(before, after);
        free(before);
        free(after);
        resp_free(&r);
    }
}

/* ============================================================================
 * Group "forms": create, detail, edit, retire; every refusal.
 * ========================================================================== */

static void test_new_form(void **state)
{
    (void)state;
    resp r;
    get(&r, "/context-issues/new");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<form class=\"form\" method=\"post\" action=\"/context-issues\" novalidate>");
    BODY_HAS(&r, "<label for=\"f-title\">Title <span class=\"req\">required</span></label>");
    BODY_HAS(&r, "<input id=\"f-title\" name=\"title\" aria-describedby=\"f-title-hint\" "
                 "type=\"text\" maxlength=\"200\" value=\"\">");
    BODY_HAS(&r, "<select id=\"f-origin\" name=\"origin\"");
    BODY_HAS(&r, "<textarea id=\"f-effect\" name=\"effect\"");
    BODY_HAS(&r, "name=\"review_date\"");
    BODY_HAS(&r, "type=\"date\"");
    BODY_HAS(&r, "<option value=\"open\" selected>open</option>"); /* the default status */
    BODY_HAS(&r, "<button class=\"button primary\" type=\"submit\">Create context issue</button>");
    BODY_HAS(&r, "<a class=\"button subtle\" href=\"/context-issues\">Cancel</a>");
    BODY_LACKS(&r, "name=\"version\"");
    BODY_LACKS(&r, "error-summary");
    resp_free(&r);
    /* Query parameters prefill fields, escaped; parameters that are not fields are ignored. */
    get(&r, "/context-issues/new?title=Pre%22%3E%3Cb%3Efilled&origin=external&bogus=1");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "value=\"Pre&quot;&gt;&lt;b&gt;filled\"");
    BODY_LACKS(&r, "<b>filled");
    BODY_HAS(&r, "<option value=\"external\" selected>external</option>");
    resp_free(&r);
}

static void test_create(void **state)
{
    (void)state;
    size_t before = count_of("context-issues");
    /* Every control sent, as a browser does; '+' and %XX decoded; UTF-8 kept. */
    const char *body = "title=Supplier+lock-in+%E2%80%93+Gr%C3%B6%C3%9Fe&origin=external"
                       "&category=economic&description=&effect=Line+one%0D%0ALine+two"
                       "&climate_related=true&owner=&status=open&review_date=2031-01-15";
    char *loc = POST_OK("/context-issues", body, "/context-issues/ISS-", "created");
    char *id = id_of_location(loc);
    assert_int_equal(count_of("context-issues"), before + 1);

    /* The record exists with what was typed. */
    resp api;
    api_record(&api, "context-issues", id);
    assert_string_equal(json_str(api.json, "title"), "Supplier lock-in \xE2\x80\x93 Größe");
    assert_string_equal(json_str(api.json, "origin"), "external");
    assert_string_equal(json_str(api.json, "category"), "economic");
    assert_string_equal(json_str(api.json, "review_date"), "2031-01-15");
    assert_true(json_is_true(json_object_get(api.json, "climate_related")));
    assert_non_null(strstr(json_str(api.json, "effect"), "Line two"));
    assert_int_equal(json_int(api.json, "version"), 1);
    resp_free(&api);

    /* The page redirected to tells what happened, naming the record. */
    resp r;
    get(&r, loc);
    CHECK_HTML(&r, 200);
    char notice[128];
    snprintf(notice, sizeof(notice),
             "<div class=\"notice notice-ok\" role=\"status\">Created %s.</div>", id);
    BODY_HAS(&r, notice);
    BODY_HAS(&r, "<h1>Supplier lock-in \xE2\x80\x93 Größe</h1>");
    resp_free(&r);
    free(loc);
    free(id);

    /* The content type may carry a charset, in any case; without Origin curl is trusted. */
    before = count_of("context-issues");
    static const char *const types[] = {HTTP_FORM_TYPE "; charset=UTF-8",
                                        "APPLICATION/X-WWW-FORM-URLENCODED"};
    for (size_t i = 0; i < 2; i++) {
        const char *typed = "title=typed&origin=internal&category=legal";
        request(&r, "POST", "/context-issues", typed, strlen(typed),
                form_headers(types[i], ORIGIN, NULL));
        CHECK_STATUS(&r, 303);
        resp_free(&r);
    }
    const char *no_origin = "title=no+origin&origin=internal&category=legal";
    request(&r, "POST", "/context-issues", no_origin, strlen(no_origin),
            form_headers(HTTP_FORM_TYPE, NULL, NULL));
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    const char *same[] = {"Sec-Fetch-Site: same-origin", NULL};
    const char *fetch_site = "title=fetch+site&origin=internal&category=legal";
    request(&r, "POST", "/context-issues", fetch_site, strlen(fetch_site),
            form_headers(HTTP_FORM_TYPE, NULL, same));
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    assert_int_equal(count_of("context-issues"), before + 4);
}

static void test_create_refused_fields(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        const char *names[4]; /* what the page must hold: the field, the kept value */
    } cases[] = {
        /* A value the field does not take: 422, the typed values kept, the field marked. */
        {"title=Typed+%3Cvalue%3E+%26+%22quotes%22&origin=sideways&category=economic",
         {"value=\"Typed &lt;value&gt; &amp; &quot;quotes&quot;\"", "href=\"#f-origin\"",
          "Internal or external: ", "<p class=\"error\" id=\"f-origin-error\">"}},
        /* A required field left empty; the others keep their choice. */
        {"title=&origin=internal&category=legal&effect=kept+text",
         {"href=\"#f-title\"", "Title: ", "<option value=\"legal\" selected>legal</option>",
          ">kept text</textarea>"}},
        /* A date that does not exist: kept as typed, in a text input a browser will not empty. */
        {"title=Dated&origin=internal&category=legal&review_date=2027-02-30",
         {"href=\"#f-review_date\"", "Next review: ",
          "<input id=\"f-review_date\" name=\"review_date\" aria-describedby=\"f-review_date-hint "
          "f-review_date-error\" aria-invalid=\"true\" type=\"text\" value=\"2027-02-30\">",
          NULL}},
        /* A field the kind does not have. */
        {"title=Extra&origin=internal&category=legal&bogus=1",
         {"bogus: is not a field of a context issue", "value=\"Extra\"", NULL, NULL}},
        /* A field given twice. */
        {"title=One&title=Two&origin=internal&category=legal",
         {"Title: is given more than once", "value=\"One\"", NULL, NULL}},
        /* Several problems at once: all of them, in the order of the form. */
        {"title=&origin=sideways&category=nope&status=gone",
         {"4 fields need attention", "href=\"#f-title\"", "href=\"#f-category\"",
          "href=\"#f-status\""}},
        /* A boolean that is not one. */
        {"title=Bool&origin=internal&category=legal&climate_related=maybe",
         {"href=\"#f-climate_related\"", "Climate-related: ", NULL, NULL}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        resp r;
        FORM_REFUSED(&r, "/context-issues", cases[i].body, 422);
        BODY_HAS(&r, "<div class=\"error-summary\" role=\"alert\"");
        BODY_HAS(&r, "<div class=\"field has-error\">");
        BODY_HAS(&r, "<form class=\"form\" method=\"post\" action=\"/context-issues\" novalidate>");
        for (size_t n = 0; n < 4 && cases[i].names[n]; n++)
            BODY_HAS(&r, cases[i].names[n]);
        resp_free(&r);
    }
    /* Too long (201 characters, the limit is 200): refused, the whole text kept. */
    buf body = {0}, kept = {0};
    buf_add(&body, "title=", 6);
    buf_add(&kept, "value=\"", 7);
    for (int i = 0; i < 201; i++) {
        buf_add(&body, "x", 1);
        buf_add(&kept, "x", 1);
    }
    buf_add(&body, "&origin=internal&category=legal", 31);
    buf_add(&kept, "\"", 1);
    resp r;
    FORM_REFUSED(&r, "/context-issues", body.p, 422);
    BODY_HAS(&r, "href=\"#f-title\"");
    BODY_HAS(&r, "<p class=\"error\" id=\"f-title-error\">");
    BODY_HAS(&r, kept.p);
    resp_free(&r);
    free(body.p);
    free(kept.p);
}

static void test_create_cross_site(void **state)
{
    (void)state;
    const char *body = "title=Forged&origin=internal&category=legal";
    char other_port[96];
    snprintf(other_port, sizeof(other_port), "http://127.0.0.1:%u", SRV.port == 1 ? 2 : 1);
    const char *origins[] = {"http://evil.example", other_port, "null",
                             "http://127.0.0.1.evil.example", "file://"};
    for (size_t i = 0; i < sizeof(origins) / sizeof(origins[0]); i++) {
        resp r;
        REFUSED(&r, "POST", "/context-issues", body, strlen(body),
                form_headers(HTTP_FORM_TYPE, origins[i], NULL), 403);
        MAIN_NAMES(&r, "another site");
        BODY_LACKS(&r, "Forged");
        resp_free(&r);
    }
    /* Without Origin, Sec-Fetch-Site decides: only same-origin and none are ours. */
    static const char *const sites[] = {"Sec-Fetch-Site: cross-site", "Sec-Fetch-Site: same-site"};
    for (size_t i = 0; i < 2; i++) {
        const char *more[] = {sites[i], NULL};
        resp r;
        REFUSED(&r, "POST", "/context-issues", body, strlen(body),
                form_headers(HTTP_FORM_TYPE, NULL, more), 403);
        MAIN_NAMES(&r, "another site");
        resp_free(&r);
    }
    /* A cross-site post is refused before its content type is looked at. */
    resp r;
    REFUSED(&r, "POST", "/context-issues", body, strlen(body),
            form_headers("text/plain", "http://evil.example", NULL), 403);
    resp_free(&r);
}

static void test_create_wrong_content_type(void **state)
{
    (void)state;
    const char *body = "title=Typed&origin=internal&category=legal";
    static const char *const types[] = {
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        HTTP_FORM_TYPE "x",
        HTTP_FORM_TYPE "-utf8",
        "application/x-www-form",
        NULL, /* none at all */
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        resp r;
        REFUSED(&r, "POST", "/context-issues", body, strlen(body),
                form_headers(types[i], ORIGIN, NULL), 415);
        MAIN_NAMES(&r, HTTP_FORM_TYPE);
        resp_free(&r);
    }
}

static void test_create_malformed_value(void **state)
{
    (void)state;
    /* A value that is not well encoded: 400, naming the field it was in. */
    static const char *const bodies[] = {
        "title=ok&origin=internal&category=legal&effect=%ZZ",
        "title=ok&origin=internal&category=legal&effect=50%",
        "title=ok&origin=internal&category=legal&effect=a%00b",
        "title=ok&origin=internal&category=legal&effect=%FF%FE",
        "title=ok&origin=internal&category=legal&effect=%C3%28",
        "title=ok&origin=internal&category=legal&effect=%ED%A0%80",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        resp r;
        FORM_REFUSED(&r, "/context-issues", bodies[i], 400);
        MAIN_NAMES(&r, "effect");
        resp_free(&r);
    }
}

static void test_create_raw_nul(void **state)
{
    (void)state;
    /* A raw NUL byte in the body (not %00): refused too, never stored cut short. */
    static const char nul[] = "title=ok&origin=internal&category=legal&effect=a\0b";
    resp r;
    REFUSED(&r, "POST", "/context-issues", nul, sizeof(nul) - 1,
            form_headers(HTTP_FORM_TYPE, ORIGIN, NULL), 400);
    MAIN_NAMES(&r, "effect");
    resp_free(&r);
}

static void test_create_malformed_name(void **state)
{
    (void)state;
    /* A malformed field name: 400, saying it is a field name. */
    static const char *const bodies[] = {
        "title=ok&origin=internal&category=legal&%ZZ=1",
        "title=ok&origin=internal&category=legal&%00=1",
        "title=ok&origin=internal&category=legal&%FF=1",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        resp r;
        FORM_REFUSED(&r, "/context-issues", bodies[i], 400);
        MAIN_NAMES(&r, "field name");
        resp_free(&r);
    }
}

static void test_create_too_many_fields(void **state)
{
    (void)state;
    /* Too many fields: refused as too big, with the limit. */
    buf many = {0};
    buf_add(&many, "title=ok&origin=internal&category=legal", 39);
    for (int i = 0; i < 300; i++)
        buf_addf(&many, "&x%d=1", i);
    resp r;
    FORM_REFUSED(&r, "/context-issues", many.p, 413);
    MAIN_NAMES(&r, "more than 256 fields");
    resp_free(&r);
    free(many.p);
}

static void test_detail_page(void **state)
{
    (void)state;
    char *id = api_create("context-issues",
                          "{\"title\":\"Detailed issue\",\"origin\":\"internal\","
                          "\"category\":\"regulatory\",\"effect\":\"line one\\nline two\"}");
    char path[128], want[256];
    snprintf(path, sizeof(path), "/context-issues/%s", id);
    resp r;
    get(&r, path);
    CHECK_HTML(&r, 200);
    snprintf(want, sizeof(want), "<p class=\"kicker\">%s \xC2\xB7 Context issue</p>", id);
    BODY_HAS(&r, want);
    BODY_HAS(&r, "<h1>Detailed issue</h1>");
    BODY_HAS(&r, "<div class=\"badges\"><span class=\"badge badge-info\">open</span></div>");
    BODY_HAS(&r, "<div><dt>Category</dt><dd>regulatory</dd></div>");
    BODY_HAS(&r, "<dd class=\"prose\">line one\nline two</dd>");
    BODY_HAS(&r, "<div><dt>Owner</dt><dd><span class=\"muted\">Not set</span></dd></div>");
    snprintf(want, sizeof(want),
             "<a class=\"button primary\" href=\"/context-issues/%s/edit\">"
             "Edit</a>",
             id);
    BODY_HAS(&r, want);
    snprintf(want, sizeof(want), "action=\"/context-issues/%s/retire\"", id);
    BODY_HAS(&r, want);
    BODY_HAS(&r, "<input type=\"hidden\" name=\"version\" value=\"1\">");
    BODY_HAS(&r, "<li><a href=\"/context-issues\">Context issues</a></li>");
    BODY_LACKS(&r, "/delete\""); /* context issues are retired, never deleted */
    /* Times to the minute for people, exact in the datetime attribute. */
    char *created = between(r.body, "<dt>Created</dt><dd><time datetime=\"", "\"");
    assert_non_null(created);
    assert_int_equal(strlen(created), 24); /* 2026-12-02T05:27:42.916Z */
    /* The actor is the signed-in user (here the API's, the same administrator). */
    snprintf(want, sizeof(want), ">%.10s %.5s UTC</time> <span class=\"muted\">by %s</span>",
             created, created + 11, SRV.admin);
    BODY_HAS(&r, want);
    free(created);
    resp_free(&r);
    /* The id of one kind is no record of another. */
    snprintf(path, sizeof(path), "/requirements/%s", id);
    get(&r, path);
    CHECK_HTML(&r, 404);
    resp_free(&r);
    free(id);
}

static void test_edit(void **state)
{
    (void)state;
    char *id = form_create_issue("Before+edit");
    char path[128], loc_prefix[128];
    snprintf(path, sizeof(path), "/context-issues/%s/edit", id);
    resp r;
    get(&r, path);
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<input type=\"hidden\" name=\"version\" value=\"1\">");
    BODY_HAS(&r, "value=\"Before edit\"");
    BODY_HAS(&r, "<button class=\"button primary\" type=\"submit\">Save changes</button>");
    resp_free(&r);
    snprintf(loc_prefix, sizeof(loc_prefix), "/context-issues/%s", id);
    char *loc = POST_OK(path,
                        "version=1&title=After+edit&origin=internal&category=legal"
                        "&status=monitored",
                        loc_prefix, "saved");
    resp api;
    api_record(&api, "context-issues", id);
    assert_string_equal(json_str(api.json, "title"), "After edit");
    assert_string_equal(json_str(api.json, "status"), "monitored");
    assert_int_equal(json_int(api.json, "version"), 2);
    resp_free(&api);
    get(&r, loc);
    CHECK_HTML(&r, 200);
    char notice[128];
    snprintf(notice, sizeof(notice),
             "<div class=\"notice notice-ok\" role=\"status\">Saved %s.</div>", id);
    BODY_HAS(&r, notice);
    resp_free(&r);
    free(loc);

    /* Refused edits: the values typed kept, nothing changed. */
    FORM_REFUSED(&r, path, "version=2&title=&origin=internal&category=legal&effect=my+words", 422);
    BODY_HAS(&r, "href=\"#f-title\"");
    BODY_HAS(&r, ">my words</textarea>");
    BODY_HAS(&r, "<input type=\"hidden\" name=\"version\" value=\"2\">");
    resp_free(&r);
    /* Without the version read, or with one that is not a version: 400. */
    static const char *const versions[] = {"", "version=&", "version=abc&", "version=0&",
                                           "version=-1&"};
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        buf body = {0};
        buf_addf(&body, "%stitle=No+version&origin=internal&category=legal", versions[i]);
        FORM_REFUSED(&r, path, body.p, 400);
        MAIN_NAMES(&r, "version");
        resp_free(&r);
        free(body.p);
    }
    /* Cross-site and wrong type apply to edits as well. */
    const char *body = "version=2&title=Forged&origin=internal&category=legal";
    REFUSED(&r, "POST", path, body, strlen(body),
            form_headers(HTTP_FORM_TYPE, "http://evil.example", NULL), 403);
    resp_free(&r);
    REFUSED(&r, "POST", path, body, strlen(body), form_headers("text/plain", ORIGIN, NULL), 415);
    resp_free(&r);
    /* Editing a record that is not there. */
    FORM_REFUSED(&r, "/context-issues/ISS-9999/edit", body, 404);
    resp_free(&r);
    free(id);
}

static void test_edit_stale_version(void **state)
{
    (void)state;
    char *id = form_create_issue("Shared+record");
    char path[128], api_path[128];
    snprintf(path, sizeof(path), "/context-issues/%s/edit", id);
    snprintf(api_path, sizeof(api_path), "/api/v1/context-issues/%s", id);
    /* Someone else saves first (version 1 -> 2). */
    const char *theirs = "{\"title\":\"Theirs\",\"version\":1}";
    const char *h[] = {"Content-Type: application/json", NULL};
    resp r;
    request(&r, "PATCH", api_path, theirs, strlen(theirs), h);
    CHECK_STATUS(&r, 200);
    resp_free(&r);

    /* Our form, read at version 1: 409, our values kept, the hidden version now 2. */
    FORM_REFUSED(&r, path,
                 "version=1&title=Mine&origin=internal&category=legal&status=open"
                 "&effect=my+careful+words",
                 409);
    BODY_HAS(&r, "value=\"Mine\"");
    BODY_HAS(&r, ">my careful words</textarea>");
    BODY_HAS(&r, "<input type=\"hidden\" name=\"version\" value=\"2\">");
    BODY_HAS(&r, "<div class=\"notice notice-error\" role=\"alert\">Someone changed this record");
    BODY_LACKS(&r, "value=\"Theirs\"");
    resp_free(&r);
    resp api;
    api_record(&api, "context-issues", id);
    assert_string_equal(json_str(api.json, "title"), "Theirs");
    assert_int_equal(json_int(api.json, "version"), 2);
    resp_free(&api);

    /* Saving again with the version shown replaces theirs, deliberately. */
    char prefix[128];
    snprintf(prefix, sizeof(prefix), "/context-issues/%s", id);
    char *loc = POST_OK(path, "version=2&title=Mine&origin=internal&category=legal&status=open",
                        prefix, "saved");
    free(loc);
    api_record(&api, "context-issues", id);
    assert_string_equal(json_str(api.json, "title"), "Mine");
    assert_int_equal(json_int(api.json, "version"), 3);
    resp_free(&api);
    free(id);
}

static void test_retire(void **state)
{
    (void)state;
    char *id = form_create_issue("To+retire");
    char path[128], page[128];
    snprintf(path, sizeof(path), "/context-issues/%s/retire", id);
    snprintf(page, sizeof(page), "/context-issues/%s", id);
    /* Without a reason (absent, empty, blank): 422, the detail page with the form marked. */
    static const char *const bodies[] = {"version=1",
                                         "version=1&reason=", "version=1&reason=+++%0D%0A"};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        resp r;
        FORM_REFUSED(&r, path, bodies[i], 422);
        BODY_HAS(&r, "<h1>To retire</h1>");
        BODY_HAS(&r, "<p class=\"error\" id=\"f-reason-error\">");
        BODY_HAS(&r, "aria-invalid=\"true\"");
        MAIN_NAMES(&r, "reason: is required");
        resp_free(&r);
    }
    /* No version, a stale one, another site: refused, still in force. */
    resp r;
    FORM_REFUSED(&r, path, "reason=done", 400);
    MAIN_NAMES(&r, "version");
    resp_free(&r);
    FORM_REFUSED(&r, path, "version=7&reason=Kept+%3Creason%3E", 409);
    BODY_HAS(&r, ">Kept &lt;reason&gt;</textarea>");
    resp_free(&r);
    const char *forged = "version=1&reason=forged";
    REFUSED(&r, "POST", path, forged, strlen(forged),
            form_headers(HTTP_FORM_TYPE, "http://evil.example", NULL), 403);
    resp_free(&r);
    resp api;
    api_record(&api, "context-issues", id);
    assert_false(json_is_true(json_object_get(api.json, "retired")));
    resp_free(&api);

    /* With a reason: 303 to the record, retired, the reason kept. */
    char *loc = POST_OK(path, "version=1&reason=No+longer+relevant", page, "retired");
    api_record(&api, "context-issues", id);
    assert_true(json_is_true(json_object_get(api.json, "retired")));
    resp_free(&api);
    get(&r, loc);
    CHECK_HTML(&r, 200);
    char notice[128];
    snprintf(notice, sizeof(notice),
             "<div class=\"notice notice-ok\" role=\"status\">Retired %s.</div>", id);
    BODY_HAS(&r, notice);
    BODY_HAS(&r, "<span class=\"badge badge-muted\">Retired</span>");
    BODY_HAS(&r, "<dt>Reason for retiring</dt><dd class=\"prose\">No longer relevant</dd>");
    BODY_LACKS(&r, "/retire\""); /* no retire form on a retired record */
    BODY_LACKS(&r, "/edit\"");
    resp_free(&r);
    free(loc);
    /* A retired record is not edited, nor retired again. */
    char edit[160];
    snprintf(edit, sizeof(edit), "%s/edit", page);
    get(&r, edit);
    CHECK_HTML(&r, 409);
    resp_free(&r);
    FORM_REFUSED(&r, path, "version=2&reason=again", 409);
    resp_free(&r);
    free(id);
}

static void test_delete_not_for_issues(void **state)
{
    (void)state;
    char *id = form_create_issue("Not+deletable");
    char path[128];
    snprintf(path, sizeof(path), "/context-issues/%s/delete", id);
    resp r;
    FORM_REFUSED(&r, path, "version=1", 405);
    MAIN_NAMES(&r, "never deleted");
    resp_free(&r);
    free(id);
}

/* A deletable kind: the form asks first (data-confirm), then the list names what went. */
static void test_delete_process(void **state)
{
    (void)state;
    char *owner = api_person("Olga Petrova");
    char body[128];
    snprintf(body, sizeof(body), "{\"title\":\"Courier pick-up\",\"owner\":\"%s\"}", owner);
    char *id = api_create("processes", body);
    free(owner);
    char page[128], path[160], question[128], want[160];
    snprintf(page, sizeof(page), "/processes/%s", id);
    snprintf(path, sizeof(path), "%s/delete", page);
    snprintf(question, sizeof(question), "data-confirm=\"Delete %s? This cannot be undone.\"",
             id);
    resp r;
    get(&r, page);
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "class=\"form confirm\"");
    BODY_HAS(&r, question);
    resp_free(&r);
    /* A stale version is refused and nothing goes. */
    FORM_REFUSED(&r, path, "version=7", 409);
    resp_free(&r);
    assert_int_equal(count_of("processes"), 1);
    post_form(&r, path, "version=1");
    CHECK_STATUS(&r, 303);
    snprintf(want, sizeof(want), "/processes?done=deleted&record=%s", id);
    assert_string_equal(r.location, want);
    resp_free(&r);
    get(&r, want);
    CHECK_HTML(&r, 200);
    char notice[96];
    snprintf(notice, sizeof(notice), ">Deleted %s.</div>", id);
    BODY_HAS(&r, notice);
    resp_free(&r);
    /* The notice echoes only an id of the list's kind, never other text from the URL. */
    get(&r, "/processes?done=deleted&record=Your+account+is+locked");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, ">Deleted.</div>");
    BODY_LACKS(&r, "locked");
    resp_free(&r);
    get(&r, page);
    CHECK_HTML(&r, 404);
    resp_free(&r);
    assert_int_equal(count_of("processes"), 0);
    free(id);
}

/* People (5.3): the form, its rules, owners chosen from people, links both ways. */
static void test_person_pages(void **state)
{
    (void)state;
    resp r;
    get(&r, "/people/new");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<form class=\"form\" method=\"post\" action=\"/people\" novalidate>");
    BODY_HAS(&r, "<label for=\"f-name\">Name <span class=\"req\">required</span></label>");
    BODY_HAS(&r, "<input id=\"f-name\" name=\"name\" aria-describedby=\"f-name-hint\" "
                 "type=\"text\" maxlength=\"120\" value=\"\">");
    BODY_HAS(&r, "<input id=\"f-email\" name=\"email\" aria-describedby=\"f-email-hint\" "
                 "type=\"text\" maxlength=\"254\" value=\"\">");
    BODY_HAS(&r, "<select id=\"f-manager\" name=\"manager\" aria-describedby=\"f-manager-hint\">"
                 "<option value=\"\" selected>None</option>");
    BODY_HAS(&r, "<select id=\"f-top_management\" name=\"top_management\"");
    BODY_HAS(&r, "<button class=\"button primary\" type=\"submit\">Create person</button>");
    resp_free(&r);

    /* Created from the form, every control sent as a browser does. */
    char *loc = POST_OK("/people",
                        "name=Greta+Lindqvist&job_title=Chief+Executive+Officer"
                        "&department=Management&manager=&email=greta%40nordlicht.example"
                        "&top_management=true",
                        "/people/PER-", "created");
    char *ceo = id_of_location(loc);
    free(loc);
    resp api;
    api_record(&api, "people", ceo);
    assert_string_equal(json_str(api.json, "name"), "Greta Lindqvist");
    assert_string_equal(json_str(api.json, "email"), "greta@nordlicht.example");
    assert_true(json_is_true(json_object_get(api.json, "top_management")));
    assert_true(json_is_null(json_object_get(api.json, "manager")));
    resp_free(&api);

    /* The rules of a person, named next to their field; the typed values kept. */
    FORM_REFUSED(&r, "/people", "name=Eve+Example&email=eve+at+example.com&top_management=", 422);
    BODY_HAS(&r, "href=\"#f-email\"");
    BODY_HAS(&r, "<p class=\"error\" id=\"f-email-error\">");
    BODY_HAS(&r, "value=\"Eve Example\"");
    BODY_HAS(&r, "value=\"eve at example.com\"");
    resp_free(&r);
    FORM_REFUSED(&r, "/people", "name=Eve+Example&manager=PER-999", 422);
    BODY_HAS(&r, "href=\"#f-manager\"");
    MAIN_NAMES(&r, "PER-999 does not exist");
    resp_free(&r);
    char body[512], path[160], want[512];
    snprintf(body, sizeof(body), "version=1&name=Greta+Lindqvist&manager=%s", ceo);
    snprintf(path, sizeof(path), "/people/%s/edit", ceo);
    FORM_REFUSED(&r, path, body, 422);
    MAIN_NAMES(&r, "a person cannot be their own manager");
    resp_free(&r);

    /* A report, and a context issue whose owner is chosen among the people. */
    snprintf(body, sizeof(body), "name=Jonas+Weber&job_title=CISO&manager=%s", ceo);
    loc = POST_OK("/people", body, "/people/PER-", "created");
    char *ciso = id_of_location(loc);
    free(loc);
    snprintf(body, sizeof(body),
             "title=Skills+shortage&origin=internal&category=organizational&owner=%s"
             "&status=open",
             ciso);
    loc = POST_OK("/context-issues", body, "/context-issues/ISS-", "created");
    char *issue = id_of_location(loc);
    free(loc);
    snprintf(path, sizeof(path), "/context-issues/%s", issue);
    get(&r, path);
    CHECK_HTML(&r, 200);
    snprintf(want, sizeof(want),
             "<div><dt>Owner</dt><dd><a href=\"/people/%s\">%s Jonas Weber</a></dd></div>", ciso,
             ciso);
    BODY_HAS(&r, want);
    resp_free(&r);
    snprintf(path, sizeof(path), "/context-issues/%s/edit", issue);
    get(&r, path);
    CHECK_HTML(&r, 200);
    snprintf(want, sizeof(want), "<option value=\"%s\" selected>%s Jonas Weber</option>", ciso,
             ciso);
    BODY_HAS(&r, want);
    snprintf(want, sizeof(want), "<option value=\"%s\">%s Greta Lindqvist</option>", ceo, ceo);
    BODY_HAS(&r, want);
    resp_free(&r);

    /* The person's page: their manager, and the records that name them. */
    snprintf(path, sizeof(path), "/people/%s", ciso);
    get(&r, path);
    CHECK_HTML(&r, 200);
    snprintf(want, sizeof(want), "<p class=\"kicker\">%s \xC2\xB7 Person</p>", ciso);
    BODY_HAS(&r, want);
    BODY_HAS(&r, "<h1>Jonas Weber</h1>");
    snprintf(want, sizeof(want),
             "<div><dt>Manager</dt><dd><a href=\"/people/%s\">%s Greta Lindqvist</a></dd></div>",
             ceo, ceo);
    BODY_HAS(&r, want);
    BODY_HAS(&r, "<h2>Referred to by</h2>");
    snprintf(want, sizeof(want),
             "<li><a href=\"/context-issues/%s\">%s Skills shortage</a> <span class=\"muted\">"
             "Context issue, Owner</span></li>",
             issue, issue);
    BODY_HAS(&r, want);
    BODY_HAS(&r,
             "<li><a href=\"/clauses/5\">5 Leadership</a></li><li><a href=\"/people\">People</a>"
             "</li>");
    BODY_LACKS(&r, "/delete\""); /* people are retired, never deleted */
    resp_free(&r);
    snprintf(path, sizeof(path), "/people/%s", ceo);
    get(&r, path);
    CHECK_HTML(&r, 200);
    snprintf(want, sizeof(want),
             "<li><a href=\"/people/%s\">%s Jonas Weber</a> <span class=\"muted\">Person, "
             "Manager</span></li>",
             ciso, ciso);
    BODY_HAS(&r, want);
    resp_free(&r);

    /* Leaving while owning records in force: refused, naming the records, nothing changed. */
    snprintf(path, sizeof(path), "/people/%s/retire", ciso);
    FORM_REFUSED(&r, path, "version=1&reason=Left+the+company", 409);
    snprintf(want, sizeof(want), "<a href=\"/context-issues/%s\">%s</a>", issue, issue);
    BODY_HAS(&r, want);
    resp_free(&r);

    /* The list: name, department, top management; filters by department, manager, top management. */
    get(&r, "/people?top_management=true");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<a href=\"/people?top_management=true&amp;sort=name\">Name</a>");
    BODY_HAS(&r, ">Top management</th>");
    BODY_HAS(&r, "Greta Lindqvist");
    BODY_LACKS(&r, "Jonas Weber</a></td>");
    BODY_HAS(&r,
             "<select id=\"f-manager\" name=\"manager\"><option value=\"\" selected>Any</option>");
    BODY_HAS(&r, "<input id=\"f-department\" name=\"department\" type=\"search\"");
    resp_free(&r);
    snprintf(path, sizeof(path), "/context-issues?owner=%s", ciso);
    get(&r, path);
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "Skills shortage");
    snprintf(want, sizeof(want), "<option value=\"%s\" selected>%s Jonas Weber</option>", ciso,
             ciso);
    BODY_HAS(&r, want);
    resp_free(&r);
    free(ceo);
    free(ciso);
    free(issue);
}

static void test_script_title_escaped(void **state)
{
    (void)state;
    static const char *const titles[] = {"<script>alert(1)</script>",
                                         "\"><img src=x onerror=alert(2)>"};
    static const char *const escaped[] = {"&lt;script&gt;alert(1)&lt;/script&gt;",
                                          "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"};
    static const char *const raw[] = {"<script>alert(1)", "<img src=x"};
    for (size_t t = 0; t < 2; t++) {
        /* The owner's name shows in the list, on the detail page and in the form's select. */
        char *owner = api_person(titles[t]);
        json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", titles[t], "origin", "external",
                              "category", "other", "effect", titles[t], "owner", owner);
        char *body = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        char *id = api_create("context-issues", body);
        free(body);
        free(owner);
        char detail[128], edit[160];
        snprintf(detail, sizeof(detail), "/context-issues/%s", id);
        snprintf(edit, sizeof(edit), "/context-issues/%s/edit", id);
        const char *pages[] = {"/context-issues", "/context-issues?sort=-id&retired=include",
                               detail, edit};
        for (size_t p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
            resp r;
            get(&r, pages[p]);
            CHECK_HTML(&r, 200);
            BODY_HAS(&r, escaped[t]);
            BODY_LACKS(&r, raw[t]);
            resp_free(&r);
        }
        /* In the search box of the list too. */
        char *q = curl_easy_escape(EASY, titles[t], 0);
        char search[256];
        snprintf(search, sizeof(search), "/context-issues?q=%s", q);
        curl_free(q);
        resp r;
        get(&r, search);
        CHECK_HTML(&r, 200);
        BODY_HAS(&r, escaped[t]);
        BODY_LACKS(&r, raw[t]);
        resp_free(&r);
        free(id);
    }
}

/* ============================================================================
 * Group "lists": sort, filter, search, paging, refused queries.
 * ========================================================================== */

static void test_list_setup(void **state)
{
    (void)state;
    /* Six issues: three internal, three external; two mention "zebra"; one retired. */
    static const char *const issues[] = {
        "{\"title\":\"Alpha staffing\",\"origin\":\"internal\",\"category\":\"organizational\"}",
        "{\"title\":\"Bravo zebra crossing\",\"origin\":\"external\",\"category\":\"social\"}",
        "{\"title\":\"Charlie budget\",\"origin\":\"internal\",\"category\":\"economic\"}",
        "{\"title\":\"Delta regulator\",\"origin\":\"external\",\"category\":\"regulatory\"}",
        "{\"title\":\"Echo zebra patterns\",\"origin\":\"internal\",\"category\":\"cultural\"}",
        "{\"title\":\"Foxtrot old issue\",\"origin\":\"external\",\"category\":\"other\"}",
    };
    char *last = NULL;
    for (size_t i = 0; i < sizeof(issues) / sizeof(issues[0]); i++) {
        free(last);
        last = api_create("context-issues", issues[i]);
    }
    assert_string_equal(last, "ISS-6");
    char *loc = POST_OK("/context-issues/ISS-6/retire", "version=1&reason=obsolete",
                        "/context-issues/ISS-6", "retired");
    free(loc);
    free(last);
}

/* The ids of the rows of a list page, in order, as "ISS-1 ISS-2". */
static void row_ids(const resp *r, char *out, size_t size)
{
    out[0] = '\0';
    const char *p = r->body;
    while ((p = strstr(p, "<td class=\"id\"><a href=\"/context-issues/"))) {
        p = strchr(p, '>') + 1;
        p = strchr(p, '>') + 1;
        size_t n = strcspn(p, "<");
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%.*s", used ? " " : "", (int)n, p);
        p += n;
    }
}

#define ROWS_ARE(path, want) rows_are((path), (want), __FILE__, __LINE__)
static void rows_are(const char *path, const char *want, const char *file, int line)
{
    resp r;
    get(&r, path);
    check_html(&r, 200, file, line);
    char ids[512];
    row_ids(&r, ids, sizeof(ids));
    if (strcmp(ids, want) != 0) {
        print_error("%s:%d: %s lists '%s', expected '%s'\n", file, line, path, ids, want);
        _fail(file, line);
    }
    resp_free(&r);
}

static void test_list_page(void **state)
{
    (void)state;
    resp r;
    get(&r, "/context-issues");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r,
             "<form class=\"filters\" method=\"get\" action=\"/context-issues\" role=\"search\">");
    BODY_HAS(&r, "<input type=\"search\" id=\"f-q\" name=\"q\" value=\"\">");
    BODY_HAS(&r, "<select id=\"f-origin\" name=\"origin\"");
    BODY_HAS(&r, "<option value=\"\" selected>Any</option>");
    BODY_HAS(&r, "<option value=\"exclude\" selected>Hidden</option>");
    BODY_HAS(&r, "<p class=\"count\">5 records</p>");
    BODY_HAS(&r, "<table class=\"records\">");
    BODY_HAS(&r, "<th scope=\"col\" class=\"sorted\" aria-sort=\"ascending\">"
                 "<a href=\"/context-issues?sort=-id\">Id</a></th>");
    BODY_HAS(&r, "<td class=\"title\"><a href=\"/context-issues/ISS-1\">Alpha staffing</a></td>");
    BODY_HAS(&r, "<span class=\"badge badge-info\">open</span>");
    BODY_HAS(&r, "<a class=\"button primary\" href=\"/context-issues/new\">New context issue</a>");
    BODY_HAS(&r, "<li><a href=\"/context-issues\" aria-current=\"page\">Context issues</a></li>");
    BODY_LACKS(&r, "class=\"retired\"");
    resp_free(&r);
    ROWS_ARE("/context-issues", "ISS-1 ISS-2 ISS-3 ISS-4 ISS-5");
}

static void test_list_sort(void **state)
{
    (void)state;
    ROWS_ARE("/context-issues?sort=-id", "ISS-5 ISS-4 ISS-3 ISS-2 ISS-1");
    ROWS_ARE("/context-issues?sort=title", "ISS-1 ISS-2 ISS-3 ISS-4 ISS-5");
    ROWS_ARE("/context-issues?sort=-title", "ISS-5 ISS-4 ISS-3 ISS-2 ISS-1");
    ROWS_ARE(
        "/context-issues?sort=category",
        "ISS-5 ISS-3 ISS-1 ISS-4 ISS-2"); /* cultural economic organizational regulatory social */
    resp r;
    get(&r, "/context-issues?sort=-id&origin=internal");
    CHECK_HTML(&r, 200);
    /* The sorted column says so; its link flips the order and keeps the filters. */
    BODY_HAS(&r, "<th scope=\"col\" class=\"sorted\" aria-sort=\"descending\">"
                 "<a href=\"/context-issues?origin=internal&amp;sort=id\">Id</a></th>");
    BODY_HAS(&r, "<a href=\"/context-issues?origin=internal&amp;sort=title\">Title</a>");
    resp_free(&r);
}

static void test_list_filter_and_search(void **state)
{
    (void)state;
    ROWS_ARE("/context-issues?origin=internal", "ISS-1 ISS-3 ISS-5");
    ROWS_ARE("/context-issues?origin=external", "ISS-2 ISS-4");
    ROWS_ARE("/context-issues?q=zebra", "ISS-2 ISS-5");
    ROWS_ARE("/context-issues?q=zebra&origin=internal", "ISS-5");
    ROWS_ARE("/context-issues?q=zebra&sort=-id", "ISS-5 ISS-2");
    ROWS_ARE("/context-issues?category=regulatory", "ISS-4");
    /* Empty values mean "any", as a form sends every control. */
    ROWS_ARE("/context-issues?q=&origin=&category=&status=&retired=&sort=",
             "ISS-1 ISS-2 ISS-3 ISS-4 ISS-5");
    /* Retired records: hidden, shown, or only them. */
    ROWS_ARE("/context-issues?retired=include", "ISS-1 ISS-2 ISS-3 ISS-4 ISS-5 ISS-6");
    ROWS_ARE("/context-issues?retired=only", "ISS-6");
    resp r;
    get(&r, "/context-issues?retired=only");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<tr class=\"retired\">");
    BODY_HAS(&r, "<option value=\"only\" selected>Only retired</option>");
    resp_free(&r);
    /* The controls show the query. */
    get(&r, "/context-issues?q=zebra&origin=internal");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<input type=\"search\" id=\"f-q\" name=\"q\" value=\"zebra\">");
    BODY_HAS(&r, "<option value=\"internal\" selected>internal</option>");
    BODY_HAS(&r, "<p class=\"count\">1 record</p>");
    resp_free(&r);
}

static void test_list_paging(void **state)
{
    (void)state;
    resp r;
    get(&r, "/context-issues?limit=2");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<p class=\"count\">5 records</p>");
    BODY_HAS(&r, "<nav class=\"pager\" aria-label=\"Pages\">");
    char *next = between(r.body, "<a class=\"button\" href=\"", "\" rel=\"next\">Next page</a>");
    assert_non_null(next);
    resp_free(&r);
    /* The link is attribute-escaped: turn &amp; back into & to follow it. */
    buf path = {0};
    for (const char *p = next ? next : ""; *p;) { /* non-null: asserted above */
        if (strncmp(p, "&amp;", 5) == 0) {
            buf_add(&path, "&", 1);
            p += 5;
        } else {
            buf_add(&path, p++, 1);
        }
    }
    free(next);
    assert_non_null(strstr(path.p, "limit=2"));
    assert_non_null(strstr(path.p, "cursor="));
    ROWS_ARE(path.p, "ISS-3 ISS-4");
    get(&r, path.p);
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<a class=\"button\" href=\"/context-issues?limit=2\">First page</a>");
    resp_free(&r);
    free(path.p);
}

static void test_list_empty(void **state)
{
    (void)state;
    resp r;
    get(&r, "/context-issues?q=nothing-matches-this");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<p class=\"count\">0 records</p>");
    BODY_HAS(&r, "<p class=\"empty\">No context issues match.</p>");
    BODY_LACKS(&r, "<table");
    resp_free(&r);
    get(&r, "/scope-items");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<p class=\"empty\">No scope items match.</p>");
    resp_free(&r);
}

static void test_list_bad_query(void **state)
{
    (void)state;
    static const struct {
        const char *query, *param;
    } cases[] = {
        {"sort=bogus", "sort"},
        {"sort=-effect", "sort"},
        {"origin=sideways", "origin"},
        {"nosuch=1", "nosuch"},
        {"limit=0", "limit"},
        {"limit=abc", "limit"},
        {"retired=maybe", "retired"},
        {"cursor=not-a-cursor", "cursor"},
        {"q=%FF", "q"},
        {"q=a&q=b", "q"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), "/context-issues?%s", cases[i].query);
        resp r;
        get(&r, path);
        CHECK_HTML(&r, 400);
        /* The list page, with an error notice naming the parameter, and no rows. */
        BODY_HAS(&r, "<form class=\"filters\"");
        char *notice = between(r.body, "<div class=\"notice notice-error\"", "</div>");
        if (!notice)
            fail_msg("%s: no notice-error; body: %.6000s", path, r.body);
        if (!strstr(notice, cases[i].param))
            fail_msg("%s: the notice does not name '%s': %s", path, cases[i].param, notice);
        free(notice);
        BODY_LACKS(&r, "<table");
        resp_free(&r);
    }
    /* A hostile parameter name is escaped where it is named. */
    resp r;
    get(&r, "/context-issues?%3Cscript%3Ealert(1)%3C%2Fscript%3E=1");
    CHECK_HTML(&r, 400);
    BODY_LACKS(&r, "<script>alert(1)");
    BODY_HAS(&r, "&lt;script&gt;");
    resp_free(&r);
}

/* The CSV import page (docs/IMPORT-EXPORT.md): pasted CSV, a check, then Apply. */
static void test_import_page(void **state)
{
    (void)state;
    resp r;
    get(&r, "/context-issues");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "href=\"/api/v1/context-issues/export.csv\">Export CSV</a>");
    BODY_HAS(&r, "href=\"/api/v1/context-issues/export.xlsx\">Export XLSX</a>");
    BODY_HAS(&r, "href=\"/context-issues/import\">Import CSV</a>");
    resp_free(&r);
    get(&r, "/context-issues/import");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "<textarea id=\"f-csv\" name=\"csv\"");
    BODY_LACKS(&r, "name=\"apply\"");
    resp_free(&r);
    size_t before = count_of("context-issues");
    static const char csv[] = "csv=title%2Corigin%2Ccategory%0D%0A"
                              "Web+%3Cb%3Eimport%3C%2Fb%3E%2Cinternal%2Clegal%0D%0A";
    post_form(&r, "/context-issues/import", csv);
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "Check passed: 1 rows would be created");
    BODY_HAS(&r, "name=\"apply\" value=\"true\">Apply</button>");
    BODY_HAS(&r, "Web &lt;b&gt;import&lt;/b&gt;"); /* the CSV shown again, escaped */
    BODY_LACKS(&r, "<b>import");
    resp_free(&r);
    assert_int_equal(count_of("context-issues"), before);
    char *applied = malloc(sizeof(csv) + 16);
    assert_non_null(applied);
    snprintf(applied, sizeof(csv) + 16, "%s&apply=true", csv);
    post_form(&r, "/context-issues/import", applied);
    free(applied);
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "Imported: 1 created, 0 updated, 0 unchanged.");
    resp_free(&r);
    assert_int_equal(count_of("context-issues"), before + 1);
    post_form(&r, "/context-issues/import",
              "csv=title%2Corigin%2Ccategory%0D%0AX%2Cinside%2Clegal%0D%0A&apply=true");
    CHECK_HTML(&r, 422);
    BODY_HAS(&r, "1 bad rows: nothing was imported.");
    BODY_HAS(&r, "<td class=\"num\">2</td><td>origin</td>");
    resp_free(&r);
    assert_int_equal(count_of("context-issues"), before + 1);
}

/* A multipart/form-data body as a browser sends the import form: the CSRF token
 * (csrf NULL: none), a file (name file, filename f.csv) and the text area. */
static char *multipart_body(const char *csrf, const char *file, const char *csv, const char *apply,
                            size_t *len)
{
    static const char sep[] = "----isms-test-boundary-7MA4YWxkTrZu0gW";
    size_t cap = strlen(file) + strlen(csv) + 2048;
    char *b = malloc(cap);
    assert_non_null(b);
    int n = 0;
    if (csrf)
        n += snprintf(b + n, cap - (size_t)n,
                      "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", sep,
                      csrf);
    n += snprintf(b + n, cap - (size_t)n,
                  "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\n"
                  "Content-Type: text/csv\r\n\r\n%s\r\n"
                  "--%s\r\nContent-Disposition: form-data; name=\"csv\"\r\n\r\n%s\r\n",
                  sep, file, sep, csv);
    if (apply)
        n += snprintf(b + n, cap - (size_t)n,
                      "--%s\r\nContent-Disposition: form-data; name=\"apply\"\r\n\r\n%s\r\n", sep,
                      apply);
    n += snprintf(b + n, cap - (size_t)n, "--%s--\r\n", sep);
    *len = (size_t)n;
    return b;
}

static void post_multipart(resp *r, const char *path, const char *body, size_t len)
{
    char ct[128];
    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s",
             "----isms-test-boundary-7MA4YWxkTrZu0gW");
    /* the token goes in the form, as a browser sends it, not in the header */
    SESSION.csrf_header = false;
    request(r, "POST", path, body, len, form_headers(ct, ORIGIN, NULL));
    SESSION.csrf_header = true;
}

/* The import page takes a file too (multipart/form-data), CSRF-checked, in the same limit. */
static void test_import_upload(void **state)
{
    (void)state;
    resp r;
    get(&r, "/context-issues/import");
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "enctype=\"multipart/form-data\"");
    BODY_HAS(&r, "<input id=\"f-file\" type=\"file\" name=\"file\"");
    resp_free(&r);
    size_t before = count_of("context-issues");
    const char *file = "title,origin,category\r\nUploaded <i>one</i>,internal,legal\r\n"
                       "Uploaded two,external,other\r\n";
    size_t len;
    char *body = multipart_body(SESSION.csrf, file, "", NULL, &len);
    post_multipart(&r, "/context-issues/import", body, len);
    free(body);
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "Check passed: 2 rows would be created");
    BODY_HAS(&r, "Uploaded &lt;i&gt;one&lt;/i&gt;"); /* the file's CSV, in the text area */
    resp_free(&r);
    assert_int_equal(count_of("context-issues"), before);
    /* without the CSRF token: refused, nothing written */
    body = multipart_body(NULL, file, "", "true", &len);
    post_multipart(&r, "/context-issues/import", body, len);
    free(body);
    assert_int_equal(r.status, 403);
    resp_free(&r);
    assert_int_equal(count_of("context-issues"), before);
    /* a bad row of the file is named */
    body = multipart_body(SESSION.csrf, "title,origin,category\r\nX,inside,legal\r\n", "", "true",
                          &len);
    post_multipart(&r, "/context-issues/import", body, len);
    free(body);
    CHECK_HTML(&r, 422);
    BODY_HAS(&r, "<td class=\"num\">2</td><td>origin</td>");
    resp_free(&r);
    /* neither a file nor pasted CSV */
    body = multipart_body(SESSION.csrf, "", "", NULL, &len);
    post_multipart(&r, "/context-issues/import", body, len);
    free(body);
    CHECK_HTML(&r, 422);
    BODY_HAS(&r, "Choose a CSV file, or paste CSV into the text area.");
    resp_free(&r);
    /* a file with a NUL byte is refused, naming the field */
    static const char nul_body[] = "------isms-test-boundary-7MA4YWxkTrZu0gW\r\n"
                                   "Content-Disposition: form-data; name=\"file\"; "
                                   "filename=\"f.csv\"\r\n\r\ntitle\0x\r\n"
                                   "------isms-test-boundary-7MA4YWxkTrZu0gW--\r\n";
    SESSION.csrf_header = true; /* past the CSRF check, to reach the decoder's verdict */
    char ct[128];
    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s",
             "----isms-test-boundary-7MA4YWxkTrZu0gW");
    request(&r, "POST", "/context-issues/import", nul_body, sizeof(nul_body) - 1,
            form_headers(ct, ORIGIN, NULL));
    assert_int_equal(r.status, 400);
    BODY_HAS(&r, "NUL");
    resp_free(&r);
    /* applied: both rows */
    body = multipart_body(SESSION.csrf, file, "", "true", &len);
    post_multipart(&r, "/context-issues/import", body, len);
    free(body);
    CHECK_HTML(&r, 200);
    BODY_HAS(&r, "Imported: 2 created, 0 updated, 0 unchanged.");
    resp_free(&r);
    assert_int_equal(count_of("context-issues"), before + 2);
    /* other forms stay urlencoded: multipart elsewhere is 415 */
    body = multipart_body(SESSION.csrf, "", "x", NULL, &len);
    post_multipart(&r, "/context-issues", body, len);
    free(body);
    assert_int_equal(r.status, 415);
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
    const struct CMUnitTest pages[] = {
        cmocka_unit_test(test_home),
        cmocka_unit_test(test_clause),
        cmocka_unit_test(test_static_files),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_method_not_allowed),
        cmocka_unit_test(test_stop),
    };
    const struct CMUnitTest forms[] = {
        cmocka_unit_test(test_new_form),
        cmocka_unit_test(test_import_page),
        cmocka_unit_test(test_import_upload),
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_create_refused_fields),
        cmocka_unit_test(test_create_cross_site),
        cmocka_unit_test(test_create_wrong_content_type),
        cmocka_unit_test(test_create_malformed_value),
        cmocka_unit_test(test_create_raw_nul),
        cmocka_unit_test(test_create_malformed_name),
        cmocka_unit_test(test_create_too_many_fields),
        cmocka_unit_test(test_detail_page),
        cmocka_unit_test(test_edit),
        cmocka_unit_test(test_edit_stale_version),
        cmocka_unit_test(test_retire),
        cmocka_unit_test(test_delete_not_for_issues),
        cmocka_unit_test(test_delete_process),
        cmocka_unit_test(test_person_pages),
        cmocka_unit_test(test_script_title_escaped),
        cmocka_unit_test(test_stop),
    };
    const struct CMUnitTest lists[] = {
        cmocka_unit_test(test_list_setup),     cmocka_unit_test(test_list_page),
        cmocka_unit_test(test_list_sort),      cmocka_unit_test(test_list_filter_and_search),
        cmocka_unit_test(test_list_paging),    cmocka_unit_test(test_list_empty),
        cmocka_unit_test(test_list_bad_query), cmocka_unit_test(test_stop),
    };
    int failed = 0;
    failed += cmocka_run_group_tests_name("pages", pages, group_setup, group_teardown);
    failed += cmocka_run_group_tests_name("forms", forms, group_setup, group_teardown);
    failed += cmocka_run_group_tests_name("lists", lists, group_setup, group_teardown);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
