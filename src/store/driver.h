/*
 * What a database driver provides to the generic store: connections,
 * prepared statements (cached per connection by their text), typed binds and
 * columns, transactions, and the few places where SQL dialects differ.
 * The generic store (store.c, sqlgen.c, migrate.c) builds every statement
 * from the registry and never sees a driver's types.
 */
#ifndef ISMS_STORE_DRIVER_H
#define ISMS_STORE_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"
#include "store/store.h"
#include "util/strbuf.h"

typedef struct db_conn db_conn; /* a driver's connection */
typedef struct db_stmt db_stmt; /* a driver's prepared statement */

typedef enum db_step { DB_ROW, DB_DONE, DB_ERROR } db_step;

typedef struct sql_dialect {
    const char *name;            /* "sqlite", "postgres" */
    const char *id_column;       /* DDL of the generated primary key */
    const char *int_type;        /* 64-bit integer column type */
    const char *text_type;
    const char *like_ci;         /* case-insensitive LIKE operator */
    /*
     * How an INSERT hands back the generated id: true for "RETURNING id" (one
     * row), false for the driver's last_insert_id after the step. SQLite uses
     * the latter: RETURNING makes it keep a statement journal for every row.
     */
    bool insert_returning;
    /* Append the placeholder for parameter n (1-based). */
    void (*placeholder)(strbuf *sql, int n);
    /*
     * Append DDL that refuses DELETE on table and any UPDATE of its columns
     * (NULL-terminated), except setting the column `redactable` (may be
     * NULL) to NULL. Defence in depth for the change log: verification never
     * relies on it, since whoever can write the file can drop it.
     */
    void (*append_only)(strbuf *ddl, const char *table, const char *const *columns,
                        const char *redactable);
} sql_dialect;

typedef struct store_driver {
    const char *name;
    const sql_dialect *dialect;
    /* Does this driver serve the URL? */
    bool (*accepts)(const char *url);
    isms_err (*open)(const char *url, const store_options *opt, db_conn **out, isms_status *st);
    void (*close)(db_conn *c);

    /* A statement for this text, prepared once per connection and reused. */
    isms_err (*prepare)(db_conn *c, const char *sql, db_stmt **out, isms_status *st);
    void (*bind_null)(db_stmt *s, int n);
    void (*bind_int)(db_stmt *s, int n, int64_t v);
    void (*bind_text)(db_stmt *s, int n, const char *v);
    db_step (*step)(db_stmt *s, isms_status *st);
    bool (*column_null)(db_stmt *s, int col);
    int64_t (*column_int)(db_stmt *s, int col);
    const char *(*column_text)(db_stmt *s, int col); /* valid until the next step or reset */
    void (*reset)(db_stmt *s);                       /* done with it; keep it cached */
    int64_t (*changes)(db_conn *c);                  /* rows changed by the last statement */
    int64_t (*last_insert_id)(db_conn *c);           /* id made by the last INSERT */

    isms_err (*begin)(db_conn *c, bool write, isms_status *st);
    isms_err (*commit)(db_conn *c, isms_status *st);
    void (*rollback)(db_conn *c);
    /*
     * The database runs one write transaction at a time (SQLite). The store
     * then queues its own writers on a mutex: a writer that found the lock
     * taken would otherwise sleep in the driver's busy handler for up to
     * tens of milliseconds after the lock came free.
     */
    bool one_writer;

    /* Run trusted DDL (migrations) made of several statements. */
    isms_err (*exec_script)(db_conn *c, const char *sql, isms_status *st);
    /* Hold the migration lock for the current transaction (begun by begin_migration). */
    isms_err (*begin_migration)(db_conn *c, isms_status *st);
    /* Does the database hold any table at all? (to refuse foreign files) */
    isms_err (*has_tables)(db_conn *c, bool *out, isms_status *st);
    isms_err (*has_table)(db_conn *c, const char *name, bool *out, isms_status *st);
    /* Let the generated ids of table's "id" column continue after max (store_copy.c). */
    isms_err (*set_id_counter)(db_conn *c, const char *table, int64_t max, isms_status *st);
    /*
     * Drop every table of the current schema, and the functions of the change log's
     * triggers: undo the creation of an ISMS in a database that held no table before
     * (store_discard). NULL where the caller removes the file instead (SQLite).
     */
    isms_err (*discard)(db_conn *c, isms_status *st);
    /* Canonical text of the schema: tables, columns, indexes, foreign keys. */
    isms_err (*describe_schema)(db_conn *c, strbuf *out, isms_status *st);
} store_driver;

extern const store_driver sqlite_driver;
extern const store_driver pg_driver;

#endif
