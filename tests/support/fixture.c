#include "fixture.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/record.h"
#include "store/driver.h"
#include "store/sqlgen.h"

static const char *const levels[] = {"low", "mid", "high", NULL};
static const char *const statuses[] = {"open", "done", NULL};
static const char *const closed[] = {"done", NULL};

static const isms_field parent_fields[] = {
    {.name = "title", .label = "Title", .help = "Name", .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_LISTED, .role = ROLE_TITLE, .max_len = 200},
    {.name = "code", .label = "Code", .help = "A code", .type = FT_TEXT,
     .flags = FF_SORTABLE | FF_FILTERABLE, .max_len = 20},
};

const isms_kind fixture_parent = {
    .name = "parent-thing", .plural = "parent-things", .table = "parent_thing",
    .prefix = "PAR", .clause = "4.1", .label = "Parent thing", .label_plural = "Parent things",
    .help = "A test parent", .fields = parent_fields,
    .nfields = sizeof(parent_fields) / sizeof(parent_fields[0]),
};

static const isms_field specimen_fields[] = {
    {.name = "title", .label = "Title", .help = "Name", .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_LISTED, .role = ROLE_TITLE, .max_len = 200},
    {.name = "note", .label = "Note", .help = "Long text", .type = FT_LONGTEXT, .max_len = 50},
    {.name = "count", .label = "Count", .help = "Integer", .type = FT_INT,
     .flags = FF_SORTABLE | FF_FILTERABLE, .min = 0, .max = 100},
    {.name = "amount", .label = "Amount", .help = "Decimal", .type = FT_DECIMAL,
     .flags = FF_SORTABLE, .min = -1000000000, .max = 1000000000},
    {.name = "flag", .label = "Flag", .help = "Boolean", .type = FT_BOOL,
     .flags = FF_FILTERABLE},
    {.name = "day", .label = "Day", .help = "Date", .type = FT_DATE,
     .flags = FF_SORTABLE | FF_FILTERABLE, .role = ROLE_DUE},
    {.name = "at", .label = "At", .help = "Date and time", .type = FT_DATETIME,
     .flags = FF_SORTABLE},
    {.name = "level", .label = "Level", .help = "Enum", .type = FT_ENUM,
     .flags = FF_SORTABLE | FF_FILTERABLE, .values = levels},
    {.name = "status", .label = "Status", .help = "Status", .type = FT_ENUM,
     .flags = FF_REQUIRED | FF_FILTERABLE, .role = ROLE_STATUS, .values = statuses,
     .closed_values = closed, .default_text = "open"},
    {.name = "parent", .label = "Parent", .help = "Reference", .type = FT_REF,
     .flags = FF_FILTERABLE, .target = &fixture_parent},
    {.name = "friends", .label = "Friends", .help = "Reference list", .type = FT_REFLIST,
     .flags = FF_FILTERABLE, .target = &fixture_specimen},
    {.name = "subject", .label = "Subject", .help = "Any reference", .type = FT_ANYREF,
     .flags = FF_FILTERABLE},
    {.name = "secret", .label = "Secret", .help = "Secret", .type = FT_TEXT,
     .flags = FF_SECRET, .max_len = 100},
    {.name = "score", .label = "Score", .help = "Derived", .type = FT_INT,
     .flags = FF_DERIVED | FF_SORTABLE},
};

static void specimen_validate(const isms_record *old, const isms_record *rec, isms_status *st)
{
    (void)old;
    const isms_value *level = record_value(rec, "level");
    if (level->set && strcmp(level->s, "high") == 0 && !record_value(rec, "note")->set)
        status_field(st, "note", "is required when the level is high");
}

static bool specimen_transition(const isms_record *rec, const char *from, const char *to,
                                isms_status *st)
{
    (void)rec;
    if (strcmp(from, "done") == 0 && strcmp(to, "open") == 0) {
        status_field(st, "status", "a done specimen cannot be reopened");
        return false;
    }
    return true;
}

static bool specimen_delete_check(const isms_record *rec, isms_status *st)
{
    if (strcmp(record_value(rec, "status")->s, "open") == 0)
        return true;
    status_fail(st, ISMS_ECONFLICT, "only an open specimen can be deleted");
    return false;
}

static void specimen_derive(isms_record *rec)
{
    const isms_value *count = record_value(rec, "count");
    isms_value *score = record_value(rec, "score");
    /* Derive runs before validation: count may be far out of its range here. */
    int64_t twice = 0;
    bool ok = count->set && !__builtin_mul_overflow(count->i, 2, &twice);
    *score = (isms_value){.set = ok, .i = twice};
}

const isms_kind fixture_specimen = {
    .name = "specimen", .plural = "specimens", .table = "specimen", .prefix = "SPC",
    .clause = "4.2", .label = "Specimen", .label_plural = "Specimens",
    .help = "A test record with every field type", .fields = specimen_fields,
    .nfields = sizeof(specimen_fields) / sizeof(specimen_fields[0]),
    .flags = KF_DELETABLE, .validate = specimen_validate, .transition = specimen_transition,
    .delete_check = specimen_delete_check, .derive = specimen_derive,
};

static const isms_field ledger_fields[] = {
    {.name = "title", .label = "Title", .help = "Name", .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_LISTED, .role = ROLE_TITLE, .max_len = 200},
};

const isms_kind fixture_ledger = {
    .name = "ledger", .plural = "ledgers", .table = "ledger", .prefix = "LED",
    .clause = "4.3", .label = "Ledger", .label_plural = "Ledgers",
    .help = "A test singleton", .fields = ledger_fields,
    .nfields = sizeof(ledger_fields) / sizeof(ledger_fields[0]),
    .flags = KF_IMMUTABLE | KF_SINGLETON,
};

static const isms_kind *const fixture_kinds[] = {&fixture_parent, &fixture_specimen,
                                                 &fixture_ledger};
static const isms_registry fixture = {fixture_kinds, 3};

const isms_registry *fixture_registry(void)
{
    return &fixture;
}

const store_driver *fixture_driver(const char *name)
{
    if (strcmp(name, "postgres") == 0)
        return &pg_driver;
    if (strcmp(name, "sqlite") == 0)
        return &sqlite_driver;
    fprintf(stderr, "no store driver %s\n", name);
    abort();
}

bool fixture_driver_available(const char *driver)
{
    if (strcmp(driver, "postgres") != 0)
        return true;
    const char *url = getenv("ISMS_TEST_PG_URL");
    return url && *url;
}

const migration_set *fixture_migrations(const char *driver)
{
    /* One per driver: sqlite, postgres. */
    static char *sql[2];
    static migration m[2];
    static migration_set set[2];
    size_t i = strcmp(driver, "postgres") == 0;
    if (!sql[i]) {
        strbuf b;
        strbuf_init(&b, 1u << 20);
        schema_ddl(&fixture, fixture_driver(driver)->dialect, &b);
        sql[i] = strdup(b.ptr);
        strbuf_dispose(&b);
        m[i] = (migration){1, "fixture schema", sql[i]};
        set[i] = (migration_set){&m[i], 1};
    }
    return &set[i];
}

void fixture_pg_admin(const char *sql)
{
    PGconn *pg = PQconnectdb(getenv("ISMS_TEST_PG_URL"));
    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "ISMS_TEST_PG_URL: %s", PQerrorMessage(pg));
        abort();
    }
    PQclear(PQexec(pg, "SET client_min_messages = warning"));
    PGresult *res = PQexec(pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(res));
        abort();
    }
    PQclear(res);
    PQfinish(pg);
}

/*
 * A PostgreSQL test database is a new schema in the cluster's database
 * (ISMS_TEST_PG_URL, scripts/pg-test-cluster.sh): the URL sets the search path.
 */
static void pg_test_url(char *buf, size_t size)
{
    static unsigned counter;
    char schema[64];
    snprintf(schema, sizeof(schema), "t_%ld_%u", (long)getpid(), ++counter);
    char sql[128];
    snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schema);
    fixture_pg_admin(sql);
    const char *base = getenv("ISMS_TEST_PG_URL");
    snprintf(buf, size, "%s%coptions=-csearch_path%%3D%s", base, strchr(base, '?') ? '&' : '?',
             schema);
}

static void pg_test_cleanup(const char *url)
{
    const char *p = strstr(url, "search_path%3D");
    if (!p)
        return;
    char sql[128];
    snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %.60s CASCADE", p + 14);
    fixture_pg_admin(sql);
}

void test_db_url(const char *driver, char *buf, size_t size)
{
    if (strcmp(driver, "postgres") == 0) {
        pg_test_url(buf, size);
        return;
    }
    char dir[] = "/tmp/isms-test-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(buf, size, "%s/test.isms", dir);
}

void test_db_cleanup(const char *url)
{
    if (strncmp(url, "postgres", 8) == 0) {
        pg_test_cleanup(url);
        return;
    }
    char path[512];
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "%s%s", url, suffixes[i]);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s", url);
    char *slash = strrchr(path, '/');
    if (slash) {
        *slash = '\0';
        rmdir(path);
    }
}

store *fixture_store_open(const char *driver, char *url, size_t url_size)
{
    test_db_url(driver, url, url_size);
    store_options opt = {.pool_size = 2, .create = true,
                         .migrations = fixture_migrations(driver)};
    store *s = NULL;
    isms_status st;
    if (store_open(&s, fixture_registry(), url, &opt, &st) != ISMS_OK) {
        fprintf(stderr, "fixture_store_open: %s\n", st.detail);
        abort();
    }
    return s;
}
