/*
 * Checking the change log of a store, and signing checkpoints of it
 * (`isms log verify`, `isms log checkpoint`, `isms serve --checkpoint-key`).
 *
 * Verification reads in one snapshot, in this order, and stops at the first
 * problem, which it names:
 *   1. the chain, entry by entry in seq order (core/changelog.h);
 *   2. an expected (seq, hash) recorded elsewhere, when given;
 *   3. every checkpoint: its signature with the public key of its key id, when keys are given, and
 *      that the chain still has the signed hash at the signed entry;
 *   4. every record: its stored state equals the content of its newest
 *      entry, every record has entries, and every record the log says
 *      exists does (catches writes to the record tables around isms).
 * Memory stays constant however long the log is.
 */
#ifndef ISMS_CORE_LOG_VERIFY_H
#define ISMS_CORE_LOG_VERIFY_H

#include <jansson.h>

#include "core/changelog.h"
#include "store/store.h"

typedef struct log_verify_options {
    /* Public keys that may have signed checkpoints (old ones kept after a rotation);
     * none: signatures are not checked. */
    const unsigned char *public_keys; /* npublic_keys * CHANGELOG_PUBLIC_KEY bytes */
    size_t npublic_keys;
    int64_t expect_seq; /* with expect_hash: the chain must have it there; 0: none */
    const char *expect_hash;
    bool skip_records; /* leave out step 4 */
} log_verify_options;

typedef struct log_verify_result {
    bool ok;
    int64_t entries;               /* entries checked */
    int64_t redacted;              /* of them, with their content redacted */
    int64_t last_seq;              /* the last entry (0: empty log) */
    char last_hash[CHANGELOG_HEX]; /* its hash (the genesis when empty) */
    int64_t checkpoints;           /* checkpoints checked */
    bool signatures_checked;       /* with a public key */
    int64_t records;               /* records compared with their entries */
    const char *problem;           /* machine name of the first problem, or NULL */
    int64_t bad_seq;               /* the entry it concerns, or 0 */
    char detail[512];              /* a sentence naming the entry, checkpoint or record */
} log_verify_result;

/*
 * The result as JSON (`isms log verify --json`, GET /api/v1/log/verify): ok,
 * entries, redacted, last_seq, last_hash, checkpoints, signatures_checked,
 * records, and when it failed problem, bad_seq (null when no entry) and detail.
 */
json_t *log_verify_to_json(const log_verify_result *r);

/* Verify the log on c. ISMS_OK when the check ran, whatever it found (see out->ok). */
isms_err log_verify(store_conn *c, const isms_registry *reg, const log_verify_options *o,
                    log_verify_result *out, isms_status *st);

/*
 * Sign the log's last entry (seq, hash) at the transaction's time and store
 * the checkpoint; out's strings are in a. ISMS_ECONFLICT while the log is
 * empty.
 */
isms_err log_checkpoint(store_txn *t, const changelog_keypair *kp, arena *a,
                        changelog_checkpoint *out, isms_status *st);

#endif
