/*
 * Run a program (for the CLI tests: the real `isms` binary) as a child
 * process and capture what it prints and how it ends.
 *
 * The child is started with posix_spawn. Its stdin is the given text (or
 * /dev/null when there is none); its stdout and stderr are read through
 * pipes with poll(), so a child that fills one pipe while the parent waits on
 * the other cannot deadlock. A child that runs past RUN_TIMEOUT_SECONDS is
 * killed (exit status RUN_TIMED_OUT). While a child runs, this process
 * ignores SIGPIPE (restored afterwards), so the helper is meant for
 * single-threaded test programs.
 *
 * Ownership: a run_result owns its `out` and `err` buffers (malloc'd,
 * always NUL-terminated, also when empty). Release them with
 * run_result_free, which leaves the result empty and safe to reuse or free
 * again. A zero-initialized run_result is valid to free. Every other
 * argument is only borrowed for the duration of the call.
 */
#ifndef ISMS_TESTS_RUN_H
#define ISMS_TESTS_RUN_H

#include <stdbool.h>
#include <stddef.h>

enum {
    RUN_CAPTURE_MAX = 8 * 1024 * 1024, /* bytes kept per stream; the rest is read and dropped */
    RUN_TIMEOUT_SECONDS = 60,
    RUN_FAILED = -1,    /* status when the child could not be started */
    RUN_TIMED_OUT = -2, /* status when the child was killed for running too long */
};

typedef struct run_result {
    int status;     /* exit code; 128 + N when killed by signal N; or RUN_FAILED / RUN_TIMED_OUT */
    char *out;      /* stdout, NUL-terminated */
    size_t out_len; /* bytes in out (without the NUL); it may itself contain NULs */
    char *err;      /* stderr, NUL-terminated */
    size_t err_len;
    bool truncated; /* a stream passed RUN_CAPTURE_MAX and was cut there */
} run_result;

/*
 * Run `path` with `argv` (NULL-terminated, argv[0] included). `stdin_text`
 * is written to the child's stdin (NULL: /dev/null). `env` is a
 * NULL-terminated list (or NULL) of changes to this process's environment
 * for the child: "NAME=VALUE" sets NAME, a bare "NAME" removes it. Returns
 * out->status; out must be empty (zeroed or freed) on entry.
 */
int run_program(const char *path, const char *const *argv, const char *stdin_text,
                const char *const *env, run_result *out);

/*
 * Run the isms binary named by the environment variable ISMS_BIN with the
 * arguments `args` (NULL-terminated, without argv[0]). Otherwise as
 * run_program; status is RUN_FAILED (with a message in err) when ISMS_BIN is
 * not set.
 */
int run_isms(const char *const *args, const char *stdin_text, const char *const *env,
             run_result *out);

/* Free the captured output and reset the result to empty. */
void run_result_free(run_result *r);

#endif
