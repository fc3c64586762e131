#include "http/router.h"

#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "http/openapi.h"

static const http_route routes[] = {
    {"GET", "/healthz", api_health, PERM_OPEN},
    {"GET", "/api/v1/openapi.json", api_openapi, PERM_OPEN},
    {"GET", "/api/v1/{kind}", api_list, PERM_READ},
    {"POST", "/api/v1/{kind}", api_create, PERM_WRITE},
    {"GET", "/api/v1/{kind}/{id}", api_get, PERM_READ},
    {"PATCH", "/api/v1/{kind}/{id}", api_update, PERM_WRITE},
    {"DELETE", "/api/v1/{kind}/{id}", api_delete, PERM_WRITE},
    {"POST", "/api/v1/{kind}/{id}/retire", api_retire, PERM_WRITE},
};

const http_route *router_routes(size_t *n)
{
    *n = sizeof(routes) / sizeof(routes[0]);
    return routes;
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
            if (r->handler == api_delete && req->kind && !(req->kind->flags & KF_DELETABLE))
                continue;
            size_t used = strlen(allow);
            snprintf(allow + used, sizeof(allow) - used, "%s%s", used ? ", " : "", r->method);
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
    if (allow[0]) {
        reply_problem_status(rep, 405, "method_not_allowed", "Method not allowed",
                             "this resource does not support that method");
        reply_header_set(rep, "Allow", "%s", allow);
        return;
    }
    reply_problem_status(rep, 404, "not_found", "Not found",
                         unknown_kind ? "no such kind of record" : "no such resource");
}
