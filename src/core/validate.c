#include "core/validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/value.h"
#include "util/strbuf.h"

/* Control characters never belong in text; long text may hold line breaks and tabs. */
static bool text_controls_ok(const isms_field *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != 0x7f)
            continue;
        if (f->type == FT_LONGTEXT && (*p == '\n' || *p == '\r' || *p == '\t'))
            continue;
        return false;
    }
    return true;
}

static void allowed_values(const isms_field *f, char *buf, size_t size)
{
    strbuf b;
    strbuf_init(&b, size - 1);
    for (const char *const *v = f->values; *v; v++)
        strbuf_printf(&b, "%s%s", v == f->values ? "" : ", ", *v);
    snprintf(buf, size, "%s%s", b.ptr, strbuf_ok(&b) ? "" : "...");
    strbuf_dispose(&b);
}

static void validate_text(const isms_field *f, const char *s, isms_status *st)
{
    size_t chars;
    if (!utf8_count(s, strlen(s), &chars)) {
        status_field(st, f->name, "is not valid UTF-8 text");
        return;
    }
    if (!text_controls_ok(f, s)) {
        status_field(st, f->name, f->type == FT_LONGTEXT ? "contains control characters"
                                                         : "must be a single line without "
                                                           "control characters");
        return;
    }
    if (f->max_len && chars > (size_t)f->max_len)
        status_field(st, f->name, "is %zu characters long; at most %d are allowed", chars,
                     f->max_len);
}

static bool blank_text(const isms_field *f, const isms_value *v)
{
    if (f->type != FT_TEXT && f->type != FT_LONGTEXT)
        return false;
    return v->s[strspn(v->s, " \t\r\n")] == '\0';
}

void value_validate(const isms_field *f, const isms_value *v, isms_status *st)
{
    if (!v->set)
        return;
    char buf[ISMS_REASON_MAX - 40];
    switch (f->type) {
    case FT_TEXT:
    case FT_LONGTEXT:
        validate_text(f, v->s, st);
        break;
    case FT_ENUM:
        if (!field_enum_allows(f, v->s)) {
            allowed_values(f, buf, sizeof(buf));
            status_field(st, f->name, "must be one of: %s", buf);
        }
        break;
    case FT_DATE:
        if (!parse_date(v->s))
            status_field(st, f->name, "expected a date as YYYY-MM-DD");
        break;
    case FT_INT:
        if ((f->min || f->max) && (v->i < f->min || v->i > f->max))
            status_field(st, f->name, "must be between %" PRId64 " and %" PRId64, f->min,
                         f->max);
        break;
    case FT_DECIMAL:
        if ((f->min || f->max) && (v->i < f->min || v->i > f->max)) {
            char lo[32], hi[32];
            format_decimal_micro(f->min, lo);
            format_decimal_micro(f->max, hi);
            status_field(st, f->name, "must be between %s and %s", lo, hi);
        }
        break;
    case FT_REFLIST:
        for (size_t i = 0; i < v->n; i++)
            for (size_t j = 0; j < i; j++)
                if (v->ids[i] == v->ids[j]) {
                    status_field(st, f->name, "names the same record twice");
                    return;
                }
        break;
    default:
        break;
    }
}

static void validate_transition(const isms_record *old, const isms_record *rec, isms_status *st)
{
    const isms_kind *k = rec->kind;
    const isms_field *sf = kind_role_field(k, ROLE_STATUS);
    if (!old || !sf || !k->transition)
        return;
    size_t i = kind_field_index(k, sf);
    const isms_value *from = &old->values[i], *to = &rec->values[i];
    if (value_equal(sf, from, to) || !from->set || !to->set)
        return;
    k->transition(rec, from->s, to->s, st);
}

bool record_validate(const isms_record *old, const isms_record *rec, isms_status *st)
{
    const isms_kind *k = rec->kind;
    size_t before = st->nfields;
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        const isms_value *v = &rec->values[i];
        if (f->flags & FF_DERIVED)
            continue;
        if ((f->flags & FF_REQUIRED) && (!v->set || blank_text(f, v))) {
            status_field(st, f->name, "is required");
            continue;
        }
        value_validate(f, v, st);
    }
    if (st->nfields == before && k->validate)
        k->validate(old, rec, st);
    if (st->nfields == before)
        validate_transition(old, rec, st);
    return st->nfields == before && st->code == ISMS_OK;
}
