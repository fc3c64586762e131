/*
 * The store: the one interface through which isms reads and writes records.
 * Callers pass records, typed values and queries as data, never SQL text.
 * Behind it sit drivers (SQLite now; PostgreSQL later) chosen by the URL.
 *
 * Concurrency: a store owns a bounded pool of connections. A thread borrows
 * one (store_borrow), uses it alone, and returns it (store_return). Every
 * write happens inside an explicit transaction that carries the write
 * context (actor, channel, time), so anything else a change must record
 * (change log, import batches, approvals) joins the same transaction.
 */
#ifndef ISMS_STORE_STORE_H
#define ISMS_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/changelog.h"
#include "core/record.h"
#include "core/registry.h"
#include "core/status.h"
#include "util/arena.h"

typedef struct store store;           /* the database and its pool */
typedef struct store_conn store_conn; /* one borrowed connection */
typedef struct store_txn store_txn;   /* the write transaction open on a connection */

typedef struct store_options {
    size_t pool_size;    /* connections in the pool; 0 means 4 */
    int busy_timeout_ms; /* wait for locks and for a free connection; 0 means 5000 */
    bool create;         /* make a new, empty ISMS; refuse a database that holds one */
    /*
     * The migrations to apply; NULL means the checked-in ones of the driver's
     * dialect. Tests and benchmarks with a registry of their own pass one
     * generated from it (migrate.h).
     */
    const struct migration_set *migrations;
} store_options;

/*
 * url as it may be shown or logged: a password in it ("postgres://u:PW@h/db",
 * "...?password=PW") replaced by "***". Written to out (size bytes, cut if longer).
 */
void store_url_display(const char *url, char *out, size_t size);

/* Open (and migrate) the database named by url: a file path or "sqlite:PATH". */
isms_err store_open(store **out, const isms_registry *reg, const char *url,
                    const store_options *opt, isms_status *st);

/* Close every connection. All borrowed connections must have been returned. */
void store_free(store *s);

const isms_registry *store_registry(const store *s);

/* The registry of the store a connection belongs to. */
const isms_registry *store_conn_registry(const store_conn *c);

/* The schema version the database was at when the store opened (after migrating it). */
int store_schema_version(const store *s);

/*
 * The schema version the database is at now, read from it: another process (a
 * newer isms on the same PostgreSQL database) may have migrated it since.
 */
isms_err store_schema_version_now(store_conn *c, int *out, isms_status *st);

/* Borrow a connection, waiting up to the busy timeout; ISMS_EBUSY after that. */
isms_err store_borrow(store *s, store_conn **out, isms_status *st);
void store_return(store_conn *c);

/* --- transactions ------------------------------------------------------ */

/* Start the write transaction; ctx must outlive it. */
isms_err store_begin(store_conn *c, const isms_write_ctx *ctx, store_txn **out,
                     isms_status *st);
isms_err store_commit(store_txn *t, isms_status *st);
void store_rollback(store_txn *t);
store_conn *store_txn_conn(store_txn *t);

/*
 * The whole write cycle every face needs: borrow a connection, begin, run fn,
 * commit when fn succeeds (roll back otherwise), return the connection.
 */
typedef isms_err (*store_write_fn)(store_txn *t, void *arg, isms_status *st);
isms_err store_write(store *s, const isms_write_ctx *ctx, store_write_fn fn, void *arg,
                     isms_status *st);
const isms_write_ctx *store_txn_ctx(const store_txn *t);

/*
 * A memo for the rest of a write transaction: one value, keyed by a kind,
 * such as the parsed risk method in force that every risk write needs.
 * store_txn_memo answers the value (and its id) put for k, or NULL. Writing
 * a record of k in the transaction (store_insert, update, retire, delete)
 * forgets it, and so does the end of the transaction. Memory the value needs
 * comes from store_txn_memo_arena, freed when the transaction ends.
 */
const void *store_txn_memo(store_txn *t, const isms_kind *k, int64_t *id);
void store_txn_memo_put(store_txn *t, const isms_kind *k, int64_t id, const void *value);
arena *store_txn_memo_arena(store_txn *t);
void store_txn_forget(store_txn *t, const isms_kind *k);

/*
 * store_write, run again when it failed transiently (st->retryable: a
 * serialization failure or deadlock, a lost connection), up to
 * STORE_WRITE_ATTEMPTS times in all; after that the failure stands (busy).
 * Only for fn that can run again after a rollback: it builds what it writes
 * from arg without changing arg (the record operations of every face do).
 */
enum { STORE_WRITE_ATTEMPTS = 3 };
isms_err store_write_again(store *s, const isms_write_ctx *ctx, store_write_fn fn, void *arg,
                           isms_status *st);

/*
 * As store_write, but the transaction is always rolled back, whatever fn
 * answers: a dry run (CSV import without --apply) that runs every check the
 * real write would (references, uniqueness, permissions) and keeps nothing.
 */
isms_err store_write_dry(store *s, const isms_write_ctx *ctx, store_write_fn fn, void *arg,
                         isms_status *st);

/*
 * A read snapshot on c for reads that span many statements (`isms log
 * verify`): every read until store_read_end sees the same state of the
 * database. Not inside a write transaction.
 */
isms_err store_read_begin(store_conn *c, isms_status *st);
void store_read_end(store_conn *c);

/* --- reads ------------------------------------------------------------- */

enum { STORE_MAX_FILTERS = 16, STORE_PAGE_MAX = 200, STORE_PAGE_DEFAULT = 50,
       STORE_QUERY_TEXT_MAX = 200, STORE_CURSOR_MAX = 1024 };

typedef enum store_retired {
    STORE_ACTIVE_ONLY, /* the default view: records in force */
    STORE_WITH_RETIRED,
    STORE_RETIRED_ONLY,
} store_retired;

typedef struct store_filter {
    const isms_field *field; /* FF_FILTERABLE; for FT_REFLIST: "contains" */
    isms_value value;        /* unset value: the field has no value */
} store_filter;

typedef struct store_query {
    const isms_kind *kind;
    store_filter filters[STORE_MAX_FILTERS];
    size_t nfilters;
    const char *q;          /* case-insensitive substring of title or human id, or NULL */
    const isms_field *sort; /* FF_SORTABLE field, or NULL for the id */
    bool desc;
    const char *cursor;     /* next_cursor of the previous page, or NULL */
    size_t limit;           /* 1..STORE_PAGE_MAX; 0 means STORE_PAGE_DEFAULT */
    store_retired retired;
} store_query;

typedef struct store_page {
    isms_record **items;
    size_t n;
    const char *next_cursor; /* NULL on the last page */
} store_page;

isms_err store_get(store_conn *c, const isms_kind *k, int64_t id, arena *a, isms_record **out,
                   isms_status *st);

/* One page of a list; filters, search and sort are validated here. */
isms_err store_list(store_conn *c, const store_query *q, arena *a, store_page *out,
                    isms_status *st);

/* How many records match the query's filters, search and retired mode. */
isms_err store_count(store_conn *c, const store_query *q, int64_t *out, isms_status *st);

/*
 * As store_count, but stops after max matches (*out is then max): for
 * pages that show "more than N" rather than read a large table to the end.
 */
isms_err store_count_upto(store_conn *c, const store_query *q, int64_t max, int64_t *out,
                          isms_status *st);

/* A record that points at another, through one of its fields. */
typedef struct store_referrer {
    const isms_kind *kind;
    const isms_field *field;
    int64_t id;
    const char *title;
    bool retired;
} store_referrer;

typedef struct store_referrers {
    store_referrer *items;
    size_t n;
    bool more; /* there were more than `max` */
} store_referrers;

/* The records whose fields point at (k, id); at most max of them. */
isms_err store_referrers_of(store_conn *c, const isms_kind *k, int64_t id, bool active_only,
                            size_t max, arena *a, store_referrers *out, isms_status *st);

typedef enum store_presence { STORE_ABSENT, STORE_ACTIVE, STORE_RETIRED } store_presence;

/* Whether (k, id) exists and is in force: used to check references before a write. */
isms_err store_presence_of(store_conn *c, const isms_kind *k, int64_t id, store_presence *out,
                           isms_status *st);

/* --- writes (inside a transaction) ------------------------------------- */

/* Store a new record: sets id, version 1 and created/updated from the context. */
isms_err store_insert(store_txn *t, isms_record *rec, isms_status *st);

/*
 * Replace a record's values if its stored version is still expected_version.
 * Bumps rec->version and updated_*. A stale version is ISMS_ECONFLICT with
 * st->current_version set.
 */
isms_err store_update(store_txn *t, isms_record *rec, int64_t expected_version,
                      isms_status *st);

isms_err store_retire(store_txn *t, const isms_kind *k, int64_t id, int64_t expected_version,
                      const char *reason, isms_status *st);

isms_err store_delete(store_txn *t, const isms_kind *k, int64_t id, int64_t expected_version,
                      isms_status *st);

/* Small settings of the ISMS (organization name, ...): text by key. */
isms_err store_setting_get(store_conn *c, const char *key, arena *a, const char **out,
                           isms_status *st);
isms_err store_setting_put(store_txn *t, const char *key, const char *value, isms_status *st);

/* --- accounts (store_accounts.c; docs/SECURITY.md) ----------------------- */

enum { STORE_USER_KEY_MAX = 4 * ISMS_ACTOR_MAX + 1 };

/* A user: a login, linked to at most one person, with its roles. */
typedef struct store_user {
    int64_t id;
    const char *name;
    int64_t person_id;         /* the person record's id; 0 when none */
    const char *password_hash; /* Argon2id string (core/password.h) */
    unsigned roles;            /* UR_* bits (core/roles.h) */
    const char *created_at, *created_by, *password_changed_at;
    const char *disabled_at; /* NULL while the user may log in */
    const char *disabled_by;
} store_user;

/* The key that makes names unique regardless of case (ASCII letters folded). */
void store_user_name_key(const char *name, char out[STORE_USER_KEY_MAX]);

/* The user of that name (any case); ISMS_ENOTFOUND naming it when there is none. */
isms_err store_user_by_name(store_conn *c, const char *name, arena *a, store_user **out,
                            isms_status *st);
isms_err store_user_by_id(store_conn *c, int64_t id, arena *a, store_user **out, isms_status *st);

/* Every user, by name. */
isms_err store_user_list(store_conn *c, arena *a, store_user ***out, size_t *n, isms_status *st);

/* A new user with its roles; created_* from the write context; sets u->id. A taken name is a
 * conflict. */
isms_err store_user_insert(store_txn *t, store_user *u, isms_status *st);
isms_err store_user_set_roles(store_txn *t, int64_t id, unsigned roles, isms_status *st);
isms_err store_user_set_person(store_txn *t, int64_t id, int64_t person_id, isms_status *st);

/* A new password hash; every session of the user ends. */
isms_err store_user_set_password(store_txn *t, int64_t id, const char *hash, isms_status *st);

/* Disable (every session ends) or enable again; the user's records stay. */
isms_err store_user_set_disabled(store_txn *t, int64_t id, bool disabled, isms_status *st);

/* A web session. Times are RFC 3339 UTC (clock_now_rfc3339), compared as text. */
typedef struct store_session {
    const char *token_hash; /* SHA-256 of the cookie's token */
    int64_t user_id;
    const char *csrf; /* the token every form of the session carries */
    const char *created_at, *last_seen_at;
    const char *client; /* the client address at login */
} store_session;

isms_err store_session_insert(store_txn *t, const store_session *s, isms_status *st);
isms_err store_session_get(store_conn *c, const char *token_hash, arena *a, store_session **out,
                           isms_status *st);
isms_err store_session_touch(store_txn *t, const char *token_hash, const char *at, isms_status *st);
isms_err store_session_delete(store_txn *t, const char *token_hash, isms_status *st);
isms_err store_sessions_delete_user(store_txn *t, int64_t user_id, isms_status *st);

/* Forget sessions idle since before idle_before or created before created_before. */
isms_err store_sessions_purge(store_txn *t, const char *idle_before, const char *created_before,
                              isms_status *st);

/* An API token. */
typedef struct store_token {
    int64_t id;
    const char *token_hash;
    int64_t user_id;
    const char *user_name; /* the owner's name (read only) */
    const char *role;      /* "owner" (the owner's roles) or one role name */
    const char *label;     /* NULL when none */
    const char *created_at, *created_by;
    const char *expires_at;   /* NULL: never */
    const char *last_used_at; /* NULL: not yet */
    const char *revoked_at;   /* NULL while valid */
} store_token;

/* Sets tok->id; created_* from the write context. */
isms_err store_token_insert(store_txn *t, store_token *tok, isms_status *st);
isms_err store_token_by_hash(store_conn *c, const char *token_hash, arena *a, store_token **out,
                             isms_status *st);
isms_err store_token_get(store_conn *c, int64_t id, arena *a, store_token **out, isms_status *st);

/* The tokens of one user (user_id 0: of every user), newest first. */
isms_err store_token_list(store_conn *c, int64_t user_id, arena *a, store_token ***out, size_t *n,
                          isms_status *st);
isms_err store_token_revoke(store_txn *t, int64_t id, isms_status *st);
isms_err store_token_touch(store_txn *t, int64_t id, const char *at, isms_status *st);

/* An authentication event (login_ok, login_failed, login_throttled, logout, ...). */
typedef struct store_auth_event {
    const char *event;
    const char *name;   /* the name tried, or NULL */
    int64_t user_id;    /* 0 when no user is known */
    const char *client; /* the client address, or NULL */
    const char *detail; /* NULL or a short text */
} store_auth_event;

/* Record the event at the write context's time. */
isms_err store_auth_event_add(store_txn *t, const store_auth_event *ev, isms_status *st);

/*
 * Failed logins since `since` (RFC 3339) for the name key (counted after
 * the last successful login of that name) and for the client address: the
 * input of login throttling (http/auth.c).
 */
isms_err store_auth_failures(store_conn *c, const char *name_key, const char *client,
                             const char *since, int64_t *by_name, int64_t *by_client,
                             isms_status *st);
/* --- the change log (core/changelog.h) -------------------------------------
 *
 * Append-only and hash-chained. Entries are written inside the write
 * transaction of the change they record (core/records.c), so a change and its
 * entry commit or roll back together. The transaction's write context gives
 * time, actor and channel; seq is the last entry's plus one.
 */

/* Append an entry for record (kind, record_id). *seq (may be NULL) is its number. */
isms_err store_log_append(store_txn *t, const char *kind, int64_t record_id, const char *action,
                          int64_t version, const char *content, int64_t *seq, isms_status *st);

/* Append an entry whose content is rec as JSON (record_json_write): rec after the change. */
isms_err store_log_record(store_txn *t, const char *action, const isms_record *rec,
                          isms_status *st);

/* The last entry's seq and hash: 0 and the genesis hash while the log is empty. */
isms_err store_log_last(store_conn *c, int64_t *seq, char hash[CHANGELOG_HEX], isms_status *st);

typedef struct store_log_filter {
    const char *kind;  /* a kind's registry name, or NULL for every kind */
    int64_t record_id; /* with kind: only this record's entries; 0 for all */
    int64_t after;     /* only entries after this seq (ascending order only) */
    int64_t limit;     /* at most this many; 0: no limit */
    bool newest_first; /* descending seq order (only with kind and record_id) */
} store_log_filter;

/* Called with each entry; its strings live until it returns. Return false to stop. */
typedef bool (*store_log_fn)(const changelog_entry *e, void *arg);

/* The entries f selects, in seq order, one at a time: constant memory for any log. */
isms_err store_log_each(store_conn *c, const store_log_filter *f, store_log_fn fn, void *arg,
                        isms_status *st);

/* Entry seq, copied into a. ISMS_ENOTFOUND when there is none. */
isms_err store_log_get(store_conn *c, int64_t seq, arena *a, changelog_entry *out, isms_status *st);

/*
 * The newest entry of record (k, id) that is not a redaction: the record's
 * state after its last change. *found is false when the log has none.
 */
isms_err store_log_latest(store_conn *c, const isms_kind *k, int64_t id, arena *a,
                          changelog_entry *out, bool *found, isms_status *st);

/* The entry that made version `version` of (k, id); ISMS_ENOTFOUND when none did. */
isms_err store_log_version(store_conn *c, const isms_kind *k, int64_t id, int64_t version, arena *a,
                           changelog_entry *out, isms_status *st);

/*
 * For every record of kind k the log names, in id order: its newest entry
 * that is not a redaction. Strings live until fn returns.
 */
isms_err store_log_records(store_conn *c, const isms_kind *k, store_log_fn fn, void *arg,
                           isms_status *st);

/*
 * Redact entry seq: its content becomes NULL (its content_hash stays, so the
 * chain still verifies) and a redaction entry naming it and the reason is
 * appended in the same transaction (*redaction_seq, may be NULL). Refused
 * for an entry already redacted and for redaction entries themselves.
 */
isms_err store_log_redact(store_txn *t, int64_t seq, const char *reason, int64_t *redaction_seq,
                          isms_status *st);

/* Store a signed checkpoint (core/changelog.h). */
isms_err store_checkpoint_add(store_txn *t, const changelog_checkpoint *cp, isms_status *st);

typedef bool (*store_checkpoint_fn)(const changelog_checkpoint *cp, void *arg);

/* Every checkpoint, oldest first, one at a time. */
isms_err store_checkpoint_each(store_conn *c, store_checkpoint_fn fn, void *arg, isms_status *st);

/* The entry the newest checkpoint signed (0 when there is none). */
isms_err store_checkpoint_last_seq(store_conn *c, int64_t *seq, isms_status *st);

/* --- copying a whole ISMS (store_copy.c; `isms copy`) --------------------- */

enum { STORE_COPY_TABLES_MAX = 128 };

typedef struct store_copy_result {
    struct {
        char table[96];
        int64_t rows;
    } tables[STORE_COPY_TABLES_MAX]; /* rows copied, table by table, in copy order */
    size_t ntables;
    int64_t last_seq; /* the change log's last entry, the same at both ends */
    char last_hash[CHANGELOG_HEX];
} store_copy_result;

/*
 * Copy every record table (ids, versions, metadata, retired fields), link
 * table, setting, change log entry (byte for byte, redactions included),
 * checkpoint and account table (users, roles, API tokens, TOTP secrets,
 * recovery codes, auth events; not sessions or pending logins) from `from`
 * to `to`, a new, empty ISMS at the same schema version. The source is read
 * in one snapshot, the destination written in one transaction, page by
 * page; id counters continue after the source's largest id. Nothing is
 * committed unless all of it is copied. Verifying the copy (log_verify) is
 * the caller's.
 */
isms_err store_copy(store *from, store *to, store_copy_result *out, isms_status *st);

/*
 * Undo the creation of the ISMS s (opened with create, in a database that held
 * no table): drop its tables. ISMS_EINVALID for a driver whose databases are
 * files (SQLite): the caller removes the file. Every connection must be idle.
 */
isms_err store_discard(store *s, isms_status *st);

/* Canonical description of the schema as it is in the database (tests, `isms schema`). */
isms_err store_describe_schema(store_conn *c, arena *a, const char **out, isms_status *st);

#endif
