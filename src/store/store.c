/* The store's life cycle: choosing the driver, migrating, the pool, transactions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/internal.h"
#include "util/die.h"

/* The first that accepts the URL serves it: PostgreSQL for postgres:// URLs, else SQLite. */
static const store_driver *const drivers[] = {&pg_driver, &sqlite_driver};

static const store_driver *driver_for(const char *url)
{
    for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
        if (drivers[i]->accepts(url))
            return drivers[i];
    return NULL;
}

const kind_sql *store_kind_sql(const store *s, const isms_kind *k)
{
    for (size_t i = 0; i < s->reg->nkinds; i++)
        if (s->reg->kinds[i] == k)
            return &s->sql[i];
    die("store: kind not in this store's registry");
}

static void store_dispose_parts(store *s)
{
    for (size_t i = 0; i < s->pool_size; i++)
        if (s->conns[i].db)
            s->driver->close(s->conns[i].db);
    for (size_t i = 0; s->sql && i < s->reg->nkinds; i++)
        kind_sql_dispose(&s->sql[i], s->reg->kinds[i]);
    free(s->sql);
    log_sql_dispose(s->log_sql);
    free(s->conns);
    free(s->free_list);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->freed);
    pthread_mutex_destroy(&s->write_lock);
    free(s);
}

static store *store_alloc(const store_driver *d, const isms_registry *reg,
                          const store_options *opt)
{
    store *s = calloc(1, sizeof(*s));
    if (!s)
        die_oom();
    s->driver = d;
    s->reg = reg;
    s->pool_size = opt->pool_size ? opt->pool_size : 4;
    s->busy_timeout_ms = opt->busy_timeout_ms ? opt->busy_timeout_ms : 5000;
    s->conns = calloc(s->pool_size, sizeof(store_conn));
    s->free_list = calloc(s->pool_size, sizeof(store_conn *));
    s->sql = calloc(reg->nkinds, sizeof(kind_sql));
    if (!s->conns || !s->free_list || !s->sql)
        die_oom();
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->freed, NULL);
    pthread_mutex_init(&s->write_lock, NULL);
    for (size_t i = 0; i < reg->nkinds; i++)
        kind_sql_build(&s->sql[i], reg->kinds[i], d->dialect);
    log_sql_build(s->log_sql, d->dialect);
    return s;
}

isms_err store_open(store **out, const isms_registry *reg, const char *url,
                    const store_options *opt, isms_status *st)
{
    status_clear(st);
    *out = NULL;
    if (!registry_check(reg, st)) {
        char why[sizeof(st->detail)]; /* the detail cannot be both source and target */
        snprintf(why, sizeof(why), "%s", st->detail);
        return status_fail(st, ISMS_ESTORE, "the record registry is inconsistent: %s", why);
    }
    const store_driver *d = driver_for(url);
    if (!d) {
        char shown[512];
        store_url_display(url, shown, sizeof(shown));
        return status_fail(st, ISMS_EINVALID, "no store driver serves %s", shown);
    }
    store_options o = *opt;
    store *s = store_alloc(d, reg, &o);
    o.busy_timeout_ms = s->busy_timeout_ms;
    isms_err e = d->open(url, &o, &s->conns[0].db, st);
    char shown[512]; /* messages name the database, never its password */
    store_url_display(url, shown, sizeof(shown));
    if (e == ISMS_OK)
        e = migrate_up(d, s->conns[0].db, o.migrations, o.create, shown, &s->schema_version, st);
    /* Only the first connection may create the database; the others open it. */
    o.create = false;
    for (size_t i = 1; e == ISMS_OK && i < s->pool_size; i++)
        e = d->open(url, &o, &s->conns[i].db, st);
    if (e != ISMS_OK) {
        store_dispose_parts(s);
        return e;
    }
    for (size_t i = 0; i < s->pool_size; i++) {
        s->conns[i].owner = s;
        s->free_list[s->nfree++] = &s->conns[i];
    }
    e = log_baseline(s, st);
    if (e != ISMS_OK) {
        store_dispose_parts(s);
        return e;
    }
    *out = s;
    return ISMS_OK;
}

void store_free(store *s)
{
    if (!s)
        return;
    if (s->nfree != s->pool_size)
        die("store_free: a connection is still borrowed");
    store_dispose_parts(s);
}

const isms_registry *store_registry(const store *s)
{
    return s->reg;
}

const isms_registry *store_conn_registry(const store_conn *c)
{
    return c->owner->reg;
}

int store_schema_version(const store *s)
{
    return s->schema_version;
}

isms_err store_schema_version_now(store_conn *c, int *out, isms_status *st)
{
    const store_driver *d = c->owner->driver;
    db_stmt *s;
    isms_err e =
        conn_prepare(c, "SELECT coalesce(max(\"version\"), 0) FROM \"isms_schema\"", &s, st);
    if (e != ISMS_OK)
        return e;
    db_step r = d->step(s, st);
    *out = r == DB_ROW ? (int)d->column_int(s, 0) : 0;
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

/* The time the busy timeout ends, from now (CLOCK_REALTIME, for the pthread waits). */
static struct timespec busy_deadline(const store *s)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += s->busy_timeout_ms / 1000;
    until.tv_nsec += (long)(s->busy_timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    return until;
}

isms_err store_borrow(store *s, store_conn **out, isms_status *st)
{
    struct timespec until = busy_deadline(s);
    pthread_mutex_lock(&s->lock);
    int rc = 0;
    while (s->nfree == 0 && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&s->freed, &s->lock, &until);
    if (s->nfree == 0) {
        pthread_mutex_unlock(&s->lock);
        return status_fail(st, ISMS_EBUSY, "every database connection is in use; try again");
    }
    *out = s->free_list[--s->nfree];
    pthread_mutex_unlock(&s->lock);
    return ISMS_OK;
}

void store_return(store_conn *c)
{
    if (!c)
        return;
    store *s = c->owner;
    if (c->in_txn)
        store_rollback(&c->txn);
    store_read_end(c);
    pthread_mutex_lock(&s->lock);
    s->free_list[s->nfree++] = c;
    pthread_cond_signal(&s->freed);
    pthread_mutex_unlock(&s->lock);
}

void store_url_display(const char *url, char *out, size_t size)
{
    strbuf b;
    strbuf_init(&b, 1024);
    const char *scheme = strstr(url, "://");
    const char *auth = scheme ? scheme + 3 : NULL;
    const char *at = auth ? strpbrk(auth, "@/?") : NULL;
    const char *colon = at && *at == '@' ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    const char *p = url;
    if (colon) { /* scheme://user:PASSWORD@host */
        strbuf_add(&b, url, (size_t)(colon + 1 - url));
        strbuf_puts(&b, "***");
        p = at;
    }
    /* password=VALUE in a query string or a key=value connection string */
    for (const char *q; (q = strstr(p, "password=")) != NULL;) {
        strbuf_add(&b, p, (size_t)(q + 9 - p));
        strbuf_puts(&b, "***");
        p = q + 9 + strcspn(q + 9, "& ");
    }
    strbuf_puts(&b, p);
    snprintf(out, size, "%s", strbuf_ok(&b) ? b.ptr : "(the database)");
    strbuf_dispose(&b);
}

isms_err conn_prepare(store_conn *c, const char *sql, db_stmt **out, isms_status *st)
{
    return c->owner->driver->prepare(c->db, sql, out, st);
}

isms_err store_begin(store_conn *c, const isms_write_ctx *ctx, store_txn **out,
                     isms_status *st)
{
    if (c->in_txn || c->in_read)
        die("store_begin: a transaction is already open on this connection");
    store *s = c->owner;
    if (s->driver->one_writer) {
        struct timespec until = busy_deadline(s);
        if (pthread_mutex_timedlock(&s->write_lock, &until) != 0)
            return status_fail(st, ISMS_EBUSY, "the database is busy; try again");
    }
    isms_err e = s->driver->begin(c->db, true, st);
    if (e != ISMS_OK) {
        if (s->driver->one_writer)
            pthread_mutex_unlock(&s->write_lock);
        return e;
    }
    c->in_txn = true;
    c->txn.conn = c;
    c->txn.ctx = ctx;
    c->txn.log_known = false;
    c->txn.memo_kind = NULL;
    c->txn.nheat = 0;
    c->txn.nknown = c->txn.next_known = 0;
    arena_init(&c->txn.memo_arena);
    *out = &c->txn;
    return ISMS_OK;
}

isms_err store_read_begin(store_conn *c, isms_status *st)
{
    if (c->in_txn || c->in_read)
        die("store_read_begin: a transaction is already open on this connection");
    isms_err e = c->owner->driver->begin(c->db, false, st);
    c->in_read = e == ISMS_OK;
    return e;
}

void store_read_end(store_conn *c)
{
    if (!c->in_read)
        return;
    c->owner->driver->rollback(c->db);
    c->in_read = false;
}

/* The write transaction is over: let the next writer in. */
static void txn_end(store_conn *c)
{
    if (c->in_txn && c->owner->driver->one_writer)
        pthread_mutex_unlock(&c->owner->write_lock);
    if (c->in_txn) {
        c->txn.memo_kind = NULL;
        arena_dispose(&c->txn.memo_arena);
    }
    c->in_txn = false;
}

isms_err store_commit(store_txn *t, isms_status *st)
{
    store_conn *c = t->conn;
    isms_err e = store_risk_heat_flush(t, st);
    if (e == ISMS_OK)
        e = c->owner->driver->commit(c->db, st);
    if (e != ISMS_OK)
        c->owner->driver->rollback(c->db);
    txn_end(c);
    return e;
}

void store_rollback(store_txn *t)
{
    store_conn *c = t->conn;
    c->owner->driver->rollback(c->db);
    txn_end(c);
}

isms_err store_write(store *s, const isms_write_ctx *ctx, store_write_fn fn, void *arg,
                     isms_status *st)
{
    store_conn *conn;
    isms_err e = store_borrow(s, &conn, st);
    if (e != ISMS_OK)
        return e;
    store_txn *t;
    e = store_begin(conn, ctx, &t, st);
    if (e == ISMS_OK) {
        e = fn(t, arg, st);
        if (e == ISMS_OK)
            e = store_commit(t, st);
        else
            store_rollback(t);
    }
    store_return(conn);
    return e;
}

isms_err store_write_dry(store *s, const isms_write_ctx *ctx, store_write_fn fn, void *arg,
                         isms_status *st)
{
    store_conn *conn;
    isms_err e = store_borrow(s, &conn, st);
    if (e != ISMS_OK)
        return e;
    store_txn *t;
    e = store_begin(conn, ctx, &t, st);
    if (e == ISMS_OK) {
        e = fn(t, arg, st);
        /* Both drivers undo everything fn wrote, the change log entries included. */
        store_rollback(t);
    }
    store_return(conn);
    return e;
}

isms_err store_write_again(store *s, const isms_write_ctx *ctx, store_write_fn fn, void *arg,
                           isms_status *st)
{
    for (int attempt = 1;; attempt++) {
        isms_err e = store_write(s, ctx, fn, arg, st);
        if (e != ISMS_EBUSY || !st->retryable || attempt == STORE_WRITE_ATTEMPTS)
            return e;
        /* Everything was rolled back: pause a little (2 ms, 4 ms) and run it again. */
        status_clear(st);
        struct timespec pause = {0, 2000000L * attempt};
        nanosleep(&pause, NULL);
    }
}

store_conn *store_txn_conn(store_txn *t)
{
    return t->conn;
}

const void *store_txn_memo(store_txn *t, const isms_kind *k, int64_t *id)
{
    if (t->memo_kind != k)
        return NULL;
    *id = t->memo_id;
    return t->memo_value;
}

void store_txn_memo_put(store_txn *t, const isms_kind *k, int64_t id, const void *value)
{
    t->memo_kind = k;
    t->memo_id = id;
    t->memo_value = value;
}

arena *store_txn_memo_arena(store_txn *t)
{
    return &t->memo_arena;
}

void store_txn_forget(store_txn *t, const isms_kind *k)
{
    if (t->memo_kind == k)
        t->memo_kind = NULL;
    size_t kept = 0;
    for (size_t i = 0; i < t->nknown; i++)
        if (t->known[i].kind != k)
            t->known[kept++] = t->known[i];
    t->nknown = kept;
    t->next_known = kept % STORE_KNOWN_MAX;
}

const isms_write_ctx *store_txn_ctx(const store_txn *t)
{
    return t->ctx;
}

isms_err store_describe_schema(store_conn *c, arena *a, const char **out, isms_status *st)
{
    strbuf b;
    strbuf_init(&b, 4u << 20);
    isms_err e = c->owner->driver->describe_schema(c->db, &b, st);
    if (e == ISMS_OK && !strbuf_ok(&b))
        e = status_fail(st, ISMS_ETOOBIG, "the schema description is too long");
    *out = arena_strndup(a, b.ptr, b.len);
    strbuf_dispose(&b);
    return e;
}
