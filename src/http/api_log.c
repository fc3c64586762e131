/*
 * The change log over HTTP (docs/API.md, "The change log"): its entries in
 * order a page at a time (GET /api/v1/log), its verification (GET
 * /api/v1/log/verify) and the redaction of an entry's content (POST
 * /api/v1/log/{seq}/redact).
 */
#include <string.h>

#include "core/history.h"
#include "core/log_verify.h"
#include "core/record_decode.h"
#include "core/records.h"
#include "core/value.h"
#include "http/api.h"

/* The first time a parameter is seen; given twice, it is named. */
static bool once(const char *name, bool *seen, isms_status *st)
{
    bool first = !*seen;
    if (!first)
        status_field(st, name, "is given twice");
    *seen = true;
    return first;
}

/* id: "ISS-3" (of kind k when one is given, then "3" too). */
static void id_param(const http_request *req, const char *v, const isms_kind **k,
                     store_log_filter *f, isms_status *st)
{
    const isms_kind *idk = NULL;
    int64_t n;
    if (*k && human_id_parse(*k, v, &n))
        idk = *k;
    else if (!human_id_parse_any(req->reg, v, &idk, &n) || (*k && idk != *k)) {
        status_field(st, "id", "is not the id of a record%s%s", *k ? " of kind " : "",
                     *k ? (*k)->name : " (such as ISS-3)");
        return;
    }
    *k = idk;
    f->record_id = n;
}

isms_err log_query(const http_request *req, bool page, store_log_filter *f, int64_t *limit,
                   isms_status *st)
{
    memset(f, 0, sizeof(*f));
    *limit = LOG_PAGE_DEFAULT;
    const isms_kind *k = NULL;
    const char *id = NULL;
    bool seen[4] = {false};
    for (size_t i = 0; i < req->nparams; i++) {
        const char *key = req->param_keys[i], *v = req->param_values[i] ? req->param_values[i] : "";
        if (page && !v[0])
            continue; /* a form sends every control */
        if (strcmp(key, "kind") == 0) {
            if (once(key, &seen[0], st) && !(k = registry_kind(req->reg, v)))
                status_field(st, "kind", "is not a kind of record (see isms kinds)");
        } else if (strcmp(key, "id") == 0) {
            if (once(key, &seen[1], st))
                id = v;
        } else if (strcmp(key, "after") == 0) {
            if (once(key, &seen[2], st) && (!parse_int64(v, &f->after) || f->after < 0))
                status_field(st, "after", "must be an entry number such as 120");
        } else if (strcmp(key, "limit") == 0) {
            if (once(key, &seen[3], st) &&
                (!parse_int64(v, limit) || *limit < 1 || *limit > LOG_PAGE_MAX))
                status_field(st, "limit", "must be a number from 1 to %d", LOG_PAGE_MAX);
        } else if (!page) {
            char name[ISMS_FIELD_NAME_MAX];
            status_field(st, message_text_copy(name, sizeof(name), key),
                         "is not a parameter of the change log (kind, id, after, limit)");
        }
    }
    if (id && st->code == ISMS_OK)
        id_param(req, id, &k, f, st);
    f->kind = k ? k->name : NULL;
    return st->code;
}

typedef struct list_walk {
    const isms_registry *reg;
    json_t *items;
    int64_t limit, shown, last_seq;
    bool more;
} list_walk;

static bool list_entry(const changelog_entry *e, void *arg)
{
    list_walk *w = arg;
    if (w->shown == w->limit) {
        w->more = true;
        return false;
    }
    w->shown++;
    w->last_seq = e->seq;
    json_array_append_new(w->items, changelog_entry_to_json(w->reg, e));
    return true;
}

void api_log_list(http_request *req, http_reply *rep)
{
    isms_status st;
    status_clear(&st);
    store_log_filter f;
    int64_t limit;
    if (log_query(req, false, &f, &limit, &st) != ISMS_OK) {
        reply_problem(rep, &st);
        return;
    }
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return;
    list_walk w = {.reg = req->reg, .items = json_array(), .limit = limit};
    f.limit = limit + 1;
    isms_err e = store_log_each(c, &f, list_entry, &w, &st);
    store_return(c);
    if (e != ISMS_OK) {
        json_decref(w.items);
        reply_problem(rep, &st);
        return;
    }
    reply_json(rep, 200,
               json_pack("{s:o,s:o}", "items", w.items, "next_after",
                         w.more ? json_integer(w.last_seq) : json_null()));
}

void api_log_verify(http_request *req, http_reply *rep)
{
    isms_status st;
    status_clear(&st);
    if (req->nparams) {
        char name[ISMS_FIELD_NAME_MAX];
        status_field(&st, message_text_copy(name, sizeof(name), req->param_keys[0]),
                     "is not a parameter of the verification (it takes none)");
        reply_problem(rep, &st);
        return;
    }
    store_conn *c = api_borrow(req, rep);
    if (!c)
        return;
    log_verify_options o = {0};
    log_verify_result r;
    isms_err e = log_verify(c, req->reg, &o, &r, &st);
    store_return(c);
    if (e != ISMS_OK)
        reply_problem(rep, &st);
    else
        reply_json(rep, 200, log_verify_to_json(&r));
}

typedef struct redact_args {
    int64_t seq, redaction;
    const char *reason;
} redact_args;

static isms_err do_redact(store_txn *t, void *arg, isms_status *st)
{
    redact_args *r = arg;
    return records_redact_entry(t, r->seq, r->reason, &r->redaction, st);
}

/* The body: {"reason": "..."}; nothing else. */
static bool decode_redaction(http_request *req, redact_args *r, isms_status *st)
{
    json_t *body = json_parse_body(req->body, req->body_len, st);
    if (!body)
        return false;
    const char *key;
    json_t *val;
    json_object_foreach(body, key, val)
    {
        if (strcmp(key, "reason") != 0) {
            char name[ISMS_FIELD_NAME_MAX];
            status_field(st, message_text_copy(name, sizeof(name), key),
                         "is not a member of a redaction (reason)");
        } else if (json_is_string(val) && strlen(json_string_value(val)) == json_string_length(val))
            r->reason = arena_strdup(req->arena, json_string_value(val));
        else
            status_field(st, "reason", "must be a string");
    }
    json_decref(body);
    return st->code == ISMS_OK;
}

void api_log_redact(http_request *req, http_reply *rep)
{
    isms_status st;
    status_clear(&st);
    redact_args r = {0};
    if (!parse_int64(req->capture, &r.seq) || r.seq < 1) {
        status_field(&st, "seq", "must be the number of an entry, such as 57");
        reply_problem(rep, &st);
        return;
    }
    if (!decode_redaction(req, &r, &st)) {
        reply_problem(rep, &st);
        return;
    }
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &req->principal, "api");
    if (store_write(req->store, &ctx, do_redact, &r, &st) != ISMS_OK) {
        reply_problem(rep, &st);
        if (st.code == ISMS_EBUSY)
            reply_header_set(rep, "Retry-After", "1");
        return;
    }
    reply_json(rep, 200,
               json_pack("{s:I,s:I}", "redacted", (json_int_t)r.seq, "redaction",
                         (json_int_t)r.redaction));
}
