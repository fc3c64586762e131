#include "store/store_risk_heat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

#define DRV(c) ((c)->owner->driver)

/*
 * The counts of table "risk_heat" (sqlgen.c): a few rows per method version,
 * whatever the size of the register. Every write transaction keeps them: the
 * risk kind's track hook reports each change of a risk's row
 * (store_risk_heat_track), the changes of the counts add up in the
 * transaction, and store_commit writes them (store_risk_heat_flush), one
 * statement per count that moved. A trigger per row would do the same on
 * SQLite, but on PostgreSQL 100,000 updates of the same count rows in one
 * transaction (an import) leave chains of row versions that every later
 * update walks: loading took 700 s instead of 26 s.
 */
static const char heat_sql[] =
    "SELECT \"likelihood\", \"impact\", \"n\" FROM \"risk_heat\" WHERE \"method\" = ? AND "
    "\"grid\" = ?";
/* Risks in force under another version, or none (method 0). */
static const char outdated_sql[] =
    "SELECT CAST(COALESCE(SUM(\"n\"), 0) AS BIGINT) FROM \"risk_heat\" WHERE \"grid\" = 'all' "
    "AND \"method\" <> ?";
static const char add_sql[] =
    "INSERT INTO \"risk_heat\" (\"method\", \"grid\", \"likelihood\", \"impact\", \"n\") VALUES "
    "(?, ?, ?, ?, ?) ON CONFLICT (\"method\", \"grid\", \"likelihood\", \"impact\") DO UPDATE "
    "SET \"n\" = \"risk_heat\".\"n\" + excluded.\"n\"";
/* A count that fell to zero goes, so that the table is what a recount would make. */
static const char drop_zero_sql[] =
    "DELETE FROM \"risk_heat\" WHERE \"method\" = ? AND \"grid\" = ? AND \"likelihood\" = ? "
    "AND \"impact\" = ? AND \"n\" = 0";
/* Counted again from the risks: after `isms copy`, which writes rows, not records. */
static const char *const rebuild_sql[] = {
    "DELETE FROM \"risk_heat\"",
    "INSERT INTO \"risk_heat\" (\"method\", \"grid\", \"likelihood\", \"impact\", \"n\") SELECT "
    "COALESCE(\"method\", 0), 'all', 0, 0, COUNT(*) FROM \"risk\" WHERE \"retired_at\" IS NULL "
    "GROUP BY COALESCE(\"method\", 0)",
    "INSERT INTO \"risk_heat\" (\"method\", \"grid\", \"likelihood\", \"impact\", \"n\") SELECT "
    "\"method\", 'current', \"likelihood\", \"impact\", COUNT(*) FROM \"risk\" WHERE "
    "\"retired_at\" IS NULL AND \"method\" IS NOT NULL AND \"likelihood\" IS NOT NULL AND "
    "\"impact\" IS NOT NULL GROUP BY \"method\", \"likelihood\", \"impact\"",
    "INSERT INTO \"risk_heat\" (\"method\", \"grid\", \"likelihood\", \"impact\", \"n\") SELECT "
    "\"method\", 'residual', \"residual_likelihood\", \"residual_impact\", COUNT(*) FROM \"risk\" "
    "WHERE \"retired_at\" IS NULL AND \"method\" IS NOT NULL AND \"residual_likelihood\" IS NOT "
    "NULL AND \"residual_impact\" IS NOT NULL GROUP BY \"method\", \"residual_likelihood\", "
    "\"residual_impact\"",
};

enum { GRID_ALL, GRID_CURRENT, GRID_RESIDUAL };
static const char *const grid_names[] = {"all", "current", "residual"};

isms_err store_risk_heat_flush(store_txn *t, isms_status *st)
{
    store_conn *c = t->conn;
    const store_driver *d = DRV(c);
    for (size_t k = 0; k < t->nheat; k++) {
        const store_heat_delta *h = &t->heat[k];
        if (h->n == 0)
            continue;
        db_stmt *s;
        isms_err e = conn_prepare_bound(c, &s, st, add_sql, "isiii", h->method,
                                        grid_names[h->grid], (int64_t)h->likelihood,
                                        (int64_t)h->impact, h->n);
        if (e != ISMS_OK)
            return e;
        db_step r = d->step(s, st);
        d->reset(s);
        if (r != DB_ERROR && h->n < 0) {
            if ((e = conn_prepare_bound(c, &s, st, drop_zero_sql, "isii", h->method,
                                        grid_names[h->grid], (int64_t)h->likelihood,
                                        (int64_t)h->impact)) != ISMS_OK)
                return e;
            r = d->step(s, st);
            d->reset(s);
        }
        if (r == DB_ERROR)
            return st->code;
    }
    t->nheat = 0;
    return ISMS_OK;
}

static isms_err add(store_txn *t, int64_t method, int grid, int64_t l, int64_t i, int sign,
                    isms_status *st)
{
    for (size_t k = 0; k < t->nheat; k++) {
        store_heat_delta *h = &t->heat[k];
        if (h->method == method && h->grid == grid && h->likelihood == l && h->impact == i) {
            h->n += sign;
            return ISMS_OK;
        }
    }
    if (t->nheat == STORE_HEAT_PENDING) {
        isms_err e = store_risk_heat_flush(t, st);
        if (e != ISMS_OK)
            return e;
    }
    t->heat[t->nheat++] = (store_heat_delta){method, sign, grid, (int)l, (int)i};
    return ISMS_OK;
}

static const isms_value *value(const isms_record *r, const char *field)
{
    const isms_value *v = record_value(r, field);
    return v && v->set ? v : NULL;
}

/* Count the risk r in (sign 1) or out (-1): in force only, each grid where it has scores. */
static isms_err count(store_txn *t, const isms_record *r, int sign, isms_status *st)
{
    if (!r || r->retired_at)
        return ISMS_OK;
    const isms_value *m = value(r, "method");
    isms_err e = add(t, m ? m->i : 0, GRID_ALL, 0, 0, sign, st);
    static const char *const scores[][2] = {
        [GRID_CURRENT] = {"likelihood", "impact"},
        [GRID_RESIDUAL] = {"residual_likelihood", "residual_impact"},
    };
    for (int g = GRID_CURRENT; e == ISMS_OK && m && g <= GRID_RESIDUAL; g++) {
        const isms_value *l = value(r, scores[g][0]), *i = value(r, scores[g][1]);
        if (l && i)
            e = add(t, m->i, g, l->i, i->i, sign, st);
    }
    return e;
}

isms_err store_risk_heat_track(store_txn *t, const isms_record *before, const isms_record *after,
                               isms_status *st)
{
    isms_err e = count(t, before, -1, st);
    return e == ISMS_OK ? count(t, after, 1, st) : e;
}

isms_err store_risk_heat_rebuild(store_txn *t, isms_status *st)
{
    store_conn *c = t->conn;
    t->nheat = 0;
    for (size_t k = 0; k < sizeof(rebuild_sql) / sizeof(rebuild_sql[0]); k++) {
        db_stmt *s;
        isms_err e = conn_prepare_bound(c, &s, st, rebuild_sql[k], "");
        if (e != ISMS_OK)
            return e;
        db_step r = DRV(c)->step(s, st);
        DRV(c)->reset(s);
        if (r == DB_ERROR)
            return st->code;
    }
    return ISMS_OK;
}

/* The single number a COUNT statement returns. */
static isms_err count_one(store_conn *c, db_stmt *s, int64_t *out, isms_status *st)
{
    const store_driver *d = DRV(c);
    *out = 0;
    db_step r = d->step(s, st);
    if (r == DB_ROW)
        *out = d->column_int(s, 0);
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_risk_heat(store_conn *c, int64_t method_id, bool residual, store_heat *out,
                         isms_status *st)
{
    const store_driver *d = DRV(c);
    memset(out, 0, sizeof(*out));
    db_stmt *s;
    isms_err e = conn_prepare_bound(c, &s, st, heat_sql, "is", method_id,
                                    residual ? "residual" : "current");
    if (e != ISMS_OK)
        return e;
    db_step r;
    while ((r = d->step(s, st)) == DB_ROW) {
        int64_t l = d->column_int(s, 0), i = d->column_int(s, 1), n = d->column_int(s, 2);
        if (l < 1 || l > RISK_SCALE_MAX || i < 1 || i > RISK_SCALE_MAX)
            continue;
        out->count[l - 1][i - 1] = n;
        out->total += n;
    }
    d->reset(s);
    if (r == DB_ERROR)
        return st->code;
    if ((e = conn_prepare_bound(c, &s, st, outdated_sql, "i", method_id)) != ISMS_OK)
        return e;
    return count_one(c, s, &out->outdated, st);
}

/* Closed risks are gone and carry no flag. */
#define FLAG_FROM "FROM \"risk\" r WHERE r.\"retired_at\" IS NULL AND r.\"status\" <> 'closed' AND "
#define ACTION_OVERDUE                                                                          \
    "a.\"retired_at\" IS NULL AND a.\"status\" NOT IN ('done', 'cancelled') AND "                 \
    "a.\"due_date\" < ?"
#define FLAG(name, cond, today)                                                                 \
    {name, "SELECT COUNT(*) " FLAG_FROM cond,                                                   \
     "SELECT r.\"id\" " FLAG_FROM cond " ORDER BY COALESCE(r.\"level\", 0) DESC, r.\"id\" "     \
     "LIMIT ?",                                                                                 \
     today}

static const struct {
    const char *name;
    const char *count_sql;
    const char *ids_sql;
    bool today; /* the condition binds today's date */
} flags[RISK_FLAG_COUNT] = {
    [RISK_FLAG_UNTREATED] = FLAG("untreated", "r.\"untreated\" = 1", false),
    [RISK_FLAG_REASSESS] = FLAG("reassess", "r.\"reassess\" = 1", false),
    [RISK_FLAG_INVALIDATED] =
        FLAG("acceptance-invalidated", "r.\"acceptance\" = 'invalidated'", false),
    [RISK_FLAG_EXPIRED] = FLAG("acceptance-expired",
                               "r.\"acceptance\" = 'accepted' AND r.\"accepted_until\" < ?", true),
    [RISK_FLAG_ACCEPTED_OVERDUE] =
        FLAG("accepted-actions-overdue",
             "r.\"acceptance\" = 'accepted' AND EXISTS (SELECT 1 FROM \"risk_action__risks\" l "
             "JOIN \"risk_action\" a ON a.\"id\" = l.\"src\" WHERE l.\"dst\" = r.\"id\" AND "
             ACTION_OVERDUE ")",
             true),
};

const char *store_risk_flag_name(store_risk_flag f)
{
    return f < RISK_FLAG_COUNT ? flags[f].name : NULL;
}

static isms_err flag_ids(store_conn *c, store_risk_flag f, const char *today, size_t max,
                         store_flagged *out, isms_status *st)
{
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = flags[f].today
                     ? conn_prepare_bound(c, &s, st, flags[f].ids_sql, "si", today, (int64_t)max)
                     : conn_prepare_bound(c, &s, st, flags[f].ids_sql, "i", (int64_t)max);
    if (e != ISMS_OK)
        return e;
    db_step r;
    while ((r = d->step(s, st)) == DB_ROW)
        if (out->n < max)
            out->ids[out->n++] = d->column_int(s, 0);
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_risk_flags(store_conn *c, const char *today, size_t max,
                          store_flagged out[RISK_FLAG_COUNT], isms_status *st)
{
    if (max > STORE_FLAG_IDS_MAX)
        max = STORE_FLAG_IDS_MAX;
    for (int f = 0; f < RISK_FLAG_COUNT; f++) {
        memset(&out[f], 0, sizeof(out[f]));
        db_stmt *s;
        isms_err e = flags[f].today
                         ? conn_prepare_bound(c, &s, st, flags[f].count_sql, "s", today)
                         : conn_prepare_bound(c, &s, st, flags[f].count_sql, "");
        if (e == ISMS_OK)
            e = count_one(c, s, &out[f].count, st);
        if (e == ISMS_OK && out[f].count > 0 && max > 0)
            e = flag_ids(c, (store_risk_flag)f, today, max, &out[f], st);
        if (e != ISMS_OK)
            return e;
    }
    return ISMS_OK;
}

#define OVERDUE_FROM                                                                            \
    "FROM \"risk_action\" a WHERE " ACTION_OVERDUE

static const char overdue_page_sql[] =
    "SELECT a.\"id\", a.\"due_date\" " OVERDUE_FROM " AND (a.\"due_date\" > ? OR "
    "(a.\"due_date\" = ? AND a.\"id\" > ?)) ORDER BY a.\"due_date\", a.\"id\" LIMIT ?";
static const char overdue_count_sql[] = "SELECT COUNT(*) " OVERDUE_FROM;

enum { DATE_LEN = 10 };

/* "YYYY-MM-DD.ID", as overdue pages make it. */
static bool cursor_parse(const char *cursor, char due[DATE_LEN + 1], int64_t *id)
{
    if (strlen(cursor) < DATE_LEN + 2 || strlen(cursor) > DATE_LEN + 20 || cursor[DATE_LEN] != '.')
        return false;
    for (int i = 0; i < DATE_LEN; i++)
        if (!(i == 4 || i == 7 ? cursor[i] == '-' : (cursor[i] >= '0' && cursor[i] <= '9')))
            return false;
    char *end;
    long long n = strtoll(cursor + DATE_LEN + 1, &end, 10);
    if (*end || n < 1 || cursor[DATE_LEN + 1] == '+' || cursor[DATE_LEN + 1] == '-')
        return false;
    memcpy(due, cursor, DATE_LEN);
    due[DATE_LEN] = '\0';
    *id = n;
    return true;
}

/* Up to limit + 1 ids (one more shows there is a next page), with the due dates. */
static isms_err overdue_ids(store_conn *c, const char *today, const char *due, int64_t after,
                            size_t limit, int64_t *ids, char (*dues)[DATE_LEN + 1], size_t *n,
                            isms_status *st)
{
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = conn_prepare_bound(c, &s, st, overdue_page_sql, "sssii", today, due, due, after,
                                    (int64_t)limit + 1);
    if (e != ISMS_OK)
        return e;
    db_step r;
    *n = 0;
    while ((r = d->step(s, st)) == DB_ROW && *n <= limit) {
        ids[*n] = d->column_int(s, 0);
        const char *t = d->column_text(s, 1);
        snprintf(dues[*n], DATE_LEN + 1, "%s", t ? t : "");
        (*n)++;
    }
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_risk_actions_overdue(store_conn *c, const char *today, const char *cursor,
                                    size_t limit, arena *a, store_page *out, isms_status *st)
{
    memset(out, 0, sizeof(*out));
    const isms_kind *k = registry_kind(c->owner->reg, "risk-action");
    if (!k)
        return status_fail(st, ISMS_EINVALID, "this registry has no treatment actions");
    if (limit < 1 || limit > STORE_PAGE_MAX)
        limit = STORE_PAGE_DEFAULT;
    char due[DATE_LEN + 1] = "";
    int64_t after = 0;
    if (cursor && !cursor_parse(cursor, due, &after))
        return status_field(st, "cursor", "is not a cursor of this list");
    int64_t *ids = arena_alloc(a, sizeof(*ids) * (limit + 1));
    char(*dues)[DATE_LEN + 1] = arena_alloc(a, sizeof(*dues) * (limit + 1));
    size_t n;
    isms_err e = overdue_ids(c, today, due, after, limit, ids, dues, &n, st);
    if (e != ISMS_OK)
        return e;
    out->items = arena_alloc(a, sizeof(isms_record *) * (limit + 1));
    for (size_t i = 0; i < n && i < limit; i++) {
        if ((e = store_get(c, k, ids[i], a, &out->items[out->n], st)) != ISMS_OK)
            return e;
        out->n++;
    }
    if (n > limit) {
        char next[DATE_LEN + 24];
        snprintf(next, sizeof(next), "%s.%lld", dues[limit - 1], (long long)ids[limit - 1]);
        out->next_cursor = arena_strdup(a, next);
    }
    return ISMS_OK;
}

isms_err store_risk_actions_overdue_count(store_conn *c, const char *today, int64_t *out,
                                          isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(c, &s, st, overdue_count_sql, "s", today);
    if (e != ISMS_OK)
        return e;
    return count_one(c, s, out, st);
}
