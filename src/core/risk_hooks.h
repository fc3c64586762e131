/*
 * The rules of the risk kinds (core/kinds/risk.c, risk_review.c) that the
 * registry cannot express: scoring under the method in force, re-mapping
 * risks when the method changes, signed acceptance and its invalidation,
 * and assessment campaigns. One file per kind family:
 *   risk_hooks_method.c    risk-method, asset
 *   risk_hooks_risk.c      risk, risk-action
 *   risk_hooks_accept.c    risk-acceptance
 *   risk_hooks_campaign.c  risk-campaign, risk-review
 */
#ifndef ISMS_CORE_RISK_HOOKS_H
#define ISMS_CORE_RISK_HOOKS_H

#include "core/record.h"
#include "store/store.h"

void risk_method_validate(const isms_record *old, const isms_record *rec, isms_status *st);
void risk_method_derive(isms_record *rec);
isms_err risk_method_prepare(store_txn *t, const isms_record *old, isms_record *rec, arena *a,
                             isms_status *st);
isms_err risk_method_after_write(store_txn *t, const isms_record *old, const isms_record *rec,
                                 arena *a, isms_status *st);
isms_err asset_prepare(store_txn *t, const isms_record *old, isms_record *rec, arena *a,
                       isms_status *st);

void risk_validate(const isms_record *old, const isms_record *rec, isms_status *st);
isms_err risk_prepare(store_txn *t, const isms_record *old, isms_record *rec, arena *a,
                      isms_status *st);
void risk_action_validate(const isms_record *old, const isms_record *rec, isms_status *st);

isms_err risk_acceptance_prepare(store_txn *t, const isms_record *old, isms_record *rec,
                                 arena *a, isms_status *st);
isms_err risk_acceptance_after_write(store_txn *t, const isms_record *old,
                                     const isms_record *rec, arena *a, isms_status *st);

isms_err risk_campaign_prepare(store_txn *t, const isms_record *old, isms_record *rec, arena *a,
                               isms_status *st);
isms_err risk_review_prepare(store_txn *t, const isms_record *old, isms_record *rec, arena *a,
                             isms_status *st);

/*
 * Whether the acceptance acc still covers risk as it is now: the residual
 * likelihood and impact, the treatment options and the controls are those
 * that were signed (as sets), and today (YYYY-MM-DD) is not past its expiry.
 * Pure: the unit tests call it directly.
 */
typedef enum acceptance_validity {
    ACCEPTANCE_VALID,
    ACCEPTANCE_CHANGED, /* what was accepted differs from the risk now */
    ACCEPTANCE_EXPIRED,
    ACCEPTANCE_RETIRED,
} acceptance_validity;

acceptance_validity risk_acceptance_validity(const isms_record *acc, const isms_record *risk,
                                             const char *today);

/* Whether what an acceptance covers differs between two versions of a risk. */
bool risk_accepted_terms_differ(const isms_record *a, const isms_record *b);

/* Which of the accepted terms differ between a and b (an acceptance or a risk each). */
enum {
    ACCEPTED_RESIDUAL_LIKELIHOOD = 1u << 0,
    ACCEPTED_RESIDUAL_IMPACT = 1u << 1,
    ACCEPTED_TREATMENT = 1u << 2,
    ACCEPTED_CONTROLS = 1u << 3,
};
unsigned risk_accepted_terms_changed(const isms_record *a, const isms_record *b);

#endif
