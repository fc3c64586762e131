/*
 * Malformed HTTP over raw sockets: what no well-behaved client sends. The
 * real server (`isms serve`, ISMS_BIN) runs on a fresh database; every test
 * sends its bytes on a new connection, checks the answer (or that the
 * connection was closed), and then that a normal GET /healthz on another new
 * connection still answers 200. At the end the server must stop on SIGTERM
 * with exit 0 and no sanitizer report, its database untouched by the junk.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../support/server.h"

static test_server SRV;

enum { ANSWER_MAX = 1 << 16, MAX_BODY = 4096 };
static char ANSWER[ANSWER_MAX];

/*
 * data with the administrator's bearer token after every "Host: 127.0.0.1\r\n"
 * line (the API needs it; open routes ignore it); malloc'd, its length in *out_len.
 */
static char *with_token(const char *data, size_t len, size_t *out_len)
{
    static const char host[] = "Host: 127.0.0.1\r\n";
    char auth[128];
    int al = snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", SRV.token);
    char *out = malloc(len * 2 + 1024), *w = out;
    assert_non_null(out);
    const char *p = data, *end = data + len;
    size_t added = 0;
    for (;;) {
        const char *h = memmem(p, (size_t)(end - p), host, sizeof(host) - 1);
        if (!h || added > 8) {
            memcpy(w, p, (size_t)(end - p));
            w += end - p;
            break;
        }
        size_t n = (size_t)(h - p) + sizeof(host) - 1;
        memcpy(w, p, n);
        w += n;
        memcpy(w, auth, (size_t)al);
        w += al;
        p = h + sizeof(host) - 1;
        added++;
    }
    *out_len = (size_t)(w - out);
    return out;
}

/* Send data on a new connection and read one answer: its status, 0 when closed. */
static int exchange(const void *raw, size_t raw_len)
{
    size_t len;
    char *data = with_token(raw, raw_len, &len);
    int fd = server_connect(&SRV);
    assert_true(fd >= 0);
    /* A server may answer and close before taking all: a failed send is no failure. */
    (void)server_send_all(fd, data, len);
    free(data);
    int status = server_read_response(fd, 20, ANSWER, sizeof(ANSWER));
    close(fd);
    return status;
}

static int exchange_text(const char *text)
{
    return exchange(text, strlen(text));
}

static void check_alive(void)
{
    int status = exchange_text("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Connection: close\r\n\r\n");
    if (status != 200)
        print_error("GET /healthz after the test: %d\n%s\n", status, ANSWER);
    assert_int_equal(status, 200);
    assert_non_null(strstr(ANSWER, "\"status\":\"ok\""));
}

/* The answer must be one of the statuses listed (0: the connection closed unanswered). */
#define CHECK_ONE_OF(status, ...) check_one_of((status), (const int[]){__VA_ARGS__, -2}, __LINE__)
static void check_one_of(int status, const int *allowed, int line)
{
    for (const int *a = allowed; *a != -2; a++)
        if (*a == status)
            return;
    print_error("line %d: answered %d:\n%.2000s\n", line, status, ANSWER);
    fail();
}

/* The records the API lists; junk must never change them. */
static int count_issues(void)
{
    int status = exchange_text("GET /api/v1/context-issues?retired=include&limit=200 HTTP/1.1"
                               "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert_int_equal(status, 200);
    int n = 0;
    for (const char *p = ANSWER; (p = strstr(p, "\"kind\":\"context-issue\"")); p++)
        n++;
    return n;
}

static int group_setup(void **state)
{
    (void)state;
    memset(&SRV, 0, sizeof(SRV));
    const char *extra[] = {"--max-body", "4096", "--timeout", "2",
                           "--allowed-hosts", "isms.example.com,intranet", NULL};
    return server_start(&SRV, extra) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    server_cleanup(&SRV);
    return 0;
}

static void test_baseline(void **state)
{
    (void)state;
    check_alive();
    assert_int_equal(count_issues(), 0);
    /* HTTP/1.0 and bare LF line ends are still understood. */
    assert_int_equal(exchange_text("GET /healthz HTTP/1.0\r\n\r\n"), 200);
    assert_int_equal(exchange_text("GET /healthz HTTP/1.1\nHost: 127.0.0.1\n\n"), 200);
    check_alive();
}

/*
 * A page on another site whose name was rebound to 127.0.0.1 sends its own
 * name as Host: refused with 421 before any handler runs, nothing written.
 */
static void test_foreign_host_refused(void **state)
{
    (void)state;
    static const char *const foreign[] = {"evil.example", "evil.example:8080",
                                          "127.0.0.1.evil.example", "localhost.", "[::2]:80",
                                          "LOCALHOST-x"};
    for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
        char req[512];
        snprintf(req, sizeof(req),
                 "POST /api/v1/context-issues HTTP/1.1\r\nHost: %s\r\n"
                 "Content-Type: application/json\r\nContent-Length: 52\r\n\r\n"
                 "{\"title\":\"x\",\"origin\":\"internal\",\"category\":\"legal\"}",
                 foreign[i]);
        assert_int_equal(exchange_text(req), 421);
        assert_non_null(strstr(ANSWER, "allowed-hosts"));
        snprintf(req, sizeof(req), "GET /context-issues HTTP/1.1\r\nHost: %s\r\n\r\n",
                 foreign[i]);
        assert_int_equal(exchange_text(req), 421);
    }
    assert_int_equal(count_issues(), 0);
    /* The loopback names, in any case and with any port, are this server. */
    static const char *const own[] = {"127.0.0.1",        "localhost:1", "LocalHost",
                                      "[::1]:8080",       "intranet",
                                      "ISMS.example.com:443"};
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
        char req[256];
        snprintf(req, sizeof(req), "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", own[i]);
        assert_int_equal(exchange_text(req), 200);
    }
    check_alive();
}

static void test_bad_method_token(void **state)
{
    (void)state;
    static const char *const requests[] = {
        "G@T /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "GE(T /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "G\x01T /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "G\x7fT /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "GET\xc3\xa9 /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "\"GET\" /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "GET/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        int status = exchange_text(requests[i]);
        CHECK_ONE_OF(status, 400, 0);
        assert_null(strstr(ANSWER, "\"status\":\"ok\""));
        check_alive();
    }
    /* A well-formed method that no route has: 405 (or 501), never served as GET. */
    int status = exchange_text("BREW /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK_ONE_OF(status, 405, 501);
    check_alive();
    /* A long but valid token. */
    char line[600];
    memset(line, 'A', 300);
    snprintf(line + 300, sizeof(line) - 300, " /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK_ONE_OF(exchange_text(line), 405, 501, 400);
    check_alive();
}

static void test_broken_header_lines(void **state)
{
    (void)state;
    static const char *const requests[] = {
        "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon at all\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        int status = exchange_text(requests[i]);
        CHECK_ONE_OF(status, 400, 0);
        check_alive();
    }
    /* Lines libmicrohttpd is lenient with (it ignores or folds them): refused or
     * harmless, never anything else. */
    static const char *const lenient[] = {
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name: x\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n: empty name\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n  folded line\r\n\r\n",
        "GET /healthz HTTP/1.1\r\n Host: 127.0.0.1\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(lenient) / sizeof(lenient[0]); i++) {
        CHECK_ONE_OF(exchange_text(lenient[i]), 400, 200, 0);
        check_alive();
    }
    /* A NUL inside a header line. */
    static const char nul[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\0b\r\n\r\n";
    CHECK_ONE_OF(exchange(nul, sizeof(nul) - 1), 400, 200, 0);
    check_alive();
    /* A header line longer than the header memory: 431 (or 400), never served. */
    char *big = malloc(80 * 1024);
    assert_non_null(big);
    int n = snprintf(big, 80 * 1024, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");
    memset(big + n, 'a', 70 * 1024);
    n += 70 * 1024;
    memcpy(big + n, "\r\n\r\n", 4);
    int status = exchange(big, (size_t)n + 4);
    CHECK_ONE_OF(status, 431, 400, 413, 0);
    check_alive();
    /* Many small headers, together over 64 KiB. */
    size_t used = (size_t)snprintf(big, 80 * 1024, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; used < 70 * 1024; i++)
        used += (size_t)snprintf(big + used, 80 * 1024 - used, "X-H%d: %040d\r\n", i, i);
    memcpy(big + used, "\r\n", 2);
    status = exchange(big, used + 2);
    CHECK_ONE_OF(status, 431, 400, 413, 0);
    check_alive();
    free(big);
}

static void test_request_line_without_version(void **state)
{
    (void)state;
    static const char *const requests[] = {
        "GET /healthz\r\n\r\n",
        "GET\r\n\r\n",
        "GET /healthz HTTP/\r\n\r\n",
        "GET /healthz HTTP\r\nHost: 127.0.0.1\r\n\r\n",
        "GET /healthz FTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "/healthz\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        int status = exchange_text(requests[i]);
        CHECK_ONE_OF(status, 400, 505, 0);
        check_alive();
    }
    CHECK_ONE_OF(exchange_text("GET /healthz HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n"), 505, 400);
    check_alive();
}

static void test_content_length_over_limit(void **state)
{
    (void)state;
    /* Refused from the header: no body is sent, the answer comes anyway. */
    static const char *const requests[] = {
        "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 4097\r\n\r\n",
        "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1073741824\r\n\r\n",
        "PATCH /api/v1/context-issues/ISS-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-Match: \"1\"\r\n"
        "Content-Length: 100000\r\n\r\n",
        "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
        "Content-Length: 5000\r\n\r\n",
        "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Length: 99999999999999999999999\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        int status = exchange_text(requests[i]);
        assert_int_equal(status, 413);
        assert_null(strstr(ANSWER, "100 Continue"));
        check_alive();
    }
    /* Ours says so as a problem. */
    assert_int_equal(exchange_text(requests[0]), 413);
    assert_non_null(strstr(ANSWER, "application/problem+json"));
    assert_non_null(strstr(ANSWER, "\"type\":\"urn:isms:problem:too_big\""));
    /* Nonsense lengths. */
    static const char *const nonsense[] = {
        "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
        "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n",
        "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(nonsense) / sizeof(nonsense[0]); i++) {
        CHECK_ONE_OF(exchange_text(nonsense[i]), 400, 413, 0);
        check_alive();
    }
    /* A chunked body, which has no length up front, is cut off at the limit too. */
    char *chunked = malloc(3 * (MAX_BODY + 16) + 256);
    assert_non_null(chunked);
    size_t n = (size_t)sprintf(chunked, "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        "Transfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; i++) {
        n += (size_t)sprintf(chunked + n, "%x\r\n", MAX_BODY);
        memset(chunked + n, ' ', MAX_BODY);
        n += MAX_BODY;
        n += (size_t)sprintf(chunked + n, "\r\n");
    }
    n += (size_t)sprintf(chunked + n, "0\r\n\r\n");
    assert_int_equal(exchange(chunked, n), 413);
    assert_non_null(strstr(ANSWER, "urn:isms:problem:too_big"));
    free(chunked);
    check_alive();
    assert_int_equal(count_issues(), 0);
}

static void test_garbage(void **state)
{
    (void)state;
    unsigned char junk[4096];
    unsigned seed = 12345;
    for (int round = 0; round < 8; round++) {
        for (size_t i = 0; i < sizeof(junk); i++) {
            seed = seed * 1103515245u + 12345u;
            junk[i] = (unsigned char)(seed >> 16);
        }
        if (round == 0)
            memset(junk, 0, sizeof(junk)); /* all NUL */
        if (round == 1)
            memset(junk, '\n', sizeof(junk)); /* only line ends: waits, then times out */
        int status = exchange(junk, round == 1 ? 64 : sizeof(junk));
        CHECK_ONE_OF(status, 400, 0, 408, 414, 431, 501, 505);
        check_alive();
    }
    /* TLS spoken to plain HTTP. */
    static const unsigned char hello[] = {0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1,
                                          0x03, 0x03, 0x00, 0x01, 0x02, 0x03, '\r', '\n', '\r',
                                          '\n'};
    CHECK_ONE_OF(exchange(hello, sizeof(hello)), 400, 0);
    check_alive();
    assert_int_equal(count_issues(), 0);
}

static void test_closed_mid_request(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "GET /heal",
        "GET /healthz HTTP/1.1\r\nHo",
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 80\r\n\r\n{\"title\":\"half\",\"origin\":\"inte",
        "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        "10\r\n{\"title\":\"half\"",
    };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        int fd = server_connect(&SRV);
        assert_true(fd >= 0);
        assert_true(server_send_all(fd, parts[i], strlen(parts[i])));
        server_sleep_ms(50);
        close(fd);
        check_alive();
    }
    /* The half-sent record was never created; the log tells of the aborted request. */
    assert_int_equal(count_issues(), 0);
    assert_true(server_stderr_wait_for(&SRV, "POST /api/v1/context-issues 0", 5));
    assert_true(server_stderr_wait_for(&SRV, "(aborted)", 5));
    /* A connection reset (RST) in the middle of a body. */
    int fd = server_connect(&SRV);
    assert_true(fd >= 0);
    static const char head[] = "POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Content-Length: 1000\r\n\r\n{\"title\":";
    assert_true(server_send_all(fd, head, sizeof(head) - 1));
    server_sleep_ms(50);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    close(fd);
    check_alive();
    assert_int_equal(count_issues(), 0);
}

static void test_idle_connection_times_out(void **state)
{
    (void)state;
    /* --timeout 2: a connection that stops sending is closed by the server. */
    int fd = server_connect(&SRV);
    assert_true(fd >= 0);
    assert_true(server_send_all(fd, "GET /healthz HTTP/1.1\r\n", 23));
    double start = server_now();
    int status = server_read_response(fd, 15, ANSWER, sizeof(ANSWER));
    close(fd);
    CHECK_ONE_OF(status, 0, 408);
    assert_true(server_now() - start < 12);
    check_alive();
}

static void test_pipelined_and_odd_but_valid(void **state)
{
    (void)state;
    /* Two requests in one packet: two answers, in order (the second closes). */
    int fd = server_connect(&SRV);
    assert_true(fd >= 0);
    static const char two[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                              "GET /api/v1/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Connection: close\r\n\r\n";
    assert_true(server_send_all(fd, two, sizeof(two) - 1));
    size_t len = 0;
    double deadline = server_now() + 10;
    while (len < sizeof(ANSWER) - 1 && server_now() < deadline) {
        ssize_t r = recv(fd, ANSWER + len, sizeof(ANSWER) - 1 - len, 0);
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    ANSWER[len] = '\0';
    close(fd);
    const char *first = strstr(ANSWER, "HTTP/1.1 200 ");
    const char *second = strstr(ANSWER, "HTTP/1.1 404 ");
    if (!first || !second || first > second)
        print_error("pipelined answers:\n%s\n", ANSWER);
    assert_true(first && second && first < second);
    /* A chunked JSON body is read whole. */
    assert_int_equal(exchange_text("POST /api/v1/context-issues HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   "Transfer-Encoding: chunked\r\n\r\n"
                                   "c\r\n{\"title\":\"ch\r\n"
                                   "2e\r\nunked\",\"origin\":\"internal\",\"category\":\"legal\"}"
                                   "\r\n0\r\n\r\n"),
                     201);
    assert_non_null(strstr(ANSWER, "\"title\":\"chunked\""));
    assert_int_equal(count_issues(), 1);
    check_alive();
}

/* What a client puts in the path must not forge or garble access log lines. */
static void test_log_injection(void **state)
{
    (void)state;
    CHECK_ONE_OF(exchange_text("GET /x%0a2026-01-01T00:00:00.000Z forged-1 GET /admin 200 "
                               "0.10ms HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                 404);
    CHECK_ONE_OF(exchange_text("GET /y%0d%1b[2J HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 404);
    check_alive();
    assert_true(server_stderr_wait_for(&SRV, "GET /healthz 200", 5));
    server_sleep_ms(100);
    char *err = server_stderr(&SRV);
    bool forged = strstr(err, "\n2026-01-01T00:00:00.000Z forged-1") != NULL;
    bool escape = strchr(err, '\x1b') != NULL || strchr(err, '\r') != NULL;
    if (forged || escape)
        print_error("access log:\n%s\n", err);
    free(err);
    assert_false(forged);
    assert_false(escape);
}

static void test_stop(void **state)
{
    (void)state;
    int rc = server_stop(&SRV, SIGTERM);
    char *err = server_stderr(&SRV);
    if (rc != 0 || server_sanitizer_report(&SRV))
        print_error("isms serve ended with %d; stderr:\n%s\n", rc, err);
    free(err);
    assert_int_equal(rc, 0);
    assert_false(server_sanitizer_report(&SRV));
    assert_string_equal(SRV.extra_out, "");
}

int main(int argc, char **argv)
{
    int skip = server_driver_from_args(argc, argv); /* sqlite or postgres */
    if (skip)
        return skip;
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_foreign_host_refused),
        cmocka_unit_test(test_bad_method_token),
        cmocka_unit_test(test_broken_header_lines),
        cmocka_unit_test(test_request_line_without_version),
        cmocka_unit_test(test_content_length_over_limit),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_closed_mid_request),
        cmocka_unit_test(test_idle_connection_times_out),
        cmocka_unit_test(test_pipelined_and_odd_but_valid),
        cmocka_unit_test(test_log_injection),
        cmocka_unit_test(test_stop),
    };
    return cmocka_run_group_tests_name("raw", tests, group_setup, group_teardown);
}
