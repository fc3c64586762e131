#include "core/record_decode.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/value.h"

/* Room for a piece of the user's input quoted in a reason. */
enum { QUOTE_MAX = 48 };

static const char *const bookkeeping[] = {
    "id",      "kind",       "created_at", "created_by",     "updated_at", "updated_by",
    "retired", "retired_at", "retired_by", "retired_reason", NULL,
};

static const char decimal_syntax[] =
    "expected a number with at most 12 digits before and 6 after the decimal point";

/* --- quoting input in messages -------------------------------------------- */

/* Length of the valid UTF-8 character at p, 0 if the bytes there are not one. */
static size_t utf8_char_len(const unsigned char *p)
{
    unsigned c = *p;
    size_t extra;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        extra = 1;
    else if (c >= 0xE0 && c <= 0xEF)
        extra = 2;
    else if (c >= 0xF0 && c <= 0xF4)
        extra = 3;
    else
        return 0;
    for (size_t i = 1; i <= extra; i++) /* stops at the NUL: it is no continuation byte */
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    size_t chars;
    return utf8_count((const char *)p, extra + 1, &chars) ? extra + 1 : 0;
}

/* Write the safe form of src into dst (when not NULL), at most limit bytes; returns the
 * bytes it takes (all of it when dst is NULL). */
static size_t safe_copy(char *dst, size_t limit, const char *src)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)src; *p;) {
        size_t len = utf8_char_len(p);
        bool replace = len == 0 || *p < 0x20 || *p == 0x7f;
        size_t out = replace ? 1 : len;
        if (dst && w + out > limit)
            break;
        if (dst) {
            if (replace)
                dst[w] = '?';
            else
                memcpy(dst + w, p, len);
        }
        w += out;
        p += replace ? 1 : len;
    }
    return w;
}

char *message_text_copy(char *dst, size_t size, const char *src)
{
    if (size == 0)
        return dst;
    size_t room = size - 1;
    size_t need = safe_copy(NULL, 0, src);
    size_t w;
    if (need <= room || room < 4) {
        w = safe_copy(dst, room, src);
    } else {
        w = safe_copy(dst, room - 3, src);
        memcpy(dst + w, "...", 3);
        w += 3;
    }
    dst[w] = '\0';
    return dst;
}

/* --- parsing a body --------------------------------------------------------- */

static const char *json_type_word(const json_t *j)
{
    if (!j)
        return "nothing";
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

json_t *json_parse_body(const char *data, size_t len, isms_status *st)
{
    static const char empty[] = "";
    if (!data)
        data = empty, len = 0;
    size_t i = 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len) {
        status_fail(st, ISMS_EINVALID, "the body is empty; send a JSON object");
        status_field(st, "body", "is empty; send a JSON object");
        return NULL;
    }
    json_error_t err;
    json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!j) {
        /* jansson quotes the input near the error: keep the message valid text. */
        char text[sizeof(err.text)];
        message_text_copy(text, sizeof(text), err.text);
        status_fail(st, ISMS_EINVALID, "the body is not valid JSON: line %d, column %d: %s",
                    err.line, err.column, text);
        status_field(st, "body", "is not valid JSON: line %d, column %d: %s", err.line, err.column,
                     text);
        return NULL;
    }
    if (!json_is_object(j)) {
        status_fail(st, ISMS_EINVALID, "the body must be a JSON object, not %s", json_type_word(j));
        status_field(st, "body", "must be a JSON object, not %s", json_type_word(j));
        json_decref(j);
        return NULL;
    }
    return j;
}

/* --- values ----------------------------------------------------------------- */

static bool fail(char *reason, size_t size, const char *msg)
{
    snprintf(reason, size, "%s", msg);
    return false;
}

/* The text of a JSON string without NUL characters, or NULL. */
static const char *string_of(const json_t *v, size_t *len)
{
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    *len = json_string_length(v);
    return strlen(s) == *len ? s : NULL;
}

/*
 * A JSON real as decimal text without an exponent: the shortest form with at
 * most 15 significant digits that reads back as the same double. Returns 1
 * when the double needs more digits than that, 2 when it is far out of range.
 */
static int real_text(double d, char *buf, size_t size)
{
    if (!isfinite(d))
        return 2;
    char g[40];
    snprintf(g, sizeof(g), "%.15g", d);
    if (strtod(g, NULL) != d)
        return 1;
    const char *p = g;
    bool neg = *p == '-';
    if (neg)
        p++;
    char digits[32];
    int nd = 0, point = -1;
    for (; isdigit((unsigned char)*p) || *p == '.'; p++) {
        if (*p == '.')
            point = nd;
        else if (nd < (int)sizeof(digits))
            digits[nd++] = *p;
    }
    if (point < 0)
        point = nd;
    if (*p == 'e' || *p == 'E')
        point += (int)strtol(p + 1, NULL, 10);
    if (point > 20 || point < -20 || (size_t)nd + 48 > size)
        return 2;
    char *w = buf;
    if (neg)
        *w++ = '-';
    if (point <= 0) {
        *w++ = '0';
        *w++ = '.';
        for (int i = 0; i < -point; i++)
            *w++ = '0';
        memcpy(w, digits, (size_t)nd);
        w += nd;
    } else if (point >= nd) {
        memcpy(w, digits, (size_t)nd);
        w += nd;
        for (int i = nd; i < point; i++)
            *w++ = '0';
    } else {
        memcpy(w, digits, (size_t)point);
        w += point;
        *w++ = '.';
        memcpy(w, digits + point, (size_t)(nd - point));
        w += nd - point;
    }
    *w = '\0';
    return 0;
}

static bool decode_decimal(const json_t *v, int64_t *out, char *reason, size_t rsize)
{
    char text[96];
    size_t len;
    const char *s;
    if (json_is_integer(v)) {
        snprintf(text, sizeof(text), "%" PRId64, (int64_t)json_integer_value(v));
        s = text;
    } else if (json_is_real(v)) {
        int r = real_text(json_real_value(v), text, sizeof(text));
        if (r == 1)
            return fail(reason, rsize,
                        "send numbers with more than 15 significant digits as "
                        "a string");
        if (r == 2)
            return fail(reason, rsize, decimal_syntax);
        s = text;
    } else if (!(s = string_of(v, &len))) {
        return fail(reason, rsize, "expected a number, or a string holding one");
    }
    return parse_decimal_micro(s, out) || fail(reason, rsize, decimal_syntax);
}

static bool decode_reflist(const isms_field *f, const json_t *v, arena *a, isms_value *out,
                           char *reason, size_t rsize)
{
    if (!json_is_array(v)) {
        snprintf(reason, rsize, "expected a list of %s ids (such as [\"%s-1\"])", f->target->name,
                 f->target->prefix);
        return false;
    }
    size_t n = json_array_size(v);
    if (n > RECORD_DECODE_REFLIST_MAX) {
        snprintf(reason, rsize, "the list has more than %d entries", RECORD_DECODE_REFLIST_MAX);
        return false;
    }
    int64_t *ids = arena_alloc(a, sizeof(int64_t) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(v, i);
        size_t len;
        const char *s = string_of(item, &len);
        if (!s) {
            snprintf(reason, rsize, "entry %zu is %s, not %s %s id (such as \"%s-1\")", i + 1,
                     json_type_word(item), kind_article(f->target), f->target->name,
                     f->target->prefix);
            return false;
        }
        if (!human_id_parse(f->target, s, &ids[i])) {
            char quoted[QUOTE_MAX];
            snprintf(reason, rsize, "'%s' is not %s %s id (such as %s-1)",
                     message_text_copy(quoted, sizeof(quoted), s), kind_article(f->target),
                     f->target->name, f->target->prefix);
            return false;
        }
        for (size_t j = 0; j < i; j++)
            if (ids[j] == ids[i])
                return fail(reason, rsize, "the list names the same record twice");
    }
    out->set = n > 0;
    out->ids = ids;
    out->n = n;
    return true;
}

/* Decode the JSON value of one field into out; false with a reason otherwise. */
static bool decode_value(const isms_registry *reg, const isms_field *f, const json_t *v, arena *a,
                         isms_value *out, char *reason, size_t rsize)
{
    memset(out, 0, sizeof(*out));
    if (json_is_null(v))
        return true;
    size_t len = 0;
    const char *s = NULL;
    char dt[21];
    switch (f->type) {
    case FT_TEXT:
    case FT_LONGTEXT:
    case FT_ENUM:
        if (!(s = string_of(v, &len)))
            return fail(reason, rsize,
                        json_is_string(v) ? "must not contain NUL characters"
                                          : "expected a string");
        /* Blank text is no value, as in value_parse. */
        if (s[strspn(s, " \t\r\n")] == '\0')
            return true;
        out->set = true;
        out->s = arena_strndup(a, s, len);
        return true;
    case FT_DATE:
        if (!(s = string_of(v, &len)) || !parse_date(s))
            return fail(reason, rsize, "expected a date as a string YYYY-MM-DD");
        out->set = true;
        out->s = arena_strndup(a, s, len);
        return true;
    case FT_DATETIME:
        if (!(s = string_of(v, &len)) || !parse_datetime(s, dt))
            return fail(reason, rsize,
                        "expected a date and time as a string "
                        "YYYY-MM-DDTHH:MM:SSZ (or with an offset as +HH:MM)");
        out->set = true;
        out->s = arena_strdup(a, dt);
        return true;
    case FT_INT:
        if (!json_is_integer(v))
            return fail(reason, rsize, "expected a whole number");
        out->set = true;
        out->i = (int64_t)json_integer_value(v);
        return true;
    case FT_DECIMAL:
        out->set = decode_decimal(v, &out->i, reason, rsize);
        return out->set;
    case FT_BOOL:
        if (!json_is_boolean(v))
            return fail(reason, rsize, "expected true or false");
        out->set = true;
        out->i = json_is_true(v);
        return true;
    case FT_REF:
        if (!(s = string_of(v, &len)) || !human_id_parse(f->target, s, &out->i)) {
            snprintf(reason, rsize, "expected a %s id as a string (such as \"%s-1\")",
                     f->target->name, f->target->prefix);
            return false;
        }
        out->set = true;
        return true;
    case FT_REFLIST:
        return decode_reflist(f, v, a, out, reason, rsize);
    case FT_ANYREF:
        if (!(s = string_of(v, &len)) || !human_id_parse_any(reg, s, &out->kind, &out->i))
            return fail(reason, rsize,
                        "expected the id of a record as a string (such as "
                        "\"ISS-1\")");
        out->set = true;
        return true;
    case FT_COUNT:
        break;
    }
    return fail(reason, rsize, "has a type isms cannot decode");
}

bool record_value_from_json(const isms_registry *reg, const isms_field *f, const json_t *v,
                            arena *a, isms_value *out, char *reason, size_t rsize)
{
    return decode_value(reg, f, v, a, out, reason, rsize);
}

static bool is_bookkeeping(const char *key)
{
    for (const char *const *b = bookkeeping; *b; b++)
        if (strcmp(*b, key) == 0)
            return true;
    return false;
}

isms_err record_changes_from_json(const isms_registry *reg, const isms_kind *k, const json_t *body,
                                  unsigned flags, arena *a, record_change *out, size_t max,
                                  size_t *n, int64_t *version, isms_status *st)
{
    *n = 0;
    if (version)
        *version = 0;
    if (!json_is_object(body)) {
        status_fail(st, ISMS_EINVALID, "the body must be a JSON object");
        return status_field(st, "", "the body must be a JSON object");
    }
    bool bad = false, toobig = false;
    json_t *obj = (json_t *)body; /* jansson's iteration takes no const */
    const char *key;
    size_t keylen;
    json_t *v;
    json_object_keylen_foreach(obj, key, keylen, v)
    {
        char reason[ISMS_REASON_MAX];
        reason[0] = '\0';
        /* A key with a NUL inside names nothing (only built by hand, never parsed). */
        bool plain = strlen(key) == keylen;
        const isms_field *f = plain ? kind_field(k, key) : NULL;
        if (plain && strcmp(key, "version") == 0) {
            if (!(flags & RECORD_DECODE_VERSION))
                fail(reason, sizeof(reason), "is set by isms and cannot be written");
            else if (!json_is_integer(v) || json_integer_value(v) < 1)
                fail(reason, sizeof(reason), "must be a positive whole number");
            else if (version)
                *version = (int64_t)json_integer_value(v);
        } else if (plain && is_bookkeeping(key)) {
            fail(reason, sizeof(reason), "is set by isms and cannot be written");
        } else if (!f) {
            snprintf(reason, sizeof(reason), "is not a field of %s", k->name);
        } else if (f->flags & FF_DERIVED) {
            fail(reason, sizeof(reason), "is computed by isms and cannot be written");
        } else {
            isms_value val;
            if (decode_value(reg, f, v, a, &val, reason, sizeof(reason))) {
                if (*n < max)
                    out[(*n)++] = (record_change){.field = f, .value = val};
                else
                    toobig = true;
            }
        }
        if (reason[0]) {
            char name[ISMS_FIELD_NAME_MAX];
            status_field(st, message_text_copy(name, sizeof(name), key), "%s", reason);
            bad = true;
        }
    }
    if (toobig) {
        st->nfields = 0;
        return status_fail(st, ISMS_ETOOBIG, "the body sets more than %zu fields", max);
    }
    return bad ? ISMS_EINVALID : ISMS_OK;
}
