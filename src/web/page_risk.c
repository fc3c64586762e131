/*
 * The acceptance panel of a risk's page, and the signing of an acceptance
 * from it (POST /risks/{id}/accept). Who may sign in which role is the
 * risk-acceptance kind's rule; the form is offered to those it would allow.
 */
#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/records.h"
#include "core/risk_accept.h"
#include "core/risk_method.h"
#include "core/risk_current.h"
#include "http/signing.h"
#include "web/form.h"
#include "web/risk_pages.h"
#include "web/totp_pages.h"
#include "web/web.h"

/* What the signer typed, shown again after a refusal. */
typedef struct accept_input {
    const char *role, *rationale, *until;
    bool exception;
} accept_input;

static const char *text_of(const isms_record *r, const char *field)
{
    const char *s = record_value(r, field)->s;
    return s ? s : "";
}

static void state_badge(strbuf *b, const isms_record *risk, const char *state)
{
    const char *until = text_of(risk, "accepted_until");
    if (strcmp(state, "accepted") == 0) {
        html_lit(b, "<span class=\"badge badge-ok\">Accepted");
        if (until[0]) {
            html_lit(b, " until ");
            html_text(b, until);
        }
        html_lit(b, "</span>");
    } else if (strcmp(state, "pending") == 0)
        html_lit(b, "<span class=\"badge badge-warn\">Pending top management</span>");
    else if (strcmp(state, "invalidated") == 0)
        html_lit(b, "<span class=\"badge badge-danger\">Invalidated</span>");
    else if (strcmp(state, "expired") == 0) {
        html_lit(b, "<span class=\"badge badge-danger\">Expired on ");
        html_text(b, until);
        html_lit(b, "</span>");
    } else
        html_lit(b, "<span class=\"badge badge-muted\">Not accepted</span>");
}

/* For an invalidated risk: which of the terms the latest acceptance signed differ now. */
static void what_changed(strbuf *b, const isms_record *risk, isms_record **items, size_t n)
{
    if (n == 0)
        return;
    static const char *const terms[] = {"residual likelihood", "residual impact", "treatment",
                                        "controls"};
    unsigned changed = risk_accepted_terms_changed(items[0], risk);
    html_lit(b, "<p class=\"notice notice-error\" id=\"acceptance-changed\">Changed since the "
                "last acceptance was signed:");
    for (unsigned i = 0; i < 4; i++)
        if (changed & (1u << i)) {
            html_lit(b, " ");
            html_text(b, terms[i]);
            html_lit(b, ";");
        }
    html_lit(b, " sign again to accept the risk as it is now.</p>\n");
}

static void acceptances_table(web_page *pg, const isms_record *risk, isms_record **items,
                              size_t n, const char *today)
{
    strbuf *b = pg->b;
    if (n == 0) {
        html_lit(b, "<p class=\"muted\">No acceptance has been signed.</p>\n");
        return;
    }
    html_lit(b, "<table class=\"table\" id=\"acceptances\">\n<thead><tr><th>Acceptance</th>"
                "<th>Signed as</th><th>Signed by</th><th>Signed</th><th>Expires</th>"
                "<th>Validity</th><th>Rationale</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const isms_record *a = items[i];
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, &kind_risk_acceptance, a->id);
        html_lit(b, "<tr><td>");
        html_record_link(b, &kind_risk_acceptance, a->id, hid);
        html_lit(b, "</td><td>");
        html_text(b, text_of(a, "role"));
        if (record_value(a, "exception")->i) { /* top management's time-limited exception */
            html_lit(b, " <span class=\"badge badge-warn\">exception until ");
            html_text(b, text_of(a, "exception_until"));
            html_lit(b, "</span>");
        }
        html_lit(b, "</td><td>");
        page_value(pg, kind_field(&kind_risk_acceptance, "signer"), record_value(a, "signer"),
                   true);
        html_lit(b, " <span class=\"muted\">(");
        html_text(b, text_of(a, "signed_by_user"));
        html_lit(b, ")</span></td><td>");
        html_timestamp(b, a->created_at);
        html_lit(b, "</td><td>");
        html_text(b, text_of(a, "expires"));
        html_lit(b, "</td><td>");
        acceptance_validity v = risk_acceptance_validity(a, risk, today);
        html_lit_either(b, v == ACCEPTANCE_VALID, "<span class=\"badge badge-ok\">",
                        "<span class=\"badge badge-muted\">");
        html_text(b, risk_acceptance_validity_name(v));
        html_lit(b, "</span></td><td class=\"prose\">");
        html_text(b, text_of(a, "rationale"));
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody></table>\n");
}

static void overdue_flag(web_page *pg, isms_record **late, size_t n)
{
    strbuf *b = pg->b;
    html_lit(b, "<div class=\"notice notice-error\" id=\"acceptance-overdue\"><p>Accepted, but "
                "treatment actions are overdue:");
    for (size_t i = 0; i < n; i++) {
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, &kind_risk_action, late[i]->id);
        html_lit(b, " ");
        html_record_link(b, &kind_risk_action, late[i]->id, hid);
        html_lit(b, " (due ");
        html_text(b, text_of(late[i], "due_date"));
        html_lit(b, ")");
    }
    html_lit(b, ". The residual risk was accepted on the plan that they would be done.</p>"
                "</div>\n");
}

/* The roles the signed-in user could sign in: the risk's owner, top management. */
static void signer_roles(web_page *pg, const isms_record *risk, bool *owner, bool *management)
{
    const isms_principal *p = &pg->req->principal;
    *owner = *management = false;
    if (!p->person_id || p->via != AUTH_SESSION)
        return;
    *owner = record_value(risk, "owner")->i == p->person_id;
    isms_record *person;
    isms_status st;
    status_clear(&st);
    if (store_get(pg->conn, &kind_person, p->person_id, pg->req->arena, &person, &st) == ISMS_OK)
        *management = record_value(person, "top_management")->i != 0;
}

static void option(strbuf *b, const char *value, const char *label, bool selected)
{
    html_lit(b, "<option");
    html_attr(b, "value", value);
    if (selected)
        html_lit(b, " selected");
    html_lit(b, ">");
    html_text(b, label);
    html_lit(b, "</option>");
}

static void accept_form(web_page *pg, int64_t risk_id, bool owner, bool management,
                        bool exceptions, const accept_input *in)
{
    strbuf *b = pg->b;
    strbuf url;
    strbuf_init(&url, 128);
    url_record(&url, &kind_risk, risk_id);
    strbuf_puts(&url, "/accept");
    html_lit(b, "<form class=\"form\" method=\"post\" id=\"accept-form\"");
    html_url_attr(b, "action", url.ptr);
    html_lit(b, " novalidate>\n");
    strbuf_dispose(&url);
    page_csrf_field(pg);
    const char *role = in && in->role ? in->role : owner ? "owner" : "top-management";
    html_lit(b, "<div class=\"field\"><label for=\"f-role\">Sign as</label>"
                "<select id=\"f-role\" name=\"role\">");
    if (owner)
        option(b, "owner", "Risk owner", strcmp(role, "owner") == 0);
    if (management)
        option(b, "top-management", "Top management", strcmp(role, "top-management") == 0);
    html_lit(b, "</select></div>\n<div class=\"field\"><label for=\"f-rationale\">Rationale "
                "<span class=\"req\">required</span></label><p class=\"hint\">Why the "
                "residual risk is acceptable with this treatment plan</p>"
                "<textarea id=\"f-rationale\" name=\"rationale\" rows=\"3\" maxlength=\"4000\">");
    html_text(b, in && in->rationale ? in->rationale : "");
    html_lit(b, "</textarea></div>\n");
    if (management && exceptions) {
        html_lit(b, "<div class=\"field\"><label><input type=\"checkbox\" name=\"exception\" "
                    "value=\"true\"");
        if (in && in->exception)
            html_lit(b, " checked");
        html_lit(b, "> Exception: top management accepts a level the method says must be "
                    "treated</label></div>\n<div class=\"field\"><label for=\"f-exception_until\">"
                    "Exception until</label><input type=\"date\" id=\"f-exception_until\" "
                    "name=\"exception_until\"");
        html_attr(b, "value", in && in->until ? in->until : "");
        html_lit(b, "></div>\n");
    }
    page_signing_fields(pg, "accept");
    html_lit(b, "<div class=\"form-actions\"><button class=\"button primary\" type=\"submit\">"
                "Sign acceptance</button></div>\n</form>\n");
}

static bool method_allows_exceptions(web_page *pg, const isms_record *risk)
{
    const risk_method *m = NULL;
    isms_status st;
    status_clear(&st);
    const isms_value *id = record_value(risk, "method");
    return id->set && risk_method_load(pg->conn, id->i, pg->req->arena, &m, &st) == ISMS_OK &&
           m && m->management_exception;
}

static void acceptance_card(web_page *pg, const isms_record *risk, const accept_input *in)
{
    strbuf *b = pg->b;
    char today[32];
    clock_now_rfc3339(today);
    isms_record **items = NULL, **late = NULL;
    size_t n = 0, nlate = 0;
    isms_status st;
    status_clear(&st);
    if (risk_acceptances_of(pg->conn, risk->id, pg->req->arena, &items, &n, &st) != ISMS_OK ||
        risk_overdue_actions(pg->conn, risk->id, today, pg->req->arena, &late, &nlate, &st) !=
            ISMS_OK)
        n = nlate = 0;
    const char *state = risk_acceptance_state_now(risk, today);
    html_lit(b, "<section class=\"card\" id=\"acceptance\">\n<h2>Acceptance</h2>\n"
                "<div class=\"badges\" id=\"acceptance-state\">");
    state_badge(b, risk, state);
    html_lit(b, "</div>\n");
    if (strcmp(state, "invalidated") == 0)
        what_changed(b, risk, items, n);
    if (strcmp(state, "accepted") == 0 && nlate > 0)
        overdue_flag(pg, late, nlate);
    acceptances_table(pg, risk, items, n, today);
    bool owner, management;
    signer_roles(pg, risk, &owner, &management);
    if ((owner || management) && !risk->retired_at)
        accept_form(pg, risk->id, owner, management, method_allows_exceptions(pg, risk), in);
    html_lit(b, "</section>\n");
}

void risk_acceptance_section(web_page *pg, const isms_record *r)
{
    acceptance_card(pg, r, NULL);
}

/* The form again after a refusal, on a page of its own, with what was typed. */
static void accept_again(http_request *req, http_reply *rep, unsigned status, int64_t id,
                         const accept_input *in, const isms_status *err)
{
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    isms_record *risk;
    isms_status st;
    status_clear(&st);
    if (store_get(pg.conn, &kind_risk, id, req->arena, &risk, &st) != ISMS_OK) {
        page_abandon(&pg);
        web_status_page(req, rep, &st);
        return;
    }
    char hid[ISMS_HUMAN_ID_MAX], title[ISMS_HUMAN_ID_MAX + 32];
    human_id_format(hid, &kind_risk, id);
    snprintf(title, sizeof(title), "Sign the acceptance of %s", hid);
    page_crumbs_for_kind(&pg, &kind_risk, true);
    page_crumb_add(&pg, arena_strdup(req->arena, hid), NULL);
    page_begin(&pg, status, title);
    page_heading(&pg, "Signing act", title, record_title(risk));
    page_heading_end(&pg);
    pg.kind = &kind_risk_acceptance; /* the summary names the acceptance's fields */
    page_error_summary(&pg, err);
    bool owner, management;
    signer_roles(&pg, risk, &owner, &management);
    if (!owner && !management)
        owner = true; /* the refusal says why; the form stays to correct what was typed */
    html_lit(pg.b, "<section class=\"card\">\n");
    accept_form(&pg, id, owner, management, method_allows_exceptions(&pg, risk), in);
    html_lit(pg.b, "</section>\n");
    page_end(&pg);
}

void web_risk_accept(http_request *req, http_reply *rep)
{
    int64_t id;
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    if (req->principal.via != AUTH_SESSION) {
        web_error_page(req, rep, 403, "Forbidden",
                       "Accepting a risk is a signing act: it needs your own credentials in a "
                       "signed-in session; an API token cannot sign.");
        return;
    }
    if (!human_id_parse(&kind_risk, req->id_text, &id)) {
        web_not_found(req, rep, "There is no such risk.");
        return;
    }
    const char *exception = form_get(form, "exception");
    const char *until = form_get(form, "exception_until");
    accept_input in = {form_get(form, "role"), form_get(form, "rationale"),
                       until && until[0] ? until : NULL, exception && exception[0]};
    isms_status st;
    status_clear(&st);
    isms_record *acc =
        risk_acceptance_new(req->arena, id, in.role, in.rationale, in.exception, in.until, &st);
    if (st.code != ISMS_OK) {
        accept_again(req, rep, 422, id, &in, &st);
        return;
    }
    char act[64];
    snprintf(act, sizeof(act), "accept RSK-%lld", (long long)id);
    signing_result r = signing_demand(req, form, act, &st);
    if (r != SIGNING_OK) {
        accept_again(req, rep, signing_status(r, &st), id, &in, &st);
        return;
    }
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "web");
    ctx.signed_act = true;
    if (records_create_one(req->store, &ctx, acc, req->arena, &st) != ISMS_OK) {
        accept_again(req, rep, (unsigned)isms_err_http_status(st.code), id, &in, &st);
        return;
    }
    strbuf url;
    strbuf_init(&url, 128);
    url_record(&url, &kind_risk, id);
    strbuf_puts(&url, "#acceptance");
    reply_redirect(rep, url.ptr);
    strbuf_dispose(&url);
}
