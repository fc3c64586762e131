/*
 * The generic operations on records that every face (CLI, API, web, import)
 * uses: they apply the registry's rules (defaults, derived fields,
 * validation, hooks, references, immutability, supersession, retirement)
 * and reach the database only through the store interface, inside the
 * caller's transaction. Nothing is written unless every rule holds.
 */
#ifndef ISMS_CORE_RECORDS_H
#define ISMS_CORE_RECORDS_H

#include "core/record.h"
#include "store/store.h"

/* One field set by a user: the value replaces the stored one (unset clears it). */
typedef struct record_change {
    const isms_field *field;
    isms_value value;
} record_change;

/* Give unset fields their registry default (done by records_create too). */
void records_fill_defaults(isms_record *rec, arena *a);

/* Store a new record built by the caller (values unset where not given). */
isms_err records_create(store_txn *t, isms_record *rec, arena *a, isms_status *st);

/* records_create in a write transaction of its own, tried again while the store is busy. */
isms_err records_create_one(store *s, const isms_write_ctx *ctx, isms_record *rec, arena *a,
                            isms_status *st);

/*
 * Apply changes to (k, id). if_version is the version the user read; 0 means
 * "the version stored now" (the CLI without --if-version). *out is the record
 * as stored afterwards.
 */
isms_err records_update(store_txn *t, const isms_kind *k, int64_t id, int64_t if_version,
                        const record_change *changes, size_t nchanges, arena *a,
                        isms_record **out, isms_status *st);

/*
 * An update isms makes in consequence of another change (a new method
 * version re-maps a risk, a signature marks it accepted): like
 * records_update on the stored version, and derived fields may be among the
 * changes. Logged and permission-checked like any update.
 */
isms_err records_update_by_isms(store_txn *t, const isms_kind *k, int64_t id,
                                const record_change *changes, size_t nchanges, arena *a,
                                isms_record **out, isms_status *st);

/* Retire with a reason. Refused while records in force refer to it. */
isms_err records_retire(store_txn *t, const isms_kind *k, int64_t id, int64_t if_version,
                        const char *reason, isms_status *st);

/* Hard deletion, only for kinds that allow it and records nothing refers to. */
isms_err records_delete(store_txn *t, const isms_kind *k, int64_t id, int64_t if_version,
                        isms_status *st);

/*
 * Redact entry seq of the change log: its content (a record as it was)
 * becomes NULL, for example personal data past its retention. The reason is
 * required; the redaction is logged as an entry of its own, with the
 * transaction's actor and channel, and the chain still verifies. With a
 * principal in the write context it needs PERM_ADMIN (core/roles.h).
 */
isms_err records_redact_entry(store_txn *t, int64_t seq, const char *reason,
                              int64_t *redaction_seq, isms_status *st);

#endif
