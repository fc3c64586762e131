/*
 * The verbs a kind of record has beside the generic ones (cmd_record.c):
 * a small table of kind and verb -> run and help, so main.c stays generic.
 */
#ifndef ISMS_CLI_KIND_VERBS_H
#define ISMS_CLI_KIND_VERBS_H

#include "cli/cli.h"

typedef struct kind_verb {
    const isms_kind *kind;
    const char *verb;
    int (*run)(cli_ctx *c, const char *verb);   /* EXIT_OK or the exit code of the failure */
    void (*help)(cli_ctx *c, const char *verb); /* NULL: the generic verb's help */
} kind_verb;

/* The entry of `isms KIND VERB`, or NULL (verb NULL, or a generic verb). */
const kind_verb *kind_verb_find(const isms_kind *k, const char *verb);

/* `isms KIND --help`: the kind's generic help, then the lines the kind adds. */
void kind_verbs_help_kind(cli_ctx *c, const isms_kind *k);

#endif
