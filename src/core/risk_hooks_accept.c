/*
 * Signed acceptance of a risk's treatment plan and residual risk (6.1.3 f,
 * 8.3). The risk owner always signs; top management signs as well where the
 * method's level asks it, or grants an exception for a level that must be
 * treated, if the method allows exceptions. What was signed is copied into
 * the acceptance, and the risk's `acceptance` state follows from the
 * acceptances that still match it.
 */
#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/records.h"
#include "core/risk_current.h"
#include "core/risk_hooks.h"
#include "core/risk_lists.h"
#include "core/roles.h"

static bool same_int(const isms_record *a, const isms_record *b, const char *fa, const char *fb)
{
    const isms_value *x = record_value(a, fa), *y = record_value(b, fb);
    return x->set == y->set && (!x->set || x->i == y->i);
}

static bool same_treatment(const isms_record *a, const isms_record *b)
{
    unsigned x, y;
    isms_status st;
    status_clear(&st);
    return treatment_parse(record_value(a, "treatment")->s, &x, "treatment", &st) &&
           treatment_parse(record_value(b, "treatment")->s, &y, "treatment", &st) && x == y;
}

static bool same_controls(const isms_record *a, const isms_record *b)
{
    control_set x, y;
    isms_status st;
    status_clear(&st);
    return controls_parse(record_value(a, "controls")->s, &x, "controls", &st) &&
           controls_parse(record_value(b, "controls")->s, &y, "controls", &st) &&
           control_set_equal(&x, &y);
}

/* a and b may be two risks, or an acceptance and a risk: the fields share their names. */
unsigned risk_accepted_terms_changed(const isms_record *a, const isms_record *b)
{
    unsigned changed = 0;
    if (!same_int(a, b, "residual_likelihood", "residual_likelihood"))
        changed |= ACCEPTED_RESIDUAL_LIKELIHOOD;
    if (!same_int(a, b, "residual_impact", "residual_impact"))
        changed |= ACCEPTED_RESIDUAL_IMPACT;
    if (!same_treatment(a, b))
        changed |= ACCEPTED_TREATMENT;
    if (!same_controls(a, b))
        changed |= ACCEPTED_CONTROLS;
    return changed;
}

static bool terms_equal(const isms_record *a, const isms_record *b)
{
    return risk_accepted_terms_changed(a, b) == 0;
}

bool risk_accepted_terms_differ(const isms_record *a, const isms_record *b)
{
    return !terms_equal(a, b);
}

acceptance_validity risk_acceptance_validity(const isms_record *acc, const isms_record *risk,
                                             const char *today)
{
    if (acc->retired_at)
        return ACCEPTANCE_RETIRED;
    if (!terms_equal(acc, risk))
        return ACCEPTANCE_CHANGED;
    const isms_value *expires = record_value(acc, "expires");
    if (expires->set && strncmp(expires->s, today, 10) < 0)
        return ACCEPTANCE_EXPIRED;
    return ACCEPTANCE_VALID;
}

static void set_text(isms_record *rec, const char *field, const char *s, arena *a)
{
    isms_value *v = record_value(rec, field);
    v->set = s != NULL;
    v->s = s ? arena_strdup(a, s) : NULL;
}

static void copy_value(isms_record *to, const char *field, const isms_record *from,
                       const char *from_field)
{
    *record_value(to, field) = *record_value(from, from_field);
}

/* Who may sign in this role, and as which person. */
static bool signer_may(const isms_principal *p, const char *role, const isms_record *risk,
                       const isms_record *person, isms_status *st)
{
    if (strcmp(role, "owner") == 0 && record_value(risk, "owner")->i != p->person_id)
        return status_field(st, "role", "only the risk owner signs as owner; %s is not the "
                            "owner of RSK-%lld", p->name, (long long)risk->id), false;
    if (strcmp(role, "top-management") == 0 && !record_value(person, "top_management")->i)
        return status_field(st, "role", "%s does not belong to top management (the person's "
                            "top_management flag)", record_title(person)), false;
    return true;
}

/* What the method's level allows: an exception only from top management, within its limit. */
static void check_rules(const isms_record *acc, const isms_record *risk, const risk_method *m,
                        const char *today, isms_status *st)
{
    const isms_value *level = record_value(risk, "residual_level");
    const risk_level *def = level->set ? risk_method_level_def(m, (int)level->i) : NULL;
    bool exception = record_value(acc, "exception")->i;
    const isms_value *until = record_value(acc, "exception_until");
    const char *role = record_value(acc, "role")->s;
    if (!def)
        return;
    bool must_treat = def->acceptance == RISK_MUST_TREAT;
    /* Without an exception a level that must be treated could never become accepted. */
    if (must_treat && !m->management_exception)
        status_field(st, "risk", "RSK-%lld's residual level %s must be treated, and the method "
                     "in force allows no exception", (long long)risk->id, def->label);
    else if (must_treat && !exception && strcmp(role, "top-management") == 0)
        status_field(st, "exception", "is needed: the residual level %s must be treated, so top "
                     "management accepts it only as a time-limited exception", def->label);
    if (exception && !must_treat)
        status_field(st, "exception", "is only for a residual level the method says must be "
                     "treated; %s is not one", def->label);
    if (exception && strcmp(role, "top-management") != 0)
        status_field(st, "exception", "is granted by top management only");
    if (exception && !m->management_exception)
        status_field(st, "exception", "the risk method in force does not allow exceptions");
    if (exception && !until->set)
        status_field(st, "exception_until", "is required for an exception");
    if (exception && until->set) {
        char limit[32];
        clock_rfc3339_from_now(limit, (int64_t)m->exception_max_days * 86400);
        if (strncmp(until->s, limit, 10) > 0 || strncmp(until->s, today, 10) < 0)
            status_field(st, "exception_until", "must be between today and %.10s (the method "
                         "allows %d days)", limit, m->exception_max_days);
    }
    if (!exception && until->set)
        status_field(st, "exception_until", "is only for an exception");
}

/* The acceptance's copy of what is signed, and its expiry. */
static void copy_terms(isms_record *acc, const isms_record *risk, arena *a)
{
    copy_value(acc, "residual_likelihood", risk, "residual_likelihood");
    copy_value(acc, "residual_impact", risk, "residual_impact");
    copy_value(acc, "residual_level", risk, "residual_level");
    copy_value(acc, "treatment", risk, "treatment");
    copy_value(acc, "controls", risk, "controls");
    copy_value(acc, "method", risk, "method");
    isms_value *v = record_value(acc, "risk_version");
    v->set = true;
    v->i = risk->version;
    const isms_value *review = record_value(risk, "review_date");
    const isms_value *until = record_value(acc, "exception_until");
    const char *expires = review->s;
    if (until->set && record_value(acc, "exception")->i &&
        (!expires || strcmp(until->s, expires) < 0))
        expires = until->s;
    set_text(acc, "expires", expires, a);
    char title[240];
    snprintf(title, sizeof(title), "RSK-%lld residual %s accepted by %s", (long long)risk->id,
             record_value(risk, "residual_level_label")->s ? record_value(risk, "residual_level_label")->s : "",
             record_value(acc, "role")->s);
    set_text(acc, "title", title, a);
}

/* The risk must be ready to accept: residual scored, treatment chosen, a review date. */
static bool risk_ready(const isms_record *risk, isms_status *st)
{
    if (risk->retired_at)
        return status_field(st, "risk", "RSK-%lld is retired", (long long)risk->id), false;
    if (record_value(risk, "reassess")->i)
        status_field(st, "risk", "RSK-%lld must be scored again under the method in force first",
                     (long long)risk->id);
    if (!record_value(risk, "residual_level")->set)
        status_field(st, "risk", "RSK-%lld has no residual likelihood and impact to accept",
                     (long long)risk->id);
    if (!record_value(risk, "treatment")->set)
        status_field(st, "risk", "RSK-%lld has no treatment chosen: the owner signs the "
                     "treatment plan with the residual risk", (long long)risk->id);
    if (!record_value(risk, "review_date")->set)
        status_field(st, "risk", "RSK-%lld needs a next review date: the acceptance expires then",
                     (long long)risk->id);
    return st->code == ISMS_OK;
}

isms_err risk_acceptance_prepare(store_txn *t, const isms_record *old, isms_record *rec,
                                 arena *a, isms_status *st)
{
    (void)old;
    const isms_write_ctx *ctx = store_txn_ctx(t);
    const isms_principal *p = ctx->principal;
    if (!ctx->signed_act || !p)
        return status_fail(st, ISMS_EFORBIDDEN, "a risk acceptance is signed with the signer's "
                           "own credentials: isms risk accept, POST /api/v1/risks/{id}/accept, "
                           "or the risk's page");
    if (!p->person_id)
        return status_fail(st, ISMS_EFORBIDDEN, "%s is not linked to a person, so cannot sign "
                           "as risk owner or top management (isms user set --person)", p->name);
    const isms_value *risk_id = record_value(rec, "risk");
    const char *role = record_value(rec, "role")->s;
    if (!risk_id->set || !role)
        return ISMS_OK; /* "is required" comes from the generic rules */
    store_conn *c = store_txn_conn(t);
    isms_record *risk, *person;
    isms_err e = store_get(c, &kind_risk, risk_id->i, a, &risk, st);
    if (e == ISMS_ENOTFOUND)
        return status_clear(st), status_field(st, "risk", "RSK-%lld does not exist",
                                               (long long)risk_id->i), ISMS_OK;
    if (e == ISMS_OK)
        e = store_get(c, &kind_person, p->person_id, a, &person, st);
    if (e != ISMS_OK)
        return e;
    if (!risk_ready(risk, st) || !signer_may(p, role, risk, person, st))
        return ISMS_OK;
    const risk_method *m;
    e = risk_method_load(c, record_value(risk, "method")->i, a, &m, st);
    if (e != ISMS_OK)
        return e;
    check_rules(rec, risk, m, ctx->now, st);
    record_value(rec, "signer")->set = true;
    record_value(rec, "signer")->i = p->person_id;
    set_text(rec, "signed_by_user", p->name, a);
    copy_terms(rec, risk, a);
    return ISMS_OK;
}

/* Which signatures the residual level needs, from the method the risk was scored under. */
static void signatures_needed(const isms_record *risk, const risk_method *m, bool *management)
{
    const isms_value *level = record_value(risk, "residual_level");
    const risk_level *def = level->set ? risk_method_level_def(m, (int)level->i) : NULL;
    *management = def && (def->management_signs || def->acceptance == RISK_MUST_TREAT);
}

typedef struct signatures {
    bool owner, management;
    const char *until; /* the earliest expiry among them */
} signatures;

static void count_signature(signatures *s, const isms_record *acc, arena *a)
{
    const char *role = record_value(acc, "role")->s;
    const char *expires = record_value(acc, "expires")->s;
    if (strcmp(role, "owner") == 0)
        s->owner = true;
    else
        s->management = true;
    if (expires && (!s->until || strcmp(expires, s->until) < 0))
        s->until = arena_strdup(a, expires);
}

/* The acceptances of risk in force that still match it. */
static isms_err valid_signatures(store_conn *c, const isms_record *risk, const char *today,
                                 arena *a, signatures *out, isms_status *st)
{
    store_query q = {.kind = &kind_risk_acceptance, .limit = STORE_PAGE_MAX, .nfilters = 1};
    q.filters[0] = (store_filter){kind_field(&kind_risk_acceptance, "risk"),
                                  {.set = true, .i = risk->id}};
    *out = (signatures){0};
    for (;;) {
        store_page page;
        isms_err e = store_list(c, &q, a, &page, st);
        if (e != ISMS_OK)
            return e;
        for (size_t i = 0; i < page.n; i++)
            if (risk_acceptance_validity(page.items[i], risk, today) == ACCEPTANCE_VALID &&
                record_value(page.items[i], "risk_version")->i >= 1)
                count_signature(out, page.items[i], a);
        if (!page.next_cursor)
            return ISMS_OK;
        q.cursor = page.next_cursor;
    }
}

isms_err risk_acceptance_after_write(store_txn *t, const isms_record *old,
                                     const isms_record *rec, arena *a, isms_status *st)
{
    (void)old;
    store_conn *c = store_txn_conn(t);
    isms_record *risk;
    isms_err e = store_get(c, &kind_risk, record_value(rec, "risk")->i, a, &risk, st);
    const risk_method *m = NULL;
    if (e == ISMS_OK)
        e = risk_method_load(c, record_value(risk, "method")->i, a, &m, st);
    signatures sig;
    if (e == ISMS_OK)
        e = valid_signatures(c, risk, store_txn_ctx(t)->now, a, &sig, st);
    if (e != ISMS_OK)
        return e;
    bool management;
    signatures_needed(risk, m, &management);
    bool accepted = sig.owner && (!management || sig.management);
    const isms_kind *k = &kind_risk;
    record_change ch[2] = {
        {kind_field(k, "acceptance"), {.set = true, .s = accepted ? "accepted" : "pending"}},
        {kind_field(k, "accepted_until"), {.set = accepted && sig.until, .s = accepted ? sig.until : NULL}},
    };
    isms_record *out;
    return records_update_by_isms(t, k, risk->id, ch, 2, a, &out, st);
}
