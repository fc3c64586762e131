#include "cli/args.h"

#include <stdio.h>
#include <string.h>

static bool is_flag(const char *const *flags, const char *name)
{
    for (; flags && *flags; flags++)
        if (strcmp(*flags, name) == 0)
            return true;
    return false;
}

static char *snake_name(const char *arg, size_t len, char *buf, size_t size)
{
    if (len >= size)
        len = size - 1;
    for (size_t i = 0; i < len; i++)
        buf[i] = arg[i] == '-' ? '_' : arg[i];
    buf[len] = '\0';
    return buf;
}

/* Names live in a static pool: argv outlives every use, the pool holds the converted copies. */
static char name_pool[ARGS_MAX_OPTIONS][64];

bool args_parse(int argc, char **argv, const char *const *flags, cli_args *out, char *err,
                size_t errsize)
{
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (out->npos == ARGS_MAX_POSITIONAL) {
                snprintf(err, errsize, "too many arguments");
                return false;
            }
            out->pos[out->npos++] = arg;
            continue;
        }
        if (out->nopts == ARGS_MAX_OPTIONS) {
            snprintf(err, errsize, "too many options");
            return false;
        }
        const char *eq = strchr(arg + 2, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        cli_option *o = &out->opts[out->nopts];
        o->name = snake_name(arg + 2, len, name_pool[out->nopts], sizeof(name_pool[0]));
        o->shown = arg;
        for (size_t j = 0; j < out->nopts; j++)
            if (strcmp(out->opts[j].name, o->name) == 0) {
                snprintf(err, errsize, "option --%.60s given twice", arg + 2);
                return false;
            }
        if (is_flag(flags, o->name)) {
            if (eq) {
                snprintf(err, errsize, "option --%.60s takes no value", o->name);
                return false;
            }
        } else if (eq) {
            o->value = eq + 1;
        } else if (i + 1 < argc) {
            o->value = argv[++i];
        } else {
            snprintf(err, errsize, "option %.60s needs a value", arg);
            return false;
        }
        out->nopts++;
    }
    return true;
}

static cli_option *find(cli_args *a, const char *name)
{
    for (size_t i = 0; i < a->nopts; i++)
        if (strcmp(a->opts[i].name, name) == 0)
            return &a->opts[i];
    return NULL;
}

const char *args_value(cli_args *a, const char *name)
{
    cli_option *o = find(a, name);
    if (!o || !o->value)
        return NULL;
    o->used = true;
    return o->value;
}

bool args_flag(cli_args *a, const char *name)
{
    cli_option *o = find(a, name);
    if (!o)
        return false;
    o->used = true;
    return true;
}

const cli_option *args_unused(const cli_args *a)
{
    for (size_t i = 0; i < a->nopts; i++)
        if (!a->opts[i].used)
            return &a->opts[i];
    return NULL;
}

const char *args_kebab(const char *snake, char *buf, size_t size)
{
    size_t i = 0;
    for (; snake[i] && i + 1 < size; i++)
        buf[i] = snake[i] == '_' ? '-' : snake[i];
    buf[i] = '\0';
    return buf;
}
