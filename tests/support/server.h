/*
 * Run `isms serve` for the HTTP tests: a long-running child process on a
 * fresh database in a temporary directory, listening on an ephemeral
 * loopback port.
 *
 * server_start makes the directory, creates the database with `isms init`,
 * spawns `isms serve --db FILE --listen 127.0.0.1:0 [extra...]` with
 * posix_spawn and reads the one line the server prints on stdout (within
 * SERVER_START_SECONDS) to learn its URL. The server's stderr (access log,
 * sanitizer reports) goes to a file in the directory. server_stop sends a
 * signal and waits up to SERVER_STOP_SECONDS for the exit; server_cleanup
 * kills a server still running and removes the directory.
 *
 * The binary is named by the environment variable ISMS_BIN. The helpers
 * print what went wrong on stderr and answer false / a negative status; the
 * caller decides how to fail. A test_server is plain data owned by the caller;
 * a zero-initialized one is valid to clean up.
 */
#ifndef ISMS_TESTS_SERVER_H
#define ISMS_TESTS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum {
    SERVER_START_SECONDS = 30, /* until the URL line appears (sanitizer builds start slowly) */
    SERVER_STOP_SECONDS = 8,   /* from the stop signal to the exit */
    SERVER_RUN_SECONDS = 60,   /* for a one-off command such as `isms init` */
    SERVER_TIMED_OUT = -2,     /* status: the child did not end in time (it was killed) */
    SERVER_FAILED = -1,        /* status: the child could not be started or waited for */
    SERVER_PASSWORD_MAX = 64,
};

#define SERVER_ADMIN "admin"                  /* the administrator server_prepare makes */
#define SERVER_PASSWORD "admin password 1234" /* and its password */

typedef struct test_server {
    pid_t pid;          /* the running server, 0 when none */
    int out_fd;         /* read end of its stdout, -1 when closed */
    unsigned port;
    char url[64];       /* "http://127.0.0.1:PORT" (no trailing slash) */
    char line[512];     /* the line it printed on stdout, without the newline */
    char dir[256];      /* its own temporary directory */
    char db[320];       /* dir/isms.db, or the URL of a PostgreSQL schema of its own */
    char schema[64];    /* that schema ("" on SQLite): dropped by server_cleanup */
    char err_path[320]; /* dir/stderr.log: everything it wrote on stderr */
    char extra_out[256];/* anything printed on stdout after the line (read at stop) */
    char admin[32];     /* the administrator's name (SERVER_ADMIN) */
    char password[SERVER_PASSWORD_MAX]; /* and password */
    char token[64]; /* an API token of the administrator (roles admin, manager) */
} test_server;

/*
 * The driver of the databases server_prepare makes from now on: "sqlite"
 * (the default: a file in the server's directory) or "postgres" (a new
 * schema of the test cluster's database, ISMS_TEST_PG_URL, named in the URL's
 * search_path, as the store tests do). Returns false for another name.
 */
bool server_set_driver(const char *driver);
const char *server_driver(void);

/*
 * The risk method `isms init --risk-preset` writes into the databases
 * server_prepare makes from now on: "none" (the default, so that a test's
 * change log starts empty) or "3", "4", "5" for the risk tests.
 */
void server_set_risk_preset(const char *preset);

/* Whether the driver can run here (postgres needs ISMS_TEST_PG_URL). */
bool server_driver_available(const char *driver);

/*
 * For a test program's main: the driver named by argv[1] ("sqlite" without
 * one). Returns 0 when its tests can run, 77 (meson: skipped) when PostgreSQL
 * has no test cluster, 2 for an unknown name; the reason is printed.
 */
int server_driver_from_args(int argc, char **argv);

/* Whether s's database is PostgreSQL. */
bool server_is_postgres(const test_server *s);

/*
 * Driver-neutral access to s's database for the checks of the tests (SQL both
 * dialects understand). server_db_int: the first column of the first row as an
 * integer, -1 without a row or on error (printed). server_db_exec: false on error.
 */
long long server_db_int(const test_server *s, const char *sql);
bool server_db_exec(const test_server *s, const char *sql);

/*
 * Take the write lock of s's ISMS from outside the server, as another writer
 * would (SQLite: BEGIN IMMEDIATE; PostgreSQL: the driver's advisory write lock in
 * an open transaction). NULL on failure (printed). server_release_writes rolls back.
 */
void *server_hold_writes(const test_server *s);
void server_release_writes(void *lock);

/* Make a fresh directory and database in s (no server yet). */
bool server_prepare(test_server *s);

/*
 * A second server on first's database (prepared, not started): a directory of
 * its own for its stderr, the same database, administrator and token. Only
 * first's cleanup drops the database; clean up s before first.
 */
bool server_prepare_sharing(test_server *s, const test_server *first);

/*
 * Start a server on s's database (server_prepare first, or let server_start
 * do it when s->dir is empty). extra: further arguments, NULL-terminated, or
 * NULL.
 */
bool server_start(test_server *s, const char *const *extra);

/*
 * Send sig (SIGTERM, SIGINT; 0 sends nothing, for a server already told to
 * stop) and wait for the exit. Returns the exit code,
 * 128 + N when killed by signal N, SERVER_TIMED_OUT (then it was killed) or
 * SERVER_FAILED. Whatever it printed on stdout after the URL line lands in
 * s->extra_out.
 */
int server_stop(test_server *s, int sig);

/* The server's stderr so far, malloc'd and NUL-terminated (never NULL). */
char *server_stderr(const test_server *s);

/* Whether the server's stderr holds a sanitizer report (ASan, UBSan, LSan). */
bool server_sanitizer_report(const test_server *s);

/* Whether the server's stderr holds text (polls up to seconds for it to appear). */
bool server_stderr_wait_for(const test_server *s, const char *text, double seconds);

/* Kill a server still running, remove the directory; s is zeroed. */
void server_cleanup(test_server *s);

/*
 * Run the isms binary once with args (NULL-terminated, without argv[0]);
 * stdin is /dev/null, stdout and stderr go to out (up to size - 1 bytes,
 * NUL-terminated; may be NULL). Killed after timeout_s. Returns the exit
 * status as server_stop does.
 */
int server_run_isms(const char *const *args, double timeout_s, char *out, size_t size);

/* As server_run_isms, with input written to the child's stdin (NULL: /dev/null). */
int server_run_isms_input(const char *const *args, const char *input, double timeout_s, char *out,
                          size_t size);

/* A new API token (`isms token create [--as AS] [--role ROLE]`) into out; false on failure. */
bool server_mint_token(const test_server *s, const char *as, const char *role, char *out,
                       size_t size);

/* A new user with roles ("viewer", "manager,auditor") and a password (test hash cost). */
bool server_add_user(const test_server *s, const char *name, const char *roles,
                     const char *password);

/* --- raw connections (for requests libcurl would not send) --- */

/* A new TCP connection to the server (close-on-exec), or -1 (errno set). */
int server_connect(const test_server *s);

/* Send all of data (no SIGPIPE); false when the connection broke. */
bool server_send_all(int fd, const void *data, size_t len);

/*
 * Read one HTTP response from fd: the status line, the headers and a body of
 * Content-Length bytes (or up to the end of the connection without one).
 * Returns the status code; 0 when the connection ended before a status
 * line; -1 on timeout. The response as read (headers and body) is copied to
 * buf (up to size - 1 bytes, NUL-terminated; may be NULL).
 */
int server_read_response(int fd, double timeout_s, char *buf, size_t size);

/* Monotonic seconds, for deadlines. */
double server_now(void);

/* Sleep for ms milliseconds. */
void server_sleep_ms(unsigned ms);

#endif
