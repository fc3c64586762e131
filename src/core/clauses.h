/*
 * The clauses of ISO/IEC 27001:2022 (ids and headings), from the reference
 * data embedded in the binary. They give the navigation order and names.
 */
#ifndef ISMS_CORE_CLAUSES_H
#define ISMS_CORE_CLAUSES_H

#include <stddef.h>

typedef struct isms_clause {
    const char *id;     /* "4.1" */
    const char *parent; /* "4", or NULL for a top-level clause */
    const char *title;  /* "Understanding the organization and its context" */
    int level;          /* 1 for "4", 2 for "4.1", 3 for "6.1.2" */
} isms_clause;

/* All clauses in the standard's order. Parsed once; never freed. */
const isms_clause *clauses_all(size_t *n);

/* The clause with this id, or NULL. */
const isms_clause *clause_find(const char *id);

#endif
