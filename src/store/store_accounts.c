/*
 * The account tables through the store interface: users and their roles,
 * web sessions, API tokens and authentication events. Statements are
 * constant texts written with '?' for each value, turned into the
 * dialect's placeholders here; values are always bound.
 */
#include <stdio.h>
#include <string.h>

#include "core/roles.h"
#include "store/internal.h"

#define DRV(c) ((c)->owner->driver)

enum { ROLE_ROWS_MAX = 16 };

/* Step a statement that returns no row, then reset it. */
static const char *now_of(store_txn *t)
{
    return store_txn_ctx(t)->now;
}

/* --- users ----------------------------------------------------------------- */

void store_user_name_key(const char *name, char out[STORE_USER_KEY_MAX])
{
    size_t i = 0;
    for (; name[i] && i < STORE_USER_KEY_MAX - 1; i++) {
        char ch = name[i];
        out[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    out[i] = '\0';
}

#define USER_COLUMNS                                                                               \
    "\"id\", \"name\", \"person_id\", \"password_hash\", \"created_at\", \"created_by\", "         \
    "\"password_changed_at\", \"disabled_at\", \"disabled_by\""

static isms_err load_roles(store_conn *c, store_user *u, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        c, &s, st, "SELECT \"role\" FROM \"isms_user_role\" WHERE \"user_id\" = ?", "i", u->id);
    if (e != ISMS_OK)
        return e;
    u->roles = 0;
    db_step r;
    while ((r = DRV(c)->step(s, st)) == DB_ROW) {
        unsigned bit;
        if (role_parse(DRV(c)->column_text(s, 0), &bit))
            u->roles |= bit;
    }
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

static store_user *row_to_user(store_conn *c, db_stmt *s, arena *a)
{
    store_user *u = arena_alloc(a, sizeof(*u));
    u->id = DRV(c)->column_int(s, 0);
    u->name = conn_column_text(c, s, 1, a);
    u->person_id = DRV(c)->column_null(s, 2) ? 0 : DRV(c)->column_int(s, 2);
    u->password_hash = conn_column_text(c, s, 3, a);
    u->created_at = conn_column_text(c, s, 4, a);
    u->created_by = conn_column_text(c, s, 5, a);
    u->password_changed_at = conn_column_text(c, s, 6, a);
    u->disabled_at = conn_column_text(c, s, 7, a);
    u->disabled_by = conn_column_text(c, s, 8, a);
    return u;
}

/* One user by the statement s (already bound); ENOTFOUND with what when absent. */
static isms_err one_user(store_conn *c, db_stmt *s, arena *a, store_user **out, const char *what,
                         isms_status *st)
{
    *out = NULL;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW)
        *out = row_to_user(c, s, a);
    DRV(c)->reset(s);
    if (r == DB_ERROR)
        return st->code;
    if (!*out)
        return status_fail(st, ISMS_ENOTFOUND, "there is no user %s", what);
    return load_roles(c, *out, st);
}

isms_err store_user_by_name(store_conn *c, const char *name, arena *a, store_user **out,
                            isms_status *st)
{
    char key[STORE_USER_KEY_MAX];
    store_user_name_key(name, key);
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        c, &s, st, "SELECT " USER_COLUMNS " FROM \"isms_user\" WHERE \"name_key\" = ?", "s", key);
    if (e != ISMS_OK)
        return e;
    char what[ISMS_ACTOR_MAX * 4 + 8];
    snprintf(what, sizeof(what), "'%.*s'", ISMS_ACTOR_MAX * 4, name);
    return one_user(c, s, a, out, what, st);
}

isms_err store_user_by_id(store_conn *c, int64_t id, arena *a, store_user **out, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        c, &s, st, "SELECT " USER_COLUMNS " FROM \"isms_user\" WHERE \"id\" = ?", "i", id);
    if (e != ISMS_OK)
        return e;
    char what[32];
    snprintf(what, sizeof(what), "with id %lld", (long long)id);
    return one_user(c, s, a, out, what, st);
}

isms_err store_user_list(store_conn *c, arena *a, store_user ***out, size_t *n, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        c, &s, st, "SELECT " USER_COLUMNS " FROM \"isms_user\" ORDER BY \"name_key\"", "");
    if (e != ISMS_OK)
        return e;
    size_t cap = 16;
    *n = 0;
    *out = arena_alloc(a, cap * sizeof(store_user *));
    db_step r;
    while ((r = DRV(c)->step(s, st)) == DB_ROW) {
        if (*n == cap) {
            store_user **bigger = arena_alloc(a, 2 * cap * sizeof(store_user *));
            memcpy(bigger, *out, cap * sizeof(store_user *));
            *out = bigger;
            cap *= 2;
        }
        (*out)[(*n)++] = row_to_user(c, s, a);
    }
    DRV(c)->reset(s);
    if (r == DB_ERROR)
        return st->code;
    for (size_t i = 0; i < *n; i++)
        if ((e = load_roles(c, (*out)[i], st)) != ISMS_OK)
            return e;
    return ISMS_OK;
}

isms_err store_user_set_roles(store_txn *t, int64_t id, unsigned roles, isms_status *st)
{
    store_conn *c = t->conn;
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        c, &s, st, "DELETE FROM \"isms_user_role\" WHERE \"user_id\" = ?", "i", id);
    if (e == ISMS_OK)
        e = conn_run(c, s, NULL, st);
    for (unsigned bit = 1; e == ISMS_OK && bit & UR_ALL; bit <<= 1) {
        if (!(roles & bit))
            continue;
        e = conn_prepare_bound(
            c, &s, st, "INSERT INTO \"isms_user_role\" (\"user_id\", \"role\") VALUES (?, ?)", "is",
            id, role_name(bit));
        if (e == ISMS_OK)
            e = conn_run(c, s, NULL, st);
    }
    return e;
}

isms_err store_user_insert(store_txn *t, store_user *u, isms_status *st)
{
    store_conn *c = t->conn;
    char key[STORE_USER_KEY_MAX];
    store_user_name_key(u->name, key);
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        c, &s, st, "SELECT count(*) FROM \"isms_user\" WHERE \"name_key\" = ?", "s", key);
    if (e != ISMS_OK)
        return e;
    db_step r = DRV(c)->step(s, st);
    int64_t taken = r == DB_ROW ? DRV(c)->column_int(s, 0) : 0;
    DRV(c)->reset(s);
    if (r == DB_ERROR)
        return st->code;
    if (taken)
        return status_fail(st, ISMS_ECONFLICT, "there is already a user named '%s'", u->name);
    e = conn_prepare_bound(
        c, &s, st,
        "INSERT INTO \"isms_user\" (\"name\", \"name_key\", \"person_id\", \"password_hash\", "
        "\"created_at\", \"created_by\", \"password_changed_at\") VALUES (?, ?, ?, ?, ?, ?, ?)",
        "ssnssss", u->name, key, u->person_id, u->password_hash, now_of(t), store_txn_ctx(t)->actor,
        now_of(t));
    if (e == ISMS_OK)
        e = conn_run(c, s, NULL, st);
    if (e != ISMS_OK)
        return e;
    u->id = DRV(c)->last_insert_id(c->db);
    return store_user_set_roles(t, u->id, u->roles, st);
}

/* One UPDATE of a user by id; ENOTFOUND when no row changed. */
static isms_err update_user(store_txn *t, int64_t id, db_stmt *s, isms_err e, isms_status *st)
{
    if (e == ISMS_OK)
        e = conn_run(t->conn, s, NULL, st);
    if (e == ISMS_OK && DRV(t->conn)->changes(t->conn->db) == 0)
        e = status_fail(st, ISMS_ENOTFOUND, "there is no user with id %lld", (long long)id);
    return e;
}

isms_err store_user_set_person(store_txn *t, int64_t id, int64_t person_id, isms_status *st)
{
    db_stmt *s = NULL;
    isms_err e = conn_prepare_bound(t->conn, &s, st,
                                    "UPDATE \"isms_user\" SET \"person_id\" = ? WHERE \"id\" = ?",
                                    "ni", person_id, id);
    return update_user(t, id, s, e, st);
}

isms_err store_user_set_password(store_txn *t, int64_t id, const char *hash, isms_status *st)
{
    db_stmt *s = NULL;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st,
        "UPDATE \"isms_user\" SET \"password_hash\" = ?, \"password_changed_at\" = ? "
        "WHERE \"id\" = ?",
        "ssi", hash, now_of(t), id);
    e = update_user(t, id, s, e, st);
    return e == ISMS_OK ? store_sessions_delete_user(t, id, st) : e;
}

isms_err store_user_set_disabled(store_txn *t, int64_t id, bool disabled, isms_status *st)
{
    db_stmt *s = NULL;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st,
        "UPDATE \"isms_user\" SET \"disabled_at\" = ?, \"disabled_by\" = ? "
        "WHERE \"id\" = ?",
        "ssi", disabled ? now_of(t) : NULL, disabled ? store_txn_ctx(t)->actor : NULL, id);
    e = update_user(t, id, s, e, st);
    return e == ISMS_OK && disabled ? store_sessions_delete_user(t, id, st) : e;
}

/* --- sessions ---------------------------------------------------------------- */

isms_err store_session_insert(store_txn *t, const store_session *x, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st,
        "INSERT INTO \"isms_session\" (\"token_hash\", \"user_id\", \"csrf\", "
        "\"created_at\", \"last_seen_at\", \"client\") VALUES (?, ?, ?, ?, ?, ?)",
        "sissss", x->token_hash, x->user_id, x->csrf, x->created_at, x->last_seen_at, x->client);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

isms_err store_session_get(store_conn *c, const char *token_hash, arena *a, store_session **out,
                           isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        c, &s, st,
        "SELECT \"token_hash\", \"user_id\", \"csrf\", \"created_at\", "
        "\"last_seen_at\", \"client\" FROM \"isms_session\" WHERE \"token_hash\" = ?",
        "s", token_hash);
    if (e != ISMS_OK)
        return e;
    *out = NULL;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW) {
        store_session *x = arena_alloc(a, sizeof(*x));
        x->token_hash = conn_column_text(c, s, 0, a);
        x->user_id = DRV(c)->column_int(s, 1);
        x->csrf = conn_column_text(c, s, 2, a);
        x->created_at = conn_column_text(c, s, 3, a);
        x->last_seen_at = conn_column_text(c, s, 4, a);
        x->client = conn_column_text(c, s, 5, a);
        *out = x;
    }
    DRV(c)->reset(s);
    if (r == DB_ERROR)
        return st->code;
    return *out ? ISMS_OK : status_fail(st, ISMS_ENOTFOUND, "no such session");
}

isms_err store_session_touch(store_txn *t, const char *token_hash, const char *at, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st,
        "UPDATE \"isms_session\" SET \"last_seen_at\" = ? WHERE \"token_hash\" = ?", "ss", at,
        token_hash);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

isms_err store_session_delete(store_txn *t, const char *token_hash, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st, "DELETE FROM \"isms_session\" WHERE \"token_hash\" = ?", "s", token_hash);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

isms_err store_sessions_delete_user(store_txn *t, int64_t user_id, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st, "DELETE FROM \"isms_session\" WHERE \"user_id\" = ?", "i", user_id);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

isms_err store_sessions_purge(store_txn *t, const char *idle_before, const char *created_before,
                              isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(t->conn, &s, st,
                                    "DELETE FROM \"isms_session\" WHERE \"last_seen_at\" < ? OR "
                                    "\"created_at\" < ?",
                                    "ss", idle_before, created_before);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

/* --- API tokens ---------------------------------------------------------------- */

#define TOKEN_SELECT                                                                               \
    "SELECT t.\"id\", t.\"token_hash\", t.\"user_id\", u.\"name\", t.\"role\", t.\"label\", "      \
    "t.\"created_at\", t.\"created_by\", t.\"expires_at\", t.\"last_used_at\", t.\"revoked_at\" "  \
    "FROM \"isms_api_token\" t JOIN \"isms_user\" u ON u.\"id\" = t.\"user_id\" "

static store_token *row_to_token(store_conn *c, db_stmt *s, arena *a)
{
    store_token *x = arena_alloc(a, sizeof(*x));
    x->id = DRV(c)->column_int(s, 0);
    x->token_hash = conn_column_text(c, s, 1, a);
    x->user_id = DRV(c)->column_int(s, 2);
    x->user_name = conn_column_text(c, s, 3, a);
    x->role = conn_column_text(c, s, 4, a);
    x->label = conn_column_text(c, s, 5, a);
    x->created_at = conn_column_text(c, s, 6, a);
    x->created_by = conn_column_text(c, s, 7, a);
    x->expires_at = conn_column_text(c, s, 8, a);
    x->last_used_at = conn_column_text(c, s, 9, a);
    x->revoked_at = conn_column_text(c, s, 10, a);
    return x;
}

isms_err store_token_insert(store_txn *t, store_token *tok, isms_status *st)
{
    db_stmt *s;
    isms_err e =
        conn_prepare_bound(t->conn, &s, st,
                           "INSERT INTO \"isms_api_token\" (\"token_hash\", \"user_id\", \"role\", "
                           "\"label\", \"created_at\", \"created_by\", \"expires_at\") "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           "sisssss", tok->token_hash, tok->user_id, tok->role, tok->label,
                           now_of(t), store_txn_ctx(t)->actor, tok->expires_at);
    if (e == ISMS_OK)
        e = conn_run(t->conn, s, NULL, st);
    if (e == ISMS_OK)
        tok->id = DRV(t->conn)->last_insert_id(t->conn->db);
    return e;
}

static isms_err one_token(store_conn *c, db_stmt *s, arena *a, store_token **out, isms_status *st)
{
    *out = NULL;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW)
        *out = row_to_token(c, s, a);
    DRV(c)->reset(s);
    if (r == DB_ERROR)
        return st->code;
    return *out ? ISMS_OK : status_fail(st, ISMS_ENOTFOUND, "no such API token");
}

isms_err store_token_by_hash(store_conn *c, const char *token_hash, arena *a, store_token **out,
                             isms_status *st)
{
    db_stmt *s;
    isms_err e =
        conn_prepare_bound(c, &s, st, TOKEN_SELECT "WHERE t.\"token_hash\" = ?", "s", token_hash);
    return e == ISMS_OK ? one_token(c, s, a, out, st) : e;
}

isms_err store_token_get(store_conn *c, int64_t id, arena *a, store_token **out, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(c, &s, st, TOKEN_SELECT "WHERE t.\"id\" = ?", "i", id);
    return e == ISMS_OK ? one_token(c, s, a, out, st) : e;
}

isms_err store_token_list(store_conn *c, int64_t user_id, arena *a, store_token ***out, size_t *n,
                          isms_status *st)
{
    db_stmt *s;
    isms_err e = user_id ? conn_prepare_bound(c, &s, st,
                                              TOKEN_SELECT "WHERE t.\"user_id\" = ? "
                                                           "ORDER BY t.\"id\" DESC",
                                              "i", user_id)
                         : conn_prepare_bound(c, &s, st, TOKEN_SELECT "ORDER BY t.\"id\" DESC", "");
    if (e != ISMS_OK)
        return e;
    size_t cap = 16;
    *n = 0;
    *out = arena_alloc(a, cap * sizeof(store_token *));
    db_step r;
    while ((r = DRV(c)->step(s, st)) == DB_ROW) {
        if (*n == cap) {
            store_token **bigger = arena_alloc(a, 2 * cap * sizeof(store_token *));
            memcpy(bigger, *out, cap * sizeof(store_token *));
            *out = bigger;
            cap *= 2;
        }
        (*out)[(*n)++] = row_to_token(c, s, a);
    }
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_token_revoke(store_txn *t, int64_t id, isms_status *st)
{
    db_stmt *s;
    isms_err e =
        conn_prepare_bound(t->conn, &s, st,
                           "UPDATE \"isms_api_token\" SET \"revoked_at\" = ? WHERE \"id\" = ? AND "
                           "\"revoked_at\" IS NULL",
                           "si", now_of(t), id);
    if (e == ISMS_OK)
        e = conn_run(t->conn, s, NULL, st);
    if (e == ISMS_OK && DRV(t->conn)->changes(t->conn->db) == 0)
        e = status_fail(st, ISMS_ENOTFOUND, "there is no API token %lld in force", (long long)id);
    return e;
}

isms_err store_token_touch(store_txn *t, int64_t id, const char *at, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st, "UPDATE \"isms_api_token\" SET \"last_used_at\" = ? WHERE \"id\" = ?",
        "si", at, id);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

/* --- authentication events ------------------------------------------------------- */

isms_err store_auth_event_add(store_txn *t, const store_auth_event *ev, isms_status *st)
{
    char key[STORE_USER_KEY_MAX] = "";
    if (ev->name)
        store_user_name_key(ev->name, key);
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        t->conn, &s, st,
        "INSERT INTO \"isms_auth_event\" (\"at\", \"event\", \"name\", \"name_key\", "
        "\"user_id\", \"client\", \"detail\") VALUES (?, ?, ?, ?, ?, ?, ?)",
        "ssssnss", now_of(t), ev->event, ev->name, ev->name ? key : NULL, ev->user_id, ev->client,
        ev->detail);
    return e == ISMS_OK ? conn_run(t->conn, s, NULL, st) : e;
}

/* Failures of one column's value since `since`, after its last successful login. */
static isms_err failures(store_conn *c, const char *sql, const char *value, const char *since,
                         int64_t *out, isms_status *st)
{
    db_stmt *s;
    *out = 0;
    isms_err e = conn_prepare_bound(c, &s, st, sql, "sss", value, since, value);
    if (e != ISMS_OK)
        return e;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW)
        *out = DRV(c)->column_int(s, 0);
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_auth_failures(store_conn *c, const char *name_key, const char *client,
                             const char *since, int64_t *by_name, int64_t *by_client,
                             isms_status *st)
{
    isms_err e = failures(c,
                          "SELECT count(*) FROM \"isms_auth_event\" WHERE \"name_key\" = ? AND "
                          "\"event\" = 'login_failed' AND \"at\" >= ? AND \"at\" > coalesce(("
                          "SELECT max(\"at\") FROM \"isms_auth_event\" WHERE \"name_key\" = ? AND "
                          "\"event\" = 'login_ok'), '')",
                          name_key, since, by_name, st);
    /* A success from the same address does not reset its count: one valid account
     * must not let an address go on guessing the passwords of others. */
    db_stmt *s;
    *by_client = 0;
    if (e == ISMS_OK)
        e = conn_prepare_bound(c, &s, st,
                               "SELECT count(*) FROM \"isms_auth_event\" WHERE \"client\" = ? AND "
                               "\"event\" = 'login_failed' AND \"at\" >= ?",
                               "ss", client, since);
    if (e != ISMS_OK)
        return e;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW)
        *by_client = DRV(c)->column_int(s, 0);
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}
