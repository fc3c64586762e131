/* How the CLI prints records, tables and errors, for people and for scripts. */
#ifndef ISMS_CLI_OUTPUT_H
#define ISMS_CLI_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/record.h"

/* A simple text table: columns sized to their content, cells cut at a width. */
typedef struct text_table {
    size_t ncols, nrows, cap;
    const char **cells; /* row-major, arena-owned */
    arena *a;
} text_table;

void table_init(text_table *t, arena *a, size_t ncols);
void table_add_row(text_table *t, const char *const *cells);
void table_print(const text_table *t, FILE *out);

/*
 * One record for people: id, title, every field, bookkeeping. ref_titles (or
 * NULL) holds, per field, the title of the record a reference names, shown
 * after its id ("PER-3 Jonas Weber").
 */
void print_record(cli_ctx *c, const isms_record *r, const char *const *ref_titles,
                  const store_referrers *refs);

/* Print a JSON value (exact decimals) followed by a newline. */
void print_json(cli_ctx *c, json_t *j);

/*
 * Print a JSON value as print_json prints it nested depth levels deep (two
 * spaces a level), without the newline: its first line where the caller left
 * off, the others indented. For printing an array's items as they come.
 */
void print_json_nested(cli_ctx *c, json_t *j, int depth);

/* The text form of a value for tables and detail lines. */
const char *value_text(arena *a, const isms_field *f, const isms_value *v);

#endif
