/* What every CLI command shares: parsed arguments, output streams, options. */
#ifndef ISMS_CLI_CLI_H
#define ISMS_CLI_CLI_H

#include <stdio.h>

#include "cli/args.h"
#include "core/changelog.h"
#include "core/registry.h"
#include "core/password.h"
#include "core/roles.h"
#include "core/status.h"
#include "store/store.h"
#include "util/arena.h"

/* Exit codes: the CLI's contract with scripts. */
enum { EXIT_OK = 0, EXIT_USER = 1, EXIT_USAGE = 2, EXIT_STORE = 3 };

/* `isms log list`: entries per page. */
enum { LOG_LIST_DEFAULT = 50, LOG_LIST_MAX = 1000 };

typedef struct cli_ctx {
    const isms_registry *reg;
    cli_args args;
    bool json;         /* --json: machine-readable output */
    const char *db;    /* --db or ISMS_DB */
    const char *as;    /* --as or ISMS_ACTOR: the user to act as, or NULL */
    FILE *out, *err;
    arena arena;       /* lives as long as the command */
    /*
     * Set by cli_authorize before a command that needs a user runs: the
     * store (opened once, closed by main) and the acting user.
     */
    store *store;
    isms_principal principal;
    bool bootstrap; /* no user exists yet: only `user add` of an admin may run */
} cli_ctx;

/* Report a failed operation (message naming the fields) and return its exit code. */
int cli_fail(cli_ctx *c, const isms_status *st);

/* Report a usage error with a pointer to help and return EXIT_USAGE. */
int cli_usage(cli_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Every option left unconsumed is a usage error; returns EXIT_OK when none is. */
int cli_check_unused(cli_ctx *c);

/*
 * Open the store named by --db / ISMS_DB (usage error when none), or hand
 * out the one cli_authorize opened. Close it with cli_close_store.
 */
int cli_open_store(cli_ctx *c, bool create, store **out);
void cli_close_store(cli_ctx *c, store *s);

/*
 * The one place the CLI enforces permissions (acting.c): look up the
 * permission of `cmd verb` (kind: cmd is a kind of record) in the table
 * of every verb, and for anything but PERM_OPEN open the store, resolve
 * the acting user (--as, ISMS_ACTOR, else the only administrator) and
 * check it holds the permission. EXIT_OK or the exit code of the refusal.
 */
int cli_authorize(cli_ctx *c, const char *cmd, const char *verb, bool kind);

/* Whether the acting user holds perm (core/roles.h decides). */
bool cli_permits(const cli_ctx *c, isms_permission perm);

/* Refuse for want of perm: the message names what is needed; returns EXIT_USER. */
int cli_forbidden(cli_ctx *c, isms_permission perm, const char *what);

/*
 * A password: one line from stdin with --password-stdin, else asked for
 * twice on the terminal without echo. NULL (after a message) when none.
 */
const char *cli_read_password(cli_ctx *c, bool from_stdin, const char *prompt);

/* --hash-cost interactive|moderate|test into *out (default interactive); usage error otherwise. */
int cli_hash_cost(cli_ctx *c, password_cost *out);

int cmd_init(cli_ctx *c);
int cmd_kinds(cli_ctx *c);
int cmd_schema(cli_ctx *c);
int cmd_serve(cli_ctx *c);
int cmd_record(cli_ctx *c, const isms_kind *k, const char *verb);
/* `KIND export` and `KIND import` (cmd_transfer.c; docs/IMPORT-EXPORT.md). */
int verb_export(cli_ctx *c, store *s, const isms_kind *k);
int verb_import(cli_ctx *c, store *s, const isms_kind *k);
int cmd_user(cli_ctx *c, const char *verb);
int cmd_token(cli_ctx *c, const char *verb);
int cmd_log(cli_ctx *c);
int cmd_copy(cli_ctx *c);

/*
 * Assessment campaigns (cmd_risk_campaign.c): isms risk-campaign
 * coverage|snapshot|compare|close|due (cli/kind_verbs.c routes them here).
 */
int cmd_risk_campaign(cli_ctx *c, const char *verb);
void help_risk_campaign(cli_ctx *c, const char *verb);

/* Read a secret key file (`isms log keygen`), refusing one others may read; usage error. */
int cli_read_secret_key(cli_ctx *c, const char *option, const char *path, changelog_keypair *kp);

/* Print a checkpoint just signed (text or --json). */
void cli_print_checkpoint(cli_ctx *c, const changelog_checkpoint *cp);

/* Help texts, generated from the registry where generic. */
void help_main(cli_ctx *c);
void help_init(cli_ctx *c);
void help_kinds(cli_ctx *c);
void help_schema(cli_ctx *c);
void help_serve(cli_ctx *c);
void help_user(cli_ctx *c, const char *verb);
void help_token(cli_ctx *c, const char *verb);
void help_log(cli_ctx *c, const char *verb); /* verb NULL: the command */
void help_copy(cli_ctx *c);
void help_kind(cli_ctx *c, const isms_kind *k);
bool help_verb(cli_ctx *c, const isms_kind *k, const char *verb);

#endif
