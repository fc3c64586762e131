/*
 * Account rules shared by the command line and the web pages: what a user
 * name, a token's role and an expiry may be, the link to a person, keeping
 * one administrator, and making an API token. Like core/records.h they
 * reach the database only through the store interface, inside the
 * caller's transaction, and report problems naming the field.
 */
#ifndef ISMS_CORE_ACCOUNTS_H
#define ISMS_CORE_ACCOUNTS_H

#include "core/token.h"
#include "store/store.h"

enum { ACCOUNT_LABEL_MAX = 100 };

/* A user name: 1 to ISMS_ACTOR_MAX characters of text, no control characters, no outer spaces. */
bool account_name_ok(const char *name, char *why, size_t size);

/*
 * A token's expiry: "YYYY-MM-DD" (the token stops working at 00:00 UTC that
 * day) or an RFC 3339 UTC time, in the future; into out as RFC 3339.
 * Field errors name `field`.
 */
isms_err account_expiry_parse(const char *text, const char *field, char out[32], isms_status *st);

/*
 * The role a token of an owner with owner_roles may carry: NULL or "owner"
 * (the owner's roles, whatever they are when the token is used), one of the
 * owner's roles, or viewer. *out is the text to store.
 */
isms_err account_token_role(unsigned owner_roles, const char *role, const char *field,
                            const char **out, isms_status *st);

/*
 * The person a user is linked to: the id of a record of the kind named
 * "person" in force ("PER-3" or "3"): it exists and is not retired;
 * refused with a clear message when the registry has no such kind. Field
 * errors name `field`.
 */
isms_err account_person(store_conn *c, const char *text, const char *field, int64_t *out,
                        isms_status *st);

/*
 * That person_id (0: none) is a person in force, checked again inside the
 * write that links it (a person retired meanwhile is refused).
 */
isms_err account_person_check(store_conn *c, int64_t person_id, const char *field,
                              isms_status *st);

/*
 * Refuse a change that would leave no enabled administrator: user_id
 * losing the admin role (new_roles without it) or being disabled.
 */
isms_err account_keep_an_admin(store_conn *c, int64_t user_id, unsigned new_roles, bool disabling,
                               isms_status *st);

/* A new API token for a user; the token text is in token (shown once, never stored). */
typedef struct account_new_token {
    int64_t user_id;
    const char *role;       /* from account_token_role */
    const char *label;      /* NULL or text up to ACCOUNT_LABEL_MAX characters */
    const char *expires_at; /* NULL or from account_expiry_parse */
    char token[TOKEN_API_LEN + 1];
    int64_t id; /* set on success */
} account_new_token;

isms_err account_token_create(store_txn *t, account_new_token *x, isms_status *st);

#endif
