#include "cli/signing.h"

#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/mfa.h"

/* One line without its line end; NULL at EOF or when longer than the buffer. */
static char *line_of(FILE *f, char *buf, size_t size)
{
    if (!fgets(buf, (int)size, f))
        return NULL;
    size_t len = strlen(buf);
    if (len && buf[len - 1] != '\n' && !feof(f))
        return NULL;
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = '\0';
    return buf;
}

char *cli_ask_tty(const char *prompt, bool hidden, char *buf, size_t size)
{
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty)
        return NULL;
    struct termios old, quiet;
    int fd = fileno(tty);
    bool quieted = hidden && tcgetattr(fd, &old) == 0;
    if (quieted) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    fputs(prompt, tty);
    fflush(tty);
    char *line = line_of(tty, buf, size);
    if (quieted) {
        tcsetattr(fd, TCSAFLUSH, &old);
        fputc('\n', tty);
    }
    fclose(tty);
    return line;
}

/* The next credential: a line of stdin, or asked on the terminal. */
static char *credential(cli_ctx *c, bool from_stdin, const char *prompt, bool hidden, char *buf,
                        size_t size)
{
    if (from_stdin)
        return line_of(stdin, buf, size);
    if (!isatty(STDIN_FILENO))
        return NULL;
    (void)c;
    return cli_ask_tty(prompt, hidden, buf, size);
}

typedef struct sign_args {
    const store_user *u;
    const char *act, *code;
    bool password_ok, enrolled;
    mfa_outcome outcome;
} sign_args;

static isms_err do_sign(store_txn *t, void *arg, isms_status *st)
{
    sign_args *a = arg;
    isms_err e = ISMS_OK;
    a->outcome = MFA_NONE;
    if (a->password_ok && a->enrolled)
        e = mfa_verify(t, a->u->id, a->u->name, "cli", a->act, a->code, true,
                       (int64_t)time(NULL), &a->outcome, st);
    bool ok = a->password_ok && (!a->enrolled || mfa_passed(a->outcome));
    char detail[200];
    snprintf(detail, sizeof(detail), "%.120s%s", a->act,
             ok ? "" : !a->password_ok ? ": wrong password" : ": wrong code");
    store_auth_event ev = {ok ? "signing_ok" : "signing_failed", a->u->name, a->u->id, "cli",
                           detail};
    return e == ISMS_OK ? store_auth_event_add(t, &ev, st) : e;
}

int cli_sign(cli_ctx *c, store *s, const char *act, bool from_stdin)
{
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    store_user *u = NULL;
    bool enrolled = false;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    isms_err e = store_user_by_id(conn, c->principal.user_id, &c->arena, &u, &st);
    if (e == ISMS_OK)
        e = store_totp_enrolled(conn, u->id, &enrolled, &st);
    store_return(conn);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    char pw[PASSWORD_MAX_BYTES + 2], code[TOTP_INPUT_MAX + 2] = "";
    char prompt[ISMS_ACTOR_MAX * 4 + 64];
    snprintf(prompt, sizeof(prompt), "Signing act: %s's password: ", u->name);
    if (!credential(c, from_stdin, prompt, true, pw, sizeof(pw)))
        return cli_usage(c, "%s is a signing act: it needs %s's password, on the terminal or "
                            "with --password-stdin",
                         act, u->name);
    if (enrolled && !credential(c, from_stdin, "Code from your authenticator app: ", false, code,
                                sizeof(code)))
        return cli_usage(c, "%s is a signing act: it needs the code of %s's second factor too "
                            "(with --password-stdin: on the second line)",
                         act, u->name);
    sign_args a = {u, act, code, password_verify(u->password_hash, pw), enrolled, MFA_NONE};
    memset(pw, 0, sizeof(pw));
    isms_write_ctx ctx;
    write_ctx_init(&ctx, u->name, "cli");
    if (store_write(s, &ctx, do_sign, &a, &st) != ISMS_OK)
        return cli_fail(c, &st);
    if (!a.password_ok)
        status_field(&st, "password", "is not the password of %s", u->name);
    else if (enrolled && a.outcome == MFA_REPLAYED)
        status_field(&st, "code", "was used already: wait for the next code");
    else if (enrolled && !mfa_passed(a.outcome))
        status_field(&st, "code", "is not a valid code of %s's second factor", u->name);
    return st.code == ISMS_OK ? EXIT_OK : cli_fail(c, &st);
}
