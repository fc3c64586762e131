/*
 * Hand-written statements of the risk register that the generic record
 * statements cannot express: the immutable snapshot an assessment campaign
 * takes when it closes (8.2: retained documented information of the
 * results), and counts for heat maps and campaign coverage.
 */
#ifndef ISMS_STORE_STORE_RISK_H
#define ISMS_STORE_STORE_RISK_H

#include "store/store.h"

/*
 * Copy every risk in force into the snapshot of campaign_id (levels, owner,
 * treatment, acceptance, the method version each was scored under), in one
 * statement. *count is how many rows were written.
 */
isms_err store_risk_snapshot_take(store_txn *t, int64_t campaign_id, int64_t *count,
                                  isms_status *st);

#endif
