/*
 * The detail page of a record: its fields, the records it points to and
 * those pointing to it, its bookkeeping, and the forms that retire or
 * delete it (POST handlers here too; they redirect, post-redirect-get).
 */
#include <stdio.h>
#include <string.h>

#include "core/records.h"
#include "core/value.h"
#include "web/form.h"
#include "web/page.h"
#include "web/record_pages.h"
#include "web/record_sections.h"
#include "web/web.h"

enum { REFERRERS_SHOWN = 100 };

/* A row of the record card: a plain value, or a time and who (by not NULL). */
static void meta_row(strbuf *b, const char *label, const char *value, const char *by)
{
    html_lit(b, "<div><dt>");
    html_text(b, label);
    html_lit(b, "</dt><dd>");
    if (by)
        html_timestamp(b, value);
    else
        html_text(b, value);
    if (by) {
        html_lit(b, " <span class=\"muted\">by ");
        html_text(b, by);
        html_lit(b, "</span>");
    }
    html_lit(b, "</dd></div>\n");
}

static void details_card(web_page *pg, const isms_record *r)
{
    strbuf *b = pg->b;
    const isms_kind *k = r->kind;
    html_lit(b, "<section class=\"card\">\n<h2>Details</h2>\n<dl class=\"fields\">\n");
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (f->role == ROLE_TITLE || (f->flags & FF_SECRET))
            continue;
        html_lit(b, "<div><dt>");
        html_text(b, f->label);
        html_lit_either(b, f->type == FT_LONGTEXT && r->values[i].set, "</dt><dd class=\"prose\">", "</dt><dd>");
        page_value(pg, f, &r->values[i], false);
        html_lit(b, "</dd></div>\n");
    }
    html_lit(b, "</dl>\n</section>\n");
}

static void referrers_card(web_page *pg, const isms_record *r)
{
    store_referrers refs;
    isms_status st;
    status_clear(&st);
    if (store_referrers_of(pg->conn, r->kind, r->id, false, REFERRERS_SHOWN, pg->req->arena,
                           &refs, &st) != ISMS_OK || refs.n == 0)
        return;
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\">\n<h2>Referred to by</h2>\n<ul class=\"links\">\n");
    for (size_t i = 0; i < refs.n; i++) {
        const store_referrer *x = &refs.items[i];
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, x->kind, x->id);
        strbuf text;
        strbuf_init(&text, 1024);
        strbuf_printf(&text, "%s %s", hid, x->title);
        html_lit(b, "<li>");
        html_record_link(b, x->kind, x->id, text.ptr);
        strbuf_dispose(&text);
        html_lit(b, " <span class=\"muted\">");
        html_text(b, x->kind->label);
        html_lit(b, ", ");
        html_text(b, x->field->label);
        html_lit(b, "</span>");
        if (x->retired)
            html_lit(b, " <span class=\"badge badge-muted\">retired</span>");
        html_lit(b, "</li>\n");
    }
    if (refs.more)
        html_lit(b, "<li class=\"muted\">and more</li>\n");
    html_lit(b, "</ul>\n</section>\n");
}

static void record_card(web_page *pg, const isms_record *r)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\">\n<h2>Record</h2>\n<dl class=\"fields meta\">\n");
    char version[24];
    snprintf(version, sizeof(version), "%lld", (long long)r->version);
    meta_row(b, "Version", version, NULL);
    meta_row(b, "Created", r->created_at, r->created_by);
    meta_row(b, "Last changed", r->updated_at, r->updated_by);
    if (r->retired_at) {
        meta_row(b, "Retired", r->retired_at, r->retired_by);
        html_lit(b, "<div><dt>Reason for retiring</dt><dd class=\"prose\">");
        html_text(b, r->retired_reason);
        html_lit(b, "</dd></div>\n");
    }
    html_lit(b, "</dl>\n</section>\n");
}

/* Action form for retire and delete: posts to /<plural>/<id>/<verb>. */
/* confirm: the question app.js asks before sending (data-confirm), or NULL. */
static void action_form_open(web_page *pg, const isms_record *r, const char *verb,
                             const char *css, const char *confirm)
{
    strbuf *b = pg->b;
    strbuf url;
    strbuf_init(&url, 256);
    url_record(&url, r->kind, r->id);
    strbuf_putc(&url, '/');
    strbuf_puts(&url, verb);
    html_lit(b, "<form method=\"post\"");
    html_attr(b, "class", css);
    if (confirm)
        html_attr(b, "data-confirm", confirm);
    html_url_attr(b, "action", url.ptr);
    html_lit(b, " novalidate>\n");
    page_csrf_field(pg);
    html_lit(b, "<input type=\"hidden\" name=\"version\"");
    html_attr_int(b, "value", r->version);
    html_lit(b, ">\n");
    strbuf_dispose(&url);
}

static void retire_card(web_page *pg, const isms_record *r, const isms_status *err,
                        const char *reason)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card card-danger\" id=\"retire\">\n<h2>Retire</h2>\n"
                "<p class=\"hint\">A retired record stays in the history and in reports of the "
                "past, but no longer counts as in force.</p>\n");
    const isms_kind *saved = pg->kind;
    pg->kind = NULL; /* the summary names the reason, not a field of the kind */
    if (err)
        page_error_summary(pg, err);
    pg->kind = saved;
    if (err && err->nreferrers) {
        html_lit(b, "<p>Records in force that refer to it:</p>\n<ul class=\"links\">\n");
        for (size_t i = 0; i < err->nreferrers; i++) {
            const isms_kind *rk;
            int64_t id;
            html_lit(b, "<li>");
            if (human_id_parse_any(pg->req->reg, err->referrers[i], &rk, &id))
                html_record_link(b, rk, id, err->referrers[i]);
            else
                html_text(b, err->referrers[i]);
            html_lit(b, "</li>\n");
        }
        html_lit(b, "</ul>\n");
    }
    bool bad_reason = err && err->code == ISMS_EINVALID;
    action_form_open(pg, r, "retire", "form", NULL);
    html_lit_either(b, bad_reason, "<div class=\"field has-error\">", "<div class=\"field\">");
    html_lit(b, "<label for=\"f-reason\">Reason <span class=\"req\">required</span></label>"
                "<p class=\"hint\" id=\"f-reason-hint\">Why the record no longer applies</p>");
    if (bad_reason && err->nfields) {
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
    if (reason && reason[0] == '\n')
        html_lit(b, "\n");
    html_text(b, reason ? reason : "");
    html_lit(b, "</textarea></div>\n<div class=\"form-actions\"><button class=\"button danger\" "
                "type=\"submit\">Retire</button></div>\n</form>\n</section>\n");
}

static void delete_card(web_page *pg, const isms_record *r)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card card-danger\">\n<h2>Delete</h2>\n<p class=\"hint\">"
                "Records of this kind may be deleted while nothing refers to them. Deleting "
                "cannot be undone.</p>\n");
    char human[ISMS_HUMAN_ID_MAX], question[ISMS_HUMAN_ID_MAX + 48];
    human_id_format(human, r->kind, r->id);
    snprintf(question, sizeof(question), "Delete %s? This cannot be undone.", human);
    action_form_open(pg, r, "delete", "form confirm", question);
    html_lit(b, "<div class=\"form-actions\"><button class=\"button danger\" type=\"submit\">"
                "Delete</button></div>\n</form>\n</section>\n");
}

/* Links to create children of this record: "New requirement" on an interested party. */
static void child_actions(web_page *pg, const isms_record *r)
{
    strbuf *b = pg->b;
    const isms_registry *reg = pg->req->reg;
    for (size_t i = 0; i < reg->nkinds; i++) {
        const isms_kind *child = reg->kinds[i];
        const isms_field *pf = child->parent_field ? kind_field(child, child->parent_field) : NULL;
        /* A signed kind (risk-acceptance) has its own form: no generic "Add". */
        if (!pf || pf->target != r->kind || (child->flags & KF_SIGNED))
            continue;
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, r->kind, r->id);
        strbuf url;
        strbuf_init(&url, 256);
        url_kind(&url, child);
        strbuf_puts(&url, "/new?");
        url_encode_component(&url, pf->name);
        strbuf_putc(&url, '=');
        url_encode_component(&url, hid);
        html_lit(b, "<a class=\"button\"");
        html_url_attr(b, "href", url.ptr);
        html_lit(b, ">Add ");
        html_text(b, child->label);
        html_lit(b, "</a>");
        strbuf_dispose(&url);
    }
}

void record_page(http_request *req, http_reply *rep, unsigned status,
                 const isms_status *retire_err, const char *reason)
{
    const isms_kind *k = req->kind;
    int64_t id;
    if (!human_id_parse(k, req->id_text, &id)) {
        web_not_found(req, rep, "There is no such record.");
        return;
    }
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    isms_status st;
    status_clear(&st);
    isms_record *r;
    if (store_get(pg.conn, k, id, req->arena, &r, &st) != ISMS_OK) {
        page_abandon(&pg);
        if (st.code == ISMS_ENOTFOUND)
            web_not_found(req, rep, "There is no such record.");
        else
            web_status_page(req, rep, &st);
        return;
    }
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, id);
    page_crumbs_for_kind(&pg, k, true);
    page_crumb_add(&pg, arena_strdup(req->arena, hid), NULL);
    strbuf title;
    strbuf_init(&title, 1024);
    strbuf_printf(&title, "%s %s", hid, record_title(r));
    page_begin(&pg, status, title.ptr);
    strbuf_dispose(&title);
    char kicker[128];
    snprintf(kicker, sizeof(kicker), "%s \xC2\xB7 %s", hid, k->label);
    page_heading(&pg, kicker, record_title(r), NULL);
    strbuf *b = pg.b;
    const isms_field *sf = kind_role_field(k, ROLE_STATUS);
    if (r->retired_at || (sf && r->values[kind_field_index(k, sf)].set)) {
        html_lit(b, "<div class=\"badges\">");
        if (r->retired_at)
            html_lit(b, "<span class=\"badge badge-muted\">Retired</span>");
        else
            page_value(&pg, sf, &r->values[kind_field_index(k, sf)], true);
        html_lit(b, "</div>\n");
    }
    html_lit(b, "<div class=\"actions\">");
    /* Readers (viewer, auditor) see no controls they could not use. */
    bool writer = page_may_write_kind(&pg, k);
    if (writer && !r->retired_at && !(k->flags & KF_IMMUTABLE)) {
        strbuf url;
        strbuf_init(&url, 256);
        url_record(&url, k, id);
        strbuf_puts(&url, "/edit");
        html_lit(b, "<a class=\"button primary\"");
        html_url_attr(b, "href", url.ptr);
        html_lit(b, ">Edit</a>");
        strbuf_dispose(&url);
    }
    if (writer && !r->retired_at)
        child_actions(&pg, r);
    strbuf history;
    strbuf_init(&history, 256);
    url_record(&history, k, id);
    strbuf_puts(&history, "/history");
    html_lit(b, "<a class=\"button\"");
    html_url_attr(b, "href", history.ptr);
    html_lit(b, ">History</a>");
    strbuf_dispose(&history);
    html_lit(b, "</div>\n");
    page_heading_end(&pg);
    if (retire_err && retire_err->code != ISMS_EINVALID)
        page_notice(&pg, false, retire_err->detail[0] ? retire_err->detail
                                                      : isms_err_title(retire_err->code));
    details_card(&pg, r);
    record_sections_write(&pg, r);
    referrers_card(&pg, r);
    record_card(&pg, r);
    if (writer && !r->retired_at)
        retire_card(&pg, r, retire_err, reason);
    if (writer && (k->flags & KF_DELETABLE) && !r->retired_at)
        delete_card(&pg, r);
    page_end(&pg);
}

void web_record(http_request *req, http_reply *rep)
{
    record_page(req, rep, 200, NULL, NULL);
}

typedef struct action_args {
    const isms_kind *kind;
    int64_t id, version;
    const char *reason;
} action_args;

static isms_err do_retire(store_txn *t, void *arg, isms_status *st)
{
    action_args *a = arg;
    return records_retire(t, a->kind, a->id, a->version, a->reason, st);
}

static isms_err do_delete(store_txn *t, void *arg, isms_status *st)
{
    action_args *a = arg;
    return records_delete(t, a->kind, a->id, a->version, st);
}

/* Decode the form of an action on a record: its id and the version read. */
static bool action_form(http_request *req, http_reply *rep, form_data **form, action_args *a)
{
    if (!web_post_allowed(req, rep))
        return false;
    a->kind = req->kind;
    if (!human_id_parse(req->kind, req->id_text, &a->id)) {
        web_not_found(req, rep, "There is no such record.");
        return false;
    }
    if (!(*form = web_request_form(req, rep)))
        return false;
    const char *v = form_get(*form, "version");
    if (!v || !parse_int64(v, &a->version) || a->version <= 0) {
        web_error_page(req, rep, 400, "Invalid form",
                       "The form lacks the version of the record it was read from. Open the "
                       "record again and repeat the change.");
        return false;
    }
    return true;
}

void web_retire(http_request *req, http_reply *rep)
{
    form_data *form;
    action_args a = {0};
    isms_status st;
    status_clear(&st);
    if (!action_form(req, rep, &form, &a))
        return;
    a.reason = form_get(form, "reason");
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "web");
    if (store_write_again(req->store, &ctx, do_retire, &a, &st) != ISMS_OK) {
        if (st.code == ISMS_ENOTFOUND) {
            web_not_found(req, rep, "There is no such record.");
            return;
        }
        record_page(req, rep,
                    st.code == ISMS_EINVALID ? 422 : (unsigned)isms_err_http_status(st.code), &st,
                    a.reason);
        return;
    }
    strbuf url;
    strbuf_init(&url, 256);
    url_record(&url, a.kind, a.id);
    strbuf_puts(&url, "?done=retired");
    reply_redirect(rep, url.ptr);
    strbuf_dispose(&url);
}

void web_delete(http_request *req, http_reply *rep)
{
    if (!(req->kind->flags & KF_DELETABLE)) {
        web_error_page(req, rep, 405, "Not allowed",
                       "Records of this kind are retired, never deleted.");
        return;
    }
    form_data *form;
    action_args a = {0};
    isms_status st;
    status_clear(&st);
    if (!action_form(req, rep, &form, &a))
        return;
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "web");
    if (store_write_again(req->store, &ctx, do_delete, &a, &st) != ISMS_OK) {
        if (st.code == ISMS_ENOTFOUND)
            web_not_found(req, rep, "There is no such record.");
        else
            record_page(req, rep, (unsigned)isms_err_http_status(st.code), &st, NULL);
        return;
    }
    strbuf url;
    strbuf_init(&url, 256);
    url_kind(&url, a.kind);
    char human[ISMS_HUMAN_ID_MAX];
    human_id_format(human, a.kind, a.id);
    strbuf_puts(&url, "?done=deleted&record=");
    url_encode_component(&url, human);
    reply_redirect(rep, url.ptr);
    strbuf_dispose(&url);
}
