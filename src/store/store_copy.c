/*
 * Copying a whole ISMS from one store to another (`isms copy`): raw rows,
 * table by table, read in one snapshot of the source and written in one
 * transaction of the destination, in pages of COPY_PAGE rows (constant
 * memory whatever the size). Nothing goes through the record layer, so the
 * change log gets no new entries: it arrives byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/store_risk_heat.h"
#include "util/die.h"

#define DRV(c) ((c)->owner->driver)

enum { COPY_PAGE = 500, COPY_KEY_MAX = 512 };

/* A table to copy: its columns, and the key (one or two columns) that orders and pages it. */
typedef struct copy_table {
    const char *name;
    const char *columns; /* quoted, comma separated */
    const char *key1, *key2;
    bool id_counter; /* an "id" column whose counter must continue after the copy */
    const isms_kind *kind;
    const isms_field *self_ref; /* FT_REF field of kind naming its own kind: filled after */
    const char *with_kind;      /* a table that exists only where the registry has this kind */
} copy_table;

/* The tables that are not a kind's: in an order that satisfies their references. */
static const copy_table fixed_before[] = {
    {"isms_settings", "\"key\", \"value\"", "key", NULL, false, NULL, NULL, NULL},
};

static const copy_table fixed_after[] = {
    {"isms_change_log",
     "\"seq\", \"at\", \"actor\", \"channel\", \"kind\", \"record_id\", \"action\", \"version\", "
     "\"content\", \"content_hash\", \"prev_hash\", \"hash\"",
     "seq", NULL, false, NULL, NULL, NULL},
    {"isms_log_checkpoint", "\"id\", \"at\", \"seq\", \"hash\", \"key_id\", \"signature\"", "id",
     NULL, true, NULL, NULL, NULL},
    {"isms_user",
     "\"id\", \"name\", \"name_key\", \"person_id\", \"password_hash\", \"created_at\", "
     "\"created_by\", \"password_changed_at\", \"disabled_at\", \"disabled_by\"",
     "id", NULL, true, NULL, NULL, NULL},
    {"isms_user_role", "\"user_id\", \"role\"", "user_id", "role", false, NULL, NULL, NULL},
    {"isms_api_token",
     "\"id\", \"token_hash\", \"user_id\", \"role\", \"label\", \"created_at\", \"created_by\", "
     "\"expires_at\", \"last_used_at\", \"revoked_at\"",
     "id", NULL, true, NULL, NULL, NULL},
    {"isms_auth_event",
     "\"id\", \"at\", \"event\", \"name\", \"name_key\", \"user_id\", \"client\", \"detail\"", "id",
     NULL, true, NULL, NULL, NULL},
    {"isms_totp", "\"user_id\", \"secret\", \"created_at\", \"confirmed_at\", \"last_step\"",
     "user_id", NULL, false, NULL, NULL, NULL},
    {"isms_recovery_code", "\"id\", \"user_id\", \"code_hash\", \"used_at\"", "id", NULL, true,
     NULL, NULL, NULL},
    {"risk_snapshot",
     "\"campaign_id\", \"risk_id\", \"risk_version\", \"title\", \"owner\", \"likelihood\", "
     "\"impact\", \"level\", \"level_label\", \"residual_likelihood\", \"residual_impact\", "
     "\"residual_level\", \"residual_level_label\", \"treatment\", \"acceptance\", "
     "\"accepted_until\", \"status\", \"method\"",
     "campaign_id", "risk_id", false, NULL, NULL, "risk-campaign"},
    /* Not copied: isms_session, isms_login_pending, isms_session_signing (transient);
     * risk_heat (counted again from the risks at the destination). */
};

typedef struct copy_run {
    store_conn *src, *dst;
    store_copy_result *out;
    char key1[COPY_KEY_MAX], key2[COPY_KEY_MAX];
} copy_run;

static size_t count_columns(const char *columns)
{
    size_t n = 1;
    for (const char *p = columns; *p; p++)
        n += *p == ',';
    return n;
}

/* The position of field f among the kind's select columns. */
static size_t field_position(const isms_kind *k, const isms_field *f)
{
    size_t pos = MC_COUNT;
    for (size_t i = 0; i < k->nfields && &k->fields[i] != f; i++)
        pos += (size_t)field_column_count(&k->fields[i]);
    return pos;
}

static void page_select(strbuf *b, const copy_table *t, bool first)
{
    strbuf_printf(b, "SELECT %s FROM \"%s\"", t->columns, t->name);
    if (!first && t->key2)
        strbuf_printf(b, " WHERE \"%s\" > ? OR (\"%s\" = ? AND \"%s\" > ?)", t->key1, t->key1,
                      t->key2);
    else if (!first)
        strbuf_printf(b, " WHERE \"%s\" > ?", t->key1);
    strbuf_printf(b, " ORDER BY \"%s\"%s%s%s LIMIT %d", t->key1, t->key2 ? ", \"" : "",
                  t->key2 ? t->key2 : "", t->key2 ? "\"" : "", COPY_PAGE);
}

static void insert_sql(strbuf *b, const copy_table *t, size_t ncols)
{
    strbuf_printf(b, "INSERT INTO \"%s\" (%s) VALUES (", t->name, t->columns);
    for (size_t i = 0; i < ncols; i++)
        strbuf_puts(b, i ? ", ?" : "?");
    strbuf_puts(b, ")");
}

/* Which column holds key name k (0-based), by its place in the column list. */
static size_t key_column(const char *columns, const char *key)
{
    char quoted[COPY_KEY_MAX];
    snprintf(quoted, sizeof(quoted), "\"%s\"", key);
    const char *at = strstr(columns, quoted);
    size_t n = 0;
    for (const char *p = columns; at && p < at; p++)
        n += *p == ',';
    return n;
}

static void remember(char *dst, const char *v)
{
    snprintf(dst, COPY_KEY_MAX, "%s", v);
}

/* Copy the rows of one table; t->self_ref columns are written NULL here and filled after. */
static isms_err copy_rows(copy_run *r, const copy_table *t, int64_t *rows, isms_status *st)
{
    size_t ncols = count_columns(t->columns);
    size_t k1 = key_column(t->columns, t->key1);
    size_t k2 = t->key2 ? key_column(t->columns, t->key2) : 0;
    size_t self = t->self_ref ? field_position(t->kind, t->self_ref) : ncols;
    strbuf sel_first, sel_next, ins;
    strbuf_init(&sel_first, 1 << 16);
    strbuf_init(&sel_next, 1 << 16);
    strbuf_init(&ins, 1 << 16);
    page_select(&sel_first, t, true);
    page_select(&sel_next, t, false);
    insert_sql(&ins, t, ncols);
    isms_err e = ISMS_OK;
    if (!strbuf_ok(&sel_first) || !strbuf_ok(&sel_next) || !strbuf_ok(&ins))
        die_oom();
    *rows = 0;
    for (bool first = true, more = true; e == ISMS_OK && more; first = false) {
        db_stmt *s;
        if (first)
            e = conn_prepare_bound(r->src, &s, st, sel_first.ptr, "");
        else if (t->key2)
            e = conn_prepare_bound(r->src, &s, st, sel_next.ptr, "sss", r->key1, r->key1, r->key2);
        else
            e = conn_prepare_bound(r->src, &s, st, sel_next.ptr, "s", r->key1);
        if (e != ISMS_OK)
            break;
        int64_t n = 0;
        db_step step = DB_DONE;
        while (e == ISMS_OK && (step = DRV(r->src)->step(s, st)) == DB_ROW) {
            db_stmt *w;
            e = conn_prepare_bound(r->dst, &w, st, ins.ptr, "");
            if (e != ISMS_OK)
                break;
            for (size_t i = 0; i < ncols; i++) {
                if (i == self || DRV(r->src)->column_null(s, (int)i))
                    DRV(r->dst)->bind_null(w, (int)i + 1);
                else
                    DRV(r->dst)->bind_text(w, (int)i + 1, DRV(r->src)->column_text(s, (int)i));
            }
            if (DRV(r->dst)->step(w, st) == DB_ERROR)
                e = st->code;
            DRV(r->dst)->reset(w);
            remember(r->key1, DRV(r->src)->column_text(s, (int)k1));
            if (t->key2)
                remember(r->key2, DRV(r->src)->column_text(s, (int)k2));
            n++;
        }
        if (e == ISMS_OK && step == DB_ERROR)
            e = st->code;
        DRV(r->src)->reset(s);
        *rows += n;
        more = n == COPY_PAGE;
    }
    strbuf_dispose(&sel_first);
    strbuf_dispose(&sel_next);
    strbuf_dispose(&ins);
    return e;
}

/* Fill a kind's references to its own kind, now that every record of it is there. */
static isms_err copy_self_refs(copy_run *r, const copy_table *t, isms_status *st)
{
    char sel[512], upd[512];
    const char *col = t->self_ref->name;
    snprintf(sel, sizeof(sel),
             "SELECT \"id\", \"%s\" FROM \"%s\" WHERE \"%s\" IS NOT NULL AND \"id\" > ? "
             "ORDER BY \"id\" LIMIT %d",
             col, t->name, col, COPY_PAGE);
    snprintf(upd, sizeof(upd), "UPDATE \"%s\" SET \"%s\" = ? WHERE \"id\" = ?", t->name, col);
    int64_t after = 0;
    isms_err e = ISMS_OK;
    for (bool more = true; e == ISMS_OK && more;) {
        db_stmt *s;
        if ((e = conn_prepare_bound(r->src, &s, st, sel, "i", after)) != ISMS_OK)
            break;
        int64_t n = 0;
        db_step step = DB_DONE;
        while (e == ISMS_OK && (step = DRV(r->src)->step(s, st)) == DB_ROW) {
            after = DRV(r->src)->column_int(s, 0);
            db_stmt *w;
            e = conn_prepare_bound(r->dst, &w, st, upd, "ii", DRV(r->src)->column_int(s, 1), after);
            if (e != ISMS_OK)
                break;
            if (DRV(r->dst)->step(w, st) == DB_ERROR)
                e = st->code;
            DRV(r->dst)->reset(w);
            n++;
        }
        if (e == ISMS_OK && step == DB_ERROR)
            e = st->code;
        DRV(r->src)->reset(s);
        more = n == COPY_PAGE;
    }
    return e;
}

static isms_err query_int(store_conn *c, const char *sql, const char *arg, int64_t *out,
                          isms_status *st)
{
    db_stmt *s;
    isms_err e =
        arg ? conn_prepare_bound(c, &s, st, sql, "s", arg) : conn_prepare_bound(c, &s, st, sql, "");
    if (e != ISMS_OK)
        return e;
    db_step step = DRV(c)->step(s, st);
    *out = step == DB_ROW && !DRV(c)->column_null(s, 0) ? DRV(c)->column_int(s, 0) : 0;
    DRV(c)->reset(s);
    return step == DB_ERROR ? st->code : ISMS_OK;
}

/*
 * New ids at the destination continue after the largest the source used:
 * its rows, and for a kind also the records its change log names (deleted
 * records leave their ids behind in the log; they are never given again).
 */
static isms_err copy_counter(copy_run *r, const copy_table *t, isms_status *st)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT max(\"id\") FROM \"%s\"", t->name);
    int64_t max = 0, logged = 0;
    isms_err e = query_int(r->src, sql, NULL, &max, st);
    if (e == ISMS_OK && t->kind)
        e = query_int(r->src,
                      "SELECT max(\"record_id\") FROM \"isms_change_log\" WHERE \"kind\" = ?",
                      t->kind->name, &logged, st);
    if (e != ISMS_OK)
        return e;
    return DRV(r->dst)->set_id_counter(r->dst->db, t->name, logged > max ? logged : max, st);
}

static isms_err copy_one(copy_run *r, const copy_table *t, isms_status *st)
{
    int64_t rows = 0;
    isms_err e = copy_rows(r, t, &rows, st);
    if (e == ISMS_OK && t->self_ref)
        e = copy_self_refs(r, t, st);
    if (e == ISMS_OK && t->id_counter)
        e = copy_counter(r, t, st);
    if (e != ISMS_OK) {
        char why[sizeof(st->detail)];
        snprintf(why, sizeof(why), "%s", st->detail);
        return status_fail(st, e, "copying table %s: %s", t->name, why);
    }
    store_copy_result *o = r->out;
    if (o->ntables < STORE_COPY_TABLES_MAX) {
        snprintf(o->tables[o->ntables].table, sizeof(o->tables[o->ntables].table), "%s", t->name);
        o->tables[o->ntables++].rows = rows;
    }
    return ISMS_OK;
}

static bool refs_copied(const isms_registry *reg, const isms_kind *k, const bool *done)
{
    for (size_t f = 0; f < k->nfields; f++) {
        const isms_kind *t = k->fields[f].target;
        if ((k->fields[f].type != FT_REF && k->fields[f].type != FT_REFLIST) || !t || t == k)
            continue;
        for (size_t j = 0; j < reg->nkinds; j++)
            if (reg->kinds[j] == t && !done[j])
                return false;
    }
    return true;
}

/* Every kind's table, a kind after those it refers to; then its link tables. */
static isms_err copy_kinds(copy_run *r, isms_status *st)
{
    const isms_registry *reg = r->src->owner->reg;
    bool *done = calloc(reg->nkinds ? reg->nkinds : 1, sizeof(bool));
    if (!done)
        die_oom();
    isms_err e = ISMS_OK;
    for (size_t copied = 0; e == ISMS_OK && copied < reg->nkinds; copied++) {
        size_t next = reg->nkinds;
        for (size_t i = 0; i < reg->nkinds && next == reg->nkinds; i++)
            if (!done[i] && refs_copied(reg, reg->kinds[i], done))
                next = i;
        if (next == reg->nkinds) {
            e = status_fail(st, ISMS_ESTORE,
                            "kinds refer to each other in a cycle; "
                            "isms copy cannot order them");
            break;
        }
        const isms_kind *k = reg->kinds[next];
        const kind_sql *ks = store_kind_sql(r->src->owner, k);
        copy_table t = {k->table, ks->columns, "id", NULL, true, k, NULL, NULL};
        for (size_t i = 0; i < k->nfields; i++)
            if (k->fields[i].type == FT_REF && k->fields[i].target == k)
                t.self_ref = &k->fields[i];
        e = copy_one(r, &t, st);
        done[next] = true;
    }
    for (size_t i = 0; e == ISMS_OK && i < reg->nkinds; i++) {
        const isms_kind *k = reg->kinds[i];
        for (size_t f = 0; e == ISMS_OK && f < k->nfields; f++) {
            if (k->fields[f].type != FT_REFLIST)
                continue;
            char name[256];
            snprintf(name, sizeof(name), "%s__%s", k->table, k->fields[f].name);
            copy_table t = {name, "\"src\", \"pos\", \"dst\"", "src", "dst", false, NULL, NULL, NULL};
            e = copy_one(r, &t, st);
        }
    }
    free(done);
    return e;
}

static isms_err copy_all(copy_run *r, isms_status *st)
{
    /* The destination is new, yet opening it wrote its own settings (the baseline mark). */
    db_stmt *s;
    isms_err e = conn_prepare_bound(r->dst, &s, st, "DELETE FROM \"isms_settings\"", "");
    if (e == ISMS_OK) {
        if (DRV(r->dst)->step(s, st) == DB_ERROR)
            e = st->code;
        DRV(r->dst)->reset(s);
    }
    for (size_t i = 0; e == ISMS_OK && i < sizeof(fixed_before) / sizeof(fixed_before[0]); i++)
        e = copy_one(r, &fixed_before[i], st);
    if (e == ISMS_OK)
        e = copy_kinds(r, st);
    for (size_t i = 0; e == ISMS_OK && i < sizeof(fixed_after) / sizeof(fixed_after[0]); i++)
        if (!fixed_after[i].with_kind ||
            registry_kind(store_conn_registry(r->src), fixed_after[i].with_kind))
            e = copy_one(r, &fixed_after[i], st);
    /* The chain arrived whole: the destination's last entry is the source's. */
    int64_t seq_dst = 0;
    char hash_dst[CHANGELOG_HEX];
    if (e == ISMS_OK)
        e = store_log_last(r->src, &r->out->last_seq, r->out->last_hash, st);
    if (e == ISMS_OK)
        e = store_log_last(r->dst, &seq_dst, hash_dst, st);
    if (e == ISMS_OK && (seq_dst != r->out->last_seq || strcmp(hash_dst, r->out->last_hash) != 0))
        e = status_fail(st, ISMS_ESTORE, "the copied change log ends at %lld, the source's at %lld",
                        (long long)seq_dst, (long long)r->out->last_seq);
    return e;
}

isms_err store_copy(store *from, store *to, store_copy_result *out, isms_status *st)
{
    status_clear(st);
    memset(out, 0, sizeof(*out));
    if (from->reg != to->reg)
        return status_fail(st, ISMS_EINVALID, "both stores must serve the same registry");
    if (from->schema_version != to->schema_version)
        return status_fail(st, ISMS_ECONFLICT,
                           "the source is at schema version %d, the destination at %d: "
                           "upgrade first",
                           from->schema_version, to->schema_version);
    copy_run r = {.out = out};
    isms_err e = store_borrow(from, &r.src, st);
    if (e != ISMS_OK)
        return e;
    if ((e = store_borrow(to, &r.dst, st)) != ISMS_OK) {
        store_return(r.src);
        return e;
    }
    isms_write_ctx ctx;
    write_ctx_init(&ctx, "isms", "copy");
    store_txn *t = NULL;
    e = store_read_begin(r.src, st);
    if (e == ISMS_OK)
        e = store_begin(r.dst, &ctx, &t, st);
    if (e == ISMS_OK) {
        e = copy_all(&r, st);
        /* Derived counts are not copied: the destination counts its own rows. */
        if (e == ISMS_OK && registry_kind(from->reg, "risk"))
            e = store_risk_heat_rebuild(t, st);
        if (e == ISMS_OK)
            e = store_commit(t, st);
        else
            store_rollback(t);
    }
    store_read_end(r.src);
    store_return(r.dst);
    store_return(r.src);
    return e;
}

isms_err store_discard(store *s, isms_status *st)
{
    if (!s->driver->discard)
        return status_fail(st, ISMS_EINVALID, "the %s driver cannot discard a database",
                           s->driver->name);
    return s->driver->discard(s->conns[0].db, st);
}
