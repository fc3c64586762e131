/*
 * The generic record API: GET/POST /api/v1/<plural>, GET/PATCH/DELETE
 * /api/v1/<plural>/<id>, POST /api/v1/<plural>/<id>/retire. Every kind is
 * served by these handlers from the registry; rules live in core/records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record_decode.h"
#include "core/record_json.h"
#include "core/records.h"
#include "core/value.h"
#include "http/api.h"
#include "http/list_query.h"

enum { REFERRERS_SHOWN = 50, CHANGES_MAX = 128 };

/*
 * The process is up and its database answers at the schema it serves. Read
 * from the database, not remembered: a database that does not answer, or one
 * another isms has migrated since this one opened it, is 503, so a proxy's
 * health check takes this instance out.
 */
void api_health(http_request *req, http_reply *rep)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    int now = 0, served = store_schema_version(req->store);
    isms_err e = store_borrow(req->store, &c, &st);
    if (e == ISMS_OK) {
        e = store_schema_version_now(c, &now, &st);
        store_return(c);
    }
    if (e != ISMS_OK) {
        if (st.code == ISMS_EBUSY)
            reply_problem(rep, &st);
        else
            reply_problem_status(rep, 503, "unavailable", "Unavailable",
                                 "the database does not answer");
        reply_header_set(rep, "Retry-After", "1");
        return;
    }
    if (now != served) {
        char detail[160];
        snprintf(detail, sizeof(detail),
                 "the database is at schema version %d, this isms serves version %d: restart "
                 "every instance with the isms that migrated it",
                 now, served);
        reply_problem_status(rep, 503, "schema_changed", "Schema changed", detail);
        return;
    }
    json_t *j = json_pack("{s:s,s:i}", "status", "ok", "schema_version", served);
    reply_json(rep, 200, j);
}

store_conn *api_borrow(http_request *req, http_reply *rep)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    if (store_borrow(req->store, &c, &st) != ISMS_OK) {
        reply_problem(rep, &st);
        reply_header_set(rep, "Retry-After", "1");
        return NULL;
    }
    return c;
}

static bool record_id(http_request *req, http_reply *rep, int64_t *id)
{
    if (human_id_parse(req->kind, req->id_text, id))
        return true;
    reply_problem_status(rep, 404, "not_found", "Not found", "no such record");
    return false;
}

static json_t *referrers_json(const store_referrers *refs)
{
    json_t *a = json_array();
    for (size_t i = 0; i < refs->n; i++) {
        const store_referrer *x = &refs->items[i];
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, x->kind, x->id);
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:b}", "id", hid, "kind",
                                           x->kind->name, "field", x->field->name, "title",
                                           x->title, "retired", x->retired));
    }
    return a;
}

static void reply_record(http_reply *rep, unsigned status, const isms_record *r)
{
    reply_header_set(rep, "ETag", "\"%lld\"", (long long)r->version);
    reply_json(rep, status, record_to_json(r));
}

/* Written straight, without a jansson tree: the tree was most of a page's cost. */
void api_page_write(strbuf *b, const store_page *page)
{
    strbuf_puts(b, "{\"items\":[");
    for (size_t i = 0; i < page->n; i++) {
        if (i)
            strbuf_putc(b, ',');
        record_json_write(b, page->items[i]);
    }
    strbuf_puts(b, "],\"next_cursor\":");
    if (page->next_cursor)
        json_write_string(b, page->next_cursor);
    else
        strbuf_puts(b, "null");
}

void api_list(http_request *req, http_reply *rep)
{
    isms_status st;
    status_clear(&st);
    store_query q;
    if (list_query_from_params(req->reg, req->kind, req->param_keys, req->param_values,
                               req->nparams, req->arena, &q, &st) != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return;
    store_page page;
    isms_err e = store_list(c, &q, req->arena, &page, &st);
    store_return(c);
    if (e != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    strbuf *b = reply_json_body(rep, 200);
    api_page_write(b, &page);
    strbuf_putc(b, '}');
}

void api_get(http_request *req, http_reply *rep)
{
    int64_t id;
    if (!record_id(req, rep, &id))
        return;
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return;
    isms_status st;
    status_clear(&st);
    isms_record *r;
    store_referrers refs;
    isms_err e = store_get(c, req->kind, id, req->arena, &r, &st);
    if (e == ISMS_OK)
        e = store_referrers_of(c, req->kind, id, false, REFERRERS_SHOWN, req->arena, &refs, &st);
    store_return(c);
    if (e != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    json_t *j = record_to_json(r);
    json_object_set_new(j, "referred_to_by", referrers_json(&refs));
    reply_header_set(rep, "ETag", "\"%lld\"", (long long)r->version);
    reply_json(rep, 200, j);
}

/* The version the client read: body "version" first, else If-Match ("3" or 3). */
static bool read_version(http_request *req, http_reply *rep, int64_t body_version,
                         int64_t *out)
{
    *out = body_version;
    if (*out)
        return true;
    if (req->if_match) {
        const char *v = req->if_match;
        size_t len = strlen(v);
        char buf[32];
        if (len >= 2 && v[0] == '"' && v[len - 1] == '"' && len - 2 < sizeof(buf)) {
            memcpy(buf, v + 1, len - 2);
            buf[len - 2] = '\0';
            v = buf;
        }
        if (parse_int64(v, out) && *out > 0)
            return true;
        reply_problem_status(rep, 400, "invalid", "Invalid input",
                             "If-Match must hold the version read, such as \"3\"");
        return false;
    }
    reply_problem_status(rep, 428, "version_required", "Precondition required",
                         "say which version you read: \"version\" in the body or If-Match");
    return false;
}


/* Run fn in a write transaction with the request's write context; problem on failure. */
static bool in_transaction(http_request *req, http_reply *rep, store_write_fn fn, void *arg)
{
    isms_status st;
    status_clear(&st);
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "api");
    if (store_write_again(req->store, &ctx, fn, arg, &st) == ISMS_OK)
        return true;
    reply_problem(rep, &st);
    if (st.code == ISMS_EBUSY)
        reply_header_set(rep, "Retry-After", "1");
    return false;
}

typedef struct write_args {
    http_request *req;
    int64_t id, version;
    record_change changes[CHANGES_MAX];
    size_t nchanges;
    const char *reason;
    isms_record *result;
} write_args;

static isms_err do_create(store_txn *t, void *arg, isms_status *st)
{
    write_args *w = arg;
    isms_record *rec = record_new(w->req->arena, w->req->kind);
    for (size_t i = 0; i < w->nchanges; i++)
        rec->values[kind_field_index(w->req->kind, w->changes[i].field)] = w->changes[i].value;
    isms_err e = records_create(t, rec, w->req->arena, st);
    w->result = rec;
    return e;
}

static isms_err do_update(store_txn *t, void *arg, isms_status *st)
{
    write_args *w = arg;
    return records_update(t, w->req->kind, w->id, w->version, w->changes, w->nchanges,
                          w->req->arena, &w->result, st);
}

static isms_err do_retire(store_txn *t, void *arg, isms_status *st)
{
    write_args *w = arg;
    return records_retire(t, w->req->kind, w->id, w->version, w->reason, st);
}

static isms_err do_delete(store_txn *t, void *arg, isms_status *st)
{
    write_args *w = arg;
    return records_delete(t, w->req->kind, w->id, w->version, st);
}

/* Parse the body and decode it into changes; problem on failure. */
static bool decode_body(http_request *req, http_reply *rep, unsigned flags, write_args *w)
{
    isms_status st;
    status_clear(&st);
    json_t *body = json_parse_body(req->body, req->body_len, &st);
    if (!body) {
        reply_problem(rep, &st);
        return false;
    }
    isms_err e = record_changes_from_json(req->reg, req->kind, body, flags, req->arena,
                                          w->changes, CHANGES_MAX, &w->nchanges, &w->version,
                                          &st);
    json_decref(body);
    if (e != ISMS_OK)
        reply_problem(rep, &st);
    return e == ISMS_OK;
}

void api_create(http_request *req, http_reply *rep)
{
    write_args *w = arena_alloc(req->arena, sizeof(*w));
    w->req = req;
    if (!decode_body(req, rep, 0, w) || !in_transaction(req, rep, do_create, w))
        return;
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, req->kind, w->result->id);
    reply_header_set(rep, "Location", "/api/v1/%s/%s", req->kind->plural, hid);
    reply_record(rep, 201, w->result);
}

void api_update(http_request *req, http_reply *rep)
{
    write_args *w = arena_alloc(req->arena, sizeof(*w));
    w->req = req;
    if (!record_id(req, rep, &w->id) || !decode_body(req, rep, RECORD_DECODE_VERSION, w) ||
        !read_version(req, rep, w->version, &w->version) ||
        !in_transaction(req, rep, do_update, w))
        return;
    reply_record(rep, 200, w->result);
}

/* The retire body: {"reason": "...", "version": N}; nothing else. */
static bool decode_retire(http_request *req, http_reply *rep, write_args *w)
{
    isms_status st;
    status_clear(&st);
    json_t *body = json_parse_body(req->body, req->body_len, &st);
    if (!body) {
        reply_problem(rep, &st);
        return false;
    }
    const char *key;
    json_t *val;
    json_object_foreach(body, key, val) {
        if (strcmp(key, "reason") == 0) {
            if (json_is_string(val))
                w->reason = arena_strdup(req->arena, json_string_value(val));
            else
                status_field(&st, "reason", "must be a string");
        } else if (strcmp(key, "version") == 0) {
            if (json_is_integer(val) && json_integer_value(val) > 0)
                w->version = json_integer_value(val);
            else
                status_field(&st, "version", "must be a positive whole number");
        } else {
            /* Quote the key as text: a control character (\x01) would break json_dump_exact. */
            char name[ISMS_FIELD_NAME_MAX];
            status_field(&st, message_text_copy(name, sizeof(name), key),
                         "is not a member of a retirement (reason, version)");
        }
    }
    json_decref(body);
    if (st.code != ISMS_OK)
        reply_problem(rep, &st);
    return st.code == ISMS_OK;
}

void api_retire(http_request *req, http_reply *rep)
{
    write_args *w = arena_alloc(req->arena, sizeof(*w));
    w->req = req;
    if (!record_id(req, rep, &w->id) || !decode_retire(req, rep, w) ||
        !read_version(req, rep, w->version, &w->version) ||
        !in_transaction(req, rep, do_retire, w))
        return;
    api_get(req, rep);
}

void api_delete(http_request *req, http_reply *rep)
{
    if (!(req->kind->flags & KF_DELETABLE)) {
        reply_problem_status(rep, 405, "method_not_allowed", "Method not allowed",
                             "records of this kind are retired, never deleted");
        reply_header_set(rep, "Allow", "GET, PATCH");
        return;
    }
    write_args *w = arena_alloc(req->arena, sizeof(*w));
    w->req = req;
    if (!record_id(req, rep, &w->id) || !read_version(req, rep, 0, &w->version) ||
        !in_transaction(req, rep, do_delete, w))
        return;
    rep->status = 204;
    rep->content_type = NULL;
}
