/* `isms serve`: the HTTP server (JSON API) on one ISMS database. */
#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/value.h"
#include "http/auth.h"
#include "http/server.h"

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
    int rc = read_limits(c, &limits, &pool);
    if (rc == EXIT_OK)
        rc = read_auth(c, &auth);
    limits.allowed_hosts = args_value(&c->args, "allowed_hosts");
    if (rc == EXIT_OK && limits.allowed_hosts && !allowed_hosts_valid(limits.allowed_hosts))
        rc = cli_usage(c, "--allowed-hosts takes host names separated by commas, "
                          "such as isms.example.com,isms");
    if (rc == EXIT_OK)
        rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    if (!c->db || !c->db[0])
        return cli_usage(c, "no database: give --db FILE or set ISMS_DB");
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
    if (store_open(&s, c->reg, c->db, &opt, &st) != ISMS_OK)
        return cli_fail(c, &st);
    http_server *srv;
    if (http_server_start(&srv, s, listen ? listen : "127.0.0.1:8080", &limits, &auth, stderr,
                          &st) != ISMS_OK) {
        store_free(s);
        return cli_fail(c, &st);
    }
    /* The address as given ("0.0.0.0", "[::]"); localhost is 127.0.0.1. */
    char host[64] = "127.0.0.1";
    const char *colon = listen ? strrchr(listen, ':') : NULL;
    if (colon && colon > listen && (size_t)(colon - listen) < sizeof(host) &&
        strncmp(listen, "localhost:", 10) != 0)
        snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
    fprintf(c->out, "isms: serving %s on http://%s:%u/ (Ctrl-C stops)\n", c->db, host,
            http_server_port(srv));
    fflush(c->out);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "isms: stopping (signal %d): finishing requests in progress\n", sig);
    http_server_stop(srv);
    store_free(s);
    return EXIT_OK;
}
