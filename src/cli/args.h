/*
 * Command-line arguments: positional words and `--name value`,
 * `--name=value` or `--flag` options, in any order after the command.
 * Every option must be consumed by the command; what is left over is a
 * usage error, so a mistyped option never passes silently.
 */
#ifndef ISMS_CLI_ARGS_H
#define ISMS_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>

enum { ARGS_MAX_POSITIONAL = 8, ARGS_MAX_OPTIONS = 64 };

typedef struct cli_option {
    const char *name;  /* without the leading dashes, '-' replaced by '_' */
    const char *shown; /* as typed, for messages */
    const char *value; /* NULL for a flag */
    bool used;
} cli_option;

typedef struct cli_args {
    const char *pos[ARGS_MAX_POSITIONAL];
    size_t npos;
    cli_option opts[ARGS_MAX_OPTIONS];
    size_t nopts;
} cli_args;

/*
 * Parse argv (after the words already taken). `flags` lists the options
 * that take no value (snake_case, NULL-terminated). Returns false with a
 * message in err on a usage error.
 */
bool args_parse(int argc, char **argv, const char *const *flags, cli_args *out, char *err,
                size_t errsize);

/* The value of --name (snake_case), marking it used; NULL when absent. */
const char *args_value(cli_args *a, const char *name);

/* Whether --name was given, marking it used. */
bool args_flag(cli_args *a, const char *name);

/* The first option no one used, or NULL. */
const cli_option *args_unused(const cli_args *a);

/* snake_case -> kebab-case into buf (for messages and help). */
const char *args_kebab(const char *snake, char *buf, size_t size);

#endif
