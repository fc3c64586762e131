/* `isms init --db FILE [--org NAME] [--admin NAME]`: a new, empty ISMS and its first administrator.
 */
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/accounts.h"
#include "core/kinds/kinds.h"
#include "core/records.h"
#include "core/risk_method.h"
#include "core/value.h"

enum { ORG_NAME_MAX = 200 };

typedef struct init_args {
    const char *org;
    store_user *admin; /* NULL: no user yet */
    int risk_preset;   /* 3, 4 or 5: the first version of the risk method; 0 none */
} init_args;

/* Risks cannot be scored without a method: a new ISMS starts with a preset one. */
static isms_err first_risk_method(store_txn *t, int size, isms_status *st)
{
    arena a;
    arena_init(&a);
    isms_record *m = record_new(&a, &kind_risk_method);
    isms_value *title = record_value(m, "title"), *def = record_value(m, "definition");
    isms_value *note = record_value(m, "note");
    title->set = def->set = note->set = true;
    title->s = arena_printf(&a, "Risk method (%d x %d preset)", size, size);
    def->s = risk_method_preset(size);
    note->s = "Written by isms init; adapt the scales, matrix and acceptance rules to the "
              "organization, which records a new version.";
    isms_err e = records_create(t, m, &a, st);
    arena_dispose(&a);
    return e;
}

static isms_err do_init(store_txn *t, void *arg, isms_status *st)
{
    init_args *a = arg;
    isms_err e = a->org ? store_setting_put(t, "organization", a->org, st) : ISMS_OK;
    if (e == ISMS_OK && a->risk_preset)
        e = first_risk_method(t, a->risk_preset, st);
    if (e == ISMS_OK && a->admin)
        e = store_user_insert(t, a->admin, st);
    if (e == ISMS_OK && a->admin) {
        store_auth_event ev = {"user_created", a->admin->name, a->admin->id, "cli", "isms init"};
        e = store_auth_event_add(t, &ev, st);
    }
    return e;
}

/* The first administrator, checked and hashed before any file exists. */
static int admin_user(cli_ctx *c, const char *name, bool from_stdin, password_cost cost,
                      store_user *u, char *hash)
{
    isms_status st;
    status_clear(&st);
    char why[ISMS_REASON_MAX];
    if (!account_name_ok(name, why, sizeof(why))) {
        status_field(&st, "admin", "%s", why);
        return cli_fail(c, &st);
    }
    const char *pw = cli_read_password(c, from_stdin, "Password for the administrator: ");
    if (!pw)
        return EXIT_USAGE;
    if (!password_acceptable(pw, why, sizeof(why))) {
        status_field(&st, "password", "%s", why);
        return cli_fail(c, &st);
    }
    if (password_hash(cost, pw, hash, &st) != ISMS_OK)
        return cli_fail(c, &st);
    *u = (store_user){.name = name, .password_hash = hash, .roles = UR_ADMIN | UR_MANAGER};
    return EXIT_OK;
}

int cmd_init(cli_ctx *c)
{
    const char *org = args_value(&c->args, "org");
    const char *admin = args_value(&c->args, "admin");
    store_user u;
    char hash[PASSWORD_HASH_MAX];
    init_args a = {org, NULL, 5};
    const char *preset = args_value(&c->args, "risk_preset");
    if (preset && strcmp(preset, "none") == 0)
        a.risk_preset = 0;
    else if (preset && (strlen(preset) != 1 || preset[0] < '3' || preset[0] > '5'))
        return cli_usage(c, "--risk-preset must be 3, 4, 5 or none");
    else if (preset)
        a.risk_preset = preset[0] - '0';
    bool from_stdin = args_flag(&c->args, "password_stdin");
    bool cost_given = args_value(&c->args, "hash_cost") != NULL;
    password_cost cost;
    int rc = cli_hash_cost(c, &cost);
    if (rc != EXIT_OK)
        return rc;
    if (!admin && (from_stdin || cost_given))
        return cli_usage(c, "--password-stdin and --hash-cost go with --admin NAME");
    /* Every option is checked first, so that a typo never asks for a password. */
    rc = cli_check_unused(c);
    if (rc == EXIT_OK && c->args.npos > 1)
        rc = cli_usage(c, "unexpected argument '%s'", c->args.pos[1]);
    if (rc == EXIT_OK && admin) {
        rc = admin_user(c, admin, from_stdin, cost, &u, hash);
        a.admin = &u;
    }
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    size_t chars = 0;
    if (org && (!utf8_count(org, strlen(org), &chars) || chars == 0 || chars > ORG_NAME_MAX)) {
        status_field(&st, "org", "must be 1 to %d characters of text", ORG_NAME_MAX);
        return cli_fail(c, &st);
    }
    store *s;
    rc = cli_open_store(c, true, &s);
    if (rc != EXIT_OK)
        return rc;
    isms_write_ctx ctx;
    write_ctx_init(&ctx, admin ? admin : "isms init", "cli");
    if (store_write(s, &ctx, do_init, &a, &st) != ISMS_OK)
        rc = cli_fail(c, &st);
    if (rc == EXIT_OK) {
        char shown[512]; /* without a password the URL may hold */
        store_url_display(c->db, shown, sizeof(shown));
        if (c->json) {
            /* json_string escapes the path (NULL when it is not UTF-8: then null). */
            json_t *path = json_string(shown);
            json_t *j = json_pack("{s:o,s:i,s:s?}", "database", path ? path : json_null(),
                                  "schema_version", store_schema_version(s), "admin", admin);
            print_json(c, j);
            json_decref(j);
        } else {
            fprintf(c->out, "Created a new ISMS in %s (schema version %d).\n", shown,
                    store_schema_version(s));
            if (admin)
                fprintf(c->out, "Administrator: %s (roles admin, manager).\n", admin);
        }
    }
    store_free(s);
    return rc;
}
