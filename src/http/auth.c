#include "http/auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/token.h"
#include "http/auth_totp.h"
#include "store/store_totp.h"
#include "http/auth_internal.h"
#include "web/form.h"

enum {
    TOUCH_EVERY_S = 60, /* last use of a session or token is written at most this often */
    EVENT_NAME_MAX = 256,
};

auth_config auth_config_default(void)
{
    return (auth_config){
        .session_idle_s = 30 * 60,
        .session_max_s = 12 * 3600,
        .secure_cookies = false,
        .hash_cost = PASSWORD_COST_INTERACTIVE,
        .throttle_after = 5,
        .lockout_after = 10,
        .window_s = 15 * 60,
        .delay_max_s = 16,
    };
}

/* The value of cookie `name` in a Cookie header into out; false when absent or too long. */
bool cookie_value(const char *header, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name);
    for (const char *p = header; p && *p;) {
        p += strspn(p, " \t;");
        if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
            const char *v = p + nl + 1;
            size_t n = strcspn(v, ";");
            while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
                n--;
            if (n >= size)
                return false;
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
        p = strchr(p, ';');
    }
    return false;
}

/* Whether a last-use time is older than every_s seconds (or unset). */
static bool touch_due(const char *last, unsigned every_s)
{
    char limit[32];
    clock_rfc3339_from_now(limit, -(int64_t)every_s);
    return !last || strcmp(last, limit) < 0;
}

static isms_err do_touch_session(store_txn *t, void *arg, isms_status *st)
{
    return store_session_touch(t, arg, store_txn_ctx(t)->now, st);
}

static isms_err do_forget_session(store_txn *t, void *arg, isms_status *st)
{
    return store_session_delete(t, arg, st);
}

static isms_err do_touch_token(store_txn *t, void *arg, isms_status *st)
{
    return store_token_touch(t, *(const int64_t *)arg, store_txn_ctx(t)->now, st);
}

/* What identification found, to write after the connection went back. */
typedef struct found {
    const char *touch_session, *forget_session;
    int64_t touch_token;
} found;

static isms_err identify_token(http_request *req, store_conn *c, const char *text, found *f,
                               isms_status *st)
{
    if (!token_api_well_formed(text)) {
        req->credentials_refused = true;
        return ISMS_OK;
    }
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(text, hash);
    store_token *tok;
    store_user *u;
    isms_err e = store_token_by_hash(c, hash, req->arena, &tok, st);
    if (e == ISMS_OK)
        e = store_user_by_id(c, tok->user_id, req->arena, &u, st);
    if (e == ISMS_ENOTFOUND) {
        status_clear(st);
        req->credentials_refused = true;
        return ISMS_OK;
    }
    if (e != ISMS_OK)
        return e;
    char now[32];
    clock_now_rfc3339(now);
    if (tok->revoked_at || (tok->expires_at && strcmp(tok->expires_at, now) <= 0) ||
        u->disabled_at) {
        req->credentials_refused = true;
        return ISMS_OK;
    }
    req->principal = (isms_principal){u->id, u->name, roles_of_token(u->roles, tok->role),
                                      u->person_id, AUTH_TOKEN};
    if (touch_due(tok->last_used_at, TOUCH_EVERY_S))
        f->touch_token = tok->id;
    return ISMS_OK;
}

static isms_err identify_session(http_request *req, store_conn *c, const char *text, found *f,
                                 isms_status *st)
{
    if (!token_well_formed(text)) {
        req->credentials_refused = true;
        return ISMS_OK;
    }
    char *hash = arena_alloc(req->arena, TOKEN_HASH_LEN + 1);
    token_hash(text, hash);
    store_session *s;
    store_user *u = NULL;
    isms_err e = store_session_get(c, hash, req->arena, &s, st);
    if (e == ISMS_OK)
        e = store_user_by_id(c, s->user_id, req->arena, &u, st);
    if (e == ISMS_ENOTFOUND) {
        status_clear(st);
        req->credentials_refused = true;
        return ISMS_OK;
    }
    if (e != ISMS_OK)
        return e;
    const auth_config *cfg = req->auth;
    char idle_limit[32], max_limit[32];
    clock_rfc3339_from_now(idle_limit, -(int64_t)cfg->session_idle_s);
    clock_rfc3339_from_now(max_limit, -(int64_t)cfg->session_max_s);
    if (strcmp(s->last_seen_at, idle_limit) < 0 || strcmp(s->created_at, max_limit) < 0 ||
        u->disabled_at) {
        req->credentials_refused = true;
        f->forget_session = hash;
        return ISMS_OK;
    }
    req->principal = (isms_principal){u->id, u->name, u->roles, u->person_id, AUTH_SESSION};
    bool required = false, enrolled = true;
    e = auth_totp_required(c, req->arena, &required, st);
    if (e == ISMS_OK && required)
        e = store_totp_enrolled(c, u->id, &enrolled, st);
    if (e != ISMS_OK)
        return e;
    req->must_enrol = !enrolled;
    req->session_hash = hash;
    req->session_csrf = s->csrf;
    unsigned every = cfg->session_idle_s / 4;
    if (touch_due(s->last_seen_at, every < TOUCH_EVERY_S ? every : TOUCH_EVERY_S))
        f->touch_session = hash;
    return ISMS_OK;
}

/* A write of the request's own (last use, forgetting a session), as its user. */
isms_err bookkeeping_write(http_request *req, store_write_fn fn, void *arg, isms_status *st)
{
    isms_write_ctx ctx;
    write_ctx_init(&ctx, req->principal.name ? req->principal.name : "anonymous", "auth");
    return store_write(req->store, &ctx, fn, arg, st);
}

isms_err auth_identify(http_request *req, isms_status *st)
{
    memset(&req->principal, 0, sizeof(req->principal));
    req->session_hash = req->session_csrf = NULL;
    req->credentials_refused = false;
    req->must_enrol = false;
    char text[128];
    const char *bearer = NULL;
    bool session = false;
    if (req->authorization) {
        if (strncasecmp(req->authorization, "Bearer ", 7) == 0)
            bearer = req->authorization + 7 + strspn(req->authorization + 7, " ");
        else
            req->credentials_refused = true;
    } else if (req->cookie && cookie_value(req->cookie, AUTH_COOKIE, text, sizeof(text))) {
        session = true;
    }
    if (!bearer && !session)
        return ISMS_OK;
    store_conn *c;
    isms_err e = store_borrow(req->store, &c, st);
    if (e != ISMS_OK)
        return e;
    found f = {0};
    e = bearer ? identify_token(req, c, bearer, &f, st) : identify_session(req, c, text, &f, st);
    store_return(c);
    /* Bookkeeping that fails (a busy database) must not refuse the request. */
    isms_status ignored;
    status_clear(&ignored);
    if (e == ISMS_OK && f.touch_token)
        bookkeeping_write(req, do_touch_token, &f.touch_token, &ignored);
    if (e == ISMS_OK && f.touch_session)
        bookkeeping_write(req, do_touch_session, (void *)f.touch_session, &ignored);
    if (e == ISMS_OK && f.forget_session)
        bookkeeping_write(req, do_forget_session, (void *)f.forget_session, &ignored);
    return e;
}

bool auth_csrf_ok(http_request *req)
{
    if (!req->session_csrf)
        return false;
    if (req->csrf_header)
        return token_equal(req->csrf_header, req->session_csrf);
    const char *ct = req->content_type;
    size_t n = strlen("application/x-www-form-urlencoded");
    if (!form_is_multipart(ct) && (!ct || strncasecmp(ct, "application/x-www-form-urlencoded",
                                                      n) != 0))
        return false; /* a form's token is read only from a form (a file upload is one too) */
    isms_status st;
    status_clear(&st);
    const form_data *form = form_of_request(req, &st);
    if (!form)
        return false;
    const char *csrf = form_get(form, "csrf");
    return csrf && form_count(form, "csrf") == 1 && token_equal(csrf, req->session_csrf);
}

/* --- login and logout ------------------------------------------------------------ */

static void event_name(const char *name, char out[EVENT_NAME_MAX])
{
    snprintf(out, EVENT_NAME_MAX, "%s", name);
}

typedef struct event_args {
    store_auth_event ev;
    const store_session *session; /* also start this session (login_ok) */
    const auth_config *cfg;
} event_args;

static isms_err do_event(store_txn *t, void *arg, isms_status *st)
{
    event_args *a = arg;
    isms_err e = store_auth_event_add(t, &a->ev, st);
    if (e == ISMS_OK && a->session) {
        /* Expired sessions of everyone are forgotten now and then: at each login. */
        char idle[32], max[32];
        clock_rfc3339_from_now(idle, -(int64_t)a->cfg->session_idle_s);
        clock_rfc3339_from_now(max, -(int64_t)a->cfg->session_max_s);
        e = store_sessions_purge(t, idle, max, st);
        if (e == ISMS_OK)
            e = store_session_insert(t, a->session, st);
    }
    return e;
}

isms_err auth_event(http_request *req, const char *event, const char *name, int64_t user_id,
                    const char *detail, isms_status *st)
{
    event_args a = {.ev = {event, name, user_id, req->client, detail}};
    return bookkeeping_write(req, do_event, &a, st);
}

static unsigned throttle_delay(const auth_config *cfg, int64_t failures)
{
    if (failures < (int64_t)cfg->throttle_after)
        return 0;
    int64_t step = failures - cfg->throttle_after;
    unsigned d = step >= 16 ? cfg->delay_max_s : 1u << step;
    return d < cfg->delay_max_s ? d : cfg->delay_max_s;
}

static void sleep_s(unsigned s)
{
    struct timespec ts = {(time_t)s, 0};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

void auth_clear_cookie(const http_request *req, char *cookie, size_t size)
{
    snprintf(cookie, size, AUTH_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
             req->auth->secure_cookies ? "; Secure" : "");
}

login_result auth_throttle_gate(http_request *req, const char *name, int64_t user_id,
                                int64_t by_name, int64_t by_client, unsigned *retry_after_s,
                                isms_status *st)
{
    const auth_config *cfg = req->auth;
    char shown[EVENT_NAME_MAX];
    event_name(name, shown);
    int64_t failures = by_name > by_client ? by_name : by_client;
    if (failures >= (int64_t)cfg->lockout_after) {
        event_args a = {.ev = {"login_throttled", shown, user_id, req->client ? req->client :
                                                                                "unknown",
                               by_name >= (int64_t)cfg->lockout_after ? "name locked"
                                                                      : "address locked"},
                        .cfg = cfg};
        *retry_after_s = cfg->window_s;
        return bookkeeping_write(req, do_event, &a, st) == ISMS_OK ? LOGIN_LOCKED : LOGIN_FAILED;
    }
    /* The delay is spent without a database connection: others are not held up. */
    unsigned delay = throttle_delay(cfg, failures);
    if (delay)
        sleep_s(delay);
    return LOGIN_OK;
}

login_result auth_start_session(http_request *req, const store_user *u, const char *detail,
                                char *cookie, size_t size, isms_status *st)
{
    const auth_config *cfg = req->auth;
    const char *client = req->client ? req->client : "unknown";
    char token[TOKEN_TEXT_LEN + 1], csrf[TOKEN_TEXT_LEN + 1], hash[TOKEN_HASH_LEN + 1];
    char now[32], shown[EVENT_NAME_MAX];
    event_name(u->name, shown);
    token_new(token);
    token_new(csrf);
    token_hash(token, hash);
    clock_now_rfc3339(now);
    store_session s = {hash, u->id, csrf, now, now, client};
    event_args a = {.ev = {"login_ok", shown, u->id, client, detail}, .session = &s, .cfg = cfg};
    if (bookkeeping_write(req, do_event, &a, st) != ISMS_OK)
        return LOGIN_FAILED;
    snprintf(cookie, size, AUTH_COOKIE "=%s; Path=/; Max-Age=%u; HttpOnly; SameSite=Lax%s", token,
             cfg->session_max_s, cfg->secure_cookies ? "; Secure" : "");
    return LOGIN_OK;
}

login_result auth_login(http_request *req, const char *name, const char *password,
                        const char *next, char *cookie, size_t size, unsigned *retry_after_s,
                        isms_status *st)
{
    const auth_config *cfg = req->auth;
    const char *client = req->client ? req->client : "unknown";
    char key[STORE_USER_KEY_MAX], shown[EVENT_NAME_MAX], since[32];
    store_user_name_key(name, key);
    event_name(name, shown);
    clock_rfc3339_from_now(since, -(int64_t)cfg->window_s);
    int64_t by_name = 0, by_client = 0;
    store_user *u = NULL;
    store_conn *c;
    isms_err e = store_borrow(req->store, &c, st);
    if (e != ISMS_OK)
        return LOGIN_FAILED;
    e = store_auth_failures(c, key, client, since, &by_name, &by_client, st);
    if (e == ISMS_OK && store_user_by_name(c, name, req->arena, &u, st) == ISMS_ENOTFOUND) {
        u = NULL;
        status_clear(st);
    }
    store_return(c);
    if (st->code != ISMS_OK)
        return LOGIN_FAILED;
    login_result gate =
        auth_throttle_gate(req, name, u ? u->id : 0, by_name, by_client, retry_after_s, st);
    if (gate != LOGIN_OK)
        return gate;
    bool ok = false;
    if (u)
        ok = password_verify(u->password_hash, password);
    else
        password_verify_dummy(cfg->hash_cost, password); /* as long as a wrong password */
    if (!ok || u->disabled_at) {
        event_args a = {.ev = {"login_failed", shown, u ? u->id : 0, client,
                               !u ? "unknown name" : !ok ? "wrong password" : "disabled user"},
                        .cfg = cfg};
        return bookkeeping_write(req, do_event, &a, st) == ISMS_OK ? LOGIN_REFUSED : LOGIN_FAILED;
    }
    /* The second factor, when the user has one: a pending login until the code comes. */
    login_result second = auth_totp_pending(req, u, next, cookie, size, st);
    if (second != LOGIN_OK)
        return second;
    return auth_start_session(req, u, NULL, cookie, size, st);
}

typedef struct logout_args {
    const char *hash;
    store_auth_event ev;
} logout_args;

static isms_err do_logout(store_txn *t, void *arg, isms_status *st)
{
    logout_args *a = arg;
    isms_err e = store_session_delete(t, a->hash, st);
    return e == ISMS_OK ? store_auth_event_add(t, &a->ev, st) : e;
}

isms_err auth_logout(http_request *req, char *cookie, size_t size, isms_status *st)
{
    auth_clear_cookie(req, cookie, size);
    if (!req->session_hash)
        return ISMS_OK;
    logout_args a = {req->session_hash,
                     {"logout", req->principal.name, req->principal.user_id, req->client, NULL}};
    return bookkeeping_write(req, do_logout, &a, st);
}
