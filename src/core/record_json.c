#include "core/record_json.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/value.h"
#include "util/strbuf.h"

void status_details_to_json(const isms_status *st, json_t *p)
{
    if (st->nfields) {
        json_t *errs = json_array();
        for (size_t i = 0; i < st->nfields; i++)
            json_array_append_new(errs, json_pack("{s:s,s:s}", "field", st->fields[i].field,
                                                  "reason", st->fields[i].reason));
        json_object_set_new(p, "errors", errs);
    }
    if (st->nreferrers) {
        json_t *refs = json_array();
        for (size_t i = 0; i < st->nreferrers; i++)
            json_array_append_new(refs, json_string(st->referrers[i]));
        json_object_set_new(p, "referrers", refs);
    }
    if (st->current_version)
        json_object_set_new(p, "current_version", json_integer(st->current_version));
}

json_t *value_to_json(const isms_field *f, const isms_value *v)
{
    if (!v->set)
        return json_null();
    char buf[ISMS_HUMAN_ID_MAX];
    switch (f->type) {
    case FT_INT:
        return json_integer(v->i);
    case FT_DECIMAL: {
        /* A real number in JSON with the exact digits: jansson keeps it as text. */
        char num[32];
        format_decimal_micro(v->i, num);
        return json_sprintf("\x01%s", num);
    }
    case FT_BOOL:
        return json_boolean(v->i);
    case FT_REF:
        human_id_format(buf, f->target, v->i);
        return json_string(buf);
    case FT_ANYREF:
        human_id_format(buf, v->kind, v->i);
        return json_string(buf);
    case FT_REFLIST: {
        json_t *arr = json_array();
        for (size_t i = 0; i < v->n; i++) {
            human_id_format(buf, f->target, v->ids[i]);
            json_array_append_new(arr, json_string(buf));
        }
        return arr;
    }
    default:
        return json_string(v->s);
    }
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *record_to_json(const isms_record *r)
{
    const isms_kind *k = r->kind;
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, r->id);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(hid));
    json_object_set_new(o, "kind", json_string(k->name));
    json_object_set_new(o, "version", json_integer(r->version));
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (!(f->flags & FF_SECRET))
            json_object_set_new(o, f->name, value_to_json(f, &r->values[i]));
    }
    json_object_set_new(o, "created_at", text_or_null(r->created_at));
    json_object_set_new(o, "created_by", text_or_null(r->created_by));
    json_object_set_new(o, "updated_at", text_or_null(r->updated_at));
    json_object_set_new(o, "updated_by", text_or_null(r->updated_by));
    json_object_set_new(o, "retired", json_boolean(r->retired_at != NULL));
    if (r->retired_at) {
        json_object_set_new(o, "retired_at", json_string(r->retired_at));
        json_object_set_new(o, "retired_by", text_or_null(r->retired_by));
        json_object_set_new(o, "retired_reason", text_or_null(r->retired_reason));
    }
    return o;
}

static json_t *string_list(const char *const *list)
{
    json_t *a = json_array();
    for (; list && *list; list++)
        json_array_append_new(a, json_string(*list));
    return a;
}

static const char *role_name(field_role r)
{
    static const char *const names[] = {"", "title", "owner", "due", "status"};
    return names[r];
}

static json_t *field_to_json(const isms_field *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(f->name));
    json_object_set_new(o, "label", json_string(f->label));
    json_object_set_new(o, "help", json_string(f->help));
    json_object_set_new(o, "type", json_string(field_type_name(f->type)));
    json_object_set_new(o, "required", json_boolean(f->flags & FF_REQUIRED));
    json_object_set_new(o, "sortable", json_boolean(f->flags & FF_SORTABLE));
    json_object_set_new(o, "filterable", json_boolean(f->flags & FF_FILTERABLE));
    json_object_set_new(o, "derived", json_boolean(f->flags & FF_DERIVED));
    json_object_set_new(o, "secret", json_boolean(f->flags & FF_SECRET));
    if (f->role != ROLE_NONE)
        json_object_set_new(o, "role", json_string(role_name(f->role)));
    if (f->max_len)
        json_object_set_new(o, "max_length", json_integer(f->max_len));
    if (f->values)
        json_object_set_new(o, "values", string_list(f->values));
    if (f->closed_values)
        json_object_set_new(o, "closed_values", string_list(f->closed_values));
    if (f->target)
        json_object_set_new(o, "target", json_string(f->target->name));
    if (f->default_text)
        json_object_set_new(o, "default", json_string(f->default_text));
    return o;
}

json_t *registry_to_json(const isms_registry *reg)
{
    json_t *kinds = json_array();
    for (size_t i = 0; i < reg->nkinds; i++) {
        const isms_kind *k = reg->kinds[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(k->name));
        json_object_set_new(o, "plural", json_string(k->plural));
        json_object_set_new(o, "prefix", json_string(k->prefix));
        json_object_set_new(o, "clause", json_string(k->clause));
        json_object_set_new(o, "label", json_string(k->label));
        json_object_set_new(o, "label_plural", json_string(k->label_plural));
        json_object_set_new(o, "help", json_string(k->help));
        json_object_set_new(o, "immutable", json_boolean(k->flags & KF_IMMUTABLE));
        json_object_set_new(o, "deletable", json_boolean(k->flags & KF_DELETABLE));
        json_object_set_new(o, "singleton", json_boolean(k->flags & KF_SINGLETON));
        /* Made only by a signing act (risk-acceptance): the generic create refuses it. */
        json_object_set_new(o, "signed", json_boolean(k->flags & KF_SIGNED));
        if (k->parent_field)
            json_object_set_new(o, "parent_field", json_string(k->parent_field));
        json_t *fields = json_array();
        for (size_t j = 0; j < k->nfields; j++)
            json_array_append_new(fields, field_to_json(&k->fields[j]));
        json_object_set_new(o, "fields", fields);
        json_array_append_new(kinds, o);
    }
    json_t *root = json_object();
    json_object_set_new(root, "kinds", kinds);
    return root;
}

/*
 * jansson has no exact-decimal type. value_to_json marks decimals as strings
 * starting with \x01 (a control character no valid text field may hold);
 * here they are written without quotes.
 */
char *json_dump_exact(const json_t *j, size_t flags)
{
    char *s = json_dumps(j, flags);
    if (!s)
        return NULL;
    static const char marker[] = "\"\\u0001";
    char *w = s;
    for (const char *p = s; *p;) {
        if (strncmp(p, marker, sizeof(marker) - 1) == 0) {
            p += sizeof(marker) - 1;
            while (*p && *p != '"')
                *w++ = *p++;
            if (*p == '"')
                p++;
            continue;
        }
        if (*p == '"') {
            /* copy a whole string literal, honouring escapes */
            *w++ = *p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    *w++ = *p++;
                *w++ = *p++;
            }
            if (*p)
                *w++ = *p++;
            continue;
        }
        *w++ = *p++;
    }
    *w = '\0';
    return s;
}

/* --- writing JSON without a tree ------------------------------------------- */

/*
 * A small staging buffer in front of the strbuf: a record is a few hundred
 * pieces of a few bytes, and one strbuf_add per piece cost more than the
 * copying itself.
 */
typedef struct json_writer {
    strbuf *b;
    size_t n;
    char buf[2048];
} json_writer;

static void jw_flush(json_writer *w)
{
    strbuf_add(w->b, w->buf, w->n);
    w->n = 0;
}

static inline void jw_put(json_writer *w, const char *s, size_t n)
{
    if (n > sizeof(w->buf) - w->n) {
        jw_flush(w);
        if (n > sizeof(w->buf)) {
            strbuf_add(w->b, s, n);
            return;
        }
    }
    memcpy(w->buf + w->n, s, n);
    w->n += n;
}

static inline void jw_putc(json_writer *w, char c)
{
    if (w->n == sizeof(w->buf))
        jw_flush(w);
    w->buf[w->n++] = c;
}

static inline bool byte_special(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

/*
 * The first byte at or after p that JSON escapes, or end. Eight bytes at a
 * time: a byte is below 0x20, or equal to '"' or '\\', exactly when the
 * classic "has a byte less than n" / "has a zero byte" tests say so.
 */
static const char *next_special(const char *p, const char *end)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    while (end - p >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t q = v ^ (ones * '"'), bs = v ^ (ones * '\\');
        uint64_t hit = ((v - ones * 0x20) & ~v) | ((q - ones) & ~q) | ((bs - ones) & ~bs);
        if (hit & high)
            break;
        p += 8;
    }
    while (p < end && !byte_special((unsigned char)*p))
        p++;
    return p;
}

/* As jansson's dump.c: \" \\ and \b \f \n \r \t, other controls \u00XX, the rest as is. */
static void jw_string(json_writer *w, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    jw_putc(w, '"');
    const char *run = s, *end = s + len;
    for (;;) {
        const char *p = next_special(run, end);
        jw_put(w, run, (size_t)(p - run));
        if (p == end)
            break;
        run = p + 1;
        unsigned char c = (unsigned char)*p;
        char esc[6] = {'\\', 0, '0', '0', hex[c >> 4], hex[c & 15]};
        switch (c) {
        case '"':
        case '\\':
            esc[1] = (char)c;
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            jw_put(w, esc, 6);
            continue;
        }
        jw_put(w, esc, 2);
    }
    jw_putc(w, '"');
}

static bool all_ascii(const char *s, size_t len)
{
    const uint64_t high = 0x8080808080808080u;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        if (v & high)
            return false;
    }
    for (; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* Text as json_string would take it: null where jansson refuses it (not UTF-8). */
static void jw_text(json_writer *w, const char *s)
{
    if (!s) {
        jw_put(w, "null", 4);
        return;
    }
    size_t len = strlen(s), chars;
    if (!all_ascii(s, len) && !utf8_count(s, len, &chars)) {
        jw_put(w, "null", 4);
        return;
    }
    jw_string(w, s, len);
}

/* The decimal text of i into out (no NUL); returns its length. */
static size_t int_text(char out[24], int64_t i)
{
    char num[24], *p = num + sizeof(num);
    uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (i < 0)
        *--p = '-';
    size_t n = (size_t)(num + sizeof(num) - p);
    memcpy(out, p, n);
    return n;
}

static void jw_int(json_writer *w, int64_t i)
{
    char num[24];
    jw_put(w, num, int_text(num, i));
}

/* human_id_format's "PREFIX-N", without going through snprintf for every record. */
static void jw_human_id(json_writer *w, const isms_kind *k, int64_t id)
{
    char buf[ISMS_HUMAN_ID_MAX];
    size_t n = strlen(k->prefix);
    if (n + 1 + 24 > sizeof(buf)) {
        human_id_format(buf, k, id);
        jw_string(w, buf, strlen(buf));
        return;
    }
    memcpy(buf, k->prefix, n);
    buf[n++] = '-';
    n += int_text(buf + n, id);
    jw_string(w, buf, n);
}

/* The text value_to_json's value dumps to. */
static void jw_value(json_writer *w, const isms_field *f, const isms_value *v)
{
    if (!v->set) {
        jw_put(w, "null", 4);
        return;
    }
    switch (f->type) {
    case FT_INT:
        jw_int(w, v->i);
        return;
    case FT_DECIMAL: {
        char num[32];
        format_decimal_micro(v->i, num);
        jw_put(w, num, strlen(num));
        return;
    }
    case FT_BOOL:
        if (v->i)
            jw_put(w, "true", 4);
        else
            jw_put(w, "false", 5);
        return;
    case FT_REF:
        jw_human_id(w, f->target, v->i);
        return;
    case FT_ANYREF:
        jw_human_id(w, v->kind, v->i);
        return;
    case FT_REFLIST:
        jw_putc(w, '[');
        for (size_t i = 0; i < v->n; i++) {
            if (i)
                jw_putc(w, ',');
            jw_human_id(w, f->target, v->ids[i]);
        }
        jw_putc(w, ']');
        return;
    default:
        jw_text(w, v->s);
    }
}

/* ,"name": (the first member has no comma) */
static void jw_key(json_writer *w, const char *name, bool first)
{
    if (!first)
        jw_putc(w, ',');
    jw_string(w, name, strlen(name));
    jw_putc(w, ':');
}

void json_write_string(strbuf *b, const char *s)
{
    json_writer w = {.b = b};
    jw_string(&w, s, strlen(s));
    jw_flush(&w);
}

void record_json_write(strbuf *b, const isms_record *r)
{
    const isms_kind *k = r->kind;
    json_writer w = {.b = b};
    jw_putc(&w, '{');
    jw_key(&w, "id", true);
    jw_human_id(&w, k, r->id);
    jw_key(&w, "kind", false);
    jw_text(&w, k->name);
    jw_key(&w, "version", false);
    jw_int(&w, r->version);
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (f->flags & FF_SECRET)
            continue;
        jw_key(&w, f->name, false);
        jw_value(&w, f, &r->values[i]);
    }
    jw_key(&w, "created_at", false);
    jw_text(&w, r->created_at);
    jw_key(&w, "created_by", false);
    jw_text(&w, r->created_by);
    jw_key(&w, "updated_at", false);
    jw_text(&w, r->updated_at);
    jw_key(&w, "updated_by", false);
    jw_text(&w, r->updated_by);
    jw_key(&w, "retired", false);
    if (r->retired_at)
        jw_put(&w, "true", 4);
    else
        jw_put(&w, "false", 5);
    if (r->retired_at) {
        jw_key(&w, "retired_at", false);
        jw_text(&w, r->retired_at);
        jw_key(&w, "retired_by", false);
        jw_text(&w, r->retired_by);
        jw_key(&w, "retired_reason", false);
        jw_text(&w, r->retired_reason);
    }
    jw_putc(&w, '}');
    jw_flush(&w);
}
