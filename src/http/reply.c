#include "http/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/record_json.h"

void reply_init(http_reply *r)
{
    memset(r, 0, sizeof(*r));
    r->status = 200;
    r->content_type = "application/json";
    strbuf_init(&r->body, REPLY_BODY_MAX);
}

void reply_dispose(http_reply *r)
{
    strbuf_dispose(&r->body);
}

void reply_header_set(http_reply *r, const char *name, const char *fmt, ...)
{
    if (r->nheaders == REPLY_MAX_HEADERS)
        return;
    reply_header *h = &r->headers[r->nheaders++];
    h->name = name;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->value, sizeof(h->value), fmt, ap);
    va_end(ap);
}

static void set_json_body(http_reply *r, json_t *j)
{
    char *s = json_dump_exact(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    strbuf_reset(&r->body);
    if (s)
        strbuf_puts(&r->body, s);
    free(s);
    json_decref(j);
}

void reply_json(http_reply *r, unsigned status, json_t *j)
{
    r->status = status;
    r->content_type = "application/json";
    set_json_body(r, j);
}

strbuf *reply_json_body(http_reply *r, unsigned status)
{
    r->status = status;
    r->content_type = "application/json";
    strbuf_reset(&r->body);
    return &r->body;
}

strbuf *reply_html_body(http_reply *r, unsigned status)
{
    r->status = status;
    r->content_type = "text/html; charset=utf-8";
    strbuf_reset(&r->body);
    return &r->body;
}

void reply_redirect(http_reply *r, const char *location)
{
    r->status = 303;
    r->content_type = NULL;
    strbuf_reset(&r->body);
    reply_header_set(r, "Location", "%s", location);
}

void problem_type_uri(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "urn:isms:problem:%s", name);
}

static json_t *problem_base(unsigned status, const char *type, const char *title,
                            const char *detail)
{
    char uri[96];
    problem_type_uri(uri, sizeof(uri), type);
    json_t *p = json_object();
    json_object_set_new(p, "type", json_string(uri));
    json_object_set_new(p, "title", json_string(title));
    json_object_set_new(p, "status", json_integer(status));
    json_t *d = json_string(detail);
    json_object_set_new(p, "detail", d ? d : json_string("(detail not shown: not UTF-8)"));
    return p;
}

void reply_problem_status(http_reply *r, unsigned status, const char *type, const char *title,
                          const char *detail)
{
    r->status = status;
    set_json_body(r, problem_base(status, type, title, detail));
    r->content_type = "application/problem+json";
}

void reply_problem(http_reply *r, const isms_status *st)
{
    unsigned status = (unsigned)isms_err_http_status(st->code);
    json_t *p = problem_base(status, isms_err_name(st->code), isms_err_title(st->code),
                             st->detail[0] ? st->detail : isms_err_title(st->code));
    status_details_to_json(st, p);
    r->status = status;
    set_json_body(r, p);
    r->content_type = "application/problem+json";
}
