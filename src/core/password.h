/*
 * Passwords: Argon2id hashes (libsodium's crypto_pwhash_str), with the cost
 * chosen from three presets, and a bound on how many hashings run at once.
 *
 * Hashing takes memory (64 MiB at the default cost) and CPU on purpose, so
 * at most PASSWORD_CONCURRENT hashings or verifications run at the same
 * time in the process; others wait their turn. That bounds the memory a
 * burst of logins can take. The hash string carries its own cost, so a
 * password hashed at one cost verifies at any other.
 */
#ifndef ISMS_CORE_PASSWORD_H
#define ISMS_CORE_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

enum {
    PASSWORD_HASH_MAX = 128,  /* crypto_pwhash_STRBYTES, with the NUL */
    PASSWORD_MIN_CHARS = 10,  /* shorter passwords are refused */
    PASSWORD_MAX_BYTES = 256, /* longer ones too (they would only cost time) */
    PASSWORD_CONCURRENT = 2,  /* hashings at once in the process */
};

typedef enum password_cost {
    PASSWORD_COST_INTERACTIVE, /* the default: 2 passes over 64 MiB */
    PASSWORD_COST_MODERATE,    /* 3 passes over 256 MiB */
    PASSWORD_COST_TEST,        /* the cheapest libsodium allows: tests only */
} password_cost;

/* "interactive", "moderate" or "test" into *out; false for anything else. */
bool password_cost_parse(const char *name, password_cost *out);
const char *password_cost_name(password_cost cost);

/*
 * Whether pw may become a password: UTF-8 text of PASSWORD_MIN_CHARS
 * characters to PASSWORD_MAX_BYTES bytes, without control characters.
 * Otherwise the reason goes to why (a sentence fragment: "is shorter ...").
 */
bool password_acceptable(const char *pw, char *why, size_t size);

/* Hash pw at cost into out; ISMS_ESTORE if libsodium fails (out of memory). */
isms_err password_hash(password_cost cost, const char *pw, char out[PASSWORD_HASH_MAX],
                       isms_status *st);

/* Whether pw matches hash (a string made by password_hash). */
bool password_verify(const char *hash, const char *pw);

/*
 * Spend the time a verification at cost takes, against a hash no password
 * matches: an unknown user name then takes as long as a wrong password.
 */
void password_verify_dummy(password_cost cost, const char *pw);

/* The most hashings that ran at the same time so far (tests of the bound). */
unsigned password_peak_concurrency(void);

#endif
