/* What a heat map shows, read from the store: the method in force and the counts under it. */
#ifndef ISMS_REPORT_HEATMAP_DATA_H
#define ISMS_REPORT_HEATMAP_DATA_H

#include "report/heatmap_svg.h"

/*
 * Read the method in force and the counts of its risks into *h (heat is the
 * caller's, h->heat points to it). h->method is NULL when no method is in
 * force (an ISMS made with --risk-preset none): there is no map to draw.
 */
isms_err heatmap_load(store_conn *c, bool residual, arena *a, heatmap *h, store_heat *heat,
                      isms_status *st);

/* Today's date in UTC as YYYY-MM-DD: what "overdue" and "expired" compare with. */
void report_today(char out[11]);

#endif
