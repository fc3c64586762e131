/*
 * The change log through the real binary (ISMS_BIN): records are written with
 * the CLI, then the database file is changed behind isms's back with the
 * sqlite3 C API, dropping the append-only triggers first as an attacker
 * would, and `isms log verify` must exit 1 naming the entry (and exit 0 on an
 * intact database). Also the other `isms log` verbs, `isms KIND history`,
 * their help and their refusals of bad input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/run.h"
#include "core/changelog.h"

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef struct fx {
    char dir[256];
    char db[320];
    char env_db[340];
    char secret[320], public[320];
    const char *env[3];
    run_result r;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof(f->dir), "%s/isms-log-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof(f->db), "%s/isms.db", f->dir);
    snprintf(f->env_db, sizeof(f->env_db), "ISMS_DB=%s", f->db);
    snprintf(f->secret, sizeof(f->secret), "%s/log.key", f->dir);
    snprintf(f->public, sizeof(f->public), "%s/log.pub", f->dir);
    f->env[0] = f->env_db;
    f->env[1] = "ISMS_ACTOR=tester";
    f->env[2] = NULL;
    *state = f;
    /* tester administers (admin, manager); bob manages; dpo redacts (admin); vic reads. */
    /* No risk method: the change log starts empty, so entries have known numbers. */
    if (run_isms(ARGS("init", "--db", f->db, "--admin", "tester", "--password-stdin",
                      "--hash-cost", "test", "--risk-preset", "none"),
                 "tester password 1\n", f->env, &f->r) != 0) {
        fprintf(stderr, "init failed: %s\n", f->r.err);
        return -1;
    }
    static const char *const users[][2] = {
        {"bob", "manager"}, {"dpo", "admin"}, {"vic", "viewer"}};
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
        run_result_free(&f->r);
        if (run_isms(ARGS("--as", "tester", "user", "add", users[i][0], "--role", users[i][1],
                          "--password-stdin", "--hash-cost", "test"),
                     "a user password 1\n", f->env, &f->r) != 0) {
            fprintf(stderr, "user add %s failed: %s\n", users[i][0], f->r.err);
            return -1;
        }
    }
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    run_result_free(&f->r);
    DIR *d = opendir(f->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[600];
            snprintf(path, sizeof(path), "%s/%s", f->dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* --- running the binary ------------------------------------------------------ */

static void expect_run(fx *f, int code, const char *const *args, const char *file, int line)
{
    run_result_free(&f->r);
    run_isms(args, NULL, f->env, &f->r);
    bool ok = f->r.status == code;
    if (strstr(f->r.err, "Sanitizer") || strstr(f->r.err, "runtime error:")) {
        print_message("sanitizer report\n");
        ok = false;
    }
    if (f->r.status == 0 && f->r.err_len > 0) {
        print_message("a successful command wrote to stderr\n");
        ok = false;
    }
    if (f->r.status > 0 && f->r.err_len == 0 && !(f->r.status == 2 && f->r.out_len > 0)) {
        print_message("a failed command said nothing on stderr\n");
        ok = false;
    }
    if (!ok) {
        print_message("expected exit status %d, got %d\ncommand: isms", code, f->r.status);
        for (const char *const *a = args; *a; a++)
            print_message(" '%s'", *a);
        print_message("\n--- stdout\n%.4000s\n--- stderr\n%.4000s\n---\n", f->r.out, f->r.err);
        _fail(file, line);
    }
}

#define RUN(f, code, ...) expect_run(f, code, ARGS(__VA_ARGS__), __FILE__, __LINE__)

static void has_text(const char *hay, const char *needle, bool want, const char *what,
                     const char *file, int line)
{
    if ((strstr(hay ? hay : "", needle) != NULL) == want)
        return;
    print_message("%s %s \"%s\":\n%.4000s\n", what, want ? "lacks" : "has unexpected", needle,
                  hay ? hay : "");
    _fail(file, line);
}

#define OUT_HAS(f, s) has_text((f)->r.out, s, true, "stdout", __FILE__, __LINE__)
#define OUT_LACKS(f, s) has_text((f)->r.out, s, false, "stdout", __FILE__, __LINE__)
#define ERR_HAS(f, s) has_text((f)->r.err, s, true, "stderr", __FILE__, __LINE__)

static json_t *json_out(fx *f)
{
    json_error_t e;
    json_t *j = json_loads(f->r.out, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        fail_msg("invalid JSON (%s): %.2000s", e.text, f->r.out);
    return j;
}

/*
 * Six entries:
 *   1 create ISS-1   2 create ISS-2   3 update ISS-1 (effect Ann)
 *   4 create IP-1    5 update ISS-2   6 retire ISS-1
 */
static void six_entries(fx *f)
{
    RUN(f, 0, "context-issue", "add", "--title", "Cloud outage", "--origin", "external",
        "--category", "technological");
    RUN(f, 0, "context-issue", "add", "--title", "Staff turnover", "--origin", "internal",
        "--category", "other");
    RUN(f, 0, "context-issue", "set", "ISS-1", "--effect", "Ann");
    RUN(f, 0, "interested-party", "add", "--title", "Customers", "--category", "customer",
        "--origin", "external");
    RUN(f, 0, "--as", "bob", "context-issue", "set", "ISS-2", "--effect", "Bob");
    RUN(f, 0, "context-issue", "retire", "ISS-1", "--reason", "resolved");
}

/* The hash `isms log verify` prints for the last entry. */
static void printed_hash(fx *f, char out[CHANGELOG_HEX])
{
    const char *p = strstr(f->r.out, " hash ");
    assert_non_null(p);
    snprintf(out, CHANGELOG_HEX, "%s", p + 6);
    assert_true(changelog_is_hash(out));
}

/* --- the attacker: sqlite3 on the file ---------------------------------------- */

static sqlite3 *attacker_open(fx *f)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        fail_msg("sqlite3_open: %s", sqlite3_errmsg(db));
    /* First the append-only triggers go. */
    char *err = NULL;
    if (sqlite3_exec(db,
                     "DROP TRIGGER isms_change_log__no_delete;"
                     "DROP TRIGGER isms_change_log__no_update;"
                     "DROP TRIGGER isms_change_log__redact_only;"
                     "DROP TRIGGER isms_log_checkpoint__no_delete;"
                     "DROP TRIGGER isms_log_checkpoint__no_update;",
                     NULL, NULL, &err) != SQLITE_OK)
        fail_msg("dropping the triggers: %s", err);
    return db;
}

static void attack(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
}

/* Recompute the hashes of entries from..last so that the chain is consistent again. */
static void rehash_from(sqlite3 *db, int64_t from)
{
    sqlite3_stmt *sel, *upd;
    const char *q = "SELECT seq, at, actor, channel, kind, record_id, action, version, "
                    "content_hash FROM isms_change_log WHERE seq >= ?1 ORDER BY seq";
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &sel, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "UPDATE isms_change_log SET prev_hash = ?1, "
                                        "hash = ?2 WHERE seq = ?3",
                                        -1, &upd, NULL),
                     SQLITE_OK);
    char prev[CHANGELOG_HEX];
    sqlite3_stmt *p;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT hash FROM isms_change_log WHERE seq = ?1", -1, &p, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(p, 1, from - 1);
    if (sqlite3_step(p) == SQLITE_ROW)
        snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(p, 0));
    else
        snprintf(prev, sizeof(prev), "%s", changelog_genesis);
    sqlite3_finalize(p);
    /* Read every row first: the updates must not run under the open SELECT. */
    struct {
        changelog_entry e;
        char text[6][128];
    } rows[16];
    size_t n = 0;
    sqlite3_bind_int64(sel, 1, from);
    while (sqlite3_step(sel) == SQLITE_ROW && n < 16) {
        for (int c = 0; c < 6; c++) {
            static const int cols[] = {1, 2, 3, 4, 6, 8};
            snprintf(rows[n].text[c], sizeof(rows[n].text[c]), "%s",
                     (const char *)sqlite3_column_text(sel, cols[c]));
        }
        rows[n].e = (changelog_entry){.seq = sqlite3_column_int64(sel, 0),
                                      .at = rows[n].text[0],
                                      .actor = rows[n].text[1],
                                      .channel = rows[n].text[2],
                                      .kind = rows[n].text[3],
                                      .record_id = sqlite3_column_int64(sel, 5),
                                      .action = rows[n].text[4],
                                      .version = sqlite3_column_int64(sel, 7),
                                      .content_hash = rows[n].text[5]};
        n++;
    }
    sqlite3_finalize(sel);
    for (size_t i = 0; i < n; i++) {
        char h[CHANGELOG_HEX];
        rows[i].e.prev_hash = prev;
        changelog_entry_hash(&rows[i].e, h);
        sqlite3_bind_text(upd, 1, prev, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(upd, 2, h, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(upd, 3, rows[i].e.seq);
        assert_int_equal(sqlite3_step(upd), SQLITE_DONE);
        sqlite3_reset(upd);
        snprintf(prev, sizeof(prev), "%s", h);
    }
    sqlite3_finalize(upd);
}

/* ================================================================================ */

static void test_intact_log_verifies(void **state)
{
    fx *f = *state;
    RUN(f, 0, "log", "verify");
    OUT_HAS(f, "chain ok: 0 entries");
    six_entries(f);
    RUN(f, 0, "log", "verify");
    OUT_HAS(f, "chain ok: 6 entries, last seq 6 hash ");
    OUT_HAS(f, "records: 3 match their last entries");
    OUT_HAS(f, "checkpoints: none");
    char hash[CHANGELOG_HEX];
    printed_hash(f, hash);
    char expect[96];
    snprintf(expect, sizeof(expect), "6:%s", hash);
    RUN(f, 0, "log", "verify", "--expect", expect);
    OUT_HAS(f, "entry 6 still has the hash given");
    RUN(f, 0, "log", "verify", "--json");
    json_t *j = json_out(f);
    assert_true(json_is_true(json_object_get(j, "ok")));
    assert_int_equal(json_integer_value(json_object_get(j, "entries")), 6);
    assert_int_equal(json_integer_value(json_object_get(j, "last_seq")), 6);
    assert_string_equal(json_string_value(json_object_get(j, "last_hash")), hash);
    json_decref(j);
}

/* (a) an entry's actor edited */
static void test_edited_entry(void **state)
{
    fx *f = *state;
    six_entries(f);
    sqlite3 *db = attacker_open(f);
    attack(db, "UPDATE isms_change_log SET actor = 'mallory' WHERE seq = 3");
    sqlite3_close(db);
    RUN(f, 1, "log", "verify");
    ERR_HAS(f, "chain broken at entry 3: changed");
    RUN(f, 1, "log", "verify", "--json");
    json_t *j = json_out(f);
    assert_true(json_is_false(json_object_get(j, "ok")));
    assert_string_equal(json_string_value(json_object_get(j, "problem")), "entry_changed");
    assert_int_equal(json_integer_value(json_object_get(j, "bad_seq")), 3);
    json_decref(j);
    json_error_t e;
    j = json_loads(f->r.err, 0, &e);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "log_broken");
    json_decref(j);
}

/* (b) a content edited, its digest not */
static void test_edited_content(void **state)
{
    fx *f = *state;
    six_entries(f);
    sqlite3 *db = attacker_open(f);
    attack(db, "UPDATE isms_change_log SET content = replace(content, 'Ann', 'Eve') "
               "WHERE seq = 3");
    sqlite3_close(db);
    RUN(f, 1, "log", "verify");
    ERR_HAS(f, "chain broken at entry 3: content changed");
}

/* (c) an entry in the middle deleted */
static void test_deleted_entry(void **state)
{
    fx *f = *state;
    six_entries(f);
    sqlite3 *db = attacker_open(f);
    attack(db, "DELETE FROM isms_change_log WHERE seq = 4");
    sqlite3_close(db);
    RUN(f, 1, "log", "verify");
    ERR_HAS(f, "chain broken at entry 4: removed");
}

/* (d) two entries swapped (their data exchanged, the numbers kept) */
static void test_swapped_entries(void **state)
{
    fx *f = *state;
    six_entries(f);
    sqlite3 *db = attacker_open(f);
    attack(db, "CREATE TEMP TABLE two AS SELECT * FROM isms_change_log WHERE seq IN (3, 4);"
               "UPDATE isms_change_log SET (at, actor, channel, kind, record_id, action, "
               "version, content, content_hash, prev_hash, hash) = (SELECT at, actor, channel, "
               "kind, record_id, action, version, content, content_hash, prev_hash, hash FROM "
               "two WHERE two.seq = 7 - isms_change_log.seq) WHERE seq IN (3, 4);");
    sqlite3_close(db);
    RUN(f, 1, "log", "verify");
    ERR_HAS(f, "chain broken at entry 3: reordered");
}

/* A content removed (the trigger even allows it), without a redaction entry. */
static void test_content_removed_quietly(void **state)
{
    fx *f = *state;
    six_entries(f);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    attack(db, "UPDATE isms_change_log SET content = NULL WHERE seq = 2");
    sqlite3_close(db);
    RUN(f, 1, "log", "verify");
    ERR_HAS(f, "chain broken at entry 2: content removed without a redaction entry");
}

/* (e) a tail rewritten with consistent hashes: caught by a checkpoint, or a hash kept. */
static void test_rewritten_tail(void **state)
{
    fx *f = *state;
    six_entries(f);
    RUN(f, 0, "log", "keygen", "--secret", f->secret, "--public", f->public);
    RUN(f, 0, "log", "checkpoint", "--key", f->secret);
    OUT_HAS(f, "checkpoint: entry 6 hash ");
    RUN(f, 0, "log", "verify", "--public-key", f->public);
    OUT_HAS(f, "checkpoints: 1, signatures verified with key ");
    char hash[CHANGELOG_HEX], expect[96];
    printed_hash(f, hash);
    snprintf(expect, sizeof(expect), "6:%s", hash);

    sqlite3 *db = attacker_open(f);
    attack(db, "UPDATE isms_change_log SET actor = 'mallory' WHERE seq = 3");
    rehash_from(db, 3);
    /* The chain is consistent again: only the checkpoint can tell. */
    RUN(f, 1, "log", "verify");
    ERR_HAS(f, "entry 6 with hash");
    ERR_HAS(f, "the chain was rewritten");
    /* The checkpoint row made to agree: its signature no longer does. */
    char *sql = sqlite3_mprintf("UPDATE isms_log_checkpoint SET hash = (SELECT hash FROM "
                                "isms_change_log WHERE seq = 6)");
    attack(db, sql);
    sqlite3_free(sql);
    RUN(f, 0, "log", "verify"); /* without the key, nothing tells any more */
    RUN(f, 1, "log", "verify", "--public-key", f->public);
    ERR_HAS(f, "checkpoint signed at");
    ERR_HAS(f, "for entry 6 does not verify with this public key");
    /* The hash recorded elsewhere tells too. */
    RUN(f, 1, "log", "verify", "--expect", expect);
    ERR_HAS(f, "the chain was rewritten");
    /* Without any checkpoint, the rewrite itself passes: docs/SECURITY.md says so. */
    attack(db, "DELETE FROM isms_log_checkpoint");
    RUN(f, 0, "log", "verify", "--public-key", f->public);
    OUT_HAS(f, "checkpoints: none");
    sqlite3_close(db);
}

/* The newest entries cut off: a checkpoint after them catches it. */
static void test_truncated_tail(void **state)
{
    fx *f = *state;
    six_entries(f);
    RUN(f, 0, "log", "keygen", "--secret", f->secret, "--public", f->public);
    RUN(f, 0, "log", "checkpoint", "--key", f->secret);
    sqlite3 *db = attacker_open(f);
    attack(db, "DELETE FROM isms_change_log WHERE seq >= 5");
    sqlite3_close(db);
    RUN(f, 1, "log", "verify", "--public-key", f->public);
    ERR_HAS(f, "names entry 6, but the chain ends at entry 4");
}

/* Writes to the record tables around isms: the records no longer match their entries. */
static void test_record_changed_around_isms(void **state)
{
    fx *f = *state;
    six_entries(f);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    attack(db, "UPDATE context_issue SET effect = 'Eve' WHERE id = 2");
    sqlite3_close(db);
    RUN(f, 1, "log", "verify");
    ERR_HAS(f, "record ISS-2 differs from its last change log entry 5");
    RUN(f, 0, "log", "verify", "--chain-only");
    OUT_LACKS(f, "records:");
}

/* A write whose entry cannot be written is not written either. */
static void test_failed_entry_leaves_nothing(void **state)
{
    fx *f = *state;
    six_entries(f);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    attack(db, "CREATE TRIGGER inject BEFORE INSERT ON isms_change_log "
               "BEGIN SELECT RAISE(ABORT, 'injected'); END;");
    sqlite3_close(db);
    RUN(f, 1, "context-issue", "add", "--title", "Never", "--origin", "internal", "--category",
        "other");
    ERR_HAS(f, "change log");
    RUN(f, 1, "context-issue", "set", "ISS-2", "--effect", "Nobody");
    RUN(f, 0, "context-issue", "list", "--all", "--json");
    OUT_LACKS(f, "Never");
    OUT_LACKS(f, "Nobody");
    RUN(f, 0, "log", "verify");
    OUT_HAS(f, "chain ok: 6 entries");
}

static void test_list_and_redact(void **state)
{
    fx *f = *state;
    six_entries(f);
    RUN(f, 0, "log", "list");
    OUT_HAS(f, "SEQ  AT");
    OUT_HAS(f, "bob");
    OUT_HAS(f, "retire  ISS-1");
    RUN(f, 0, "log", "list", "--id", "ISS-1");
    OUT_LACKS(f, "ISS-2");
    OUT_LACKS(f, "IP-1");
    RUN(f, 0, "log", "list", "--kind", "interested-party");
    OUT_HAS(f, "IP-1");
    OUT_LACKS(f, "ISS-");
    RUN(f, 0, "log", "list", "--limit", "2");
    OUT_HAS(f, "(more: add --after 2)");
    RUN(f, 0, "log", "list", "--after", "5", "--json");
    json_t *j = json_out(f);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *last = json_array_get(items, 0);
    assert_int_equal(json_integer_value(json_object_get(last, "seq")), 6);
    assert_string_equal(json_string_value(json_object_get(last, "record")), "ISS-1");
    const char *content = json_string_value(json_object_get(last, "content"));
    char digest[CHANGELOG_HEX];
    changelog_digest(content, strlen(content), digest);
    assert_string_equal(json_string_value(json_object_get(last, "content_hash")), digest);
    assert_true(json_is_null(json_object_get(j, "next_after")));
    json_decref(j);

    RUN(f, 0, "--as", "dpo", "log", "redact", "3", "--reason", "personal data past retention");
    OUT_HAS(f, "entry 3 redacted; the redaction is entry 7");
    RUN(f, 0, "log", "verify");
    OUT_HAS(f, "chain ok: 7 entries (1 redacted)");
    RUN(f, 0, "log", "list", "--after", "2", "--limit", "1");
    OUT_HAS(f, "update (redacted)");
    RUN(f, 0, "log", "list", "--after", "6", "--json");
    j = json_out(f);
    last = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(last, "action")), "redact");
    assert_string_equal(json_string_value(json_object_get(last, "actor")), "dpo");
    assert_string_equal(json_string_value(json_object_get(last, "channel")), "cli");
    json_decref(j);
    RUN(f, 1, "log", "redact", "3", "--reason", "again");
    ERR_HAS(f, "already redacted");
    RUN(f, 1, "log", "redact", "7", "--reason", "x");
    ERR_HAS(f, "redactions cannot be redacted");
    RUN(f, 1, "log", "redact", "99", "--reason", "x");
    ERR_HAS(f, "no entry 99");
    RUN(f, 1, "log", "redact", "2", "--reason", "  ");
    ERR_HAS(f, "--reason: is required");
    RUN(f, 0, "log", "verify");
    OUT_HAS(f, "chain ok: 7 entries (1 redacted)");
}

/* Who may do what with the log (docs/SECURITY.md): reading and verifying is for every role,
 * redacting and signing checkpoints for administrators; keygen needs no database. */
static void test_log_permissions(void **state)
{
    fx *f = *state;
    six_entries(f);
    RUN(f, 0, "--as", "vic", "log", "verify");
    OUT_HAS(f, "chain ok: 6 entries");
    RUN(f, 0, "--as", "vic", "log", "list");
    OUT_HAS(f, "bob");
    RUN(f, 0, "--as", "vic", "context-issue", "history", "ISS-1");
    OUT_HAS(f, "History of ISS-1");
    RUN(f, 1, "--as", "vic", "log", "redact", "3", "--reason", "personal data");
    ERR_HAS(f, "admin role");
    RUN(f, 1, "--as", "bob", "log", "redact", "3", "--reason", "personal data");
    ERR_HAS(f, "admin role");
    RUN(f, 0, "--as", "bob", "log", "list", "--after", "6");
    OUT_LACKS(f, "redact");
    RUN(f, 0, "--as", "vic", "log", "keygen", "--secret", f->secret, "--public", f->public);
    RUN(f, 1, "--as", "vic", "log", "checkpoint", "--key", f->secret);
    ERR_HAS(f, "admin role");
    RUN(f, 1, "--as", "bob", "log", "checkpoint", "--key", f->secret);
    ERR_HAS(f, "admin role");
    RUN(f, 0, "--as", "dpo", "log", "checkpoint", "--key", f->secret);
    RUN(f, 0, "--as", "vic", "log", "verify", "--public-key", f->public);
    OUT_HAS(f, "checkpoints: 1");
    /* keygen touches no database: it runs without one. */
    char secret2[400], public2[400];
    snprintf(secret2, sizeof(secret2), "%s/nodb.key", f->dir);
    snprintf(public2, sizeof(public2), "%s/nodb.pub", f->dir);
    run_result_free(&f->r);
    assert_int_equal(run_isms(ARGS("log", "keygen", "--secret", secret2, "--public", public2),
                              NULL, (const char *const[]){"ISMS_DB", "ISMS_ACTOR", NULL}, &f->r),
                     0);
    /* Someone who is not a user changes nothing. */
    RUN(f, 1, "--as", "mallory", "log", "list");
    ERR_HAS(f, "no user 'mallory'");
}

static void test_history_verb(void **state)
{
    fx *f = *state;
    six_entries(f);
    RUN(f, 0, "context-issue", "history", "ISS-1");
    OUT_HAS(f, "History of ISS-1");
    OUT_HAS(f, "VERSION  SEQ");
    OUT_HAS(f, "retire");
    OUT_LACKS(f, "ISS-2");
    RUN(f, 0, "context-issue", "history", "ISS-1", "--from", "1", "--to", "3");
    OUT_HAS(f, "ISS-1 from version 1");
    OUT_HAS(f, "Effect on the ISMS");
    OUT_HAS(f, "Ann");
    OUT_HAS(f, "Reason for retiring");
    OUT_HAS(f, "resolved");
    RUN(f, 0, "context-issue", "history", "ISS-1", "--from", "2", "--to", "2");
    OUT_HAS(f, "no field differs");
    RUN(f, 0, "context-issue", "history", "ISS-2", "--from", "1", "--to", "2", "--json");
    json_t *j = json_out(f);
    json_t *ch = json_array_get(json_object_get(j, "changes"), 0);
    assert_string_equal(json_string_value(json_object_get(ch, "field")), "effect");
    assert_true(json_is_null(json_object_get(ch, "before")));
    assert_string_equal(json_string_value(json_object_get(ch, "after")), "Bob");
    json_decref(j);
    RUN(f, 0, "context-issue", "history", "ISS-2", "--json");
    j = json_out(f);
    json_t *second = json_array_get(json_object_get(j, "items"), 1);
    assert_string_equal(json_string_value(json_object_get(second, "actor")), "bob");
    assert_string_equal(json_string_value(json_object_get(second, "channel")), "cli");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(second, "record"), "effect")), "Bob");
    json_decref(j);
    /* A deleted record keeps its history. */
    RUN(f, 0, "person", "add", "--name", "Ann Becker");
    RUN(f, 0, "process", "add", "--title", "Backup", "--owner", "PER-1");
    RUN(f, 0, "process", "delete", "PRC-1");
    RUN(f, 0, "process", "history", "PRC-1");
    OUT_HAS(f, "delete");
    /* Bad input, each named. */
    RUN(f, 1, "context-issue", "history", "ISS-1", "--from", "x", "--to", "2");
    ERR_HAS(f, "--from: must be a version number");
    RUN(f, 1, "context-issue", "history", "ISS-1", "--from", "1");
    ERR_HAS(f, "--to: is required with --from");
    RUN(f, 1, "context-issue", "history", "ISS-1", "--to", "0");
    ERR_HAS(f, "--from: is required");
    RUN(f, 1, "context-issue", "history", "ISS-1", "--from", "1", "--to", "9");
    ERR_HAS(f, "no version 9 of ISS-1");
    RUN(f, 1, "context-issue", "history", "ISS-99");
    ERR_HAS(f, "no entry for ISS-99");
    RUN(f, 2, "context-issue", "history");
    RUN(f, 2, "context-issue", "history", "PRC-1");
    RUN(f, 2, "context-issue", "history", "ISS-1", "--bogus", "1");
}

static void test_help_and_usage(void **state)
{
    fx *f = *state;
    RUN(f, 0, "--help");
    OUT_HAS(f, "  log ");
    OUT_HAS(f, "history ID");
    RUN(f, 0, "log", "--help");
    OUT_HAS(f, "Usage: isms log VERB");
    static const char *const verbs[] = {"verify", "list", "redact", "keygen", "checkpoint"};
    for (size_t i = 0; i < 5; i++) {
        RUN(f, 0, "log", verbs[i], "--help");
        char want[64];
        snprintf(want, sizeof(want), "Usage: isms log %s", verbs[i]);
        OUT_HAS(f, want);
    }
    RUN(f, 0, "context-issue", "--help");
    OUT_HAS(f, "isms context-issue history ID");
    RUN(f, 0, "context-issue", "history", "--help");
    OUT_HAS(f, "Usage: isms context-issue history ID");
    RUN(f, 0, "serve", "--help");
    OUT_HAS(f, "--checkpoint-key FILE");
    RUN(f, 2, "log");
    OUT_HAS(f, "Usage: isms log VERB");
    RUN(f, 2, "log", "frobnicate");
    ERR_HAS(f, "frobnicate");
    RUN(f, 2, "log", "verify", "extra");
    RUN(f, 2, "log", "verify", "--bogus");
    RUN(f, 2, "log", "verify", "--expect", "6");
    RUN(f, 2, "log", "verify", "--expect", "x:0000");
    RUN(f, 2, "log", "verify", "--public-key", "/nonexistent/key.pub");
    ERR_HAS(f, "--public-key");
    RUN(f, 2, "log", "list", "--limit", "0");
    ERR_HAS(f, "--limit");
    RUN(f, 2, "log", "list", "--kind", "nope");
    ERR_HAS(f, "--kind");
    RUN(f, 2, "log", "list", "--id", "XYZ-1");
    ERR_HAS(f, "--id");
    RUN(f, 2, "log", "list", "--kind", "process", "--id", "ISS-1");
    RUN(f, 2, "log", "list", "--after", "-1");
    RUN(f, 2, "log", "redact");
    RUN(f, 2, "log", "redact", "abc", "--reason", "x");
    RUN(f, 2, "log", "redact", "1");
    ERR_HAS(f, "--reason");
    RUN(f, 2, "log", "keygen");
    RUN(f, 2, "log", "keygen", "--secret", f->secret);
    RUN(f, 2, "log", "checkpoint");
    RUN(f, 2, "serve", "--checkpoint-every", "5");
    RUN(f, 2, "serve", "--checkpoint-key", f->secret);
}

static void test_keys(void **state)
{
    fx *f = *state;
    RUN(f, 0, "log", "keygen", "--secret", f->secret, "--public", f->public);
    OUT_HAS(f, "key ");
    struct stat sb;
    assert_int_equal(stat(f->secret, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* Never overwritten, and nothing left half-made. */
    char other[400];
    snprintf(other, sizeof(other), "%s/other.pub", f->dir);
    RUN(f, 1, "log", "keygen", "--secret", f->secret, "--public", other);
    ERR_HAS(f, "never overwrites");
    assert_int_not_equal(access(other, F_OK), 0);
    char other_secret[400];
    snprintf(other_secret, sizeof(other_secret), "%s/other.key", f->dir);
    RUN(f, 1, "log", "keygen", "--secret", other_secret, "--public", f->public);
    assert_int_not_equal(access(other_secret, F_OK), 0);
    /* An empty log has nothing to sign. */
    RUN(f, 1, "log", "checkpoint", "--key", f->secret);
    ERR_HAS(f, "empty");
    six_entries(f);
    RUN(f, 0, "log", "checkpoint", "--key", f->secret, "--json");
    json_t *j = json_out(f);
    assert_int_equal(json_integer_value(json_object_get(j, "seq")), 6);
    json_decref(j);
    /* The wrong files, and a secret key others may read. */
    RUN(f, 2, "log", "checkpoint", "--key", f->public);
    ERR_HAS(f, "may be read by other users");
    chmod(f->public, 0600);
    RUN(f, 2, "log", "checkpoint", "--key", f->public);
    ERR_HAS(f, "is not a secret key");
    RUN(f, 2, "log", "verify", "--public-key", f->secret);
    ERR_HAS(f, "is not a file of public keys");
    chmod(f->secret, 0640);
    RUN(f, 2, "log", "checkpoint", "--key", f->secret);
    chmod(f->secret, 0600);
    /* Another key pair's public key does not verify this checkpoint. */
    RUN(f, 0, "log", "keygen", "--secret", other_secret, "--public", other);
    RUN(f, 1, "log", "verify", "--public-key", other);
    ERR_HAS(f, "does not verify with this public key");
    RUN(f, 0, "log", "verify", "--public-key", f->public);
    /* After a rotation: the new key signs, the old one is kept in the same file. */
    RUN(f, 0, "log", "checkpoint", "--key", other_secret);
    RUN(f, 1, "log", "verify", "--public-key", f->public);
    char both[400];
    snprintf(both, sizeof(both), "%s/both.pub", f->dir);
    FILE *out = fopen(both, "w");
    assert_non_null(out);
    for (int i = 0; i < 2; i++) {
        FILE *in = fopen(i ? f->public : other, "r");
        assert_non_null(in);
        char line[256];
        assert_non_null(fgets(line, sizeof(line), in));
        fputs(line, out);
        fputs("\n", out);
        fclose(in);
    }
    fclose(out);
    RUN(f, 0, "log", "verify", "--public-key", both);
    OUT_HAS(f, "checkpoints: 2, signatures verified with keys ");
    out = fopen(both, "a");
    assert_non_null(out);
    fputs("isms-log-public-key 00\n", out);
    fclose(out);
    RUN(f, 2, "log", "verify", "--public-key", both);
    ERR_HAS(f, "is not a file of public keys");
}

int main(void)
{
    unsetenv("ISMS_DB");
    unsetenv("ISMS_ACTOR");
    if (!getenv("ISMS_BIN")) {
        fprintf(stderr, "test_log_tamper: set ISMS_BIN to the isms binary\n");
        return 1;
    }
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_intact_log_verifies),
        T(test_edited_entry),
        T(test_edited_content),
        T(test_deleted_entry),
        T(test_swapped_entries),
        T(test_content_removed_quietly),
        T(test_rewritten_tail),
        T(test_truncated_tail),
        T(test_record_changed_around_isms),
        T(test_failed_entry_leaves_nothing),
        T(test_list_and_redact),
        T(test_log_permissions),
        T(test_history_verb),
        T(test_help_and_usage),
        T(test_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
