/*
 * `isms user add|list|set|disable`: the users who may sign in, their roles,
 * person and password. Everything is checked before anything is written;
 * a refused command changes nothing.
 */
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/signing.h"
#include "core/accounts.h"

typedef struct user_change {
    cli_ctx *c;
    store_user *u; /* the user to change (set, disable) or add */
    bool set_roles, set_person, set_password, enable, disable;
    unsigned roles;
    int64_t person_id;
    char hash[PASSWORD_HASH_MAX];
} user_change;

static isms_err event_with(store_txn *t, user_change *w, const char *what, const char *detail,
                           isms_status *st)
{
    store_auth_event ev = {what, w->u->name, w->u->id, "cli", detail};
    return store_auth_event_add(t, &ev, st);
}

static isms_err event(store_txn *t, user_change *w, const char *what, isms_status *st)
{
    return event_with(t, w, what, NULL, st);
}

static isms_err do_add(store_txn *t, void *arg, isms_status *st)
{
    user_change *w = arg;
    isms_err e = account_person_check(store_txn_conn(t), w->u->person_id, "person", st);
    if (e == ISMS_OK)
        e = store_user_insert(t, w->u, st);
    return e == ISMS_OK ? event(t, w, "user_created", st) : e;
}

static isms_err do_change(store_txn *t, void *arg, isms_status *st)
{
    user_change *w = arg;
    store_conn *conn = store_txn_conn(t);
    isms_err e = ISMS_OK;
    if (w->set_roles || w->disable)
        e = account_keep_an_admin(conn, w->u->id, w->set_roles ? w->roles : w->u->roles, w->disable,
                                  st);
    char detail[ROLES_TEXT_MAX];
    if (e == ISMS_OK && w->set_roles)
        e = store_user_set_roles(t, w->u->id, w->roles, st);
    if (e == ISMS_OK && w->set_roles)
        e = event_with(t, w, "roles_changed", roles_format(w->roles, detail, sizeof(detail)), st);
    if (e == ISMS_OK && w->set_person)
        e = account_person_check(conn, w->person_id, "person", st);
    if (e == ISMS_OK && w->set_person)
        e = store_user_set_person(t, w->u->id, w->person_id, st);
    if (e == ISMS_OK && w->set_person) {
        const isms_kind *person = registry_kind(w->c->reg, "person");
        if (person && w->person_id)
            human_id_format(detail, person, w->person_id);
        else
            snprintf(detail, sizeof(detail), "none");
        e = event_with(t, w, "person_changed", detail, st);
    }
    if (e == ISMS_OK && w->set_password)
        e = store_user_set_password(t, w->u->id, w->hash, st);
    if (e == ISMS_OK && w->set_password)
        e = event(t, w, "password_changed", st);
    if (e == ISMS_OK && (w->enable || w->disable))
        e = store_user_set_disabled(t, w->u->id, w->disable, st);
    if (e == ISMS_OK && (w->enable || w->disable))
        e = event(t, w, w->disable ? "user_disabled" : "user_enabled", st);
    return e;
}

static int write_change(cli_ctx *c, store *s, store_write_fn fn, user_change *w)
{
    isms_status st;
    status_clear(&st);
    isms_write_ctx ctx;
    write_ctx_init(&ctx, c->principal.name, "cli");
    return store_write(s, &ctx, fn, w, &st) == ISMS_OK ? EXIT_OK : cli_fail(c, &st);
}

/* The NAME argument (pos[2]) of a verb, and nothing after it. */
static int name_arg(cli_ctx *c, const char *verb, const char **out)
{
    if (c->args.npos < 3)
        return cli_usage(c, "user %s needs the user's name", verb);
    if (c->args.npos > 3)
        return cli_usage(c, "unexpected argument '%s'", c->args.pos[3]);
    *out = c->args.pos[2];
    return EXIT_OK;
}

/*
 * --role, --person, --password-stdin, --hash-cost: parsed into w, field
 * errors into st. Every option is consumed and checked before a password is
 * asked for, so that a typo never costs one.
 */
static int read_options(cli_ctx *c, store *s, user_change *w, bool add, isms_status *st)
{
    const char *role = args_value(&c->args, "role");
    const char *person = args_value(&c->args, "person");
    bool from_stdin = args_flag(&c->args, "password_stdin");
    password_cost cost;
    int rc = cli_hash_cost(c, &cost);
    if (rc == EXIT_OK)
        rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    char bad[40];
    if (role) {
        w->set_roles = true;
        if (!roles_parse_list(role, &w->roles, bad, sizeof(bad)))
            status_field(st, "role",
                         "'%s' is not a role (admin, manager, contributor, auditor, viewer)",
                         bad);
    } else if (add) {
        status_field(st, "role", "is required: admin, manager, contributor, auditor or viewer, "
                                 "several separated by commas");
    }
    if (person) {
        w->set_person = true;
        if (person[0]) {
            store_conn *conn;
            if (store_borrow(s, &conn, st) == ISMS_OK) {
                account_person(conn, person, "person", &w->person_id, st);
                store_return(conn);
            }
        }
    }
    if (st->code != ISMS_OK)
        return EXIT_OK;
    if (add || from_stdin) {
        const char *pw = cli_read_password(c, from_stdin, "Password: ");
        char why[ISMS_REASON_MAX];
        if (!pw)
            return EXIT_USAGE;
        if (!password_acceptable(pw, why, sizeof(why)))
            status_field(st, "password", "%s", why);
        else if (password_hash(cost, pw, w->hash, st) == ISMS_OK)
            w->set_password = true;
    }
    return EXIT_OK;
}

static int verb_add(cli_ctx *c, store *s)
{
    const char *name = NULL;
    isms_status st;
    status_clear(&st);
    user_change w = {.c = c};
    int rc = name_arg(c, "add", &name);
    if (rc == EXIT_OK)
        rc = read_options(c, s, &w, true, &st);
    if (rc != EXIT_OK)
        return rc;
    char why[ISMS_REASON_MAX];
    if (!account_name_ok(name, why, sizeof(why)))
        status_field(&st, "name", "%s", why);
    if (st.code == ISMS_OK && c->bootstrap && !(w.roles & UR_ADMIN))
        status_field(&st, "role", "must include admin: this is the first user of the ISMS");
    if (st.code != ISMS_OK)
        return cli_fail(c, &st);
    store_user u = {
        .name = name, .roles = w.roles, .person_id = w.person_id, .password_hash = w.hash};
    w.u = &u;
    if (c->bootstrap)
        c->principal.name = name;
    rc = write_change(c, s, do_add, &w);
    if (rc == EXIT_OK) {
        char roles[ROLES_TEXT_MAX];
        if (c->json) {
            json_t *j = json_pack("{s:s,s:s}", "name", name, "roles",
                                  roles_format(w.roles, roles, sizeof(roles)));
            print_json(c, j);
            json_decref(j);
        } else {
            fprintf(c->out, "Added user %s (roles: %s).\n", name,
                    roles_format(w.roles, roles, sizeof(roles)));
        }
    }
    return rc;
}

static json_t *user_json(const isms_registry *reg, const store_user *u)
{
    json_t *roles = json_array();
    for (unsigned bit = 1; bit & UR_ALL; bit <<= 1)
        if (u->roles & bit)
            json_array_append_new(roles, json_string(role_name(bit)));
    json_t *j = json_pack("{s:I,s:s,s:o,s:s,s:s,s:s?}", "id", (json_int_t)u->id, "name", u->name,
                          "roles", roles, "created_at", u->created_at, "created_by", u->created_by,
                          "disabled_at", u->disabled_at);
    json_object_set_new(j, "person_id", u->person_id ? json_integer(u->person_id) : json_null());
    const isms_kind *person = registry_kind(reg, "person");
    char hid[ISMS_HUMAN_ID_MAX];
    if (person && u->person_id)
        human_id_format(hid, person, u->person_id);
    json_object_set_new(j, "person", person && u->person_id ? json_string(hid) : json_null());
    return j;
}

/* "PER-3 Jonas Weber" for a user's person (the id alone if the kind is gone); NULL on failure. */
static const char *person_text(cli_ctx *c, store_conn *conn, int64_t id, isms_status *st)
{
    const isms_kind *k = registry_kind(c->reg, "person");
    char hid[ISMS_HUMAN_ID_MAX];
    if (!k)
        return arena_printf(&c->arena, "%lld", (long long)id);
    human_id_format(hid, k, id);
    isms_record *r;
    isms_err e = store_get(conn, k, id, &c->arena, &r, st);
    if (e == ISMS_ENOTFOUND) {
        status_clear(st);
        return arena_strdup(&c->arena, hid);
    }
    if (e != ISMS_OK)
        return NULL;
    return arena_printf(&c->arena, "%s %s%s", hid, record_title(r),
                        r->retired_at ? " (retired)" : "");
}

static int verb_list(cli_ctx *c, store *s)
{
    int rc = c->args.npos > 2 ? cli_usage(c, "unexpected argument '%s'", c->args.pos[2])
                              : cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    store_user **users;
    size_t n = 0;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    isms_err e = store_user_list(conn, &c->arena, &users, &n, &st);
    store_return(conn);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    if (c->json) {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, user_json(c->reg, users[i]));
        json_t *j = json_pack("{s:o}", "items", items);
        print_json(c, j);
        json_decref(j);
        return EXIT_OK;
    }
    text_table t;
    table_init(&t, &c->arena, 5);
    table_add_row(&t, (const char *[]){"NAME", "ROLES", "PERSON", "STATE", "CREATED"});
    for (size_t i = 0; e == ISMS_OK && i < n; i++) {
        char roles[ROLES_TEXT_MAX];
        roles_format(users[i]->roles, roles, sizeof(roles));
        const char *person = "";
        if (users[i]->person_id && (e = store_borrow(s, &conn, &st)) == ISMS_OK) {
            person = person_text(c, conn, users[i]->person_id, &st);
            store_return(conn);
            e = person ? ISMS_OK : st.code;
        }
        table_add_row(&t, (const char *[]){users[i]->name, arena_strdup(&c->arena, roles), person,
                                           users[i]->disabled_at ? "disabled" : "enabled",
                                           users[i]->created_at});
    }
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    table_print(&t, c->out);
    return EXIT_OK;
}

static int load_user(cli_ctx *c, store *s, const char *name, store_user **out)
{
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    isms_err e = store_user_by_name(conn, name, &c->arena, out, &st);
    store_return(conn);
    return e == ISMS_OK ? EXIT_OK : cli_fail(c, &st);
}

static int verb_set(cli_ctx *c, store *s)
{
    const char *name = NULL;
    store_user *u;
    isms_status st;
    status_clear(&st);
    user_change w = {.c = c, .enable = args_flag(&c->args, "enable")};
    int rc = name_arg(c, "set", &name);
    if (rc == EXIT_OK)
        rc = load_user(c, s, name, &u);
    if (rc != EXIT_OK)
        return rc;
    w.u = u;
    bool own = u->id == c->principal.user_id;
    bool only_password =
        !args_value(&c->args, "role") && !args_value(&c->args, "person") && !w.enable;
    if (!(own && only_password) && !cli_permits(c, PERM_ADMIN))
        return cli_forbidden(c, PERM_ADMIN, "change other users, roles or persons");
    rc = read_options(c, s, &w, false, &st);
    if (rc != EXIT_OK)
        return rc;
    if (st.code != ISMS_OK)
        return cli_fail(c, &st);
    if (!w.set_roles && !w.set_person && !w.set_password && !w.enable)
        return cli_usage(c, "user set needs --role, --person, --password-stdin or --enable");
    rc = write_change(c, s, do_change, &w);
    if (rc == EXIT_OK && !c->json)
        fprintf(c->out, "Changed user %s%s.\n", u->name,
                w.set_password ? "; every session of the user ended" : "");
    else if (rc == EXIT_OK) {
        json_t *j = json_pack("{s:s,s:b}", "name", u->name, "changed", 1);
        print_json(c, j);
        json_decref(j);
    }
    return rc;
}

static int verb_disable(cli_ctx *c, store *s)
{
    const char *name = NULL;
    store_user *u;
    int rc = name_arg(c, "disable", &name);
    if (rc == EXIT_OK)
        rc = cli_check_unused(c);
    if (rc == EXIT_OK)
        rc = load_user(c, s, name, &u);
    if (rc != EXIT_OK)
        return rc;
    user_change w = {.c = c, .u = u, .disable = true};
    rc = write_change(c, s, do_change, &w);
    if (rc == EXIT_OK)
        fprintf(c->out,
                "Disabled user %s; their sessions ended and their tokens stopped "
                "working. Their records stay.\n",
                u->name);
    return rc;
}

int cmd_user(cli_ctx *c, const char *verb)
{
    static const char *const verbs[] = {"add", "list", "set", "disable", "totp"};
    size_t which = 0;
    while (verb && which < 5 && strcmp(verbs[which], verb) != 0)
        which++;
    if (!verb || which == 5)
        return cli_usage(c, "user needs a verb: add, list, set, disable or totp");
    store *s;
    int rc = cli_open_store(c, false, &s);
    if (rc != EXIT_OK)
        return rc;
    switch (which) {
    case 0:
        rc = verb_add(c, s);
        break;
    case 1:
        rc = verb_list(c, s);
        break;
    case 2:
        rc = verb_set(c, s);
        break;
    case 4:
        rc = cmd_user_totp(c, s);
        break;
    default:
        rc = verb_disable(c, s);
        break;
    }
    cli_close_store(c, s);
    return rc;
}
