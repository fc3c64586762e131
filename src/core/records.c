#include "core/records.h"

#include <stdio.h>
#include <string.h>

#include "core/roles.h"
#include "core/validate.h"
#include "core/value.h"

enum { REFERRERS_SHOWN = ISMS_STATUS_MAX_REFERRERS };

void records_fill_defaults(isms_record *rec, arena *a)
{
    const isms_kind *k = rec->kind;
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        char reason[ISMS_REASON_MAX];
        if (!rec->values[i].set && f->default_text)
            value_parse(NULL, f, f->default_text, a, &rec->values[i], reason, sizeof(reason));
    }
}

static void reject_derived_input(const isms_field *f, const isms_value *v, isms_status *st)
{
    if ((f->flags & FF_DERIVED) && v->set)
        status_field(st, f->name, "is computed by isms and cannot be set");
}

static isms_err check_target(store_conn *c, const isms_field *f, const isms_kind *k, int64_t id,
                             isms_status *st)
{
    store_presence p;
    isms_err e = store_presence_of(c, k, id, &p, st);
    if (e != ISMS_OK)
        return e;
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, id);
    if (p == STORE_ABSENT)
        status_field(st, f->name, "%s does not exist", hid);
    else if (p == STORE_RETIRED)
        status_field(st, f->name, "%s is retired", hid);
    return ISMS_OK;
}

/* Every reference in rec that differs from old must name a record in force. */
static isms_err check_references(store_conn *c, const isms_record *old, const isms_record *rec,
                                 isms_status *st)
{
    const isms_kind *k = rec->kind;
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        const isms_value *v = &rec->values[i];
        if (!v->set || (old && value_equal(f, &old->values[i], v)))
            continue;
        isms_err e = ISMS_OK;
        if (f->type == FT_REF)
            e = check_target(c, f, f->target, v->i, st);
        else if (f->type == FT_ANYREF)
            e = check_target(c, f, v->kind, v->i, st);
        else if (f->type == FT_REFLIST)
            for (size_t j = 0; e == ISMS_OK && j < v->n; j++)
                e = check_target(c, f, f->target, v->ids[j], st);
        if (e != ISMS_OK && e != ISMS_EINVALID)
            return e;
    }
    return ISMS_OK;
}

/*
 * Log (k, id) as it is stored now, after a change: the entry joins the
 * change's transaction, so a change without its entry is never committed.
 */
static isms_err log_stored(store_txn *t, const char *action, const isms_kind *k, int64_t id,
                           isms_status *st)
{
    arena a;
    arena_init(&a);
    isms_record *now;
    isms_err e = store_get(store_txn_conn(t), k, id, &a, &now, st);
    if (e == ISMS_OK)
        e = store_log_record(t, action, now, st);
    arena_dispose(&a);
    return e;
}

/* Tell the kind's track hook (registry.h) how a row changed. */
static isms_err track(store_txn *t, const isms_kind *k, const isms_record *before,
                      const isms_record *after, isms_status *st)
{
    return k->track ? k->track(t, before, after, st) : ISMS_OK;
}

/* The record cur as retire leaves it: only whether it is in force matters to track. */
static isms_err track_retire(store_txn *t, const isms_record *cur, arena *a, isms_status *st)
{
    if (!cur->kind->track)
        return ISMS_OK;
    isms_record *gone = record_clone(a, cur);
    gone->retired_at = "retired";
    return track(t, cur->kind, cur, gone, st);
}

/* A new record of a singleton kind retires the ones it supersedes, in the same transaction. */
static isms_err supersede(store_txn *t, const isms_record *rec, arena *a, isms_status *st)
{
    store_query q = {.kind = rec->kind, .limit = STORE_PAGE_MAX};
    store_page page;
    isms_err e = store_list(store_txn_conn(t), &q, a, &page, st);
    char reason[64];
    snprintf(reason, sizeof(reason), "superseded by %s-%lld", rec->kind->prefix,
             (long long)rec->id);
    for (size_t i = 0; e == ISMS_OK && i < page.n; i++)
        if (page.items[i]->id != rec->id) {
            e = store_retire(t, rec->kind, page.items[i]->id, page.items[i]->version, reason, st);
            if (e == ISMS_OK)
                e = track_retire(t, page.items[i], a, st);
            if (e == ISMS_OK)
                e = log_stored(t, CHANGELOG_RETIRE, rec->kind, page.items[i]->id, st);
        }
    return e;
}

/* Whether the transaction's principal may change rec (core/roles.h decides). */
static isms_err check_may_change(store_txn *t, const isms_kind *k, const isms_record *rec,
                                 isms_status *st)
{
    const isms_principal *p = store_txn_ctx(t)->principal;
    char why[ISMS_REASON_MAX * 2];
    if (!p)
        return ISMS_OK;
    if (!roles_permit(p, PERM_WRITE))
        return status_fail(st, ISMS_EFORBIDDEN, "changing records needs %s",
                           permission_holders(PERM_WRITE));
    if (!roles_may_write_kind(p, k, why, sizeof(why)))
        return status_fail(st, ISMS_EFORBIDDEN, "%s", why);
    if (rec && !roles_may_change(p, rec, why, sizeof(why)))
        return status_fail(st, ISMS_EFORBIDDEN, "%s", why);
    return ISMS_OK;
}

/* The store points bookkeeping at the write context; the record outlives it. */
static void own_bookkeeping(isms_record *rec, arena *a)
{
    rec->created_at = arena_strdup(a, rec->created_at);
    rec->created_by = arena_strdup(a, rec->created_by);
    rec->updated_at = arena_strdup(a, rec->updated_at);
    rec->updated_by = arena_strdup(a, rec->updated_by);
}

/* The kind's rules that read the database; its field errors join the others. */
static isms_err prepare(store_txn *t, const isms_record *old, isms_record *rec, arena *a,
                        isms_status *st)
{
    if (!rec->kind->prepare)
        return ISMS_OK;
    return rec->kind->prepare(t, old, rec, a, st);
}

isms_err records_create(store_txn *t, isms_record *rec, arena *a, isms_status *st)
{
    const isms_kind *k = rec->kind;
    /* A signature's kind decides who may sign (the risk owner, top management), not the role. */
    bool signing = (k->flags & KF_SIGNED) && store_txn_ctx(t)->signed_act;
    if (!signing && check_may_change(t, k, NULL, st) != ISMS_OK)
        return st->code;
    for (size_t i = 0; i < k->nfields; i++)
        reject_derived_input(&k->fields[i], &rec->values[i], st);
    if (st->code != ISMS_OK)
        return st->code;
    records_fill_defaults(rec, a);
    if (k->derive)
        k->derive(rec);
    isms_err e = prepare(t, NULL, rec, a, st);
    if (e != ISMS_OK && e != ISMS_EINVALID)
        return e;
    bool valid = record_validate(NULL, rec, st);
    e = check_references(store_txn_conn(t), NULL, rec, st);
    if (e != ISMS_OK && e != ISMS_EINVALID)
        return e;
    if (!valid || st->code != ISMS_OK)
        return st->code ? st->code : ISMS_EINVALID;
    e = store_insert(t, rec, st);
    if (e == ISMS_OK)
        own_bookkeeping(rec, a);
    if (e == ISMS_OK)
        e = track(t, k, NULL, rec, st);
    if (e == ISMS_OK)
        e = store_log_record(t, CHANGELOG_CREATE, rec, st);
    if (e == ISMS_OK && (k->flags & KF_SINGLETON))
        e = supersede(t, rec, a, st);
    if (e == ISMS_OK && k->after_write)
        e = k->after_write(t, NULL, rec, a, st);
    return e;
}

typedef struct create_one {
    isms_record *rec;
    arena *a;
} create_one;

static isms_err write_one(store_txn *t, void *arg, isms_status *st)
{
    create_one *w = arg;
    return records_create(t, w->rec, w->a, st);
}

isms_err records_create_one(store *s, const isms_write_ctx *ctx, isms_record *rec, arena *a,
                            isms_status *st)
{
    create_one w = {rec, a};
    return store_write_again(s, ctx, write_one, &w, st);
}

static isms_err load_current_as(store_txn *t, const isms_kind *k, int64_t id,
                                int64_t if_version, bool check_principal, arena *a,
                                isms_record **out, isms_status *st);

static isms_err load_current(store_txn *t, const isms_kind *k, int64_t id, int64_t if_version,
                             arena *a, isms_record **out, isms_status *st)
{
    return load_current_as(t, k, id, if_version, true, a, out, st);
}

static isms_err load_current_as(store_txn *t, const isms_kind *k, int64_t id,
                                int64_t if_version, bool check_principal, arena *a,
                                isms_record **out, isms_status *st)
{
    isms_err e = store_get(store_txn_conn(t), k, id, a, out, st);
    if (e == ISMS_OK && check_principal)
        e = check_may_change(t, k, *out, st);
    if (e != ISMS_OK)
        return e;
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, id);
    if ((*out)->retired_at)
        return status_fail(st, ISMS_ECONFLICT, "%s is retired and can no longer change", hid);
    if (if_version && if_version != (*out)->version) {
        st->current_version = (*out)->version;
        return status_fail(st, ISMS_ECONFLICT, "%s was changed by someone else: it is at "
                           "version %lld, not %lld; read it again and reapply your change",
                           hid, (long long)(*out)->version, (long long)if_version);
    }
    return ISMS_OK;
}

static isms_err apply_update(store_txn *t, const isms_kind *k, int64_t id, int64_t if_version,
                             const record_change *changes, size_t nchanges, bool by_isms,
                             arena *a, isms_record **out, isms_status *st)
{
    isms_record *old;
    /* What isms changes in consequence was permitted with the change that caused it. */
    isms_err e = load_current_as(t, k, id, if_version, !by_isms, a, &old, st);
    if (e != ISMS_OK)
        return e;
    if (k->flags & KF_IMMUTABLE)
        return status_fail(st, ISMS_ECONFLICT, "%s records cannot be changed once recorded; "
                           "record a new one instead", k->label);
    isms_record *rec = record_clone(a, old);
    for (size_t i = 0; i < nchanges; i++) {
        if (!by_isms)
            reject_derived_input(changes[i].field, &changes[i].value, st);
        rec->values[kind_field_index(k, changes[i].field)] = changes[i].value;
    }
    if (st->code != ISMS_OK)
        return st->code;
    if (k->derive)
        k->derive(rec);
    e = prepare(t, old, rec, a, st);
    if (e != ISMS_OK && e != ISMS_EINVALID)
        return e;
    bool valid = record_validate(old, rec, st);
    e = check_references(store_txn_conn(t), old, rec, st);
    if (e != ISMS_OK && e != ISMS_EINVALID)
        return e;
    if (!valid || st->code != ISMS_OK)
        return st->code ? st->code : ISMS_EINVALID;
    e = store_update(t, rec, old->version, st);
    if (e == ISMS_OK)
        e = track(t, k, old, rec, st);
    if (e == ISMS_OK) {
        own_bookkeeping(rec, a);
        e = store_log_record(t, CHANGELOG_UPDATE, rec, st);
    }
    if (e == ISMS_OK && k->after_write)
        e = k->after_write(t, old, rec, a, st);
    if (e == ISMS_OK)
        *out = rec;
    return e;
}

isms_err records_update(store_txn *t, const isms_kind *k, int64_t id, int64_t if_version,
                        const record_change *changes, size_t nchanges, arena *a,
                        isms_record **out, isms_status *st)
{
    return apply_update(t, k, id, if_version, changes, nchanges, false, a, out, st);
}

isms_err records_update_by_isms(store_txn *t, const isms_kind *k, int64_t id,
                                const record_change *changes, size_t nchanges, arena *a,
                                isms_record **out, isms_status *st)
{
    return apply_update(t, k, id, 0, changes, nchanges, true, a, out, st);
}

/* Fill st with the records in the way and answer ISMS_EREFERENCED. */
static isms_err refuse_referenced(store_txn *t, const isms_record *rec, bool active_only,
                                  const char *verb, arena *a, isms_status *st)
{
    store_referrers refs;
    isms_err e = store_referrers_of(store_txn_conn(t), rec->kind, rec->id, active_only,
                                    REFERRERS_SHOWN, a, &refs, st);
    if (e != ISMS_OK || refs.n == 0)
        return e;
    char hid[ISMS_HUMAN_ID_MAX], list[400] = "";
    size_t used = 0;
    for (size_t i = 0; i < refs.n; i++) {
        char rid[ISMS_HUMAN_ID_MAX];
        human_id_format(rid, refs.items[i].kind, refs.items[i].id);
        status_add_referrer(st, rid);
        int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", rid);
        if (w > 0 && (size_t)w < sizeof(list) - used)
            used += (size_t)w;
    }
    st->more_referrers = refs.more;
    human_id_format(hid, rec->kind, rec->id);
    return status_fail(st, ISMS_EREFERENCED, "%s cannot be %s: %s refer%s to it%s", hid, verb,
                       list, refs.n == 1 && !refs.more ? "s" : "", refs.more ? " (and more)" : "");
}

static bool reason_ok(const char *reason, const char *why, isms_status *st)
{
    size_t chars;
    if (!reason || reason[strspn(reason, " \t\r\n")] == '\0')
        return status_field(st, "reason", "is required: say why %s", why), false;
    if (!utf8_count(reason, strlen(reason), &chars))
        return status_field(st, "reason", "is not valid UTF-8 text"), false;
    if (chars > ISMS_REASON_TEXT_MAX)
        return status_field(st, "reason", "is longer than %d characters",
                            ISMS_REASON_TEXT_MAX), false;
    return true;
}

isms_err records_retire(store_txn *t, const isms_kind *k, int64_t id, int64_t if_version,
                        const char *reason, isms_status *st)
{
    if (!reason_ok(reason, "the record is retired", st))
        return st->code;
    arena a;
    arena_init(&a);
    isms_record *cur;
    isms_err e = load_current(t, k, id, if_version, &a, &cur, st);
    if (e == ISMS_OK && k->retire_check && !k->retire_check(cur, st))
        e = st->code;
    if (e == ISMS_OK)
        e = refuse_referenced(t, cur, true, "retired", &a, st);
    if (e == ISMS_OK)
        e = store_retire(t, k, id, cur->version, reason, st);
    if (e == ISMS_OK)
        e = track_retire(t, cur, &a, st);
    if (e == ISMS_OK)
        e = log_stored(t, CHANGELOG_RETIRE, k, id, st);
    arena_dispose(&a);
    return e;
}

isms_err records_delete(store_txn *t, const isms_kind *k, int64_t id, int64_t if_version,
                        isms_status *st)
{
    if (!(k->flags & KF_DELETABLE))
        return status_fail(st, ISMS_EFORBIDDEN, "%s records are retired, never deleted",
                           k->label);
    arena a;
    arena_init(&a);
    isms_record *cur;
    isms_err e = load_current(t, k, id, if_version, &a, &cur, st);
    if (e == ISMS_OK && !k->delete_check(cur, st))
        e = st->code;
    if (e == ISMS_OK)
        e = refuse_referenced(t, cur, false, "deleted", &a, st);
    if (e == ISMS_OK)
        e = store_delete(t, k, id, cur->version, st);
    if (e == ISMS_OK)
        e = track(t, k, cur, NULL, st);
    if (e == ISMS_OK) /* the record as it was */
        e = store_log_record(t, CHANGELOG_DELETE, cur, st);
    arena_dispose(&a);
    return e;
}

isms_err records_redact_entry(store_txn *t, int64_t seq, const char *reason, int64_t *redaction_seq,
                              isms_status *st)
{
    const isms_principal *p = store_txn_ctx(t)->principal;
    if (p && !roles_permit(p, PERM_ADMIN))
        return status_fail(st, ISMS_EFORBIDDEN, "redacting the change log needs %s",
                           permission_holders(PERM_ADMIN));
    if (!reason_ok(reason, "the entry is redacted", st))
        return st->code;
    return store_log_redact(t, seq, reason, redaction_seq, st);
}
