/*
 * The change log in the store, run once per driver (the program's first
 * argument), on the fixture registry: every write of the record operations
 * leaves its entry in the same transaction (and none when it fails), the
 * entries read back in order, by record and by version, redaction, signed
 * checkpoints, the baseline of records older than the log, and verification
 * of the whole store. Parts that need SQLite itself (triggers, tampering,
 * injected failures) use the sqlite3 C API on the file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "core/history.h"
#include "core/log_verify.h"
#include "core/record_json.h"
#include "core/records.h"
#include "core/value.h"

static const char *g_driver = "sqlite";

typedef struct env {
    char url[512];
    store *s;
    arena a;
    isms_write_ctx ctx;
} env;

static bool is_sqlite(void)
{
    return strcmp(g_driver, "sqlite") == 0;
}

static int setup(void **state)
{
    env *e = calloc(1, sizeof(*e));
    if (!e)
        return -1;
    e->s = fixture_store_open(g_driver, e->url, sizeof(e->url));
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
    store_free(e->s);
    test_db_cleanup(e->url);
    arena_dispose(&e->a);
    free(e);
    return 0;
}

/* --- writing through the record operations ------------------------------------ */

typedef struct op {
    env *e;
    int what; /* OP_* */
    const isms_kind *k;
    int64_t id, version, seq, redaction;
    const char *title, *reason;
    isms_record *rec;
} op;

enum { OP_CREATE, OP_SET_TITLE, OP_RETIRE, OP_DELETE, OP_REDACT };

static isms_err run_op(store_txn *t, void *arg, isms_status *st)
{
    op *o = arg;
    arena *a = &o->e->a;
    switch (o->what) {
    case OP_CREATE: {
        isms_record *r = record_new(a, o->k);
        *record_value(r, "title") = (isms_value){.set = o->title != NULL, .s = o->title};
        isms_err e = records_create(t, r, a, st);
        o->rec = r;
        o->id = r->id;
        return e;
    }
    case OP_SET_TITLE: {
        record_change ch = {kind_field(o->k, "title"), {.set = o->title != NULL, .s = o->title}};
        return records_update(t, o->k, o->id, o->version, &ch, 1, a, &o->rec, st);
    }
    case OP_RETIRE:
        return records_retire(t, o->k, o->id, o->version, o->reason, st);
    case OP_DELETE:
        return records_delete(t, o->k, o->id, o->version, st);
    default:
        return records_redact_entry(t, o->seq, o->reason, &o->redaction, st);
    }
}

static isms_err write_op(env *e, op *o, isms_status *st)
{
    o->e = e;
    status_clear(st);
    return store_write(e->s, &e->ctx, run_op, o, st);
}

static int64_t must(env *e, op o)
{
    isms_status st;
    if (write_op(e, &o, &st) != ISMS_OK)
        fail_msg("write %d of %s: %s", o.what, o.k ? o.k->name : "log", st.detail);
    return o.what == OP_REDACT ? o.redaction : o.id;
}

static int64_t create(env *e, const isms_kind *k, const char *title)
{
    return must(e, (op){.what = OP_CREATE, .k = k, .title = title});
}

/* --- reading ----------------------------------------------------------------- */

typedef struct entries {
    changelog_entry items[64];
    size_t n;
    arena *a;
} entries;

static bool keep(const changelog_entry *en, void *arg)
{
    entries *l = arg;
    assert_true(l->n < 64);
    changelog_entry *c = &l->items[l->n++];
    *c = *en;
    c->at = arena_strdup(l->a, en->at);
    c->actor = arena_strdup(l->a, en->actor);
    c->channel = arena_strdup(l->a, en->channel);
    c->kind = arena_strdup(l->a, en->kind);
    c->action = arena_strdup(l->a, en->action);
    c->content = arena_strdup(l->a, en->content);
    c->content_hash = arena_strdup(l->a, en->content_hash);
    c->prev_hash = arena_strdup(l->a, en->prev_hash);
    c->hash = arena_strdup(l->a, en->hash);
    return true;
}

static entries *read_log(env *e, store_log_filter f)
{
    entries *l = arena_alloc(&e->a, sizeof(*l));
    l->a = &e->a;
    store_conn *c;
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    if (store_log_each(c, &f, keep, l, &st) != ISMS_OK)
        fail_msg("store_log_each: %s", st.detail);
    store_return(c);
    return l;
}

static entries *all_entries(env *e)
{
    return read_log(e, (store_log_filter){0});
}

static const char *record_json(env *e, const isms_kind *k, int64_t id)
{
    store_conn *c;
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    isms_record *r;
    if (store_get(c, k, id, &e->a, &r, &st) != ISMS_OK)
        fail_msg("store_get: %s", st.detail);
    store_return(c);
    strbuf b;
    strbuf_init(&b, 1u << 20);
    record_json_write(&b, r);
    char *s = arena_strdup(&e->a, b.ptr);
    strbuf_dispose(&b);
    return s;
}

static log_verify_result verify(env *e, const log_verify_options *o)
{
    store_conn *c;
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    log_verify_result r;
    log_verify_options none = {0};
    if (log_verify(c, fixture_registry(), o ? o : &none, &r, &st) != ISMS_OK)
        fail_msg("log_verify: %s", st.detail);
    store_return(c);
    return r;
}

#define ASSERT_VERIFIES(e)                                                                         \
    do {                                                                                           \
        log_verify_result r_ = verify(e, NULL);                                                    \
        if (!r_.ok)                                                                                \
            fail_msg("the log does not verify: %s", r_.detail);                                    \
    } while (0)

static int64_t last_seq(env *e)
{
    store_conn *c;
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    int64_t seq;
    char hash[CHANGELOG_HEX];
    assert_int_equal(store_log_last(c, &seq, hash, &st), ISMS_OK);
    store_return(c);
    return seq;
}

/* --- raw SQLite ------------------------------------------------------------------ */

static sqlite3 *raw_open(env *e)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(e->url, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        fail_msg("sqlite3_open %s", e->url);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

/* Run sql; returns the SQLite result code (and keeps the message for the caller). */
static int raw_try(sqlite3 *db, const char *sql, char *msg, size_t size)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (msg)
        snprintf(msg, size, "%s", err ? err : "");
    sqlite3_free(err);
    return rc;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
    char msg[256];
    if (raw_try(db, sql, msg, sizeof(msg)) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    return v;
}

/* ================================================================================ */

static void test_every_write_is_logged_in_order(void **state)
{
    env *e = *state;
    int64_t par = create(e, &fixture_parent, "First");
    e->ctx.actor = "bob";
    e->ctx.channel = "api";
    snprintf(e->ctx.now, sizeof(e->ctx.now), "2026-03-01T11:00:00.000Z");
    must(e, (op){.what = OP_SET_TITLE, .k = &fixture_parent, .id = par, .title = "Second"});
    int64_t spc = create(e, &fixture_specimen, "Doomed");
    const char *before_delete = record_json(e, &fixture_specimen, spc);
    must(e, (op){.what = OP_DELETE, .k = &fixture_specimen, .id = spc, .version = 1});
    e->ctx.actor = "carol";
    e->ctx.channel = "cli";
    must(e, (op){.what = OP_RETIRE, .k = &fixture_parent, .id = par, .reason = "done"});
    /* A singleton: the second ledger supersedes the first, and that retirement is logged. */
    int64_t led1 = create(e, &fixture_ledger, "Ledger 1");
    int64_t led2 = create(e, &fixture_ledger, "Ledger 2");

    entries *l = all_entries(e);
    static const struct {
        const char *kind, *action, *actor, *channel;
        int64_t version;
    } want[] = {
        {"parent-thing", "create", "alice", "web", 1}, {"parent-thing", "update", "bob", "api", 2},
        {"specimen", "create", "bob", "api", 1},       {"specimen", "delete", "bob", "api", 1},
        {"parent-thing", "retire", "carol", "cli", 3}, {"ledger", "create", "carol", "cli", 1},
        {"ledger", "create", "carol", "cli", 1},       {"ledger", "retire", "carol", "cli", 2},
    };
    assert_int_equal(l->n, sizeof(want) / sizeof(want[0]));
    const char *prev = changelog_genesis;
    for (size_t i = 0; i < l->n; i++) {
        const changelog_entry *en = &l->items[i];
        assert_int_equal(en->seq, (int64_t)i + 1);
        assert_string_equal(en->kind, want[i].kind);
        assert_string_equal(en->action, want[i].action);
        assert_string_equal(en->actor, want[i].actor);
        assert_string_equal(en->channel, want[i].channel);
        assert_int_equal(en->version, want[i].version);
        assert_string_equal(en->prev_hash, prev);
        char h[CHANGELOG_HEX];
        changelog_digest(en->content, strlen(en->content), h);
        assert_string_equal(en->content_hash, h);
        changelog_entry_hash(en, h);
        assert_string_equal(en->hash, h);
        prev = en->hash;
    }
    assert_string_equal(l->items[0].at, "2026-03-01T10:00:00.000Z");
    assert_string_equal(l->items[1].at, "2026-03-01T11:00:00.000Z");
    assert_int_equal(l->items[7].record_id, led1);
    assert_int_equal(l->items[6].record_id, led2);
    /* Each content is the whole record after the change; a delete's, the record as it was. */
    assert_string_equal(l->items[4].content, record_json(e, &fixture_parent, par));
    assert_string_equal(l->items[3].content, before_delete);
    assert_string_equal(l->items[7].content, record_json(e, &fixture_ledger, led1));
    assert_non_null(strstr(l->items[1].content, "\"title\":\"Second\""));
    assert_non_null(strstr(l->items[4].content, "\"retired_reason\":\"done\""));
    assert_int_equal(last_seq(e), 8);
    ASSERT_VERIFIES(e);
}

static void test_refused_writes_log_nothing(void **state)
{
    env *e = *state;
    int64_t par = create(e, &fixture_parent, "One");
    isms_status st;
    /* Invalid: no title. */
    op o = {.what = OP_CREATE, .k = &fixture_parent, .title = NULL};
    assert_int_equal(write_op(e, &o, &st), ISMS_EINVALID);
    /* Stale version. */
    o = (op){.what = OP_SET_TITLE, .k = &fixture_parent, .id = par, .version = 7, .title = "X"};
    assert_int_equal(write_op(e, &o, &st), ISMS_ECONFLICT);
    /* Not deletable, no reason, not found. */
    o = (op){.what = OP_DELETE, .k = &fixture_parent, .id = par};
    assert_int_equal(write_op(e, &o, &st), ISMS_EFORBIDDEN);
    o = (op){.what = OP_RETIRE, .k = &fixture_parent, .id = par, .reason = " "};
    assert_int_equal(write_op(e, &o, &st), ISMS_EINVALID);
    o = (op){.what = OP_SET_TITLE, .k = &fixture_parent, .id = 99, .title = "X"};
    assert_int_equal(write_op(e, &o, &st), ISMS_ENOTFOUND);
    /* The immutable ledger cannot change. */
    int64_t led = create(e, &fixture_ledger, "L");
    o = (op){.what = OP_SET_TITLE, .k = &fixture_ledger, .id = led, .title = "X"};
    assert_int_equal(write_op(e, &o, &st), ISMS_ECONFLICT);
    assert_int_equal(last_seq(e), 2);
    ASSERT_VERIFIES(e);
}

/* The entry fails to be written: the change it records is not written either. */
static void test_failed_entry_fails_the_write(void **state)
{
    if (!is_sqlite())
        skip();
    env *e = *state;
    int64_t par = create(e, &fixture_parent, "Kept");
    sqlite3 *db = raw_open(e);
    raw_exec(db, "CREATE TRIGGER inject BEFORE INSERT ON isms_change_log "
                 "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
    isms_status st;
    op o = {.what = OP_CREATE, .k = &fixture_parent, .title = "Lost"};
    assert_int_not_equal(write_op(e, &o, &st), ISMS_OK);
    assert_non_null(strstr(st.detail, "change log"));
    assert_non_null(strstr(st.detail, "injected failure"));
    o = (op){.what = OP_SET_TITLE, .k = &fixture_parent, .id = par, .title = "Changed"};
    assert_int_not_equal(write_op(e, &o, &st), ISMS_OK);
    o = (op){.what = OP_RETIRE, .k = &fixture_parent, .id = par, .reason = "gone"};
    assert_int_not_equal(write_op(e, &o, &st), ISMS_OK);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM parent_thing"), 1);
    assert_int_equal(raw_int(db, "SELECT version FROM parent_thing"), 1);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM parent_thing WHERE title = 'Kept' AND "
                                 "retired_at IS NULL"),
                     1);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM isms_change_log"), 1);
    raw_exec(db, "DROP TRIGGER inject");
    sqlite3_close(db);
    /* The id the failed create took was given back with its transaction. */
    assert_int_equal(create(e, &fixture_parent, "Next"), par + 1);
    ASSERT_VERIFIES(e);
}

static void test_entries_by_record_and_version(void **state)
{
    env *e = *state;
    int64_t a = create(e, &fixture_parent, "A v1");
    int64_t b = create(e, &fixture_parent, "B v1");
    must(e, (op){.what = OP_SET_TITLE, .k = &fixture_parent, .id = a, .title = "A v2"});
    must(e, (op){.what = OP_SET_TITLE, .k = &fixture_parent, .id = a, .title = "A v3"});
    must(e, (op){.what = OP_SET_TITLE, .k = &fixture_parent, .id = b, .title = "B v2"});

    entries *of_a = read_log(e, (store_log_filter){.kind = "parent-thing", .record_id = a});
    assert_int_equal(of_a->n, 3);
    assert_int_equal(of_a->items[0].seq, 1);
    assert_int_equal(of_a->items[2].seq, 4);
    entries *newest =
        read_log(e, (store_log_filter){
                        .kind = "parent-thing", .record_id = a, .limit = 2, .newest_first = true});
    assert_int_equal(newest->n, 2);
    assert_int_equal(newest->items[0].seq, 4);
    assert_int_equal(newest->items[1].seq, 3);
    entries *after = read_log(e, (store_log_filter){.after = 2, .limit = 2});
    assert_int_equal(after->n, 2);
    assert_int_equal(after->items[0].seq, 3);
    entries *kind = read_log(e, (store_log_filter){.kind = "ledger"});
    assert_int_equal(kind->n, 0);

    store_conn *c;
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    changelog_entry en;
    assert_int_equal(store_log_version(c, &fixture_parent, a, 2, &e->a, &en, &st), ISMS_OK);
    assert_int_equal(en.seq, 3);
    assert_non_null(strstr(en.content, "A v2"));
    assert_int_equal(store_log_version(c, &fixture_parent, a, 4, &e->a, &en, &st), ISMS_ENOTFOUND);
    assert_non_null(strstr(st.detail, "version 4 of PAR-1"));
    bool found;
    assert_int_equal(store_log_latest(c, &fixture_parent, b, &e->a, &en, &found, &st), ISMS_OK);
    assert_true(found);
    assert_int_equal(en.seq, 5);
    assert_int_equal(store_log_latest(c, &fixture_parent, 42, &e->a, &en, &found, &st), ISMS_OK);
    assert_false(found);
    assert_int_equal(store_log_get(c, 2, &e->a, &en, &st), ISMS_OK);
    assert_int_equal(en.record_id, b);
    status_clear(&st);
    assert_int_equal(store_log_get(c, 6, &e->a, &en, &st), ISMS_ENOTFOUND);

    /* The history of a record: its entries, decoded, and what changed between versions. */
    history h;
    assert_int_equal(history_read(c, &fixture_parent, a, &e->a, &h, &st), ISMS_OK);
    assert_int_equal(h.n, 3);
    assert_false(h.truncated);
    isms_record *v1, *v3;
    changelog_entry e1, e3;
    assert_int_equal(
        history_version(c, fixture_registry(), &fixture_parent, a, 1, &e->a, &e1, &v1, &st),
        ISMS_OK);
    assert_int_equal(
        history_version(c, fixture_registry(), &fixture_parent, a, 3, &e->a, &e3, &v3, &st),
        ISMS_OK);
    history_change *ch;
    assert_int_equal(history_diff(v1, v3, &e->a, &ch), 1);
    assert_string_equal(ch[0].field->name, "title");
    assert_string_equal(ch[0].before->s, "A v1");
    assert_string_equal(ch[0].after->s, "A v3");
    assert_int_equal(history_diff(v3, v3, &e->a, &ch), 0);
    status_clear(&st);
    assert_int_equal(history_read(c, &fixture_parent, 77, &e->a, &h, &st), ISMS_ENOTFOUND);
    store_return(c);
}

/* Every field type survives the trip through the log exactly (decimals too). */
static void test_history_decodes_every_field_type(void **state)
{
    env *e = *state;
    int64_t par = create(e, &fixture_parent, "Parent");
    isms_record *r = record_new(&e->a, &fixture_specimen);
    *record_value(r, "title") = (isms_value){.set = true, .s = "Every type <b>&"};
    *record_value(r, "note") = (isms_value){.set = true, .s = "line 1\nline 2 é"};
    *record_value(r, "count") = (isms_value){.set = true, .i = 7};
    *record_value(r, "amount") = (isms_value){.set = true, .i = -123456789}; /* -123.456789 */
    *record_value(r, "flag") = (isms_value){.set = true, .i = 1};
    *record_value(r, "day") = (isms_value){.set = true, .s = "2027-03-31"};
    *record_value(r, "at") = (isms_value){.set = true, .s = "2027-03-31T12:00:00Z"};
    *record_value(r, "level") = (isms_value){.set = true, .s = "mid"};
    *record_value(r, "parent") = (isms_value){.set = true, .i = par};
    *record_value(r, "subject") = (isms_value){.set = true, .kind = &fixture_parent, .i = par};
    *record_value(r, "secret") = (isms_value){.set = true, .s = "never logged"};
    isms_status st;
    status_clear(&st);
    store_conn *c;
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    store_txn *t;
    assert_int_equal(store_begin(c, &e->ctx, &t, &st), ISMS_OK);
    if (records_create(t, r, &e->a, &st) != ISMS_OK)
        fail_msg("create: %s", st.detail);
    assert_int_equal(store_commit(t, &st), ISMS_OK);
    changelog_entry en;
    isms_record *back;
    assert_int_equal(
        history_version(c, fixture_registry(), &fixture_specimen, r->id, 1, &e->a, &en, &back, &st),
        ISMS_OK);
    store_return(c);
    assert_null(strstr(en.content, "never logged"));
    for (size_t i = 0; i < fixture_specimen.nfields; i++) {
        const isms_field *f = &fixture_specimen.fields[i];
        if (f->flags & FF_SECRET)
            continue;
        if (!value_equal(f, &r->values[i], &back->values[i]))
            fail_msg("field %s changed on its way through the log", f->name);
    }
    assert_int_equal(record_value(back, "amount")->i, -123456789);
    assert_int_equal(record_value(back, "score")->i, 14);
    /* A content that is not such a record is refused, not guessed. */
    status_clear(&st);
    assert_int_equal(history_record(fixture_registry(), &fixture_specimen,
                                    "{\"id\":\"PAR-1\",\"kind\":\"specimen\",\"version\":1}", &e->a,
                                    &back, &st),
                     ISMS_EINVALID);
    assert_int_equal(
        history_record(fixture_registry(), &fixture_specimen, "[1,2", &e->a, &back, &st),
        ISMS_EINVALID);
    ASSERT_VERIFIES(e);
}

static void test_redaction(void **state)
{
    env *e = *state;
    int64_t par = create(e, &fixture_parent, "Jane Doe, born 1970");
    must(e, (op){.what = OP_SET_TITLE, .k = &fixture_parent, .id = par, .title = "J. D."});
    e->ctx.actor = "dpo";
    int64_t red = must(e, (op){.what = OP_REDACT, .seq = 1, .reason = "retention passed"});
    assert_int_equal(red, 3);
    entries *l = all_entries(e);
    assert_int_equal(l->n, 3);
    assert_null(l->items[0].content);
    assert_true(changelog_is_hash(l->items[0].content_hash));
    assert_string_equal(l->items[2].action, "redact");
    assert_string_equal(l->items[2].actor, "dpo");
    assert_string_equal(l->items[2].kind, "parent-thing");
    assert_int_equal(l->items[2].record_id, par);
    assert_int_equal(l->items[2].version, 1);
    int64_t target;
    assert_true(changelog_redaction_target(l->items[2].content, &target));
    assert_int_equal(target, 1);
    log_verify_result r = verify(e, NULL);
    assert_true(r.ok);
    assert_int_equal(r.entries, 3);
    assert_int_equal(r.redacted, 1);

    /* Refused, and nothing written: again, a redaction, no such entry, no reason. */
    isms_status st;
    op o = {.what = OP_REDACT, .seq = 1, .reason = "again"};
    assert_int_equal(write_op(e, &o, &st), ISMS_ECONFLICT);
    assert_non_null(strstr(st.detail, "already redacted"));
    o = (op){.what = OP_REDACT, .seq = 3, .reason = "x"};
    assert_int_equal(write_op(e, &o, &st), ISMS_ECONFLICT);
    o = (op){.what = OP_REDACT, .seq = 99, .reason = "x"};
    assert_int_equal(write_op(e, &o, &st), ISMS_ENOTFOUND);
    o = (op){.what = OP_REDACT, .seq = 2, .reason = ""};
    assert_int_equal(write_op(e, &o, &st), ISMS_EINVALID);
    assert_string_equal(st.fields[0].field, "reason");
    assert_int_equal(last_seq(e), 3);

    /* The redacted version can no longer be shown; the others can. */
    store_conn *c;
    status_clear(&st);
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    changelog_entry en;
    isms_record *v;
    assert_int_equal(
        history_version(c, fixture_registry(), &fixture_parent, par, 1, &e->a, &en, &v, &st),
        ISMS_ECONFLICT);
    assert_non_null(strstr(st.detail, "redacted"));
    assert_int_equal(
        history_version(c, fixture_registry(), &fixture_parent, par, 2, &e->a, &en, &v, &st),
        ISMS_OK);
    /* The latest entry of the record is its update, not the redaction. */
    bool found;
    assert_int_equal(store_log_latest(c, &fixture_parent, par, &e->a, &en, &found, &st), ISMS_OK);
    assert_int_equal(en.seq, 2);
    store_return(c);
}

static void test_triggers_refuse_changes(void **state)
{
    if (!is_sqlite())
        skip();
    env *e = *state;
    create(e, &fixture_parent, "P");
    create(e, &fixture_parent, "Q");
    sqlite3 *db = raw_open(e);
    char msg[256];
    assert_int_not_equal(raw_try(db, "DELETE FROM isms_change_log WHERE seq = 1", msg, sizeof(msg)),
                         SQLITE_OK);
    assert_non_null(strstr(msg, "append-only"));
    assert_int_not_equal(raw_try(db, "UPDATE isms_change_log SET actor = 'x'", msg, sizeof(msg)),
                         SQLITE_OK);
    assert_int_not_equal(raw_try(db, "UPDATE isms_change_log SET content = '{}'", msg, sizeof(msg)),
                         SQLITE_OK);
    assert_non_null(strstr(msg, "redacted"));
    assert_int_not_equal(raw_try(db, "UPDATE isms_change_log SET seq = seq + 10", msg, sizeof(msg)),
                         SQLITE_OK);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM isms_change_log"), 2);
    /* Setting a content to NULL passes the trigger; verification still sees it unlogged. */
    raw_exec(db, "UPDATE isms_change_log SET content = NULL WHERE seq = 2");
    sqlite3_close(db);
    log_verify_result r = verify(e, NULL);
    assert_false(r.ok);
    assert_string_equal(r.problem, "content_removed");
    assert_int_equal(r.bad_seq, 2);
    assert_non_null(strstr(r.detail, "entry 2"));
}

static void test_checkpoints(void **state)
{
    env *e = *state;
    changelog_keypair kp, other;
    changelog_keygen(&kp);
    changelog_keygen(&other);
    store_conn *c;
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    store_txn *t;
    changelog_checkpoint cp;
    assert_int_equal(store_begin(c, &e->ctx, &t, &st), ISMS_OK);
    assert_int_equal(log_checkpoint(t, &kp, &e->a, &cp, &st), ISMS_ECONFLICT); /* empty log */
    assert_non_null(strstr(st.detail, "empty"));
    store_rollback(t);
    store_return(c);

    create(e, &fixture_parent, "P");
    create(e, &fixture_parent, "Q");
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    assert_int_equal(store_begin(c, &e->ctx, &t, &st), ISMS_OK);
    assert_int_equal(log_checkpoint(t, &kp, &e->a, &cp, &st), ISMS_OK);
    assert_int_equal(store_commit(t, &st), ISMS_OK);
    assert_int_equal(cp.seq, 2);
    assert_string_equal(cp.at, e->ctx.now);
    assert_true(changelog_checkpoint_valid(kp.pk, &cp));
    int64_t seq;
    assert_int_equal(store_checkpoint_last_seq(c, &seq, &st), ISMS_OK);
    assert_int_equal(seq, 2);
    store_return(c);

    log_verify_options o = {.public_keys = kp.pk, .npublic_keys = 1};
    log_verify_result r = verify(e, &o);
    assert_true(r.ok);
    assert_int_equal(r.checkpoints, 1);
    assert_true(r.signatures_checked);
    assert_int_equal(r.records, 2);
    o.public_keys = other.pk;
    r = verify(e, &o);
    assert_false(r.ok);
    assert_string_equal(r.problem, "checkpoint_invalid");
    assert_int_equal(r.bad_seq, 2);
    /* Several keys (an old one kept after a rotation): the key id picks the one. */
    unsigned char both[2][CHANGELOG_PUBLIC_KEY];
    memcpy(both[0], other.pk, CHANGELOG_PUBLIC_KEY);
    memcpy(both[1], kp.pk, CHANGELOG_PUBLIC_KEY);
    o = (log_verify_options){.public_keys = both[0], .npublic_keys = 2};
    assert_true(verify(e, &o).ok);
    /* Without a key, checkpoints are still compared with the chain. */
    r = verify(e, NULL);
    assert_true(r.ok);
    assert_int_equal(r.checkpoints, 1);
    assert_false(r.signatures_checked);
    /* An expected hash recorded elsewhere: the right one passes, others fail. */
    o = (log_verify_options){.expect_seq = 2, .expect_hash = cp.hash};
    assert_true(verify(e, &o).ok);
    o.expect_hash = changelog_genesis;
    r = verify(e, &o);
    assert_false(r.ok);
    assert_string_equal(r.problem, "rewritten");
    o = (log_verify_options){.expect_seq = 3, .expect_hash = cp.hash};
    r = verify(e, &o);
    assert_false(r.ok);
    assert_string_equal(r.problem, "truncated");
    changelog_keypair_wipe(&kp);
    changelog_keypair_wipe(&other);
}

/* Writes to the record tables that bypass isms are caught by comparing with the log. */
static void test_verify_finds_writes_around_isms(void **state)
{
    if (!is_sqlite())
        skip();
    env *e = *state;
    int64_t p = create(e, &fixture_parent, "P");
    create(e, &fixture_parent, "Q");
    int64_t s1 = create(e, &fixture_specimen, "S");
    ASSERT_VERIFIES(e);
    sqlite3 *db = raw_open(e);
    raw_exec(db, "UPDATE parent_thing SET title = 'P changed' WHERE id = 1");
    log_verify_result r = verify(e, NULL);
    assert_false(r.ok);
    assert_string_equal(r.problem, "record_changed");
    assert_non_null(strstr(r.detail, "PAR-1"));
    assert_int_equal(r.bad_seq, 1);
    raw_exec(db, "UPDATE parent_thing SET title = 'P' WHERE id = 1");
    ASSERT_VERIFIES(e);
    raw_exec(db, "INSERT INTO parent_thing (version, created_at, created_by, updated_at, "
                 "updated_by, title) VALUES (1, 'x', 'mallory', 'x', 'mallory', 'Planted')");
    r = verify(e, NULL);
    assert_false(r.ok);
    assert_string_equal(r.problem, "record_unlogged");
    assert_non_null(strstr(r.detail, "PAR-3"));
    raw_exec(db, "DELETE FROM parent_thing WHERE id = 3");
    raw_exec(db, "DELETE FROM specimen WHERE id = 1");
    r = verify(e, NULL);
    assert_false(r.ok);
    assert_string_equal(r.problem, "record_missing");
    assert_non_null(strstr(r.detail, "SPC-1"));
    sqlite3_close(db);
    (void)p;
    (void)s1;
    /* The chain-only check passes all of this. */
    log_verify_options o = {.skip_records = true};
    assert_true(verify(e, &o).ok);
}

/* A store that held records before the log: they get one baseline entry, once. */
static void test_baseline_of_older_records(void **state)
{
    if (!is_sqlite())
        skip();
    env *e = *state;
    /* Records written straight through the store, as before the change log existed. */
    store_conn *c;
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    store_txn *t;
    assert_int_equal(store_begin(c, &e->ctx, &t, &st), ISMS_OK);
    for (int i = 0; i < 3; i++) {
        isms_record *r = record_new(&e->a, &fixture_parent);
        *record_value(r, "title") = (isms_value){.set = true, .s = "old"};
        assert_int_equal(store_insert(t, r, &st), ISMS_OK);
    }
    assert_int_equal(store_retire(t, &fixture_parent, 2, 1, "long ago", &st), ISMS_OK);
    assert_int_equal(store_setting_put(t, "change_log_baseline", "pending", &st), ISMS_OK);
    assert_int_equal(store_commit(t, &st), ISMS_OK);
    store_return(c);
    assert_false(verify(e, NULL).ok); /* records without entries */
    store_free(e->s);

    store_options opt = {.pool_size = 2, .migrations = fixture_migrations(g_driver)};
    assert_int_equal(store_open(&e->s, fixture_registry(), e->url, &opt, &st), ISMS_OK);
    entries *l = all_entries(e);
    assert_int_equal(l->n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(l->items[i].action, "baseline");
        assert_string_equal(l->items[i].channel, "migration");
        assert_int_equal(l->items[i].record_id, (int64_t)i + 1);
    }
    assert_int_equal(l->items[1].version, 2);
    ASSERT_VERIFIES(e);
    /* Opening again writes nothing more. */
    store_free(e->s);
    assert_int_equal(store_open(&e->s, fixture_registry(), e->url, &opt, &st), ISMS_OK);
    assert_int_equal(last_seq(e), 3);
    create(e, &fixture_parent, "new");
    assert_int_equal(last_seq(e), 4);
    ASSERT_VERIFIES(e);
}

static void test_empty_log_verifies(void **state)
{
    env *e = *state;
    log_verify_result r = verify(e, NULL);
    assert_true(r.ok);
    assert_int_equal(r.entries, 0);
    assert_int_equal(r.last_seq, 0);
    assert_string_equal(r.last_hash, changelog_genesis);
    assert_null(r.problem);
}

/*
 * Two instances (stores with pools of their own) on one database, each with
 * writers in threads: the chain never forks (every entry is last + 1 of the
 * chain the others committed), and it verifies.
 */
enum { INSTANCES = 2, WRITERS = 3, WRITES = 15 };

static void *write_many(void *arg)
{
    env *te = arg;
    for (int i = 0; i < WRITES; i++)
        must(te, (op){.what = OP_CREATE, .k = &fixture_parent, .title = "concurrent"});
    return NULL;
}

static void test_concurrent_instances_keep_one_chain(void **state)
{
    env *e = *state;
    store *other = NULL;
    store_options opt = {.pool_size = 2, .migrations = fixture_migrations(g_driver)};
    isms_status st;
    if (store_open(&other, fixture_registry(), e->url, &opt, &st) != ISMS_OK)
        fail_msg("second instance: %s", st.detail);
    env te[INSTANCES * WRITERS];
    pthread_t th[INSTANCES * WRITERS];
    for (size_t i = 0; i < INSTANCES * WRITERS; i++) {
        te[i] = *e;
        te[i].s = i % INSTANCES ? other : e->s;
        arena_init(&te[i].a);
        assert_int_equal(pthread_create(&th[i], NULL, write_many, &te[i]), 0);
    }
    for (size_t i = 0; i < INSTANCES * WRITERS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        arena_dispose(&te[i].a);
    }
    store_free(other);
    assert_int_equal(last_seq(e), INSTANCES * WRITERS * WRITES);
    ASSERT_VERIFIES(e);
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
        T(test_every_write_is_logged_in_order),
        T(test_concurrent_instances_keep_one_chain),
        T(test_refused_writes_log_nothing),
        T(test_failed_entry_fails_the_write),
        T(test_entries_by_record_and_version),
        T(test_history_decodes_every_field_type),
        T(test_redaction),
        T(test_triggers_refuse_changes),
        T(test_checkpoints),
        T(test_verify_finds_writes_around_isms),
        T(test_baseline_of_older_records),
        T(test_empty_log_verifies),
    };
#undef T
    return cmocka_run_group_tests_name(g_driver, tests, NULL, NULL);
}
