/*
 * The change log in the store: appending entries inside the write
 * transaction, reading them one at a time, redacting a content, and signed
 * checkpoints. Statements are made once per store from the dialect; values
 * are always bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record_json.h"
#include "store/internal.h"
#include "util/die.h"

#define DRV(c) ((c)->owner->driver)

enum { LOG_SQL_MAX = 4096, LOG_CONTENT_MAX = 16u << 20 };

/* A store that predates the change log holds this setting until its baseline is written. */
static const char baseline_key[] = "change_log_baseline";

#define LOG_COLUMNS                                                                                \
    "\"seq\", \"at\", \"actor\", \"channel\", \"kind\", \"record_id\", \"action\", \"version\", "  \
    "\"content\", \"content_hash\", \"prev_hash\", \"hash\""
#define LOG_SELECT "SELECT " LOG_COLUMNS " FROM \"isms_change_log\" "

/* Column numbers of LOG_COLUMNS. */
enum {
    LC_SEQ,
    LC_AT,
    LC_ACTOR,
    LC_CHANNEL,
    LC_KIND,
    LC_RECORD_ID,
    LC_ACTION,
    LC_VERSION,
    LC_CONTENT,
    LC_CONTENT_HASH,
    LC_PREV_HASH,
    LC_HASH
};

/* $N stands for parameter N, written as the dialect writes placeholders. */
static const char *const templates[LOG_SQL_COUNT] = {
    [LOG_LAST] = "SELECT \"seq\", \"hash\" FROM \"isms_change_log\" ORDER BY \"seq\" DESC LIMIT 1",
    [LOG_INSERT] = "INSERT INTO \"isms_change_log\" (" LOG_COLUMNS
                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    [LOG_GET] = LOG_SELECT "WHERE \"seq\" = $1",
    [LOG_ALL] = LOG_SELECT "WHERE \"seq\" > $1 ORDER BY \"seq\" LIMIT $2",
    [LOG_KIND] = LOG_SELECT "WHERE \"kind\" = $1 AND \"seq\" > $2 ORDER BY \"seq\" LIMIT $3",
    [LOG_RECORD] = LOG_SELECT "WHERE \"kind\" = $1 AND \"record_id\" = $2 AND \"seq\" > $3 "
                              "ORDER BY \"seq\" LIMIT $4",
    [LOG_RECORD_DESC] = LOG_SELECT "WHERE \"kind\" = $1 AND \"record_id\" = $2 "
                                   "ORDER BY \"seq\" DESC LIMIT $3",
    [LOG_LATEST] = LOG_SELECT "WHERE \"kind\" = $1 AND \"record_id\" = $2 AND \"action\" <> $3 "
                              "ORDER BY \"seq\" DESC LIMIT 1",
    [LOG_VERSION] = LOG_SELECT "WHERE \"kind\" = $1 AND \"record_id\" = $2 AND \"version\" = $3 "
                               "AND \"action\" <> $4 AND \"action\" <> $5 ORDER BY \"seq\" LIMIT 1",
    [LOG_BY_RECORD] = LOG_SELECT "WHERE \"kind\" = $1 AND \"action\" <> $2 AND "
                                 "(\"record_id\", \"seq\") > ($3, $4) "
                                 "ORDER BY \"record_id\", \"seq\" LIMIT $5",
    [LOG_REDACT] = "UPDATE \"isms_change_log\" SET \"content\" = NULL WHERE \"seq\" = $1 "
                   "AND \"content\" IS NOT NULL",
    [CHECKPOINT_INSERT] = "INSERT INTO \"isms_log_checkpoint\" (\"at\", \"seq\", \"hash\", "
                          "\"key_id\", \"signature\") VALUES ($1, $2, $3, $4, $5)",
    [CHECKPOINT_ALL] = "SELECT \"seq\", \"hash\", \"at\", \"key_id\", \"signature\" FROM "
                       "\"isms_log_checkpoint\" ORDER BY \"id\"",
    [CHECKPOINT_LATEST] = "SELECT \"seq\", \"hash\", \"at\", \"key_id\", \"signature\" FROM "
                          "\"isms_log_checkpoint\" ORDER BY \"id\" DESC LIMIT 1",
};

void log_sql_build(char *out[LOG_SQL_COUNT], const sql_dialect *d)
{
    strbuf b;
    strbuf_init(&b, LOG_SQL_MAX);
    for (size_t i = 0; i < LOG_SQL_COUNT; i++) {
        for (const char *p = templates[i]; *p; p++) {
            if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
                int n = 0;
                while (p[1] >= '0' && p[1] <= '9')
                    n = n * 10 + (*++p - '0');
                d->placeholder(&b, n);
            } else {
                strbuf_putc(&b, *p);
            }
        }
        if (!strbuf_ok(&b))
            die("change log SQL too long");
        out[i] = strdup(b.ptr);
        if (!out[i])
            die_oom();
        strbuf_reset(&b);
    }
    strbuf_dispose(&b);
}

void log_sql_dispose(char *sql[LOG_SQL_COUNT])
{
    for (size_t i = 0; i < LOG_SQL_COUNT; i++) {
        free(sql[i]);
        sql[i] = NULL;
    }
}

static isms_err prepare(store_conn *c, log_sql which, db_stmt **out, isms_status *st)
{
    return conn_prepare(c, c->owner->log_sql[which], out, st);
}

/* The entry in the current row; its strings live until the next step or reset. */
static void read_entry(const store_driver *d, db_stmt *s, changelog_entry *e)
{
    e->seq = d->column_int(s, LC_SEQ);
    e->at = d->column_text(s, LC_AT);
    e->actor = d->column_text(s, LC_ACTOR);
    e->channel = d->column_text(s, LC_CHANNEL);
    e->kind = d->column_text(s, LC_KIND);
    e->record_id = d->column_int(s, LC_RECORD_ID);
    e->action = d->column_text(s, LC_ACTION);
    e->version = d->column_int(s, LC_VERSION);
    e->content = d->column_null(s, LC_CONTENT) ? NULL : d->column_text(s, LC_CONTENT);
    e->content_hash = d->column_text(s, LC_CONTENT_HASH);
    e->prev_hash = d->column_text(s, LC_PREV_HASH);
    e->hash = d->column_text(s, LC_HASH);
}

static void copy_entry(arena *a, const changelog_entry *e, changelog_entry *out)
{
    *out = *e;
    out->at = arena_strdup(a, e->at);
    out->actor = arena_strdup(a, e->actor);
    out->channel = arena_strdup(a, e->channel);
    out->kind = arena_strdup(a, e->kind);
    out->action = arena_strdup(a, e->action);
    out->content = arena_strdup(a, e->content);
    out->content_hash = arena_strdup(a, e->content_hash);
    out->prev_hash = arena_strdup(a, e->prev_hash);
    out->hash = arena_strdup(a, e->hash);
}

/* --- appending ----------------------------------------------------------- */

isms_err store_log_last(store_conn *c, int64_t *seq, char hash[CHANGELOG_HEX], isms_status *st)
{
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = prepare(c, LOG_LAST, &s, st);
    if (e != ISMS_OK)
        return e;
    db_step r = d->step(s, st);
    *seq = 0;
    memcpy(hash, changelog_genesis, CHANGELOG_HEX);
    if (r == DB_ROW) {
        *seq = d->column_int(s, 0);
        snprintf(hash, CHANGELOG_HEX, "%s", d->column_text(s, 1));
    }
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_log_append(store_txn *t, const char *kind, int64_t record_id, const char *action,
                          int64_t version, const char *content, int64_t *seq, isms_status *st)
{
    store_conn *c = t->conn;
    const store_driver *d = DRV(c);
    isms_err e = ISMS_OK;
    if (!t->log_known && (e = store_log_last(c, &t->log_seq, t->log_hash, st)) != ISMS_OK)
        return e;
    t->log_known = true;
    char content_hash[CHANGELOG_HEX], hash[CHANGELOG_HEX];
    changelog_digest(content, strlen(content), content_hash);
    changelog_entry en = {
        .seq = t->log_seq + 1,
        .at = t->ctx->now,
        .actor = t->ctx->actor,
        .channel = t->ctx->channel,
        .kind = kind,
        .record_id = record_id,
        .action = action,
        .version = version,
        .content = content,
        .content_hash = content_hash,
        .prev_hash = t->log_hash,
    };
    changelog_entry_hash(&en, hash);
    db_stmt *s;
    if ((e = prepare(c, LOG_INSERT, &s, st)) != ISMS_OK)
        return e;
    d->bind_int(s, 1 + LC_SEQ, en.seq);
    d->bind_text(s, 1 + LC_AT, en.at);
    d->bind_text(s, 1 + LC_ACTOR, en.actor);
    d->bind_text(s, 1 + LC_CHANNEL, en.channel);
    d->bind_text(s, 1 + LC_KIND, en.kind);
    d->bind_int(s, 1 + LC_RECORD_ID, en.record_id);
    d->bind_text(s, 1 + LC_ACTION, en.action);
    d->bind_int(s, 1 + LC_VERSION, en.version);
    d->bind_text(s, 1 + LC_CONTENT, en.content);
    d->bind_text(s, 1 + LC_CONTENT_HASH, en.content_hash);
    d->bind_text(s, 1 + LC_PREV_HASH, en.prev_hash);
    d->bind_text(s, 1 + LC_HASH, hash);
    db_step r = d->step(s, st);
    d->reset(s);
    if (r == DB_ERROR) {
        char why[sizeof(st->detail)]; /* the detail cannot be both source and target */
        snprintf(why, sizeof(why), "%s", st->detail);
        return status_fail(st, st->code, "the change log refused the entry: %.400s", why);
    }
    t->log_seq = en.seq;
    memcpy(t->log_hash, hash, CHANGELOG_HEX);
    if (seq)
        *seq = en.seq;
    return ISMS_OK;
}

isms_err store_log_record(store_txn *t, const char *action, const isms_record *rec, isms_status *st)
{
    strbuf b;
    strbuf_init(&b, LOG_CONTENT_MAX);
    record_json_write(&b, rec);
    isms_err e = strbuf_ok(&b) ? store_log_append(t, rec->kind->name, rec->id, action, rec->version,
                                                  b.ptr, NULL, st)
                               : status_fail(st, ISMS_ETOOBIG, "the record is too large to log");
    strbuf_dispose(&b);
    return e;
}

/* --- reading ------------------------------------------------------------- */

isms_err store_log_each(store_conn *c, const store_log_filter *f, store_log_fn fn, void *arg,
                        isms_status *st)
{
    const store_driver *d = DRV(c);
    int64_t limit = f->limit > 0 ? f->limit : INT64_MAX;
    bool one = f->kind && f->record_id;
    log_sql which = one       ? (f->newest_first ? LOG_RECORD_DESC : LOG_RECORD)
                    : f->kind ? LOG_KIND
                              : LOG_ALL;
    if (f->newest_first && !one)
        die("store_log_each: newest_first needs a record");
    db_stmt *s;
    isms_err e = prepare(c, which, &s, st);
    if (e != ISMS_OK)
        return e;
    int n = 1;
    if (f->kind)
        d->bind_text(s, n++, f->kind);
    if (one)
        d->bind_int(s, n++, f->record_id);
    if (!f->newest_first)
        d->bind_int(s, n++, f->after);
    d->bind_int(s, n, limit);
    db_step r;
    while ((r = d->step(s, st)) == DB_ROW) {
        changelog_entry en;
        read_entry(d, s, &en);
        if (!fn(&en, arg))
            break;
    }
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

/* Run a statement expected to give at most one entry; copies it into a. */
static isms_err one_entry(store_conn *c, db_stmt *s, arena *a, changelog_entry *out, bool *found,
                          isms_status *st)
{
    const store_driver *d = DRV(c);
    db_step r = d->step(s, st);
    *found = r == DB_ROW;
    if (r == DB_ROW) {
        changelog_entry en;
        read_entry(d, s, &en);
        copy_entry(a, &en, out);
    }
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_log_get(store_conn *c, int64_t seq, arena *a, changelog_entry *out, isms_status *st)
{
    db_stmt *s;
    isms_err e = prepare(c, LOG_GET, &s, st);
    if (e != ISMS_OK)
        return e;
    DRV(c)->bind_int(s, 1, seq);
    bool found;
    e = one_entry(c, s, a, out, &found, st);
    if (e == ISMS_OK && !found)
        e = status_fail(st, ISMS_ENOTFOUND, "the change log has no entry %lld", (long long)seq);
    return e;
}

isms_err store_log_latest(store_conn *c, const isms_kind *k, int64_t id, arena *a,
                          changelog_entry *out, bool *found, isms_status *st)
{
    db_stmt *s;
    isms_err e = prepare(c, LOG_LATEST, &s, st);
    if (e != ISMS_OK)
        return e;
    DRV(c)->bind_text(s, 1, k->name);
    DRV(c)->bind_int(s, 2, id);
    DRV(c)->bind_text(s, 3, CHANGELOG_REDACT);
    return one_entry(c, s, a, out, found, st);
}

isms_err store_log_version(store_conn *c, const isms_kind *k, int64_t id, int64_t version, arena *a,
                           changelog_entry *out, isms_status *st)
{
    db_stmt *s;
    isms_err e = prepare(c, LOG_VERSION, &s, st);
    if (e != ISMS_OK)
        return e;
    const store_driver *d = DRV(c);
    d->bind_text(s, 1, k->name);
    d->bind_int(s, 2, id);
    d->bind_int(s, 3, version);
    d->bind_text(s, 4, CHANGELOG_DELETE);
    d->bind_text(s, 5, CHANGELOG_REDACT);
    bool found;
    e = one_entry(c, s, a, out, &found, st);
    if (e == ISMS_OK && !found) {
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, k, id);
        e = status_fail(st, ISMS_ENOTFOUND, "the change log has no version %lld of %s",
                        (long long)version, hid);
    }
    return e;
}

/*
 * Rows come by record, oldest first: the last row of a record is its newest
 * entry. They are read in pages of LOG_PAGE rows (keyset: after the last
 * record id and seq), because the callback reads the records meanwhile on
 * the same connection: a driver that streams rows (PostgreSQL) then holds at
 * most one page of them, not the whole log.
 */
enum { LOG_PAGE = 512 };

isms_err store_log_records(store_conn *c, const isms_kind *k, store_log_fn fn, void *arg,
                           isms_status *st)
{
    const store_driver *d = DRV(c);
    arena held_arena;
    arena_init(&held_arena);
    changelog_entry held;
    bool have = false, more = true;
    int64_t after_record = 0, after_seq = 0, rows = LOG_PAGE;
    db_step r = DB_DONE;
    isms_err e = ISMS_OK;
    while (more && rows == LOG_PAGE) {
        db_stmt *s;
        if ((e = prepare(c, LOG_BY_RECORD, &s, st)) != ISMS_OK)
            break;
        d->bind_text(s, 1, k->name);
        d->bind_text(s, 2, CHANGELOG_REDACT);
        d->bind_int(s, 3, after_record);
        d->bind_int(s, 4, after_seq);
        d->bind_int(s, 5, LOG_PAGE);
        rows = 0;
        while ((r = d->step(s, st)) == DB_ROW) {
            changelog_entry en;
            read_entry(d, s, &en);
            rows++;
            after_record = en.record_id;
            after_seq = en.seq;
            if (have && en.record_id != held.record_id && !(more = fn(&held, arg)))
                break;
            arena_dispose(&held_arena);
            arena_init(&held_arena);
            copy_entry(&held_arena, &en, &held);
            have = true;
        }
        d->reset(s);
        if (r == DB_ERROR) {
            e = st->code;
            break;
        }
    }
    if (e == ISMS_OK && have && more)
        fn(&held, arg);
    arena_dispose(&held_arena);
    return e;
}

/* --- redaction ------------------------------------------------------------ */

isms_err store_log_redact(store_txn *t, int64_t seq, const char *reason, int64_t *redaction_seq,
                          isms_status *st)
{
    store_conn *c = t->conn;
    const store_driver *d = DRV(c);
    arena a;
    arena_init(&a);
    changelog_entry target;
    isms_err e = store_log_get(c, seq, &a, &target, st);
    if (e == ISMS_OK && strcmp(target.action, CHANGELOG_REDACT) == 0)
        e = status_fail(st, ISMS_ECONFLICT,
                        "entry %lld records a redaction; redactions "
                        "cannot be redacted",
                        (long long)seq);
    else if (e == ISMS_OK && !target.content)
        e = status_fail(st, ISMS_ECONFLICT, "entry %lld is already redacted", (long long)seq);
    db_stmt *s;
    if (e == ISMS_OK && (e = prepare(c, LOG_REDACT, &s, st)) == ISMS_OK) {
        d->bind_int(s, 1, seq);
        db_step r = d->step(s, st);
        d->reset(s);
        if (r == DB_ERROR)
            e = st->code;
        else if (d->changes(c->db) != 1)
            e = status_fail(st, ISMS_ECONFLICT, "entry %lld could not be redacted", (long long)seq);
    }
    if (e == ISMS_OK) {
        char *content = changelog_redaction_content(seq, reason);
        e = store_log_append(t, target.kind, target.record_id, CHANGELOG_REDACT, target.version,
                             content, redaction_seq, st);
        free(content);
    }
    arena_dispose(&a);
    return e;
}

/* --- checkpoints ---------------------------------------------------------- */

isms_err store_checkpoint_add(store_txn *t, const changelog_checkpoint *cp, isms_status *st)
{
    store_conn *c = t->conn;
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = prepare(c, CHECKPOINT_INSERT, &s, st);
    if (e != ISMS_OK)
        return e;
    d->bind_text(s, 1, cp->at);
    d->bind_int(s, 2, cp->seq);
    d->bind_text(s, 3, cp->hash);
    d->bind_text(s, 4, cp->key_id);
    d->bind_text(s, 5, cp->signature);
    db_step r = d->step(s, st);
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

static isms_err checkpoints(store_conn *c, log_sql which, store_checkpoint_fn fn, void *arg,
                            isms_status *st)
{
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = prepare(c, which, &s, st);
    if (e != ISMS_OK)
        return e;
    db_step r;
    while ((r = d->step(s, st)) == DB_ROW) {
        changelog_checkpoint cp = {
            .seq = d->column_int(s, 0),
            .hash = d->column_text(s, 1),
            .at = d->column_text(s, 2),
            .key_id = d->column_text(s, 3),
            .signature = d->column_text(s, 4),
        };
        if (!fn(&cp, arg))
            break;
    }
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

isms_err store_checkpoint_each(store_conn *c, store_checkpoint_fn fn, void *arg, isms_status *st)
{
    return checkpoints(c, CHECKPOINT_ALL, fn, arg, st);
}

static bool keep_seq(const changelog_checkpoint *cp, void *arg)
{
    *(int64_t *)arg = cp->seq;
    return false;
}

isms_err store_checkpoint_last_seq(store_conn *c, int64_t *seq, isms_status *st)
{
    *seq = 0;
    return checkpoints(c, CHECKPOINT_LATEST, keep_seq, seq, st);
}

/* --- the baseline of a store that predates the log ------------------------ */

/*
 * Log one record as it is now, unless its newest entry already holds exactly
 * that (or was redacted: logging it again would undo the redaction). So a
 * later migration that changes records marks the baseline pending again and
 * only the records it changed, or made, get an entry.
 */
static isms_err baseline_record(store_txn *t, const isms_record *r, arena *a, isms_status *st)
{
    changelog_entry latest;
    bool found = false;
    isms_err e = store_log_latest(t->conn, r->kind, r->id, a, &latest, &found, st);
    if (e != ISMS_OK)
        return e;
    if (found && strcmp(latest.action, CHANGELOG_DELETE) != 0) {
        if (!latest.content)
            return ISMS_OK;
        strbuf b;
        strbuf_init(&b, LOG_CONTENT_MAX);
        record_json_write(&b, r);
        bool same = strbuf_ok(&b) && strcmp(b.ptr, latest.content) == 0;
        strbuf_dispose(&b);
        if (same)
            return ISMS_OK;
    }
    return store_log_record(t, CHANGELOG_BASELINE, r, st);
}

/* Log every record of kind k (retired ones too) that the log does not show as it is. */
static isms_err baseline_kind(store_txn *t, const isms_kind *k, isms_status *st)
{
    char cursor[STORE_CURSOR_MAX + 1] = "";
    isms_err e = ISMS_OK;
    do {
        arena a;
        arena_init(&a);
        store_query q = {.kind = k,
                         .limit = STORE_PAGE_MAX,
                         .retired = STORE_WITH_RETIRED,
                         .cursor = cursor[0] ? cursor : NULL};
        store_page page;
        e = store_list(t->conn, &q, &a, &page, st);
        for (size_t i = 0; e == ISMS_OK && i < page.n; i++)
            e = baseline_record(t, page.items[i], &a, st);
        if (e == ISMS_OK && page.next_cursor)
            snprintf(cursor, sizeof(cursor), "%s", page.next_cursor);
        else
            cursor[0] = '\0';
        arena_dispose(&a);
    } while (e == ISMS_OK && cursor[0]);
    return e;
}

static isms_err baseline_pending(store_conn *c, bool *pending, isms_status *st)
{
    arena a;
    arena_init(&a);
    const char *v = NULL;
    isms_err e = store_setting_get(c, baseline_key, &a, &v, st);
    *pending = e == ISMS_OK && v && strcmp(v, "pending") == 0;
    arena_dispose(&a);
    return e;
}

static isms_err write_baseline(store_txn *t, void *arg, isms_status *st)
{
    const isms_registry *reg = arg;
    bool pending;
    isms_err e = baseline_pending(t->conn, &pending, st); /* again, under the write lock */
    for (size_t i = 0; e == ISMS_OK && pending && i < reg->nkinds; i++)
        e = baseline_kind(t, reg->kinds[i], st);
    if (e == ISMS_OK && pending)
        e = store_setting_put(t, baseline_key, "done", st);
    return e;
}

isms_err log_baseline(store *s, isms_status *st)
{
    bool has_log = false;
    isms_err e = s->driver->has_table(s->conns[0].db, "isms_change_log", &has_log, st);
    if (e != ISMS_OK || !has_log)
        return e;
    store_conn *c;
    if ((e = store_borrow(s, &c, st)) != ISMS_OK)
        return e;
    bool pending = false;
    e = baseline_pending(c, &pending, st);
    store_return(c);
    if (e != ISMS_OK || !pending)
        return e;
    isms_write_ctx ctx;
    write_ctx_init(&ctx, "isms", "migration");
    return store_write(s, &ctx, write_baseline, (void *)s->reg, st);
}
