/*
 * Two `isms serve` processes on one PostgreSQL database behave as one ISMS
 * (PostgreSQL only: skipped with sqlite or without ISMS_TEST_PG_URL).
 *
 * - A session made on instance A is valid on B (reads, and writes with its
 *   CSRF token), and a logout on B ends it on A at once; a user disabled
 *   from the command line is refused by both, and a second factor required of
 *   everyone holds on both at once.
 * - An API token revoked through A is refused by B on the next request: no
 *   process keeps credentials in a cache.
 * - Several client threads update the same few records, alternating between
 *   A and B, each naming the version it read: every answer is 200 (on exactly
 *   the version read, the record's next version) or 409; afterwards every
 *   record's version is 1 + its successful updates, the change log holds
 *   exactly one entry per create and successful update, and it verifies
 *   (over HTTP on both instances and with `isms log verify`).
 * - Both sign checkpoints of the change log with one key, and no entry is
 *   signed twice (what is signed is read from the database, not remembered).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/http.h"
#include "../support/server.h"

enum {
    THREADS = 4,
    UPDATES = 50, /* per thread */
    RECORDS = 3,
};

static test_server A, B;
static char PUBLIC_KEY[400]; /* both sign checkpoints of the change log with one key */

/* The two instances over one database, each signing checkpoints every second. */
static int group_setup(void **state)
{
    (void)state;
    memset(&A, 0, sizeof(A));
    memset(&B, 0, sizeof(B));
    if (!server_prepare(&A))
        return -1;
    char secret[400], out[4096];
    snprintf(secret, sizeof(secret), "%s/log.key", A.dir);
    snprintf(PUBLIC_KEY, sizeof(PUBLIC_KEY), "%s/log.pub", A.dir);
    const char *keygen[] = {"log", "keygen", "--secret", secret, "--public", PUBLIC_KEY, NULL};
    if (server_run_isms(keygen, SERVER_RUN_SECONDS, out, sizeof(out)) != 0) {
        fprintf(stderr, "isms log keygen: %s\n", out);
        return -1;
    }
    const char *extra[] = {"--checkpoint-key", secret, "--checkpoint-every", "1", NULL};
    if (!server_start(&A, extra))
        return -1;
    if (!server_prepare_sharing(&B, &A) || !server_start(&B, extra))
        return -1;
    return 0;
}

static void stop_one(test_server *s)
{
    int rc = server_stop(s, SIGTERM);
    if (rc != 0 || server_sanitizer_report(s)) {
        char *err = server_stderr(s);
        print_error("isms serve ended with %d:\n%s\n", rc, err);
        free(err);
    }
    assert_int_equal(rc, 0);
    assert_false(server_sanitizer_report(s));
}

static int group_teardown(void **state)
{
    (void)state;
    server_cleanup(&B); /* B first: A's cleanup drops the shared schema */
    server_cleanup(&A);
    return 0;
}

/* One request with credentials w to instance s (a fresh connection). */
static void send_to(resp *r, const test_server *s, const http_session *w, const char *method,
                    const char *path, const char *body, const char *if_match)
{
    http_headers h = {0};
    http_header(&h, "Expect:");
    if (body)
        http_header(&h, "Content-Type: application/json");
    if (if_match)
        http_header(&h, "If-Match: %s", if_match);
    http_header(&h, "Origin: %s", s->url);
    http_credentials(&h, w);
    http_client c = {.base = s->url};
    http_send(r, &c, method, path, body, body ? strlen(body) : 0, h.line);
}

static const char ISSUE[] = "{\"title\":\"Shared issue\",\"origin\":\"external\","
                            "\"category\":\"legal\"}";

/* A session from A: valid on B for reads and writes; a logout on B ends it on A. */
static void test_session_on_both(void **state)
{
    (void)state;
    http_session w;
    resp r;
    http_client ca = {.base = A.url};
    assert_int_equal(http_login(&r, &ca, &w, A.admin, A.password), 303);
    resp_free(&r);
    assert_true(http_read_csrf(&ca, &w, "/account"));
    w.csrf_header = true;

    send_to(&r, &B, &w, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    send_to(&r, &B, &w, "POST", "/api/v1/context-issues", ISSUE, NULL);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    /* The record written through B is there through A. */
    send_to(&r, &A, &w, "GET", "/api/v1/context-issues/ISS-1", NULL, NULL);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "Shared issue");
    resp_free(&r);

    /* Signed out on B: refused on A at once. */
    char body[128];
    snprintf(body, sizeof(body), "csrf=%s", w.csrf);
    http_headers h = {0};
    http_header(&h, "Expect:");
    http_header(&h, "Content-Type: " HTTP_FORM_TYPE);
    http_header(&h, "Origin: %s", B.url);
    http_header(&h, "Cookie: %s", w.cookie);
    http_client cb = {.base = B.url};
    http_send(&r, &cb, "POST", "/logout", body, strlen(body), h.line);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    send_to(&r, &A, &w, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
}

/* A user's session made on B, the user disabled from the command line: refused on both. */
static void test_disabled_on_both(void **state)
{
    (void)state;
    assert_true(server_add_user(&A, "bob", "viewer", "bob password 12345"));
    http_session w;
    resp r;
    http_client cb = {.base = B.url};
    assert_int_equal(http_login(&r, &cb, &w, "bob", "bob password 12345"), 303);
    resp_free(&r);
    send_to(&r, &A, &w, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    char out[4096];
    const char *disable[] = {"--db", A.db, "--as", A.admin, "user", "disable", "bob", NULL};
    assert_int_equal(server_run_isms(disable, SERVER_RUN_SECONDS, out, sizeof(out)), 0);
    send_to(&r, &A, &w, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
    send_to(&r, &B, &w, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
}

/*
 * A second factor required of everyone from the command line: a session without
 * one, made on A before, is held to it on B at once (the setting is read per request).
 */
static void test_totp_required_on_both(void **state)
{
    (void)state;
    assert_true(server_add_user(&A, "nina", "viewer", "nina password 1234"));
    http_session w;
    resp r;
    http_client ca = {.base = A.url};
    assert_int_equal(http_login(&r, &ca, &w, "nina", "nina password 1234"), 303);
    resp_free(&r);
    send_to(&r, &B, &w, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    char out[2048];
    const char *on[] = {"--db", A.db, "--as", A.admin, "user", "totp", "require", "on", NULL};
    assert_int_equal(server_run_isms(on, SERVER_RUN_SECONDS, out, sizeof(out)), 0);
    for (int n = 0; n < 2; n++) {
        send_to(&r, n ? &B : &A, &w, "GET", "/api/v1/context-issues", NULL, NULL);
        CHECK_STATUS(&r, 403);
        BODY_HAS(&r, "totp_required");
        resp_free(&r);
    }
    const char *off[] = {"--db", A.db, "--as", A.admin, "user", "totp", "require", "off", NULL};
    assert_int_equal(server_run_isms(off, SERVER_RUN_SECONDS, out, sizeof(out)), 0);
    send_to(&r, &B, &w, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
}

/* A token revoked through A (the account page) is refused by B on the next request. */
static void test_token_revoked_on_both(void **state)
{
    (void)state;
    http_session tok;
    char token[64];
    assert_true(server_mint_token(&A, NULL, NULL, token, sizeof(token)));
    http_bearer(&tok, token);
    resp r;
    send_to(&r, &B, &tok, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 200); /* B has used it: anything it might keep, it has now */
    resp_free(&r);
    send_to(&r, &A, &tok, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);

    /* The newest token of the administrator: the one just made. */
    long long id = server_db_int(&A, "SELECT max(id) FROM isms_api_token");
    assert_true(id >= 2);
    http_session w;
    http_client ca = {.base = A.url};
    assert_int_equal(http_login(&r, &ca, &w, A.admin, A.password), 303);
    resp_free(&r);
    assert_true(http_read_csrf(&ca, &w, "/account"));
    char path[96], body[128];
    snprintf(path, sizeof(path), "/account/tokens/%lld/revoke", id);
    snprintf(body, sizeof(body), "csrf=%s", w.csrf);
    http_headers h = {0};
    http_header(&h, "Expect:");
    http_header(&h, "Content-Type: " HTTP_FORM_TYPE);
    http_header(&h, "Origin: %s", A.url);
    http_header(&h, "Cookie: %s", w.cookie);
    http_send(&r, &ca, "POST", path, body, strlen(body), h.line);
    CHECK_STATUS(&r, 303);
    resp_free(&r);

    send_to(&r, &B, &tok, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
    send_to(&r, &A, &tok, "GET", "/api/v1/context-issues", NULL, NULL);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
}

/* --- concurrent updates through both instances ------------------------------------------ */

typedef struct worker {
    int index;
    char ids[RECORDS][32]; /* "ISS-N" */
    const char *token;
    /* results */
    int ok[RECORDS]; /* successful updates per record */
    int conflicts;
    int other;         /* any other answer: a failure */
    char problem[512]; /* the first other answer */
} worker;

/* One request on handle h; the status, body into out (cleared first); 0 when not sent. */
static long call(CURL *h, const char *url, const char *method, const char *body,
                 struct curl_slist *hdr, buf *out)
{
    out->len = 0;
    if (out->p)
        out->p[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_write_buf);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    if (body) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    if (curl_easy_perform(h) != CURLE_OK)
        return 0;
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

/* The "version" of a record's JSON, or -1. */
static long long version_in(const char *text)
{
    json_t *j = json_loads(text ? text : "", 0, NULL);
    long long v = -1;
    if (j && json_is_integer(json_object_get(j, "version")))
        v = (long long)json_integer_value(json_object_get(j, "version"));
    json_decref(j);
    return v;
}

static void *work(void *arg)
{
    worker *w = arg;
    const test_server *inst[2] = {&A, &B};
    CURL *h[2] = {curl_easy_init(), curl_easy_init()}; /* one kept-alive connection each */
    char auth[128];
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", w->token);
    struct curl_slist *get_hdr = curl_slist_append(NULL, auth);
    buf out = {0};
    unsigned seed = (unsigned)w->index * 7919u + 1;
    for (int i = 0; i < UPDATES; i++) {
        int rec = (int)(rand_r(&seed) % RECORDS);
        int n = (w->index + i) % 2; /* alternate: read and write on the same instance */
        char url[256];
        snprintf(url, sizeof(url), "%s/api/v1/context-issues/%s", inst[n]->url, w->ids[rec]);
        long st = call(h[n], url, "GET", NULL, get_hdr, &out);
        long long v = st == 200 ? version_in(out.p) : -1;
        if (v < 1) {
            if (!w->other++)
                snprintf(w->problem, sizeof(w->problem), "GET %s: %ld %.300s", url, st,
                         out.p ? out.p : "");
            continue;
        }
        /* Half the writes through the other instance than the read. */
        if (i % 4 >= 2) {
            n = 1 - n;
            snprintf(url, sizeof(url), "%s/api/v1/context-issues/%s", inst[n]->url, w->ids[rec]);
        }
        char match[64], body[128];
        snprintf(match, sizeof(match), "If-Match: \"%lld\"", v);
        snprintf(body, sizeof(body), "{\"title\":\"worker %d update %d\"}", w->index, i);
        struct curl_slist *hdr = curl_slist_append(NULL, auth);
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        hdr = curl_slist_append(hdr, "Expect:");
        hdr = curl_slist_append(hdr, match);
        st = call(h[n], url, "PATCH", body, hdr, &out);
        curl_slist_free_all(hdr);
        if (st == 200 && version_in(out.p) == v + 1) {
            w->ok[rec]++;
        } else if (st == 409 && out.p && strstr(out.p, "\"current_version\"")) {
            w->conflicts++;
        } else if (!w->other++) {
            snprintf(w->problem, sizeof(w->problem), "PATCH %s on version %lld: %ld %.300s", url, v,
                     st, out.p ? out.p : "");
        }
    }
    free(out.p);
    curl_slist_free_all(get_hdr);
    curl_easy_cleanup(h[0]);
    curl_easy_cleanup(h[1]);
    return NULL;
}

static void test_concurrent_updates(void **state)
{
    (void)state;
    http_session admin;
    http_bearer(&admin, A.token);
    char ids[RECORDS][32];
    long long row[RECORDS];
    for (int k = 0; k < RECORDS; k++) {
        resp r;
        send_to(&r, k % 2 ? &B : &A, &admin, "POST", "/api/v1/context-issues", ISSUE, NULL);
        CHECK_STATUS(&r, 201);
        const char *id = json_string_value(json_object_get(r.json, "id"));
        assert_non_null(id);
        snprintf(ids[k], sizeof(ids[k]), "%s", id);
        row[k] = strtoll(strchr(id, '-') + 1, NULL, 10);
        resp_free(&r);
    }
    long long entries_before = server_db_int(&A, "SELECT count(*) FROM isms_change_log");

    static worker w[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].index = i;
        w[i].token = A.token;
        memcpy(w[i].ids, ids, sizeof(ids));
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    int ok[RECORDS] = {0}, total_ok = 0, conflicts = 0, other = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        for (int k = 0; k < RECORDS; k++)
            ok[k] += w[i].ok[k];
        conflicts += w[i].conflicts;
        other += w[i].other;
        if (w[i].other)
            print_error("worker %d: %d unexpected answers, first: %s\n", i, w[i].other,
                        w[i].problem);
    }
    for (int k = 0; k < RECORDS; k++)
        total_ok += ok[k];
    print_message("instances: %d updates succeeded, %d conflicts, of %d\n", total_ok, conflicts,
                  THREADS * UPDATES);
    assert_int_equal(other, 0);
    assert_int_equal(total_ok + conflicts, THREADS * UPDATES);
    assert_true(total_ok > 0);

    /* No update was lost: each record's version counts its successful updates... */
    for (int k = 0; k < RECORDS; k++) {
        resp r;
        char path[160];
        snprintf(path, sizeof(path), "/api/v1/context-issues/%s", ids[k]);
        send_to(&r, k % 2 ? &A : &B, &admin, "GET", path, NULL, NULL);
        CHECK_STATUS(&r, 200);
        assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1 + ok[k]);
        resp_free(&r);
        /* ...and so does the change log: the create and one entry per successful update. */
        char sql[160];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM isms_change_log WHERE kind = 'context-issue' AND "
                 "record_id = %lld",
                 row[k]);
        assert_int_equal(server_db_int(&A, sql), 1 + ok[k]);
        snprintf(sql, sizeof(sql),
                 "SELECT max(version) FROM isms_change_log WHERE kind = 'context-issue' AND "
                 "record_id = %lld",
                 row[k]);
        assert_int_equal(server_db_int(&A, sql), 1 + ok[k]);
    }
    assert_int_equal(server_db_int(&A, "SELECT count(*) FROM isms_change_log"),
                     entries_before + total_ok);

    /* The chain verifies, through both instances and from the command line. */
    for (int n = 0; n < 2; n++) {
        resp r;
        send_to(&r, n ? &B : &A, &admin, "GET", "/api/v1/log/verify", NULL, NULL);
        CHECK_STATUS(&r, 200);
        assert_true(json_is_true(json_object_get(r.json, "ok")));
        resp_free(&r);
    }
    char out[8192];
    const char *verify[] = {"--db", A.db, "log", "verify", "--public-key", PUBLIC_KEY, NULL};
    int rc = server_run_isms(verify, SERVER_RUN_SECONDS, out, sizeof(out));
    if (rc != 0)
        print_error("isms log verify: %d\n%s\n", rc, out);
    assert_int_equal(rc, 0);
}

/*
 * Both instances sign checkpoints with one key: what is signed is read from the
 * database, so an entry signed by one is not signed again by the other.
 */
static void test_checkpoints_once(void **state)
{
    (void)state;
    http_session admin;
    http_bearer(&admin, A.token);
    resp r;
    send_to(&r, &B, &admin, "POST", "/api/v1/context-issues", ISSUE, NULL);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
    long long last = server_db_int(&A, "SELECT max(seq) FROM isms_change_log");
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM isms_log_checkpoint WHERE seq = %lld", last);
    double deadline = server_now() + 20;
    while (server_db_int(&A, sql) < 1 && server_now() < deadline)
        server_sleep_ms(50);
    assert_int_equal(server_db_int(&A, sql), 1);
    server_sleep_ms(2500); /* more than two ticks of each: nobody signs it again */
    assert_int_equal(server_db_int(&A, sql), 1);
    assert_int_equal(
        server_db_int(&A, "SELECT count(*) - count(DISTINCT seq) FROM isms_log_checkpoint"), 0);
    char out[8192];
    const char *verify[] = {"--db", A.db, "log", "verify", "--public-key", PUBLIC_KEY, NULL};
    int rc = server_run_isms(verify, SERVER_RUN_SECONDS, out, sizeof(out));
    if (rc != 0)
        print_error("isms log verify: %d\n%s\n", rc, out);
    assert_int_equal(rc, 0);
    TEXT_HAS(out, "signatures verified");
}

/* Both stop cleanly, nothing from a sanitizer. */
static void test_stop(void **state)
{
    (void)state;
    stop_one(&B);
    stop_one(&A);
}

int main(int argc, char **argv)
{
    const char *driver = argc > 1 ? argv[1] : "postgres";
    if (strcmp(driver, "postgres") != 0 || !server_driver_available(driver)) {
        fprintf(stderr, "%s: two instances need PostgreSQL (ISMS_TEST_PG_URL); skipped\n", driver);
        return 77; /* meson: skipped */
    }
    server_set_driver(driver);
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 1;
    // clang-format off
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_on_both),
        cmocka_unit_test(test_disabled_on_both),
        cmocka_unit_test(test_totp_required_on_both),
        cmocka_unit_test(test_token_revoked_on_both),
        cmocka_unit_test(test_concurrent_updates),
        cmocka_unit_test(test_checkpoints_once),
        cmocka_unit_test(test_stop),
    };
    // clang-format on
    int failed = cmocka_run_group_tests_name("instances", tests, group_setup, group_teardown);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
