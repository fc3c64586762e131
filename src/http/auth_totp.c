#include "http/auth_totp.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/mfa.h"
#include "core/token.h"
#include "http/auth_internal.h"
#include "store/store_totp.h"

isms_err auth_totp_required(store_conn *c, arena *a, bool *out, isms_status *st)
{
    const char *v = NULL;
    *out = false;
    isms_err e = store_setting_get(c, STORE_SETTING_REQUIRE_TOTP, a, &v, st);
    if (e == ISMS_ENOTFOUND) {
        status_clear(st);
        return ISMS_OK;
    }
    *out = e == ISMS_OK && v && strcmp(v, "true") == 0;
    return e;
}

bool auth_pending_cookie(const http_request *req)
{
    char text[128];
    return req->cookie && cookie_value(req->cookie, AUTH_LOGIN_COOKIE, text, sizeof(text)) &&
           token_well_formed(text);
}

void auth_clear_pending_cookie(const http_request *req, char *cookie, size_t size)
{
    snprintf(cookie, size, AUTH_LOGIN_COOKIE "=; Path=/login; Max-Age=0; HttpOnly; SameSite=Lax%s",
             req->auth->secure_cookies ? "; Secure" : "");
}

typedef struct pending_args {
    store_pending p;
    const char *name;
} pending_args;

static isms_err do_pending(store_txn *t, void *arg, isms_status *st)
{
    pending_args *a = arg;
    char before[32];
    clock_rfc3339_from_now(before, -(int64_t)AUTH_PENDING_TTL_S);
    isms_err e = store_pending_purge(t, before, st);
    if (e == ISMS_OK)
        e = store_pending_insert(t, &a->p, st);
    store_auth_event ev = {"login_second_step", a->name, a->p.user_id, a->p.client,
                           "password right; the code is asked for"};
    return e == ISMS_OK ? store_auth_event_add(t, &ev, st) : e;
}

login_result auth_totp_pending(http_request *req, const store_user *u, const char *next,
                               char *cookie, size_t size, isms_status *st)
{
    store_conn *c;
    bool enrolled = false;
    if (store_borrow(req->store, &c, st) != ISMS_OK)
        return LOGIN_FAILED;
    isms_err e = store_totp_enrolled(c, u->id, &enrolled, st);
    store_return(c);
    if (e != ISMS_OK)
        return LOGIN_FAILED;
    if (!enrolled)
        return LOGIN_OK;
    char token[TOKEN_TEXT_LEN + 1], hash[TOKEN_HASH_LEN + 1];
    token_new(token);
    token_hash(token, hash);
    bool local = next && next[0] == '/' && next[1] != '/' && next[1] != '\\' && strlen(next) < 1024;
    pending_args a = {{hash, u->id, NULL, 0, local ? next : NULL,
                       req->client ? req->client : "unknown"},
                      u->name};
    if (bookkeeping_write(req, do_pending, &a, st) != ISMS_OK)
        return LOGIN_FAILED;
    snprintf(cookie, size,
             AUTH_LOGIN_COOKIE "=%s; Path=/login; Max-Age=%d; HttpOnly; SameSite=Lax%s", token,
             AUTH_PENDING_TTL_S, req->auth->secure_cookies ? "; Secure" : "");
    return LOGIN_SECOND_STEP;
}

/* What the pending login of the request is, read on one connection. */
typedef struct pending_state {
    store_pending *p; /* NULL: none (or expired) */
    store_user *u;
    int64_t by_name, by_client;
} pending_state;

static isms_err read_pending(http_request *req, const char *hash, pending_state *ps,
                             isms_status *st)
{
    store_conn *c;
    isms_err e = store_borrow(req->store, &c, st);
    if (e != ISMS_OK)
        return e;
    e = store_pending_get(c, hash, req->arena, &ps->p, st);
    if (e == ISMS_OK)
        e = store_user_by_id(c, ps->p->user_id, req->arena, &ps->u, st);
    if (e == ISMS_OK) {
        char key[STORE_USER_KEY_MAX], since[32];
        store_user_name_key(ps->u->name, key);
        clock_rfc3339_from_now(since, -(int64_t)req->auth->window_s);
        e = store_auth_failures(c, key, req->client ? req->client : "unknown", since,
                                &ps->by_name, &ps->by_client, st);
    }
    store_return(c);
    if (e == ISMS_ENOTFOUND) {
        status_clear(st);
        ps->p = NULL;
        return ISMS_OK;
    }
    return e;
}

typedef struct code_args {
    const store_pending *p;
    const store_user *u;
    const char *code;
    const char *client;
    mfa_outcome outcome;
} code_args;

static isms_err do_code(store_txn *t, void *arg, isms_status *st)
{
    code_args *a = arg;
    isms_err e = mfa_verify(t, a->u->id, a->u->name, a->client, "login", a->code, true,
                            (int64_t)time(NULL), &a->outcome, st);
    if (e != ISMS_OK)
        return e;
    if (mfa_passed(a->outcome))
        return store_pending_delete(t, a->p->token_hash, st);
    e = store_pending_attempt(t, a->p->token_hash, st);
    /* Counted with the failed passwords: the same throttling guards both. */
    store_auth_event ev = {"login_failed", a->u->name, a->u->id, a->client,
                           a->outcome == MFA_REPLAYED ? "code already used" : "wrong code"};
    return e == ISMS_OK ? store_auth_event_add(t, &ev, st) : e;
}

static isms_err do_forget_pending(store_txn *t, void *arg, isms_status *st)
{
    return store_pending_delete(t, arg, st);
}

void auth_login_code(http_request *req, const char *code, login_code_result *out,
                     isms_status *st)
{
    memset(out, 0, sizeof(*out));
    out->result = LOGIN_REFUSED;
    char text[128], hash[TOKEN_HASH_LEN + 1];
    if (!req->cookie || !cookie_value(req->cookie, AUTH_LOGIN_COOKIE, text, sizeof(text)) ||
        !token_well_formed(text)) {
        out->restart = true;
        return;
    }
    token_hash(text, hash);
    pending_state ps = {0};
    if (read_pending(req, hash, &ps, st) != ISMS_OK) {
        out->result = LOGIN_FAILED;
        return;
    }
    char expiry[32];
    clock_rfc3339_from_now(expiry, -(int64_t)AUTH_PENDING_TTL_S);
    if (!ps.p || strcmp(ps.p->created_at, expiry) < 0 ||
        ps.p->attempts >= AUTH_PENDING_ATTEMPTS || ps.u->disabled_at) {
        if (ps.p)
            bookkeeping_write(req, do_forget_pending, hash, st);
        status_clear(st);
        out->restart = true;
        return;
    }
    out->name = ps.u->name;
    out->result = auth_throttle_gate(req, ps.u->name, ps.u->id, ps.by_name, ps.by_client,
                                     &out->retry_after_s, st);
    if (out->result != LOGIN_OK)
        return;
    code_args a = {ps.p, ps.u, code ? code : "", req->client ? req->client : "unknown",
                   MFA_WRONG};
    if (bookkeeping_write(req, do_code, &a, st) != ISMS_OK) {
        out->result = LOGIN_FAILED;
        return;
    }
    if (!mfa_passed(a.outcome)) {
        out->result = LOGIN_REFUSED;
        out->restart = ps.p->attempts + 1 >= AUTH_PENDING_ATTEMPTS;
        return;
    }
    out->next = ps.p->next;
    out->result =
        auth_start_session(req, ps.u,
                           a.outcome == MFA_RECOVERY_OK ? "second factor: a recovery code"
                                                        : "second factor: a code",
                           out->cookie, sizeof(out->cookie), st);
}
