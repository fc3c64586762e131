/* Signing and reading risk acceptances, for every face (core/risk_accept.h). */
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/risk_accept.h"
#include "core/validate.h"
#include "core/value.h"

static void parse_into(isms_record *rec, const char *field, const char *text, arena *a,
                       isms_status *st)
{
    const isms_field *f = kind_field(rec->kind, field);
    char why[ISMS_REASON_MAX];
    if (text && !value_parse(registry_default(), f, text, a, record_value(rec, field), why,
                             sizeof(why)))
        status_field(st, field, "%s", why);
}

isms_record *risk_acceptance_new(arena *a, int64_t risk_id, const char *role,
                                 const char *rationale, bool exception,
                                 const char *exception_until, isms_status *st)
{
    isms_record *rec = record_new(a, &kind_risk_acceptance);
    *record_value(rec, "risk") = (isms_value){.set = risk_id > 0, .i = risk_id};
    parse_into(rec, "role", role, a, st);
    parse_into(rec, "rationale", rationale, a, st);
    parse_into(rec, "exception_until", exception_until, a, st);
    *record_value(rec, "exception") = (isms_value){.set = true, .i = exception};
    if (exception && !exception_until)
        status_field(st, "exception_until", "is required for an exception");
    if (!exception && exception_until && exception_until[0])
        status_field(st, "exception_until", "is only for an exception");
    record_validate(NULL, rec, st); /* required fields, the role's values, lengths */
    return rec;
}

const char *risk_acceptance_validity_name(acceptance_validity v)
{
    static const char *const names[] = {"valid", "changed", "expired", "retired"};
    return (size_t)v < sizeof(names) / sizeof(names[0]) ? names[v] : "valid";
}

/* Every record of k matching one filter, retired too, up to max. */
static isms_err list_by(store_conn *c, const isms_kind *k, const char *field, int64_t id,
                        bool newest_first, arena *a, isms_record ***out, size_t *n,
                        isms_status *st)
{
    store_query q = {.kind = k, .limit = STORE_PAGE_MAX, .nfilters = 1,
                     .retired = STORE_WITH_RETIRED};
    const isms_field *f = kind_field(k, field);
    int64_t *one = arena_alloc(a, sizeof(*one));
    *one = id;
    q.filters[0] = (store_filter){f, f->type == FT_REFLIST
                                         ? (isms_value){.set = true, .ids = one, .n = 1}
                                         : (isms_value){.set = true, .i = id}};
    q.desc = newest_first;
    store_page page;
    isms_err e = store_list(c, &q, a, &page, st);
    *out = e == ISMS_OK ? page.items : NULL;
    *n = e == ISMS_OK ? page.n : 0;
    return e;
}

isms_err risk_acceptances_of(store_conn *c, int64_t risk_id, arena *a, isms_record ***out,
                             size_t *n, isms_status *st)
{
    return list_by(c, &kind_risk_acceptance, "risk", risk_id, true, a, out, n, st);
}

static bool action_open(const isms_record *act)
{
    const char *status = record_value(act, "status")->s;
    return !act->retired_at && status && strcmp(status, "done") != 0 &&
           strcmp(status, "cancelled") != 0;
}

isms_err risk_overdue_actions(store_conn *c, int64_t risk_id, const char *today, arena *a,
                              isms_record ***out, size_t *n, isms_status *st)
{
    isms_record **all;
    size_t nall;
    isms_err e = list_by(c, &kind_risk_action, "risks", risk_id, false, a, &all, &nall, st);
    *n = 0;
    *out = all;
    for (size_t i = 0; e == ISMS_OK && i < nall; i++) {
        const char *due = record_value(all[i], "due_date")->s;
        if (action_open(all[i]) && due && strncmp(due, today, 10) < 0)
            all[(*n)++] = all[i];
    }
    return e;
}

const char *risk_acceptance_state_now(const isms_record *risk, const char *today)
{
    const char *state = record_value(risk, "acceptance")->s;
    const isms_value *until = record_value(risk, "accepted_until");
    if (!state)
        return "none";
    if (strcmp(state, "accepted") == 0 && until->set && strncmp(until->s, today, 10) < 0)
        return "expired";
    return state;
}
