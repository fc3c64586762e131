/*
 * The risk register's views over HTTP, on the real server (`isms serve`,
 * ISMS_BIN) with the 5x5 preset method (RM-1): heat maps (JSON and SVG) with
 * exact counts per cell after creating, re-scoring and retiring risks; the
 * flags; the overdue treatment actions as their status and due date change;
 * bad parameters; the heat maps and flags on the pages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/http.h"
#include "../support/server.h"

static test_server SRV;
static CURL *EASY;

/* One request with the administrator's token (admin, manager); body NULL sends none. */
static void req(resp *r, const char *method, const char *path, const char *body)
{
    http_headers h = {0};
    if (body)
        http_header(&h, "Content-Type: application/json");
    http_header(&h, "Authorization: Bearer %s", SRV.token);
    http_client c = {.base = SRV.url, .easy = EASY};
    http_send(r, &c, method, path, body, body ? strlen(body) : 0, h.line);
}

/* Send and expect a status; the response is freed. */
static void expect(const char *method, const char *path, const char *body, long status)
{
    resp r;
    req(&r, method, path, body);
    CHECK_STATUS(&r, status);
    resp_free(&r);
}

static json_t *cell_of(json_t *map, int l, int i)
{
    size_t k;
    json_t *c;
    json_array_foreach(json_object_get(map, "cells"), k, c)
    {
        if (json_integer_value(json_object_get(c, "likelihood")) == l &&
            json_integer_value(json_object_get(c, "impact")) == i)
            return c;
    }
    fail_msg("no cell %d,%d", l, i);
    return NULL;
}

/* The count of cell (l, i) of the heat map on basis; checks the whole map's total too. */
static long long count_at(const char *basis, int l, int i, long long *total)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/risks/heatmap?basis=%s", basis);
    resp r;
    req(&r, "GET", path, NULL);
    CHECK_STATUS(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "cells")), 25);
    long long n = json_integer_value(json_object_get(cell_of(r.json, l, i), "count"));
    if (total)
        *total = json_integer_value(json_object_get(r.json, "total"));
    resp_free(&r);
    return n;
}

static long long db_int(const char *sql)
{
    return server_db_int(&SRV, sql);
}

static int group_setup(void **state)
{
    (void)state;
    memset(&SRV, 0, sizeof(SRV));
    server_set_risk_preset("5");
    EASY = curl_easy_init();
    if (!EASY || !server_start(&SRV, NULL))
        return -1;
    resp r;
    req(&r, "POST", "/api/v1/people", "{\"name\":\"Ann Owner\"}");
    bool ok = r.status == 201;
    resp_free(&r);
    return ok ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    server_cleanup(&SRV);
    curl_easy_cleanup(EASY);
    return 0;
}

/* RSK-1 (5,4 Very high, untreated), RSK-2 (5,4, residual 2,2), RSK-3 (1,1 Low). */
static void test_heatmap_counts(void **state)
{
    (void)state;
    resp r;
    req(&r, "GET", "/api/v1/risks/heatmap", NULL);
    CHECK_STATUS(&r, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "method")), "RM-1");
    assert_string_equal(json_string_value(json_object_get(r.json, "basis")), "current");
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 0);
    json_t *c = cell_of(r.json, 5, 4);
    assert_string_equal(json_string_value(json_object_get(c, "label")), "Very high");
    assert_string_equal(json_string_value(json_object_get(c, "colour")), "#C62828");
    assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "likelihood"),
                                                         4)),
                        "Almost certain");
    resp_free(&r);

    expect("POST", "/api/v1/risks",
           "{\"title\":\"R1\",\"owner\":\"PER-1\",\"likelihood\":5,\"impact\":4}", 201);
    expect("POST", "/api/v1/risks",
           "{\"title\":\"R2\",\"owner\":\"PER-1\",\"likelihood\":5,\"impact\":4,"
           "\"treatment\":\"modify\",\"residual_likelihood\":2,\"residual_impact\":2}",
           201);
    expect("POST", "/api/v1/risks",
           "{\"title\":\"R3\",\"owner\":\"PER-1\",\"likelihood\":1,\"impact\":1}", 201);
    long long total;
    assert_int_equal(count_at("current", 5, 4, &total), 2);
    assert_int_equal(total, 3);
    assert_int_equal(count_at("current", 1, 1, NULL), 1);
    assert_int_equal(count_at("current", 2, 2, NULL), 0);
    assert_int_equal(count_at("residual", 2, 2, &total), 1);
    assert_int_equal(total, 1);

    /* A re-score moves the risk from one cell to the other. */
    expect("PATCH", "/api/v1/risks/RSK-3", "{\"version\":1,\"likelihood\":3,\"impact\":2}", 200);
    assert_int_equal(count_at("current", 1, 1, NULL), 0);
    assert_int_equal(count_at("current", 3, 2, &total), 1);
    assert_int_equal(total, 3);

    /* A retired risk leaves the map. */
    expect("POST", "/api/v1/risks/RSK-3/retire", "{\"version\":2,\"reason\":\"merged\"}", 200);
    assert_int_equal(count_at("current", 3, 2, &total), 0);
    assert_int_equal(total, 2);
}

static void test_heatmap_svg(void **state)
{
    (void)state;
    resp r;
    req(&r, "GET", "/api/v1/risks/heatmap.svg", NULL);
    CHECK_STATUS(&r, 200);
    assert_non_null(strstr(r.content_type, "image/svg+xml"));
    BODY_HAS(&r, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
    BODY_HAS(&r, "role=\"group\""); /* its cells are links: not an img (axe: nested-interactive) */
    BODY_HAS(&r, "aria-label=\"Current risk heat map: 2 risks by likelihood and impact\"");
    BODY_HAS(&r, "viewBox=\"0 0 ");
    /* The cell of (5, 4): its link, its count, the level's colour and a readable text. */
    BODY_HAS(&r, "<a class=\"heat-cell\" href=\"/risks?likelihood=5&amp;impact=4&amp;"
                 "method=RM-1\" data-likelihood=\"5\" data-impact=\"4\" data-count=\"2\">"
                 "<title>Likelihood Almost certain, impact Major: Very high, 2 risks</title>");
    BODY_HAS(&r, "fill=\"#C62828\" stroke=\"#FFFFFF\" stroke-width=\"2\"/><text x=\"444\" "
                 "y=\"30\" text-anchor=\"middle\" dominant-baseline=\"central\" "
                 "font-size=\"12\" fill=\"#FFFFFF\">2</text>");
    /* (1, 1) is Low (green); (3, 3) Medium, amber with black text. */
    BODY_HAS(&r, "data-likelihood=\"1\" data-impact=\"1\" data-count=\"0\">");
    BODY_HAS(&r, "fill=\"#F9A825\" stroke=\"#FFFFFF\" stroke-width=\"2\"/><text x=\"192\" "
                 "y=\"30\" text-anchor=\"middle\" dominant-baseline=\"central\" "
                 "font-size=\"12\" fill=\"#000000\">0</text>");
    resp_free(&r);
    req(&r, "GET", "/api/v1/risks/heatmap.svg?basis=residual", NULL);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "href=\"/risks?residual_likelihood=2&amp;residual_impact=2&amp;method=RM-1\" "
                 "data-likelihood=\"2\" data-impact=\"2\" data-count=\"1\">");
    resp_free(&r);
}

static void test_bad_parameters(void **state)
{
    (void)state;
    static const struct {
        const char *path, *field;
    } bad[] = {
        {"/api/v1/risks/heatmap?basis=foo", "basis"},
        {"/api/v1/risks/heatmap.svg?basis=", "basis"},
        {"/api/v1/risks/heatmap?basis=current&basis=residual", "basis"},
        {"/api/v1/risks/heatmap?colour=red", "colour"},
        {"/api/v1/risks/flags?x=1", "x"},
        {"/api/v1/risk-actions/overdue?limit=0", "limit"},
        {"/api/v1/risk-actions/overdue?limit=201", "limit"},
        {"/api/v1/risk-actions/overdue?cursor=nonsense", "cursor"},
    };
    long long log_before = db_int("SELECT COUNT(*) FROM isms_change_log");
    assert_true(log_before > 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        resp r;
        req(&r, "GET", bad[i].path, NULL);
        CHECK_STATUS(&r, 400);
        json_t *e = json_array_get(json_object_get(r.json, "errors"), 0);
        assert_non_null(e);
        assert_string_equal(json_string_value(json_object_get(e, "field")), bad[i].field);
        resp_free(&r);
    }
    assert_int_equal(db_int("SELECT COUNT(*) FROM isms_change_log"), log_before);
}

/* The ids of a flag in GET /api/v1/risks/flags, joined by commas, and its count. */
static long long flag(const char *name, char *ids, size_t size)
{
    resp r;
    req(&r, "GET", "/api/v1/risks/flags", NULL);
    CHECK_STATUS(&r, 200);
    size_t k;
    json_t *f;
    long long count = -1;
    ids[0] = '\0';
    json_array_foreach(json_object_get(r.json, "flags"), k, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "flag")), name) != 0)
            continue;
        count = json_integer_value(json_object_get(f, "count"));
        size_t j;
        json_t *id;
        json_array_foreach(json_object_get(f, "risks"), j, id)
        {
            if (j)
                strncat(ids, ",", size - strlen(ids) - 1);
            strncat(ids, json_string_value(id), size - strlen(ids) - 1);
        }
    }
    assert_int_equal(json_array_size(json_object_get(r.json, "flags")), 5);
    resp_free(&r);
    return count;
}

static long long overdue_total(char *first, size_t size)
{
    resp r;
    req(&r, "GET", "/api/v1/risk-actions/overdue", NULL);
    CHECK_STATUS(&r, 200);
    long long n = json_integer_value(json_object_get(r.json, "total"));
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal((long long)json_array_size(items), n);
    snprintf(first, size, "%s",
             n ? json_string_value(json_object_get(json_array_get(items, 0), "id")) : "");
    resp_free(&r);
    return n;
}

static void test_flags_and_overdue(void **state)
{
    (void)state;
    char ids[256], first[32];
    assert_int_equal(flag("untreated", ids, sizeof(ids)), 1);
    assert_string_equal(ids, "RSK-1");
    assert_int_equal(flag("reassess", ids, sizeof(ids)), 0);
    assert_int_equal(flag("acceptance-expired", ids, sizeof(ids)), 0);
    assert_int_equal(overdue_total(first, sizeof(first)), 0);

    /* Due in the past: overdue; due in the future: not. */
    expect("POST", "/api/v1/risk-actions",
           "{\"title\":\"Patch\",\"owner\":\"PER-1\",\"due_date\":\"2020-01-02\","
           "\"risks\":[\"RSK-2\"]}",
           201);
    expect("POST", "/api/v1/risk-actions",
           "{\"title\":\"Later\",\"owner\":\"PER-1\",\"due_date\":\"2099-01-01\","
           "\"risks\":[\"RSK-2\"]}",
           201);
    expect("POST", "/api/v1/risk-actions",
           "{\"title\":\"Older\",\"owner\":\"PER-1\",\"due_date\":\"2019-05-01\","
           "\"status\":\"in-progress\"}",
           201);
    assert_int_equal(overdue_total(first, sizeof(first)), 2);
    assert_string_equal(first, "RTA-3"); /* the oldest due first */

    /* Paging: one a page, the cursor leads to the second. */
    resp r;
    req(&r, "GET", "/api/v1/risk-actions/overdue?limit=1", NULL);
    CHECK_STATUS(&r, 200);
    const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
    assert_non_null(next);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/risk-actions/overdue?limit=1&cursor=%s", next);
    resp_free(&r);
    req(&r, "GET", path, NULL);
    CHECK_STATUS(&r, 200);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0),
                                          "id")),
        "RTA-1");
    assert_true(json_is_null(json_object_get(r.json, "next_cursor")));
    resp_free(&r);

    /* Done is no longer overdue; a later due date neither. */
    expect("PATCH", "/api/v1/risk-actions/RTA-3", "{\"version\":1,\"status\":\"done\"}", 200);
    assert_int_equal(overdue_total(first, sizeof(first)), 1);
    assert_string_equal(first, "RTA-1");
    expect("PATCH", "/api/v1/risk-actions/RTA-1", "{\"version\":1,\"due_date\":\"2098-01-01\"}",
           200);
    assert_int_equal(overdue_total(first, sizeof(first)), 0);
    expect("PATCH", "/api/v1/risk-actions/RTA-1", "{\"version\":2,\"due_date\":\"2020-01-02\"}",
           200);
    assert_int_equal(overdue_total(first, sizeof(first)), 1);

    /* Choosing a treatment lifts the untreated flag. */
    expect("PATCH", "/api/v1/risks/RSK-1", "{\"version\":1,\"treatment\":\"avoid\"}", 200);
    assert_int_equal(flag("untreated", ids, sizeof(ids)), 0);
    assert_string_equal(ids, "");
}

/* Flags the hooks of other features set (acceptance) are read from the columns as stored. */
static void test_flags_from_stored_state(void **state)
{
    (void)state;
    char ids[256];
    /* The acceptance workflow sets these; here they are set in the database directly. */
    assert_true(server_db_exec(&SRV, "UPDATE risk SET acceptance = 'accepted', accepted_until "
                                     "= '2021-01-01' WHERE id = 1"));
    assert_true(server_db_exec(&SRV, "UPDATE risk SET acceptance = 'accepted', accepted_until "
                                     "= '2099-01-01' WHERE id = 2"));
    assert_int_equal(flag("acceptance-expired", ids, sizeof(ids)), 1);
    assert_string_equal(ids, "RSK-1");
    /* RSK-2 is accepted and its action RTA-1 is overdue. */
    assert_int_equal(flag("accepted-actions-overdue", ids, sizeof(ids)), 1);
    assert_string_equal(ids, "RSK-2");
    assert_true(server_db_exec(&SRV, "UPDATE risk SET acceptance = 'invalidated' WHERE id = 1"));
    assert_int_equal(flag("acceptance-invalidated", ids, sizeof(ids)), 1);
    assert_string_equal(ids, "RSK-1");
    assert_int_equal(flag("acceptance-expired", ids, sizeof(ids)), 0);
    assert_true(server_db_exec(&SRV, "UPDATE risk SET reassess = 1 WHERE id = 2"));
    assert_int_equal(flag("reassess", ids, sizeof(ids)), 1);
    assert_string_equal(ids, "RSK-2");
}

static void test_pages(void **state)
{
    (void)state;
    resp r;
    req(&r, "GET", "/risks", NULL);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "<figure class=\"heatmap-figure\" id=\"heatmap-current\">");
    BODY_HAS(&r, "<figure class=\"heatmap-figure\" id=\"heatmap-residual\">");
    BODY_HAS(&r, "data-likelihood=\"5\" data-impact=\"4\" data-count=\"2\"");
    resp_free(&r);

    req(&r, "GET", "/", NULL);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "id=\"home-heatmap\"");
    BODY_HAS(&r, "<section class=\"card\" id=\"overdue-actions\">");
    BODY_HAS(&r, ">RTA-1</a> Patch <span class=\"badge badge-warn\">due 2020-01-02</span>");
    BODY_HAS(&r, "data-flag=\"acceptance-invalidated\"");
    BODY_HAS(&r, "data-flag=\"accepted-actions-overdue\"");
    resp_free(&r);

    /* The cell's link is the list of exactly its risks. */
    req(&r, "GET", "/risks?likelihood=5&impact=4&method=RM-1", NULL);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, ">RSK-1</a>");
    BODY_HAS(&r, ">RSK-2</a>");
    BODY_LACKS(&r, ">RSK-3</a>");
    resp_free(&r);
}

static void test_untreated_badge(void **state)
{
    (void)state;
    expect("POST", "/api/v1/risks",
           "{\"title\":\"R4\",\"owner\":\"PER-1\",\"likelihood\":4,\"impact\":5}", 201);
    resp r;
    req(&r, "GET", "/risks", NULL);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, ">R4</a> <span class=\"badge badge-danger flag-untreated\">Needs "
                 "treatment</span>");
    resp_free(&r);
    /* Without a sort parameter the list runs by level, highest first: RSK-6 before RSK-5. */
    expect("POST", "/api/v1/risks",
           "{\"title\":\"R5\",\"owner\":\"PER-1\",\"likelihood\":1,\"impact\":1}", 201);
    expect("POST", "/api/v1/risks",
           "{\"title\":\"R6\",\"owner\":\"PER-1\",\"likelihood\":5,\"impact\":5,"
           "\"treatment\":\"avoid\"}",
           201);
    req(&r, "GET", "/risks", NULL);
    CHECK_STATUS(&r, 200);
    const char *r5 = strstr(r.body, ">RSK-5</a>"), *r6 = strstr(r.body, ">RSK-6</a>");
    assert_non_null(r5);
    assert_non_null(r6);
    assert_true(r6 < r5);
    resp_free(&r);
    /* An explicit sort still wins. */
    req(&r, "GET", "/risks?sort=id", NULL);
    CHECK_STATUS(&r, 200);
    assert_true(strstr(r.body, ">RSK-5</a>") < strstr(r.body, ">RSK-6</a>"));
    resp_free(&r);
}

static void test_stop(void **state)
{
    (void)state;
    assert_int_equal(server_stop(&SRV, SIGTERM), 0);
    assert_false(server_sanitizer_report(&SRV));
}

int main(int argc, char **argv)
{
    int skip = server_driver_from_args(argc, argv); /* sqlite or postgres */
    if (skip)
        return skip;
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heatmap_counts),   cmocka_unit_test(test_heatmap_svg),
        cmocka_unit_test(test_bad_parameters),   cmocka_unit_test(test_flags_and_overdue),
        cmocka_unit_test(test_flags_from_stored_state), cmocka_unit_test(test_pages),
        cmocka_unit_test(test_untreated_badge),  cmocka_unit_test(test_stop),
    };
    int failed = cmocka_run_group_tests_name("risk-heat", tests, group_setup, group_teardown);
    curl_global_cleanup();
    return failed;
}
