/*
 * The second factor without a server: RFC 6238 test vectors (Appendix B,
 * SHA-1), the window of one step either side, replay refusal, the otpauth
 * URI, recovery codes (shape, normalizing, hashing, one use each, through a
 * real store), enrolment, and the QR code's SVG: well-formed, and holding
 * exactly the modules of the symbol libqrencode made, with the quiet zone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "core/mfa.h"
#include "core/totp.h"
#include "web/qr_svg.h"

static const unsigned char RFC_KEY[] = "12345678901234567890";
#define RFC_SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" /* base32 of the 20 ASCII bytes */

static void test_rfc6238_vectors(void **state)
{
    (void)state;
    static const struct {
        int64_t t;
        const char *code;
    } v[] = {
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char out[9];
        assert_true(totp_generate(RFC_KEY, 20, v[i].t, 8, out));
        assert_string_equal(out, v[i].code);
    }
    /* Six digits are the last six of the same number. */
    char six[9];
    assert_true(totp_generate(RFC_KEY, 20, 59, 6, six));
    assert_string_equal(six, "287082");
    assert_false(totp_generate(RFC_KEY, 20, 59, 5, six));
    /* The base32 form decodes to the key. */
    unsigned char key[TOTP_KEY_MAX];
    size_t len = 0;
    assert_true(totp_secret_decode(RFC_SECRET, key, &len));
    assert_int_equal(len, 20);
    assert_memory_equal(key, RFC_KEY, 20);
    assert_false(totp_secret_decode("not base32!", key, &len));
}

static void code_at(int64_t t, char out[9])
{
    assert_true(totp_generate(RFC_KEY, 20, t, 6, out));
}

static void test_window_and_replay(void **state)
{
    (void)state;
    const int64_t now = 1111111111; /* step 37037037 */
    int64_t step = 0;
    char c[9];
    code_at(now, c);
    assert_int_equal(totp_check(RFC_SECRET, c, now, 0, &step), TOTP_MATCH);
    assert_int_equal(step, totp_step_of(now));
    /* Spaces as apps show them ("287 082") are fine. */
    char spaced[12];
    snprintf(spaced, sizeof(spaced), "%.3s %s", c, c + 3);
    assert_int_equal(totp_check(RFC_SECRET, spaced, now, 0, &step), TOTP_MATCH);
    /* One step either side is accepted, two are not. */
    code_at(now - 30, c);
    assert_int_equal(totp_check(RFC_SECRET, c, now, 0, &step), TOTP_MATCH);
    assert_int_equal(step, totp_step_of(now) - 1);
    code_at(now + 30, c);
    assert_int_equal(totp_check(RFC_SECRET, c, now, 0, &step), TOTP_MATCH);
    assert_int_equal(step, totp_step_of(now) + 1);
    code_at(now - 60, c);
    assert_int_equal(totp_check(RFC_SECRET, c, now, 0, &step), TOTP_WRONG);
    code_at(now + 60, c);
    assert_int_equal(totp_check(RFC_SECRET, c, now, 0, &step), TOTP_WRONG);
    /* Replay: a step at or before the last accepted one is refused. */
    code_at(now, c);
    assert_int_equal(totp_check(RFC_SECRET, c, now, totp_step_of(now), &step), TOTP_REPLAYED);
    code_at(now - 30, c);
    assert_int_equal(totp_check(RFC_SECRET, c, now, totp_step_of(now), &step), TOTP_REPLAYED);
    code_at(now + 30, c);
    assert_int_equal(totp_check(RFC_SECRET, c, now, totp_step_of(now), &step), TOTP_MATCH);
    /* Not codes at all. */
    assert_int_equal(totp_check(RFC_SECRET, "", now, 0, &step), TOTP_WRONG);
    assert_int_equal(totp_check(RFC_SECRET, "12345", now, 0, &step), TOTP_WRONG);
    assert_int_equal(totp_check(RFC_SECRET, "1234567", now, 0, &step), TOTP_WRONG);
    assert_int_equal(totp_check(RFC_SECRET, "12a456", now, 0, &step), TOTP_WRONG);
    assert_true(totp_is_code("123 456"));
    assert_false(totp_is_code("ABCD-EFGH"));
}

static void test_secret_and_uri(void **state)
{
    (void)state;
    char a[TOTP_SECRET_TEXT + 1], b[TOTP_SECRET_TEXT + 1];
    totp_secret_new(a);
    totp_secret_new(b);
    assert_int_equal(strlen(a), 32);
    assert_string_not_equal(a, b);
    unsigned char key[TOTP_KEY_MAX];
    size_t len;
    assert_true(totp_secret_decode(a, key, &len));
    assert_int_equal(len, TOTP_SECRET_BYTES);
    strbuf uri;
    strbuf_init(&uri, 1024);
    totp_uri(&uri, "Anna Müller:x&y", "ABC");
    assert_string_equal(uri.ptr, "otpauth://totp/isms:Anna%20M%C3%BCller%3Ax%26y?secret=ABC&"
                                 "issuer=isms&algorithm=SHA1&digits=6&period=30");
    strbuf_dispose(&uri);
}

static void test_recovery_codes(void **state)
{
    (void)state;
    char code[TOTP_RECOVERY_TEXT + 1], other[TOTP_RECOVERY_TEXT + 1];
    totp_recovery_new(code);
    totp_recovery_new(other);
    assert_int_equal(strlen(code), 19);
    assert_string_not_equal(code, other);
    for (size_t i = 0; i < 19; i++)
        assert_true(i % 5 == 4 ? code[i] == '-'
                               : (code[i] >= 'A' && code[i] <= 'Z') ||
                                     (code[i] >= '2' && code[i] <= '7'));
    char n1[TOTP_RECOVERY_CHARS + 1], n2[TOTP_RECOVERY_CHARS + 1];
    assert_true(totp_recovery_normalize("abcd-efgh-ijkl-mnop", n1));
    assert_true(totp_recovery_normalize("ABCD EFGH IJKLMNOP", n2));
    assert_string_equal(n1, "ABCDEFGHIJKLMNOP");
    assert_string_equal(n1, n2);
    assert_false(totp_recovery_normalize("ABCD-EFGH-IJKL-MNO", n1));   /* short */
    assert_false(totp_recovery_normalize("ABCD-EFGH-IJKL-MNOPQ", n1)); /* long */
    assert_false(totp_recovery_normalize("ABCD-EFGH-IJKL-MN01", n1));  /* 0, 1: not base32 */
    char h[TOTP_HASH_LEN + 1];
    totp_recovery_hash("ABCDEFGHIJKLMNOP", h);
    assert_int_equal(strlen(h), 64);
    assert_string_not_equal(h, "ABCDEFGHIJKLMNOP");
}

/* --- through a store: enrolment, replay and recovery codes kept in the database --- */

typedef struct env {
    store *s;
    char url[512];
    int64_t user;
    char secret[TOTP_SECRET_TEXT + 1];
    char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_TEXT + 1];
    const char *code;
    int64_t now;
    mfa_outcome out;
} env;

static isms_err do_user(store_txn *t, void *arg, isms_status *st)
{
    env *e = arg;
    store_user u = {.name = "mia", .roles = 1, .password_hash = "$argon2id$x"};
    isms_err r = store_user_insert(t, &u, st);
    e->user = u.id;
    return r;
}

static isms_err do_begin(store_txn *t, void *arg, isms_status *st)
{
    env *e = arg;
    return mfa_enrol_begin(t, e->user, e->secret, st);
}

static isms_err do_confirm(store_txn *t, void *arg, isms_status *st)
{
    env *e = arg;
    return mfa_enrol_confirm(t, e->user, "mia", "test", e->code, "code", e->now, e->codes, st);
}

static isms_err do_verify(store_txn *t, void *arg, isms_status *st)
{
    env *e = arg;
    return mfa_verify(t, e->user, "mia", "test", "unit", e->code, true, e->now, &e->out, st);
}

static isms_err write(env *e, store_write_fn fn)
{
    isms_status st;
    status_clear(&st);
    isms_write_ctx ctx;
    write_ctx_init(&ctx, "mia", "cli");
    return store_write(e->s, &ctx, fn, e, &st);
}

static mfa_outcome verify(env *e, const char *code, int64_t now)
{
    e->code = code;
    e->now = now;
    assert_int_equal(write(e, do_verify), ISMS_OK);
    return e->out;
}

static void code_of(const char *secret, int64_t t, char out[9])
{
    unsigned char key[TOTP_KEY_MAX];
    size_t len;
    assert_true(totp_secret_decode(secret, key, &len));
    assert_true(totp_generate(key, len, t, 6, out));
}

static void test_enrol_verify_replay_recovery(void **state)
{
    (void)state;
    env *e = calloc(1, sizeof(*e));
    assert_non_null(e);
    e->s = fixture_store_open("sqlite", e->url, sizeof(e->url));
    assert_int_equal(write(e, do_user), ISMS_OK);
    const int64_t t0 = 1800000000;
    char c[9];
    /* Without a second factor, nothing passes. */
    assert_int_equal(verify(e, "123456", t0), MFA_NONE);
    assert_int_equal(write(e, do_begin), ISMS_OK);
    assert_int_equal(verify(e, "123456", t0), MFA_NONE); /* not confirmed yet */
    /* A wrong first code leaves the enrolment waiting; the right one confirms it. */
    e->code = "000000";
    e->now = t0;
    code_of(e->secret, t0, c);
    if (strcmp(c, "000000") != 0)
        assert_int_equal(write(e, do_confirm), ISMS_EINVALID);
    e->code = c;
    assert_int_equal(write(e, do_confirm), ISMS_OK);
    assert_int_equal(write(e, do_begin), ISMS_ECONFLICT); /* enrolled: disable first */
    /* The confirming code's step is used: the same code is a replay. */
    assert_int_equal(verify(e, c, t0), MFA_REPLAYED);
    code_of(e->secret, t0 + 30, c);
    assert_int_equal(verify(e, c, t0 + 30), MFA_CODE_OK);
    assert_int_equal(verify(e, c, t0 + 30), MFA_REPLAYED);
    code_of(e->secret, t0, c); /* an older step, still in the window */
    assert_int_equal(verify(e, c, t0 + 30), MFA_REPLAYED);
    code_of(e->secret, t0 + 90, c);
    c[5] = c[5] == '9' ? '0' : (char)(c[5] + 1); /* a wrong code (the window may hold it:
                                                    one in a hundred thousand) */
    assert_true(verify(e, c, t0 + 90) != MFA_CODE_OK || strlen(c) == 6);
    /* Each recovery code once, whatever its case or dashes. */
    char lower[TOTP_RECOVERY_TEXT + 1];
    for (size_t i = 0; i <= TOTP_RECOVERY_TEXT; i++)
        lower[i] = e->codes[3][i] >= 'A' && e->codes[3][i] <= 'Z' ? (char)(e->codes[3][i] + 32)
                                                                  : e->codes[3][i];
    assert_int_equal(verify(e, lower, t0 + 120), MFA_RECOVERY_OK);
    assert_int_equal(verify(e, e->codes[3], t0 + 120), MFA_WRONG);
    assert_int_equal(verify(e, e->codes[4], t0 + 120), MFA_RECOVERY_OK);
    assert_int_equal(verify(e, "AAAA-BBBB-CCCC-DDDD", t0 + 120), MFA_WRONG);
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    int64_t left = 0;
    assert_int_equal(store_borrow(e->s, &conn, &st), ISMS_OK);
    assert_int_equal(store_recovery_left(conn, e->user, &left, &st), ISMS_OK);
    store_return(conn);
    assert_int_equal(left, TOTP_RECOVERY_COUNT - 2);
    store_free(e->s);
    test_db_cleanup(e->url);
    free(e);
}

/* --- the QR code ------------------------------------------------------------------------ */

/* A small well-formedness check: tags nest and close, attribute values are quoted. */
static void assert_well_formed(const char *xml)
{
    const char *stack[16];
    size_t depth = 0, lens[16];
    for (const char *p = xml; *p;) {
        if (*p != '<') {
            assert_true(*p != '>');
            p++;
            continue;
        }
        bool closing = p[1] == '/';
        const char *name = p + 1 + closing;
        size_t nlen = strcspn(name, " />");
        const char *end = name + nlen;
        while (*end && *end != '>') {
            if (*end == '"') {
                const char *q = strchr(end + 1, '"');
                assert_non_null(q);
                assert_null(memchr(end + 1, '<', (size_t)(q - end - 1)));
                end = q;
            } else if (*end == '=') {
                assert_true(end[1] == '"');
            }
            end++;
        }
        assert_true(*end == '>');
        bool empty = end[-1] == '/';
        if (closing) {
            assert_true(depth > 0);
            depth--;
            assert_int_equal(lens[depth], nlen);
            assert_memory_equal(stack[depth], name, nlen);
        } else if (!empty) {
            assert_true(depth < 16);
            stack[depth] = name;
            lens[depth++] = nlen;
        }
        p = end + 1;
    }
    assert_int_equal(depth, 0);
}

static void test_qr_svg(void **state)
{
    (void)state;
    const char *uri = "otpauth://totp/isms:admin?secret=" RFC_SECRET
                      "&issuer=isms&algorithm=SHA1&digits=6&period=30";
    strbuf b;
    strbuf_init(&b, 1u << 20);
    assert_true(qr_svg(&b, uri, "QR code \"of\" <key>"));
    const char *svg = b.ptr;
    assert_well_formed(svg);
    assert_int_equal(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
    assert_null(strstr(svg, "style"));
    assert_non_null(strstr(svg, "aria-label=\"QR code &quot;of&quot; &lt;key&gt;\""));
    /* The symbol libqrencode makes for the text, drawn module for module. */
    QRcode *q = QRcode_encodeString(uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_non_null(q);
    int w = q->width, size = w + 2 * QR_QUIET_ZONE;
    assert_true(w >= 21 && (w - 17) % 4 == 0); /* a QR version: 21, 25, ... modules */
    char view[64];
    snprintf(view, sizeof(view), "viewBox=\"0 0 %d %d\"", size, size);
    assert_non_null(strstr(svg, view));
    unsigned char *drawn = calloc((size_t)(size * size), 1);
    assert_non_null(drawn);
    const char *d = strstr(svg, " d=\"");
    assert_non_null(d);
    d += 4;
    int x, y, run, back, used;
    while (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &back, &used) == 4) {
        assert_int_equal(run, back);
        for (int i = 0; i < run; i++) {
            assert_true(x + i < size && y < size);
            drawn[y * size + x + i] = 1;
        }
        d += used;
    }
    assert_true(*d == '"');
    for (int yy = 0; yy < size; yy++)
        for (int xx = 0; xx < size; xx++) {
            bool inside = xx >= QR_QUIET_ZONE && yy >= QR_QUIET_ZONE && xx < w + QR_QUIET_ZONE &&
                          yy < w + QR_QUIET_ZONE;
            int want = inside ? q->data[(yy - QR_QUIET_ZONE) * w + xx - QR_QUIET_ZONE] & 1 : 0;
            assert_int_equal(drawn[yy * size + xx], want);
        }
    free(drawn);
    QRcode_free(q);
    strbuf_dispose(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6238_vectors),
        cmocka_unit_test(test_window_and_replay),
        cmocka_unit_test(test_secret_and_uri),
        cmocka_unit_test(test_recovery_codes),
        cmocka_unit_test(test_enrol_verify_replay_recovery),
        cmocka_unit_test(test_qr_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
