/*
 * Writing CSV (RFC 4180): fields separated by commas, rows ended by CRLF,
 * UTF-8 passed through as it is. A field is quoted when it holds a comma,
 * a quote, CR or LF, or starts or ends with a space; quotes inside are
 * doubled.
 *
 * Formula guard: a spreadsheet runs a cell that starts with = + - @ TAB or
 * CR as a formula. Such a cell (after any leading single quotes) is written
 * with one more single quote in front, which spreadsheets show as text;
 * csvw_unguard removes exactly that quote on import, so an export imports
 * back unchanged (docs/IMPORT-EXPORT.md).
 */
#ifndef ISMS_REPORT_CSV_WRITE_H
#define ISMS_REPORT_CSV_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/* Whether the text needs the formula guard on export. */
bool csvw_needs_guard(const char *text);

/* Append one field, guarded and quoted as needed (no separator). */
void csvw_field(strbuf *out, const char *text);

/* Append a whole row: the fields separated by commas, then CRLF. */
void csvw_row(strbuf *out, const char *const *cells, size_t n);

/*
 * The text of an imported cell without the guard's quote: a leading single
 * quote is removed when what follows it would need the guard. Returns text
 * itself or text + 1.
 */
const char *csvw_unguard(const char *text);

#endif
