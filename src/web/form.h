/*
 * Decoding of application/x-www-form-urlencoded bodies (the web forms; and
 * multipart/form-data for file uploads, form_of_request), as
 * strictly as the JSON decoder: bad percent escapes, NUL bytes, text that is
 * not UTF-8 and too many pairs are refused with a reason.
 */
#ifndef ISMS_WEB_FORM_H
#define ISMS_WEB_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "util/arena.h"

enum { FORM_MAX_PAIRS = 256 };

typedef struct form_data {
    const char *keys[FORM_MAX_PAIRS];
    const char *values[FORM_MAX_PAIRS];
    size_t n;
} form_data;

/* Decode body (len bytes, need not be NUL-terminated) into out; strings go to a. */
isms_err form_decode(const char *body, size_t len, arena *a, form_data *out, isms_status *st);

struct http_request;

/* Whether content_type is multipart/form-data (a form with a file field). */
bool form_is_multipart(const char *content_type);

/*
 * The request's body decoded as a form, decoded once and kept on the request
 * (the CSRF check and the handler both read it). NULL with st set when the
 * body is malformed. A multipart/form-data body (a file upload) is decoded by
 * libmicrohttpd's MHD_PostProcessor into the same pairs, a file field's value
 * being the file's content, held to the same rules (no NUL, UTF-8, at most
 * FORM_MAX_PAIRS fields); its size is bounded by the body's limit.
 */
form_data *form_of_request(struct http_request *req, isms_status *st);

/* The first value of key, or NULL. */
const char *form_get(const form_data *f, const char *key);

/* How many pairs have this key. */
size_t form_count(const form_data *f, const char *key);

#endif
