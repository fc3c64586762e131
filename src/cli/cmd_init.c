/* `isms init --db FILE [--org NAME]`: a new, empty ISMS. */
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/value.h"

enum { ORG_NAME_MAX = 200 };

static isms_err write_org(store_txn *t, void *org, isms_status *st)
{
    return store_setting_put(t, "organization", org, st);
}

static isms_err put_org(store *s, const char *actor, const char *org, isms_status *st)
{
    isms_write_ctx ctx;
    write_ctx_init(&ctx, actor, "cli");
    return store_write(s, &ctx, write_org, (void *)org, st);
}

int cmd_init(cli_ctx *c)
{
    const char *org = args_value(&c->args, "org");
    int rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    if (c->args.npos > 1)
        return cli_usage(c, "unexpected argument '%s'", c->args.pos[1]);
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
    if (org && put_org(s, c->actor, org, &st) != ISMS_OK)
        rc = cli_fail(c, &st);
    if (rc == EXIT_OK) {
        if (c->json) {
            /* json_string escapes the path (NULL when it is not UTF-8: then null). */
            json_t *path = json_string(c->db);
            json_t *j = json_pack("{s:o,s:i}", "database", path ? path : json_null(),
                                  "schema_version", store_schema_version(s));
            print_json(c, j);
            json_decref(j);
        } else
            fprintf(c->out, "Created a new ISMS in %s (schema version %d).\n", c->db,
                    store_schema_version(s));
    }
    store_free(s);
    return rc;
}
