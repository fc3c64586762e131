/*
 * Migrations: numbered, forward-only SQL scripts checked into
 * src/store/migrations/<dialect>/, embedded in the binary, each applied in
 * its own transaction under the migration lock, and recorded in the
 * isms_schema table of the database.
 */
#ifndef ISMS_STORE_MIGRATE_H
#define ISMS_STORE_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "store/driver.h"

typedef struct migration {
    int version;      /* 1, 2, 3 ... without gaps */
    const char *name; /* what it does, for humans */
    const char *sql;  /* the script */
} migration;

struct migration_set {
    const migration *items;
    size_t n;
};
typedef struct migration_set migration_set;

/* The migrations of a dialect ("sqlite", "postgres"). */
migration_set migrations_for(const char *dialect);

/* Statements that create the migrator's own table (not part of any migration). */
extern const char migrate_bootstrap_sql[];

/*
 * Bring the database on c up to the newest migration. With create, the
 * database must hold nothing yet; without it, it must already be an ISMS.
 * A database from a newer isms is refused. Sets *version to the result.
 * set NULL means migrations_for(the driver's dialect).
 */
isms_err migrate_up(const store_driver *d, db_conn *c, const migration_set *set, bool create,
                    const char *where, int *version, isms_status *st);

#endif
