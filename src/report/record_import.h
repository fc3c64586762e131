/*
 * Importing records of a kind from CSV (RFC 4180, parsed by libcsv).
 *
 * Row 1 is the header. Each column is matched, ignoring case, against the
 * kind's field names (`review_date` or `review-date`) and labels ("Review
 * date"), or is `id`. An unknown or repeated column is an error naming it;
 * derived columns are ignored; without an `id` column every required field
 * without a default needs its column. Every later row creates a record, or,
 * when its `id` names an existing record of the kind, updates that record's
 * changed fields (a row that changes nothing is left alone). An id that
 * names no record creates a new one (which gets the next free id).
 *
 * Cells are read as the CLI reads `--FIELD VALUE` (value_parse), after the
 * export's formula guard is removed (csv_write.h); an empty cell means no
 * value; a cell holding a NUL byte makes its row bad (no value may hold
 * one, and C text would cut it short). Every row goes through records_create / records_update in one
 * write transaction, so validation, references, permissions and the change
 * log apply as for a single change. Every bad row is reported (up to
 * IMPORT_ERRORS_MAX errors, then only counted), with its row number in the
 * file (the header is row 1; a quoted cell may span lines, so this is the
 * CSV record number) and its column; bytes of the file quoted in a
 * message that are not valid UTF-8 become '?'. A dry run rolls everything back;
 * --apply commits only when no row is bad. Limits: docs/IMPORT-EXPORT.md.
 */
#ifndef ISMS_REPORT_RECORD_IMPORT_H
#define ISMS_REPORT_RECORD_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/registry.h"
#include "core/status.h"
#include "store/store.h"

enum {
    IMPORT_FILE_MAX = 64u << 20, /* bytes of CSV */
    IMPORT_ROW_MAX = 4u << 20,   /* bytes of one row */
    IMPORT_COLUMNS_MAX = 256,    /* columns of the header */
    IMPORT_ERRORS_MAX = 1000,    /* errors kept; more are only counted */
    IMPORT_COLUMN_TEXT_MAX = 128,
};

typedef struct import_error {
    int64_t row;                          /* 1 is the header */
    char column[IMPORT_COLUMN_TEXT_MAX];  /* as the header spells it; "" for the whole row */
    char reason[ISMS_REASON_MAX * 2];
} import_error;

typedef struct import_result {
    int64_t rows;       /* data rows read */
    int64_t created, updated, unchanged;
    int64_t bad;        /* rows with at least one error (the header counts as one) */
    import_error *errors; /* malloc'd, nerrors of them; import_result_dispose frees it */
    size_t nerrors;
    int64_t more_errors; /* errors past IMPORT_ERRORS_MAX, not kept */
    bool applied;        /* committed */
} import_result;

/* Called with the bytes parsed so far and the total. */
typedef void (*import_progress_fn)(void *arg, size_t done, size_t total);

typedef struct import_options {
    bool apply;                  /* commit when no row is bad; else a dry run */
    import_progress_fn progress; /* NULL: none */
    void *progress_arg;
} import_options;

/*
 * Import data (len bytes of CSV) into kind k as ctx's principal. ISMS_OK
 * when every row is good (committed with apply), ISMS_EINVALID when rows
 * are bad (nothing kept; out lists them), another code when the import
 * could not run (too big, busy, store). out is filled in every case.
 */
isms_err record_import_csv(store *s, const isms_write_ctx *ctx, const isms_kind *k,
                           const char *data, size_t len, const import_options *opt,
                           import_result *out, isms_status *st);

void import_result_dispose(import_result *r);

/*
 * The result as the API and `--json` answer it: {rows, created, updated,
 * unchanged, bad: [{row, column, reason}], more_errors, applied}. New reference.
 */
json_t *import_result_to_json(const import_result *r);

#endif
