/*
 * The route table and the one place that dispatches: method, path pattern,
 * handler and the permission each route needs. Patterns are literal
 * segments plus {kind} (a kind's API plural), {id} (a record id) and one
 * other {name} segment captured as text.
 */
#ifndef ISMS_HTTP_ROUTER_H
#define ISMS_HTTP_ROUTER_H

#include <stddef.h>

#include "core/registry.h"
#include "core/roles.h"
#include "http/reply.h"
#include "store/store.h"
#include "util/arena.h"

enum { REQUEST_MAX_PARAMS = 64 };

/* Sent with every response: pages carry no inline script or style (docs/WEB.md). */
#define HTTP_CONTENT_SECURITY_POLICY                                                           \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "                \
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/*
 * What a route needs of the caller: the permissions of core/roles.h
 * (PERM_OPEN, PERM_SELF, PERM_READ, PERM_WRITE, PERM_ADMIN). Every route
 * declares one; router_dispatch authenticates the request once and
 * enforces it there, and nowhere else. PERM_UNSET (a route that forgot its
 * permission) is refused, and the route x role test fails on it.
 */
typedef isms_permission http_permission;

struct auth_config;

typedef struct http_request {
    const char *method;
    const char *path;        /* decoded, without the query string */
    const char *param_keys[REQUEST_MAX_PARAMS];
    const char *param_values[REQUEST_MAX_PARAMS];
    size_t nparams;
    struct MHD_Connection *conn; /* the request's connection (the multipart form decoder,
                                  * web/form.c); NULL when there is none (the fuzzer) */
    const char *body;        /* NUL-terminated; length in body_len */
    size_t body_len;
    const char *if_match;    /* the If-Match header, or NULL */
    const char *if_none_match;
    const char *content_type;
    const char *origin;      /* Origin, Host and Sec-Fetch-Site: cross-site form posts */
    const char *host;
    const char *sec_fetch_site;
    const char *cookie;        /* the Cookie header, or NULL */
    const char *authorization; /* the Authorization header, or NULL */
    const char *csrf_header;   /* the X-CSRF-Token header, or NULL */
    const char *client;        /* the client's address ("127.0.0.1"), or NULL */
    const char *request_id;
    arena *arena;            /* freed when the request completes */
    store *store;
    const isms_registry *reg;
    const struct auth_config *auth; /* sessions, cookies, throttling (http/auth.h) */
    /*
     * Who is asking, filled by router_dispatch (http/auth.c) before the
     * handler runs: anonymous, a session or an API token. A caller that
     * builds requests itself (the fuzz target) may fill it and call
     * router_dispatch_as instead.
     */
    isms_principal principal;
    const char *session_hash; /* the session's token hash (logout), or NULL */
    const char *session_csrf; /* the session's CSRF token for forms, or NULL */
    bool credentials_refused; /* a token or cookie was sent but is not valid (any more) */
    bool must_enrol; /* a session of a user without the second factor the admin requires */
    struct form_data *form; /* the body decoded as a form, once (form_of_request) */
    /* Filled by the router from the pattern. */
    const isms_kind *kind;
    const char *id_text;
    const char *capture;     /* any other {name} segment: "/clauses/{n}" */
} http_request;

typedef void (*http_handler)(http_request *req, http_reply *rep);

typedef struct http_route {
    const char *method;
    const char *pattern;
    http_handler handler;
    http_permission permission;
} http_route;

/* Every route of the server. */
const http_route *router_routes(size_t *n);

/*
 * Find the route, authenticate the request (session cookie or bearer
 * token), check the route's permission and, for a state-changing request
 * made with a session, its CSRF token; then run its handler. 404 and 405
 * otherwise; 401 (API) or a redirect to /login (pages) for anonymous
 * callers, 403 for callers without the permission.
 */
void router_dispatch(http_request *req, http_reply *rep);

/* As router_dispatch, with req->principal already filled by the caller (no authentication). */
void router_dispatch_as(http_request *req, http_reply *rep);

/* Whether a path is under /api (or /healthz): answered with problem+json, not pages. */
bool router_path_is_api(const char *path);

#endif
