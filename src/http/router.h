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
#include "http/reply.h"
#include "store/store.h"
#include "util/arena.h"

enum { REQUEST_MAX_PARAMS = 64 };

/* Sent with every response: pages carry no inline script or style (docs/WEB.md). */
#define HTTP_CONTENT_SECURITY_POLICY                                                           \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "                \
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"


/*
 * What a route needs of the caller. Accounts do not exist yet, so every
 * caller holds every permission and the server listens on loopback only;
 * the column is declared now so that enforcement lands in one place
 * (router_dispatch) with the accounts.
 */
typedef enum http_permission {
    PERM_OPEN,  /* anyone: health checks */
    PERM_READ,  /* read ISMS records */
    PERM_WRITE, /* create, change, retire, delete records */
} http_permission;

typedef struct http_request {
    const char *method;
    const char *path;        /* decoded, without the query string */
    const char *param_keys[REQUEST_MAX_PARAMS];
    const char *param_values[REQUEST_MAX_PARAMS];
    size_t nparams;
    const char *body;        /* NUL-terminated; length in body_len */
    size_t body_len;
    const char *if_match;    /* the If-Match header, or NULL */
    const char *if_none_match;
    const char *content_type;
    const char *origin;      /* Origin, Host and Sec-Fetch-Site: cross-site form posts */
    const char *host;
    const char *sec_fetch_site;
    const char *request_id;
    arena *arena;            /* freed when the request completes */
    store *store;
    const isms_registry *reg;
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

/* Find the route, check its permission, run its handler; 404 and 405 otherwise. */
void router_dispatch(http_request *req, http_reply *rep);

#endif
