#include "core/log_verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/record_json.h"

enum { CONTENT_MAX = 16u << 20 };

static void problem(log_verify_result *r, const char *name, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(log_verify_result *r, const char *name, int64_t seq, const char *fmt, ...)
{
    r->ok = false;
    r->problem = name;
    r->bad_seq = seq;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
    va_end(ap);
}

/* --- 1. the chain ------------------------------------------------------------ */

typedef struct chain_walk {
    changelog_verifier v;
    log_verify_result *out;
} chain_walk;

static bool chain_entry(const changelog_entry *e, void *arg)
{
    chain_walk *w = arg;
    if (!changelog_verify_next(&w->v, e))
        return false;
    w->out->redacted += e->content == NULL;
    return true;
}

static isms_err check_chain(store_conn *c, log_verify_result *out, isms_status *st)
{
    chain_walk w = {.out = out};
    changelog_verify_init(&w.v);
    store_log_filter all = {0};
    isms_err e = store_log_each(c, &all, chain_entry, &w, st);
    if (e == ISMS_OK)
        changelog_verify_finish(&w.v);
    out->entries = w.v.count;
    out->last_seq = w.v.last_seq;
    memcpy(out->last_hash, w.v.last_hash, CHANGELOG_HEX);
    if (e == ISMS_OK && w.v.problem != CHANGELOG_OK)
        problem(out, changelog_problem_name(w.v.problem), w.v.bad_seq,
                "chain broken at entry %lld: %s", (long long)w.v.bad_seq,
                changelog_problem_text(w.v.problem));
    changelog_verify_dispose(&w.v);
    return e;
}

/* --- 2. and 3. what was recorded of the chain ---------------------------------- */

/* Does the chain still have `hash` at entry seq? Names the problem when not. */
static isms_err check_recorded(store_conn *c, int64_t seq, const char *hash, const char *what,
                               log_verify_result *out, isms_status *st)
{
    if (seq > out->last_seq) {
        problem(out, "truncated", seq,
                "%s names entry %lld, but the chain ends at entry %lld: entries were removed "
                "from its end",
                what, (long long)seq, (long long)out->last_seq);
        return ISMS_OK;
    }
    arena a;
    arena_init(&a);
    changelog_entry en;
    isms_err e = store_log_get(c, seq, &a, &en, st);
    if (e == ISMS_OK && strcmp(en.hash, hash) != 0)
        problem(out, "rewritten", seq,
                "%s names entry %lld with hash %.64s, but the chain has %.64s there: the "
                "chain was rewritten",
                what, (long long)seq, hash, en.hash);
    arena_dispose(&a);
    return e;
}

typedef struct checkpoint_walk {
    store_conn *c;
    const log_verify_options *o;
    log_verify_result *out;
    isms_status *st;
    isms_err err;
} checkpoint_walk;

/* Does one of the keys given (the one with the checkpoint's key id) verify cp? */
static bool signed_by_a_key(const log_verify_options *o, const changelog_checkpoint *cp)
{
    for (size_t i = 0; i < o->npublic_keys; i++) {
        const unsigned char *pk = o->public_keys + i * CHANGELOG_PUBLIC_KEY;
        char id[CHANGELOG_KEY_ID];
        changelog_key_id(pk, id);
        if (strcmp(id, cp->key_id) == 0)
            return changelog_checkpoint_valid(pk, cp);
    }
    return false;
}

static bool checkpoint_one(const changelog_checkpoint *cp, void *arg)
{
    checkpoint_walk *w = arg;
    char what[160];
    snprintf(what, sizeof(what), "the checkpoint signed at %.40s", cp->at);
    if (w->o->npublic_keys && !signed_by_a_key(w->o, cp)) {
        problem(w->out, "checkpoint_invalid", cp->seq,
                "%s for entry %lld does not verify with this public key: it was forged or "
                "altered, or signed with a key not given",
                what, (long long)cp->seq);
        return false;
    }
    w->out->checkpoints++;
    w->err = check_recorded(w->c, cp->seq, cp->hash, what, w->out, w->st);
    return w->err == ISMS_OK && w->out->ok;
}

/* --- 4. the records ----------------------------------------------------------- */

/* The records of one kind in id order, a page at a time, beside the log's view of them. */
typedef struct record_walk {
    store_conn *c;
    const isms_kind *k;
    log_verify_result *out;
    isms_status *st;
    isms_err err;
    arena page_arena;
    store_page page;
    size_t next; /* index in page of the current record */
    bool loaded, last_page;
    char cursor[STORE_CURSOR_MAX + 1];
    strbuf json;
} record_walk;

/* The current record, loading the next page when needed; NULL after the last. */
static isms_record *current(record_walk *w)
{
    while (w->err == ISMS_OK && (!w->loaded || w->next == w->page.n)) {
        if (w->loaded && w->last_page)
            return NULL;
        arena_dispose(&w->page_arena);
        arena_init(&w->page_arena);
        store_query q = {.kind = w->k,
                         .limit = STORE_PAGE_MAX,
                         .retired = STORE_WITH_RETIRED,
                         .cursor = w->cursor[0] ? w->cursor : NULL};
        w->err = store_list(w->c, &q, &w->page_arena, &w->page, w->st);
        if (w->err != ISMS_OK)
            return NULL;
        w->loaded = true;
        w->next = 0;
        w->last_page = !w->page.next_cursor;
        if (w->page.next_cursor)
            snprintf(w->cursor, sizeof(w->cursor), "%s", w->page.next_cursor);
    }
    return w->err == ISMS_OK ? w->page.items[w->next] : NULL;
}

static bool unlogged(record_walk *w, const isms_record *r)
{
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, w->k, r->id);
    problem(w->out, "record_unlogged", 0,
            "record %s has no entry in the change log: it was written around isms", hid);
    return false;
}

static bool compare(record_walk *w, const isms_record *r, const changelog_entry *latest)
{
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, w->k, r->id);
    w->out->records++;
    if (strcmp(latest->action, CHANGELOG_DELETE) == 0) {
        problem(w->out, "record_not_deleted", latest->seq,
                "record %s is in the database, but entry %lld deleted it", hid,
                (long long)latest->seq);
        return false;
    }
    if (!latest->content)
        return true; /* redacted: nothing left to compare with */
    strbuf_reset(&w->json);
    record_json_write(&w->json, r);
    if (strbuf_ok(&w->json) && strcmp(w->json.ptr, latest->content) == 0)
        return true;
    problem(w->out, "record_changed", latest->seq,
            "record %s differs from its last change log entry %lld: it was changed around "
            "isms",
            hid, (long long)latest->seq);
    return false;
}

/* The log's newest entry of one record: match it with the record table. */
static bool record_entry(const changelog_entry *latest, void *arg)
{
    record_walk *w = arg;
    isms_record *r = current(w);
    if (r && r->id < latest->record_id)
        return unlogged(w, r);
    if (w->err != ISMS_OK)
        return false;
    if (r && r->id == latest->record_id) {
        w->next++;
        return compare(w, r, latest);
    }
    if (strcmp(latest->action, CHANGELOG_DELETE) == 0)
        return true;
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, w->k, latest->record_id);
    problem(w->out, "record_missing", latest->seq,
            "record %s is missing from the database, though no entry deleted it (the last is "
            "entry %lld): it was removed around isms",
            hid, (long long)latest->seq);
    return false;
}

static isms_err check_records(store_conn *c, const isms_registry *reg, log_verify_result *out,
                              isms_status *st)
{
    isms_err e = ISMS_OK;
    for (size_t i = 0; e == ISMS_OK && out->ok && i < reg->nkinds; i++) {
        record_walk w = {.c = c, .k = reg->kinds[i], .out = out, .st = st};
        arena_init(&w.page_arena);
        strbuf_init(&w.json, CONTENT_MAX);
        e = store_log_records(c, w.k, record_entry, &w, st);
        if (e == ISMS_OK)
            e = w.err;
        isms_record *r;
        if (e == ISMS_OK && out->ok && (r = current(&w)))
            unlogged(&w, r);
        if (e == ISMS_OK)
            e = w.err;
        strbuf_dispose(&w.json);
        arena_dispose(&w.page_arena);
    }
    return e;
}

isms_err log_verify(store_conn *c, const isms_registry *reg, const log_verify_options *o,
                    log_verify_result *out, isms_status *st)
{
    memset(out, 0, sizeof(*out));
    out->ok = true;
    out->signatures_checked = o->npublic_keys > 0;
    isms_err e = store_read_begin(c, st);
    if (e != ISMS_OK)
        return e;
    e = check_chain(c, out, st);
    if (e == ISMS_OK && out->ok && o->expect_seq > 0 && o->expect_hash)
        e = check_recorded(c, o->expect_seq, o->expect_hash, "the hash given", out, st);
    if (e == ISMS_OK && out->ok) {
        checkpoint_walk w = {.c = c, .o = o, .out = out, .st = st};
        e = store_checkpoint_each(c, checkpoint_one, &w, st);
        if (e == ISMS_OK)
            e = w.err;
    }
    if (e == ISMS_OK && out->ok && !o->skip_records)
        e = check_records(c, reg, out, st);
    store_read_end(c);
    return e;
}

isms_err log_checkpoint(store_txn *t, const changelog_keypair *kp, arena *a,
                        changelog_checkpoint *out, isms_status *st)
{
    int64_t seq;
    char hash[CHANGELOG_HEX], key_id[CHANGELOG_KEY_ID], sig[CHANGELOG_SIGNATURE_HEX];
    isms_err e = store_log_last(store_txn_conn(t), &seq, hash, st);
    if (e != ISMS_OK)
        return e;
    if (seq == 0)
        return status_fail(st, ISMS_ECONFLICT,
                           "the change log is empty: there is nothing to "
                           "sign yet");
    const char *at = store_txn_ctx(t)->now;
    changelog_sign(kp, seq, hash, at, sig);
    changelog_key_id(kp->pk, key_id);
    *out = (changelog_checkpoint){.seq = seq,
                                  .hash = arena_strdup(a, hash),
                                  .at = arena_strdup(a, at),
                                  .key_id = arena_strdup(a, key_id),
                                  .signature = arena_strdup(a, sig)};
    return store_checkpoint_add(t, out, st);
}

json_t *log_verify_to_json(const log_verify_result *r)
{
    json_t *j = json_pack("{s:b,s:I,s:I,s:I,s:s,s:I,s:b,s:I}", "ok", r->ok, "entries",
                          (json_int_t)r->entries, "redacted", (json_int_t)r->redacted, "last_seq",
                          (json_int_t)r->last_seq, "last_hash", r->last_hash, "checkpoints",
                          (json_int_t)r->checkpoints, "signatures_checked", r->signatures_checked,
                          "records", (json_int_t)r->records);
    if (!r->ok) {
        json_object_set_new(j, "problem", json_string(r->problem));
        json_object_set_new(j, "bad_seq", r->bad_seq ? json_integer(r->bad_seq) : json_null());
        json_t *detail = json_string(r->detail);
        json_object_set_new(j, "detail", detail ? detail : json_string(r->problem));
    }
    return j;
}
