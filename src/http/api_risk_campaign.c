/*
 * The assessment campaign routes (docs/API.md, "Assessment campaigns"):
 * GET /api/v1/risk-campaigns/{id}/coverage, .../{id}/snapshot (paged by
 * cursor), /api/v1/risk-campaigns/compare?from=&to= and .../due. Read-only:
 * a campaign is closed with PATCH status "closed", like any change.
 */
#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/record.h"
#include "core/record_decode.h"
#include "core/risk_campaign.h"
#include "core/value.h"
#include "http/api.h"
#include "http/api_risk_campaign.h"

enum { SNAPSHOT_PAGE_DEFAULT = 100 };

/* The query's parameters, each allowed at most once; the others are named as errors. */
typedef struct query_params {
    const char *const *names; /* NULL-terminated */
    const char *values[4];
} query_params;

static isms_err read_params(const http_request *req, query_params *q, const char *what,
                            isms_status *st)
{
    for (size_t i = 0; i < req->nparams; i++) {
        const char *k = req->param_keys[i];
        size_t j = 0;
        while (q->names[j] && strcmp(q->names[j], k) != 0)
            j++;
        char name[ISMS_FIELD_NAME_MAX];
        if (!q->names[j])
            status_field(st, message_text_copy(name, sizeof(name), k), "is not a parameter of %s",
                         what);
        else if (q->values[j])
            status_field(st, q->names[j], "is given twice");
        else
            q->values[j] = req->param_values[i] ? req->param_values[i] : "";
    }
    return st->code;
}

/* A campaign id parameter such as CMP-3; required. */
static void campaign_param(const char *name, const char *v, int64_t *out, isms_status *st)
{
    if (!v || !v[0])
        status_field(st, name, "is required: a closed campaign such as CMP-1");
    else if (!human_id_parse(&kind_risk_campaign, v, out))
        status_field(st, name, "must be a campaign id such as CMP-1");
}

static void limit_param(const char *v, int64_t dflt, int64_t max, int64_t *out, isms_status *st)
{
    *out = dflt;
    if (v && (!parse_int64(v, out) || *out < 1 || *out > max))
        status_field(st, "limit", "must be a number from 1 to %lld", (long long)max);
}

/* A risk id after which a page starts (RSK-7 or 7), or none. */
static void after_param(const char *name, const char *v, int64_t *out, isms_status *st)
{
    *out = 0;
    if (v && !human_id_parse(&kind_risk, v, out))
        status_field(st, name, "must be the next_cursor of the previous page, such as RSK-7");
}

/* Borrow a connection inside a read snapshot; on failure the reply is made. */
static store_conn *borrow_snapshot(http_request *req, http_reply *rep)
{
    if (!risk_campaigns_served(req->reg)) {
        reply_problem_status(rep, 404, "not_found", "Not found", "no risk register here");
        return NULL;
    }
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return NULL;
    isms_status st;
    status_clear(&st);
    if (store_read_begin(c, &st) != ISMS_OK) {
        store_return(c);
        reply_problem(rep, &st);
        return NULL;
    }
    return c;
}

static void give_back(store_conn *c)
{
    store_read_end(c);
    store_return(c);
}

static bool campaign_id(http_request *req, http_reply *rep, int64_t *id)
{
    if (human_id_parse(&kind_risk_campaign, req->id_text, id))
        return true;
    reply_problem_status(rep, 404, "not_found", "Not found", "no such assessment campaign");
    return false;
}

void api_risk_campaign_coverage(http_request *req, http_reply *rep)
{
    static const char *const names[] = {NULL};
    query_params q = {.names = names};
    isms_status st;
    status_clear(&st);
    int64_t id;
    if (!campaign_id(req, rep, &id))
        return;
    if (read_params(req, &q, "a coverage (it takes none)", &st) != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    store_conn *c = borrow_snapshot(req, rep);
    if (!c)
        return;
    char now[32];
    clock_now_rfc3339(now);
    risk_coverage cov;
    isms_err e = store_risk_coverage(c, id, now, req->arena, &cov, &st);
    give_back(c);
    if (e != ISMS_OK)
        reply_problem(rep, &st);
    else
        reply_json(rep, 200, risk_coverage_to_json(&cov));
}

/* 404 for no such campaign, 409 for one still open (no snapshot yet). */
static isms_err snapshot_exists(store_conn *c, int64_t id, arena *a, isms_status *st)
{
    isms_record *rec;
    isms_err e = store_get(c, &kind_risk_campaign, id, a, &rec, st);
    if (e != ISMS_OK)
        return e;
    const char *status = record_value(rec, "status")->s;
    if (!status || strcmp(status, "closed") != 0)
        return status_fail(st, ISMS_ECONFLICT,
                           "CMP-%lld is open: it has no snapshot until it is closed",
                           (long long)id);
    return ISMS_OK;
}

void api_risk_campaign_snapshot(http_request *req, http_reply *rep)
{
    static const char *const names[] = {"cursor", "limit", NULL};
    query_params q = {.names = names};
    isms_status st;
    status_clear(&st);
    int64_t id, after, limit;
    if (!campaign_id(req, rep, &id))
        return;
    if (read_params(req, &q, "a snapshot (cursor, limit)", &st) == ISMS_OK) {
        after_param("cursor", q.values[0], &after, &st);
        limit_param(q.values[1], SNAPSHOT_PAGE_DEFAULT, RISK_SNAPSHOT_PAGE_MAX, &limit, &st);
    }
    if (st.code != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    store_conn *c = borrow_snapshot(req, rep);
    if (!c)
        return;
    /* One more than the page: whether there is a next one. */
    risk_snapshot_row *rows = arena_alloc(req->arena, (size_t)(limit + 1) * sizeof(*rows));
    size_t n = 0;
    isms_err e = snapshot_exists(c, id, req->arena, &st);
    if (e == ISMS_OK)
        e = store_risk_snapshot_page(c, id, after, limit + 1, req->arena, rows, &n, &st);
    give_back(c);
    if (e != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    bool more = n > (size_t)limit;
    if (more)
        n = (size_t)limit;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, risk_snapshot_row_to_json(&rows[i]));
    json_t *next = more && n ? json_sprintf("RSK-%lld", (long long)rows[n - 1].risk_id)
                             : json_null();
    reply_json(rep, 200,
               json_pack("{s:o,s:o,s:o}", "campaign", json_sprintf("CMP-%lld", (long long)id),
                         "items", items, "next_cursor", next));
}

void api_risk_campaign_compare(http_request *req, http_reply *rep)
{
    static const char *const names[] = {"from", "to", "cursor", "limit", NULL};
    query_params q = {.names = names};
    isms_status st;
    status_clear(&st);
    int64_t from = 0, to = 0, after, limit;
    if (read_params(req, &q, "a comparison (from, to, cursor, limit)", &st) == ISMS_OK) {
        campaign_param("from", q.values[0], &from, &st);
        campaign_param("to", q.values[1], &to, &st);
        after_param("cursor", q.values[2], &after, &st);
        limit_param(q.values[3], RISK_COMPARE_PAGE_MAX, RISK_COMPARE_PAGE_MAX, &limit, &st);
    }
    if (st.code != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    store_conn *c = borrow_snapshot(req, rep);
    if (!c)
        return;
    risk_comparison cmp;
    isms_err e = risk_compare(c, from, to, after, limit, req->arena, &cmp, &st);
    give_back(c);
    if (e != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    json_t *j = risk_comparison_to_json(&cmp);
    json_object_set(j, "next_cursor", json_object_get(j, "next_after"));
    json_object_del(j, "next_after");
    reply_json(rep, 200, j);
}

void api_risk_campaign_due(http_request *req, http_reply *rep)
{
    static const char *const names[] = {NULL};
    query_params q = {.names = names};
    isms_status st;
    status_clear(&st);
    if (read_params(req, &q, "the due check (it takes none)", &st) != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    store_conn *c = borrow_snapshot(req, rep);
    if (!c)
        return;
    char now[32];
    clock_now_rfc3339(now);
    risk_due d;
    isms_err e = risk_due_check(c, now, req->arena, &d, &st);
    give_back(c);
    if (e != ISMS_OK)
        reply_problem(rep, &st);
    else
        reply_json(rep, 200, risk_due_to_json(&d));
}
