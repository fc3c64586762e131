/* `isms KIND export` and `isms KIND import`: CSV and XLSX for every kind (src/report). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "report/record_export.h"
#include "report/record_import.h"
#include "report/risk_workbook.h"

/* --- progress on a terminal ------------------------------------------------------ */

/* At most ten progress lines a second, and only when stderr is a terminal: a script
 * reading stderr gets no carriage returns. */
typedef struct progress {
    FILE *err;
    const char *what;
    struct timespec last;
    bool shown;
} progress;

static bool progress_due(progress *p)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (now.tv_sec - p->last.tv_sec) * 1000L + (now.tv_nsec - p->last.tv_nsec) / 1000000L;
    if (p->shown && ms < 100)
        return false;
    p->last = now;
    p->shown = true;
    return true;
}

static void progress_bytes(void *arg, size_t done, size_t total)
{
    progress *p = arg;
    if (progress_due(p) || done == total)
        fprintf(p->err, "\r%s: %zu of %zu KiB (%d%%)", p->what, done >> 10, total >> 10,
                total ? (int)(done * 100 / total) : 100);
}

static void progress_rows(void *arg, int64_t done, int64_t total)
{
    progress *p = arg;
    if (progress_due(p) || done == total)
        fprintf(p->err, "\r%s: %lld of %lld records", p->what, (long long)done,
                (long long)total);
}

static void progress_end(progress *p)
{
    if (p->shown)
        fputc('\n', p->err);
}

static bool on_terminal(cli_ctx *c)
{
    return isatty(fileno(c->err)) == 1;
}

/* --- export -------------------------------------------------------------------------- */

static int export_to(cli_ctx *c, store_conn *conn, const isms_kind *k, bool xlsx,
                     const char *path, const export_options *opt, isms_status *st)
{
    if (xlsx)
        return report_export_xlsx(conn, k, path, opt, st) == ISMS_OK ? EXIT_OK
                                                                        : cli_fail(c, st);
    FILE *f = path ? fopen(path, "wb") : c->out;
    if (!f) {
        status_fail(st, ISMS_ENOTFOUND, "cannot write %s", path);
        return cli_fail(c, st);
    }
    isms_err e = record_export_csv(conn, k, opt, export_sink_file, f, st);
    if (path && fclose(f) != 0 && e == ISMS_OK)
        e = status_fail(st, ISMS_ESTORE, "cannot write %s", path);
    return e == ISMS_OK ? EXIT_OK : cli_fail(c, st);
}

int verb_export(cli_ctx *c, store *s, const isms_kind *k)
{
    const char *format = args_value(&c->args, "format");
    const char *path = args_value(&c->args, "output");
    export_options opt = {.retired = args_flag(&c->args, "retired")};
    if (c->args.npos > 2)
        return cli_usage(c, "unexpected argument '%s'", c->args.pos[2]);
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)
        return cli_usage(c, "--format is csv or xlsx, not '%s'", format);
    bool xlsx = format && strcmp(format, "xlsx") == 0;
    if (xlsx && !path)
        return cli_usage(c, "--format xlsx needs --output FILE.xlsx");
    int rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    progress p = {.err = c->err, .what = "exported"};
    if (path && on_terminal(c)) {
        opt.progress = progress_rows;
        opt.progress_arg = &p;
    }
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    rc = export_to(c, conn, k, xlsx, path, &opt, &st);
    store_return(conn);
    progress_end(&p);
    return rc;
}

/* --- import -------------------------------------------------------------------------- */

/* Read all of f into a buffer that grows as needed (most files are far below the limit);
 * false when it passes IMPORT_FILE_MAX. The buffer is malloc'd: the caller frees it. */
static bool slurp(FILE *f, char **data, size_t *len)
{
    size_t cap = 1u << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        abort();
    for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n > IMPORT_FILE_MAX)
            break;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
    }
    *data = buf;
    *len = n;
    return n <= IMPORT_FILE_MAX;
}

/* The whole file (or stdin for "-"), up to the import's size limit; *data to be freed. */
static int read_input(cli_ctx *c, const char *path, char **data, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    isms_status st;
    status_clear(&st);
    *data = NULL;
    if (!f) {
        status_fail(&st, ISMS_ENOTFOUND, "cannot read %s", path);
        return cli_fail(c, &st);
    }
    bool fits = slurp(f, data, len);
    bool failed = ferror(f) != 0;
    if (f != stdin)
        fclose(f);
    if (failed)
        status_fail(&st, ISMS_ENOTFOUND, "cannot read %s", path);
    else if (!fits)
        status_fail(&st, ISMS_ETOOBIG, "%s is larger than %u bytes, the import's limit", path,
                    (unsigned)IMPORT_FILE_MAX);
    if (st.code != ISMS_OK) {
        free(*data);
        *data = NULL;
        return cli_fail(c, &st);
    }
    return EXIT_OK;
}

static void print_errors(cli_ctx *c, const import_result *r)
{
    for (size_t i = 0; i < r->nerrors; i++) {
        const import_error *e = &r->errors[i];
        if (e->column[0])
            fprintf(c->err, "row %lld, column %s: %s\n", (long long)e->row, e->column,
                    e->reason);
        else
            fprintf(c->err, "row %lld: %s\n", (long long)e->row, e->reason);
    }
    if (r->more_errors)
        fprintf(c->err, "... and %lld more errors\n", (long long)r->more_errors);
}

static void print_summary(cli_ctx *c, const import_result *r, bool apply)
{
    if (r->bad)
        fprintf(c->err, "isms: %lld bad rows (%lld data rows read): nothing was imported\n",
                (long long)r->bad, (long long)r->rows);
    else if (apply)
        fprintf(c->out, "imported: %lld created, %lld updated, %lld unchanged\n",
                (long long)r->created, (long long)r->updated, (long long)r->unchanged);
    else
        fprintf(c->out,
                "dry run: %lld rows would be created, %lld updated, %lld unchanged, 0 bad "
                "(nothing was written; --apply imports them)\n",
                (long long)r->created, (long long)r->updated, (long long)r->unchanged);
}

static int import_report(cli_ctx *c, isms_err e, const isms_status *st, import_result *r,
                         bool apply)
{
    if (e != ISMS_OK && r->bad == 0)
        return cli_fail(c, st); /* the file could not be read as CSV, or the store failed */
    if (c->json) {
        json_t *j = import_result_to_json(r);
        print_json(c, j);
        json_decref(j);
        if (r->bad)
            fprintf(c->err, "isms: %lld bad rows: nothing was imported\n", (long long)r->bad);
    } else {
        print_errors(c, r);
        print_summary(c, r, apply);
    }
    return r->bad ? EXIT_USER : EXIT_OK;
}

int verb_import(cli_ctx *c, store *s, const isms_kind *k)
{
    if (c->args.npos != 3)
        return cli_usage(c, "%s import needs one CSV file (or - for stdin)", k->name);
    import_options opt = {.apply = args_flag(&c->args, "apply")};
    int rc = cli_check_unused(c);
    char *data = NULL;
    size_t len = 0;
    if (rc == EXIT_OK)
        rc = read_input(c, c->args.pos[2], &data, &len);
    if (rc != EXIT_OK)
        return rc;
    progress p = {.err = c->err, .what = opt.apply ? "imported" : "checked"};
    if (on_terminal(c)) {
        opt.progress = progress_bytes;
        opt.progress_arg = &p;
    }
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &c->principal, "import");
    isms_status st;
    status_clear(&st);
    import_result r;
    isms_err e = record_import_csv(s, &ctx, k, data, len, &opt, &r, &st);
    progress_end(&p);
    free(data);
    rc = import_report(c, e, &st, &r, opt.apply);
    import_result_dispose(&r);
    return rc;
}
