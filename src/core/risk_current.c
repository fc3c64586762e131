#include "core/risk_current.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "util/die.h"

/* Enough for every version an ISMS makes in years; past it, methods are parsed per call. */
enum { CACHE_SLOTS = 64 };

typedef struct cached_method {
    char *definition;
    risk_method method;
} cached_method;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cached_method *cache[CACHE_SLOTS];
static size_t cache_used;
static arena cache_arena; /* the parsed strings of cached methods; never freed */
static bool cache_arena_ready;

static const risk_method *cache_find(const char *definition)
{
    for (size_t i = 0; i < cache_used; i++)
        if (strcmp(cache[i]->definition, definition) == 0)
            return &cache[i]->method;
    return NULL;
}

static const risk_method *parse_into(const char *definition, arena *a)
{
    isms_status st;
    status_clear(&st);
    risk_method *m = arena_alloc(a, sizeof(*m));
    return risk_method_parse(definition, a, m, &st) ? m : NULL;
}

const risk_method *risk_method_parsed(const char *definition, arena *a)
{
    pthread_mutex_lock(&cache_lock);
    const risk_method *m = cache_find(definition);
    if (!m && cache_used < CACHE_SLOTS) {
        if (!cache_arena_ready) {
            arena_init(&cache_arena);
            cache_arena_ready = true;
        }
        const risk_method *parsed = parse_into(definition, &cache_arena);
        if (parsed) {
            cached_method *slot = arena_alloc(&cache_arena, sizeof(*slot));
            slot->definition = arena_strdup(&cache_arena, definition);
            slot->method = *parsed;
            cache[cache_used++] = slot;
            m = &slot->method;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return m ? m : parse_into(definition, a);
}

static isms_err method_of(const isms_record *rec, arena *a, const risk_method **m,
                          isms_status *st)
{
    const isms_value *def = record_value(rec, "definition");
    *m = def->set ? risk_method_parsed(def->s, a) : NULL;
    if (!*m)
        return status_fail(st, ISMS_ESTORE, "risk method RM-%lld does not parse; run isms log "
                           "verify", (long long)rec->id);
    return ISMS_OK;
}

isms_err risk_method_current(store_conn *c, arena *a, const risk_method **m, int64_t *id,
                             isms_status *st)
{
    store_query q = {.kind = &kind_risk_method, .sort = NULL, .desc = true, .limit = 1};
    store_page page;
    *m = NULL;
    *id = 0;
    isms_err e = store_list(c, &q, a, &page, st);
    if (e != ISMS_OK || page.n == 0)
        return e;
    *id = page.items[0]->id;
    return method_of(page.items[0], a, m, st);
}

/* The memo's value when no method is in force (a NULL memo means none is kept). */
static const char no_method;

isms_err risk_method_in_force(store_txn *t, const risk_method **m, int64_t *id,
                              isms_status *st)
{
    const void *kept = store_txn_memo(t, &kind_risk_method, id);
    if (kept) {
        *m = kept == &no_method ? NULL : kept;
        return ISMS_OK;
    }
    isms_err e = risk_method_current(store_txn_conn(t), store_txn_memo_arena(t), m, id, st);
    if (e == ISMS_OK)
        store_txn_memo_put(t, &kind_risk_method, *id, *m ? (const void *)*m : &no_method);
    return e;
}

isms_err risk_method_load(store_conn *c, int64_t id, arena *a, const risk_method **m,
                          isms_status *st)
{
    isms_record *rec;
    isms_err e = store_get(c, &kind_risk_method, id, a, &rec, st);
    if (e != ISMS_OK)
        return e;
    return method_of(rec, a, m, st);
}
