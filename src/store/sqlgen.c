#include "store/sqlgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/die.h"

enum { SQL_MAX = 64 * 1024 };

static const char *const meta_names[MC_COUNT] = {
    "id", "version", "created_at", "created_by", "updated_at",
    "updated_by", "retired_at", "retired_by", "retired_reason",
};

void sql_ident(strbuf *sql, const char *name)
{
    strbuf_printf(sql, "\"%s\"", name);
}

void sql_ident2(strbuf *sql, const char *a, const char *b)
{
    strbuf_printf(sql, "\"%s__%s\"", a, b);
}

int field_column_count(const isms_field *f)
{
    return f->type == FT_ANYREF ? 2 : f->type == FT_REFLIST ? 0 : 1;
}

static void field_columns(strbuf *sql, const isms_field *f, const char *sep)
{
    if (f->type == FT_ANYREF)
        strbuf_printf(sql, "\"%s_kind\"%s\"%s_id\"", f->name, sep, f->name);
    else
        sql_ident(sql, f->name);
}

static char *finish(strbuf *b)
{
    if (!strbuf_ok(b))
        die("generated SQL too long");
    char *s = strdup(b->ptr);
    if (!s)
        die_oom();
    strbuf_reset(b);
    return s;
}

static void column_list(strbuf *b, const isms_kind *k)
{
    for (int i = 0; i < MC_COUNT; i++) {
        strbuf_puts(b, i ? ", " : "");
        sql_ident(b, meta_names[i]);
    }
    for (size_t i = 0; i < k->nfields; i++) {
        if (field_column_count(&k->fields[i]) == 0)
            continue;
        strbuf_puts(b, ", ");
        field_columns(b, &k->fields[i], ", ");
    }
}

/* "a" = ?n, "b" = ?n+1 ... for every stored field; returns the next parameter number. */
static int assignments(strbuf *b, const isms_kind *k, const sql_dialect *d, int n)
{
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (field_column_count(f) == 0)
            continue;
        if (f->type == FT_ANYREF) {
            strbuf_printf(b, ", \"%s_kind\" = ", f->name);
            d->placeholder(b, n++);
            strbuf_printf(b, ", \"%s_id\" = ", f->name);
        } else {
            strbuf_puts(b, ", ");
            sql_ident(b, f->name);
            strbuf_puts(b, " = ");
        }
        d->placeholder(b, n++);
    }
    return n;
}

static void build_insert(strbuf *b, const isms_kind *k, const sql_dialect *d)
{
    strbuf_puts(b, "INSERT INTO ");
    sql_ident(b, k->table);
    strbuf_puts(b, " (\"version\", \"created_at\", \"created_by\", \"updated_at\", \"updated_by\"");
    int n = 0;
    for (size_t i = 0; i < k->nfields; i++) {
        if (field_column_count(&k->fields[i]) == 0)
            continue;
        strbuf_puts(b, ", ");
        field_columns(b, &k->fields[i], ", ");
        n += field_column_count(&k->fields[i]);
    }
    strbuf_puts(b, ") VALUES (1, ");
    d->placeholder(b, 1);
    strbuf_puts(b, ", ");
    d->placeholder(b, 2);
    strbuf_puts(b, ", ");
    d->placeholder(b, 1);
    strbuf_puts(b, ", ");
    d->placeholder(b, 2);
    for (int i = 0; i < n; i++) {
        strbuf_puts(b, ", ");
        d->placeholder(b, 3 + i);
    }
    strbuf_puts(b, d->insert_returning ? ") RETURNING \"id\"" : ")");
}

static void build_update(strbuf *b, const isms_kind *k, const sql_dialect *d)
{
    strbuf_puts(b, "UPDATE ");
    sql_ident(b, k->table);
    strbuf_puts(b, " SET \"version\" = \"version\" + 1, \"updated_at\" = ");
    d->placeholder(b, 1);
    strbuf_puts(b, ", \"updated_by\" = ");
    d->placeholder(b, 2);
    int n = assignments(b, k, d, 3);
    strbuf_puts(b, " WHERE \"id\" = ");
    d->placeholder(b, n);
    strbuf_puts(b, " AND \"version\" = ");
    d->placeholder(b, n + 1);
    strbuf_puts(b, " AND \"retired_at\" IS NULL");
}

static void build_retire(strbuf *b, const isms_kind *k, const sql_dialect *d)
{
    strbuf_puts(b, "UPDATE ");
    sql_ident(b, k->table);
    strbuf_puts(b, " SET \"version\" = \"version\" + 1, \"updated_at\" = ");
    d->placeholder(b, 1);
    strbuf_puts(b, ", \"updated_by\" = ");
    d->placeholder(b, 2);
    strbuf_puts(b, ", \"retired_at\" = ");
    d->placeholder(b, 1);
    strbuf_puts(b, ", \"retired_by\" = ");
    d->placeholder(b, 2);
    strbuf_puts(b, ", \"retired_reason\" = ");
    d->placeholder(b, 3);
    strbuf_puts(b, " WHERE \"id\" = ");
    d->placeholder(b, 4);
    strbuf_puts(b, " AND \"version\" = ");
    d->placeholder(b, 5);
    strbuf_puts(b, " AND \"retired_at\" IS NULL");
}

static void build_links(kind_sql *ks, strbuf *b, const isms_kind *k, const sql_dialect *d)
{
    ks->link_select = calloc(k->nfields, sizeof(char *));
    ks->link_select_page = calloc(k->nfields, sizeof(char *));
    ks->link_insert = calloc(k->nfields, sizeof(char *));
    ks->link_delete = calloc(k->nfields, sizeof(char *));
    if (!ks->link_select || !ks->link_select_page || !ks->link_insert || !ks->link_delete)
        die_oom();
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (f->type != FT_REFLIST)
            continue;
        strbuf_puts(b, "SELECT \"dst\" FROM ");
        sql_ident2(b, k->table, f->name);
        strbuf_puts(b, " WHERE \"src\" = ");
        d->placeholder(b, 1);
        strbuf_puts(b, " ORDER BY \"pos\"");
        ks->link_select[i] = finish(b);
        strbuf_puts(b, "SELECT \"src\", \"dst\" FROM ");
        sql_ident2(b, k->table, f->name);
        strbuf_puts(b, " WHERE \"src\" IN (");
        for (int n = 1; n <= LINK_PAGE; n++) {
            if (n > 1)
                strbuf_puts(b, ", ");
            d->placeholder(b, n);
        }
        strbuf_puts(b, ") ORDER BY \"src\", \"pos\"");
        ks->link_select_page[i] = finish(b);
        strbuf_puts(b, "INSERT INTO ");
        sql_ident2(b, k->table, f->name);
        strbuf_puts(b, " (\"src\", \"pos\", \"dst\") VALUES (");
        d->placeholder(b, 1);
        strbuf_puts(b, ", ");
        d->placeholder(b, 2);
        strbuf_puts(b, ", ");
        d->placeholder(b, 3);
        strbuf_puts(b, ")");
        ks->link_insert[i] = finish(b);
        strbuf_puts(b, "DELETE FROM ");
        sql_ident2(b, k->table, f->name);
        strbuf_puts(b, " WHERE \"src\" = ");
        d->placeholder(b, 1);
        ks->link_delete[i] = finish(b);
    }
}

void kind_sql_build(kind_sql *ks, const isms_kind *k, const sql_dialect *d)
{
    strbuf b;
    strbuf_init(&b, SQL_MAX);
    column_list(&b, k);
    ks->columns = finish(&b);

    strbuf_printf(&b, "SELECT %s FROM ", ks->columns);
    sql_ident(&b, k->table);
    strbuf_puts(&b, " WHERE \"id\" = ");
    d->placeholder(&b, 1);
    ks->get = finish(&b);

    build_insert(&b, k, d);
    ks->insert = finish(&b);
    build_update(&b, k, d);
    ks->update = finish(&b);
    build_retire(&b, k, d);
    ks->retire = finish(&b);

    strbuf_puts(&b, "DELETE FROM ");
    sql_ident(&b, k->table);
    strbuf_puts(&b, " WHERE \"id\" = ");
    d->placeholder(&b, 1);
    strbuf_puts(&b, " AND \"version\" = ");
    d->placeholder(&b, 2);
    ks->remove = finish(&b);

    strbuf_puts(&b, "SELECT CASE WHEN \"retired_at\" IS NULL THEN 0 ELSE 1 END FROM ");
    sql_ident(&b, k->table);
    strbuf_puts(&b, " WHERE \"id\" = ");
    d->placeholder(&b, 1);
    ks->presence = finish(&b);

    build_links(ks, &b, k, d);
    strbuf_dispose(&b);
}

void kind_sql_dispose(kind_sql *ks, const isms_kind *k)
{
    free(ks->columns);
    free(ks->get);
    free(ks->insert);
    free(ks->update);
    free(ks->retire);
    free(ks->remove);
    free(ks->presence);
    for (size_t i = 0; i < k->nfields; i++) {
        if (ks->link_select) {
            free(ks->link_select[i]);
            free(ks->link_select_page[i]);
            free(ks->link_insert[i]);
            free(ks->link_delete[i]);
        }
    }
    free(ks->link_select);
    free(ks->link_select_page);
    free(ks->link_insert);
    free(ks->link_delete);
    memset(ks, 0, sizeof(*ks));
}

/* --- DDL --------------------------------------------------------------- */

static const char *column_type(const isms_field *f, const sql_dialect *d)
{
    return field_is_text(f) ? d->text_type : d->int_type;
}

static void ddl_field(strbuf *b, const isms_field *f, const sql_dialect *d)
{
    const char *notnull = (f->flags & FF_REQUIRED) ? " NOT NULL" : "";
    if (f->type == FT_ANYREF) {
        strbuf_printf(b, ",\n  \"%s_kind\" %s%s", f->name, d->text_type, notnull);
        strbuf_printf(b, ",\n  \"%s_id\" %s%s", f->name, d->int_type, notnull);
        return;
    }
    strbuf_puts(b, ",\n  ");
    sql_ident(b, f->name);
    strbuf_printf(b, " %s%s", column_type(f, d), notnull);
    if (f->type == FT_REF) {
        strbuf_puts(b, " REFERENCES ");
        sql_ident(b, f->target->table);
        strbuf_puts(b, " (\"id\")");
    }
}

static void ddl_index(strbuf *b, const isms_kind *k, const char *name, const char *cols)
{
    strbuf_puts(b, "CREATE INDEX ");
    sql_ident2(b, k->table, name);
    strbuf_puts(b, " ON ");
    sql_ident(b, k->table);
    strbuf_printf(b, " (%s);\n", cols);
}

static void ddl_indexes(strbuf *b, const isms_kind *k)
{
    char cols[160];
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        bool indexed = (f->flags & (FF_SORTABLE | FF_FILTERABLE)) || f->type == FT_REF ||
                       f->type == FT_ANYREF;
        if (!indexed || f->type == FT_REFLIST)
            continue;
        if (f->type == FT_ANYREF)
            snprintf(cols, sizeof(cols), "\"%s_kind\", \"%s_id\"", f->name, f->name);
        else
            snprintf(cols, sizeof(cols), "\"%s\", \"id\"", f->name);
        ddl_index(b, k, f->name, cols);
    }
}

static void ddl_link_table(strbuf *b, const isms_kind *k, const isms_field *f,
                           const sql_dialect *d)
{
    strbuf_puts(b, "CREATE TABLE ");
    sql_ident2(b, k->table, f->name);
    strbuf_printf(b, " (\n  \"src\" %s NOT NULL REFERENCES ", d->int_type);
    sql_ident(b, k->table);
    strbuf_printf(b, " (\"id\") ON DELETE CASCADE,\n  \"pos\" %s NOT NULL,\n  \"dst\" %s NOT NULL "
                     "REFERENCES ", d->int_type, d->int_type);
    sql_ident(b, f->target->table);
    strbuf_puts(b, " (\"id\"),\n  PRIMARY KEY (\"src\", \"dst\")\n);\n");
    strbuf_puts(b, "CREATE INDEX ");
    strbuf_printf(b, "\"%s__%s__dst\"", k->table, f->name);
    strbuf_puts(b, " ON ");
    sql_ident2(b, k->table, f->name);
    strbuf_puts(b, " (\"dst\");\n");
}

static void ddl_kind(strbuf *b, const isms_kind *k, const sql_dialect *d)
{
    strbuf_puts(b, "CREATE TABLE ");
    sql_ident(b, k->table);
    strbuf_printf(b, " (\n  \"id\" %s,\n  \"version\" %s NOT NULL,\n", d->id_column, d->int_type);
    strbuf_printf(b, "  \"created_at\" %s NOT NULL,\n  \"created_by\" %s NOT NULL,\n",
                  d->text_type, d->text_type);
    strbuf_printf(b, "  \"updated_at\" %s NOT NULL,\n  \"updated_by\" %s NOT NULL,\n",
                  d->text_type, d->text_type);
    strbuf_printf(b, "  \"retired_at\" %s,\n  \"retired_by\" %s,\n  \"retired_reason\" %s",
                  d->text_type, d->text_type, d->text_type);
    for (size_t i = 0; i < k->nfields; i++)
        if (field_column_count(&k->fields[i]) > 0)
            ddl_field(b, &k->fields[i], d);
    strbuf_puts(b, "\n);\n");
    ddl_indexes(b, k);
    for (size_t i = 0; i < k->nfields; i++)
        if (k->fields[i].type == FT_REFLIST)
            ddl_link_table(b, k, &k->fields[i], d);
}

/* The change log (core/changelog.h) and its signed checkpoints: append-only. */
static void ddl_change_log(strbuf *b, const sql_dialect *d)
{
    static const char *const log_columns[] = {
        "seq",    "at",      "actor",        "channel",   "kind", "record_id",
        "action", "version", "content_hash", "prev_hash", "hash", NULL,
    };
    static const char *const checkpoint_columns[] = {"id",     "at",        "seq", "hash",
                                                     "key_id", "signature", NULL};
    const char *i = d->int_type, *t = d->text_type;
    strbuf_printf(b,
                  "-- The change log (ISO/IEC 27001:2022 7.5.3): append-only, hash-chained\n"
                  "CREATE TABLE \"isms_change_log\" (\n  \"seq\" %s PRIMARY KEY,\n"
                  "  \"at\" %s NOT NULL,\n  \"actor\" %s NOT NULL,\n"
                  "  \"channel\" %s NOT NULL,\n  \"kind\" %s NOT NULL,\n"
                  "  \"record_id\" %s NOT NULL,\n  \"action\" %s NOT NULL,\n"
                  "  \"version\" %s NOT NULL,\n  \"content\" %s,\n"
                  "  \"content_hash\" %s NOT NULL,\n  \"prev_hash\" %s NOT NULL,\n"
                  "  \"hash\" %s NOT NULL\n);\n",
                  i, t, t, t, t, i, t, i, t, t, t, t);
    strbuf_puts(b, "CREATE INDEX \"isms_change_log__record\" ON \"isms_change_log\" "
                   "(\"kind\", \"record_id\", \"seq\");\n");
    d->append_only(b, "isms_change_log", log_columns, "content");
    strbuf_printf(b,
                  "-- Signed checkpoints of the change log\n"
                  "CREATE TABLE \"isms_log_checkpoint\" (\n  \"id\" %s,\n"
                  "  \"at\" %s NOT NULL,\n  \"seq\" %s NOT NULL,\n"
                  "  \"hash\" %s NOT NULL,\n  \"key_id\" %s NOT NULL,\n"
                  "  \"signature\" %s NOT NULL\n);\n",
                  d->id_column, t, i, t, t, t);
    d->append_only(b, "isms_log_checkpoint", checkpoint_columns, NULL);
}

/* Have the kinds k refers to (other than itself) been emitted? */
static bool refs_ready(const isms_registry *reg, const isms_kind *k, const bool *done)
{
    for (size_t f = 0; f < k->nfields; f++) {
        const isms_kind *t = k->fields[f].target;
        if ((k->fields[f].type != FT_REF && k->fields[f].type != FT_REFLIST) || !t || t == k)
            continue;
        for (size_t j = 0; j < reg->nkinds; j++)
            if (reg->kinds[j] == t && !done[j])
                return false;
    }
    return true;
}

void schema_ddl(const isms_registry *reg, const sql_dialect *d, strbuf *out)
{
    strbuf_printf(out, "-- Settings of the ISMS\nCREATE TABLE \"isms_settings\" (\n"
                       "  \"key\" %s PRIMARY KEY,\n  \"value\" %s NOT NULL\n);\n",
                  d->text_type, d->text_type);
    ddl_change_log(out, d);
    /*
     * Kinds in registry order, except that a kind comes after the kinds it
     * refers to: PostgreSQL checks REFERENCES when the table is created.
     * Should kinds ever refer to each other in a cycle, the rest follow in
     * registry order (SQLite accepts that; PostgreSQL would need ALTER TABLE).
     */
    bool *done = calloc(reg->nkinds, sizeof(bool));
    if (!done)
        die_oom();
    for (size_t emitted = 0; emitted < reg->nkinds; emitted++) {
        size_t next = reg->nkinds;
        for (size_t i = 0; i < reg->nkinds && next == reg->nkinds; i++)
            if (!done[i] && refs_ready(reg, reg->kinds[i], done))
                next = i;
        for (size_t i = 0; i < reg->nkinds && next == reg->nkinds; i++)
            if (!done[i])
                next = i; /* a cycle */
        strbuf_printf(out, "-- %s (clause %s)\n", reg->kinds[next]->label,
                      reg->kinds[next]->clause);
        ddl_kind(out, reg->kinds[next], d);
        done[next] = true;
    }
    free(done);
    accounts_ddl(d, out);
    totp_ddl(d, out);
    /* The snapshot table refers to the risk kinds; a test registry may have none. */
    if (registry_kind(reg, "risk") && registry_kind(reg, "risk-campaign"))
        risk_snapshot_ddl(d, out);
    if (registry_kind(reg, "risk"))
        risk_heat_ddl(d, out);
}

void accounts_ddl(const sql_dialect *d, strbuf *out)
{
    const char *id = d->id_column, *i = d->int_type, *t = d->text_type;
    strbuf_printf(out,
                  "-- Accounts: users and their roles (docs/SECURITY.md)\n"
                  "CREATE TABLE \"isms_user\" (\n  \"id\" %s,\n  \"name\" %s NOT NULL,\n"
                  "  \"name_key\" %s NOT NULL UNIQUE,\n  \"person_id\" %s,\n"
                  "  \"password_hash\" %s NOT NULL,\n  \"created_at\" %s NOT NULL,\n"
                  "  \"created_by\" %s NOT NULL,\n  \"password_changed_at\" %s NOT NULL,\n"
                  "  \"disabled_at\" %s,\n  \"disabled_by\" %s\n);\n",
                  id, t, t, i, t, t, t, t, t, t);
    strbuf_printf(out,
                  "CREATE TABLE \"isms_user_role\" (\n"
                  "  \"user_id\" %s NOT NULL REFERENCES \"isms_user\" (\"id\"),\n"
                  "  \"role\" %s NOT NULL,\n  PRIMARY KEY (\"user_id\", \"role\")\n);\n",
                  i, t);
    strbuf_printf(out,
                  "-- Sessions of the web pages: only the SHA-256 of each token is kept\n"
                  "CREATE TABLE \"isms_session\" (\n  \"token_hash\" %s PRIMARY KEY,\n"
                  "  \"user_id\" %s NOT NULL REFERENCES \"isms_user\" (\"id\"),\n"
                  "  \"csrf\" %s NOT NULL,\n  \"created_at\" %s NOT NULL,\n"
                  "  \"last_seen_at\" %s NOT NULL,\n  \"client\" %s NOT NULL\n);\n"
                  "CREATE INDEX \"isms_session__user_id\" ON \"isms_session\" (\"user_id\");\n",
                  t, i, t, t, t, t);
    strbuf_printf(out,
                  "-- API tokens: only the SHA-256 of each token is kept\n"
                  "CREATE TABLE \"isms_api_token\" (\n  \"id\" %s,\n"
                  "  \"token_hash\" %s NOT NULL UNIQUE,\n"
                  "  \"user_id\" %s NOT NULL REFERENCES \"isms_user\" (\"id\"),\n"
                  "  \"role\" %s NOT NULL,\n  \"label\" %s,\n  \"created_at\" %s NOT NULL,\n"
                  "  \"created_by\" %s NOT NULL,\n  \"expires_at\" %s,\n  \"last_used_at\" %s,\n"
                  "  \"revoked_at\" %s\n);\n"
                  "CREATE INDEX \"isms_api_token__user_id\" ON \"isms_api_token\" (\"user_id\", "
                  "\"id\");\n",
                  id, t, i, t, t, t, t, t, t, t);
    strbuf_printf(out,
                  "-- Authentication events (login attempts, logouts, password changes);\n"
                  "-- login throttling is derived from them\n"
                  "CREATE TABLE \"isms_auth_event\" (\n  \"id\" %s,\n  \"at\" %s NOT NULL,\n"
                  "  \"event\" %s NOT NULL,\n  \"name\" %s,\n  \"name_key\" %s,\n"
                  "  \"user_id\" %s,\n  \"client\" %s,\n  \"detail\" %s\n);\n"
                  "CREATE INDEX \"isms_auth_event__name_key\" ON \"isms_auth_event\" "
                  "(\"name_key\", \"at\");\n"
                  "CREATE INDEX \"isms_auth_event__client\" ON \"isms_auth_event\" "
                  "(\"client\", \"at\");\n",
                  id, t, t, t, t, i, t, t);
}

void totp_ddl(const sql_dialect *d, strbuf *out)
{
    const char *id = d->id_column, *i = d->int_type, *t = d->text_type;
    strbuf_printf(out,
                  "-- Second factor (TOTP) of users: the secret, unconfirmed until a first code is\n"
                  "-- accepted; the last accepted time step refuses replays (docs/SECURITY.md)\n"
                  "CREATE TABLE \"isms_totp\" (\n"
                  "  \"user_id\" %s PRIMARY KEY REFERENCES \"isms_user\" (\"id\"),\n"
                  "  \"secret\" %s NOT NULL,\n  \"created_at\" %s NOT NULL,\n"
                  "  \"confirmed_at\" %s,\n  \"last_step\" %s NOT NULL\n);\n",
                  i, t, t, t, i);
    strbuf_printf(out,
                  "-- One-time recovery codes: only the SHA-256 of each is kept\n"
                  "CREATE TABLE \"isms_recovery_code\" (\n  \"id\" %s,\n"
                  "  \"user_id\" %s NOT NULL REFERENCES \"isms_user\" (\"id\"),\n"
                  "  \"code_hash\" %s NOT NULL,\n  \"used_at\" %s\n);\n"
                  "CREATE INDEX \"isms_recovery_code__user_id\" ON \"isms_recovery_code\" "
                  "(\"user_id\", \"code_hash\");\n",
                  id, i, t, t);
    strbuf_printf(out,
                  "-- Logins waiting for their second step: only the SHA-256 of each token is "
                  "kept\n"
                  "CREATE TABLE \"isms_login_pending\" (\n  \"token_hash\" %s PRIMARY KEY,\n"
                  "  \"user_id\" %s NOT NULL REFERENCES \"isms_user\" (\"id\"),\n"
                  "  \"created_at\" %s NOT NULL,\n  \"attempts\" %s NOT NULL,\n"
                  "  \"next\" %s,\n  \"client\" %s NOT NULL\n);\n",
                  t, i, t, i, t, t);
    strbuf_printf(out,
                  "-- Signing acts: when a session last re-entered its user's credentials\n"
                  "CREATE TABLE \"isms_session_signing\" (\n  \"token_hash\" %s PRIMARY KEY,\n"
                  "  \"signed_at\" %s NOT NULL\n);\n",
                  t, t);
}

void risk_snapshot_ddl(const sql_dialect *d, strbuf *out)
{
    const char *i = d->int_type, *t = d->text_type;
    strbuf_printf(out,
                  "-- Snapshots of the risk register taken when an assessment campaign closes\n"
                  "-- (8.2); never changed afterwards. Only isms writes them, from the risks in\n"
                  "-- force, in the transaction that closes the campaign: no foreign keys, whose\n"
                  "-- checks per row made a snapshot of 100,000 risks five times slower\n"
                  "CREATE TABLE \"risk_snapshot\" (\n"
                  "  \"campaign_id\" %s NOT NULL,\n"
                  "  \"risk_id\" %s NOT NULL,\n"
                  "  \"risk_version\" %s NOT NULL,\n  \"title\" %s NOT NULL,\n"
                  "  \"owner\" %s,\n  \"likelihood\" %s,\n  \"impact\" %s,\n"
                  "  \"level\" %s,\n  \"level_label\" %s,\n"
                  "  \"residual_likelihood\" %s,\n  \"residual_impact\" %s,\n"
                  "  \"residual_level\" %s,\n  \"residual_level_label\" %s,\n"
                  "  \"treatment\" %s,\n  \"acceptance\" %s,\n  \"accepted_until\" %s,\n"
                  "  \"status\" %s,\n  \"method\" %s,\n"
                  "  PRIMARY KEY (\"campaign_id\", \"risk_id\")\n);\n",
                  i, i, i, t, i, i, i, i, t, i, i, i, t, t, t, t, t, i);
}

void risk_heat_ddl(const sql_dialect *d, strbuf *out)
{
    const char *i = d->int_type, *t = d->text_type;
    strbuf_printf(out,
                  "-- The heat maps' counts: risks in force per method version (0: none) and\n"
                  "-- cell of the current or residual matrix, and in all (grid 'all', cell 0/0).\n"
                  "-- Kept by isms in every write transaction (store_risk_heat.c)\n"
                  "CREATE TABLE \"risk_heat\" (\n  \"method\" %s NOT NULL,\n"
                  "  \"grid\" %s NOT NULL,\n  \"likelihood\" %s NOT NULL,\n"
                  "  \"impact\" %s NOT NULL,\n  \"n\" %s NOT NULL,\n"
                  "  PRIMARY KEY (\"method\", \"grid\", \"likelihood\", \"impact\")\n);\n",
                  i, t, i, i, i);
}
