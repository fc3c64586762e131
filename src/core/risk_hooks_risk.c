/* Risks scored under the method in force, and the treatment actions that serve them. */
#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/risk_current.h"
#include "core/risk_hooks.h"
#include "core/risk_lists.h"
#include "core/value.h"

void risk_validate(const isms_record *old, const isms_record *rec, isms_status *st)
{
    unsigned treatment;
    control_set controls;
    treatment_parse(record_value(rec, "treatment")->s, &treatment, "treatment", st);
    controls_parse(record_value(rec, "controls")->s, &controls, "controls", st);
    const isms_value *rl = record_value(rec, "residual_likelihood");
    const isms_value *ri = record_value(rec, "residual_impact");
    if (rl->set != ri->set)
        status_field(st, rl->set ? "residual_impact" : "residual_likelihood",
                     "is needed with the other residual score: give both or neither");
    /* "accepted" is a state someone signs (risk-acceptance), not one typed in. */
    const char *status = record_value(rec, "status")->s;
    const char *was = old ? record_value(old, "status")->s : NULL;
    const char *acceptance = record_value(rec, "acceptance")->s;
    if (status && strcmp(status, "accepted") == 0 && (!was || strcmp(was, "accepted") != 0) &&
        (!acceptance || strcmp(acceptance, "accepted") != 0))
        status_field(st, "status", "can be accepted only once the residual risk is signed as "
                                   "accepted (isms risk accept)");
}

void risk_action_validate(const isms_record *old, const isms_record *rec, isms_status *st)
{
    (void)old;
    control_set controls;
    controls_parse(record_value(rec, "controls")->s, &controls, "controls", st);
}

static bool int_changed(const isms_record *old, const isms_record *rec, const char *field)
{
    const isms_value *a = record_value(old, field), *b = record_value(rec, field);
    return a->set != b->set || (a->set && a->i != b->i);
}

static bool scores_changed(const isms_record *old, const isms_record *rec)
{
    return int_changed(old, rec, "likelihood") || int_changed(old, rec, "impact") ||
           int_changed(old, rec, "residual_likelihood") ||
           int_changed(old, rec, "residual_impact");
}

static void set_level(isms_record *rec, const char *field, const char *label_field, int level,
                      const risk_method *m)
{
    isms_value *v = record_value(rec, field), *label = record_value(rec, label_field);
    v->set = level > 0;
    v->i = level;
    label->set = level > 0;
    label->s = level > 0 ? risk_method_level_def(m, level)->label : NULL;
}

/* The level of a pair of scores under m, with a field error for a score off m's scales. */
static int score_pair(isms_record *rec, const char *lf, const char *if_, const risk_method *m,
                      int64_t method_id, isms_status *st)
{
    const isms_value *l = record_value(rec, lf), *i = record_value(rec, if_);
    if (!l->set || !i->set)
        return 0;
    if (l->i > m->nlikelihood)
        status_field(st, lf, "must be between 1 and %d, the likelihood levels of RM-%lld",
                     m->nlikelihood, (long long)method_id);
    if (i->i > m->nimpact)
        status_field(st, if_, "must be between 1 and %d, the impact levels of RM-%lld",
                     m->nimpact, (long long)method_id);
    return risk_method_level(m, (int)l->i, (int)i->i);
}

static void score(isms_record *rec, const risk_method *m, int64_t method_id, isms_status *st)
{
    set_level(rec, "level", "level_label", score_pair(rec, "likelihood", "impact", m, method_id, st), m);
    set_level(rec, "residual_level", "residual_level_label",
              score_pair(rec, "residual_likelihood", "residual_impact", m, method_id, st), m);
    isms_value *method = record_value(rec, "method");
    method->set = true;
    method->i = method_id;
    record_value(rec, "reassess")->set = true;
    record_value(rec, "reassess")->i = 0;
}

/* A level the method says must be treated, with no treatment chosen, is flagged. */
static void flag_untreated(isms_record *rec, const risk_method *m)
{
    const isms_value *level = record_value(rec, "level");
    unsigned treatment = 0;
    isms_status ignored;
    status_clear(&ignored);
    treatment_parse(record_value(rec, "treatment")->s, &treatment, "treatment", &ignored);
    const risk_level *def = level->set ? risk_method_level_def(m, (int)level->i) : NULL;
    isms_value *flag = record_value(rec, "untreated");
    flag->set = true;
    flag->i = def && def->acceptance == RISK_MUST_TREAT && treatment == 0;
}

/* A signed acceptance covers what was signed: a change to any of it is shown, never hidden. */
static void invalidate_acceptance(const isms_record *old, isms_record *rec, arena *a)
{
    const char *was = record_value(old, "acceptance")->s;
    if (!was || (strcmp(was, "accepted") != 0 && strcmp(was, "pending") != 0))
        return;
    if (!risk_accepted_terms_differ(old, rec))
        return;
    isms_value *state = record_value(rec, "acceptance");
    if (strcmp(state->s ? state->s : "", was) != 0) /* set by the acceptance itself */
        return;
    state->s = arena_strdup(a, "invalidated");
    isms_value *until = record_value(rec, "accepted_until");
    until->set = false;
    until->s = NULL;
}

isms_err risk_prepare(store_txn *t, const isms_record *old, isms_record *rec, arena *a,
                      isms_status *st)
{
    const risk_method *m;
    int64_t id;
    isms_err e = risk_method_in_force(t, &m, &id, st);
    if (e != ISMS_OK)
        return e;
    if (!m)
        return status_field(st, "likelihood", "cannot be scored: no risk method is in force "
                            "(isms risk-method create, or isms init writes the default)"),
               ISMS_OK;
    const isms_value *method = record_value(rec, "method");
    bool under_current = method->set && method->i == id;
    const risk_method *scored_under = m;
    if (!old || under_current || scores_changed(old, rec))
        score(rec, m, id, st);
    else if (method->set) /* still on an older version, marked to reassess */
        e = risk_method_load(store_txn_conn(t), method->i, a, &scored_under, st);
    if (e != ISMS_OK)
        return e;
    flag_untreated(rec, scored_under);
    if (old)
        invalidate_acceptance(old, rec, a);
    return ISMS_OK;
}
