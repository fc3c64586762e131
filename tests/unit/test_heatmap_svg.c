/*
 * The heat map's SVG (report/heatmap_svg.c): one cell per matrix cell, filled
 * with its level's colour, holding its count, linking to its filtered list;
 * the text colour that contrasts; hostile labels escaped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "report/heatmap_svg.h"
#include "util/arena.h"

static size_t occurrences(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* The 3x3 preset, with counts n[l-1][i-1] = 10 * l + i. */
static void draw(const char *json, bool residual, strbuf *out, arena *a)
{
    isms_status st;
    status_clear(&st);
    risk_method *m = arena_alloc(a, sizeof(*m));
    assert_true(risk_method_parse(json, a, m, &st));
    store_heat *heat = arena_alloc(a, sizeof(*heat));
    memset(heat, 0, sizeof(*heat));
    for (int l = 1; l <= m->nlikelihood; l++)
        for (int i = 1; i <= m->nimpact; i++) {
            heat->count[l - 1][i - 1] = 10 * l + i;
            heat->total += 10 * l + i;
        }
    heatmap h = {.method = m, .method_id = 7, .residual = residual, .heat = heat};
    heatmap_svg(out, &h);
}

static void test_cells_fill_count_link(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    strbuf b;
    strbuf_init(&b, 1 << 20);
    const char *json = risk_method_preset(3);
    draw(json, false, &b, &a);
    isms_status st;
    status_clear(&st);
    risk_method m;
    assert_true(risk_method_parse(json, &a, &m, &st));
    assert_int_equal(occurrences(b.ptr, "<a class=\"heat-cell\""), 9);
    assert_int_equal(occurrences(b.ptr, "<title>"), 9);
    for (int l = 1; l <= 3; l++)
        for (int i = 1; i <= 3; i++) {
            char want[512];
            const risk_level *lv = risk_method_level_def(&m, risk_method_level(&m, l, i));
            snprintf(want, sizeof(want),
                     "href=\"/risks?likelihood=%d&amp;impact=%d&amp;method=RM-7\" "
                     "data-likelihood=\"%d\" data-impact=\"%d\" data-count=\"%d\">",
                     l, i, l, i, 10 * l + i);
            assert_non_null(strstr(b.ptr, want));
            /* The cell's rect and count follow its link, with the level's colour. */
            const char *cell = strstr(b.ptr, want);
            const char *end = strstr(cell, "</a>");
            snprintf(want, sizeof(want), "fill=\"%s\"", lv->colour);
            const char *fill = strstr(cell, want);
            assert_true(fill && fill < end);
            snprintf(want, sizeof(want), "fill=\"%s\">%d</text>",
                     heatmap_text_colour(lv->colour), 10 * l + i);
            const char *count = strstr(cell, want);
            assert_true(count && count < end);
        }
    /* Highest likelihood on top: the first cell drawn is (3, 1). */
    assert_true(strstr(b.ptr, "data-likelihood=\"3\" data-impact=\"1\"") <
                strstr(b.ptr, "data-likelihood=\"1\" data-impact=\"1\""));
    assert_non_null(strstr(b.ptr, "role=\"group\" aria-label=\"Current risk heat map: 198 risks"));
    strbuf_reset(&b);
    draw(json, true, &b, &a);
    assert_non_null(strstr(b.ptr, "href=\"/risks?residual_likelihood=2&amp;residual_impact=3&amp;"
                                  "method=RM-7\""));
    assert_non_null(strstr(b.ptr, "<title>Residual likelihood "));
    strbuf_dispose(&b);
    arena_dispose(&a);
}

static void test_text_contrast(void **state)
{
    (void)state;
    assert_string_equal(heatmap_text_colour("#C62828"), "#FFFFFF");
    assert_string_equal(heatmap_text_colour("#2E7D32"), "#FFFFFF");
    assert_string_equal(heatmap_text_colour("#F9A825"), "#000000");
    assert_string_equal(heatmap_text_colour("#FFFFFF"), "#000000");
    assert_string_equal(heatmap_text_colour("#000000"), "#FFFFFF");
}

static void test_hostile_labels_escaped(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    strbuf b;
    strbuf_init(&b, 1 << 20);
    const char *json =
        "{\"likelihood\":[{\"label\":\"<script>alert(1)</script>\",\"description\":\"\"},"
        "{\"label\":\"High & \\\"quoted\\\"\",\"description\":\"\"}],"
        "\"impact\":[{\"label\":\"</text><a href='x'>\",\"description\":\"\"},"
        "{\"label\":\"Big\",\"description\":\"\"}],"
        "\"levels\":[{\"label\":\"<b>Low</b>\",\"colour\":\"#2E7D32\",\"acceptance\":\"accept\","
        "\"management_signs\":false},{\"label\":\"High\",\"colour\":\"#C62828\","
        "\"acceptance\":\"treat\",\"management_signs\":false}],"
        "\"matrix\":[[1,1],[1,2]],\"basis\":\"current\",\"management_exception\":false,"
        "\"interval_months\":12,\"triggers\":[]}";
    draw(json, false, &b, &a);
    assert_null(strstr(b.ptr, "<script"));
    assert_null(strstr(b.ptr, "<b>"));
    assert_null(strstr(b.ptr, "href='x'"));
    assert_non_null(strstr(b.ptr, "&lt;script&gt;alert(1)&lt;/script&gt;</text>"));
    assert_non_null(strstr(b.ptr, "High &amp; &quot;quoted&quot;"));
    assert_non_null(strstr(b.ptr, ": &lt;b&gt;Low&lt;/b&gt;, 11 risks</title>"));
    strbuf_dispose(&b);
    arena_dispose(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cells_fill_count_link),
        cmocka_unit_test(test_text_contrast),
        cmocka_unit_test(test_hostile_labels_escaped),
    };
    return cmocka_run_group_tests_name("heatmap_svg", tests, NULL, NULL);
}
