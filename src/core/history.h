/*
 * A record's history, read from the change log: the versions it went
 * through (each entry's content is the whole record after a change) and a
 * field-by-field comparison of any two of them. Shared by the CLI
 * (`isms KIND history`), the API (/api/v1/<plural>/<id>/history) and the
 * history page.
 */
#ifndef ISMS_CORE_HISTORY_H
#define ISMS_CORE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/changelog.h"
#include "core/record.h"
#include "store/store.h"

/* A record's versions are listed up to this many, the newest ones. */
enum { HISTORY_MAX = 1000 };

typedef struct history {
    changelog_entry *items; /* oldest first */
    size_t n;
    bool truncated; /* older entries exist beyond HISTORY_MAX */
} history;

/* The entries of record (k, id), oldest first; ISMS_ENOTFOUND when the log has none. */
isms_err history_read(store_conn *c, const isms_kind *k, int64_t id, arena *a, history *out,
                      isms_status *st);

/*
 * The record an entry's content holds, decoded against kind k (strictly: a
 * content that is not such a record, as after tampering, is ISMS_EINVALID).
 */
isms_err history_record(const isms_registry *reg, const isms_kind *k, const char *content, arena *a,
                        isms_record **out, isms_status *st);

/* The version of (k, id) made by one entry, decoded; ISMS_ECONFLICT once redacted. */
isms_err history_version(store_conn *c, const isms_registry *reg, const isms_kind *k, int64_t id,
                         int64_t version, arena *a, changelog_entry *entry, isms_record **out,
                         isms_status *st);

/* One field that differs between two versions. */
typedef struct history_change {
    const isms_field *field; /* a field of the kind, or one of the retirement members */
    const isms_value *before, *after;
} history_change;

/*
 * The fields that differ from `from` to `to`, in the kind's order, then the
 * retirement (retired_at, retired_by, retired_reason). Bookkeeping that
 * changes with every version (version, updated_at, updated_by) is left out.
 */
size_t history_diff(const isms_record *from, const isms_record *to, arena *a, history_change **out);

/* A redaction entry's content: the entry it redacts and why (reason in a). */
bool history_redaction(const char *content, arena *a, int64_t *seq, const char **reason);

/*
 * As JSON (the API's and `--json`'s answer): {"items": [{seq, at, actor,
 * channel, action, version, record (null once redacted), redacted}, ...],
 * "truncated": bool}. A redaction entry adds "redacts" and "reason"; a
 * content that cannot be read as the kind gives record null and
 * "unreadable": true. Decimals are exact (print with json_dump_exact).
 */
json_t *history_to_json(const isms_registry *reg, const isms_kind *k, const history *h, arena *a);

/*
 * One entry as stored (`isms log list --json`, GET /api/v1/log): every member,
 * the record as its id ("ISS-3"), the content as the stored text (null once
 * redacted), so that its digest can be checked elsewhere.
 */
json_t *changelog_entry_to_json(const isms_registry *reg, const changelog_entry *e);

/* {"id", "from": V, "to": V, "changes": [{"field", "before", "after"}, ...]}. */
json_t *history_diff_to_json(const isms_record *from, const isms_record *to, int64_t v_from,
                             int64_t v_to, arena *a);

#endif
