#include "core/roles.h"

#include <stdio.h>
#include <string.h>

static const char *const names[UR_COUNT] = {"admin", "manager", "contributor", "auditor", "viewer"};

const char *role_name(unsigned role)
{
    for (unsigned i = 0; i < UR_COUNT; i++)
        if (role == 1u << i)
            return names[i];
    return NULL;
}

bool role_parse(const char *name, unsigned *out)
{
    for (unsigned i = 0; i < UR_COUNT; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = 1u << i;
            return true;
        }
    return false;
}

bool roles_parse_list(const char *list, unsigned *out, char *bad, size_t size)
{
    *out = 0;
    const char *p = list;
    for (;;) {
        p += strspn(p, " ");
        size_t n = strcspn(p, ", ");
        char word[32];
        if (n == 0 || n >= sizeof(word)) {
            snprintf(bad, size, "%.*s", (int)(n < 31 ? n : 31), p);
            return false;
        }
        memcpy(word, p, n);
        word[n] = '\0';
        unsigned bit;
        if (!role_parse(word, &bit)) {
            snprintf(bad, size, "%s", word);
            return false;
        }
        *out |= bit;
        p += n;
        p += strspn(p, " ");
        if (*p == '\0')
            return true;
        if (*p != ',') {
            snprintf(bad, size, "%s", p);
            return false;
        }
        p++;
    }
}

const char *roles_format(unsigned roles, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < UR_COUNT; i++) {
        if (!(roles & (1u << i)))
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
    if (!used)
        snprintf(buf, size, "none");
    return buf;
}

const char *permission_name(isms_permission p)
{
    static const char *const n[PERM_COUNT] = {"unset", "open", "self", "read", "write", "manage", "admin"};
    return (unsigned)p < PERM_COUNT ? n[p] : "unset";
}

const char *permission_holders(isms_permission p)
{
    switch (p) {
    case PERM_OPEN:
        return "nothing";
    case PERM_SELF:
        return "a signed-in user";
    case PERM_READ:
        return "any role";
    case PERM_WRITE:
        return "the manager or contributor role";
    case PERM_MANAGE:
        return "the manager role";
    case PERM_ADMIN:
        return "the admin role";
    case PERM_UNSET:
    case PERM_COUNT:
        break;
    }
    return "a permission no role holds";
}

bool roles_permit(const isms_principal *p, isms_permission perm)
{
    bool signed_in = p && p->user_id > 0;
    unsigned r = signed_in ? p->roles : 0;
    switch (perm) {
    case PERM_OPEN:
        return true;
    case PERM_SELF:
        return signed_in;
    case PERM_READ:
        return (r & UR_ALL) != 0;
    case PERM_WRITE:
        return (r & (UR_MANAGER | UR_CONTRIBUTOR)) != 0;
    case PERM_MANAGE:
        return (r & UR_MANAGER) != 0;
    case PERM_ADMIN:
        return (r & UR_ADMIN) != 0;
    case PERM_UNSET:
    case PERM_COUNT:
        break;
    }
    return false; /* an undeclared permission is never granted */
}

bool roles_may_change(const isms_principal *p, const isms_record *old, char *why, size_t size)
{
    if (p->roles & UR_MANAGER)
        return true;
    if (!(p->roles & UR_CONTRIBUTOR)) {
        snprintf(why, size, "changing records needs the manager or contributor role");
        return false;
    }
    const isms_field *owner = kind_role_field(old->kind, ROLE_OWNER);
    bool person_owner = owner && owner->type == FT_REF && owner->target &&
                        strcmp(owner->target->name, "person") == 0;
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, old->kind, old->id);
    if (person_owner) {
        const isms_value *v = &old->values[kind_field_index(old->kind, owner)];
        if (p->person_id > 0 && v->set && v->i == p->person_id)
            return true;
        snprintf(why, size,
                 "a contributor changes only records whose owner is their person; "
                 "%s is owned by someone else",
                 hid);
        return false;
    }
    if (old->created_by && p->name && strcmp(old->created_by, p->name) == 0)
        return true;
    snprintf(why, size, "a contributor changes only records they created; %s was created by %s",
             hid, old->created_by ? old->created_by : "someone else");
    return false;
}

bool roles_may_write_kind(const isms_principal *p, const isms_kind *k, char *why, size_t size)
{
    if (!(k->flags & KF_MANAGED) || roles_permit(p, PERM_MANAGE))
        return true;
    snprintf(why, size, "%s records are decided by the ISMS manager: writing them needs the "
                        "manager role",
             k->label);
    return false;
}

unsigned roles_of_token(unsigned owner_roles, const char *token_role)
{
    if (strcmp(token_role, "owner") == 0)
        return owner_roles;
    unsigned bit;
    if (!role_parse(token_role, &bit))
        return 0;
    if (bit == UR_VIEWER)
        return UR_VIEWER;
    return owner_roles & bit;
}
