/* Reading and writing single records. */
#include <string.h>

#include "store/internal.h"

#define DRV(c) ((c)->owner->driver)

static const char *column_text_or_null(store_conn *c, db_stmt *s, int col, arena *a)
{
    return DRV(c)->column_null(s, col) ? NULL : arena_strdup(a, DRV(c)->column_text(s, col));
}

static void read_value(store_conn *c, db_stmt *s, int *col, const isms_field *f, arena *a,
                       isms_value *v)
{
    const store_driver *d = DRV(c);
    if (f->type == FT_ANYREF) {
        v->set = !d->column_null(s, *col);
        if (v->set) {
            v->kind = registry_kind(c->owner->reg, d->column_text(s, *col));
            v->i = d->column_int(s, *col + 1);
            v->set = v->kind != NULL; /* a kind no longer known reads as no value */
        }
        *col += 2;
        return;
    }
    v->set = !d->column_null(s, *col);
    if (v->set) {
        if (field_is_text(f))
            v->s = arena_strdup(a, d->column_text(s, *col));
        else
            v->i = d->column_int(s, *col);
    }
    *col += 1;
}

isms_err row_to_record(store_conn *c, db_stmt *s, const isms_kind *k, arena *a,
                       isms_record **out, isms_status *st)
{
    (void)st;
    const store_driver *d = DRV(c);
    isms_record *r = record_new(a, k);
    r->id = d->column_int(s, MC_ID);
    r->version = d->column_int(s, MC_VERSION);
    r->created_at = column_text_or_null(c, s, MC_CREATED_AT, a);
    r->created_by = column_text_or_null(c, s, MC_CREATED_BY, a);
    r->updated_at = column_text_or_null(c, s, MC_UPDATED_AT, a);
    r->updated_by = column_text_or_null(c, s, MC_UPDATED_BY, a);
    r->retired_at = column_text_or_null(c, s, MC_RETIRED_AT, a);
    r->retired_by = column_text_or_null(c, s, MC_RETIRED_BY, a);
    r->retired_reason = column_text_or_null(c, s, MC_RETIRED_REASON, a);
    int col = MC_COUNT;
    for (size_t i = 0; i < k->nfields; i++)
        if (k->fields[i].type != FT_REFLIST)
            read_value(c, s, &col, &k->fields[i], a, &r->values[i]);
    *out = r;
    return ISMS_OK;
}

isms_err load_links(store_conn *c, isms_record *rec, arena *a, isms_status *st)
{
    const isms_kind *k = rec->kind;
    const kind_sql *ks = store_kind_sql(c->owner, k);
    const store_driver *d = DRV(c);
    for (size_t i = 0; i < k->nfields; i++) {
        if (k->fields[i].type != FT_REFLIST)
            continue;
        db_stmt *s;
        isms_err e = conn_prepare(c, ks->link_select[i], &s, st);
        if (e != ISMS_OK)
            return e;
        d->bind_int(s, 1, rec->id);
        size_t cap = 8, n = 0;
        int64_t *ids = arena_alloc(a, sizeof(int64_t) * cap);
        db_step r;
        while ((r = d->step(s, st)) == DB_ROW) {
            if (n == cap) {
                int64_t *bigger = arena_alloc(a, sizeof(int64_t) * cap * 2);
                memcpy(bigger, ids, sizeof(int64_t) * n);
                ids = bigger;
                cap *= 2;
            }
            ids[n++] = d->column_int(s, 0);
        }
        d->reset(s);
        if (r == DB_ERROR)
            return st->code;
        rec->values[i] = (isms_value){.set = n > 0, .ids = ids, .n = n};
    }
    return ISMS_OK;
}

/* A record's link list while it is read: ids grow in the arena (doubling). */
typedef struct link_list {
    int64_t *ids;
    size_t n, cap;
} link_list;

static void link_append(link_list *l, int64_t id, arena *a)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        int64_t *ids = arena_alloc(a, sizeof(int64_t) * l->cap);
        if (l->n)
            memcpy(ids, l->ids, sizeof(int64_t) * l->n);
        l->ids = ids;
    }
    l->ids[l->n++] = id;
}

/* The links of field fi for up to LINK_PAGE records of one kind, in one statement. */
static isms_err load_links_batch(store_conn *c, isms_record **recs, size_t n, size_t fi,
                                 arena *a, isms_status *st)
{
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = conn_prepare(c, store_kind_sql(c->owner, recs[0]->kind)->link_select_page[fi],
                              &s, st);
    if (e != ISMS_OK)
        return e;
    link_list lists[LINK_PAGE] = {{0}};
    for (size_t i = 0; i < LINK_PAGE; i++)
        d->bind_int(s, (int)i + 1, i < n ? recs[i]->id : 0); /* no record has id 0 */
    db_step r;
    size_t at = 0; /* the record of the last row: rows come grouped by src */
    while ((r = d->step(s, st)) == DB_ROW) {
        int64_t src = d->column_int(s, 0);
        if (recs[at]->id != src)
            for (at = 0; at < n && recs[at]->id != src; at++)
                ;
        if (at == n) { /* cannot happen: src is one of the ids bound */
            at = 0;
            continue;
        }
        link_append(&lists[at], d->column_int(s, 1), a);
    }
    d->reset(s);
    if (r == DB_ERROR)
        return st->code;
    for (size_t i = 0; i < n; i++) /* as load_links leaves them: empty is an unset list */
        recs[i]->values[fi] = (isms_value){.set = lists[i].n > 0,
                                           .ids = lists[i].ids ? lists[i].ids
                                                               : arena_alloc(a, sizeof(int64_t)),
                                           .n = lists[i].n};
    return ISMS_OK;
}

isms_err load_links_page(store_conn *c, isms_record **recs, size_t n, arena *a, isms_status *st)
{
    if (n == 0)
        return ISMS_OK;
    const isms_kind *k = recs[0]->kind;
    for (size_t fi = 0; fi < k->nfields; fi++) {
        if (k->fields[fi].type != FT_REFLIST)
            continue;
        for (size_t from = 0; from < n; from += LINK_PAGE) {
            isms_err e = load_links_batch(c, recs + from, n - from < LINK_PAGE ? n - from : LINK_PAGE,
                                          fi, a, st);
            if (e != ISMS_OK)
                return e;
        }
    }
    return ISMS_OK;
}

isms_err store_get(store_conn *c, const isms_kind *k, int64_t id, arena *a, isms_record **out,
                   isms_status *st)
{
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = conn_prepare(c, store_kind_sql(c->owner, k)->get, &s, st);
    if (e != ISMS_OK)
        return e;
    d->bind_int(s, 1, id);
    db_step r = d->step(s, st);
    if (r == DB_ROW)
        e = row_to_record(c, s, k, a, out, st);
    d->reset(s);
    if (r == DB_ERROR)
        return st->code;
    if (r == DB_DONE) {
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, k, id);
        return status_fail(st, ISMS_ENOTFOUND, "%s does not exist", hid);
    }
    return e == ISMS_OK ? load_links(c, *out, a, st) : e;
}

/* Whether the write transaction on c has already found (k, id) in force. */
static bool known_active(const store_conn *c, const isms_kind *k, int64_t id)
{
    for (size_t i = 0; c->in_txn && i < c->txn.nknown; i++)
        if (c->txn.known[i].kind == k && c->txn.known[i].id == id)
            return true;
    return false;
}

/* Remember (k, id) in force for the rest of the transaction, replacing the oldest when full. */
static void remember_active(store_conn *c, const isms_kind *k, int64_t id)
{
    store_txn *t = &c->txn;
    t->known[t->next_known] = (store_known){k, id};
    t->next_known = (t->next_known + 1) % STORE_KNOWN_MAX;
    if (t->nknown < STORE_KNOWN_MAX)
        t->nknown++;
}

isms_err store_presence_of(store_conn *c, const isms_kind *k, int64_t id, store_presence *out,
                           isms_status *st)
{
    if (known_active(c, k, id)) {
        *out = STORE_ACTIVE;
        return ISMS_OK;
    }
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = conn_prepare(c, store_kind_sql(c->owner, k)->presence, &s, st);
    if (e != ISMS_OK)
        return e;
    d->bind_int(s, 1, id);
    db_step r = d->step(s, st);
    *out = r != DB_ROW ? STORE_ABSENT : d->column_int(s, 0) ? STORE_RETIRED : STORE_ACTIVE;
    d->reset(s);
    if (r == DB_ERROR)
        return st->code;
    if (*out == STORE_ACTIVE && c->in_txn)
        remember_active(c, k, id);
    return ISMS_OK;
}

/* Bind the stored fields of rec from parameter n on; returns the next free number. */
static int bind_fields(store_conn *c, db_stmt *s, const isms_record *rec, int n)
{
    const store_driver *d = DRV(c);
    for (size_t i = 0; i < rec->kind->nfields; i++) {
        const isms_field *f = &rec->kind->fields[i];
        const isms_value *v = &rec->values[i];
        if (f->type == FT_REFLIST)
            continue;
        if (f->type == FT_ANYREF) {
            if (v->set) {
                d->bind_text(s, n, v->kind->name);
                d->bind_int(s, n + 1, v->i);
            } else {
                d->bind_null(s, n);
                d->bind_null(s, n + 1);
            }
            n += 2;
            continue;
        }
        if (!v->set)
            d->bind_null(s, n);
        else if (field_is_text(f))
            d->bind_text(s, n, v->s);
        else
            d->bind_int(s, n, v->i);
        n++;
    }
    return n;
}

static isms_err write_links(store_txn *t, const isms_record *rec, bool replace, isms_status *st)
{
    store_conn *c = t->conn;
    const store_driver *d = DRV(c);
    const kind_sql *ks = store_kind_sql(c->owner, rec->kind);
    for (size_t i = 0; i < rec->kind->nfields; i++) {
        if (rec->kind->fields[i].type != FT_REFLIST)
            continue;
        db_stmt *s;
        isms_err e;
        if (replace) {
            if ((e = conn_prepare(c, ks->link_delete[i], &s, st)) != ISMS_OK)
                return e;
            d->bind_int(s, 1, rec->id);
            db_step r = d->step(s, st);
            d->reset(s);
            if (r == DB_ERROR)
                return st->code;
        }
        const isms_value *v = &rec->values[i];
        for (size_t j = 0; v->set && j < v->n; j++) {
            if ((e = conn_prepare(c, ks->link_insert[i], &s, st)) != ISMS_OK)
                return e;
            d->bind_int(s, 1, rec->id);
            d->bind_int(s, 2, (int64_t)j);
            d->bind_int(s, 3, v->ids[j]);
            db_step r = d->step(s, st);
            d->reset(s);
            if (r == DB_ERROR)
                return st->code;
        }
    }
    return ISMS_OK;
}

isms_err store_insert(store_txn *t, isms_record *rec, isms_status *st)
{
    store_txn_forget(t, rec->kind);
    store_conn *c = t->conn;
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = conn_prepare(c, store_kind_sql(c->owner, rec->kind)->insert, &s, st);
    if (e != ISMS_OK)
        return e;
    d->bind_text(s, 1, t->ctx->now);
    d->bind_text(s, 2, t->ctx->actor);
    bind_fields(c, s, rec, 3);
    db_step r = d->step(s, st);
    bool returning = d->dialect->insert_returning;
    if (returning && r == DB_ROW)
        rec->id = d->column_int(s, 0);
    else if (!returning && r == DB_DONE)
        rec->id = d->last_insert_id(c->db);
    d->reset(s);
    if (r == DB_ERROR)
        return st->code;
    if (rec->id <= 0)
        return status_fail(st, ISMS_ESTORE, "the insert gave no id");
    rec->version = 1;
    rec->created_at = rec->updated_at = t->ctx->now;
    rec->created_by = rec->updated_by = t->ctx->actor;
    return write_links(t, rec, false, st);
}

/* After a write changed no row: say whether the record is gone, retired or stale. */
static isms_err explain_miss(store_conn *c, const isms_kind *k, int64_t id, isms_status *st)
{
    arena a;
    arena_init(&a);
    isms_record *cur;
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, id);
    isms_err e = store_get(c, k, id, &a, &cur, st);
    if (e == ISMS_OK) {
        st->current_version = cur->version;
        if (cur->retired_at)
            e = status_fail(st, ISMS_ECONFLICT, "%s is retired and can no longer change", hid);
        else
            e = status_fail(st, ISMS_ECONFLICT, "%s was changed by someone else: it is at "
                            "version %lld; read it again and reapply your change",
                            hid, (long long)cur->version);
    }
    arena_dispose(&a);
    return e;
}

isms_err store_update(store_txn *t, isms_record *rec, int64_t expected_version, isms_status *st)
{
    store_txn_forget(t, rec->kind);
    store_conn *c = t->conn;
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = conn_prepare(c, store_kind_sql(c->owner, rec->kind)->update, &s, st);
    if (e != ISMS_OK)
        return e;
    d->bind_text(s, 1, t->ctx->now);
    d->bind_text(s, 2, t->ctx->actor);
    int n = bind_fields(c, s, rec, 3);
    d->bind_int(s, n, rec->id);
    d->bind_int(s, n + 1, expected_version);
    db_step r = d->step(s, st);
    d->reset(s);
    if (r == DB_ERROR)
        return st->code;
    if (d->changes(c->db) == 0)
        return explain_miss(c, rec->kind, rec->id, st);
    rec->version = expected_version + 1;
    rec->updated_at = t->ctx->now;
    rec->updated_by = t->ctx->actor;
    return write_links(t, rec, true, st);
}

isms_err store_retire(store_txn *t, const isms_kind *k, int64_t id, int64_t expected_version,
                      const char *reason, isms_status *st)
{
    store_txn_forget(t, k);
    store_conn *c = t->conn;
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = conn_prepare(c, store_kind_sql(c->owner, k)->retire, &s, st);
    if (e != ISMS_OK)
        return e;
    d->bind_text(s, 1, t->ctx->now);
    d->bind_text(s, 2, t->ctx->actor);
    d->bind_text(s, 3, reason);
    d->bind_int(s, 4, id);
    d->bind_int(s, 5, expected_version);
    db_step r = d->step(s, st);
    d->reset(s);
    if (r == DB_ERROR)
        return st->code;
    return d->changes(c->db) == 0 ? explain_miss(c, k, id, st) : ISMS_OK;
}

isms_err store_delete(store_txn *t, const isms_kind *k, int64_t id, int64_t expected_version,
                      isms_status *st)
{
    store_txn_forget(t, k);
    store_conn *c = t->conn;
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = conn_prepare(c, store_kind_sql(c->owner, k)->remove, &s, st);
    if (e != ISMS_OK)
        return e;
    d->bind_int(s, 1, id);
    d->bind_int(s, 2, expected_version);
    db_step r = d->step(s, st);
    d->reset(s);
    if (r == DB_ERROR)
        return st->code;
    return d->changes(c->db) == 0 ? explain_miss(c, k, id, st) : ISMS_OK;
}

static isms_err settings_sql(store_conn *c, const char *fmt_head, int nparams, db_stmt **out,
                             isms_status *st)
{
    strbuf sql;
    strbuf_init(&sql, 512);
    strbuf_puts(&sql, fmt_head);
    for (int i = 1; i <= nparams; i++) {
        strbuf_puts(&sql, i > 1 ? ", " : "");
        c->owner->driver->dialect->placeholder(&sql, i);
    }
    strbuf_puts(&sql, nparams == 1 ? "" : ") ON CONFLICT (\"key\") DO UPDATE SET \"value\" = "
                                          "excluded.\"value\"");
    isms_err e = conn_prepare(c, sql.ptr, out, st);
    strbuf_dispose(&sql);
    return e;
}

isms_err store_setting_get(store_conn *c, const char *key, arena *a, const char **out,
                           isms_status *st)
{
    db_stmt *s;
    isms_err e = settings_sql(c, "SELECT \"value\" FROM \"isms_settings\" WHERE \"key\" = ", 1,
                              &s, st);
    if (e != ISMS_OK)
        return e;
    DRV(c)->bind_text(s, 1, key);
    db_step r = DRV(c)->step(s, st);
    *out = r == DB_ROW ? arena_strdup(a, DRV(c)->column_text(s, 0)) : NULL;
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_setting_put(store_txn *t, const char *key, const char *value, isms_status *st)
{
    db_stmt *s;
    isms_err e = settings_sql(t->conn,
                              "INSERT INTO \"isms_settings\" (\"key\", \"value\") VALUES (", 2,
                              &s, st);
    if (e != ISMS_OK)
        return e;
    DRV(t->conn)->bind_text(s, 1, key);
    DRV(t->conn)->bind_text(s, 2, value);
    db_step r = DRV(t->conn)->step(s, st);
    DRV(t->conn)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}
