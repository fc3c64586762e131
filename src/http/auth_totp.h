/*
 * The login's second step (docs/SECURITY.md): after the right password of a
 * user with a second factor, the server keeps a pending login (5 minutes,
 * 5 codes at most) bound to the browser by the cookie `isms_login`
 * (Path=/login, HttpOnly, SameSite=Lax); POST /login/code with a TOTP code
 * or a recovery code completes it into a session. Wrong codes count as
 * failed logins for the throttling of the name and the address.
 *
 * Also here: whether the administrator requires a second factor of
 * everyone, which sends a session without one to enrolment.
 */
#ifndef ISMS_HTTP_AUTH_TOTP_H
#define ISMS_HTTP_AUTH_TOTP_H

#include "http/auth.h"

#define AUTH_LOGIN_COOKIE "isms_login"

enum {
    AUTH_PENDING_TTL_S = 300,    /* a pending login waits this long for its code */
    AUTH_PENDING_ATTEMPTS = 5,   /* codes one pending login may try */
};

typedef struct login_code_result {
    login_result result; /* LOGIN_OK, LOGIN_REFUSED (wrong code), LOGIN_LOCKED, LOGIN_FAILED */
    bool restart;        /* no pending login (any more): sign in again with the password */
    const char *next;    /* LOGIN_OK: where to go (a local path), or NULL */
    const char *name;    /* the user's name, for the page, or NULL */
    char cookie[256];    /* LOGIN_OK: the session's Set-Cookie */
    unsigned retry_after_s;
} login_code_result;

/* Whether the request brings a pending login's cookie at all (the form can be shown). */
bool auth_pending_cookie(const http_request *req);

/* Complete the pending login of the request's `isms_login` cookie with code. */
void auth_login_code(http_request *req, const char *code, login_code_result *out,
                     isms_status *st);

/* The Set-Cookie value that clears the pending login's cookie. */
void auth_clear_pending_cookie(const http_request *req, char *cookie, size_t size);

/* Whether the administrator requires a second factor of every user (isms_settings). */
isms_err auth_totp_required(store_conn *c, arena *a, bool *out, isms_status *st);

#endif
