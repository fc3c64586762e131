/*
 * Assessment campaigns (8.2) as the faces show them: whether an assessment
 * is due under the method's interval, the comparison of two closed
 * campaigns' snapshots, and the JSON of coverage, snapshot and comparison
 * (the API and `isms risk-campaign ... --json` write the same).
 */
#ifndef ISMS_CORE_RISK_CAMPAIGN_H
#define ISMS_CORE_RISK_CAMPAIGN_H

#include <jansson.h>

#include "store/store_risk_campaign.h"

/*
 * Whether reg holds the risk register (the default registry does; a test's
 * registry may not): everything here needs its tables.
 */
bool risk_campaigns_served(const isms_registry *reg);

/* Whether an assessment is due, and why. */
typedef struct risk_due {
    bool due;
    int interval_months;        /* of the method in force; 0 if none is in force */
    int64_t last_campaign;      /* the campaign closed last, or 0: never assessed */
    const char *last_closed_at; /* its closed_at, or NULL */
    char next_due[11];          /* last closed date + interval (YYYY-MM-DD), or "" */
    int64_t open_campaign;      /* an assessment under way, or 0 */
    const char *reason;         /* one sentence, for people */
} risk_due;

/*
 * Due when no campaign was ever closed, or when the last one closed more
 * than the method's interval_months before today (YYYY-MM-DD...). Never due
 * without a method in force: there is nothing to assess against.
 */
isms_err risk_due_check(store_conn *c, const char *today, arena *a, risk_due *out,
                        isms_status *st);

/* date (YYYY-MM-DD) plus months, the day clamped to the month's last; false if date is bad. */
bool risk_date_add_months(const char *date, int months, char out[11]);

enum { RISK_COMPARE_PAGE_MAX = 1000 };

/* Two snapshots compared: every count, and one page of the risks that changed. */
typedef struct risk_comparison {
    int64_t from, to;
    int64_t news, closed, raised, lowered, unchanged;
    int64_t residual_raised, residual_lowered;
    size_t n;                /* rows of this page */
    risk_compare_row *rows;  /* strings copied into the arena */
    int64_t next_after;      /* pass as after for the next page; 0 on the last */
} risk_comparison;

/*
 * Compare the snapshots of the closed campaigns from and to. A campaign that
 * does not exist or is still open is a field error naming "from" or "to".
 * The page holds up to limit (1..RISK_COMPARE_PAGE_MAX) changed risks (new,
 * closed, raised, lowered, or a residual level that moved) above after.
 */
isms_err risk_compare(store_conn *c, int64_t from, int64_t to, int64_t after, int64_t limit,
                      arena *a, risk_comparison *out, isms_status *st);

/* Check that campaign id exists and is closed (it has a snapshot); errors name field. */
isms_err risk_campaign_closed_check(store_conn *c, int64_t id, const char *field, arena *a,
                                    isms_status *st);

const char *risk_change_name(risk_change ch);

json_t *risk_coverage_to_json(const risk_coverage *cov);
json_t *risk_snapshot_row_to_json(const risk_snapshot_row *r);
json_t *risk_comparison_to_json(const risk_comparison *cmp);
json_t *risk_due_to_json(const risk_due *d);

#endif
