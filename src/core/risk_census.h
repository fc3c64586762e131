/*
 * The versions of the risk method and how many risks each holds: what the
 * method page, its editor (the "N risks will be marked to reassess" warning)
 * and GET /api/v1/risk-method show. Reads only.
 */
#ifndef ISMS_CORE_RISK_CENSUS_H
#define ISMS_CORE_RISK_CENSUS_H

#include "store/store.h"

enum { RISK_CENSUS_VERSIONS_MAX = 200 }; /* versions listed (newest first); older are left out */

typedef struct risk_version_count {
    int64_t id;             /* the RM-n number */
    const char *title;      /* in the caller's arena */
    const char *created_at; /* RFC 3339 */
    bool in_force;          /* not superseded */
    int64_t risks;          /* risks in force scored under this version */
} risk_version_count;

typedef struct risk_census {
    risk_version_count *versions; /* newest first */
    size_t nversions;
    int64_t risks;    /* risks in force */
    int64_t reassess; /* of those, marked to reassess */
} risk_census;

/* Fill *out from the store; strings in a. */
isms_err risk_census_take(store_conn *c, arena *a, risk_census *out, isms_status *st);

#endif
