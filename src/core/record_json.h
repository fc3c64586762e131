/*
 * Records as JSON (jansson): the one encoding used by `--json`, the API and
 * exports. Secret fields are never written. Decimals are written as JSON
 * numbers with their exact digits (never through a double).
 */
#ifndef ISMS_CORE_RECORD_JSON_H
#define ISMS_CORE_RECORD_JSON_H

#include <jansson.h>

#include "core/record.h"
#include "util/strbuf.h"

/* A new JSON object for the record: id, kind, version, bookkeeping, fields. */
json_t *record_to_json(const isms_record *r);

/* The value of one field as JSON (null when unset). */
json_t *value_to_json(const isms_field *f, const isms_value *v);

/* The registry as JSON: kinds, their fields and flags (for `isms kinds --json`). */
json_t *registry_to_json(const isms_registry *reg);

/*
 * The details of a failed status, added to a problem object: "errors"
 * [{field, reason}], "referrers" and "current_version" where they apply.
 * Shared by the CLI's --json errors and the API's problem+json.
 */
void status_details_to_json(const isms_status *st, json_t *problem);

/* Encode with exact decimals; the caller frees the string with free(). */
char *json_dump_exact(const json_t *j, size_t flags);

/*
 * The same record JSON written straight into b, without a jansson tree: the
 * text json_dump_exact(record_to_json(r), JSON_COMPACT) gives, byte for byte
 * (a text that is not valid UTF-8, which isms never stores, is written as
 * null). For list pages, where building and dumping the tree cost most of
 * the request (docs/PERFORMANCE.md, "HTTP API").
 */
void record_json_write(strbuf *b, const isms_record *r);

/* s as a JSON string literal, escaped as jansson escapes it. */
void json_write_string(strbuf *b, const char *s);

#endif
