/*
 * What the login's steps share inside src/http (auth.c, auth_totp.c,
 * signing.c): the throttling gate, starting a session, the bookkeeping
 * write of a request, and reading a cookie. Not for handlers.
 */
#ifndef ISMS_HTTP_AUTH_INTERNAL_H
#define ISMS_HTTP_AUTH_INTERNAL_H

#include "http/auth.h"

/* The value of cookie `name` in a Cookie header into out; false when absent or too long. */
bool cookie_value(const char *header, const char *name, char *out, size_t size);

/* A write of the request's own (events, last use), as its user or "anonymous". */
isms_err bookkeeping_write(http_request *req, store_write_fn fn, void *arg, isms_status *st);

/*
 * Given the failures counted for a name and the client address: LOGIN_LOCKED
 * (recorded as login_throttled; *retry_after_s set) at the lock-out, else
 * the growing delay is spent and LOGIN_OK returned. LOGIN_FAILED when the
 * store fails.
 */
login_result auth_throttle_gate(http_request *req, const char *name, int64_t user_id,
                                int64_t by_name, int64_t by_client, unsigned *retry_after_s,
                                isms_status *st);

/* Start a session for u (event login_ok with detail); cookie receives its Set-Cookie. */
login_result auth_start_session(http_request *req, const store_user *u, const char *detail,
                                char *cookie, size_t size, isms_status *st);

/*
 * After the password: LOGIN_OK when u has no second factor (the session may
 * start), else a pending login is stored and LOGIN_SECOND_STEP returned with
 * its Set-Cookie in cookie (http/auth_totp.c).
 */
login_result auth_totp_pending(http_request *req, const store_user *u, const char *next,
                               char *cookie, size_t size, isms_status *st);

#endif
