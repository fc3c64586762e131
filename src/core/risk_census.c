/* Counting risks per method version: store_count with a filter, one query per version. */
#include "core/risk_census.h"

#include "core/kinds/kinds.h"
#include "core/record.h"

static isms_err count_risks(store_conn *c, const char *field, isms_value v, int64_t *out,
                            isms_status *st)
{
    store_query q = {.kind = &kind_risk, .retired = STORE_ACTIVE_ONLY};
    if (field) {
        q.filters[0] = (store_filter){kind_field(&kind_risk, field), v};
        q.nfilters = 1;
    }
    return store_count(c, &q, out, st);
}

isms_err risk_census_take(store_conn *c, arena *a, risk_census *out, isms_status *st)
{
    *out = (risk_census){0};
    store_query q = {.kind = &kind_risk_method, .retired = STORE_WITH_RETIRED, .desc = true,
                     .limit = RISK_CENSUS_VERSIONS_MAX};
    store_page page;
    isms_err e = store_list(c, &q, a, &page, st);
    if (e != ISMS_OK)
        return e;
    out->versions = arena_alloc(a, sizeof(*out->versions) * (page.n ? page.n : 1));
    for (size_t i = 0; i < page.n && e == ISMS_OK; i++) {
        const isms_record *r = page.items[i];
        risk_version_count *v = &out->versions[out->nversions++];
        *v = (risk_version_count){.id = r->id, .title = record_title(r),
                                  .created_at = r->created_at, .in_force = !r->retired_at};
        e = count_risks(c, "method", (isms_value){.set = true, .i = r->id}, &v->risks, st);
    }
    if (e == ISMS_OK)
        e = count_risks(c, NULL, (isms_value){0}, &out->risks, st);
    if (e == ISMS_OK)
        e = count_risks(c, "reassess", (isms_value){.set = true, .i = 1}, &out->reassess, st);
    return e;
}
