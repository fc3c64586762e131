/* The risk method's versions, and the assets scored on its impact scale. */
#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/records.h"
#include "core/risk_current.h"
#include "core/risk_hooks.h"

void risk_method_validate(const isms_record *old, const isms_record *rec, isms_status *st)
{
    (void)old;
    const isms_value *def = record_value(rec, "definition");
    if (!def->set)
        return; /* "is required" comes from the generic rules */
    arena a;
    arena_init(&a);
    risk_method m;
    risk_method_parse(def->s, &a, &m, st);
    arena_dispose(&a);
}

static void set_int(isms_record *rec, const char *field, int64_t v)
{
    isms_value *val = record_value(rec, field);
    val->set = true;
    val->i = v;
}

void risk_method_derive(isms_record *rec)
{
    const isms_value *def = record_value(rec, "definition");
    if (!def->set)
        return;
    arena a;
    arena_init(&a);
    risk_method m;
    isms_status st;
    status_clear(&st);
    if (risk_method_parse(def->s, &a, &m, &st)) {
        set_int(rec, "likelihood_levels", m.nlikelihood);
        set_int(rec, "impact_levels", m.nimpact);
        set_int(rec, "risk_levels", m.nlevels);
    }
    arena_dispose(&a);
}

/* A new version that changes a scale's size may carry a map from the version it replaces. */
isms_err risk_method_prepare(store_txn *t, const isms_record *old, isms_record *rec, arena *a,
                             isms_status *st)
{
    (void)old;
    const isms_value *def = record_value(rec, "definition");
    const risk_method *now = def->set ? risk_method_parsed(def->s, a) : NULL;
    if (!now)
        return ISMS_OK; /* validation names the defects */
    const risk_method *prev;
    int64_t prev_id;
    isms_err e = risk_method_current(store_txn_conn(t), a, &prev, &prev_id, st);
    if (e != ISMS_OK || !prev)
        return e;
    risk_method_check_map(prev, now, st);
    return ISMS_OK;
}

/* The new score of a risk's pair of levels, or false when the method cannot carry it over. */
static bool map_pair(const risk_method *from, const risk_method *to, const isms_record *risk,
                     const char *lf, const char *if_, record_change *out, size_t *n,
                     const isms_kind *k)
{
    const isms_value *l = record_value(risk, lf), *i = record_value(risk, if_);
    if (!l->set || !i->set)
        return true;
    int nl, ni;
    if (!risk_method_map_levels(from, to, (int)l->i, (int)i->i, &nl, &ni))
        return false;
    out[(*n)++] = (record_change){kind_field(k, lf), {.set = true, .i = nl}};
    out[(*n)++] = (record_change){kind_field(k, if_), {.set = true, .i = ni}};
    return true;
}

/* One risk under the new version: its levels mapped, or marked to be scored again. */
static isms_err carry_over(store_txn *t, const isms_record *risk, const risk_method *to,
                           int64_t to_id, arena *a, isms_status *st)
{
    const isms_kind *k = &kind_risk;
    const isms_value *method = record_value(risk, "method");
    const risk_method *from = NULL;
    if (method->set) {
        isms_err e = risk_method_load(store_txn_conn(t), method->i, a, &from, st);
        if (e != ISMS_OK)
            return e;
    }
    record_change ch[6];
    size_t n = 0;
    bool ok = from && map_pair(from, to, risk, "likelihood", "impact", ch, &n, k) &&
              map_pair(from, to, risk, "residual_likelihood", "residual_impact", ch, &n, k);
    if (ok)
        ch[n++] = (record_change){kind_field(k, "method"), {.set = true, .i = to_id}};
    else {
        n = 0;
        ch[n++] = (record_change){kind_field(k, "reassess"), {.set = true, .i = 1}};
    }
    isms_record *out;
    return records_update_by_isms(t, k, risk->id, ch, n, a, &out, st);
}

/* Every risk in force moves to the new version, or is marked to reassess: none is left behind. */
isms_err risk_method_after_write(store_txn *t, const isms_record *old, const isms_record *rec,
                                 arena *a, isms_status *st)
{
    (void)old;
    const risk_method *to = risk_method_parsed(record_value(rec, "definition")->s, a);
    if (!to)
        return status_fail(st, ISMS_ESTORE, "the new risk method does not parse");
    store_query q = {.kind = &kind_risk, .limit = STORE_PAGE_MAX};
    for (;;) {
        arena page_arena;
        arena_init(&page_arena);
        store_page page;
        isms_err e = store_list(store_txn_conn(t), &q, &page_arena, &page, st);
        for (size_t i = 0; e == ISMS_OK && i < page.n; i++)
            e = carry_over(t, page.items[i], to, rec->id, &page_arena, st);
        const char *next = e == ISMS_OK && page.next_cursor ? arena_strdup(a, page.next_cursor)
                                                            : NULL;
        arena_dispose(&page_arena);
        if (e != ISMS_OK || !next)
            return e;
        q.cursor = next;
    }
}

isms_err asset_prepare(store_txn *t, const isms_record *old, isms_record *rec, arena *a,
                       isms_status *st)
{
    (void)old;
    const risk_method *m;
    int64_t id;
    isms_err e = risk_method_current(store_txn_conn(t), a, &m, &id, st);
    if (e != ISMS_OK || !m)
        return e;
    static const char *const needs[] = {"confidentiality", "integrity", "availability"};
    for (size_t i = 0; i < 3; i++) {
        const isms_value *v = record_value(rec, needs[i]);
        if (v->set && v->i > m->nimpact)
            status_field(st, needs[i], "must be between 1 and %d, the levels of the impact "
                         "scale of RM-%lld", m->nimpact, (long long)id);
    }
    return ISMS_OK;
}
