/*
 * SQL text generated from the registry. Identifiers come only from the
 * registry's static tables (checked by registry_check to be [a-z0-9_]) and
 * are always quoted; values are always placeholders. Nothing here ever
 * sees user input.
 */
#ifndef ISMS_STORE_SQLGEN_H
#define ISMS_STORE_SQLGEN_H

#include "core/registry.h"
#include "store/driver.h"
#include "util/strbuf.h"

/* Bookkeeping columns every kind's table starts with, in this order. */
enum meta_column {
    MC_ID, MC_VERSION, MC_CREATED_AT, MC_CREATED_BY, MC_UPDATED_AT, MC_UPDATED_BY,
    MC_RETIRED_AT, MC_RETIRED_BY, MC_RETIRED_REASON, MC_COUNT
};

/* How many records' links one statement of a list page reads (link_select_page). */
enum { LINK_PAGE = 50 };

/* Statements for one kind, made once when the store opens. */
typedef struct kind_sql {
    char *columns;      /* select list: meta columns, then field columns */
    char *get;          /* ?1 id */
    char *insert;       /* ?1 now, ?2 actor, then field values (RETURNING id if the dialect says) */
    char *update;       /* ?1 now, ?2 actor, field values, then id, expected version */
    char *retire;       /* ?1 now ?2 actor ?3 reason ?4 id ?5 expected version */
    char *remove;       /* ?1 id ?2 expected version */
    char *presence;     /* ?1 id -> retired flag */
    char **link_select; /* per field (FT_REFLIST only): ?1 src -> dst in order */
    char **link_select_page; /* ?1..?LINK_PAGE srcs -> src, dst in order (store_list) */
    char **link_insert; /* ?1 src ?2 pos ?3 dst */
    char **link_delete; /* ?1 src */
} kind_sql;

/* Column count a field takes in the table (FT_ANYREF 2, FT_REFLIST 0, else 1). */
int field_column_count(const isms_field *f);

void kind_sql_build(kind_sql *out, const isms_kind *k, const sql_dialect *d);
void kind_sql_dispose(kind_sql *ks, const isms_kind *k);

/* The DDL that the registry implies: tables, link tables and indexes of every kind. */
void schema_ddl(const isms_registry *reg, const sql_dialect *d, strbuf *out);

/* The DDL of the account tables (users, roles, sessions, API tokens, auth events). */
void accounts_ddl(const sql_dialect *d, strbuf *out);

/* The DDL of the second factor: TOTP secrets, recovery codes, pending logins, signing. */
void totp_ddl(const sql_dialect *d, strbuf *out);
void risk_snapshot_ddl(const sql_dialect *d, strbuf *out);
/* The heat maps' counts per method version and cell (store_risk_heat.c keeps them). */
void risk_heat_ddl(const sql_dialect *d, strbuf *out);

/* Append `"name"`: a trusted identifier from the registry. */
void sql_ident(strbuf *sql, const char *name);

/* Append `"table__field"` (link tables and indexes). */
void sql_ident2(strbuf *sql, const char *a, const char *b);

#endif
