/*
 * Exporting the records of a kind: as CSV (RFC 4180, csv_write.h) or as
 * XLSX worksheets (libxlsxwriter in constant-memory mode). The columns are
 * `id` (the human id, "ISS-12") and then every field that is not secret, by
 * its JSON name; each value is in the text form the CLI accepts for
 * `--FIELD VALUE` (value_format), so an export imports back unchanged
 * (record_import.h). Derived fields are exported and ignored on import.
 *
 * Records are read page by page (keyset paging) in one read snapshot: memory
 * stays constant whatever the number of records.
 */
#ifndef ISMS_REPORT_RECORD_EXPORT_H
#define ISMS_REPORT_RECORD_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/registry.h"
#include "core/status.h"
#include "store/store.h"
#include "util/strbuf.h"

/* Called once per row (the header first); the cells live until it returns. Return false
 * to stop (the export then fails with ISMS_ESTORE and the detail the callback set). */
typedef bool (*export_row_fn)(void *arg, const char *const *cells, size_t n);

/* Called with the rows done so far and the total (may be NULL). */
typedef void (*export_progress_fn)(void *arg, int64_t done, int64_t total);

typedef struct export_options {
    bool retired;                /* records retired too, not only those in force */
    export_progress_fn progress; /* NULL: none */
    void *progress_arg;
} export_options;

/* The header row and then one row per record of k, in id order. */
isms_err record_export_rows(store_conn *c, const isms_kind *k, const export_options *opt,
                            export_row_fn fn, void *arg, isms_status *st);

/*
 * The CSV of k: every row is formatted into a buffer and handed to sink
 * (a file, an HTTP body), so only one row is held at a time.
 */
typedef bool (*export_sink_fn)(void *arg, const char *data, size_t len);
isms_err record_export_csv(store_conn *c, const isms_kind *k, const export_options *opt,
                           export_sink_fn sink, void *arg, isms_status *st);

/* A sink that writes to a FILE *. */
bool export_sink_file(void *arg, const char *data, size_t len);

/* A sink that appends to a strbuf * (capped: overflow stops the export). */
bool export_sink_strbuf(void *arg, const char *data, size_t len);

/* --- XLSX -------------------------------------------------------------------- */

typedef struct xlsx_book xlsx_book;

/* A new workbook at path (written by xlsx_book_close). */
isms_err xlsx_book_open(xlsx_book **out, const char *path, isms_status *st);

/* A worksheet `name` (at most 31 characters) holding the export of k. Cells of
 * whole-number fields (FT_INT) are numbers, the others text, as in the CSV. */
isms_err xlsx_sheet_records(xlsx_book *b, store_conn *c, const isms_kind *k, const char *name,
                            const export_options *opt, isms_status *st);

/*
 * A worksheet of the caller's rows: the header in bold, then rows as long as
 * next fills cells (ncols of them, NULL for an empty cell) and answers true.
 * For sheets beyond records (a risk export's actions, method, heat map counts).
 * Every cell is text.
 */
typedef bool (*xlsx_rows_fn)(void *arg, const char **cells);
isms_err xlsx_sheet_rows(xlsx_book *b, const char *name, const char *const *header, size_t ncols,
                         xlsx_rows_fn next, void *arg, isms_status *st);

/* The same with a fill per cell: next sets fills[i] to "#RRGGBB" to colour cell i
 * (the text then black or white, whichever reads better), or leaves it NULL. numeric
 * (NULL: none) marks the columns whose whole numbers are written as numbers; any
 * other cell of such a column (a label) stays text. */
typedef bool (*xlsx_filled_rows_fn)(void *arg, const char **cells, const char **fills);
isms_err xlsx_sheet_filled_rows(xlsx_book *b, const char *name, const char *const *header,
                                size_t ncols, const bool *numeric, xlsx_filled_rows_fn next,
                                void *arg, isms_status *st);

/* Write the file and free the book (also after a failure). */
isms_err xlsx_book_close(xlsx_book *b, isms_status *st);

/* The whole XLSX export of one kind into path: one worksheet named after the kind. */
isms_err record_export_xlsx(store_conn *c, const isms_kind *const *kinds, size_t nkinds,
                            const char *path, const export_options *opt, isms_status *st);

#endif
