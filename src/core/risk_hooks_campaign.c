/*
 * Assessment campaigns (8.2): opened under the method in force, answered by
 * risk owners, and closed with an immutable snapshot of the register.
 */
#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/risk_current.h"
#include "core/risk_hooks.h"
#include "core/roles.h"
#include "store/store_risk.h"

static bool is(const isms_record *rec, const char *field, const char *value)
{
    const char *s = record_value(rec, field)->s;
    return s && strcmp(s, value) == 0;
}

static isms_err open_campaign(store_txn *t, isms_record *rec, arena *a, isms_status *st)
{
    const risk_method *m;
    int64_t id;
    isms_err e = risk_method_current(store_txn_conn(t), a, &m, &id, st);
    if (e != ISMS_OK)
        return e;
    if (!m)
        status_field(st, "trigger", "no risk method is in force to assess against");
    if (is(rec, "status", "closed"))
        status_field(st, "status", "a new assessment starts open; close it when answered");
    isms_value *method = record_value(rec, "method");
    method->set = id != 0;
    method->i = id;
    return ISMS_OK;
}

/* Closing takes the snapshot; after that the campaign is evidence and does not change. */
isms_err risk_campaign_prepare(store_txn *t, const isms_record *old, isms_record *rec, arena *a,
                               isms_status *st)
{
    if (!old)
        return open_campaign(t, rec, a, st);
    if (is(old, "status", "closed"))
        return status_fail(st, ISMS_ECONFLICT, "CMP-%lld is closed: its snapshot is kept as it "
                           "was taken", (long long)rec->id);
    if (!is(rec, "status", "closed"))
        return ISMS_OK;
    int64_t n = 0;
    isms_err e = store_risk_snapshot_take(t, rec->id, &n, st);
    if (e != ISMS_OK)
        return e;
    isms_value *closed = record_value(rec, "closed_at"), *total = record_value(rec, "risks_total");
    closed->set = true;
    closed->s = arena_strdup(a, store_txn_ctx(t)->now);
    total->set = true;
    total->i = n;
    return ISMS_OK;
}

static void copy_int(isms_record *to, const isms_record *from, const char *field)
{
    *record_value(to, field) = *record_value(from, field);
}

isms_err risk_review_prepare(store_txn *t, const isms_record *old, isms_record *rec, arena *a,
                             isms_status *st)
{
    (void)old;
    const isms_value *cid = record_value(rec, "campaign"), *rid = record_value(rec, "risk");
    if (!cid->set || !rid->set)
        return ISMS_OK;
    store_conn *c = store_txn_conn(t);
    isms_record *campaign, *risk;
    isms_err e = store_get(c, &kind_risk_campaign, cid->i, a, &campaign, st);
    if (e == ISMS_OK)
        e = store_get(c, &kind_risk, rid->i, a, &risk, st);
    if (e == ISMS_ENOTFOUND)
        return status_clear(st), ISMS_OK; /* the reference check names it */
    if (e != ISMS_OK)
        return e;
    if (is(campaign, "status", "closed"))
        status_field(st, "campaign", "CMP-%lld is closed", (long long)campaign->id);
    const isms_principal *p = store_txn_ctx(t)->principal;
    if (p && !(p->roles & UR_MANAGER) && record_value(risk, "owner")->i != p->person_id)
        status_field(st, "risk", "RSK-%lld is answered by its owner (or an ISMS manager)",
                     (long long)risk->id);
    if (is(rec, "outcome", "confirmed") && record_value(risk, "reassess")->i)
        status_field(st, "outcome", "RSK-%lld must be scored again under the method in force; "
                     "re-score it, then answer \"rescored\"", (long long)risk->id);
    copy_int(rec, risk, "likelihood");
    copy_int(rec, risk, "impact");
    copy_int(rec, risk, "level");
    isms_value *title = record_value(rec, "title");
    title->set = true;
    title->s = arena_printf(a, "RSK-%lld %s in CMP-%lld", (long long)risk->id,
                            record_value(rec, "outcome")->s ? record_value(rec, "outcome")->s : "answered",
                            (long long)campaign->id);
    return ISMS_OK;
}
