/*
 * Store contract tests: what every store driver must do, proven through the
 * store interface only. The driver is the program's first argument
 * ("sqlite"), and every test opens a fresh store of the fixture registry for
 * it, so the same tests run unchanged against every driver.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "core/record.h"
#include "core/status.h"
#include "store/store.h"

static const char *g_driver = "sqlite";

#define T0 "2024-05-01T10:00:00.000Z"
#define T1 "2024-05-02T11:30:00.250Z"
#define T2 "2024-05-03T12:00:00.999Z"

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
    e->s = fixture_store_open(g_driver, e->url, sizeof(e->url));
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
    store_return(e->c); /* rolls back a transaction left open by a failed test */
    store_free(e->s);
    test_db_cleanup(e->url);
    arena_dispose(&e->a);
    free(e);
    return 0;
}

/* The status for the next call, cleared (callers clear it once per operation). */
static isms_status *clr(env *e)
{
    status_clear(&e->st);
    return &e->st;
}

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

/* The status names `field` with a reason containing `part` (NULL: any reason). */
static void assert_field_error(const isms_status *st, const char *field, const char *part)
{
    char buf[2048];
    for (size_t i = 0; i < st->nfields; i++) {
        if (strcmp(st->fields[i].field, field) != 0)
            continue;
        if (part && !strstr(st->fields[i].reason, part))
            fail_msg("field %s: reason '%s' lacks '%s'", field, st->fields[i].reason, part);
        return;
    }
    fail_msg("no error for field %s (detail: %s; fields: %s)", field, st->detail,
             field_list(st, buf, sizeof(buf)));
}

/* --- records and values ------------------------------------------------ */

static const isms_field *F(const char *name)
{
    const isms_field *f = kind_field(&fixture_specimen, name);
    if (!f)
        fail_msg("specimen has no field %s", name);
    return f;
}

static isms_value *val(const isms_record *r, const char *name)
{
    isms_value *v = record_value(r, name);
    if (!v)
        fail_msg("%s has no field %s", r->kind->name, name);
    return v;
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

static isms_value none(void)
{
    return (isms_value){.set = false};
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

static isms_record *spc(env *e, const char *title)
{
    isms_record *r = record_new(&e->a, &fixture_specimen);
    set(r, "title", txt(title));
    set(r, "status", txt("open"));
    return r;
}

static isms_record *par(env *e, const char *title, const char *code)
{
    isms_record *r = record_new(&e->a, &fixture_parent);
    set(r, "title", txt(title));
    if (code)
        set(r, "code", txt(code));
    return r;
}

/* --- writes ------------------------------------------------------------ */

static store_txn *begin(env *e)
{
    store_txn *t = NULL;
    if (store_begin(e->c, &e->ctx, &t, clr(e)) != ISMS_OK)
        fail_msg("begin: %s", e->st.detail);
    return t;
}

static void commit(store_txn *t)
{
    isms_status cs;
    status_clear(&cs);
    if (store_commit(t, &cs) != ISMS_OK)
        fail_msg("commit: %s", cs.detail);
}

/* Commit when rc is OK, roll back otherwise; the operation's status stays in e->st. */
static isms_err finish(store_txn *t, isms_err rc)
{
    if (rc == ISMS_OK)
        commit(t);
    else
        store_rollback(t);
    return rc;
}

static int64_t insert(env *e, isms_record *r)
{
    store_txn *t = begin(e);
    if (store_insert(t, r, clr(e)) != ISMS_OK)
        fail_msg("insert %s: %s", r->kind->name, e->st.detail);
    commit(t);
    return r->id;
}

static isms_err update(env *e, isms_record *r, int64_t expected)
{
    store_txn *t = begin(e);
    return finish(t, store_update(t, r, expected, clr(e)));
}

static isms_err retire(env *e, const isms_kind *k, int64_t id, int64_t expected, const char *reason)
{
    store_txn *t = begin(e);
    return finish(t, store_retire(t, k, id, expected, reason, clr(e)));
}

static isms_err del(env *e, const isms_kind *k, int64_t id, int64_t expected)
{
    store_txn *t = begin(e);
    return finish(t, store_delete(t, k, id, expected, clr(e)));
}

/* --- reads ------------------------------------------------------------- */

static isms_record *get_on(env *e, store_conn *c, const isms_kind *k, int64_t id)
{
    isms_record *r = NULL;
    if (store_get(c, k, id, &e->a, &r, clr(e)) != ISMS_OK)
        fail_msg("get %s-%" PRId64 ": %s", k->prefix, id, e->st.detail);
    assert_non_null(r);
    return r;
}

static isms_record *get(env *e, const isms_kind *k, int64_t id)
{
    return get_on(e, e->c, k, id);
}

static isms_err get_err(env *e, const isms_kind *k, int64_t id)
{
    isms_record *r = NULL;
    return store_get(e->c, k, id, &e->a, &r, clr(e));
}

static const char *page_ids(env *e, const store_page *p)
{
    char buf[4096];
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n && used < sizeof(buf); i++) {
        int w =
            snprintf(buf + used, sizeof(buf) - used, "%s%" PRId64, i ? "," : "", p->items[i]->id);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return arena_strdup(&e->a, buf);
}

static isms_err list(env *e, const store_query *q, store_page *out)
{
    return store_list(e->c, q, &e->a, out, clr(e));
}

/* Every row of the query on one page, as "1,2,3". */
static const char *list_all(env *e, store_query q)
{
    char buf[2048];
    store_page p;
    if (!q.limit)
        q.limit = STORE_PAGE_MAX;
    if (list(e, &q, &p) != ISMS_OK)
        fail_msg("list: %s (%s)", e->st.detail, field_list(&e->st, buf, sizeof(buf)));
    assert_null(p.next_cursor);
    return page_ids(e, &p);
}

static const char *sorted(env *e, const char *sort, bool desc)
{
    store_query q = {.kind = &fixture_specimen, .sort = sort ? F(sort) : NULL, .desc = desc};
    return list_all(e, q);
}

static const char *filtered(env *e, const char *field, isms_value v)
{
    store_query q = {.kind = &fixture_specimen, .nfilters = 1};
    q.filters[0] = (store_filter){F(field), v};
    return list_all(e, q);
}

static const char *searched(env *e, const char *text)
{
    store_query q = {.kind = &fixture_specimen, .q = text};
    return list_all(e, q);
}

static int64_t count(env *e, const store_query *q)
{
    int64_t n = -1;
    if (store_count(e->c, q, &n, clr(e)) != ISMS_OK)
        fail_msg("count: %s", e->st.detail);
    return n;
}

/*
 * The shared data set:
 *   PAR-1 "Parent one" code A1, PAR-2 "Parent two" code B2, PAR-3 "Parent three" no code.
 *   id title       count amount flag  day        at          level status parent friends subject
 *   1  Charlie     30    2.5    true  2024-03-01 ...08:00:00 high  open   PAR-1  -       PAR-2
 *   2  Alpha       10    -1     false 2023-12-31 ...07:59:59 low   open   PAR-2  1       SPC-1
 *   3  Echo_x      -     0.5    -     -          -           mid   open   -      1,2     -
 *   4  Bravo 100%  20    -      true  2024-01-15 -           -     open   PAR-1  2       PAR-1
 *   5  Delta       10    2.5    false 2024-03-01 -           low   done   -      -       -
 */
static void seed(env *e)
{
    assert_int_equal(insert(e, par(e, "Parent one", "A1")), 1);
    assert_int_equal(insert(e, par(e, "Parent two", "B2")), 2);
    assert_int_equal(insert(e, par(e, "Parent three", NULL)), 3);

    isms_record *r = spc(e, "Charlie");
    set(r, "count", num(30));
    set(r, "amount", num(2500000));
    set(r, "flag", num(1));
    set(r, "day", txt("2024-03-01"));
    set(r, "at", txt("2024-03-01T08:00:00Z"));
    set(r, "level", txt("high"));
    set(r, "note", txt("needed for high"));
    set(r, "parent", num(1));
    set(r, "subject", any(&fixture_parent, 2));
    assert_int_equal(insert(e, r), 1);

    r = spc(e, "Alpha");
    set(r, "count", num(10));
    set(r, "amount", num(-1000000));
    set(r, "flag", num(0));
    set(r, "day", txt("2023-12-31"));
    set(r, "at", txt("2024-03-01T07:59:59Z"));
    set(r, "level", txt("low"));
    set(r, "parent", num(2));
    set(r, "friends", ids(e, (const int64_t[]){1}, 1));
    set(r, "subject", any(&fixture_specimen, 1));
    assert_int_equal(insert(e, r), 2);

    r = spc(e, "Echo_x");
    set(r, "amount", num(500000));
    set(r, "level", txt("mid"));
    set(r, "friends", ids(e, (const int64_t[]){1, 2}, 2));
    assert_int_equal(insert(e, r), 3);

    r = spc(e, "Bravo 100%");
    set(r, "count", num(20));
    set(r, "flag", num(1));
    set(r, "day", txt("2024-01-15"));
    set(r, "parent", num(1));
    set(r, "friends", ids(e, (const int64_t[]){2}, 1));
    set(r, "subject", any(&fixture_parent, 1));
    assert_int_equal(insert(e, r), 4);

    r = spc(e, "Delta");
    set(r, "count", num(10));
    set(r, "amount", num(2500000));
    set(r, "flag", num(0));
    set(r, "day", txt("2024-03-01"));
    set(r, "level", txt("low"));
    set(r, "status", txt("done"));
    assert_int_equal(insert(e, r), 5);
}

/* ======================================================================= */
/* insert and get                                                          */
/* ======================================================================= */

static void test_insert_assigns_ids_versions_and_bookkeeping(void **state)
{
    env *e = *state;
    for (int64_t want = 1; want <= 3; want++) {
        char title[32];
        snprintf(title, sizeof(title), "Specimen %" PRId64, want);
        isms_record *r = spc(e, arena_strdup(&e->a, title));
        assert_int_equal(r->id, 0);
        assert_int_equal(insert(e, r), want);
        assert_int_equal(r->version, 1);
        assert_string_equal(r->created_at, T0);
        assert_string_equal(r->created_by, "alice");
        assert_string_equal(r->updated_at, T0);
        assert_string_equal(r->updated_by, "alice");
    }
    /* Ids are per kind. */
    assert_int_equal(insert(e, par(e, "P", NULL)), 1);
    ctx_set(&e->ctx, "bob", T1);
    isms_record *led = record_new(&e->a, &fixture_ledger);
    set(led, "title", txt("L"));
    assert_int_equal(insert(e, led), 1);

    for (int64_t id = 1; id <= 3; id++) {
        isms_record *r = get(e, &fixture_specimen, id);
        assert_int_equal(r->id, id);
        assert_ptr_equal(r->kind, &fixture_specimen);
        assert_int_equal(r->version, 1);
        assert_string_equal(r->created_at, T0);
        assert_string_equal(r->created_by, "alice");
        assert_string_equal(r->updated_at, T0);
        assert_string_equal(r->updated_by, "alice");
        assert_null(r->retired_at);
        assert_null(r->retired_by);
        assert_null(r->retired_reason);
        char title[32];
        snprintf(title, sizeof(title), "Specimen %" PRId64, id);
        assert_string_equal(record_title(r), title);
    }
    isms_record *l = get(e, &fixture_ledger, 1);
    assert_string_equal(l->created_at, T1);
    assert_string_equal(l->created_by, "bob");
}

static void assert_reflist(const isms_value *v, const int64_t *want, size_t n)
{
    assert_true(v->set == (n > 0));
    assert_int_equal(v->n, n);
    for (size_t i = 0; i < n; i++)
        if (v->ids[i] != want[i])
            fail_msg("reflist item %zu is %" PRId64 ", want %" PRId64, i, v->ids[i], want[i]);
}

static const char NOTE[] = "line one\nline two\r\n\ttabbed — 日本語 ✓\n";
static const char TITLE[] = "Fülle “quoted” 'single' ✓ \\ % _";
static const char SECRET[] = "p@ss 'quote' \"dq\" ;--";

static void assert_full_record(const isms_record *r)
{
    assert_string_equal(val(r, "title")->s, TITLE);
    assert_string_equal(val(r, "note")->s, NOTE);
    assert_true(val(r, "count")->set);
    assert_true(val(r, "count")->i == INT64_MIN);
    assert_true(val(r, "score")->set);
    assert_true(val(r, "score")->i == INT64_MAX);
    assert_true(val(r, "amount")->set);
    assert_true(val(r, "amount")->i == -999999999999);
    assert_true(val(r, "flag")->set);
    assert_int_equal(val(r, "flag")->i, 1);
    assert_string_equal(val(r, "day")->s, "2024-02-29");
    assert_string_equal(val(r, "at")->s, "2024-02-29T23:59:59Z");
    assert_string_equal(val(r, "level")->s, "high");
    assert_string_equal(val(r, "status")->s, "done");
    assert_true(val(r, "parent")->set);
    assert_int_equal(val(r, "parent")->i, 2);
    assert_reflist(val(r, "friends"), (const int64_t[]){3, 1, 2}, 3);
    assert_true(val(r, "subject")->set);
    assert_ptr_equal(val(r, "subject")->kind, &fixture_parent);
    assert_int_equal(val(r, "subject")->i, 1);
    assert_string_equal(val(r, "secret")->s, SECRET);
}

static void test_get_returns_every_field_type_exactly(void **state)
{
    env *e = *state;
    insert(e, par(e, "P1", NULL));
    insert(e, par(e, "P2", NULL));
    insert(e, spc(e, "One"));
    insert(e, spc(e, "Two"));
    insert(e, spc(e, "Three"));

    isms_record *r = spc(e, TITLE);
    set(r, "note", txt(NOTE));
    set(r, "count", num(INT64_MIN));
    set(r, "score", num(INT64_MAX));
    set(r, "amount", num(-999999999999));
    set(r, "flag", num(1));
    set(r, "day", txt("2024-02-29"));
    set(r, "at", txt("2024-02-29T23:59:59Z"));
    set(r, "level", txt("high"));
    set(r, "status", txt("done"));
    set(r, "parent", num(2));
    set(r, "friends", ids(e, (const int64_t[]){3, 1, 2}, 3));
    set(r, "subject", any(&fixture_parent, 1));
    set(r, "secret", txt(SECRET));
    assert_int_equal(insert(e, r), 4);

    /* Zero and false are values, not "no value". */
    isms_record *z = spc(e, "Zeroes");
    set(z, "count", num(0));
    set(z, "amount", num(0));
    set(z, "flag", num(0));
    set(z, "score", num(-1));
    set(z, "subject", any(&fixture_specimen, 4));
    assert_int_equal(insert(e, z), 5);

    isms_record *empty = spc(e, "Empty");
    assert_int_equal(insert(e, empty), 6);

    assert_full_record(get(e, &fixture_specimen, 4));

    isms_record *g = get(e, &fixture_specimen, 5);
    assert_true(val(g, "count")->set);
    assert_int_equal(val(g, "count")->i, 0);
    assert_true(val(g, "amount")->set);
    assert_int_equal(val(g, "amount")->i, 0);
    assert_true(val(g, "flag")->set);
    assert_int_equal(val(g, "flag")->i, 0);
    assert_true(val(g, "score")->set);
    assert_true(val(g, "score")->i == -1);
    assert_ptr_equal(val(g, "subject")->kind, &fixture_specimen);
    assert_int_equal(val(g, "subject")->i, 4);

    g = get(e, &fixture_specimen, 6);
    assert_string_equal(record_title(g), "Empty");
    assert_string_equal(val(g, "status")->s, "open");
    const char *unset[] = {"note",  "count",  "amount",  "flag",    "day",    "at",
                           "level", "parent", "friends", "subject", "secret", "score"};
    for (size_t i = 0; i < sizeof(unset) / sizeof(unset[0]); i++)
        if (val(g, unset[i])->set)
            fail_msg("field %s should have no value", unset[i]);
    assert_int_equal(val(g, "friends")->n, 0);

    /* A list reads the same values, links included. */
    store_query q = {.kind = &fixture_specimen, .q = "Fülle"};
    store_page p;
    assert_int_equal(list(e, &q, &p), ISMS_OK);
    assert_int_equal(p.n, 1);
    assert_full_record(p.items[0]);
}

static void test_get_missing_is_not_found(void **state)
{
    env *e = *state;
    insert(e, spc(e, "Only"));
    assert_int_equal(get_err(e, &fixture_specimen, 2), ISMS_ENOTFOUND);
    assert_string_equal(e->st.detail, "SPC-2 does not exist");
    assert_int_equal(get_err(e, &fixture_specimen, 999999), ISMS_ENOTFOUND);
    assert_int_equal(get_err(e, &fixture_parent, 1), ISMS_ENOTFOUND);
    assert_string_equal(e->st.detail, "PAR-1 does not exist");
}

/* ======================================================================= */
/* update, retire, delete                                                  */
/* ======================================================================= */

static void test_update_bumps_version(void **state)
{
    env *e = *state;
    insert(e, spc(e, "Before"));
    insert(e, spc(e, "Two"));
    insert(e, spc(e, "Three"));

    ctx_set(&e->ctx, "bob", T1);
    isms_record *r = get(e, &fixture_specimen, 1);
    set(r, "title", txt("After"));
    set(r, "count", num(7));
    set(r, "friends", ids(e, (const int64_t[]){3, 2}, 2));
    set(r, "subject", any(&fixture_specimen, 2));
    assert_int_equal(update(e, r, 1), ISMS_OK);
    assert_int_equal(r->version, 2);
    assert_string_equal(r->updated_at, T1);
    assert_string_equal(r->updated_by, "bob");

    isms_record *g = get(e, &fixture_specimen, 1);
    assert_int_equal(g->version, 2);
    assert_string_equal(g->created_at, T0);
    assert_string_equal(g->created_by, "alice");
    assert_string_equal(g->updated_at, T1);
    assert_string_equal(g->updated_by, "bob");
    assert_string_equal(record_title(g), "After");
    assert_int_equal(val(g, "count")->i, 7);
    assert_reflist(val(g, "friends"), (const int64_t[]){3, 2}, 2);
    assert_int_equal(val(g, "subject")->i, 2);

    /* A second update replaces the links and clears values. */
    ctx_set(&e->ctx, "carol", T2);
    set(g, "friends", ids(e, (const int64_t[]){2}, 1));
    set(g, "count", none());
    set(g, "subject", none());
    assert_int_equal(update(e, g, 2), ISMS_OK);
    g = get(e, &fixture_specimen, 1);
    assert_int_equal(g->version, 3);
    assert_string_equal(g->updated_by, "carol");
    assert_reflist(val(g, "friends"), (const int64_t[]){2}, 1);
    assert_false(val(g, "count")->set);
    assert_false(val(g, "subject")->set);

    /* Other records are untouched. */
    isms_record *o = get(e, &fixture_specimen, 2);
    assert_int_equal(o->version, 1);
    assert_string_equal(o->updated_at, T0);
}

static void test_update_stale_version_conflicts(void **state)
{
    env *e = *state;
    insert(e, spc(e, "Original"));
    isms_record *a = get(e, &fixture_specimen, 1);
    isms_record *b = get(e, &fixture_specimen, 1);
    set(a, "title", txt("First writer"));
    assert_int_equal(update(e, a, 1), ISMS_OK);

    ctx_set(&e->ctx, "bob", T1);
    set(b, "title", txt("Second writer"));
    set(b, "count", num(5));
    assert_int_equal(update(e, b, 1), ISMS_ECONFLICT);
    assert_int_equal(e->st.current_version, 2);
    assert_non_null(strstr(e->st.detail, "SPC-1"));

    isms_record *g = get(e, &fixture_specimen, 1);
    assert_int_equal(g->version, 2);
    assert_string_equal(record_title(g), "First writer");
    assert_false(val(g, "count")->set);
    assert_string_equal(g->updated_by, "alice");

    /* A version from the future is as stale as one from the past. */
    assert_int_equal(update(e, b, 3), ISMS_ECONFLICT);
    assert_int_equal(e->st.current_version, 2);

    /* An update of a record that does not exist. */
    isms_record *ghost = spc(e, "Ghost");
    ghost->id = 42;
    assert_int_equal(update(e, ghost, 1), ISMS_ENOTFOUND);
    assert_int_equal(get_err(e, &fixture_specimen, 42), ISMS_ENOTFOUND);
}

static void test_retire_sets_fields_and_hides_from_default_lists(void **state)
{
    env *e = *state;
    insert(e, spc(e, "Keep"));
    insert(e, spc(e, "Retire me"));
    insert(e, spc(e, "Keep too"));

    ctx_set(&e->ctx, "bob", T1);
    assert_int_equal(retire(e, &fixture_specimen, 2, 1, "no longer relevant"), ISMS_OK);
    isms_record *g = get(e, &fixture_specimen, 2);
    assert_string_equal(g->retired_at, T1);
    assert_string_equal(g->retired_by, "bob");
    assert_string_equal(g->retired_reason, "no longer relevant");
    assert_int_equal(g->version, 2);
    assert_string_equal(g->updated_at, T1);
    assert_string_equal(g->created_at, T0);
    assert_null(get(e, &fixture_specimen, 1)->retired_at);

    store_query q = {.kind = &fixture_specimen};
    assert_string_equal(list_all(e, q), "1,3");
    assert_int_equal(count(e, &q), 2);
    q.retired = STORE_WITH_RETIRED;
    assert_string_equal(list_all(e, q), "1,2,3");
    assert_int_equal(count(e, &q), 3);
    q.retired = STORE_RETIRED_ONLY;
    assert_string_equal(list_all(e, q), "2");
    assert_int_equal(count(e, &q), 1);

    /* Listed retired records carry their retirement. */
    store_page p;
    assert_int_equal(list(e, &q, &p), ISMS_OK);
    assert_string_equal(p.items[0]->retired_reason, "no longer relevant");
}

static void test_retired_record_cannot_change(void **state)
{
    env *e = *state;
    insert(e, spc(e, "Old"));
    assert_int_equal(retire(e, &fixture_specimen, 1, 1, "done with it"), ISMS_OK);

    isms_record *r = get(e, &fixture_specimen, 1);
    set(r, "title", txt("New"));
    assert_int_equal(update(e, r, 2), ISMS_ECONFLICT);
    assert_non_null(strstr(e->st.detail, "retired"));
    assert_int_equal(e->st.current_version, 2);

    /* Retiring again is refused too and keeps the first reason. */
    assert_int_equal(retire(e, &fixture_specimen, 1, 2, "again"), ISMS_ECONFLICT);
    isms_record *g = get(e, &fixture_specimen, 1);
    assert_string_equal(record_title(g), "Old");
    assert_string_equal(g->retired_reason, "done with it");
    assert_int_equal(g->version, 2);

    /* Retiring with a stale version or a missing id. */
    insert(e, spc(e, "Other"));
    assert_int_equal(retire(e, &fixture_specimen, 2, 5, "stale"), ISMS_ECONFLICT);
    assert_int_equal(e->st.current_version, 1);
    assert_null(get(e, &fixture_specimen, 2)->retired_at);
    assert_int_equal(retire(e, &fixture_specimen, 9, 1, "missing"), ISMS_ENOTFOUND);
}

static void test_delete_removes_record_and_links(void **state)
{
    env *e = *state;
    seed(e);
    store_referrers refs;

    /* SPC-3 links to SPC-1 and SPC-2; nothing links to SPC-3. */
    assert_int_equal(
        store_referrers_of(e->c, &fixture_specimen, 1, false, 10, &e->a, &refs, clr(e)), ISMS_OK);
    assert_int_equal(refs.n, 3);
    assert_int_equal(del(e, &fixture_specimen, 3, 2), ISMS_ECONFLICT);
    assert_int_equal(e->st.current_version, 1);
    assert_int_equal(del(e, &fixture_specimen, 3, 1), ISMS_OK);
    assert_int_equal(get_err(e, &fixture_specimen, 3), ISMS_ENOTFOUND);
    assert_int_equal(del(e, &fixture_specimen, 3, 1), ISMS_ENOTFOUND);

    /* Its links went with it: SPC-1 is now referred to by SPC-2 only. */
    assert_int_equal(
        store_referrers_of(e->c, &fixture_specimen, 1, false, 10, &e->a, &refs, clr(e)), ISMS_OK);
    assert_int_equal(refs.n, 2);
    assert_int_equal(refs.items[0].id, 2);
    assert_int_equal(refs.items[1].id, 2);
    assert_string_equal(filtered(e, "friends", ids(e, (const int64_t[]){1}, 1)), "2");
    assert_string_equal(filtered(e, "friends", ids(e, (const int64_t[]){2}, 1)), "4");

    store_query q = {.kind = &fixture_specimen, .retired = STORE_WITH_RETIRED};
    assert_string_equal(list_all(e, q), "1,2,4,5");

    /* The database keeps references whole: a record in a link or a ref cannot go. */
    assert_int_equal(del(e, &fixture_specimen, 2, 1), ISMS_EREFERENCED);
    assert_int_equal(get(e, &fixture_specimen, 2)->version, 1);
    assert_int_equal(del(e, &fixture_parent, 2, 1), ISMS_EREFERENCED);
    assert_int_equal(get(e, &fixture_parent, 2)->version, 1);
    assert_string_equal(filtered(e, "friends", ids(e, (const int64_t[]){2}, 1)), "4");

    /* A parent nothing refers to can go. */
    assert_int_equal(del(e, &fixture_parent, 3, 1), ISMS_OK);
    assert_int_equal(get_err(e, &fixture_parent, 3), ISMS_ENOTFOUND);
}

/* ======================================================================= */
/* transactions                                                            */
/* ======================================================================= */

static void test_rollback_leaves_nothing(void **state)
{
    env *e = *state;
    insert(e, spc(e, "Target"));
    store_query q = {.kind = &fixture_specimen, .retired = STORE_WITH_RETIRED};

    /* An insert, with links, rolled back. */
    store_txn *t = begin(e);
    isms_record *r = spc(e, "Phantom");
    set(r, "friends", ids(e, (const int64_t[]){1}, 1));
    assert_int_equal(store_insert(t, r, clr(e)), ISMS_OK);
    int64_t phantom = r->id;
    assert_true(phantom > 1);
    /* The transaction sees its own write. */
    assert_string_equal(record_title(get(e, &fixture_specimen, phantom)), "Phantom");
    store_rollback(t);
    assert_int_equal(get_err(e, &fixture_specimen, phantom), ISMS_ENOTFOUND);
    assert_string_equal(list_all(e, q), "1");
    assert_int_equal(count(e, &q), 1);
    store_referrers refs;
    assert_int_equal(
        store_referrers_of(e->c, &fixture_specimen, 1, false, 10, &e->a, &refs, clr(e)), ISMS_OK);
    assert_int_equal(refs.n, 0);

    /* A record inserted afterwards is the only new one. */
    isms_record *real = spc(e, "Real");
    int64_t id = insert(e, real);
    assert_true(id > 1);
    char want[32];
    snprintf(want, sizeof(want), "1,%" PRId64, id);
    assert_string_equal(list_all(e, q), want);

    /* An update, a retirement, a deletion and a setting, rolled back. */
    t = begin(e);
    isms_record *g = get(e, &fixture_specimen, 1);
    set(g, "title", txt("Changed"));
    assert_int_equal(store_update(t, g, 1, clr(e)), ISMS_OK);
    assert_int_equal(store_retire(t, &fixture_specimen, id, 1, "gone", clr(e)), ISMS_OK);
    assert_int_equal(store_setting_put(t, "org", "Phantom Ltd", clr(e)), ISMS_OK);
    store_rollback(t);
    g = get(e, &fixture_specimen, 1);
    assert_string_equal(record_title(g), "Target");
    assert_int_equal(g->version, 1);
    assert_null(get(e, &fixture_specimen, id)->retired_at);
    const char *org = "x";
    assert_int_equal(store_setting_get(e->c, "org", &e->a, &org, clr(e)), ISMS_OK);
    assert_null(org);

    t = begin(e);
    assert_int_equal(store_delete(t, &fixture_specimen, id, 1, clr(e)), ISMS_OK);
    store_rollback(t);
    assert_int_equal(get(e, &fixture_specimen, id)->version, 1);
}

/* A write that fails the first fail_first times after writing a record. */
typedef struct flaky {
    env *e;
    int calls, fail_first;
    bool retryable;
} flaky;

static isms_err flaky_write(store_txn *t, void *arg, isms_status *st)
{
    flaky *f = arg;
    f->calls++;
    isms_err err = store_insert(t, spc(f->e, "Flaky"), st);
    if (err != ISMS_OK || f->calls > f->fail_first)
        return err;
    status_fail(st, ISMS_EBUSY, "a serialization failure, simulated");
    st->retryable = f->retryable;
    return ISMS_EBUSY;
}

/* store_write_again runs a transiently failed write again, a bounded number of times. */
static void test_write_again_on_transient_failures(void **state)
{
    env *e = *state;
    store_query q = {.kind = &fixture_specimen, .retired = STORE_WITH_RETIRED};
    /* Two transient failures, then success: one record, from the third run. */
    flaky f = {.e = e, .fail_first = 2, .retryable = true};
    assert_int_equal(store_write_again(e->s, &e->ctx, flaky_write, &f, clr(e)), ISMS_OK);
    assert_int_equal(f.calls, 3);
    assert_int_equal(count(e, &q), 1);
    /* Always transient: busy after STORE_WRITE_ATTEMPTS runs, nothing kept. */
    f = (flaky){.e = e, .fail_first = 99, .retryable = true};
    assert_int_equal(store_write_again(e->s, &e->ctx, flaky_write, &f, clr(e)), ISMS_EBUSY);
    assert_int_equal(f.calls, STORE_WRITE_ATTEMPTS);
    assert_true(e->st.retryable);
    assert_int_equal(count(e, &q), 1);
    /* Busy but not transient (a lock timeout): not run again. */
    f = (flaky){.e = e, .fail_first = 1, .retryable = false};
    assert_int_equal(store_write_again(e->s, &e->ctx, flaky_write, &f, clr(e)), ISMS_EBUSY);
    assert_int_equal(f.calls, 1);
    /* store_write itself runs once. */
    f = (flaky){.e = e, .fail_first = 1, .retryable = true};
    assert_int_equal(store_write(e->s, &e->ctx, flaky_write, &f, clr(e)), ISMS_EBUSY);
    assert_int_equal(f.calls, 1);
    assert_int_equal(count(e, &q), 1);
}

/* ======================================================================= */
/* lists: sort, filter, search                                             */
/* ======================================================================= */

static void test_list_default_sort_is_id(void **state)
{
    env *e = *state;
    seed(e);
    assert_string_equal(sorted(e, NULL, false), "1,2,3,4,5");
    assert_string_equal(sorted(e, NULL, true), "5,4,3,2,1");
    store_query q = {.kind = &fixture_parent};
    assert_string_equal(list_all(e, q), "1,2,3");
    q.kind = &fixture_ledger;
    assert_string_equal(list_all(e, q), "");
}

static void test_list_sorts_by_fields(void **state)
{
    env *e = *state;
    seed(e);
    assert_string_equal(sorted(e, "title", false), "2,4,1,5,3");
    assert_string_equal(sorted(e, "title", true), "3,5,1,4,2");
    /* Nullable fields: rows without a value first ascending, last descending. */
    assert_string_equal(sorted(e, "count", false), "3,2,5,4,1");
    assert_string_equal(sorted(e, "count", true), "1,4,5,2,3");
    assert_string_equal(sorted(e, "amount", false), "4,2,3,1,5");
    assert_string_equal(sorted(e, "amount", true), "5,1,3,2,4");
    assert_string_equal(sorted(e, "day", false), "3,2,4,1,5");
    assert_string_equal(sorted(e, "day", true), "5,1,4,2,3");
    assert_string_equal(sorted(e, "at", false), "3,4,5,2,1");
    assert_string_equal(sorted(e, "at", true), "1,2,5,4,3");

    store_query q = {.kind = &fixture_parent, .sort = kind_field(&fixture_parent, "code")};
    assert_string_equal(list_all(e, q), "3,1,2");
    q.desc = true;
    assert_string_equal(list_all(e, q), "2,1,3");
}

static void test_list_filters_each_type(void **state)
{
    env *e = *state;
    seed(e);
    /* int */
    assert_string_equal(filtered(e, "count", num(10)), "2,5");
    assert_string_equal(filtered(e, "count", num(11)), "");
    assert_string_equal(filtered(e, "count", none()), "3");
    /* bool */
    assert_string_equal(filtered(e, "flag", num(1)), "1,4");
    assert_string_equal(filtered(e, "flag", num(0)), "2,5");
    assert_string_equal(filtered(e, "flag", none()), "3");
    /* date */
    assert_string_equal(filtered(e, "day", txt("2024-03-01")), "1,5");
    assert_string_equal(filtered(e, "day", none()), "3");
    /* enum */
    assert_string_equal(filtered(e, "level", txt("low")), "2,5");
    assert_string_equal(filtered(e, "level", none()), "4");
    assert_string_equal(filtered(e, "status", txt("done")), "5");
    assert_string_equal(filtered(e, "status", txt("open")), "1,2,3,4");
    /* ref */
    assert_string_equal(filtered(e, "parent", num(1)), "1,4");
    assert_string_equal(filtered(e, "parent", num(2)), "2");
    assert_string_equal(filtered(e, "parent", num(3)), "");
    assert_string_equal(filtered(e, "parent", none()), "3,5");
    /* reflist: "contains" */
    assert_string_equal(filtered(e, "friends", ids(e, (const int64_t[]){1}, 1)), "2,3");
    assert_string_equal(filtered(e, "friends", ids(e, (const int64_t[]){2}, 1)), "3,4");
    assert_string_equal(filtered(e, "friends", ids(e, (const int64_t[]){5}, 1)), "");
    assert_string_equal(filtered(e, "friends", none()), "1,5");
    /* anyref: kind and id both count */
    assert_string_equal(filtered(e, "subject", any(&fixture_parent, 2)), "1");
    assert_string_equal(filtered(e, "subject", any(&fixture_specimen, 1)), "2");
    assert_string_equal(filtered(e, "subject", any(&fixture_parent, 1)), "4");
    assert_string_equal(filtered(e, "subject", any(&fixture_specimen, 2)), "");
    assert_string_equal(filtered(e, "subject", none()), "3,5");
    /* text, on the parent kind */
    store_query q = {.kind = &fixture_parent, .nfilters = 1};
    q.filters[0] = (store_filter){kind_field(&fixture_parent, "code"), txt("A1")};
    assert_string_equal(list_all(e, q), "1");
    q.filters[0].value = txt("a1");
    assert_string_equal(list_all(e, q), "");
    q.filters[0].value = none();
    assert_string_equal(list_all(e, q), "3");

    /* Several filters all apply, with a sort. */
    store_query s = {.kind = &fixture_specimen, .nfilters = 2, .sort = F("title")};
    s.filters[0] = (store_filter){F("flag"), num(1)};
    s.filters[1] = (store_filter){F("parent"), num(1)};
    assert_string_equal(list_all(e, s), "4,1");
    assert_int_equal(count(e, &s), 2);
    s.filters[0] = (store_filter){F("count"), num(10)};
    s.filters[1] = (store_filter){F("status"), txt("done")};
    assert_string_equal(list_all(e, s), "5");
    s.nfilters = 3;
    s.filters[2] = (store_filter){F("friends"), ids(e, (const int64_t[]){1}, 1)};
    assert_string_equal(list_all(e, s), "");
}

static void test_list_search(void **state)
{
    env *e = *state;
    seed(e);
    /* Case-insensitive on the title. */
    assert_string_equal(searched(e, "alpha"), "2");
    assert_string_equal(searched(e, "ALPHA"), "2");
    assert_string_equal(searched(e, "lph"), "2");
    assert_string_equal(searched(e, "a"), "1,2,4,5");
    /* The human id. */
    assert_string_equal(searched(e, "spc-2"), "2");
    assert_string_equal(searched(e, "SPC-4"), "4");
    assert_string_equal(searched(e, "spc-"), "1,2,3,4,5");
    assert_string_equal(searched(e, "par-1"), "");
    /* % and _ are literal characters. */
    assert_string_equal(searched(e, "%"), "4");
    assert_string_equal(searched(e, "100%"), "4");
    assert_string_equal(searched(e, "_"), "3");
    assert_string_equal(searched(e, "o_x"), "3");
    assert_string_equal(searched(e, "l_h"), "");
    assert_string_equal(searched(e, "a%a"), "");
    assert_string_equal(searched(e, "\\"), "");
    assert_string_equal(searched(e, "nothing like it"), "");
    /* An empty search is no search. */
    assert_string_equal(searched(e, ""), "1,2,3,4,5");

    /* With filters and counts. */
    store_query q = {.kind = &fixture_specimen, .q = "A", .nfilters = 1};
    q.filters[0] = (store_filter){F("flag"), num(1)};
    assert_string_equal(list_all(e, q), "1,4");
    assert_int_equal(count(e, &q), 2);

    /* Retired records are found only when asked for. */
    assert_int_equal(retire(e, &fixture_specimen, 2, 1, "gone"), ISMS_OK);
    assert_string_equal(searched(e, "alpha"), "");
    store_query r = {.kind = &fixture_specimen, .q = "alpha", .retired = STORE_WITH_RETIRED};
    assert_string_equal(list_all(e, r), "2");
}

/* ======================================================================= */
/* paging                                                                  */
/* ======================================================================= */

enum { NPAGED = 61 };

typedef struct prow {
    int64_t id;
    bool retired, flag;
    char title[16];
    bool has_count, has_amount;
    int64_t count, amount;
    char day[32]; /* "" when unset */
    char at[32];  /* "" when unset */
} prow;

/* 61 specimens with many duplicate and missing sort values; every 10th from 3 retired. */
static void paged_seed(env *e, prow *rows)
{
    store_txn *t = begin(e);
    for (int i = 1; i <= NPAGED; i++) {
        prow *p = &rows[i - 1];
        memset(p, 0, sizeof(*p));
        p->id = i;
        snprintf(p->title, sizeof(p->title), "T%03d", (i * 17) % NPAGED);
        p->has_count = i % 7 != 0;
        p->count = p->has_count ? (i * 3) % 5 : 0;
        p->has_amount = i % 4 != 1;
        p->amount = p->has_amount ? ((i * 13) % 9 - 4) * 250000 : 0;
        if (i % 5 != 2)
            snprintf(p->day, sizeof(p->day), "2024-01-%02d", (i * 7) % 4 + 1);
        if (i % 3 == 0)
            snprintf(p->at, sizeof(p->at), "2024-02-01T00:00:%02dZ", i % 10);
        p->flag = i % 2 == 1;
        p->retired = i % 10 == 3;

        isms_record *r = spc(e, arena_strdup(&e->a, p->title));
        if (p->has_count)
            set(r, "count", num(p->count));
        if (p->has_amount)
            set(r, "amount", num(p->amount));
        if (p->day[0])
            set(r, "day", txt(arena_strdup(&e->a, p->day)));
        if (p->at[0])
            set(r, "at", txt(arena_strdup(&e->a, p->at)));
        set(r, "flag", num(p->flag));
        if (store_insert(t, r, clr(e)) != ISMS_OK)
            fail_msg("insert: %s", e->st.detail);
        assert_int_equal(r->id, i);
        if (p->retired && store_retire(t, &fixture_specimen, i, 1, "test", clr(e)) != ISMS_OK)
            fail_msg("retire: %s", e->st.detail);
    }
    commit(t);
}

/* The sort key of a row: false when the row has no value. */
static bool prow_key(const prow *r, const char *sort, const char **text, int64_t *n)
{
    *text = NULL;
    *n = 0;
    if (strcmp(sort, "title") == 0)
        return *text = r->title, true;
    if (strcmp(sort, "count") == 0)
        return *n = r->count, r->has_count;
    if (strcmp(sort, "amount") == 0)
        return *n = r->amount, r->has_amount;
    if (strcmp(sort, "day") == 0)
        return *text = r->day, r->day[0] != '\0';
    if (strcmp(sort, "at") == 0)
        return *text = r->at, r->at[0] != '\0';
    fail_msg("no key for %s", sort);
    return false;
}

static int prow_cmp(const prow *a, const prow *b, const char *sort, bool desc)
{
    int c = 0;
    if (sort) {
        const char *ta, *tb;
        int64_t na, nb;
        bool sa = prow_key(a, sort, &ta, &na), sb = prow_key(b, sort, &tb, &nb);
        if (sa != sb)
            c = sa ? 1 : -1; /* no value first */
        else if (sa && ta)
            c = strcmp(ta, tb);
        else if (sa)
            c = na < nb ? -1 : na > nb;
    }
    if (c == 0)
        c = a->id < b->id ? -1 : a->id > b->id;
    return desc ? -c : c;
}

/* The order the store must produce, computed here independently. */
static const char *expected_order(env *e, const prow *rows, const char *sort, bool desc,
                                  store_retired mode, int flag_filter)
{
    const prow *sel[NPAGED];
    size_t n = 0;
    for (size_t i = 0; i < NPAGED; i++) {
        const prow *r = &rows[i];
        if ((mode == STORE_ACTIVE_ONLY && r->retired) ||
            (mode == STORE_RETIRED_ONLY && !r->retired))
            continue;
        if (flag_filter >= 0 && r->flag != (flag_filter == 1))
            continue;
        sel[n++] = r;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && prow_cmp(sel[j - 1], sel[j], sort, desc) > 0; j--) {
            const prow *tmp = sel[j];
            sel[j] = sel[j - 1];
            sel[j - 1] = tmp;
        }
    char buf[1024];
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%" PRId64, i ? "," : "",
                                 sel[i]->id);
    return arena_strdup(&e->a, buf);
}

/* Walk a list page by page; every page but the last is full and the last has no cursor. */
static const char *walk(env *e, store_query q, size_t limit)
{
    char buf[2048], errs[1024];
    size_t used = 0;
    buf[0] = '\0';
    q.limit = limit;
    q.cursor = NULL;
    for (int pages = 0;; pages++) {
        if (pages > NPAGED + 1)
            fail_msg("paging does not end");
        store_page p;
        if (list(e, &q, &p) != ISMS_OK)
            fail_msg("page %d: %s (%s)", pages, e->st.detail,
                     field_list(&e->st, errs, sizeof(errs)));
        assert_true(p.n <= limit);
        if (pages > 0)
            assert_true(p.n > 0);
        for (size_t i = 0; i < p.n; i++)
            used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%" PRId64, used ? "," : "",
                                     p.items[i]->id);
        if (!p.next_cursor)
            break;
        assert_int_equal(p.n, limit);
        assert_true(strlen(p.next_cursor) <= STORE_CURSOR_MAX);
        q.cursor = p.next_cursor;
    }
    return arena_strdup(&e->a, buf);
}

static void test_paging_walks_every_row_once(void **state)
{
    env *e = *state;
    prow rows[NPAGED];
    paged_seed(e, rows);
    const char *sorts[] = {NULL, "title", "count", "amount", "day", "at"};
    const size_t limits[] = {1, 2, 3, 7, 50, STORE_PAGE_MAX};
    for (size_t s = 0; s < sizeof(sorts) / sizeof(sorts[0]); s++)
        for (int desc = 0; desc < 2; desc++) {
            const char *want = expected_order(e, rows, sorts[s], desc, STORE_ACTIVE_ONLY, -1);
            store_query q = {
                .kind = &fixture_specimen, .sort = sorts[s] ? F(sorts[s]) : NULL, .desc = desc};
            for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
                const char *got = walk(e, q, limits[l]);
                if (strcmp(got, want) != 0)
                    fail_msg("sort %s %s limit %zu:\n got  %s\n want %s",
                             sorts[s] ? sorts[s] : "id", desc ? "desc" : "asc", limits[l], got,
                             want);
            }
        }
    /* With retired rows and a filter too. */
    const char *msorts[] = {NULL, "count", "at"};
    for (size_t s = 0; s < 3; s++)
        for (int desc = 0; desc < 2; desc++)
            for (int mode = STORE_WITH_RETIRED; mode <= STORE_RETIRED_ONLY; mode++) {
                store_query q = {.kind = &fixture_specimen,
                                 .nfilters = 1,
                                 .desc = desc,
                                 .sort = msorts[s] ? F(msorts[s]) : NULL,
                                 .retired = (store_retired)mode};
                q.filters[0] = (store_filter){F("flag"), num(1)};
                const char *want = expected_order(e, rows, msorts[s], desc, (store_retired)mode, 1);
                assert_string_equal(walk(e, q, 4), want);
                assert_string_equal(walk(e, q, 1), want);
            }
}

static void test_paging_default_and_maximum_limit(void **state)
{
    env *e = *state;
    prow rows[NPAGED];
    paged_seed(e, rows);
    store_query q = {.kind = &fixture_specimen};
    assert_int_equal(count(e, &q), 55);
    store_page p;
    assert_int_equal(list(e, &q, &p), ISMS_OK);
    assert_int_equal(p.n, STORE_PAGE_DEFAULT);
    assert_non_null(p.next_cursor);
    q.cursor = p.next_cursor;
    assert_int_equal(list(e, &q, &p), ISMS_OK);
    assert_int_equal(p.n, 55 - STORE_PAGE_DEFAULT);
    assert_null(p.next_cursor);

    q.cursor = NULL;
    q.limit = STORE_PAGE_MAX;
    assert_int_equal(list(e, &q, &p), ISMS_OK);
    assert_int_equal(p.n, 55);
    assert_null(p.next_cursor);

    q.limit = STORE_PAGE_MAX + 1;
    assert_int_equal(list(e, &q, &p), ISMS_EINVALID);
    assert_field_error(&e->st, "limit", "200");
    assert_int_equal(p.n, 0);

    /* A list that fits a page exactly has no cursor. */
    store_query f = {.kind = &fixture_specimen, .nfilters = 1, .limit = 5};
    f.filters[0] = (store_filter){F("count"), num(4)};
    int64_t n4 = count(e, &f);
    f.limit = (size_t)n4;
    assert_int_equal(list(e, &f, &p), ISMS_OK);
    assert_int_equal(p.n, (size_t)n4);
    assert_null(p.next_cursor);
}

static void test_cursor_of_another_sort_is_rejected(void **state)
{
    env *e = *state;
    prow rows[NPAGED];
    paged_seed(e, rows);
    store_page p;
    store_query q = {.kind = &fixture_specimen, .sort = F("count"), .limit = 2};
    assert_int_equal(list(e, &q, &p), ISMS_OK);
    const char *cursor = p.next_cursor;
    assert_non_null(cursor);

    store_query other = q;
    other.cursor = cursor;
    assert_int_equal(list(e, &other, &p), ISMS_OK); /* the same sort accepts it */
    assert_int_equal(p.n, 2);

    other.sort = F("title");
    assert_int_equal(list(e, &other, &p), ISMS_EINVALID);
    assert_field_error(&e->st, "cursor", NULL);
    other.sort = NULL;
    assert_int_equal(list(e, &other, &p), ISMS_EINVALID);
    assert_field_error(&e->st, "cursor", NULL);
    other.sort = F("count");
    other.desc = true;
    assert_int_equal(list(e, &other, &p), ISMS_EINVALID);
    assert_field_error(&e->st, "cursor", NULL);

    /* A cursor of the id order is not one of a field's order. */
    store_query byid = {.kind = &fixture_specimen, .limit = 2};
    assert_int_equal(list(e, &byid, &p), ISMS_OK);
    other.desc = false;
    other.cursor = p.next_cursor;
    assert_int_equal(list(e, &other, &p), ISMS_EINVALID);
    assert_field_error(&e->st, "cursor", NULL);
}

static void test_garbage_cursors_are_rejected(void **state)
{
    env *e = *state;
    prow rows[NPAGED];
    paged_seed(e, rows);
    char longest[STORE_CURSOR_MAX + 16];
    memset(longest, 'a', sizeof(longest) - 1);
    longest[sizeof(longest) - 1] = '\0';
    memcpy(longest, "count.a.v.1.", 12);
    const char *garbage[] = {
        "garbage",
        "count",
        "count.a.v.1",
        "count.a.x.1.31",
        "count.a.v.0.31",
        "count.a.v.-5.31",
        "count.a.v.x.31",
        "count.a.v.1.313",
        "count.a.v.1.zz",
        "count.a.v.1.00",
        "count.a.v.1.6162",
        "count.a.v.1.31.30",
        "count.ad.v.1.31",
        "count.a.vv.1.31",
        "count.a.v.99999999999999999999.31",
        "count.A.v.1.31",
        "count.a.v.1.3G",
        longest,
    };
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        store_query q = {.kind = &fixture_specimen, .sort = F("count"), .cursor = garbage[i]};
        store_page p;
        isms_err rc = list(e, &q, &p);
        if (rc != ISMS_EINVALID)
            fail_msg("cursor '%.40s' answered %s, not invalid", garbage[i], isms_err_name(rc));
        assert_field_error(&e->st, "cursor", NULL);
    }
    /* A well-formed cursor naming a row that is gone still pages on from its position. */
    store_query q = {
        .kind = &fixture_specimen, .sort = F("count"), .limit = 200, .cursor = "count.a.v.1000.32"};
    store_page p;
    assert_int_equal(list(e, &q, &p), ISMS_OK);
    for (size_t i = 0; i < p.n; i++) {
        const isms_value *v = val(p.items[i], "count");
        assert_true(v->set && v->i > 2);
    }
}

static void test_invalid_sort_and_filter_fields_are_rejected(void **state)
{
    env *e = *state;
    seed(e);
    store_page p;
    const char *unsortable[] = {"note", "flag", "parent", "friends", "subject", "secret"};
    for (size_t i = 0; i < sizeof(unsortable) / sizeof(unsortable[0]); i++) {
        store_query q = {.kind = &fixture_specimen, .sort = F(unsortable[i])};
        assert_int_equal(list(e, &q, &p), ISMS_EINVALID);
        assert_field_error(&e->st, "sort", unsortable[i]);
    }
    /* A sortable field of another kind is not this kind's field. */
    store_query q = {.kind = &fixture_specimen, .sort = kind_field(&fixture_parent, "code")};
    assert_int_equal(list(e, &q, &p), ISMS_EINVALID);
    assert_field_error(&e->st, "sort", "code");

    const char *unfilterable[] = {"title", "note", "amount", "at", "secret", "score"};
    for (size_t i = 0; i < sizeof(unfilterable) / sizeof(unfilterable[0]); i++) {
        store_query f = {.kind = &fixture_specimen, .nfilters = 1};
        f.filters[0] = (store_filter){F(unfilterable[i]), num(1)};
        if (field_is_text(F(unfilterable[i])))
            f.filters[0].value = txt("x");
        assert_int_equal(list(e, &f, &p), ISMS_EINVALID);
        assert_field_error(&e->st, unfilterable[i], unfilterable[i]);
        int64_t n = 0;
        assert_int_equal(store_count(e->c, &f, &n, clr(e)), ISMS_EINVALID);
        assert_field_error(&e->st, unfilterable[i], NULL);
    }
    store_query f = {.kind = &fixture_specimen, .nfilters = 1};
    f.filters[0] = (store_filter){kind_field(&fixture_parent, "code"), txt("A1")};
    assert_int_equal(list(e, &f, &p), ISMS_EINVALID);
    assert_field_error(&e->st, "code", NULL);

    /* Too many filters, too long a search. */
    store_query many = {.kind = &fixture_specimen, .nfilters = STORE_MAX_FILTERS + 1};
    for (size_t i = 0; i < STORE_MAX_FILTERS; i++)
        many.filters[i] = (store_filter){F("flag"), num(1)};
    assert_int_equal(list(e, &many, &p), ISMS_EINVALID);
    assert_field_error(&e->st, "filter", NULL);
    char longq[STORE_QUERY_TEXT_MAX + 2];
    memset(longq, 'q', sizeof(longq) - 1);
    longq[sizeof(longq) - 1] = '\0';
    store_query s = {.kind = &fixture_specimen, .q = longq};
    assert_int_equal(list(e, &s, &p), ISMS_EINVALID);
    assert_field_error(&e->st, "q", NULL);
    longq[STORE_QUERY_TEXT_MAX] = '\0';
    assert_string_equal(list_all(e, s), "");
}

static void test_count(void **state)
{
    env *e = *state;
    store_query q = {.kind = &fixture_specimen};
    assert_int_equal(count(e, &q), 0);
    seed(e);
    assert_int_equal(count(e, &q), 5);
    q.nfilters = 1;
    q.filters[0] = (store_filter){F("count"), num(10)};
    assert_int_equal(count(e, &q), 2);
    q.filters[0] = (store_filter){F("friends"), ids(e, (const int64_t[]){1}, 1)};
    assert_int_equal(count(e, &q), 2);
    q.filters[0] = (store_filter){F("subject"), none()};
    assert_int_equal(count(e, &q), 2);
    q.nfilters = 0;
    q.q = "spc-";
    assert_int_equal(count(e, &q), 5);
    q.q = "%";
    assert_int_equal(count(e, &q), 1);
    q.q = NULL;
    /* Paging settings do not change a count. */
    q.limit = 1;
    q.sort = F("count");
    assert_int_equal(count(e, &q), 5);

    assert_int_equal(retire(e, &fixture_specimen, 1, 1, "r"), ISMS_OK);
    assert_int_equal(retire(e, &fixture_specimen, 5, 1, "r"), ISMS_OK);
    assert_int_equal(count(e, &q), 3);
    q.retired = STORE_WITH_RETIRED;
    assert_int_equal(count(e, &q), 5);
    q.retired = STORE_RETIRED_ONLY;
    assert_int_equal(count(e, &q), 2);
    store_query pq = {.kind = &fixture_parent};
    assert_int_equal(count(e, &pq), 3);

    /* A capped count stops at the cap, with the same filters and retired mode. */
    int64_t n = -1;
    q.retired = STORE_WITH_RETIRED;
    assert_int_equal(store_count_upto(e->c, &q, 2, &n, clr(e)), ISMS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_count_upto(e->c, &q, 10, &n, clr(e)), ISMS_OK);
    assert_int_equal(n, 5);
    assert_int_equal(store_count_upto(e->c, &q, 0, &n, clr(e)), ISMS_OK);
    assert_int_equal(n, 0);
    q.nfilters = 1;
    q.filters[0] = (store_filter){F("count"), num(10)};
    assert_int_equal(store_count_upto(e->c, &q, 1, &n, clr(e)), ISMS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_count_upto(e->c, &q, 5, &n, clr(e)), ISMS_OK);
    assert_int_equal(n, 2);
}

/* ======================================================================= */
/* references                                                              */
/* ======================================================================= */

static void assert_referrer(const store_referrer *r, const isms_kind *k, const char *field,
                            int64_t id, const char *title, bool retired)
{
    assert_ptr_equal(r->kind, k);
    assert_string_equal(r->field->name, field);
    assert_int_equal(r->id, id);
    assert_string_equal(r->title, title);
    assert_int_equal(r->retired, retired);
}

static void test_referrers_through_every_reference_type(void **state)
{
    env *e = *state;
    seed(e);
    store_referrers refs;

    /* PAR-1: through ref (SPC-1, SPC-4) and anyref (SPC-4). */
    assert_int_equal(store_referrers_of(e->c, &fixture_parent, 1, true, 10, &e->a, &refs, clr(e)),
                     ISMS_OK);
    assert_int_equal(refs.n, 3);
    assert_false(refs.more);
    assert_referrer(&refs.items[0], &fixture_specimen, "parent", 1, "Charlie", false);
    assert_referrer(&refs.items[1], &fixture_specimen, "parent", 4, "Bravo 100%", false);
    assert_referrer(&refs.items[2], &fixture_specimen, "subject", 4, "Bravo 100%", false);

    /* SPC-1: through reflist (SPC-2, SPC-3) and anyref (SPC-2). */
    assert_int_equal(store_referrers_of(e->c, &fixture_specimen, 1, true, 10, &e->a, &refs, clr(e)),
                     ISMS_OK);
    assert_int_equal(refs.n, 3);
    assert_referrer(&refs.items[0], &fixture_specimen, "friends", 2, "Alpha", false);
    assert_referrer(&refs.items[1], &fixture_specimen, "friends", 3, "Echo_x", false);
    assert_referrer(&refs.items[2], &fixture_specimen, "subject", 2, "Alpha", false);

    /* The anyref's kind counts: SPC-2 is named by SPC-3 and SPC-4 (friends) only. */
    assert_int_equal(store_referrers_of(e->c, &fixture_specimen, 2, true, 10, &e->a, &refs, clr(e)),
                     ISMS_OK);
    assert_int_equal(refs.n, 2);
    assert_referrer(&refs.items[0], &fixture_specimen, "friends", 3, "Echo_x", false);
    assert_referrer(&refs.items[1], &fixture_specimen, "friends", 4, "Bravo 100%", false);

    /* Nothing refers to these. */
    assert_int_equal(
        store_referrers_of(e->c, &fixture_specimen, 5, false, 10, &e->a, &refs, clr(e)), ISMS_OK);
    assert_int_equal(refs.n, 0);
    assert_false(refs.more);
    assert_int_equal(store_referrers_of(e->c, &fixture_parent, 3, false, 10, &e->a, &refs, clr(e)),
                     ISMS_OK);
    assert_int_equal(refs.n, 0);

    /* Retired referrers: excluded when active_only, flagged otherwise. */
    assert_int_equal(retire(e, &fixture_specimen, 3, 1, "gone"), ISMS_OK);
    assert_int_equal(store_referrers_of(e->c, &fixture_specimen, 1, true, 10, &e->a, &refs, clr(e)),
                     ISMS_OK);
    assert_int_equal(refs.n, 2);
    assert_referrer(&refs.items[0], &fixture_specimen, "friends", 2, "Alpha", false);
    assert_referrer(&refs.items[1], &fixture_specimen, "subject", 2, "Alpha", false);
    assert_int_equal(
        store_referrers_of(e->c, &fixture_specimen, 1, false, 10, &e->a, &refs, clr(e)), ISMS_OK);
    assert_int_equal(refs.n, 3);
    assert_referrer(&refs.items[1], &fixture_specimen, "friends", 3, "Echo_x", true);

    /* At most max of them, and whether there were more. */
    assert_int_equal(store_referrers_of(e->c, &fixture_specimen, 1, false, 1, &e->a, &refs, clr(e)),
                     ISMS_OK);
    assert_int_equal(refs.n, 1);
    assert_true(refs.more);
    assert_int_equal(refs.items[0].id, 2);
    assert_int_equal(store_referrers_of(e->c, &fixture_specimen, 1, false, 3, &e->a, &refs, clr(e)),
                     ISMS_OK);
    assert_int_equal(refs.n, 3);
    assert_false(refs.more);
}

static void test_referrers_ignore_self_references(void **state)
{
    env *e = *state;
    insert(e, spc(e, "Self"));
    isms_record *b = spc(e, "B");
    set(b, "friends", ids(e, (const int64_t[]){1}, 1));
    insert(e, b);
    isms_record *c = spc(e, "C");
    set(c, "friends", ids(e, (const int64_t[]){1}, 1));
    insert(e, c);
    /* SPC-1 names itself through both its reflist and its anyref. */
    isms_record *r = get(e, &fixture_specimen, 1);
    set(r, "friends", ids(e, (const int64_t[]){1}, 1));
    set(r, "subject", any(&fixture_specimen, 1));
    assert_int_equal(update(e, r, 1), ISMS_OK);

    store_referrers refs;
    assert_int_equal(
        store_referrers_of(e->c, &fixture_specimen, 1, false, 10, &e->a, &refs, clr(e)), ISMS_OK);
    assert_int_equal(refs.n, 2);
    assert_int_equal(refs.items[0].id, 2);
    assert_int_equal(refs.items[1].id, 3);
    assert_false(refs.more);
    assert_int_equal(store_referrers_of(e->c, &fixture_specimen, 1, false, 2, &e->a, &refs, clr(e)),
                     ISMS_OK);
    assert_int_equal(refs.n, 2);
    assert_false(refs.more);
    /* The self reference does not hide that there are more than max. */
    assert_int_equal(store_referrers_of(e->c, &fixture_specimen, 1, false, 1, &e->a, &refs, clr(e)),
                     ISMS_OK);
    assert_int_equal(refs.n, 1);
    assert_int_equal(refs.items[0].id, 2);
    assert_true(refs.more);

    /* Only itself: nothing holds it. */
    assert_int_equal(retire(e, &fixture_specimen, 2, 1, "x"), ISMS_OK);
    assert_int_equal(retire(e, &fixture_specimen, 3, 1, "x"), ISMS_OK);
    assert_int_equal(store_referrers_of(e->c, &fixture_specimen, 1, true, 10, &e->a, &refs, clr(e)),
                     ISMS_OK);
    assert_int_equal(refs.n, 0);
}

static void test_presence_of(void **state)
{
    env *e = *state;
    seed(e);
    store_presence p = STORE_ABSENT;
    assert_int_equal(store_presence_of(e->c, &fixture_specimen, 1, &p, clr(e)), ISMS_OK);
    assert_int_equal(p, STORE_ACTIVE);
    assert_int_equal(store_presence_of(e->c, &fixture_parent, 3, &p, clr(e)), ISMS_OK);
    assert_int_equal(p, STORE_ACTIVE);
    assert_int_equal(store_presence_of(e->c, &fixture_specimen, 6, &p, clr(e)), ISMS_OK);
    assert_int_equal(p, STORE_ABSENT);
    assert_int_equal(store_presence_of(e->c, &fixture_ledger, 1, &p, clr(e)), ISMS_OK);
    assert_int_equal(p, STORE_ABSENT);
    assert_int_equal(retire(e, &fixture_specimen, 1, 1, "gone"), ISMS_OK);
    assert_int_equal(store_presence_of(e->c, &fixture_specimen, 1, &p, clr(e)), ISMS_OK);
    assert_int_equal(p, STORE_RETIRED);
    assert_int_equal(del(e, &fixture_specimen, 5, 1), ISMS_OK);
    assert_int_equal(store_presence_of(e->c, &fixture_specimen, 5, &p, clr(e)), ISMS_OK);
    assert_int_equal(p, STORE_ABSENT);
}

/* ======================================================================= */
/* settings                                                                */
/* ======================================================================= */

static const char *setting(env *e, store_conn *c, const char *key)
{
    const char *v = "unset marker";
    if (store_setting_get(c, key, &e->a, &v, clr(e)) != ISMS_OK)
        fail_msg("setting_get %s: %s", key, e->st.detail);
    return v;
}

static void put_setting(env *e, const char *key, const char *value)
{
    store_txn *t = begin(e);
    if (store_setting_put(t, key, value, clr(e)) != ISMS_OK)
        fail_msg("setting_put: %s", e->st.detail);
    commit(t);
}

static void test_settings_get_put_overwrite(void **state)
{
    env *e = *state;
    assert_null(setting(e, e->c, "organization"));
    put_setting(e, "organization", "Acme");
    assert_string_equal(setting(e, e->c, "organization"), "Acme");
    put_setting(e, "organization", "Acme Société ✓");
    assert_string_equal(setting(e, e->c, "organization"), "Acme Société ✓");
    put_setting(e, "locale", "");
    assert_string_equal(setting(e, e->c, "locale"), "");
    assert_string_equal(setting(e, e->c, "organization"), "Acme Société ✓");
    assert_null(setting(e, e->c, "Organization"));
}

/* ======================================================================= */
/* the pool                                                                */
/* ======================================================================= */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct late_return {
    store_conn *c;
    int delay_ms;
} late_return;

static void *return_later(void *arg)
{
    late_return *lr = arg;
    struct timespec ts = {lr->delay_ms / 1000, (long)(lr->delay_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    store_return(lr->c);
    return NULL;
}

static void test_pool_exhaustion_waits_then_busy(void **state)
{
    (void)state;
    char url[512];
    test_db_url(g_driver, url, sizeof(url));
    store_options opt = {.pool_size = 1,
                         .busy_timeout_ms = 300,
                         .create = true,
                         .migrations = fixture_migrations(g_driver)};
    store *s = NULL;
    isms_status st;
    assert_int_equal(store_open(&s, fixture_registry(), url, &opt, &st), ISMS_OK);

    store_conn *c1 = NULL, *c2 = NULL;
    status_clear(&st);
    assert_int_equal(store_borrow(s, &c1, &st), ISMS_OK);
    int64_t t0 = now_ms();
    status_clear(&st);
    assert_int_equal(store_borrow(s, &c2, &st), ISMS_EBUSY);
    int64_t waited = now_ms() - t0;
    if (waited < 250 || waited > 3000)
        fail_msg("waited %" PRId64 " ms for a 300 ms timeout", waited);
    assert_null(c2);

    /* A connection returned while someone waits goes to the waiter. */
    late_return lr = {c1, 100};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, return_later, &lr), 0);
    t0 = now_ms();
    status_clear(&st);
    isms_err rc = store_borrow(s, &c2, &st);
    waited = now_ms() - t0;
    pthread_join(th, NULL);
    assert_int_equal(rc, ISMS_OK);
    assert_ptr_equal(c2, c1);
    if (waited < 50 || waited > 290)
        fail_msg("waited %" PRId64 " ms for a connection returned after 100 ms", waited);
    store_return(c2);

    store_free(s);
    test_db_cleanup(url);
}

static void test_connections_see_committed_writes(void **state)
{
    env *e = *state;
    store_conn *other = NULL;
    assert_int_equal(store_borrow(e->s, &other, clr(e)), ISMS_OK);
    assert_ptr_not_equal(other, e->c);
    store_query q = {.kind = &fixture_specimen};
    int64_t n = -1;

    /* Uncommitted writes are not seen by the other connection. */
    store_txn *t = begin(e);
    isms_record *r = spc(e, "Shared");
    assert_int_equal(store_insert(t, r, clr(e)), ISMS_OK);
    assert_int_equal(store_setting_put(t, "k", "v1", clr(e)), ISMS_OK);
    isms_record *seen = NULL;
    assert_int_equal(store_get(other, &fixture_specimen, r->id, &e->a, &seen, clr(e)),
                     ISMS_ENOTFOUND);
    assert_int_equal(store_count(other, &q, &n, clr(e)), ISMS_OK);
    assert_int_equal(n, 0);
    assert_null(setting(e, other, "k"));
    commit(t);

    /* Committed ones are. */
    assert_string_equal(record_title(get_on(e, other, &fixture_specimen, r->id)), "Shared");
    assert_int_equal(store_count(other, &q, &n, clr(e)), ISMS_OK);
    assert_int_equal(n, 1);
    assert_string_equal(setting(e, other, "k"), "v1");

    /* And the other way round. */
    store_txn *t2 = NULL;
    assert_int_equal(store_begin(other, &e->ctx, &t2, clr(e)), ISMS_OK);
    isms_record *g = get_on(e, other, &fixture_specimen, r->id);
    set(g, "title", txt("Changed elsewhere"));
    assert_int_equal(store_update(t2, g, 1, clr(e)), ISMS_OK);
    assert_int_equal(store_setting_put(t2, "k", "v2", clr(e)), ISMS_OK);
    assert_int_equal(get(e, &fixture_specimen, r->id)->version, 1);
    commit(t2);
    isms_record *mine = get(e, &fixture_specimen, r->id);
    assert_int_equal(mine->version, 2);
    assert_string_equal(record_title(mine), "Changed elsewhere");
    assert_string_equal(setting(e, e->c, "k"), "v2");

    /* A write from a stale read on the first connection conflicts. */
    set(r, "title", txt("Late"));
    assert_int_equal(update(e, r, 1), ISMS_ECONFLICT);
    assert_int_equal(e->st.current_version, 2);
    store_return(other);
}

/*
 * A connection the server dropped (a restart, pg_terminate_backend) answers
 * the operation that finds out as busy, and the next operation works again,
 * its statements prepared anew. PostgreSQL only: a SQLite file has no server.
 */
static void test_lost_connection_recovers(void **state)
{
    env *e = *state;
    if (strcmp(g_driver, "postgres") != 0) {
        skip();
        return;
    }
    isms_record *r = spc(e, "Survivor");
    insert(e, r);

    /* A store of its own, with one connection the server can tell apart. */
    char app[64], url[600], sql[256];
    snprintf(app, sizeof(app), "isms_lost_%ld", (long)getpid());
    snprintf(url, sizeof(url), "%s&application_name=%s", e->url, app);
    snprintf(sql, sizeof(sql),
             "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
             "WHERE application_name = '%s'",
             app);
    store_options opt = {.pool_size = 1, .migrations = fixture_migrations(g_driver)};
    store *s = NULL;
    assert_int_equal(store_open(&s, fixture_registry(), url, &opt, clr(e)), ISMS_OK);
    store_conn *c = NULL;
    assert_int_equal(store_borrow(s, &c, clr(e)), ISMS_OK);
    assert_non_null(get_on(e, c, &fixture_specimen, r->id)); /* statements prepared */

    /* Lost between operations. */
    fixture_pg_admin(sql);
    isms_record *got = NULL;
    assert_int_equal(store_get(c, &fixture_specimen, r->id, &e->a, &got, clr(e)), ISMS_EBUSY);
    assert_string_equal(record_title(get_on(e, c, &fixture_specimen, r->id)), "Survivor");
    store_query q = {.kind = &fixture_specimen};
    int64_t n = -1;
    assert_int_equal(store_count(c, &q, &n, clr(e)), ISMS_OK);
    assert_int_equal(n, 1);

    /* Lost inside a write transaction: the transaction fails as busy, the next one commits. */
    store_txn *t = NULL;
    assert_int_equal(store_begin(c, &e->ctx, &t, clr(e)), ISMS_OK);
    fixture_pg_admin(sql);
    assert_int_equal(store_insert(t, spc(e, "Lost"), clr(e)), ISMS_EBUSY);
    store_rollback(t);
    assert_int_equal(store_begin(c, &e->ctx, &t, clr(e)), ISMS_OK);
    assert_int_equal(store_insert(t, spc(e, "Kept"), clr(e)), ISMS_OK);
    assert_int_equal(store_commit(t, clr(e)), ISMS_OK);
    assert_int_equal(store_count(c, &q, &n, clr(e)), ISMS_OK);
    assert_int_equal(n, 2);
    store_return(c);
    store_free(s);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        g_driver = argv[1];
    if (!fixture_driver_available(g_driver)) {
        fprintf(stderr, "%s: no PostgreSQL test cluster (ISMS_TEST_PG_URL); skipped\n", g_driver);
        return 77; /* meson: skipped */
    }
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_insert_assigns_ids_versions_and_bookkeeping),
        T(test_get_returns_every_field_type_exactly),
        T(test_get_missing_is_not_found),
        T(test_update_bumps_version),
        T(test_update_stale_version_conflicts),
        T(test_retire_sets_fields_and_hides_from_default_lists),
        T(test_retired_record_cannot_change),
        T(test_delete_removes_record_and_links),
        T(test_rollback_leaves_nothing),
        T(test_write_again_on_transient_failures),
        T(test_list_default_sort_is_id),
        T(test_list_sorts_by_fields),
        T(test_list_filters_each_type),
        T(test_list_search),
        T(test_paging_walks_every_row_once),
        T(test_paging_default_and_maximum_limit),
        T(test_cursor_of_another_sort_is_rejected),
        T(test_garbage_cursors_are_rejected),
        T(test_invalid_sort_and_filter_fields_are_rejected),
        T(test_count),
        T(test_referrers_through_every_reference_type),
        T(test_referrers_ignore_self_references),
        T(test_presence_of),
        T(test_settings_get_put_overwrite),
        cmocka_unit_test(test_pool_exhaustion_waits_then_busy),
        T(test_connections_see_committed_writes),
        T(test_lost_connection_recovers),
    };
#undef T
    return cmocka_run_group_tests_name(g_driver, tests, NULL, NULL);
}
