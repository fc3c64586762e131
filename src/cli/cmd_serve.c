/* `isms serve`: the HTTP server (JSON API) on one ISMS database. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/log_verify.h"
#include "core/value.h"
#include "http/auth.h"
#include "http/server.h"

enum { CHECKPOINT_EVERY_DEFAULT = 60, CHECKPOINT_EVERY_MAX = 86400 };

/*
 * Signed checkpoints of the change log while serving (--checkpoint-key).
 * Other instances on the same database may sign too: what is signed already
 * is read from the database each time, never only remembered in the process.
 */
typedef struct checkpointer {
    changelog_keypair kp;
    bool on;
    unsigned every_s;
    int64_t signed_seq; /* the entry the newest checkpoint signed, as last read */
} checkpointer;

typedef struct checkpoint_write {
    const changelog_keypair *kp;
    arena a;
    changelog_checkpoint cp;
    bool skipped; /* the newest entry was signed already (by another instance) */
} checkpoint_write;

static isms_err write_checkpoint(store_txn *t, void *arg, isms_status *st)
{
    checkpoint_write *w = arg;
    /* Under the write lock: nothing can be appended or signed between these reads. */
    int64_t seq = 0, signed_seq = 0;
    char hash[CHANGELOG_HEX];
    isms_err e = store_log_last(store_txn_conn(t), &seq, hash, st);
    if (e == ISMS_OK)
        e = store_checkpoint_last_seq(store_txn_conn(t), &signed_seq, st);
    if (e != ISMS_OK)
        return e;
    if (seq <= signed_seq) {
        w->skipped = true;
        w->cp.seq = signed_seq;
        return ISMS_OK;
    }
    return log_checkpoint(t, w->kp, &w->a, &w->cp, st);
}

/* Sign a checkpoint if the log has grown since the last one; failures are logged, not fatal. */
static void checkpoint_if_grown(store *s, checkpointer *cp)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    int64_t seq = 0;
    char hash[CHANGELOG_HEX];
    isms_err e = store_borrow(s, &c, &st);
    if (e == ISMS_OK) {
        e = store_log_last(c, &seq, hash, &st);
        if (e == ISMS_OK)
            e = store_checkpoint_last_seq(c, &cp->signed_seq, &st);
        store_return(c);
    }
    if (e == ISMS_OK && seq > cp->signed_seq) {
        checkpoint_write w = {.kp = &cp->kp};
        arena_init(&w.a);
        isms_write_ctx ctx;
        write_ctx_init(&ctx, "isms", "server");
        e = store_write(s, &ctx, write_checkpoint, &w, &st);
        if (e == ISMS_OK) {
            cp->signed_seq = w.cp.seq;
            if (!w.skipped)
                fprintf(stderr, "isms: checkpoint of the change log: entry %" PRId64 " hash %s\n",
                        w.cp.seq, w.cp.hash);
        }
        arena_dispose(&w.a);
    }
    if (e != ISMS_OK)
        fprintf(stderr, "isms: checkpoint of the change log failed: %s\n", st.detail);
}

static int checkpoint_options(cli_ctx *c, checkpointer *cp)
{
    const char *key = args_value(&c->args, "checkpoint_key");
    const char *every = args_value(&c->args, "checkpoint_every");
    int64_t n = CHECKPOINT_EVERY_DEFAULT;
    if (every && (!parse_int64(every, &n) || n < 1 || n > CHECKPOINT_EVERY_MAX))
        return cli_usage(c, "--checkpoint-every must be a number of seconds from 1 to %d",
                         CHECKPOINT_EVERY_MAX);
    if (every && !key)
        return cli_usage(c, "--checkpoint-every needs --checkpoint-key FILE");
    cp->every_s = (unsigned)n;
    if (!key)
        return EXIT_OK;
    int rc = cli_read_secret_key(c, "--checkpoint-key", key, &cp->kp);
    cp->on = rc == EXIT_OK;
    return rc;
}

/* Wait for SIGINT or SIGTERM, signing checkpoints meanwhile when asked to. */
static int wait_for_stop(const sigset_t *stop, store *s, checkpointer *cp)
{
    if (!cp->on) {
        int sig = 0;
        sigwait(stop, &sig);
        return sig;
    }
    for (;;) {
        struct timespec every = {.tv_sec = cp->every_s};
        int sig = sigtimedwait(stop, NULL, &every);
        if (sig > 0)
            return sig;
        if (errno == EAGAIN)
            checkpoint_if_grown(s, cp);
    }
}

typedef struct limit_option {
    const char *name; /* snake_case option name */
    int64_t min, max;
    size_t *size_target;
    unsigned *uint_target;
} limit_option;

static int read_limits(cli_ctx *c, http_limits *l, size_t *pool)
{
    const limit_option opts[] = {
        {"max_body", 1024, 256ll << 20, &l->max_body, NULL},
        {"max_url", 256, 1 << 20, &l->max_url, NULL},
        {"header_memory", 8192, 16 << 20, &l->header_memory, NULL},
        {"max_connections", 1, 100000, NULL, &l->max_connections},
        {"per_client", 1, 100000, NULL, &l->per_client},
        {"timeout", 1, 3600, NULL, &l->timeout_s},
        {"threads", 0, 64, NULL, &l->thread_pool},
        {"pool", 1, 256, pool, NULL},
    };
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        const char *v = args_value(&c->args, opts[i].name);
        int64_t n;
        if (!v)
            continue;
        char kebab[ISMS_FIELD_NAME_MAX];
        if (!parse_int64(v, &n) || n < opts[i].min || n > opts[i].max)
            return cli_usage(c, "--%s must be a number from %lld to %lld",
                             args_kebab(opts[i].name, kebab, sizeof(kebab)),
                             (long long)opts[i].min, (long long)opts[i].max);
        if (opts[i].size_target)
            *opts[i].size_target = (size_t)n;
        else
            *opts[i].uint_target = (unsigned)n;
    }
    return EXIT_OK;
}

/* "name,name": letters, digits, '-', '.', '[', ']' and ':' (IPv6) only, none empty. */
static bool allowed_hosts_valid(const char *list)
{
    size_t run = 0;
    for (const char *p = list;; p++) {
        if (*p == ',' || *p == '\0') {
            if (run == 0 || run > 253)
                return false;
            if (*p == '\0')
                return true;
            run = 0;
        } else if (isalnum((unsigned char)*p) || strchr("-.[]:", *p)) {
            run++;
        } else {
            return false;
        }
    }
}

/* MINUTES (or HOURS) as a whole number, or seconds with an "s": "30", "90s". */
static int duration_option(cli_ctx *c, const char *name, unsigned unit_s, unsigned max_s,
                           unsigned *out)
{
    const char *v = args_value(&c->args, name);
    if (!v)
        return EXIT_OK;
    char num[32];
    size_t len = strlen(v);
    bool seconds = len > 1 && v[len - 1] == 's';
    int64_t n;
    snprintf(num, sizeof(num), "%.*s", (int)(seconds ? len - 1 : len), v);
    char kebab[ISMS_FIELD_NAME_MAX];
    if (len >= sizeof(num) || !parse_int64(num, &n) || n < 1 ||
        (uint64_t)n * (seconds ? 1 : unit_s) > max_s)
        return cli_usage(c,
                         "--%s takes a whole number of %s (or of seconds, such as 90s), "
                         "at most %u seconds in all",
                         args_kebab(name, kebab, sizeof(kebab)), unit_s == 60 ? "minutes" : "hours",
                         max_s);
    *out = (unsigned)(n * (seconds ? 1 : unit_s));
    return EXIT_OK;
}

static int read_auth(cli_ctx *c, auth_config *a)
{
    int rc = duration_option(c, "session_idle", 60, 7 * 86400, &a->session_idle_s);
    if (rc == EXIT_OK)
        rc = duration_option(c, "session_max", 3600, 30 * 86400, &a->session_max_s);
    if (rc == EXIT_OK)
        rc = cli_hash_cost(c, &a->hash_cost);
    a->secure_cookies = args_flag(&c->args, "behind_tls");
    const struct {
        const char *name;
        unsigned *target;
    } counts[] = {{"login_delay_after", &a->throttle_after},
                  {"login_lockout_after", &a->lockout_after}};
    for (size_t i = 0; rc == EXIT_OK && i < 2; i++) {
        const char *v = args_value(&c->args, counts[i].name);
        int64_t n;
        char kebab[ISMS_FIELD_NAME_MAX];
        if (v && (!parse_int64(v, &n) || n < 1 || n > 1000))
            rc = cli_usage(c, "--%s must be a number from 1 to 1000",
                           args_kebab(counts[i].name, kebab, sizeof(kebab)));
        else if (v)
            *counts[i].target = (unsigned)n;
    }
    if (rc == EXIT_OK && a->lockout_after < a->throttle_after)
        rc = cli_usage(c, "--login-lockout-after must not be less than --login-delay-after");
    return rc;
}

int cmd_serve(cli_ctx *c)
{
    const char *listen = args_value(&c->args, "listen");
    http_limits limits = http_limits_default();
    auth_config auth = auth_config_default();
    size_t pool = 8;
    checkpointer cp = {0};
    int rc = read_limits(c, &limits, &pool);
    if (rc == EXIT_OK)
        rc = read_auth(c, &auth);
    limits.allowed_hosts = args_value(&c->args, "allowed_hosts");
    if (rc == EXIT_OK && limits.allowed_hosts && !allowed_hosts_valid(limits.allowed_hosts))
        rc = cli_usage(c, "--allowed-hosts takes host names separated by commas, "
                          "such as isms.example.com,isms");
    if (rc == EXIT_OK)
        rc = checkpoint_options(c, &cp);
    if (rc == EXIT_OK)
        rc = cli_check_unused(c);
    if (rc == EXIT_OK && (!c->db || !c->db[0]))
        rc = cli_usage(c, "no database: give --db FILE or set ISMS_DB");
    if (rc != EXIT_OK) {
        changelog_keypair_wipe(&cp.kp);
        return rc;
    }
    /* Block the stop signals before any thread starts, then wait for them here. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    isms_status st;
    status_clear(&st);
    store *s;
    store_options opt = {.pool_size = pool};
    if (store_open(&s, c->reg, c->db, &opt, &st) != ISMS_OK) {
        changelog_keypair_wipe(&cp.kp);
        return cli_fail(c, &st);
    }
    store_conn *conn;
    if (cp.on && store_borrow(s, &conn, &st) == ISMS_OK) {
        store_checkpoint_last_seq(conn, &cp.signed_seq, &st);
        store_return(conn);
    }
    http_server *srv;
    if (http_server_start(&srv, s, listen ? listen : "127.0.0.1:8080", &limits, &auth, stderr,
                          &st) != ISMS_OK) {
        store_free(s);
        changelog_keypair_wipe(&cp.kp);
        return cli_fail(c, &st);
    }
    /* The address as given ("0.0.0.0", "[::]"); localhost is 127.0.0.1. */
    char host[64] = "127.0.0.1";
    const char *colon = listen ? strrchr(listen, ':') : NULL;
    if (colon && colon > listen && (size_t)(colon - listen) < sizeof(host) &&
        strncmp(listen, "localhost:", 10) != 0)
        snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
    char shown[512]; /* without a password the URL may hold */
    store_url_display(c->db, shown, sizeof(shown));
    fprintf(c->out, "isms: serving %s on http://%s:%u/ (Ctrl-C stops)\n", shown, host,
            http_server_port(srv));
    fflush(c->out);
    int sig = wait_for_stop(&stop, s, &cp);
    fprintf(stderr, "isms: stopping (signal %d): finishing requests in progress\n", sig);
    http_server_stop(srv);
    if (cp.on)
        checkpoint_if_grown(s, &cp); /* the last changes, signed before the store closes */
    changelog_keypair_wipe(&cp.kp);
    store_free(s);
    return EXIT_OK;
}
