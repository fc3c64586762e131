/*
 * `isms copy --from DB --to DB [--json]`: the whole ISMS, change log
 * included, into a new, empty database (SQLite file or PostgreSQL), then
 * the change log verified there (docs/CLI.md). How a user outgrows the
 * embedded default, or makes a compacted copy of a file.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/log_verify.h"

static bool is_postgres(const char *url)
{
    return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

/* The file of an SQLite database ("sqlite:PATH" or PATH). */
static const char *sqlite_path(const char *url)
{
    return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

/* A URL with a scheme no driver serves ("mysql://..."): SQLite would take it for a file name. */
static int check_scheme(cli_ctx *c, const char *option, const char *url)
{
    if (!url || !url[0])
        return cli_usage(c, "copy needs %s DB (a file, sqlite:FILE or postgres://...)", option);
    const char *sep = strstr(url, "://");
    if (sep && !is_postgres(url)) {
        char shown[512];
        store_url_display(url, shown, sizeof(shown));
        return cli_usage(c,
                         "%s: unknown scheme in %s (give a file, sqlite:FILE or "
                         "postgres://...)",
                         option, shown);
    }
    return EXIT_OK;
}

/* Report st with the option it concerns in front. */
static int fail_at(cli_ctx *c, const char *option, isms_status *st)
{
    char why[sizeof(st->detail)];
    snprintf(why, sizeof(why), "%s", st->detail[0] ? st->detail : isms_err_title(st->code));
    snprintf(st->detail, sizeof(st->detail), "%s: %.480s", option, why);
    return cli_fail(c, st);
}

static bool same_database(const char *from, const char *to)
{
    if (strcmp(from, to) == 0)
        return true;
    if (is_postgres(from) || is_postgres(to))
        return false;
    char a[PATH_MAX], b[PATH_MAX];
    return realpath(sqlite_path(from), a) && realpath(sqlite_path(to), b) && strcmp(a, b) == 0;
}

/* Remove the SQLite file the copy created (and its journal files). */
static void remove_created(const char *to)
{
    const char *path = sqlite_path(to);
    char side[PATH_MAX];
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-journal", path);
    unlink(side);
}

static void print_result(cli_ctx *c, const char *from, const char *to, const store_copy_result *r,
                         const log_verify_result *v)
{
    char from_shown[512], to_shown[512];
    store_url_display(from, from_shown, sizeof(from_shown));
    store_url_display(to, to_shown, sizeof(to_shown));
    if (c->json) {
        json_t *tables = json_object();
        for (size_t i = 0; i < r->ntables; i++)
            json_object_set_new(tables, r->tables[i].table, json_integer(r->tables[i].rows));
        json_t *f = json_string(from_shown), *t = json_string(to_shown);
        json_t *j = json_pack("{s:o,s:o,s:o,s:b,s:I,s:s,s:I,s:I}", "from", f ? f : json_null(),
                              "to", t ? t : json_null(), "tables", tables, "verified", v->ok,
                              "last_seq", (json_int_t)v->last_seq, "last_hash", v->last_hash,
                              "entries", (json_int_t)v->entries, "records", (json_int_t)v->records);
        print_json(c, j);
        json_decref(j);
        return;
    }
    fprintf(c->out, "Copied %s to %s.\n", from_shown, to_shown);
    text_table tt;
    table_init(&tt, &c->arena, 2);
    table_add_row(&tt, (const char *const[]){"TABLE", "ROWS"});
    for (size_t i = 0; i < r->ntables; i++) {
        char *n = arena_alloc(&c->arena, 24);
        snprintf(n, 24, "%lld", (long long)r->tables[i].rows);
        table_add_row(&tt, (const char *const[]){r->tables[i].table, n});
    }
    table_print(&tt, c->out);
    fprintf(c->out,
            "The change log verifies at the destination: %lld entries, %lld records checked.\n"
            "Last entry: %lld:%s\n",
            (long long)v->entries, (long long)v->records, (long long)v->last_seq, v->last_hash);
}

/* Verify the log at the destination: chain, checkpoints and records, ending where the source's
 * does. */
static isms_err verify_copy(store *to, const isms_registry *reg, const store_copy_result *r,
                            log_verify_result *v, isms_status *st)
{
    store_conn *conn;
    isms_err e = store_borrow(to, &conn, st);
    if (e != ISMS_OK)
        return e;
    log_verify_options o = {.expect_seq = r->last_seq, .expect_hash = r->last_hash};
    if (r->last_seq == 0)
        o.expect_hash = NULL;
    e = log_verify(conn, reg, &o, v, st);
    store_return(conn);
    if (e == ISMS_OK && !v->ok)
        e = status_fail(st, ISMS_ESTORE, "the copy does not verify (%s): %s",
                        v->problem ? v->problem : "?", v->detail);
    return e;
}

int cmd_copy(cli_ctx *c)
{
    const char *from = args_value(&c->args, "from");
    const char *to = args_value(&c->args, "to");
    int rc = check_scheme(c, "--from", from);
    if (rc == EXIT_OK)
        rc = check_scheme(c, "--to", to);
    if (rc == EXIT_OK)
        rc = cli_check_unused(c);
    if (rc == EXIT_OK && c->args.npos > 1)
        rc = cli_usage(c, "unexpected argument '%s'", c->args.pos[1]);
    if (rc == EXIT_OK && same_database(from, to))
        rc = cli_usage(c, "--from and --to name the same database");
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    if (!is_postgres(from) && access(sqlite_path(from), F_OK) != 0) {
        status_fail(&st, ISMS_ENOTFOUND, "there is no file %s", sqlite_path(from));
        return fail_at(c, "--from", &st);
    }
    /* The source; its acting user must be an administrator (acting.c): copying reads all. */
    c->db = from;
    store_options src_opt = {.pool_size = 1};
    if (store_open(&c->store, c->reg, from, &src_opt, &st) != ISMS_OK) {
        c->store = NULL;
        return fail_at(c, "--from", &st);
    }
    if ((rc = cli_authorize(c, "copy", NULL, false)) != EXIT_OK)
        return rc;
    store *src = c->store;
    bool created = !is_postgres(to) && access(sqlite_path(to), F_OK) != 0;
    store *dst = NULL;
    store_options opt = {.pool_size = 1, .create = true};
    if (store_open(&dst, c->reg, to, &opt, &st) != ISMS_OK) {
        if (created)
            remove_created(to);
        return fail_at(c, "--to", &st);
    }
    store_copy_result *r = arena_alloc(&c->arena, sizeof(*r));
    log_verify_result v;
    isms_err e = store_copy(src, dst, r, &st);
    if (e == ISMS_OK)
        e = verify_copy(dst, c->reg, r, &v, &st);
    if (e != ISMS_OK && is_postgres(to)) {
        /* The database held no table before: drop what opening it and the copy made. */
        isms_status dst_st;
        status_clear(&dst_st);
        if (store_discard(dst, &dst_st) != ISMS_OK) {
            char why[sizeof(st.detail)];
            snprintf(why, sizeof(why), "%s", st.detail);
            snprintf(st.detail, sizeof(st.detail),
                     "%.300s; the tables the copy made could not be dropped (%.120s): drop "
                     "them before trying again",
                     why, dst_st.detail);
        }
    }
    store_free(dst);
    if (e != ISMS_OK) {
        if (created)
            remove_created(to);
        return fail_at(c, "--to", &st);
    }
    print_result(c, from, to, r, &v);
    return EXIT_OK;
}
