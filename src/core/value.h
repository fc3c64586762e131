/*
 * Turning text into typed values and back. The same rules serve the CLI,
 * web forms and CSV: one parser per field type, one canonical text form.
 * Syntax is checked here; rules that need the whole record (required,
 * length, allowed values, ranges) are in validate.h.
 */
#ifndef ISMS_CORE_VALUE_H
#define ISMS_CORE_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/record.h"
#include "util/arena.h"
#include "util/strbuf.h"

/*
 * Parse `text` for field f. Empty or blank text means "no value". On failure returns
 * false and writes a reason (without the field name) into reason.
 */
bool value_parse(const isms_registry *reg, const isms_field *f, const char *text, arena *a,
                 isms_value *out, char *reason, size_t reason_size);

/* Append the canonical text form of v (nothing when unset). */
void value_format(const isms_field *f, const isms_value *v, strbuf *out);

/* Equal in value (used to detect changes and status transitions). */
bool value_equal(const isms_field *f, const isms_value *a, const isms_value *b);

/* Individual syntaxes, shared with the JSON decoder. */
bool parse_int64(const char *text, int64_t *out);
bool parse_decimal_micro(const char *text, int64_t *out);
void format_decimal_micro(int64_t micro, char buf[32]);
bool parse_date(const char *text);
/* Accepts "YYYY-MM-DDTHH:MM:SS" with "Z" or "+HH:MM"/"-HH:MM"; writes UTC "...Z". */
bool parse_datetime(const char *text, char out[21]);
bool parse_bool(const char *text, bool *out);

/* Count UTF-8 characters; returns false if s is not valid UTF-8. */
bool utf8_count(const char *s, size_t len, size_t *chars);

#endif
