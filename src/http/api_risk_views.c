/*
 * The risk register's views over HTTP (docs/API.md, "Heat maps and flags"):
 * GET /api/v1/risks/heatmap (JSON), /api/v1/risks/heatmap.svg,
 * /api/v1/risks/flags and /api/v1/risk-actions/overdue. Read-only.
 */
#include <stdio.h>
#include <string.h>

#include "core/record_decode.h"
#include "core/record_json.h"
#include "core/value.h"
#include "http/api.h"
#include "http/api_risk_views.h"
#include "report/heatmap_data.h"

enum { FLAG_IDS_API = 100 };

/* A parameter not listed in allowed ("basis", ...) is a field error naming it. */
static void refuse_others(const http_request *req, const char *const *allowed, const char *list,
                          isms_status *st)
{
    for (size_t i = 0; i < req->nparams; i++) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            ok |= strcmp(req->param_keys[i], *a) == 0;
        if (!ok) {
            char name[ISMS_FIELD_NAME_MAX];
            status_field(st, message_text_copy(name, sizeof(name), req->param_keys[i]),
                         "is not a parameter here (%s)", list);
        }
    }
}

/* basis=current|residual (current when absent); a field error otherwise. */
static bool basis_param(const http_request *req, bool *residual, isms_status *st)
{
    static const char *const allowed[] = {"basis", NULL};
    *residual = false;
    bool seen = false;
    refuse_others(req, allowed, "basis", st);
    for (size_t i = 0; i < req->nparams; i++) {
        if (strcmp(req->param_keys[i], "basis") != 0)
            continue;
        const char *v = req->param_values[i] ? req->param_values[i] : "";
        if (seen)
            status_field(st, "basis", "is given twice");
        else if (strcmp(v, "residual") == 0)
            *residual = true;
        else if (strcmp(v, "current") != 0)
            status_field(st, "basis", "must be current or residual");
        seen = true;
    }
    return st->code == ISMS_OK;
}

/* Parse basis and read the map; false with the reply set on any failure. */
static bool load(http_request *req, http_reply *rep, heatmap *h, store_heat *heat)
{
    isms_status st;
    status_clear(&st);
    bool residual;
    if (!basis_param(req, &residual, &st)) {
        reply_problem(rep, &st);
        return false;
    }
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return false;
    isms_err e = heatmap_load(c, residual, req->arena, h, heat, &st);
    store_return(c);
    if (e != ISMS_OK) {
        reply_problem(rep, &st);
        return false;
    }
    return true;
}

static json_t *scale_json(const risk_scale_level *levels, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(levels[i].label));
    return a;
}

static json_t *cells_json(const heatmap *h)
{
    json_t *a = json_array();
    const risk_method *m = h->method;
    for (int l = m->nlikelihood; l >= 1; l--)
        for (int i = 1; i <= m->nimpact; i++) {
            int level = risk_method_level(m, l, i);
            const risk_level *def = risk_method_level_def(m, level);
            json_array_append_new(
                a, json_pack("{s:i,s:i,s:i,s:s,s:s,s:I}", "likelihood", l, "impact", i, "level",
                             level, "label", def->label, "colour", def->colour, "count",
                             (json_int_t)h->heat->count[l - 1][i - 1]));
        }
    return a;
}

void api_risk_heatmap(http_request *req, http_reply *rep)
{
    heatmap h;
    store_heat heat;
    if (!load(req, rep, &h, &heat))
        return;
    json_t *j = json_pack("{s:s}", "basis", h.residual ? "residual" : "current");
    if (!h.method) {
        json_object_set_new(j, "method", json_null());
        json_object_set_new(j, "cells", json_array());
    } else {
        char rm[32];
        snprintf(rm, sizeof(rm), "RM-%lld", (long long)h.method_id);
        json_object_set_new(j, "method", json_string(rm));
        json_object_set_new(j, "likelihood", scale_json(h.method->likelihood,
                                                        h.method->nlikelihood));
        json_object_set_new(j, "impact", scale_json(h.method->impact, h.method->nimpact));
        json_object_set_new(j, "cells", cells_json(&h));
    }
    json_object_set_new(j, "total", json_integer(heat.total));
    json_object_set_new(j, "outdated", json_integer(heat.outdated));
    reply_json(rep, 200, j);
}

void api_risk_heatmap_svg(http_request *req, http_reply *rep)
{
    heatmap h;
    store_heat heat;
    if (!load(req, rep, &h, &heat))
        return;
    if (!h.method) {
        reply_problem_status(rep, 409, "no_method", "No risk method",
                             "no risk method is in force: record one to draw a heat map");
        return;
    }
    strbuf *b = reply_html_body(rep, 200);
    rep->content_type = "image/svg+xml; charset=utf-8";
    heatmap_svg(b, &h);
}

void api_risk_flags(http_request *req, http_reply *rep)
{
    static const char *const none[] = {NULL};
    isms_status st;
    status_clear(&st);
    refuse_others(req, none, "none", &st);
    if (st.code != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return;
    char today[11];
    report_today(today);
    store_flagged flags[RISK_FLAG_COUNT];
    isms_err e = store_risk_flags(c, today, FLAG_IDS_API, flags, &st);
    store_return(c);
    if (e != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    const isms_kind *k = registry_kind(req->reg, "risk");
    json_t *a = json_array();
    for (int f = 0; f < RISK_FLAG_COUNT; f++) {
        json_t *ids = json_array();
        for (size_t i = 0; i < flags[f].n; i++) {
            char hid[ISMS_HUMAN_ID_MAX];
            human_id_format(hid, k, flags[f].ids[i]);
            json_array_append_new(ids, json_string(hid));
        }
        json_array_append_new(a, json_pack("{s:s,s:I,s:o}", "flag",
                                           store_risk_flag_name((store_risk_flag)f), "count",
                                           (json_int_t)flags[f].count, "risks", ids));
    }
    json_t *j = json_pack("{s:s,s:o}", "today", today, "flags", a);
    reply_json(rep, 200, j);
}

/* limit=N (1..STORE_PAGE_MAX) and cursor=C, each at most once. */
static bool page_params(const http_request *req, size_t *limit, const char **cursor,
                        isms_status *st)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    refuse_others(req, allowed, "limit, cursor", st);
    *limit = STORE_PAGE_DEFAULT;
    *cursor = NULL;
    for (size_t i = 0; i < req->nparams; i++) {
        const char *k = req->param_keys[i], *v = req->param_values[i] ? req->param_values[i] : "";
        int64_t n;
        if (strcmp(k, "limit") == 0) {
            if (!parse_int64(v, &n) || n < 1 || n > STORE_PAGE_MAX)
                status_field(st, "limit", "must be a number from 1 to %d", STORE_PAGE_MAX);
            else
                *limit = (size_t)n;
        } else if (strcmp(k, "cursor") == 0) {
            *cursor = v;
        }
    }
    return st->code == ISMS_OK;
}

void api_risk_actions_overdue(http_request *req, http_reply *rep)
{
    isms_status st;
    status_clear(&st);
    size_t limit;
    const char *cursor;
    if (!page_params(req, &limit, &cursor, &st)) {
        reply_problem(rep, &st);
        return;
    }
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return;
    char today[11];
    report_today(today);
    store_page page;
    int64_t total = 0;
    isms_err e = store_risk_actions_overdue(c, today, cursor, limit, req->arena, &page, &st);
    if (e == ISMS_OK)
        e = store_risk_actions_overdue_count(c, today, &total, &st);
    store_return(c);
    if (e != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    strbuf *b = reply_json_body(rep, 200);
    api_page_write(b, &page);
    char tail[64];
    snprintf(tail, sizeof(tail), ",\"total\":%lld,\"today\":", (long long)total);
    strbuf_puts(b, tail);
    json_write_string(b, today);
    strbuf_putc(b, '}');
}
