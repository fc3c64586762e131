/*
 * The SQLite driver: one database file, WAL journal, foreign keys on, a busy
 * timeout, and per-connection statement caches. A connection is used by one
 * thread at a time (the pool guarantees it), so SQLite's own mutexes are off.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "util/die.h"

enum { STMT_CACHE_SIZE = 128 };

typedef struct stmt_slot {
    char *sql;       /* NULL: free slot */
    uint64_t hash;
    uint64_t used;   /* tick of the last use, for eviction */
    bool busy;       /* between prepare and reset: must not be evicted */
    sqlite3_stmt *stmt;
} stmt_slot;

/* The transaction statements, prepared once per connection (a list page runs two). */
typedef enum txn_sql {
    TXN_BEGIN,
    TXN_BEGIN_IMMEDIATE,
    TXN_COMMIT,
    TXN_ROLLBACK,
    TXN_COUNT
} txn_sql;

static const char *const txn_text[TXN_COUNT] = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};

struct db_conn {
    sqlite3 *db;
    uint64_t tick;
    stmt_slot cache[STMT_CACHE_SIZE];
    sqlite3_stmt *txn[TXN_COUNT];
};

/* The statement handle given to the store is the cache slot itself. */
struct db_stmt {
    stmt_slot slot;
};

static sqlite3_stmt *raw(db_stmt *s)
{
    return ((stmt_slot *)s)->stmt;
}

static void sqlite_placeholder(strbuf *sql, int n)
{
    strbuf_printf(sql, "?%d", n);
}

static void sqlite_append_only(strbuf *ddl, const char *table, const char *const *columns,
                               const char *redactable)
{
    strbuf_printf(ddl,
                  "CREATE TRIGGER \"%s__no_delete\" BEFORE DELETE ON \"%s\"\n"
                  "BEGIN SELECT RAISE(ABORT, '%s is append-only'); END;\n",
                  table, table, table);
    strbuf_printf(ddl, "CREATE TRIGGER \"%s__no_update\" BEFORE UPDATE OF ", table);
    for (const char *const *c = columns; *c; c++)
        strbuf_printf(ddl, "%s\"%s\"", c == columns ? "" : ", ", *c);
    strbuf_printf(ddl, " ON \"%s\"\nBEGIN SELECT RAISE(ABORT, '%s is append-only'); END;\n", table,
                  table);
    if (redactable)
        strbuf_printf(ddl,
                      "CREATE TRIGGER \"%s__redact_only\" BEFORE UPDATE OF \"%s\" ON \"%s\"\n"
                      "WHEN NEW.\"%s\" IS NOT NULL\n"
                      "BEGIN SELECT RAISE(ABORT, '%s: %s can only be redacted (set to NULL)'); "
                      "END;\n",
                      table, redactable, table, redactable, table, redactable);
}

static const sql_dialect sqlite_dialect = {
    .name = "sqlite",
    .id_column = "INTEGER PRIMARY KEY AUTOINCREMENT",
    .int_type = "INTEGER",
    .text_type = "TEXT",
    .like_ci = "LIKE", /* SQLite's LIKE ignores ASCII case */
    .insert_returning = false,
    .placeholder = sqlite_placeholder,
    .append_only = sqlite_append_only,
};

static bool sqlite_accepts(const char *url)
{
    return strncmp(url, "postgres://", 11) != 0 && strncmp(url, "postgresql://", 13) != 0;
}

static const char *url_path(const char *url)
{
    return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

static isms_err map_error(sqlite3 *db, int rc, isms_status *st)
{
    int base = rc & 0xff;
    if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
        return status_fail(st, ISMS_EBUSY, "the database is busy; try again");
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return status_fail(st, ISMS_EREFERENCED, "other records refer to this record");
    if (base == SQLITE_CONSTRAINT)
        return status_fail(st, ISMS_ECONFLICT, "the change breaks a database constraint: %s",
                           sqlite3_errmsg(db));
    if (base == SQLITE_FULL || base == SQLITE_TOOBIG)
        return status_fail(st, ISMS_ETOOBIG, "the database refused the data: %s",
                           sqlite3_errmsg(db));
    return status_fail(st, ISMS_ESTORE, "SQLite: %s", sqlite3_errmsg(db));
}

static isms_err exec(db_conn *c, const char *sql, isms_status *st)
{
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? ISMS_OK : map_error(c->db, rc, st);
}

/* sqlite3_exec callback: the first column of the row as an int. */
static int first_int(void *out, int ncols, char **values, char **names)
{
    (void)names;
    *(int *)out = ncols > 0 && values[0] ? atoi(values[0]) : 0;
    return 0;
}

static isms_err sqlite_open(const char *url, const store_options *opt, db_conn **out,
                            isms_status *st)
{
    const char *path = url_path(url);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (opt->create)
        flags |= SQLITE_OPEN_CREATE;
    db_conn *c = calloc(1, sizeof(*c));
    if (!c)
        die_oom();
    int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_CANTOPEN) {
            char shown[512]; /* a mistyped URL may carry a password */
            store_url_display(path, shown, sizeof(shown));
            status_fail(st, ISMS_ENOTFOUND, opt->create ? "cannot create %s" :
                        "no ISMS database at %s (create one with `isms init --db %s`)",
                        shown, shown);
        } else
            map_error(c->db, rc, st);
        sqlite3_close(c->db);
        free(c);
        return st->code;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, opt->busy_timeout_ms);
    /*
     * temp_store = MEMORY: temporary sorts and statement journals never touch the disk.
     * cache_size: 8 MiB a connection (SQLite's default is 2 MiB); bulk inserts into a
     * kind with several indexes ran twice as fast with it (docs/PERFORMANCE.md).
     */
    isms_err e = exec(c, "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF; "
                         "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -8192", st);
    /* WAL stays with the file: switch a new database or an ISMS, never a foreign one. */
    int ours = 0;
    if (e == ISMS_OK) {
        rc = sqlite3_exec(c->db, "SELECT count(*) = 0 OR max(name = 'isms_schema') FROM "
                                 "sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                 "'sqlite\\_%' ESCAPE '\\'",
                          first_int, &ours, NULL);
        e = rc == SQLITE_OK ? ISMS_OK : map_error(c->db, rc, st);
    }
    /* journal_mode answers with a row; sqlite3_exec ignores it. */
    if (e == ISMS_OK && ours)
        e = exec(c, "PRAGMA journal_mode = WAL", st);
    if (e == ISMS_OK)
        e = exec(c, "PRAGMA synchronous = NORMAL", st);
    if (e != ISMS_OK) {
        if (e == ISMS_ESTORE) {
            char why[sizeof(st->detail)]; /* the detail cannot be both source and target */
            snprintf(why, sizeof(why), "%s", st->detail);
            status_fail(st, ISMS_EINVALID, "%s is not an isms database (%s)", path, why);
        }
        sqlite3_close(c->db);
        free(c);
        return st->code;
    }
    *out = c;
    return ISMS_OK;
}

static void sqlite_close(db_conn *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        sqlite3_finalize(c->cache[i].stmt);
        free(c->cache[i].sql);
    }
    for (size_t i = 0; i < TXN_COUNT; i++)
        sqlite3_finalize(c->txn[i]);
    sqlite3_close(c->db);
    free(c);
}

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static stmt_slot *cache_find(db_conn *c, const char *sql, uint64_t h)
{
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        stmt_slot *s = &c->cache[i];
        if (s->sql && s->hash == h && !s->busy && strcmp(s->sql, sql) == 0)
            return s;
    }
    return NULL;
}

/* A free slot, or the least recently used idle one (its statement is dropped). */
static stmt_slot *cache_victim(db_conn *c)
{
    stmt_slot *best = NULL;
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        stmt_slot *s = &c->cache[i];
        if (!s->sql)
            return s;
        if (!s->busy && (!best || s->used < best->used))
            best = s;
    }
    if (!best)
        die("statement cache: every statement is in use");
    sqlite3_finalize(best->stmt);
    free(best->sql);
    memset(best, 0, sizeof(*best));
    return best;
}

static isms_err sqlite_prepare(db_conn *c, const char *sql, db_stmt **out, isms_status *st)
{
    uint64_t h = hash_text(sql);
    stmt_slot *s = cache_find(c, sql, h);
    if (!s) {
        sqlite3_stmt *stmt;
        int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
        if (rc != SQLITE_OK)
            return map_error(c->db, rc, st);
        s = cache_victim(c);
        s->sql = strdup(sql);
        if (!s->sql)
            die_oom();
        s->hash = h;
        s->stmt = stmt;
    }
    s->busy = true;
    s->used = ++c->tick;
    *out = (db_stmt *)s;
    return ISMS_OK;
}

static void sqlite_bind_null(db_stmt *s, int n)
{
    sqlite3_bind_null(raw(s), n);
}

static void sqlite_bind_int(db_stmt *s, int n, int64_t v)
{
    sqlite3_bind_int64(raw(s), n, v);
}

static void sqlite_bind_text(db_stmt *s, int n, const char *v)
{
    sqlite3_bind_text(raw(s), n, v, -1, SQLITE_TRANSIENT);
}

static db_step sqlite_step(db_stmt *s, isms_status *st)
{
    int rc = sqlite3_step(raw(s));
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    map_error(sqlite3_db_handle(raw(s)), sqlite3_extended_errcode(sqlite3_db_handle(raw(s))),
              st);
    return DB_ERROR;
}

static bool sqlite_column_null(db_stmt *s, int col)
{
    return sqlite3_column_type(raw(s), col) == SQLITE_NULL;
}

static int64_t sqlite_column_int(db_stmt *s, int col)
{
    return sqlite3_column_int64(raw(s), col);
}

static const char *sqlite_column_text(db_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(raw(s), col);
    return t ? (const char *)t : "";
}

static void sqlite_reset(db_stmt *s)
{
    stmt_slot *slot = (stmt_slot *)s;
    sqlite3_reset(slot->stmt);
    sqlite3_clear_bindings(slot->stmt);
    slot->busy = false;
}

static int64_t sqlite_changes(db_conn *c)
{
    return sqlite3_changes64(c->db);
}

static int64_t sqlite_last_insert_id(db_conn *c)
{
    return sqlite3_last_insert_rowid(c->db);
}

/* Run a transaction statement, prepared on first use (parsing it each time cost more). */
static isms_err exec_txn(db_conn *c, txn_sql which, isms_status *st)
{
    if (!c->txn[which]) {
        int rc = sqlite3_prepare_v3(c->db, txn_text[which], -1, SQLITE_PREPARE_PERSISTENT,
                                    &c->txn[which], NULL);
        if (rc != SQLITE_OK)
            return map_error(c->db, rc, st);
    }
    int rc = sqlite3_step(c->txn[which]);
    sqlite3_reset(c->txn[which]);
    return rc == SQLITE_DONE ? ISMS_OK : map_error(c->db, rc, st);
}

static isms_err sqlite_begin(db_conn *c, bool write, isms_status *st)
{
    /* IMMEDIATE takes the write lock now, so read-then-write cannot deadlock later. */
    return exec_txn(c, write ? TXN_BEGIN_IMMEDIATE : TXN_BEGIN, st);
}

static isms_err sqlite_commit(db_conn *c, isms_status *st)
{
    return exec_txn(c, TXN_COMMIT, st);
}

static void sqlite_rollback(db_conn *c)
{
    if (!sqlite3_get_autocommit(c->db)) {
        isms_status ignored;
        status_clear(&ignored);
        exec_txn(c, TXN_ROLLBACK, &ignored);
    }
}

static isms_err sqlite_begin_migration(db_conn *c, isms_status *st)
{
    /* EXCLUSIVE: no other connection or process reads a half-migrated schema. */
    return exec(c, "BEGIN EXCLUSIVE", st);
}

static isms_err count_rows(db_conn *c, const char *sql, const char *arg, int64_t *out,
                           isms_status *st)
{
    db_stmt *s;
    isms_err e = sqlite_prepare(c, sql, &s, st);
    if (e != ISMS_OK)
        return e;
    if (arg)
        sqlite_bind_text(s, 1, arg);
    db_step r = sqlite_step(s, st);
    *out = r == DB_ROW ? sqlite_column_int(s, 0) : 0;
    sqlite_reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

/* AUTOINCREMENT keeps the largest id given in sqlite_sequence; the next id is one more. */
static isms_err sqlite_set_id_counter(db_conn *c, const char *table, int64_t max,
                                      isms_status *st)
{
    static const char *const sql[] = {
        "DELETE FROM sqlite_sequence WHERE name = ?1",
        "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)",
    };
    for (size_t i = 0; i < 2; i++) {
        db_stmt *s;
        isms_err e = sqlite_prepare(c, sql[i], &s, st);
        if (e != ISMS_OK)
            return e;
        sqlite_bind_text(s, 1, table);
        if (i == 1)
            sqlite_bind_int(s, 2, max);
        db_step r = sqlite_step(s, st);
        sqlite_reset(s);
        if (r == DB_ERROR)
            return st->code;
    }
    return ISMS_OK;
}

static isms_err sqlite_has_tables(db_conn *c, bool *out, isms_status *st)
{
    int64_t n;
    isms_err e = count_rows(c, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                               "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
                            NULL, &n, st);
    if (e == ISMS_ESTORE) {
        char why[sizeof(st->detail)]; /* the detail cannot be both source and target */
        snprintf(why, sizeof(why), "%s", st->detail);
        return status_fail(st, ISMS_EINVALID, "the file is not an isms database (%s)", why);
    }
    *out = n > 0;
    return e;
}

static isms_err sqlite_has_table(db_conn *c, const char *name, bool *out, isms_status *st)
{
    int64_t n = 0;
    isms_err e = count_rows(c, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                               "AND name = ?1",
                            name, &n, st);
    *out = n > 0;
    return e;
}

/* Run a one-parameter query and append each row's columns, joined by spaces. */
static isms_err describe_rows(db_conn *c, const char *sql, const char *table, const char *lead,
                              strbuf *out, isms_status *st)
{
    db_stmt *s;
    isms_err e = sqlite_prepare(c, sql, &s, st);
    if (e != ISMS_OK)
        return e;
    sqlite_bind_text(s, 1, table);
    db_step r;
    while ((r = sqlite_step(s, st)) == DB_ROW) {
        strbuf_puts(out, lead);
        int n = sqlite3_column_count(raw(s));
        for (int i = 0; i < n; i++)
            strbuf_printf(out, "%s%s", i ? " " : "", sqlite_column_text(s, i));
        strbuf_putc(out, '\n');
    }
    sqlite_reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

static isms_err sqlite_describe_schema(db_conn *c, strbuf *out, isms_status *st)
{
    db_stmt *tables;
    isms_err e = sqlite_prepare(c, "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                   "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                                &tables, st);
    if (e != ISMS_OK)
        return e;
    /* Collect names first: the per-table queries below use other statements. */
    strbuf names;
    strbuf_init(&names, 1 << 20);
    db_step r;
    while ((r = sqlite_step(tables, st)) == DB_ROW)
        strbuf_printf(&names, "%s\n", sqlite_column_text(tables, 0));
    sqlite_reset(tables);
    for (char *p = names.ptr, *nl; r != DB_ERROR && e == ISMS_OK && (nl = strchr(p, '\n'));
         p = nl + 1) {
        *nl = '\0';
        strbuf_printf(out, "table %s\n", p);
        e = describe_rows(c,
                          "SELECT 'column', name, upper(type), CASE \"notnull\" WHEN 1 THEN "
                          "'not-null' ELSE 'null' END, 'pk=' || pk FROM pragma_table_info(?1) "
                          "ORDER BY cid",
                          p, "  ", out, st);
        if (e == ISMS_OK)
            e = describe_rows(c,
                              "SELECT 'fk', \"from\", '->', \"table\", \"to\", 'on-delete', "
                              "on_delete FROM pragma_foreign_key_list(?1) ORDER BY \"from\"",
                              p, "  ", out, st);
        if (e == ISMS_OK)
            e = describe_rows(c,
                              "SELECT 'index', l.name, CASE l.\"unique\" WHEN 1 THEN 'unique' "
                              "ELSE 'plain' END, (SELECT group_concat(name, ',') FROM (SELECT "
                              "name FROM pragma_index_info(l.name) ORDER BY seqno)) FROM "
                              "pragma_index_list(?1) AS l WHERE l.origin = 'c' ORDER BY l.name",
                              p, "  ", out, st);
        if (e == ISMS_OK)
            e = describe_rows(c,
                              "SELECT 'trigger', name FROM sqlite_master WHERE type = 'trigger' "
                              "AND tbl_name = ?1 ORDER BY name",
                              p, "  ", out, st);
    }
    strbuf_dispose(&names);
    return r == DB_ERROR ? st->code : e;
}

static isms_err sqlite_exec_script(db_conn *c, const char *sql, isms_status *st)
{
    return exec(c, sql, st);
}

const store_driver sqlite_driver = {
    .name = "sqlite",
    .dialect = &sqlite_dialect,
    .accepts = sqlite_accepts,
    .open = sqlite_open,
    .close = sqlite_close,
    .prepare = sqlite_prepare,
    .bind_null = sqlite_bind_null,
    .bind_int = sqlite_bind_int,
    .bind_text = sqlite_bind_text,
    .step = sqlite_step,
    .column_null = sqlite_column_null,
    .column_int = sqlite_column_int,
    .column_text = sqlite_column_text,
    .reset = sqlite_reset,
    .changes = sqlite_changes,
    .last_insert_id = sqlite_last_insert_id,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .one_writer = true,
    .exec_script = sqlite_exec_script,
    .begin_migration = sqlite_begin_migration,
    .has_tables = sqlite_has_tables,
    .has_table = sqlite_has_table,
    .set_id_counter = sqlite_set_id_counter,
    .describe_schema = sqlite_describe_schema,
};
