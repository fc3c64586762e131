/*
 * What the risk register adds to the generic pages: the heat maps above the
 * list of risks, its default order (highest level first), the badge of a
 * risk that needs treatment, and the register's section on the home page.
 */
#ifndef ISMS_WEB_PAGE_RISKS_H
#define ISMS_WEB_PAGE_RISKS_H

#include "web/page.h"

/* What a kind's list page adds to the generic one; found by list_extra_of. */
typedef struct list_extra {
    const char *kind;         /* the kind's name */
    const char *default_sort; /* the field sorted by when the query names none */
    bool default_desc;
    void (*above)(web_page *pg);                        /* before the filters; may be NULL */
    void (*badge)(strbuf *b, const isms_record *rec);   /* after a row's title; may be NULL */
} list_extra;

/* The extra of kind k, or NULL for a plain list. */
const list_extra *list_extra_of(const isms_kind *k);

/* The register's section of the home page: heat map, overdue actions, flagged risks. */
void page_risks_home(web_page *pg);

#endif
