/*
 * CSV and XLSX over the API (docs/API.md, docs/IMPORT-EXPORT.md): the export
 * of every kind, and the import of a CSV body, the same code as the CLI's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http/api.h"
#include "report/record_export.h"
#include "report/record_import.h"
#include "report/risk_workbook.h"

/* The one query parameter a route takes, as true or false; anything else is 400. */
static bool bool_param(http_request *req, http_reply *rep, const char *name, bool *out)
{
    *out = false;
    for (size_t i = 0; i < req->nparams; i++) {
        const char *k = req->param_keys[i], *v = req->param_values[i];
        bool known = strcmp(k, name) == 0 && v && (strcmp(v, "true") == 0 || strcmp(v, "false") == 0);
        if (!known) {
            isms_status st;
            status_clear(&st);
            status_field(&st, k, strcmp(k, name) == 0 ? "must be true or false"
                                                      : "is not a parameter of this route");
            reply_problem(rep, &st);
            return false;
        }
        *out = strcmp(v, "true") == 0;
    }
    return true;
}

static void attachment(http_reply *rep, const isms_kind *k, const char *ext)
{
    /* The plural is [a-z-] only (registry_check), so it needs no quoting. */
    reply_header_set(rep, "Content-Disposition", "attachment; filename=\"%s.%s\"", k->plural, ext);
}

void api_export_csv(http_request *req, http_reply *rep)
{
    export_options opt = {0};
    if (!bool_param(req, rep, "retired", &opt.retired))
        return;
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return;
    isms_status st;
    status_clear(&st);
    strbuf_reset(&rep->body);
    isms_err e = record_export_csv(c, req->kind, &opt, export_sink_strbuf, &rep->body, &st);
    store_return(c);
    if (e != ISMS_OK) {
        strbuf_reset(&rep->body);
        reply_problem(rep, &st);
        return;
    }
    rep->status = 200;
    rep->content_type = "text/csv; charset=utf-8";
    attachment(rep, req->kind, "csv");
}

/* The workbook is written to a temporary file (libxlsxwriter writes files), then read
 * into the reply. */
static bool read_back(const char *path, strbuf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(out, buf, n);
    bool ok = !ferror(f) && strbuf_ok(out);
    fclose(f);
    return ok;
}

void api_export_xlsx(http_request *req, http_reply *rep)
{
    export_options opt = {0};
    if (!bool_param(req, rep, "retired", &opt.retired))
        return;
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/isms-export-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    int fd = mkstemp(path);
    isms_status st;
    status_clear(&st);
    if (fd < 0) {
        status_fail(&st, ISMS_ESTORE, "cannot make a temporary file for the workbook");
        reply_problem(rep, &st);
        return;
    }
    close(fd);
    store_conn *c = api_borrow(req, rep);
    isms_err e = ISMS_EBUSY;
    if (c) {
        e = report_export_xlsx(c, req->kind, path, &opt, &st);
        store_return(c);
    }
    strbuf_reset(&rep->body);
    if (e == ISMS_OK && !read_back(path, &rep->body))
        e = status_fail(&st, ISMS_ETOOBIG, "the workbook is larger than a reply may be");
    unlink(path);
    if (!c)
        return;
    if (e != ISMS_OK) {
        strbuf_reset(&rep->body);
        reply_problem(rep, &st);
        return;
    }
    rep->status = 200;
    rep->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    attachment(rep, req->kind, "xlsx");
}

static bool is_csv(const char *content_type)
{
    if (!content_type)
        return false;
    size_t n = strcspn(content_type, ";");
    return n == 8 && strncasecmp(content_type, "text/csv", 8) == 0;
}

void api_import(http_request *req, http_reply *rep)
{
    import_options opt = {0};
    if (!bool_param(req, rep, "apply", &opt.apply))
        return;
    if (!is_csv(req->content_type)) {
        reply_problem_status(rep, 415, "unsupported_media_type", "Unsupported media type",
                             "the body must be text/csv");
        return;
    }
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "import");
    isms_status st;
    status_clear(&st);
    import_result r;
    isms_err e = record_import_csv(req->store, &ctx, req->kind, req->body, req->body_len, &opt,
                                   &r, &st);
    if (e != ISMS_OK && r.bad == 0) {
        reply_problem(rep, &st);
        if (st.code == ISMS_EBUSY)
            reply_header_set(rep, "Retry-After", "1");
    } else {
        reply_json(rep, r.bad ? 422 : 200, import_result_to_json(&r));
    }
    import_result_dispose(&r);
}
