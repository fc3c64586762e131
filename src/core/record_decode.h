/*
 * Records from JSON (jansson): the strict decoder of the API's request
 * bodies, the counterpart of record_json.h. Every member must name a field
 * of the kind that a user may write, with a JSON value of the field's type;
 * nothing is guessed or converted silently. Syntax and types are checked
 * here; the rules of the whole record (required, lengths, allowed values,
 * ranges, references) are record_validate's and the record operations'.
 */
#ifndef ISMS_CORE_RECORD_DECODE_H
#define ISMS_CORE_RECORD_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/records.h"

enum record_decode_flags {
    /* The body may carry "version", the version the user read (PATCH). */
    RECORD_DECODE_VERSION = 1u << 0,
};

enum { RECORD_DECODE_REFLIST_MAX = 1000 };

/*
 * Decode a body object into changes of kind k, in the order of its members.
 * null clears a field. Strings are copied into a. *version is the body's
 * "version" (only with RECORD_DECODE_VERSION), 0 when absent. Every problem
 * is a field error in st naming the member: ISMS_EINVALID. More than max
 * changes: ISMS_ETOOBIG.
 */
isms_err record_changes_from_json(const isms_registry *reg, const isms_kind *k, const json_t *body,
                                  unsigned flags, arena *a, record_change *out, size_t max,
                                  size_t *n, int64_t *version, isms_status *st);

/*
 * Decode one field's JSON value (null: no value) as record_json.h writes it,
 * with the same rules as a body's member. False with a reason otherwise.
 */
bool record_value_from_json(const isms_registry *reg, const isms_field *f, const json_t *v,
                            arena *a, isms_value *out, char *reason, size_t rsize);

/*
 * Parse a request body: one JSON object, duplicate keys refused. NULL with
 * ISMS_EINVALID and a field error on "body" (line, column, what is wrong)
 * otherwise. The caller releases the result with json_decref.
 */
json_t *json_parse_body(const char *data, size_t len, isms_status *st);

/*
 * Copy src (NUL-terminated) into dst for quoting in a message: at most
 * size - 1 bytes, cut at a character boundary, with invalid UTF-8 and
 * control characters replaced by '?', so that the copy is always valid
 * text for a JSON answer. Returns dst.
 */
char *message_text_copy(char *dst, size_t size, const char *src);

#endif
