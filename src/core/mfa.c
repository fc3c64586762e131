#include "core/mfa.h"

#include <stdio.h>
#include <string.h>

bool mfa_passed(mfa_outcome o)
{
    return o == MFA_CODE_OK || o == MFA_RECOVERY_OK;
}

static isms_err event(store_txn *t, const char *what, int64_t user_id, const char *name,
                      const char *client, const char *detail, isms_status *st)
{
    store_auth_event ev = {what, name, user_id, client, detail};
    return store_auth_event_add(t, &ev, st);
}

static isms_err try_recovery(store_txn *t, int64_t user_id, const char *code, bool *used,
                             isms_status *st)
{
    char normal[TOTP_RECOVERY_CHARS + 1], hash[TOTP_HASH_LEN + 1];
    *used = false;
    if (!totp_recovery_normalize(code, normal))
        return ISMS_OK;
    totp_recovery_hash(normal, hash);
    return store_recovery_use(t, user_id, hash, used, st);
}

isms_err mfa_verify(store_txn *t, int64_t user_id, const char *name, const char *client,
                    const char *context, const char *code, bool allow_recovery, int64_t now,
                    mfa_outcome *out, isms_status *st)
{
    store_totp *x = NULL;
    arena a;
    arena_init(&a);
    *out = MFA_WRONG;
    isms_err e = store_totp_get(store_txn_conn(t), user_id, &a, &x, st);
    if (e == ISMS_ENOTFOUND || (e == ISMS_OK && !x->confirmed_at)) {
        status_clear(st);
        *out = MFA_NONE;
        arena_dispose(&a);
        return ISMS_OK;
    }
    if (e == ISMS_OK && totp_is_code(code)) {
        int64_t step = 0;
        totp_result r = totp_check(x->secret, code, now, x->last_step, &step);
        bool taken = false;
        if (r == TOTP_MATCH)
            e = store_totp_take_step(t, user_id, step, &taken, st);
        *out = taken ? MFA_CODE_OK : r == TOTP_WRONG ? MFA_WRONG : MFA_REPLAYED;
    } else if (e == ISMS_OK && allow_recovery) {
        bool used = false;
        e = try_recovery(t, user_id, code, &used, st);
        *out = used ? MFA_RECOVERY_OK : MFA_WRONG;
    }
    arena_dispose(&a);
    if (e != ISMS_OK)
        return e;
    char detail[160];
    snprintf(detail, sizeof(detail), "%s%s", context,
             *out == MFA_REPLAYED ? ": code already used" : *out == MFA_WRONG ? ": wrong code" : "");
    if (*out == MFA_RECOVERY_OK)
        return event(t, "recovery_code_used", user_id, name, client, context, st);
    return event(t, *out == MFA_CODE_OK ? "totp_ok" : "totp_failed", user_id, name, client, detail,
                 st);
}

isms_err mfa_new_recovery_codes(store_txn *t, int64_t user_id,
                                char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1],
                                isms_status *st)
{
    char hashes[TOTP_RECOVERY_COUNT][TOTP_HASH_LEN + 1];
    const char *ptrs[TOTP_RECOVERY_COUNT];
    for (size_t i = 0; i < TOTP_RECOVERY_COUNT; i++) {
        char normal[TOTP_RECOVERY_CHARS + 1];
        totp_recovery_new(codes[i]);
        totp_recovery_normalize(codes[i], normal);
        totp_recovery_hash(normal, hashes[i]);
        ptrs[i] = hashes[i];
    }
    return store_recovery_replace(t, user_id, ptrs, TOTP_RECOVERY_COUNT, st);
}

isms_err mfa_enrol_begin(store_txn *t, int64_t user_id, char secret[TOTP_SECRET_TEXT + 1],
                         isms_status *st)
{
    bool enrolled = false;
    isms_err e = store_totp_enrolled(store_txn_conn(t), user_id, &enrolled, st);
    if (e == ISMS_OK && enrolled)
        return status_fail(st, ISMS_ECONFLICT,
                           "the user has a second factor already: disable it first");
    totp_secret_new(secret);
    return e == ISMS_OK ? store_totp_begin(t, user_id, secret, st) : e;
}

isms_err mfa_enrol_confirm(store_txn *t, int64_t user_id, const char *name, const char *client,
                           const char *code, const char *field, int64_t now,
                           char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1],
                           isms_status *st)
{
    store_totp *x = NULL;
    arena a;
    arena_init(&a);
    isms_err e = store_totp_get(store_txn_conn(t), user_id, &a, &x, st);
    if (e == ISMS_ENOTFOUND || (e == ISMS_OK && x->confirmed_at)) {
        status_clear(st);
        e = status_fail(st, ISMS_ECONFLICT,
                        "there is no enrolment waiting for its first code: begin it again");
    }
    int64_t step = 0;
    if (e == ISMS_OK && totp_check(x->secret, code ? code : "", now, 0, &step) != TOTP_MATCH)
        e = status_field(st, field, "is not the code the app shows now");
    arena_dispose(&a);
    if (e == ISMS_OK)
        e = store_totp_confirm(t, user_id, step, st);
    if (e == ISMS_OK)
        e = mfa_new_recovery_codes(t, user_id, codes, st);
    return e == ISMS_OK ? event(t, "totp_enrolled", user_id, name, client, NULL, st) : e;
}

isms_err mfa_disable(store_txn *t, int64_t user_id, const char *name, const char *client,
                     isms_status *st)
{
    char by[ISMS_ACTOR_MAX * 4 + 8];
    snprintf(by, sizeof(by), "by %s", store_txn_ctx(t)->actor);
    isms_err e = store_totp_delete(t, user_id, st);
    return e == ISMS_OK ? event(t, "totp_disabled", user_id, name, client, by, st) : e;
}
