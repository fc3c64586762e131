/* Shared between the account page (page_account.c) and the users pages (page_users.c). */
#ifndef ISMS_WEB_ACCOUNT_PAGES_H
#define ISMS_WEB_ACCOUNT_PAGES_H

#include "core/accounts.h"
#include "core/password.h"
#include "web/page.h"

/* The table of tokens; each in force has a revoke form posting to revoke_base/ID/revoke. */
void account_token_table(web_page *pg, store_token **toks, size_t n, const char *revoke_base);

/* A labelled input with id f-NAME; autocomplete and hint may be NULL. */
void account_input(strbuf *b, const char *name, const char *label, const char *type,
                   const char *autocomplete, const char *hint);

/* Check a new password and its repetition (field errors in st) and hash it. */
bool account_new_password(http_request *req, const char *pw, const char *repeat,
                          char hash[PASSWORD_HASH_MAX], isms_status *st);

/* Store a new password hash for user_id (every session of theirs ends) and record the event. */
isms_err account_set_password(http_request *req, int64_t user_id, const char *hash,
                              isms_status *st);

/* Make a token from a form (label, role, expires) for a user holding owner_roles. */
isms_err account_make_token(http_request *req, const form_data *form, int64_t user_id,
                            unsigned owner_roles, account_new_token *x, isms_status *st);

/* Revoke the token req->id_text if it belongs to owner_id (else not found). */
isms_err account_revoke_token(http_request *req, int64_t owner_id, isms_status *st);

#endif
