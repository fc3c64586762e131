/* What every CLI command shares: parsed arguments, output streams, options. */
#ifndef ISMS_CLI_CLI_H
#define ISMS_CLI_CLI_H

#include <stdio.h>

#include "cli/args.h"
#include "core/changelog.h"
#include "core/registry.h"
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
    const char *actor; /* --as, ISMS_ACTOR or the OS user */
    FILE *out, *err;
    arena arena;       /* lives as long as the command */
} cli_ctx;

/* Report a failed operation (message naming the fields) and return its exit code. */
int cli_fail(cli_ctx *c, const isms_status *st);

/* Report a usage error with a pointer to help and return EXIT_USAGE. */
int cli_usage(cli_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Every option left unconsumed is a usage error; returns EXIT_OK when none is. */
int cli_check_unused(cli_ctx *c);

/* Open the store named by --db / ISMS_DB (usage error when none). */
int cli_open_store(cli_ctx *c, bool create, store **out);

int cmd_init(cli_ctx *c);
int cmd_kinds(cli_ctx *c);
int cmd_schema(cli_ctx *c);
int cmd_serve(cli_ctx *c);
int cmd_record(cli_ctx *c, const isms_kind *k, const char *verb);
int cmd_log(cli_ctx *c);

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
void help_log(cli_ctx *c, const char *verb); /* verb NULL: the command */
void help_kind(cli_ctx *c, const isms_kind *k);
bool help_verb(cli_ctx *c, const isms_kind *k, const char *verb);

#endif
