/*
 * Unit tests for the escaping HTML writer (web/html.h): each escaper in its
 * context (text, attribute value, URL with the scheme allow-list, URL
 * component), control characters, bytes that are not UTF-8, NUL, long
 * inputs, and the capped buffer the writer appends to (the writer's only
 * failure: a full buffer, sticky, never half an entity).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "util/arena.h"
#include "web/form.h"
#include "web/html.h"

enum { BIG = 16u << 20 };

#define FFFD "\xEF\xBF\xBD"

/* --- helpers ------------------------------------------------------------ */

/* html_text of s into a fresh buffer; the result is malloc'd. */
static char *text_of(const char *s)
{
    strbuf b;
    strbuf_init(&b, BIG);
    html_text(&b, s);
    assert_true(strbuf_ok(&b));
    char *out = strdup(b.ptr);
    strbuf_dispose(&b);
    assert_non_null(out);
    return out;
}

/* html_textn of (s, len) into a fresh buffer; the result is malloc'd. */
static char *textn_of(const char *s, size_t len)
{
    strbuf b;
    strbuf_init(&b, BIG);
    html_textn(&b, s, len);
    assert_true(strbuf_ok(&b));
    char *out = strdup(b.ptr);
    strbuf_dispose(&b);
    assert_non_null(out);
    return out;
}

#define TEXT_IS(in, want) text_is((in), (want), __FILE__, __LINE__)
static void text_is(const char *in, const char *want, const char *file, int line)
{
    char *got = text_of(in);
    bool same = strcmp(got, want) == 0;
    if (!same)
        print_error("%s:%d: html_text(\"%s\") = \"%s\", expected \"%s\"\n", file, line, in, got,
                    want);
    free(got); /* before _fail, which does not return */
    if (!same)
        _fail(file, line);
}

#define TEXTN_IS(in, len, want) textn_is((in), (len), (want), __FILE__, __LINE__)
static void textn_is(const char *in, size_t len, const char *want, const char *file, int line)
{
    char *got = textn_of(in, len);
    bool same = strcmp(got, want) == 0;
    if (!same)
        print_error("%s:%d: html_textn(%zu bytes) = \"%s\", expected \"%s\"\n", file, line, len,
                    got, want);
    free(got);
    if (!same)
        _fail(file, line);
}

/*
 * Whether escaped output s is safe in text and in a double-quoted attribute:
 * no < > " ', every & starts one of the entities the writer uses, no C0
 * control other than tab, line feed and carriage return, no DEL, no C1
 * control (U+0080 to U+009F, C2 80 to C2 9F in UTF-8).
 */
static bool safe_output(const char *s, size_t len, char *why, size_t size)
{
    static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '<' || c == '>' || c == '"' || c == '\'') {
            snprintf(why, size, "raw '%c' at byte %zu", c, i);
            return false;
        }
        if (c == '&') {
            bool known = false;
            for (size_t e = 0; e < sizeof(entities) / sizeof(entities[0]); e++)
                known |= strncmp(s + i, entities[e], strlen(entities[e])) == 0;
            if (!known) {
                snprintf(why, size, "bare '&' at byte %zu", i);
                return false;
            }
        }
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
            snprintf(why, size, "control 0x%02X at byte %zu", c, i);
            return false;
        }
        if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F) {
            snprintf(why, size, "C1 control C2 %02X at byte %zu", (unsigned char)s[i + 1], i);
            return false;
        }
    }
    return true;
}

#define ASSERT_SAFE(s, len) assert_safe((s), (len), __FILE__, __LINE__)
static void assert_safe(const char *s, size_t len, const char *file, int line)
{
    char why[96];
    if (!safe_output(s, len, why, sizeof(why))) {
        print_error("%s:%d: unsafe output (%s): %.200s\n", file, line, why, s);
        _fail(file, line);
    }
}

/* A deterministic byte generator (xorshift), so failures reproduce. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* --- html_text ------------------------------------------------------------ */

static void test_text_plain_unchanged(void **state)
{
    (void)state;
    TEXT_IS("", "");
    TEXT_IS("Supplier lock-in", "Supplier lock-in");
    TEXT_IS("a;b:c=d/e?f#g%h", "a;b:c=d/e?f#g%h");
    TEXT_IS("\t\n\r", "\t\n\r"); /* the three controls HTML allows stay */
    TEXT_IS("line one\nline two", "line one\nline two");
}

static void test_text_escapes_each_special(void **state)
{
    (void)state;
    TEXT_IS("&", "&amp;");
    TEXT_IS("<", "&lt;");
    TEXT_IS(">", "&gt;");
    TEXT_IS("\"", "&quot;");
    TEXT_IS("'", "&#39;");
    TEXT_IS("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    TEXT_IS("\"><img src=x onerror='alert(1)'>",
            "&quot;&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;");
    TEXT_IS("Tom & Jerry's \"show\" <b>", "Tom &amp; Jerry&#39;s &quot;show&quot; &lt;b&gt;");
    /* An entity in the input is text, not an entity: it is escaped again. */
    TEXT_IS("&amp;&lt;&#39;", "&amp;amp;&amp;lt;&amp;#39;");
    /* Runs between specials and at both ends are kept. */
    TEXT_IS("<<a>>", "&lt;&lt;a&gt;&gt;");
    TEXT_IS("x&", "x&amp;");
    TEXT_IS("&x", "&amp;x");
}

static void test_text_null_writes_nothing(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 64);
    html_lit(&b, "[");
    html_text(&b, NULL);
    html_lit(&b, "]");
    assert_string_equal(b.ptr, "[]");
    assert_true(strbuf_ok(&b));
    strbuf_dispose(&b);
}

static void test_text_utf8_kept(void **state)
{
    (void)state;
    TEXT_IS("Übergabe – Größe", "Übergabe – Größe");
    TEXT_IS("日本語 · 中文", "日本語 · 中文");
    TEXT_IS("\xF0\x9F\x94\x92 lock", "\xF0\x9F\x94\x92 lock"); /* U+1F512 */
    TEXT_IS("\xC2\xA0", "\xC2\xA0");                           /* NBSP is not C1 */
    TEXT_IS("\xC2\xBF?", "\xC2\xBF?");                         /* the end of C2 xx */
    TEXT_IS("\xE2\x80\xA8", "\xE2\x80\xA8");                   /* U+2028: text */
}

static void test_text_controls_replaced(void **state)
{
    (void)state;
    /* Every C0 control other than tab, LF and CR, and DEL, becomes U+FFFD. */
    for (unsigned c = 1; c < 0x20; c++) {
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        char in[4] = {'a', (char)c, 'b', '\0'};
        TEXT_IS(in, "a" FFFD "b");
    }
    TEXT_IS("a\177b", "a" FFFD "b");
    TEXT_IS("\x1B[31mred", FFFD "[31mred"); /* a terminal escape */
    TEXT_IS("\x0C\x0B", FFFD FFFD);
}

static void test_text_c1_controls_replaced(void **state)
{
    (void)state;
    for (unsigned c = 0x80; c <= 0x9F; c++) {
        char in[5] = {'a', '\xC2', (char)c, 'b', '\0'};
        TEXT_IS(in, "a" FFFD "b");
    }
    TEXT_IS("\xC2\x85\xC2\x85", FFFD FFFD); /* NEL twice: two characters, two replacements */
    TEXT_IS("\xC2\xA0\xC2\x9F", "\xC2\xA0" FFFD);
}

static void test_textn_nul_and_length(void **state)
{
    (void)state;
    /* html_textn takes a length: a NUL inside is a control and is replaced, not an end. */
    TEXTN_IS("a\0b", 3, "a" FFFD "b");
    TEXTN_IS("\0", 1, FFFD);
    TEXTN_IS("<b>", 0, "");
    TEXTN_IS("<b>tail", 3, "&lt;b&gt;");
    /* html_text stops at the first NUL. */
    TEXT_IS("a\0<b>", "a");
    /* A C2 as the last byte of the given length is not joined with the byte after it. */
    TEXTN_IS("x\xC2\x85", 2, "x\xC2");
}

static void test_text_invalid_utf8_never_markup(void **state)
{
    (void)state;
    /*
     * The writer does not validate UTF-8 (stored text was validated on input),
     * but a byte that is not UTF-8 must never hide or become markup: the
     * specials after it are still escaped and nothing else is lost.
     */
    static const char *const cases[] = {
        "\xC2<script>",           /* a lead byte right before '<' */
        "\xE0\x80<b>",            /* a cut three-byte sequence */
        "\xC0\xBCscript\xC0\xBE", /* an overlong '<' and '>' */
        "\xFF\xFE\"'&",           /* bytes that are never UTF-8 */
        "\xED\xA0\x80<",          /* a surrogate */
        "\xF4\x90\x80\x80>",      /* past U+10FFFF */
        "\xC2",                   /* a lead byte at the very end */
        "\x80\x9F",               /* lone continuation bytes (C1 values, no C2) */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = text_of(cases[i]);
        ASSERT_SAFE(out, strlen(out));
        /* Every ASCII letter of the input survives, in order. */
        const char *o = out;
        for (const char *p = cases[i]; *p; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
                o = strchr(o, *p);
                assert_non_null(o);
                o++;
            }
        }
        free(out);
    }
    char *out = text_of("\xC2<script>");
    assert_non_null(strstr(out, "&lt;script&gt;"));
    free(out);
}

static void test_text_every_byte_safe(void **state)
{
    (void)state;
    /* Each byte alone, then each byte between specials, then each pair of bytes. */
    for (unsigned c = 0; c < 256; c++) {
        char one[1] = {(char)c};
        char *out = textn_of(one, 1);
        ASSERT_SAFE(out, strlen(out));
        free(out);
        char mid[3] = {'<', (char)c, '>'};
        out = textn_of(mid, 3);
        ASSERT_SAFE(out, strlen(out));
        assert_memory_equal(out, "&lt;", 4);
        assert_string_equal(out + strlen(out) - 4, "&gt;");
        free(out);
        for (unsigned d = 0; d < 256; d++) {
            char two[2] = {(char)c, (char)d};
            out = textn_of(two, 2);
            ASSERT_SAFE(out, strlen(out));
            free(out);
        }
    }
}

static void test_text_random_inputs_safe(void **state)
{
    (void)state;
    uint32_t seed = 0x1234567u;
    char in[512];
    for (int round = 0; round < 2000; round++) {
        size_t len = next_random(&seed) % sizeof(in);
        for (size_t i = 0; i < len; i++) {
            /* Bias towards the interesting bytes. */
            static const char specials[] = "<>&\"'\xC2\x85\x9F\x7F\x01\t\n";
            uint32_t r = next_random(&seed);
            in[i] = r % 3 == 0 ? specials[(r >> 8) % (sizeof(specials) - 1)] : (char)(r >> 16);
        }
        char *out = textn_of(in, len);
        ASSERT_SAFE(out, strlen(out));
        free(out);
    }
}

static void test_text_long_input(void **state)
{
    (void)state;
    /* 1 MiB of '<' becomes 4 MiB of "&lt;"; 1 MiB of plain text stays as it is. */
    size_t n = 1u << 20;
    char *in = malloc(n + 1);
    assert_non_null(in);
    memset(in, '<', n);
    in[n] = '\0';
    strbuf b;
    strbuf_init(&b, BIG);
    html_text(&b, in);
    assert_true(strbuf_ok(&b));
    assert_int_equal(b.len, 4 * n);
    for (size_t i = 0; i < b.len; i += 4)
        assert_memory_equal(b.ptr + i, "&lt;", 4);
    strbuf_reset(&b);
    memset(in, 'x', n);
    html_text(&b, in);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.ptr, in, n);
    strbuf_dispose(&b);
    free(in);
}

/* --- the capped buffer: the writer's failure path ------------------------- */

static void test_cap_never_half_an_entity(void **state)
{
    (void)state;
    /*
     * Every cap from 0 to past the full length: the contents are a prefix of the
     * full output that ends where a piece (a run of plain text or one escape)
     * ends, never inside an entity or inside U+FFFD.
     */
    const char *in = "ab<c&d\"e'f\x01gh\xC2\x85i";
    static const char *const pieces[] = {"ab",    "&lt;", "c",  "&amp;", "d",  "&quot;", "e",
                                         "&#39;", "f",    FFFD, "gh",    FFFD, "i"};
    enum { NPIECES = sizeof(pieces) / sizeof(pieces[0]) };
    char full[256] = "";
    size_t ends[NPIECES + 1] = {0};
    for (size_t i = 0; i < NPIECES; i++) {
        strcat(full, pieces[i]);
        ends[i + 1] = strlen(full);
    }
    size_t full_len = strlen(full);
    for (size_t cap = 0; cap <= full_len + 1; cap++) {
        strbuf b;
        strbuf_init(&b, cap);
        html_text(&b, in);
        assert_true(b.len <= cap);
        assert_int_equal(strlen(b.ptr), b.len); /* NUL-terminated */
        assert_memory_equal(b.ptr, full, b.len);
        assert_int_equal(strbuf_ok(&b), cap >= full_len);
        bool on_boundary = false;
        for (size_t i = 0; i <= NPIECES; i++)
            on_boundary |= b.len == ends[i];
        if (!on_boundary)
            fail_msg("cap %zu: cut inside a piece: '%s'", cap, b.ptr);
        /* The longest prefix of whole pieces that fits is written. */
        size_t fits = 0;
        for (size_t i = 0; i <= NPIECES; i++)
            if (ends[i] <= cap)
                fits = ends[i];
        assert_int_equal(b.len, fits);
        /* Sticky: once refused, later appends are ignored, even ones that would fit. */
        if (!strbuf_ok(&b)) {
            size_t before = b.len;
            html_text(&b, "");
            html_textn(&b, "", 0);
            html_attr(&b, "x", "");
            html_lit(&b, "");
            assert_int_equal(b.len, before);
            assert_false(strbuf_ok(&b));
        }
        strbuf_dispose(&b);
    }
}

static void test_cap_zero_and_sticky(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 0);
    html_text(&b, "x");
    assert_false(strbuf_ok(&b));
    assert_string_equal(b.ptr, "");
    html_attr(&b, "title", "");
    html_attr_int(&b, "n", 1);
    assert_false(html_url_attr(&b, "href", "javascript:x"));
    assert_true(html_url_attr(&b, "href", "/ok")); /* the answer does not depend on room */
    url_encode_component(&b, "a b");
    html_int(&b, 42);
    assert_int_equal(b.len, 0);
    assert_false(strbuf_ok(&b));
    strbuf_reset(&b); /* clears the error */
    assert_true(strbuf_ok(&b));
    strbuf_dispose(&b);

    /*
     * A full buffer keeps what fitted and flags the rest: the output is then
     * incomplete (an open quote here), which is why a caller must check strbuf_ok.
     */
    strbuf_init(&b, 8);
    html_attr(&b, "href", "/a");
    assert_false(strbuf_ok(&b));
    assert_string_equal(b.ptr, " href=\"");
    strbuf_dispose(&b);
}

/* --- html_int, html_attr, html_attr_int, html_lit -------------------------- */

static void test_int(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 256);
    html_int(&b, 0);
    html_lit(&b, " ");
    html_int(&b, -1);
    html_lit(&b, " ");
    html_int(&b, INT64_MAX);
    html_lit(&b, " ");
    html_int(&b, INT64_MIN);
    assert_string_equal(b.ptr, "0 -1 9223372036854775807 -9223372036854775808");
    strbuf_dispose(&b);
}

#define ATTR_IS(name, value, want) attr_is((name), (value), (want), __FILE__, __LINE__)
static void attr_is(const char *name, const char *value, const char *want, const char *file,
                    int line)
{
    strbuf b;
    strbuf_init(&b, 4096);
    html_attr(&b, name, value);
    if (strcmp(b.ptr, want) != 0) {
        print_error("%s:%d: html_attr(%s, %s) = '%s', expected '%s'\n", file, line, name,
                    value ? value : "NULL", b.ptr, want);
        strbuf_dispose(&b);
        _fail(file, line);
    }
    strbuf_dispose(&b);
}

static void test_attr(void **state)
{
    (void)state;
    ATTR_IS("value", "plain", " value=\"plain\"");
    ATTR_IS("value", "", " value=\"\"");
    ATTR_IS("value", NULL, " value=\"\"");
    ATTR_IS("title", "a\"b", " title=\"a&quot;b\"");
    ATTR_IS("title", "\" onmouseover=\"alert(1)", " title=\"&quot; onmouseover=&quot;alert(1)\"");
    ATTR_IS("title", "' onfocus='x", " title=\"&#39; onfocus=&#39;x\"");
    ATTR_IS("value", "<>&", " value=\"&lt;&gt;&amp;\"");
    ATTR_IS("value", "a\001b\177", " value=\"a" FFFD "b" FFFD "\"");
    ATTR_IS("value", "line\nbreak\ttab", " value=\"line\nbreak\ttab\"");
    ATTR_IS("value", "Größe 日本", " value=\"Größe 日本\"");
    ATTR_IS("aria-describedby", "f-title-hint f-title-error",
            " aria-describedby=\"f-title-hint f-title-error\"");
    ATTR_IS("data-x1", "v", " data-x1=\"v\"");
}

static void test_attr_name_cannot_break_out(void **state)
{
    (void)state;
    /* Names are the program's own, yet a bad one must not open a new attribute or tag. */
    ATTR_IS("a\"b", "v", " ab=\"v\"");
    ATTR_IS("x onclick", "v", " xonclick=\"v\"");
    ATTR_IS("x><script", "v", " xscript=\"v\"");
    ATTR_IS("x=y", "v", " xy=\"v\"");
    ATTR_IS("x'", "v", " x=\"v\"");
    ATTR_IS("", "v", " =\"v\"");
}

static void test_attr_int(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 256);
    html_attr_int(&b, "value", 3);
    html_attr_int(&b, "maxlength", 200);
    html_attr_int(&b, "n", -42);
    html_attr_int(&b, "max", INT64_MAX);
    html_attr_int(&b, "min", INT64_MIN);
    assert_string_equal(b.ptr, " value=\"3\" maxlength=\"200\" n=\"-42\""
                               " max=\"9223372036854775807\" min=\"-9223372036854775808\"");
    strbuf_dispose(&b);
}

static void test_lit(void **state)
{
    (void)state;
    strbuf b;
    strbuf_init(&b, 256);
    html_lit(&b, "<p class=\"x\">");
    html_lit(&b, "");
    html_lit(&b, "a"
                 "b"); /* concatenated literals are one literal */
    html_lit_either(&b, 1, "<yes>", "<no>");
    html_lit_either(&b, 0, "<yes>", "<no>");
    html_lit(&b, "\xC2\xB7"); /* multi-byte literal: its full size, not up to a NUL */
    assert_string_equal(b.ptr, "<p class=\"x\">ab<yes><no>\xC2\xB7");
    assert_int_equal(b.len, strlen(b.ptr));
    strbuf_dispose(&b);
}

/* --- URLs ------------------------------------------------------------------ */

static const char *const ALLOWED[] = {
    "/",
    "/context-issues",
    "/context-issues/ISS-3",
    "/context-issues?sort=-id&q=a%20b&origin=internal",
    "/static/style.css?v=0123456789abcdef",
    "/a//b",             /* a double slash later in the path is a path */
    "/%2F/evil.example", /* an encoded slash is no authority */
    "?q=1",
    "?",
    "#",
    "#f-title",
    "#main",
    "http://example.com",
    "https://example.com/path?x=1#y",
    "HTTPS://EXAMPLE.COM/",
    "Http://example.com",
    "mailto:ciso@example.com",
    "MAILTO:ciso@example.com",
    "mailto:a@b.c?subject=Hi%20there",
};

static const char *const REFUSED[] = {
    "",
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "/\\evil.example", /* browsers read /\ as // */
    "\\\\evil.example",
    "/path\\with\\backslashes",
    "https:\\\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "JAVASCRIPT:alert(1)",
    "javascript://comment%0Aalert(1)",
    "java\tscript:alert(1)", /* browsers drop tab, LF and CR inside a URL */
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    " javascript:alert(1)", /* leading space and controls are stripped by browsers */
    "\tjavascript:alert(1)",
    "\x01javascript:alert(1)",
    "\x1Fjavascript:alert(1)",
    "javascript\x7F:alert(1)",
    "/ok\x01", /* a control anywhere, even after an allowed start */
    "/ok\n",
    "#frag\t",
    "https://ok.example/\r\n",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.com",
    "blob:https://example.com/uuid",
    "about:blank",
    "&#106;avascript:alert(1)", /* entities are not decoded, but do not start with / either */
    "%6Aavascript:alert(1)",
    "context-issues", /* relative paths are not written by the program */
    "./x",
    "../x",
    "example.com",
    "http", /* a prefix of a scheme is not the scheme */
    "https",
    "mailto",
    "http//example.com",
    "\xEF\xBB\xBFjavascript:alert(1)", /* a BOM before the scheme */
    "\xC2\xA0javascript:alert(1)",
};

static void test_url_allowed_list(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(ALLOWED) / sizeof(ALLOWED[0]); i++)
        if (!html_url_allowed(ALLOWED[i]))
            fail_msg("refused, should be allowed: '%s'", ALLOWED[i]);
    for (size_t i = 0; i < sizeof(REFUSED) / sizeof(REFUSED[0]); i++)
        if (html_url_allowed(REFUSED[i]))
            fail_msg("allowed, should be refused: '%s'", REFUSED[i]);
    assert_false(html_url_allowed(NULL));
}

static void test_url_attr_writes_hash_when_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(REFUSED) / sizeof(REFUSED[0]); i++) {
        strbuf b;
        strbuf_init(&b, 4096);
        assert_false(html_url_attr(&b, "href", REFUSED[i]));
        assert_string_equal(b.ptr, " href=\"#\"");
        strbuf_dispose(&b);
    }
    strbuf b;
    strbuf_init(&b, 4096);
    assert_false(html_url_attr(&b, "src", NULL));
    assert_string_equal(b.ptr, " src=\"#\"");
    strbuf_dispose(&b);
}

#define URL_ATTR_IS(name, url, want) url_attr_is((name), (url), (want), __FILE__, __LINE__)
static void url_attr_is(const char *name, const char *url, const char *want, const char *file,
                        int line)
{
    strbuf b;
    strbuf_init(&b, 4096);
    bool ok = html_url_attr(&b, name, url);
    if (!ok || strcmp(b.ptr, want) != 0) {
        print_error("%s:%d: html_url_attr(%s, %s) = %d '%s', expected '%s'\n", file, line, name,
                    url, ok, b.ptr, want);
        strbuf_dispose(&b);
        _fail(file, line);
    }
    strbuf_dispose(&b);
}

static void test_url_attr_escapes_allowed(void **state)
{
    (void)state;
    URL_ATTR_IS("href", "/context-issues", " href=\"/context-issues\"");
    URL_ATTR_IS("href", "/context-issues?sort=-id&q=x",
                " href=\"/context-issues?sort=-id&amp;q=x\"");
    URL_ATTR_IS("action", "/context-issues/ISS-3/retire",
                " action=\"/context-issues/ISS-3/retire\"");
    URL_ATTR_IS("src", "/static/app.js?v=1", " src=\"/static/app.js?v=1\"");
    URL_ATTR_IS("href", "#f-title", " href=\"#f-title\"");
    /* An allowed URL still cannot leave its attribute. */
    URL_ATTR_IS("href", "/x\" onclick=\"alert(1)", " href=\"/x&quot; onclick=&quot;alert(1)\"");
    URL_ATTR_IS("href", "/x'><script>", " href=\"/x&#39;&gt;&lt;script&gt;\"");
    URL_ATTR_IS("href", "https://example.com/?a=1&b=<2>",
                " href=\"https://example.com/?a=1&amp;b=&lt;2&gt;\"");
    URL_ATTR_IS("href", "mailto:a@b.c", " href=\"mailto:a@b.c\"");
    URL_ATTR_IS("href", "/Größe", " href=\"/Größe\"");
}

static void test_url_long(void **state)
{
    (void)state;
    size_t n = 1u << 20;
    char *url = malloc(n + 1);
    assert_non_null(url);
    memset(url, 'a', n);
    url[0] = '/';
    url[n] = '\0';
    assert_true(html_url_allowed(url));
    url[n - 1] = '\x01'; /* the control at the very end is still found */
    assert_false(html_url_allowed(url));
    url[n - 1] = '\\';
    assert_false(html_url_allowed(url));
    free(url);
}

/* --- url_encode_component ----------------------------------------------- */

#define ENC_IS(in, want) enc_is((in), (want), __FILE__, __LINE__)
static void enc_is(const char *in, const char *want, const char *file, int line)
{
    strbuf b;
    strbuf_init(&b, 1u << 20);
    url_encode_component(&b, in);
    if (strcmp(b.ptr, want) != 0) {
        print_error("%s:%d: url_encode_component('%s') = '%s', expected '%s'\n", file, line, in,
                    b.ptr, want);
        strbuf_dispose(&b);
        _fail(file, line);
    }
    strbuf_dispose(&b);
}

static void test_encode_unreserved_kept(void **state)
{
    (void)state;
    ENC_IS("", "");
    ENC_IS("ABCXYZabcxyz0189-_.~", "ABCXYZabcxyz0189-_.~");
    ENC_IS("ISS-3", "ISS-3");
    ENC_IS("-id", "-id");
}

static void test_encode_reserved(void **state)
{
    (void)state;
    ENC_IS(" ", "%20"); /* not '+': a component may be a path segment */
    ENC_IS("+", "%2B");
    ENC_IS("&", "%26");
    ENC_IS("=", "%3D");
    ENC_IS("?", "%3F");
    ENC_IS("/", "%2F");
    ENC_IS("#", "%23");
    ENC_IS("%", "%25");
    ENC_IS(":", "%3A");
    ENC_IS("@", "%40");
    ENC_IS(";", "%3B");
    ENC_IS(",", "%2C");
    ENC_IS("\"", "%22");
    ENC_IS("'", "%27");
    ENC_IS("<>", "%3C%3E");
    ENC_IS("\\", "%5C");
    ENC_IS("[]{}|^`!$()*", "%5B%5D%7B%7D%7C%5E%60%21%24%28%29%2A");
    ENC_IS("\t\n\r\x01\x7F", "%09%0A%0D%01%7F");
    ENC_IS("a b&c=d", "a%20b%26c%3Dd");
    ENC_IS("javascript:alert(1)", "javascript%3Aalert%281%29");
}

static void test_encode_utf8_bytes(void **state)
{
    (void)state;
    ENC_IS("é", "%C3%A9");
    ENC_IS("日", "%E6%97%A5");
    ENC_IS("\xF0\x9F\x94\x92", "%F0%9F%94%92");
    ENC_IS("Größe", "Gr%C3%B6%C3%9Fe");
    ENC_IS("\xFF\xFE\x80", "%FF%FE%80"); /* not UTF-8: each byte all the same */
}

static void test_encode_every_byte(void **state)
{
    (void)state;
    /* Every byte: kept if unreserved, else %XX with upper-case hex; output is always safe. */
    for (unsigned c = 1; c < 256; c++) {
        char in[2] = {(char)c, '\0'};
        strbuf b;
        strbuf_init(&b, 16);
        url_encode_component(&b, in);
        bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
        if (unreserved) {
            assert_string_equal(b.ptr, in);
        } else {
            char want[4];
            snprintf(want, sizeof(want), "%%%02X", c);
            assert_string_equal(b.ptr, want);
        }
        ASSERT_SAFE(b.ptr, b.len);
        strbuf_dispose(&b);
    }
}

static void test_encode_round_trip_through_form(void **state)
{
    (void)state;
    /* What the pages encode, the form decoder reads back unchanged. */
    static const char *const values[] = {
        "a b",         "x+y",  "50%",         "a&b=c", "Größe · 日本 \xF0\x9F\x94\x92",
        "<script>'\"", "~-_.", "line\nbreak",
    };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        strbuf b;
        strbuf_init(&b, 4096);
        strbuf_puts(&b, "k=");
        url_encode_component(&b, values[i]);
        arena a;
        arena_init(&a);
        form_data *f = arena_alloc(&a, sizeof(*f));
        isms_status st;
        status_clear(&st);
        assert_int_equal(form_decode(b.ptr, b.len, &a, f, &st), ISMS_OK);
        assert_int_equal(f->n, 1);
        assert_string_equal(f->keys[0], "k");
        assert_string_equal(f->values[0], values[i]);
        arena_dispose(&a);
        strbuf_dispose(&b);
    }
}

static void test_encode_long(void **state)
{
    (void)state;
    size_t n = 100000;
    char *in = malloc(n + 1);
    assert_non_null(in);
    memset(in, ' ', n);
    in[n] = '\0';
    strbuf b;
    strbuf_init(&b, 3 * n);
    url_encode_component(&b, in);
    assert_true(strbuf_ok(&b));
    assert_int_equal(b.len, 3 * n);
    /* One byte short: refused, sticky, and never half an escape. */
    strbuf_dispose(&b);
    strbuf_init(&b, 3 * n - 1);
    url_encode_component(&b, in);
    assert_false(strbuf_ok(&b));
    assert_int_equal(b.len % 3, 0); /* it stops between escapes */
    assert_int_equal(b.len, 3 * n - 3);
    strbuf_dispose(&b);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_plain_unchanged),
        cmocka_unit_test(test_text_escapes_each_special),
        cmocka_unit_test(test_text_null_writes_nothing),
        cmocka_unit_test(test_text_utf8_kept),
        cmocka_unit_test(test_text_controls_replaced),
        cmocka_unit_test(test_text_c1_controls_replaced),
        cmocka_unit_test(test_textn_nul_and_length),
        cmocka_unit_test(test_text_invalid_utf8_never_markup),
        cmocka_unit_test(test_text_every_byte_safe),
        cmocka_unit_test(test_text_random_inputs_safe),
        cmocka_unit_test(test_text_long_input),
        cmocka_unit_test(test_cap_never_half_an_entity),
        cmocka_unit_test(test_cap_zero_and_sticky),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_attr),
        cmocka_unit_test(test_attr_name_cannot_break_out),
        cmocka_unit_test(test_attr_int),
        cmocka_unit_test(test_lit),
        cmocka_unit_test(test_url_allowed_list),
        cmocka_unit_test(test_url_attr_writes_hash_when_refused),
        cmocka_unit_test(test_url_attr_escapes_allowed),
        cmocka_unit_test(test_url_long),
        cmocka_unit_test(test_encode_unreserved_kept),
        cmocka_unit_test(test_encode_reserved),
        cmocka_unit_test(test_encode_utf8_bytes),
        cmocka_unit_test(test_encode_every_byte),
        cmocka_unit_test(test_encode_round_trip_through_form),
        cmocka_unit_test(test_encode_long),
    };
    return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
