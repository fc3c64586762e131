#include "report/heatmap_data.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "core/risk_current.h"

/*
 * Counting reads every risk in force (an index, but 100,000 entries of it), so
 * the counts are kept per connection, method and basis with the change log's last
 * entry: every write of a record appends to the log in its transaction, so the
 * same last entry means the same counts. Another process's writes append too.
 */
typedef struct heat_slot {
    const store_conn *owner;
    int64_t method_id, seq;
    bool residual, used;
    store_heat heat;
} heat_slot;

enum { HEAT_SLOTS = 32 }; /* two bases for each connection of a pool */
static heat_slot slots[HEAT_SLOTS];
static size_t next_slot;
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

static bool cached(const store_conn *s, int64_t method_id, bool residual, int64_t seq, store_heat *out)
{
    bool hit = false;
    pthread_mutex_lock(&slots_lock);
    for (size_t i = 0; i < HEAT_SLOTS && !hit; i++) {
        const heat_slot *x = &slots[i];
        if (x->used && x->owner == s && x->method_id == method_id && x->residual == residual &&
            x->seq == seq) {
            *out = x->heat;
            hit = true;
        }
    }
    pthread_mutex_unlock(&slots_lock);
    return hit;
}

static void remember(const store_conn *s, int64_t method_id, bool residual, int64_t seq,
                     const store_heat *heat)
{
    pthread_mutex_lock(&slots_lock);
    heat_slot *x = NULL;
    for (size_t i = 0; i < HEAT_SLOTS && !x; i++)
        if (slots[i].used && slots[i].owner == s && slots[i].method_id == method_id &&
            slots[i].residual == residual)
            x = &slots[i];
    if (!x)
        x = &slots[next_slot++ % HEAT_SLOTS];
    *x = (heat_slot){.owner = s, .method_id = method_id, .seq = seq, .residual = residual,
                     .used = true, .heat = *heat};
    pthread_mutex_unlock(&slots_lock);
}

isms_err heatmap_load(store_conn *c, bool residual, arena *a, heatmap *h, store_heat *heat,
                      isms_status *st)
{
    memset(h, 0, sizeof(*h));
    memset(heat, 0, sizeof(*heat));
    h->residual = residual;
    h->heat = heat;
    /* The log's last entry before the counts: a write in between only makes them newer. */
    int64_t seq;
    char hash[CHANGELOG_HEX];
    isms_err e = store_log_last(c, &seq, hash, st);
    if (e == ISMS_OK)
        e = risk_method_current(c, a, &h->method, &h->method_id, st);
    if (e != ISMS_OK || !h->method)
        return e;
    const store_conn *owner = c; /* a pooled connection lives as long as its store */
    if (cached(owner, h->method_id, residual, seq, heat))
        return ISMS_OK;
    if ((e = store_risk_heat(c, h->method_id, residual, heat, st)) == ISMS_OK)
        remember(owner, h->method_id, residual, seq, heat);
    return e;
}

void report_today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}
