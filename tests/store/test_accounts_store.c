/*
 * Store contract for the account tables (store_accounts.c), through the
 * store interface only; the driver is the first argument ("sqlite"), as for
 * test_contract. Users (unique names whatever the case, roles, person,
 * password, disabling), sessions, API tokens and authentication events.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "core/roles.h"
#include "store/store.h"

static const char *g_driver = "sqlite";

typedef struct env {
    char url[512];
    store *s;
    arena a;
    isms_write_ctx ctx;
} env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof(*e));
    if (!e)
        return -1;
    e->s = fixture_store_open(g_driver, e->url, sizeof(e->url));
    arena_init(&e->a);
    write_ctx_init(&e->ctx, "root", "cli");
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    store_free(e->s);
    test_db_cleanup(e->url);
    arena_dispose(&e->a);
    free(e);
    return 0;
}

static isms_err do_add_user(store_txn *t, void *arg, isms_status *st)
{
    return store_user_insert(t, arg, st);
}

static int64_t add_user(env *e, const char *name, unsigned roles, isms_err want)
{
    store_user u = {.name = name, .roles = roles, .password_hash = "$argon2id$x"};
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_write(e->s, &e->ctx, do_add_user, &u, &st), want);
    return u.id;
}

static store_user *user(env *e, const char *name, isms_err want)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    store_user *u = NULL;
    assert_int_equal(store_user_by_name(c, name, &e->a, &u, &st), want);
    store_return(c);
    return u;
}

typedef struct change {
    int64_t id;
    unsigned roles;
    const char *hash;
    bool disable;
    int what; /* 0 roles, 1 password, 2 disable/enable, 3 session */
    const store_session *session;
} change;

static isms_err do_change(store_txn *t, void *arg, isms_status *st)
{
    change *c = arg;
    switch (c->what) {
    case 0:
        return store_user_set_roles(t, c->id, c->roles, st);
    case 1:
        return store_user_set_password(t, c->id, c->hash, st);
    case 2:
        return store_user_set_disabled(t, c->id, c->disable, st);
    default:
        return store_session_insert(t, c->session, st);
    }
}

static void apply(env *e, change *c)
{
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_write(e->s, &e->ctx, do_change, c, &st), ISMS_OK);
}

static void test_users(void **state)
{
    env *e = *state;
    int64_t alice = add_user(e, "Alice", UR_ADMIN | UR_MANAGER, ISMS_OK);
    assert_true(alice > 0);
    add_user(e, "alice", UR_VIEWER, ISMS_ECONFLICT); /* names are unique whatever the case */
    add_user(e, "ALICE", UR_VIEWER, ISMS_ECONFLICT);
    add_user(e, "bob", UR_VIEWER, ISMS_OK);
    store_user *u = user(e, "aLiCe", ISMS_OK);
    assert_string_equal(u->name, "Alice");
    assert_int_equal(u->roles, UR_ADMIN | UR_MANAGER);
    assert_string_equal(u->created_by, "root");
    assert_null(u->disabled_at);
    assert_int_equal(u->person_id, 0);
    user(e, "carol", ISMS_ENOTFOUND);
    /* Roles replaced as a whole. */
    change c = {.id = alice, .roles = UR_AUDITOR, .what = 0};
    apply(e, &c);
    assert_int_equal(user(e, "alice", ISMS_OK)->roles, UR_AUDITOR);
    /* The list, by name. */
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    assert_int_equal(store_borrow(e->s, &conn, &st), ISMS_OK);
    store_user **all;
    size_t n;
    assert_int_equal(store_user_list(conn, &e->a, &all, &n, &st), ISMS_OK);
    store_return(conn);
    assert_int_equal(n, 2);
    assert_string_equal(all[0]->name, "Alice");
    assert_string_equal(all[1]->name, "bob");
}

static void test_sessions_end_with_password_and_disable(void **state)
{
    env *e = *state;
    int64_t id = add_user(e, "carol", UR_MANAGER, ISMS_OK);
    store_session s1 = {"h1",      id, "c1", "2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z",
                        "10.0.0.1"};
    store_session s2 = {"h2",      id, "c2", "2030-01-01T00:00:00.000Z", "2030-01-01T00:00:00.000Z",
                        "10.0.0.2"};
    change c = {.what = 3, .session = &s1};
    apply(e, &c);
    c.session = &s2;
    apply(e, &c);
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    store_session *got;
    assert_int_equal(store_borrow(e->s, &conn, &st), ISMS_OK);
    assert_int_equal(store_session_get(conn, "h2", &e->a, &got, &st), ISMS_OK);
    assert_string_equal(got->csrf, "c2");
    assert_int_equal(got->user_id, id);
    store_return(conn);
    /* A new password ends every session of the user. */
    change pw = {.id = id, .hash = "$argon2id$new", .what = 1};
    apply(e, &pw);
    assert_int_equal(store_borrow(e->s, &conn, &st), ISMS_OK);
    assert_int_equal(store_session_get(conn, "h1", &e->a, &got, &st), ISMS_ENOTFOUND);
    status_clear(&st);
    assert_int_equal(store_session_get(conn, "h2", &e->a, &got, &st), ISMS_ENOTFOUND);
    store_return(conn);
    assert_string_equal(user(e, "carol", ISMS_OK)->password_hash, "$argon2id$new");
    /* So does disabling; the user stays, enabled again later. */
    c.session = &s2;
    apply(e, &c);
    change off = {.id = id, .disable = true, .what = 2};
    apply(e, &off);
    store_user *u = user(e, "carol", ISMS_OK);
    assert_non_null(u->disabled_at);
    assert_string_equal(u->disabled_by, "root");
    status_clear(&st);
    assert_int_equal(store_borrow(e->s, &conn, &st), ISMS_OK);
    assert_int_equal(store_session_get(conn, "h2", &e->a, &got, &st), ISMS_ENOTFOUND);
    store_return(conn);
    off.disable = false;
    apply(e, &off);
    assert_null(user(e, "carol", ISMS_OK)->disabled_at);
}

static isms_err do_token(store_txn *t, void *arg, isms_status *st)
{
    return store_token_insert(t, arg, st);
}

static isms_err do_revoke(store_txn *t, void *arg, isms_status *st)
{
    return store_token_revoke(t, *(int64_t *)arg, st);
}

static void test_tokens(void **state)
{
    env *e = *state;
    int64_t id = add_user(e, "dave", UR_MANAGER, ISMS_OK);
    store_token tok = {.token_hash = "th1", .user_id = id, .role = "viewer", .label = "ci"};
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_write(e->s, &e->ctx, do_token, &tok, &st), ISMS_OK);
    assert_true(tok.id > 0);
    store_token dup = {.token_hash = "th1", .user_id = id, .role = "owner"};
    assert_int_equal(store_write(e->s, &e->ctx, do_token, &dup, &st), ISMS_ECONFLICT);
    status_clear(&st);
    store_conn *conn;
    store_token *got;
    assert_int_equal(store_borrow(e->s, &conn, &st), ISMS_OK);
    assert_int_equal(store_token_by_hash(conn, "th1", &e->a, &got, &st), ISMS_OK);
    assert_string_equal(got->user_name, "dave");
    assert_string_equal(got->role, "viewer");
    assert_string_equal(got->label, "ci");
    assert_null(got->revoked_at);
    assert_null(got->last_used_at);
    store_return(conn);
    assert_int_equal(store_write(e->s, &e->ctx, do_revoke, &tok.id, &st), ISMS_OK);
    assert_int_equal(store_write(e->s, &e->ctx, do_revoke, &tok.id, &st), ISMS_ENOTFOUND);
    status_clear(&st);
    assert_int_equal(store_borrow(e->s, &conn, &st), ISMS_OK);
    store_token **list;
    size_t n;
    assert_int_equal(store_token_list(conn, id, &e->a, &list, &n, &st), ISMS_OK);
    assert_int_equal(n, 1);
    assert_non_null(list[0]->revoked_at);
    assert_int_equal(store_token_list(conn, id + 1000, &e->a, &list, &n, &st), ISMS_OK);
    assert_int_equal(n, 0);
    store_return(conn);
}

typedef struct ev_args {
    const char *event, *name, *client;
} ev_args;

static isms_err do_event(store_txn *t, void *arg, isms_status *st)
{
    ev_args *a = arg;
    store_auth_event ev = {a->event, a->name, 0, a->client, NULL};
    return store_auth_event_add(t, &ev, st);
}

static void event(env *e, const char *what, const char *name, const char *client, const char *now)
{
    snprintf(e->ctx.now, sizeof(e->ctx.now), "%s", now);
    ev_args a = {what, name, client};
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_write(e->s, &e->ctx, do_event, &a, &st), ISMS_OK);
}

static void failures(env *e, const char *key, const char *client, const char *since,
                     int64_t want_name, int64_t want_client)
{
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    int64_t by_name, by_client;
    assert_int_equal(store_borrow(e->s, &conn, &st), ISMS_OK);
    assert_int_equal(store_auth_failures(conn, key, client, since, &by_name, &by_client, &st),
                     ISMS_OK);
    store_return(conn);
    assert_int_equal(by_name, want_name);
    assert_int_equal(by_client, want_client);
}

static void test_auth_events_for_throttling(void **state)
{
    env *e = *state;
    event(e, "login_failed", "Erin", "10.0.0.1", "2024-01-01T10:00:00.000Z");
    event(e, "login_failed", "ERIN", "10.0.0.1", "2024-01-01T10:01:00.000Z");
    event(e, "login_failed", "frank", "10.0.0.1", "2024-01-01T10:02:00.000Z");
    event(e, "login_failed", "erin", "10.0.0.2", "2024-01-01T10:03:00.000Z");
    /* Names count whatever their case; the window starts at `since`. */
    failures(e, "erin", "10.0.0.1", "2024-01-01T00:00:00.000Z", 3, 3);
    failures(e, "erin", "10.0.0.1", "2024-01-01T10:00:30.000Z", 2, 2);
    /* A success resets the name's count, not the address's. */
    event(e, "login_ok", "erin", "10.0.0.1", "2024-01-01T10:04:00.000Z");
    event(e, "login_failed", "erin", "10.0.0.1", "2024-01-01T10:05:00.000Z");
    failures(e, "erin", "10.0.0.1", "2024-01-01T00:00:00.000Z", 1, 4);
    failures(e, "nobody", "10.9.9.9", "2024-01-01T00:00:00.000Z", 0, 0);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        g_driver = argv[1];
    if (!fixture_driver_available(g_driver)) {
        fprintf(stderr, "%s: no PostgreSQL test cluster (ISMS_TEST_PG_URL); skipped\n", g_driver);
        return 77; /* meson: skipped */
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions_end_with_password_and_disable, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auth_events_for_throttling, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
