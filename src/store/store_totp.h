/*
 * The tables of the second factor through the store interface
 * (docs/SECURITY.md): each user's TOTP secret and last accepted time step,
 * their recovery codes (hashed), logins waiting for their second step, and
 * when a session last re-entered its credentials for a signing act.
 *
 * The secret is kept as base32 text: the server must read it to check
 * codes. It is never logged, and no API answers it after enrolment.
 */
#ifndef ISMS_STORE_STORE_TOTP_H
#define ISMS_STORE_STORE_TOTP_H

#include "store/store.h"

/* The setting (isms_settings) that requires a second factor of every user: "true" or absent. */
#define STORE_SETTING_REQUIRE_TOTP "require_totp"

typedef struct store_totp {
    int64_t user_id;
    const char *secret;       /* base32 */
    const char *created_at;   /* when enrolment began */
    const char *confirmed_at; /* NULL until a first code was accepted */
    int64_t last_step;        /* the last time step accepted; codes up to it are refused */
} store_totp;

/* The user's TOTP row; ISMS_ENOTFOUND when they have none. */
isms_err store_totp_get(store_conn *c, int64_t user_id, arena *a, store_totp **out,
                        isms_status *st);

/* Whether the user has a confirmed second factor. */
isms_err store_totp_enrolled(store_conn *c, int64_t user_id, bool *out, isms_status *st);

/* Begin (or begin again) an enrolment with a new secret, unconfirmed; drops recovery codes. */
isms_err store_totp_begin(store_txn *t, int64_t user_id, const char *secret, isms_status *st);

/* Mark the enrolment confirmed by a code of time step `step`. */
isms_err store_totp_confirm(store_txn *t, int64_t user_id, int64_t step, isms_status *st);

/*
 * Remember step as the last accepted, if it is after the one stored: *taken
 * tells whether it was (false: a replay raced us, or the row is gone).
 */
isms_err store_totp_take_step(store_txn *t, int64_t user_id, int64_t step, bool *taken,
                              isms_status *st);

/* Remove the user's second factor and recovery codes. */
isms_err store_totp_delete(store_txn *t, int64_t user_id, isms_status *st);

/* Replace the user's recovery codes by these hashes. */
isms_err store_recovery_replace(store_txn *t, int64_t user_id, const char *const *hashes, size_t n,
                                isms_status *st);

/* Use the unused recovery code with this hash: *used tells whether there was one. */
isms_err store_recovery_use(store_txn *t, int64_t user_id, const char *hash, bool *used,
                            isms_status *st);

/* How many of the user's recovery codes are still unused. */
isms_err store_recovery_left(store_conn *c, int64_t user_id, int64_t *out, isms_status *st);

/* A login whose password was right, waiting for the second step. */
typedef struct store_pending {
    const char *token_hash; /* SHA-256 of the cookie's token */
    int64_t user_id;
    const char *created_at;
    int64_t attempts; /* codes tried so far */
    const char *next; /* where to go after signing in, or NULL */
    const char *client;
} store_pending;

isms_err store_pending_insert(store_txn *t, const store_pending *p, isms_status *st);
isms_err store_pending_get(store_conn *c, const char *token_hash, arena *a, store_pending **out,
                           isms_status *st);
isms_err store_pending_attempt(store_txn *t, const char *token_hash, isms_status *st);
isms_err store_pending_delete(store_txn *t, const char *token_hash, isms_status *st);

/* Forget pending logins begun before `before`. */
isms_err store_pending_purge(store_txn *t, const char *before, isms_status *st);

/* When the session last proved its user's credentials for a signing act (NULL: never). */
isms_err store_signing_get(store_conn *c, const char *session_hash, arena *a, const char **at,
                           isms_status *st);
isms_err store_signing_set(store_txn *t, const char *session_hash, const char *at,
                           isms_status *st);

/* The user's failed signing attempts (events signing_failed) since `since`. */
isms_err store_signing_failures(store_conn *c, int64_t user_id, const char *since, int64_t *out,
                                isms_status *st);

/* Forget signing times recorded before `before`. */
isms_err store_signing_purge(store_txn *t, const char *before, isms_status *st);

#endif
