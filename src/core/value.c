#include "core/value.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum { REFLIST_MAX = 1000, DECIMAL_INT_DIGITS = 12, DECIMAL_FRAC_DIGITS = 6 };

bool parse_int64(const char *p, int64_t *out)
{
    bool neg = *p == '-';
    if (neg)
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    uint64_t v = 0;
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (*p)
        return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool parse_decimal_micro(const char *p, int64_t *out)
{
    bool neg = *p == '-';
    if (neg)
        p++;
    int64_t whole = 0, frac = 0;
    int nint = 0, nfrac = 0;
    for (; isdigit((unsigned char)*p); p++, nint++) {
        if (nint == DECIMAL_INT_DIGITS)
            return false;
        whole = whole * 10 + (*p - '0');
    }
    if (nint == 0)
        return false;
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++, nfrac++) {
            if (nfrac == DECIMAL_FRAC_DIGITS)
                return false;
            frac = frac * 10 + (*p - '0');
        }
        if (nfrac == 0)
            return false;
    }
    if (*p)
        return false;
    for (int i = nfrac; i < DECIMAL_FRAC_DIGITS; i++)
        frac *= 10;
    int64_t v = whole * 1000000 + frac;
    *out = neg ? -v : v;
    return true;
}

void format_decimal_micro(int64_t micro, char buf[32])
{
    uint64_t m = micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro;
    uint64_t whole = m / 1000000, frac = m % 1000000;
    int n = snprintf(buf, 32, "%s%" PRIu64, micro < 0 ? "-" : "", whole);
    if (frac) {
        char f[8];
        snprintf(f, sizeof(f), "%06" PRIu64, frac);
        size_t len = 6;
        while (f[len - 1] == '0')
            len--;
        f[len] = '\0';
        snprintf(buf + n, (size_t)(32 - n), ".%s", f);
    }
}

static bool digits(const char *p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static bool date_parts(const char *p, int *y, int *m, int *d)
{
    return digits(p, 4, y) && p[4] == '-' && digits(p + 5, 2, m) && p[7] == '-' &&
           digits(p + 8, 2, d) && *y >= 1 && *m >= 1 && *m <= 12 && *d >= 1 &&
           *d <= days_in_month(*y, *m);
}

bool parse_date(const char *p)
{
    int y, m, d;
    return strlen(p) == 10 && date_parts(p, &y, &m, &d);
}

bool parse_datetime(const char *p, char out[21])
{
    int y, mo, d, h, mi, s, oh = 0, om = 0;
    if (strlen(p) < 20 || !date_parts(p, &y, &mo, &d) || (p[10] != 'T' && p[10] != 't') ||
        !digits(p + 11, 2, &h) || p[13] != ':' || !digits(p + 14, 2, &mi) || p[16] != ':' ||
        !digits(p + 17, 2, &s) || h > 23 || mi > 59 || s > 59)
        return false;
    const char *z = p + 19;
    int sign = 0;
    if ((z[0] == 'Z' || z[0] == 'z') && z[1] == '\0')
        sign = 0;
    else if ((z[0] == '+' || z[0] == '-') && strlen(z) == 6 && digits(z + 1, 2, &oh) &&
             z[3] == ':' && digits(z + 4, 2, &om) && oh <= 23 && om <= 59)
        sign = z[0] == '+' ? 1 : -1;
    else
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = h, .tm_min = mi, .tm_sec = s};
    time_t t = timegm(&tm) - (time_t)sign * (oh * 3600 + om * 60);
    struct tm u;
    if (!gmtime_r(&t, &u) || u.tm_year + 1900 < 1 || u.tm_year + 1900 > 9999)
        return false;
    /* Not strftime: its %Y does not pad years below 1000 to four digits. */
    return snprintf(out, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", u.tm_year + 1900, u.tm_mon + 1,
                    u.tm_mday, u.tm_hour, u.tm_min, u.tm_sec) == 20;
}

bool parse_bool(const char *p, bool *out)
{
    static const char *const yes[] = {"true", "yes", "1"};
    static const char *const no[] = {"false", "no", "0"};
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(p, yes[i]) == 0)
            return *out = true, true;
        if (strcasecmp(p, no[i]) == 0)
            return *out = false, true;
    }
    return false;
}

bool utf8_count(const char *s, size_t len, size_t *chars)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t n = 0;
    while (p < end) {
        unsigned c = *p;
        size_t extra;
        uint32_t cp;
        if (c < 0x80) {
            extra = 0;
            cp = c;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= extra)
            return false;
        for (size_t i = 1; i <= extra; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        /* Reject overlong forms, surrogates and values past U+10FFFF. */
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += extra + 1;
        n++;
    }
    *chars = n;
    return true;
}

static bool fail(char *reason, size_t size, const char *msg)
{
    snprintf(reason, size, "%s", msg);
    return false;
}

static bool parse_reflist(const isms_field *f, const char *text, arena *a, isms_value *out,
                          char *reason, size_t rsize)
{
    int64_t *ids = arena_alloc(a, sizeof(int64_t) * REFLIST_MAX);
    size_t n = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ',' && *p != ' ')
            p++;
        char one[ISMS_HUMAN_ID_MAX];
        size_t len = (size_t)(p - start);
        if (len >= sizeof(one))
            return fail(reason, rsize, "an id in the list is too long");
        memcpy(one, start, len);
        one[len] = '\0';
        int64_t id;
        if (!human_id_parse(f->target, one, &id)) {
            snprintf(reason, rsize, "'%s' is not %s %s id (such as %s-1)", one,
                     kind_article(f->target), f->target->name, f->target->prefix);
            return false;
        }
        for (size_t i = 0; i < n; i++)
            if (ids[i] == id)
                return fail(reason, rsize, "the list names the same record twice");
        if (n == REFLIST_MAX)
            return fail(reason, rsize, "the list has more than 1000 entries");
        ids[n++] = id;
    }
    out->set = n > 0;
    out->ids = ids;
    out->n = n;
    return true;
}

bool value_parse(const isms_registry *reg, const isms_field *f, const char *text, arena *a,
                 isms_value *out, char *reason, size_t rsize)
{
    memset(out, 0, sizeof(*out));
    /* Blank text is no value: a rule that asks for text is not met by spaces. */
    if (text[strspn(text, " \t\r\n")] == '\0')
        return true;
    out->set = true;
    bool b;
    char dt[21];
    switch (f->type) {
    case FT_TEXT:
    case FT_LONGTEXT:
    case FT_ENUM:
        out->s = arena_strdup(a, text);
        return true;
    case FT_DATE:
        out->s = arena_strdup(a, text);
        return parse_date(text) || fail(reason, rsize, "expected a date as YYYY-MM-DD");
    case FT_DATETIME:
        if (!parse_datetime(text, dt))
            return fail(reason, rsize, "expected a date and time as YYYY-MM-DDTHH:MM:SSZ");
        out->s = arena_strdup(a, dt);
        return true;
    case FT_INT:
        return parse_int64(text, &out->i) || fail(reason, rsize, "expected a whole number");
    case FT_DECIMAL:
        return parse_decimal_micro(text, &out->i) ||
               fail(reason, rsize, "expected a number with at most 12 digits before and 6 "
                                   "after the decimal point");
    case FT_BOOL:
        if (!parse_bool(text, &b))
            return fail(reason, rsize, "expected true or false");
        out->i = b;
        return true;
    case FT_REF:
        if (human_id_parse(f->target, text, &out->i))
            return true;
        snprintf(reason, rsize, "expected a %s id (such as %s-1)", f->target->name,
                 f->target->prefix);
        return false;
    case FT_REFLIST:
        return parse_reflist(f, text, a, out, reason, rsize);
    case FT_ANYREF:
        return human_id_parse_any(reg, text, &out->kind, &out->i) ||
               fail(reason, rsize, "expected the id of a record (such as ISS-1)");
    case FT_COUNT:
        break;
    }
    return fail(reason, rsize, "unknown field type");
}

void value_format(const isms_field *f, const isms_value *v, strbuf *out)
{
    if (!v->set)
        return;
    char buf[32];
    switch (f->type) {
    case FT_INT:
        strbuf_printf(out, "%" PRId64, v->i);
        break;
    case FT_DECIMAL:
        format_decimal_micro(v->i, buf);
        strbuf_puts(out, buf);
        break;
    case FT_BOOL:
        strbuf_puts(out, v->i ? "true" : "false");
        break;
    case FT_REF:
        strbuf_printf(out, "%s-%" PRId64, f->target->prefix, v->i);
        break;
    case FT_REFLIST:
        for (size_t i = 0; i < v->n; i++)
            strbuf_printf(out, "%s%s-%" PRId64, i ? "," : "", f->target->prefix, v->ids[i]);
        break;
    case FT_ANYREF:
        strbuf_printf(out, "%s-%" PRId64, v->kind->prefix, v->i);
        break;
    default:
        strbuf_puts(out, v->s ? v->s : "");
        break;
    }
}

bool value_equal(const isms_field *f, const isms_value *a, const isms_value *b)
{
    if (a->set != b->set)
        return false;
    if (!a->set)
        return true;
    switch (f->type) {
    case FT_INT:
    case FT_DECIMAL:
    case FT_BOOL:
    case FT_REF:
        return a->i == b->i;
    case FT_ANYREF:
        return a->i == b->i && a->kind == b->kind;
    case FT_REFLIST:
        return a->n == b->n && memcmp(a->ids, b->ids, sizeof(int64_t) * a->n) == 0;
    default:
        return strcmp(a->s, b->s) == 0;
    }
}
