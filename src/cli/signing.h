/*
 * Signing acts on the command line (docs/SECURITY.md): the counterpart of
 * http/signing.h. The acting user proves they are at the keyboard with
 * their own password, and the code of their second factor when they have
 * one: asked on the terminal without echo, or read from stdin with
 * --password-stdin (the password on the first line, the code on the
 * second). Every attempt is an authentication event (signing_ok,
 * signing_failed). Later approvals call cli_sign before they record.
 *
 * Also here: `isms user totp ...` (cmd_totp.c).
 */
#ifndef ISMS_CLI_SIGNING_H
#define ISMS_CLI_SIGNING_H

#include "cli/cli.h"

/*
 * Demand the acting user's credentials for `act` (a few words for the
 * event): EXIT_OK when they are right, else the exit code of the refusal
 * (1, naming the wrong field; 2 when nothing could be read).
 */
int cli_sign(cli_ctx *c, store *s, const char *act, bool from_stdin);

/* One line from the terminal (hidden: without echo), or NULL. */
char *cli_ask_tty(const char *prompt, bool hidden, char *buf, size_t size);

/* `isms user totp VERB ...` and its help. */
int cmd_user_totp(cli_ctx *c, store *s);
void help_user_totp(cli_ctx *c);

#endif
