/*
 * The second factor: time-based one-time passwords (RFC 6238, HMAC-SHA-1,
 * 6 digits, 30-second steps; computed by liboath) and one-time recovery
 * codes. No I/O: the store keeps the secret, the last accepted time step
 * and the hashes of the recovery codes (store/store_totp.h).
 *
 * Replay: a code is accepted for the current time step or one step either
 * side (clocks drift), and only for a step after the last one accepted for
 * the user, so a code seen once (over a shoulder, in a proxy log) cannot be
 * used again. docs/SECURITY.md describes the whole.
 */
#ifndef ISMS_CORE_TOTP_H
#define ISMS_CORE_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

enum {
    TOTP_SECRET_BYTES = 20, /* 160 bits, the size RFC 4226 recommends */
    TOTP_SECRET_TEXT = 32,  /* base32 of 20 bytes, without padding */
    TOTP_KEY_MAX = 64,      /* the longest key a stored secret may decode to */
    TOTP_DIGITS = 6,
    TOTP_STEP_S = 30,
    TOTP_WINDOW = 1,           /* steps accepted either side of the current one */
    TOTP_RECOVERY_COUNT = 10,  /* recovery codes made at once */
    TOTP_RECOVERY_CHARS = 16,  /* base32 characters of a code: 80 bits */
    TOTP_RECOVERY_TEXT = 19,   /* as shown: XXXX-XXXX-XXXX-XXXX */
    TOTP_HASH_LEN = 64,        /* SHA-256 of a recovery code, hex */
    TOTP_INPUT_MAX = 64,       /* longer input is no code of ours */
};

#define TOTP_ISSUER "isms"

/* A new random secret (libsodium), as base32 text: TOTP_SECRET_TEXT characters and a NUL. */
void totp_secret_new(char out[TOTP_SECRET_TEXT + 1]);

/* A base32 secret into its key bytes; false when it is not base32 or too long. */
bool totp_secret_decode(const char *base32, unsigned char key[TOTP_KEY_MAX], size_t *len);

/* The code of key at Unix time t with `digits` digits (6 to 8): RFC 6238 with SHA-1. */
bool totp_generate(const unsigned char *key, size_t len, int64_t t, unsigned digits,
                   char out[9]);

/* The time step of Unix time t. */
int64_t totp_step_of(int64_t t);

typedef enum totp_result {
    TOTP_MATCH,    /* the code is right for a step after the last accepted: *step is it */
    TOTP_WRONG,    /* no step of the window has this code (or it is no code) */
    TOTP_REPLAYED, /* right, but for a step at or before the last accepted */
} totp_result;

/*
 * Check a code typed by the user (6 digits; spaces ignored) against the
 * base32 secret at Unix time now, within TOTP_WINDOW steps, refusing steps
 * up to last_step. Compares in constant time.
 */
totp_result totp_check(const char *secret, const char *code, int64_t now, int64_t last_step,
                       int64_t *step);

/* Whether text looks like a TOTP code (digits and spaces, TOTP_DIGITS digits). */
bool totp_is_code(const char *text);

/*
 * The otpauth:// URI authenticator apps read (from the QR code):
 * otpauth://totp/isms:ACCOUNT?secret=S&issuer=isms&algorithm=SHA1&digits=6&period=30,
 * the label and the issuer percent-encoded.
 */
void totp_uri(strbuf *out, const char *account, const char *secret);

/* A new recovery code as shown: XXXX-XXXX-XXXX-XXXX (base32 letters and digits). */
void totp_recovery_new(char out[TOTP_RECOVERY_TEXT + 1]);

/*
 * A recovery code as typed (any case, with or without dashes and spaces)
 * into its canonical 16 characters; false when it cannot be one.
 */
bool totp_recovery_normalize(const char *text, char out[TOTP_RECOVERY_CHARS + 1]);

/* The SHA-256 (hex) of a normalized recovery code: what the database keeps. */
void totp_recovery_hash(const char *normalized, char out[TOTP_HASH_LEN + 1]);

#endif
