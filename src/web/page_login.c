/*
 * Signing in and out: GET /login shows the form, POST /login checks the
 * name and password (http/auth.c: throttling, events, the session) and
 * redirects to the page asked for; POST /logout ends the session.
 */
#include <stdio.h>
#include <string.h>

#include "http/auth.h"
#include "web/page.h"
#include "web/web.h"

enum { COOKIE_MAX = 256 };

static const char *param(const http_request *req, const char *key)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->param_keys[i], key) == 0)
            return req->param_values[i];
    return NULL;
}

/* The form; notice (may be NULL) above it, ok or error. */
static void login_page(http_request *req, http_reply *rep, unsigned status, const char *name,
                       const char *next, const char *notice, bool ok)
{
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    page_crumb_add(&pg, "Sign in", NULL);
    page_begin(&pg, status, "Sign in");
    page_heading(&pg, NULL, "Sign in",
                 "Sign in with the name and password your administrator "
                 "gave you.");
    page_heading_end(&pg);
    if (notice)
        page_notice(&pg, ok, notice);
    strbuf *b = pg.b;
    html_lit(b, "<form class=\"form login\" method=\"post\" action=\"/login\" novalidate>\n");
    if (web_local_path(next)) {
        html_lit(b, "<input type=\"hidden\" name=\"next\"");
        html_attr(b, "value", next);
        html_lit(b, ">\n");
    }
    html_lit(b, "<div class=\"field\">\n<label for=\"f-name\">Name</label>\n"
                "<input type=\"text\" id=\"f-name\" name=\"name\" autocomplete=\"username\" "
                "autocapitalize=\"none\" spellcheck=\"false\"");
    html_attr(b, "value", name ? name : "");
    html_lit(b, ">\n</div>\n<div class=\"field\">\n<label for=\"f-password\">Password</label>\n"
                "<input type=\"password\" id=\"f-password\" name=\"password\" "
                "autocomplete=\"current-password\">\n</div>\n"
                "<div class=\"form-actions\"><button class=\"button primary\" type=\"submit\">"
                "Sign in</button></div>\n</form>\n");
    page_end(&pg);
}

void web_login_form(http_request *req, http_reply *rep)
{
    const char *notice = NULL;
    bool ok = true;
    if (param(req, "expired")) {
        notice = "Your session has ended. Sign in again.";
        ok = false;
    } else if (param(req, "out")) {
        notice = "You are signed out.";
    } else if (param(req, "changed")) {
        notice = "Your password was changed and every session ended. Sign in with the new "
                 "password.";
    }
    login_page(req, rep, 200, NULL, param(req, "next"), notice, ok);
}

void web_login(http_request *req, http_reply *rep)
{
    form_data *form = web_post_form(req, rep);
    if (!form)
        return;
    const char *name = form_get(form, "name"), *password = form_get(form, "password");
    const char *next = form_get(form, "next");
    char cookie[COOKIE_MAX];
    unsigned retry = 0;
    isms_status st;
    status_clear(&st);
    login_result r = auth_login(req, name ? name : "", password ? password : "",
                                web_local_path(next) ? next : NULL, cookie, sizeof(cookie), &retry,
                                &st);
    switch (r) {
    case LOGIN_SECOND_STEP:
        reply_header_set(rep, "Set-Cookie", "%s", cookie);
        reply_redirect(rep, "/login/code");
        return;
    case LOGIN_OK:
        reply_header_set(rep, "Set-Cookie", "%s", cookie);
        reply_redirect(rep, web_local_path(next) ? next : "/");
        return;
    case LOGIN_REFUSED:
        login_page(req, rep, 401, name, next, "The name or the password is wrong.", false);
        return;
    case LOGIN_LOCKED: {
        char text[200];
        snprintf(text, sizeof(text),
                 "Too many failed attempts to sign in with this name or "
                 "from this address. Try again in %u minutes.",
                 (retry + 59) / 60);
        login_page(req, rep, 429, name, next, text, false);
        reply_header_set(rep, "Retry-After", "%u", retry);
        return;
    }
    case LOGIN_FAILED:
        break;
    }
    web_status_page(req, rep, &st);
}

void web_logout(http_request *req, http_reply *rep)
{
    char cookie[COOKIE_MAX];
    isms_status st;
    status_clear(&st);
    if (auth_logout(req, cookie, sizeof(cookie), &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
        return;
    }
    reply_header_set(rep, "Set-Cookie", "%s", cookie);
    reply_redirect(rep, "/login?out=1");
}
