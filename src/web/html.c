#include "web/html.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* U+FFFD, written in place of characters HTML does not allow in text. */
static const char replacement[] = "\xEF\xBF\xBD";

/*
 * Escape for text and double-quoted attributes alike: escaping quotes in text
 * costs nothing and makes one mistake of context harmless. C0 controls other
 * than tab, line feed and carriage return, DEL, and C1 controls (U+0080 to
 * U+009F) are parse errors in HTML: they become U+FFFD.
 */
static void escape(strbuf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    const unsigned char *run = p;
    while (p < end) {
        const char *rep = NULL;
        size_t skip = 1;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\t': case '\n': case '\r': break;
        case 0xC2:
            if (p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9F) {
                rep = replacement;
                skip = 2;
            }
            break;
        default:
            if (*p < 0x20 || *p == 0x7F)
                rep = replacement;
            break;
        }
        if (!rep) {
            p++;
            continue;
        }
        strbuf_add(b, (const char *)run, (size_t)(p - run));
        strbuf_puts(b, rep);
        p += skip;
        run = p;
    }
    strbuf_add(b, (const char *)run, (size_t)(p - run));
}

void html_text(strbuf *b, const char *s)
{
    if (s)
        escape(b, s, strlen(s));
}

void html_textn(strbuf *b, const char *s, size_t len)
{
    escape(b, s, len);
}

void html_int(strbuf *b, int64_t n)
{
    strbuf_printf(b, "%" PRId64, n);
}

static void attr_name(strbuf *b, const char *name)
{
    /* Names are the program's own; keep them to the characters HTML names use. */
    strbuf_putc(b, ' ');
    for (const char *p = name; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
            strbuf_putc(b, *p);
    strbuf_puts(b, "=\"");
}

void html_attr(strbuf *b, const char *name, const char *value)
{
    attr_name(b, name);
    html_text(b, value ? value : "");
    strbuf_putc(b, '"');
}

void html_attr_int(strbuf *b, const char *name, int64_t n)
{
    attr_name(b, name);
    html_int(b, n);
    strbuf_putc(b, '"');
}

bool html_url_allowed(const char *url)
{
    if (!url)
        return false;
    /* Browsers ignore these inside a scheme ("java\tscript:"): refuse them anywhere. */
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p < 0x20 || *p == 0x7F || *p == '\\')
            return false;
    if (url[0] == '/')
        return url[1] != '/';
    if (url[0] == '?' || url[0] == '#')
        return true;
    static const char *const schemes[] = {"https:", "http:", "mailto:"};
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
        if (strncasecmp(url, schemes[i], strlen(schemes[i])) == 0)
            return true;
    return false;
}

bool html_url_attr(strbuf *b, const char *name, const char *url)
{
    bool ok = html_url_allowed(url);
    html_attr(b, name, ok ? url : "#");
    return ok;
}

void url_encode_component(strbuf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            strbuf_putc(b, (char)*p);
        } else {
            char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            strbuf_add(b, enc, 3);
        }
    }
}
