/*
 * The pages of the second factor (page_totp.c, docs/WEB.md): the login's
 * second step, enrolment with a QR code on /account/totp, recovery codes,
 * turning it off (a signing act), and the administrator's controls: reset
 * a user's second factor (a signing act) and require one of everyone.
 */
#ifndef ISMS_WEB_TOTP_PAGES_H
#define ISMS_WEB_TOTP_PAGES_H

#include "web/page.h"

void web_login_code_form(http_request *req, http_reply *rep);
void web_login_code(http_request *req, http_reply *rep);
void web_totp(http_request *req, http_reply *rep);
void web_totp_begin(http_request *req, http_reply *rep);
void web_totp_confirm(http_request *req, http_reply *rep);
void web_totp_recovery(http_request *req, http_reply *rep);
void web_totp_disable(http_request *req, http_reply *rep);
void web_user_totp_disable(http_request *req, http_reply *rep);
void web_require_totp(http_request *req, http_reply *rep);

/*
 * The fields a signing act's form carries (http/signing.h): the password,
 * and the code when the user has a second factor; a note instead while the
 * session's credentials are fresh. Their ids are f-SCOPE-sign_password and
 * f-SCOPE-sign_code (scope NULL: f-sign_password), so that two signing forms
 * can share a page.
 */
void page_signing_fields(web_page *pg, const char *scope);

/* Cards of other pages: one's account, the users list, one user (admin). */
void totp_account_card(web_page *pg);
void totp_users_card(web_page *pg);
void totp_user_card(web_page *pg, const store_user *u);

#endif
