/*
 * `isms user totp enrol|confirm|disable|recovery|status|require`: the second
 * factor on the command line (docs/CLI.md, docs/SECURITY.md). One's own,
 * or another user's as an administrator; turning it off and making new
 * recovery codes are signing acts (cli_sign).
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/output.h"
#include "cli/signing.h"
#include "core/mfa.h"

void help_user_totp(cli_ctx *c)
{
    fputs("Usage:\n"
          "  isms user totp enrol [NAME]               begin: prints the key, the otpauth:// link;\n"
          "                                            then reads the app's first code from stdin\n"
          "  isms user totp confirm [NAME]             finish an enrolment: the code from stdin\n"
          "  isms user totp disable [NAME] [--password-stdin]   a signing act\n"
          "  isms user totp recovery [--password-stdin]         new recovery codes; a signing act\n"
          "  isms user totp status [NAME] [--json]\n"
          "  isms user totp require on|off             require a second factor of everyone\n\n"
          "A second factor is a time-based code (RFC 6238: 6 digits, 30 s) of an authenticator\n"
          "app, asked for after the password when signing in to the web pages, and by signing\n"
          "acts. enrol prints the key and the link the app reads; when stdin has a line, it is\n"
          "the app's first code and finishes the enrolment, else `confirm` does later. The ten\n"
          "recovery codes are printed once; each works once instead of a code.\n\n"
          "NAME defaults to the acting user; another user's second factor needs the admin role.\n"
          "disable and recovery are signing acts: they ask for the acting user's password (and\n"
          "their code when they have a second factor) on the terminal, or read them from stdin\n"
          "with --password-stdin: the password on the first line, the code on the second.\n"
          "require on sends every user without a second factor to set one up right after\n"
          "signing in (admin). API tokens are not affected: they are a factor of their own.\n",
          c->out);
}

/* The user a verb is about: pos[3] (others need admin) or the acting user. */
static int target(cli_ctx *c, store *s, store_user **out)
{
    if (c->args.npos > 4)
        return cli_usage(c, "unexpected argument '%s'", c->args.pos[4]);
    const char *name = c->args.npos == 4 ? c->args.pos[3] : c->principal.name;
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    isms_err e = store_user_by_name(conn, name, &c->arena, out, &st);
    store_return(conn);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    if ((*out)->id != c->principal.user_id && !cli_permits(c, PERM_ADMIN))
        return cli_forbidden(c, PERM_ADMIN, "manage the second factor of another user");
    return EXIT_OK;
}

static int write_as(cli_ctx *c, store *s, store_write_fn fn, void *arg)
{
    isms_status st;
    status_clear(&st);
    isms_write_ctx ctx;
    write_ctx_init(&ctx, c->principal.name, "cli");
    return store_write(s, &ctx, fn, arg, &st) == ISMS_OK ? EXIT_OK : cli_fail(c, &st);
}

static void print_codes(cli_ctx *c, const char *name,
                        char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1])
{
    if (c->json) {
        json_t *list = json_array();
        for (size_t i = 0; i < TOTP_RECOVERY_COUNT; i++)
            json_array_append_new(list, json_string(codes[i]));
        json_t *j = json_pack("{s:s,s:b,s:o}", "name", name, "enrolled", 1, "recovery_codes", list);
        print_json(c, j);
        json_decref(j);
        return;
    }
    fprintf(c->out, "Recovery codes of %s (each works once; they are not shown again):\n", name);
    for (size_t i = 0; i < TOTP_RECOVERY_COUNT; i++)
        fprintf(c->out, "  %s\n", codes[i]);
}

typedef struct totp_args {
    const store_user *u;
    char secret[TOTP_SECRET_TEXT + 1];
    const char *code;
    char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1];
} totp_args;

static isms_err do_begin(store_txn *t, void *arg, isms_status *st)
{
    totp_args *a = arg;
    return mfa_enrol_begin(t, a->u->id, a->secret, st);
}

static isms_err do_confirm(store_txn *t, void *arg, isms_status *st)
{
    totp_args *a = arg;
    return mfa_enrol_confirm(t, a->u->id, a->u->name, "cli", a->code, "code", (int64_t)time(NULL),
                             a->codes, st);
}

static isms_err do_disable(store_txn *t, void *arg, isms_status *st)
{
    totp_args *a = arg;
    return mfa_disable(t, a->u->id, a->u->name, "cli", st);
}

static isms_err do_recovery(store_txn *t, void *arg, isms_status *st)
{
    totp_args *a = arg;
    bool enrolled = false;
    isms_err e = store_totp_enrolled(store_txn_conn(t), a->u->id, &enrolled, st);
    if (e == ISMS_OK && !enrolled)
        e = status_fail(st, ISMS_ECONFLICT, "%s has no second factor", a->u->name);
    return e == ISMS_OK ? mfa_new_recovery_codes(t, a->u->id, a->codes, st) : e;
}

/* The first code: a line of stdin, or asked on the terminal; NULL when none is given. */
static const char *read_code(cli_ctx *c, char *buf, size_t size)
{
    if (isatty(STDIN_FILENO))
        return cli_ask_tty("Code from the app: ", false, buf, size);
    if (!fgets(buf, (int)size, stdin))
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    (void)c;
    return buf[0] ? buf : NULL;
}

static int confirm_with(cli_ctx *c, store *s, totp_args *a, const char *code)
{
    a->code = code;
    int rc = write_as(c, s, do_confirm, a);
    if (rc == EXIT_OK)
        print_codes(c, a->u->name, a->codes);
    return rc;
}

static int verb_enrol(cli_ctx *c, store *s, bool then_confirm)
{
    store_user *u;
    int rc = cli_check_unused(c);
    if (rc == EXIT_OK)
        rc = target(c, s, &u);
    if (rc != EXIT_OK)
        return rc;
    totp_args a = {.u = u};
    char buf[TOTP_INPUT_MAX + 2];
    if (!then_confirm) {
        const char *code = read_code(c, buf, sizeof(buf));
        if (!code)
            return cli_usage(c, "user totp confirm needs the app's code on stdin");
        return confirm_with(c, s, &a, code);
    }
    if ((rc = write_as(c, s, do_begin, &a)) != EXIT_OK)
        return rc;
    strbuf uri;
    strbuf_init(&uri, 1024);
    totp_uri(&uri, u->name, a.secret);
    if (c->json) {
        json_t *j = json_pack("{s:s,s:s,s:s}", "name", u->name, "secret", a.secret, "uri", uri.ptr);
        print_json(c, j);
        json_decref(j);
    } else {
        fprintf(c->out,
                "Key of %s for the authenticator app (time-based, 6 digits, 30 s):\n  %s\n"
                "Link (the QR code of the account page holds the same):\n  %s\n",
                u->name, a.secret, uri.ptr);
    }
    strbuf_dispose(&uri);
    fflush(c->out);
    const char *code = read_code(c, buf, sizeof(buf));
    if (!code) {
        if (!c->json)
            fprintf(c->out, "Enrolment waits for its first code: `isms user totp confirm %s` "
                            "with the code on stdin.\n",
                    u->name);
        return EXIT_OK;
    }
    return confirm_with(c, s, &a, code);
}

static int verb_disable(cli_ctx *c, store *s, bool recovery)
{
    store_user *u;
    bool from_stdin = args_flag(&c->args, "password_stdin");
    int rc = cli_check_unused(c);
    if (rc == EXIT_OK && recovery && c->args.npos > 3)
        return cli_usage(c, "user totp recovery makes codes for the acting user only");
    if (rc == EXIT_OK)
        rc = target(c, s, &u);
    if (rc != EXIT_OK)
        return rc;
    char act[ISMS_ACTOR_MAX * 4 + 64];
    snprintf(act, sizeof(act), recovery ? "new recovery codes of %s" : "turn off the second "
                                                                       "factor of %s", u->name);
    if ((rc = cli_sign(c, s, act, from_stdin)) != EXIT_OK)
        return rc;
    totp_args a = {.u = u};
    rc = write_as(c, s, recovery ? do_recovery : do_disable, &a);
    if (rc != EXIT_OK)
        return rc;
    if (recovery)
        print_codes(c, u->name, a.codes);
    else if (c->json) {
        json_t *j = json_pack("{s:s,s:b}", "name", u->name, "enrolled", 0);
        print_json(c, j);
        json_decref(j);
    } else
        fprintf(c->out, "The second factor of %s is off.\n", u->name);
    return EXIT_OK;
}

/* "on", "pending" or "off", and the unused recovery codes, of one user. */
static isms_err state_of(store_conn *conn, const store_user *u, arena *a, const char **state,
                         int64_t *left, isms_status *st)
{
    store_totp *x = NULL;
    *state = "off";
    *left = 0;
    isms_err e = store_totp_get(conn, u->id, a, &x, st);
    if (e == ISMS_ENOTFOUND) {
        status_clear(st);
        return ISMS_OK;
    }
    if (e != ISMS_OK)
        return e;
    *state = x->confirmed_at ? "on" : "pending";
    return store_recovery_left(conn, u->id, left, st);
}

static int verb_status(cli_ctx *c, store *s)
{
    int rc = cli_check_unused(c);
    bool all = rc == EXIT_OK && c->args.npos == 3 && cli_permits(c, PERM_ADMIN);
    store_user **users = NULL, *one = NULL;
    size_t n = 0;
    if (rc == EXIT_OK && !all) {
        rc = target(c, s, &one);
        users = &one;
        n = 1;
    }
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    bool required = false;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    isms_err e = all ? store_user_list(conn, &c->arena, &users, &n, &st) : ISMS_OK;
    const char *v = NULL;
    if (e == ISMS_OK && store_setting_get(conn, STORE_SETTING_REQUIRE_TOTP, &c->arena, &v, &st) ==
                            ISMS_ENOTFOUND)
        status_clear(&st);
    e = st.code;
    required = v && strcmp(v, "true") == 0;
    json_t *items = json_array();
    text_table t;
    table_init(&t, &c->arena, 3);
    table_add_row(&t, (const char *[]){"NAME", "SECOND FACTOR", "RECOVERY CODES LEFT"});
    for (size_t i = 0; e == ISMS_OK && i < n; i++) {
        const char *state;
        int64_t left;
        e = state_of(conn, users[i], &c->arena, &state, &left, &st);
        if (e != ISMS_OK)
            break;
        json_array_append_new(items, json_pack("{s:s,s:s,s:I}", "name", users[i]->name, "state",
                                               state, "recovery_codes_left", (json_int_t)left));
        table_add_row(&t, (const char *[]){users[i]->name, state,
                                           arena_printf(&c->arena, "%lld", (long long)left)});
    }
    store_return(conn);
    if (e != ISMS_OK) {
        json_decref(items);
        return cli_fail(c, &st);
    }
    if (c->json) {
        json_t *j = json_pack("{s:b,s:o}", "required", required, "items", items);
        print_json(c, j);
        json_decref(j);
        return EXIT_OK;
    }
    json_decref(items);
    table_print(&t, c->out);
    fprintf(c->out, "A second factor is %s.\n",
            required ? "required of everyone" : "each user's choice");
    return EXIT_OK;
}

typedef struct require_args {
    bool on;
} require_args;

static isms_err do_require(store_txn *t, void *arg, isms_status *st)
{
    require_args *a = arg;
    isms_err e = store_setting_put(t, STORE_SETTING_REQUIRE_TOTP, a->on ? "true" : "false", st);
    store_auth_event ev = {a->on ? "totp_required" : "totp_optional", store_txn_ctx(t)->actor, 0,
                           "cli", "for every user"};
    return e == ISMS_OK ? store_auth_event_add(t, &ev, st) : e;
}

static int verb_require(cli_ctx *c, store *s)
{
    int rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    if (c->args.npos != 4 ||
        (strcmp(c->args.pos[3], "on") != 0 && strcmp(c->args.pos[3], "off") != 0))
        return cli_usage(c, "user totp require needs on or off");
    if (!cli_permits(c, PERM_ADMIN))
        return cli_forbidden(c, PERM_ADMIN, "require a second factor of everyone");
    require_args a = {strcmp(c->args.pos[3], "on") == 0};
    rc = write_as(c, s, do_require, &a);
    if (rc == EXIT_OK && !c->json)
        fprintf(c->out, "A second factor is now %s.\n",
                a.on ? "required of everyone" : "each user's choice");
    else if (rc == EXIT_OK) {
        json_t *j = json_pack("{s:b}", "required", a.on);
        print_json(c, j);
        json_decref(j);
    }
    return rc;
}

int cmd_user_totp(cli_ctx *c, store *s)
{
    const char *verb = c->args.npos > 2 ? c->args.pos[2] : NULL;
    if (!verb)
        return cli_usage(c, "user totp needs a verb: enrol, confirm, disable, recovery, status "
                            "or require");
    if (strcmp(verb, "enrol") == 0 || strcmp(verb, "enroll") == 0)
        return verb_enrol(c, s, true);
    if (strcmp(verb, "confirm") == 0)
        return verb_enrol(c, s, false);
    if (strcmp(verb, "disable") == 0)
        return verb_disable(c, s, false);
    if (strcmp(verb, "recovery") == 0)
        return verb_disable(c, s, true);
    if (strcmp(verb, "status") == 0)
        return verb_status(c, s);
    if (strcmp(verb, "require") == 0)
        return verb_require(c, s);
    return cli_usage(c, "user totp: unknown verb '%s' (enrol, confirm, disable, recovery, status, "
                        "require)",
                     verb);
}
