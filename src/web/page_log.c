/*
 * The change log's pages (docs/WEB.md): GET /log, its entries in order with
 * filters, paging and a verification on demand; GET /log/{seq}, one entry
 * with the record it holds and the form that redacts it; POST
 * /log/{seq}/redact.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/history.h"
#include "core/log_verify.h"
#include "core/records.h"
#include "core/value.h"
#include "http/api.h"
#include "web/form.h"
#include "web/page.h"
#include "web/web.h"

static const char *param(const http_request *req, const char *key)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->param_keys[i], key) == 0)
            return req->param_values[i];
    return NULL;
}

/* A link to the history of an entry's record (its id as text when the kind is unknown). */
static void record_cell(web_page *pg, const changelog_entry *e)
{
    strbuf *b = pg->b;
    const isms_kind *k = registry_kind(pg->req->reg, e->kind);
    if (!k) {
        html_text(b, e->kind);
        html_lit(b, " ");
        html_int(b, e->record_id);
        return;
    }
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, e->record_id);
    strbuf url;
    strbuf_init(&url, 256);
    url_record(&url, k, e->record_id);
    strbuf_puts(&url, "/history");
    html_lit(b, "<a");
    html_url_attr(b, "href", url.ptr);
    html_lit(b, ">");
    html_text(b, hid);
    html_lit(b, "</a>");
    strbuf_dispose(&url);
}

static void entry_link(strbuf *b, int64_t seq)
{
    char url[48];
    snprintf(url, sizeof(url), "/log/%" PRId64, seq);
    html_lit(b, "<a");
    html_url_attr(b, "href", url);
    html_lit(b, ">");
    html_int(b, seq);
    html_lit(b, "</a>");
}

/* --- GET /log ----------------------------------------------------------------- */

static void verify_card(web_page *pg)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\">\n<h2>Verification</h2>\n");
    const char *v = param(pg->req, "verify");
    if (v && v[0]) {
        isms_status st;
        status_clear(&st);
        log_verify_options o = {0};
        log_verify_result r;
        if (log_verify(pg->conn, pg->req->reg, &o, &r, &st) != ISMS_OK) {
            page_notice(pg, false, st.detail);
        } else {
            if (r.ok) {
                strbuf text;
                strbuf_init(&text, 512);
                strbuf_printf(&text,
                              "The change log verifies: %" PRId64 " entr%s, %" PRId64
                              " checkpoint%s; %" PRId64 " record%s match their last entries.",
                              r.entries, r.entries == 1 ? "y" : "ies", r.checkpoints,
                              r.checkpoints == 1 ? "" : "s", r.records, r.records == 1 ? "" : "s");
                page_notice(pg, true, text.ptr);
                strbuf_dispose(&text);
            } else {
                page_notice(pg, false, r.detail);
            }
            html_lit(b, "<dl class=\"fields meta\">\n<div><dt>Last entry</dt><dd>");
            html_int(b, r.last_seq);
            html_lit(b, "</dd></div>\n<div><dt>Its hash</dt><dd><code>");
            html_text(b, r.last_hash);
            html_lit(b, "</code></dd></div>\n</dl>\n");
        }
    }
    html_lit(b, "<p class=\"hint\">Checks every entry's hash and link, every checkpoint, and "
                "every record against its last entry. Record the last entry and its hash "
                "elsewhere: <code>isms log verify --expect SEQ:HASH</code> proves later that "
                "the log was not rewritten up to there; checkpoint signatures are checked by "
                "<code>isms log verify --public-key</code>.</p>\n"
                "<form method=\"get\" action=\"/log\"><input type=\"hidden\" name=\"verify\" "
                "value=\"1\"><div class=\"form-actions\"><button class=\"button\" type=\"submit\">"
                "Verify now</button></div></form>\n</section>\n");
}

static void filters(web_page *pg)
{
    strbuf *b = pg->b;
    const char *kind = param(pg->req, "kind"), *id = param(pg->req, "id");
    html_lit(b, "<form class=\"filters\" method=\"get\" action=\"/log\" role=\"search\">\n"
                "<div class=\"field\"><label for=\"f-kind\">Kind of record</label>"
                "<select id=\"f-kind\" name=\"kind\"><option value=\"\">Any</option>");
    for (size_t i = 0; i < pg->req->reg->nkinds; i++) {
        const isms_kind *k = pg->req->reg->kinds[i];
        html_lit(b, "<option");
        html_attr(b, "value", k->name);
        if (kind && strcmp(kind, k->name) == 0)
            html_lit(b, " selected");
        html_lit(b, ">");
        html_text(b, k->label_plural);
        html_lit(b, "</option>");
    }
    html_lit(b, "</select></div>\n<div class=\"field\"><label for=\"f-id\">Record</label>"
                "<input type=\"search\" id=\"f-id\" name=\"id\" placeholder=\"ISS-3\"");
    html_attr(b, "value", id ? id : "");
    html_lit(b, "></div>\n<div class=\"filter-actions\"><button class=\"button\" "
                "type=\"submit\">Apply</button><a class=\"button subtle\" href=\"/log\">Reset</a>"
                "</div>\n</form>\n");
}

typedef struct entries_walk {
    web_page *pg;
    int64_t limit, shown, last_seq;
    bool more;
} entries_walk;

static bool entry_row(const changelog_entry *e, void *arg)
{
    entries_walk *w = arg;
    if (w->shown == w->limit) {
        w->more = true;
        return false;
    }
    strbuf *b = w->pg->b;
    if (w->shown++ == 0)
        html_lit(b, "<div class=\"table-wrap\">\n<table class=\"records\">\n<thead><tr>"
                    "<th scope=\"col\">Entry</th><th scope=\"col\">When</th>"
                    "<th scope=\"col\">Who</th><th scope=\"col\">Channel</th>"
                    "<th scope=\"col\">What</th><th scope=\"col\">Record</th>"
                    "<th scope=\"col\">Version</th></tr></thead>\n<tbody>\n");
    w->last_seq = e->seq;
    html_lit(b, "<tr><td class=\"id\">");
    entry_link(b, e->seq);
    html_lit(b, "</td><td class=\"date\">");
    html_timestamp(b, e->at);
    html_lit(b, "</td><td>");
    html_text(b, e->actor);
    html_lit(b, "</td><td>");
    html_text(b, e->channel);
    html_lit(b, "</td><td>");
    html_text(b, e->action);
    if (!e->content)
        html_lit(b, " <span class=\"muted\">(content redacted)</span>");
    html_lit(b, "</td><td>");
    record_cell(w->pg, e);
    html_lit(b, "</td><td class=\"num\">");
    html_int(b, e->version);
    html_lit(b, "</td></tr>\n");
    return true;
}

/* The next page's URL: the filters kept, after the last entry shown. */
static void next_url(strbuf *u, const http_request *req, int64_t after)
{
    strbuf_printf(u, "/log?after=%" PRId64, after);
    static const char *const kept[] = {"kind", "id", "limit"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = param(req, kept[i]);
        if (v && v[0]) {
            strbuf_printf(u, "&%s=", kept[i]);
            url_encode_component(u, v);
        }
    }
}

void web_log(http_request *req, http_reply *rep)
{
    isms_status st;
    status_clear(&st);
    store_log_filter f;
    int64_t limit;
    if (log_query(req, true, &f, &limit, &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
        return;
    }
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    page_crumb_add(&pg, "Overview", "/");
    page_crumb_add(&pg, "Change log", NULL);
    page_begin(&pg, 200, "Change log");
    page_heading(&pg, "7.5.3 \xC2\xB7 Control of documented information", "Change log",
                 "Every change to every record, through any face: who, when, how, and the "
                 "record after it. Append-only and hash-chained.");
    page_heading_end(&pg);
    verify_card(&pg);
    filters(&pg);
    entries_walk w = {.pg = &pg, .limit = limit};
    f.limit = limit + 1;
    if (store_log_each(pg.conn, &f, entry_row, &w, &st) != ISMS_OK)
        page_notice(&pg, false, st.detail);
    strbuf *b = pg.b;
    if (w.shown == 0)
        html_lit(b, "<p class=\"empty\">No entries match.</p>\n");
    else
        html_lit(b, "</tbody>\n</table>\n</div>\n");
    if (w.more || f.after) {
        html_lit(b, "<nav class=\"pager\" aria-label=\"Pages\">");
        if (f.after)
            html_lit(b, "<a class=\"button\" href=\"/log\">First page</a>");
        if (w.more) {
            strbuf u;
            strbuf_init(&u, 1024);
            next_url(&u, req, w.last_seq);
            html_lit(b, "<a class=\"button\" rel=\"next\"");
            html_url_attr(b, "href", u.ptr);
            html_lit(b, ">Next page</a>");
            strbuf_dispose(&u);
        }
        html_lit(b, "</nav>\n");
    }
    page_end(&pg);
}

/* --- GET /log/{seq} and POST /log/{seq}/redact ---------------------------------------- */

static void meta(strbuf *b, const char *label, const char *value, bool code)
{
    html_lit(b, "<div><dt>");
    html_text(b, label);
    html_lit_either(b, code, "</dt><dd><code>", "</dt><dd>");
    html_text(b, value ? value : "");
    html_lit_either(b, code, "</code></dd></div>\n", "</dd></div>\n");
}

/* The record the entry holds, field by field as on the detail page. */
static void content_card(web_page *pg, const changelog_entry *e)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\">\n<h2>Content</h2>\n");
    int64_t target;
    const char *reason;
    isms_status st;
    status_clear(&st);
    isms_record *r;
    const isms_kind *k = registry_kind(pg->req->reg, e->kind);
    if (!e->content) {
        html_lit(b, "<p class=\"muted\">The content was redacted.</p>\n");
    } else if (strcmp(e->action, CHANGELOG_REDACT) == 0 &&
               history_redaction(e->content, pg->req->arena, &target, &reason)) {
        html_lit(b, "<p>Redacts the content of entry ");
        entry_link(b, target);
        html_lit(b, ": ");
        html_text(b, reason);
        html_lit(b, "</p>\n");
    } else if (k &&
               history_record(pg->req->reg, k, e->content, pg->req->arena, &r, &st) == ISMS_OK) {
        html_lit(b, "<dl class=\"fields\">\n");
        for (size_t i = 0; i < k->nfields; i++) {
            const isms_field *f = &k->fields[i];
            if (f->flags & FF_SECRET)
                continue;
            html_lit(b, "<div><dt>");
            html_text(b, f->label);
            html_lit_either(b, f->type == FT_LONGTEXT && r->values[i].set,
                            "</dt><dd class=\"prose\">", "</dt><dd>");
            page_value(pg, f, &r->values[i], false);
            html_lit(b, "</dd></div>\n");
        }
        html_lit(b, "</dl>\n");
    } else {
        html_lit(b, "<p class=\"error\">The content is not a readable record: run "
                    "<code>isms log verify</code>.</p>\n");
    }
    html_lit(b, "</section>\n");
}

static void redact_card(web_page *pg, const changelog_entry *e, const isms_status *err,
                        const char *reason)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card card-danger\" id=\"redact\">\n<h2>Redact</h2>\n"
                "<p class=\"hint\">Removes this entry's content, for example personal data "
                "past its retention. The entry, its digest and the chain stay; the redaction "
                "is logged with who, when and why. It cannot be undone, and does not change "
                "the record itself.</p>\n");
    if (err && err->code != ISMS_EINVALID)
        page_notice(pg, false, err->detail);
    bool bad = err && err->code == ISMS_EINVALID && err->nfields;
    char action[64];
    snprintf(action, sizeof(action), "/log/%" PRId64 "/redact", e->seq);
    char question[96];
    snprintf(question, sizeof(question),
             "Redact the content of entry %" PRId64 "? This cannot be undone.", e->seq);
    html_lit(b, "<form class=\"form confirm\" method=\"post\"");
    html_attr(b, "data-confirm", question);
    html_url_attr(b, "action", action);
    html_lit(b, " novalidate>\n");
    page_csrf_field(pg);
    html_lit_either(b, bad, "<div class=\"field has-error\">", "<div class=\"field\">");
    html_lit(b, "<label for=\"f-reason\">Reason <span class=\"req\">required</span></label>"
                "<p class=\"hint\" id=\"f-reason-hint\">Why the content must go</p>");
    if (bad) {
        html_lit(b, "<p class=\"error\" id=\"f-reason-error\">");
        html_text(b, err->fields[0].reason);
        html_lit(b, "</p><textarea id=\"f-reason\" name=\"reason\" rows=\"3\" "
                    "aria-describedby=\"f-reason-hint f-reason-error\" aria-invalid=\"true\"");
    } else {
        html_lit(b, "<textarea id=\"f-reason\" name=\"reason\" rows=\"3\" "
                    "aria-describedby=\"f-reason-hint\"");
    }
    html_attr_int(b, "maxlength", ISMS_REASON_TEXT_MAX);
    html_lit(b, ">");
    html_text(b, reason ? reason : "");
    html_lit(b, "</textarea></div>\n<div class=\"form-actions\"><button class=\"button danger\" "
                "type=\"submit\">Redact</button></div>\n</form>\n</section>\n");
}

static bool seq_of(http_request *req, http_reply *rep, int64_t *seq)
{
    if (parse_int64(req->capture, seq) && *seq > 0)
        return true;
    web_not_found(req, rep, "There is no such entry in the change log.");
    return false;
}

static void entry_page(http_request *req, http_reply *rep, unsigned status, const isms_status *err,
                       const char *reason)
{
    int64_t seq;
    if (!seq_of(req, rep, &seq))
        return;
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    isms_status st;
    status_clear(&st);
    changelog_entry e;
    if (store_log_get(pg.conn, seq, req->arena, &e, &st) != ISMS_OK) {
        page_abandon(&pg);
        if (st.code == ISMS_ENOTFOUND)
            web_not_found(req, rep, "There is no such entry in the change log.");
        else
            web_status_page(req, rep, &st);
        return;
    }
    char title[64], version[24];
    snprintf(title, sizeof(title), "Entry %" PRId64, seq);
    snprintf(version, sizeof(version), "%" PRId64, e.version);
    page_crumb_add(&pg, "Overview", "/");
    page_crumb_add(&pg, "Change log", "/log");
    page_crumb_add(&pg, title, NULL);
    page_begin(&pg, status, title);
    page_heading(&pg, "Change log", title, NULL);
    page_heading_end(&pg);
    strbuf *b = pg.b;
    html_lit(b, "<section class=\"card\">\n<h2>Entry</h2>\n<dl class=\"fields meta\">\n"
                "<div><dt>When</dt><dd>");
    html_timestamp(b, e.at);
    html_lit(b, "</dd></div>\n");
    meta(b, "Who", e.actor, false);
    meta(b, "Channel", e.channel, false);
    meta(b, "What", e.action, false);
    html_lit(b, "<div><dt>Record</dt><dd>");
    record_cell(&pg, &e);
    html_lit(b, "</dd></div>\n");
    meta(b, "Version", version, false);
    meta(b, "Digest of the content", e.content_hash, true);
    meta(b, "Hash of the entry before", e.prev_hash, true);
    meta(b, "Hash", e.hash, true);
    html_lit(b, "</dl>\n</section>\n");
    content_card(&pg, &e);
    /* Redacting is for administrators (docs/SECURITY.md): others do not see the form. */
    if (e.content && strcmp(e.action, CHANGELOG_REDACT) != 0 &&
        roles_permit(&req->principal, PERM_ADMIN))
        redact_card(&pg, &e, err, reason);
    page_end(&pg);
}

void web_log_entry(http_request *req, http_reply *rep)
{
    entry_page(req, rep, 200, NULL, NULL);
}

typedef struct redact_args {
    int64_t seq, redaction;
    const char *reason;
} redact_args;

static isms_err do_redact(store_txn *t, void *arg, isms_status *st)
{
    redact_args *r = arg;
    return records_redact_entry(t, r->seq, r->reason, &r->redaction, st);
}

void web_log_redact(http_request *req, http_reply *rep)
{
    if (!web_post_allowed(req, rep))
        return;
    redact_args r = {0};
    if (!seq_of(req, rep, &r.seq))
        return;
    isms_status st;
    status_clear(&st);
    form_data *form = web_request_form(req, rep);
    if (!form)
        return;
    r.reason = form_get(form, "reason");
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "web");
    if (store_write(req->store, &ctx, do_redact, &r, &st) != ISMS_OK) {
        if (st.code == ISMS_ENOTFOUND)
            web_not_found(req, rep, "There is no such entry in the change log.");
        else
            entry_page(req, rep,
                       st.code == ISMS_EINVALID ? 422 : (unsigned)isms_err_http_status(st.code),
                       &st, r.reason);
        return;
    }
    char url[64];
    snprintf(url, sizeof(url), "/log/%" PRId64 "?done=redacted", r.seq);
    reply_redirect(rep, url);
}
