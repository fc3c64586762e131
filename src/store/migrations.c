/* The list of migrations per dialect. The scripts are embedded from migrations/<dialect>/. */
#include <string.h>

#include "store/migrate.h"

extern const char migration_sqlite_0001[];
extern const char migration_sqlite_0004[];
extern const char migration_sqlite_0005[];

static const migration sqlite_migrations[] = {
    {1, "clause 4: context, interested parties, scope, processes", migration_sqlite_0001},
    /* 0004 (accounts) runs as version 2 on this branch; at merge it follows 0002 and 0003. */
    {2, "accounts: users, roles, sessions, API tokens, authentication events",
     migration_sqlite_0004},
    /* 0005 (totp) runs as version 3 on this branch; at merge it becomes {5, ...}. */
    {3, "second factor: TOTP secrets, recovery codes, pending logins, signing acts",
     migration_sqlite_0005},
};

migration_set migrations_for(const char *dialect)
{
    if (strcmp(dialect, "sqlite") == 0)
        return (migration_set){sqlite_migrations,
                               sizeof(sqlite_migrations) / sizeof(sqlite_migrations[0])};
    return (migration_set){NULL, 0};
}
