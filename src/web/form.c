#include "web/form.h"

#include "http/router.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/value.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode one key or value (s, len) into a new string; NULL with a reason if malformed. */
static char *decode_part(const char *s, size_t len, arena *a, const char **why)
{
    char *out = arena_alloc(a, len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\0') {
            *why = "holds a NUL character";
            return NULL;
        } else if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
            int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                *why = "holds a % that is not followed by two hexadecimal digits";
                return NULL;
            }
            c = (char)(hi << 4 | lo);
            i += 2;
            if (c == '\0') {
                *why = "holds a NUL character";
                return NULL;
            }
        }
        out[n++] = c;
    }
    out[n] = '\0';
    size_t chars;
    if (!utf8_count(out, n, &chars)) {
        *why = "is not valid UTF-8";
        return NULL;
    }
    return out;
}

isms_err form_decode(const char *body, size_t len, arena *a, form_data *out, isms_status *st)
{
    out->n = 0;
    size_t i = 0;
    while (i < len) {
        const char *pair = body + i;
        const char *amp = memchr(pair, '&', len - i);
        size_t plen = amp ? (size_t)(amp - pair) : len - i;
        i += plen + 1;
        if (plen == 0)
            continue;
        if (out->n == FORM_MAX_PAIRS)
            return status_fail(st, ISMS_ETOOBIG, "the form has more than %d fields",
                               FORM_MAX_PAIRS);
        const char *eq = memchr(pair, '=', plen);
        size_t klen = eq ? (size_t)(eq - pair) : plen;
        const char *why = NULL;
        char *key = decode_part(pair, klen, a, &why);
        if (!key)
            return status_fail(st, ISMS_EINVALID, "a field name of the form %s", why);
        char *value = eq ? decode_part(eq + 1, plen - klen - 1, a, &why) : arena_strdup(a, "");
        if (!value) {
            char name[ISMS_FIELD_NAME_MAX];
            snprintf(name, sizeof(name), "%s", key);
            return status_field(st, name, "%s", why);
        }
        out->keys[out->n] = key;
        out->values[out->n] = value;
        out->n++;
    }
    return ISMS_OK;
}

const char *form_get(const form_data *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->keys[i], key) == 0)
            return f->values[i];
    return NULL;
}

size_t form_count(const form_data *f, const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += strcmp(f->keys[i], key) == 0;
    return n;
}

bool form_is_multipart(const char *ct)
{
    size_t n = strlen("multipart/form-data");
    return ct && strncasecmp(ct, "multipart/form-data", n) == 0 && (ct[n] == '\0' || ct[n] == ';');
}

/* --- multipart/form-data, parsed by libmicrohttpd ---------------------------------- */

enum { MULTIPART_BUFFER = 64u << 10 }; /* the post processor's buffer */

typedef struct multipart_state {
    form_data *out;
    arena *a;
    const char *key; /* the pair being read, in a; NULL before the first */
    strbuf value;    /* its bytes so far */
    isms_status *st;
} multipart_state;

/* The pair being read is complete: check it as form_decode checks a value, then keep it. */
static bool multipart_flush(multipart_state *m)
{
    if (!m->key)
        return true;
    const char *key = m->key;
    m->key = NULL;
    size_t len = m->value.len, chars;
    const char *bytes = m->value.ptr ? m->value.ptr : "";
    char name[ISMS_FIELD_NAME_MAX];
    snprintf(name, sizeof(name), "%s", key);
    if (m->out->n == FORM_MAX_PAIRS)
        return status_fail(m->st, ISMS_ETOOBIG, "the form has more than %d fields",
                           FORM_MAX_PAIRS), false;
    if (memchr(bytes, '\0', len))
        return status_field(m->st, name, "holds a NUL character"), false;
    if (!utf8_count(bytes, len, &chars))
        return status_field(m->st, name, "is not valid UTF-8"), false;
    m->out->keys[m->out->n] = key;
    m->out->values[m->out->n] = arena_strndup(m->a, bytes, len);
    m->out->n++;
    strbuf_reset(&m->value);
    return true;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    (void)kind, (void)filename, (void)content_type, (void)transfer_encoding;
    multipart_state *m = cls;
    if (!key)
        return MHD_NO;
    if (!m->key || off == 0 || strcmp(m->key, key) != 0) { /* a new field begins */
        if (!multipart_flush(m))
            return MHD_NO;
        size_t chars;
        if (!utf8_count(key, strlen(key), &chars))
            return status_fail(m->st, ISMS_EINVALID, "a field name of the form is not valid "
                               "UTF-8"), MHD_NO;
        m->key = arena_strdup(m->a, key);
    }
    strbuf_add(&m->value, data ? data : "", data ? size : 0);
    return strbuf_ok(&m->value) ? MHD_YES : MHD_NO;
}

static isms_err multipart_decode(struct http_request *req, form_data *out, isms_status *st)
{
    out->n = 0;
    multipart_state m = {.out = out, .a = req->arena, .st = st};
    struct MHD_PostProcessor *pp =
        req->conn ? MHD_create_post_processor(req->conn, MULTIPART_BUFFER, on_part, &m) : NULL;
    if (!pp)
        return status_fail(st, ISMS_EINVALID, "the multipart form has no boundary");
    strbuf_init(&m.value, req->body_len + 1);
    enum MHD_Result r = MHD_post_process(pp, req->body, req->body_len);
    bool complete = MHD_destroy_post_processor(pp) == MHD_YES;
    if (st->code == ISMS_OK && r == MHD_YES && complete)
        multipart_flush(&m);
    strbuf_dispose(&m.value);
    if (st->code != ISMS_OK)
        return st->code;
    if (r != MHD_YES || !complete)
        return status_fail(st, ISMS_EINVALID, "the multipart form is malformed or cut short");
    return ISMS_OK;
}

form_data *form_of_request(struct http_request *req, isms_status *st)
{
    if (req->form)
        return req->form;
    form_data *form = arena_alloc(req->arena, sizeof(*form));
    isms_err e = form_is_multipart(req->content_type)
                     ? multipart_decode(req, form, st)
                     : form_decode(req->body, req->body_len, req->arena, form, st);
    if (e != ISMS_OK)
        return NULL;
    req->form = form;
    return form;
}
