#include "core/token.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "util/die.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void start(void)
{
    if (sodium_init() < 0)
        die("libsodium failed to initialize");
}

void token_new(char out[TOKEN_TEXT_LEN + 1])
{
    pthread_once(&once, start);
    unsigned char bytes[TOKEN_BYTES];
    randombytes_buf(bytes, sizeof(bytes));
    sodium_bin2base64(out, TOKEN_TEXT_LEN + 1, bytes, sizeof(bytes),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes, sizeof(bytes));
}

void token_api_new(char out[TOKEN_API_LEN + 1])
{
    memcpy(out, TOKEN_API_PREFIX, TOKEN_API_PREFIX_LEN);
    token_new(out + TOKEN_API_PREFIX_LEN);
}

bool token_well_formed(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (!ok || n >= TOKEN_TEXT_LEN)
            return false;
    }
    return n == TOKEN_TEXT_LEN;
}

bool token_api_well_formed(const char *s)
{
    return strncmp(s, TOKEN_API_PREFIX, TOKEN_API_PREFIX_LEN) == 0 &&
           token_well_formed(s + TOKEN_API_PREFIX_LEN);
}

void token_hash(const char *s, char out[TOKEN_HASH_LEN + 1])
{
    pthread_once(&once, start);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, TOKEN_HASH_LEN + 1, digest, sizeof(digest));
}

bool token_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return false;
    return sodium_memcmp(a, b, la) == 0;
}
