/*
 * Lists: filters, search, sort and keyset paging, generated from the
 * registry. Paging never uses OFFSET: a cursor holds the sort value and id
 * of the last row shown, so a page deep in a list costs the same as the first.
 *
 * A sort field that may be empty splits the list into two segments, rows
 * without a value and rows with one (empty first when ascending, last when
 * descending). Each segment is read with its own index-friendly query.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/value.h"
#include "store/internal.h"

#define DRV(c) ((c)->owner->driver)

enum { LIST_SQL_MAX = 16 * 1024 };

typedef enum segment { SEG_EMPTY = 'n', SEG_VALUE = 'v' } segment;

typedef struct cursor {
    bool present;
    segment seg;
    int64_t id;
    const char *text; /* the sort value as text (text fields) */
    int64_t num;      /* the sort value (integer-stored fields) */
} cursor;

/* Query text and parameters being built; binds are applied after preparing. */
typedef struct bind_list {
    int n;
    struct {
        bool is_text, is_null;
        const char *text;
        int64_t num;
    } items[64];
} bind_list;

static int bind_text(bind_list *b, const char *s)
{
    b->items[b->n].is_text = true;
    b->items[b->n].is_null = false;
    b->items[b->n].text = s;
    return ++b->n;
}

static int bind_num(bind_list *b, int64_t v)
{
    b->items[b->n].is_text = false;
    b->items[b->n].is_null = false;
    b->items[b->n].num = v;
    return ++b->n;
}

static const char *sort_name(const store_query *q)
{
    return q->sort ? q->sort->name : "id";
}

static bool hexval(char ch, unsigned *out)
{
    if (ch >= '0' && ch <= '9')
        *out = (unsigned)(ch - '0');
    else if (ch >= 'a' && ch <= 'f')
        *out = (unsigned)(ch - 'a' + 10);
    else
        return false;
    return true;
}

/* Cursor text: "<sort>.<a|d>.<n|v>.<id>.<hex of the value>". */
static isms_err cursor_parse(const store_query *q, arena *a, cursor *out, isms_status *st)
{
    memset(out, 0, sizeof(*out));
    if (!q->cursor || !q->cursor[0])
        return ISMS_OK;
    size_t len = strlen(q->cursor);
    if (len > STORE_CURSOR_MAX)
        return status_field(st, "cursor", "is too long");
    char *c = arena_strndup(a, q->cursor, len);
    char *parts[5];
    for (int i = 0; i < 5; i++) {
        parts[i] = c;
        char *dot = i < 4 ? strchr(c, '.') : NULL;
        if (i < 4 && !dot)
            return status_field(st, "cursor", "is not a cursor of this list");
        if (dot) {
            *dot = '\0';
            c = dot + 1;
        }
    }
    if (strcmp(parts[0], sort_name(q)) != 0 || strlen(parts[1]) != 1 ||
        parts[1][0] != (q->desc ? 'd' : 'a'))
        return status_field(st, "cursor", "belongs to another sort order");
    if (strlen(parts[2]) != 1 || (parts[2][0] != SEG_EMPTY && parts[2][0] != SEG_VALUE) ||
        !parse_int64(parts[3], &out->id) || out->id < 1)
        return status_field(st, "cursor", "is not a cursor of this list");
    size_t hl = strlen(parts[4]);
    if (hl % 2)
        return status_field(st, "cursor", "is not a cursor of this list");
    char *val = arena_alloc(a, hl / 2 + 1);
    for (size_t i = 0; i < hl; i += 2) {
        unsigned hi, lo;
        if (!hexval(parts[4][i], &hi) || !hexval(parts[4][i + 1], &lo) || (hi == 0 && lo == 0))
            return status_field(st, "cursor", "is not a cursor of this list");
        val[i / 2] = (char)(hi << 4 | lo);
    }
    out->present = true;
    out->seg = (segment)parts[2][0];
    bool can_be_empty = q->sort && !(q->sort->flags & FF_REQUIRED);
    if (out->seg == SEG_EMPTY && !can_be_empty)
        return status_field(st, "cursor", "is not a cursor of this list");
    out->text = val;
    if (q->sort && out->seg == SEG_VALUE && !field_is_text(q->sort) &&
        !parse_int64(val, &out->num))
        return status_field(st, "cursor", "is not a cursor of this list");
    return ISMS_OK;
}

static const char *cursor_format(const store_query *q, const isms_record *last, arena *a)
{
    strbuf b;
    strbuf_init(&b, STORE_CURSOR_MAX);
    const isms_value *v = q->sort ? &last->values[kind_field_index(q->kind, q->sort)] : NULL;
    bool empty = v && !v->set;
    strbuf_printf(&b, "%s.%c.%c.%" PRId64 ".", sort_name(q), q->desc ? 'd' : 'a',
                  empty ? SEG_EMPTY : SEG_VALUE, last->id);
    char num[32];
    const char *val = "";
    if (v && v->set) {
        if (field_is_text(q->sort)) {
            val = v->s;
        } else {
            snprintf(num, sizeof(num), "%" PRId64, v->i);
            val = num;
        }
    }
    for (const unsigned char *p = (const unsigned char *)val; *p; p++)
        strbuf_printf(&b, "%02x", *p);
    const char *out = strbuf_ok(&b) ? arena_strdup(a, b.ptr) : NULL;
    strbuf_dispose(&b);
    return out;
}

static isms_err check_query(const store_query *q, isms_status *st)
{
    const isms_kind *k = q->kind;
    if (q->sort && (kind_field(k, q->sort->name) != q->sort || !(q->sort->flags & FF_SORTABLE)))
        status_field(st, "sort", "cannot sort by %s", q->sort->name);
    if (q->nfilters > STORE_MAX_FILTERS)
        status_field(st, "filter", "at most %d filters are allowed", STORE_MAX_FILTERS);
    for (size_t i = 0; i < q->nfilters && i < STORE_MAX_FILTERS; i++) {
        const isms_field *f = q->filters[i].field;
        if (kind_field(k, f->name) != f || !(f->flags & FF_FILTERABLE))
            status_field(st, f->name, "cannot filter on %s", f->name);
    }
    if (q->limit > STORE_PAGE_MAX)
        status_field(st, "limit", "must be between 1 and %d", STORE_PAGE_MAX);
    if (q->q && strlen(q->q) > STORE_QUERY_TEXT_MAX)
        status_field(st, "q", "is longer than %d bytes", STORE_QUERY_TEXT_MAX);
    return st->code;
}

static void placeholder(store_conn *c, strbuf *sql, int n)
{
    DRV(c)->dialect->placeholder(sql, n);
}

static void where_filters(store_conn *c, const store_query *q, strbuf *sql, bind_list *b,
                          arena *a)
{
    const isms_kind *k = q->kind;
    switch (q->retired) {
    case STORE_ACTIVE_ONLY:
        strbuf_puts(sql, " WHERE \"retired_at\" IS NULL");
        break;
    case STORE_RETIRED_ONLY:
        strbuf_puts(sql, " WHERE \"retired_at\" IS NOT NULL");
        break;
    case STORE_WITH_RETIRED:
        strbuf_puts(sql, " WHERE 1 = 1");
        break;
    }
    for (size_t i = 0; i < q->nfilters; i++) {
        const isms_field *f = q->filters[i].field;
        const isms_value *v = &q->filters[i].value;
        strbuf_puts(sql, " AND ");
        if (f->type == FT_REFLIST) {
            strbuf_puts(sql, v->set ? "EXISTS" : "NOT EXISTS");
            strbuf_puts(sql, " (SELECT 1 FROM ");
            sql_ident2(sql, k->table, f->name);
            strbuf_puts(sql, " AS l WHERE l.\"src\" = ");
            sql_ident(sql, k->table);
            strbuf_puts(sql, ".\"id\"");
            if (v->set) {
                strbuf_puts(sql, " AND l.\"dst\" = ");
                placeholder(c, sql, bind_num(b, v->ids[0]));
            }
            strbuf_puts(sql, ")");
        } else if (f->type == FT_ANYREF) {
            strbuf_printf(sql, "\"%s_kind\"", f->name);
            if (!v->set) {
                strbuf_puts(sql, " IS NULL");
                continue;
            }
            strbuf_puts(sql, " = ");
            placeholder(c, sql, bind_text(b, v->kind->name));
            strbuf_printf(sql, " AND \"%s_id\" = ", f->name);
            placeholder(c, sql, bind_num(b, v->i));
        } else {
            sql_ident(sql, f->name);
            if (!v->set) {
                strbuf_puts(sql, " IS NULL");
                continue;
            }
            strbuf_puts(sql, " = ");
            placeholder(c, sql, field_is_text(f) ? bind_text(b, v->s) : bind_num(b, v->i));
        }
    }
    if (q->q && q->q[0]) {
        /* Escape LIKE's wildcards so the text matches literally. */
        strbuf pat;
        strbuf_init(&pat, STORE_QUERY_TEXT_MAX * 2 + 2);
        strbuf_putc(&pat, '%');
        for (const char *p = q->q; *p; p++) {
            if (*p == '%' || *p == '_' || *p == '\\')
                strbuf_putc(&pat, '\\');
            strbuf_putc(&pat, *p);
        }
        strbuf_putc(&pat, '%');
        int np = bind_text(b, arena_strdup(a, pat.ptr));
        strbuf_dispose(&pat);
        const char *like = DRV(c)->dialect->like_ci;
        strbuf_puts(sql, " AND (");
        sql_ident(sql, kind_role_field(k, ROLE_TITLE)->name);
        strbuf_printf(sql, " %s ", like);
        placeholder(c, sql, np);
        strbuf_puts(sql, " ESCAPE '\\' OR (");
        placeholder(c, sql, bind_text(b, arena_printf(a, "%s-", k->prefix)));
        strbuf_printf(sql, " || \"id\") %s ", like);
        placeholder(c, sql, np);
        strbuf_puts(sql, " ESCAPE '\\')");
    }
}

static isms_err run(store_conn *c, const char *sql, const bind_list *b, const isms_kind *k,
                    size_t want, arena *a, isms_record **items, size_t *n, isms_status *st)
{
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = conn_prepare(c, sql, &s, st);
    if (e != ISMS_OK)
        return e;
    for (int i = 0; i < b->n; i++) {
        if (b->items[i].is_text)
            d->bind_text(s, i + 1, b->items[i].text);
        else
            d->bind_int(s, i + 1, b->items[i].num);
    }
    db_step r = DB_DONE;
    while (*n < want && (r = d->step(s, st)) == DB_ROW)
        row_to_record(c, s, k, a, &items[(*n)++], st);
    d->reset(s);
    return r == DB_ERROR ? st->code : ISMS_OK;
}

/* One segment's query: base filters, the segment, the cursor inside it, order, limit. */
static isms_err run_segment(store_conn *c, const store_query *q, segment seg, const cursor *cur,
                            size_t want, arena *a, isms_record **items, size_t *n,
                            isms_status *st)
{
    strbuf sql;
    strbuf_init(&sql, LIST_SQL_MAX);
    bind_list b = {0};
    strbuf_printf(&sql, "SELECT %s FROM ", store_kind_sql(c->owner, q->kind)->columns);
    sql_ident(&sql, q->kind->table);
    where_filters(c, q, &sql, &b, a);
    const char *dir = q->desc ? "DESC" : "ASC";
    const char *cmp = q->desc ? "<" : ">";
    if (q->sort && seg == SEG_EMPTY) {
        strbuf_puts(&sql, " AND ");
        sql_ident(&sql, q->sort->name);
        strbuf_puts(&sql, " IS NULL");
    }
    if (q->sort && seg == SEG_VALUE) {
        strbuf_puts(&sql, " AND ");
        sql_ident(&sql, q->sort->name);
        strbuf_puts(&sql, " IS NOT NULL");
    }
    if (cur && q->sort && seg == SEG_VALUE) {
        strbuf_puts(&sql, " AND (");
        sql_ident(&sql, q->sort->name);
        strbuf_printf(&sql, ", \"id\") %s (", cmp);
        placeholder(c, &sql, field_is_text(q->sort) ? bind_text(&b, cur->text)
                                                    : bind_num(&b, cur->num));
        strbuf_puts(&sql, ", ");
        placeholder(c, &sql, bind_num(&b, cur->id));
        strbuf_puts(&sql, ")");
    } else if (cur) {
        strbuf_printf(&sql, " AND \"id\" %s ", cmp);
        placeholder(c, &sql, bind_num(&b, cur->id));
    }
    strbuf_puts(&sql, " ORDER BY ");
    if (q->sort && seg == SEG_VALUE) {
        sql_ident(&sql, q->sort->name);
        strbuf_printf(&sql, " %s, ", dir);
    }
    strbuf_printf(&sql, "\"id\" %s LIMIT ", dir);
    placeholder(c, &sql, bind_num(&b, (int64_t)(want - *n)));
    isms_err e = strbuf_ok(&sql) ? run(c, sql.ptr, &b, q->kind, want, a, items, n, st)
                                 : status_fail(st, ISMS_ETOOBIG, "the list query is too long");
    strbuf_dispose(&sql);
    return e;
}

static isms_err list_rows(store_conn *c, const store_query *q, const cursor *cur, size_t want,
                          arena *a, isms_record **items, size_t *n, isms_status *st)
{
    if (!q->sort)
        return run_segment(c, q, SEG_VALUE, cur->present ? cur : NULL, want, a, items, n, st);
    /* Required fields are never empty: their list has only the value segment. */
    bool has_empty = !(q->sort->flags & FF_REQUIRED);
    segment order[2] = {q->desc ? SEG_VALUE : SEG_EMPTY, q->desc ? SEG_EMPTY : SEG_VALUE};
    int first = cur->present && cur->seg != order[0] ? 1 : 0;
    for (int i = first; i < 2 && *n < want; i++) {
        if (order[i] == SEG_EMPTY && !has_empty)
            continue;
        const cursor *within = cur->present && i == first ? cur : NULL;
        isms_err e = run_segment(c, q, order[i], within, want, a, items, n, st);
        if (e != ISMS_OK)
            return e;
    }
    return ISMS_OK;
}

isms_err store_list(store_conn *c, const store_query *q, arena *a, store_page *out,
                    isms_status *st)
{
    memset(out, 0, sizeof(*out));
    if (check_query(q, st) != ISMS_OK)
        return st->code;
    cursor cur;
    if (cursor_parse(q, a, &cur, st) != ISMS_OK)
        return st->code;
    size_t limit = q->limit ? q->limit : STORE_PAGE_DEFAULT;
    isms_record **items = arena_alloc(a, sizeof(*items) * (limit + 1));
    size_t n = 0;
    /* A read transaction gives every query of the page the same snapshot. */
    bool own_txn = !c->in_txn && !c->in_read;
    isms_err e = own_txn ? DRV(c)->begin(c->db, false, st) : ISMS_OK;
    if (e == ISMS_OK)
        e = list_rows(c, q, &cur, limit + 1, a, items, &n, st);
    if (e == ISMS_OK)
        e = load_links_page(c, items, n < limit ? n : limit, a, st);
    if (own_txn)
        DRV(c)->rollback(c->db);
    if (e != ISMS_OK)
        return e;
    out->items = items;
    out->n = n > limit ? limit : n;
    out->next_cursor = n > limit ? cursor_format(q, items[limit - 1], a) : NULL;
    return ISMS_OK;
}

/* Count the matches of q; with max >= 0, stop counting after max of them. */
static isms_err count_matches(store_conn *c, const store_query *q, int64_t max, int64_t *out,
                              isms_status *st)
{
    if (check_query(q, st) != ISMS_OK)
        return st->code;
    arena a;
    arena_init(&a);
    strbuf sql;
    strbuf_init(&sql, LIST_SQL_MAX);
    bind_list b = {0};
    strbuf_puts(&sql, max >= 0 ? "SELECT count(*) FROM (SELECT 1 FROM " : "SELECT count(*) FROM ");
    sql_ident(&sql, q->kind->table);
    where_filters(c, q, &sql, &b, &a);
    if (max >= 0) {
        strbuf_puts(&sql, " LIMIT ");
        placeholder(c, &sql, bind_num(&b, max));
        strbuf_puts(&sql, ") AS capped");
    }
    const store_driver *d = DRV(c);
    db_stmt *s;
    isms_err e = conn_prepare(c, sql.ptr, &s, st);
    if (e == ISMS_OK) {
        for (int i = 0; i < b.n; i++) {
            if (b.items[i].is_text)
                d->bind_text(s, i + 1, b.items[i].text);
            else
                d->bind_int(s, i + 1, b.items[i].num);
        }
        db_step r = d->step(s, st);
        *out = r == DB_ROW ? d->column_int(s, 0) : 0;
        d->reset(s);
        e = r == DB_ERROR ? st->code : ISMS_OK;
    }
    strbuf_dispose(&sql);
    arena_dispose(&a);
    return e;
}

isms_err store_count(store_conn *c, const store_query *q, int64_t *out, isms_status *st)
{
    return count_matches(c, q, -1, out, st);
}

isms_err store_count_upto(store_conn *c, const store_query *q, int64_t max, int64_t *out,
                          isms_status *st)
{
    return count_matches(c, q, max < 0 ? 0 : max, out, st);
}
