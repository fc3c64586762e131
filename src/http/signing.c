#include "http/signing.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/mfa.h"
#include "core/password.h"
#include "http/auth.h"
#include "http/auth_internal.h"
#include "store/store_totp.h"

isms_err signing_need_of(http_request *req, store_conn *c, signing_need *out, isms_status *st)
{
    memset(out, 0, sizeof(*out));
    out->possible = req->principal.via == AUTH_SESSION && req->session_hash;
    if (!out->possible)
        return ISMS_OK;
    const char *at = NULL;
    char limit[32];
    clock_rfc3339_from_now(limit, -(int64_t)SIGNING_VALID_S);
    isms_err e = store_signing_get(c, req->session_hash, req->arena, &at, st);
    out->fresh = e == ISMS_OK && at && strcmp(at, limit) >= 0;
    if (e == ISMS_OK)
        e = store_totp_enrolled(c, req->principal.user_id, &out->code, st);
    return e;
}

typedef struct sign_args {
    http_request *req;
    const char *act;
    const char *code; /* NULL: no second factor */
    bool password_ok;
    mfa_outcome outcome;
} sign_args;

static isms_err do_sign(store_txn *t, void *arg, isms_status *st)
{
    sign_args *a = arg;
    const http_request *req = a->req;
    const char *client = req->client ? req->client : "unknown";
    isms_err e = ISMS_OK;
    a->outcome = MFA_NONE;
    if (a->password_ok && a->code)
        e = mfa_verify(t, req->principal.user_id, req->principal.name, client, a->act, a->code,
                       true, (int64_t)time(NULL), &a->outcome, st);
    bool ok = a->password_ok && (!a->code || mfa_passed(a->outcome));
    if (e == ISMS_OK && ok) {
        char now[32], before[32];
        clock_now_rfc3339(now);
        clock_rfc3339_from_now(before, -(int64_t)SIGNING_VALID_S);
        e = store_signing_purge(t, before, st);
        if (e == ISMS_OK)
            e = store_signing_set(t, req->session_hash, now, st);
    }
    char detail[200];
    snprintf(detail, sizeof(detail), "%.120s%s", a->act,
             ok ? "" : !a->password_ok ? ": wrong password" : ": wrong code");
    store_auth_event ev = {ok ? "signing_ok" : "signing_failed", req->principal.name,
                           req->principal.user_id, client, detail};
    return e == ISMS_OK ? store_auth_event_add(t, &ev, st) : e;
}

signing_result signing_demand(http_request *req, const form_data *form, const char *act,
                              isms_status *st)
{
    store_conn *c;
    store_user *u = NULL;
    signing_need need;
    int64_t failures = 0;
    char since[32];
    clock_rfc3339_from_now(since, -(int64_t)req->auth->window_s);
    if (store_borrow(req->store, &c, st) != ISMS_OK)
        return SIGNING_FAILED;
    isms_err e = signing_need_of(req, c, &need, st);
    if (e == ISMS_OK && need.possible && !need.fresh)
        e = store_user_by_id(c, req->principal.user_id, req->arena, &u, st);
    if (e == ISMS_OK && need.possible && !need.fresh)
        e = store_signing_failures(c, req->principal.user_id, since, &failures, st);
    store_return(c);
    if (e != ISMS_OK)
        return SIGNING_FAILED;
    if (!need.possible) {
        status_fail(st, ISMS_EFORBIDDEN,
                    "%s is a signing act: it needs your own credentials, in a signed-in web "
                    "session or on the command line; an API token cannot sign",
                    act);
        return SIGNING_REFUSED;
    }
    if (need.fresh)
        return SIGNING_OK;
    /* A session must not become a way to guess the password: the login's lock-out applies. */
    if (failures >= (int64_t)req->auth->lockout_after) {
        status_fail(st, ISMS_EFORBIDDEN,
                    "too many failed attempts to confirm who you are: try again in %u minutes",
                    (req->auth->window_s + 59) / 60);
        return SIGNING_REFUSED;
    }
    const char *pw = form_get(form, "sign_password"), *code = form_get(form, "sign_code");
    if (!pw || !pw[0])
        status_field(st, "sign_password", "is required: this is a signing act");
    if (need.code && (!code || !code[0]))
        status_field(st, "sign_code", "is required: the code of your authenticator app");
    if (st->code != ISMS_OK)
        return SIGNING_NEEDED;
    sign_args a = {req, act, need.code ? code : NULL, password_verify(u->password_hash, pw),
                   MFA_NONE};
    if (bookkeeping_write(req, do_sign, &a, st) != ISMS_OK)
        return SIGNING_FAILED;
    if (!a.password_ok)
        status_field(st, "sign_password", "is not your password");
    else if (need.code && !mfa_passed(a.outcome))
        status_field(st, "sign_code",
                     a.outcome == MFA_REPLAYED ? "was used already: wait for the next code"
                                               : "is not a valid code");
    return st->code == ISMS_OK ? SIGNING_OK : SIGNING_NEEDED;
}

unsigned signing_status(signing_result r, const isms_status *st)
{
    if (r == SIGNING_NEEDED)
        return 422;
    if (r == SIGNING_REFUSED)
        return 403;
    return (unsigned)isms_err_http_status(st->code);
}
