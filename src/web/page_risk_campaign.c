/*
 * An assessment campaign's own part of its page (8.2): coverage with a
 * progress bar and the owners who are late, the signed-in owner's risks
 * still to answer with a Confirm button each, the manager's "Close and take
 * snapshot", and once closed the snapshot; the comparison page of two
 * campaigns (/risk-campaigns/compare); the home page's notice when an
 * assessment is due. The POST handlers redirect (post-redirect-get).
 */
#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/records.h"
#include "core/risk_campaign.h"
#include "core/value.h"
#include "web/form.h"
#include "web/page.h"
#include "web/record_pages.h"
#include "web/record_sections.h"
#include "web/web.h"
#include "web/web_risk_campaign.h"

enum { OWN_RISKS_SHOWN = 100, SNAPSHOT_SHOWN = 200 };

static void percent_text(strbuf *b, int64_t part, int64_t whole)
{
    html_int(b, whole ? part * 100 / whole : 100);
    html_lit(b, "%");
}

static void person_cell(web_page *pg, const risk_owner_cover *o)
{
    if (o->name)
        html_record_link(pg->b, &kind_person, o->person, o->name);
    else
        page_ref_link(pg, &kind_person, o->person);
}

static void coverage_card(web_page *pg, const isms_record *r)
{
    char now[32];
    clock_now_rfc3339(now);
    risk_coverage cov;
    isms_status st;
    status_clear(&st);
    strbuf *b = pg->b;
    if (store_risk_coverage(pg->conn, r->id, now, pg->req->arena, &cov, &st) != ISMS_OK) {
        page_notice(pg, false, st.detail);
        return;
    }
    html_lit(b, "<section class=\"card\" id=\"coverage\">\n<h2>Coverage</h2>\n<p>");
    html_int(b, cov.answered);
    html_lit(b, " of ");
    html_int(b, cov.risks);
    html_lit(b, " risks answered (<strong class=\"coverage-percent\">");
    percent_text(b, cov.answered, cov.risks);
    html_lit(b, "</strong>)");
    if (cov.late) {
        html_lit(b, "; <span class=\"badge badge-warn\">");
        html_int(b, (int64_t)cov.late);
        html_lit_either(b, cov.late == 1, " owner late", " owners late");
        html_lit(b, "</span>");
    }
    html_lit(b, "</p>\n<progress class=\"coverage\"");
    html_attr_int(b, "max", cov.risks ? cov.risks : 1);
    html_attr_int(b, "value", cov.risks ? cov.answered : 1);
    html_lit(b, "></progress>\n");
    if (cov.nowners == 0) {
        html_lit(b, "<p class=\"muted\">No risks are in scope.</p>\n</section>\n");
        return;
    }
    html_lit(b, "<table class=\"table\" id=\"owners\">\n<thead><tr><th>Risk owner</th>"
                "<th>Risks</th><th>Answered</th><th>Coverage</th><th></th></tr></thead>\n"
                "<tbody>\n");
    for (size_t i = 0; i < cov.nowners; i++) {
        const risk_owner_cover *o = &cov.owners[i];
        html_lit_either(b, o->late, "<tr class=\"late\"><td>", "<tr><td>");
        person_cell(pg, o);
        html_lit(b, "</td><td>");
        html_int(b, o->risks);
        html_lit(b, "</td><td>");
        html_int(b, o->answered);
        html_lit(b, "</td><td>");
        percent_text(b, o->answered, o->risks);
        html_lit_either(b, o->late, "</td><td><span class=\"badge badge-warn\">late</span></td>"
                        "</tr>\n", "</td><td></td></tr>\n");
    }
    html_lit(b, "</tbody>\n</table>\n</section>\n");
}

/* A form posting to /risk-campaigns/CMP-n/<verb>. */
static void campaign_form_open(web_page *pg, const isms_record *r, const char *verb,
                               const char *confirm)
{
    strbuf *b = pg->b;
    strbuf url;
    strbuf_init(&url, 256);
    url_record(&url, r->kind, r->id);
    strbuf_putc(&url, '/');
    strbuf_puts(&url, verb);
    html_lit(b, "<form method=\"post\" class=\"inline\"");
    if (confirm)
        html_attr(b, "data-confirm", confirm);
    html_url_attr(b, "action", url.ptr);
    html_lit(b, ">\n");
    page_csrf_field(pg);
    strbuf_dispose(&url);
}

static void own_risks_card(web_page *pg, const isms_record *r)
{
    int64_t person = pg->req->principal.person_id;
    if (!person || !page_may_write(pg))
        return;
    risk_unanswered *rows = arena_alloc(pg->req->arena, OWN_RISKS_SHOWN * sizeof(*rows));
    size_t n;
    isms_status st;
    status_clear(&st);
    if (store_risk_unanswered(pg->conn, r->id, person, OWN_RISKS_SHOWN, pg->req->arena, rows, &n,
                              &st) != ISMS_OK || n == 0)
        return;
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\" id=\"my-risks\">\n<h2>Your risks to answer</h2>\n"
                "<p class=\"muted\">Confirm a risk whose scores still hold; re-score it on its "
                "page otherwise, then confirm it here.</p>\n<ul class=\"links\">\n");
    for (size_t i = 0; i < n; i++) {
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, &kind_risk, rows[i].risk_id);
        html_lit(b, "<li>");
        html_record_link(b, &kind_risk, rows[i].risk_id,
                         arena_printf(pg->req->arena, "%s %s", hid, rows[i].title));
        if (rows[i].level_label) {
            html_lit(b, " <span class=\"muted\">");
            html_text(b, rows[i].level_label);
            html_lit(b, "</span>");
        }
        if (rows[i].reassess) {
            html_lit(b, " <span class=\"badge badge-warn\">score it again first</span></li>\n");
            continue;
        }
        html_lit(b, " ");
        campaign_form_open(pg, r, "confirm", NULL);
        html_lit(b, "<input type=\"hidden\" name=\"risk\"");
        html_attr(b, "value", hid);
        html_lit(b, "><button type=\"submit\">Confirm</button></form></li>\n");
    }
    html_lit(b, "</ul>\n</section>\n");
}

static void close_card(web_page *pg, const isms_record *r)
{
    if (!(pg->req->principal.roles & UR_MANAGER) || r->retired_at)
        return;
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\" id=\"close\">\n<h2>Close the assessment</h2>\n"
                "<p>Closing records a snapshot of every risk in force: levels, owner, treatment, "
                "acceptance and method version. It cannot be changed afterwards.</p>\n");
    campaign_form_open(pg, r, "close",
                       "Close this assessment and take the snapshot? It cannot be undone.");
    html_lit(b, "<input type=\"hidden\" name=\"version\"");
    html_attr_int(b, "value", r->version);
    html_lit(b, "><button type=\"submit\" class=\"danger\">Close and take snapshot</button>"
                "</form>\n</section>\n");
}

static void level_cell(strbuf *b, int64_t level, const char *label)
{
    html_lit(b, "<td>");
    if (level) {
        html_int(b, level);
        html_lit(b, " ");
    }
    if (label)
        html_text(b, label);
    html_lit(b, "</td>");
}

static void snapshot_card(web_page *pg, const isms_record *r)
{
    risk_snapshot_row *rows = arena_alloc(pg->req->arena, (SNAPSHOT_SHOWN + 1) * sizeof(*rows));
    size_t n;
    isms_status st;
    status_clear(&st);
    if (store_risk_snapshot_page(pg->conn, r->id, 0, SNAPSHOT_SHOWN + 1, pg->req->arena, rows, &n,
                                 &st) != ISMS_OK)
        return;
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\" id=\"snapshot\">\n<h2>Snapshot</h2>\n"
                "<table class=\"table\">\n<thead><tr><th>Risk</th><th>Owner</th><th>Level</th>"
                "<th>Residual</th><th>Treatment</th><th>Acceptance</th><th>Method</th></tr>"
                "</thead>\n<tbody>\n");
    for (size_t i = 0; i < n && i < SNAPSHOT_SHOWN; i++) {
        const risk_snapshot_row *x = &rows[i];
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, &kind_risk, x->risk_id);
        html_lit(b, "<tr><td>");
        html_record_link(b, &kind_risk, x->risk_id,
                         arena_printf(pg->req->arena, "%s %s", hid, x->title ? x->title : ""));
        html_lit(b, "</td><td>");
        html_text(b, x->owner_name ? x->owner_name : "");
        html_lit(b, "</td>");
        level_cell(b, x->level, x->level_label);
        level_cell(b, x->residual_level, x->residual_level_label);
        html_lit(b, "<td>");
        html_text(b, x->treatment ? x->treatment : "");
        html_lit(b, "</td><td>");
        html_text(b, x->acceptance ? x->acceptance : "");
        html_lit(b, "</td><td>");
        if (x->method)
            page_ref_link(pg, &kind_risk_method, x->method);
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody>\n</table>\n");
    if (n > SNAPSHOT_SHOWN)
        html_lit(b, "<p class=\"muted\">The first 200 risks are shown; the whole snapshot: "
                    "<code>isms risk-campaign snapshot</code>, or GET "
                    "/api/v1/risk-campaigns/{id}/snapshot.</p>\n");
    strbuf url;
    strbuf_init(&url, 256);
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, r->kind, r->id);
    strbuf_puts(&url, "/risk-campaigns/compare?to=");
    url_encode_component(&url, hid);
    html_lit(b, "<p><a class=\"button\"");
    html_url_attr(b, "href", url.ptr);
    html_lit(b, ">Compare with an earlier assessment</a></p>\n</section>\n");
    strbuf_dispose(&url);
}

void risk_campaign_section(web_page *pg, const isms_record *r)
{
    const char *status = record_value(r, "status")->s;
    bool closed = status && strcmp(status, "closed") == 0;
    coverage_card(pg, r);
    if (closed) {
        snapshot_card(pg, r);
        return;
    }
    if (!r->retired_at)
        own_risks_card(pg, r);
    close_card(pg, r);
}

/* --- POST /risk-campaigns/{id}/confirm and /close ---------------------------- */

typedef struct campaign_act {
    int64_t campaign, risk, version;
} campaign_act;

static isms_err do_confirm(store_txn *t, void *arg, isms_status *st)
{
    campaign_act *ca = arg;
    arena a;
    arena_init(&a);
    isms_record *rec = record_new(&a, &kind_risk_review);
    *record_value(rec, "campaign") = (isms_value){.set = true, .i = ca->campaign};
    *record_value(rec, "risk") = (isms_value){.set = true, .i = ca->risk};
    *record_value(rec, "outcome") = (isms_value){.set = true, .s = "confirmed"};
    isms_err e = records_create(t, rec, &a, st);
    arena_dispose(&a);
    return e;
}

static isms_err do_close(store_txn *t, void *arg, isms_status *st)
{
    campaign_act *ca = arg;
    arena a;
    arena_init(&a);
    record_change ch = {.field = kind_field(&kind_risk_campaign, "status"),
                        .value = {.set = true, .s = "closed"}};
    isms_record *out;
    isms_err e = records_update(t, &kind_risk_campaign, ca->campaign, ca->version, &ch, 1, &a,
                                &out, st);
    arena_dispose(&a);
    return e;
}

/* Decode the campaign id and the form; on failure the reply is made. */
static form_data *campaign_post(http_request *req, http_reply *rep, campaign_act *ca)
{
    req->kind = &kind_risk_campaign; /* the pattern names it literally */
    if (!risk_campaigns_served(req->reg)) {
        web_not_found(req, rep, "There is no risk register here.");
        return NULL;
    }
    if (!web_post_allowed(req, rep))
        return NULL;
    if (!human_id_parse(&kind_risk_campaign, req->id_text, &ca->campaign)) {
        web_not_found(req, rep, "There is no such assessment.");
        return NULL;
    }
    return web_request_form(req, rep);
}

static void after_write(http_request *req, http_reply *rep, isms_err e, const isms_status *st,
                        int64_t campaign)
{
    if (e != ISMS_OK) {
        web_status_page(req, rep, st);
        return;
    }
    strbuf url;
    strbuf_init(&url, 256);
    url_record(&url, &kind_risk_campaign, campaign);
    strbuf_puts(&url, "?done=saved");
    reply_redirect(rep, url.ptr);
    strbuf_dispose(&url);
}

void web_risk_campaign_confirm(http_request *req, http_reply *rep)
{
    campaign_act ca = {0};
    form_data *form = campaign_post(req, rep, &ca);
    if (!form)
        return;
    isms_status st;
    status_clear(&st);
    const char *risk = form_get(form, "risk");
    if (!risk || !human_id_parse(&kind_risk, risk, &ca.risk)) {
        status_field(&st, "risk", "must be a risk such as RSK-1");
        web_status_page(req, rep, &st);
        return;
    }
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "web");
    isms_err e = store_write_again(req->store, &ctx, do_confirm, &ca, &st);
    after_write(req, rep, e, &st, ca.campaign);
}

void web_risk_campaign_close(http_request *req, http_reply *rep)
{
    campaign_act ca = {0};
    form_data *form = campaign_post(req, rep, &ca);
    if (!form)
        return;
    isms_status st;
    status_clear(&st);
    const char *v = form_get(form, "version");
    if (!v || !parse_int64(v, &ca.version) || ca.version <= 0) {
        web_error_page(req, rep, 400, "Invalid form",
                       "The form lacks the version of the assessment it was read from. Open it "
                       "again and repeat the change.");
        return;
    }
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "web");
    isms_err e = store_write_again(req->store, &ctx, do_close, &ca, &st);
    after_write(req, rep, e, &st, ca.campaign);
}

/* --- the home page's notice --------------------------------------------------- */

void risk_due_notice(web_page *pg)
{
    char now[32];
    clock_now_rfc3339(now);
    risk_due d;
    isms_status st;
    status_clear(&st);
    if (risk_due_check(pg->conn, now, pg->req->arena, &d, &st) != ISMS_OK || !d.due)
        return;
    strbuf *b = pg->b;
    html_lit(b, "<div class=\"notice notice-error\" role=\"status\" id=\"assessment-due\">"
                "A risk assessment is due: ");
    html_text(b, d.reason);
    html_lit(b, ". ");
    if (d.open_campaign) {
        html_record_link(b, &kind_risk_campaign, d.open_campaign,
                         arena_printf(pg->req->arena, "CMP-%lld is under way",
                                      (long long)d.open_campaign));
    } else {
        html_lit(b, "<a href=\"/risk-campaigns/new\">Start an assessment</a>");
    }
    html_lit(b, ".</div>\n");
}
