#include "report/heatmap_data.h"

#include <string.h>
#include <time.h>

#include "core/risk_current.h"

isms_err heatmap_load(store_conn *c, bool residual, arena *a, heatmap *h, store_heat *heat,
                      isms_status *st)
{
    memset(h, 0, sizeof(*h));
    memset(heat, 0, sizeof(*heat));
    h->residual = residual;
    h->heat = heat;
    /* The counts are a few rows kept by every write (store_risk_heat.c): nothing to cache. */
    isms_err e = risk_method_current(c, a, &h->method, &h->method_id, st);
    if (e != ISMS_OK || !h->method)
        return e;
    return store_risk_heat(c, h->method_id, residual, heat, st);
}

void report_today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}
