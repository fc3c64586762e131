/*
 * The import page of every kind (docs/WEB.md, docs/IMPORT-EXPORT.md): a CSV
 * file chosen (multipart/form-data, decoded by libmicrohttpd's post processor,
 * web/form.c) or CSV pasted into a text area, checked by a dry run that lists
 * every bad row, and imported with "Apply". The CSV checked is shown in the
 * text area, so "Apply" sends exactly what was checked.
 */
#include <stdio.h>
#include <string.h>

#include "report/record_import.h"
#include "web/form.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

static void import_url(strbuf *b, const isms_kind *k)
{
    url_kind(b, k);
    strbuf_puts(b, "/import");
}

static void bad_rows_table(strbuf *b, const import_result *r)
{
    html_lit(b, "<div class=\"table-wrap\">\n<table class=\"records import-errors\">\n<thead><tr>"
                "<th scope=\"col\">Row</th><th scope=\"col\">Column</th>"
                "<th scope=\"col\">Problem</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->nerrors; i++) {
        html_lit(b, "<tr><td class=\"num\">");
        html_int(b, r->errors[i].row);
        html_lit(b, "</td><td>");
        html_text(b, r->errors[i].column);
        html_lit(b, "</td><td>");
        html_text(b, r->errors[i].reason);
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody>\n</table>\n</div>\n");
    if (r->more_errors) {
        html_lit(b, "<p class=\"count\">");
        html_int(b, r->more_errors);
        html_lit(b, " more errors are not listed.</p>\n");
    }
}

/* What the last run found, above the form. */
static void outcome(web_page *pg, const import_result *r, const isms_status *st, bool ran)
{
    if (!ran)
        return;
    char text[256];
    if (r->bad == 0 && st->code != ISMS_OK) {
        page_notice(pg, false, st->detail);
        return;
    }
    if (r->bad) {
        snprintf(text, sizeof(text), "%lld bad rows: nothing was imported.", (long long)r->bad);
        page_notice(pg, false, text);
        bad_rows_table(pg->b, r);
        return;
    }
    snprintf(text, sizeof(text),
             r->applied ? "Imported: %lld created, %lld updated, %lld unchanged."
                        : "Check passed: %lld rows would be created, %lld updated, %lld "
                          "unchanged. Nothing was written yet: Apply imports them.",
             (long long)r->created, (long long)r->updated, (long long)r->unchanged);
    page_notice(pg, true, text);
}

static void import_page(http_request *req, http_reply *rep, unsigned status, const char *csv,
                        const import_result *r, const isms_status *st, bool ran)
{
    const isms_kind *k = req->kind;
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    page_crumbs_for_kind(&pg, k, true);
    page_crumb_add(&pg, "Import", NULL);
    char title[160];
    snprintf(title, sizeof(title), "Import %s", label_in_text(req->arena, k->label_plural));
    page_begin(&pg, status, title);
    page_heading(&pg, k->label_plural, title,
                 "Choose a CSV file or paste CSV: a header row naming the columns (id, field "
                 "names or labels), then one row per record. A row whose id names a record "
                 "updates it. Check first: nothing is written until you apply, and then all "
                 "rows or none.");
    page_heading_end(&pg);
    outcome(&pg, r, st, ran);
    strbuf *b = pg.b;
    strbuf url;
    strbuf_init(&url, 256);
    import_url(&url, k);
    html_lit(b, "<form class=\"form\" method=\"post\" enctype=\"multipart/form-data\"");
    html_url_attr(b, "action", url.ptr);
    html_lit(b, ">\n");
    page_csrf_field(&pg);
    html_lit(b, "<div class=\"field\"><label for=\"f-file\">CSV file</label>"
                "<input id=\"f-file\" type=\"file\" name=\"file\" accept=\".csv,text/csv\" "
                "aria-describedby=\"f-file-help\">"
                "<p class=\"hint\" id=\"f-file-help\">At most ");
    html_int(b, IMPORT_FILE_MAX >> 20);
    html_lit(b, " MiB. A file chosen is used instead of the text below.</p></div>\n"
                "<div class=\"field\"><label for=\"f-csv\">Or paste CSV</label>"
                "<textarea id=\"f-csv\" name=\"csv\" rows=\"16\">");
    html_text(b, csv ? csv : "");
    html_lit(b, "</textarea></div>\n<div class=\"form-actions\">"
                "<button class=\"button\" type=\"submit\">Check</button>");
    if (ran && r->bad == 0 && st->code == ISMS_OK && !r->applied)
        html_lit(b, " <button class=\"button primary\" type=\"submit\" name=\"apply\" "
                    "value=\"true\">Apply</button>");
    html_lit(b, "</div>\n</form>\n");
    strbuf_dispose(&url);
    page_end(&pg);
}

void web_import_form(http_request *req, http_reply *rep)
{
    import_result r = {0};
    isms_status st;
    status_clear(&st);
    import_page(req, rep, 200, NULL, &r, &st, false);
}

void web_import(http_request *req, http_reply *rep)
{
    form_data *form = web_post_upload_form(req, rep);
    if (!form)
        return;
    const char *file = form_get(form, "file");
    const char *csv = file && file[0] ? file : form_get(form, "csv");
    const char *apply = form_get(form, "apply");
    import_options opt = {.apply = apply && strcmp(apply, "true") == 0};
    isms_status st;
    status_clear(&st);
    import_result r = {0};
    if (!csv || !csv[0]) {
        status_field(&st, "file", "choose a CSV file, or paste CSV");
        status_fail(&st, ISMS_EINVALID, "Choose a CSV file, or paste CSV into the text area.");
        import_page(req, rep, 422, NULL, &r, &st, true);
        return;
    }
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "import");
    isms_err e = record_import_csv(req->store, &ctx, req->kind, csv, strlen(csv), &opt, &r, &st);
    unsigned status = e == ISMS_OK ? 200 : r.bad ? 422 : (unsigned)isms_err_http_status(e);
    import_page(req, rep, status, csv, &r, &st, true);
    import_result_dispose(&r);
}
