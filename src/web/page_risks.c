#include "web/page_risks.h"

#include <string.h>

#include "report/heatmap_data.h"
#include "web/html.h"

enum { HOME_ACTIONS_MAX = 20, HOME_FLAG_IDS = 20 };

/* One heat map in a figure, or a line saying why there is none. */
static void heatmap_figure(web_page *pg, bool residual)
{
    strbuf *b = pg->b;
    isms_status st;
    status_clear(&st);
    heatmap h;
    store_heat heat;
    isms_err e = heatmap_load(pg->conn, residual, pg->req->arena, &h, &heat, &st);
    html_lit(b, "<figure class=\"heatmap-figure\"");
    html_attr(b, "id", residual ? "heatmap-residual" : "heatmap-current");
    html_lit(b, "><figcaption>");
    html_lit_either(b, residual, "Residual risk", "Current risk");
    html_lit(b, "</figcaption>\n");
    if (e != ISMS_OK)
        html_lit(b, "<p class=\"muted\">The heat map cannot be read just now.</p>");
    else if (!h.method)
        html_lit(b, "<p class=\"muted\">No risk method is in force: record one (risk-methods) "
                    "to score risks.</p>");
    else
        heatmap_svg(b, &h);
    if (e == ISMS_OK && h.method && heat.outdated > 0) {
        html_lit(b, "<p class=\"hint\"><a href=\"/risks?reassess=true\">");
        html_int(b, heat.outdated);
        html_lit_either(b, heat.outdated == 1, " risk is", " risks are");
        html_lit(b, "</a> scored under an older method version and not counted.</p>");
    }
    html_lit(b, "</figure>\n");
}

static void risks_above(web_page *pg)
{
    html_lit(pg->b, "<section class=\"heatmaps\" aria-label=\"Heat maps\">\n");
    heatmap_figure(pg, false);
    heatmap_figure(pg, true);
    html_lit(pg->b, "</section>\n");
}

static void risk_badge(strbuf *b, const isms_record *rec)
{
    const isms_value *v = record_value(rec, "untreated");
    if (v && v->set && v->i)
        html_lit(b, " <span class=\"badge badge-danger flag-untreated\">Needs treatment</span>");
}

static const list_extra extras[] = {
    {.kind = "risk", .default_sort = "level", .default_desc = true, .above = risks_above,
     .badge = risk_badge},
};

const list_extra *list_extra_of(const isms_kind *k)
{
    for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++)
        if (strcmp(extras[i].kind, k->name) == 0)
            return &extras[i];
    return NULL;
}

static void overdue_actions(web_page *pg, const char *today)
{
    strbuf *b = pg->b;
    isms_status st;
    status_clear(&st);
    store_page page;
    int64_t total = 0;
    const isms_kind *k = registry_kind(pg->req->reg, "risk-action");
    html_lit(b, "<section class=\"card\" id=\"overdue-actions\">\n<h2>Overdue treatment "
                "actions</h2>\n");
    if (store_risk_actions_overdue(pg->conn, today, NULL, HOME_ACTIONS_MAX, pg->req->arena,
                                   &page, &st) != ISMS_OK ||
        store_risk_actions_overdue_count(pg->conn, today, &total, &st) != ISMS_OK) {
        html_lit(b, "<p class=\"muted\">They cannot be read just now.</p>\n</section>\n");
        return;
    }
    if (page.n == 0) {
        html_lit(b, "<p class=\"muted\">None: every open action is within its due date.</p>\n"
                    "</section>\n");
        return;
    }
    html_lit(b, "<ul class=\"overdue-list\">\n");
    for (size_t i = 0; i < page.n; i++) {
        const isms_record *r = page.items[i];
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, k, r->id);
        html_lit(b, "<li>");
        html_record_link(b, k, r->id, hid);
        html_lit(b, " ");
        html_text(b, record_title(r));
        html_lit(b, " <span class=\"badge badge-warn\">due ");
        html_text(b, record_value(r, "due_date")->s);
        html_lit(b, "</span></li>\n");
    }
    html_lit(b, "</ul>\n");
    if (total > (int64_t)page.n) {
        html_lit(b, "<p class=\"hint\">");
        html_int(b, total - (int64_t)page.n);
        html_lit(b, " more: isms risk actions --overdue, or GET /api/v1/risk-actions/overdue.</p>");
    }
    html_lit(b, "</section>\n");
}

static const char *const flag_titles[RISK_FLAG_COUNT] = {
    [RISK_FLAG_UNTREATED] = "Needs treatment",
    [RISK_FLAG_REASSESS] = "To reassess under the method in force",
    [RISK_FLAG_INVALIDATED] = "Acceptance invalidated",
    [RISK_FLAG_EXPIRED] = "Acceptance expired",
    [RISK_FLAG_ACCEPTED_OVERDUE] = "Accepted, with treatment actions overdue",
};

static void flagged_risks(web_page *pg, const char *today)
{
    strbuf *b = pg->b;
    isms_status st;
    status_clear(&st);
    store_flagged flags[RISK_FLAG_COUNT];
    const isms_kind *k = registry_kind(pg->req->reg, "risk");
    html_lit(b, "<section class=\"card\" id=\"flagged-risks\">\n<h2>Flagged risks</h2>\n");
    if (store_risk_flags(pg->conn, today, HOME_FLAG_IDS, flags, &st) != ISMS_OK) {
        html_lit(b, "<p class=\"muted\">They cannot be read just now.</p>\n</section>\n");
        return;
    }
    bool any = false;
    for (int f = 0; f < RISK_FLAG_COUNT; f++) {
        if (flags[f].count == 0)
            continue;
        any = true;
        html_lit(b, "<div class=\"flag\"");
        html_attr(b, "data-flag", store_risk_flag_name((store_risk_flag)f));
        html_lit(b, "><h3>");
        html_text(b, flag_titles[f]);
        html_lit(b, " <span class=\"count\">");
        html_int(b, flags[f].count);
        html_lit(b, "</span></h3><p>");
        for (size_t i = 0; i < flags[f].n; i++) {
            char hid[ISMS_HUMAN_ID_MAX];
            human_id_format(hid, k, flags[f].ids[i]);
            if (i)
                html_lit(b, ", ");
            html_record_link(b, k, flags[f].ids[i], hid);
        }
        if (flags[f].count > (int64_t)flags[f].n)
            html_lit(b, " \u2026");
        html_lit(b, "</p></div>\n");
    }
    if (!any)
        html_lit(b, "<p class=\"muted\">No risk is flagged.</p>\n");
    html_lit(b, "</section>\n");
}

void page_risks_home(web_page *pg)
{
    if (!registry_kind(pg->req->reg, "risk") || !registry_kind(pg->req->reg, "risk-action"))
        return;
    char today[11];
    report_today(today);
    strbuf *b = pg->b;
    html_lit(b, "<h2 class=\"section-title\">Risk register</h2>\n<div class=\"risk-overview\">\n");
    html_lit(b, "<section class=\"card\" id=\"home-heatmap\">\n<h2><a href=\"/risks\">Current "
                "risk</a></h2>\n");
    heatmap_figure(pg, false);
    html_lit(b, "</section>\n");
    overdue_actions(pg, today);
    flagged_risks(pg, today);
    html_lit(b, "</div>\n");
}
