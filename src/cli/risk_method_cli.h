/* The risk method's own CLI verbs (cmd_risk_method.c) and their help. */
#ifndef ISMS_CLI_RISK_METHOD_CLI_H
#define ISMS_CLI_RISK_METHOD_CLI_H

#include "cli/cli.h"

/*
 * Run verb if it is one of the method's own (preset, matrix): true with the
 * exit code in *rc. For add, takes --definition-file first (true only when
 * that fails); false: the generic verbs run.
 */
bool cmd_risk_method(cli_ctx *c, const char *verb, int *rc);

/* The help of preset and matrix; false for other verbs. */
bool help_risk_method_verb(cli_ctx *c, const char *verb);

/* The lines the method adds to `isms risk-method --help`. */
void help_risk_method(cli_ctx *c);

#endif
