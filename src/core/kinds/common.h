/*
 * Field definitions that many kinds share, so each kind's table reads as
 * what is specific to it. Only for kind definition files.
 */
#ifndef ISMS_CORE_KINDS_COMMON_H
#define ISMS_CORE_KINDS_COMMON_H

#include <string.h>

#include "core/kinds/kinds.h"
#include "core/record.h"
#include "core/registry.h"

#define FIELD_TITLE(help_text)                                                                 \
    {.name = "title", .label = "Title", .help = help_text, .type = FT_TEXT,                    \
     .flags = FF_REQUIRED | FF_SORTABLE | FF_LISTED, .role = ROLE_TITLE, .max_len = 200}

#define FIELD_LONGTEXT(n, l, h, len)                                                           \
    {.name = n, .label = l, .help = h, .type = FT_LONGTEXT, .max_len = len}

/* An owner is a person (clause 5.3), whether or not they ever log in. */
#define FIELD_OWNER(help_text, extra_flags)                                                    \
    {.name = "owner", .label = "Owner", .help = help_text, .type = FT_REF,                     \
     .flags = FF_SORTABLE | FF_FILTERABLE | FF_LISTED | (extra_flags), .role = ROLE_OWNER,    \
     .target = &kind_person}

#define FIELD_REVIEW_DATE                                                                      \
    {.name = "review_date", .label = "Next review", .help = "When this is next looked at",    \
     .type = FT_DATE, .flags = FF_SORTABLE | FF_FILTERABLE | FF_LISTED, .role = ROLE_DUE}

#define FIELD_BOOL(n, l, h)                                                                    \
    {.name = n, .label = l, .help = h, .type = FT_BOOL, .flags = FF_FILTERABLE}

#define KIND_FIELDS(array) .fields = array, .nfields = sizeof(array) / sizeof(array[0])

extern const char *const origin_values[]; /* internal, external */

/* Whether a text field says something: for rules, a blank text is as good as none. */
static inline bool record_says(const isms_record *rec, const char *name)
{
    const isms_value *v = record_value(rec, name);
    return v->set && v->s && v->s[strspn(v->s, " \t\r\n")] != '\0';
}

#endif
