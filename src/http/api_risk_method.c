/*
 * The risk method over HTTP (docs/API.md, "The risk method"): the version in
 * force with its definition as an object and the risks under each version
 * (GET /api/v1/risk-method), and the presets (GET
 * /api/v1/risk-method/presets/{size}). New versions are created with the
 * generic POST /api/v1/risk-methods.
 */
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/risk_census.h"
#include "core/risk_current.h"
#include "http/api.h"
#include "http/api_risk_method.h"

/* The canonical text of m as a JSON object. */
static json_t *definition_json(const risk_method *m, arena *a)
{
    return json_loads(risk_method_to_json(m, a), 0, NULL);
}

static json_t *census_json(const risk_census *c, arena *a)
{
    json_t *versions = json_array();
    for (size_t k = 0; k < c->nversions; k++) {
        const risk_version_count *v = &c->versions[k];
        json_array_append_new(versions,
                              json_pack("{s:s,s:s,s:s,s:b,s:I}", "id",
                                        human_id(a, &kind_risk_method, v->id), "title", v->title,
                                        "created_at", v->created_at, "in_force", v->in_force,
                                        "risks", (json_int_t)v->risks));
    }
    return json_pack("{s:I,s:I,s:o}", "risks", (json_int_t)c->risks, "to_reassess",
                     (json_int_t)c->reassess, "versions", versions);
}

void api_risk_method(http_request *req, http_reply *rep)
{
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return;
    isms_status st;
    status_clear(&st);
    const risk_method *m;
    int64_t id;
    risk_census census;
    isms_err e = risk_method_current(c, req->arena, &m, &id, &st);
    if (e == ISMS_OK)
        e = risk_census_take(c, req->arena, &census, &st);
    store_return(c);
    if (e == ISMS_OK && !m)
        e = status_fail(&st, ISMS_ENOTFOUND, "no risk method is in force: record one with POST "
                                             "/api/v1/risk-methods (presets at "
                                             "/api/v1/risk-method/presets/5)");
    if (e != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    json_t *j = json_pack("{s:s,s:o,s:o}", "id", human_id(req->arena, &kind_risk_method, id),
                          "definition", definition_json(m, req->arena), "census",
                          census_json(&census, req->arena));
    reply_json(rep, 200, j);
}

void api_risk_method_preset(http_request *req, http_reply *rep)
{
    const char *size = req->capture ? req->capture : "";
    const char *text = strlen(size) == 1 ? risk_method_preset(size[0] - '0') : NULL;
    if (!text) {
        isms_status st;
        status_clear(&st);
        status_fail(&st, ISMS_ENOTFOUND, "there are presets of size 3, 4 and 5");
        reply_problem(rep, &st);
        return;
    }
    json_t *j = json_loads(text, 0, NULL);
    reply_json(rep, 200, json_pack("{s:i,s:o}", "size", size[0] - '0', "definition", j));
}
