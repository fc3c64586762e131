/*
 * Reading an assessment campaign (8.2): how far the risk owners have
 * answered, the snapshot a closed campaign took, and the comparison of two
 * snapshots. Every statement is a constant text with bound values, and runs
 * on both dialects.
 */
#ifndef ISMS_STORE_STORE_RISK_CAMPAIGN_H
#define ISMS_STORE_STORE_RISK_CAMPAIGN_H

#include <stdbool.h>

#include "store/store.h"

enum {
    RISK_COVER_OWNERS_MAX = 100000, /* owners listed in one coverage */
    RISK_SNAPSHOT_PAGE_MAX = 1000,  /* rows of a snapshot page */
};

/* One risk owner's share of a campaign. */
typedef struct risk_owner_cover {
    int64_t person;   /* the owner (a person's id) */
    const char *name; /* the person's name, or NULL if the person is gone */
    int64_t risks;    /* risks they own in the campaign's scope */
    int64_t answered; /* of those, answered in the campaign */
    bool late;        /* the campaign is open, past its due date, and some are unanswered */
} risk_owner_cover;

/*
 * A campaign's coverage. The scope is the risks in force while it is open,
 * and the risks of its snapshot once it is closed (so a closed campaign's
 * coverage no longer changes).
 */
typedef struct risk_coverage {
    int64_t campaign;
    bool closed;
    const char *due_date; /* YYYY-MM-DD */
    int64_t risks;        /* risks in scope */
    int64_t answered;     /* distinct risks in scope answered in the campaign */
    size_t late;          /* owners that are late */
    size_t nowners;
    risk_owner_cover *owners; /* by name, then id */
} risk_coverage;

/*
 * The coverage of campaign_id as of today (YYYY-MM-DD, or a longer RFC 3339
 * time of which the date counts). ISMS_ENOTFOUND if there is no such campaign.
 */
isms_err store_risk_coverage(store_conn *c, int64_t campaign_id, const char *today, arena *a,
                             risk_coverage *out, isms_status *st);

/* One risk as a snapshot holds it. Integers that were not set are 0. */
typedef struct risk_snapshot_row {
    int64_t risk_id, risk_version;
    const char *title;
    int64_t owner;
    const char *owner_name; /* NULL if the person is gone */
    int64_t likelihood, impact, level;
    const char *level_label;
    int64_t residual_likelihood, residual_impact, residual_level;
    const char *residual_level_label;
    const char *treatment, *acceptance, *accepted_until, *status;
    int64_t method; /* the method version the risk was scored under */
} risk_snapshot_row;

/*
 * Up to limit (1..RISK_SNAPSHOT_PAGE_MAX + 1: a page and one more, to tell
 * whether another follows) rows of campaign_id's snapshot
 * whose risk id is above after, by risk id. *n is how many were read.
 */
isms_err store_risk_snapshot_page(store_conn *c, int64_t campaign_id, int64_t after,
                                  int64_t limit, arena *a, risk_snapshot_row *out, size_t *n,
                                  isms_status *st);

/* How a risk moved between two snapshots. */
typedef enum risk_change {
    RISK_UNCHANGED,
    RISK_NEW,     /* in the later snapshot only */
    RISK_CLOSED,  /* absent from the later, or closed in it (and not before) */
    RISK_RAISED,  /* level higher in the later */
    RISK_LOWERED, /* level lower in the later */
} risk_change;

/* One risk of the comparison; the _from values are 0/NULL for a new risk, _to for an absent one. */
typedef struct risk_compare_row {
    int64_t risk_id;
    const char *title; /* the later title, or the earlier one if absent */
    int64_t level_from, level_to, residual_from, residual_to;
    const char *label_from, *label_to;
    risk_change change;          /* of the level */
    risk_change residual_change; /* RISK_RAISED, RISK_LOWERED or RISK_UNCHANGED */
} risk_compare_row;

/* Return false to stop. Strings are valid during the call only. */
typedef bool (*risk_compare_fn)(const risk_compare_row *row, void *arg);

/*
 * Every risk of either snapshot (from the earlier campaign to the later one),
 * by risk id, classified; a full outer comparison by risk id.
 */
isms_err store_risk_compare_each(store_conn *c, int64_t from_campaign, int64_t to_campaign,
                                 risk_compare_fn fn, void *arg, isms_status *st);

/* A risk its owner has still to answer in a campaign. */
typedef struct risk_unanswered {
    int64_t risk_id;
    const char *title;
    const char *level_label; /* NULL if not scored */
    bool reassess;           /* it must be scored again before it can be confirmed */
} risk_unanswered;

/*
 * Up to max risks in force owned by person that have no answer in
 * campaign_id, by id, into out (room for max). *n is how many.
 */
isms_err store_risk_unanswered(store_conn *c, int64_t campaign_id, int64_t person, size_t max,
                               arena *a, risk_unanswered *out, size_t *n, isms_status *st);

/* Campaigns the due check needs: 0 / NULL when there is none. */
typedef struct risk_campaign_state {
    int64_t last_closed;        /* the campaign closed last (not retired) */
    const char *last_closed_at; /* its closed_at */
    int64_t open;               /* the oldest open campaign (not retired) */
} risk_campaign_state;

isms_err store_risk_campaign_state(store_conn *c, arena *a, risk_campaign_state *out,
                                   isms_status *st);

#endif
