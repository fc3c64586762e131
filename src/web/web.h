/* Handlers of the web pages, one per route (docs/WEB.md lists the URLs). */
#ifndef ISMS_WEB_WEB_H
#define ISMS_WEB_WEB_H

#include "http/router.h"

void web_home(http_request *req, http_reply *rep);
void web_clause(http_request *req, http_reply *rep);
void web_list(http_request *req, http_reply *rep);
void web_record(http_request *req, http_reply *rep);
void web_new(http_request *req, http_reply *rep);
void web_create(http_request *req, http_reply *rep);
/* The CSV import page of a kind (page_import.c). */
void web_import_form(http_request *req, http_reply *rep);
void web_import(http_request *req, http_reply *rep);
void web_edit(http_request *req, http_reply *rep);
void web_update(http_request *req, http_reply *rep);
void web_retire(http_request *req, http_reply *rep);
void web_delete(http_request *req, http_reply *rep);
void web_history(http_request *req, http_reply *rep);
void web_log(http_request *req, http_reply *rep);
void web_log_entry(http_request *req, http_reply *rep);
void web_log_redact(http_request *req, http_reply *rep);
void web_static(http_request *req, http_reply *rep);

/* Accounts: login and logout (page_login.c), one's own account (page_account.c), users
 * (page_users.c). */
void web_login_form(http_request *req, http_reply *rep);
void web_login(http_request *req, http_reply *rep);
void web_logout(http_request *req, http_reply *rep);
void web_account(http_request *req, http_reply *rep);
void web_account_password(http_request *req, http_reply *rep);
void web_account_token_create(http_request *req, http_reply *rep);
void web_account_token_revoke(http_request *req, http_reply *rep);
void web_users(http_request *req, http_reply *rep);
void web_user_create(http_request *req, http_reply *rep);
void web_user(http_request *req, http_reply *rep);
void web_user_roles(http_request *req, http_reply *rep);
void web_user_password(http_request *req, http_reply *rep);
void web_user_disable(http_request *req, http_reply *rep);
void web_user_enable(http_request *req, http_reply *rep);
void web_user_token_revoke(http_request *req, http_reply *rep);

/* The not-found and method-not-allowed pages of the router, outside /api. */
void web_not_found(http_request *req, http_reply *rep, const char *detail);

#endif
