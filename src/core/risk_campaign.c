#include "core/risk_campaign.h"

#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/risk_current.h"

bool risk_campaigns_served(const isms_registry *reg)
{
    return registry_kind(reg, kind_risk_campaign.name) == &kind_risk_campaign &&
           registry_kind(reg, kind_risk_method.name) == &kind_risk_method;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool risk_date_add_months(const char *date, int months, char out[11])
{
    int y, m, d;
    if (!date || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
        d > 31 || months < 0 || months > 1200)
        return false;
    int total = y * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = days[m - 1] + (m == 2 && leap(y));
    if (d > last)
        d = last;
    char buf[48];
    if (y < 1 || y > 9999 || snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d) != 10)
        return false;
    memcpy(out, buf, 11);
    return true;
}

static const char *due_reason(const risk_due *d, arena *a)
{
    if (!d->interval_months)
        return "no risk method is in force: there is nothing to assess against";
    if (!d->last_campaign)
        return "no assessment has been closed yet";
    if (d->due)
        return arena_printf(a, "the last assessment, CMP-%lld, closed on %.10s; the method asks "
                            "for one every %d months (due since %s)", (long long)d->last_campaign,
                            d->last_closed_at, d->interval_months, d->next_due);
    return arena_printf(a, "the last assessment, CMP-%lld, closed on %.10s; the next is due on %s",
                        (long long)d->last_campaign, d->last_closed_at, d->next_due);
}

isms_err risk_due_check(store_conn *c, const char *today, arena *a, risk_due *out,
                        isms_status *st)
{
    memset(out, 0, sizeof(*out));
    if (!risk_campaigns_served(store_conn_registry(c))) {
        out->reason = "this ISMS keeps no risk register";
        return ISMS_OK;
    }
    const risk_method *m;
    int64_t method_id;
    isms_err e = risk_method_current(c, a, &m, &method_id, st);
    if (e != ISMS_OK)
        return e;
    risk_campaign_state cs;
    e = store_risk_campaign_state(c, a, &cs, st);
    if (e != ISMS_OK)
        return e;
    out->last_campaign = cs.last_closed;
    out->last_closed_at = cs.last_closed_at;
    out->open_campaign = cs.open;
    if (m) {
        out->interval_months = m->interval_months;
        if (!cs.last_closed)
            out->due = true;
        else if (risk_date_add_months(cs.last_closed_at, m->interval_months, out->next_due))
            out->due = strncmp(today, out->next_due, 10) > 0;
    }
    out->reason = due_reason(out, a);
    return ISMS_OK;
}

isms_err risk_campaign_closed_check(store_conn *c, int64_t id, const char *field, arena *a,
                                    isms_status *st)
{
    /* Its own status: an error about the other parameter may already be in st. */
    isms_status own;
    status_clear(&own);
    isms_record *rec;
    isms_err e = store_get(c, &kind_risk_campaign, id, a, &rec, &own);
    if (e == ISMS_ENOTFOUND)
        return status_field(st, field, "CMP-%lld: no such assessment campaign", (long long)id);
    if (e != ISMS_OK) {
        *st = own;
        return e;
    }
    const char *s = record_value(rec, "status")->s;
    if (!s || strcmp(s, "closed") != 0)
        return status_field(st, field,
                            "CMP-%lld is open: it has no snapshot until it is closed",
                            (long long)id);
    return ISMS_OK;
}

typedef struct compare_walk {
    risk_comparison *out;
    arena *a;
    int64_t after, limit;
} compare_walk;

static bool changed(const risk_compare_row *r)
{
    return r->change != RISK_UNCHANGED || r->residual_change != RISK_UNCHANGED;
}

static bool count_row(const risk_compare_row *r, void *arg)
{
    compare_walk *w = arg;
    risk_comparison *o = w->out;
    int64_t *counts[] = {[RISK_UNCHANGED] = &o->unchanged, [RISK_NEW] = &o->news,
                         [RISK_CLOSED] = &o->closed, [RISK_RAISED] = &o->raised,
                         [RISK_LOWERED] = &o->lowered};
    (*counts[r->change])++;
    o->residual_raised += r->residual_change == RISK_RAISED;
    o->residual_lowered += r->residual_change == RISK_LOWERED;
    if (!changed(r) || r->risk_id <= w->after)
        return true;
    if (o->n == (size_t)w->limit) {
        o->next_after = o->rows[o->n - 1].risk_id;
        return true;
    }
    risk_compare_row *x = &o->rows[o->n++];
    *x = *r;
    x->title = r->title ? arena_strdup(w->a, r->title) : NULL;
    x->label_from = r->label_from ? arena_strdup(w->a, r->label_from) : NULL;
    x->label_to = r->label_to ? arena_strdup(w->a, r->label_to) : NULL;
    return true;
}

isms_err risk_compare(store_conn *c, int64_t from, int64_t to, int64_t after, int64_t limit,
                      arena *a, risk_comparison *out, isms_status *st)
{
    memset(out, 0, sizeof(*out));
    out->from = from;
    out->to = to;
    if (limit < 1 || limit > RISK_COMPARE_PAGE_MAX)
        status_field(st, "limit", "must be 1 to %d", RISK_COMPARE_PAGE_MAX);
    isms_err e = risk_campaign_closed_check(c, from, "from", a, st);
    if (e == ISMS_OK || e == ISMS_EINVALID)
        e = risk_campaign_closed_check(c, to, "to", a, st);
    if (e == ISMS_OK && from == to)
        e = status_field(st, "to", "is the same campaign as from: compare two campaigns");
    if (e != ISMS_OK || st->code != ISMS_OK)
        return e != ISMS_OK ? e : st->code;
    out->rows = arena_alloc(a, (size_t)limit * sizeof(*out->rows));
    compare_walk w = {out, a, after, limit};
    return store_risk_compare_each(c, from, to, count_row, &w, st);
}

const char *risk_change_name(risk_change ch)
{
    static const char *const names[] = {[RISK_UNCHANGED] = "unchanged", [RISK_NEW] = "new",
                                        [RISK_CLOSED] = "closed", [RISK_RAISED] = "raised",
                                        [RISK_LOWERED] = "lowered"};
    return names[ch];
}
