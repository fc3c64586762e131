/*
 * `isms risk heatmap|flags` and `isms risk actions`: the risk register's
 * read-only views on the command line (docs/CLI.md, docs/RISK.md).
 */
#ifndef ISMS_CLI_CMD_RISK_VIEWS_H
#define ISMS_CLI_CMD_RISK_VIEWS_H

#include "cli/cli.h"

/* Whether `isms KIND VERB` is one of these views (kind risk: heatmap, flags, actions). */
bool risk_view_verb(const isms_kind *k, const char *verb);

/* Run the view; EXIT_OK or the exit code of the failure. */
int cmd_risk_view(cli_ctx *c, const char *verb);

/* Its --help. */
void help_risk_view(cli_ctx *c, const char *verb);

#endif
