/* `isms risk accept` and `isms risk acceptances` (cmd_risk_accept.c). */
#ifndef ISMS_CLI_RISK_ACCEPT_H
#define ISMS_CLI_RISK_ACCEPT_H

#include "cli/cli.h"

/* Run verb, accept or acceptances (cli/kind_verbs.c routes them here). */
int cmd_risk_accept(cli_ctx *c, const char *verb);

/* Their --help. */
void help_risk_accept(cli_ctx *c, const char *verb);

#endif
