#include "core/history.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/record_decode.h"
#include "core/record_json.h"
#include "core/value.h"

/* The retirement members, compared and shown like fields. */
static const isms_field retirement_fields[] = {
    {.name = "retired_at",
     .label = "Retired at",
     .help = "When it was retired",
     .type = FT_DATETIME},
    {.name = "retired_by", .label = "Retired by", .help = "Who retired it", .type = FT_TEXT},
    {.name = "retired_reason",
     .label = "Reason for retiring",
     .help = "Why it was retired",
     .type = FT_LONGTEXT},
};
enum { NRETIREMENT = sizeof(retirement_fields) / sizeof(retirement_fields[0]) };

typedef struct collect {
    arena *a;
    changelog_entry *items;
    size_t n, cap;
} collect;

static bool collect_entry(const changelog_entry *e, void *arg)
{
    collect *c = arg;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        changelog_entry *bigger = arena_alloc(c->a, cap * sizeof(*bigger));
        if (c->n)
            memcpy(bigger, c->items, c->n * sizeof(*bigger));
        c->items = bigger;
        c->cap = cap;
    }
    changelog_entry *out = &c->items[c->n++];
    *out = *e;
    out->at = arena_strdup(c->a, e->at);
    out->actor = arena_strdup(c->a, e->actor);
    out->channel = arena_strdup(c->a, e->channel);
    out->kind = arena_strdup(c->a, e->kind);
    out->action = arena_strdup(c->a, e->action);
    out->content = arena_strdup(c->a, e->content);
    out->content_hash = arena_strdup(c->a, e->content_hash);
    out->prev_hash = arena_strdup(c->a, e->prev_hash);
    out->hash = arena_strdup(c->a, e->hash);
    return true;
}

isms_err history_read(store_conn *c, const isms_kind *k, int64_t id, arena *a, history *out,
                      isms_status *st)
{
    memset(out, 0, sizeof(*out));
    collect col = {.a = a};
    store_log_filter f = {
        .kind = k->name, .record_id = id, .limit = HISTORY_MAX + 1, .newest_first = true};
    isms_err e = store_log_each(c, &f, collect_entry, &col, st);
    if (e != ISMS_OK)
        return e;
    if (col.n == 0) {
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, k, id);
        return status_fail(st, ISMS_ENOTFOUND, "the change log has no entry for %s", hid);
    }
    out->truncated = col.n > HISTORY_MAX;
    out->n = out->truncated ? HISTORY_MAX : col.n;
    out->items = col.items;
    for (size_t i = 0; i < out->n / 2; i++) { /* newest first -> oldest first */
        changelog_entry t = out->items[i];
        out->items[i] = out->items[out->n - 1 - i];
        out->items[out->n - 1 - i] = t;
    }
    return ISMS_OK;
}

/* A bookkeeping member: a string (or null where allowed). */
static bool text_member(json_t *o, const char *key, bool nullable, arena *a, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v)
        return nullable;
    if (json_is_null(v))
        return nullable;
    if (!json_is_string(v))
        return false;
    *out = arena_strdup(a, json_string_value(v));
    return true;
}

static bool decode_record(const isms_registry *reg, const isms_kind *k, json_t *o, arena *a,
                          isms_record *r)
{
    json_t *id = json_object_get(o, "id"), *kind = json_object_get(o, "kind"),
           *version = json_object_get(o, "version");
    if (!json_is_string(id) || !human_id_parse(k, json_string_value(id), &r->id) ||
        !json_is_string(kind) || strcmp(json_string_value(kind), k->name) != 0 ||
        !json_is_integer(version))
        return false;
    r->version = (int64_t)json_integer_value(version);
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (f->flags & FF_SECRET)
            continue; /* never written to the log */
        json_t *v = json_object_get(o, f->name);
        char reason[ISMS_REASON_MAX];
        if (!v || !record_value_from_json(reg, f, v, a, &r->values[i], reason, sizeof(reason)))
            return false;
    }
    return text_member(o, "created_at", false, a, &r->created_at) &&
           text_member(o, "created_by", false, a, &r->created_by) &&
           text_member(o, "updated_at", false, a, &r->updated_at) &&
           text_member(o, "updated_by", false, a, &r->updated_by) &&
           text_member(o, "retired_at", true, a, &r->retired_at) &&
           text_member(o, "retired_by", true, a, &r->retired_by) &&
           text_member(o, "retired_reason", true, a, &r->retired_reason);
}

isms_err history_record(const isms_registry *reg, const isms_kind *k, const char *content, arena *a,
                        isms_record **out, isms_status *st)
{
    json_t *o = content ? json_loads(content, JSON_REJECT_DUPLICATES, NULL) : NULL;
    isms_record *r = record_new(a, k);
    bool ok = json_is_object(o) && decode_record(reg, k, o, a, r);
    json_decref(o);
    if (!ok)
        return status_fail(st, ISMS_EINVALID, "a change log entry does not hold a readable %s",
                           k->name);
    *out = r;
    return ISMS_OK;
}

isms_err history_version(store_conn *c, const isms_registry *reg, const isms_kind *k, int64_t id,
                         int64_t version, arena *a, changelog_entry *entry, isms_record **out,
                         isms_status *st)
{
    isms_err e = store_log_version(c, k, id, version, a, entry, st);
    if (e != ISMS_OK)
        return e;
    if (!entry->content) {
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, k, id);
        return status_fail(st, ISMS_ECONFLICT,
                           "version %lld of %s was redacted (entry %lld) "
                           "and can no longer be shown",
                           (long long)version, hid, (long long)entry->seq);
    }
    e = history_record(reg, k, entry->content, a, out, st);
    if (e == ISMS_EINVALID) /* the log holds it, but not readably: a matter for log verify */
        e = status_fail(st, ISMS_ESTORE,
                        "entry %lld of the change log does not hold a "
                        "readable record (run `isms log verify`)",
                        (long long)entry->seq);
    return e;
}

static const char *retirement_value(const isms_record *r, size_t i)
{
    return i == 0 ? r->retired_at : i == 1 ? r->retired_by : r->retired_reason;
}

size_t history_diff(const isms_record *from, const isms_record *to, arena *a, history_change **out)
{
    const isms_kind *k = from->kind;
    history_change *items = arena_alloc(a, (k->nfields + NRETIREMENT) * sizeof(*items));
    size_t n = 0;
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (!(f->flags & FF_SECRET) && !value_equal(f, &from->values[i], &to->values[i]))
            items[n++] = (history_change){f, &from->values[i], &to->values[i]};
    }
    for (size_t i = 0; i < NRETIREMENT; i++) {
        const char *b = retirement_value(from, i), *c = retirement_value(to, i);
        if ((b == NULL) == (c == NULL) && (!b || strcmp(b, c) == 0))
            continue;
        isms_value *before = arena_alloc(a, sizeof(*before) * 2), *after = before + 1;
        *before = (isms_value){.set = b != NULL, .s = b};
        *after = (isms_value){.set = c != NULL, .s = c};
        items[n++] = (history_change){&retirement_fields[i], before, after};
    }
    *out = items;
    return n;
}

bool history_redaction(const char *content, arena *a, int64_t *seq, const char **reason)
{
    json_t *o = content ? json_loads(content, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *s = json_object_get(o, "redacts"), *r = json_object_get(o, "reason");
    bool ok = json_is_integer(s) && json_is_string(r);
    if (ok) {
        *seq = (int64_t)json_integer_value(s);
        *reason = arena_strdup(a, json_string_value(r));
    }
    json_decref(o);
    return ok;
}

static json_t *entry_to_json(const isms_registry *reg, const isms_kind *k, const changelog_entry *e,
                             arena *a)
{
    json_t *o = json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:I}", "seq", (json_int_t)e->seq, "at", e->at,
                          "actor", e->actor, "channel", e->channel, "action", e->action, "version",
                          (json_int_t)e->version);
    if (!o) /* text that is not UTF-8, only after tampering */
        o = json_pack("{s:I,s:I}", "seq", (json_int_t)e->seq, "version", (json_int_t)e->version);
    bool redaction = strcmp(e->action, CHANGELOG_REDACT) == 0;
    json_t *record = json_null();
    isms_status st;
    status_clear(&st);
    isms_record *r;
    int64_t target;
    const char *reason;
    if (redaction && history_redaction(e->content, a, &target, &reason)) {
        json_object_set_new(o, "redacts", json_integer(target));
        json_object_set_new(o, "reason", json_string(reason));
    } else if (e->content && !redaction) {
        if (history_record(reg, k, e->content, a, &r, &st) == ISMS_OK) {
            json_decref(record);
            record = record_to_json(r);
        } else {
            json_object_set_new(o, "unreadable", json_true());
        }
    }
    json_object_set_new(o, "record", record);
    json_object_set_new(o, "redacted", json_boolean(!e->content));
    return o;
}

json_t *history_to_json(const isms_registry *reg, const isms_kind *k, const history *h, arena *a)
{
    json_t *items = json_array();
    for (size_t i = 0; i < h->n; i++)
        json_array_append_new(items, entry_to_json(reg, k, &h->items[i], a));
    return json_pack("{s:o,s:b}", "items", items, "truncated", h->truncated);
}

json_t *history_diff_to_json(const isms_record *from, const isms_record *to, int64_t v_from,
                             int64_t v_to, arena *a)
{
    history_change *ch;
    size_t n = history_diff(from, to, a, &ch);
    json_t *changes = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(changes, json_pack("{s:s,s:o,s:o}", "field", ch[i].field->name,
                                                 "before", value_to_json(ch[i].field, ch[i].before),
                                                 "after", value_to_json(ch[i].field, ch[i].after)));
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, from->kind, from->id);
    return json_pack("{s:s,s:I,s:I,s:o}", "id", hid, "from", (json_int_t)v_from, "to",
                     (json_int_t)v_to, "changes", changes);
}

json_t *changelog_entry_to_json(const isms_registry *reg, const changelog_entry *e)
{
    const isms_kind *k = registry_kind(reg, e->kind);
    char rec[ISMS_HUMAN_ID_MAX + 64];
    if (k)
        human_id_format(rec, k, e->record_id);
    else
        snprintf(rec, sizeof(rec), "%.40s %lld", e->kind, (long long)e->record_id);
    json_t *o =
        json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:I,s:b,s:s?,s:s?,s:s?,s:s?}", "seq",
                  (json_int_t)e->seq, "at", e->at, "actor", e->actor, "channel", e->channel, "kind",
                  e->kind, "record", rec, "action", e->action, "version", (json_int_t)e->version,
                  "redacted", e->content == NULL, "content", e->content, "content_hash",
                  e->content_hash, "prev_hash", e->prev_hash, "hash", e->hash);
    /* Text that is not UTF-8 (only after tampering) cannot be JSON: the number stays. */
    return o ? o : json_pack("{s:I,s:b}", "seq", (json_int_t)e->seq, "unreadable", 1);
}
