/*
 * Secret tokens for sessions and the API: 256 random bits written as
 * base64url text (43 characters, no padding), stored only as the SHA-256
 * of that text (64 hex digits). API tokens carry the prefix "isms_" so that
 * secret scanners and people recognise them.
 */
#ifndef ISMS_CORE_TOKEN_H
#define ISMS_CORE_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

enum {
    TOKEN_BYTES = 32,         /* 256 bits */
    TOKEN_TEXT_LEN = 43,      /* base64url of 32 bytes, no padding */
    TOKEN_HASH_LEN = 64,      /* SHA-256 in hex */
    TOKEN_API_PREFIX_LEN = 5, /* "isms_" */
    TOKEN_API_LEN = TOKEN_API_PREFIX_LEN + TOKEN_TEXT_LEN,
};

#define TOKEN_API_PREFIX "isms_"

/* A new random token: TOKEN_TEXT_LEN characters and a NUL. */
void token_new(char out[TOKEN_TEXT_LEN + 1]);

/* A new API token: "isms_" and a token, TOKEN_API_LEN characters and a NUL. */
void token_api_new(char out[TOKEN_API_LEN + 1]);

/* Whether s has the shape of a token (43 base64url characters). */
bool token_well_formed(const char *s);

/* Whether s has the shape of an API token ("isms_" and a token). */
bool token_api_well_formed(const char *s);

/* The SHA-256 of the text s, in lowercase hex: what the database keeps. */
void token_hash(const char *s, char out[TOKEN_HASH_LEN + 1]);

/* Whether a and b (NUL-terminated, same length expected) are equal, in constant time. */
bool token_equal(const char *a, const char *b);

#endif
