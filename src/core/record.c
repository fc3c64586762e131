#include "core/record.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/roles.h"
#include "core/value.h"

isms_record *record_new(arena *a, const isms_kind *k)
{
    isms_record *r = arena_alloc(a, sizeof(*r));
    r->kind = k;
    r->values = arena_alloc(a, sizeof(isms_value) * (k->nfields ? k->nfields : 1));
    return r;
}

isms_record *record_clone(arena *a, const isms_record *src)
{
    isms_record *r = record_new(a, src->kind);
    isms_value *vals = r->values;
    *r = *src;
    r->values = vals;
    r->created_at = arena_strdup(a, src->created_at);
    r->created_by = arena_strdup(a, src->created_by);
    r->updated_at = arena_strdup(a, src->updated_at);
    r->updated_by = arena_strdup(a, src->updated_by);
    r->retired_at = arena_strdup(a, src->retired_at);
    r->retired_by = arena_strdup(a, src->retired_by);
    r->retired_reason = arena_strdup(a, src->retired_reason);
    for (size_t i = 0; i < src->kind->nfields; i++) {
        isms_value *d = &r->values[i];
        *d = src->values[i];
        d->s = arena_strdup(a, src->values[i].s);
        if (src->values[i].n) {
            int64_t *ids = arena_alloc(a, sizeof(int64_t) * src->values[i].n);
            memcpy(ids, src->values[i].ids, sizeof(int64_t) * src->values[i].n);
            d->ids = ids;
        }
    }
    return r;
}

isms_value *record_value(const isms_record *r, const char *field)
{
    const isms_field *f = kind_field(r->kind, field);
    return f ? &r->values[kind_field_index(r->kind, f)] : NULL;
}

const char *record_title(const isms_record *r)
{
    const isms_field *f = kind_role_field(r->kind, ROLE_TITLE);
    const isms_value *v = &r->values[kind_field_index(r->kind, f)];
    return v->set && v->s ? v->s : "";
}

void human_id_format(char *buf, const isms_kind *k, int64_t id)
{
    snprintf(buf, ISMS_HUMAN_ID_MAX, "%s-%lld", k->prefix, (long long)id);
}

char *human_id(arena *a, const isms_kind *k, int64_t id)
{
    char *buf = arena_alloc(a, ISMS_HUMAN_ID_MAX);
    human_id_format(buf, k, id);
    return buf;
}

/* Positive decimal without sign or leading zeros, at most 15 digits. */
static bool parse_id_number(const char *p, int64_t *out)
{
    if (!isdigit((unsigned char)*p) || *p == '0')
        return false;
    int64_t v = 0;
    size_t n = 0;
    for (; isdigit((unsigned char)*p); p++, n++) {
        if (n == 15)
            return false;
        v = v * 10 + (*p - '0');
    }
    if (*p)
        return false;
    *out = v;
    return true;
}

bool human_id_parse(const isms_kind *k, const char *text, int64_t *out)
{
    size_t plen = strlen(k->prefix);
    if (strncasecmp(text, k->prefix, plen) == 0 && text[plen] == '-')
        text += plen + 1;
    return parse_id_number(text, out);
}

bool human_id_parse_any(const isms_registry *reg, const char *text, const isms_kind **kind,
                        int64_t *id)
{
    const char *dash = strchr(text, '-');
    if (!dash)
        return false;
    const isms_kind *k = registry_kind_by_prefix(reg, text, (size_t)(dash - text));
    if (!k || !parse_id_number(dash + 1, id))
        return false;
    *kind = k;
    return true;
}

void clock_now_rfc3339(char buf[32])
{
    clock_rfc3339_from_now(buf, 0);
}

void clock_rfc3339_from_now(char buf[32], int64_t offset_s)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    time_t t = ts.tv_sec + (time_t)offset_s;
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

void write_ctx_init(isms_write_ctx *ctx, const char *actor, const char *channel)
{
    ctx->actor = actor;
    ctx->channel = channel;
    ctx->principal = NULL;
    ctx->signed_act = false; /* only a signing act sets it, after the credentials are proved */
    clock_now_rfc3339(ctx->now);
}

void write_ctx_for(isms_write_ctx *ctx, const isms_principal *p, const char *channel)
{
    write_ctx_init(ctx, p->name, channel);
    ctx->principal = p;
}
