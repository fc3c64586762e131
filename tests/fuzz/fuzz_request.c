/*
 * Fuzz target for the request-to-handler path: an input becomes one HTTP
 * request, built as src/http/server.c builds it, and goes through
 * router_dispatch to the API handlers and the store. Every reply must be
 * well-formed; anything else aborts, so that libFuzzer reports it.
 *
 * Framing of an input (lines end at '\n'; a '\r' before it is dropped):
 *
 *   line 1     METHOD, optionally followed by one space and the value of the
 *              If-Match header ("PATCH \"1\"" sends If-Match: "1")
 *   line 2     the path, without a query string ('?' is not special here)
 *   lines 3..  query parameters, one per line: KEY=VALUE, or KEY alone for a
 *              parameter without a value (the server passes "" then), up to
 *              the first empty line or the end of the input
 *   the rest   the body, raw bytes (NUL included), after that empty line
 *
 * The path, the keys and the values are percent-decoded (%XX) as
 * libmicrohttpd hands them to the server, so any byte can be written
 * (%0A a newline; %00 cuts the text, as it does in the server). A missing
 * line counts as empty. Like the server, more than REQUEST_MAX_PARAMS
 * parameters, a path longer than max_url or a body larger than max_body
 * are refused before dispatch, so such inputs stop there.
 *
 *   GET
 *   /api/v1/context-issues
 *   sort=-title
 *   limit=2
 *
 * Every input is dispatched twice: to a store of the product registry
 * (registry_default) and to one of the test registry (tests/support/fixture),
 * whose kinds use every field type (decimal, datetime, any-reference,
 * derived and secret fields) the product kinds do not all use yet. Both
 * are SQLite databases in a temporary directory, created and seeded with a
 * few records of several kinds at start (and at every reset, below).
 *
 * Growth: a write request adds at most one record per store, and the
 * handlers' own transactions commit, so the stores are thrown away and
 * recreated (and reseeded) every RESET_EVERY inputs. That is the simplest
 * bound that keeps the handlers exactly as they run in the server (no
 * outer transaction to roll back, which the store does not nest), and it is
 * cheap next to RESET_EVERY requests. A finding that depends on earlier
 * inputs is reproduced by replaying the corpus in order (replay_main.c).
 *
 * Requests outside /api and /healthz reach the web pages: a POST there is
 * sent as a same-origin application/x-www-form-urlencoded form, so the body
 * goes through the form decoder and the form handlers.
 *
 * Checks on every reply: a status from 200 to 599, and not 500 (an
 * unexpected store failure is a bug when one thread talks to a local
 * database); header values without control characters; Allow on a 405,
 * Location and ETag on a 201; 204 without a body;
 * a JSON or problem+json body that parses with jansson as one object
 * without duplicate members; a problem with type urn:isms:problem:*, a title
 * and a status member equal to the reply's status. A page (text/html) must
 * start with the doctype and end with </html>, hold no NUL, and a 303 must
 * carry a Location on this server.
 *
 * ISMS_FUZZ_VERBOSE=1 in the environment prints every request and its reply.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fuzz_target.h"
#include "http/reply.h"
#include "http/auth.h"
#include "http/router.h"
#include "http/server.h"
#include "store/store.h"
#include "support/fixture.h"
#include "util/arena.h"
#include "util/strbuf.h"

enum { RESET_EVERY = 1000, NSTORES = 2, DIR_MAX_LEN = 256, PATH_MAX_LEN = 512 };

typedef struct fuzz_store {
    const char *name;
    store *s;
    char path[PATH_MAX_LEN];
} fuzz_store;

static char dir[DIR_MAX_LEN];
static fuzz_store stores[NSTORES] = {{.name = "product"}, {.name = "fixture"}};
static unsigned long inputs;
static http_limits limits;
static bool verbose; /* ISMS_FUZZ_VERBOSE set: one line per request on stderr */

/*
 * UBSan reports must stop the run, so that libFuzzer (and the replay test in a
 * sanitizer build) reports them as findings; the sanitizer runtime reads this.
 */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

static void fail(const char *what, const char *method, const char *path, const http_reply *rep)
{
    fprintf(stderr, "fuzz_request: %s\n  request: %s %s\n  reply: %u %s\n  body: %.*s\n", what,
            method, path, rep->status, rep->content_type ? rep->content_type : "(none)",
            (int)(rep->body.len > 2000 ? 2000 : rep->body.len), rep->body.ptr);
    abort();
}

static bool has_header(const http_reply *rep, const char *name)
{
    for (size_t i = 0; i < rep->nheaders; i++)
        if (strcmp(rep->headers[i].name, name) == 0)
            return true;
    return false;
}

/* Whether path is prefix or below it. */
static bool path_under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* A web page, or a static file of the pages. */
static void check_page(const char *method, const char *path, const http_reply *rep)
{
    if (path_under(path, "/api") || path_under(path, "/healthz"))
        fail("a page answered under /api or /healthz", method, path, rep);
    if (strcmp(rep->content_type, "text/html; charset=utf-8") != 0)
        return; /* a static file: its bytes are the program's own */
    static const char head[] = "<!DOCTYPE html>\n", tail[] = "</html>\n";
    if (rep->body.len < sizeof(head) || strncmp(rep->body.ptr, head, sizeof(head) - 1) != 0 ||
        strcmp(rep->body.ptr + rep->body.len - (sizeof(tail) - 1), tail) != 0)
        fail("a page that is not a whole document", method, path, rep);
}

/* Abort unless the reply is well-formed (see the checks at the top). */
static void check_reply(const char *method, const char *path, const http_reply *rep)
{
    if (rep->status < 200 || rep->status > 599)
        fail("status out of range", method, path, rep);
    if (rep->status == 500)
        fail("unexpected failure (500)", method, path, rep);
    for (size_t i = 0; i < rep->nheaders; i++) {
        if (!rep->headers[i].name || !rep->headers[i].name[0])
            fail("header without a name", method, path, rep);
        for (const unsigned char *p = (const unsigned char *)rep->headers[i].value; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                fail("control character in a header value", method, path, rep);
    }
    if (rep->status == 405 && !has_header(rep, "Allow"))
        fail("405 without Allow", method, path, rep);
    if (rep->status == 201 && (!has_header(rep, "Location") || !has_header(rep, "ETag")))
        fail("201 without Location and ETag", method, path, rep);
    if (strlen(rep->body.ptr) != rep->body.len)
        fail("NUL inside the body", method, path, rep);
    if (rep->status == 204) {
        if (rep->body.len)
            fail("204 with a body", method, path, rep);
        return;
    }
    if (rep->status == 303 || rep->status == 304) {
        if (rep->status == 303 && !has_header(rep, "Location"))
            fail("303 without Location", method, path, rep);
        return;
    }
    if (!rep->content_type)
        fail("no content type", method, path, rep);
    if (path_under(path, "/api") && has_header(rep, "Content-Disposition")) {
        /* An export (text/csv, XLSX): an attachment, whose content the API tests check. */
        if (rep->status != 200)
            fail("an attachment that is not a 200", method, path, rep);
        return;
    }
    if (strncmp(rep->content_type, "text/", 5) == 0 || strcmp(rep->content_type,
                                                              "image/svg+xml") == 0) {
        check_page(method, path, rep);
        return;
    }
    bool problem = strcmp(rep->content_type, "application/problem+json") == 0;
    if (!problem && strcmp(rep->content_type, "application/json") != 0)
        fail("unexpected content type", method, path, rep);
    json_error_t err;
    json_t *j = json_loadb(rep->body.ptr, rep->body.len, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        fprintf(stderr, "fuzz_request: jansson: %s (line %d, column %d)\n", err.text, err.line,
                err.column);
        fail("body is not valid JSON", method, path, rep);
    }
    if (!json_is_object(j))
        fail("body is not a JSON object", method, path, rep);
    if (problem != (rep->status >= 400))
        fail("problem+json exactly for 4xx and 5xx", method, path, rep);
    if (problem) {
        const char *type = json_string_value(json_object_get(j, "type"));
        json_t *status = json_object_get(j, "status");
        if (!type || strncmp(type, "urn:isms:problem:", 17) != 0)
            fail("problem without a type", method, path, rep);
        if (!json_is_string(json_object_get(j, "title")))
            fail("problem without a title", method, path, rep);
        if (!json_is_integer(status) || json_integer_value(status) != (json_int_t)rep->status)
            fail("problem status differs from the reply's", method, path, rep);
    }
    json_decref(j);
}

/*
 * Dispatch one request to s as server.c's dispatch() does and check the reply.
 * Returns the status.
 */
static unsigned dispatch(store *s, const char *method, const char *path, const char *if_match,
                         const char *const *keys, const char *const *values, size_t nparams,
                         const strbuf *body, arena *a)
{
    bool page_post = strcmp(method, "POST") == 0 && !path_under(path, "/api");
    /*
     * Authenticated as a user holding every role through a bearer token (no
     * CSRF check: the bodies are fuzzed), so that every handler is reached;
     * the router's own authentication is tested over HTTP (tests/api/test_auth.c).
     * Passwords hash at the cheapest cost, and failed logins are never delayed.
     */
    static auth_config auth;
    auth = auth_config_default();
    auth.hash_cost = PASSWORD_COST_TEST;
    auth.throttle_after = auth.lockout_after = 1000000;
    http_request req = {
        .method = method,
        .path = path,
        .body = body->ptr,
        .body_len = body->len,
        .if_match = if_match,
        .content_type = page_post ? "application/x-www-form-urlencoded" : NULL,
        .request_id = "fuzz-1",
        .arena = a,
        .store = s,
        .reg = store_registry(s),
        .auth = &auth,
        .principal = {1, "fuzz", UR_ALL, 0, AUTH_TOKEN},
        .client = "127.0.0.1",
    };
    for (size_t i = 0; i < nparams; i++) {
        req.param_keys[i] = keys[i];
        req.param_values[i] = values[i];
    }
    req.nparams = nparams;
    http_reply rep;
    reply_init(&rep);
    router_dispatch_as(&req, &rep);
    if (verbose)
        fprintf(stderr, "%s %s %s -> %u %.*s\n", store_registry(s) == fixture_registry() ?
                "fixture" : "product", method, path, rep.status,
                (int)(rep.body.len > 2000 ? 2000 : rep.body.len), rep.body.ptr);
    check_reply(method, path, &rep);
    unsigned status = rep.status;
    reply_dispose(&rep);
    return status;
}

/* A request with no parameters, for seeding; aborts unless the status is as expected. */
static void seed(store *s, const char *method, const char *path, const char *body_text,
                 unsigned expect)
{
    arena a;
    arena_init(&a);
    strbuf body;
    strbuf_init(&body, limits.max_body);
    strbuf_puts(&body, body_text);
    unsigned status = dispatch(s, method, path, NULL, NULL, NULL, 0, &body, &a);
    if (status != expect) {
        fprintf(stderr, "fuzz_request: seeding %s %s: %u, expected %u\n", method, path, status,
                expect);
        abort();
    }
    strbuf_dispose(&body);
    arena_dispose(&a);
}

static void seed_product(store *s)
{
    seed(s, "POST", "/api/v1/people",
         "{\"name\":\"Greta Lindqvist\",\"job_title\":\"CEO\",\"department\":\"Management\","
         "\"top_management\":true}",
         201);
    seed(s, "POST", "/api/v1/people",
         "{\"name\":\"Jonas Weber\",\"job_title\":\"CISO\",\"manager\":\"PER-1\","
         "\"email\":\"jonas.weber@example.com\"}",
         201);
    seed(s, "POST", "/api/v1/people", "{\"name\":\"Former auditor\"}", 201);
    seed(s, "POST", "/api/v1/people/PER-3/retire", "{\"reason\":\"Left\",\"version\":1}", 200);
    seed(s, "POST", "/api/v1/context-issues",
         "{\"title\":\"Supplier concentration\",\"origin\":\"external\","
         "\"category\":\"economic\",\"climate_related\":false,\"owner\":\"PER-2\","
         "\"review_date\":\"2026-01-31\"}",
         201);
    seed(s, "POST", "/api/v1/context-issues",
         "{\"title\":\"Flooding of the data centre\",\"origin\":\"external\","
         "\"category\":\"environmental\",\"climate_related\":true,\"status\":\"monitored\"}",
         201);
    seed(s, "POST", "/api/v1/interested-parties",
         "{\"title\":\"Customers\",\"category\":\"customer\",\"origin\":\"external\"}", 201);
    seed(s, "POST", "/api/v1/requirements",
         "{\"title\":\"GDPR\",\"party\":\"IP-1\",\"type\":\"legal\",\"addressed\":\"partly\","
         "\"how_addressed\":\"Privacy policy\",\"reason_not_addressed\":\"In progress\"}",
         201);
    seed(s, "POST", "/api/v1/scope-items",
         "{\"title\":\"Head office\",\"type\":\"site\",\"inclusion\":\"included\"}", 201);
    seed(s, "POST", "/api/v1/scope-items",
         "{\"title\":\"Canteen\",\"type\":\"service\",\"inclusion\":\"excluded\","
         "\"justification\":\"No information handled\"}",
         201);
    seed(s, "POST", "/api/v1/scope-items/SCP-2/retire",
         "{\"reason\":\"Closed\",\"version\":1}", 200);
    seed(s, "POST", "/api/v1/processes", "{\"title\":\"Risk assessment\",\"owner\":\"PER-2\"}",
         201);
    seed(s, "POST", "/api/v1/processes",
         "{\"title\":\"Internal audit\",\"owner\":\"PER-1\",\"interacts_with\":[\"PRC-1\"],"
         "\"status\":\"operating\"}",
         201);
    seed(s, "POST", "/api/v1/climate-decisions",
         "{\"title\":\"2025\",\"relevant\":true,\"reasoning\":\"Flood risk\","
         "\"decided_by\":\"Board\",\"decided_on\":\"2025-03-01\"}",
         201);
}

static void seed_fixture(store *s)
{
    seed(s, "POST", "/api/v1/parent-things", "{\"title\":\"Parent one\",\"code\":\"P1\"}", 201);
    seed(s, "POST", "/api/v1/specimens",
         "{\"title\":\"First\",\"count\":3,\"amount\":\"12.5\",\"flag\":true,"
         "\"day\":\"2025-02-28\",\"at\":\"2025-02-28T10:00:00+01:00\",\"level\":\"mid\","
         "\"parent\":\"PAR-1\",\"subject\":\"PAR-1\",\"secret\":\"hidden\"}",
         201);
    seed(s, "POST", "/api/v1/specimens",
         "{\"title\":\"Second\",\"friends\":[\"SPC-1\"],\"amount\":-0.25,"
         "\"status\":\"done\",\"level\":\"high\",\"note\":\"needed\"}",
         201);
    seed(s, "POST", "/api/v1/specimens", "{\"title\":\"Spare, deletable\"}", 201);
    seed(s, "POST", "/api/v1/ledgers", "{\"title\":\"Ledger\"}", 201);
}

static void remove_db(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[PATH_MAX_LEN + 16];
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

static void close_stores(void)
{
    for (size_t i = 0; i < NSTORES; i++) {
        store_free(stores[i].s);
        stores[i].s = NULL;
        remove_db(stores[i].path);
    }
}

/* Create both stores afresh and seed them. */
static void open_stores(void)
{
    for (size_t i = 0; i < NSTORES; i++) {
        fuzz_store *fs = &stores[i];
        bool product = i == 0;
        snprintf(fs->path, sizeof(fs->path), "%s/%s.isms", dir, fs->name);
        remove_db(fs->path);
        store_options opt = {.pool_size = 1, .create = true,
                             .migrations = product ? NULL : fixture_migrations("sqlite")};
        isms_status st;
        status_clear(&st);
        if (store_open(&fs->s, product ? registry_default() : fixture_registry(), fs->path,
                       &opt, &st) != ISMS_OK) {
            fprintf(stderr, "fuzz_request: cannot open %s: %s\n", fs->path, st.detail);
            abort();
        }
        if (product)
            seed_product(fs->s);
        else
            seed_fixture(fs->s);
    }
}

static void cleanup(void)
{
    close_stores();
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (dir[0])
        return 0;
    limits = http_limits_default();
    verbose = getenv("ISMS_FUZZ_VERBOSE") != NULL;
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(dir, sizeof(dir), "%s/isms-fuzz-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (n < 0 || (size_t)n >= sizeof(dir) || !mkdtemp(dir)) {
        perror("fuzz_request: mkdtemp");
        abort();
    }
    open_stores();
    atexit(cleanup);
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A copy of s[0..len) in a with %XX decoded (stops at a decoded or raw NUL, as C text does). */
static char *percent_decode(arena *a, const char *s, size_t len)
{
    char *out = arena_alloc(a, len + 1);
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < len && (hi = hex_digit(s[i + 1])) >= 0 &&
            (lo = hex_digit(s[i + 2])) >= 0) {
            out[w++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[w++] = s[i];
        }
    }
    out[w] = '\0';
    return out;
}

/* The next line of [*p, end) (without "\n" or "\r\n"); false at the end of the input. */
static bool next_line(const char **p, const char *end, const char **line, size_t *len)
{
    if (*p >= end)
        return false;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *stop = nl ? nl : end;
    *line = *p;
    *len = (size_t)(stop - *p);
    if (*len && (*line)[*len - 1] == '\r')
        (*len)--;
    *p = nl ? nl + 1 : end;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0])
        LLVMFuzzerInitialize(NULL, NULL);
    if (++inputs % RESET_EVERY == 0) {
        close_stores();
        open_stores();
    }
    arena a;
    arena_init(&a);
    const char *p = (const char *)data, *end = p + size;
    const char *line = "";
    size_t len = 0;

    /* Line 1: method and If-Match. */
    const char *method = "", *if_match = NULL;
    if (next_line(&p, end, &line, &len)) {
        char *m = arena_strndup(&a, line, len);
        char *space = strchr(m, ' ');
        if (space) {
            *space = '\0';
            if_match = space + 1;
        }
        method = m;
    }
    /* Line 2: the path. */
    const char *path = "";
    if (next_line(&p, end, &line, &len))
        path = percent_decode(&a, line, len);
    /* Parameters up to an empty line. */
    const char *keys[REQUEST_MAX_PARAMS], *values[REQUEST_MAX_PARAMS];
    size_t nparams = 0;
    bool overflow = false;
    while (next_line(&p, end, &line, &len) && len > 0) {
        if (nparams == REQUEST_MAX_PARAMS) {
            overflow = true;
            break;
        }
        const char *eq = memchr(line, '=', len);
        size_t klen = eq ? (size_t)(eq - line) : len;
        keys[nparams] = percent_decode(&a, line, klen);
        values[nparams] = eq ? percent_decode(&a, eq + 1, len - klen - 1) : "";
        nparams++;
    }
    /* The rest: the body. */
    strbuf body;
    strbuf_init(&body, limits.max_body);
    if (p < end)
        strbuf_add(&body, p, (size_t)(end - p));

    /* What the server refuses before dispatch never reaches the router. */
    if (!overflow && strbuf_ok(&body) && strlen(path) <= limits.max_url) {
        for (size_t i = 0; i < NSTORES; i++)
            dispatch(stores[i].s, method, path, if_match, keys, values, nparams, &body, &a);
    }
    strbuf_dispose(&body);
    arena_dispose(&a);
    return 0;
}
