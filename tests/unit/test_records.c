/*
 * The generic record operations (core/records.h) on the fixture registry,
 * with a SQLite store: defaults, derived fields, validation, references,
 * versions, transitions, immutability, supersession, retirement and deletion.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "core/record.h"
#include "core/records.h"
#include "core/status.h"
#include "store/store.h"

#define T0 "2024-05-01T10:00:00.000Z"
#define T1 "2024-05-02T11:30:00.250Z"

typedef struct env {
    char url[512];
    store *s;
    store_conn *c;
    arena a;
    isms_write_ctx ctx;
    isms_status st;
} env;

static void ctx_set(isms_write_ctx *ctx, const char *actor, const char *now)
{
    ctx->actor = actor;
    ctx->channel = "cli";
    snprintf(ctx->now, sizeof(ctx->now), "%s", now);
}

static int setup(void **state)
{
    env *e = calloc(1, sizeof(*e));
    if (!e)
        return -1;
    e->s = fixture_store_open("sqlite", e->url, sizeof(e->url));
    arena_init(&e->a);
    ctx_set(&e->ctx, "alice", T0);
    status_clear(&e->st);
    if (store_borrow(e->s, &e->c, &e->st) != ISMS_OK)
        return -1;
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    store_return(e->c);
    store_free(e->s);
    test_db_cleanup(e->url);
    arena_dispose(&e->a);
    free(e);
    return 0;
}

static isms_status *clr(env *e)
{
    status_clear(&e->st);
    return &e->st;
}

/* "title: is required; count: must be ..." */
static const char *field_list(const isms_status *st, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < st->nfields && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s: %s", i ? "; " : "", st->fields[i].field,
                         st->fields[i].reason);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return buf;
}

/* "title,count" */
static const char *field_names(const isms_status *st, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < st->nfields && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? "," : "", st->fields[i].field);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return buf;
}

static void assert_field_error(const isms_status *st, const char *field, const char *reason)
{
    char buf[4096];
    for (size_t i = 0; i < st->nfields; i++) {
        if (strcmp(st->fields[i].field, field) != 0)
            continue;
        if (reason && strcmp(st->fields[i].reason, reason) != 0)
            fail_msg("field %s: reason '%s', want '%s'", field, st->fields[i].reason, reason);
        return;
    }
    fail_msg("no error for field %s (code %s, detail: %s; fields: %s)", field,
             isms_err_name(st->code), st->detail, field_list(st, buf, sizeof(buf)));
}

/* Exactly these fields are named, in this order. */
static void assert_fields(const isms_status *st, const char *names)
{
    char buf[1024], all[4096];
    if (strcmp(field_names(st, buf, sizeof(buf)), names) != 0)
        fail_msg("fields named: '%s', want '%s' (%s)", buf, names,
                 field_list(st, all, sizeof(all)));
}

static void assert_ok(env *e, isms_err rc)
{
    char buf[4096];
    if (rc != ISMS_OK)
        fail_msg("%s: %s (%s)", isms_err_name(rc), e->st.detail,
                 field_list(&e->st, buf, sizeof(buf)));
}

/* --- values and records ------------------------------------------------ */

static isms_value *val(const isms_record *r, const char *name)
{
    isms_value *v = record_value(r, name);
    if (!v)
        fail_msg("%s has no field %s", r->kind->name, name);
    return v;
}

static const isms_field *F(const char *name)
{
    const isms_field *f = kind_field(&fixture_specimen, name);
    if (!f)
        fail_msg("specimen has no field %s", name);
    return f;
}

static isms_value txt(const char *s)
{
    return (isms_value){.set = true, .s = s};
}

static isms_value num(int64_t i)
{
    return (isms_value){.set = true, .i = i};
}

static isms_value any(const isms_kind *k, int64_t id)
{
    return (isms_value){.set = true, .kind = k, .i = id};
}

static isms_value ids(env *e, const int64_t *list, size_t n)
{
    int64_t *copy = arena_alloc(&e->a, sizeof(int64_t) * (n ? n : 1));
    memcpy(copy, list, sizeof(int64_t) * n);
    return (isms_value){.set = n > 0, .ids = copy, .n = n};
}

static void set(isms_record *r, const char *name, isms_value v)
{
    *val(r, name) = v;
}

/* A specimen as a user gives it: only a title (status comes from the default). */
static isms_record *spc(env *e, const char *title)
{
    isms_record *r = record_new(&e->a, &fixture_specimen);
    if (title)
        set(r, "title", txt(title));
    return r;
}

static isms_record *par(env *e, const char *title)
{
    isms_record *r = record_new(&e->a, &fixture_parent);
    set(r, "title", txt(title));
    return r;
}

static isms_record *led(env *e, const char *title)
{
    isms_record *r = record_new(&e->a, &fixture_ledger);
    set(r, "title", txt(title));
    return r;
}

/* --- operations, each in its own transaction --------------------------- */

static store_txn *begin(env *e)
{
    store_txn *t = NULL;
    if (store_begin(e->c, &e->ctx, &t, clr(e)) != ISMS_OK)
        fail_msg("begin: %s", e->st.detail);
    return t;
}

static isms_err finish(store_txn *t, isms_err rc)
{
    if (rc != ISMS_OK) {
        store_rollback(t);
        return rc;
    }
    isms_status cs;
    status_clear(&cs);
    if (store_commit(t, &cs) != ISMS_OK)
        fail_msg("commit: %s", cs.detail);
    return rc;
}

static isms_err create(env *e, isms_record *r)
{
    store_txn *t = begin(e);
    return finish(t, records_create(t, r, &e->a, clr(e)));
}

static int64_t create_ok(env *e, isms_record *r)
{
    assert_ok(e, create(e, r));
    return r->id;
}

static isms_err change(env *e, const isms_kind *k, int64_t id, int64_t if_version,
                       const record_change *ch, size_t n, isms_record **out)
{
    store_txn *t = begin(e);
    isms_record *dummy = NULL;
    return finish(t,
                  records_update(t, k, id, if_version, ch, n, &e->a, out ? out : &dummy, clr(e)));
}

/* Change one specimen field. */
static isms_err change1(env *e, int64_t id, int64_t if_version, const char *field, isms_value v,
                        isms_record **out)
{
    record_change ch = {F(field), v};
    return change(e, &fixture_specimen, id, if_version, &ch, 1, out);
}

static isms_err retire(env *e, const isms_kind *k, int64_t id, int64_t if_version,
                       const char *reason)
{
    store_txn *t = begin(e);
    return finish(t, records_retire(t, k, id, if_version, reason, clr(e)));
}

static isms_err del(env *e, const isms_kind *k, int64_t id, int64_t if_version)
{
    store_txn *t = begin(e);
    return finish(t, records_delete(t, k, id, if_version, clr(e)));
}

static isms_record *get(env *e, const isms_kind *k, int64_t id)
{
    isms_record *r = NULL;
    isms_status st;
    status_clear(&st);
    if (store_get(e->c, k, id, &e->a, &r, &st) != ISMS_OK)
        fail_msg("get %s-%" PRId64 ": %s", k->prefix, id, st.detail);
    return r;
}

static isms_err get_err(env *e, const isms_kind *k, int64_t id)
{
    isms_record *r = NULL;
    isms_status st;
    status_clear(&st);
    return store_get(e->c, k, id, &e->a, &r, &st);
}

/* Records of a kind, retired ones included. */
static int64_t stored(env *e, const isms_kind *k)
{
    store_query q = {.kind = k, .retired = STORE_WITH_RETIRED};
    int64_t n = -1;
    isms_status st;
    status_clear(&st);
    if (store_count(e->c, &q, &n, &st) != ISMS_OK)
        fail_msg("count: %s", st.detail);
    return n;
}

static int64_t in_force(env *e, const isms_kind *k)
{
    store_query q = {.kind = k};
    int64_t n = -1;
    isms_status st;
    status_clear(&st);
    if (store_count(e->c, &q, &n, &st) != ISMS_OK)
        fail_msg("count: %s", st.detail);
    return n;
}

static void assert_referrers(const isms_status *st, const char *want)
{
    char buf[1024];
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < st->nreferrers; i++)
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? "," : "",
                                 st->referrers[i]);
    if (strcmp(buf, want) != 0)
        fail_msg("referrers '%s', want '%s' (detail: %s)", buf, want, st->detail);
}

/* ======================================================================= */

static void test_fill_defaults(void **state)
{
    env *e = *state;
    isms_record *r = spc(e, "T");
    records_fill_defaults(r, &e->a);
    assert_true(val(r, "status")->set);
    assert_string_equal(val(r, "status")->s, "open");
    const char *unset[] = {"note",  "count",  "amount",  "flag",    "day",    "at",
                           "level", "parent", "friends", "subject", "secret", "score"};
    for (size_t i = 0; i < sizeof(unset) / sizeof(unset[0]); i++)
        if (val(r, unset[i])->set)
            fail_msg("field %s has no default but was given one", unset[i]);
    assert_string_equal(val(r, "title")->s, "T");

    /* A value given is kept. */
    isms_record *d = spc(e, "D");
    set(d, "status", txt("done"));
    records_fill_defaults(d, &e->a);
    assert_string_equal(val(d, "status")->s, "done");
}

static void test_create_fills_defaults(void **state)
{
    env *e = *state;
    isms_record *r = spc(e, "First");
    assert_int_equal(create_ok(e, r), 1);
    assert_int_equal(r->version, 1);
    assert_string_equal(val(r, "status")->s, "open");
    assert_string_equal(r->created_by, "alice");
    assert_string_equal(r->created_at, T0);

    isms_record *g = get(e, &fixture_specimen, 1);
    assert_string_equal(val(g, "status")->s, "open");
    assert_string_equal(val(g, "title")->s, "First");
    assert_int_equal(g->version, 1);
    assert_false(val(g, "level")->set);

    /* A status given on create is kept, even a closed one. */
    isms_record *d = spc(e, "Born done");
    set(d, "status", txt("done"));
    assert_int_equal(create_ok(e, d), 2);
    assert_string_equal(val(get(e, &fixture_specimen, 2), "status")->s, "done");
}

static void test_derived_field_is_computed(void **state)
{
    env *e = *state;
    isms_record *r = spc(e, "Counted");
    set(r, "count", num(21));
    create_ok(e, r);
    assert_true(val(r, "score")->set);
    assert_int_equal(val(r, "score")->i, 42);
    assert_int_equal(val(get(e, &fixture_specimen, 1), "score")->i, 42);

    isms_record *out = NULL;
    assert_ok(e, change1(e, 1, 1, "count", num(5), &out));
    assert_int_equal(val(out, "score")->i, 10);
    assert_int_equal(out->version, 2);
    isms_record *g = get(e, &fixture_specimen, 1);
    assert_int_equal(val(g, "score")->i, 10);
    assert_int_equal(val(g, "count")->i, 5);

    /* No count, no score. */
    assert_ok(e, change1(e, 1, 0, "count", (isms_value){0}, NULL));
    g = get(e, &fixture_specimen, 1);
    assert_false(val(g, "count")->set);
    assert_false(val(g, "score")->set);

    isms_record *u = spc(e, "Uncounted");
    create_ok(e, u);
    assert_false(val(get(e, &fixture_specimen, 2), "score")->set);
}

static void test_derived_field_cannot_be_set(void **state)
{
    env *e = *state;
    isms_record *r = spc(e, "Sneaky");
    set(r, "count", num(3));
    set(r, "score", num(100));
    assert_int_equal(create(e, r), ISMS_EINVALID);
    assert_fields(&e->st, "score");
    assert_field_error(&e->st, "score", "is computed by isms and cannot be set");
    assert_int_equal(r->id, 0);
    assert_int_equal(stored(e, &fixture_specimen), 0);

    isms_record *ok = spc(e, "Honest");
    set(ok, "count", num(3));
    create_ok(e, ok);
    assert_int_equal(change1(e, 1, 1, "score", num(100), NULL), ISMS_EINVALID);
    assert_fields(&e->st, "score");
    isms_record *g = get(e, &fixture_specimen, 1);
    assert_int_equal(val(g, "score")->i, 6);
    assert_int_equal(g->version, 1);

    /* Clearing it is no input either: a derived field's unset value is allowed. */
    assert_ok(e, change1(e, 1, 1, "score", (isms_value){0}, NULL));
    assert_int_equal(val(get(e, &fixture_specimen, 1), "score")->i, 6);
}

static void test_validation_names_fields_and_writes_nothing(void **state)
{
    env *e = *state;
    isms_record *r = spc(e, NULL);
    set(r, "note", txt("this note is much longer than the fifty characters allowed"));
    set(r, "count", num(101));
    set(r, "amount", num(1000000001));
    set(r, "day", txt("2024-02-30"));
    set(r, "level", txt("extreme"));
    set(r, "title", txt("   "));
    assert_int_equal(create(e, r), ISMS_EINVALID);
    assert_fields(&e->st, "title,note,count,amount,day,level");
    assert_field_error(&e->st, "title", "is required");
    assert_field_error(&e->st, "note", "is 58 characters long; at most 50 are allowed");
    assert_field_error(&e->st, "count", "must be between 0 and 100");
    assert_field_error(&e->st, "amount", "must be between -1000 and 1000");
    assert_field_error(&e->st, "day", "expected a date as YYYY-MM-DD");
    assert_field_error(&e->st, "level", "must be one of: low, mid, high");
    assert_int_equal(r->id, 0);
    assert_int_equal(stored(e, &fixture_specimen), 0);

    /* A status outside its values, and a title with a line break. */
    isms_record *s = spc(e, "two\nlines");
    set(s, "status", txt("closed"));
    assert_int_equal(create(e, s), ISMS_EINVALID);
    assert_fields(&e->st, "title,status");
    assert_field_error(&e->st, "status", "must be one of: open, done");

    /* The kind's own rule: a high level needs a note. */
    isms_record *h = spc(e, "High");
    set(h, "level", txt("high"));
    assert_int_equal(create(e, h), ISMS_EINVALID);
    assert_fields(&e->st, "note");
    assert_field_error(&e->st, "note", "is required when the level is high");
    assert_int_equal(stored(e, &fixture_specimen), 0);
    set(h, "note", txt("why it is high"));
    assert_int_equal(create_ok(e, h), 1);

    /* An update that breaks a rule changes nothing. */
    record_change ch[2] = {{F("title"), txt("")}, {F("count"), num(-1)}};
    assert_int_equal(change(e, &fixture_specimen, 1, 1, ch, 2, NULL), ISMS_EINVALID);
    assert_fields(&e->st, "title,count");
    assert_int_equal(change1(e, 1, 1, "note", (isms_value){0}, NULL), ISMS_EINVALID);
    assert_fields(&e->st, "note");
    isms_record *g = get(e, &fixture_specimen, 1);
    assert_int_equal(g->version, 1);
    assert_string_equal(val(g, "title")->s, "High");
    assert_string_equal(val(g, "note")->s, "why it is high");
    assert_false(val(g, "count")->set);
}

static void test_references_must_exist_and_be_in_force(void **state)
{
    env *e = *state;
    assert_int_equal(create_ok(e, par(e, "Live parent")), 1);
    assert_int_equal(create_ok(e, par(e, "Old parent")), 2);
    assert_ok(e, retire(e, &fixture_parent, 2, 0, "replaced"));

    isms_record *r = spc(e, "Orphan");
    set(r, "parent", num(9));
    assert_int_equal(create(e, r), ISMS_EINVALID);
    assert_fields(&e->st, "parent");
    assert_field_error(&e->st, "parent", "PAR-9 does not exist");

    r = spc(e, "Old ties");
    set(r, "parent", num(2));
    assert_int_equal(create(e, r), ISMS_EINVALID);
    assert_field_error(&e->st, "parent", "PAR-2 is retired");

    r = spc(e, "No friends");
    set(r, "friends", ids(e, (const int64_t[]){7}, 1));
    set(r, "subject", any(&fixture_ledger, 3));
    assert_int_equal(create(e, r), ISMS_EINVALID);
    assert_fields(&e->st, "friends,subject");
    assert_field_error(&e->st, "friends", "SPC-7 does not exist");
    assert_field_error(&e->st, "subject", "LED-3 does not exist");

    r = spc(e, "About the old");
    set(r, "subject", any(&fixture_parent, 2));
    assert_int_equal(create(e, r), ISMS_EINVALID);
    assert_field_error(&e->st, "subject", "PAR-2 is retired");
    assert_int_equal(stored(e, &fixture_specimen), 0);

    /* Valid references are accepted. */
    r = spc(e, "Good");
    set(r, "parent", num(1));
    set(r, "subject", any(&fixture_parent, 1));
    assert_int_equal(create_ok(e, r), 1);
    r = spc(e, "Friendly");
    set(r, "friends", ids(e, (const int64_t[]){1}, 1));
    assert_int_equal(create_ok(e, r), 2);

    /* A retired record in a reference list is refused on update, naming it. */
    isms_record *x = spc(e, "Soon gone");
    assert_int_equal(create_ok(e, x), 3);
    assert_ok(e, retire(e, &fixture_specimen, 3, 0, "gone"));
    assert_int_equal(change1(e, 2, 0, "friends", ids(e, (const int64_t[]){1, 3}, 2), NULL),
                     ISMS_EINVALID);
    assert_field_error(&e->st, "friends", "SPC-3 is retired");
    assert_int_equal(change1(e, 2, 0, "parent", num(2), NULL), ISMS_EINVALID);
    assert_field_error(&e->st, "parent", "PAR-2 is retired");
    isms_record *g = get(e, &fixture_specimen, 2);
    assert_int_equal(g->version, 1);
    assert_int_equal(val(g, "friends")->n, 1);
    assert_false(val(g, "parent")->set);
}

static void test_update_versions(void **state)
{
    env *e = *state;
    create_ok(e, spc(e, "v1"));
    isms_record *out = NULL;
    assert_ok(e, change1(e, 1, 1, "title", txt("v2"), &out));
    assert_int_equal(out->version, 2);
    assert_string_equal(val(out, "title")->s, "v2");

    /* A stale if_version: conflict, with the version there is now. */
    assert_int_equal(change1(e, 1, 1, "title", txt("stale"), NULL), ISMS_ECONFLICT);
    assert_int_equal(e->st.current_version, 2);
    assert_non_null(strstr(e->st.detail, "SPC-1"));
    assert_non_null(strstr(e->st.detail, "version 2"));
    isms_record *g = get(e, &fixture_specimen, 1);
    assert_string_equal(val(g, "title")->s, "v2");
    assert_int_equal(g->version, 2);

    /* if_version 0: whatever version is stored now. */
    ctx_set(&e->ctx, "bob", T1);
    assert_ok(e, change1(e, 1, 0, "title", txt("v3"), &out));
    assert_int_equal(out->version, 3);
    g = get(e, &fixture_specimen, 1);
    assert_int_equal(g->version, 3);
    assert_string_equal(val(g, "title")->s, "v3");
    assert_string_equal(g->updated_by, "bob");
    assert_string_equal(g->updated_at, T1);
    assert_string_equal(g->created_by, "alice");

    /* The right if_version works too. */
    assert_ok(e, change1(e, 1, 3, "count", num(1), &out));
    assert_int_equal(out->version, 4);

    /* Missing and retired records. */
    assert_int_equal(change1(e, 9, 0, "title", txt("ghost"), NULL), ISMS_ENOTFOUND);
    assert_ok(e, retire(e, &fixture_specimen, 1, 4, "done"));
    assert_int_equal(change1(e, 1, 0, "title", txt("after"), NULL), ISMS_ECONFLICT);
    assert_non_null(strstr(e->st.detail, "retired"));
    assert_string_equal(val(get(e, &fixture_specimen, 1), "title")->s, "v3");
}

static void test_transition_guard(void **state)
{
    env *e = *state;
    create_ok(e, spc(e, "Task"));
    assert_ok(e, change1(e, 1, 0, "status", txt("done"), NULL));
    assert_int_equal(change1(e, 1, 0, "status", txt("open"), NULL), ISMS_EINVALID);
    assert_fields(&e->st, "status");
    assert_field_error(&e->st, "status", "a done specimen cannot be reopened");
    isms_record *g = get(e, &fixture_specimen, 1);
    assert_string_equal(val(g, "status")->s, "done");
    assert_int_equal(g->version, 2);
    /* Staying done and changing another field is fine. */
    assert_ok(e, change1(e, 1, 0, "title", txt("Task, finished"), NULL));
}

static void test_immutable_kind_refuses_updates(void **state)
{
    env *e = *state;
    assert_int_equal(create_ok(e, led(e, "Entry")), 1);
    record_change ch = {kind_field(&fixture_ledger, "title"), txt("Rewritten")};
    assert_int_equal(change(e, &fixture_ledger, 1, 0, &ch, 1, NULL), ISMS_ECONFLICT);
    assert_non_null(strstr(e->st.detail, "cannot be changed"));
    assert_int_equal(change(e, &fixture_ledger, 1, 1, &ch, 1, NULL), ISMS_ECONFLICT);
    isms_record *g = get(e, &fixture_ledger, 1);
    assert_string_equal(val(g, "title")->s, "Entry");
    assert_int_equal(g->version, 1);
    /* Retirement is still allowed. */
    assert_ok(e, retire(e, &fixture_ledger, 1, 1, "withdrawn"));
    assert_string_equal(get(e, &fixture_ledger, 1)->retired_reason, "withdrawn");
}

static void test_singleton_supersedes(void **state)
{
    env *e = *state;
    assert_int_equal(create_ok(e, led(e, "First")), 1);
    assert_int_equal(in_force(e, &fixture_ledger), 1);

    ctx_set(&e->ctx, "bob", T1);
    assert_int_equal(create_ok(e, led(e, "Second")), 2);
    isms_record *one = get(e, &fixture_ledger, 1);
    assert_string_equal(one->retired_reason, "superseded by LED-2");
    assert_string_equal(one->retired_by, "bob");
    assert_string_equal(one->retired_at, T1);
    assert_int_equal(one->version, 2);
    assert_null(get(e, &fixture_ledger, 2)->retired_at);
    assert_int_equal(in_force(e, &fixture_ledger), 1);

    assert_int_equal(create_ok(e, led(e, "Third")), 3);
    assert_string_equal(get(e, &fixture_ledger, 2)->retired_reason, "superseded by LED-3");
    assert_string_equal(get(e, &fixture_ledger, 1)->retired_reason, "superseded by LED-2");
    assert_null(get(e, &fixture_ledger, 3)->retired_at);
    assert_int_equal(in_force(e, &fixture_ledger), 1);
    assert_int_equal(stored(e, &fixture_ledger), 3);

    /* Kinds that are not singletons keep every record in force. */
    create_ok(e, par(e, "A"));
    create_ok(e, par(e, "B"));
    assert_int_equal(in_force(e, &fixture_parent), 2);
}

static void test_retire_needs_a_reason(void **state)
{
    env *e = *state;
    create_ok(e, spc(e, "Keep me"));
    char toolong[ISMS_REASON_TEXT_MAX + 2];
    memset(toolong, 'x', sizeof(toolong) - 1);
    toolong[sizeof(toolong) - 1] = '\0';
    const char *bad[] = {NULL, "", "   ", " \t\r\n ", toolong, "bad \xff utf-8"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(retire(e, &fixture_specimen, 1, 0, bad[i]), ISMS_EINVALID);
        assert_fields(&e->st, "reason");
    }
    assert_field_error(&e->st, "reason", "is not valid UTF-8 text");
    isms_record *g = get(e, &fixture_specimen, 1);
    assert_null(g->retired_at);
    assert_int_equal(g->version, 1);

    /* Exactly the longest reason allowed, in multibyte characters. */
    char longest[ISMS_REASON_TEXT_MAX * 2 + 1];
    for (size_t i = 0; i < ISMS_REASON_TEXT_MAX; i++)
        memcpy(longest + i * 2, "é", 2);
    longest[ISMS_REASON_TEXT_MAX * 2] = '\0';
    assert_ok(e, retire(e, &fixture_specimen, 1, 1, longest));
    g = get(e, &fixture_specimen, 1);
    assert_string_equal(g->retired_reason, longest);
    assert_string_equal(g->retired_by, "alice");

    /* Once retired, it cannot be retired again. */
    assert_int_equal(retire(e, &fixture_specimen, 1, 0, "again"), ISMS_ECONFLICT);
    assert_int_equal(retire(e, &fixture_specimen, 9, 0, "missing"), ISMS_ENOTFOUND);

    /* A stale if_version. */
    create_ok(e, spc(e, "Other"));
    assert_int_equal(retire(e, &fixture_specimen, 2, 7, "stale"), ISMS_ECONFLICT);
    assert_int_equal(e->st.current_version, 1);
}

static void test_retire_refused_while_referenced(void **state)
{
    env *e = *state;
    create_ok(e, par(e, "Parent"));
    isms_record *a = spc(e, "Child");
    set(a, "parent", num(1));
    assert_int_equal(create_ok(e, a), 1);
    isms_record *b = spc(e, "Friend");
    set(b, "friends", ids(e, (const int64_t[]){1}, 1));
    assert_int_equal(create_ok(e, b), 2);
    isms_record *c = spc(e, "About");
    set(c, "subject", any(&fixture_specimen, 1));
    assert_int_equal(create_ok(e, c), 3);

    assert_int_equal(retire(e, &fixture_parent, 1, 0, "obsolete"), ISMS_EREFERENCED);
    assert_referrers(&e->st, "SPC-1");
    assert_false(e->st.more_referrers);
    assert_string_equal(e->st.detail, "PAR-1 cannot be retired: SPC-1 refers to it");
    assert_null(get(e, &fixture_parent, 1)->retired_at);

    assert_int_equal(retire(e, &fixture_specimen, 1, 0, "obsolete"), ISMS_EREFERENCED);
    assert_referrers(&e->st, "SPC-2,SPC-3");
    assert_string_equal(e->st.detail, "SPC-1 cannot be retired: SPC-2, SPC-3 refer to it");
    assert_null(get(e, &fixture_specimen, 1)->retired_at);

    /* Retired referrers do not hold it in place. */
    assert_ok(e, retire(e, &fixture_specimen, 2, 0, "gone"));
    assert_int_equal(retire(e, &fixture_specimen, 1, 0, "obsolete"), ISMS_EREFERENCED);
    assert_referrers(&e->st, "SPC-3");
    assert_ok(e, retire(e, &fixture_specimen, 3, 0, "gone"));
    assert_ok(e, retire(e, &fixture_specimen, 1, 0, "obsolete"));
    assert_string_equal(get(e, &fixture_specimen, 1)->retired_reason, "obsolete");
    assert_ok(e, retire(e, &fixture_parent, 1, 0, "obsolete"));
}

static void test_retire_lists_at_most_twenty_referrers(void **state)
{
    env *e = *state;
    create_ok(e, par(e, "Popular"));
    store_txn *t = begin(e);
    for (int i = 0; i < ISMS_STATUS_MAX_REFERRERS + 3; i++) {
        isms_record *r = spc(e, "Child");
        set(r, "parent", num(1));
        assert_ok(e, records_create(t, r, &e->a, clr(e)));
    }
    finish(t, ISMS_OK);
    assert_int_equal(retire(e, &fixture_parent, 1, 0, "obsolete"), ISMS_EREFERENCED);
    assert_int_equal(e->st.nreferrers, ISMS_STATUS_MAX_REFERRERS);
    assert_true(e->st.more_referrers);
    assert_string_equal(e->st.referrers[0], "SPC-1");
    assert_string_equal(e->st.referrers[ISMS_STATUS_MAX_REFERRERS - 1], "SPC-20");
    assert_non_null(strstr(e->st.detail, "(and more)"));
}

static void test_delete_rules(void **state)
{
    env *e = *state;
    /* Only deletable kinds. */
    create_ok(e, led(e, "Ledger"));
    assert_int_equal(del(e, &fixture_ledger, 1, 0), ISMS_EFORBIDDEN);
    assert_int_equal(get(e, &fixture_ledger, 1)->version, 1);
    create_ok(e, par(e, "Parent"));
    assert_int_equal(del(e, &fixture_parent, 1, 0), ISMS_EFORBIDDEN);
    assert_int_equal(get_err(e, &fixture_parent, 1), ISMS_OK);

    /* Only when the kind's check allows: a done specimen stays. */
    isms_record *done = spc(e, "Done");
    set(done, "status", txt("done"));
    assert_int_equal(create_ok(e, done), 1);
    assert_int_equal(del(e, &fixture_specimen, 1, 0), ISMS_ECONFLICT);
    assert_string_equal(e->st.detail, "only an open specimen can be deleted");
    assert_int_equal(get_err(e, &fixture_specimen, 1), ISMS_OK);

    /* Never while a record refers to it, even a retired one. */
    assert_int_equal(create_ok(e, spc(e, "Target")), 2);
    isms_record *ref = spc(e, "Referrer");
    set(ref, "friends", ids(e, (const int64_t[]){2}, 1));
    assert_int_equal(create_ok(e, ref), 3);
    assert_int_equal(del(e, &fixture_specimen, 2, 0), ISMS_EREFERENCED);
    assert_referrers(&e->st, "SPC-3");
    assert_string_equal(e->st.detail, "SPC-2 cannot be deleted: SPC-3 refers to it");
    assert_ok(e, retire(e, &fixture_specimen, 3, 0, "retired, still pointing"));
    assert_int_equal(del(e, &fixture_specimen, 2, 0), ISMS_EREFERENCED);
    assert_referrers(&e->st, "SPC-3");
    assert_int_equal(get_err(e, &fixture_specimen, 2), ISMS_OK);

    /* Through an anyref too. */
    isms_record *about = spc(e, "About");
    set(about, "subject", any(&fixture_specimen, 4));
    create_ok(e, spc(e, "Subject"));
    assert_int_equal(create_ok(e, about), 5);
    assert_int_equal(del(e, &fixture_specimen, 4, 0), ISMS_EREFERENCED);
    assert_referrers(&e->st, "SPC-5");

    /* Once the referrer is gone, it can go. */
    assert_int_equal(del(e, &fixture_specimen, 5, 2), ISMS_ECONFLICT);
    assert_int_equal(e->st.current_version, 1);
    assert_ok(e, del(e, &fixture_specimen, 5, 1));
    assert_int_equal(get_err(e, &fixture_specimen, 5), ISMS_ENOTFOUND);
    assert_ok(e, del(e, &fixture_specimen, 4, 0));
    assert_int_equal(get_err(e, &fixture_specimen, 4), ISMS_ENOTFOUND);
    assert_int_equal(del(e, &fixture_specimen, 4, 0), ISMS_ENOTFOUND);

    /* A retired record is not deleted. */
    assert_int_equal(del(e, &fixture_specimen, 3, 0), ISMS_ECONFLICT);
    assert_int_equal(get_err(e, &fixture_specimen, 3), ISMS_OK);
}

static void test_failed_operation_in_rolled_back_transaction_changes_nothing(void **state)
{
    env *e = *state;
    assert_int_equal(create_ok(e, spc(e, "Existing")), 1);
    assert_int_equal(create_ok(e, led(e, "Ledger one")), 1);

    /* Good changes, then a failing one: the caller rolls the whole transaction back. */
    store_txn *t = begin(e);
    isms_record *n = spc(e, "New");
    assert_ok(e, records_create(t, n, &e->a, clr(e)));
    isms_record *out = NULL;
    record_change ch = {F("title"), txt("Changed")};
    assert_ok(e, records_update(t, &fixture_specimen, 1, 0, &ch, 1, &e->a, &out, clr(e)));
    assert_ok(e, records_create(t, led(e, "Ledger two"), &e->a, clr(e)));
    isms_record *bad = spc(e, "Bad");
    set(bad, "count", num(1000));
    assert_int_equal(records_create(t, bad, &e->a, clr(e)), ISMS_EINVALID);
    assert_int_equal(records_retire(t, &fixture_specimen, 1, 0, "", clr(e)), ISMS_EINVALID);
    store_rollback(t);

    assert_int_equal(stored(e, &fixture_specimen), 1);
    isms_record *g = get(e, &fixture_specimen, 1);
    assert_string_equal(val(g, "title")->s, "Existing");
    assert_int_equal(g->version, 1);
    assert_int_equal(stored(e, &fixture_ledger), 1);
    assert_null(get(e, &fixture_ledger, 1)->retired_at);

    /* A failed retirement of a referenced record after a good one, rolled back. */
    isms_record *child = spc(e, "Child");
    set(child, "friends", ids(e, (const int64_t[]){1}, 1));
    assert_int_equal(create_ok(e, child), 2);
    t = begin(e);
    assert_ok(e, records_retire(t, &fixture_ledger, 1, 0, "closing", clr(e)));
    assert_int_equal(records_retire(t, &fixture_specimen, 1, 0, "closing", clr(e)),
                     ISMS_EREFERENCED);
    store_rollback(t);
    assert_null(get(e, &fixture_ledger, 1)->retired_at);
    assert_null(get(e, &fixture_specimen, 1)->retired_at);
    assert_int_equal(get(e, &fixture_specimen, 1)->version, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_fill_defaults),
        T(test_create_fills_defaults),
        T(test_derived_field_is_computed),
        T(test_derived_field_cannot_be_set),
        T(test_validation_names_fields_and_writes_nothing),
        T(test_references_must_exist_and_be_in_force),
        T(test_update_versions),
        T(test_transition_guard),
        T(test_immutable_kind_refuses_updates),
        T(test_singleton_supersedes),
        T(test_retire_needs_a_reason),
        T(test_retire_refused_while_referenced),
        T(test_retire_lists_at_most_twenty_referrers),
        T(test_delete_rules),
        T(test_failed_operation_in_rolled_back_transaction_changes_nothing),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
