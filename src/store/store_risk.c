#include "store/store_risk.h"

#include "store/internal.h"

isms_err store_risk_snapshot_take(store_txn *t, int64_t campaign_id, int64_t *count,
                                  isms_status *st)
{
    store_conn *c = store_txn_conn(t);
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        c, &s, st,
        "INSERT INTO \"risk_snapshot\" (\"campaign_id\", \"risk_id\", \"risk_version\", "
        "\"title\", \"owner\", \"likelihood\", \"impact\", \"level\", \"level_label\", "
        "\"residual_likelihood\", \"residual_impact\", \"residual_level\", "
        "\"residual_level_label\", \"treatment\", \"acceptance\", \"accepted_until\", "
        "\"status\", \"method\") "
        "SELECT ?, \"id\", \"version\", \"title\", \"owner\", \"likelihood\", \"impact\", "
        "\"level\", \"level_label\", \"residual_likelihood\", \"residual_impact\", "
        "\"residual_level\", \"residual_level_label\", \"treatment\", \"acceptance\", "
        "\"accepted_until\", \"status\", \"method\" FROM \"risk\" WHERE \"retired_at\" IS NULL",
        "i", campaign_id);
    if (e != ISMS_OK)
        return e;
    return conn_run(c, s, count, st);
}
