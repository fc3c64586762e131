/*
 * Roles of users and the permissions they grant: the ONE place that decides
 * who may do what. The HTTP router asks roles_permit for the permission of
 * every route, the CLI for the permission of every verb, and the record
 * operations ask roles_may_change for the record at hand (a contributor
 * changes only their own records).
 *
 *   permission   what it covers                          who holds it
 *   open         health check, login, static files       everyone, also anonymous
 *   self         one's own account: password, tokens     every signed-in user
 *   read         read ISMS records                       every role
 *   write        create, change, retire, delete records  manager; contributor (own records)
 *   manage       the ISMS's criteria: the risk method     manager
 *   admin        users, roles, settings                  admin
 *
 * Kinds marked KF_MANAGED (the risk method) are written by the manager only.
 * The auditor reads everything; writing audit records comes with them.
 * Top management is a property of the person, not a role.
 */
#ifndef ISMS_CORE_ROLES_H
#define ISMS_CORE_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"

/* Roles are bits: a user may hold several. */
enum {
    UR_ADMIN = 1u << 0,       /* users and settings */
    UR_MANAGER = 1u << 1,     /* the ISMS manager: everything in the ISMS */
    UR_CONTRIBUTOR = 1u << 2, /* creates records; changes their own */
    UR_AUDITOR = 1u << 3,     /* reads everything */
    UR_VIEWER = 1u << 4,      /* reads */
    UR_ALL = (1u << 5) - 1,
    UR_COUNT = 5,
    ROLES_TEXT_MAX = 64, /* "admin, manager, contributor, auditor, viewer" fits */
};

typedef enum isms_permission {
    PERM_UNSET = 0, /* not declared: refused everywhere, and the route matrix test fails */
    PERM_OPEN,
    PERM_SELF,
    PERM_READ,
    PERM_WRITE,
    PERM_MANAGE, /* what the ISMS manager decides for everyone (the risk method) */
    PERM_ADMIN,
    PERM_COUNT
} isms_permission;

/* How a principal proved who it is. */
typedef enum auth_via {
    AUTH_NONE,    /* anonymous */
    AUTH_SESSION, /* a session cookie: state-changing requests need the CSRF token */
    AUTH_TOKEN,   /* an API token (Authorization: Bearer) */
    AUTH_CLI,     /* the command line, acting as a named user */
} auth_via;

/* Who is asking. A zero principal is anonymous. */
struct isms_principal {
    int64_t user_id;   /* 0: anonymous */
    const char *name;  /* the user's name: the actor of every change */
    unsigned roles;    /* UR_* bits in force for this request (a token may hold fewer) */
    int64_t person_id; /* the user's person record, 0 when none */
    auth_via via;
};

/* The name of one role bit ("admin"), or NULL. */
const char *role_name(unsigned role);

/* One role name into its bit; false if there is no such role. */
bool role_parse(const char *name, unsigned *out);

/* "admin,manager" (commas, optional spaces) into bits; the first bad name goes to bad. */
bool roles_parse_list(const char *list, unsigned *out, char *bad, size_t size);

/* "admin, manager" (or "none") into buf. */
const char *roles_format(unsigned roles, char *buf, size_t size);

const char *permission_name(isms_permission p);

/* Who holds a permission, for messages: "the manager or contributor role". */
const char *permission_holders(isms_permission p);

/* Whether p (NULL: anonymous) holds the permission. THE check. */
bool roles_permit(const isms_principal *p, isms_permission perm);

/*
 * Whether p may change (edit, retire, delete) the record old, given that it
 * holds PERM_WRITE: a manager any; a contributor those whose owner is their
 * person when the kind's owner field refers to a person, else those they
 * created. Fills why with the reason when not.
 */
bool roles_may_change(const isms_principal *p, const isms_record *old, char *why, size_t size);

/*
 * Whether p may write records of kind k at all: kinds marked KF_MANAGED need
 * the manager role (a contributor may not change the risk method). Fills why.
 */
bool roles_may_write_kind(const isms_principal *p, const isms_kind *k, char *why, size_t size);

/*
 * The roles an API token grants: the owner's roles when token_role is
 * "owner", else the named role if the owner holds it (viewer always).
 */
unsigned roles_of_token(unsigned owner_roles, const char *token_role);

#endif
