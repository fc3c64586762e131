/*
 * bench-risk: the risk register's reads at scale (docs/PERFORMANCE.md, "Risk
 * register"): the first page of risks sorted by level (highest first, what
 * /risks shows), the heat map's counts, and the heat map drawn as SVG, on a
 * register of N risks (default 100,000).
 *
 *   bench-risk [--records N] [--iterations N] [DB]
 *
 * DB is a SQLite file to create or an empty PostgreSQL database's URL; by
 * default a SQLite file in a temporary directory, removed at the end. The
 * risks are made through records_create in one transaction, so that their
 * levels, method and heat map counts come from the same hooks as in
 * production (bench-import.sh times the CSV importer itself).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/kinds/kinds.h"
#include "core/records.h"
#include "report/heatmap_data.h"
#include "store/store_risk_heat.h"

static const double TARGET_LIST_P50_US = 2000.0, TARGET_HEAT_P50_US = 5000.0;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static _Noreturn void fail(const char *what, const isms_status *st)
{
    fprintf(stderr, "bench-risk: %s: %s\n", what, st->detail);
    for (size_t i = 0; i < st->nfields; i++)
        fprintf(stderr, "  %s: %s\n", st->fields[i].field, st->fields[i].reason);
    exit(1);
}

static void set_int(isms_record *r, const char *field, int64_t v)
{
    isms_value *x = record_value(r, field);
    x->set = true;
    x->i = v;
}

static void set_text(isms_record *r, const char *field, const char *s)
{
    isms_value *x = record_value(r, field);
    x->set = true;
    x->s = s;
}

static int64_t method_id; /* the method the risks are scored under */

/* One person, the 5x5 method, and n risks spread over the matrix. */
static void load(store *s, size_t n)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    if (store_borrow(s, &c, &st) != ISMS_OK)
        fail("borrow", &st);
    isms_write_ctx ctx;
    write_ctx_init(&ctx, "bench", "cli");
    arena a;
    arena_init(&a);
    store_txn *t;
    if (store_begin(c, &ctx, &t, &st) != ISMS_OK)
        fail("begin", &st);
    isms_record *p = record_new(&a, &kind_person);
    set_text(p, "name", "Risk Owner");
    if (records_create(t, p, &a, &st) != ISMS_OK)
        fail("person", &st);
    isms_record *m = record_new(&a, &kind_risk_method);
    set_text(m, "title", "Risk method");
    set_text(m, "definition", risk_method_preset(5));
    if (records_create(t, m, &a, &st) != ISMS_OK)
        fail("risk method", &st);
    int64_t owner = p->id; /* p and m live in the arena, which is renewed below */
    method_id = m->id;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        isms_record *r = record_new(&a, &kind_risk);
        set_text(r, "title", arena_printf(&a, "Risk %zu", i + 1));
        set_int(r, "owner", owner);
        set_int(r, "likelihood", (int64_t)(1 + x % 5));
        set_int(r, "impact", (int64_t)(1 + (x >> 8) % 5));
        set_text(r, "treatment", "modify");
        set_int(r, "residual_likelihood", (int64_t)(1 + (x >> 16) % 3));
        set_int(r, "residual_impact", (int64_t)(1 + (x >> 24) % 3));
        if (records_create(t, r, &a, &st) != ISMS_OK)
            fail("risk", &st);
        if ((i + 1) % 1000 == 0) {
            arena_dispose(&a);
            arena_init(&a);
        }
    }
    if (store_commit(t, &st) != ISMS_OK)
        fail("commit", &st);
    arena_dispose(&a);
    store_return(c);
}

typedef enum what { LIST_BY_LEVEL, HEAT_COUNTS_ONLY, HEAT_COUNTS, HEAT_SVG } what;

static void once(store_conn *c, what w)
{
    isms_status st;
    status_clear(&st);
    arena a;
    arena_init(&a);
    if (w == LIST_BY_LEVEL) {
        store_query q = {.kind = &kind_risk, .sort = kind_field(&kind_risk, "level"),
                         .desc = true, .limit = 50, .retired = STORE_ACTIVE_ONLY};
        store_page page;
        if (store_list(c, &q, &a, &page, &st) != ISMS_OK || page.n != 50)
            fail("store_list", &st);
    } else if (w == HEAT_COUNTS_ONLY) {
        store_heat heat;
        if (store_risk_heat(c, method_id, false, &heat, &st) != ISMS_OK || heat.total == 0)
            fail("store_risk_heat", &st);
    } else {
        heatmap h;
        store_heat heat;
        if (heatmap_load(c, false, &a, &h, &heat, &st) != ISMS_OK || !h.method)
            fail("heatmap_load", &st);
        if (w == HEAT_SVG) {
            strbuf b;
            strbuf_init(&b, 1 << 20);
            heatmap_svg(&b, &h);
            strbuf_dispose(&b);
        }
    }
    arena_dispose(&a);
}

static int cmp(const void *pa, const void *pb)
{
    double u = *(const double *)pa, v = *(const double *)pb;
    return (u > v) - (u < v);
}

static void measure(store_conn *c, what w, const char *label, size_t iterations, double target)
{
    double *us = malloc(sizeof(double) * iterations);
    if (!us)
        abort();
    for (size_t i = 0; i < iterations / 10 + 5; i++)
        once(c, w);
    for (size_t i = 0; i < iterations; i++) {
        double t0 = now_s();
        once(c, w);
        us[i] = (now_s() - t0) * 1e6;
    }
    qsort(us, iterations, sizeof(double), cmp);
    double p50 = us[iterations / 2], p99 = us[(size_t)((double)iterations * 0.99)];
    printf("%-44s p50 %8.1f us, p99 %8.1f us  [target p50 < %.0f us: %s]\n", label, p50, p99,
           target, p50 < target ? "PASS" : "MISS");
    free(us);
}

int main(int argc, char **argv)
{
    size_t n = 100000, iterations = 200;
    const char *url = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--records") == 0 && i + 1 < argc)
            n = (size_t)strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc)
            iterations = (size_t)strtoull(argv[++i], NULL, 10);
        else if (argv[i][0] == '-')
            n = 0; /* --help, or an option it does not know: the usage below */
        else
            url = argv[i];
    }
    if (n < 50 || iterations < 10) {
        fprintf(stderr, "usage: bench-risk [--records N>=50] [--iterations N>=10] [DB]\n");
        return 2;
    }
    char dir[256] = "", path[300];
    if (!url) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof(dir), "%s/isms-bench-risk-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
        if (!mkdtemp(dir))
            return 1;
        snprintf(path, sizeof(path), "%s/risk.isms", dir);
        url = path;
    }
    isms_status st;
    status_clear(&st);
    store *s;
    store_options opt = {.create = true};
    if (store_open(&s, registry_default(), url, &opt, &st) != ISMS_OK)
        fail("open", &st);
    double t0 = now_s();
    load(s, n);
    printf("bench-risk: %zu risks made in %.1f s (%s)\n", n, now_s() - t0,
           strncmp(url, "postgres", 8) == 0 ? "PostgreSQL" : "SQLite");
    store_conn *c;
    if (store_borrow(s, &c, &st) != ISMS_OK)
        fail("borrow", &st);
    measure(c, LIST_BY_LEVEL, "first page of risks by level (50 rows)", iterations,
            TARGET_LIST_P50_US);
    /* Every write keeps the counts (risk_heat), so a read after a write costs the same. */
    measure(c, HEAT_COUNTS_ONLY, "heat map counts (store_risk_heat)", iterations,
            TARGET_HEAT_P50_US);
    measure(c, HEAT_COUNTS, "heat map with its method (heatmap_load)", iterations,
            TARGET_HEAT_P50_US);
    measure(c, HEAT_SVG, "heat map drawn as SVG (heatmap_load, SVG)", iterations,
            TARGET_HEAT_P50_US);
    store_return(c);
    store_free(s);
    if (dir[0]) {
        unlink(path);
        char wal[320];
        snprintf(wal, sizeof(wal), "%s-wal", path);
        unlink(wal);
        snprintf(wal, sizeof(wal), "%s-shm", path);
        unlink(wal);
        rmdir(dir);
    }
    return 0;
}
