#include "store/store_risk_campaign.h"

#include <string.h>

#include "store/internal.h"

#define DRV(c) ((c)->owner->driver)

static int64_t col_int(store_conn *c, db_stmt *s, int col)
{
    return DRV(c)->column_null(s, col) ? 0 : DRV(c)->column_int(s, col);
}

/* A campaign's due date and whether it is closed; ISMS_ENOTFOUND if there is none. */
static isms_err campaign_head(store_conn *c, int64_t id, arena *a, risk_coverage *out,
                              isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(
        c, &s, st, "SELECT \"due_date\", \"status\" FROM \"risk_campaign\" WHERE \"id\" = ?", "i",
        id);
    if (e != ISMS_OK)
        return e;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW) {
        out->due_date = conn_column_text(c, s, 0, a);
        const char *status = DRV(c)->column_text(s, 1);
        out->closed = status && strcmp(status, "closed") == 0;
    }
    DRV(c)->reset(s);
    if (r == DB_ERROR)
        return st->code;
    if (r != DB_ROW)
        return status_fail(st, ISMS_ENOTFOUND, "CMP-%lld: no such assessment campaign",
                           (long long)id);
    return ISMS_OK;
}

/* The scope is the risks in force while open, the snapshot once closed. */
static const char COVER_OPEN[] =
    "SELECT r.\"owner\", p.\"name\", COUNT(*), COUNT(v.\"risk\") FROM \"risk\" r "
    "LEFT JOIN \"person\" p ON p.\"id\" = r.\"owner\" "
    "LEFT JOIN (SELECT DISTINCT \"risk\" FROM \"risk_review\" WHERE \"campaign\" = ? "
    "AND \"retired_at\" IS NULL) v ON v.\"risk\" = r.\"id\" "
    "WHERE r.\"retired_at\" IS NULL GROUP BY r.\"owner\", p.\"name\" ORDER BY p.\"name\", r.\"owner\"";

static const char COVER_CLOSED[] =
    "SELECT r.\"owner\", p.\"name\", COUNT(*), COUNT(v.\"risk\") FROM \"risk_snapshot\" r "
    "LEFT JOIN \"person\" p ON p.\"id\" = r.\"owner\" "
    "LEFT JOIN (SELECT DISTINCT \"risk\" FROM \"risk_review\" WHERE \"campaign\" = ? "
    "AND \"retired_at\" IS NULL) v ON v.\"risk\" = r.\"risk_id\" "
    "WHERE r.\"campaign_id\" = ? GROUP BY r.\"owner\", p.\"name\" ORDER BY p.\"name\", r.\"owner\"";

static void add_owner(risk_coverage *out, size_t *cap, arena *a, const risk_owner_cover *o)
{
    if (out->nowners == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        risk_owner_cover *more = arena_alloc(a, ncap * sizeof(*more));
        if (out->nowners)
            memcpy(more, out->owners, out->nowners * sizeof(*more));
        out->owners = more;
        *cap = ncap;
    }
    out->owners[out->nowners++] = *o;
}

isms_err store_risk_coverage(store_conn *c, int64_t campaign_id, const char *today, arena *a,
                             risk_coverage *out, isms_status *st)
{
    memset(out, 0, sizeof(*out));
    out->campaign = campaign_id;
    isms_err e = campaign_head(c, campaign_id, a, out, st);
    if (e != ISMS_OK)
        return e;
    bool past_due = !out->closed && strncmp(today, out->due_date, 10) > 0;
    db_stmt *s;
    e = out->closed ? conn_prepare_bound(c, &s, st, COVER_CLOSED, "ii", campaign_id, campaign_id)
                    : conn_prepare_bound(c, &s, st, COVER_OPEN, "i", campaign_id);
    if (e != ISMS_OK)
        return e;
    size_t cap = 0;
    db_step r;
    /* Past the cap owners are counted in the totals but not listed. */
    while ((r = DRV(c)->step(s, st)) == DB_ROW) {
        risk_owner_cover o = {.person = col_int(c, s, 0),
                              .name = conn_column_text(c, s, 1, a),
                              .risks = col_int(c, s, 2),
                              .answered = col_int(c, s, 3)};
        o.late = past_due && o.answered < o.risks;
        out->risks += o.risks;
        out->answered += o.answered;
        out->late += o.late;
        if (out->nowners < RISK_COVER_OWNERS_MAX)
            add_owner(out, &cap, a, &o);
    }
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

static const char SNAPSHOT_PAGE[] =
    "SELECT s.\"risk_id\", s.\"risk_version\", s.\"title\", s.\"owner\", p.\"name\", "
    "s.\"likelihood\", s.\"impact\", s.\"level\", s.\"level_label\", s.\"residual_likelihood\", "
    "s.\"residual_impact\", s.\"residual_level\", s.\"residual_level_label\", s.\"treatment\", "
    "s.\"acceptance\", s.\"accepted_until\", s.\"status\", s.\"method\" "
    "FROM \"risk_snapshot\" s LEFT JOIN \"person\" p ON p.\"id\" = s.\"owner\" "
    "WHERE s.\"campaign_id\" = ? AND s.\"risk_id\" > ? ORDER BY s.\"risk_id\" LIMIT ?";

static void snapshot_row(store_conn *c, db_stmt *s, arena *a, risk_snapshot_row *x)
{
    x->risk_id = col_int(c, s, 0);
    x->risk_version = col_int(c, s, 1);
    x->title = conn_column_text(c, s, 2, a);
    x->owner = col_int(c, s, 3);
    x->owner_name = conn_column_text(c, s, 4, a);
    x->likelihood = col_int(c, s, 5);
    x->impact = col_int(c, s, 6);
    x->level = col_int(c, s, 7);
    x->level_label = conn_column_text(c, s, 8, a);
    x->residual_likelihood = col_int(c, s, 9);
    x->residual_impact = col_int(c, s, 10);
    x->residual_level = col_int(c, s, 11);
    x->residual_level_label = conn_column_text(c, s, 12, a);
    x->treatment = conn_column_text(c, s, 13, a);
    x->acceptance = conn_column_text(c, s, 14, a);
    x->accepted_until = conn_column_text(c, s, 15, a);
    x->status = conn_column_text(c, s, 16, a);
    x->method = col_int(c, s, 17);
}

isms_err store_risk_snapshot_page(store_conn *c, int64_t campaign_id, int64_t after,
                                  int64_t limit, arena *a, risk_snapshot_row *out, size_t *n,
                                  isms_status *st)
{
    *n = 0;
    if (limit < 1 || limit > RISK_SNAPSHOT_PAGE_MAX + 1)
        return status_field(st, "limit", "must be 1 to %d", RISK_SNAPSHOT_PAGE_MAX);
    db_stmt *s;
    isms_err e = conn_prepare_bound(c, &s, st, SNAPSHOT_PAGE, "iii", campaign_id, after, limit);
    if (e != ISMS_OK)
        return e;
    db_step r;
    while ((r = DRV(c)->step(s, st)) == DB_ROW && *n < (size_t)limit)
        snapshot_row(c, s, a, &out[(*n)++]);
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

/* Both snapshots side by side; a is the earlier, b the later. */
static const char COMPARE[] =
    "SELECT COALESCE(b.\"risk_id\", a.\"risk_id\"), COALESCE(b.\"title\", a.\"title\"), "
    "a.\"risk_id\", a.\"level\", a.\"level_label\", a.\"residual_level\", a.\"status\", "
    "b.\"risk_id\", b.\"level\", b.\"level_label\", b.\"residual_level\", b.\"status\" "
    "FROM (SELECT * FROM \"risk_snapshot\" WHERE \"campaign_id\" = ?) a "
    "FULL OUTER JOIN (SELECT * FROM \"risk_snapshot\" WHERE \"campaign_id\" = ?) b "
    "ON a.\"risk_id\" = b.\"risk_id\" ORDER BY 1";

static risk_change direction(int64_t from, int64_t to)
{
    return to > from ? RISK_RAISED : to < from ? RISK_LOWERED : RISK_UNCHANGED;
}

static bool closed(const char *status)
{
    return status && strcmp(status, "closed") == 0;
}

static void compare_row(store_conn *c, db_stmt *s, risk_compare_row *x)
{
    bool in_a = !DRV(c)->column_null(s, 2), in_b = !DRV(c)->column_null(s, 7);
    x->risk_id = col_int(c, s, 0);
    x->title = DRV(c)->column_null(s, 1) ? NULL : DRV(c)->column_text(s, 1);
    x->level_from = col_int(c, s, 3);
    x->label_from = DRV(c)->column_null(s, 4) ? NULL : DRV(c)->column_text(s, 4);
    x->residual_from = col_int(c, s, 5);
    bool closed_a = closed(DRV(c)->column_null(s, 6) ? NULL : DRV(c)->column_text(s, 6));
    x->level_to = col_int(c, s, 8);
    x->label_to = DRV(c)->column_null(s, 9) ? NULL : DRV(c)->column_text(s, 9);
    x->residual_to = col_int(c, s, 10);
    bool closed_b = closed(DRV(c)->column_null(s, 11) ? NULL : DRV(c)->column_text(s, 11));
    if (!in_a)
        x->change = RISK_NEW;
    else if (!in_b || (closed_b && !closed_a))
        x->change = RISK_CLOSED;
    else
        x->change = direction(x->level_from, x->level_to);
    x->residual_change =
        in_a && in_b ? direction(x->residual_from, x->residual_to) : RISK_UNCHANGED;
}

isms_err store_risk_compare_each(store_conn *c, int64_t from_campaign, int64_t to_campaign,
                                 risk_compare_fn fn, void *arg, isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(c, &s, st, COMPARE, "ii", from_campaign, to_campaign);
    if (e != ISMS_OK)
        return e;
    db_step r;
    while ((r = DRV(c)->step(s, st)) == DB_ROW) {
        risk_compare_row x;
        compare_row(c, s, &x);
        if (!fn(&x, arg))
            break;
    }
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

static isms_err first_id(store_conn *c, const char *sql, arena *a, int64_t *id, const char **at,
                         isms_status *st)
{
    db_stmt *s;
    isms_err e = conn_prepare_bound(c, &s, st, sql, "");
    if (e != ISMS_OK)
        return e;
    db_step r = DRV(c)->step(s, st);
    if (r == DB_ROW) {
        *id = col_int(c, s, 0);
        if (at)
            *at = conn_column_text(c, s, 1, a);
    }
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_risk_campaign_state(store_conn *c, arena *a, risk_campaign_state *out,
                                   isms_status *st)
{
    memset(out, 0, sizeof(*out));
    isms_err e = first_id(c,
                          "SELECT \"id\", \"closed_at\" FROM \"risk_campaign\" WHERE \"status\" = "
                          "'closed' AND \"retired_at\" IS NULL AND \"closed_at\" IS NOT NULL "
                          "ORDER BY \"closed_at\" DESC, \"id\" DESC LIMIT 1",
                          a, &out->last_closed, &out->last_closed_at, st);
    if (e != ISMS_OK)
        return e;
    return first_id(c,
                    "SELECT \"id\" FROM \"risk_campaign\" WHERE \"status\" = 'open' AND "
                    "\"retired_at\" IS NULL ORDER BY \"id\" LIMIT 1",
                    a, &out->open, NULL, st);
}

static const char UNANSWERED[] =
    "SELECT r.\"id\", r.\"title\", r.\"level_label\", r.\"reassess\" FROM \"risk\" r "
    "WHERE r.\"retired_at\" IS NULL AND r.\"owner\" = ? AND NOT EXISTS (SELECT 1 FROM "
    "\"risk_review\" v WHERE v.\"campaign\" = ? AND v.\"risk\" = r.\"id\" AND v.\"retired_at\" "
    "IS NULL) ORDER BY r.\"id\" LIMIT ?";

isms_err store_risk_unanswered(store_conn *c, int64_t campaign_id, int64_t person, size_t max,
                               arena *a, risk_unanswered *out, size_t *n, isms_status *st)
{
    *n = 0;
    db_stmt *s;
    isms_err e = conn_prepare_bound(c, &s, st, UNANSWERED, "iii", person, campaign_id,
                                    (int64_t)max);
    if (e != ISMS_OK)
        return e;
    db_step r = DB_DONE;
    while (*n < max && (r = DRV(c)->step(s, st)) == DB_ROW) {
        risk_unanswered *x = &out[(*n)++];
        x->risk_id = col_int(c, s, 0);
        x->title = conn_column_text(c, s, 1, a);
        x->level_label = conn_column_text(c, s, 2, a);
        x->reassess = col_int(c, s, 3) != 0;
    }
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}
