/*
 * Users (PERM_ADMIN): the list with a form to add one, and a page per user
 * to set roles, set a new password, disable or enable, and revoke tokens.
 * Disabled users keep their records and history; their sessions end.
 */
#include <stdio.h>
#include <string.h>

#include "core/accounts.h"
#include "core/roles.h"
#include "web/account_pages.h"
#include "web/page.h"
#include "web/totp_pages.h"
#include "web/web.h"

static void user_url(strbuf *b, const char *name, const char *tail)
{
    strbuf_puts(b, "/users/");
    url_encode_component(b, name);
    strbuf_puts(b, tail);
}

static void role_boxes(strbuf *b, unsigned roles)
{
    html_lit(b, "<fieldset class=\"field roles\">\n<legend>Roles</legend>\n");
    for (unsigned bit = 1; bit & UR_ALL; bit <<= 1) {
        char id[32], name[32];
        snprintf(id, sizeof(id), "f-role-%s", role_name(bit));
        snprintf(name, sizeof(name), "role_%s", role_name(bit));
        html_lit(b, "<label class=\"check\"><input type=\"checkbox\" value=\"on\"");
        html_attr(b, "id", id);
        html_attr(b, "name", name);
        if (roles & bit)
            html_lit(b, " checked");
        html_lit(b, "> ");
        html_text(b, role_name(bit));
        html_lit(b, "</label>\n");
    }
    html_lit(b, "</fieldset>\n");
}

/* The roles ticked in a form (a box role_NAME per role). */
static unsigned form_roles(const form_data *form, isms_status *st)
{
    unsigned roles = 0;
    for (size_t i = 0; i < form->n; i++) {
        unsigned bit;
        if (strncmp(form->keys[i], "role_", 5) != 0)
            continue;
        if (role_parse(form->keys[i] + 5, &bit))
            roles |= bit;
        else
            status_field(st, "role", "'%.40s' is not a role", form->keys[i] + 5);
    }
    return roles;
}

static void users_page(http_request *req, http_reply *rep, unsigned status, const isms_status *err)
{
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    isms_status st;
    status_clear(&st);
    store_user **users;
    size_t n = 0;
    if (store_user_list(pg.conn, req->arena, &users, &n, &st) != ISMS_OK) {
        page_abandon(&pg);
        web_status_page(req, rep, &st);
        return;
    }
    page_crumb_add(&pg, "Overview", "/");
    page_crumb_add(&pg, "Users", NULL);
    page_begin(&pg, status, "Users");
    page_heading(&pg, "Administration", "Users", "Who may sign in, and with which roles.");
    page_heading_end(&pg);
    strbuf *b = pg.b;
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->param_keys[i], "done") == 0 && strcmp(req->param_values[i], "added") == 0)
            page_notice(&pg, true, "The user was added.");
    html_lit(b,
             "<div class=\"table-wrap\">\n<table class=\"records users\">\n<thead><tr>"
             "<th scope=\"col\">Name</th><th scope=\"col\">Roles</th>"
             "<th scope=\"col\">State</th><th scope=\"col\">Created</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        char roles[ROLES_TEXT_MAX];
        strbuf url;
        strbuf_init(&url, 512);
        user_url(&url, users[i]->name, "");
        html_lit_either(b, users[i]->disabled_at, "<tr class=\"retired\">", "<tr>");
        html_lit(b, "<td class=\"title\"><a");
        html_url_attr(b, "href", url.ptr);
        html_lit(b, ">");
        html_text(b, users[i]->name);
        html_lit(b, "</a></td><td>");
        html_text(b, roles_format(users[i]->roles, roles, sizeof(roles)));
        html_lit_either(b, users[i]->disabled_at,
                        "</td><td><span class=\"badge badge-muted\">disabled</span></td>",
                        "</td><td><span class=\"badge badge-ok\">enabled</span></td>");
        html_lit(b, "<td class=\"date\">");
        html_timestamp(b, users[i]->created_at);
        html_lit(b, "</td></tr>\n");
        strbuf_dispose(&url);
    }
    html_lit(b, "</tbody>\n</table>\n</div>\n");
    totp_users_card(&pg);
    html_lit(b, "<section class=\"card\" id=\"add\">\n"
                "<h2>Add a user</h2>\n<form class=\"form\" method=\"post\" action=\"/users\" "
                "novalidate>\n");
    if (err)
        page_error_summary(&pg, err);
    page_csrf_field(&pg);
    account_input(b, "name", "Name", "text", "off", "The name they sign in with.");
    account_input(b, "password", "Password", "password", "new-password",
                  "At least 10 characters; tell it to them in person.");
    account_input(b, "repeat", "Password again", "password", "new-password", NULL);
    role_boxes(b, UR_VIEWER);
    html_lit(b, "<div class=\"form-actions\"><button class=\"button primary\" type=\"submit\">"
                "Add user</button></div>\n</form>\n</section>\n");
    page_end(&pg);
}

void web_users(http_request *req, http_reply *rep)
{
    users_page(req, rep, 200, NULL);
}

typedef struct create_args {
    store_user *u;
    const char *client;
} create_args;

static isms_err do_create(store_txn *t, void *arg, isms_status *st)
{
    create_args *a = arg;
    isms_err e = store_user_insert(t, a->u, st);
    store_auth_event ev = {"user_created", a->u->name, a->u->id, a->client, NULL};
    return e == ISMS_OK ? store_auth_event_add(t, &ev, st) : e;
}

static unsigned refused_status(const isms_status *st)
{
    return st->code == ISMS_EINVALID ? 422 : (unsigned)isms_err_http_status(st->code);
}

void web_user_create(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    isms_status st;
    status_clear(&st);
    const char *name = form_get(form, "name");
    char why[ISMS_REASON_MAX], hash[PASSWORD_HASH_MAX];
    if (!name || !account_name_ok(name, why, sizeof(why)))
        status_field(&st, "name", "%s", name ? why : "is required");
    store_user u = {.name = name, .roles = form_roles(form, &st), .password_hash = hash};
    if (st.code == ISMS_OK && account_new_password(req, form_get(form, "password"),
                                                   form_get(form, "repeat"), hash, &st)) {
        isms_write_ctx ctx;
        write_ctx_init(&ctx, req->principal.name, "web");
        create_args a = {&u, req->client};
        if (store_write(req->store, &ctx, do_create, &a, &st) == ISMS_OK) {
            reply_redirect(rep, "/users?done=added");
            return;
        }
    }
    users_page(req, rep, refused_status(&st), &st);
}

/* The user named by the path, or NULL with an error page. */
static store_user *path_user(http_request *req, http_reply *rep)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    store_user *u = NULL;
    if (store_borrow(req->store, &c, &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
        return NULL;
    }
    if (store_user_by_name(c, req->capture, req->arena, &u, &st) != ISMS_OK)
        u = NULL;
    store_return(c);
    if (!u)
        web_status_page(req, rep, &st);
    return u;
}

static void action_form(web_page *pg, const store_user *u, const char *tail, const char *button,
                        const char *css)
{
    strbuf url;
    strbuf_init(&url, 512);
    user_url(&url, u->name, tail);
    html_lit(pg->b, "<form class=\"form\" method=\"post\"");
    html_url_attr(pg->b, "action", url.ptr);
    html_lit(pg->b, " novalidate>\n");
    page_csrf_field(pg);
    html_lit(pg->b, "<div class=\"form-actions\"><button type=\"submit\"");
    html_attr(pg->b, "class", css);
    html_lit(pg->b, ">");
    html_text(pg->b, button);
    html_lit(pg->b, "</button></div>\n</form>\n");
    strbuf_dispose(&url);
}

static void user_page(http_request *req, http_reply *rep, unsigned status, const char *notice,
                      const isms_status *err)
{
    store_user *u = path_user(req, rep);
    if (!u)
        return;
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    isms_status st;
    status_clear(&st);
    store_token **toks;
    size_t n = 0;
    if (store_token_list(pg.conn, u->id, req->arena, &toks, &n, &st) != ISMS_OK) {
        page_abandon(&pg);
        web_status_page(req, rep, &st);
        return;
    }
    page_crumb_add(&pg, "Overview", "/");
    page_crumb_add(&pg, "Users", "/users");
    page_crumb_add(&pg, u->name, NULL);
    page_begin(&pg, status, u->name);
    page_heading(&pg, "User", u->name, NULL);
    if (u->disabled_at)
        html_lit(pg.b, "<div class=\"badges\"><span class=\"badge badge-muted\">Disabled</span>"
                       "</div>\n");
    page_heading_end(&pg);
    strbuf *b = pg.b;
    if (notice)
        page_notice(&pg, true, notice);
    if (err)
        page_error_summary(&pg, err);
    html_lit(b, "<section class=\"card\">\n<h2>Person</h2>\n<p>");
    page_user_person(&pg, u->person_id);
    html_lit(b, "</p>\n<p class=\"hint\">Who the user is in the organization: a contributor "
                "changes the records this person owns. Linked with <code>isms user set NAME "
                "--person PER-n</code>.</p>\n</section>\n");
    strbuf url;
    strbuf_init(&url, 512);
    html_lit(b, "<section class=\"card\">\n<h2>Roles</h2>\n<form class=\"form\" method=\"post\"");
    user_url(&url, u->name, "/roles");
    html_url_attr(b, "action", url.ptr);
    html_lit(b, " novalidate>\n");
    page_csrf_field(&pg);
    role_boxes(b, u->roles);
    html_lit(b, "<div class=\"form-actions\"><button class=\"button primary\" type=\"submit\">"
                "Save roles</button></div>\n</form>\n</section>\n");
    html_lit(b, "<section class=\"card\">\n<h2>New password</h2>\n<p class=\"hint\">Every session "
                "of the user ends.</p>\n<form class=\"form\" method=\"post\"");
    strbuf_reset(&url);
    user_url(&url, u->name, "/password");
    html_url_attr(b, "action", url.ptr);
    html_lit(b, " novalidate>\n");
    page_csrf_field(&pg);
    account_input(b, "password", "New password", "password", "new-password", NULL);
    account_input(b, "repeat", "New password again", "password", "new-password", NULL);
    html_lit(b, "<div class=\"form-actions\"><button class=\"button\" type=\"submit\">"
                "Set password</button></div>\n</form>\n</section>\n");
    html_lit(b, "<section class=\"card\">\n<h2>API tokens</h2>\n");
    strbuf_reset(&url);
    user_url(&url, u->name, "/tokens");
    account_token_table(&pg, toks, n, url.ptr);
    html_lit(b, "</section>\n");
    totp_user_card(&pg, u);
    html_lit(b, "<section class=\"card card-danger\">\n");
    if (u->disabled_at) {
        html_lit(b, "<h2>Enable</h2>\n<p class=\"hint\">The user may sign in again.</p>\n");
        action_form(&pg, u, "/enable", "Enable", "button");
    } else {
        html_lit(b, "<h2>Disable</h2>\n<p class=\"hint\">The user can no longer sign in; their "
                    "sessions end at once and their tokens stop working. Their records and "
                    "history stay.</p>\n");
        action_form(&pg, u, "/disable", "Disable", "button danger");
    }
    html_lit(b, "</section>\n");
    strbuf_dispose(&url);
    page_end(&pg);
}

void web_user(http_request *req, http_reply *rep)
{
    user_page(req, rep, 200, NULL, NULL);
}

typedef struct change_args {
    http_request *req;
    const store_user *u;
    unsigned roles;
    bool disable;
    const char *event;
} change_args;

static isms_err do_roles(store_txn *t, void *arg, isms_status *st)
{
    change_args *a = arg;
    isms_err e = account_keep_an_admin(store_txn_conn(t), a->u->id, a->roles, false, st);
    if (e == ISMS_OK)
        e = store_user_set_roles(t, a->u->id, a->roles, st);
    char roles[ROLES_TEXT_MAX];
    store_auth_event ev = {"roles_changed", a->u->name, a->u->id, a->req->client,
                           roles_format(a->roles, roles, sizeof(roles))};
    return e == ISMS_OK ? store_auth_event_add(t, &ev, st) : e;
}

static isms_err do_disable(store_txn *t, void *arg, isms_status *st)
{
    change_args *a = arg;
    isms_err e = a->disable
                     ? account_keep_an_admin(store_txn_conn(t), a->u->id, a->u->roles, true, st)
                     : ISMS_OK;
    if (e == ISMS_OK)
        e = store_user_set_disabled(t, a->u->id, a->disable, st);
    store_auth_event ev = {a->disable ? "user_disabled" : "user_enabled", a->u->name, a->u->id,
                           a->req->client, NULL};
    return e == ISMS_OK ? store_auth_event_add(t, &ev, st) : e;
}

/* Run fn as the admin; back to the user's page with a notice, or the page with the error. */
static void change(http_request *req, http_reply *rep, store_write_fn fn, change_args *a,
                   const char *done)
{
    isms_status st;
    status_clear(&st);
    isms_write_ctx ctx;
    write_ctx_init(&ctx, req->principal.name, "web");
    if (store_write(req->store, &ctx, fn, a, &st) == ISMS_OK) {
        user_page(req, rep, 200, done, NULL);
        return;
    }
    user_page(req, rep, refused_status(&st), NULL, &st);
}

void web_user_roles(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    store_user *u = form ? path_user(req, rep) : NULL;
    if (!u)
        return;
    isms_status st;
    status_clear(&st);
    change_args a = {.req = req, .u = u, .roles = form_roles(form, &st)};
    if (st.code != ISMS_OK) {
        user_page(req, rep, 422, NULL, &st);
        return;
    }
    change(req, rep, do_roles, &a, "The roles are saved.");
}

static void disable_or_enable(http_request *req, http_reply *rep, bool disable)
{
    form_data *form = web_post_form(req, rep);
    store_user *u = form ? path_user(req, rep) : NULL;
    if (!u)
        return;
    change_args a = {.req = req, .u = u, .disable = disable};
    change(req, rep, do_disable, &a,
           disable ? "The user is disabled; their sessions ended." : "The user is enabled.");
}

void web_user_disable(http_request *req, http_reply *rep)
{
    disable_or_enable(req, rep, true);
}

void web_user_enable(http_request *req, http_reply *rep)
{
    disable_or_enable(req, rep, false);
}

void web_user_password(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    store_user *u = form ? path_user(req, rep) : NULL;
    if (!u)
        return;
    isms_status st;
    status_clear(&st);
    char hash[PASSWORD_HASH_MAX];
    if (account_new_password(req, form_get(form, "password"), form_get(form, "repeat"), hash,
                             &st) &&
        account_set_password(req, u->id, hash, &st) == ISMS_OK) {
        user_page(req, rep, 200, "The password is set; the user's sessions ended.", NULL);
        return;
    }
    user_page(req, rep, refused_status(&st), NULL, &st);
}

void web_user_token_revoke(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    store_user *u = form ? path_user(req, rep) : NULL;
    if (!u)
        return;
    isms_status st;
    status_clear(&st);
    if (account_revoke_token(req, u->id, &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
        return;
    }
    user_page(req, rep, 200, "The token is revoked.", NULL);
}
