#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct capture {
    char *p;
    size_t len, cap;
    bool truncated;
} capture;

/* Keep up to RUN_CAPTURE_MAX bytes; count the rest as truncated. */
static void capture_add(capture *c, const char *data, size_t n)
{
    if (c->len + n > RUN_CAPTURE_MAX) {
        c->truncated = true;
        n = RUN_CAPTURE_MAX - c->len;
    }
    if (n == 0)
        return;
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 4096;
        while (cap < c->len + n + 1)
            cap *= 2;
        char *bigger = realloc(c->p, cap);
        if (!bigger) {
            c->truncated = true;
            return;
        }
        c->p = bigger;
        c->cap = cap;
    }
    memcpy(c->p + c->len, data, n);
    c->len += n;
    c->p[c->len] = '\0';
}

/* The buffer handed to the result: never NULL, always NUL-terminated. */
static char *capture_take(capture *c, size_t *len)
{
    if (!c->p) {
        c->p = malloc(1);
        if (!c->p)
            abort(); /* out of memory in a test: nothing sensible is left to do */
        c->p[0] = '\0';
    }
    *len = c->len;
    char *p = c->p;
    c->p = NULL;
    return p;
}

static size_t name_len(const char *entry)
{
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

static bool changed_by(const char *entry, const char *const *env)
{
    size_t n = name_len(entry);
    for (; env && *env; env++)
        if (name_len(*env) == n && strncmp(*env, entry, n) == 0)
            return true;
    return false;
}

/* This process's environment with the changes applied (the strings are borrowed). */
static char **child_environment(const char *const *env)
{
    size_t n = 0, m = 0;
    for (char **e = environ; e && *e; e++)
        n++;
    for (const char *const *e = env; e && *e; e++)
        m++;
    char **out = calloc(n + m + 1, sizeof(char *));
    if (!out)
        return NULL;
    size_t k = 0;
    for (char **e = environ; e && *e; e++)
        if (!changed_by(*e, env))
            out[k++] = *e;
    for (const char *const *e = env; e && *e; e++)
        if (strchr(*e, '='))
            out[k++] = (char *)*e;
    out[k] = NULL;
    return out;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static int fail_start(run_result *out, const char *what, int err)
{
    capture c = {0};
    char msg[256];
    int n = snprintf(msg, sizeof(msg), "run: %s: %s\n", what, strerror(err));
    capture_add(&c, msg, n > 0 ? (size_t)n : 0);
    out->err = capture_take(&c, &out->err_len);
    capture empty = {0};
    out->out = capture_take(&empty, &out->out_len);
    out->status = RUN_FAILED;
    return out->status;
}

/* Pump stdin, stdout and stderr until both outputs close or the deadline passes. */
static bool pump(int in_fd, const char *text, int out_fd, int err_fd, capture *out, capture *err)
{
    size_t text_len = text ? strlen(text) : 0, written = 0;
    if (in_fd >= 0 && text_len == 0)
        close_fd(&in_fd);
    double deadline = now_seconds() + RUN_TIMEOUT_SECONDS;
    char chunk[65536];
    while (out_fd >= 0 || err_fd >= 0) {
        struct pollfd p[3];
        nfds_t np = 0;
        int which[3];
        if (out_fd >= 0) {
            p[np] = (struct pollfd){.fd = out_fd, .events = POLLIN};
            which[np++] = 1;
        }
        if (err_fd >= 0) {
            p[np] = (struct pollfd){.fd = err_fd, .events = POLLIN};
            which[np++] = 2;
        }
        if (in_fd >= 0) {
            p[np] = (struct pollfd){.fd = in_fd, .events = POLLOUT};
            which[np++] = 0;
        }
        double left = deadline - now_seconds();
        if (left <= 0) {
            close_fd(&in_fd);
            close_fd(&out_fd);
            close_fd(&err_fd);
            return false;
        }
        int ready = poll(p, np, (int)(left * 1000) + 1);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            break;
        for (nfds_t i = 0; i < np; i++) {
            if (!p[i].revents)
                continue;
            if (which[i] == 0) {
                ssize_t w = write(in_fd, text + written, text_len - written);
                if (w > 0)
                    written += (size_t)w;
                if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == text_len)
                    close_fd(&in_fd); /* done, or the child stopped reading (EPIPE) */
                continue;
            }
            int *fd = which[i] == 1 ? &out_fd : &err_fd;
            ssize_t r = read(*fd, chunk, sizeof(chunk));
            if (r > 0)
                capture_add(which[i] == 1 ? out : err, chunk, (size_t)r);
            else if (r == 0 || (errno != EAGAIN && errno != EINTR))
                close_fd(fd);
        }
    }
    close_fd(&in_fd);
    close_fd(&out_fd);
    close_fd(&err_fd);
    return true;
}

int run_program(const char *path, const char *const *argv, const char *stdin_text,
                const char *const *env, run_result *out)
{
    memset(out, 0, sizeof(*out));
    int in[2] = {-1, -1}, o[2] = {-1, -1}, e[2] = {-1, -1};
    if ((stdin_text && pipe2(in, O_CLOEXEC) != 0) || pipe2(o, O_CLOEXEC) != 0 ||
        pipe2(e, O_CLOEXEC) != 0) {
        int err = errno;
        for (int i = 0; i < 2; i++) {
            close_fd(&in[i]);
            close_fd(&o[i]);
            close_fd(&e[i]);
        }
        return fail_start(out, "pipe", err);
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (stdin_text)
        posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
    else
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, o[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, e[1], STDERR_FILENO);

    /* The child starts with no blocked signals and SIGPIPE at its default. */
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, pipe_only;
    sigemptyset(&none);
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &pipe_only);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    char **envp = child_environment(env);
    pid_t pid = -1;
    int rc = envp ? posix_spawn(&pid, path, &fa, &attr, (char *const *)argv, envp) : ENOMEM;
    free(envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close_fd(&in[0]);
    close_fd(&o[1]);
    close_fd(&e[1]);
    if (rc != 0) {
        close_fd(&in[1]);
        close_fd(&o[0]);
        close_fd(&e[0]);
        return fail_start(out, path, rc);
    }

    /* Writing to a child that exits without reading its stdin must not kill us. */
    struct sigaction ignore = {.sa_handler = SIG_IGN}, saved;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &saved);
    if (in[1] >= 0)
        fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
    capture cout = {0}, cerr = {0};
    bool in_time = pump(in[1], stdin_text, o[0], e[0], &cout, &cerr);
    sigaction(SIGPIPE, &saved, NULL);
    if (!in_time)
        kill(pid, SIGKILL);

    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    out->out = capture_take(&cout, &out->out_len);
    out->err = capture_take(&cerr, &out->err_len);
    out->truncated = cout.truncated || cerr.truncated;
    if (!in_time)
        out->status = RUN_TIMED_OUT;
    else if (WIFEXITED(wstatus))
        out->status = WEXITSTATUS(wstatus);
    else if (WIFSIGNALED(wstatus))
        out->status = 128 + WTERMSIG(wstatus);
    else
        out->status = RUN_FAILED;
    return out->status;
}

int run_isms(const char *const *args, const char *stdin_text, const char *const *env,
             run_result *out)
{
    const char *bin = getenv("ISMS_BIN");
    if (!bin || !bin[0]) {
        memset(out, 0, sizeof(*out));
        return fail_start(out, "ISMS_BIN is not set", EINVAL);
    }
    size_t n = 0;
    while (args && args[n])
        n++;
    const char **argv = calloc(n + 2, sizeof(char *));
    if (!argv) {
        memset(out, 0, sizeof(*out));
        return fail_start(out, "argv", ENOMEM);
    }
    argv[0] = bin;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = args[i];
    argv[n + 1] = NULL;
    int rc = run_program(bin, argv, stdin_text, env, out);
    free(argv);
    return rc;
}

void run_result_free(run_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof(*r));
}
