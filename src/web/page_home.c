/* The overview (/) and the clause pages (/clauses/4): navigation by ISO/IEC 27001:2022. */
#include <stdio.h>
#include <string.h>

#include "core/clauses.h"
#include "web/page.h"
#include "web/record_sections.h"
#include "web/page_risks.h"
#include "web/web.h"

/* Records in force of kind k, counted as page_count does. */
static int64_t count_kind(web_page *pg, const isms_kind *k)
{
    store_query q = {.kind = k, .retired = STORE_ACTIVE_ONLY};
    return page_count(pg, &q);
}

/* Whether kind k serves clause id (exactly, or a subclause of it). */
static bool kind_serves(const isms_kind *k, const char *id)
{
    size_t n = strlen(id);
    return strncmp(k->clause, id, n) == 0 && (k->clause[n] == '\0' || k->clause[n] == '.');
}

void web_home(http_request *req, http_reply *rep)
{
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    page_begin(&pg, 200, "Overview");
    page_heading(&pg, "ISO/IEC 27001:2022", pg.org[0] ? pg.org : "Overview",
                 "The information security management system, clause by clause.");
    page_heading_end(&pg);
    risk_due_notice(&pg);
    strbuf *b = pg.b;
    html_lit(b, "<div class=\"cards\">\n");
    size_t n;
    const isms_clause *cl = clauses_all(&n);
    for (size_t i = 0; i < n; i++) {
        if (cl[i].level != 1)
            continue;
        int64_t records = 0;
        size_t kinds = 0;
        bool more = false;
        for (size_t k = 0; k < req->reg->nkinds; k++) {
            if (!kind_serves(req->reg->kinds[k], cl[i].id))
                continue;
            int64_t c = count_kind(&pg, req->reg->kinds[k]);
            more |= c > PAGE_COUNT_MAX;
            records += c > 0 ? c : 0;
            kinds++;
        }
        char href[32];
        snprintf(href, sizeof(href), "/clauses/%s", cl[i].id);
        html_lit(b, "<a class=\"card card-link\"");
        html_url_attr(b, "href", href);
        html_lit(b, "><span class=\"num\">");
        html_text(b, cl[i].id);
        html_lit(b, "</span><h2>");
        html_text(b, cl[i].title);
        html_lit(b, "</h2>");
        if (kinds) {
            html_lit(b, "<p class=\"card-meta\">");
            if (more)
                html_lit(b, "more than ");
            html_int(b, more ? PAGE_COUNT_MAX : records);
            html_lit_either(b, records == 1, " record in ", " records in ");
            html_int(b, (int64_t)kinds);
            html_lit_either(b, kinds == 1, " kind</p>", " kinds</p>");
        } else {
            html_lit(b, "<p class=\"card-meta muted\">Not covered yet</p>");
        }
        html_lit(b, "</a>\n");
    }
    html_lit(b, "</div>\n");
    page_risks_home(&pg);
    page_end(&pg);
}

void web_clause(http_request *req, http_reply *rep)
{
    const isms_clause *top = req->capture ? clause_find(req->capture) : NULL;
    if (!top || top->level != 1) {
        web_not_found(req, rep, "There is no such clause. The clauses are 4 to 10.");
        return;
    }
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    pg.clause = top->id;
    page_crumb_add(&pg, "Overview", "/");
    char label[256];
    snprintf(label, sizeof(label), "%s %s", top->id, top->title);
    page_crumb_add(&pg, label, NULL);
    page_begin(&pg, 200, label);
    page_heading(&pg, "ISO/IEC 27001:2022", label, NULL);
    page_heading_end(&pg);
    strbuf *b = pg.b;
    size_t n;
    const isms_clause *cl = clauses_all(&n);
    for (size_t i = 0; i < n; i++) {
        if (cl[i].level != 2 || strcmp(cl[i].parent, top->id) != 0)
            continue;
        html_lit(b, "<section class=\"card\">\n<h2><span class=\"num\">");
        html_text(b, cl[i].id);
        html_lit(b, "</span> ");
        html_text(b, cl[i].title);
        html_lit(b, "</h2>\n");
        bool any = false;
        for (size_t k = 0; k < req->reg->nkinds; k++) {
            const isms_kind *kd = req->reg->kinds[k];
            if (!kind_serves(kd, cl[i].id))
                continue;
            if (!any)
                html_lit(b, "<ul class=\"kind-list\">\n");
            any = true;
            html_lit(b, "<li><a");
            strbuf url;
            strbuf_init(&url, 128);
            url_kind(&url, kd);
            html_url_attr(b, "href", url.ptr);
            strbuf_dispose(&url);
            html_lit(b, ">");
            html_text(b, kd->label_plural);
            html_lit(b, "</a> <span class=\"count\">");
            html_count(b, count_kind(&pg, kd));
            html_lit(b, "</span><p class=\"hint\">");
            html_text(b, kd->help);
            html_lit(b, "</p></li>\n");
        }
        if (any)
            html_lit(b, "</ul>\n");
        else
            html_lit(b, "<p class=\"muted\">No records kept for this clause yet.</p>\n");
        html_lit(b, "</section>\n");
    }
    page_end(&pg);
}
