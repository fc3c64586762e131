/* CSV import of records (record_import.h). libcsv parses; this file maps and writes. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <jansson.h>

#include "core/records.h"
#include "core/value.h"
#include "report/csv_write.h"
#include "report/record_import.h"

/* Bytes handed to libcsv at a time: progress is reported between chunks. */
enum { IMPORT_CHUNK = 64u << 10 };

enum { COL_ID = -1, COL_IGNORED = -2 };

typedef struct import_state {
    const isms_kind *k;
    const char *data;
    size_t len;
    const import_options *opt;
    import_result *res;
    store_txn *t;
    /* the row being read */
    strbuf cells;                        /* every cell, each NUL-terminated */
    size_t starts[IMPORT_COLUMNS_MAX];   /* where each cell begins in cells */
    size_t ncells;
    bool row_too_long;
    int nul_cell;                        /* the first cell holding a NUL byte, or -1 */
    int64_t row;                         /* 1 is the header */
    /* the header */
    int map[IMPORT_COLUMNS_MAX];         /* field index, COL_ID or COL_IGNORED */
    char *names[IMPORT_COLUMNS_MAX];     /* as written, for messages */
    size_t ncols;
    bool header_bad;
    isms_err fatal;                      /* a failure that ends the import */
    isms_status *st;
} import_state;

static void add_error(import_state *s, int64_t row, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Make text valid UTF-8 in place: each byte that does not start a valid
 * sequence becomes '?'. Messages quote the file's bytes (a header, an id),
 * and a cut at the buffer's size may split a character; the JSON of the
 * result (jansson) and a terminal need valid text.
 */
static void utf8_scrub(char *text)
{
    for (size_t i = 0; text[i];) {
        unsigned char c = (unsigned char)text[i];
        size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4, chars;
        if (strnlen(text + i, n) == n && utf8_count(text + i, n, &chars)) {
            i += n;
        } else {
            text[i++] = '?';
        }
    }
}

static void add_error(import_state *s, int64_t row, const char *column, const char *fmt, ...)
{
    import_result *r = s->res;
    if (r->nerrors == IMPORT_ERRORS_MAX) {
        r->more_errors++;
        return;
    }
    import_error *e = &r->errors[r->nerrors++];
    e->row = row;
    snprintf(e->column, sizeof(e->column), "%s", column ? column : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
    va_end(ap);
    utf8_scrub(e->column);
    utf8_scrub(e->reason);
}

/* --- libcsv callbacks: collect the cells of a row --------------------------------- */

static void on_cell(void *text, size_t len, void *arg)
{
    import_state *s = arg;
    if (s->ncells == IMPORT_COLUMNS_MAX || s->row_too_long) {
        s->row_too_long = true;
        return;
    }
    /* Cells are C text from here on: a NUL would silently cut one short. */
    if (text && s->nul_cell < 0 && memchr(text, '\0', len))
        s->nul_cell = (int)s->ncells;
    s->starts[s->ncells++] = s->cells.len;
    strbuf_add(&s->cells, text ? text : "", text ? len : 0);
    strbuf_putc(&s->cells, '\0');
    if (!strbuf_ok(&s->cells))
        s->row_too_long = true;
}

static const char *cell(const import_state *s, size_t i)
{
    return s->cells.ptr + s->starts[i];
}

static void on_header(import_state *s);
static void on_data_row(import_state *s);

static void on_row_end(int term, void *arg)
{
    (void)term;
    import_state *s = arg;
    s->row++;
    if (s->fatal != ISMS_OK) {
        /* nothing more is written once the import has failed */
    } else if (s->row_too_long) {
        add_error(s, s->row, "", "the row is longer than %u bytes or has more than %d cells",
                  (unsigned)IMPORT_ROW_MAX, IMPORT_COLUMNS_MAX);
        if (s->row == 1)
            s->header_bad = true; /* no columns to read the rows with */
        else
            s->res->rows++;
        s->res->bad++;
    } else if (s->nul_cell >= 0 && (s->row == 1 || !s->header_bad)) {
        bool named = s->row > 1 && (size_t)s->nul_cell < s->ncols;
        add_error(s, s->row, named ? s->names[s->nul_cell] : "",
                  "cell %d holds a NUL byte, which no value may contain", s->nul_cell + 1);
        if (s->row == 1)
            s->header_bad = true;
        else
            s->res->rows++;
        s->res->bad++;
    } else if (s->row == 1) {
        on_header(s);
    } else if (!s->header_bad) {
        s->res->rows++;
        on_data_row(s);
    }
    strbuf_reset(&s->cells);
    s->ncells = 0;
    s->row_too_long = false;
    s->nul_cell = -1;
}

/* --- the header ---------------------------------------------------------------------- */

/* Field names match with '-', ' ' or '_' alike, and every name ignoring case. */
static bool name_matches(const char *want, const char *got)
{
    for (; *want && *got; want++, got++) {
        char a = (char)tolower((unsigned char)*want), b = (char)tolower((unsigned char)*got);
        if (a == '-' || a == ' ')
            a = '_';
        if (b == '-' || b == ' ')
            b = '_';
        if (a != b)
            return false;
    }
    return *want == *got;
}

static int column_of(const isms_kind *k, const char *name)
{
    if (name_matches("id", name))
        return COL_ID;
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (name_matches(f->name, name) || strcasecmp(f->label, name) == 0)
            return (f->flags & FF_DERIVED) ? COL_IGNORED : (int)i;
    }
    return -3;
}

static const char *trimmed(char *text)
{
    if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        text += 3; /* the byte order mark some spreadsheets write */
    while (*text == ' ')
        text++;
    size_t n = strlen(text);
    while (n && text[n - 1] == ' ')
        text[--n] = '\0';
    return text;
}

static bool column_taken(const import_state *s, size_t upto, int col)
{
    for (size_t j = 0; j < upto; j++)
        if (s->map[j] == col && col != COL_IGNORED)
            return true;
    return false;
}

static void check_required(import_state *s)
{
    for (size_t j = 0; j < s->ncols; j++)
        if (s->map[j] == COL_ID)
            return; /* rows may update existing records: checked per row */
    for (size_t i = 0; i < s->k->nfields; i++) {
        const isms_field *f = &s->k->fields[i];
        if (!(f->flags & FF_REQUIRED) || (f->flags & FF_DERIVED) || f->default_text)
            continue;
        if (!column_taken(s, s->ncols, (int)i)) {
            add_error(s, 1, f->name, "the column %s is required", f->name);
            s->header_bad = true;
        }
    }
}

static void on_header(import_state *s)
{
    s->ncols = s->ncells;
    for (size_t j = 0; j < s->ncells; j++) {
        const char *name = trimmed(s->cells.ptr + s->starts[j]);
        s->names[j] = strdup(name);
        if (!s->names[j])
            abort();
        int col = column_of(s->k, name);
        s->map[j] = col;
        if (col == -3) {
            add_error(s, 1, name, "%s has no field called '%s'", s->k->label, name);
            s->header_bad = true;
        } else if (column_taken(s, j, col)) {
            add_error(s, 1, name, "the column '%s' is given twice", name);
            s->header_bad = true;
        }
    }
    if (!s->header_bad)
        check_required(s);
    if (s->header_bad)
        s->res->bad++;
}

/* --- data rows ----------------------------------------------------------------------- */

/* The header's spelling of field f's column, or its name when it has none. */
static const char *column_name(const import_state *s, const char *field)
{
    for (size_t j = 0; j < s->ncols; j++)
        if (s->map[j] >= 0 && strcmp(s->k->fields[s->map[j]].name, field) == 0)
            return s->names[j];
    return field;
}

/* Report a refused create or update: each field's reason, or the sentence. */
static void report_refusal(import_state *s, const isms_status *rst)
{
    for (size_t i = 0; i < rst->nfields; i++)
        add_error(s, s->row, column_name(s, rst->fields[i].field), "%s", rst->fields[i].reason);
    if (rst->nfields == 0)
        add_error(s, s->row, "", "%s", rst->detail[0] ? rst->detail : isms_err_title(rst->code));
}

/* The row's id: 0 for a new record, else an id of the kind. False after an error. */
static bool row_id(import_state *s, int64_t *id)
{
    *id = 0;
    for (size_t j = 0; j < s->ncols; j++) {
        if (s->map[j] != COL_ID || !cell(s, j)[0])
            continue;
        if (!human_id_parse(s->k, cell(s, j), id)) {
            add_error(s, s->row, s->names[j], "'%s' is not %s %s id (such as %s-1)", cell(s, j),
                      kind_article(s->k), s->k->name, s->k->prefix);
            return false;
        }
    }
    return true;
}

/* Parse every mapped cell into values (indexed by field); false when any is bad. */
static bool parse_cells(import_state *s, arena *a, isms_value *values)
{
    bool ok = true;
    const isms_registry *reg = store_conn_registry(store_txn_conn(s->t));
    for (size_t j = 0; j < s->ncols; j++) {
        if (s->map[j] < 0)
            continue;
        const isms_field *f = &s->k->fields[s->map[j]];
        char reason[ISMS_REASON_MAX];
        if (!value_parse(reg, f, csvw_unguard(cell(s, j)), a, &values[s->map[j]], reason,
                         sizeof(reason))) {
            add_error(s, s->row, s->names[j], "%s", reason);
            ok = false;
        }
    }
    return ok;
}

/* A failure of the store ends the import; a refusal only makes the row bad. */
static void row_refused(import_state *s, isms_err e, const isms_status *rst)
{
    if (e == ISMS_ESTORE || e == ISMS_EBUSY || e == ISMS_ETOOBIG) {
        s->fatal = e;
        *s->st = *rst;
        return;
    }
    report_refusal(s, rst);
    s->res->bad++;
}

static void create_row(import_state *s, arena *a, const isms_value *values)
{
    isms_record *rec = record_new(a, s->k);
    for (size_t j = 0; j < s->ncols; j++)
        if (s->map[j] >= 0)
            rec->values[s->map[j]] = values[s->map[j]];
    isms_status rst;
    status_clear(&rst);
    isms_err e = records_create(s->t, rec, a, &rst);
    if (e == ISMS_OK)
        s->res->created++;
    else
        row_refused(s, e, &rst);
}

/* Only the cells that differ from the stored record become changes. */
static void update_row(import_state *s, arena *a, const isms_record *old,
                       const isms_value *values)
{
    record_change *ch = arena_alloc(a, sizeof(record_change) * (s->ncols ? s->ncols : 1));
    size_t n = 0;
    for (size_t j = 0; j < s->ncols; j++) {
        int i = s->map[j];
        if (i >= 0 && !value_equal(&s->k->fields[i], &old->values[i], &values[i]))
            ch[n++] = (record_change){.field = &s->k->fields[i], .value = values[i]};
    }
    if (n == 0) {
        s->res->unchanged++;
        return;
    }
    isms_status rst;
    status_clear(&rst);
    isms_record *out;
    isms_err e = records_update(s->t, s->k, old->id, old->version, ch, n, a, &out, &rst);
    if (e == ISMS_OK)
        s->res->updated++;
    else
        row_refused(s, e, &rst);
}

static void write_row(import_state *s, arena *a, int64_t id, const isms_value *values)
{
    isms_record *old = NULL;
    if (id) {
        isms_status gst;
        status_clear(&gst);
        isms_err e = store_get(store_txn_conn(s->t), s->k, id, a, &old, &gst);
        if (e != ISMS_OK && e != ISMS_ENOTFOUND) {
            row_refused(s, e, &gst);
            return;
        }
    }
    if (old)
        update_row(s, a, old, values);
    else
        create_row(s, a, values);
}

static void on_data_row(import_state *s)
{
    if (s->ncells != s->ncols) {
        add_error(s, s->row, "", "the row has %zu cells, the header %zu", s->ncells, s->ncols);
        s->res->bad++;
        return;
    }
    arena a; /* one per row: memory stays constant however long the file */
    arena_init(&a);
    isms_value *values = arena_alloc(&a, sizeof(isms_value) * (s->k->nfields + 1));
    memset(values, 0, sizeof(isms_value) * (s->k->nfields + 1));
    int64_t id;
    bool id_ok = row_id(s, &id);
    bool cells_ok = parse_cells(s, &a, values);
    if (id_ok && cells_ok)
        write_row(s, &a, id, values);
    else
        s->res->bad++;
    arena_dispose(&a);
}

/* --- the whole file -------------------------------------------------------------------- */

/* No trimming: a space at either end of a cell is part of its value. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static void reset_result(import_state *s)
{
    import_result *r = s->res;
    import_error *keep = r->errors;
    *r = (import_result){.errors = keep};
    s->row = 0;
    s->ncols = 0;
    s->header_bad = false;
    s->fatal = ISMS_OK;
    strbuf_reset(&s->cells);
    s->ncells = 0;
    s->row_too_long = false;
    s->nul_cell = -1;
}

static void free_names(import_state *s)
{
    for (size_t j = 0; j < s->ncols; j++)
        free(s->names[j]);
    s->ncols = 0;
}

static isms_err parse_all(import_state *s, struct csv_parser *p, isms_status *st)
{
    for (size_t off = 0; off < s->len && s->fatal == ISMS_OK;) {
        size_t n = s->len - off < IMPORT_CHUNK ? s->len - off : IMPORT_CHUNK;
        if (csv_parse(p, s->data + off, n, on_cell, on_row_end, s) != n)
            return status_fail(st, ISMS_EINVALID, "the file is not valid CSV near row %lld: %s",
                               (long long)s->row + 1, csv_strerror(csv_error(p)));
        off += n;
        if (s->opt->progress)
            s->opt->progress(s->opt->progress_arg, off, s->len);
    }
    if (s->fatal == ISMS_OK && csv_fini(p, on_cell, on_row_end, s) != 0)
        return status_fail(st, ISMS_EINVALID, "the file is not valid CSV at its end: %s",
                           csv_strerror(csv_error(p)));
    return s->fatal;
}

/* The transaction's work: every row, from the start (it may run again after a rollback). */
static isms_err import_txn(store_txn *t, void *arg, isms_status *st)
{
    import_state *s = arg;
    free_names(s);
    reset_result(s);
    s->t = t;
    s->st = st;
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        abort();
    csv_set_space_func(&p, no_space);
    isms_err e = parse_all(s, &p, st);
    csv_free(&p);
    if (e == ISMS_OK && s->row == 0)
        e = status_fail(st, ISMS_EINVALID, "the file is empty: it needs a header row");
    if (e == ISMS_OK && s->res->bad > 0)
        e = status_fail(st, ISMS_EINVALID, "%lld of the rows are bad; nothing was imported",
                        (long long)s->res->bad);
    return e;
}

isms_err record_import_csv(store *st_store, const isms_write_ctx *ctx, const isms_kind *k,
                           const char *data, size_t len, const import_options *opt,
                           import_result *out, isms_status *st)
{
    *out = (import_result){0};
    if (len > IMPORT_FILE_MAX)
        return status_fail(st, ISMS_ETOOBIG, "the file has %zu bytes; at most %u are imported",
                           len, (unsigned)IMPORT_FILE_MAX);
    out->errors = calloc(IMPORT_ERRORS_MAX, sizeof(import_error));
    import_state *s = calloc(1, sizeof(*s));
    if (!out->errors || !s)
        abort();
    *s = (import_state){.k = k, .data = data, .len = len, .opt = opt, .res = out};
    strbuf_init(&s->cells, IMPORT_ROW_MAX);
    isms_err e = opt->apply ? store_write_again(st_store, ctx, import_txn, s, st)
                            : store_write_dry(st_store, ctx, import_txn, s, st);
    out->applied = opt->apply && e == ISMS_OK;
    free_names(s);
    strbuf_dispose(&s->cells);
    free(s);
    return e;
}

void import_result_dispose(import_result *r)
{
    free(r->errors);
    r->errors = NULL;
    r->nerrors = 0;
}

json_t *import_result_to_json(const import_result *r)
{
    json_t *bad = json_array();
    for (size_t i = 0; i < r->nerrors; i++)
        json_array_append_new(bad, json_pack("{s:I, s:s, s:s}", "row", (json_int_t)r->errors[i].row,
                                             "column", r->errors[i].column, "reason",
                                             r->errors[i].reason));
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:b}", "rows", (json_int_t)r->rows,
                     "created", (json_int_t)r->created, "updated", (json_int_t)r->updated,
                     "unchanged", (json_int_t)r->unchanged, "bad_rows", (json_int_t)r->bad,
                     "bad", bad, "more_errors", (json_int_t)r->more_errors, "applied",
                     r->applied);
}
