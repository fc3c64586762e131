/*
 * /risk-campaigns/compare?from=CMP-1&to=CMP-2: the snapshots of two closed
 * assessments side by side, in sections: new, closed, raised, lowered, and
 * residual levels that moved.
 */
#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/risk_campaign.h"
#include "web/page.h"
#include "web/web.h"
#include "web/web_risk_campaign.h"

enum { COMPARE_SHOWN = 1000 };

static const char *param(const http_request *req, const char *key)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->param_keys[i], key) == 0)
            return req->param_values[i];
    return NULL;
}

static void pick_form(web_page *pg, const char *from, const char *to)
{
    strbuf *b = pg->b;
    html_lit(b, "<form method=\"get\" action=\"/risk-campaigns/compare\" class=\"card\">\n"
                "<label>Earlier assessment <input name=\"from\" placeholder=\"CMP-1\"");
    html_attr(b, "value", from ? from : "");
    html_lit(b, "></label>\n<label>Later assessment <input name=\"to\" placeholder=\"CMP-2\"");
    html_attr(b, "value", to ? to : "");
    html_lit(b, "></label>\n<button type=\"submit\">Compare</button>\n</form>\n");
}

static void count_item(strbuf *b, const char *label, int64_t n)
{
    html_lit(b, "<div><strong>");
    html_int(b, n);
    html_lit(b, "</strong> ");
    html_text(b, label);
    html_lit(b, "</div>");
}

static void level_text(strbuf *b, int64_t level, const char *label)
{
    if (!level && !label) {
        html_lit(b, "\xE2\x80\x94");
        return;
    }
    html_int(b, level);
    if (label) {
        html_lit(b, " ");
        html_text(b, label);
    }
}

/* One section: the rows whose change (residual: residual_change) is want. */
static void section(web_page *pg, const risk_comparison *cmp, const char *id, const char *title,
                    risk_change want, bool residual)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\"");
    html_attr(b, "id", id);
    html_lit(b, ">\n<h2>");
    html_text(b, title);
    html_lit(b, "</h2>\n");
    size_t shown = 0;
    for (size_t i = 0; i < cmp->n; i++) {
        const risk_compare_row *r = &cmp->rows[i];
        if ((residual ? r->residual_change : r->change) != want)
            continue;
        if (!shown++)
            html_lit(b, "<table class=\"table\">\n<thead><tr><th>Risk</th><th>Before</th>"
                        "<th>After</th></tr></thead>\n<tbody>\n");
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, &kind_risk, r->risk_id);
        html_lit(b, "<tr><td>");
        html_record_link(b, &kind_risk, r->risk_id,
                         arena_printf(pg->req->arena, "%s %s", hid, r->title ? r->title : ""));
        html_lit(b, "</td><td>");
        if (residual)
            level_text(b, r->residual_from, NULL);
        else
            level_text(b, r->level_from, r->label_from);
        html_lit(b, "</td><td>");
        if (residual)
            level_text(b, r->residual_to, NULL);
        else
            level_text(b, r->level_to, r->label_to);
        html_lit(b, "</td></tr>\n");
    }
    if (shown)
        html_lit(b, "</tbody>\n</table>\n");
    else
        html_lit(b, "<p class=\"muted\">None.</p>\n");
    html_lit(b, "</section>\n");
}

static void comparison(web_page *pg, const risk_comparison *cmp)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\" id=\"counts\">\n<h2>");
    html_text(b, arena_printf(pg->req->arena, "CMP-%lld to CMP-%lld", (long long)cmp->from,
                              (long long)cmp->to));
    html_lit(b, "</h2>\n<div class=\"compare-counts\">");
    count_item(b, "new", cmp->news);
    count_item(b, "closed", cmp->closed);
    count_item(b, "raised", cmp->raised);
    count_item(b, "lowered", cmp->lowered);
    count_item(b, "unchanged", cmp->unchanged);
    html_lit(b, "</div>\n");
    if (cmp->next_after)
        html_lit(b, "<p class=\"muted\">The first 1000 changed risks are listed; all of them: "
                    "<code>isms risk-campaign compare</code>.</p>\n");
    html_lit(b, "</section>\n");
    section(pg, cmp, "new", "New", RISK_NEW, false);
    section(pg, cmp, "closed", "Closed", RISK_CLOSED, false);
    section(pg, cmp, "raised", "Raised", RISK_RAISED, false);
    section(pg, cmp, "lowered", "Lowered", RISK_LOWERED, false);
    section(pg, cmp, "residual-raised", "Residual level raised", RISK_RAISED, true);
    section(pg, cmp, "residual-lowered", "Residual level lowered", RISK_LOWERED, true);
}

/* Parse from and to; errors name the parameter. */
static void campaign_ids(const char *from, const char *to, int64_t *f, int64_t *t,
                         isms_status *st)
{
    if (!human_id_parse(&kind_risk_campaign, from ? from : "", f))
        status_field(st, "from", "must be a closed assessment such as CMP-1");
    if (!human_id_parse(&kind_risk_campaign, to ? to : "", t))
        status_field(st, "to", "must be a closed assessment such as CMP-2");
}

void web_risk_campaign_compare(http_request *req, http_reply *rep)
{
    if (!risk_campaigns_served(req->reg)) {
        web_not_found(req, rep, "There is no risk register here.");
        return;
    }
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    const char *from = param(req, "from"), *to = param(req, "to");
    bool asked = (from && from[0]) || (to && to[0]);
    isms_status st;
    status_clear(&st);
    risk_comparison cmp;
    if (asked) {
        int64_t f = 0, t = 0;
        campaign_ids(from, to, &f, &t, &st);
        if (st.code == ISMS_OK)
            risk_compare(pg.conn, f, t, 0, COMPARE_SHOWN, req->arena, &cmp, &st);
    }
    page_crumbs_for_kind(&pg, &kind_risk_campaign, true);
    page_crumb_add(&pg, "Compare", NULL);
    page_begin(&pg, st.code == ISMS_OK ? 200 : (unsigned)isms_err_http_status(st.code),
               "Compare assessments");
    page_heading(&pg, "Risk assessments", "Compare assessments",
                 "The snapshots of two closed assessments: risks new, closed, raised and "
                 "lowered.");
    page_heading_end(&pg);
    if (st.code != ISMS_OK)
        page_error_summary(&pg, &st);
    pick_form(&pg, from, to);
    if (asked && st.code == ISMS_OK)
        comparison(&pg, &cmp);
    page_end(&pg);
}
