/*
 * What the faces (CLI, API, web) share to sign and show risk acceptances:
 * building an acceptance from what the signer typed (field errors named as
 * the API names them), reading a risk's acceptances, and the treatment
 * actions of a risk that are overdue. The rules themselves are the
 * risk-acceptance kind's hooks (risk_hooks_accept.c).
 */
#ifndef ISMS_CORE_RISK_ACCEPT_H
#define ISMS_CORE_RISK_ACCEPT_H

#include "core/risk_hooks.h"
#include "store/store.h"

enum { RISK_ACCEPTANCES_MAX = 200 }; /* acceptances shown for one risk, newest first */

/*
 * A new acceptance of risk_id from text: role ("owner", "top-management"),
 * rationale, and for an exception the date it ends (YYYY-MM-DD). Each bad
 * value is a field error in st; the record is returned anyway, so that the
 * record layer's own checks can add theirs. Write it with records_create in
 * a write context with signed_act, after the signer proved their credentials.
 */
isms_record *risk_acceptance_new(arena *a, int64_t risk_id, const char *role,
                                 const char *rationale, bool exception,
                                 const char *exception_until, isms_status *st);

/* "valid", "changed", "expired", "retired". */
const char *risk_acceptance_validity_name(acceptance_validity v);

/* The acceptances of a risk, retired ones too, newest first (at most RISK_ACCEPTANCES_MAX). */
isms_err risk_acceptances_of(store_conn *c, int64_t risk_id, arena *a, isms_record ***out,
                             size_t *n, isms_status *st);

/* The open treatment actions of a risk whose due date is before today (YYYY-MM-DD...). */
isms_err risk_overdue_actions(store_conn *c, int64_t risk_id, const char *today, arena *a,
                              isms_record ***out, size_t *n, isms_status *st);

/*
 * The acceptance state of a risk as a reader should see it now: the stored
 * state ("none", "pending", "accepted", "invalidated"), or "expired" when it
 * was accepted until a day before today.
 */
const char *risk_acceptance_state_now(const isms_record *risk, const char *today);

#endif
