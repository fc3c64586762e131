/*
 * What a handler answers: a status, a content type, a body and a few
 * headers. Handlers fill a reply; the server turns it into a response.
 * Errors are answered as application/problem+json (RFC 9457).
 */
#ifndef ISMS_HTTP_REPLY_H
#define ISMS_HTTP_REPLY_H

#include <jansson.h>

#include "core/status.h"
#include "util/strbuf.h"

enum { REPLY_MAX_HEADERS = 8, REPLY_BODY_MAX = 64u << 20 };

typedef struct reply_header {
    const char *name;
    char value[256];
} reply_header;

typedef struct http_reply {
    unsigned status;
    const char *content_type;
    const char *cache_control; /* NULL: "no-store" */
    strbuf body;
    reply_header headers[REPLY_MAX_HEADERS];
    size_t nheaders;
} http_reply;

void reply_init(http_reply *r);
void reply_dispose(http_reply *r);

void reply_header_set(http_reply *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A JSON body (exact decimals); takes the reference to j. */
void reply_json(http_reply *r, unsigned status, json_t *j);

/* An empty JSON body for the caller to write (record_json_write): the body buffer. */
strbuf *reply_json_body(http_reply *r, unsigned status);

/* An empty HTML body (text/html; UTF-8) for the page writer: the body buffer. */
strbuf *reply_html_body(http_reply *r, unsigned status);

/* 303 See Other to a path of this server (post-redirect-get). */
void reply_redirect(http_reply *r, const char *location);

/* A problem+json body from a status: type, title, status, detail, errors, ... */
void reply_problem(http_reply *r, const isms_status *st);

/* A problem with an HTTP status of its own (404 route, 405, 413, 428, ...). */
void reply_problem_status(http_reply *r, unsigned status, const char *type, const char *title,
                          const char *detail);

/* The stable problem type URI for a name ("invalid" -> "urn:isms:problem:invalid"). */
void problem_type_uri(char *buf, size_t size, const char *name);

#endif
