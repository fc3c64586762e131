/*
 * POST /api/v1/risks/{id}/accept: a signing act (http/signing.h), so only a
 * signed-in web session may make it, with the CSRF token and the signer's
 * password (and second-factor code) in the JSON body as the web's signing
 * acts take them: {"role", "rationale", "exception", "exception_until",
 * "sign_password", "sign_code"}. An API token is answered 403: a token left
 * in a script must not sign for its owner.
 * GET /api/v1/risks/{id}/acceptances: the acceptances with their validity now.
 */
#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/record_decode.h"
#include "core/record_json.h"
#include "core/records.h"
#include "core/risk_accept.h"
#include "http/api.h"
#include "http/signing.h"

/* What the body may hold; every other key is refused, naming it. */
typedef struct accept_body {
    const char *role, *rationale, *until;
    bool exception;
    form_data sign; /* sign_password, sign_code: what signing_demand reads */
} accept_body;

static void text_member(json_t *v, const char *key, const char **out, isms_status *st)
{
    if (json_is_string(v))
        *out = json_string_value(v);
    else if (!json_is_null(v))
        status_field(st, key, "must be a string");
}

static void sign_member(accept_body *b, const char *key, json_t *v, isms_status *st)
{
    const char *s = NULL;
    text_member(v, key, &s, st);
    if (s && b->sign.n < FORM_MAX_PAIRS) {
        /* A literal: the JSON's own key is freed with it. */
        b->sign.keys[b->sign.n] = strcmp(key, "sign_code") == 0 ? "sign_code" : "sign_password";
        b->sign.values[b->sign.n++] = s;
    }
}

static void body_member(accept_body *b, const char *key, json_t *v, isms_status *st)
{
    if (strcmp(key, "role") == 0)
        text_member(v, key, &b->role, st);
    else if (strcmp(key, "rationale") == 0)
        text_member(v, key, &b->rationale, st);
    else if (strcmp(key, "exception_until") == 0)
        text_member(v, key, &b->until, st);
    else if (strcmp(key, "exception") == 0 && json_is_boolean(v))
        b->exception = json_is_true(v);
    else if (strcmp(key, "exception") == 0)
        status_field(st, key, "must be true or false");
    else if (strcmp(key, "sign_password") == 0 || strcmp(key, "sign_code") == 0)
        sign_member(b, key, v, st);
    else {
        char name[ISMS_FIELD_NAME_MAX];
        status_field(st, message_text_copy(name, sizeof(name), key),
                     "is not a member of an acceptance (role, rationale, exception, "
                     "exception_until, sign_password, sign_code)");
    }
}

static bool risk_id_of(http_request *req, http_reply *rep, int64_t *id)
{
    if (human_id_parse(&kind_risk, req->id_text, id))
        return true;
    reply_problem_status(rep, 404, "not_found", "Not found", "no such risk");
    return false;
}

/* The risk itself, or a problem (404, 503) answered. */
static store_conn *load_risk(http_request *req, http_reply *rep, int64_t id, isms_record **risk)
{
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return NULL;
    isms_status st;
    status_clear(&st);
    if (store_get(c, &kind_risk, id, req->arena, risk, &st) == ISMS_OK)
        return c;
    store_return(c);
    reply_problem(rep, &st);
    return NULL;
}

static bool decode(http_request *req, http_reply *rep, accept_body *b, isms_status *st)
{
    json_t *body = json_parse_body(req->body, req->body_len, st);
    if (!body)
        return reply_problem(rep, st), false;
    if (!json_is_object(body))
        status_fail(st, ISMS_EINVALID, "the body must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        body_member(b, key, v, st);
    }
    /* The strings live in the arena: the JSON is freed here. */
    b->role = b->role ? arena_strdup(req->arena, b->role) : NULL;
    b->rationale = b->rationale ? arena_strdup(req->arena, b->rationale) : NULL;
    b->until = b->until ? arena_strdup(req->arena, b->until) : NULL;
    for (size_t i = 0; i < b->sign.n; i++) { /* the keys too: they are the JSON's */
        b->sign.keys[i] = arena_strdup(req->arena, b->sign.keys[i]);
        b->sign.values[i] = arena_strdup(req->arena, b->sign.values[i]);
    }
    json_decref(body);
    return true;
}

void api_risk_accept(http_request *req, http_reply *rep)
{
    int64_t id;
    isms_record *risk;
    isms_status st;
    status_clear(&st);
    if (req->principal.via != AUTH_SESSION) {
        reply_problem_status(rep, 403, "forbidden", "Forbidden",
                             "accepting a risk is a signing act: it needs the signer's own "
                             "credentials in a signed-in session (POST /login, then this "
                             "request with X-CSRF-Token and sign_password), or `isms risk "
                             "accept` on the command line; an API token cannot sign");
        return;
    }
    if (!risk_id_of(req, rep, &id))
        return;
    accept_body b = {0};
    if (!decode(req, rep, &b, &st))
        return;
    isms_record *acc =
        risk_acceptance_new(req->arena, id, b.role, b.rationale, b.exception, b.until, &st);
    if (st.code != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    store_conn *c = load_risk(req, rep, id, &risk);
    if (!c)
        return;
    store_return(c);
    char act[64];
    snprintf(act, sizeof(act), "accept RSK-%lld", (long long)id);
    signing_result r = signing_demand(req, &b.sign, act, &st);
    if (r != SIGNING_OK) {
        if (r == SIGNING_NEEDED || r == SIGNING_REFUSED)
            st.code = r == SIGNING_NEEDED ? ISMS_EINVALID : ISMS_EFORBIDDEN;
        reply_problem(rep, &st);
        return;
    }
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "api");
    ctx.signed_act = true;
    if (records_create_one(req->store, &ctx, acc, req->arena, &st) != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    reply_header_set(rep, "Location", "/api/v1/risk-acceptances/ACC-%lld", (long long)acc->id);
    reply_header_set(rep, "ETag", "\"%lld\"", (long long)acc->version);
    reply_json(rep, 201, record_to_json(acc));
}

void api_risk_acceptances(http_request *req, http_reply *rep)
{
    int64_t id;
    isms_record *risk, **items = NULL, **overdue = NULL;
    size_t n = 0, noverdue = 0;
    if (!risk_id_of(req, rep, &id))
        return;
    store_conn *c = load_risk(req, rep, id, &risk);
    if (!c)
        return;
    isms_status st;
    status_clear(&st);
    char today[32];
    clock_now_rfc3339(today);
    isms_err e = risk_acceptances_of(c, id, req->arena, &items, &n, &st);
    if (e == ISMS_OK)
        e = risk_overdue_actions(c, id, today, req->arena, &overdue, &noverdue, &st);
    store_return(c);
    if (e != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    json_t *list = json_array(), *late = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = record_to_json(items[i]);
        acceptance_validity v = risk_acceptance_validity(items[i], risk, today);
        json_object_set_new(j, "validity", json_string(risk_acceptance_validity_name(v)));
        json_array_append_new(list, j);
    }
    for (size_t i = 0; i < noverdue; i++)
        json_array_append_new(late, json_string(human_id(req->arena, &kind_risk_action,
                                                         overdue[i]->id)));
    const char *state = risk_acceptance_state_now(risk, today);
    bool flagged = strcmp(state, "accepted") == 0 && noverdue > 0;
    reply_json(rep, 200, json_pack("{s:s,s:s?,s:o,s:o,s:b}", "acceptance", state,
                                   "accepted_until", record_value(risk, "accepted_until")->s,
                                   "items", list, "overdue_actions", late,
                                   "accepted_with_overdue_actions", flagged));
}
