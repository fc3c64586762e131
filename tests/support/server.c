#include "server.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

extern char **environ;

/* --- the driver of the test databases ---------------------------------------- */

static bool use_postgres;
static const char *risk_preset = "none"; /* server_set_risk_preset */

bool server_set_driver(const char *driver)
{
    if (strcmp(driver, "sqlite") != 0 && strcmp(driver, "postgres") != 0)
        return false;
    use_postgres = strcmp(driver, "postgres") == 0;
    return true;
}

const char *server_driver(void)
{
    return use_postgres ? "postgres" : "sqlite";
}

bool server_driver_available(const char *driver)
{
    if (strcmp(driver, "postgres") != 0)
        return true;
    const char *url = getenv("ISMS_TEST_PG_URL");
    return url && url[0];
}

int server_driver_from_args(int argc, char **argv)
{
    const char *driver = argc > 1 ? argv[1] : "sqlite";
    if (!server_set_driver(driver)) {
        fprintf(stderr, "usage: %s [sqlite|postgres]\n", argv[0]);
        return 2;
    }
    if (!server_driver_available(driver)) {
        fprintf(stderr, "%s: no PostgreSQL test cluster (ISMS_TEST_PG_URL); skipped\n", driver);
        return 77;
    }
    return 0;
}

bool server_is_postgres(const test_server *s)
{
    return strncmp(s->db, "postgres", 8) == 0;
}

/* A connection to url (quiet notices), or NULL (printed). */
static PGconn *pg_connect(const char *url)
{
    PGconn *pg = PQconnectdb(url);
    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "server: %s: %s", url, PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    PQclear(PQexec(pg, "SET client_min_messages = warning"));
    return pg;
}

/* Run sql on pg; false on error (printed). */
static bool pg_exec(PGconn *pg, const char *sql)
{
    PGresult *res = PQexec(pg, sql);
    ExecStatusType t = PQresultStatus(res);
    bool ok = t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "server: %s: %s", sql, PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

/* One statement on the test cluster's database itself. */
static bool pg_admin(const char *sql)
{
    PGconn *pg = pg_connect(getenv("ISMS_TEST_PG_URL"));
    if (!pg)
        return false;
    bool ok = pg_exec(pg, sql);
    PQfinish(pg);
    return ok;
}

/* A new schema for s and the URL that selects it (as tests/support/fixture.c does). */
static bool pg_prepare(test_server *s)
{
    static unsigned counter;
    const char *base = getenv("ISMS_TEST_PG_URL");
    if (!base || !base[0]) {
        fprintf(stderr, "server: ISMS_TEST_PG_URL is not set\n");
        return false;
    }
    snprintf(s->schema, sizeof(s->schema), "api_%ld_%u", (long)getpid(), ++counter);
    char sql[128];
    snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", s->schema);
    if (!pg_admin(sql)) {
        s->schema[0] = '\0';
        return false;
    }
    snprintf(s->db, sizeof(s->db), "%s%coptions=-csearch_path%%3D%s", base,
             strchr(base, '?') ? '&' : '?', s->schema);
    return true;
}

long long server_db_int(const test_server *s, const char *sql)
{
    long long v = -1;
    if (server_is_postgres(s)) {
        PGconn *pg = pg_connect(s->db);
        if (!pg)
            return -1;
        PGresult *res = PQexec(pg, sql);
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            fprintf(stderr, "server: %s: %s", sql, PQresultErrorMessage(res));
        else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
            v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
        PQfinish(pg);
        return v;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(s->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "server: %s: %s\n", s->db, db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fprintf(stderr, "server: %s: %s\n", sql, sqlite3_errmsg(db));
    else if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

bool server_db_exec(const test_server *s, const char *sql)
{
    if (server_is_postgres(s)) {
        PGconn *pg = pg_connect(s->db);
        if (!pg)
            return false;
        bool ok = pg_exec(pg, sql);
        PQfinish(pg);
        return ok;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open(s->db, &db) != SQLITE_OK) {
        sqlite3_close(db);
        return false;
    }
    sqlite3_busy_timeout(db, 5000);
    char *err = NULL;
    bool ok = sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK;
    if (!ok)
        fprintf(stderr, "server: %s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    sqlite3_close(db);
    return ok;
}

/* A held write lock: one of the two connections. */
typedef struct held_writes {
    sqlite3 *lite;
    PGconn *pg;
} held_writes;

void *server_hold_writes(const test_server *s)
{
    held_writes *h = calloc(1, sizeof(*h));
    if (!h)
        abort();
    if (server_is_postgres(s)) {
        /* The key of src/store/pg_driver.c's write lock (LOCK_WRITE, the schema's hash). */
        h->pg = pg_connect(s->db);
        if (h->pg && pg_exec(h->pg, "BEGIN") &&
            pg_exec(h->pg, "SELECT pg_advisory_xact_lock(1769172301, hashtext(current_schema()))"))
            return h;
    } else if (sqlite3_open(s->db, &h->lite) == SQLITE_OK) {
        char *err = NULL;
        if (sqlite3_exec(h->lite, "BEGIN IMMEDIATE", NULL, NULL, &err) == SQLITE_OK)
            return h;
        fprintf(stderr, "server: BEGIN IMMEDIATE: %s\n", err ? err : "?");
        sqlite3_free(err);
    }
    server_release_writes(h);
    return NULL;
}

void server_release_writes(void *lock)
{
    held_writes *h = lock;
    if (!h)
        return;
    if (h->pg) {
        PQclear(PQexec(h->pg, "ROLLBACK"));
        PQfinish(h->pg);
    }
    if (h->lite) {
        sqlite3_exec(h->lite, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(h->lite);
    }
    free(h);
}

double server_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void server_sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/*
 * Spawn ISMS_BIN with args: stdin /dev/null, stdout on out_fd, stderr on
 * err_fd, no other descriptor inherited, no signal blocked or ignored.
 */
static pid_t spawn_isms(const char *const *args, int in_fd, int out_fd, int err_fd)
{
    const char *bin = getenv("ISMS_BIN");
    if (!bin || !bin[0]) {
        fprintf(stderr, "server: ISMS_BIN is not set\n");
        return -1;
    }
    size_t n = 0;
    while (args && args[n])
        n++;
    const char **argv = calloc(n + 2, sizeof(char *));
    if (!argv)
        return -1;
    argv[0] = bin;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = args[i];

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (in_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO);
    else
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    /* Client sockets of the tests must not live on in a server. */
    posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
#endif
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, deflt;
    sigemptyset(&none);
    sigemptyset(&deflt);
    sigaddset(&deflt, SIGPIPE);
    sigaddset(&deflt, SIGTERM);
    sigaddset(&deflt, SIGINT);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &deflt);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, bin, &fa, &attr, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    free(argv);
    if (rc != 0) {
        fprintf(stderr, "server: cannot start %s: %s\n", bin, strerror(rc));
        return -1;
    }
    return pid;
}

static int decode_status(int ws)
{
    if (WIFEXITED(ws))
        return WEXITSTATUS(ws);
    if (WIFSIGNALED(ws))
        return 128 + WTERMSIG(ws);
    return SERVER_FAILED;
}

/* Wait for pid to end, at most timeout_s; killed (SERVER_TIMED_OUT) after that. */
static int wait_exit(pid_t pid, double timeout_s)
{
    double deadline = server_now() + timeout_s;
    for (;;) {
        int ws = 0;
        pid_t r = waitpid(pid, &ws, WNOHANG);
        if (r == pid)
            return decode_status(ws);
        if (r < 0 && errno != EINTR)
            return SERVER_FAILED;
        if (server_now() > deadline) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
                ;
            return SERVER_TIMED_OUT;
        }
        server_sleep_ms(5);
    }
}

/* Append what can be read from fd (until EOF or the deadline) to buf. */
static void drain_fd(int fd, double deadline, char *buf, size_t size, size_t *len)
{
    char chunk[4096];
    for (;;) {
        double left = deadline - server_now();
        if (left <= 0)
            return;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, (int)(left * 1000) + 1);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return;
        ssize_t r = read(fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return;
        if (buf && size) {
            size_t take = (size_t)r;
            if (*len + take > size - 1)
                take = size - 1 - *len;
            memcpy(buf + *len, chunk, take);
            *len += take;
            buf[*len] = '\0';
        }
    }
}

static bool server_send_input(int fd, const char *text);

int server_run_isms(const char *const *args, double timeout_s, char *out, size_t size)
{
    return server_run_isms_input(args, NULL, timeout_s, out, size);
}

int server_run_isms_input(const char *const *args, const char *input, double timeout_s, char *out,
                          size_t size)
{
    if (out && size)
        out[0] = '\0';
    int p[2], in[2] = {-1, -1};
    if (pipe2(p, O_CLOEXEC) != 0)
        return SERVER_FAILED;
    if (input && pipe2(in, O_CLOEXEC) != 0) {
        close_fd(&p[0]);
        close_fd(&p[1]);
        return SERVER_FAILED;
    }
    pid_t pid = spawn_isms(args, in[0], p[1], p[1]);
    close_fd(&p[1]);
    close_fd(&in[0]);
    if (input) {
        /* A line of a password: far below the pipe's buffer, so this never blocks. */
        (void)server_send_input(in[1], input);
        close_fd(&in[1]);
    }
    if (pid < 0) {
        close_fd(&p[0]);
        return SERVER_FAILED;
    }
    size_t len = 0;
    double deadline = server_now() + timeout_s;
    drain_fd(p[0], deadline, out, size, &len);
    close_fd(&p[0]);
    double left = deadline - server_now();
    return wait_exit(pid, left > 0.1 ? left : 0.1);
}

static bool server_send_input(int fd, const char *text)
{
    size_t len = strlen(text);
    while (len) {
        ssize_t w = write(fd, text, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        text += w;
        len -= (size_t)w;
    }
    return true;
}

bool server_mint_token(const test_server *s, const char *as, const char *role, char *out,
                       size_t size)
{
    char text[4096];
    const char *args[16] = {"--db", s->db, "token", "create", "--as", as ? as : s->admin};
    size_t n = 6;
    if (role) {
        args[n++] = "--role";
        args[n++] = role;
    }
    args[n] = NULL;
    int rc = server_run_isms(args, SERVER_RUN_SECONDS, text, sizeof(text));
    size_t len = strcspn(text, "\n");
    if (rc != 0 || len == 0 || len >= size || strncmp(text, "isms_", 5) != 0) {
        fprintf(stderr, "server: isms token create ended with %d:\n%s\n", rc, text);
        return false;
    }
    memcpy(out, text, len);
    out[len] = '\0';
    return true;
}

bool server_add_user(const test_server *s, const char *name, const char *roles,
                     const char *password)
{
    char out[4096], line[SERVER_PASSWORD_MAX + 2];
    snprintf(line, sizeof(line), "%s\n", password);
    const char *args[] = {"--db",  s->db,  "--as",           s->admin,      "user",
                          "add",   name,   "--role",         roles,         "--password-stdin",
                          "--hash-cost", "test", NULL};
    int rc = server_run_isms_input(args, line, SERVER_RUN_SECONDS, out, sizeof(out));
    if (rc != 0)
        fprintf(stderr, "server: isms user add %s ended with %d:\n%s\n", name, rc, out);
    return rc == 0;
}

bool server_prepare(test_server *s)
{
    memset(s, 0, sizeof(*s));
    s->out_fd = -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof(s->dir), "%s/isms-api-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(s->dir)) {
        fprintf(stderr, "server: mkdtemp %s: %s\n", s->dir, strerror(errno));
        s->dir[0] = '\0';
        return false;
    }
    snprintf(s->db, sizeof(s->db), "%s/isms.db", s->dir);
    if (use_postgres && !pg_prepare(s))
        return false;
    snprintf(s->err_path, sizeof(s->err_path), "%s/stderr.log", s->dir);
    char out[4096], line[SERVER_PASSWORD_MAX + 2];
    snprintf(s->admin, sizeof(s->admin), "%s", SERVER_ADMIN);
    snprintf(s->password, sizeof(s->password), "%s", SERVER_PASSWORD);
    snprintf(line, sizeof(line), "%s\n", s->password);
    const char *args[] = {"init",        "--db", s->db, "--admin", s->admin, "--password-stdin",
                          "--hash-cost", "test", "--risk-preset", risk_preset, NULL};
    int rc = server_run_isms_input(args, line, SERVER_RUN_SECONDS, out, sizeof(out));
    if (rc != 0) {
        fprintf(stderr, "server: isms init --db %s ended with %d:\n%s\n", s->db, rc, out);
        return false;
    }
    return server_mint_token(s, NULL, NULL, s->token, sizeof(s->token));
}

void server_set_risk_preset(const char *preset)
{
    risk_preset = preset;
}

bool server_prepare_sharing(test_server *s, const test_server *first)
{
    memset(s, 0, sizeof(*s));
    s->out_fd = -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof(s->dir), "%s/isms-api-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(s->dir)) {
        fprintf(stderr, "server: mkdtemp %s: %s\n", s->dir, strerror(errno));
        s->dir[0] = '\0';
        return false;
    }
    snprintf(s->err_path, sizeof(s->err_path), "%s/stderr.log", s->dir);
    memcpy(s->db, first->db, sizeof(s->db));
    memcpy(s->admin, first->admin, sizeof(s->admin));
    memcpy(s->password, first->password, sizeof(s->password));
    memcpy(s->token, first->token, sizeof(s->token));
    return true;
}

bool server_start(test_server *s, const char *const *extra)
{
    if (!s->dir[0] && !server_prepare(s))
        return false;
    s->out_fd = -1;
    s->pid = 0;
    s->line[0] = s->extra_out[0] = '\0';
    int err_fd = open(s->err_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (err_fd < 0) {
        fprintf(stderr, "server: %s: %s\n", s->err_path, strerror(errno));
        return false;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        close_fd(&err_fd);
        return false;
    }
    /* Passwords of the tests are hashed cheaply; so is the dummy of unknown names. */
    const char *args[48] = {"serve",       "--db",        s->db, "--listen",
                            "127.0.0.1:0", "--hash-cost", "test"};
    size_t n = 7;
    for (size_t i = 0; extra && extra[i] && n < sizeof(args) / sizeof(args[0]) - 1; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    pid_t pid = spawn_isms(args, -1, p[1], err_fd);
    close_fd(&p[1]);
    close_fd(&err_fd);
    if (pid < 0) {
        close_fd(&p[0]);
        return false;
    }
    s->pid = pid;
    s->out_fd = p[0];

    /* The one line on stdout, within the deadline. */
    size_t len = 0;
    double deadline = server_now() + SERVER_START_SECONDS;
    while (!memchr(s->line, '\n', len) && len < sizeof(s->line) - 1) {
        double left = deadline - server_now();
        struct pollfd pf = {.fd = s->out_fd, .events = POLLIN};
        int ready = left > 0 ? poll(&pf, 1, (int)(left * 1000) + 1) : 0;
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        ssize_t r = read(s->out_fd, s->line + len, sizeof(s->line) - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
        s->line[len] = '\0';
    }
    char *nl = memchr(s->line, '\n', len);
    const char *at = strstr(s->line, "http://127.0.0.1:");
    unsigned long port = at ? strtoul(at + strlen("http://127.0.0.1:"), NULL, 10) : 0;
    if (!nl || port == 0 || port > 65535) {
        char *err = server_stderr(s);
        fprintf(stderr, "server: no URL line from isms serve (got '%s'); its stderr:\n%s\n",
                s->line, err);
        free(err);
        kill(s->pid, SIGKILL);
        wait_exit(s->pid, SERVER_STOP_SECONDS);
        s->pid = 0;
        close_fd(&s->out_fd);
        return false;
    }
    *nl = '\0';
    s->port = (unsigned)port;
    snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u", s->port);
    return true;
}

int server_stop(test_server *s, int sig)
{
    if (s->pid <= 0)
        return SERVER_FAILED;
    if (sig)
        kill(s->pid, sig);
    int rc = wait_exit(s->pid, SERVER_STOP_SECONDS);
    s->pid = 0;
    if (s->out_fd > STDERR_FILENO) {
        size_t len = 0;
        drain_fd(s->out_fd, server_now() + 1.0, s->extra_out, sizeof(s->extra_out), &len);
        close_fd(&s->out_fd);
    }
    return rc;
}

char *server_stderr(const test_server *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = s->err_path[0] ? fopen(s->err_path, "rb") : NULL;
    if (f) {
        size_t cap = 0;
        char chunk[8192];
        size_t r;
        while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0) {
            if (len + r + 1 > cap) {
                cap = (len + r + 1) * 2;
                char *bigger = realloc(buf, cap);
                if (!bigger)
                    break;
                buf = bigger;
            }
            memcpy(buf + len, chunk, r);
            len += r;
        }
        fclose(f);
    }
    if (!buf) {
        buf = malloc(1);
        if (!buf)
            abort();
        len = 0;
    }
    buf[len] = '\0';
    return buf;
}

bool server_sanitizer_report(const test_server *s)
{
    char *err = server_stderr(s);
    bool found = strstr(err, "Sanitizer") || strstr(err, "runtime error:");
    free(err);
    return found;
}

bool server_stderr_wait_for(const test_server *s, const char *text, double seconds)
{
    double deadline = server_now() + seconds;
    for (;;) {
        char *err = server_stderr(s);
        bool found = strstr(err, text) != NULL;
        free(err);
        if (found)
            return true;
        if (server_now() > deadline)
            return false;
        server_sleep_ms(10);
    }
}

void server_cleanup(test_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGKILL);
        wait_exit(s->pid, SERVER_STOP_SECONDS);
    }
    if (s->out_fd > STDERR_FILENO) /* a zeroed server holds no descriptor */
        close_fd(&s->out_fd);
    if (s->dir[0]) {
        DIR *d = opendir(s->dir);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char path[600];
                snprintf(path, sizeof(path), "%s/%s", s->dir, e->d_name);
                unlink(path);
            }
            closedir(d);
        }
        rmdir(s->dir);
    }
    if (s->schema[0]) {
        char sql[128];
        snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", s->schema);
        (void)pg_admin(sql);
    }
    memset(s, 0, sizeof(*s));
    s->out_fd = -1;
}

int server_connect(const test_server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

bool server_send_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        len -= (size_t)w;
    }
    return true;
}

/* The value of header name in the header block head (len bytes), or NULL. */
static const char *find_header(const char *head, size_t len, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = head; p && p < head + len;) {
        const char *eol = memchr(p, '\n', (size_t)(head + len - p));
        if ((size_t)(head + len - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':')
            return p + nl + 1;
        p = eol ? eol + 1 : NULL;
    }
    return NULL;
}

int server_read_response(int fd, double timeout_s, char *buf, size_t size)
{
    if (buf && size)
        buf[0] = '\0';
    size_t cap = 8192, len = 0;
    char *data = malloc(cap);
    if (!data)
        return -1;
    double deadline = server_now() + timeout_s;
    size_t head_len = 0, want = (size_t)-1;
    bool timed_out = false;
    for (;;) {
        if (!head_len) {
            for (size_t i = 0; i + 3 < len; i++)
                if (memcmp(data + i, "\r\n\r\n", 4) == 0) {
                    head_len = i + 4;
                    const char *cl = find_header(data, head_len, "Content-Length");
                    if (cl)
                        want = head_len + (size_t)strtoull(cl, NULL, 10);
                    break;
                }
        }
        if (head_len && len >= want)
            break;
        double left = deadline - server_now();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, (int)(left * 1000) + 1);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            break;
        if (ready == 0)
            continue;
        if (len + 4096 > cap) {
            char *bigger = realloc(data, cap * 2);
            if (!bigger)
                break;
            data = bigger;
            cap *= 2;
        }
        ssize_t r = recv(fd, data + len, cap - len - 1, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* closed (or reset) */
        len += (size_t)r;
    }
    data[len] = '\0';
    if (buf && size) {
        size_t take = len < size - 1 ? len : size - 1;
        memcpy(buf, data, take);
        buf[take] = '\0';
    }
    int status = 0;
    if (len >= 12 && strncmp(data, "HTTP/1.", 7) == 0 && isdigit((unsigned char)data[9]))
        status = atoi(data + 9);
    else if (timed_out)
        status = -1;
    free(data);
    return status;
}
