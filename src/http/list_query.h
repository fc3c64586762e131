/*
 * The query string of a list (GET /api/v1/<plural>) as a store query: the
 * HTTP counterpart of the CLI's list options, as strict as the JSON decoder.
 *
 *   sort=field | sort=-field   a sortable field, or id (the default); - is descending
 *   q=text                     search in the title and human id (at most
 *                              STORE_QUERY_TEXT_MAX bytes)
 *   limit=N                    1..STORE_PAGE_MAX, STORE_PAGE_DEFAULT when absent
 *   cursor=...                 next_cursor of the previous page
 *   retired=exclude|include|only
 *   <field>=<value>            a filterable field, its value in text form
 *                              (value_parse); empty means "has no value";
 *                              a list of references takes one id ("contains")
 *
 * Anything else, and any parameter given twice, is a field error naming the
 * parameter.
 */
#ifndef ISMS_HTTP_LIST_QUERY_H
#define ISMS_HTTP_LIST_QUERY_H

#include <stddef.h>

#include "core/registry.h"
#include "core/status.h"
#include "store/store.h"
#include "util/arena.h"

/*
 * Fill q from n parameters (keys[i]=values[i], already URL-decoded; a NULL
 * value counts as empty). Text kept in q is copied into a. Every problem is
 * a field error in st: ISMS_EINVALID.
 */
isms_err list_query_from_params(const isms_registry *reg, const isms_kind *k,
                                const char *const *keys, const char *const *values, size_t n,
                                arena *a, store_query *q, isms_status *st);

#endif
