/* The risk method's own CLI verbs (cmd_risk_method.c) and their help. */
#ifndef ISMS_CLI_RISK_METHOD_CLI_H
#define ISMS_CLI_RISK_METHOD_CLI_H

#include "cli/cli.h"

/* Run one of the method's own verbs, preset or matrix (cli/kind_verbs.c routes them here). */
int cmd_risk_method(cli_ctx *c, const char *verb);

/* The generic add, after --definition-file FILE became --definition TEXT. */
int cmd_risk_method_add(cli_ctx *c, const char *verb);

/* The help of preset and matrix. */
void help_risk_method_verb(cli_ctx *c, const char *verb);

/* The lines the method adds to `isms risk-method --help`. */
void help_risk_method(cli_ctx *c);

#endif
