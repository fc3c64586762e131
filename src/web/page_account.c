/*
 * One's own account (PERM_SELF): name, roles and person; changing the
 * password (every session ends); one's API tokens: made here (shown once),
 * listed with their last use, revoked.
 */
#include <stdio.h>
#include <string.h>

#include "core/accounts.h"
#include "core/password.h"
#include "core/value.h"
#include "http/auth.h"
#include "web/account_pages.h"
#include "web/page.h"
#include "web/totp_pages.h"
#include "web/web.h"

void account_token_table(web_page *pg, store_token **toks, size_t n, const char *revoke_base)
{
    strbuf *b = pg->b;
    if (n == 0) {
        html_lit(b, "<p class=\"empty\">No API tokens.</p>\n");
        return;
    }
    html_lit(
        b, "<div class=\"table-wrap\">\n<table class=\"records tokens\">\n<thead><tr>"
           "<th scope=\"col\">Id</th><th scope=\"col\">Label</th><th scope=\"col\">Role</th>"
           "<th scope=\"col\">Created</th><th scope=\"col\">Expires</th>"
           "<th scope=\"col\">Last used</th><th scope=\"col\">State</th></tr></thead>\n<tbody>\n");
    char now[32];
    clock_now_rfc3339(now);
    for (size_t i = 0; i < n; i++) {
        const store_token *t = toks[i];
        bool expired = t->expires_at && strcmp(t->expires_at, now) <= 0;
        html_lit(b, "<tr><td class=\"id\">");
        html_int(b, t->id);
        html_lit(b, "</td><td>");
        html_text(b, t->label ? t->label : "");
        html_lit(b, "</td><td>");
        html_text(b, strcmp(t->role, "owner") == 0 ? "the owner's roles" : t->role);
        html_lit(b, "</td><td class=\"date\">");
        html_timestamp(b, t->created_at);
        html_lit(b, "</td><td class=\"date\">");
        if (t->expires_at)
            html_timestamp(b, t->expires_at);
        else
            html_lit(b, "never");
        html_lit(b, "</td><td class=\"date\">");
        if (t->last_used_at)
            html_timestamp(b, t->last_used_at);
        else
            html_lit(b, "<span class=\"muted\">not yet</span>");
        html_lit(b, "</td><td>");
        if (t->revoked_at)
            html_lit(b, "<span class=\"badge badge-muted\">revoked</span>");
        else if (expired)
            html_lit(b, "<span class=\"badge badge-muted\">expired</span>");
        else {
            char action[160];
            snprintf(action, sizeof(action), "%s/%lld/revoke", revoke_base, (long long)t->id);
            html_lit(b, "<form class=\"inline\" method=\"post\"");
            html_url_attr(b, "action", action);
            html_lit(b, ">");
            page_csrf_field(pg);
            html_lit(b, "<button class=\"button danger\" type=\"submit\">Revoke</button></form>");
        }
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody>\n</table>\n</div>\n");
}

/* A labelled input: id f-NAME, optional hint. */
void account_input(strbuf *b, const char *name, const char *label, const char *type,
                   const char *autocomplete, const char *hint)
{
    char id[64];
    snprintf(id, sizeof(id), "f-%s", name);
    html_lit(b, "<div class=\"field\">\n<label");
    html_attr(b, "for", id);
    html_lit(b, ">");
    html_text(b, label);
    html_lit(b, "</label>\n");
    if (hint) {
        html_lit(b, "<p class=\"hint\">");
        html_text(b, hint);
        html_lit(b, "</p>\n");
    }
    html_lit(b, "<input");
    html_attr(b, "type", type);
    html_attr(b, "id", id);
    html_attr(b, "name", name);
    if (autocomplete)
        html_attr(b, "autocomplete", autocomplete);
    html_lit(b, ">\n</div>\n");
}

static void password_card(web_page *pg)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\" id=\"password\">\n<h2>Change your password</h2>\n"
                "<p class=\"hint\">Every session of yours ends, this one too: sign in again "
                "afterwards.</p>\n<form class=\"form\" method=\"post\" "
                "action=\"/account/password\" novalidate>\n");
    page_csrf_field(pg);
    account_input(b, "current", "Current password", "password", "current-password", NULL);
    account_input(b, "password", "New password", "password", "new-password",
                  "At least 10 characters.");
    account_input(b, "repeat", "New password again", "password", "new-password", NULL);
    html_lit(b, "<div class=\"form-actions\"><button class=\"button primary\" type=\"submit\">"
                "Change password</button></div>\n</form>\n</section>\n");
}

static void new_token_card(web_page *pg, unsigned roles)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\" id=\"new-token\">\n<h2>New API token</h2>\n"
                "<p class=\"hint\">Scripts send it as <code>Authorization: Bearer TOKEN</code>. "
                "It is shown once.</p>\n<form class=\"form\" method=\"post\" "
                "action=\"/account/tokens\" novalidate>\n");
    page_csrf_field(pg);
    account_input(b, "label", "Label", "text", "off", "What the token is for (optional).");
    html_lit(b, "<div class=\"field\">\n<label for=\"f-role\">Role</label>\n"
                "<select id=\"f-role\" name=\"role\"><option value=\"owner\">Your roles</option>");
    for (unsigned bit = 1; bit & UR_ALL; bit <<= 1)
        if ((roles & bit) || bit == UR_VIEWER) {
            html_lit(b, "<option");
            html_attr(b, "value", role_name(bit));
            html_lit(b, ">");
            html_text(b, role_name(bit));
            html_lit(b, "</option>");
        }
    html_lit(b, "</select>\n</div>\n");
    account_input(b, "expires", "Expires", "date", NULL,
                  "The token stops working at 00:00 UTC that day (optional).");
    html_lit(b, "<div class=\"form-actions\"><button class=\"button primary\" type=\"submit\">"
                "Create token</button></div>\n</form>\n</section>\n");
}

/* The account page; shown is a token made just now (or NULL), err a refused form. */
static void account_page(http_request *req, http_reply *rep, unsigned status, const char *shown,
                         const isms_status *err)
{
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    isms_status st;
    status_clear(&st);
    store_user *u;
    store_token **toks;
    size_t n = 0;
    if (store_user_by_id(pg.conn, req->principal.user_id, req->arena, &u, &st) != ISMS_OK ||
        store_token_list(pg.conn, u->id, req->arena, &toks, &n, &st) != ISMS_OK) {
        page_abandon(&pg);
        web_status_page(req, rep, &st);
        return;
    }
    page_crumb_add(&pg, "Overview", "/");
    page_crumb_add(&pg, "Your account", NULL);
    page_begin(&pg, status, "Your account");
    page_heading(&pg, "Account", u->name, NULL);
    page_heading_end(&pg);
    strbuf *b = pg.b;
    if (err)
        page_error_summary(&pg, err);
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->param_keys[i], "done") == 0 && strcmp(req->param_values[i], "revoked") == 0)
            page_notice(&pg, true, "The token is revoked.");
    if (shown) {
        html_lit(b, "<div class=\"notice notice-ok\" role=\"status\"><p>Your new API token. Copy "
                    "it now: it is not shown again.</p><p><code class=\"token\" id=\"token\">");
        html_text(b, shown);
        html_lit(b, "</code></p></div>\n");
    }
    char roles[ROLES_TEXT_MAX];
    html_lit(b, "<section class=\"card\">\n<h2>You</h2>\n<dl class=\"fields\">\n"
                "<div><dt>Name</dt><dd>");
    html_text(b, u->name);
    html_lit(b, "</dd></div>\n<div><dt>Roles</dt><dd>");
    html_text(b, roles_format(u->roles, roles, sizeof(roles)));
    html_lit(b, "</dd></div>\n<div><dt>Person</dt><dd>");
    page_user_person(&pg, u->person_id);
    html_lit(b, "</dd></div>\n<div><dt>Password changed</dt><dd>");
    html_timestamp(b, u->password_changed_at);
    html_lit(b, "</dd></div>\n</dl>\n</section>\n");
    password_card(&pg);
    totp_account_card(&pg);
    html_lit(b, "<section class=\"card\">\n<h2>Your API tokens</h2>\n");
    account_token_table(&pg, toks, n, "/account/tokens");
    html_lit(b, "</section>\n");
    new_token_card(&pg, u->roles);
    page_end(&pg);
}

void web_account(http_request *req, http_reply *rep)
{
    account_page(req, rep, 200, NULL, NULL);
}

typedef struct password_args {
    int64_t user_id;
    const char *hash;
} password_args;

static isms_err do_password(store_txn *t, void *arg, isms_status *st)
{
    password_args *a = arg;
    isms_err e = store_user_set_password(t, a->user_id, a->hash, st);
    store_auth_event ev = {"password_changed", store_txn_ctx(t)->actor, a->user_id, NULL, NULL};
    return e == ISMS_OK ? store_auth_event_add(t, &ev, st) : e;
}

/* Check and hash a new password (fields password, repeat); field errors in st. */
bool account_new_password(http_request *req, const char *pw, const char *repeat,
                          char hash[PASSWORD_HASH_MAX], isms_status *st)
{
    char why[ISMS_REASON_MAX];
    if (!password_acceptable(pw ? pw : "", why, sizeof(why)))
        status_field(st, "password", "%s", why);
    else if (!repeat || strcmp(pw, repeat) != 0)
        status_field(st, "repeat", "differs from the new password");
    if (st->code != ISMS_OK)
        return false;
    return password_hash(req->auth->hash_cost, pw, hash, st) == ISMS_OK;
}

isms_err account_set_password(http_request *req, int64_t user_id, const char *hash, isms_status *st)
{
    password_args a = {user_id, hash};
    isms_write_ctx ctx;
    write_ctx_init(&ctx, req->principal.name, "web");
    return store_write(req->store, &ctx, do_password, &a, st);
}

void web_account_password(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    isms_status st;
    status_clear(&st);
    store_conn *c;
    store_user *u = NULL;
    if (store_borrow(req->store, &c, &st) == ISMS_OK) {
        store_user_by_id(c, req->principal.user_id, req->arena, &u, &st);
        store_return(c);
    }
    if (!u) {
        web_status_page(req, rep, &st);
        return;
    }
    const char *current = form_get(form, "current");
    if (!current || !password_verify(u->password_hash, current))
        status_field(&st, "current", "is not your password");
    char hash[PASSWORD_HASH_MAX];
    if (st.code == ISMS_OK &&
        account_new_password(req, form_get(form, "password"), form_get(form, "repeat"), hash,
                             &st) &&
        account_set_password(req, u->id, hash, &st) == ISMS_OK) {
        char cookie[256];
        auth_clear_cookie(req, cookie, sizeof(cookie));
        reply_header_set(rep, "Set-Cookie", "%s", cookie);
        reply_redirect(rep, "/login?changed=1");
        return;
    }
    account_page(req, rep, st.code == ISMS_EINVALID ? 422 : (unsigned)isms_err_http_status(st.code),
                 NULL, &st);
}

static isms_err do_token(store_txn *t, void *arg, isms_status *st)
{
    return account_token_create(t, arg, st);
}

isms_err account_make_token(http_request *req, const form_data *form, int64_t user_id,
                            unsigned owner_roles, account_new_token *x, isms_status *st)
{
    memset(x, 0, sizeof(*x));
    x->user_id = user_id;
    x->label = form_get(form, "label");
    account_token_role(owner_roles, form_get(form, "role"), "role", &x->role, st);
    const char *expires = form_get(form, "expires");
    char *at = arena_alloc(req->arena, 32);
    if (expires && expires[0] && account_expiry_parse(expires, "expires", at, st) == ISMS_OK)
        x->expires_at = at;
    if (st->code != ISMS_OK)
        return st->code;
    isms_write_ctx ctx;
    write_ctx_init(&ctx, req->principal.name, "web");
    return store_write(req->store, &ctx, do_token, x, st);
}

void web_account_token_create(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    isms_status st;
    status_clear(&st);
    account_new_token x;
    /* The owner's stored roles, not the request's (a token may hold fewer). */
    store_conn *c;
    store_user *u = NULL;
    if (store_borrow(req->store, &c, &st) == ISMS_OK) {
        store_user_by_id(c, req->principal.user_id, req->arena, &u, &st);
        store_return(c);
    }
    if (!u) {
        web_status_page(req, rep, &st);
        return;
    }
    if (account_make_token(req, form, u->id, u->roles, &x, &st) == ISMS_OK) {
        account_page(req, rep, 201, x.token, NULL);
        return;
    }
    account_page(req, rep, st.code == ISMS_EINVALID ? 422 : (unsigned)isms_err_http_status(st.code),
                 NULL, &st);
}

static isms_err do_revoke(store_txn *t, void *arg, isms_status *st)
{
    return store_token_revoke(t, *(const int64_t *)arg, st);
}

isms_err account_revoke_token(http_request *req, int64_t owner_id, isms_status *st)
{
    int64_t id;
    if (!req->id_text || !parse_int64(req->id_text, &id) || id <= 0)
        return status_fail(st, ISMS_ENOTFOUND, "there is no such API token");
    store_conn *c;
    store_token *tok = NULL;
    isms_err e = store_borrow(req->store, &c, st);
    if (e != ISMS_OK)
        return e;
    e = store_token_get(c, id, req->arena, &tok, st);
    store_return(c);
    if (e == ISMS_OK && tok->user_id != owner_id)
        e = status_fail(st, ISMS_ENOTFOUND, "there is no such API token");
    if (e != ISMS_OK)
        return e;
    isms_write_ctx ctx;
    write_ctx_init(&ctx, req->principal.name, "web");
    return store_write(req->store, &ctx, do_revoke, &id, st);
}

void web_account_token_revoke(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    isms_status st;
    status_clear(&st);
    if (account_revoke_token(req, req->principal.user_id, &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
        return;
    }
    reply_redirect(rep, "/account?done=revoked");
}
