/*
 * Reverse links: which records point at a given one. Every reference field
 * in the registry that can name the kind is asked, so a link owned by one
 * kind shows on the other, and nothing can be retired or deleted while
 * something still depends on it.
 */
#include <string.h>

#include "store/internal.h"

#define DRV(c) ((c)->owner->driver)

enum { REF_SQL_MAX = 4096 };

/* SELECT id, title, retired FROM <kind K2> WHERE <its field f names (k, id)> */
static void referrer_sql(store_conn *c, const isms_kind *from, const isms_field *f,
                         bool active_only, strbuf *sql)
{
    void (*ph)(strbuf *, int) = DRV(c)->dialect->placeholder;
    strbuf_puts(sql, "SELECT t.\"id\", t.");
    sql_ident(sql, kind_role_field(from, ROLE_TITLE)->name);
    strbuf_puts(sql, ", CASE WHEN t.\"retired_at\" IS NULL THEN 0 ELSE 1 END FROM ");
    sql_ident(sql, from->table);
    strbuf_puts(sql, " AS t");
    if (f->type == FT_REFLIST) {
        strbuf_puts(sql, " JOIN ");
        sql_ident2(sql, from->table, f->name);
        strbuf_puts(sql, " AS l ON l.\"src\" = t.\"id\" WHERE l.\"dst\" = ");
        ph(sql, 1);
    } else if (f->type == FT_ANYREF) {
        strbuf_printf(sql, " WHERE t.\"%s_id\" = ", f->name);
        ph(sql, 1);
        strbuf_printf(sql, " AND t.\"%s_kind\" = ", f->name);
        ph(sql, 3);
    } else {
        strbuf_puts(sql, " WHERE t.");
        sql_ident(sql, f->name);
        strbuf_puts(sql, " = ");
        ph(sql, 1);
    }
    if (active_only)
        strbuf_puts(sql, " AND t.\"retired_at\" IS NULL");
    strbuf_puts(sql, " ORDER BY t.\"id\" LIMIT ");
    ph(sql, 2);
}

static bool field_can_name(const isms_field *f, const isms_kind *k)
{
    return f->type == FT_ANYREF || ((f->type == FT_REF || f->type == FT_REFLIST) && f->target == k);
}

static isms_err ask_field(store_conn *c, const isms_kind *k, int64_t id, const isms_kind *from,
                          const isms_field *f, bool active_only, size_t max, arena *a,
                          store_referrers *out, isms_status *st)
{
    const store_driver *d = DRV(c);
    strbuf sql;
    strbuf_init(&sql, REF_SQL_MAX);
    referrer_sql(c, from, f, active_only, &sql);
    db_stmt *s;
    isms_err e = conn_prepare(c, sql.ptr, &s, st);
    strbuf_dispose(&sql);
    if (e != ISMS_OK)
        return e;
    d->bind_int(s, 1, id);
    /* max + 1 rows show there are more, plus one in case a row is the record itself. */
    d->bind_int(s, 2, (int64_t)(max + 2));
    if (f->type == FT_ANYREF)
        d->bind_text(s, 3, k->name);
    db_step r;
    while ((r = d->step(s, st)) == DB_ROW) {
        int64_t rid = d->column_int(s, 0);
        if (from == k && rid == id)
            continue; /* a record naming itself does not hold itself in place */
        if (out->n == max) {
            out->more = true;
            continue;
        }
        out->items[out->n++] = (store_referrer){
            .kind = from,
            .field = f,
            .id = rid,
            .title = arena_strdup(a, d->column_text(s, 1)),
            .retired = d->column_int(s, 2) != 0,
        };
    }
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_referrers_of(store_conn *c, const isms_kind *k, int64_t id, bool active_only,
                            size_t max, arena *a, store_referrers *out, isms_status *st)
{
    const isms_registry *reg = c->owner->reg;
    memset(out, 0, sizeof(*out));
    out->items = arena_alloc(a, sizeof(store_referrer) * (max ? max : 1));
    for (size_t i = 0; i < reg->nkinds; i++) {
        const isms_kind *from = reg->kinds[i];
        for (size_t j = 0; j < from->nfields; j++) {
            if (!field_can_name(&from->fields[j], k))
                continue;
            isms_err e = ask_field(c, k, id, from, &from->fields[j], active_only, max, a, out,
                                   st);
            if (e != ISMS_OK)
                return e;
        }
    }
    return ISMS_OK;
}
