#include "core/accounts.h"

#include <stdio.h>
#include <string.h>

#include "core/roles.h"
#include "core/value.h"

bool account_name_ok(const char *name, char *why, size_t size)
{
    size_t len = strlen(name), chars = 0;
    if (len == 0 || !utf8_count(name, len, &chars) || chars > ISMS_ACTOR_MAX) {
        snprintf(why, size, "must be 1 to %d characters of text", ISMS_ACTOR_MAX);
        return false;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(why, size, "must not hold control characters");
            return false;
        }
    if (name[0] == ' ' || name[len - 1] == ' ') {
        snprintf(why, size, "must not begin or end with a space");
        return false;
    }
    return true;
}

isms_err account_expiry_parse(const char *text, const char *field, char out[32], isms_status *st)
{
    isms_field f = {.name = "expires", .type = FT_DATE};
    isms_value v;
    char reason[ISMS_REASON_MAX];
    arena a;
    arena_init(&a);
    bool date = value_parse(NULL, &f, text, &a, &v, reason, sizeof(reason)) && v.set;
    if (date)
        snprintf(out, 32, "%sT00:00:00.000Z", v.s);
    f.type = FT_DATETIME;
    bool datetime = !date && value_parse(NULL, &f, text, &a, &v, reason, sizeof(reason)) && v.set;
    if (datetime)
        snprintf(out, 32, "%.19s.000Z", v.s);
    arena_dispose(&a);
    if (!date && !datetime)
        return status_field(st, field,
                            "must be a date (YYYY-MM-DD) or a time "
                            "(YYYY-MM-DDTHH:MM:SSZ)");
    char now[32];
    clock_now_rfc3339(now);
    if (strcmp(out, now) <= 0)
        return status_field(st, field, "must be in the future");
    return ISMS_OK;
}

isms_err account_token_role(unsigned owner_roles, const char *role, const char *field,
                            const char **out, isms_status *st)
{
    unsigned bit;
    if (!role || !role[0] || strcmp(role, "owner") == 0) {
        *out = "owner";
        return ISMS_OK;
    }
    if (!role_parse(role, &bit))
        return status_field(st, field,
                            "'%.40s' is not a role (admin, manager, contributor, "
                            "auditor, viewer)",
                            role);
    if (bit != UR_VIEWER && !(owner_roles & bit))
        return status_field(st, field, "must be a role the token's owner holds, or viewer");
    *out = role_name(bit);
    return ISMS_OK;
}

isms_err account_person(store_conn *c, const char *text, const char *field, int64_t *out,
                        isms_status *st)
{
    const isms_kind *person = registry_kind(store_conn_registry(c), "person");
    if (!person)
        return status_field(st, field, "cannot be set: this isms keeps no person records");
    if (!human_id_parse(person, text, out))
        return status_field(st, field, "must be a person's id, such as %s-1", person->prefix);
    return account_person_check(c, *out, field, st);
}

isms_err account_person_check(store_conn *c, int64_t person_id, const char *field,
                              isms_status *st)
{
    const isms_kind *person = registry_kind(store_conn_registry(c), "person");
    if (person_id == 0)
        return ISMS_OK;
    if (!person)
        return status_field(st, field, "cannot be set: this isms keeps no person records");
    store_presence p;
    isms_err e = store_presence_of(c, person, person_id, &p, st);
    if (e != ISMS_OK)
        return e;
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, person, person_id);
    if (p != STORE_ACTIVE)
        return status_field(st, field, "%s %s", hid,
                            p == STORE_ABSENT ? "does not exist" : "is retired");
    return ISMS_OK;
}

isms_err account_keep_an_admin(store_conn *c, int64_t user_id, unsigned new_roles, bool disabling,
                               isms_status *st)
{
    if ((new_roles & UR_ADMIN) && !disabling)
        return ISMS_OK;
    arena a;
    arena_init(&a);
    store_user **users;
    size_t n = 0, others = 0;
    isms_err e = store_user_list(c, &a, &users, &n, st);
    for (size_t i = 0; e == ISMS_OK && i < n; i++)
        if (users[i]->id != user_id && (users[i]->roles & UR_ADMIN) && !users[i]->disabled_at)
            others++;
    arena_dispose(&a);
    if (e == ISMS_OK && others == 0)
        e = status_fail(st, ISMS_ECONFLICT,
                        "%s the only enabled administrator; give another user "
                        "the admin role first",
                        disabling ? "cannot disable"
                                  : "cannot take the "
                                    "admin role from");
    return e;
}

isms_err account_token_create(store_txn *t, account_new_token *x, isms_status *st)
{
    size_t chars = 0;
    if (x->label && (!utf8_count(x->label, strlen(x->label), &chars) || chars > ACCOUNT_LABEL_MAX))
        return status_field(st, "label", "must be text of at most %d characters",
                            ACCOUNT_LABEL_MAX);
    token_api_new(x->token);
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(x->token, hash);
    store_token tok = {.token_hash = hash,
                       .user_id = x->user_id,
                       .role = x->role,
                       .label = x->label && x->label[0] ? x->label : NULL,
                       .expires_at = x->expires_at};
    isms_err e = store_token_insert(t, &tok, st);
    x->id = tok.id;
    return e;
}
