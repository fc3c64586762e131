/*
 * Authentication of HTTP requests: who is asking (a session cookie, an API
 * token in `Authorization: Bearer`, or nobody), logging in with throttling,
 * sessions with idle and absolute timeouts, and the CSRF check of
 * state-changing requests made with a session. docs/SECURITY.md describes
 * the whole; router_dispatch is the one caller of auth_identify and
 * auth_csrf_ok.
 *
 * Throttling is derived from the authentication-event table, not from this
 * process's memory, so that several servers on one database share it.
 */
#ifndef ISMS_HTTP_AUTH_H
#define ISMS_HTTP_AUTH_H

#include "core/password.h"
#include "http/router.h"

#define AUTH_COOKIE "isms_session"

/* Every setting, with its default in auth_config_default(). */
typedef struct auth_config {
    unsigned session_idle_s; /* a session unused this long ends (30 min) */
    unsigned session_max_s;  /* a session ends this long after login whatever (12 h) */
    bool secure_cookies;     /* behind TLS: the cookie gets Secure */
    password_cost hash_cost; /* for passwords set through the web pages */
    unsigned throttle_after; /* failures in the window before each attempt is delayed (5) */
    unsigned lockout_after;  /* failures in the window that lock the name or address (10) */
    unsigned window_s;       /* the window failures are counted in, and the lock-out (15 min) */
    unsigned delay_max_s;    /* the longest delay (16 s): 1, 2, 4 ... */
} auth_config;

auth_config auth_config_default(void);

/*
 * Fill req->principal from the request's bearer token or session cookie
 * (anonymous when it brings neither, or when they are not valid: then
 * req->credentials_refused). Refreshes the session's last use and the
 * token's last use (at most every minute). ISMS_EBUSY/ISMS_ESTORE when the
 * store fails.
 */
isms_err auth_identify(http_request *req, isms_status *st);

/* Whether a state-changing request of a session carries the session's CSRF token. */
bool auth_csrf_ok(http_request *req);

typedef enum login_result {
    LOGIN_OK,      /* signed in: *cookie holds the Set-Cookie value */
    LOGIN_REFUSED, /* wrong name or password, or a disabled user: the same answer */
    LOGIN_LOCKED,  /* too many failures: *retry_after_s says when to try again */
    LOGIN_FAILED,  /* the store failed: st */
    LOGIN_SECOND_STEP, /* password right, a second factor enrolled: *cookie holds the
                          Set-Cookie of the pending login (http/auth_totp.h) */
} login_result;

/*
 * Check name and password (throttled: a growing delay, then a lock-out),
 * record the attempt as an authentication event and, when they match,
 * start a session, or, for a user with a second factor, a pending login
 * that the code completes (http/auth_totp.h; next is kept with it). cookie
 * receives the Set-Cookie header value (size >= 256).
 */
login_result auth_login(http_request *req, const char *name, const char *password,
                        const char *next, char *cookie, size_t size, unsigned *retry_after_s,
                        isms_status *st);

/* End the request's session (logout); cookie receives a Set-Cookie that clears it. */
isms_err auth_logout(http_request *req, char *cookie, size_t size, isms_status *st);

/* The Set-Cookie value that clears the session cookie. */
void auth_clear_cookie(const http_request *req, char *cookie, size_t size);

/* Record an authentication event (password_changed, user_disabled, ...) in its own write. */
isms_err auth_event(http_request *req, const char *event, const char *name, int64_t user_id,
                    const char *detail, isms_status *st);

#endif
