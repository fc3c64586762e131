/*
 * The HTTP server: libmicrohttpd with one thread per connection by default
 * (handlers block on the store; see docs/ARCHITECTURE.md, "HTTP server
 * threading"), every limit set by us, an access log line per request, and a
 * graceful stop.
 */
#ifndef ISMS_HTTP_SERVER_H
#define ISMS_HTTP_SERVER_H

#include <stdio.h>

#include "core/status.h"
#include "store/store.h"

/* Every limit, with its default in http_limits_default(). */
typedef struct http_limits {
    size_t max_body;            /* request body bytes; more is 413 */
    size_t max_url;             /* path and query bytes; more is 414 */
    size_t header_memory;       /* per-connection memory for the request line and headers */
    unsigned max_connections;   /* open connections in all */
    unsigned per_client;        /* open connections per client address */
    unsigned timeout_s;         /* idle connection timeout */
    unsigned drain_s;           /* on stop: how long in-flight requests may take */
    unsigned thread_pool;       /* 0: a thread per connection (default); N: N epoll threads */
    /*
     * Host names a request's Host header may carry besides the loopback names
     * (localhost, 127.0.0.1, [::1]), comma-separated, or NULL. Anything else
     * is refused with 421, so a DNS-rebinding page cannot reach the server.
     */
    const char *allowed_hosts;
} http_limits;

http_limits http_limits_default(void);

typedef struct http_server http_server;

struct auth_config;

/*
 * Start serving store s on listen ("127.0.0.1:8080", "0.0.0.0:8080",
 * "[::]:0"; port 0 picks one) with the session and login settings auth
 * (http/auth.h; copied).
 */
isms_err http_server_start(http_server **out, store *s, const char *listen,
                           const http_limits *limits, const struct auth_config *auth,
                           FILE *access_log, isms_status *st);

/* The port actually bound. */
unsigned http_server_port(const http_server *srv);

/* Stop accepting, let in-flight requests finish (up to drain_s), stop. */
void http_server_stop(http_server *srv);

#endif
