#include "http/list_query.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/record_decode.h"
#include "core/validate.h"
#include "core/value.h"
#include "util/strbuf.h"

enum { NAMES_MAX = 100, QUOTE_MAX = 48 };

/* The fields of k with a flag, as "a, b, c" (cut with "..." when long). */
static void field_names(const isms_kind *k, unsigned flag, char *buf, size_t size)
{
    strbuf b;
    strbuf_init(&b, size - 4);
    bool first = true;
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (!(f->flags & flag) || (f->flags & FF_SECRET))
            continue;
        strbuf_printf(&b, "%s%s", first ? "" : ", ", f->name);
        first = false;
    }
    snprintf(buf, size, "%s%s", first ? "none" : b.ptr, strbuf_ok(&b) ? "" : "...");
    strbuf_dispose(&b);
}

static bool parse_sort(const isms_kind *k, const char *value, store_query *q, char *reason,
                       size_t rsize)
{
    q->desc = value[0] == '-';
    const char *name = q->desc ? value + 1 : value;
    if (strcmp(name, "id") == 0) {
        q->sort = NULL;
        return true;
    }
    const isms_field *f = kind_field(k, name);
    if (f && (f->flags & FF_SORTABLE) && !(f->flags & FF_SECRET)) {
        q->sort = f;
        return true;
    }
    char quoted[QUOTE_MAX], names[NAMES_MAX];
    field_names(k, FF_SORTABLE, names, sizeof(names));
    snprintf(reason, rsize, "cannot sort by '%s'; sort by id or by one of: %s",
             message_text_copy(quoted, sizeof(quoted), name), names);
    return false;
}

static bool parse_retired(const char *value, store_query *q, char *reason, size_t rsize)
{
    if (strcmp(value, "exclude") == 0)
        q->retired = STORE_ACTIVE_ONLY;
    else if (strcmp(value, "include") == 0)
        q->retired = STORE_WITH_RETIRED;
    else if (strcmp(value, "only") == 0)
        q->retired = STORE_RETIRED_ONLY;
    else
        return snprintf(reason, rsize, "must be exclude, include or only"), false;
    return true;
}

/* A filter on the field named by the parameter. */
static bool parse_filter(const isms_registry *reg, const isms_kind *k, const char *key,
                         const char *value, arena *a, store_query *q, char *reason, size_t rsize)
{
    char names[NAMES_MAX];
    const isms_field *f = kind_field(k, key);
    if (!f) {
        field_names(k, FF_FILTERABLE, names, sizeof(names));
        snprintf(reason, rsize,
                 "is not a list parameter (sort, q, limit, cursor, retired) or "
                 "a field to filter on: %s",
                 names);
        return false;
    }
    if (!(f->flags & FF_FILTERABLE) || (f->flags & FF_SECRET)) {
        field_names(k, FF_FILTERABLE, names, sizeof(names));
        snprintf(reason, rsize, "cannot filter on this field (fields to filter on: %s)", names);
        return false;
    }
    if (q->nfilters == STORE_MAX_FILTERS) {
        snprintf(reason, rsize, "at most %d filters are allowed", STORE_MAX_FILTERS);
        return false;
    }
    isms_value v;
    if (!value_parse(reg, f, value, a, &v, reason, rsize)) {
        /* The reason may quote the input, which need not be valid text. */
        char copy[ISMS_REASON_MAX];
        snprintf(copy, sizeof(copy), "%s", reason);
        message_text_copy(reason, rsize, copy);
        return false;
    }
    if (f->type == FT_REFLIST && v.n > 1) {
        snprintf(reason, rsize, "filter on one record at a time");
        return false;
    }
    if (field_is_text(f)) {
        /* A mistyped value would silently match nothing; text must be valid. */
        isms_status check;
        status_clear(&check);
        value_validate(f, &v, &check);
        if (check.nfields) {
            snprintf(reason, rsize, "%s", check.fields[0].reason);
            return false;
        }
    }
    q->filters[q->nfilters++] = (store_filter){.field = f, .value = v};
    return true;
}

isms_err list_query_from_params(const isms_registry *reg, const isms_kind *k,
                                const char *const *keys, const char *const *values, size_t n,
                                arena *a, store_query *q, isms_status *st)
{
    memset(q, 0, sizeof(*q));
    q->kind = k;
    q->limit = STORE_PAGE_DEFAULT;
    q->retired = STORE_ACTIVE_ONLY;
    bool bad = false;
    for (size_t i = 0; i < n; i++) {
        const char *key = keys[i] ? keys[i] : "";
        const char *value = values[i] ? values[i] : "";
        char reason[ISMS_REASON_MAX];
        reason[0] = '\0';
        bool repeated = false;
        for (size_t j = 0; j < i && !repeated; j++)
            repeated = strcmp(keys[j] ? keys[j] : "", key) == 0;
        int64_t limit = 0;
        if (repeated) {
            snprintf(reason, sizeof(reason), "is given more than once");
        } else if (strcmp(key, "sort") == 0) {
            parse_sort(k, value, q, reason, sizeof(reason));
        } else if (strcmp(key, "q") == 0) {
            size_t len = strlen(value), chars;
            if (len > STORE_QUERY_TEXT_MAX)
                snprintf(reason, sizeof(reason), "is longer than %d bytes", STORE_QUERY_TEXT_MAX);
            else if (!utf8_count(value, len, &chars))
                snprintf(reason, sizeof(reason), "is not valid UTF-8 text");
            else
                q->q = len ? arena_strndup(a, value, len) : NULL;
        } else if (strcmp(key, "limit") == 0) {
            if (!parse_int64(value, &limit) || limit < 1 || limit > STORE_PAGE_MAX)
                snprintf(reason, sizeof(reason), "must be a whole number from 1 to %d",
                         STORE_PAGE_MAX);
            else
                q->limit = (size_t)limit;
        } else if (strcmp(key, "cursor") == 0) {
            size_t len = strlen(value);
            if (len == 0)
                snprintf(reason, sizeof(reason), "is empty; leave it out for the first page");
            else if (len > STORE_CURSOR_MAX)
                snprintf(reason, sizeof(reason), "is not a cursor of this list");
            else
                q->cursor = arena_strndup(a, value, len);
        } else if (strcmp(key, "retired") == 0) {
            parse_retired(value, q, reason, sizeof(reason));
        } else {
            parse_filter(reg, k, key, value, a, q, reason, sizeof(reason));
        }
        if (reason[0]) {
            char name[ISMS_FIELD_NAME_MAX];
            status_field(st, message_text_copy(name, sizeof(name), key), "%s", reason);
            bad = true;
        }
    }
    return bad ? ISMS_EINVALID : ISMS_OK;
}
