/*
 * The list page of a kind: filters from the registry, text search, sortable
 * columns, keyset paging. The query string is the API's (http/list_query.h),
 * except that empty values mean "any" (a form sends every control).
 */
#include <stdio.h>
#include <string.h>

#include "http/list_query.h"
#include "web/inputs.h"
#include "web/page.h"
#include "web/page_risks.h"
#include "web/web.h"

/* Parameters of the page that the list query does not take. */
static bool page_only_param(const char *key)
{
    return strcmp(key, "done") == 0 || strcmp(key, "record") == 0;
}

/*
 * The list's URL with the current parameters, one replaced (value NULL drops
 * it), and without the cursor unless keep_cursor.
 */
static void list_url(strbuf *b, const http_request *req, const char *key, const char *value)
{
    url_kind(b, req->kind);
    char sep = '?';
    for (size_t i = 0; i < req->nparams; i++) {
        const char *k = req->param_keys[i], *v = req->param_values[i];
        if (!v[0] || page_only_param(k) || strcmp(k, "cursor") == 0 || (key && !strcmp(k, key)))
            continue;
        strbuf_putc(b, sep);
        sep = '&';
        url_encode_component(b, k);
        strbuf_putc(b, '=');
        url_encode_component(b, v);
    }
    if (key && value) {
        strbuf_putc(b, sep);
        url_encode_component(b, key);
        strbuf_putc(b, '=');
        url_encode_component(b, value);
    }
}

static const char *param(const http_request *req, const char *key)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->param_keys[i], key) == 0)
            return req->param_values[i];
    return NULL;
}

static void filters_form(web_page *pg)
{
    strbuf *b = pg->b;
    const isms_kind *k = pg->req->kind;
    html_lit(b, "<form class=\"filters\" method=\"get\"");
    strbuf url;
    strbuf_init(&url, 128);
    url_kind(&url, k);
    html_url_attr(b, "action", url.ptr);
    html_lit(b, " role=\"search\">\n<div class=\"field\"><label for=\"f-q\">Search</label>"
                "<input type=\"search\" id=\"f-q\" name=\"q\"");
    const char *q = param(pg->req, "q");
    html_attr(b, "value", q ? q : "");
    html_lit(b, "></div>\n");
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (!(f->flags & FF_FILTERABLE) || (f->flags & FF_SECRET) ||
            f->type == FT_DATE || f->type == FT_DATETIME || f->type == FT_INT ||
            f->type == FT_DECIMAL)
            continue;
        html_lit(b, "<div class=\"field\"><label");
        char id[ISMS_FIELD_NAME_MAX + 4];
        snprintf(id, sizeof(id), "f-%s", f->name);
        html_attr(b, "for", id);
        html_lit(b, ">");
        html_text(b, f->label);
        html_lit(b, "</label>");
        input_control(pg, f, param(pg->req, f->name), INPUT_FILTER, NULL, false);
        html_lit(b, "</div>\n");
    }
    const char *retired = param(pg->req, "retired");
    if (!retired)
        retired = "exclude";
    html_lit(b, "<div class=\"field\"><label for=\"f-retired\">Retired records</label>"
                "<select id=\"f-retired\" name=\"retired\">");
    static const char *const modes[][2] = {
        {"exclude", "Hidden"}, {"include", "Shown"}, {"only", "Only retired"}};
    for (size_t i = 0; i < 3; i++) {
        html_lit(b, "<option");
        html_attr(b, "value", modes[i][0]);
        if (strcmp(retired, modes[i][0]) == 0)
            html_lit(b, " selected");
        html_lit(b, ">");
        html_text(b, modes[i][1]);
        html_lit(b, "</option>");
    }
    html_lit(b, "</select></div>\n<div class=\"filter-actions\">"
                "<button class=\"button\" type=\"submit\">Apply</button><a class=\"button subtle\"");
    html_url_attr(b, "href", url.ptr);
    html_lit(b, ">Reset</a></div>\n</form>\n");
    strbuf_dispose(&url);
}

/* A column header: a link that sorts by it when it is sortable. */
static void column_head(web_page *pg, const char *name, const char *label, bool sortable,
                        const store_query *q)
{
    strbuf *b = pg->b;
    bool sorted = q->sort ? strcmp(q->sort->name, name) == 0 : strcmp(name, "id") == 0;
    html_lit(b, "<th scope=\"col\"");
    if (sorted) {
        html_lit(b, " class=\"sorted\"");
        html_attr(b, "aria-sort", q->desc ? "descending" : "ascending");
    }
    html_lit(b, ">");
    if (!sortable) {
        html_text(b, label);
        html_lit(b, "</th>");
        return;
    }
    char value[ISMS_FIELD_NAME_MAX + 2];
    snprintf(value, sizeof(value), "%s%s", sorted && !q->desc ? "-" : "", name);
    strbuf url;
    strbuf_init(&url, 4096);
    list_url(&url, pg->req, "sort", value);
    html_lit(b, "<a");
    html_url_attr(b, "href", url.ptr);
    html_lit(b, ">");
    html_text(b, label);
    html_lit(b, "</a></th>");
    strbuf_dispose(&url);
}

static bool column_shown(const isms_field *f)
{
    return (f->flags & FF_LISTED) && !(f->flags & FF_SECRET) && f->role != ROLE_TITLE;
}

static void records_table(web_page *pg, const store_query *q, const store_page *page)
{
    strbuf *b = pg->b;
    const isms_kind *k = pg->req->kind;
    const isms_field *title = kind_role_field(k, ROLE_TITLE);
    const list_extra *extra = list_extra_of(k);
    html_lit(b, "<div class=\"table-wrap\">\n<table class=\"records\">\n<thead><tr>");
    column_head(pg, "id", "Id", true, q);
    column_head(pg, title->name, title->label, (title->flags & FF_SORTABLE) != 0, q);
    for (size_t i = 0; i < k->nfields; i++)
        if (column_shown(&k->fields[i]))
            column_head(pg, k->fields[i].name, k->fields[i].label,
                        (k->fields[i].flags & FF_SORTABLE) != 0, q);
    html_lit(b, "</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < page->n; r++) {
        const isms_record *rec = page->items[r];
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, k, rec->id);
        html_lit_either(b, rec->retired_at, "<tr class=\"retired\">", "<tr>");
        html_lit(b, "<td class=\"id\">");
        html_record_link(b, k, rec->id, hid);
        html_lit(b, "</td><td class=\"title\">");
        html_record_link(b, k, rec->id, record_title(rec));
        if (rec->retired_at)
            html_lit(b, " <span class=\"badge badge-muted\">retired</span>");
        if (extra && extra->badge)
            extra->badge(b, rec);
        html_lit(b, "</td>");
        for (size_t i = 0; i < k->nfields; i++) {
            const isms_field *f = &k->fields[i];
            if (!column_shown(f))
                continue;
            if (f->type == FT_DATE)
                html_lit(b, "<td class=\"date\">");
            else if (f->type == FT_INT || f->type == FT_DECIMAL)
                html_lit(b, "<td class=\"num\">");
            else
                html_lit(b, "<td>");
            page_value(pg, f, &rec->values[i], true);
            html_lit(b, "</td>");
        }
        html_lit(b, "</tr>\n");
    }
    html_lit(b, "</tbody>\n</table>\n</div>\n");
}

/* A query the API would refuse: one notice naming each parameter and why. */
static void refused_query_notice(web_page *pg, const isms_status *st)
{
    strbuf *b = pg->b;
    html_lit(b, "<div class=\"notice notice-error\" role=\"alert\">");
    if (st->nfields == 0) {
        html_text(b, st->detail[0] ? st->detail : isms_err_title(st->code));
    } else {
        html_lit(b, "This list cannot be shown: ");
        for (size_t i = 0; i < st->nfields; i++) {
            if (i)
                html_lit(b, "; ");
            html_lit(b, "<code>");
            html_text(b, st->fields[i].field);
            html_lit(b, "</code> ");
            html_text(b, st->fields[i].reason);
        }
        html_lit(b, ". <a href=\"?\">Show the whole list</a>.");
    }
    html_lit(b, "</div>\n");
}

/* Export for everyone who reads; import only for those who may write (docs/IMPORT-EXPORT.md). */
static void transfer_links(web_page *pg)
{
    const isms_kind *k = pg->req->kind;
    strbuf *b = pg->b;
    char url[160];
    snprintf(url, sizeof(url), "/api/v1/%s/export.csv", k->plural);
    html_lit(b, "<a class=\"button subtle\"");
    html_url_attr(b, "href", url);
    html_lit(b, ">Export CSV</a> <a class=\"button subtle\"");
    snprintf(url, sizeof(url), "/api/v1/%s/export.xlsx", k->plural);
    html_url_attr(b, "href", url);
    html_lit(b, ">Export XLSX</a>");
    if (page_may_write_kind(pg, k) && !(k->flags & KF_SIGNED)) { /* signatures are not imported */
        snprintf(url, sizeof(url), "/%s/import", k->plural);
        html_lit(b, " <a class=\"button subtle\"");
        html_url_attr(b, "href", url);
        html_lit(b, ">Import CSV</a>");
    }
}

void web_list(http_request *req, http_reply *rep)
{
    const isms_kind *k = req->kind;
    /* The list query takes the parameters the API takes; empty ones mean "any". */
    const char *keys[REQUEST_MAX_PARAMS], *values[REQUEST_MAX_PARAMS];
    size_t n = 0;
    for (size_t i = 0; i < req->nparams; i++)
        if (req->param_values[i][0] && !page_only_param(req->param_keys[i])) {
            keys[n] = req->param_keys[i];
            values[n++] = req->param_values[i];
        }
    isms_status st;
    status_clear(&st);
    store_query q;
    bool valid = list_query_from_params(req->reg, k, keys, values, n, req->arena, &q, &st) ==
                 ISMS_OK;
    const list_extra *extra = list_extra_of(k);
    if (valid && extra && extra->default_sort &&
        (!param(req, "sort") || !param(req, "sort")[0])) {
        q.sort = kind_field(k, extra->default_sort);
        q.desc = extra->default_desc;
    }
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    store_page page = {0};
    int64_t total = 0;
    if (valid) {
        store_query all = q;
        all.cursor = NULL;
        valid = store_list(pg.conn, &q, req->arena, &page, &st) == ISMS_OK;
        total = valid ? page_count(&pg, &all) : 0;
    }
    page_crumbs_for_kind(&pg, k, false);
    page_begin(&pg, valid ? 200 : (unsigned)isms_err_http_status(st.code), k->label_plural);
    char kicker[64];
    snprintf(kicker, sizeof(kicker), "Clause %s", k->clause);
    page_heading(&pg, kicker, k->label_plural, k->help);
    strbuf *b = pg.b;
    html_lit(b, "<div class=\"actions\">");
    /* A signed kind (risk-acceptance) is made by its own signing form, not "New". */
    if (page_may_write_kind(&pg, k) && !(k->flags & KF_SIGNED)) {
        html_lit(b, "<a class=\"button primary\"");
        strbuf url;
        strbuf_init(&url, 128);
        url_kind(&url, k);
        strbuf_puts(&url, "/new");
        html_url_attr(b, "href", url.ptr);
        html_lit(b, ">New ");
        strbuf_dispose(&url);
        html_text(b, label_in_text(req->arena, k->label));
        html_lit(b, "</a> ");
    }
    transfer_links(&pg);
    html_lit(b, "</div>\n");
    page_heading_end(&pg);
    if (extra && extra->above)
        extra->above(&pg);
    filters_form(&pg);
    if (!valid) {
        refused_query_notice(&pg, &st);
        page_end(&pg);
        return;
    }
    html_lit(b, "<p class=\"count\">");
    html_count(b, total);
    html_lit_either(b, total == 1, " record", " records");
    html_lit(b, "</p>\n");
    if (page.n == 0) {
        html_lit(b, "<p class=\"empty\">No ");
        html_text(b, label_in_text(req->arena, k->label_plural));
        html_lit(b, " match.</p>\n");
    } else {
        records_table(&pg, &q, &page);
    }
    if (q.cursor || page.next_cursor) {
        html_lit(b, "<nav class=\"pager\" aria-label=\"Pages\">");
        strbuf link;
        strbuf_init(&link, 8192);
        if (q.cursor) {
            list_url(&link, req, NULL, NULL);
            html_lit(b, "<a class=\"button\"");
            html_url_attr(b, "href", link.ptr);
            html_lit(b, ">First page</a>");
        }
        if (page.next_cursor) {
            strbuf_reset(&link);
            list_url(&link, req, "cursor", page.next_cursor);
            html_lit(b, "<a class=\"button\"");
            html_url_attr(b, "href", link.ptr);
            html_lit(b, " rel=\"next\">Next page</a>");
        }
        strbuf_dispose(&link);
        html_lit(b, "</nav>\n");
    }
    page_end(&pg);
}
