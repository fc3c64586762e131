#include "core/totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/die.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void start(void)
{
    if (sodium_init() < 0 || oath_init() != OATH_OK)
        die("libsodium or liboath failed to initialize");
}

/* Base32 (RFC 4648, upper case) of n bytes whose bit count is a multiple of 5: no padding. */
static void base32(const unsigned char *bytes, size_t n, char *out, size_t out_len)
{
    char *text = NULL;
    size_t len = 0;
    if (oath_base32_encode((const char *)bytes, n, &text, &len) != OATH_OK || len < out_len)
        die("base32 encoding failed");
    memcpy(out, text, out_len);
    out[out_len] = '\0';
    free(text);
}

void totp_secret_new(char out[TOTP_SECRET_TEXT + 1])
{
    pthread_once(&once, start);
    unsigned char key[TOTP_SECRET_BYTES];
    randombytes_buf(key, sizeof(key));
    base32(key, sizeof(key), out, TOTP_SECRET_TEXT);
    sodium_memzero(key, sizeof(key));
}

bool totp_secret_decode(const char *text, unsigned char key[TOTP_KEY_MAX], size_t *len)
{
    pthread_once(&once, start);
    char *bytes = NULL;
    size_t n = 0;
    if (strlen(text) > TOTP_KEY_MAX * 2 ||
        oath_base32_decode(text, strlen(text), &bytes, &n) != OATH_OK)
        return false;
    bool ok = n > 0 && n <= TOTP_KEY_MAX;
    if (ok)
        memcpy(key, bytes, n);
    *len = ok ? n : 0;
    sodium_memzero(bytes, n);
    free(bytes);
    return ok;
}

bool totp_generate(const unsigned char *key, size_t len, int64_t t, unsigned digits, char out[9])
{
    pthread_once(&once, start);
    if (digits < 6 || digits > 8)
        return false;
    return oath_totp_generate((const char *)key, len, (time_t)t, TOTP_STEP_S, 0, digits, out) ==
           OATH_OK;
}

int64_t totp_step_of(int64_t t)
{
    return t / TOTP_STEP_S;
}

bool totp_is_code(const char *text)
{
    size_t digits = 0;
    for (const char *p = text; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p != ' ')
            return false;
    }
    return digits == TOTP_DIGITS;
}

/* liboath's comparison callback: 0 when equal, in constant time. */
static int same_code(void *handle, const char *candidate)
{
    return sodium_memcmp(handle, candidate, TOTP_DIGITS) == 0 ? 0 : 1;
}

totp_result totp_check(const char *secret, const char *code, int64_t now, int64_t last_step,
                       int64_t *step)
{
    char typed[TOTP_DIGITS + 1];
    size_t n = 0;
    if (strlen(code) > TOTP_INPUT_MAX || !totp_is_code(code))
        return TOTP_WRONG;
    for (const char *p = code; *p; p++)
        if (*p != ' ')
            typed[n++] = *p;
    typed[n] = '\0';
    unsigned char key[TOTP_KEY_MAX];
    size_t len;
    if (!totp_secret_decode(secret, key, &len))
        return TOTP_WRONG;
    int pos = 0;
    uint64_t counter = 0;
    int rc = oath_totp_validate3_callback((const char *)key, len, (time_t)now, TOTP_STEP_S, 0,
                                          TOTP_DIGITS, TOTP_WINDOW, &pos, &counter, same_code,
                                          typed);
    sodium_memzero(key, sizeof(key));
    if (rc < 0)
        return TOTP_WRONG;
    *step = (int64_t)counter;
    return *step <= last_step ? TOTP_REPLAYED : TOTP_MATCH;
}

/* Percent-encode everything but unreserved characters (RFC 3986). */
static void uri_component(strbuf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char ch = *p;
        bool plain = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                     (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~';
        if (plain) {
            strbuf_putc(out, (char)ch);
        } else {
            strbuf_putc(out, '%');
            strbuf_putc(out, hex[ch >> 4]);
            strbuf_putc(out, hex[ch & 15]);
        }
    }
}

void totp_uri(strbuf *out, const char *account, const char *secret)
{
    strbuf_puts(out, "otpauth://totp/");
    uri_component(out, TOTP_ISSUER);
    strbuf_putc(out, ':');
    uri_component(out, account);
    strbuf_puts(out, "?secret=");
    uri_component(out, secret);
    strbuf_puts(out, "&issuer=");
    uri_component(out, TOTP_ISSUER);
    strbuf_printf(out, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP_S);
}

void totp_recovery_new(char out[TOTP_RECOVERY_TEXT + 1])
{
    pthread_once(&once, start);
    unsigned char bytes[TOTP_RECOVERY_CHARS * 5 / 8];
    char plain[TOTP_RECOVERY_CHARS + 1];
    randombytes_buf(bytes, sizeof(bytes));
    base32(bytes, sizeof(bytes), plain, TOTP_RECOVERY_CHARS);
    size_t n = 0;
    for (size_t i = 0; i < TOTP_RECOVERY_CHARS; i++) {
        if (i && i % 4 == 0)
            out[n++] = '-';
        out[n++] = plain[i];
    }
    out[n] = '\0';
}

bool totp_recovery_normalize(const char *text, char out[TOTP_RECOVERY_CHARS + 1])
{
    size_t n = 0;
    if (strlen(text) > TOTP_INPUT_MAX)
        return false;
    for (const char *p = text; *p; p++) {
        char ch = *p;
        if (ch == '-' || ch == ' ')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        bool b32 = (ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7');
        if (!b32 || n == TOTP_RECOVERY_CHARS)
            return false;
        out[n++] = ch;
    }
    out[n] = '\0';
    return n == TOTP_RECOVERY_CHARS;
}

void totp_recovery_hash(const char *normalized, char out[TOTP_HASH_LEN + 1])
{
    pthread_once(&once, start);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)normalized, strlen(normalized));
    sodium_bin2hex(out, TOTP_HASH_LEN + 1, digest, sizeof(digest));
}
