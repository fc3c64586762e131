/* `isms risk accept` and `isms risk acceptances` (cmd_risk_accept.c). */
#ifndef ISMS_CLI_RISK_ACCEPT_H
#define ISMS_CLI_RISK_ACCEPT_H

#include "cli/cli.h"

/* Whether verb is one of these verbs of kind k (only the risk kind has them). */
bool cmd_risk_accept_has(const isms_kind *k, const char *verb);

int cmd_risk_accept(cli_ctx *c, const char *verb);

/* Their --help; false for another verb. */
bool help_risk_accept(cli_ctx *c, const isms_kind *k, const char *verb);

#endif
