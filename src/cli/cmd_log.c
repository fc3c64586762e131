/*
 * `isms log verify|list|redact|keygen|checkpoint`: the change log of ISO/IEC
 * 27001:2022 7.5.3 (docs/CLI.md, "The change log"; what it can and cannot
 * detect: docs/SECURITY.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/history.h"
#include "core/log_verify.h"
#include "core/records.h"
#include "core/value.h"

enum { PUBLIC_KEYS_MAX = 16 };

typedef struct public_keys {
    unsigned char keys[PUBLIC_KEYS_MAX][CHANGELOG_PUBLIC_KEY];
    char ids[PUBLIC_KEYS_MAX][CHANGELOG_KEY_ID];
    size_t n;
} public_keys;

static int no_more_args(cli_ctx *c, size_t allowed)
{
    if (c->args.npos > allowed)
        return cli_usage(c, "unexpected argument '%s'", c->args.pos[allowed]);
    return cli_check_unused(c);
}

/* --- key files ------------------------------------------------------------ */

/* Read a small key file into buf (NUL-terminated); a usage error naming the option otherwise. */
static int read_key_file(cli_ctx *c, const char *option, const char *path, bool secret, char *buf,
                         size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cli_usage(c, "%s: cannot read %s: %s", option, path, strerror(errno));
    struct stat sb;
    int rc = EXIT_OK;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        rc = cli_usage(c, "%s: %s is not a regular file", option, path);
    else if (secret && (sb.st_mode & 077))
        rc = cli_usage(c,
                       "%s: the secret key %s may be read by other users; make it private "
                       "(chmod 600 %s)",
                       option, path, path);
    ssize_t n = rc == EXIT_OK ? read(fd, buf, size - 1) : 0;
    close(fd);
    if (rc != EXIT_OK)
        return rc;
    if (n < 0)
        return cli_usage(c, "%s: cannot read %s: %s", option, path, strerror(errno));
    buf[n] = '\0';
    return EXIT_OK;
}

int cli_read_secret_key(cli_ctx *c, const char *option, const char *path, changelog_keypair *kp)
{
    char buf[CHANGELOG_KEY_FILE_MAX];
    int rc = read_key_file(c, option, path, true, buf, sizeof(buf));
    if (rc == EXIT_OK && !changelog_parse_secret(buf, kp))
        rc = cli_usage(c, "%s: %s is not a secret key of isms (`isms log keygen` makes one)",
                       option, path);
    memset(buf, 0, sizeof(buf));
    return rc;
}

/*
 * The public keys in path: one "isms-log-public-key ..." line each (keep the old ones
 * after a rotation, so the checkpoints they signed still verify).
 */
static int read_public_keys(cli_ctx *c, const char *path, public_keys *out)
{
    char buf[CHANGELOG_KEY_FILE_MAX * PUBLIC_KEYS_MAX];
    int rc = read_key_file(c, "--public-key", path, false, buf, sizeof(buf));
    out->n = 0;
    for (char *line = buf, *next; rc == EXIT_OK && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (line[strspn(line, " \t\r")] == '\0')
            continue;
        if (out->n == PUBLIC_KEYS_MAX)
            rc = cli_usage(c, "--public-key: %s holds more than %d keys", path, PUBLIC_KEYS_MAX);
        else if (!changelog_parse_public(line, out->keys[out->n]))
            rc = cli_usage(c,
                           "--public-key: %s is not a file of public keys of isms (`isms log "
                           "keygen` makes one)",
                           path);
        else {
            changelog_key_id(out->keys[out->n], out->ids[out->n]);
            out->n++;
        }
    }
    if (rc == EXIT_OK && out->n == 0)
        rc = cli_usage(c, "--public-key: %s holds no key", path);
    return rc;
}

/* --- verify --------------------------------------------------------------- */

/* --expect SEQ:HASH, as `isms log verify` prints them. */
static int expect_arg(cli_ctx *c, log_verify_options *o, char hash[CHANGELOG_HEX])
{
    const char *v = args_value(&c->args, "expect");
    if (!v)
        return EXIT_OK;
    const char *colon = strchr(v, ':');
    char num[24];
    if (!colon || (size_t)(colon - v) >= sizeof(num))
        return cli_usage(c, "--expect needs SEQ:HASH, as `isms log verify` prints them");
    memcpy(num, v, (size_t)(colon - v));
    num[colon - v] = '\0';
    if (!parse_int64(num, &o->expect_seq) || o->expect_seq < 1 || !changelog_is_hash(colon + 1))
        return cli_usage(c, "--expect needs SEQ:HASH, as `isms log verify` prints them");
    snprintf(hash, CHANGELOG_HEX, "%s", colon + 1);
    o->expect_hash = hash;
    return EXIT_OK;
}

static void verify_print_json(cli_ctx *c, const log_verify_result *r, const public_keys *keys)
{
    json_t *j = log_verify_to_json(r);
    if (keys) {
        json_t *ids = json_array();
        for (size_t i = 0; i < keys->n; i++)
            json_array_append_new(ids, json_string(keys->ids[i]));
        json_object_set_new(j, "key_ids", ids);
    }
    print_json(c, j);
    json_decref(j);
}

static void verify_print_text(cli_ctx *c, const log_verify_result *r, const public_keys *keys,
                              const log_verify_options *o)
{
    FILE *out = c->out;
    fprintf(out, "chain ok: %" PRId64 " entr%s", r->entries, r->entries == 1 ? "y" : "ies");
    if (r->redacted)
        fprintf(out, " (%" PRId64 " redacted)", r->redacted);
    fprintf(out, ", last seq %" PRId64 " hash %s\n", r->last_seq, r->last_hash);
    if (o->expect_hash)
        fprintf(out, "expected: entry %" PRId64 " still has the hash given\n", o->expect_seq);
    if (r->checkpoints == 0)
        fputs("checkpoints: none\n", out);
    else if (keys) {
        fprintf(out, "checkpoints: %" PRId64 ", signatures verified with key%s", r->checkpoints,
                keys->n == 1 ? "" : "s");
        for (size_t i = 0; i < keys->n; i++)
            fprintf(out, "%s%s", i ? ", " : " ", keys->ids[i]);
        fputc('\n', out);
    } else
        fprintf(out,
                "checkpoints: %" PRId64 " (signatures not checked: give --public-key "
                "FILE)\n",
                r->checkpoints);
    if (!o->skip_records)
        fprintf(out, "records: %" PRId64 " match their last entries\n", r->records);
}

/* The verdict on stderr: the detail names the entry, checkpoint or record. */
static int verify_failed(cli_ctx *c, const log_verify_result *r)
{
    if (c->json) {
        json_t *p =
            json_pack("{s:s,s:s,s:s,s:s}", "type", "log_broken", "title",
                      "The change log does not verify", "problem", r->problem, "detail", r->detail);
        char *s = p ? json_dumps(p, JSON_PRESERVE_ORDER) : NULL;
        if (s)
            fprintf(c->err, "%s\n", s);
        free(s);
        json_decref(p);
    } else {
        fprintf(c->err, "isms: %s\n", r->detail);
    }
    return EXIT_USER;
}

static int verb_verify(cli_ctx *c)
{
    log_verify_options o = {0};
    char hash[CHANGELOG_HEX];
    public_keys *keys = arena_alloc(&c->arena, sizeof(*keys));
    const char *pk_file = args_value(&c->args, "public_key");
    o.skip_records = args_flag(&c->args, "chain_only");
    int rc = expect_arg(c, &o, hash);
    if (rc == EXIT_OK)
        rc = no_more_args(c, 2);
    if (rc == EXIT_OK && pk_file && (rc = read_public_keys(c, pk_file, keys)) == EXIT_OK) {
        o.public_keys = keys->keys[0];
        o.npublic_keys = keys->n;
    }
    store *s;
    if (rc != EXIT_OK || (rc = cli_open_store(c, false, &s)) != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    log_verify_result r;
    isms_err e = store_borrow(s, &conn, &st);
    if (e == ISMS_OK) {
        e = log_verify(conn, c->reg, &o, &r, &st);
        store_return(conn);
    }
    cli_close_store(c, s);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    if (c->json)
        verify_print_json(c, &r, pk_file ? keys : NULL);
    else if (r.ok)
        verify_print_text(c, &r, pk_file ? keys : NULL, &o);
    return r.ok ? EXIT_OK : verify_failed(c, &r);
}

/* --- list ----------------------------------------------------------------- */

typedef struct list_walk {
    cli_ctx *c;
    const isms_registry *reg;
    text_table table;
    json_t *items;
    int64_t limit, shown, last_seq;
    bool more;
} list_walk;

static const char *record_text(list_walk *w, const changelog_entry *e)
{
    const isms_kind *k = registry_kind(w->reg, e->kind);
    if (!k)
        return arena_printf(&w->c->arena, "%s %" PRId64, e->kind, e->record_id);
    return human_id(&w->c->arena, k, e->record_id);
}

static bool list_entry(const changelog_entry *e, void *arg)
{
    list_walk *w = arg;
    if (w->shown == w->limit) {
        w->more = true;
        return false;
    }
    w->shown++;
    w->last_seq = e->seq;
    arena *a = &w->c->arena;
    if (w->items) {
        json_array_append_new(w->items, changelog_entry_to_json(w->reg, e));
        return true;
    }
    const char *rec = record_text(w, e);
    const char *cells[] = {
        arena_printf(a, "%" PRId64, e->seq),
        e->at,
        e->actor,
        e->channel,
        e->content ? e->action : arena_printf(a, "%s (redacted)", e->action),
        rec,
        arena_printf(a, "%" PRId64, e->version),
    };
    for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
        cells[i] = arena_strdup(a, cells[i]); /* the row's strings end with the callback */
    table_add_row(&w->table, cells);
    return true;
}

/* --kind K and --id ID (an id such as ISS-3 names its kind itself). */
static int list_filter(cli_ctx *c, store_log_filter *f)
{
    const char *kind = args_value(&c->args, "kind"), *id = args_value(&c->args, "id");
    const isms_kind *k = NULL;
    if (kind && !(k = registry_kind(c->reg, kind)))
        return cli_usage(c, "--kind: there is no kind '%s' (see `isms kinds`)", kind);
    if (id) {
        const isms_kind *idk = NULL;
        int64_t n;
        if (k && human_id_parse(k, id, &n))
            idk = k;
        else if (!human_id_parse_any(c->reg, id, &idk, &n) || (k && idk != k))
            return cli_usage(c, "--id: '%s' is not the id of a record%s%s", id,
                             k ? " of kind " : "", k ? k->name : " (such as ISS-3)");
        k = idk;
        f->record_id = n;
    }
    f->kind = k ? k->name : NULL;
    return EXIT_OK;
}

static int verb_list(cli_ctx *c)
{
    store_log_filter f = {0};
    int64_t limit = LOG_LIST_DEFAULT;
    const char *after = args_value(&c->args, "after"), *lim = args_value(&c->args, "limit");
    int rc = list_filter(c, &f);
    if (rc == EXIT_OK && after && (!parse_int64(after, &f.after) || f.after < 0))
        rc = cli_usage(c, "--after needs an entry number such as 120");
    if (rc == EXIT_OK && lim && (!parse_int64(lim, &limit) || limit < 1 || limit > LOG_LIST_MAX))
        rc = cli_usage(c, "--limit must be a number from 1 to %d", LOG_LIST_MAX);
    if (rc == EXIT_OK)
        rc = no_more_args(c, 2);
    store *s;
    if (rc != EXIT_OK || (rc = cli_open_store(c, false, &s)) != EXIT_OK)
        return rc;
    list_walk w = {.c = c, .reg = c->reg, .limit = limit};
    f.limit = limit + 1;
    table_init(&w.table, &c->arena, 7);
    static const char *const head[] = {"SEQ",    "AT",     "ACTOR",  "CHANNEL",
                                       "ACTION", "RECORD", "VERSION"};
    table_add_row(&w.table, head);
    if (c->json)
        w.items = json_array();
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    isms_err e = store_borrow(s, &conn, &st);
    if (e == ISMS_OK) {
        e = store_log_each(conn, &f, list_entry, &w, &st);
        store_return(conn);
    }
    cli_close_store(c, s);
    if (e != ISMS_OK) {
        json_decref(w.items);
        return cli_fail(c, &st);
    }
    if (c->json) {
        json_t *j = json_pack("{s:o,s:o}", "items", w.items, "next_after",
                              w.more ? json_integer(w.last_seq) : json_null());
        print_json(c, j);
        json_decref(j);
        return EXIT_OK;
    }
    if (w.shown == 0) {
        fputs("no entries\n", c->out);
        return EXIT_OK;
    }
    table_print(&w.table, c->out);
    if (w.more)
        fprintf(c->out, "(more: add --after %" PRId64 ")\n", w.last_seq);
    return EXIT_OK;
}

/* --- redact --------------------------------------------------------------- */

typedef struct redact_args {
    int64_t seq, redaction;
    const char *reason;
} redact_args;

static isms_err do_redact(store_txn *t, void *arg, isms_status *st)
{
    redact_args *r = arg;
    return records_redact_entry(t, r->seq, r->reason, &r->redaction, st);
}

static int verb_redact(cli_ctx *c)
{
    redact_args r = {0};
    if (c->args.npos < 3)
        return cli_usage(c, "log redact needs the number of the entry, such as 57");
    if (!parse_int64(c->args.pos[2], &r.seq) || r.seq < 1)
        return cli_usage(c, "'%s' is not the number of an entry (such as 57)", c->args.pos[2]);
    r.reason = args_value(&c->args, "reason");
    if (!r.reason)
        return cli_usage(c, "log redact needs --reason TEXT: say why the entry is redacted");
    int rc = no_more_args(c, 3);
    store *s;
    if (rc != EXIT_OK || (rc = cli_open_store(c, false, &s)) != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &c->principal, "cli");
    isms_err e = store_write(s, &ctx, do_redact, &r, &st);
    cli_close_store(c, s);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    if (c->json)
        fprintf(c->out, "{\"redacted\": %" PRId64 ", \"redaction\": %" PRId64 "}\n", r.seq,
                r.redaction);
    else
        fprintf(c->out, "entry %" PRId64 " redacted; the redaction is entry %" PRId64 "\n", r.seq,
                r.redaction);
    return EXIT_OK;
}

/* --- keygen --------------------------------------------------------------- */

/* Create path with mode, refusing to overwrite; -1 with errno otherwise. */
static int create_new(const char *path, mode_t mode)
{
    return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
}

static bool write_all(int fd, const char *text)
{
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return fsync(fd) == 0;
}

static int verb_keygen(cli_ctx *c)
{
    const char *secret = args_value(&c->args, "secret"), *public = args_value(&c->args, "public");
    if (!secret || !public)
        return cli_usage(c, "log keygen needs --secret FILE and --public FILE");
    int rc = no_more_args(c, 2);
    if (rc != EXIT_OK)
        return rc;
    if (strcmp(secret, public) == 0)
        return cli_usage(c, "--secret and --public must be two different files");
    isms_status st;
    status_clear(&st);
    int sfd = create_new(secret, 0600);
    if (sfd < 0) {
        status_fail(&st, errno == EEXIST ? ISMS_ECONFLICT : ISMS_ENOTFOUND,
                    "cannot create %s: %s%s", secret, strerror(errno),
                    errno == EEXIST ? " (keygen never overwrites a key)" : "");
        return cli_fail(c, &st);
    }
    int pfd = create_new(public, 0644);
    if (pfd < 0) {
        int err = errno;
        close(sfd);
        unlink(secret);
        status_fail(&st, err == EEXIST ? ISMS_ECONFLICT : ISMS_ENOTFOUND, "cannot create %s: %s%s",
                    public, strerror(err), err == EEXIST ? " (keygen never overwrites a key)" : "");
        return cli_fail(c, &st);
    }
    changelog_keypair kp;
    changelog_keygen(&kp);
    char stext[CHANGELOG_KEY_FILE_MAX], ptext[CHANGELOG_KEY_FILE_MAX], id[CHANGELOG_KEY_ID];
    changelog_format_secret(&kp, stext, sizeof(stext));
    changelog_format_public(kp.pk, ptext, sizeof(ptext));
    changelog_key_id(kp.pk, id);
    bool ok = write_all(sfd, stext) && write_all(pfd, ptext);
    int err = errno;
    ok = (close(sfd) == 0) & ok;
    ok = (close(pfd) == 0) & ok;
    memset(stext, 0, sizeof(stext));
    changelog_keypair_wipe(&kp);
    if (!ok) {
        unlink(secret);
        unlink(public);
        status_fail(&st, ISMS_ESTORE, "cannot write the key files: %s", strerror(err));
        return cli_fail(c, &st);
    }
    if (c->json)
        fprintf(c->out, "{\"key_id\": \"%s\"}\n", id);
    else
        fprintf(c->out,
                "key %s: the secret key is in %s (keep it away from the database, "
                "readable only by whoever signs checkpoints); the public key is in %s "
                "(for `isms log verify --public-key`)\n",
                id, secret, public);
    return EXIT_OK;
}

/* --- checkpoint ----------------------------------------------------------- */

typedef struct checkpoint_args {
    const changelog_keypair *kp;
    arena *a;
    changelog_checkpoint cp;
} checkpoint_args;

static isms_err do_checkpoint(store_txn *t, void *arg, isms_status *st)
{
    checkpoint_args *w = arg;
    return log_checkpoint(t, w->kp, w->a, &w->cp, st);
}

void cli_print_checkpoint(cli_ctx *c, const changelog_checkpoint *cp)
{
    if (c->json) {
        json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s}", "seq", (json_int_t)cp->seq, "hash", cp->hash,
                              "at", cp->at, "key_id", cp->key_id, "signature", cp->signature);
        print_json(c, j);
        json_decref(j);
        return;
    }
    fprintf(c->out, "checkpoint: entry %" PRId64 " hash %s, signed at %s with key %s\n", cp->seq,
            cp->hash, cp->at, cp->key_id);
}

static int verb_checkpoint(cli_ctx *c)
{
    const char *key = args_value(&c->args, "key");
    if (!key)
        return cli_usage(c, "log checkpoint needs --key FILE: the secret key (`isms log keygen`)");
    int rc = no_more_args(c, 2);
    changelog_keypair kp;
    if (rc != EXIT_OK || (rc = cli_read_secret_key(c, "--key", key, &kp)) != EXIT_OK)
        return rc;
    store *s;
    if ((rc = cli_open_store(c, false, &s)) != EXIT_OK) {
        changelog_keypair_wipe(&kp);
        return rc;
    }
    isms_status st;
    status_clear(&st);
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &c->principal, "cli");
    checkpoint_args w = {.kp = &kp, .a = &c->arena};
    isms_err e = store_write(s, &ctx, do_checkpoint, &w, &st);
    cli_close_store(c, s);
    changelog_keypair_wipe(&kp);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    cli_print_checkpoint(c, &w.cp);
    return EXIT_OK;
}

/* --- dispatch --------------------------------------------------------------- */

int cmd_log(cli_ctx *c)
{
    const char *verb = c->args.npos > 1 ? c->args.pos[1] : NULL;
    if (!verb) {
        help_log(c, NULL);
        return EXIT_USAGE;
    }
    if (strcmp(verb, "verify") == 0)
        return verb_verify(c);
    if (strcmp(verb, "list") == 0)
        return verb_list(c);
    if (strcmp(verb, "redact") == 0)
        return verb_redact(c);
    if (strcmp(verb, "keygen") == 0)
        return verb_keygen(c);
    if (strcmp(verb, "checkpoint") == 0)
        return verb_checkpoint(c);
    return cli_usage(c, "log has no verb '%s' (verify, list, redact, keygen, checkpoint)", verb);
}
