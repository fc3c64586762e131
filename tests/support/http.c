/* The HTTP client of the tests that drive the real server: see http.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool http_want_request_id;

void buf_add(buf *b, const char *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *bigger = realloc(b->p, cap);
        if (!bigger)
            abort();
        b->p = bigger;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_addf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    buf_add(b, s, (size_t)n);
    free(s);
}

void resp_free(resp *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof(*r));
}

const char *http_set_cookie(const resp *r, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < r->ncookies; i++)
        if (strncmp(r->cookies[i], name, n) == 0 && r->cookies[i][n] == '=')
            return r->cookies[i];
    return "";
}

/* --- receiving ------------------------------------------------------------------------ */

typedef struct receiving {
    resp *r;
    buf body;
} receiving;

size_t http_write_buf(char *data, size_t size, size_t n, void *b)
{
    buf_add(b, data, size * n);
    return size * n;
}

static void header_copy(char *dst, size_t size, const char *value, size_t len)
{
    while (len && (value[len - 1] == '\r' || value[len - 1] == '\n' || value[len - 1] == ' '))
        len--;
    if (len >= size)
        len = size - 1;
    memcpy(dst, value, len);
    dst[len] = '\0';
}

#define FIELD(name, member)                                                                        \
    {                                                                                              \
        name, offsetof(resp, member), sizeof(((resp *)0)->member)                                  \
    }
static const struct {
    const char *name;
    size_t offset, size;
} WANTED[] = {
    FIELD("Content-Type", content_type),
    FIELD("Location", location),
    FIELD("ETag", etag),
    FIELD("Cache-Control", cache_control),
    FIELD("Content-Security-Policy", csp),
    FIELD("Referrer-Policy", referrer_policy),
    FIELD("Allow", allow),
    FIELD("X-Content-Type-Options", nosniff),
    FIELD("X-Request-Id", request_id),
    FIELD("WWW-Authenticate", www_authenticate),
    FIELD("Retry-After", retry_after),
    FIELD("Set-Cookie", set_cookie),
};
enum { NWANTED = sizeof(WANTED) / sizeof(WANTED[0]) };

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
    resp *r = ((receiving *)ud)->r;
    size_t len = size * n;
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after 100 Continue): forget the headers of the last one. */
        for (size_t i = 0; i < NWANTED; i++)
            ((char *)r)[WANTED[i].offset] = '\0';
        r->ncookies = 0;
        return len;
    }
    const char *colon = memchr(data, ':', len);
    if (!colon)
        return len;
    size_t nlen = (size_t)(colon - data);
    const char *value = colon + 1;
    while (value < data + len && *value == ' ')
        value++;
    size_t vlen = (size_t)(data + len - value);
    for (size_t i = 0; i < NWANTED; i++)
        if (strlen(WANTED[i].name) == nlen && strncasecmp(WANTED[i].name, data, nlen) == 0)
            header_copy((char *)r + WANTED[i].offset, WANTED[i].size, value, vlen);
    if (nlen == 10 && strncasecmp(data, "Set-Cookie", 10) == 0 && r->ncookies < HTTP_COOKIES) {
        header_copy(r->cookies[r->ncookies], sizeof(r->cookies[0]), value, vlen);
        r->ncookies++;
    }
    return len;
}

/* --- sending ---------------------------------------------------------------------------- */

void http_send(resp *r, const http_client *c, const char *method, const char *path,
               const char *body, size_t len, const char *const *headers)
{
    memset(r, 0, sizeof(*r));
    receiving in = {.r = r};
    CURL *easy = c->easy ? c->easy : curl_easy_init();
    assert_non_null(easy);
    if (c->easy)
        curl_easy_reset(easy);
    buf url = {0};
    buf_addf(&url, "%s%s", c->base, path);
    curl_easy_setopt(easy, CURLOPT_URL, url.p);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, http_write_buf);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &in.body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &in);
    if (strcmp(method, "GET") == 0 && !body) {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else {
        if (strcmp(method, "POST") != 0 || !body)
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
        if (body) {
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
        }
    }
    struct curl_slist *h = NULL;
    for (size_t i = 0; headers && headers[i]; i++)
        h = curl_slist_append(h, headers[i]);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h);
    CURLcode rc = curl_easy_perform(easy);
    curl_slist_free_all(h);
    free(url.p);
    if (rc == CURLE_OK)
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r->status);
    if (!c->easy)
        curl_easy_cleanup(easy);
    if (!in.body.p)
        buf_add(&in.body, "", 0);
    r->body = in.body.p;
    r->len = in.body.len;
    if (rc != CURLE_OK) {
        print_error("%s %s: %s\n", method, path, curl_easy_strerror(rc));
        fail();
    }
    if (strncmp(r->content_type, "application/json", 16) == 0 ||
        strncmp(r->content_type, "application/problem+json", 24) == 0) {
        json_error_t err;
        r->json = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &err);
        if (!r->json)
            print_error("response is not JSON (%s): %s\n", err.text, r->body);
    }
}

void http_header(http_headers *h, const char *fmt, ...)
{
    assert_true(h->n < HTTP_HEADERS_MAX);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->store[h->n], sizeof(h->store[0]), fmt, ap);
    va_end(ap);
    h->line[h->n] = h->store[h->n];
    h->line[++h->n] = NULL;
}

void http_header_lines(http_headers *h, const char *const *lines)
{
    for (size_t i = 0; lines && lines[i]; i++) {
        assert_true(h->n < HTTP_HEADERS_MAX);
        h->line[h->n] = lines[i];
        h->line[++h->n] = NULL;
    }
}

void http_credentials(http_headers *h, const http_session *s)
{
    if (s->cookie[0])
        http_header(h, "Cookie: %s", s->cookie);
    if (s->csrf_header && s->csrf[0])
        http_header(h, "X-CSRF-Token: %s", s->csrf);
    if (s->token[0])
        http_header(h, "Authorization: Bearer %s", s->token);
}

/* --- sessions and tokens ------------------------------------------------------------------ */

char *http_login_body(const char *name, const char *password)
{
    buf body = {0};
    buf_addf(&body, "name=%s&password=", name);
    for (const char *p = password; *p; p++)
        buf_add(&body, *p == ' ' ? "+" : p, 1);
    return body.p;
}

long http_login(resp *r, const http_client *c, http_session *s, const char *name,
                const char *password)
{
    memset(s, 0, sizeof(*s));
    char *body = http_login_body(name, password);
    http_headers h = {0};
    http_header(&h, "Expect:");
    http_header(&h, "Content-Type: " HTTP_FORM_TYPE);
    http_header(&h, "Origin: %s", c->base);
    http_send(r, c, "POST", "/login", body, strlen(body), h.line);
    free(body);
    const char *cookie = http_set_cookie(r, "isms_login");
    if (!cookie[0])
        cookie = http_set_cookie(r, "isms_session");
    size_t n = strcspn(cookie, ";");
    if (n < sizeof(s->cookie))
        snprintf(s->cookie, sizeof(s->cookie), "%.*s", (int)n, cookie);
    return r->status;
}

bool http_read_csrf(const http_client *c, http_session *s, const char *page)
{
    http_headers h = {0};
    http_header(&h, "Cookie: %s", s->cookie);
    resp r;
    http_send(&r, c, "GET", page, NULL, 0, h.line);
    const char *v = r.status == 200 ? strstr(r.body, "name=\"csrf\" value=\"") : NULL;
    if (v) {
        v += strlen("name=\"csrf\" value=\"");
        snprintf(s->csrf, sizeof(s->csrf), "%.*s", (int)strcspn(v, "\""), v);
    } else {
        print_error("GET %s: %ld, no CSRF token: %.2000s\n", page, r.status, r.body);
    }
    resp_free(&r);
    return s->csrf[0] != '\0';
}

void http_bearer(http_session *s, const char *token)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->token, sizeof(s->token), "%s", token);
}

/* --- checks --------------------------------------------------------------------------------- */

void http_check_status(const resp *r, long want, const char *file, int line)
{
    if (r->status != want) {
        print_error("%s:%d: HTTP status %ld, expected %ld; body: %.4000s\n", file, line, r->status,
                    want, r->body ? r->body : "");
        _fail(file, line);
    }
    if (http_want_request_id && !r->request_id[0]) {
        print_error("%s:%d: no X-Request-Id\n", file, line);
        _fail(file, line);
    }
}

void http_text_has(const char *text, const char *needle, const char *file, int line)
{
    if (!text || !strstr(text, needle)) {
        print_error("%s:%d: lacks '%s' in: %.6000s\n", file, line, needle, text ? text : "");
        _fail(file, line);
    }
}

void http_body_lacks(const resp *r, const char *needle, const char *file, int line)
{
    const char *at = r->body ? strstr(r->body, needle) : NULL;
    if (at) {
        print_error("%s:%d: the body holds '%s' at: %.300s\n", file, line, needle, at);
        _fail(file, line);
    }
}
