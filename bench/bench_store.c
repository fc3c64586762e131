/*
 * bench-store: how fast the store writes and lists records at scale.
 *
 * Builds a fresh SQLite ISMS in a temporary directory, fills it with
 * context issues (clause 4.1) and times the operations the faces use most:
 * inserting in bulk (through the store, and through records_create, the
 * validated path) and reading list pages (first page, filtered, sorted by a
 * nullable field, deep in the list through a cursor, text search).
 *
 *   bench-store [--records N] [--iterations N]
 *   bench-store --keep PATH [--records N]
 *
 * --keep creates the ISMS database PATH (it must not exist), fills it with N
 * context issues from the same generator and exits: the database the HTTP
 * API benchmark (bench/bench-api.sh) serves. PATH may be a PostgreSQL URL
 * (postgres://..., postgresql://...): its database (or schema, through the
 * URL's search_path) must hold no tables yet.
 *
 * Prints one line per figure with PASS or MISS against the targets
 * (>= 100,000 inserts/s; a list page under 1 ms at p99). The exit status is
 * 0 whatever the figures are, and 1 only if something fails.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/record.h"
#include "core/records.h"
#include "core/registry.h"
#include "core/status.h"
#include "store/store.h"
#include "util/arena.h"

enum { DEFAULT_RECORDS = 100000, DEFAULT_ITERATIONS = 2000, PAGE_ROWS = 50, BATCH = 1000 };

static const double TARGET_INSERTS_PER_S = 100000.0;
static const double TARGET_PAGE_US = 1000.0;

/* --- small helpers ------------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static _Noreturn void fail(const char *what, const isms_status *st)
{
    fprintf(stderr, "bench-store: %s: %s (%s)\n", what, st->detail, isms_err_name(st->code));
    for (size_t i = 0; i < st->nfields; i++)
        fprintf(stderr, "  %s: %s\n", st->fields[i].field, st->fields[i].reason);
    exit(1);
}

static _Noreturn void fail_sys(const char *what)
{
    fprintf(stderr, "bench-store: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* xorshift64*: deterministic, so every run inserts the same data. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

/* Uniform in [0, n). */
static size_t rng_below(size_t n)
{
    return (size_t)((rng_next() >> 11) % n);
}

static size_t count_strings(const char *const *v)
{
    size_t n = 0;
    while (v[n])
        n++;
    return n;
}

/* --- the data ------------------------------------------------------------ */

static const char *const topics[] = {
    "Supplier dependency",       "Cloud provider outage",      "Ransomware trend",
    "Staff turnover",            "New data protection law",    "Flooding near the data centre",
    "Rising energy prices",      "Merger with a competitor",   "Remote work policy",
    "Customer audit demands",    "Legacy ERP system",          "Shortage of security staff",
    "Phishing campaigns",        "Heat waves in summer",       "NIS2 transposition",
    "Budget cuts",               "Open source licence change", "Outsourced helpdesk",
    "AI tools used by staff",    "Geopolitical sanctions",     "Office relocation",
    "Insurance requirements",    "Board risk appetite",        "Payment card rules",
};

static const char *const areas[] = {
    "in sales", "in finance", "in production", "in R&D", "at headquarters", "in the branches",
    "for the web shop", "for payroll", "in logistics", "for the mobile app",
};

static const char *const first_names[] = {"Alice", "Bruno", "Chloé", "Dmitri", "Eva",
                                          "Farid", "Grace", "Hugo",  "Ines",   "Jonas"};
static const char *const last_names[] = {"Martin", "Novak", "Schmidt", "Okafor", "Lindqvist"};

static const char *const sentences[] = {
    "The issue was raised at the last management review. ",
    "It affects how quickly incidents can be detected and handled. ",
    "Several customers have asked about it in questionnaires. ",
    "The cost of addressing it is not yet known. ",
    "Legal has been asked for an opinion. ",
    "It mainly concerns the availability of the core services. ",
};

typedef struct issue_fields {
    const isms_kind *kind;
    size_t title, origin, category, description, effect, climate, owner, status, review;
    const char *const *categories;
    size_t ncategories;
    time_t review_base;
} issue_fields;

enum { NPEOPLE = 50 }; /* owners: PER-1 to PER-50, added to every database first */

static size_t field_index(const isms_kind *k, const char *name)
{
    const isms_field *f = kind_field(k, name);
    if (!f) {
        fprintf(stderr, "bench-store: context-issue has no field %s\n", name);
        exit(1);
    }
    return kind_field_index(k, f);
}

static void issue_fields_init(issue_fields *f, const isms_kind *k)
{
    f->kind = k;
    f->title = field_index(k, "title");
    f->origin = field_index(k, "origin");
    f->category = field_index(k, "category");
    f->description = field_index(k, "description");
    f->effect = field_index(k, "effect");
    f->climate = field_index(k, "climate_related");
    f->owner = field_index(k, "owner");
    f->status = field_index(k, "status");
    f->review = field_index(k, "review_date");
    f->categories = k->fields[f->category].values;
    f->ncategories = count_strings(f->categories);
    struct tm base = {.tm_year = 2026 - 1900, .tm_mon = 11, .tm_mday = 1, .tm_hour = 12};
    f->review_base = timegm(&base);
}

static isms_value text_value(const char *s)
{
    return (isms_value){.set = true, .s = s};
}

/* A context issue with varied, plausible values; some optional fields unset. */
static isms_record *make_issue(const issue_fields *f, arena *a, size_t n)
{
    isms_record *r = record_new(a, f->kind);
    isms_value *v = r->values;
    v[f->title] = text_value(arena_printf(a, "%s %s (%zu)",
                                          topics[rng_below(sizeof(topics) / sizeof(topics[0]))],
                                          areas[rng_below(sizeof(areas) / sizeof(areas[0]))],
                                          n + 1));
    v[f->origin] = text_value(rng_below(5) < 3 ? "external" : "internal");
    v[f->category] = text_value(f->categories[rng_below(f->ncategories)]);
    if (rng_below(10) < 7) {
        size_t s1 = rng_below(6), s2 = rng_below(6);
        v[f->description] = text_value(arena_printf(a, "%s%s", sentences[s1], sentences[s2]));
    }
    if (rng_below(10) < 4)
        v[f->effect] = text_value(sentences[rng_below(6)]);
    if (rng_below(2))
        v[f->climate] = (isms_value){.set = true, .i = (int64_t)rng_below(2)};
    if (rng_below(10) != 0)
        v[f->owner] = (isms_value){.set = true, .i = 1 + (int64_t)rng_below(NPEOPLE)};
    size_t s = rng_below(20); /* 40% open, 35% monitored, 25% closed */
    v[f->status] = text_value(s < 8 ? "open" : s < 15 ? "monitored" : "closed");
    if (rng_below(5) != 0) { /* 20% without a review date */
        time_t t = f->review_base + (time_t)rng_below(730) * 86400;
        struct tm tm;
        gmtime_r(&t, &tm);
        char buf[16];
        strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
        v[f->review] = text_value(arena_strdup(a, buf));
    }
    return r;
}

/* --- the database -------------------------------------------------------- */

typedef struct bench_db {
    char dir[PATH_MAX];
    char path[PATH_MAX + 32];
    store *s;
} bench_db;

/* The people who own the issues: PER-1 to PER-50, through records_create. */
static void add_people(store *s)
{
    const isms_kind *k = registry_kind(registry_default(), "person");
    size_t name = field_index(k, "name"), department = field_index(k, "department");
    static const char *const departments[] = {"IT", "Operations", "Finance", "Sales", "HR"};
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
    for (size_t i = 0; i < NPEOPLE; i++) {
        isms_record *r = record_new(&a, k);
        r->values[name] = text_value(
            arena_printf(&a, "%s %s", first_names[i % 10], last_names[i / 10]));
        r->values[department] = text_value(departments[i % 5]);
        if (records_create(t, r, &a, &st) != ISMS_OK)
            fail("records_create (person)", &st);
    }
    if (store_commit(t, &st) != ISMS_OK)
        fail("commit", &st);
    arena_dispose(&a);
    store_return(c);
}

static void db_create(bench_db *db, const char *name)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(db->dir, sizeof(db->dir), "%s/isms-bench-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(db->dir))
        fail_sys("cannot create a temporary directory");
    snprintf(db->path, sizeof(db->path), "%s/%s", db->dir, name);
    isms_status st;
    store_options opt = {.create = true};
    if (store_open(&db->s, registry_default(), db->path, &opt, &st) != ISMS_OK)
        fail("cannot create the database", &st);
    add_people(db->s);
}

static void db_close(bench_db *db)
{
    store_free(db->s);
    db->s = NULL;
}

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

static void db_remove(bench_db *db)
{
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[PATH_MAX + 48];
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", db->path, suffixes[i]);
        unlink(p);
    }
    rmdir(db->dir);
}

/* --- inserts ------------------------------------------------------------- */

typedef enum insert_path { VIA_STORE, VIA_RECORDS } insert_path;

/* Insert n issues in one transaction; returns the seconds from begin to commit. */
static double insert_issues(store *s, const issue_fields *f, size_t n, insert_path path)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    if (store_borrow(s, &c, &st) != ISMS_OK)
        fail("borrow", &st);
    isms_write_ctx ctx;
    write_ctx_init(&ctx, "bench", "cli");
    rng_state = 0x9e3779b97f4a7c15ull;
    arena a;
    arena_init(&a);
    double t0 = now_s();
    store_txn *t;
    if (store_begin(c, &ctx, &t, &st) != ISMS_OK)
        fail("begin", &st);
    for (size_t i = 0; i < n; i++) {
        isms_record *r = make_issue(f, &a, i);
        isms_err e = path == VIA_STORE ? store_insert(t, r, &st) : records_create(t, r, &a, &st);
        if (e != ISMS_OK)
            fail(path == VIA_STORE ? "store_insert" : "records_create", &st);
        if ((i + 1) % BATCH == 0) {
            arena_dispose(&a);
            arena_init(&a);
        }
    }
    if (store_commit(t, &st) != ISMS_OK)
        fail("commit", &st);
    double secs = now_s() - t0;
    arena_dispose(&a);
    store_return(c);
    return secs;
}

/*
 * Scope items: a kind with three indexes (title, type, inclusion) beside the
 * context issue's seven, to show what the index count costs an insert.
 */
static double insert_scope_items(store *s, size_t n)
{
    const isms_kind *k = registry_kind(registry_default(), "scope-item");
    static const char *const types[] = {"organizational_unit", "site", "process", "service",
                                        "technology"};
    size_t title = field_index(k, "title"), type = field_index(k, "type"),
           inclusion = field_index(k, "inclusion"), description = field_index(k, "description");
    isms_status st;
    status_clear(&st);
    store_conn *c;
    if (store_borrow(s, &c, &st) != ISMS_OK)
        fail("borrow", &st);
    isms_write_ctx ctx;
    write_ctx_init(&ctx, "bench", "cli");
    rng_state = 0x9e3779b97f4a7c15ull;
    arena a;
    arena_init(&a);
    double t0 = now_s();
    store_txn *t;
    if (store_begin(c, &ctx, &t, &st) != ISMS_OK)
        fail("begin", &st);
    for (size_t i = 0; i < n; i++) {
        isms_record *r = record_new(&a, k);
        r->values[title] = text_value(arena_printf(
            &a, "%s %s (%zu)", topics[rng_below(sizeof(topics) / sizeof(topics[0]))],
            areas[rng_below(sizeof(areas) / sizeof(areas[0]))], i + 1));
        r->values[type] = text_value(types[rng_below(5)]);
        r->values[inclusion] = text_value("included");
        r->values[description] = text_value(sentences[rng_below(6)]);
        if (store_insert(t, r, &st) != ISMS_OK)
            fail("store_insert", &st);
        if ((i + 1) % BATCH == 0) {
            arena_dispose(&a);
            arena_init(&a);
        }
    }
    if (store_commit(t, &st) != ISMS_OK)
        fail("commit", &st);
    double secs = now_s() - t0;
    arena_dispose(&a);
    store_return(c);
    return secs;
}

/* The part of the insert loop that only builds the records, to subtract mentally. */
static double generate_only(const issue_fields *f, size_t n)
{
    rng_state = 0x9e3779b97f4a7c15ull;
    arena a;
    arena_init(&a);
    double t0 = now_s();
    for (size_t i = 0; i < n; i++) {
        (void)make_issue(f, &a, i);
        if ((i + 1) % BATCH == 0) {
            arena_dispose(&a);
            arena_init(&a);
        }
    }
    double secs = now_s() - t0;
    arena_dispose(&a);
    return secs;
}

static void report_insert(const char *label, size_t n, double secs)
{
    double rate = secs > 0 ? (double)n / secs : 0;
    printf("%-32s %zu records in %.2f s = %.0f records/s  [target >= %.0f/s: %s]\n", label, n,
           secs, rate, TARGET_INSERTS_PER_S, rate >= TARGET_INSERTS_PER_S ? "PASS" : "MISS");
}

/* --- list pages ---------------------------------------------------------- */

static int cmp_double(const void *pa, const void *pb)
{
    double x = *(const double *)pa, y = *(const double *)pb;
    return (x > y) - (x < y);
}

typedef struct page_stats {
    double mean_us, p50_us, p99_us, max_us;
    size_t rows;
} page_stats;

/* Fetch the page of q `iterations` times after a warm-up; timings in microseconds. */
static page_stats time_page(store_conn *c, const store_query *q, size_t iterations,
                            double *samples)
{
    isms_status st;
    size_t warmup = iterations / 10 + 10;
    page_stats ps = {0};
    double sum = 0;
    for (size_t i = 0; i < warmup + iterations; i++) {
        arena a;
        arena_init(&a);
        store_page page;
        status_clear(&st);
        double t0 = now_s();
        isms_err e = store_list(c, q, &a, &page, &st);
        double us = (now_s() - t0) * 1e6;
        if (e != ISMS_OK)
            fail("store_list", &st);
        ps.rows = page.n;
        arena_dispose(&a);
        if (i >= warmup) {
            samples[i - warmup] = us;
            sum += us;
        }
    }
    qsort(samples, iterations, sizeof(double), cmp_double);
    ps.mean_us = sum / (double)iterations;
    ps.p50_us = samples[iterations / 2];
    size_t i99 = (size_t)((double)iterations * 0.99);
    ps.p99_us = samples[i99 < iterations ? i99 : iterations - 1];
    ps.max_us = samples[iterations - 1];
    return ps;
}

static void report_page(const char *label, const page_stats *ps)
{
    printf("%-50s %3zu rows: mean %7.1f us, p50 %7.1f us, p99 %7.1f us  [target p99 < %.0f "
           "us: %s]\n",
           label, ps->rows, ps->mean_us, ps->p50_us, ps->p99_us, TARGET_PAGE_US,
           ps->p99_us < TARGET_PAGE_US ? "PASS" : "MISS");
}

/*
 * Walk q's pages with next_cursor until about `row` rows lie behind; returns
 * the cursor of the page that starts there (malloc'd), or NULL if the list is
 * shorter. *reached is the number of rows before that page.
 */
static char *walk_to(store_conn *c, store_query q, size_t row, size_t *reached)
{
    isms_status st;
    char *cursor = NULL;
    *reached = 0;
    while (*reached + PAGE_ROWS <= row) {
        arena a;
        arena_init(&a);
        store_page page;
        status_clear(&st);
        q.cursor = cursor;
        if (store_list(c, &q, &a, &page, &st) != ISMS_OK)
            fail("store_list (walk)", &st);
        bool last = page.next_cursor == NULL;
        if (!last) {
            free(cursor);
            cursor = strdup(page.next_cursor);
            if (!cursor)
                fail_sys("strdup");
            *reached += page.n;
        }
        arena_dispose(&a);
        if (last)
            break;
    }
    return cursor;
}

static void bench_lists(store *s, const issue_fields *f, size_t nrecords, size_t iterations)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    if (store_borrow(s, &c, &st) != ISMS_OK)
        fail("borrow", &st);
    double *samples = malloc(sizeof(double) * iterations);
    if (!samples)
        fail_sys("malloc");
    const isms_kind *k = f->kind;
    const isms_field *status = &k->fields[f->status];
    const isms_field *review = &k->fields[f->review];
    page_stats ps;

    store_query first = {.kind = k, .limit = PAGE_ROWS};
    ps = time_page(c, &first, iterations, samples);
    report_page("list (a) first page, default sort:", &ps);

    store_query open = {.kind = k, .limit = PAGE_ROWS, .nfilters = 1};
    open.filters[0] = (store_filter){.field = status, .value = text_value("open")};
    ps = time_page(c, &open, iterations, samples);
    report_page("list (b) filter status = open:", &ps);

    store_query by_review = {.kind = k, .limit = PAGE_ROWS, .sort = review};
    ps = time_page(c, &by_review, iterations, samples);
    report_page("list (c) sort review_date asc (empty first):", &ps);

    store_query by_review_desc = {.kind = k, .limit = PAGE_ROWS, .sort = review, .desc = true};
    ps = time_page(c, &by_review_desc, iterations, samples);
    report_page("list (c) sort review_date desc:", &ps);

    size_t deep_row = nrecords / 10 * 9, reached;
    store_query deep = first;
    char *cursor = walk_to(c, deep, deep_row, &reached);
    deep.cursor = cursor;
    ps = time_page(c, &deep, iterations, samples);
    char label[80];
    snprintf(label, sizeof(label), "list (d) cursor page at row %zu, default sort:", reached);
    report_page(label, &ps);
    free(cursor);

    store_query deep_review = by_review;
    cursor = walk_to(c, deep_review, deep_row, &reached);
    deep_review.cursor = cursor;
    ps = time_page(c, &deep_review, iterations, samples);
    snprintf(label, sizeof(label), "list (d) cursor page at row %zu, review_date:", reached);
    report_page(label, &ps);
    free(cursor);

    store_query search = {.kind = k, .limit = PAGE_ROWS, .q = "cloud"};
    ps = time_page(c, &search, iterations, samples);
    report_page("list (e) search q=cloud:", &ps);

    /* No title matches: the search reads every row before it knows. */
    store_query miss = {.kind = k, .limit = PAGE_ROWS, .q = "no such words"};
    ps = time_page(c, &miss, iterations < 200 ? iterations : 200, samples);
    report_page("list (e) search without a match (worst case):", &ps);

    free(samples);
    store_return(c);
}

/* --- a database to keep (bench-api.sh) ----------------------------------- */

static bool is_url(const char *path)
{
    return strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0;
}

/*
 * Create path (a file: refused if it exists; a PostgreSQL URL: the store
 * refuses a database with tables of its own), insert n issues through
 * records_create, close.
 */
static int keep_database(const char *path, const issue_fields *f, size_t n)
{
    struct stat sb;
    if (!is_url(path) && (stat(path, &sb) == 0 || errno != ENOENT)) {
        fprintf(stderr, "bench-store: %s already exists (or cannot be checked)\n", path);
        return 1;
    }
    store *s;
    isms_status st;
    store_options opt = {.create = true};
    if (store_open(&s, registry_default(), path, &opt, &st) != ISMS_OK)
        fail("cannot create the database", &st);
    add_people(s);
    double secs = insert_issues(s, f, n, VIA_RECORDS);
    store_free(s); /* checkpoints the WAL into the file */
    if (is_url(path)) {
        printf("bench-store: the PostgreSQL database holds %zu context issues (%.2f s)\n", n, secs);
        return 0;
    }
    printf("bench-store: %s holds %zu context issues (%.2f s, %.1f MiB)\n", path, n, secs,
           (double)file_size(path) / (1024.0 * 1024.0));
    return 0;
}

/* --- main ---------------------------------------------------------------- */

static bool parse_count(const char *text, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || v < 1 || v > 100000000ull)
        return false;
    *out = (size_t)v;
    return true;
}

static void usage(FILE *to)
{
    fprintf(to, "usage: bench-store [--records N] [--iterations N]\n"
                "       bench-store --keep PATH [--records N]\n"
                "  --records N     context issues to insert (default %d)\n"
                "  --iterations N  timed fetches per list page (default %d)\n"
                "  --keep PATH     only create the database PATH (must not exist) with N\n"
                "                  context issues, keep it and exit; PATH may be a\n"
                "                  PostgreSQL URL (a database without tables)\n",
                DEFAULT_RECORDS, DEFAULT_ITERATIONS);
}

int main(int argc, char **argv)
{
    size_t nrecords = DEFAULT_RECORDS, iterations = DEFAULT_ITERATIONS;
    const char *keep = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc && argv[i + 1][0]) {
            keep = argv[++i];
            continue;
        }
        size_t *target = strcmp(argv[i], "--records") == 0      ? &nrecords
                         : strcmp(argv[i], "--iterations") == 0 ? &iterations
                                                                : NULL;
        if (!target || i + 1 >= argc || !parse_count(argv[i + 1], target)) {
            usage(stderr);
            return 2;
        }
        i++;
    }

    const isms_kind *k = registry_kind(registry_default(), "context-issue");
    if (!k) {
        fprintf(stderr, "bench-store: the registry has no context-issue kind\n");
        return 1;
    }
    issue_fields f;
    issue_fields_init(&f, k);
    if (keep)
        return keep_database(keep, &f, nrecords);
    printf("bench-store: %zu context issues, %zu iterations per list page\n", nrecords,
           iterations);

    /* 1. Inserts: the validated path in one database, the bare store in another. */
    bench_db checked;
    db_create(&checked, "records.isms");
    double secs = insert_issues(checked.s, &f, nrecords, VIA_RECORDS);
    report_insert("insert (records_create, 1 txn):", nrecords, secs);
    db_close(&checked);
    db_remove(&checked);

    bench_db db;
    db_create(&db, "store.isms");
    secs = insert_issues(db.s, &f, nrecords, VIA_STORE);
    report_insert("insert (store, 1 txn):", nrecords, secs);
    printf("%-32s %.3f s of each insert run builds the records in memory\n", "  (generation:)",
           generate_only(&f, nrecords));
    secs = insert_scope_items(db.s, nrecords);
    report_insert("insert (store, scope items):", nrecords, secs);

    /* 2. List pages on the database just filled. */
    bench_lists(db.s, &f, nrecords, iterations);

    /* 3. Resources. The store closes first, so the WAL is checkpointed into the file. */
    db_close(&db);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long long size = file_size(db.path);
    printf("peak RSS: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    printf("database file: %.1f MiB (%lld bytes, %.0f bytes per record)\n",
           (double)size / (1024.0 * 1024.0), size, (double)size / (double)nrecords);
    db_remove(&db);
    return 0;
}
