/* Exports of records as CSV and XLSX (record_export.h). */
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "core/record.h"
#include "core/value.h"
#include "report/csv_write.h"
#include "report/heatmap_svg.h"
#include "report/record_export.h"

/* The longest row a CSV export formats at once: every field at its maximum length,
 * quoted and with every quote doubled, fits well below it. */
enum { EXPORT_ROW_MAX = 16u << 20, EXPORT_COLUMNS_MAX = 256 };

/* The fields a column is exported for: all but the secret ones. */
static bool exported(const isms_field *f)
{
    return !(f->flags & FF_SECRET);
}

static size_t export_columns(const isms_kind *k)
{
    size_t n = 1;
    for (size_t i = 0; i < k->nfields; i++)
        n += exported(&k->fields[i]);
    return n;
}

static void header_cells(const isms_kind *k, const char **cells)
{
    size_t n = 0;
    cells[n++] = "id";
    for (size_t i = 0; i < k->nfields; i++)
        if (exported(&k->fields[i]))
            cells[n++] = k->fields[i].name;
}

/* One record's cells, formatted into arena a. */
static void record_cells(const isms_record *r, arena *a, const char **cells)
{
    const isms_kind *k = r->kind;
    size_t n = 0;
    cells[n++] = human_id(a, k, r->id);
    strbuf b;
    strbuf_init(&b, FIELD_MAX_LEN_LIMIT * 8u);
    for (size_t i = 0; i < k->nfields; i++) {
        if (!exported(&k->fields[i]))
            continue;
        strbuf_reset(&b);
        value_format(&k->fields[i], &r->values[i], &b);
        cells[n++] = arena_strndup(a, b.ptr, b.len);
    }
    strbuf_dispose(&b);
}

typedef struct page_state {
    const isms_kind *k;
    const export_options *opt;
    export_row_fn fn;
    void *arg;
    const char **cells;
    int64_t done, total;
    char cursor[STORE_CURSOR_MAX + 1];
} page_state;

/* One page of records: true when there is another after it. */
static isms_err export_page(store_conn *c, page_state *ps, bool *more, isms_status *st)
{
    arena a;
    arena_init(&a);
    store_query q = {.kind = ps->k, .limit = STORE_PAGE_MAX,
                     .retired = ps->opt->retired ? STORE_WITH_RETIRED : STORE_ACTIVE_ONLY,
                     .cursor = ps->cursor[0] ? ps->cursor : NULL};
    store_page page;
    isms_err e = store_list(c, &q, &a, &page, st);
    for (size_t i = 0; e == ISMS_OK && i < page.n; i++) {
        record_cells(page.items[i], &a, ps->cells);
        if (!ps->fn(ps->arg, ps->cells, export_columns(ps->k)))
            e = st->code != ISMS_OK ? st->code
                                    : status_fail(st, ISMS_ESTORE, "the export could not be written");
        ps->done++;
    }
    if (e == ISMS_OK && ps->opt->progress)
        ps->opt->progress(ps->opt->progress_arg, ps->done, ps->total);
    *more = e == ISMS_OK && page.next_cursor != NULL;
    if (*more)
        snprintf(ps->cursor, sizeof(ps->cursor), "%s", page.next_cursor);
    arena_dispose(&a);
    return e;
}

isms_err record_export_rows(store_conn *c, const isms_kind *k, const export_options *opt,
                            export_row_fn fn, void *arg, isms_status *st)
{
    const char *cells[EXPORT_COLUMNS_MAX];
    if (export_columns(k) > EXPORT_COLUMNS_MAX)
        return status_fail(st, ISMS_ETOOBIG, "%s has too many fields to export", k->label);
    page_state ps = {.k = k, .opt = opt, .fn = fn, .arg = arg, .cells = cells};
    header_cells(k, cells);
    if (!fn(arg, cells, export_columns(k)))
        return st->code != ISMS_OK ? st->code
                                   : status_fail(st, ISMS_ESTORE, "the export could not be written");
    /* One snapshot: a write during a long export does not shift the pages. */
    isms_err e = store_read_begin(c, st);
    if (e != ISMS_OK)
        return e;
    store_query q = {.kind = k, .retired = opt->retired ? STORE_WITH_RETIRED : STORE_ACTIVE_ONLY};
    e = store_count(c, &q, &ps.total, st);
    for (bool more = true; e == ISMS_OK && more;)
        e = export_page(c, &ps, &more, st);
    store_read_end(c);
    return e;
}

/* --- CSV ----------------------------------------------------------------------- */

typedef struct csv_state {
    export_sink_fn sink;
    void *arg;
    strbuf row;
    isms_status *st;
} csv_state;

static bool csv_row(void *arg, const char *const *cells, size_t n)
{
    csv_state *cs = arg;
    strbuf_reset(&cs->row);
    csvw_row(&cs->row, cells, n);
    if (!strbuf_ok(&cs->row)) {
        status_fail(cs->st, ISMS_ETOOBIG, "a row of the export is too long");
        return false;
    }
    if (!cs->sink(cs->arg, cs->row.ptr, cs->row.len)) {
        if (cs->st->code == ISMS_OK)
            status_fail(cs->st, ISMS_ESTORE, "the export could not be written");
        return false;
    }
    return true;
}

isms_err record_export_csv(store_conn *c, const isms_kind *k, const export_options *opt,
                           export_sink_fn sink, void *arg, isms_status *st)
{
    csv_state cs = {.sink = sink, .arg = arg, .st = st};
    strbuf_init(&cs.row, EXPORT_ROW_MAX);
    isms_err e = record_export_rows(c, k, opt, csv_row, &cs, st);
    strbuf_dispose(&cs.row);
    return e;
}

bool export_sink_file(void *arg, const char *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *)arg) == len;
}

bool export_sink_strbuf(void *arg, const char *data, size_t len)
{
    strbuf *b = arg;
    strbuf_add(b, data, len);
    return strbuf_ok(b);
}

/* --- XLSX ---------------------------------------------------------------------- */

enum { XLSX_FILLS_MAX = 32 }; /* distinct fill colours of a book; past it, cells are plain */

struct xlsx_book {
    lxw_workbook *wb;
    lxw_format *bold; /* the header row */
    char fill_colour[XLSX_FILLS_MAX][8]; /* "#RRGGBB" of each fill format made */
    lxw_format *fill[XLSX_FILLS_MAX];
    size_t nfills;
};

isms_err xlsx_book_open(xlsx_book **out, const char *path, isms_status *st)
{
    /* Constant memory: each row goes to a temporary file as soon as the next begins, so a
     * sheet of 100,000 records costs no more memory than one of ten. Rows must then be
     * written in order, which every writer here does. */
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &o);
    if (!wb)
        return status_fail(st, ISMS_ESTORE, "cannot create the workbook %s", path);
    xlsx_book *b = calloc(1, sizeof(*b));
    if (!b)
        abort();
    b->wb = wb;
    b->bold = workbook_add_format(wb);
    format_set_bold(b->bold);
    *out = b;
    return ISMS_OK;
}

static isms_err add_sheet(xlsx_book *b, const char *name, lxw_worksheet **out, isms_status *st)
{
    if (workbook_validate_sheet_name(b->wb, name) != LXW_NO_ERROR)
        return status_fail(st, ISMS_EINVALID, "'%s' cannot name a worksheet", name);
    *out = workbook_add_worksheet(b->wb, name);
    return *out ? ISMS_OK : status_fail(st, ISMS_ESTORE, "cannot add the worksheet %s", name);
}

typedef struct sheet_state {
    xlsx_book *b;
    lxw_worksheet *ws;
    lxw_row_t row;
    isms_status *st;
    const char **fills;  /* NULL, or per cell a "#RRGGBB" fill or NULL */
    const bool *numeric; /* NULL, or per column: its whole numbers are written as numbers */
} sheet_state;

/* The format filling a cell with colour "#RRGGBB" (made once per book), or NULL. */
static lxw_format *fill_format(xlsx_book *b, const char *colour)
{
    if (!colour || strlen(colour) != 7 || colour[0] != '#')
        return NULL;
    for (size_t i = 0; i < b->nfills; i++)
        if (strcmp(b->fill_colour[i], colour) == 0)
            return b->fill[i];
    char *end;
    unsigned long rgb = strtoul(colour + 1, &end, 16);
    if (*end || b->nfills == XLSX_FILLS_MAX)
        return NULL;
    lxw_format *f = workbook_add_format(b->wb);
    format_set_bg_color(f, (lxw_color_t)rgb);
    format_set_pattern(f, LXW_PATTERN_SOLID);
    /* the text colour that reads best on the fill, as the heat map picks it */
    format_set_font_color(f, strcmp(heatmap_text_colour(colour), "#FFFFFF") == 0 ? LXW_COLOR_WHITE
                                                                                  : LXW_COLOR_BLACK);
    memcpy(b->fill_colour[b->nfills], colour, 8);
    b->fill[b->nfills++] = f;
    return f;
}

/* The largest whole number a spreadsheet's double holds exactly (2^53); past it a cell
 * stays text, so no digit is lost. */
#define XLSX_EXACT_MAX 9007199254740992LL

/* Whether text is a whole number ("-12", no sign "+", no spaces) a cell holds exactly. */
static bool whole_number(const char *text, double *out)
{
    const char *p = text + (text[0] == '-');
    if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 16)
        return false;
    long long v = strtoll(text, NULL, 10);
    if (v > XLSX_EXACT_MAX || v < -XLSX_EXACT_MAX)
        return false;
    *out = (double)v;
    return true;
}

/* Cells are written as strings or numbers, never as formulas, so no guard is needed here.
 * The header row is text; below it a numeric column's whole numbers are numbers, so a
 * spreadsheet sorts and sums them, and anything else in it stays text. */
static bool sheet_row(void *arg, const char *const *cells, size_t n)
{
    sheet_state *ss = arg;
    for (size_t i = 0; i < n; i++) {
        if (!cells[i] || !cells[i][0])
            continue;
        lxw_format *fmt = ss->row == 0 ? ss->b->bold : NULL;
        if (ss->row > 0 && ss->fills)
            fmt = fill_format(ss->b, ss->fills[i]);
        double num;
        lxw_error e;
        if (ss->row > 0 && ss->numeric && ss->numeric[i] && whole_number(cells[i], &num))
            e = worksheet_write_number(ss->ws, ss->row, (lxw_col_t)i, num, fmt);
        else
            e = worksheet_write_string(ss->ws, ss->row, (lxw_col_t)i, cells[i], fmt);
        if (e != LXW_NO_ERROR) {
            status_fail(ss->st, ISMS_ETOOBIG, "row %u: %s", (unsigned)ss->row + 1,
                        lxw_strerror(e));
            return false;
        }
    }
    ss->row++;
    return true;
}

/* Which columns of k's export are numeric: those of its whole-number fields (FT_INT). */
static void numeric_columns(const isms_kind *k, bool *numeric)
{
    size_t n = 0;
    numeric[n++] = false; /* the human id */
    for (size_t i = 0; i < k->nfields; i++)
        if (exported(&k->fields[i]))
            numeric[n++] = k->fields[i].type == FT_INT;
}

isms_err xlsx_sheet_records(xlsx_book *b, store_conn *c, const isms_kind *k, const char *name,
                            const export_options *opt, isms_status *st)
{
    bool numeric[EXPORT_COLUMNS_MAX];
    if (export_columns(k) > EXPORT_COLUMNS_MAX) /* record_export_rows refuses it too */
        return status_fail(st, ISMS_ETOOBIG, "%s has too many fields to export", k->label);
    numeric_columns(k, numeric);
    sheet_state ss = {.b = b, .st = st, .numeric = numeric};
    isms_err e = add_sheet(b, name, &ss.ws, st);
    if (e == ISMS_OK)
        e = record_export_rows(c, k, opt, sheet_row, &ss, st);
    return e;
}

isms_err xlsx_sheet_filled_rows(xlsx_book *b, const char *name, const char *const *header,
                                size_t ncols, const bool *numeric, xlsx_filled_rows_fn next,
                                void *arg, isms_status *st)
{
    sheet_state ss = {.b = b, .st = st, .numeric = numeric};
    isms_err e = add_sheet(b, name, &ss.ws, st);
    if (e != ISMS_OK)
        return e;
    if (!sheet_row(&ss, header, ncols))
        return st->code;
    const char **cells = calloc(ncols ? ncols : 1, sizeof(char *));
    const char **fills = calloc(ncols ? ncols : 1, sizeof(char *));
    if (!cells || !fills)
        abort();
    ss.fills = fills;
    while (e == ISMS_OK) {
        memset(cells, 0, sizeof(char *) * ncols);
        memset(fills, 0, sizeof(char *) * ncols);
        if (!next(arg, cells, fills))
            break;
        if (!sheet_row(&ss, cells, ncols))
            e = st->code;
    }
    free(cells);
    free(fills);
    return e;
}

typedef struct plain_rows {
    xlsx_rows_fn next;
    void *arg;
} plain_rows;

static bool next_plain(void *arg, const char **cells, const char **fills)
{
    (void)fills;
    plain_rows *p = arg;
    return p->next(p->arg, cells);
}

isms_err xlsx_sheet_rows(xlsx_book *b, const char *name, const char *const *header, size_t ncols,
                         xlsx_rows_fn next, void *arg, isms_status *st)
{
    plain_rows p = {.next = next, .arg = arg};
    return xlsx_sheet_filled_rows(b, name, header, ncols, NULL, next_plain, &p, st);
}

isms_err xlsx_book_close(xlsx_book *b, isms_status *st)
{
    lxw_error e = workbook_close(b->wb);
    free(b);
    if (e != LXW_NO_ERROR)
        return status_fail(st, ISMS_ESTORE, "cannot write the workbook: %s", lxw_strerror(e));
    return ISMS_OK;
}

isms_err record_export_xlsx(store_conn *c, const isms_kind *const *kinds, size_t nkinds,
                            const char *path, const export_options *opt, isms_status *st)
{
    xlsx_book *b;
    isms_err e = xlsx_book_open(&b, path, st);
    for (size_t i = 0; e == ISMS_OK && i < nkinds; i++)
        e = xlsx_sheet_records(b, c, kinds[i], kinds[i]->plural, opt, st);
    isms_status close_st;
    status_clear(&close_st);
    isms_err ce = xlsx_book_close(b, e == ISMS_OK ? st : &close_st);
    return e != ISMS_OK ? e : ce;
}
