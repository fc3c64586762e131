#include "core/password.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/value.h"
#include "util/die.h"

static const struct {
    const char *name;
    unsigned long long ops;
    size_t mem;
} costs[] = {
    [PASSWORD_COST_INTERACTIVE] = {"interactive", crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                   crypto_pwhash_MEMLIMIT_INTERACTIVE},
    [PASSWORD_COST_MODERATE] = {"moderate", crypto_pwhash_OPSLIMIT_MODERATE,
                                crypto_pwhash_MEMLIMIT_MODERATE},
    [PASSWORD_COST_TEST] = {"test", crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN},
};

/* The counting semaphore: running hashings, their peak, and the wait for a turn. */
static pthread_mutex_t turn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_free = PTHREAD_COND_INITIALIZER;
static unsigned running, peak;

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void sodium_start(void)
{
    if (sodium_init() < 0)
        die("libsodium failed to initialize");
}

static void turn_take(void)
{
    pthread_once(&sodium_once, sodium_start);
    pthread_mutex_lock(&turn_lock);
    while (running >= PASSWORD_CONCURRENT)
        pthread_cond_wait(&turn_free, &turn_lock);
    running++;
    if (running > peak)
        peak = running;
    pthread_mutex_unlock(&turn_lock);
}

static void turn_give(void)
{
    pthread_mutex_lock(&turn_lock);
    running--;
    pthread_cond_signal(&turn_free);
    pthread_mutex_unlock(&turn_lock);
}

unsigned password_peak_concurrency(void)
{
    pthread_mutex_lock(&turn_lock);
    unsigned p = peak;
    pthread_mutex_unlock(&turn_lock);
    return p;
}

bool password_cost_parse(const char *name, password_cost *out)
{
    for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++)
        if (strcmp(name, costs[i].name) == 0) {
            *out = (password_cost)i;
            return true;
        }
    return false;
}

const char *password_cost_name(password_cost cost)
{
    return costs[cost].name;
}

bool password_acceptable(const char *pw, char *why, size_t size)
{
    size_t len = strlen(pw), chars = 0;
    if (len > PASSWORD_MAX_BYTES) {
        snprintf(why, size, "is longer than %d bytes", PASSWORD_MAX_BYTES);
        return false;
    }
    if (!utf8_count(pw, len, &chars)) {
        snprintf(why, size, "is not valid UTF-8 text");
        return false;
    }
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(why, size, "holds a control character");
            return false;
        }
    if (chars < PASSWORD_MIN_CHARS) {
        snprintf(why, size, "is shorter than %d characters", PASSWORD_MIN_CHARS);
        return false;
    }
    return true;
}

isms_err password_hash(password_cost cost, const char *pw, char out[PASSWORD_HASH_MAX],
                       isms_status *st)
{
    turn_take();
    int rc = crypto_pwhash_str_alg(out, pw, strlen(pw), costs[cost].ops, costs[cost].mem,
                                   crypto_pwhash_ALG_ARGON2ID13);
    turn_give();
    if (rc != 0)
        return status_fail(st, ISMS_ESTORE, "hashing the password failed (out of memory)");
    return ISMS_OK;
}

bool password_verify(const char *hash, const char *pw)
{
    turn_take();
    int rc = crypto_pwhash_str_verify(hash, pw, strlen(pw));
    turn_give();
    return rc == 0;
}

/* One dummy hash per cost, made on first use. */
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;
static char dummy[sizeof(costs) / sizeof(costs[0])][PASSWORD_HASH_MAX];

void password_verify_dummy(password_cost cost, const char *pw)
{
    pthread_mutex_lock(&dummy_lock);
    if (!dummy[cost][0]) {
        unsigned char random[32];
        char text[65];
        pthread_once(&sodium_once, sodium_start);
        randombytes_buf(random, sizeof(random));
        sodium_bin2hex(text, sizeof(text), random, sizeof(random));
        isms_status st;
        status_clear(&st);
        if (password_hash(cost, text, dummy[cost], &st) != ISMS_OK)
            dummy[cost][0] = '\0';
    }
    char hash[PASSWORD_HASH_MAX];
    memcpy(hash, dummy[cost], sizeof(hash));
    pthread_mutex_unlock(&dummy_lock);
    if (hash[0])
        (void)password_verify(hash, pw);
}
