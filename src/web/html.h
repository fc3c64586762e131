/*
 * The escaping HTML writer: the only way page code writes HTML. Each output
 * context has its own escaper: text between tags, a quoted attribute value,
 * and a URL in href/action (a scheme allow-list on top of attribute escaping).
 * Raw markup is accepted only as a string literal of the program (html_lit
 * refuses anything that is not a literal at compile time), so text from a
 * record can never become markup.
 */
#ifndef ISMS_WEB_HTML_H
#define ISMS_WEB_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

/* Markup of the program's own. The "" concatenation only compiles for a literal. */
#define html_lit(b, literal) strbuf_add((b), "" literal "", sizeof(literal) - 1)

/* One of two literals. */
#define html_lit_either(b, cond, if_true, if_false)                                            \
    ((cond) ? html_lit(b, if_true) : html_lit(b, if_false))

/* Text between tags: & < > " ' escaped, control characters replaced. */
void html_text(strbuf *b, const char *s);
void html_textn(strbuf *b, const char *s, size_t len);

/* A number as text. */
void html_int(strbuf *b, int64_t n);

/* ` name="value"` with the value escaped for a double-quoted attribute. */
void html_attr(strbuf *b, const char *name, const char *value);

/* ` name="N"`. */
void html_attr_int(strbuf *b, const char *name, int64_t n);

/*
 * ` name="url"` for href, src or action. A URL is written only if it is a
 * path of this server ("/x", not "//host"), a query or fragment, or uses
 * http, https or mailto; anything else (javascript:, data:, ...) becomes
 * "#". Returns whether the URL was allowed.
 */
bool html_url_attr(strbuf *b, const char *name, const char *url);

/* Whether a URL passes the allow-list of html_url_attr. */
bool html_url_allowed(const char *url);

/* Percent-encode s as one component of a URL (query value or path segment). */
void url_encode_component(strbuf *b, const char *s);

#endif
