/*
 * isms: the command-line face. `isms COMMAND ...` or `isms KIND VERB ...`,
 * where KIND is any kind of record in the registry.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/kind_verbs.h"
#include "cli/output.h"
#include "core/value.h"

#ifndef ISMS_VERSION
#define ISMS_VERSION "dev"
#endif

/* Options that never take a value, in every command. */
static const char *const flag_options[] = {
    "json", "help",           "all",        "retired", "version",
    "sql",  "password_stdin", "behind_tls", "enable",  "chain_only", "exception", "apply",
    "residual", "overdue", /* isms risk heatmap --residual, isms risk actions --overdue */
    NULL};

int cli_usage(cli_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (c->json) {
        /* --json promises one JSON object on stderr for every error, usage errors too. */
        char msg[512];
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        json_t *detail = json_string(msg);
        json_t *p = json_pack("{s:s,s:s,s:o}", "type", "usage", "title", "Wrong usage",
                              "detail", detail ? detail : json_string("see `isms --help`"));
        char *s = p ? json_dumps(p, JSON_PRESERVE_ORDER) : NULL;
        if (s)
            fprintf(c->err, "%s\n", s);
        free(s);
        json_decref(p);
        return EXIT_USAGE;
    }
    fputs("isms: ", c->err);
    vfprintf(c->err, fmt, ap);
    va_end(ap);
    fputs("\n(see `isms --help`)\n", c->err);
    return EXIT_USAGE;
}

int cli_check_unused(cli_ctx *c)
{
    const cli_option *o = args_unused(&c->args);
    return o ? cli_usage(c, "unknown or unexpected option %s", o->shown) : EXIT_OK;
}

/* The user to act as: --as, then ISMS_ACTOR; NULL for the default (the only admin). */
static const char *resolve_actor(cli_ctx *c)
{
    const char *a = args_value(&c->args, "as");
    return a ? a : getenv("ISMS_ACTOR");
}

static bool actor_ok(const char *a)
{
    size_t chars;
    if (!a[0] || !utf8_count(a, strlen(a), &chars) || chars > ISMS_ACTOR_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static int run_command(cli_ctx *c, const char *cmd)
{
    bool help = args_flag(&c->args, "help");
    const char *verb = c->args.npos > 1 ? c->args.pos[1] : NULL;
    const isms_kind *k = registry_kind(c->reg, cmd);
    if (!help && strcmp(cmd, "copy") != 0) { /* copy authorizes on its --from itself */
        int rc = cli_authorize(c, cmd, verb, k != NULL);
        if (rc != EXIT_OK)
            return rc;
    }
    if (strcmp(cmd, "init") == 0)
        return help ? (help_init(c), EXIT_OK) : cmd_init(c);
    if (strcmp(cmd, "kinds") == 0)
        return help ? (help_kinds(c), EXIT_OK) : cmd_kinds(c);
    if (strcmp(cmd, "schema") == 0)
        return help ? (help_schema(c), EXIT_OK) : cmd_schema(c);
    if (strcmp(cmd, "serve") == 0)
        return help ? (help_serve(c), EXIT_OK) : cmd_serve(c);
    if (strcmp(cmd, "user") == 0)
        return help ? (help_user(c, verb), EXIT_OK) : cmd_user(c, verb);
    if (strcmp(cmd, "token") == 0)
        return help ? (help_token(c, verb), EXIT_OK) : cmd_token(c, verb);
    if (strcmp(cmd, "log") == 0)
        return help ? (help_log(c, verb), EXIT_OK) : cmd_log(c);
    if (strcmp(cmd, "copy") == 0)
        return help ? (help_copy(c), EXIT_OK) : cmd_copy(c);
    if (strcmp(cmd, "help") == 0) {
        help_main(c);
        return EXIT_OK;
    }
    if (!k)
        return cli_usage(c, "unknown command '%s'", cmd);
    const kind_verb *kv = kind_verb_find(k, verb); /* a kind's own verb (risk accept) */
    if (help && kv && kv->help) {
        kv->help(c, verb);
        return EXIT_OK;
    }
    if (help || !verb) {
        if (!verb || !help_verb(c, k, verb))
            kind_verbs_help_kind(c, k);
        return help ? EXIT_OK : EXIT_USAGE;
    }
    if (kv)
        return kv->run(c, verb);
    return cmd_record(c, k, verb);
}

int main(int argc, char **argv)
{
    cli_ctx c = {.reg = registry_default(), .out = stdout, .err = stderr};
    arena_init(&c.arena);
    char err[160];
    int rc;
    if (!args_parse(argc - 1, argv + 1, flag_options, &c.args, err, sizeof(err))) {
        for (int i = 1; i < argc; i++) /* the error's format, though parsing failed */
            c.json = c.json || strcmp(argv[i], "--json") == 0;
        rc = cli_usage(&c, "%s", err);
        goto out;
    }
    if (args_flag(&c.args, "version")) {
        fprintf(c.out, "isms %s\n", ISMS_VERSION);
        rc = EXIT_OK;
        goto out;
    }
    c.json = args_flag(&c.args, "json");
    c.db = args_value(&c.args, "db");
    if (!c.db)
        c.db = getenv("ISMS_DB");
    c.as = resolve_actor(&c);
    if (c.as && !actor_ok(c.as)) {
        rc = cli_usage(&c, "--as: a user name is 1 to %d characters without control "
                           "characters", ISMS_ACTOR_MAX);
        goto out;
    }
    if (c.args.npos == 0) {
        bool asked = args_flag(&c.args, "help");
        help_main(&c);
        rc = asked ? EXIT_OK : EXIT_USAGE;
        goto out;
    }
    rc = run_command(&c, c.args.pos[0]);
out:
    if (c.store)
        store_free(c.store);
    arena_dispose(&c.arena);
    if (fflush(stdout) != 0 && rc == EXIT_OK)
        rc = EXIT_USER;
    return rc;
}
