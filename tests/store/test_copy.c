/*
 * store_copy on the fixture registry, whose kinds use every field type: a
 * SQLite source copied to the driver under test (the program's argument)
 * and from there to a new SQLite file, which must hold exactly the source's
 * rows (values and their SQLite types, read with the sqlite3 C API). The
 * change log verifies at both destinations with the source's last entry,
 * new ids continue after the source's, and a copy that fails leaves the
 * destination as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "core/log_verify.h"
#include "core/records.h"

static const char *g_driver = "sqlite";

typedef struct env {
    char src_url[512], mid_url[512], back_url[512];
    store *src, *mid, *back;
    arena a;
    isms_write_ctx ctx;
} env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof(*e));
    if (!e)
        return -1;
    e->src = fixture_store_open("sqlite", e->src_url, sizeof(e->src_url));
    e->mid = fixture_store_open(g_driver, e->mid_url, sizeof(e->mid_url));
    e->back = fixture_store_open("sqlite", e->back_url, sizeof(e->back_url));
    arena_init(&e->a);
    e->ctx.actor = "alice";
    e->ctx.channel = "web";
    snprintf(e->ctx.now, sizeof(e->ctx.now), "2026-03-01T10:00:00.000Z");
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    store_free(e->src);
    store_free(e->mid);
    store_free(e->back);
    test_db_cleanup(e->src_url);
    test_db_cleanup(e->mid_url);
    test_db_cleanup(e->back_url);
    arena_dispose(&e->a);
    free(e);
    return 0;
}

/* --- the source ------------------------------------------------------------------ */

typedef struct op {
    env *e;
    int what;
    isms_record *rec;
    const isms_kind *k;
    int64_t id, version, seq;
    const char *text;
} op;

enum { OP_CREATE, OP_TITLE, OP_RETIRE, OP_DELETE, OP_REDACT, OP_CHECKPOINT };

static changelog_keypair g_key;

static isms_err run_op(store_txn *t, void *arg, isms_status *st)
{
    op *o = arg;
    arena *a = &o->e->a;
    switch (o->what) {
    case OP_CREATE:
        return records_create(t, o->rec, a, st);
    case OP_TITLE: {
        record_change ch = {kind_field(o->k, "title"), {.set = true, .s = o->text}};
        isms_record *out;
        return records_update(t, o->k, o->id, o->version, &ch, 1, a, &out, st);
    }
    case OP_RETIRE:
        return records_retire(t, o->k, o->id, o->version, o->text, st);
    case OP_DELETE:
        return records_delete(t, o->k, o->id, o->version, st);
    case OP_REDACT:
        return records_redact_entry(t, o->seq, o->text, NULL, st);
    default: {
        changelog_checkpoint cp;
        return log_checkpoint(t, &g_key, a, &cp, st);
    }
    }
}

static int64_t must(env *e, op o)
{
    isms_status st;
    status_clear(&st);
    o.e = e;
    if (store_write(e->src, &e->ctx, run_op, &o, &st) != ISMS_OK)
        fail_msg("write %d: %s", o.what, st.detail);
    return o.rec ? o.rec->id : 0;
}

static void set(isms_record *r, const char *name, isms_value v)
{
    *record_value(r, name) = v;
}

static isms_value txt(const char *s)
{
    return (isms_value){.set = true, .s = s};
}

static int64_t parent(env *e, const char *title, const char *code)
{
    isms_record *r = record_new(&e->a, &fixture_parent);
    set(r, "title", txt(title));
    if (code)
        set(r, "code", txt(code));
    return must(e, (op){.what = OP_CREATE, .rec = r});
}

static isms_record *specimen(env *e, const char *title)
{
    isms_record *r = record_new(&e->a, &fixture_specimen);
    set(r, "title", txt(title));
    set(r, "status", txt("open"));
    return r;
}

static void build_source(env *e)
{
    changelog_keygen(&g_key);
    int64_t p1 = parent(e, "P1", NULL);
    int64_t p2 = parent(e, "P2", "C-2");
    isms_record *full = specimen(e, "Full");
    set(full, "note", txt("line one\nline two, \"quoted\" 'single' ümlaut"));
    set(full, "count", (isms_value){.set = true, .i = 7});
    set(full, "amount", (isms_value){.set = true, .i = -12500001});
    set(full, "flag", (isms_value){.set = true, .i = 1});
    set(full, "day", txt("2026-01-02"));
    set(full, "at", txt("2026-01-02T03:04:05Z"));
    set(full, "level", txt("mid"));
    set(full, "parent", (isms_value){.set = true, .i = p1});
    set(full, "subject", (isms_value){.set = true, .kind = &fixture_parent, .i = p2});
    set(full, "secret", txt("s3cr3t"));
    int64_t s1 = must(e, (op){.what = OP_CREATE, .rec = full});
    int64_t s2 = must(e, (op){.what = OP_CREATE, .rec = specimen(e, "Plain")});
    isms_record *linked = specimen(e, "Linked");
    static int64_t friends[2];
    friends[0] = s2;
    friends[1] = s1; /* order kept: not by id */
    set(linked, "friends", (isms_value){.set = true, .ids = friends, .n = 2});
    int64_t s3 = must(e, (op){.what = OP_CREATE, .rec = linked});
    int64_t s4 = must(e, (op){.what = OP_CREATE, .rec = specimen(e, "Gone")});
    must(e, (op){.what = OP_TITLE,
                 .k = &fixture_specimen,
                 .id = s1,
                 .version = 1,
                 .text = "Full, renamed"});
    must(e, (op){.what = OP_RETIRE,
                 .k = &fixture_specimen,
                 .id = s3,
                 .version = 1,
                 .text = "no longer needed"});
    must(e, (op){.what = OP_DELETE, .k = &fixture_specimen, .id = s4, .version = 1});
    must(e, (op){.what = OP_REDACT, .seq = 3, .text = "personal data"});
    must(e, (op){.what = OP_CHECKPOINT});
    isms_record *ledger = record_new(&e->a, &fixture_ledger);
    set(ledger, "title", txt("L1"));
    must(e, (op){.what = OP_CREATE, .rec = ledger});
}

/* --- comparing ------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add(char **buf, size_t *len, const char *s, size_t n)
{
    *buf = realloc(*buf, *len + n + 1);
    assert_non_null(*buf);
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

/* Every table but the migrator's, each row with its values' SQLite types, rows sorted. */
static char *dump(const char *path)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *tables;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT IN ('isms_schema', 'sqlite_sequence') "
                                        "ORDER BY name",
                                        -1, &tables, NULL),
                     SQLITE_OK);
    char *out = NULL;
    size_t len = 0;
    while (sqlite3_step(tables) == SQLITE_ROW) {
        char sql[256];
        snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", sqlite3_column_text(tables, 0));
        sqlite3_stmt *s;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
        char *rows[256];
        size_t n = 0;
        while (sqlite3_step(s) == SQLITE_ROW) {
            assert_true(n < 256);
            char *row = NULL;
            size_t rlen = 0;
            for (int i = 0; i < sqlite3_column_count(s); i++) {
                char head[64];
                int type = sqlite3_column_type(s, i);
                snprintf(head, sizeof(head), "|%d:", type);
                add(&row, &rlen, head, strlen(head));
                if (type != SQLITE_NULL)
                    add(&row, &rlen, (const char *)sqlite3_column_text(s, i),
                        (size_t)sqlite3_column_bytes(s, i));
            }
            rows[n++] = row;
        }
        sqlite3_finalize(s);
        if (n)
            qsort(rows, n, sizeof(rows[0]), cmp_str);
        char head[128];
        snprintf(head, sizeof(head), "== %s %zu\n", sqlite3_column_text(tables, 0), n);
        add(&out, &len, head, strlen(head));
        for (size_t i = 0; i < n; i++) {
            add(&out, &len, rows[i], strlen(rows[i]));
            add(&out, &len, "\n", 1);
            free(rows[i]);
        }
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    return out;
}

static log_verify_result verify(store *s)
{
    store_conn *c;
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_borrow(s, &c, &st), ISMS_OK);
    log_verify_options o = {.public_keys = g_key.pk, .npublic_keys = 1};
    log_verify_result r;
    if (log_verify(c, fixture_registry(), &o, &r, &st) != ISMS_OK)
        fail_msg("verify: %s", st.detail);
    store_return(c);
    if (!r.ok)
        fail_msg("verify: %s: %s", r.problem, r.detail);
    return r;
}

static int64_t rows_of(const store_copy_result *r, const char *table)
{
    for (size_t i = 0; i < r->ntables; i++)
        if (strcmp(r->tables[i].table, table) == 0)
            return r->tables[i].rows;
    return -1;
}

static void test_round_trip(void **state)
{
    env *e = *state;
    build_source(e);
    isms_status st;
    store_copy_result r1, r2;
    if (store_copy(e->src, e->mid, &r1, &st) != ISMS_OK)
        fail_msg("copy to %s: %s", g_driver, st.detail);
    if (store_copy(e->mid, e->back, &r2, &st) != ISMS_OK)
        fail_msg("copy back: %s", st.detail);
    assert_int_equal(rows_of(&r1, "specimen"), 3);
    assert_int_equal(rows_of(&r1, "specimen__friends"), 2);
    assert_int_equal(rows_of(&r1, "isms_log_checkpoint"), 1);
    assert_int_equal(rows_of(&r1, "isms_change_log"), r1.last_seq);
    assert_int_equal(r1.last_seq, r2.last_seq);
    assert_string_equal(r1.last_hash, r2.last_hash);

    char *a = dump(e->src_url), *b = dump(e->back_url);
    assert_string_equal(a, b);
    free(a);
    free(b);

    log_verify_result v0 = verify(e->src), v1 = verify(e->mid), v2 = verify(e->back);
    assert_int_equal(v1.last_seq, v0.last_seq);
    assert_string_equal(v1.last_hash, v0.last_hash);
    assert_string_equal(v2.last_hash, v0.last_hash);
    assert_int_equal(v1.redacted, 1);
    assert_int_equal(v1.checkpoints, 1);
    assert_true(v1.signatures_checked);

    /* New ids continue after the source's: specimen 4 was deleted, so the next is 5. */
    store_conn *c;
    assert_int_equal(store_borrow(e->mid, &c, &st), ISMS_OK);
    store_txn *t;
    assert_int_equal(store_begin(c, &e->ctx, &t, &st), ISMS_OK);
    isms_record *r = specimen(e, "New");
    assert_int_equal(records_create(t, r, &e->a, &st), ISMS_OK);
    assert_int_equal(r->id, 5);
    isms_record *p = record_new(&e->a, &fixture_parent);
    set(p, "title", txt("P3"));
    assert_int_equal(records_create(t, p, &e->a, &st), ISMS_OK);
    assert_int_equal(p->id, 3);
    assert_int_equal(store_commit(t, &st), ISMS_OK);
    store_return(c);
    verify(e->mid);
}

/* A destination that holds data: the copy fails, rolls back, and changes nothing there. */
static void test_failed_copy_changes_nothing(void **state)
{
    env *e = *state;
    build_source(e);
    isms_status st;
    store_copy_result r;
    assert_int_equal(store_copy(e->src, e->back, &r, &st), ISMS_OK);
    char *before = dump(e->back_url);
    assert_int_not_equal(store_copy(e->src, e->back, &r, &st), ISMS_OK);
    assert_non_null(strstr(st.detail, "copying table"));
    char *after = dump(e->back_url);
    assert_string_equal(before, after);
    free(before);
    free(after);
    verify(e->back);
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
        T(test_round_trip),
        T(test_failed_copy_changes_nothing),
    };
#undef T
    return cmocka_run_group_tests_name(g_driver, tests, NULL, NULL);
}
