/*
 * The second factor on the web pages (web/totp_pages.h): the login's
 * second step (/login/code), enrolment on /account/totp with a QR code,
 * the secret for manual entry and the otpauth URI, confirmation by a first
 * code, recovery codes shown once, and turning it off; the administrator's
 * reset of a user's second factor and the setting that requires one of
 * everyone. Turning a second factor off and making new recovery codes are
 * signing acts (http/signing.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/mfa.h"
#include "http/auth_totp.h"
#include "http/signing.h"
#include "store/store_totp.h"
#include "web/account_pages.h"
#include "web/qr_svg.h"
#include "web/totp_pages.h"
#include "web/web.h"

static const char *param(const http_request *req, const char *key)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->param_keys[i], key) == 0)
            return req->param_values[i];
    return NULL;
}

static bool param_is(const http_request *req, const char *key, const char *value)
{
    const char *v = param(req, key);
    return v && strcmp(v, value) == 0;
}

static unsigned refused_status(const isms_status *st)
{
    return st->code == ISMS_EINVALID ? 422 : (unsigned)isms_err_http_status(st->code);
}

static void submit(strbuf *b, const char *label, const char *css)
{
    html_lit(b, "<div class=\"form-actions\"><button type=\"submit\"");
    html_attr(b, "class", css);
    html_lit(b, ">");
    html_text(b, label);
    html_lit(b, "</button></div>\n");
}

/*
 * A labelled text input with id f-SCOPE-NAME (f-NAME without a scope); a code
 * input (one-time-code) unless type is "password".
 */
static void input_in(strbuf *b, const char *scope, const char *name, const char *label,
                     const char *type, const char *hint)
{
    char id[96];
    snprintf(id, sizeof(id), "f-%s%s%s", scope ? scope : "", scope ? "-" : "", name);
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
    if (strcmp(type, "password") == 0)
        html_lit(b, " autocomplete=\"current-password\">\n</div>\n");
    else
        html_lit(b, " autocomplete=\"one-time-code\" autocapitalize=\"none\" spellcheck=\"false\" "
                    "maxlength=\"64\">\n</div>\n");
}

/* A code input: one-time-code autocompletion. */
static void code_input(strbuf *b, const char *name, const char *label, const char *hint)
{
    input_in(b, NULL, name, label, "text", hint);
}

/* --- the login's second step ------------------------------------------------------- */

static void code_page(http_request *req, http_reply *rep, unsigned status, const char *notice)
{
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    page_crumb_add(&pg, "Sign in", NULL);
    page_begin(&pg, status, "Sign in: code");
    page_heading(&pg, "Sign in", "Your code",
                 "Enter the code your authenticator app shows for isms, or one of your "
                 "recovery codes.");
    page_heading_end(&pg);
    if (notice)
        page_notice(&pg, false, notice);
    strbuf *b = pg.b;
    html_lit(b, "<form class=\"form login\" method=\"post\" action=\"/login/code\" novalidate>\n");
    code_input(b, "code", "Code", "6 digits, or a recovery code such as ABCD-EFGH-IJKL-MNOP.");
    submit(b, "Sign in", "button primary");
    html_lit(b, "</form>\n<p><a href=\"/login\">Start again with your name and password</a></p>\n");
    page_end(&pg);
}

void web_login_code_form(http_request *req, http_reply *rep)
{
    if (!auth_pending_cookie(req)) {
        reply_redirect(rep, "/login?expired=1");
        return;
    }
    code_page(req, rep, 200, NULL);
}

void web_login_code(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    isms_status st;
    status_clear(&st);
    login_code_result r;
    auth_login_code(req, form_get(form, "code"), &r, &st);
    char clear[256];
    auth_clear_pending_cookie(req, clear, sizeof(clear));
    switch (r.result) {
    case LOGIN_OK:
        reply_header_set(rep, "Set-Cookie", "%s", r.cookie);
        reply_header_set(rep, "Set-Cookie", "%s", clear);
        reply_redirect(rep, web_local_path(r.next) ? r.next : "/");
        return;
    case LOGIN_REFUSED:
        if (r.restart) {
            reply_header_set(rep, "Set-Cookie", "%s", clear);
            reply_redirect(rep, "/login?expired=1");
            return;
        }
        code_page(req, rep, 401, "The code is not right, or it was used already. Try the next one.");
        return;
    case LOGIN_LOCKED: {
        char text[200];
        snprintf(text, sizeof(text),
                 "Too many failed attempts to sign in with this name or from this address. "
                 "Try again in %u minutes.",
                 (r.retry_after_s + 59) / 60);
        code_page(req, rep, 429, text);
        reply_header_set(rep, "Retry-After", "%u", r.retry_after_s);
        return;
    }
    case LOGIN_FAILED:
    case LOGIN_SECOND_STEP:
        break;
    }
    web_status_page(req, rep, &st);
}

/* --- signing acts ---------------------------------------------------------------------- */

void page_signing_fields(web_page *pg, const char *scope)
{
    signing_need need;
    isms_status st;
    status_clear(&st);
    if (signing_need_of(pg->req, pg->conn, &need, &st) != ISMS_OK || !need.possible)
        need = (signing_need){.possible = true};
    strbuf *b = pg->b;
    if (need.fresh) {
        html_lit(b, "<p class=\"hint\">You confirmed who you are a few minutes ago: no need to "
                    "do it again.</p>\n");
        return;
    }
    html_lit(b, "<fieldset class=\"field signing\">\n<legend>Confirm it is you</legend>\n");
    input_in(b, scope, "sign_password", "Your password", "password", NULL);
    if (need.code)
        input_in(b, scope, "sign_code", "Code from your authenticator app or a recovery code",
                 "text", NULL);
    html_lit(b, "</fieldset>\n");
}

/* A page with the form of one signing act again, with what was wrong. */
static void signing_page(http_request *req, http_reply *rep, unsigned status, const char *title,
                         const char *action, const char *button, const isms_status *err)
{
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    page_crumb_add(&pg, "Overview", "/");
    page_crumb_add(&pg, title, NULL);
    page_begin(&pg, status, title);
    page_heading(&pg, "Signing act", title,
                 "This change needs your own credentials: your password, and a code when you "
                 "have a second factor.");
    page_heading_end(&pg);
    if (err)
        page_error_summary(&pg, err);
    strbuf *b = pg.b;
    html_lit(b, "<form class=\"form\" method=\"post\"");
    html_url_attr(b, "action", action);
    html_lit(b, " novalidate>\n");
    page_csrf_field(&pg);
    page_signing_fields(&pg, NULL);
    submit(b, button, "button danger");
    html_lit(b, "</form>\n");
    page_end(&pg);
}

/* --- one's own second factor ------------------------------------------------------------ */

static void recovery_list(strbuf *b, char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1])
{
    html_lit(b, "<section class=\"card\" id=\"recovery-codes\">\n<h2>Your recovery codes</h2>\n"
                "<p class=\"hint\">Each works once instead of a code, when your phone is not at "
                "hand. Keep them somewhere safe now: they are not shown again.</p>\n"
                "<ol class=\"recovery-codes\">\n");
    for (size_t i = 0; i < TOTP_RECOVERY_COUNT; i++) {
        html_lit(b, "<li><code>");
        html_text(b, codes[i]);
        html_lit(b, "</code></li>\n");
    }
    html_lit(b, "</ol>\n</section>\n");
}

/* The enrolment in progress: QR code, secret, URI, and the form for the first code. */
static void enrol_card(web_page *pg, const char *name, const char *secret)
{
    strbuf *b = pg->b;
    strbuf uri;
    strbuf_init(&uri, 1024);
    totp_uri(&uri, name, secret);
    html_lit(b, "<section class=\"card\" id=\"enrol\">\n<h2>Set up your authenticator app</h2>\n"
                "<ol class=\"steps\">\n<li>Scan this QR code with an authenticator app "
                "(FreeOTP, Aegis, Google Authenticator, 1Password, ...).</li>\n"
                "<li>Or type the key into it by hand: account ");
    html_text(b, name);
    html_lit(b, ", time-based, 6 digits.</li>\n<li>Enter the code it shows to finish.</li>\n"
                "</ol>\n<div class=\"qr-wrap\">");
    qr_svg(b, uri.ptr, "QR code of the key for your authenticator app");
    html_lit(b, "</div>\n<dl class=\"fields\">\n<div><dt>Key</dt><dd><code class=\"secret\" "
                "id=\"totp-secret\">");
    html_text(b, secret);
    html_lit(b, "</code></dd></div>\n<div><dt>Link</dt><dd><code class=\"uri\" id=\"totp-uri\">");
    html_text(b, uri.ptr);
    html_lit(b, "</code></dd></div>\n</dl>\n<form class=\"form\" method=\"post\" "
                "action=\"/account/totp/confirm\" novalidate>\n");
    page_csrf_field(pg);
    code_input(b, "code", "Code from the app", "The 6 digits it shows now.");
    submit(b, "Turn on", "button primary");
    html_lit(b, "</form>\n</section>\n");
    strbuf_dispose(&uri);
}

static void enrolled_cards(web_page *pg, int64_t left)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\" id=\"recovery\">\n<h2>Recovery codes</h2>\n<p>");
    html_int(b, left);
    html_lit(b, " of ");
    html_int(b, TOTP_RECOVERY_COUNT);
    html_lit(b, " unused. New codes replace all the old ones.</p>\n<form class=\"form\" "
                "method=\"post\" action=\"/account/totp/recovery\" novalidate>\n");
    page_csrf_field(pg);
    page_signing_fields(pg, "recovery");
    submit(b, "Make new recovery codes", "button");
    html_lit(b, "</form>\n</section>\n<section class=\"card card-danger\" id=\"disable\">\n"
                "<h2>Turn off the second factor</h2>\n<p class=\"hint\">Signing in then needs "
                "only your password.</p>\n<form class=\"form\" method=\"post\" "
                "action=\"/account/totp/disable\" novalidate>\n");
    page_csrf_field(pg);
    page_signing_fields(pg, "disable");
    submit(b, "Turn off", "button danger");
    html_lit(b, "</form>\n</section>\n");
}

/* /account/totp; codes: recovery codes to show once (or NULL); err: a refused form. */
static void totp_page(http_request *req, http_reply *rep, unsigned status,
                      char (*codes)[TOTP_RECOVERY_TEXT + 1], const isms_status *err)
{
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    isms_status st;
    status_clear(&st);
    store_totp *x = NULL;
    int64_t left = 0;
    bool required = false;
    isms_err e = store_totp_get(pg.conn, req->principal.user_id, req->arena, &x, &st);
    if (e == ISMS_ENOTFOUND) {
        x = NULL;
        status_clear(&st);
        e = ISMS_OK;
    }
    if (e == ISMS_OK)
        e = store_recovery_left(pg.conn, req->principal.user_id, &left, &st);
    if (e == ISMS_OK)
        e = auth_totp_required(pg.conn, req->arena, &required, &st);
    if (e != ISMS_OK) {
        page_abandon(&pg);
        web_status_page(req, rep, &st);
        return;
    }
    bool enrolled = x && x->confirmed_at;
    page_crumb_add(&pg, "Overview", "/");
    page_crumb_add(&pg, "Your account", "/account");
    page_crumb_add(&pg, "Second factor", NULL);
    page_begin(&pg, status, "Second factor");
    page_heading(&pg, "Account", "Second factor",
                 "A code from an app on your phone, asked for after your password.");
    html_lit_either(pg.b, enrolled,
                    "<div class=\"badges\"><span class=\"badge badge-ok\">On</span></div>\n",
                    "<div class=\"badges\"><span class=\"badge badge-muted\">Off</span></div>\n");
    page_heading_end(&pg);
    strbuf *b = pg.b;
    if (err)
        page_error_summary(&pg, err);
    if (required && !enrolled)
        page_notice(&pg, false,
                    "Your administrator requires a second factor: set it up to go on.");
    if (param_is(req, "done", "disabled"))
        page_notice(&pg, true, "The second factor is off.");
    if (codes) {
        page_notice(&pg, true, status == 201 ? "New recovery codes: the old ones no longer work."
                                             : "The second factor is on.");
        recovery_list(b, codes);
    }
    if (enrolled) {
        enrolled_cards(&pg, left);
    } else if (x) {
        enrol_card(&pg, req->principal.name, x->secret);
    } else {
        html_lit(b, "<section class=\"card\" id=\"begin\">\n<h2>Turn on</h2>\n<p>You will need an "
                    "authenticator app on your phone.</p>\n<form class=\"form\" method=\"post\" "
                    "action=\"/account/totp\" novalidate>\n");
        page_csrf_field(&pg);
        submit(b, "Set up a second factor", "button primary");
        html_lit(b, "</form>\n</section>\n");
    }
    page_end(&pg);
}

void web_totp(http_request *req, http_reply *rep)
{
    totp_page(req, rep, 200, NULL, NULL);
}

static isms_err do_begin(store_txn *t, void *arg, isms_status *st)
{
    char secret[TOTP_SECRET_TEXT + 1];
    return mfa_enrol_begin(t, *(const int64_t *)arg, secret, st);
}

void web_totp_begin(http_request *req, http_reply *rep)
{
    if (!web_post_form(req, rep))
        return;
    isms_status st;
    status_clear(&st);
    isms_write_ctx ctx;
    write_ctx_init(&ctx, req->principal.name, "web");
    if (store_write(req->store, &ctx, do_begin, &req->principal.user_id, &st) != ISMS_OK) {
        totp_page(req, rep, refused_status(&st), NULL, &st);
        return;
    }
    reply_redirect(rep, "/account/totp#enrol");
}

typedef struct confirm_args {
    http_request *req;
    const char *code;
    char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1];
} confirm_args;

static isms_err do_confirm(store_txn *t, void *arg, isms_status *st)
{
    confirm_args *a = arg;
    return mfa_enrol_confirm(t, a->req->principal.user_id, a->req->principal.name,
                             a->req->client, a->code, "code", (int64_t)time(NULL), a->codes, st);
}

void web_totp_confirm(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    isms_status st;
    status_clear(&st);
    confirm_args a = {.req = req, .code = form_get(form, "code")};
    isms_write_ctx ctx;
    write_ctx_init(&ctx, req->principal.name, "web");
    if (store_write(req->store, &ctx, do_confirm, &a, &st) != ISMS_OK) {
        totp_page(req, rep, refused_status(&st), NULL, &st);
        return;
    }
    totp_page(req, rep, 200, a.codes, NULL);
}

typedef struct recovery_args {
    int64_t user_id;
    char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1];
} recovery_args;

static isms_err do_recovery(store_txn *t, void *arg, isms_status *st)
{
    recovery_args *a = arg;
    bool enrolled = false;
    isms_err e = store_totp_enrolled(store_txn_conn(t), a->user_id, &enrolled, st);
    if (e == ISMS_OK && !enrolled)
        e = status_fail(st, ISMS_ECONFLICT, "there is no second factor to make codes for");
    return e == ISMS_OK ? mfa_new_recovery_codes(t, a->user_id, a->codes, st) : e;
}

void web_totp_recovery(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    isms_status st;
    status_clear(&st);
    signing_result r = signing_demand(req, form, "new recovery codes", &st);
    if (r != SIGNING_OK) {
        signing_page(req, rep, signing_status(r, &st), "New recovery codes",
                     "/account/totp/recovery", "Make new recovery codes", &st);
        return;
    }
    recovery_args a = {.user_id = req->principal.user_id};
    isms_write_ctx ctx;
    write_ctx_init(&ctx, req->principal.name, "web");
    if (store_write(req->store, &ctx, do_recovery, &a, &st) != ISMS_OK) {
        totp_page(req, rep, refused_status(&st), NULL, &st);
        return;
    }
    totp_page(req, rep, 201, a.codes, NULL);
}

typedef struct disable_args {
    int64_t user_id;
    const char *name;
    const char *client;
} disable_args;

static isms_err do_disable(store_txn *t, void *arg, isms_status *st)
{
    disable_args *a = arg;
    return mfa_disable(t, a->user_id, a->name, a->client, st);
}

void web_totp_disable(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    isms_status st;
    status_clear(&st);
    signing_result r = signing_demand(req, form, "turn off one's second factor", &st);
    if (r != SIGNING_OK) {
        signing_page(req, rep, signing_status(r, &st), "Turn off the second factor",
                     "/account/totp/disable", "Turn off", &st);
        return;
    }
    disable_args a = {req->principal.user_id, req->principal.name, req->client};
    isms_write_ctx ctx;
    write_ctx_init(&ctx, req->principal.name, "web");
    if (store_write(req->store, &ctx, do_disable, &a, &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
        return;
    }
    reply_redirect(rep, "/account/totp?done=disabled");
}

/* --- administration ------------------------------------------------------------------ */

static void user_url(strbuf *b, const char *name, const char *tail)
{
    strbuf_puts(b, "/users/");
    url_encode_component(b, name);
    strbuf_puts(b, tail);
}

void web_user_totp_disable(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    isms_status st;
    status_clear(&st);
    store_conn *c;
    store_user *u = NULL;
    if (store_borrow(req->store, &c, &st) == ISMS_OK) {
        store_user_by_name(c, req->capture, req->arena, &u, &st);
        store_return(c);
    }
    if (!u) {
        web_status_page(req, rep, &st);
        return;
    }
    strbuf url;
    strbuf_init(&url, 512);
    user_url(&url, u->name, "/totp/disable");
    char act[ISMS_ACTOR_MAX * 4 + 64];
    snprintf(act, sizeof(act), "turn off the second factor of %s", u->name);
    signing_result r = signing_demand(req, form, act, &st);
    if (r != SIGNING_OK) {
        char title[ISMS_ACTOR_MAX * 4 + 64];
        snprintf(title, sizeof(title), "Turn off the second factor of %s", u->name);
        signing_page(req, rep, signing_status(r, &st), title, url.ptr, "Turn off", &st);
        strbuf_dispose(&url);
        return;
    }
    disable_args a = {u->id, u->name, req->client};
    isms_write_ctx ctx;
    write_ctx_init(&ctx, req->principal.name, "web");
    if (store_write(req->store, &ctx, do_disable, &a, &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
    } else {
        strbuf_reset(&url);
        user_url(&url, u->name, "?done=totp-off");
        reply_redirect(rep, url.ptr);
    }
    strbuf_dispose(&url);
}

typedef struct require_args {
    bool on;
    const char *client;
} require_args;

static isms_err do_require(store_txn *t, void *arg, isms_status *st)
{
    require_args *a = arg;
    isms_err e = store_setting_put(t, STORE_SETTING_REQUIRE_TOTP, a->on ? "true" : "false", st);
    store_auth_event ev = {a->on ? "totp_required" : "totp_optional", store_txn_ctx(t)->actor, 0,
                           a->client, "for every user"};
    return e == ISMS_OK ? store_auth_event_add(t, &ev, st) : e;
}

void web_require_totp(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    const char *v = form_get(form, "require");
    isms_status st;
    status_clear(&st);
    if (!v || (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)) {
        status_field(&st, "require", "must be on or off");
        web_status_page(req, rep, &st);
        return;
    }
    require_args a = {strcmp(v, "on") == 0, req->client};
    isms_write_ctx ctx;
    write_ctx_init(&ctx, req->principal.name, "web");
    if (store_write(req->store, &ctx, do_require, &a, &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
        return;
    }
    reply_redirect(rep, a.on ? "/users?done=totp-required" : "/users?done=totp-optional");
}

/* --- cards of other pages ------------------------------------------------------------------ */

void totp_account_card(web_page *pg)
{
    bool enrolled = false;
    isms_status st;
    status_clear(&st);
    store_totp_enrolled(pg->conn, pg->req->principal.user_id, &enrolled, &st);
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\" id=\"second-factor\">\n<h2>Second factor</h2>\n<p>");
    html_lit_either(b, enrolled, "<span class=\"badge badge-ok\">On</span> ",
                    "<span class=\"badge badge-muted\">Off</span> ");
    html_lit(b, "<a href=\"/account/totp\">Manage your second factor</a></p>\n</section>\n");
}

void totp_users_card(web_page *pg)
{
    bool required = false;
    isms_status st;
    status_clear(&st);
    auth_totp_required(pg->conn, pg->req->arena, &required, &st);
    strbuf *b = pg->b;
    if (param_is(pg->req, "done", "totp-required"))
        page_notice(pg, true, "Every user now needs a second factor.");
    else if (param_is(pg->req, "done", "totp-optional"))
        page_notice(pg, true, "A second factor is now each user's choice.");
    html_lit(b, "<section class=\"card\" id=\"require-totp\">\n<h2>Second factor</h2>\n<p>");
    html_lit_either(b, required,
                    "Required of everyone: users without one set it up right after signing in, "
                    "and can do nothing else until they have.",
                    "Each user's choice.");
    html_lit(b, "</p>\n<form class=\"form\" method=\"post\" action=\"/settings/require-totp\" "
                "novalidate>\n");
    page_csrf_field(pg);
    html_lit_either(b, required, "<input type=\"hidden\" name=\"require\" value=\"off\">\n",
                    "<input type=\"hidden\" name=\"require\" value=\"on\">\n");
    submit(b, required ? "Make it each user's choice" : "Require a second factor of everyone",
           "button");
    html_lit(b, "</form>\n</section>\n");
}

void totp_user_card(web_page *pg, const store_user *u)
{
    bool enrolled = false;
    isms_status st;
    status_clear(&st);
    store_totp_enrolled(pg->conn, u->id, &enrolled, &st);
    strbuf *b = pg->b;
    if (param_is(pg->req, "done", "totp-off"))
        page_notice(pg, true, "The user's second factor is off.");
    html_lit(b, "<section class=\"card\" id=\"second-factor\">\n<h2>Second factor</h2>\n");
    if (!enrolled) {
        html_lit(b, "<p><span class=\"badge badge-muted\">Off</span></p>\n</section>\n");
        return;
    }
    html_lit(b, "<p><span class=\"badge badge-ok\">On</span> Turn it off when the user lost "
                "their phone and their recovery codes; they may set up a new one after "
                "signing in.</p>\n<form class=\"form\" method=\"post\"");
    strbuf url;
    strbuf_init(&url, 512);
    user_url(&url, u->name, "/totp/disable");
    html_url_attr(b, "action", url.ptr);
    strbuf_dispose(&url);
    html_lit(b, " novalidate>\n");
    page_csrf_field(pg);
    page_signing_fields(pg, NULL);
    submit(b, "Turn off their second factor", "button danger");
    html_lit(b, "</form>\n</section>\n");
}
