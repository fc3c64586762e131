#include "web/form.h"

#include "http/router.h"

#include <stdio.h>
#include <string.h>

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

form_data *form_of_request(struct http_request *req, isms_status *st)
{
    if (req->form)
        return req->form;
    form_data *form = arena_alloc(req->arena, sizeof(*form));
    if (form_decode(req->body, req->body_len, req->arena, form, st) != ISMS_OK)
        return NULL;
    req->form = form;
    return form;
}
