/*
 * The history page of a record (GET /{plural}/{id}/history, docs/WEB.md):
 * its versions from the change log (who, when, through which channel, what
 * was done) in a form that picks two of them, and with ?from=V&to=V the
 * fields that differ between them, before and after.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/history.h"
#include "http/api.h"
#include "web/page.h"
#include "web/web.h"

/* The badge an action reads as. */
static void action_badge(strbuf *b, const changelog_entry *e)
{
    const char *a = e->action;
    if (strcmp(a, CHANGELOG_CREATE) == 0)
        html_lit(b, "<span class=\"badge badge-ok\">created</span>");
    else if (strcmp(a, CHANGELOG_UPDATE) == 0)
        html_lit(b, "<span class=\"badge badge-info\">changed</span>");
    else if (strcmp(a, CHANGELOG_RETIRE) == 0)
        html_lit(b, "<span class=\"badge badge-muted\">retired</span>");
    else if (strcmp(a, CHANGELOG_DELETE) == 0)
        html_lit(b, "<span class=\"badge badge-danger\">deleted</span>");
    else if (strcmp(a, CHANGELOG_REDACT) == 0)
        html_lit(b, "<span class=\"badge badge-warn\">redaction</span>");
    else if (strcmp(a, CHANGELOG_BASELINE) == 0)
        html_lit(b, "<span class=\"badge badge-muted\">recorded before the log</span>");
    else
        html_text(b, a);
}

/* Can this entry be compared (it made a version, and its content is still there)? */
static bool comparable(const changelog_entry *e)
{
    return e->content && strcmp(e->action, CHANGELOG_DELETE) != 0 &&
           strcmp(e->action, CHANGELOG_REDACT) != 0;
}

static void radio(strbuf *b, const char *name, int64_t version, bool checked)
{
    char label[64];
    snprintf(label, sizeof(label), "Compare %s version %" PRId64, name, version);
    html_lit(b, "<input type=\"radio\"");
    html_attr(b, "name", name);
    html_attr_int(b, "value", version);
    html_attr(b, "aria-label", label);
    if (checked)
        html_lit(b, " checked");
    html_lit(b, ">");
}

static void note(web_page *pg, const changelog_entry *e)
{
    strbuf *b = pg->b;
    int64_t target;
    const char *reason;
    if (strcmp(e->action, CHANGELOG_REDACT) == 0 &&
        history_redaction(e->content, pg->req->arena, &target, &reason)) {
        html_lit(b, " <span class=\"muted\">entry ");
        html_int(b, target);
        html_lit(b, ": ");
        html_text(b, reason);
        html_lit(b, "</span>");
    } else if (!e->content) {
        html_lit(b, " <span class=\"muted\">content redacted</span>");
    }
}

static void versions_card(web_page *pg, const history *h, int64_t from, int64_t to, const char *url)
{
    strbuf *b = pg->b;
    /* Without a choice: the two newest versions that can be compared. */
    int64_t newest = 0, before = 0;
    for (size_t i = 0; i < h->n; i++)
        if (comparable(&h->items[i]) && h->items[i].version != newest) {
            before = newest;
            newest = h->items[i].version;
        }
    if (!from) {
        from = before ? before : newest;
        to = newest;
    }
    html_lit(b, "<section class=\"card\">\n<h2>Versions</h2>\n");
    if (h->truncated) {
        html_lit(b, "<p class=\"hint\">Only the newest ");
        html_int(b, HISTORY_MAX);
        html_lit(b, " entries are shown.</p>\n");
    }
    /* Not class "form": that narrows it to a column of fields, and this is a wide table. */
    html_lit(b, "<form method=\"get\"");
    html_url_attr(b, "action", url);
    html_lit(b, ">\n<div class=\"table-wrap\">\n<table class=\"records\">\n<thead><tr>"
                "<th scope=\"col\">Compare</th>"
                "<th scope=\"col\">Version</th><th scope=\"col\">When</th>"
                "<th scope=\"col\">Who</th><th scope=\"col\">Channel</th>"
                "<th scope=\"col\">What</th><th scope=\"col\">Entry</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < h->n; i++) {
        const changelog_entry *e = &h->items[i];
        bool can = comparable(e);
        html_lit(b, "<tr><td>");
        if (can) { /* from, then to: the two radio groups */
            radio(b, "from", e->version, e->version == from);
            html_lit(b, " ");
            radio(b, "to", e->version, e->version == to);
        }
        html_lit(b, "</td><td class=\"num\">");
        html_int(b, e->version);
        html_lit(b, "</td><td class=\"date\">");
        html_timestamp(b, e->at);
        html_lit(b, "</td><td>");
        html_text(b, e->actor);
        html_lit(b, "</td><td>");
        html_text(b, e->channel);
        html_lit(b, "</td><td>");
        action_badge(b, e);
        note(pg, e);
        html_lit(b, "</td><td class=\"num\">");
        html_int(b, e->seq);
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody>\n</table>\n</div>\n<div class=\"form-actions\"><button class=\"button "
                "primary\" type=\"submit\">Compare</button></div>\n</form>\n</section>\n");
}

static void version_heading(strbuf *b, int64_t version, const changelog_entry *e)
{
    html_lit(b, "Version ");
    html_int(b, version);
    html_lit(b, "<br><span class=\"muted\">");
    html_timestamp(b, e->at);
    html_lit(b, " by ");
    html_text(b, e->actor);
    html_lit(b, "</span>");
}

static void diff_card(web_page *pg, const isms_record *rf, const changelog_entry *ef,
                      const isms_record *rt, const changelog_entry *et)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\" id=\"changes\">\n<h2>Changes from version ");
    html_int(b, ef->version);
    html_lit(b, " to version ");
    html_int(b, et->version);
    html_lit(b, "</h2>\n");
    history_change *ch;
    size_t n = history_diff(rf, rt, pg->req->arena, &ch);
    if (n == 0) {
        html_lit(b, "<p class=\"empty\">No field differs between these versions.</p>\n"
                    "</section>\n");
        return;
    }
    html_lit(b, "<div class=\"table-wrap\">\n<table class=\"records\">\n<thead><tr>"
                "<th scope=\"col\">Field</th><th scope=\"col\">");
    version_heading(b, ef->version, ef);
    html_lit(b, "</th><th scope=\"col\">");
    version_heading(b, et->version, et);
    html_lit(b, "</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        html_lit(b, "<tr><th scope=\"row\">");
        html_text(b, ch[i].field->label);
        bool long_text = ch[i].field->type == FT_LONGTEXT;
        /* Long text keeps its line breaks, as on the detail page. */
        html_lit_either(b, long_text && ch[i].before->set, "</th><td class=\"prose\">",
                        "</th><td>");
        page_value(pg, ch[i].field, ch[i].before, true);
        html_lit_either(b, long_text && ch[i].after->set, "</td><td class=\"prose\">", "</td><td>");
        page_value(pg, ch[i].field, ch[i].after, true);
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody>\n</table>\n</div>\n</section>\n");
}

/* The record's title now, or from its newest readable version once it is gone. */
static const char *title_of(web_page *pg, const history *h, bool *exists)
{
    http_request *req = pg->req;
    int64_t id = h->items[0].record_id;
    isms_status st;
    status_clear(&st);
    isms_record *r;
    *exists = store_get(pg->conn, req->kind, id, req->arena, &r, &st) == ISMS_OK;
    if (*exists)
        return record_title(r);
    for (size_t i = h->n; i-- > 0;)
        if (comparable(&h->items[i]) && history_record(req->reg, req->kind, h->items[i].content,
                                                       req->arena, &r, &st) == ISMS_OK)
            return record_title(r);
    return NULL;
}

void web_history(http_request *req, http_reply *rep)
{
    const isms_kind *k = req->kind;
    int64_t id, from, to;
    if (!human_id_parse(k, req->id_text, &id)) {
        web_not_found(req, rep, "There is no such record.");
        return;
    }
    isms_status st;
    status_clear(&st);
    if (history_query(req, true, &from, &to, &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
        return;
    }
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    history h;
    changelog_entry ef, et;
    isms_record *rf = NULL, *rt = NULL;
    isms_err e = history_read(pg.conn, k, id, req->arena, &h, &st);
    if (e == ISMS_OK && from)
        e = history_version(pg.conn, req->reg, k, id, from, req->arena, &ef, &rf, &st);
    if (e == ISMS_OK && from)
        e = history_version(pg.conn, req->reg, k, id, to, req->arena, &et, &rt, &st);
    if (e != ISMS_OK) {
        page_abandon(&pg);
        if (e == ISMS_ENOTFOUND && !from)
            web_not_found(req, rep, "There is no such record.");
        else
            web_status_page(req, rep, &st);
        return;
    }
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, id);
    bool exists;
    const char *title = title_of(&pg, &h, &exists);
    strbuf url;
    strbuf_init(&url, 256);
    url_record(&url, k, id);
    page_crumbs_for_kind(&pg, k, true);
    page_crumb_add(&pg, arena_strdup(req->arena, hid),
                   exists ? arena_strdup(req->arena, url.ptr) : NULL);
    page_crumb_add(&pg, "History", NULL);
    strbuf text;
    strbuf_init(&text, 1024);
    strbuf_printf(&text, "History of %s", hid);
    page_begin(&pg, 200, text.ptr);
    strbuf_reset(&text);
    strbuf_printf(&text, "%s \xC2\xB7 %s", hid, k->label);
    page_heading(&pg, text.ptr, "History", title);
    strbuf_dispose(&text);
    html_lit(pg.b, "<div class=\"actions\">");
    if (exists) {
        html_lit(pg.b, "<a class=\"button\"");
        html_url_attr(pg.b, "href", url.ptr);
        html_lit(pg.b, ">Back to the record</a>");
    }
    strbuf entries;
    strbuf_init(&entries, 128);
    strbuf_puts(&entries, "/log?id=");
    url_encode_component(&entries, hid);
    html_lit(pg.b, "<a class=\"button subtle\"");
    html_url_attr(pg.b, "href", entries.ptr);
    html_lit(pg.b, ">In the change log</a></div>\n");
    strbuf_dispose(&entries);
    page_heading_end(&pg);
    if (!exists)
        html_lit(pg.b, "<p class=\"hint\">The record no longer exists; its history stays.</p>\n");
    if (from)
        diff_card(&pg, rf, &ef, rt, &et);
    strbuf_puts(&url, "/history");
    versions_card(&pg, &h, from, to, url.ptr);
    strbuf_dispose(&url);
    page_end(&pg);
}
