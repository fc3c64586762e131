/*
 * GET /api/v1/<plural>/<id>/history: a record's versions from the change log,
 * or with ?from=V&to=V the fields that differ between two of them.
 */
#include <stdio.h>
#include <string.h>

#include "core/history.h"
#include "core/record_decode.h"
#include "core/value.h"
#include "http/api.h"

/* A version number parameter: absent stays 0; anything else but 1, 2, ... is named. */
static void version_param(const char *name, const char *value, int64_t *out, isms_status *st)
{
    if (*out)
        status_field(st, name, "is given twice");
    else if (!value || !parse_int64(value, out) || *out < 1)
        status_field(st, name, "must be a version number such as 1");
}

isms_err history_query(const http_request *req, bool empty_is_absent, int64_t *from, int64_t *to,
                       isms_status *st)
{
    *from = *to = 0;
    bool seen_from = false, seen_to = false;
    for (size_t i = 0; i < req->nparams; i++) {
        const char *k = req->param_keys[i], *v = req->param_values[i];
        bool is_from = strcmp(k, "from") == 0, is_to = strcmp(k, "to") == 0;
        if (empty_is_absent && (is_from || is_to) && (!v || !v[0]))
            continue;
        if (is_from || is_to) {
            bool *seen = is_from ? &seen_from : &seen_to;
            int64_t *out = is_from ? from : to;
            if (*seen)
                status_field(st, k, "is given twice");
            else
                version_param(k, v, out, st);
            *seen = true;
        } else if (!empty_is_absent) {
            char name[ISMS_FIELD_NAME_MAX];
            status_field(st, message_text_copy(name, sizeof(name), k),
                         "is not a parameter of a history (from, to)");
        }
    }
    if (st->code == ISMS_OK && seen_from != seen_to)
        status_field(st, seen_from ? "to" : "from", "is required with %s: compare two versions",
                     seen_from ? "from" : "to");
    return st->code;
}

void api_history(http_request *req, http_reply *rep)
{
    int64_t id, from, to;
    if (!human_id_parse(req->kind, req->id_text, &id)) {
        reply_problem_status(rep, 404, "not_found", "Not found", "no such record");
        return;
    }
    isms_status st;
    status_clear(&st);
    if (history_query(req, false, &from, &to, &st) != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return;
    history h;
    changelog_entry ef, et;
    isms_record *rf = NULL, *rt = NULL;
    isms_err e;
    if (from) {
        e = history_version(c, req->reg, req->kind, id, from, req->arena, &ef, &rf, &st);
        if (e == ISMS_OK)
            e = history_version(c, req->reg, req->kind, id, to, req->arena, &et, &rt, &st);
    } else {
        e = history_read(c, req->kind, id, req->arena, &h, &st);
    }
    store_return(c);
    if (e != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    reply_json(rep, 200,
               from ? history_diff_to_json(rf, rt, from, to, req->arena)
                    : history_to_json(req->reg, req->kind, &h, req->arena));
}
