/*
 * `isms schema`: the SQL the registry implies (--sql), or the schema of a
 * database as it is (--db). Maintainers use the first to write a migration
 * after changing the registry; tests compare the two.
 */
#include <string.h>

#include "cli/cli.h"
#include "store/driver.h"
#include "store/sqlgen.h"

int cmd_schema(cli_ctx *c)
{
    bool sql = args_flag(&c->args, "sql");
    const char *dialect = sql ? args_value(&c->args, "dialect") : NULL;
    int rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    if (sql) {
        const store_driver *d = !dialect || strcmp(dialect, "sqlite") == 0 ? &sqlite_driver
                                : strcmp(dialect, "postgres") == 0      ? &pg_driver
                                                                        : NULL;
        if (!d)
            return cli_usage(c, "--dialect is sqlite or postgres");
        strbuf b;
        strbuf_init(&b, 1u << 22);
        schema_ddl(c->reg, d->dialect, &b);
        fputs(b.ptr, c->out);
        strbuf_dispose(&b);
        return EXIT_OK;
    }
    store *s;
    rc = cli_open_store(c, false, &s);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    const char *text = NULL;
    isms_err e = store_borrow(s, &conn, &st);
    if (e == ISMS_OK) {
        e = store_describe_schema(conn, &c->arena, &text, &st);
        store_return(conn);
    }
    if (e == ISMS_OK)
        fputs(text, c->out);
    cli_close_store(c, s);
    return e == ISMS_OK ? EXIT_OK : cli_fail(c, &st);
}
