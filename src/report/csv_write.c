/* RFC 4180 output with the spreadsheet formula guard (csv_write.h). */
#include <string.h>

#include "report/csv_write.h"

static bool starts_formula(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* Leading single quotes are skipped so that a text that already starts with the guard's
 * quote gets one more, and removing one on import gives it back exactly. */
bool csvw_needs_guard(const char *text)
{
    while (*text == '\'')
        text++;
    return starts_formula(*text);
}

static bool needs_quotes(const char *text, size_t len)
{
    if (len > 0 && (text[0] == ' ' || text[len - 1] == ' '))
        return true;
    return strpbrk(text, ",\"\r\n") != NULL;
}

void csvw_field(strbuf *out, const char *text)
{
    size_t len = strlen(text);
    bool guard = csvw_needs_guard(text);
    if (!needs_quotes(text, len) && !guard) {
        strbuf_add(out, text, len);
        return;
    }
    strbuf_putc(out, '"');
    if (guard)
        strbuf_putc(out, '\'');
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            strbuf_putc(out, '"');
        strbuf_putc(out, *p);
    }
    strbuf_putc(out, '"');
}

void csvw_row(strbuf *out, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_putc(out, ',');
        csvw_field(out, cells[i] ? cells[i] : "");
    }
    strbuf_add(out, "\r\n", 2);
}

const char *csvw_unguard(const char *text)
{
    return text[0] == '\'' && csvw_needs_guard(text + 1) ? text + 1 : text;
}
