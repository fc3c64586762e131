/* Shared between the generic store's source files; not for callers. */
#ifndef ISMS_STORE_INTERNAL_H
#define ISMS_STORE_INTERNAL_H

#include <pthread.h>

#include "store/driver.h"
#include "store/migrate.h"
#include "store/sqlgen.h"
#include "store/store.h"

/* One pending change of a heat map count: grid 0 all, 1 current, 2 residual. */
enum { STORE_HEAT_PENDING = 128 };
typedef struct store_heat_delta {
    int64_t method, n;
    int grid, likelihood, impact;
} store_heat_delta;

/* Write the pending heat map counts of t (store_commit does, before committing). */
isms_err store_risk_heat_flush(store_txn *t, isms_status *st);

/* Records found in force in this transaction (store_presence_of): no need to ask again. */
enum { STORE_KNOWN_MAX = 32 };
typedef struct store_known {
    const isms_kind *kind;
    int64_t id;
} store_known;

struct store_txn {
    store_conn *conn;
    const isms_write_ctx *ctx;
    /* The change log's last entry, read once per transaction (it holds the write lock). */
    bool log_known;
    int64_t log_seq;
    char log_hash[CHANGELOG_HEX];
    /* One value kept for the rest of the transaction (store_txn_memo), dropped
     * when a record of memo_kind is written in it; memo_arena holds what the
     * caller allocates for it and is freed when the transaction ends. */
    const isms_kind *memo_kind;
    int64_t memo_id;
    const void *memo_value;
    arena memo_arena;
    /* Changes of the heat maps' counts not yet written (store_risk_heat.c): written
     * before the commit, or when the list is full. */
    store_heat_delta heat[STORE_HEAT_PENDING];
    size_t nheat;
    /* Forgotten for a kind when a record of it is written in the transaction, which
     * could retire or delete one (store_txn_forget); an import checks each row's
     * owner and method without a query once they are known. */
    store_known known[STORE_KNOWN_MAX];
    size_t nknown, next_known;
};

struct store_conn {
    store *owner;
    db_conn *db;
    bool in_txn;
    bool in_read; /* a read snapshot (store_read_begin) is open */
    store_txn txn;
};

/* The change log's statements (store_log.c), made once per store from the dialect. */
typedef enum log_sql {
    LOG_LAST,
    LOG_INSERT,
    LOG_GET,
    LOG_ALL,
    LOG_KIND,
    LOG_RECORD,
    LOG_RECORD_DESC,
    LOG_LATEST,
    LOG_VERSION,
    LOG_BY_RECORD,
    LOG_REDACT,
    CHECKPOINT_INSERT,
    CHECKPOINT_ALL,
    CHECKPOINT_LATEST,
    LOG_SQL_COUNT
} log_sql;

struct store {
    const store_driver *driver;
    const isms_registry *reg;
    kind_sql *sql;            /* one per registry kind, same order */
    char *log_sql[LOG_SQL_COUNT];
    int busy_timeout_ms;
    int schema_version;
    pthread_mutex_t lock;     /* guards the free list */
    pthread_cond_t freed;
    pthread_mutex_t write_lock; /* held by the write transaction, if driver->one_writer */
    store_conn *conns;        /* pool_size connections */
    store_conn **free_list;   /* idle connections */
    size_t pool_size, nfree;
};

const kind_sql *store_kind_sql(const store *s, const isms_kind *k);

/* Prepare through the connection's cache. */
isms_err conn_prepare(store_conn *c, const char *sql, db_stmt **out, isms_status *st);

/*
 * Prepare sql ('?' for each value, written as the dialect's placeholders) and
 * bind the values listed by types: 'i' an int64_t, 'n' an int64_t where 0
 * binds NULL, 's' a text (NULL binds NULL). store_sql.c.
 */
isms_err conn_prepare_bound(store_conn *c, db_stmt **out, isms_status *st, const char *sql,
                            const char *types, ...);

/*
 * Step a statement that returns no row and reset it; *changed (may be NULL)
 * gets the rows it changed. store_sql.c.
 */
isms_err conn_run(store_conn *c, db_stmt *s, int64_t *changed, isms_status *st);

/* Column col of the current row as a copy in a, or NULL for SQL NULL. */
const char *conn_column_text(store_conn *c, db_stmt *s, int col, arena *a);

/* Read one row (the kind_sql columns) into a new record, then load its links. */
isms_err row_to_record(store_conn *c, db_stmt *s, const isms_kind *k, arena *a,
                       isms_record **out, isms_status *st);

/* Build and free the change log's statements (store_log.c). */
void log_sql_build(char *out[LOG_SQL_COUNT], const sql_dialect *d);
void log_sql_dispose(char *sql[LOG_SQL_COUNT]);

/* Give records that predate the change log their baseline entry, once (store_log.c). */
isms_err log_baseline(store *s, isms_status *st);

/* Fill the reference lists of records already read. */
isms_err load_links(store_conn *c, isms_record *rec, arena *a, isms_status *st);
/* The same for n records of one kind, a few statements for all (list pages). */
isms_err load_links_page(store_conn *c, isms_record **recs, size_t n, arena *a, isms_status *st);

#endif
