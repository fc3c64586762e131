/*
 * Migrations, run once per driver (the program's first argument): a new
 * database reaches the newest schema, the migrated schema is exactly the one
 * the product registry implies, existing databases are reopened safely, and
 * foreign, newer or half-migrated databases are refused or left whole.
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
#include <unistd.h>

#include "../support/fixture.h"
#include "core/record.h"
#include "core/log_verify.h"
#include "core/records.h"
#include "store/driver.h"
#include "store/migrate.h"
#include "store/sqlgen.h"
#include "store/store.h"

static const char *g_driver = "sqlite";

static bool is_sqlite(void)
{
    return strcmp(g_driver, "sqlite") == 0;
}

static const store_driver *driver_of(const char *name)
{
    return fixture_driver(name);
}

/* A fresh database location, removed by the teardown. */
static int setup(void **state)
{
    char *url = malloc(512);
    if (!url)
        return -1;
    test_db_url(g_driver, url, 512);
    *state = url;
    return 0;
}

static int teardown(void **state)
{
    test_db_cleanup(*state);
    free(*state);
    return 0;
}

static isms_err open_store(store **s, const isms_registry *reg, const char *url, bool create,
                           const migration_set *set, isms_status *st)
{
    store_options opt = {.pool_size = 1, .create = create, .migrations = set};
    *s = NULL;
    return store_open(s, reg, url, &opt, st);
}

static store *open_ok(const isms_registry *reg, const char *url, bool create,
                      const migration_set *set)
{
    store *s;
    isms_status st;
    if (open_store(&s, reg, url, create, set, &st) != ISMS_OK)
        fail_msg("store_open %s: %s", url, st.detail);
    return s;
}

static const char *describe(store *s, arena *a)
{
    store_conn *c;
    isms_status st;
    status_clear(&st);
    if (store_borrow(s, &c, &st) != ISMS_OK)
        fail_msg("borrow: %s", st.detail);
    const char *out = NULL;
    isms_err rc = store_describe_schema(c, a, &out, &st);
    store_return(c);
    if (rc != ISMS_OK)
        fail_msg("describe: %s", st.detail);
    return out;
}

/* --- a readable line diff (longest common subsequence) ------------------ */

typedef struct lines {
    char **v;
    size_t n;
    char *buf;
} lines;

static lines split_lines(const char *text)
{
    lines l = {0};
    l.buf = strdup(text);
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == '\n';
    l.v = calloc(cap, sizeof(char *));
    if (!l.buf || !l.v)
        abort();
    for (char *p = l.buf; *p;) {
        char *nl = strchr(p, '\n');
        l.v[l.n++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    return l;
}

static void print_diff(const char *want_name, const char *want, const char *got_name,
                       const char *got)
{
    lines a = split_lines(want), b = split_lines(got);
    size_t w = b.n + 1;
    unsigned *lcs = calloc((a.n + 1) * w, sizeof(unsigned));
    if (!lcs)
        abort();
    for (size_t i = a.n; i-- > 0;)
        for (size_t j = b.n; j-- > 0;)
            lcs[i * w + j] = strcmp(a.v[i], b.v[j]) == 0
                                 ? lcs[(i + 1) * w + j + 1] + 1
                                 : (lcs[(i + 1) * w + j] > lcs[i * w + j + 1] ? lcs[(i + 1) * w + j]
                                                                              : lcs[i * w + j + 1]);
    fprintf(stderr, "--- %s\n+++ %s\n", want_name, got_name);
    /* Each change is shown under the table it belongs to. */
    const char *table = NULL, *table_shown = NULL;
    size_t i = 0, j = 0, shown = 0;
    while ((i < a.n || j < b.n) && shown < 400) {
        const char *line;
        char mark;
        if (i < a.n && j < b.n && strcmp(a.v[i], b.v[j]) == 0) {
            if (strncmp(a.v[i], "table ", 6) == 0)
                table = a.v[i];
            i++, j++;
            continue;
        }
        if (i < a.n && (j == b.n || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]))
            mark = '-', line = a.v[i++];
        else
            mark = '+', line = b.v[j++];
        if (table && table != table_shown && strncmp(line, "table ", 6) != 0)
            fprintf(stderr, "  %s\n", table);
        table_shown = table;
        fprintf(stderr, "%c %s\n", mark, line);
        shown++;
    }
    free(lcs);
    free(a.v);
    free(a.buf);
    free(b.v);
    free(b.buf);
}

/* --- direct SQLite access, for states isms itself never produces ------- */

static sqlite3 *raw_open(const char *url)
{
    sqlite3 *db = NULL;
    const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        fail_msg("sqlite3_open %s: %s", path, sqlite3_errmsg(db));
    return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
        sqlite3_free(err);
        fail();
    }
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

static bool raw_journal_is(sqlite3 *db, const char *mode)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL) != SQLITE_OK)
        fail_msg("prepare: %s", sqlite3_errmsg(db));
    bool is =
        sqlite3_step(s) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), mode) == 0;
    sqlite3_finalize(s);
    return is;
}

static bool raw_has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                           "name = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        fail_msg("prepare: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    bool has = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0;
    sqlite3_finalize(s);
    return has;
}

/* ======================================================================= */

static void test_create_reaches_newest_version(void **state)
{
    const char *url = *state;
    migration_set set = migrations_for(driver_of(g_driver)->dialect->name);
    assert_true(set.n >= 1);
    for (size_t i = 0; i < set.n; i++) {
        assert_int_equal(set.items[i].version, (int)i + 1);
        assert_non_null(set.items[i].name);
        assert_non_null(set.items[i].sql);
    }
    store *s = open_ok(registry_default(), url, true, NULL);
    assert_int_equal(store_schema_version(s), (int)set.n);
    assert_ptr_equal(store_registry(s), registry_default());
    store_free(s);

    if (is_sqlite()) {
        sqlite3 *db = raw_open(url);
        assert_int_equal(raw_int(db, "SELECT count(*) FROM isms_schema"), (int64_t)set.n);
        assert_int_equal(raw_int(db, "SELECT max(version) FROM isms_schema"), (int64_t)set.n);
        assert_true(raw_journal_is(db, "wal"));
        assert_int_equal(raw_int(db, "SELECT count(*) FROM isms_schema WHERE name = '' OR "
                                     "applied_at NOT LIKE '____-__-__T__:__:__.___Z'"),
                         0);
        sqlite3_close(db);
    }
}

static void test_migrated_schema_equals_registry_schema(void **state)
{
    const char *url = *state;
    const store_driver *d = driver_of(g_driver);
    store *migrated = open_ok(registry_default(), url, true, NULL);

    /* A database made in one step from the DDL the registry implies. */
    strbuf ddl;
    strbuf_init(&ddl, 1u << 20);
    schema_ddl(registry_default(), d->dialect, &ddl);
    assert_true(strbuf_ok(&ddl));
    migration m = {1, "the schema the registry implies", ddl.ptr};
    migration_set one = {&m, 1};
    char url2[512];
    test_db_url(g_driver, url2, sizeof(url2));
    store *fresh = open_ok(registry_default(), url2, true, &one);
    assert_int_equal(store_schema_version(fresh), 1);

    arena a;
    arena_init(&a);
    const char *got = describe(migrated, &a);
    const char *want = describe(fresh, &a);
    assert_non_null(strstr(want, "table isms_schema\n"));
    assert_non_null(strstr(want, "table isms_settings\n"));
    /* The description covers columns, foreign keys and indexes. */
    assert_non_null(strstr(want, "  column id INTEGER"));
    assert_non_null(strstr(want, "  fk party -> interested_party id"));
    assert_non_null(strstr(want, "  index requirement__party plain party,id\n"));
    for (size_t i = 0; i < registry_default()->nkinds; i++) {
        char line[128];
        snprintf(line, sizeof(line), "table %s\n", registry_default()->kinds[i]->table);
        assert_non_null(strstr(want, line));
    }
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "The migrated schema differs from the one the registry implies.\n"
                        "Add a migration that makes the database match the registry:\n");
        print_diff("registry schema", want, "migrated schema", got);
        fail_msg("migrated schema != registry schema");
    }
    arena_dispose(&a);
    strbuf_dispose(&ddl);
    store_free(migrated);
    store_free(fresh);
    test_db_cleanup(url2);
}

static void test_reopen_keeps_data(void **state)
{
    const char *url = *state;
    const isms_registry *reg = registry_default();
    const isms_kind *party = registry_kind(reg, "interested-party");
    assert_non_null(party);
    int newest = (int)migrations_for(driver_of(g_driver)->dialect->name).n;

    store *s = open_ok(reg, url, true, NULL);
    store_conn *c;
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_borrow(s, &c, &st), ISMS_OK);
    isms_write_ctx ctx;
    write_ctx_init(&ctx, "alice", "cli");
    store_txn *t;
    assert_int_equal(store_begin(c, &ctx, &t, &st), ISMS_OK);
    arena a;
    arena_init(&a);
    isms_record *r = record_new(&a, party);
    *record_value(r, "title") = (isms_value){.set = true, .s = "Customers"};
    *record_value(r, "category") = (isms_value){.set = true, .s = "customer"};
    *record_value(r, "origin") = (isms_value){.set = true, .s = "external"};
    if (records_create(t, r, &a, &st) != ISMS_OK)
        fail_msg("create: %s", st.detail);
    assert_int_equal(store_setting_put(t, "organization", "Acme", &st), ISMS_OK);
    assert_int_equal(store_commit(t, &st), ISMS_OK);
    store_return(c);
    store_free(s);

    for (int round = 0; round < 2; round++) {
        s = open_ok(reg, url, false, NULL);
        assert_int_equal(store_schema_version(s), newest);
        status_clear(&st);
        assert_int_equal(store_borrow(s, &c, &st), ISMS_OK);
        isms_record *g = NULL;
        assert_int_equal(store_get(c, party, r->id, &a, &g, &st), ISMS_OK);
        assert_string_equal(record_title(g), "Customers");
        assert_string_equal(record_value(g, "category")->s, "customer");
        assert_string_equal(g->created_by, "alice");
        const char *org = NULL;
        assert_int_equal(store_setting_get(c, "organization", &a, &org, &st), ISMS_OK);
        assert_string_equal(org, "Acme");
        store_return(c);
        store_free(s);
    }
    /* "sqlite:PATH" names the same database. */
    if (is_sqlite()) {
        char prefixed[600];
        snprintf(prefixed, sizeof(prefixed), "sqlite:%s", url);
        s = open_ok(reg, prefixed, false, NULL);
        assert_int_equal(store_schema_version(s), newest);
        store_free(s);
    }
    arena_dispose(&a);
}

static void test_create_on_existing_isms_is_refused(void **state)
{
    const char *url = *state;
    store *s = open_ok(registry_default(), url, true, NULL);
    store_free(s);
    isms_status st;
    assert_int_equal(open_store(&s, registry_default(), url, true, NULL, &st), ISMS_ECONFLICT);
    assert_null(s);
    assert_non_null(strstr(st.detail, "already holds an ISMS"));
    /* And it is still usable. */
    s = open_ok(registry_default(), url, false, NULL);
    store_free(s);
}

static void test_missing_database_is_not_found(void **state)
{
    const char *url = *state;
    store *s;
    isms_status st;
    assert_int_equal(open_store(&s, registry_default(), url, false, NULL, &st), ISMS_ENOTFOUND);
    assert_null(s);
    assert_true(st.detail[0] != '\0');
    if (is_sqlite())
        assert_int_not_equal(access(url, F_OK), 0); /* nothing was created */

    /* An empty SQLite file holds no ISMS either. */
    if (is_sqlite()) {
        FILE *f = fopen(url, "w");
        assert_non_null(f);
        fclose(f);
        assert_int_equal(open_store(&s, registry_default(), url, false, NULL, &st), ISMS_ENOTFOUND);
        assert_null(s);
    }
}

static void test_non_sqlite_file_is_refused(void **state)
{
    if (!is_sqlite())
        skip();
    const char *url = *state;
    const char text[] = "This is a plain text file, not a database.\nSecond line of it.\n";
    FILE *f = fopen(url, "w");
    assert_non_null(f);
    for (int i = 0; i < 100; i++)
        fputs(text, f);
    fclose(f);

    store *s;
    isms_status st;
    assert_int_equal(open_store(&s, registry_default(), url, false, NULL, &st), ISMS_EINVALID);
    assert_null(s);
    assert_non_null(strstr(st.detail, "not an isms database"));
    assert_int_equal(open_store(&s, registry_default(), url, true, NULL, &st), ISMS_EINVALID);
    assert_null(s);

    /* The file is untouched. */
    f = fopen(url, "r");
    assert_non_null(f);
    char line[128];
    assert_non_null(fgets(line, sizeof(line), f));
    assert_string_equal(line, "This is a plain text file, not a database.\n");
    fseek(f, 0, SEEK_END);
    assert_int_equal(ftell(f), (long)(100 * (sizeof(text) - 1)));
    fclose(f);
}

static void test_foreign_sqlite_database_is_refused(void **state)
{
    if (!is_sqlite())
        skip();
    const char *url = *state;
    sqlite3 *db = raw_open(url);
    raw_exec(db, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);"
                 "INSERT INTO customers (name) VALUES ('someone');");
    sqlite3_close(db);

    store *s;
    isms_status st;
    assert_int_equal(open_store(&s, registry_default(), url, false, NULL, &st), ISMS_EINVALID);
    assert_null(s);
    assert_non_null(strstr(st.detail, "is not an isms database"));
    assert_int_equal(open_store(&s, registry_default(), url, true, NULL, &st), ISMS_ECONFLICT);
    assert_null(s);
    assert_non_null(strstr(st.detail, "already holds other data"));

    /* Nothing of ours was added, and its data is intact. */
    db = raw_open(url);
    assert_false(raw_has_table(db, "isms_schema"));
    assert_false(raw_has_table(db, "isms_settings"));
    assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"), 1);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM customers"), 1);
    /* Not even its journal mode changed. */
    assert_true(raw_journal_is(db, "delete"));
    sqlite3_close(db);
}

static void test_newer_database_is_refused(void **state)
{
    if (!is_sqlite())
        skip();
    const char *url = *state;
    int newest = (int)migrations_for(driver_of(g_driver)->dialect->name).n;
    store *s = open_ok(registry_default(), url, true, NULL);
    store_free(s);

    sqlite3 *db = raw_open(url);
    char sql[256];
    snprintf(sql, sizeof(sql),
             "INSERT INTO isms_schema (version, name, applied_at) "
             "VALUES (%d, 'from the future', '2099-01-01T00:00:00.000Z')",
             newest + 1);
    raw_exec(db, sql);
    sqlite3_close(db);

    isms_status st;
    assert_int_equal(open_store(&s, registry_default(), url, false, NULL, &st), ISMS_ECONFLICT);
    assert_null(s);
    assert_non_null(strstr(st.detail, "newer"));
    char at[64];
    snprintf(at, sizeof(at), "version %d", newest + 1);
    assert_non_null(strstr(st.detail, at));

    /* Refusing it changed nothing. */
    db = raw_open(url);
    assert_int_equal(raw_int(db, "SELECT max(version) FROM isms_schema"), newest + 1);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM isms_schema"), newest + 1);
    sqlite3_close(db);
}

static void test_failed_migration_keeps_previous_version(void **state)
{
    const char *url = *state;
    const migration *base = &fixture_migrations(g_driver)->items[0];
    migration bad[2] = {
        *base,
        {2, "add extra",
         "CREATE TABLE \"extra\" (\"x\" INTEGER);\n"
         "INSERT INTO \"extra\" (\"x\") VALUES (1);\n"
         "INSERT INTO \"no_such_table\" VALUES (1);\n"},
    };
    migration_set bad_set = {bad, 2};
    store *s;
    isms_status st;
    assert_int_equal(open_store(&s, fixture_registry(), url, true, &bad_set, &st), ISMS_ESTORE);
    assert_null(s);
    assert_non_null(strstr(st.detail, "migration 2 (add extra) failed"));
    assert_non_null(strstr(st.detail, "no_such_table"));

    /* Still a working database at version 1, without any part of migration 2. */
    migration_set first = {bad, 1};
    s = open_ok(fixture_registry(), url, false, &first);
    assert_int_equal(store_schema_version(s), 1);
    arena a;
    arena_init(&a);
    const char *schema = describe(s, &a);
    assert_null(strstr(schema, "table extra\n"));
    assert_non_null(strstr(schema, "table specimen\n"));
    store_free(s);

    if (is_sqlite()) {
        sqlite3 *db = raw_open(url);
        assert_int_equal(raw_int(db, "SELECT max(version) FROM isms_schema"), 1);
        assert_int_equal(raw_int(db, "SELECT count(*) FROM isms_schema"), 1);
        assert_false(raw_has_table(db, "extra"));
        sqlite3_close(db);
    }

    /* Trying again with the broken set fails the same way and changes nothing. */
    assert_int_equal(open_store(&s, fixture_registry(), url, false, &bad_set, &st), ISMS_ESTORE);
    assert_null(s);
    assert_non_null(strstr(st.detail, "migration 2 (add extra) failed"));

    /* A fixed migration 2 then applies. */
    migration fixed[2] = {*base, {2, "add extra", "CREATE TABLE \"extra\" (\"x\" INTEGER);\n"}};
    migration_set fixed_set = {fixed, 2};
    s = open_ok(fixture_registry(), url, false, &fixed_set);
    assert_int_equal(store_schema_version(s), 2);
    schema = describe(s, &a);
    assert_non_null(strstr(schema, "table extra\n"));
    store_free(s);
    arena_dispose(&a);
}

/* --- migration 0003: owners become people ------------------------------ */

static char *raw_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    char *out = NULL;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        out = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out ? out : strdup("");
}

/* Every row of table, every column but the owner, quoted, in id order. */
static char *rows_but_owner(sqlite3 *db, const char *table, const char *order)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT group_concat('quote(\"' || name || '\")', ' || ''|'' || ') FROM "
             "pragma_table_info('%s') WHERE name <> 'owner'",
             table);
    char *cols = raw_text(db, sql);
    size_t size = strlen(cols) + 256;
    char *q = malloc(size);
    assert_non_null(q);
    snprintf(q, size, "SELECT group_concat(r, char(10)) FROM (SELECT %s AS r FROM \"%s\" "
                      "ORDER BY %s)",
             cols, table, order);
    char *rows = raw_text(db, q);
    free(q);
    free(cols);
    return rows;
}

static const char *const people_tables[][2] = {
    {"context_issue", "id"},   {"interested_party", "id"},
    {"requirement", "id"},     {"process", "id"},
    {"process__interacts_with", "src, pos"},
};
enum { PEOPLE_TABLES = sizeof(people_tables) / sizeof(people_tables[0]) };

/* The owner column as "id:owner" pairs, with a person's name for a person id. */
static char *owners_of(sqlite3 *db, const char *table, bool people)
{
    char sql[512];
    if (people)
        snprintf(sql, sizeof(sql),
                 "SELECT group_concat(pair, ',') FROM (SELECT t.id || ':' || "
                 "coalesce(p.name, 'NULL') AS pair FROM \"%s\" AS t LEFT JOIN person AS p "
                 "ON p.id = t.owner ORDER BY t.id)",
                 table);
    else
        snprintf(sql, sizeof(sql),
                 "SELECT group_concat(id || ':' || coalesce(owner, 'NULL'), ',') FROM "
                 "(SELECT * FROM \"%s\" ORDER BY id)",
                 table);
    return raw_text(db, sql);
}

static void test_people_migration_converts_owners(void **state)
{
    if (!is_sqlite())
        skip();
    const char *url = *state;
    migration_set all = migrations_for("sqlite");
    migration_set first = {all.items, 1};
    store *s = open_ok(registry_default(), url, true, &first);
    assert_int_equal(store_schema_version(s), 1);
    store_free(s);

    /* Version 1: owners are text, some blank; one process was deleted (PRC-7). */
    sqlite3 *db = raw_open(url);
    raw_exec(db,
             "INSERT INTO context_issue (id, version, created_at, created_by, updated_at, "
             "updated_by, title, origin, category, owner, status, climate_related) VALUES "
             "(1, 3, '2024-01-02T10:00:00.000Z', 'alice', '2024-03-04T11:00:00.000Z', 'bob', "
             "'Skills shortage', 'internal', 'organizational', 'Anna Schmidt', 'open', 0),"
             "(2, 1, '2024-01-02T10:00:00.000Z', 'alice', '2024-01-02T10:00:00.000Z', 'alice', "
             "'Cloud dependence', 'external', 'technological', '  Anna Schmidt ', 'monitored', 1),"
             "(3, 2, '2024-01-02T10:00:00.000Z', 'alice', '2024-01-05T10:00:00.000Z', 'alice', "
             "'Blank owner', 'external', 'legal', '', 'open', NULL),"
             "(4, 1, '2024-01-02T10:00:00.000Z', 'alice', '2024-01-02T10:00:00.000Z', 'alice', "
             "'No owner', 'internal', 'other', NULL, 'closed', NULL);"
             "INSERT INTO interested_party (id, version, created_at, created_by, updated_at, "
             "updated_by, title, category, origin, owner, contact) VALUES "
             "(1, 1, '2024-01-02T10:00:00.000Z', 'alice', '2024-01-02T10:00:00.000Z', 'alice', "
             "'Customers', 'customer', 'external', 'Ben Ng', 'sales@example.com'),"
             "(2, 4, '2024-01-02T10:00:00.000Z', 'alice', '2024-02-02T10:00:00.000Z', 'carol', "
             "'Regulator', 'regulator', 'external', '   ', NULL);"
             "INSERT INTO requirement (id, version, created_at, created_by, updated_at, "
             "updated_by, retired_at, retired_by, retired_reason, title, party, type, "
             "addressed, how_addressed, owner) VALUES "
             "(1, 2, '2024-01-02T10:00:00.000Z', 'alice', '2024-01-03T10:00:00.000Z', 'alice', "
             "'2024-01-03T10:00:00.000Z', 'alice', 'obsolete', 'Delivery times', 1, "
             "'contractual', 'yes', 'SLA monitoring', 'Chloe Park');"
             "INSERT INTO process (id, version, created_at, created_by, updated_at, updated_by, "
             "title, owner, status, externally_provided) VALUES "
             "(2, 1, '2024-01-02T10:00:00.000Z', 'alice', '2024-01-02T10:00:00.000Z', 'alice', "
             "'Risk management', 'Anna Schmidt', 'operating', 0),"
             "(5, 6, '2024-01-02T10:00:00.000Z', 'alice', '2024-04-02T10:00:00.000Z', 'dave', "
             "'Internal audit', 'Ben Ng', 'planned', 0);"
             "INSERT INTO process__interacts_with (src, pos, dst) VALUES (5, 0, 2);"
             "UPDATE sqlite_sequence SET seq = 7 WHERE name = 'process';");
    char *before[PEOPLE_TABLES], *owners_before[4];
    for (size_t i = 0; i < PEOPLE_TABLES; i++)
        before[i] = rows_but_owner(db, people_tables[i][0], people_tables[i][1]);
    for (size_t i = 0; i < 4; i++)
        owners_before[i] = owners_of(db, people_tables[i][0], false);
    assert_string_equal(owners_before[0], "1:Anna Schmidt,2:  Anna Schmidt ,3:,4:NULL");
    sqlite3_close(db);

    s = open_ok(registry_default(), url, false, NULL);
    assert_int_equal(store_schema_version(s), (int)all.n);
    store_free(s);

    db = raw_open(url);
    /* One person per distinct non-blank owner, by name, with the migration's metadata. */
    char *people = raw_text(db, "SELECT group_concat(name, ',') FROM (SELECT name FROM person "
                                "ORDER BY id)");
    assert_string_equal(people, "Anna Schmidt,Ben Ng,Chloe Park");
    free(people);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM person WHERE version = 1 AND "
                                 "created_by = 'migration' AND updated_by = 'migration' AND "
                                 "created_at = updated_at AND created_at LIKE "
                                 "'____-__-__T__:__:__.___Z' AND retired_at IS NULL AND "
                                 "job_title IS NULL AND manager IS NULL"),
                     3);
    /* Owners point to them; blank owners became NULL. */
    const char *want_owners[4] = {"1:Anna Schmidt,2:Anna Schmidt,3:NULL,4:NULL",
                                  "1:Ben Ng,2:NULL", "1:Chloe Park",
                                  "2:Anna Schmidt,5:Ben Ng"};
    for (size_t i = 0; i < 4; i++) {
        char *got = owners_of(db, people_tables[i][0], true);
        assert_string_equal(got, want_owners[i]);
        free(got);
    }
    assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                 "sql LIKE '%\"owner\" TEXT%'"),
                     0);
    assert_int_equal(raw_int(db, "SELECT typeof(owner) = 'integer' FROM process WHERE id = 5"),
                     1);
    /* Ids, versions, bookkeeping and every other value are as they were. */
    for (size_t i = 0; i < PEOPLE_TABLES; i++) {
        char *after = rows_but_owner(db, people_tables[i][0], people_tables[i][1]);
        assert_string_equal(after, before[i]);
        free(after);
        free(before[i]);
    }
    for (size_t i = 0; i < 4; i++)
        free(owners_before[i]);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_int_equal(raw_int(db, "SELECT seq FROM sqlite_sequence WHERE name = 'process'"), 7);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_temp_master"), 0);
    sqlite3_close(db);

    /* The store reads the converted records, and a deleted record's id is not reused. */
    s = open_ok(registry_default(), url, false, NULL);
    store_conn *c;
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_borrow(s, &c, &st), ISMS_OK);
    arena a;
    arena_init(&a);
    /*
     * The change log holds each record as the upgrade left it (owners as
     * people, the people themselves): one baseline entry each, and it verifies.
     */
    db = raw_open(url);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM isms_change_log"), 4 + 2 + 1 + 2 + 3);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM isms_change_log WHERE action = 'baseline' "
                                 "AND actor = 'isms' AND channel = 'migration'"),
                     12);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM isms_change_log WHERE kind = 'person'"), 3);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM isms_change_log WHERE kind = 'process' "
                                 "AND record_id = 5 AND content LIKE '%\"owner\":\"PER-2\"%'"),
                     1);
    sqlite3_close(db);
    log_verify_options vo = {0};
    log_verify_result vr;
    assert_int_equal(log_verify(c, registry_default(), &vo, &vr, &st), ISMS_OK);
    if (!vr.ok)
        fail_msg("log verify: %s", vr.detail);
    assert_int_equal(vr.records, 12);
    const isms_kind *process = registry_kind(registry_default(), "process");
    isms_record *p5 = NULL;
    assert_int_equal(store_get(c, process, 5, &a, &p5, &st), ISMS_OK);
    assert_int_equal(p5->version, 6);
    assert_int_equal(record_value(p5, "owner")->i, 2);
    assert_int_equal(record_value(p5, "interacts_with")->n, 1);
    assert_int_equal(record_value(p5, "interacts_with")->ids[0], 2);
    isms_write_ctx ctx;
    write_ctx_init(&ctx, "alice", "cli");
    store_txn *t;
    assert_int_equal(store_begin(c, &ctx, &t, &st), ISMS_OK);
    isms_record *r = record_new(&a, process);
    *record_value(r, "title") = (isms_value){.set = true, .s = "Supplier management"};
    *record_value(r, "owner") = (isms_value){.set = true, .i = 3};
    if (records_create(t, r, &a, &st) != ISMS_OK)
        fail_msg("create: %s", st.detail);
    assert_int_equal(r->id, 8);
    assert_int_equal(store_commit(t, &st), ISMS_OK);
    store_return(c);
    store_free(s);
    arena_dispose(&a);
}

/* Two instances opening one database together: the migrations run once. */
typedef struct opener {
    const char *url;
    isms_err rc;
    isms_status st;
    int version;
} opener;

static void *open_concurrently(void *arg)
{
    opener *o = arg;
    store *s = NULL;
    o->rc = open_store(&s, registry_default(), o->url, false, NULL, &o->st);
    o->version = s ? store_schema_version(s) : -1;
    store_free(s);
    return NULL;
}

static void test_instances_starting_together_migrate_once(void **state)
{
    const char *url = *state;
    migration_set all = migrations_for(driver_of(g_driver)->dialect->name);
    migration_set first = {all.items, 1};
    store_free(open_ok(registry_default(), url, true, &first));
    opener o[4];
    pthread_t th[4];
    for (size_t i = 0; i < 4; i++) {
        o[i] = (opener){.url = url};
        assert_int_equal(pthread_create(&th[i], NULL, open_concurrently, &o[i]), 0);
    }
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        if (o[i].rc != ISMS_OK)
            fail_msg("instance %zu: %s", i, o[i].st.detail);
        assert_int_equal(o[i].version, (int)all.n);
    }
    /* A version applied twice would have failed an instance: it is isms_schema's key. */
    store *s = open_ok(registry_default(), url, false, NULL);
    assert_int_equal(store_schema_version(s), (int)all.n);
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
        T(test_create_reaches_newest_version),
        T(test_migrated_schema_equals_registry_schema),
        T(test_reopen_keeps_data),
        T(test_create_on_existing_isms_is_refused),
        T(test_missing_database_is_not_found),
        T(test_non_sqlite_file_is_refused),
        T(test_foreign_sqlite_database_is_refused),
        T(test_newer_database_is_refused),
        T(test_failed_migration_keeps_previous_version),
        T(test_people_migration_converts_owners),
        T(test_instances_starting_together_migrate_once),
    };
#undef T
    return cmocka_run_group_tests_name(g_driver, tests, NULL, NULL);
}
