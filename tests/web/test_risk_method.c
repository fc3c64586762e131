/*
 * The risk method's pages and API routes over HTTP against the real server
 * (`isms serve`, started with the 5x5 preset as RM-1): the page of the method
 * in force, the grid editor with its presets and resizing, a refused grid
 * (each defect at its control, nothing stored: risk_method rows counted), a
 * saved version, a resize with a mapping (the risks carried over, checked
 * through the API) and without one (the risks marked to reassess), and GET
 * /api/v1/risk-method and /api/v1/risk-method/presets/{size}.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/http.h"
#include "../support/server.h"

static test_server SRV;
static CURL *EASY;
static http_session SESSION = {.csrf_header = true}; /* the administrator's pages */
static http_session API;                              /* the administrator's token */

static void request(resp *r, http_session *s, const char *method, const char *path,
                    const char *body, const char *content_type)
{
    http_headers h = {0};
    http_header(&h, "Expect:");
    if (content_type)
        http_header(&h, "Content-Type: %s", content_type);
    if (body && s == &SESSION)
        http_header(&h, "Origin: %s", SRV.url);
    http_credentials(&h, s);
    http_client c = {.base = SRV.url, .easy = EASY};
    http_send(r, &c, method, path, body, body ? strlen(body) : 0, h.line);
}

static void get(resp *r, const char *path)
{
    request(r, &SESSION, "GET", path, NULL, NULL);
}

static void api(resp *r, const char *method, const char *path, const char *json)
{
    request(r, &API, method, path, json, json ? "application/json" : NULL);
}

static long long methods(void)
{
    return server_db_int(&SRV, "SELECT count(*) FROM risk_method");
}

/* --- a form body from a method document ------------------------------------- */

static void add(buf *b, const char *key, const char *value)
{
    char *k = curl_easy_escape(EASY, key, 0), *v = curl_easy_escape(EASY, value, 0);
    buf_addf(b, "%s%s=%s", b->len ? "&" : "", k, v);
    curl_free(k);
    curl_free(v);
}

static void addf(buf *b, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void addf(buf *b, const char *key, const char *fmt, ...)
{
    char v[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof(v), fmt, ap);
    va_end(ap);
    add(b, key, v);
}

static void add_scale(buf *b, const char *name, json_t *scale)
{
    size_t k;
    json_t *e;
    json_array_foreach(scale, k, e)
    {
        char key[64];
        snprintf(key, sizeof(key), "%s[%zu].label", name, k);
        add(b, key, json_string_value(json_object_get(e, "label")));
        snprintf(key, sizeof(key), "%s[%zu].description", name, k);
        add(b, key, json_string_value(json_object_get(e, "description")));
    }
}

/* The editor's form as a browser posts it for method d (no map; add it after). */
static void form_of(buf *b, json_t *d, const char *title)
{
    json_t *l = json_object_get(d, "likelihood"), *i = json_object_get(d, "impact"),
           *lv = json_object_get(d, "levels"), *m = json_object_get(d, "matrix");
    memset(b, 0, sizeof(*b));
    add(b, "csrf", SESSION.csrf);
    addf(b, "likelihood_levels", "%zu", json_array_size(l));
    addf(b, "impact_levels", "%zu", json_array_size(i));
    addf(b, "risk_levels", "%zu", json_array_size(lv));
    add_scale(b, "likelihood", l);
    add_scale(b, "impact", i);
    size_t k;
    json_t *e;
    json_array_foreach(lv, k, e)
    {
        char key[64];
        snprintf(key, sizeof(key), "levels[%zu].label", k);
        add(b, key, json_string_value(json_object_get(e, "label")));
        snprintf(key, sizeof(key), "levels[%zu].colour", k);
        add(b, key, json_string_value(json_object_get(e, "colour")));
        snprintf(key, sizeof(key), "levels[%zu].acceptance", k);
        add(b, key, json_string_value(json_object_get(e, "acceptance")));
        if (json_is_true(json_object_get(e, "management_signs"))) {
            snprintf(key, sizeof(key), "levels[%zu].management_signs", k);
            add(b, key, "on");
        }
    }
    for (size_t r = 0; r < json_array_size(m); r++)
        for (size_t c = 0; c < json_array_size(json_array_get(m, r)); c++) {
            char key[64];
            snprintf(key, sizeof(key), "matrix[%zu][%zu]", r, c);
            addf(b, key, "%lld",
                 (long long)json_integer_value(json_array_get(json_array_get(m, r), c)));
        }
    add(b, "basis", json_string_value(json_object_get(d, "basis")));
    if (json_is_true(json_object_get(d, "management_exception"))) {
        add(b, "management_exception", "on");
        addf(b, "exception_max_days", "%lld",
             (long long)json_integer_value(json_object_get(d, "exception_max_days")));
    }
    addf(b, "interval_months", "%lld",
         (long long)json_integer_value(json_object_get(d, "interval_months")));
    json_array_foreach(json_object_get(d, "triggers"), k, e)
        add(b, "triggers[]", json_string_value(e));
    add(b, "title", title);
    add(b, "note", "changed by the test");
}

/* The definition of preset size, from the API (a new reference). */
static json_t *preset(int size)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/risk-method/presets/%d", size);
    resp r;
    api(&r, "GET", path, NULL);
    CHECK_STATUS(&r, 200);
    json_t *d = json_incref(json_object_get(r.json, "definition"));
    resp_free(&r);
    assert_non_null(d);
    return d;
}

static void post_method(resp *r, const buf *b)
{
    request(r, &SESSION, "POST", "/risk-method/edit", b->p, HTTP_FORM_TYPE);
}

/* A refused form: 422, each needle in the body, nothing stored. */
static void refused(json_t *d, const char *extra_key, const char *extra_value,
                    const char *const *needles)
{
    long long before = methods();
    buf b;
    form_of(&b, d, "Refused version");
    if (extra_key)
        add(&b, extra_key, extra_value);
    resp r;
    post_method(&r, &b);
    CHECK_STATUS(&r, 422);
    BODY_HAS(&r, "rm-errors");
    for (size_t k = 0; needles[k]; k++)
        BODY_HAS(&r, needles[k]);
    resp_free(&r);
    free(b.p);
    assert_int_equal(methods(), before);
}

/* --- setup ------------------------------------------------------------------ */

static int group_setup(void **state)
{
    (void)state;
    memset(&SRV, 0, sizeof(SRV));
    server_set_risk_preset("5");
    if (!server_start(&SRV, NULL))
        return -1;
    EASY = curl_easy_init();
    http_client c = {.base = SRV.url, .easy = EASY};
    resp r;
    long status = http_login(&r, &c, &SESSION, SRV.admin, SRV.password);
    resp_free(&r);
    SESSION.csrf_header = false; /* forms carry the token as their csrf field */
    http_bearer(&API, SRV.token);
    if (status != 303 || !http_read_csrf(&c, &SESSION, "/"))
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (EASY)
        curl_easy_cleanup(EASY);
    EASY = NULL;
    server_cleanup(&SRV);
    return 0;
}

static void test_stop(void **state)
{
    (void)state;
    int rc = server_stop(&SRV, SIGTERM);
    assert_int_equal(rc, 0);
    assert_false(server_sanitizer_report(&SRV));
}

/* --- the page of the method in force ---------------------------------------- */

static void test_page(void **state)
{
    (void)state;
    resp r;
    get(&r, "/risk-method");
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "<table class=\"risk-matrix\" id=\"risk-matrix\">");
    BODY_HAS(&r, "fill=\"#C62828\""); /* Very high, as an SVG fill: the CSP allows no style */
    BODY_HAS(&r, "5 Almost certain");
    BODY_HAS(&r, "Not expected to happen");
    BODY_HAS(&r, "The risk owner may accept it, giving a reason");
    BODY_HAS(&r, "Every 12 months, and after a significant change");
    BODY_HAS(&r, "Allowed, for at most 365 days");
    BODY_HAS(&r, "href=\"/risk-methods/RM-1\"");
    BODY_HAS(&r, "In force");
    BODY_HAS(&r, "href=\"/risk-method/edit\"");
    BODY_HAS(&r, ">Risk method in force</a>"); /* the navigation */
    BODY_LACKS(&r, "style=");
    resp_free(&r);
}

static void test_editor(void **state)
{
    (void)state;
    resp r;
    get(&r, "/risk-method/edit");
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "name=\"matrix[4][4]\"");
    BODY_HAS(&r, "type=\"color\" name=\"levels[3].colour\"");
    BODY_HAS(&r, "value=\"#C62828\"");
    BODY_HAS(&r, "name=\"levels[3].management_signs\"");
    BODY_HAS(&r, "name=\"triggers[]\" value=\"incident\" checked");
    BODY_HAS(&r, "Save as new version");
    BODY_LACKS(&r, "rm-map"); /* same sizes as the version in force: no mapping asked */
    resp_free(&r);
    get(&r, "/risk-method/edit?preset=3");
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "name=\"matrix[2][2]\"");
    BODY_LACKS(&r, "name=\"matrix[3][0]\"");
    BODY_HAS(&r, "id=\"rm-map\"");
    BODY_HAS(&r, "name=\"map_from_previous.likelihood[4]\"");
    BODY_HAS(&r, "0 risks in force will be marked to reassess");
    resp_free(&r);
    /* Resizing without JavaScript: a GET re-renders the grid. */
    get(&r, "/risk-method/edit?likelihood=6&impact=4&levels=4");
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "name=\"matrix[5][3]\"");
    BODY_LACKS(&r, "name=\"matrix[0][4]\"");
    BODY_HAS(&r, "value=\"Likelihood 6\"");
    resp_free(&r);
    static const char *const bad[] = {"likelihood=1", "impact=11", "levels=x", "preset=7",
                                      "colour=red"};
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        char path[64];
        snprintf(path, sizeof(path), "/risk-method/edit?%s", bad[k]);
        get(&r, path);
        CHECK_STATUS(&r, 422);
        BODY_HAS(&r, "rm-errors");
        char name[16];
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(bad[k], "="), bad[k]);
        BODY_HAS(&r, name);
        resp_free(&r);
    }
}

/* --- refused grids ---------------------------------------------------------- */

static void test_unordered_cell(void **state)
{
    (void)state;
    json_t *d = preset(5);
    /* Likelihood 5, impact 5 at Low: below both neighbours. */
    json_array_set_new(json_array_get(json_object_get(d, "matrix"), 4), 4, json_integer(1));
    static const char *const needles[] = {
        "<td class=\"has-error\"><select name=\"matrix[4][4]\" id=\"f-matrix-4-4\"",
        "is level 1, lower than level", "href=\"#f-matrix-4-4\"", NULL};
    refused(d, NULL, NULL, needles);
    json_decref(d);
}

static void test_bad_values(void **state)
{
    (void)state;
    json_t *d = preset(5);
    json_t *lv0 = json_array_get(json_object_get(d, "levels"), 0);
    json_object_set_new(lv0, "colour", json_string("red"));
    static const char *const colour[] = {"href=\"#f-levels-0-colour\"", "#RRGGBB", NULL};
    refused(d, NULL, NULL, colour);
    json_object_set_new(lv0, "colour", json_string("#2E7D32"));

    json_t *l0 = json_array_get(json_object_get(d, "likelihood"), 0);
    json_object_set_new(l0, "label", json_string(""));
    static const char *const blank[] = {"href=\"#f-likelihood-0-label\"", NULL};
    refused(d, NULL, NULL, blank);
    char long_label[80];
    memset(long_label, 'x', 61);
    long_label[61] = '\0';
    json_object_set_new(l0, "label", json_string(long_label));
    static const char *const too_long[] = {"likelihood[0].label", "at most 60", NULL};
    refused(d, NULL, NULL, too_long);
    json_object_set_new(l0, "label", json_string("Rare"));

    json_object_set_new(d, "interval_months", json_integer(61));
    static const char *const interval[] = {"href=\"#f-interval_months\"", NULL};
    refused(d, NULL, NULL, interval);
    json_object_set_new(d, "interval_months", json_integer(12));

    static const char *const one[] = {"likelihood_levels", "from 2 to 10", NULL};
    long long before = methods();
    buf b;
    form_of(&b, d, "");
    resp r;
    post_method(&r, &b); /* no title */
    CHECK_STATUS(&r, 422);
    BODY_HAS(&r, "href=\"#f-title\"");
    resp_free(&r);
    free(b.p);
    static const char *const sizes[] = {"1", "11"};
    for (int k = 0; k < 2; k++) {
        memset(&b, 0, sizeof(b));
        add(&b, "csrf", SESSION.csrf);
        add(&b, "likelihood_levels", sizes[k]);
        add(&b, "impact_levels", "5");
        add(&b, "risk_levels", "4");
        add(&b, "title", "Sizes");
        post_method(&r, &b);
        CHECK_STATUS(&r, 422);
        for (size_t n = 0; one[n]; n++)
            BODY_HAS(&r, one[n]);
        resp_free(&r);
        free(b.p);
    }
    assert_int_equal(methods(), before);
    json_decref(d);
}

/* --- saved versions --------------------------------------------------------- */

static void test_save_version(void **state)
{
    (void)state;
    json_t *d = preset(5);
    /* Likelihood 1, impact 4 from Medium down to Low: still ordered. */
    json_array_set_new(json_array_get(json_object_get(d, "matrix"), 0), 3, json_integer(1));
    buf b;
    form_of(&b, d, "Risk method 2027");
    resp r;
    post_method(&r, &b);
    CHECK_STATUS(&r, 303);
    assert_string_equal(r.location, "/risk-method?done=saved");
    resp_free(&r);
    free(b.p);
    assert_int_equal(methods(), 2);
    api(&r, "GET", "/api/v1/risk-method", NULL);
    CHECK_STATUS(&r, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "id")), "RM-2");
    json_t *m = json_object_get(json_object_get(r.json, "definition"), "matrix");
    assert_int_equal(json_integer_value(json_array_get(json_array_get(m, 0), 3)), 1);
    json_t *versions = json_object_get(json_object_get(r.json, "census"), "versions");
    assert_int_equal(json_array_size(versions), 2);
    assert_true(json_is_true(json_object_get(json_array_get(versions, 0), "in_force")));
    assert_true(json_is_false(json_object_get(json_array_get(versions, 1), "in_force")));
    resp_free(&r);
    json_decref(d);
}

static void add_risk(void)
{
    resp r;
    api(&r, "POST", "/api/v1/people", "{\"name\":\"Rita Owner\"}");
    CHECK_STATUS(&r, 201);
    char body[256];
    snprintf(body, sizeof(body),
             "{\"title\":\"Laptop stolen\",\"owner\":\"%s\",\"likelihood\":4,\"impact\":5}",
             json_string_value(json_object_get(r.json, "id")));
    resp_free(&r);
    api(&r, "POST", "/api/v1/risks", body);
    CHECK_STATUS(&r, 201);
    resp_free(&r);
}

static json_t *risk_one(void)
{
    resp r;
    api(&r, "GET", "/api/v1/risks/RSK-1", NULL);
    CHECK_STATUS(&r, 200);
    json_t *j = json_incref(r.json);
    resp_free(&r);
    return j;
}

static void test_resize_with_map(void **state)
{
    (void)state;
    add_risk();
    json_t *d = preset(3);
    buf b;
    form_of(&b, d, "Three by three");
    /* A map of one scale only is refused, nothing stored. */
    long long before = methods();
    buf half;
    form_of(&half, d, "Half a map");
    static const char *const lmap[] = {"1", "1", "2", "3", "3"};
    for (int k = 0; k < 5; k++) {
        char key[48];
        snprintf(key, sizeof(key), "map_from_previous.likelihood[%d]", k);
        add(&half, key, lmap[k]);
        add(&b, key, lmap[k]);
        snprintf(key, sizeof(key), "map_from_previous.impact[%d]", k);
        add(&b, key, lmap[k]);
    }
    resp r;
    post_method(&r, &half);
    CHECK_STATUS(&r, 422);
    BODY_HAS(&r, "map both scales");
    resp_free(&r);
    free(half.p);
    assert_int_equal(methods(), before);
    post_method(&r, &b);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    free(b.p);
    json_t *risk = risk_one();
    assert_int_equal(json_integer_value(json_object_get(risk, "likelihood")), 3); /* 4 -> 3 */
    assert_int_equal(json_integer_value(json_object_get(risk, "impact")), 3);     /* 5 -> 3 */
    assert_false(json_is_true(json_object_get(risk, "reassess")));
    assert_string_equal(json_string_value(json_object_get(risk, "method")), "RM-3");
    json_decref(risk);
    json_decref(d);
}

static void test_resize_without_map(void **state)
{
    (void)state;
    resp r;
    get(&r, "/risk-method/edit?preset=4");
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "1 risk in force will be marked to reassess");
    resp_free(&r);
    json_t *d = preset(4);
    buf b;
    form_of(&b, d, "Four by four");
    post_method(&r, &b);
    CHECK_STATUS(&r, 303);
    resp_free(&r);
    free(b.p);
    json_t *risk = risk_one();
    assert_true(json_is_true(json_object_get(risk, "reassess")));
    json_decref(risk);
    api(&r, "GET", "/api/v1/risk-method", NULL);
    CHECK_STATUS(&r, 200);
    json_t *census = json_object_get(r.json, "census");
    assert_int_equal(json_integer_value(json_object_get(census, "risks")), 1);
    assert_int_equal(json_integer_value(json_object_get(census, "to_reassess")), 1);
    resp_free(&r);
    get(&r, "/risk-method");
    BODY_HAS(&r, "href=\"/risks?reassess=true\">1 to reassess");
    resp_free(&r);
    json_decref(d);
}

/* --- the API routes --------------------------------------------------------- */

static void test_api_presets(void **state)
{
    (void)state;
    for (int size = 3; size <= 5; size++) {
        json_t *d = preset(size);
        assert_int_equal(json_array_size(json_object_get(d, "likelihood")), (size_t)size);
        assert_int_equal(json_array_size(json_object_get(d, "matrix")), (size_t)size);
        json_decref(d);
    }
    static const char *const bad[] = {"2", "6", "x", "55"};
    for (size_t k = 0; k < 4; k++) {
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/risk-method/presets/%s", bad[k]);
        resp r;
        api(&r, "GET", path, NULL);
        CHECK_STATUS(&r, 404);
        BODY_HAS(&r, "3, 4 and 5");
        resp_free(&r);
    }
    resp r;
    request(&r, &(http_session){0}, "GET", "/api/v1/risk-method", NULL, NULL);
    CHECK_STATUS(&r, 401);
    resp_free(&r);
}

/* The method is decided by the ISMS manager: a contributor reads it, and changes nothing. */
static void test_contributor_may_not_change_the_method(void **state)
{
    (void)state;
    assert_true(server_add_user(&SRV, "carl", "contributor", "carl's long password"));
    http_session carl = {0}, carl_api = {0};
    http_client c = {.base = SRV.url, .easy = EASY};
    resp r;
    assert_int_equal(http_login(&r, &c, &carl, "carl", "carl's long password"), 303);
    resp_free(&r);
    assert_true(http_read_csrf(&c, &carl, "/"));
    request(&r, &carl, "GET", "/risk-method", NULL, NULL);
    CHECK_STATUS(&r, 200);
    BODY_HAS(&r, "<table class=\"risk-matrix\"");
    BODY_LACKS(&r, "href=\"/risk-method/edit");
    resp_free(&r);
    request(&r, &carl, "GET", "/risk-method/edit", NULL, NULL);
    CHECK_STATUS(&r, 403);
    BODY_HAS(&r, "manager role");
    resp_free(&r);
    long long before = methods();
    json_t *d = preset(3);
    buf b = {0};
    char admin_csrf[sizeof(SESSION.csrf)];
    memcpy(admin_csrf, SESSION.csrf, sizeof(admin_csrf));
    memcpy(SESSION.csrf, carl.csrf, sizeof(admin_csrf)); /* form_of writes SESSION's token */
    form_of(&b, d, "Carl's own");
    memcpy(SESSION.csrf, admin_csrf, sizeof(admin_csrf));
    json_decref(d);
    request(&r, &carl, "POST", "/risk-method/edit", b.p, HTTP_FORM_TYPE);
    CHECK_STATUS(&r, 403);
    BODY_HAS(&r, "manager role");
    resp_free(&r);
    free(b.p);

    char token[128];
    assert_true(server_mint_token(&SRV, "carl", "owner", token, sizeof(token)));
    http_bearer(&carl_api, token);
    request(&r, &carl_api, "GET", "/api/v1/risk-method", NULL, NULL);
    CHECK_STATUS(&r, 200);
    resp_free(&r);
    d = preset(3);
    char *definition = json_dumps(d, 0); /* the API takes the method as JSON text */
    json_t *body = json_pack("{s:s, s:s}", "title", "Carl's own", "definition", definition);
    free(definition);
    char *text = json_dumps(body, 0);
    request(&r, &carl_api, "POST", "/api/v1/risk-methods", text, "application/json");
    CHECK_STATUS(&r, 403);
    BODY_HAS(&r, "manager role");
    resp_free(&r);
    free(text);
    json_decref(body);
    json_decref(d);
    assert_int_equal(methods(), before); /* nothing written */
}

int main(int argc, char **argv)
{
    int skip = server_driver_from_args(argc, argv);
    if (skip)
        return skip;
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page),           cmocka_unit_test(test_editor),
        cmocka_unit_test(test_unordered_cell), cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_save_version),   cmocka_unit_test(test_resize_with_map),
        cmocka_unit_test(test_resize_without_map), cmocka_unit_test(test_api_presets),
        cmocka_unit_test(test_contributor_may_not_change_the_method), cmocka_unit_test(test_stop),
    };
    int failed = cmocka_run_group_tests_name("risk-method", tests, group_setup, group_teardown);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
