/*
 * `isms risk heatmap|flags` and `isms risk actions`: the risk register's
 * read-only views on the command line (docs/CLI.md, docs/RISK.md).
 */
#ifndef ISMS_CLI_CMD_RISK_VIEWS_H
#define ISMS_CLI_CMD_RISK_VIEWS_H

#include "cli/cli.h"

/* Run the view, heatmap, flags or actions (cli/kind_verbs.c routes them here). */
int cmd_risk_view(cli_ctx *c, const char *verb);

/* Its --help. */
void help_risk_view(cli_ctx *c, const char *verb);

#endif
