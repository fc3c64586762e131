#include "http/router.h"

#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "http/openapi.h"
#include "web/page.h"
#include "web/web.h"

static const http_route routes[] = {
    {"GET", "/healthz", api_health, PERM_OPEN},
    {"GET", "/api/v1/openapi.json", api_openapi, PERM_OPEN},
    /* The change log, before {kind}, which "log" would also match. */
    {"GET", "/api/v1/log", api_log_list, PERM_READ},
    {"GET", "/api/v1/log/verify", api_log_verify, PERM_READ},
    {"POST", "/api/v1/log/{seq}/redact", api_log_redact, PERM_WRITE},
    {"GET", "/api/v1/{kind}", api_list, PERM_READ},
    {"POST", "/api/v1/{kind}", api_create, PERM_WRITE},
    {"GET", "/api/v1/{kind}/{id}", api_get, PERM_READ},
    {"PATCH", "/api/v1/{kind}/{id}", api_update, PERM_WRITE},
    {"DELETE", "/api/v1/{kind}/{id}", api_delete, PERM_WRITE},
    {"POST", "/api/v1/{kind}/{id}/retire", api_retire, PERM_WRITE},
    {"GET", "/api/v1/{kind}/{id}/history", api_history, PERM_READ},
    /* Web pages (docs/WEB.md). "new" comes before {id}, which it would also match. */
    {"GET", "/", web_home, PERM_READ},
    {"GET", "/static/{file}", web_static, PERM_OPEN},
    {"GET", "/clauses/{clause}", web_clause, PERM_READ},
    {"GET", "/log", web_log, PERM_READ}, /* before {kind}, which "log" would match */
    {"GET", "/log/{seq}", web_log_entry, PERM_READ},
    {"POST", "/log/{seq}/redact", web_log_redact, PERM_WRITE},
    {"GET", "/{kind}", web_list, PERM_READ},
    {"POST", "/{kind}", web_create, PERM_WRITE},
    {"GET", "/{kind}/new", web_new, PERM_WRITE},
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

/* Until accounts exist every caller may do everything (loopback only, see server.c). */
static bool permitted(const http_request *req, http_permission perm)
{
    (void)req;
    (void)perm;
    return true;
}

/* Whether path is prefix itself or below it ("/api", "/api/x"; not "/apis"). */
static bool path_under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

void router_dispatch(http_request *req, http_reply *rep)
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
        if (!permitted(req, r->permission)) {
            reply_problem_status(rep, 403, "forbidden", "Forbidden",
                                 "you may not do this");
            return;
        }
        r->handler(req, rep);
        return;
    }
    /* Outside the API a person is reading: answer with a page. */
    bool page = !path_under(req->path, "/api") && !path_under(req->path, "/healthz");
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
