#include "http/router.h"

#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "http/api_risk_method.h"
#include "http/api_risk_campaign.h"
#include "http/api_risk_views.h"
#include "http/auth.h"
#include "http/openapi.h"
#include "web/html.h"
#include "web/page.h"
#include "web/risk_method_pages.h"
#include "web/risk_pages.h"
#include "web/totp_pages.h"
#include "web/web.h"
#include "web/web_risk_campaign.h"

/* Every route declares its permission (core/roles.h); router_dispatch enforces it. */
static const http_route routes[] = {
    {"GET", "/healthz", api_health, PERM_OPEN},
    {"GET", "/api/v1/openapi.json", api_openapi, PERM_OPEN},
    /* The change log, before {kind}, which "log" would also match. */
    {"GET", "/api/v1/log", api_log_list, PERM_READ},
    {"GET", "/api/v1/log/verify", api_log_verify, PERM_READ},
    /* Irreversible, and about personal data retention: administrators only. */
    {"POST", "/api/v1/log/{seq}/redact", api_log_redact, PERM_ADMIN},
    /* The risk method in force and its presets (before {kind}). */
    {"GET", "/api/v1/risk-method", api_risk_method, PERM_READ},
    {"GET", "/api/v1/risk-method/presets/{size}", api_risk_method_preset, PERM_READ},
    /* Signed risk acceptance: who may sign is the kind's rule (the risk owner, top management). */
    {"POST", "/api/v1/risks/{id}/accept", api_risk_accept, PERM_READ},
    {"GET", "/api/v1/risks/{id}/acceptances", api_risk_acceptances, PERM_READ},
    /* Assessment campaigns (api_risk_campaign.c), before {kind}/{id}, which would match them. */
    {"GET", "/api/v1/risk-campaigns/compare", api_risk_campaign_compare, PERM_READ},
    {"GET", "/api/v1/risk-campaigns/due", api_risk_campaign_due, PERM_READ},
    {"GET", "/api/v1/risk-campaigns/{id}/coverage", api_risk_campaign_coverage, PERM_READ},
    {"GET", "/api/v1/risk-campaigns/{id}/snapshot", api_risk_campaign_snapshot, PERM_READ},
    /* The risk register's views (docs/API.md): before {kind}/{id}, which would match them. */
    {"GET", "/api/v1/risks/heatmap", api_risk_heatmap, PERM_READ},
    {"GET", "/api/v1/risks/heatmap.svg", api_risk_heatmap_svg, PERM_READ},
    {"GET", "/api/v1/risks/flags", api_risk_flags, PERM_READ},
    {"GET", "/api/v1/risk-actions/overdue", api_risk_actions_overdue, PERM_READ},
    {"GET", "/api/v1/{kind}", api_list, PERM_READ},
    {"POST", "/api/v1/{kind}", api_create, PERM_WRITE},
    /* CSV and XLSX (docs/IMPORT-EXPORT.md): before {id}, which they would also match. */
    {"GET", "/api/v1/{kind}/export.csv", api_export_csv, PERM_READ},
    {"GET", "/api/v1/{kind}/export.xlsx", api_export_xlsx, PERM_READ},
    {"POST", "/api/v1/{kind}/import", api_import, PERM_WRITE}, /* rows create and update */
    {"GET", "/api/v1/{kind}/{id}", api_get, PERM_READ},
    {"PATCH", "/api/v1/{kind}/{id}", api_update, PERM_WRITE},
    {"DELETE", "/api/v1/{kind}/{id}", api_delete, PERM_WRITE},
    {"POST", "/api/v1/{kind}/{id}/retire", api_retire, PERM_WRITE},
    {"GET", "/api/v1/{kind}/{id}/history", api_history, PERM_READ},
    /* Web pages (docs/WEB.md). "new" comes before {id}, which it would also match. */
    {"GET", "/", web_home, PERM_READ},
    {"GET", "/static/{file}", web_static, PERM_OPEN},
    /* Accounts (docs/WEB.md): before {kind}, which would match them too. */
    {"GET", "/login", web_login_form, PERM_OPEN},
    {"POST", "/login", web_login, PERM_OPEN},
    {"GET", "/login/code", web_login_code_form, PERM_OPEN},
    {"POST", "/login/code", web_login_code, PERM_OPEN},
    {"POST", "/logout", web_logout, PERM_SELF},
    {"GET", "/account", web_account, PERM_SELF},
    {"POST", "/account/password", web_account_password, PERM_SELF},
    {"POST", "/account/tokens", web_account_token_create, PERM_SELF},
    {"POST", "/account/tokens/{id}/revoke", web_account_token_revoke, PERM_SELF},
    {"GET", "/account/totp", web_totp, PERM_SELF},
    {"POST", "/account/totp", web_totp_begin, PERM_SELF},
    {"POST", "/account/totp/confirm", web_totp_confirm, PERM_SELF},
    {"POST", "/account/totp/recovery", web_totp_recovery, PERM_SELF},
    {"POST", "/account/totp/disable", web_totp_disable, PERM_SELF},
    {"GET", "/users", web_users, PERM_ADMIN},
    {"POST", "/users", web_user_create, PERM_ADMIN},
    {"GET", "/users/{user}", web_user, PERM_ADMIN},
    {"POST", "/users/{user}/roles", web_user_roles, PERM_ADMIN},
    {"POST", "/users/{user}/password", web_user_password, PERM_ADMIN},
    {"POST", "/users/{user}/disable", web_user_disable, PERM_ADMIN},
    {"POST", "/users/{user}/enable", web_user_enable, PERM_ADMIN},
    {"POST", "/users/{user}/tokens/{id}/revoke", web_user_token_revoke, PERM_ADMIN},
    {"POST", "/users/{user}/totp/disable", web_user_totp_disable, PERM_ADMIN},
    {"POST", "/settings/require-totp", web_require_totp, PERM_ADMIN},
    {"GET", "/clauses/{clause}", web_clause, PERM_READ},
    {"GET", "/log", web_log, PERM_READ}, /* before {kind}, which "log" would match */
    {"GET", "/log/{seq}", web_log_entry, PERM_READ},
    {"POST", "/log/{seq}/redact", web_log_redact, PERM_ADMIN},
    /* The risk method: the version in force, and the grid that saves a new one. */
    {"GET", "/risk-method", web_risk_method, PERM_READ},
    {"GET", "/risk-method/edit", web_risk_method_edit, PERM_MANAGE},
    {"POST", "/risk-method/edit", web_risk_method_save, PERM_MANAGE},
    {"POST", "/risks/{id}/accept", web_risk_accept, PERM_READ}, /* a signing act */
    /* Assessment campaigns (page_risk_campaign.c), before {kind}/{id}: answers need write. */
    {"GET", "/risk-campaigns/compare", web_risk_campaign_compare, PERM_READ},
    {"POST", "/risk-campaigns/{id}/confirm", web_risk_campaign_confirm, PERM_WRITE},
    {"POST", "/risk-campaigns/{id}/close", web_risk_campaign_close, PERM_WRITE},
    {"GET", "/{kind}", web_list, PERM_READ},
    {"POST", "/{kind}", web_create, PERM_WRITE},
    {"GET", "/{kind}/new", web_new, PERM_WRITE},
    {"GET", "/{kind}/import", web_import_form, PERM_WRITE}, /* before {id}, like new */
    {"POST", "/{kind}/import", web_import, PERM_WRITE},
    {"GET", "/{kind}/{id}", web_record, PERM_READ},
    {"GET", "/{kind}/{id}/edit", web_edit, PERM_WRITE},
    {"GET", "/{kind}/{id}/history", web_history, PERM_READ},
    {"POST", "/{kind}/{id}/edit", web_update, PERM_WRITE},
    {"POST", "/{kind}/{id}/retire", web_retire, PERM_WRITE},
    {"POST", "/{kind}/{id}/delete", web_delete, PERM_WRITE},
};

const http_route *router_routes(size_t *n)
{
    *n = sizeof(routes) / sizeof(routes[0]);
    return routes;
}

/* Is method already in the Allow list ("GET, POST")? Two routes may offer the same. */
static bool method_listed(const char *allow, const char *method)
{
    size_t len = strlen(method);
    for (const char *p = allow; (p = strstr(p, method)) != NULL; p += len)
        if ((p == allow || p[-1] == ' ') && (p[len] == ',' || p[len] == '\0'))
            return true;
    return false;
}

/* Next path segment of *p (without slashes) into seg; false at the end. */
static bool next_segment(const char **p, const char **seg, size_t *len)
{
    if (**p != '/')
        return false;
    (*p)++;
    *seg = *p;
    while (**p && **p != '/')
        (*p)++;
    *len = (size_t)(*p - *seg);
    return true;
}

/* Does path match pattern? Captures {kind} and {id} into req. */
static bool match(const char *pattern, http_request *req, bool *unknown_kind)
{
    const char *pp = pattern, *sp = req->path;
    const char *pseg = NULL, *sseg = NULL;
    size_t plen = 0, slen = 0;
    req->kind = NULL;
    req->id_text = NULL;
    req->capture = NULL;
    if (strcmp(pattern, "/") == 0)
        return strcmp(req->path, "/") == 0;
    for (;;) {
        bool more_p = next_segment(&pp, &pseg, &plen);
        bool more_s = next_segment(&sp, &sseg, &slen);
        if (!more_p || !more_s)
            return !more_p && !more_s && *sp == '\0';
        if (slen == 0)
            return false;
        if (plen == 6 && strncmp(pseg, "{kind}", 6) == 0) {
            char *plural = arena_strndup(req->arena, sseg, slen);
            req->kind = registry_kind_by_plural(req->reg, plural);
            if (!req->kind) {
                *unknown_kind = true;
                return false;
            }
        } else if (plen == 4 && strncmp(pseg, "{id}", 4) == 0) {
            req->id_text = arena_strndup(req->arena, sseg, slen);
        } else if (plen > 2 && pseg[0] == '{') {
            req->capture = arena_strndup(req->arena, sseg, slen);
        } else if (plen != slen || strncmp(pseg, sseg, plen) != 0) {
            return false;
        }
    }
}

/* Whether path is prefix itself or below it ("/api", "/api/x"; not "/apis"). */
static bool path_under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool router_path_is_api(const char *path)
{
    return path_under(path, "/api") || path_under(path, "/healthz");
}

static bool state_changing(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* Nobody (or an invalid token or session) asked: 401 for the API, the login page for pages. */
static void refuse_anonymous(http_request *req, http_reply *rep)
{
    if (router_path_is_api(req->path)) {
        reply_problem_status(rep, 401, "unauthorized", "Unauthorized",
                             req->credentials_refused
                                 ? "the token or session is not valid: expired, revoked, "
                                   "unknown, or its user is disabled"
                                 : "authenticate: send Authorization: Bearer TOKEN "
                                   "(isms token create) or a session cookie");
        reply_header_set(rep, "WWW-Authenticate", "Bearer realm=\"isms\"%s",
                         req->credentials_refused ? ", error=\"invalid_token\"" : "");
        return;
    }
    /* Back to this page after signing in: its path and query, as a local path. */
    strbuf next, url;
    strbuf_init(&next, 8192);
    strbuf_init(&url, 16384);
    strbuf_puts(&next, req->path);
    for (size_t i = 0; i < req->nparams; i++) {
        strbuf_putc(&next, i ? '&' : '?');
        url_encode_component(&next, req->param_keys[i]);
        strbuf_putc(&next, '=');
        url_encode_component(&next, req->param_values[i]);
    }
    strbuf_puts(&url, "/login?next=");
    url_encode_component(&url, strbuf_ok(&next) && next.len < 1024 ? next.ptr : "/");
    if (req->credentials_refused)
        strbuf_puts(&url, "&expired=1");
    reply_redirect(rep, url.ptr);
    strbuf_dispose(&next);
    strbuf_dispose(&url);
}

/* Signed in, but without the permission: 403, saying what is needed. */
static void refuse_forbidden(http_request *req, http_reply *rep, http_permission perm)
{
    char roles[ROLES_TEXT_MAX], detail[512];
    roles_format(req->principal.roles, roles, sizeof(roles));
    snprintf(detail, sizeof(detail), "This needs %s. You are signed in as %s, with the role%s: %s.",
             permission_holders(perm), req->principal.name, strchr(roles, ',') ? "s" : "", roles);
    if (router_path_is_api(req->path))
        reply_problem_status(rep, 403, "forbidden", "Forbidden", detail);
    else
        web_error_page(req, rep, 403, "Not allowed", detail);
}

static void refuse_csrf(http_request *req, http_reply *rep)
{
    if (router_path_is_api(req->path))
        reply_problem_status(rep, 403, "csrf", "Forbidden",
                             "a change made with a session cookie needs the session's CSRF "
                             "token in the X-CSRF-Token header (or use a bearer token)");
    else
        web_error_page(req, rep, 403, "Form expired",
                       "This form does not carry the token of your session: it is older than "
                       "your session, or it came from another site. Open the page again and "
                       "repeat the change.");
}

/*
 * What a session may reach while the administrator requires a second factor
 * it has not set up yet: the enrolment and signing out.
 */
static bool enrolment_route(const http_route *r)
{
    return r->permission == PERM_OPEN || r->handler == web_totp ||
           r->handler == web_totp_begin || r->handler == web_totp_confirm ||
           r->handler == web_logout;
}

static void refuse_until_enrolled(http_request *req, http_reply *rep)
{
    if (router_path_is_api(req->path))
        reply_problem_status(rep, 403, "totp_required", "Second factor required",
                             "the administrator requires a second factor: set it up on "
                             "/account/totp before anything else");
    else
        reply_redirect(rep, "/account/totp");
}

/* The route's permission, enforced: the one place (besides the record layer's ownership check). */
static void run_route(const http_route *r, http_request *req, http_reply *rep)
{
    if (!roles_permit(&req->principal, r->permission)) {
        if (r->permission == PERM_UNSET)
            reply_problem_status(rep, 403, "forbidden", "Forbidden",
                                 "this route declares no permission");
        else if (req->principal.user_id == 0)
            refuse_anonymous(req, rep);
        else
            refuse_forbidden(req, rep, r->permission);
        return;
    }
    if (r->permission != PERM_OPEN && state_changing(req->method) &&
        req->principal.via == AUTH_SESSION && !auth_csrf_ok(req)) {
        refuse_csrf(req, rep);
        return;
    }
    if (req->must_enrol && !enrolment_route(r)) {
        refuse_until_enrolled(req, rep);
        return;
    }
    r->handler(req, rep);
}

static void dispatch(http_request *req, http_reply *rep, bool authenticate);

void router_dispatch(http_request *req, http_reply *rep)
{
    dispatch(req, rep, true);
}

void router_dispatch_as(http_request *req, http_reply *rep)
{
    dispatch(req, rep, false);
}

static void dispatch(http_request *req, http_reply *rep, bool authenticate)
{
    char allow[64] = "";
    bool unknown_kind = false;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        const http_route *r = &routes[i];
        if (!match(r->pattern, req, &unknown_kind))
            continue;
        if (strcmp(r->method, req->method) != 0) {
            /* Records of kinds that are never deleted do not offer DELETE. */
            if ((r->handler == api_delete || r->handler == web_delete) && req->kind &&
                !(req->kind->flags & KF_DELETABLE))
                continue;
            if (!method_listed(allow, r->method)) {
                size_t used = strlen(allow);
                snprintf(allow + used, sizeof(allow) - used, "%s%s", used ? ", " : "",
                         r->method);
            }
            continue;
        }
        if (authenticate && r->permission != PERM_OPEN) {
            isms_status st;
            status_clear(&st);
            if (auth_identify(req, &st) != ISMS_OK) {
                if (router_path_is_api(req->path))
                    reply_problem(rep, &st);
                else
                    web_status_page(req, rep, &st);
                if (st.code == ISMS_EBUSY)
                    reply_header_set(rep, "Retry-After", "1");
                return;
            }
        }
        run_route(r, req, rep);
        return;
    }
    /* Outside the API a person is reading: answer with a page. */
    bool page = !router_path_is_api(req->path);
    if (allow[0] && page) {
        web_error_page(req, rep, 405, "Method not allowed",
                       "This page does not accept that kind of request.");
        reply_header_set(rep, "Allow", "%s", allow);
        return;
    }
    if (page) {
        web_not_found(req, rep, "There is no such page.");
        return;
    }
    if (allow[0]) {
        reply_problem_status(rep, 405, "method_not_allowed", "Method not allowed",
                             "this resource does not support that method");
        reply_header_set(rep, "Allow", "%s", allow);
        return;
    }
    reply_problem_status(rep, 404, "not_found", "Not found",
                         unknown_kind ? "no such kind of record" : "no such resource");
}
