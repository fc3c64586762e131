#include "store/migrate.h"

#include <stdio.h>
#include <string.h>

#include "core/record.h"

const char migrate_bootstrap_sql[] =
    "CREATE TABLE IF NOT EXISTS \"isms_schema\" (\n"
    "  \"version\" INTEGER PRIMARY KEY,\n"
    "  \"name\" TEXT NOT NULL,\n"
    "  \"applied_at\" TEXT NOT NULL\n"
    ");\n";

static isms_err read_version(const store_driver *d, db_conn *c, int *out, isms_status *st)
{
    db_stmt *s;
    isms_err e = d->prepare(c, "SELECT coalesce(max(\"version\"), 0) FROM \"isms_schema\"", &s,
                            st);
    if (e != ISMS_OK)
        return e;
    db_step r = d->step(s, st);
    *out = r == DB_ROW ? (int)d->column_int(s, 0) : 0;
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

static isms_err record_applied(const store_driver *d, db_conn *c, const migration *m,
                               isms_status *st)
{
    strbuf sql;
    strbuf_init(&sql, 256);
    strbuf_puts(&sql, "INSERT INTO \"isms_schema\" (\"version\", \"name\", \"applied_at\") VALUES (");
    d->dialect->placeholder(&sql, 1);
    strbuf_puts(&sql, ", ");
    d->dialect->placeholder(&sql, 2);
    strbuf_puts(&sql, ", ");
    d->dialect->placeholder(&sql, 3);
    strbuf_puts(&sql, ")");
    db_stmt *s;
    isms_err e = d->prepare(c, sql.ptr, &s, st);
    strbuf_dispose(&sql);
    if (e != ISMS_OK)
        return e;
    char now[32];
    clock_now_rfc3339(now);
    d->bind_int(s, 1, m->version);
    d->bind_text(s, 2, m->name);
    d->bind_text(s, 3, now);
    db_step r = d->step(s, st);
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

/* Is this database one we may migrate? Refuses foreign and (for init) existing ones. */
static isms_err check_identity(const store_driver *d, db_conn *c, bool create, const char *where,
                               isms_status *st)
{
    bool any, ours;
    isms_err e = d->has_tables(c, &any, st);
    if (e == ISMS_OK)
        e = d->has_table(c, "isms_schema", &ours, st);
    if (e != ISMS_OK)
        return e;
    if (create && any)
        return status_fail(st, ISMS_ECONFLICT, ours ? "%s already holds an ISMS" :
                           "%s already holds other data; isms init needs a new database", where);
    if (!create && !any)
        return status_fail(st, ISMS_ENOTFOUND,
                           "%s holds no ISMS (create one with `isms init --db %s`)", where, where);
    if (!create && !ours)
        return status_fail(st, ISMS_EINVALID, "%s is not an isms database", where);
    return ISMS_OK;
}

/* Apply the next pending migration, if any. *done is set when none is left. */
static isms_err migrate_step(const store_driver *d, db_conn *c, migration_set set,
                             int *version, bool *done, isms_status *st)
{
    isms_err e = d->begin_migration(c, st);
    if (e != ISMS_OK)
        return e;
    int have = 0;
    e = d->exec_script(c, migrate_bootstrap_sql, st);
    if (e == ISMS_OK)
        e = read_version(d, c, &have, st);
    if (e == ISMS_OK && have > (int)set.n)
        e = status_fail(st, ISMS_ECONFLICT, "the database is at schema version %d, newer than "
                        "this isms knows (%zu); use a newer isms", have, set.n);
    if (e == ISMS_OK && have < (int)set.n) {
        const migration *m = &set.items[have];
        e = d->exec_script(c, m->sql, st);
        if (e == ISMS_OK)
            e = record_applied(d, c, m, st);
        if (e != ISMS_OK && e == ISMS_ESTORE) {
            char why[sizeof(st->detail)]; /* the detail cannot be both source and target */
            snprintf(why, sizeof(why), "%s", st->detail);
            status_fail(st, ISMS_ESTORE, "migration %d (%s) failed: %.400s", m->version,
                        m->name, why);
        }
        have++;
    }
    if (e != ISMS_OK) {
        d->rollback(c);
        return e;
    }
    e = d->commit(c, st);
    *version = have;
    *done = have == (int)set.n;
    return e;
}

isms_err migrate_up(const store_driver *d, db_conn *c, const migration_set *given, bool create,
                    const char *where, int *version, isms_status *st)
{
    isms_err e = check_identity(d, c, create, where, st);
    migration_set set = given ? *given : migrations_for(d->dialect->name);
    bool done = false;
    while (e == ISMS_OK && !done)
        e = migrate_step(d, c, set, version, &done, st);
    return e;
}
