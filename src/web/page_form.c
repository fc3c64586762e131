/*
 * The create and edit forms of every kind, and their POST handlers. A form
 * that fails comes back with the user's input kept and each error next to
 * its field; one that succeeds redirects to the record (post-redirect-get).
 */
#include <stdio.h>
#include <string.h>

#include "core/records.h"
#include "core/validate.h"
#include "core/value.h"
#include "web/form.h"
#include "web/inputs.h"
#include "web/page.h"
#include "web/web.h"

enum { FORM_CHANGES_MAX = 128 };

static bool field_editable(const isms_field *f)
{
    return !(f->flags & (FF_DERIVED | FF_SECRET));
}

static const isms_field_error *error_for(const isms_status *err, const char *field)
{
    if (!err)
        return NULL;
    for (size_t i = 0; i < err->nfields; i++)
        if (strcmp(err->fields[i].field, field) == 0)
            return &err->fields[i];
    return NULL;
}

static void field_block(web_page *pg, const isms_field *f, const char *text,
                        const isms_field_error *fe)
{
    strbuf *b = pg->b;
    char id[ISMS_FIELD_NAME_MAX + 4], hint[ISMS_FIELD_NAME_MAX + 12],
        error[ISMS_FIELD_NAME_MAX + 12], described[2 * ISMS_FIELD_NAME_MAX + 32];
    snprintf(id, sizeof(id), "f-%s", f->name);
    snprintf(hint, sizeof(hint), "f-%s-hint", f->name);
    snprintf(error, sizeof(error), "f-%s-error", f->name);
    snprintf(described, sizeof(described), fe ? "%s %s" : "%s", hint, error);
    html_lit_either(b, fe, "<div class=\"field has-error\">\n", "<div class=\"field\">\n");
    html_lit(b, "<label");
    html_attr(b, "for", id);
    html_lit(b, ">");
    html_text(b, f->label);
    if (f->flags & FF_REQUIRED)
        html_lit(b, " <span class=\"req\">required</span>");
    html_lit(b, "</label>\n<p class=\"hint\"");
    html_attr(b, "id", hint);
    html_lit(b, ">");
    html_text(b, f->help);
    if (f->type == FT_REFLIST)
        html_lit(b, " (choose several with Ctrl or \xE2\x8C\x98)");
    html_lit(b, "</p>\n");
    if (fe) {
        html_lit(b, "<p class=\"error\"");
        html_attr(b, "id", error);
        html_lit(b, ">");
        html_text(b, fe->reason);
        html_lit(b, "</p>\n");
    }
    input_control(pg, f, text, INPUT_FORM, described, fe != NULL);
    html_lit(b, "\n</div>\n");
}

/*
 * The form: create when old is NULL, else edit of old. texts[i] is the text
 * shown for field i; err the outcome of a refused post (or NULL).
 */
static void form_page(http_request *req, http_reply *rep, unsigned status,
                      const isms_record *old, const char *const *texts, const isms_status *err,
                      int64_t version)
{
    const isms_kind *k = req->kind;
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    page_crumbs_for_kind(&pg, k, true);
    char hid[ISMS_HUMAN_ID_MAX] = "";
    strbuf title;
    strbuf_init(&title, 1024);
    if (old) {
        human_id_format(hid, k, old->id);
        strbuf_printf(&title, "Edit %s", hid);
    } else {
        strbuf_printf(&title, "New %s", label_in_text(req->arena, k->label));
    }
    const char *title_text = arena_strdup(req->arena, title.ptr);
    strbuf_dispose(&title);
    page_crumb_add(&pg, title_text, NULL);
    page_begin(&pg, status, title_text);
    page_heading(&pg, old ? record_title(old) : k->label, title_text, old ? NULL : k->help);
    page_heading_end(&pg);
    strbuf *b = pg.b;
    bool stale = err && err->code == ISMS_ECONFLICT && err->current_version;
    if (stale)
        page_notice(&pg, false,
                    "Someone changed this record after you opened it. Your changes are kept "
                    "below; check the record in another tab, then save again to replace "
                    "that version with yours.");
    strbuf url;
    strbuf_init(&url, 256);
    if (old) {
        url_record(&url, k, old->id);
        strbuf_puts(&url, "/edit");
    } else {
        url_kind(&url, k);
    }
    html_lit(b, "<form class=\"form\" method=\"post\"");
    html_url_attr(b, "action", url.ptr);
    html_lit(b, " novalidate>\n");
    page_csrf_field(&pg);
    if (err && !stale)
        page_error_summary(&pg, err);
    if (old) {
        html_lit(b, "<input type=\"hidden\" name=\"version\"");
        html_attr_int(b, "value", version);
        html_lit(b, ">\n");
    }
    for (size_t i = 0; i < k->nfields; i++)
        if (field_editable(&k->fields[i]))
            field_block(&pg, &k->fields[i], texts[i], error_for(err, k->fields[i].name));
    html_lit(b, "<div class=\"form-actions\"><button class=\"button primary\" type=\"submit\">");
    if (old) {
        html_lit(b, "Save changes");
    } else {
        html_lit(b, "Create ");
        html_text(b, label_in_text(req->arena, k->label));
    }
    html_lit(b, "</button><a class=\"button subtle\"");
    strbuf_reset(&url);
    if (old)
        url_record(&url, k, old->id);
    else
        url_kind(&url, k);
    html_url_attr(b, "href", url.ptr);
    html_lit(b, ">Cancel</a></div>\n</form>\n");
    strbuf_dispose(&url);
    page_end(&pg);
}

static const char **texts_new(http_request *req)
{
    return arena_alloc(req->arena, sizeof(const char *) * req->kind->nfields);
}

void web_new(http_request *req, http_reply *rep)
{
    const isms_kind *k = req->kind;
    isms_record *rec = record_new(req->arena, k);
    records_fill_defaults(rec, req->arena);
    const char **texts = texts_new(req);
    web_page tmp = {.req = req};
    for (size_t i = 0; i < k->nfields; i++)
        texts[i] = input_text_of(&tmp, &k->fields[i], &rec->values[i]);
    /* Query parameters prefill fields: /requirements/new?party=IP-2. */
    for (size_t p = 0; p < req->nparams; p++) {
        const isms_field *f = kind_field(k, req->param_keys[p]);
        if (f && field_editable(f))
            texts[kind_field_index(k, f)] = req->param_values[p];
    }
    form_page(req, rep, 200, NULL, texts, NULL, 0);
}

/*
 * Read the posted form into texts (what the user typed, per field) and
 * changes (parsed values of every editable field). Field errors go to st.
 */
static void read_form(http_request *req, const form_data *form, const char **texts,
                      record_change *changes, size_t *nchanges, isms_status *st)
{
    const isms_kind *k = req->kind;
    *nchanges = 0;
    for (size_t i = 0; i < form->n; i++) {
        const char *key = form->keys[i];
        const isms_field *f = kind_field(k, key);
        if (strcmp(key, "version") != 0 && strcmp(key, "csrf") != 0 && (!f || !field_editable(f))) {
            char name[ISMS_FIELD_NAME_MAX];
            snprintf(name, sizeof(name), "%s", key);
            status_field(st, name, "is not a field of a %s", label_in_text(req->arena, k->label));
        }
    }
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (!field_editable(f))
            continue;
        const char *text = "";
        if (f->type == FT_REFLIST) {
            /* A multiple select sends one pair per choice: join them as the CLI takes them. */
            strbuf joined;
            strbuf_init(&joined, 64 * 1024);
            for (size_t p = 0; p < form->n; p++) {
                if (strcmp(form->keys[p], f->name) != 0 || !form->values[p][0])
                    continue;
                if (joined.len)
                    strbuf_putc(&joined, ',');
                strbuf_puts(&joined, form->values[p]);
            }
            text = arena_strdup(req->arena, joined.ptr);
            strbuf_dispose(&joined);
        } else {
            if (form_count(form, f->name) > 1)
                status_field(st, f->name, "is given more than once");
            const char *v = form_get(form, f->name);
            text = v ? v : "";
        }
        texts[i] = text;
        char reason[ISMS_REASON_MAX];
        isms_value value;
        if (!value_parse(req->reg, f, text, req->arena, &value, reason, sizeof(reason))) {
            status_field(st, f->name, "%s", reason);
            continue;
        }
        changes[(*nchanges)++] = (record_change){f, value};
    }
}

/*
 * After syntax errors nothing is written, but the user should see every
 * problem at once: check the rules (required, lengths, cross-field) on the
 * values that did parse, and add the errors of fields not already flagged.
 */
static void add_rule_errors(http_request *req, const isms_record *old,
                            const record_change *changes, size_t nchanges, isms_status *st)
{
    const isms_kind *k = req->kind;
    isms_record *rec = old ? record_clone(req->arena, old) : record_new(req->arena, k);
    for (size_t i = 0; i < nchanges; i++)
        rec->values[kind_field_index(k, changes[i].field)] = changes[i].value;
    if (k->derive)
        k->derive(rec);
    isms_status *rules = arena_alloc(req->arena, sizeof(*rules));
    status_clear(rules);
    record_validate(old, rec, rules);
    for (size_t i = 0; i < rules->nfields; i++) {
        bool flagged = false;
        for (size_t j = 0; j < st->nfields; j++)
            flagged |= strcmp(st->fields[j].field, rules->fields[i].field) == 0;
        if (!flagged)
            status_field(st, rules->fields[i].field, "%s", rules->fields[i].reason);
    }
}

typedef struct form_write {
    http_request *req;
    record_change changes[FORM_CHANGES_MAX];
    size_t nchanges;
    int64_t id, version;
    isms_record *result;
} form_write;

static isms_err do_create(store_txn *t, void *arg, isms_status *st)
{
    form_write *w = arg;
    const isms_kind *k = w->req->kind;
    isms_record *rec = record_new(w->req->arena, k);
    for (size_t i = 0; i < w->nchanges; i++)
        rec->values[kind_field_index(k, w->changes[i].field)] = w->changes[i].value;
    isms_err e = records_create(t, rec, w->req->arena, st);
    w->result = rec;
    return e;
}

static isms_err do_update(store_txn *t, void *arg, isms_status *st)
{
    form_write *w = arg;
    return records_update(t, w->req->kind, w->id, w->version, w->changes, w->nchanges,
                          w->req->arena, &w->result, st);
}

static void redirect_to_record(http_reply *rep, const isms_kind *k, int64_t id, const char *done)
{
    strbuf url;
    strbuf_init(&url, 256);
    url_record(&url, k, id);
    strbuf_printf(&url, "?done=%s", done);
    reply_redirect(rep, url.ptr);
    strbuf_dispose(&url);
}

static isms_err write_form(http_request *req, store_write_fn fn, form_write *w, isms_status *st)
{
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "web");
    return store_write_again(req->store, &ctx, fn, w, st);
}

/* The status a refused form is answered with: 422 for input, else the error's own. */
static unsigned form_status(const isms_status *st)
{
    return st->code == ISMS_EINVALID ? 422 : (unsigned)isms_err_http_status(st->code);
}

void web_create(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    form_write *w = arena_alloc(req->arena, sizeof(*w));
    w->req = req;
    const char **texts = texts_new(req);
    isms_status st;
    status_clear(&st);
    read_form(req, form, texts, w->changes, &w->nchanges, &st);
    if (st.code != ISMS_OK)
        add_rule_errors(req, NULL, w->changes, w->nchanges, &st);
    else if (write_form(req, do_create, w, &st) == ISMS_OK) {
        redirect_to_record(rep, req->kind, w->result->id, "created");
        return;
    }
    form_page(req, rep, form_status(&st), NULL, texts, &st, 0);
}

/* The record to edit, or an error page (not found, immutable). */
static isms_record *editable_record(http_request *req, http_reply *rep, int64_t *id)
{
    if (!human_id_parse(req->kind, req->id_text, id)) {
        web_not_found(req, rep, "There is no such record.");
        return NULL;
    }
    if (req->kind->flags & KF_IMMUTABLE) {
        web_error_page(req, rep, 405, "Not allowed",
                       "Records of this kind cannot be changed: record a new one, which "
                       "supersedes it.");
        return NULL;
    }
    isms_status st;
    status_clear(&st);
    store_conn *c;
    if (store_borrow(req->store, &c, &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
        return NULL;
    }
    isms_record *r = NULL;
    isms_err e = store_get(c, req->kind, *id, req->arena, &r, &st);
    store_return(c);
    if (e == ISMS_ENOTFOUND) {
        web_not_found(req, rep, "There is no such record.");
        return NULL;
    }
    if (e != ISMS_OK) {
        web_status_page(req, rep, &st);
        return NULL;
    }
    if (r->retired_at) {
        web_error_page(req, rep, 409, "Retired",
                       "This record is retired; retired records are kept as they were.");
        return NULL;
    }
    return r;
}

void web_edit(http_request *req, http_reply *rep)
{
    int64_t id;
    isms_record *r = editable_record(req, rep, &id);
    if (!r)
        return;
    const char **texts = texts_new(req);
    web_page tmp = {.req = req};
    for (size_t i = 0; i < req->kind->nfields; i++)
        texts[i] = input_text_of(&tmp, &req->kind->fields[i], &r->values[i]);
    form_page(req, rep, 200, r, texts, NULL, r->version);
}

void web_update(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    int64_t id;
    isms_record *old = editable_record(req, rep, &id);
    if (!old)
        return;
    form_write *w = arena_alloc(req->arena, sizeof(*w));
    w->req = req;
    w->id = id;
    const char *v = form_get(form, "version");
    if (!v || !parse_int64(v, &w->version) || w->version <= 0) {
        web_error_page(req, rep, 400, "Invalid form",
                       "The form lacks the version of the record it was read from. Open the "
                       "record again and repeat the change.");
        return;
    }
    const char **texts = texts_new(req);
    isms_status st;
    status_clear(&st);
    read_form(req, form, texts, w->changes, &w->nchanges, &st);
    if (st.code != ISMS_OK)
        add_rule_errors(req, old, w->changes, w->nchanges, &st);
    else if (write_form(req, do_update, w, &st) == ISMS_OK) {
        redirect_to_record(rep, req->kind, id, "saved");
        return;
    }
    /* After a conflict, saving again replaces the version stored now (the user was told). */
    int64_t version = st.code == ISMS_ECONFLICT && st.current_version ? st.current_version
                                                                       : w->version;
    form_page(req, rep, form_status(&st), old, texts, &st, version);
}
