/*
 * The tables of the second factor (store/store_totp.h). Statements are
 * constant texts with '?' for each value, turned into the dialect's
 * placeholders here; values are always bound.
 */
#include "store/store_totp.h"

#include <string.h>

#include "store/internal.h"

#define DRV(c) ((c)->owner->driver)

static const char *now_of(store_txn *t)
{
    return store_txn_ctx(t)->now;
}

/* --- the secret ------------------------------------------------------------------ */

isms_err store_totp_get(store_conn *c, int64_t user_id, arena *a, store_totp **out, isms_status *st)
{
    db_stmt *s;
    isms_err e =
        conn_prepare_bound(c, &s, st,
                           "SELECT \"secret\", \"created_at\", \"confirmed_at\", \"last_step\" "
                           "FROM \"isms_totp\" WHERE \"user_id\" = ?",
                           "i", user_id);
    if (e != ISMS_OK)
        return e;
    *out = NULL;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW) {
        store_totp *x = arena_alloc(a, sizeof(*x));
        x->user_id = user_id;
        x->secret = conn_column_text(c, s, 0, a);
        x->created_at = conn_column_text(c, s, 1, a);
        x->confirmed_at = conn_column_text(c, s, 2, a);
        x->last_step = DRV(c)->column_int(s, 3);
        *out = x;
    }
    DRV(c)->reset(s);
    if (r == DB_ERROR)
        return st->code;
    return *out ? ISMS_OK : status_fail(st, ISMS_ENOTFOUND, "the user has no second factor");
}

isms_err store_totp_enrolled(store_conn *c, int64_t user_id, bool *out, isms_status *st)
{
    db_stmt *s;
    *out = false;
    isms_err e = conn_prepare_bound(c, &s, st,
                                    "SELECT count(*) FROM \"isms_totp\" WHERE \"user_id\" = ? AND "
                                    "\"confirmed_at\" IS NOT NULL",
                                    "i", user_id);
    if (e != ISMS_OK)
        return e;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW)
        *out = DRV(c)->column_int(s, 0) > 0;
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_totp_delete(store_txn *t, int64_t user_id, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st, "DELETE FROM \"isms_recovery_code\" WHERE \"user_id\" = ?", "i", user_id);
    if (e == ISMS_OK)
        e = conn_run(t->conn, s, NULL, st);
    if (e == ISMS_OK)
        e = conn_prepare_bound(t->conn, &s, st, "DELETE FROM \"isms_totp\" WHERE \"user_id\" = ?",
                               "i", user_id);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

isms_err store_totp_begin(store_txn *t, int64_t user_id, const char *secret, isms_status *st)
{
    db_stmt *s;
    isms_err e = store_totp_delete(t, user_id, st);
    if (e == ISMS_OK)
        e = conn_prepare_bound(
            t->conn, &s, st,
            "INSERT INTO \"isms_totp\" (\"user_id\", \"secret\", \"created_at\", "
            "\"confirmed_at\", \"last_step\") VALUES (?, ?, ?, NULL, 0)",
            "iss", user_id, secret, now_of(t));
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

isms_err store_totp_confirm(store_txn *t, int64_t user_id, int64_t step, isms_status *st)
{
    db_stmt *s;
    int64_t changed = 0;
    isms_err e =
        conn_prepare_bound(t->conn, &s, st,
                           "UPDATE \"isms_totp\" SET \"confirmed_at\" = ?, \"last_step\" = ? "
                           "WHERE \"user_id\" = ? AND \"confirmed_at\" IS NULL",
                           "sii", now_of(t), step, user_id);
    if (e == ISMS_OK)
        e = conn_run(t->conn, s, &changed, st);
    if (e == ISMS_OK && changed == 0)
        e = status_fail(st, ISMS_ECONFLICT, "there is no enrolment waiting for its first code");
    return e;
}

isms_err store_totp_take_step(store_txn *t, int64_t user_id, int64_t step, bool *taken,
                              isms_status *st)
{
    db_stmt *s;
    int64_t changed = 0;
    isms_err e =
        conn_prepare_bound(t->conn, &s, st,
                           "UPDATE \"isms_totp\" SET \"last_step\" = ? WHERE \"user_id\" = ? AND "
                           "\"last_step\" < ?",
                           "iii", step, user_id, step);
    if (e == ISMS_OK)
        e = conn_run(t->conn, s, &changed, st);
    *taken = e == ISMS_OK && changed == 1;
    return e;
}

/* --- recovery codes ------------------------------------------------------------------ */

isms_err store_recovery_replace(store_txn *t, int64_t user_id, const char *const *hashes, size_t n,
                                isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st, "DELETE FROM \"isms_recovery_code\" WHERE \"user_id\" = ?", "i", user_id);
    if (e == ISMS_OK)
        e = conn_run(t->conn, s, NULL, st);
    for (size_t i = 0; e == ISMS_OK && i < n; i++) {
        e = conn_prepare_bound(
            t->conn, &s, st,
            "INSERT INTO \"isms_recovery_code\" (\"user_id\", \"code_hash\", \"used_at\") "
            "VALUES (?, ?, NULL)",
            "is", user_id, hashes[i]);
        if (e == ISMS_OK)
            e = conn_run(t->conn, s, NULL, st);
    }
    return e;
}

isms_err store_recovery_use(store_txn *t, int64_t user_id, const char *hash, bool *used,
                            isms_status *st)
{
    db_stmt *s;
    int64_t changed = 0;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st,
        "UPDATE \"isms_recovery_code\" SET \"used_at\" = ? WHERE \"user_id\" = ? AND "
        "\"code_hash\" = ? AND \"used_at\" IS NULL",
        "sis", now_of(t), user_id, hash);
    if (e == ISMS_OK)
        e = conn_run(t->conn, s, &changed, st);
    *used = e == ISMS_OK && changed == 1;
    return e;
}

isms_err store_recovery_left(store_conn *c, int64_t user_id, int64_t *out, isms_status *st)
{
    db_stmt *s;
    *out = 0;
    isms_err e =
        conn_prepare_bound(c, &s, st,
                           "SELECT count(*) FROM \"isms_recovery_code\" WHERE \"user_id\" = ? AND "
                           "\"used_at\" IS NULL",
                           "i", user_id);
    if (e != ISMS_OK)
        return e;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW)
        *out = DRV(c)->column_int(s, 0);
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

/* --- logins waiting for their second step ------------------------------------------- */

isms_err store_pending_insert(store_txn *t, const store_pending *p, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st,
        "INSERT INTO \"isms_login_pending\" (\"token_hash\", \"user_id\", "
        "\"created_at\", \"attempts\", \"next\", \"client\") VALUES (?, ?, ?, 0, ?, ?)",
        "sisss", p->token_hash, p->user_id, now_of(t), p->next, p->client);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

isms_err store_pending_get(store_conn *c, const char *token_hash, arena *a, store_pending **out,
                           isms_status *st)
{
    db_stmt *s;
    isms_err e =
        conn_prepare_bound(c, &s, st,
                           "SELECT \"user_id\", \"created_at\", \"attempts\", \"next\", \"client\" "
                           "FROM \"isms_login_pending\" WHERE \"token_hash\" = ?",
                           "s", token_hash);
    if (e != ISMS_OK)
        return e;
    *out = NULL;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW) {
        store_pending *x = arena_alloc(a, sizeof(*x));
        x->token_hash = arena_strdup(a, token_hash);
        x->user_id = DRV(c)->column_int(s, 0);
        x->created_at = conn_column_text(c, s, 1, a);
        x->attempts = DRV(c)->column_int(s, 2);
        x->next = conn_column_text(c, s, 3, a);
        x->client = conn_column_text(c, s, 4, a);
        *out = x;
    }
    DRV(c)->reset(s);
    if (r == DB_ERROR)
        return st->code;
    return *out ? ISMS_OK : status_fail(st, ISMS_ENOTFOUND, "no such login in progress");
}

isms_err store_pending_attempt(store_txn *t, const char *token_hash, isms_status *st)
{
    db_stmt *s;
    isms_err e =
        conn_prepare_bound(t->conn, &s, st,
                           "UPDATE \"isms_login_pending\" SET \"attempts\" = \"attempts\" + 1 "
                           "WHERE \"token_hash\" = ?",
                           "s", token_hash);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

isms_err store_pending_delete(store_txn *t, const char *token_hash, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(t->conn, &s, st,
                                    "DELETE FROM \"isms_login_pending\" WHERE \"token_hash\" = ?",
                                    "s", token_hash);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

isms_err store_pending_purge(store_txn *t, const char *before, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(t->conn, &s, st,
                                    "DELETE FROM \"isms_login_pending\" WHERE \"created_at\" < ?",
                                    "s", before);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

/* --- signing acts ------------------------------------------------------------------------ */

isms_err store_signing_get(store_conn *c, const char *session_hash, arena *a, const char **at,
                           isms_status *st)
{
    db_stmt *s;
    *at = NULL;
    isms_err e = conn_prepare_bound(
        c, &s, st, "SELECT \"signed_at\" FROM \"isms_session_signing\" WHERE \"token_hash\" = ?",
        "s", session_hash);
    if (e != ISMS_OK)
        return e;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW)
        *at = conn_column_text(c, s, 0, a);
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_signing_set(store_txn *t, const char *session_hash, const char *at, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(t->conn, &s, st,
                                    "DELETE FROM \"isms_session_signing\" WHERE \"token_hash\" = ?",
                                    "s", session_hash);
    if (e == ISMS_OK)
        e = conn_run(t->conn, s, NULL, st);
    if (e == ISMS_OK)
        e = conn_prepare_bound(
            t->conn, &s, st,
            "INSERT INTO \"isms_session_signing\" (\"token_hash\", \"signed_at\") "
            "VALUES (?, ?)",
            "ss", session_hash, at);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

isms_err store_signing_purge(store_txn *t, const char *before, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(t->conn, &s, st,
                                    "DELETE FROM \"isms_session_signing\" WHERE \"signed_at\" < ?",
                                    "s", before);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

isms_err store_signing_failures(store_conn *c, int64_t user_id, const char *since, int64_t *out,
                                isms_status *st)
{
    db_stmt *s;
    *out = 0;
    isms_err e =
        conn_prepare_bound(c, &s, st,
                           "SELECT count(*) FROM \"isms_auth_event\" WHERE \"user_id\" = ? AND "
                           "\"event\" = 'signing_failed' AND \"at\" >= ?",
                           "is", user_id, since);
    if (e != ISMS_OK)
        return e;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW)
        *out = DRV(c)->column_int(s, 0);
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}
