#include "core/record_json.h"

#include <string.h>

#include "core/value.h"
#include "util/strbuf.h"

json_t *value_to_json(const isms_field *f, const isms_value *v)
{
    if (!v->set)
        return json_null();
    char buf[ISMS_HUMAN_ID_MAX];
    switch (f->type) {
    case FT_INT:
        return json_integer(v->i);
    case FT_DECIMAL: {
        /* A real number in JSON with the exact digits: jansson keeps it as text. */
        char num[32];
        format_decimal_micro(v->i, num);
        return json_sprintf("\x01%s", num);
    }
    case FT_BOOL:
        return json_boolean(v->i);
    case FT_REF:
        human_id_format(buf, f->target, v->i);
        return json_string(buf);
    case FT_ANYREF:
        human_id_format(buf, v->kind, v->i);
        return json_string(buf);
    case FT_REFLIST: {
        json_t *arr = json_array();
        for (size_t i = 0; i < v->n; i++) {
            human_id_format(buf, f->target, v->ids[i]);
            json_array_append_new(arr, json_string(buf));
        }
        return arr;
    }
    default:
        return json_string(v->s);
    }
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *record_to_json(const isms_record *r)
{
    const isms_kind *k = r->kind;
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, r->id);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(hid));
    json_object_set_new(o, "kind", json_string(k->name));
    json_object_set_new(o, "version", json_integer(r->version));
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (!(f->flags & FF_SECRET))
            json_object_set_new(o, f->name, value_to_json(f, &r->values[i]));
    }
    json_object_set_new(o, "created_at", text_or_null(r->created_at));
    json_object_set_new(o, "created_by", text_or_null(r->created_by));
    json_object_set_new(o, "updated_at", text_or_null(r->updated_at));
    json_object_set_new(o, "updated_by", text_or_null(r->updated_by));
    json_object_set_new(o, "retired", json_boolean(r->retired_at != NULL));
    if (r->retired_at) {
        json_object_set_new(o, "retired_at", json_string(r->retired_at));
        json_object_set_new(o, "retired_by", text_or_null(r->retired_by));
        json_object_set_new(o, "retired_reason", text_or_null(r->retired_reason));
    }
    return o;
}

static json_t *string_list(const char *const *list)
{
    json_t *a = json_array();
    for (; list && *list; list++)
        json_array_append_new(a, json_string(*list));
    return a;
}

static const char *role_name(field_role r)
{
    static const char *const names[] = {"", "title", "owner", "due", "status"};
    return names[r];
}

static json_t *field_to_json(const isms_field *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(f->name));
    json_object_set_new(o, "label", json_string(f->label));
    json_object_set_new(o, "help", json_string(f->help));
    json_object_set_new(o, "type", json_string(field_type_name(f->type)));
    json_object_set_new(o, "required", json_boolean(f->flags & FF_REQUIRED));
    json_object_set_new(o, "sortable", json_boolean(f->flags & FF_SORTABLE));
    json_object_set_new(o, "filterable", json_boolean(f->flags & FF_FILTERABLE));
    json_object_set_new(o, "derived", json_boolean(f->flags & FF_DERIVED));
    json_object_set_new(o, "secret", json_boolean(f->flags & FF_SECRET));
    if (f->role != ROLE_NONE)
        json_object_set_new(o, "role", json_string(role_name(f->role)));
    if (f->max_len)
        json_object_set_new(o, "max_length", json_integer(f->max_len));
    if (f->values)
        json_object_set_new(o, "values", string_list(f->values));
    if (f->closed_values)
        json_object_set_new(o, "closed_values", string_list(f->closed_values));
    if (f->target)
        json_object_set_new(o, "target", json_string(f->target->name));
    if (f->default_text)
        json_object_set_new(o, "default", json_string(f->default_text));
    return o;
}

json_t *registry_to_json(const isms_registry *reg)
{
    json_t *kinds = json_array();
    for (size_t i = 0; i < reg->nkinds; i++) {
        const isms_kind *k = reg->kinds[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(k->name));
        json_object_set_new(o, "plural", json_string(k->plural));
        json_object_set_new(o, "prefix", json_string(k->prefix));
        json_object_set_new(o, "clause", json_string(k->clause));
        json_object_set_new(o, "label", json_string(k->label));
        json_object_set_new(o, "label_plural", json_string(k->label_plural));
        json_object_set_new(o, "help", json_string(k->help));
        json_object_set_new(o, "immutable", json_boolean(k->flags & KF_IMMUTABLE));
        json_object_set_new(o, "deletable", json_boolean(k->flags & KF_DELETABLE));
        json_object_set_new(o, "singleton", json_boolean(k->flags & KF_SINGLETON));
        if (k->parent_field)
            json_object_set_new(o, "parent_field", json_string(k->parent_field));
        json_t *fields = json_array();
        for (size_t j = 0; j < k->nfields; j++)
            json_array_append_new(fields, field_to_json(&k->fields[j]));
        json_object_set_new(o, "fields", fields);
        json_array_append_new(kinds, o);
    }
    json_t *root = json_object();
    json_object_set_new(root, "kinds", kinds);
    return root;
}

/*
 * jansson has no exact-decimal type. value_to_json marks decimals as strings
 * starting with \x01 (a control character no valid text field may hold);
 * here they are written without quotes.
 */
char *json_dump_exact(const json_t *j, size_t flags)
{
    char *s = json_dumps(j, flags);
    if (!s)
        return NULL;
    static const char marker[] = "\"\\u0001";
    char *w = s;
    for (const char *p = s; *p;) {
        if (strncmp(p, marker, sizeof(marker) - 1) == 0) {
            p += sizeof(marker) - 1;
            while (*p && *p != '"')
                *w++ = *p++;
            if (*p == '"')
                p++;
            continue;
        }
        if (*p == '"') {
            /* copy a whole string literal, honouring escapes */
            *w++ = *p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    *w++ = *p++;
                *w++ = *p++;
            }
            if (*p)
                *w++ = *p++;
            continue;
        }
        *w++ = *p++;
    }
    *w = '\0';
    return s;
}
