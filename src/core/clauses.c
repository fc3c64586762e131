#include "core/clauses.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/die.h"

extern const char data_iso27001_2022_clauses[];
extern const unsigned long data_iso27001_2022_clauses_len;

static isms_clause *clauses;
static size_t nclauses;
static pthread_once_t clauses_once = PTHREAD_ONCE_INIT;

static char *dup_or_null(json_t *j)
{
    const char *s = json_string_value(j);
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        die_oom();
    return d;
}

/* The data is ours and built in: a defect in it is a build defect, so it aborts. */
static void clauses_load(void)
{
    json_error_t err;
    json_t *root = json_loadb(data_iso27001_2022_clauses, data_iso27001_2022_clauses_len,
                              JSON_REJECT_DUPLICATES, &err);
    json_t *list = json_object_get(root, "clauses");
    if (!json_is_array(list))
        die("embedded clause list is malformed");
    nclauses = json_array_size(list);
    clauses = calloc(nclauses, sizeof(*clauses));
    if (!clauses)
        die_oom();
    for (size_t i = 0; i < nclauses; i++) {
        json_t *c = json_array_get(list, i);
        clauses[i].id = dup_or_null(json_object_get(c, "id"));
        clauses[i].parent = dup_or_null(json_object_get(c, "parent"));
        clauses[i].title = dup_or_null(json_object_get(c, "title"));
        clauses[i].level = (int)json_integer_value(json_object_get(c, "level"));
        if (!clauses[i].id || !clauses[i].title)
            die("embedded clause list is malformed");
    }
    json_decref(root);
}

const isms_clause *clauses_all(size_t *n)
{
    pthread_once(&clauses_once, clauses_load);
    *n = nclauses;
    return clauses;
}

const isms_clause *clause_find(const char *id)
{
    size_t n;
    const isms_clause *all = clauses_all(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].id, id) == 0)
            return &all[i];
    return NULL;
}
