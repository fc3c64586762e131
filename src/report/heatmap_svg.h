/*
 * A heat map of the risk register as SVG, drawn by the server: one cell per
 * (likelihood, impact) of the method in force, filled with the colour of the
 * cell's risk level, holding the count of risks, and linking to the list of
 * those risks. Likelihood runs up (highest on top), impact to the right.
 *
 * The SVG is written through the escaping writer (web/html.h), so it is fit
 * to stand inline in a page; with the xmlns it also stands alone
 * (image/svg+xml). Labels come from the method and are escaped as text.
 */
#ifndef ISMS_REPORT_HEATMAP_SVG_H
#define ISMS_REPORT_HEATMAP_SVG_H

#include "core/risk_method.h"
#include "store/store_risk_heat.h"
#include "util/strbuf.h"

typedef struct heatmap {
    const risk_method *method; /* the method in force */
    int64_t method_id;         /* its record id (RM-n), for the links */
    bool residual;             /* residual scores rather than current ones */
    const store_heat *heat;    /* the counts */
} heatmap;

/* The list of the risks of one cell: "/risks?likelihood=L&impact=I&method=RM-n". */
void heatmap_cell_href(strbuf *b, const heatmap *h, int likelihood, int impact);

/* The text colour that contrasts most with a "#RRGGBB" fill: "#000000" or "#FFFFFF". */
const char *heatmap_text_colour(const char *fill);

/* The whole <svg> element. */
void heatmap_svg(strbuf *b, const heatmap *h);

#endif
