/*
 * Small helpers for the store's hand-written statements (accounts, second
 * factor): placeholders in the dialect's style and values bound by type, so
 * every value is a bound parameter.
 */
#include <stdarg.h>

#include "store/internal.h"
#include "util/strbuf.h"

#define DRV(c) ((c)->owner->driver)

enum { SQL_TEXT_MAX = 2048 };

isms_err conn_prepare_bound(store_conn *c, db_stmt **out, isms_status *st, const char *sql,
                            const char *types, ...)
{
    strbuf text;
    strbuf_init(&text, SQL_TEXT_MAX);
    int n = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '?')
            DRV(c)->dialect->placeholder(&text, ++n);
        else
            strbuf_putc(&text, *p);
    }
    isms_err e = conn_prepare(c, text.ptr, out, st);
    strbuf_dispose(&text);
    if (e != ISMS_OK)
        return e;
    va_list ap;
    va_start(ap, types);
    for (int i = 1; types[i - 1]; i++) {
        if (types[i - 1] == 's') {
            const char *v = va_arg(ap, const char *);
            if (v)
                DRV(c)->bind_text(*out, i, v);
            else
                DRV(c)->bind_null(*out, i);
        } else {
            int64_t v = va_arg(ap, int64_t);
            if (types[i - 1] == 'n' && v == 0)
                DRV(c)->bind_null(*out, i);
            else
                DRV(c)->bind_int(*out, i, v);
        }
    }
    va_end(ap);
    return ISMS_OK;
}

const char *conn_column_text(store_conn *c, db_stmt *s, int col, arena *a)
{
    return DRV(c)->column_null(s, col) ? NULL : arena_strdup(a, DRV(c)->column_text(s, col));
}

isms_err conn_run(store_conn *c, db_stmt *s, int64_t *changed, isms_status *st)
{
    db_step r = DRV(c)->step(s, st);
    if (r != DB_ERROR && changed)
        *changed = DRV(c)->changes(c->db);
    DRV(c)->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}
