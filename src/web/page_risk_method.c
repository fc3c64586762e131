/*
 * /risk-method: the method in force as people read it (ISO/IEC 27001:2022
 * 6.1.2 a, b): the matrix in its colours, the scales with their
 * descriptions, the levels with their acceptance rules, when risks are
 * assessed again, and every version with the risks scored under it.
 */
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/risk_census.h"
#include "core/risk_current.h"
#include "web/page.h"
#include "web/risk_method_pages.h"

void rm_swatch(strbuf *b, const char *colour)
{
    html_lit(b, "<svg class=\"swatch\" width=\"14\" height=\"14\" viewBox=\"0 0 14 14\" "
                "aria-hidden=\"true\"><rect width=\"14\" height=\"14\" rx=\"2\"");
    html_attr(b, "fill", colour);
    html_lit(b, "/></svg>");
}

const char *rm_acceptance_text(risk_acceptance_rule r)
{
    switch (r) {
    case RISK_ACCEPT:
        return "Acceptable as it is";
    case RISK_ACCEPT_BY_OWNER:
        return "The risk owner may accept it, giving a reason";
    default:
        return "Must be treated";
    }
}

static void trigger_text(strbuf *b, unsigned bit)
{
    switch (bit) {
    case RISK_TRIGGER_SIGNIFICANT_CHANGE:
        html_lit(b, "a significant change");
        break;
    case RISK_TRIGGER_INCIDENT:
        html_lit(b, "an incident");
        break;
    case RISK_TRIGGER_NEW_REQUIREMENT:
        html_lit(b, "a new requirement");
        break;
    default:
        html_lit(b, "another event the owner names");
        break;
    }
}

/* The matrix: likelihood rows from the highest down, impact columns from the lowest. */
static void matrix_table(strbuf *b, const risk_method *m)
{
    html_lit(b, "<div class=\"table-wrap\"><table class=\"risk-matrix\" id=\"risk-matrix\">\n"
                "<caption>Risk level of each likelihood (rows) and impact (columns)</caption>\n"
                "<thead><tr><th scope=\"col\">Likelihood \\ Impact</th>");
    for (int i = 0; i < m->nimpact; i++) {
        html_lit(b, "<th scope=\"col\">");
        html_int(b, i + 1);
        html_lit(b, " ");
        html_text(b, m->impact[i].label);
        html_lit(b, "</th>");
    }
    html_lit(b, "</tr></thead>\n<tbody>\n");
    for (int l = m->nlikelihood - 1; l >= 0; l--) {
        html_lit(b, "<tr><th scope=\"row\">");
        html_int(b, l + 1);
        html_lit(b, " ");
        html_text(b, m->likelihood[l].label);
        html_lit(b, "</th>");
        for (int i = 0; i < m->nimpact; i++) {
            const risk_level *lv = risk_method_level_def(m, m->matrix[l][i]);
            html_lit(b, "<td");
            html_attr_int(b, "data-level", m->matrix[l][i]);
            html_lit(b, ">");
            rm_swatch(b, lv->colour);
            html_lit(b, " ");
            html_text(b, lv->label);
            html_lit(b, "</td>");
        }
        html_lit(b, "</tr>\n");
    }
    html_lit(b, "</tbody></table></div>\n");
}

static void scale_table(strbuf *b, const char *caption, const risk_scale_level *s, int n)
{
    html_lit(b, "<div class=\"table-wrap\"><table class=\"table\"><caption>");
    html_text(b, caption);
    html_lit(b, "</caption>\n<thead><tr><th scope=\"col\">Level</th><th scope=\"col\">Label</th>"
                "<th scope=\"col\">Description</th></tr></thead>\n<tbody>\n");
    for (int k = 0; k < n; k++) {
        html_lit(b, "<tr><td>");
        html_int(b, k + 1);
        html_lit(b, "</td><td>");
        html_text(b, s[k].label);
        html_lit(b, "</td><td>");
        html_text(b, s[k].description);
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody></table></div>\n");
}

static void levels_table(strbuf *b, const risk_method *m)
{
    html_lit(b, "<div class=\"table-wrap\"><table class=\"table\" id=\"risk-levels\">"
                "<caption>Risk levels and who may accept them</caption>\n<thead><tr>"
                "<th scope=\"col\">Level</th><th scope=\"col\">Label</th>"
                "<th scope=\"col\">Acceptance</th><th scope=\"col\">Top management signs"
                "</th></tr></thead>\n<tbody>\n");
    for (int k = 0; k < m->nlevels; k++) {
        const risk_level *lv = &m->levels[k];
        html_lit(b, "<tr><td>");
        html_int(b, k + 1);
        html_lit(b, "</td><td>");
        rm_swatch(b, lv->colour);
        html_lit(b, " ");
        html_text(b, lv->label);
        html_lit(b, " <span class=\"muted\">");
        html_text(b, lv->colour);
        html_lit(b, "</span></td><td>");
        html_text(b, rm_acceptance_text(lv->acceptance));
        html_lit(b, "</td><td>");
        html_lit_either(b, lv->management_signs, "Yes", "No");
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody></table></div>\n");
}

static void criteria(strbuf *b, const risk_method *m)
{
    html_lit(b, "<section class=\"card\"><h2>Criteria</h2>\n<dl class=\"fields\">\n"
                "<dt>Scores describe</dt><dd>");
    html_lit_either(b, m->basis_current, "The risk with the controls already in place",
                    "The risk as if no control were in place");
    html_lit(b, "</dd>\n<dt>Exceptions by top management</dt><dd>");
    if (m->management_exception) {
        html_lit(b, "Allowed, for at most ");
        html_int(b, m->exception_max_days);
        html_lit(b, " days");
    } else {
        html_lit(b, "Not allowed");
    }
    html_lit(b, "</dd>\n<dt>Assessed again</dt><dd>Every ");
    html_int(b, m->interval_months);
    html_lit_either(b, m->interval_months == 1, " month", " months");
    bool any = false;
    for (unsigned bit = 1; bit < (1u << RISK_TRIGGER_COUNT); bit <<= 1) {
        if (!(m->triggers & bit))
            continue;
        html_lit_either(b, any, ", ", ", and after ");
        any = true;
        trigger_text(b, bit);
    }
    html_lit(b, "</dd>\n</dl></section>\n");
}

static void versions_table(web_page *pg, const risk_census *c)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\"><h2>Versions</h2>\n<p>");
    html_int(b, c->risks);
    html_lit_either(b, c->risks == 1, " risk in force; ", " risks in force; ");
    if (c->reassess)
        html_lit(b, "<a href=\"/risks?reassess=true\">");
    html_int(b, c->reassess);
    html_lit(b, " to reassess");
    if (c->reassess)
        html_lit(b, "</a>");
    html_lit(b, ".</p>\n<div class=\"table-wrap\"><table class=\"table\" id=\"risk-method-versions\">"
                "<thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Title</th>"
                "<th scope=\"col\">Recorded</th><th scope=\"col\">State</th>"
                "<th scope=\"col\">Risks scored under it</th></tr></thead>\n<tbody>\n");
    for (size_t k = 0; k < c->nversions; k++) {
        const risk_version_count *v = &c->versions[k];
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, &kind_risk_method, v->id);
        html_lit(b, "<tr><td>");
        html_record_link(b, &kind_risk_method, v->id, hid);
        html_lit(b, "</td><td>");
        html_text(b, v->title);
        html_lit(b, "</td><td>");
        html_timestamp(b, v->created_at);
        html_lit(b, "</td><td>");
        html_lit_either(b, v->in_force, "<span class=\"badge badge-ok\">In force</span>",
                        "<span class=\"badge badge-muted\">Superseded</span>");
        html_lit(b, "</td><td>");
        html_int(b, v->risks);
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody></table></div></section>\n");
}

static void no_method(web_page *pg)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\"><p>No risk method is in force yet: risks cannot be "
                "scored until one is recorded.</p>\n");
    if (page_may_write_kind(pg, &kind_risk_method))
        html_lit(b, "<p class=\"actions\">Start from a preset: "
                    "<a class=\"button\" href=\"/risk-method/edit?preset=3\">3 \xC3\x97 3</a> "
                    "<a class=\"button\" href=\"/risk-method/edit?preset=4\">4 \xC3\x97 4</a> "
                    "<a class=\"button\" href=\"/risk-method/edit?preset=5\">5 \xC3\x97 5</a></p>\n");
    html_lit(b, "</section>\n");
}

void web_risk_method(http_request *req, http_reply *rep)
{
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    isms_status st;
    status_clear(&st);
    const risk_method *m;
    int64_t id;
    risk_census census;
    if (risk_method_current(pg.conn, req->arena, &m, &id, &st) != ISMS_OK ||
        risk_census_take(pg.conn, req->arena, &census, &st) != ISMS_OK) {
        page_abandon(&pg);
        web_status_page(req, rep, &st);
        return;
    }
    pg.kind = &kind_risk_method;
    page_crumbs_for_kind(&pg, &kind_risk_method, true);
    pg.kind = NULL; /* the nav marks "Risk method in force", not the versions */
    page_crumb_add(&pg, "Method in force", NULL);
    page_begin(&pg, 200, "Risk method");
    char hid[ISMS_HUMAN_ID_MAX] = "";
    if (m)
        human_id_format(hid, &kind_risk_method, id);
    page_heading(&pg, m ? hid : "6.1.2", "Risk method",
                 "How risks are scored and when they are acceptable (ISO/IEC 27001 6.1.2).");
    if (page_may_write_kind(&pg, &kind_risk_method) && m)
        html_lit(pg.b, "<div class=\"actions\"><a class=\"button primary\" "
                       "href=\"/risk-method/edit\">Edit as a new version</a></div>");
    page_heading_end(&pg);
    if (!m) {
        no_method(&pg);
        page_end(&pg);
        return;
    }
    strbuf *b = pg.b;
    html_lit(b, "<section class=\"card\"><h2>Matrix</h2>\n");
    matrix_table(b, m);
    html_lit(b, "</section>\n<section class=\"card\"><h2>Risk levels</h2>\n");
    levels_table(b, m);
    html_lit(b, "</section>\n<section class=\"card\"><h2>Scales</h2>\n");
    scale_table(b, "Likelihood", m->likelihood, m->nlikelihood);
    scale_table(b, "Impact", m->impact, m->nimpact);
    html_lit(b, "</section>\n");
    criteria(b, m);
    versions_table(&pg, &census);
    page_end(&pg);
}
