/*
 * The second factor of a user, as every face checks it: a TOTP code or a
 * one-time recovery code, checked inside the caller's write transaction so
 * that taking the time step (replay) or using up the recovery code commits
 * with whatever the code unlocks. Shared by the login's second step, the
 * signing acts (web and CLI) and enrolment.
 */
#ifndef ISMS_CORE_MFA_H
#define ISMS_CORE_MFA_H

#include "core/totp.h"
#include "store/store_totp.h"

typedef enum mfa_outcome {
    MFA_CODE_OK,     /* a TOTP code of a new time step */
    MFA_RECOVERY_OK, /* an unused recovery code, now used up */
    MFA_WRONG,       /* neither */
    MFA_REPLAYED,    /* a TOTP code of a time step already used */
    MFA_NONE,        /* the user has no confirmed second factor */
} mfa_outcome;

/* Whether the outcome lets the user through. */
bool mfa_passed(mfa_outcome o);

/*
 * Check `code` for user_id at Unix time now, inside t. Records the
 * authentication event `totp_ok`, `totp_failed` (detail: `context`, and
 * why) or `recovery_code_used` under name and client. Failures are
 * outcomes, not errors: the event commits. allow_recovery false accepts
 * TOTP codes only.
 */
isms_err mfa_verify(store_txn *t, int64_t user_id, const char *name, const char *client,
                    const char *context, const char *code, bool allow_recovery, int64_t now,
                    mfa_outcome *out, isms_status *st);

/*
 * Make TOTP_RECOVERY_COUNT new recovery codes for user_id inside t (the
 * old ones stop working); the codes as shown go to codes, each
 * TOTP_RECOVERY_TEXT + 1 bytes.
 */
isms_err mfa_new_recovery_codes(store_txn *t, int64_t user_id,
                                char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1],
                                isms_status *st);

/*
 * Begin an enrolment: a new secret for user_id (base32 into secret),
 * unconfirmed until mfa_enrol_confirm. A conflict when the user has a
 * confirmed second factor already (disable it first).
 */
isms_err mfa_enrol_begin(store_txn *t, int64_t user_id, char secret[TOTP_SECRET_TEXT + 1],
                         isms_status *st);

/*
 * Confirm the enrolment with a first code of the app (a field error on
 * `field` when it is wrong, a conflict when no enrolment waits) and make
 * the recovery codes; records `totp_enrolled`.
 */
isms_err mfa_enrol_confirm(store_txn *t, int64_t user_id, const char *name, const char *client,
                           const char *code, const char *field, int64_t now,
                           char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1],
                           isms_status *st);

/* Remove the user's second factor and recovery codes; records `totp_disabled` (detail: by whom). */
isms_err mfa_disable(store_txn *t, int64_t user_id, const char *name, const char *client,
                     isms_status *st);

#endif
