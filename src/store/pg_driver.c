/*
 * The PostgreSQL driver (libpq). The URL is handed to libpq as it is
 * (postgres://user@host/db, or postgresql:///db?host=/socket/dir), so every
 * connection parameter libpq knows works. Statements are prepared once per
 * connection (PQprepare, named s1, s2 ...) and cached by their text; values
 * travel as text parameters and the server infers their types.
 *
 * Rows stream: a statement is sent with PQsendQueryPrepared in single-row
 * mode, and each step reads one row from the connection, so walking the
 * change log or a long list holds one row at a time, whatever its length.
 * While a statement streams, its rows occupy the connection; should anything
 * else need the connection before the statement is done (another statement,
 * a commit), the rest of its rows are first read into memory (drain). A reset
 * before the last row reads and drops what is left.
 *
 * Lost connections. When the server goes away (a restart, an administrator's
 * pg_terminate_backend), the operation that finds out is answered ISMS_EBUSY
 * ("try again"), and the next use of the connection resets it (PQreset) and
 * forgets its prepared statements, which died with the old session.
 *
 * Concurrency. The store was written for one writer at a time (SQLite), and
 * the change log's hash chain needs it: each entry is appended as last + 1
 * under the write transaction. So a write transaction here runs in READ
 * COMMITTED and first takes a transaction-scoped advisory lock, the write
 * lock of this ISMS (its database and schema); every statement after it sees
 * what the previous writer committed. Two instances on one database thus
 * never fork the chain, and never meet a serialization failure. Should one
 * still come (40001, 40P01), or the lock not come within the busy timeout
 * (lock_timeout, 55P03), the caller is answered ISMS_EBUSY. Reads that need
 * one snapshot (store_read_begin) run in REPEATABLE READ, READ ONLY, and
 * never wait for the writer. Migrations take a second advisory lock, so two
 * instances starting together migrate once.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "util/die.h"

enum { STMT_CACHE_SIZE = 128, PARAMS_MAX = 256 };

/* The first key of the advisory locks; the second is a hash of the schema. */
#define LOCK_WRITE "1769172301"
#define LOCK_MIGRATE "1769172302"

typedef struct stmt_slot {
    char *sql; /* NULL: free slot */
    uint64_t hash;
    uint64_t used; /* tick of the last use, for eviction */
    bool busy;     /* between prepare and reset: must not be evicted */
    bool stale;    /* prepared in a session that was lost: freed at its reset */
    char name[16]; /* the server-side name of the prepared statement */
    int nparams;
    char **values; /* nparams bound values (NULL: SQL NULL), owned */
    PGresult *res; /* the result holding the current row, or NULL */
    int row;       /* the current row of res; -1 before the first */
    bool sent;     /* the current run was sent (its results are being read) */
    bool done;     /* the current run's last result was read */
    /* Results read ahead by a drain, in order, not yet stepped through. */
    PGresult **ahead;
    size_t nahead, ahead_at, ahead_cap;
    db_conn *conn;
} stmt_slot;

struct db_conn {
    PGconn *pg;
    uint64_t tick;
    unsigned next_name;
    int64_t changes;
    stmt_slot *streaming; /* the statement whose results the connection carries, or NULL */
    char setup[160];      /* the session settings, run again after a reset */
    stmt_slot cache[STMT_CACHE_SIZE];
};

/* The statement handle given to the store is the cache slot itself. */
struct db_stmt {
    stmt_slot slot;
};

static void pg_placeholder(strbuf *sql, int n)
{
    strbuf_printf(sql, "$%d", n);
}

/*
 * One trigger function per table refuses DELETE, TRUNCATE and any change of
 * the listed columns, except setting `redactable` to NULL.
 */
static void pg_append_only(strbuf *ddl, const char *table, const char *const *columns,
                           const char *redactable)
{
    strbuf_printf(ddl,
                  "CREATE FUNCTION \"%s__append_only\"() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                  "BEGIN\n"
                  "  IF TG_OP <> 'UPDATE' THEN RAISE EXCEPTION '%s is append-only'; END IF;\n"
                  "  IF (",
                  table, table);
    for (const char *const *c = columns; *c; c++)
        strbuf_printf(ddl, "%sNEW.\"%s\"", c == columns ? "" : ", ", *c);
    strbuf_puts(ddl, ") IS DISTINCT FROM (");
    for (const char *const *c = columns; *c; c++)
        strbuf_printf(ddl, "%sOLD.\"%s\"", c == columns ? "" : ", ", *c);
    strbuf_printf(ddl, ") THEN RAISE EXCEPTION '%s is append-only'; END IF;\n", table);
    if (redactable)
        strbuf_printf(ddl,
                      "  IF NEW.\"%s\" IS NOT NULL THEN RAISE EXCEPTION "
                      "'%s: %s can only be redacted (set to NULL)'; END IF;\n",
                      redactable, table, redactable);
    strbuf_printf(ddl,
                  "  RETURN NEW;\nEND $$;\n"
                  "CREATE TRIGGER \"%s__append_only\" BEFORE UPDATE OR DELETE ON \"%s\"\n"
                  "FOR EACH ROW EXECUTE FUNCTION \"%s__append_only\"();\n"
                  "CREATE TRIGGER \"%s__no_truncate\" BEFORE TRUNCATE ON \"%s\"\n"
                  "FOR EACH STATEMENT EXECUTE FUNCTION \"%s__append_only\"();\n",
                  table, table, table, table, table, table);
}

static const sql_dialect pg_dialect = {
    .name = "postgres",
    .id_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    .int_type = "BIGINT",
    /* Byte order, as SQLite compares text, whatever the database's locale. */
    .text_type = "TEXT COLLATE \"C\"",
    .like_ci = "ILIKE",
    .insert_returning = true,
    .placeholder = pg_placeholder,
    .append_only = pg_append_only,
};

static bool pg_accepts(const char *url)
{
    return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

/* The first line of libpq's message, without its trailing newline. */
static const char *first_line(const char *msg, char *buf, size_t size)
{
    snprintf(buf, size, "%s", msg ? msg : "");
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

static isms_err map_result(db_conn *c, const PGresult *res, isms_status *st)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char msg[512];
    first_line(primary ? primary
               : res   ? PQresultErrorMessage(res)
                       : PQerrorMessage(c->pg),
               msg, sizeof(msg));
    /* The session is gone (57P01: terminated by an administrator): reset on the next use. */
    if (PQstatus(c->pg) == CONNECTION_BAD || (state && strncmp(state, "57P0", 4) == 0)) {
        status_fail(st, ISMS_EBUSY, "the connection to the database was lost; try again");
        st->retryable = true; /* the transaction died with it; the next begin resets */
        return st->code;
    }
    if (!state)
        return status_fail(st, ISMS_ESTORE, "PostgreSQL: %s", msg);
    /* Serialization failure, deadlock: the transaction may simply run again. */
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
        status_fail(st, ISMS_EBUSY, "the database is busy; try again");
        st->retryable = true;
        return st->code;
    }
    /* Lock or statement timeout: the busy timeout has been waited for already. */
    if (strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
        return status_fail(st, ISMS_EBUSY, "the database is busy; try again");
    if (strcmp(state, "23503") == 0)
        return status_fail(st, ISMS_EREFERENCED, "other records refer to this record");
    /* Integrity constraints, and the append-only triggers (RAISE EXCEPTION: P0001). */
    if (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0)
        return status_fail(st, ISMS_ECONFLICT, "the change breaks a database constraint: %s", msg);
    if (strcmp(state, "54000") == 0 || strcmp(state, "22001") == 0 || strncmp(state, "53", 2) == 0)
        return status_fail(st, ISMS_ETOOBIG, "the database refused the data: %s", msg);
    return status_fail(st, ISMS_ESTORE, "PostgreSQL: %s", msg);
}

static void drain(db_conn *c);

/* Run trusted SQL without parameters; the result is cleared. */
static isms_err exec(db_conn *c, const char *sql, isms_status *st)
{
    drain(c);
    PGresult *res = PQexec(c->pg, sql);
    ExecStatusType s = PQresultStatus(res);
    isms_err e = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? ISMS_OK : map_result(c, res, st);
    PQclear(res);
    return e;
}

/* Notices (CREATE TABLE IF NOT EXISTS ... skipping) are not for the user. */
static void quiet(void *arg, const PGresult *res)
{
    (void)arg;
    (void)res;
}

static isms_err pg_open(const char *url, const store_options *opt, db_conn **out, isms_status *st)
{
    db_conn *c = calloc(1, sizeof(*c));
    if (!c)
        die_oom();
    c->pg = PQconnectdb(url);
    if (!c->pg)
        die_oom();
    if (PQstatus(c->pg) != CONNECTION_OK) {
        char msg[512];
        first_line(PQerrorMessage(c->pg), msg, sizeof(msg));
        status_fail(st, strstr(msg, "does not exist") ? ISMS_ENOTFOUND : ISMS_ESTORE,
                    "cannot connect to PostgreSQL: %s", msg);
        PQfinish(c->pg);
        free(c);
        return st->code;
    }
    PQsetNoticeReceiver(c->pg, quiet, NULL);
    /* The busy timeout bounds the wait for the write and migration locks. */
    snprintf(c->setup, sizeof(c->setup), "SET lock_timeout = %d; SET client_min_messages = warning",
             opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 5000);
    isms_err e = exec(c, c->setup, st);
    if (e != ISMS_OK) {
        PQfinish(c->pg);
        free(c);
        return e;
    }
    *out = c;
    return ISMS_OK;
}

/* Append a result to the slot's read-ahead queue. */
static void ahead_push(stmt_slot *s, PGresult *r)
{
    if (s->nahead == s->ahead_cap) {
        size_t cap = s->ahead_cap ? s->ahead_cap * 2 : 16;
        PGresult **p = realloc(s->ahead, cap * sizeof(*p));
        if (!p)
            die_oom();
        s->ahead = p;
        s->ahead_cap = cap;
    }
    s->ahead[s->nahead++] = r;
}

/*
 * Free the connection for another command: read the rest of the streaming
 * statement's results into its read-ahead queue (it steps through them later).
 */
static void drain(db_conn *c)
{
    stmt_slot *s = c->streaming;
    if (!s)
        return;
    PGresult *r;
    while ((r = PQgetResult(c->pg)) != NULL)
        ahead_push(s, r);
    c->streaming = NULL;
}

/* The next result of the slot's run: read ahead, else from the connection; NULL at the end. */
static PGresult *next_result(stmt_slot *s)
{
    if (s->ahead_at < s->nahead) {
        PGresult *r = s->ahead[s->ahead_at];
        s->ahead[s->ahead_at++] = NULL;
        return r;
    }
    if (s->conn->streaming != s)
        return NULL;
    PGresult *r = PQgetResult(s->conn->pg);
    if (!r)
        s->conn->streaming = NULL;
    return r;
}

static int64_t tuples_changed(const PGresult *res)
{
    const char *n = PQcmdTuples((PGresult *)res);
    return n && *n ? strtoll(n, NULL, 10) : 0;
}

/* Read and drop what is left of the slot's run; the final status sets changes. */
static void finish_run(stmt_slot *s)
{
    if (!s->sent)
        return;
    PGresult *r;
    while ((r = next_result(s)) != NULL) {
        if (!s->done && PQresultStatus(r) != PGRES_SINGLE_TUPLE) {
            s->done = true;
            if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
                s->conn->changes = tuples_changed(r);
        }
        PQclear(r);
    }
}

static void slot_clear_run(stmt_slot *s)
{
    if (s->conn)
        finish_run(s);
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->sent = false;
    s->done = false;
    for (size_t i = s->ahead_at; i < s->nahead; i++)
        PQclear(s->ahead[i]);
    s->nahead = s->ahead_at = 0;
    for (int i = 0; i < s->nparams; i++) {
        free(s->values[i]);
        s->values[i] = NULL;
    }
}

static void slot_dispose(db_conn *c, stmt_slot *s)
{
    if (!s->sql)
        return;
    slot_clear_run(s);
    drain(c);
    PGTransactionStatusType ts = PQtransactionStatus(c->pg);
    if (ts == PQTRANS_IDLE || ts == PQTRANS_INTRANS) { /* DEALLOCATE is not transactional */
        char sql[48];
        snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
        PQclear(PQexec(c->pg, sql));
    }
    free(s->values);
    free(s->ahead);
    free(s->sql);
    memset(s, 0, sizeof(*s));
}

static void pg_close(db_conn *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        slot_clear_run(&c->cache[i]);
        free(c->cache[i].values);
        free(c->cache[i].ahead);
        free(c->cache[i].sql);
    }
    PQfinish(c->pg);
    free(c);
}

/* Free a slot without telling the server (its session is gone). */
static void slot_forget(stmt_slot *s)
{
    slot_clear_run(s);
    free(s->values);
    free(s->ahead);
    free(s->sql);
    memset(s, 0, sizeof(*s));
}

/*
 * Before a use: if the connection was lost, reset it and forget the prepared
 * statements of the old session (a statement in use is forgotten at its
 * reset). ISMS_EBUSY if the server cannot be reached yet.
 */
static isms_err revive(db_conn *c, isms_status *st)
{
    if (PQstatus(c->pg) != CONNECTION_BAD)
        return ISMS_OK;
    c->streaming = NULL;
    for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
        stmt_slot *s = &c->cache[i];
        if (!s->sql)
            continue;
        if (s->busy)
            s->stale = true;
        else
            slot_forget(s);
    }
    PQreset(c->pg);
    if (PQstatus(c->pg) != CONNECTION_OK)
        return status_fail(st, ISMS_EBUSY, "the database cannot be reached; try again");
    isms_err e = exec(c, c->setup, st);
    return e == ISMS_OK || e == ISMS_EBUSY
               ? e
               : status_fail(st, ISMS_EBUSY, "the database cannot be reached; try again");
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
        if (s->sql && s->hash == h && !s->busy && !s->stale && strcmp(s->sql, sql) == 0)
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
    slot_dispose(c, best);
    return best;
}

/* Prepare sql on the server as a new named statement and learn its parameter count. */
static isms_err server_prepare(db_conn *c, const char *sql, char name[16], int *nparams,
                               isms_status *st)
{
    drain(c);
    snprintf(name, 16, "s%u", ++c->next_name);
    PGresult *res = PQprepare(c->pg, name, sql, 0, NULL);
    isms_err e = PQresultStatus(res) == PGRES_COMMAND_OK ? ISMS_OK : map_result(c, res, st);
    PQclear(res);
    if (e != ISMS_OK)
        return e;
    res = PQdescribePrepared(c->pg, name);
    e = PQresultStatus(res) == PGRES_COMMAND_OK ? ISMS_OK : map_result(c, res, st);
    *nparams = e == ISMS_OK ? PQnparams(res) : 0;
    PQclear(res);
    if (e == ISMS_OK && *nparams > PARAMS_MAX)
        die("pg_driver: a statement with too many parameters");
    return e;
}

static isms_err pg_prepare(db_conn *c, const char *sql, db_stmt **out, isms_status *st)
{
    uint64_t h = hash_text(sql);
    isms_err re = revive(c, st);
    if (re != ISMS_OK)
        return re;
    stmt_slot *s = cache_find(c, sql, h);
    if (!s) {
        char name[16];
        int nparams = 0;
        isms_err e = server_prepare(c, sql, name, &nparams, st);
        if (e != ISMS_OK)
            return e;
        s = cache_victim(c);
        s->sql = strdup(sql);
        s->values = calloc((size_t)nparams + 1, sizeof(char *));
        if (!s->sql || !s->values)
            die_oom();
        s->hash = h;
        memcpy(s->name, name, sizeof(s->name));
        s->nparams = nparams;
        s->row = -1;
        s->conn = c;
    }
    s->busy = true;
    s->used = ++c->tick;
    *out = (db_stmt *)s;
    return ISMS_OK;
}

static void set_param(db_stmt *d, int n, char *v)
{
    stmt_slot *s = (stmt_slot *)d;
    if (n < 1 || n > s->nparams)
        die("pg_driver: bind of a parameter the statement does not have");
    free(s->values[n - 1]);
    s->values[n - 1] = v;
}

static void pg_bind_null(db_stmt *s, int n)
{
    set_param(s, n, NULL);
}

static void pg_bind_int(db_stmt *s, int n, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    char *copy = strdup(buf);
    if (!copy)
        die_oom();
    set_param(s, n, copy);
}

static void pg_bind_text(db_stmt *s, int n, const char *v)
{
    char *copy = strdup(v);
    if (!copy)
        die_oom();
    set_param(s, n, copy);
}

static db_step pg_step(db_stmt *d, isms_status *st)
{
    stmt_slot *s = (stmt_slot *)d;
    db_conn *c = s->conn;
    if (!s->sent) {
        drain(c);
        s->sent = true;
        s->done = false;
        if (!PQsendQueryPrepared(c->pg, s->name, s->nparams, (const char *const *)s->values, NULL,
                                 NULL, 0)) {
            s->done = true;
            map_result(c, NULL, st);
            return DB_ERROR;
        }
        c->streaming = s;
        if (!PQsetSingleRowMode(c->pg))
            die("pg_driver: single-row mode refused");
    }
    /* A result of many rows (none here since single-row mode; kept for safety). */
    if (s->res && s->row + 1 < PQntuples(s->res)) {
        s->row++;
        return DB_ROW;
    }
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    if (s->done)
        return DB_DONE;
    PGresult *r = next_result(s);
    if (!r) { /* the connection ended the run without a status */
        s->done = true;
        map_result(c, NULL, st);
        return DB_ERROR;
    }
    switch (PQresultStatus(r)) {
    case PGRES_SINGLE_TUPLE:
        s->res = r;
        s->row = 0;
        return DB_ROW;
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
        s->done = true;
        c->changes = tuples_changed(r);
        PQclear(r);
        finish_run(s); /* reads the end of the run (NULL): the connection is free */
        return DB_DONE;
    default:
        s->done = true;
        map_result(c, r, st);
        PQclear(r);
        finish_run(s);
        return DB_ERROR;
    }
}

static bool pg_column_null(db_stmt *d, int col)
{
    stmt_slot *s = (stmt_slot *)d;
    return PQgetisnull(s->res, s->row, col) != 0;
}

static int64_t pg_column_int(db_stmt *d, int col)
{
    stmt_slot *s = (stmt_slot *)d;
    const char *v = PQgetvalue(s->res, s->row, col);
    /* Booleans (EXISTS, comparisons) come as t and f. */
    if (v[0] == 't' && v[1] == '\0')
        return 1;
    return strtoll(v, NULL, 10);
}

static const char *pg_column_text(db_stmt *d, int col)
{
    stmt_slot *s = (stmt_slot *)d;
    return PQgetvalue(s->res, s->row, col); /* "" for NULL, as SQLite's driver answers */
}

static void pg_reset(db_stmt *d)
{
    stmt_slot *s = (stmt_slot *)d;
    if (s->stale) {
        slot_forget(s);
        return;
    }
    slot_clear_run(s);
    s->busy = false;
}

static int64_t pg_changes(db_conn *c)
{
    return c->changes;
}

/* The id the last INSERT drew from an identity column of this session. */
static int64_t pg_last_insert_id(db_conn *c)
{
    drain(c);
    PGresult *res = PQexec(c->pg, "SELECT lastval()");
    int64_t id = 0;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return id;
}

static isms_err pg_begin(db_conn *c, bool write, isms_status *st)
{
    isms_err re = revive(c, st);
    if (re != ISMS_OK)
        return re;
    if (!write)
        return exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", st);
    isms_err e = exec(c, "BEGIN ISOLATION LEVEL READ COMMITTED", st);
    if (e == ISMS_OK)
        e = exec(c, "SELECT pg_advisory_xact_lock(" LOCK_WRITE ", hashtext(current_schema()))", st);
    if (e != ISMS_OK)
        PQclear(PQexec(c->pg, "ROLLBACK"));
    return e;
}

static isms_err pg_commit(db_conn *c, isms_status *st)
{
    return exec(c, "COMMIT", st);
}

static void pg_rollback(db_conn *c)
{
    drain(c);
    if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        PQclear(PQexec(c->pg, "ROLLBACK"));
}

static isms_err pg_begin_migration(db_conn *c, isms_status *st)
{
    isms_err e = exec(c, "BEGIN ISOLATION LEVEL READ COMMITTED", st);
    if (e == ISMS_OK)
        e = exec(c, "SELECT pg_advisory_xact_lock(" LOCK_MIGRATE ", hashtext(current_schema()))",
                 st);
    if (e != ISMS_OK)
        PQclear(PQexec(c->pg, "ROLLBACK"));
    return e;
}

static isms_err count_rows(db_conn *c, const char *sql, const char *arg, int64_t *out,
                           isms_status *st)
{
    db_stmt *s;
    isms_err e = pg_prepare(c, sql, &s, st);
    if (e != ISMS_OK)
        return e;
    if (arg)
        pg_bind_text(s, 1, arg);
    db_step r = pg_step(s, st);
    *out = r == DB_ROW ? pg_column_int(s, 0) : 0;
    pg_reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

/* The identity column's sequence: the next id is max + 1 (1 when max is 0). */
static isms_err pg_set_id_counter(db_conn *c, const char *table, int64_t max, isms_status *st)
{
    db_stmt *s;
    isms_err e = pg_prepare(c,
                            "SELECT setval(pg_get_serial_sequence($1, 'id'), "
                            "greatest($2::bigint, 1), $2::bigint > 0)",
                            &s, st);
    if (e != ISMS_OK)
        return e;
    pg_bind_text(s, 1, table);
    pg_bind_int(s, 2, max);
    db_step r = pg_step(s, st);
    pg_reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

static isms_err pg_discard(db_conn *c, isms_status *st)
{
    return exec(
        c,
        "DO $$ DECLARE r record; BEGIN "
        "FOR r IN SELECT tablename FROM pg_catalog.pg_tables "
        "WHERE schemaname = current_schema() LOOP "
        "EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.tablename); END LOOP; "
        "FOR r IN SELECT p.oid::regprocedure AS f FROM pg_catalog.pg_proc p "
        "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND p.proname LIKE 'isms\\_%\\_\\_append\\_only' "
        "LOOP EXECUTE 'DROP FUNCTION IF EXISTS ' || r.f::text; END LOOP; END $$",
        st);
}

static isms_err pg_has_tables(db_conn *c, bool *out, isms_status *st)
{
    int64_t n = 0;
    isms_err e = count_rows(c,
                            "SELECT count(*) FROM pg_catalog.pg_tables "
                            "WHERE schemaname = current_schema()",
                            NULL, &n, st);
    *out = n > 0;
    return e;
}

static isms_err pg_has_table(db_conn *c, const char *name, bool *out, isms_status *st)
{
    int64_t n = 0;
    isms_err e = count_rows(c,
                            "SELECT count(*) FROM pg_catalog.pg_tables "
                            "WHERE schemaname = current_schema() AND tablename = $1",
                            name, &n, st);
    *out = n > 0;
    return e;
}

/* Run a one-parameter query and append each row's columns, joined by spaces. */
static isms_err describe_rows(db_conn *c, const char *sql, const char *table, const char *lead,
                              strbuf *out, isms_status *st)
{
    db_stmt *s;
    isms_err e = pg_prepare(c, sql, &s, st);
    if (e != ISMS_OK)
        return e;
    pg_bind_text(s, 1, table);
    db_step r;
    while ((r = pg_step(s, st)) == DB_ROW) {
        strbuf_puts(out, lead);
        int n = PQnfields(((stmt_slot *)s)->res);
        for (int i = 0; i < n; i++)
            strbuf_printf(out, "%s%s", i ? " " : "", pg_column_text(s, i));
        strbuf_putc(out, '\n');
    }
    pg_reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

/* The catalog queries of describe_schema, each for one table ($1) of the current schema. */
static const char *const describe_sql[] = {
    /* Columns in order, their type as the dialect spells it, and their place in the key. */
    "SELECT 'column', a.attname, CASE format_type(a.atttypid, NULL) WHEN 'bigint' THEN "
    "'INTEGER' WHEN 'integer' THEN 'INTEGER' ELSE upper(format_type(a.atttypid, NULL)) END, "
    "CASE WHEN a.attnotnull THEN 'not-null' ELSE 'null' END, 'pk=' || coalesce((SELECT "
    "array_position(p.conkey, a.attnum) FROM pg_constraint p WHERE p.conrelid = t.oid AND "
    "p.contype = 'p'), 0) FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid "
    "WHERE t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND "
    "t.relname = $1 "
    "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
    /* Foreign keys (one column each). */
    "SELECT 'fk', a.attname, '->', r.relname, ra.attname, 'on-delete', CASE k.confdeltype "
    "WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' WHEN 'r' "
    "THEN 'RESTRICT' ELSE 'NO ACTION' END FROM pg_constraint k JOIN pg_class t ON t.oid = "
    "k.conrelid JOIN pg_class r ON r.oid = k.confrelid JOIN pg_attribute a ON a.attrelid = "
    "k.conrelid AND a.attnum = k.conkey[1] JOIN pg_attribute ra ON ra.attrelid = k.confrelid "
    "AND ra.attnum = k.confkey[1] WHERE k.contype = 'f' AND t.relnamespace = "
    "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND t.relname = $1 ORDER BY "
    "a.attname COLLATE \"C\"",
    /* Indexes made by CREATE INDEX (not those behind a key or UNIQUE constraint). */
    "SELECT 'index', i.relname, CASE WHEN x.indisunique THEN 'unique' ELSE 'plain' END, "
    "(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(x.indkey::int2[]) WITH "
    "ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = "
    "k.attnum) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON "
    "t.oid = x.indrelid WHERE t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = "
    "current_schema()) AND t.relname = "
    "$1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
    "ORDER BY i.relname COLLATE \"C\"",
    "SELECT 'trigger', g.tgname FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid WHERE "
    "NOT g.tgisinternal AND t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = "
    "current_schema()) AND t.relname = "
    "$1 ORDER BY g.tgname COLLATE \"C\"",
};

static isms_err pg_describe_schema(db_conn *c, strbuf *out, isms_status *st)
{
    db_stmt *tables;
    isms_err e = pg_prepare(c,
                            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = "
                            "current_schema() ORDER BY tablename COLLATE \"C\"",
                            &tables, st);
    if (e != ISMS_OK)
        return e;
    strbuf names;
    strbuf_init(&names, 1 << 20);
    db_step r;
    while ((r = pg_step(tables, st)) == DB_ROW)
        strbuf_printf(&names, "%s\n", pg_column_text(tables, 0));
    pg_reset(tables);
    for (char *p = names.ptr, *nl; r != DB_ERROR && e == ISMS_OK && (nl = strchr(p, '\n'));
         p = nl + 1) {
        *nl = '\0';
        strbuf_printf(out, "table %s\n", p);
        for (size_t i = 0; e == ISMS_OK && i < sizeof(describe_sql) / sizeof(describe_sql[0]); i++)
            e = describe_rows(c, describe_sql[i], p, "  ", out, st);
    }
    strbuf_dispose(&names);
    return r == DB_ERROR ? st->code : e;
}

static isms_err pg_exec_script(db_conn *c, const char *sql, isms_status *st)
{
    return exec(c, sql, st);
}

const store_driver pg_driver = {
    .name = "postgres",
    .dialect = &pg_dialect,
    .accepts = pg_accepts,
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .bind_null = pg_bind_null,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .step = pg_step,
    .column_null = pg_column_null,
    .column_int = pg_column_int,
    .column_text = pg_column_text,
    .reset = pg_reset,
    .changes = pg_changes,
    .last_insert_id = pg_last_insert_id,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    /* One write transaction at a time (the advisory write lock): queue in the process. */
    .one_writer = true,
    .exec_script = pg_exec_script,
    .begin_migration = pg_begin_migration,
    .has_tables = pg_has_tables,
    .has_table = pg_has_table,
    .set_id_counter = pg_set_id_counter,
    .discard = pg_discard,
    .describe_schema = pg_describe_schema,
};
