/* The list of migrations per dialect. The scripts are embedded from migrations/<dialect>/. */
#include <string.h>

#include "store/migrate.h"

extern const char migration_sqlite_0001[];
extern const char migration_sqlite_0002[];
extern const char migration_sqlite_0003[];
extern const char migration_sqlite_0004[];
extern const char migration_sqlite_0005[];
extern const char migration_postgres_0001[];
extern const char migration_postgres_0002[];
extern const char migration_postgres_0003[];
extern const char migration_postgres_0004[];
extern const char migration_postgres_0005[];
extern const char migration_sqlite_0006[];
extern const char migration_postgres_0006[];
extern const char migration_sqlite_0007[];
extern const char migration_postgres_0007[];

static const migration sqlite_migrations[] = {
    {1, "clause 4: context, interested parties, scope, processes", migration_sqlite_0001},
    {2, "the change log (7.5.3): append-only, hash-chained, signed checkpoints",
     migration_sqlite_0002},
    {3, "clause 5.3: people; owners become references to people", migration_sqlite_0003},
    {4, "accounts: users, roles, sessions, API tokens, authentication events",
     migration_sqlite_0004},
    {5, "second factor: TOTP secrets, recovery codes, pending logins, signing acts",
     migration_sqlite_0005},
    {6, "risk assessment and treatment: method versions, assets, risks, actions, acceptances, "
        "campaigns and snapshots, ISMS risks and opportunities",
     migration_sqlite_0006},
    {7, "the heat maps' counts kept by triggers on the risk table", migration_sqlite_0007},
};

/* The same versions as SQLite's: version N is the same schema in both dialects. */
static const migration postgres_migrations[] = {
    {1, "clause 4: context, interested parties, scope, processes", migration_postgres_0001},
    {2, "the change log (7.5.3): append-only, hash-chained, signed checkpoints",
     migration_postgres_0002},
    {3, "clause 5.3: people; owners become references to people", migration_postgres_0003},
    {4, "accounts: users, roles, sessions, API tokens, authentication events",
     migration_postgres_0004},
    {5, "second factor: TOTP secrets, recovery codes, pending logins, signing acts",
     migration_postgres_0005},
    {6, "risk assessment and treatment: method versions, assets, risks, actions, acceptances, "
        "campaigns and snapshots, ISMS risks and opportunities",
     migration_postgres_0006},
    {7, "the heat maps' counts kept by triggers on the risk table", migration_postgres_0007},
};

migration_set migrations_for(const char *dialect)
{
    if (strcmp(dialect, "sqlite") == 0)
        return (migration_set){sqlite_migrations,
                               sizeof(sqlite_migrations) / sizeof(sqlite_migrations[0])};
    if (strcmp(dialect, "postgres") == 0)
        return (migration_set){postgres_migrations,
                               sizeof(postgres_migrations) / sizeof(postgres_migrations[0])};
    return (migration_set){NULL, 0};
}
