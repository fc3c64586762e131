/*
 * `isms token create|list|revoke`: API tokens. create prints the token alone
 * on stdout, once; the database keeps only its SHA-256.
 */
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/accounts.h"
#include "core/value.h"

/* The user named by --user (NULL: the acting user); admins only for someone else. */
static int token_owner(cli_ctx *c, store *s, const char *name, const char *what, store_user **out)
{
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    isms_err e = name ? store_user_by_name(conn, name, &c->arena, out, &st)
                      : store_user_by_id(conn, c->principal.user_id, &c->arena, out, &st);
    store_return(conn);
    if (e == ISMS_ENOTFOUND && name) {
        status_clear(&st);
        status_field(&st, "user", "there is no user '%s'", name);
    }
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    if ((*out)->id != c->principal.user_id && !cli_permits(c, PERM_ADMIN))
        return cli_forbidden(c, PERM_ADMIN, what);
    return EXIT_OK;
}

static isms_err do_create(store_txn *t, void *arg, isms_status *st)
{
    return account_token_create(t, arg, st);
}

static int verb_create(cli_ctx *c, store *s)
{
    const char *user = args_value(&c->args, "user"), *role = args_value(&c->args, "role");
    const char *expires = args_value(&c->args, "expires");
    account_new_token x = {.label = args_value(&c->args, "label")};
    int rc = c->args.npos > 2 ? cli_usage(c, "unexpected argument '%s'", c->args.pos[2])
                              : cli_check_unused(c);
    store_user *u;
    if (rc == EXIT_OK)
        rc = token_owner(c, s, user, "make tokens for other users", &u);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    char at[32];
    x.user_id = u->id;
    account_token_role(u->roles, role, "role", &x.role, &st);
    if (expires && account_expiry_parse(expires, "expires", at, &st) == ISMS_OK)
        x.expires_at = at;
    if (u->disabled_at)
        status_field(&st, "user", "%s is disabled", u->name);
    if (st.code != ISMS_OK)
        return cli_fail(c, &st);
    isms_write_ctx ctx;
    write_ctx_init(&ctx, c->principal.name, "cli");
    if (store_write(s, &ctx, do_create, &x, &st) != ISMS_OK)
        return cli_fail(c, &st);
    if (c->json) {
        json_t *j = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)x.id, "token", x.token, "user",
                              u->name, "role", x.role);
        print_json(c, j);
        json_decref(j);
    } else {
        fprintf(c->out, "%s\n", x.token);
    }
    return EXIT_OK;
}

static json_t *token_json(const store_token *t)
{
    return json_pack("{s:I,s:s,s:s,s:s?,s:s,s:s,s:s?,s:s?,s:s?}", "id", (json_int_t)t->id, "user",
                     t->user_name, "role", t->role, "label", t->label, "created_at", t->created_at,
                     "created_by", t->created_by, "expires_at", t->expires_at, "last_used_at",
                     t->last_used_at, "revoked_at", t->revoked_at);
}

static int verb_list(cli_ctx *c, store *s)
{
    const char *user = args_value(&c->args, "user");
    bool all = args_flag(&c->args, "all");
    int rc = c->args.npos > 2 ? cli_usage(c, "unexpected argument '%s'", c->args.pos[2])
                              : cli_check_unused(c);
    store_user *u = NULL;
    if (rc == EXIT_OK && all && !cli_permits(c, PERM_ADMIN))
        return cli_forbidden(c, PERM_ADMIN, "list the tokens of every user");
    if (rc == EXIT_OK && !all)
        rc = token_owner(c, s, user, "list the tokens of other users", &u);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    store_token **toks;
    size_t n = 0;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    isms_err e = store_token_list(conn, u ? u->id : 0, &c->arena, &toks, &n, &st);
    store_return(conn);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    if (c->json) {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, token_json(toks[i]));
        json_t *j = json_pack("{s:o}", "items", items);
        print_json(c, j);
        json_decref(j);
        return EXIT_OK;
    }
    text_table t;
    table_init(&t, &c->arena, 8);
    table_add_row(&t, (const char *[]){"ID", "USER", "ROLE", "LABEL", "CREATED", "EXPIRES",
                                       "LAST USED", "STATE"});
    char now[32];
    clock_now_rfc3339(now);
    for (size_t i = 0; i < n; i++) {
        const store_token *x = toks[i];
        const char *state = x->revoked_at                                      ? "revoked"
                            : x->expires_at && strcmp(x->expires_at, now) <= 0 ? "expired"
                                                                               : "in force";
        table_add_row(&t, (const char *[]){arena_printf(&c->arena, "%lld", (long long)x->id),
                                           x->user_name, x->role, x->label ? x->label : "",
                                           x->created_at, x->expires_at ? x->expires_at : "never",
                                           x->last_used_at ? x->last_used_at : "not yet", state});
    }
    table_print(&t, c->out);
    return EXIT_OK;
}

static isms_err do_revoke(store_txn *t, void *arg, isms_status *st)
{
    return store_token_revoke(t, *(const int64_t *)arg, st);
}

static int verb_revoke(cli_ctx *c, store *s)
{
    int64_t id;
    if (c->args.npos < 3)
        return cli_usage(c, "token revoke needs the token's id (see `isms token list`)");
    if (c->args.npos > 3)
        return cli_usage(c, "unexpected argument '%s'", c->args.pos[3]);
    if (!parse_int64(c->args.pos[2], &id) || id < 1)
        return cli_usage(c, "'%s' is not a token id (a number, see `isms token list`)",
                         c->args.pos[2]);
    int rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    store_token *tok;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    isms_err e = store_token_get(conn, id, &c->arena, &tok, &st);
    store_return(conn);
    /* Another user's token is "not found" to a non-admin: its existence is not theirs to know. */
    if (e == ISMS_OK && tok->user_id != c->principal.user_id && !cli_permits(c, PERM_ADMIN))
        e = status_fail(&st, ISMS_ENOTFOUND, "no such API token");
    isms_write_ctx ctx;
    write_ctx_init(&ctx, c->principal.name, "cli");
    if (e == ISMS_OK)
        e = store_write(s, &ctx, do_revoke, &id, &st);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    fprintf(c->out, "Revoked token %lld.\n", (long long)id);
    return EXIT_OK;
}

int cmd_token(cli_ctx *c, const char *verb)
{
    static const char *const verbs[] = {"create", "list", "revoke"};
    size_t which = 0;
    while (verb && which < 3 && strcmp(verbs[which], verb) != 0)
        which++;
    if (!verb || which == 3)
        return cli_usage(c, "token needs a verb: create, list or revoke");
    store *s;
    int rc = cli_open_store(c, false, &s);
    if (rc != EXIT_OK)
        return rc;
    rc = which == 0 ? verb_create(c, s) : which == 1 ? verb_list(c, s) : verb_revoke(c, s);
    cli_close_store(c, s);
    return rc;
}
