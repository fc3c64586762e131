/*
 * Who acts on the command line, and what each verb needs: the table of
 * every command and verb with its permission (core/roles.h), enforced here
 * for the acting user before the command runs.
 *
 * These checks attribute changes and guard against mistakes. They do not
 * protect the database from someone who can write its file: that person can
 * bypass the CLI altogether; file permissions protect it (docs/SECURITY.md).
 */
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"

typedef struct cli_verb_permission {
    const char *cmd;  /* a command, or NULL for every kind of record */
    const char *verb; /* NULL: the command has no verbs */
    isms_permission perm;
} cli_verb_permission;

static const cli_verb_permission table[] = {
    {"init", NULL, PERM_OPEN},   /* makes a new file; creates the first admin */
    {"kinds", NULL, PERM_OPEN},  /* the registry, no database */
    {"schema", NULL, PERM_OPEN}, /* table structure only, no records */
    {"serve", NULL, PERM_OPEN},  /* every request authenticates itself */
    {"help", NULL, PERM_OPEN},
    {"copy", NULL, PERM_ADMIN}, /* reads everything, accounts included; of --from (cmd_copy.c) */
    {"user", "list", PERM_ADMIN},
    {"user", "add", PERM_ADMIN},
    {"user", "set", PERM_SELF}, /* one's own password; anything else needs admin */
    {"user", "disable", PERM_ADMIN},
    {"user", "totp", PERM_SELF},    /* one's own; another user's needs admin */
    {"token", "create", PERM_SELF}, /* for oneself; for another user needs admin */
    {"token", "list", PERM_SELF},   /* one's own; --user or --all needs admin */
    {"token", "revoke", PERM_SELF}, /* one's own; another's needs admin */
    /* The change log (docs/SECURITY.md). */
    {"log", "verify", PERM_READ},
    {"log", "list", PERM_READ},
    {"log", "redact", PERM_ADMIN},     /* irreversible; personal data retention */
    {"log", "keygen", PERM_OPEN},      /* writes two key files, touches no database */
    {"log", "checkpoint", PERM_ADMIN}, /* signs with the server's secret key */
    /* The risk method's own verbs (cmd_risk_method.c); its add is the generic one. Its
     * versions are the manager's decision (KF_MANAGED: the record layer holds to it too). */
    {"risk-method", "preset", PERM_OPEN}, /* static text, no database */
    {"risk-method", "matrix", PERM_READ},
    {"risk-method", "add", PERM_MANAGE},
    {"risk-method", "retire", PERM_MANAGE},
    {"risk-method", "import", PERM_MANAGE},
    /* Signed risk acceptance: who may sign is the kind's rule (the risk owner, top management). */
    {"risk", "accept", PERM_READ},
    {"risk", "acceptances", PERM_READ},
    /* Assessment campaigns (cmd_risk_campaign.c); close changes the record like set. */
    {"risk-campaign", "coverage", PERM_READ},
    {"risk-campaign", "snapshot", PERM_READ},
    {"risk-campaign", "compare", PERM_READ},
    {"risk-campaign", "due", PERM_READ},
    {"risk-campaign", "close", PERM_WRITE},
    /* The risk register's views (cmd_risk_views.c). */
    {"risk", "heatmap", PERM_READ},
    {"risk", "flags", PERM_READ},
    {"risk", "actions", PERM_READ},
    /* Every kind of record. */
    {NULL, "list", PERM_READ},
    {NULL, "show", PERM_READ},
    {NULL, "history", PERM_READ},
    {NULL, "add", PERM_WRITE},
    {NULL, "set", PERM_WRITE},
    {NULL, "retire", PERM_WRITE},
    {NULL, "delete", PERM_WRITE},
    {NULL, "export", PERM_READ},
    {NULL, "import", PERM_WRITE}, /* every row is a create or an update */
};

static isms_permission permission_of(const char *cmd, const char *verb, bool kind)
{
    /* A kind's own verbs (risk accept) come before the verbs of every kind. */
    for (size_t i = 0; kind && i < sizeof(table) / sizeof(table[0]); i++) {
        const cli_verb_permission *t = &table[i];
        if (t->cmd && t->verb && verb && strcmp(t->cmd, cmd) == 0 && strcmp(t->verb, verb) == 0)
            return t->perm;
    }
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        const cli_verb_permission *t = &table[i];
        /* A row naming the command wins over the rows of every kind (which come last). */
        bool cmd_ok = t->cmd ? strcmp(t->cmd, cmd) == 0 : kind;
        bool verb_ok = !t->verb || (verb && strcmp(t->verb, verb) == 0);
        if (cmd_ok && verb_ok)
            return t->perm;
    }
    return PERM_UNSET;
}

int cli_open_store(cli_ctx *c, bool create, store **out)
{
    if (c->store && !create) {
        *out = c->store;
        return EXIT_OK;
    }
    if (!c->db || !c->db[0])
        return cli_usage(c, "no database: give --db FILE or set ISMS_DB");
    isms_status st;
    store_options opt = {.pool_size = 1, .create = create};
    if (store_open(out, c->reg, c->db, &opt, &st) != ISMS_OK)
        return cli_fail(c, &st);
    return EXIT_OK;
}

void cli_close_store(cli_ctx *c, store *s)
{
    if (s != c->store)
        store_free(s);
}

bool cli_permits(const cli_ctx *c, isms_permission perm)
{
    return roles_permit(&c->principal, perm);
}

int cli_forbidden(cli_ctx *c, isms_permission perm, const char *what)
{
    char roles[ROLES_TEXT_MAX];
    isms_status st;
    status_clear(&st);
    status_fail(&st, ISMS_EFORBIDDEN, "%s may not %s: it needs %s (%s has the roles: %s)",
                c->principal.name, what, permission_holders(perm), c->principal.name,
                roles_format(c->principal.roles, roles, sizeof(roles)));
    return cli_fail(c, &st);
}

/* The acting user: --as / ISMS_ACTOR, else the only enabled administrator. */
static int resolve_user(cli_ctx *c, const char *cmd, const char *verb)
{
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    if (store_borrow(c->store, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    store_user **users;
    size_t n = 0;
    isms_err e = store_user_list(conn, &c->arena, &users, &n, &st);
    store_return(conn);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    if (n == 0) {
        if (strcmp(cmd, "user") == 0 && verb && strcmp(verb, "add") == 0) {
            c->bootstrap = true;
            c->principal = (isms_principal){0, c->as ? c->as : "isms", 0, 0, AUTH_CLI};
            return EXIT_OK;
        }
        status_fail(&st, ISMS_EFORBIDDEN,
                    "this ISMS has no users yet: create the first "
                    "administrator with `isms user add NAME --role admin,manager`");
        return cli_fail(c, &st);
    }
    const store_user *who = NULL;
    char key[STORE_USER_KEY_MAX], ukey[STORE_USER_KEY_MAX], names[256] = "";
    size_t admins = 0, used = 0;
    if (c->as)
        store_user_name_key(c->as, key);
    for (size_t i = 0; i < n; i++) {
        store_user_name_key(users[i]->name, ukey);
        if (c->as && strcmp(key, ukey) == 0)
            who = users[i];
        if (!c->as && (users[i]->roles & UR_ADMIN) && !users[i]->disabled_at) {
            who = users[i];
            admins++;
            int w = snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "",
                             users[i]->name);
            if (w > 0 && (size_t)w < sizeof(names) - used)
                used += (size_t)w;
        }
    }
    if (c->as && !who)
        status_fail(&st, ISMS_ENOTFOUND, "--as: there is no user '%s' (see `isms user list`)",
                    c->as);
    else if (c->as && who->disabled_at)
        status_fail(&st, ISMS_EFORBIDDEN, "--as: the user %s is disabled", who->name);
    else if (!c->as && admins == 0)
        status_fail(&st, ISMS_EFORBIDDEN,
                    "no enabled administrator: name the acting user "
                    "with --as NAME (or ISMS_ACTOR)");
    else if (!c->as && admins > 1)
        status_fail(&st, ISMS_EINVALID,
                    "several administrators (%s): say who acts with "
                    "--as NAME (or ISMS_ACTOR)",
                    names);
    if (st.code != ISMS_OK)
        return cli_fail(c, &st);
    c->principal = (isms_principal){who->id, who->name, who->roles, who->person_id, AUTH_CLI};
    return EXIT_OK;
}

int cli_authorize(cli_ctx *c, const char *cmd, const char *verb, bool kind)
{
    isms_permission perm = permission_of(cmd, verb, kind);
    if (perm == PERM_OPEN)
        return EXIT_OK;
    if (perm == PERM_UNSET)
        return EXIT_OK; /* an unknown verb: the command refuses it as wrong usage */
    int rc = cli_open_store(c, false, &c->store);
    if (rc != EXIT_OK) {
        c->store = NULL;
        return rc;
    }
    rc = resolve_user(c, cmd, verb);
    if (rc != EXIT_OK || c->bootstrap)
        return rc;
    if (!roles_permit(&c->principal, perm)) {
        char what[96];
        snprintf(what, sizeof(what), "%s%s%s", kind ? "change records with" : cmd, verb ? " " : "",
                 verb ? verb : "");
        if (kind && perm == PERM_READ)
            snprintf(what, sizeof(what), "read records");
        else if (kind)
            snprintf(what, sizeof(what), "change records");
        return cli_forbidden(c, perm, what);
    }
    return EXIT_OK;
}

/* One line from f without its line end; NULL at EOF or when longer than the buffer. */
static char *read_line(FILE *f, char *buf, size_t size)
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

static char *ask_hidden(const char *prompt, char *buf, size_t size)
{
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty)
        return NULL;
    struct termios old, quiet;
    int fd = fileno(tty);
    bool hidden = tcgetattr(fd, &old) == 0;
    if (hidden) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    fputs(prompt, tty);
    fflush(tty);
    char *line = read_line(tty, buf, size);
    if (hidden)
        tcsetattr(fd, TCSAFLUSH, &old);
    fputc('\n', tty);
    fclose(tty);
    return line;
}

const char *cli_read_password(cli_ctx *c, bool from_stdin, const char *prompt)
{
    char buf[PASSWORD_MAX_BYTES + 2], again[PASSWORD_MAX_BYTES + 2];
    if (from_stdin) {
        if (!read_line(stdin, buf, sizeof(buf))) {
            cli_usage(c, "--password-stdin: no password on stdin (one line, at most %d bytes)",
                      PASSWORD_MAX_BYTES);
            return NULL;
        }
        return arena_strdup(&c->arena, buf);
    }
    if (!isatty(STDIN_FILENO) || !ask_hidden(prompt, buf, sizeof(buf))) {
        cli_usage(c, "no terminal to ask for the password: give it with --password-stdin");
        return NULL;
    }
    if (!ask_hidden("The same password again: ", again, sizeof(again)) || strcmp(buf, again) != 0) {
        cli_usage(c, "the two passwords differ");
        return NULL;
    }
    return arena_strdup(&c->arena, buf);
}

int cli_hash_cost(cli_ctx *c, password_cost *out)
{
    const char *v = args_value(&c->args, "hash_cost");
    *out = PASSWORD_COST_INTERACTIVE;
    if (v && !password_cost_parse(v, out))
        return cli_usage(c, "--hash-cost must be interactive, moderate or test");
    return EXIT_OK;
}
