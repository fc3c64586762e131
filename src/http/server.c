#include "http/server.h"
#include "report/record_import.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/record.h"
#include "http/auth.h"
#include "http/router.h"
#include "util/die.h"

struct http_server {
    struct MHD_Daemon *daemon;
    store *store;
    http_limits limits;
    auth_config auth;
    FILE *log;
    unsigned port;
    atomic_uint active;         /* requests between first callback and completion */
    atomic_uint_fast64_t next_id;
    uint32_t id_salt;           /* makes request ids differ between runs */
};

/* Per-request state, from the first callback to the completion callback. */
typedef struct request_state {
    arena arena;
    strbuf body;
    bool too_big;
    bool answered;   /* a response was queued early (413, 414) */
    unsigned status;
    struct timespec start;
    char id[24];
    char method[16];
    char path[160];  /* for the log, cut */
} request_state;

http_limits http_limits_default(void)
{
    return (http_limits){
        .max_body = 1u << 20,
        .max_url = 4096,
        .header_memory = 64u << 10,
        .max_connections = 256,
        .per_client = 64,
        .timeout_s = 30,
        .drain_s = 10,
        /*
         * A thread per connection: as fast as a pool here, and a handler that
         * blocks (a slow search, a write waiting for the lock) stalls only its
         * own client. docs/ARCHITECTURE.md, "HTTP server threading".
         */
        .thread_pool = 0,
    };
}

static double elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, request_state *rs,
                                  http_reply *rep)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(rep->body.len, rep->body.ptr, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    if (rep->content_type && rep->body.len)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rep->content_type);
    for (size_t i = 0; i < rep->nheaders; i++)
        MHD_add_response_header(resp, rep->headers[i].name, rep->headers[i].value);
    MHD_add_response_header(resp, "X-Request-Id", rs->id);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            rep->cache_control ? rep->cache_control : "no-store");
    /* Pages have no inline script or style, so the policy can be strict (docs/WEB.md). */
    MHD_add_response_header(resp, "Content-Security-Policy", HTTP_CONTENT_SECURITY_POLICY);
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    rs->status = rep->status;
    enum MHD_Result ret = MHD_queue_response(conn, rep->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_problem(struct MHD_Connection *conn, request_state *rs,
                                    unsigned status, const char *type, const char *title,
                                    const char *detail)
{
    http_reply rep;
    reply_init(&rep);
    reply_problem_status(&rep, status, type, title, detail);
    enum MHD_Result ret = send_reply(conn, rs, &rep);
    reply_dispose(&rep);
    rs->answered = true;
    return ret;
}

typedef struct param_list {
    http_request *req;
    bool overflow;
    arena *a;
} param_list;

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    param_list *pl = cls;
    http_request *req = pl->req;
    if (req->nparams == REQUEST_MAX_PARAMS) {
        pl->overflow = true;
        return MHD_NO;
    }
    req->param_keys[req->nparams] = arena_strdup(pl->a, key);
    req->param_values[req->nparams] = arena_strdup(pl->a, value ? value : "");
    req->nparams++;
    return MHD_YES;
}

/* A CSV import may be larger than other bodies (docs/IMPORT-EXPORT.md). */
static size_t body_limit(const http_server *srv, const char *url)
{
    size_t n = strlen(url);
    bool import = n > 7 && strcmp(url + n - 7, "/import") == 0;
    if (import && srv->limits.max_body < IMPORT_FILE_MAX)
        return IMPORT_FILE_MAX;
    return srv->limits.max_body;
}

static request_state *request_begin(http_server *srv, const char *method, const char *url)
{
    request_state *rs = calloc(1, sizeof(*rs));
    if (!rs)
        die_oom();
    arena_init(&rs->arena);
    strbuf_init(&rs->body, body_limit(srv, url));
    clock_gettime(CLOCK_MONOTONIC, &rs->start);
    uint64_t n = atomic_fetch_add(&srv->next_id, 1) + 1;
    snprintf(rs->id, sizeof(rs->id), "%08x-%llu", srv->id_salt, (unsigned long long)n);
    snprintf(rs->method, sizeof(rs->method), "%s", method);
    snprintf(rs->path, sizeof(rs->path), "%s", url);
    /* The path is decoded (%0a is a newline): keep the log one line per request. */
    for (char *p = rs->path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    for (char *p = rs->method; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    atomic_fetch_add(&srv->active, 1);
    return rs;
}

/* Whether a method is an RFC 9110 token (libmicrohttpd takes any bytes up to a space). */
static bool method_is_token(const char *m)
{
    if (!*m)
        return false;
    for (; *m; m++)
        if (!isalnum((unsigned char)*m) && !strchr("!#$%&'*+-.^_`|~", *m))
            return false;
    return true;
}

static enum MHD_Result add_arg_length(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    *(size_t *)cls += 1 + strlen(key) + (value ? 1 + strlen(value) : 0); /* ?key=value, &... */
    return MHD_YES;
}

/* Does name (len bytes, no port) equal one of the comma-separated names in list? */
static bool name_listed(const char *list, const char *name, size_t len)
{
    while (list && *list) {
        const char *end = strchr(list, ',');
        size_t n = end ? (size_t)(end - list) : strlen(list);
        if (n == len && strncasecmp(list, name, len) == 0)
            return true;
        list = end ? end + 1 : NULL;
    }
    return false;
}

/*
 * Whether the Host header names this server. A page on another site whose DNS
 * name was rebound to 127.0.0.1 sends its own name here; refusing it keeps
 * such pages from reading or changing the ISMS. No Host (HTTP/1.0) passes.
 */
static bool host_allowed(const http_server *srv, const char *host)
{
    if (!host)
        return true;
    size_t len = strlen(host);
    const char *colon = strrchr(host, ':');
    if (colon && !strchr(colon, ']'))
        len = (size_t)(colon - host);
    return name_listed("localhost,127.0.0.1,[::1]", host, len) ||
           name_listed(srv->limits.allowed_hosts, host, len);
}

static enum MHD_Result dispatch(http_server *srv, struct MHD_Connection *conn,
                                request_state *rs, const char *method, const char *url)
{
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    if (!host_allowed(srv, host))
        return send_problem(conn, rs, 421, "misdirected", "Misdirected request",
                            "the Host header names another server; give its name to "
                            "isms serve --allowed-hosts");
    if (rs->too_big)
        return send_problem(conn, rs, 413, "too_big", "Too big",
                            "the request body is larger than the limit");
    char client[INET6_ADDRSTRLEN] = "";
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, client,
                      sizeof(client));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, client,
                      sizeof(client));
    }
    http_request req = {
        .method = method,
        .path = url,
        .conn = conn,
        .body = rs->body.ptr,
        .body_len = rs->body.len,
        .if_match = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-Match"),
        .if_none_match = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match"),
        .content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"),
        .origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin"),
        .host = host,
        .sec_fetch_site = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-Fetch-Site"),
        .cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie"),
        .authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"),
        .csrf_header = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token"),
        .client = client[0] ? client : NULL,
        .request_id = rs->id,
        .arena = &rs->arena,
        .store = srv->store,
        .reg = store_registry(srv->store),
        .auth = &srv->auth,
    };
    param_list pl = {.req = &req, .a = &rs->arena};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_param, &pl);
    if (pl.overflow)
        return send_problem(conn, rs, 400, "invalid", "Invalid input",
                            "too many query parameters");
    http_reply rep;
    reply_init(&rep);
    router_dispatch(&req, &rep);
    enum MHD_Result ret = send_reply(conn, rs, &rep);
    reply_dispose(&rep);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **ctx)
{
    (void)version;
    http_server *srv = cls;
    request_state *rs = *ctx;
    if (!rs) {
        /* First call: headers only. Refuse what is too big before reading any body. */
        rs = request_begin(srv, method, url);
        *ctx = rs;
        if (!method_is_token(method))
            return send_problem(conn, rs, 400, "invalid", "Invalid input",
                                "the request method is not a valid token");
        /* url is the path only: count the query string too (decoded). */
        size_t url_len = strlen(url);
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg_length, &url_len);
        if (url_len > srv->limits.max_url)
            return send_problem(conn, rs, 414, "too_big", "URI too long",
                                "the URL is longer than the limit");
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > body_limit(srv, url))
            return send_problem(conn, rs, 413, "too_big", "Too big",
                                "the request body is larger than the limit");
        return MHD_YES;
    }
    if (*upload_size) {
        if (!rs->answered) {
            strbuf_add(&rs->body, upload_data, *upload_size);
            rs->too_big = !strbuf_ok(&rs->body);
        }
        *upload_size = 0; /* consumed (or dropped once too big) */
        return MHD_YES;
    }
    if (rs->answered)
        return MHD_YES;
    return dispatch(srv, conn, rs, method, url);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **ctx,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    http_server *srv = cls;
    request_state *rs = *ctx;
    if (!rs)
        return;
    if (srv->log) {
        char now[32];
        clock_now_rfc3339(now);
        /* Method, path (no query: it may hold search text), status, time. No bodies. */
        char *q = strchr(rs->path, '?');
        if (q)
            *q = '\0';
        fprintf(srv->log, "%s %s %s %s %u %.2fms%s\n", now, rs->id, rs->method, rs->path,
                rs->status, elapsed_ms(&rs->start),
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
        fflush(srv->log);
    }
    strbuf_dispose(&rs->body);
    arena_dispose(&rs->arena);
    free(rs);
    *ctx = NULL;
    atomic_fetch_sub(&srv->active, 1);
}

/* "host:port" or "[v6]:port" into a socket address (any address: requests authenticate). */
static isms_err parse_listen(const char *listen, struct sockaddr_storage *ss, isms_status *st)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof(host))
        return status_field(st, "listen", "expected HOST:PORT, such as 127.0.0.1:8080");
    size_t hl = (size_t)(colon - listen);
    memcpy(host, listen, hl);
    host[hl] = '\0';
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || port > 65535)
        return status_field(st, "listen", "the port must be a number from 0 to 65535");
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof(host), "127.0.0.1");
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        return ISMS_OK;
    }
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1) {
            v6->sin6_family = AF_INET6;
            v6->sin6_port = htons((uint16_t)port);
            return ISMS_OK;
        }
    }
    return status_field(st, "listen",
                        "'%s' is not an IP address (such as 0.0.0.0, 127.0.0.1 "
                        "or [::])",
                        host);
}

isms_err http_server_start(http_server **out, store *s, const char *listen,
                           const http_limits *limits, const auth_config *auth, FILE *access_log,
                           isms_status *st)
{
    struct sockaddr_storage ss;
    if (parse_listen(listen, &ss, st) != ISMS_OK)
        return st->code;
    http_server *srv = calloc(1, sizeof(*srv));
    if (!srv)
        die_oom();
    srv->store = s;
    srv->limits = *limits;
    srv->auth = *auth;
    srv->log = access_log;
    srv->id_salt = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
    /*
     * A thread per connection, or a pool of event-loop threads (epoll) that each
     * serve many connections; docs/ARCHITECTURE.md, "HTTP server threading".
     */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC;
    flags |= limits->thread_pool ? MHD_USE_EPOLL : MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, limits->thread_pool,
        MHD_OPTION_CONNECTION_LIMIT, limits->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, limits->per_client,
        MHD_OPTION_CONNECTION_TIMEOUT, limits->timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, limits->header_memory,
        MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512u << 10),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
    if (!srv->daemon) {
        free(srv);
        return status_fail(st, ISMS_EINVALID, "cannot listen on %s (in use, or not allowed)",
                           listen);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon,
                                                           MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : 0;
    *out = srv;
    return ISMS_OK;
}

unsigned http_server_port(const http_server *srv)
{
    return srv->port;
}

void http_server_stop(http_server *srv)
{
    if (!srv)
        return;
    MHD_socket sock = MHD_quiesce_daemon(srv->daemon);
    if (sock != MHD_INVALID_SOCKET)
        close(sock);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (atomic_load(&srv->active) > 0 && elapsed_ms(&start) < srv->limits.drain_s * 1000.0) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    MHD_stop_daemon(srv->daemon);
    free(srv);
}
