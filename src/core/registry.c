#include "core/registry.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const isms_kind *registry_kind(const isms_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->nkinds; i++)
        if (strcmp(reg->kinds[i]->name, name) == 0)
            return reg->kinds[i];
    return NULL;
}

const isms_kind *registry_kind_by_plural(const isms_registry *reg, const char *plural)
{
    for (size_t i = 0; i < reg->nkinds; i++)
        if (strcmp(reg->kinds[i]->plural, plural) == 0)
            return reg->kinds[i];
    return NULL;
}

const isms_kind *registry_kind_by_prefix(const isms_registry *reg, const char *prefix,
                                         size_t len)
{
    for (size_t i = 0; i < reg->nkinds; i++) {
        const char *p = reg->kinds[i]->prefix;
        if (strlen(p) == len && strncasecmp(p, prefix, len) == 0)
            return reg->kinds[i];
    }
    return NULL;
}

const isms_field *kind_field(const isms_kind *k, const char *name)
{
    for (size_t i = 0; i < k->nfields; i++)
        if (strcmp(k->fields[i].name, name) == 0)
            return &k->fields[i];
    return NULL;
}

const isms_field *kind_role_field(const isms_kind *k, field_role role)
{
    for (size_t i = 0; i < k->nfields; i++)
        if (k->fields[i].role == role)
            return &k->fields[i];
    return NULL;
}

size_t kind_field_index(const isms_kind *k, const isms_field *f)
{
    return (size_t)(f - k->fields);
}

bool field_is_text(const isms_field *f)
{
    switch (f->type) {
    case FT_TEXT:
    case FT_LONGTEXT:
    case FT_ENUM:
    case FT_DATE:
    case FT_DATETIME:
        return true;
    default:
        return false;
    }
}

static bool in_list(const char *const *list, const char *value)
{
    for (; list && *list; list++)
        if (strcmp(*list, value) == 0)
            return true;
    return false;
}

bool field_enum_allows(const isms_field *f, const char *value)
{
    return in_list(f->values, value);
}

bool field_status_closed(const isms_field *f, const char *value)
{
    return value && in_list(f->closed_values, value);
}

const char *field_type_name(field_type t)
{
    static const char *const names[FT_COUNT] = {
        [FT_TEXT] = "text",         [FT_LONGTEXT] = "longtext", [FT_INT] = "integer",
        [FT_DECIMAL] = "decimal",   [FT_BOOL] = "boolean",      [FT_DATE] = "date",
        [FT_DATETIME] = "datetime", [FT_ENUM] = "enum",         [FT_REF] = "ref",
        [FT_REFLIST] = "reflist",   [FT_ANYREF] = "anyref",
    };
    return (unsigned)t < FT_COUNT ? names[t] : "?";
}

/* Identifiers end up in SQL and URLs: allow only [a-z][a-z0-9_-]*. */
__attribute__((format(printf, 2, 3))) static bool reg_fail(isms_status *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->detail, sizeof(st->detail), fmt, ap);
    va_end(ap);
    st->code = ISMS_EINVALID;
    return false;
}

static bool ident_ok(const char *s, char sep)
{
    if (!s || !islower((unsigned char)s[0]))
        return false;
    for (const char *p = s; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != sep)
            return false;
    return strlen(s) < ISMS_FIELD_NAME_MAX;
}

static bool prefix_ok(const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++)
        if (!isupper((unsigned char)s[n]))
            return false;
    return n >= 2 && n <= 5;
}

static bool check_field(const isms_kind *k, const isms_field *f, isms_status *st)
{
    if (!ident_ok(f->name, '_') || !f->label || !f->help)
        return reg_fail(st, "%s.%s: bad name, label or help", k->name,
                           f->name ? f->name : "?");
    if ((f->type == FT_TEXT || f->type == FT_LONGTEXT) &&
        (f->max_len < 1 || f->max_len > FIELD_MAX_LEN_LIMIT))
        return reg_fail(st, "%s.%s: max_len must be 1..%d", k->name, f->name,
                           FIELD_MAX_LEN_LIMIT);
    if (f->type == FT_ENUM && (!f->values || !f->values[0]))
        return reg_fail(st, "%s.%s: enum without values", k->name, f->name);
    if ((f->type == FT_REF || f->type == FT_REFLIST) && !f->target)
        return reg_fail(st, "%s.%s: reference without target", k->name,
                           f->name);
    if ((f->flags & (FF_SORTABLE | FF_FILTERABLE)) && (f->type == FT_LONGTEXT || f->flags & FF_SECRET))
        return reg_fail(st, "%s.%s: long or secret text cannot be indexed",
                           k->name, f->name);
    if ((f->flags & FF_SORTABLE) && (f->type == FT_REFLIST || f->type == FT_ANYREF))
        return reg_fail(st, "%s.%s: lists and any-references are not sortable",
                           k->name, f->name);
    /* A derived title (a signature's "RSK-3 accepted by owner") is set by the prepare hook. */
    if (f->role == ROLE_TITLE &&
        (f->type != FT_TEXT || !(f->flags & (FF_REQUIRED | FF_DERIVED))))
        return reg_fail(st, "%s.%s: the title must be required text", k->name,
                           f->name);
    if (f->role == ROLE_DUE && f->type != FT_DATE)
        return reg_fail(st, "%s.%s: a due date must be a date", k->name,
                           f->name);
    if (f->role == ROLE_STATUS && f->type != FT_ENUM)
        return reg_fail(st, "%s.%s: a status must be an enum", k->name,
                           f->name);
    for (const char *const *c = f->closed_values; c && *c; c++)
        if (!field_enum_allows(f, *c))
            return reg_fail(st, "%s.%s: closed value %s is not allowed",
                               k->name, f->name, *c);
    if ((f->flags & FF_DERIVED) && !k->derive && !k->prepare)
        return reg_fail(st, "%s.%s: derived field without a derive hook",
                           k->name, f->name);
    return true;
}

static bool check_kind(const isms_registry *reg, const isms_kind *k, isms_status *st)
{
    if (!ident_ok(k->name, '-') || !ident_ok(k->plural, '-') || !ident_ok(k->table, '_') ||
        !prefix_ok(k->prefix) || !k->clause || !k->label || !k->label_plural || !k->help)
        return reg_fail(st, "kind %s: bad names", k->name ? k->name : "?");
    if (!kind_role_field(k, ROLE_TITLE))
        return reg_fail(st, "kind %s: no title field", k->name);
    if ((k->flags & KF_DELETABLE) && !k->delete_check)
        return reg_fail(st, "kind %s: deletable without delete_check",
                           k->name);
    if (k->parent_field) {
        const isms_field *pf = kind_field(k, k->parent_field);
        if (!pf || pf->type != FT_REF || !(pf->flags & FF_REQUIRED))
            return reg_fail(st, "kind %s: parent must be a required ref",
                               k->name);
    }
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (!check_field(k, f, st))
            return false;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(k->fields[j].name, f->name) == 0)
                return reg_fail(st, "kind %s: field %s twice", k->name,
                                   f->name);
            if (f->role != ROLE_NONE && k->fields[j].role == f->role)
                return reg_fail(st, "kind %s: two fields share a role",
                                   k->name);
        }
        if (f->target) {
            bool known = false;
            for (size_t t = 0; t < reg->nkinds; t++)
                known = known || reg->kinds[t] == f->target;
            if (!known)
                return reg_fail(st, "%s.%s: target kind not in registry",
                                   k->name, f->name);
        }
    }
    return true;
}

bool registry_check(const isms_registry *reg, isms_status *st)
{
    status_clear(st);
    for (size_t i = 0; i < reg->nkinds; i++) {
        const isms_kind *k = reg->kinds[i];
        if (!check_kind(reg, k, st))
            return false;
        for (size_t j = 0; j < i; j++) {
            const isms_kind *o = reg->kinds[j];
            if (strcmp(o->name, k->name) == 0 || strcmp(o->plural, k->plural) == 0 ||
                strcmp(o->table, k->table) == 0 || strcmp(o->prefix, k->prefix) == 0)
                return reg_fail(st, "kinds %s and %s share a name", o->name,
                                   k->name);
        }
    }
    return true;
}

const char *kind_article(const isms_kind *k)
{
    /* By spelling: no kind name starts with a silent h or a "you" sound. */
    return k->name[0] && strchr("aeio", k->name[0]) ? "an" : "a";
}
