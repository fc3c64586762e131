/*
 * The HTTP client of the tests that drive the real server (tests/api,
 * tests/web): one response with the headers the tests read, one request
 * function over libcurl, a signed-in web session (POST /login, its cookie,
 * the CSRF token of its pages) or a bearer token, and the checks every test
 * file uses (status and body, reported at the caller's file:line).
 *
 * Nothing is added to a request behind the caller's back: the caller names
 * every header line (a content type, Origin, Expect, credentials with
 * http_credentials). A request that cannot be sent fails the running cmocka
 * test; tests only: out of memory aborts.
 */
#ifndef ISMS_TESTS_HTTP_H
#define ISMS_TESTS_HTTP_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define HTTP_FORM_TYPE "application/x-www-form-urlencoded"

enum {
    HTTP_COOKIES = 4,      /* Set-Cookie lines kept (in order) */
    HTTP_HEADERS_MAX = 32, /* header lines of an http_headers */
};

/* A growable text buffer, always NUL-terminated once written to. */
typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

void buf_add(buf *b, const char *data, size_t n);
void buf_addf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A libcurl CURLOPT_WRITEFUNCTION appending to the buf of CURLOPT_WRITEDATA. */
size_t http_write_buf(char *data, size_t size, size_t n, void *b);

/* A response: the headers of the final response (not of a 100 Continue). */
typedef struct resp {
    long status;
    char *body; /* NUL-terminated (never NULL after a request); may hold NUL */
    size_t len;
    json_t *json; /* the parsed body when it is application/json or problem+json */
    char content_type[128];
    char location[1024];
    char etag[64];
    char cache_control[128];
    char csp[512]; /* Content-Security-Policy */
    char referrer_policy[64];
    char allow[128];
    char nosniff[32]; /* X-Content-Type-Options */
    char request_id[64];
    char www_authenticate[256];
    char retry_after[32];
    char set_cookie[256];            /* the last Set-Cookie */
    char cookies[HTTP_COOKIES][256]; /* every Set-Cookie (the first HTTP_COOKIES) */
    size_t ncookies;
} resp;

void resp_free(resp *r);

/* The Set-Cookie of r for cookie name ("name=value; ..."), or "". */
const char *http_set_cookie(const resp *r, const char *name);

/* Where requests go: the server's URL, and a handle kept alive or NULL (one per request). */
typedef struct http_client {
    const char *base; /* "http://127.0.0.1:PORT", no trailing slash */
    CURL *easy;
} http_client;

/*
 * One request to base + path. body NULL sends none, else len bytes (it may
 * hold NUL); headers: lines, NULL-terminated, or NULL. GET without a body is
 * a plain GET, POST with one a plain POST, anything else a custom method.
 */
void http_send(resp *r, const http_client *c, const char *method, const char *path,
               const char *body, size_t len, const char *const *headers);

/* Header lines built for one request. */
typedef struct http_headers {
    size_t n;
    const char *line[HTTP_HEADERS_MAX + 1]; /* NULL-terminated: pass to http_send */
    char store[HTTP_HEADERS_MAX][512];
} http_headers;

void http_header(http_headers *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append lines (NULL-terminated, or NULL) as they are. */
void http_header_lines(http_headers *h, const char *const *lines);

/* Who sends a request: nobody, a session (its cookie and CSRF token) or a bearer token. */
typedef struct http_session {
    char cookie[160]; /* "isms_session=..." (or "isms_login=..." between the two steps) */
    char csrf[64];    /* the session's CSRF token */
    char token[64];   /* an API token */
    bool csrf_header; /* send csrf as X-CSRF-Token (forms carry it as their csrf field) */
} http_session;

/* The lines of s: Cookie, X-CSRF-Token when s->csrf_header, Authorization: Bearer. */
void http_credentials(http_headers *h, const http_session *s);

/* A login form body "name=...&password=..." (spaces as +), malloc'd. */
char *http_login_body(const char *name, const char *password);

/*
 * POST /login (a form with Origin: c->base, nobody's credentials) into r;
 * *s is cleared, then keeps the cookie the answer sets (isms_login of a
 * pending second step, else isms_session). Returns the status.
 */
long http_login(resp *r, const http_client *c, http_session *s, const char *name,
                const char *password);

/* GET page with s's cookie and read the CSRF token of its forms into s; false if none. */
bool http_read_csrf(const http_client *c, http_session *s, const char *page);

/* An API token: s holds only the token. */
void http_bearer(http_session *s, const char *token);

/* --- checks, reported at file:line of the caller --- */

/* Whether CHECK_STATUS also requires an X-Request-Id (test_api sets it). */
extern bool http_want_request_id;

#define CHECK_STATUS(r, want) http_check_status((r), (want), __FILE__, __LINE__)
void http_check_status(const resp *r, long want, const char *file, int line);

#define TEXT_HAS(text, needle) http_text_has((text), (needle), __FILE__, __LINE__)
void http_text_has(const char *text, const char *needle, const char *file, int line);

#define BODY_HAS(r, needle) http_text_has((r)->body, (needle), __FILE__, __LINE__)
#define BODY_LACKS(r, needle) http_body_lacks((r), (needle), __FILE__, __LINE__)
void http_body_lacks(const resp *r, const char *needle, const char *file, int line);

#endif
