/*
 * What the risk register's overview reads: counts of risks per cell of the
 * matrix (heat maps), the risks the method flags, and the treatment actions
 * past their due date. Hand-written statements, both dialects; values only
 * through binds.
 */
#ifndef ISMS_STORE_STORE_RISK_HEAT_H
#define ISMS_STORE_STORE_RISK_HEAT_H

#include "core/risk_method.h"
#include "store/store.h"

/* Counts of risks in force per (likelihood, impact) scored under one method version. */
typedef struct store_heat {
    int64_t count[RISK_SCALE_MAX][RISK_SCALE_MAX]; /* [l-1][i-1] */
    int64_t total;    /* the sum of the counts */
    int64_t outdated; /* risks in force scored under another version, or none: to reassess */
} store_heat;

/*
 * Count the risks in force scored under method_id by (likelihood, impact),
 * or by (residual_likelihood, residual_impact) when residual (risks without
 * residual scores are then left out). Scores past RISK_SCALE_MAX cannot occur
 * (the field's limit) and are ignored.
 */
isms_err store_risk_heat(store_conn *c, int64_t method_id, bool residual, store_heat *out,
                         isms_status *st);

/*
 * Keep the counts in step with a change of one risk's row, in the write
 * transaction t: before is the row as it was (NULL for a new risk), after as
 * it is now (NULL when deleted); a retired risk counts as gone. The changes
 * are written when t commits. The risk kind's track hook (registry.h).
 */
isms_err store_risk_heat_track(store_txn *t, const isms_record *before, const isms_record *after,
                               isms_status *st);

/* Count every risk again (after rows were written without the record layer: isms copy). */
isms_err store_risk_heat_rebuild(store_txn *t, isms_status *st);

/* The flags the register raises on risks in force (docs/RISK.md, "Heat maps and flags"). */
typedef enum store_risk_flag {
    RISK_FLAG_UNTREATED,          /* the level must be treated and no treatment is chosen */
    RISK_FLAG_REASSESS,           /* the method changed beyond what its levels can follow */
    RISK_FLAG_INVALIDATED,        /* the acceptance no longer holds */
    RISK_FLAG_EXPIRED,            /* accepted, but accepted_until is before today */
    RISK_FLAG_ACCEPTED_OVERDUE,   /* accepted, with a treatment action past its due date */
    RISK_FLAG_COUNT
} store_risk_flag;

enum { STORE_FLAG_IDS_MAX = 100 };

/* One flag: how many risks carry it, and the first few of them, highest level first. */
typedef struct store_flagged {
    int64_t count;
    int64_t ids[STORE_FLAG_IDS_MAX];
    size_t n; /* ids held: at most the cap the caller asked for */
} store_flagged;

/* The flag's name in the API and the CLI ("untreated", "acceptance-expired", ...). */
const char *store_risk_flag_name(store_risk_flag f);

/*
 * Fill out[f] for every flag: the count, and up to max (<= STORE_FLAG_IDS_MAX)
 * ids. today is YYYY-MM-DD.
 */
isms_err store_risk_flags(store_conn *c, const char *today, size_t max,
                          store_flagged out[RISK_FLAG_COUNT], isms_status *st);

/*
 * The treatment actions in force that are neither done nor cancelled and
 * whose due date is before today, oldest due first (then by id), up to limit
 * (1..STORE_PAGE_MAX) after the cursor (NULL for the first page). The
 * records are in a; next_cursor is NULL on the last page. A cursor that is
 * not one this function made is a field error on "cursor".
 */
isms_err store_risk_actions_overdue(store_conn *c, const char *today, const char *cursor,
                                    size_t limit, arena *a, store_page *out, isms_status *st);

/* How many actions are overdue as above. */
isms_err store_risk_actions_overdue_count(store_conn *c, const char *today, int64_t *out,
                                          isms_status *st);

#endif
