/*
 * Fuzz target for the CSV import (src/report/record_import.c): an input is
 * imported as a dry run into one kind of a seeded SQLite ISMS, as
 * `isms KIND import FILE` (without --apply) and POST /api/v1/KINDS/import
 * do. The import must answer as record_import.h promises, keep nothing,
 * and its result must turn into the JSON the API sends; anything else
 * aborts, so that libFuzzer reports it (and so does any ASan or UBSan
 * report, or a leak).
 *
 * Framing of an input: the first byte picks the kind (even: risk, odd:
 * asset, so a seed that starts with 'r' is a risk CSV and one that starts
 * with 'a' an asset CSV); the rest, raw bytes, is the CSV. An empty input
 * is an empty risk CSV.
 *
 *   rtitle,owner,likelihood,impact,treatment
 *   Laptop theft,PER-1,4,5,modify
 *
 * Size: the importer itself refuses more than IMPORT_FILE_MAX bytes (the
 * API lets an import body grow to that limit, src/http/server.c), so every
 * input goes to it whole, and a larger one must be refused as too big.
 *
 * The store is a SQLite database in a temporary directory, created once per
 * process with the product registry (registry_default) and seeded with
 * the 5 x 5 preset risk method (as `isms init` writes it) and, by applied
 * imports, with two people, an asset and a risk, so that owner and
 * asset references resolve and an `id` column (AST-1, RSK-1) reaches the
 * update path. A dry run always rolls back, so the store never grows: that
 * is checked after every input (the change log's last entry is the same).
 *
 * Checks on every input: the answer is ISMS_OK or ISMS_EINVALID (ISMS_ETOOBIG
 * only past the size limit; a store failure or busy is a bug with one local
 * database and one thread); nothing applied; ISMS_OK exactly when no row is
 * bad and no error is listed; counts that add up; every error with a row
 * and a reason; and import_result_to_json answers an object that jansson
 * can write, listing every error kept (jansson drops a string that is not
 * valid UTF-8, so a message quoting such bytes would vanish from the API's
 * answer).
 *
 * ISMS_FUZZ_VERBOSE=1 in the environment prints every result.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/kinds/kinds.h"
#include "core/record.h"
#include "core/records.h"
#include "core/registry.h"
#include "core/risk_method.h"
#include "core/roles.h"
#include "fuzz_target.h"
#include "report/record_import.h"
#include "store/store.h"
#include "util/arena.h"

enum { DIR_MAX_LEN = 256, PATH_MAX_LEN = 512 };

static char dir[DIR_MAX_LEN];
static char db_path[PATH_MAX_LEN];
static store *db;
static const isms_kind *kinds[2]; /* indexed by the first byte's parity: risk, asset */
static int64_t log_seq;           /* the change log's last entry after seeding */
static bool verbose;              /* ISMS_FUZZ_VERBOSE set: one line per input on stderr */

/* An administrator: every kind may be written, the risk method included. */
static const isms_principal principal = {1, "fuzz", UR_ALL, 0, AUTH_TOKEN};

/*
 * UBSan reports must stop the run, so that libFuzzer (and the replay test in a
 * sanitizer build) reports them as findings; the sanitizer runtime reads this.
 */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

static void fail(const char *what, const char *kind, const import_result *r, const isms_status *st)
{
    fprintf(stderr,
            "fuzz_import: %s\n  kind: %s\n  status: %s %s\n  rows %lld, created %lld, "
            "updated %lld, unchanged %lld, bad %lld, errors %zu (+%lld)\n",
            what, kind, isms_err_name(st->code), st->detail, (long long)r->rows,
            (long long)r->created, (long long)r->updated, (long long)r->unchanged,
            (long long)r->bad, r->nerrors, (long long)r->more_errors);
    for (size_t i = 0; i < r->nerrors && i < 10; i++)
        fprintf(stderr, "  row %lld, column '%s': %s\n", (long long)r->errors[i].row,
                r->errors[i].column, r->errors[i].reason);
    abort();
}

static int64_t last_log_seq(void)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    int64_t seq = 0;
    char hash[CHANGELOG_HEX];
    if (store_borrow(db, &c, &st) != ISMS_OK) {
        fprintf(stderr, "fuzz_import: store_borrow: %s\n", st.detail);
        abort();
    }
    if (store_log_last(c, &seq, hash, &st) != ISMS_OK) {
        fprintf(stderr, "fuzz_import: store_log_last: %s\n", st.detail);
        abort();
    }
    store_return(c);
    return seq;
}

/* Import text into kind name with --apply; aborts unless every row is created. */
static void seed(const char *name, const char *text)
{
    const isms_kind *k = registry_kind(registry_default(), name);
    if (!k)
        abort();
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &principal, "import");
    import_options opt = {.apply = true};
    import_result r;
    isms_status st;
    status_clear(&st);
    isms_err e = record_import_csv(db, &ctx, k, text, strlen(text), &opt, &r, &st);
    if (e != ISMS_OK || !r.applied || r.bad)
        fail("seeding failed", name, &r, &st);
    import_result_dispose(&r);
}

/* Risks cannot be scored without a method: the 5 x 5 preset, as `isms init` writes it. */
static isms_err write_method(store_txn *t, void *arg, isms_status *st)
{
    (void)arg;
    arena a;
    arena_init(&a);
    isms_record *m = record_new(&a, &kind_risk_method);
    isms_value *title = record_value(m, "title"), *def = record_value(m, "definition");
    title->set = def->set = true;
    title->s = "Risk method (5 x 5 preset)";
    def->s = risk_method_preset(5);
    isms_err e = records_create(t, m, &a, st);
    arena_dispose(&a);
    return e;
}

static void seed_method(void)
{
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &principal, "cli");
    isms_status st;
    status_clear(&st);
    if (store_write(db, &ctx, write_method, NULL, &st) != ISMS_OK) {
        fprintf(stderr, "fuzz_import: seeding the risk method: %s\n", st.detail);
        abort();
    }
}

static void cleanup(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    store_free(db);
    db = NULL;
    char name[PATH_MAX_LEN + 16];
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(name, sizeof(name), "%s%s", db_path, suffixes[i]);
        unlink(name);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (dir[0])
        return 0;
    verbose = getenv("ISMS_FUZZ_VERBOSE") != NULL;
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(dir, sizeof(dir), "%s/isms-fuzz-import-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (n < 0 || (size_t)n >= sizeof(dir) || !mkdtemp(dir)) {
        perror("fuzz_import: mkdtemp");
        abort();
    }
    snprintf(db_path, sizeof(db_path), "%s/import.isms", dir);
    store_options opt = {.pool_size = 1, .create = true};
    isms_status st;
    status_clear(&st);
    if (store_open(&db, registry_default(), db_path, &opt, &st) != ISMS_OK) {
        fprintf(stderr, "fuzz_import: cannot open %s: %s\n", db_path, st.detail);
        abort();
    }
    atexit(cleanup);
    kinds[0] = registry_kind(registry_default(), "risk");
    kinds[1] = registry_kind(registry_default(), "asset");
    if (!kinds[0] || !kinds[1])
        abort();
    seed_method();
    seed("person", "name,job_title\nGreta Lindqvist,CEO\nJonas Weber,CISO\n");
    seed("asset", "title,type,owner\nLaptops,hardware,PER-1\n");
    seed("risk", "title,owner,likelihood,impact,treatment,assets\n"
                 "Laptop theft,PER-2,4,5,modify,AST-1\n");
    log_seq = last_log_seq();
    return 0;
}

/* Abort unless r and e are what record_import.h promises for a dry run of len bytes. */
static void check_result(const char *kind, size_t len, isms_err e, const import_result *r,
                         const isms_status *st)
{
    if (e == ISMS_ETOOBIG) {
        if (len <= IMPORT_FILE_MAX)
            fail("too big, but within IMPORT_FILE_MAX", kind, r, st);
        return;
    }
    if (len > IMPORT_FILE_MAX)
        fail("past IMPORT_FILE_MAX, but not refused as too big", kind, r, st);
    if (e != ISMS_OK && e != ISMS_EINVALID)
        fail("neither OK nor invalid", kind, r, st);
    if (r->applied)
        fail("a dry run applied", kind, r, st);
    if (r->nerrors > IMPORT_ERRORS_MAX || (r->more_errors && r->nerrors < IMPORT_ERRORS_MAX))
        fail("errors kept and counted do not agree", kind, r, st);
    if (e == ISMS_OK && (r->bad || r->nerrors || r->more_errors))
        fail("OK with bad rows", kind, r, st);
    if (r->bad && !r->nerrors)
        fail("bad rows without a reason", kind, r, st);
    if (r->created < 0 || r->updated < 0 || r->unchanged < 0 || r->bad < 0 ||
        r->created + r->updated + r->unchanged > r->rows)
        fail("counts do not add up", kind, r, st);
    for (size_t i = 0; i < r->nerrors; i++) {
        const import_error *err = &r->errors[i];
        if (err->row < 1 || !err->reason[0])
            fail("an error without a row or a reason", kind, r, st);
    }
    json_t *j = import_result_to_json(r);
    if (!json_is_object(j))
        fail("import_result_to_json answered no object", kind, r, st);
    if (json_array_size(json_object_get(j, "bad")) != r->nerrors)
        fail("the result's JSON lost errors (not valid UTF-8?)", kind, r, st);
    char *text = json_dumps(j, JSON_COMPACT);
    if (!text)
        fail("the result's JSON cannot be written", kind, r, st);
    if (verbose)
        fprintf(stderr, "%s: %s %s %s\n", kind, isms_err_name(e), st->detail, text);
    free(text);
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0])
        LLVMFuzzerInitialize(NULL, NULL);
    const isms_kind *k = kinds[size ? data[0] % 2 : 0];
    const char *csv = size ? (const char *)data + 1 : "";
    size_t len = size ? size - 1 : 0;

    isms_write_ctx ctx;
    write_ctx_for(&ctx, &principal, "import");
    import_options opt = {.apply = false};
    import_result r;
    isms_status st;
    status_clear(&st);
    isms_err e = record_import_csv(db, &ctx, k, csv, len, &opt, &r, &st);
    check_result(k->name, len, e, &r, &st);
    import_result_dispose(&r);
    if (last_log_seq() != log_seq) {
        fprintf(stderr, "fuzz_import: a dry run of %s left entries in the change log\n", k->name);
        abort();
    }
    return 0;
}
