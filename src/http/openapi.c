/*
 * The OpenAPI document, built from the registry and the limits the handlers
 * apply (list_query.c, record_decode.c, records.c), so that it cannot drift
 * from what the server answers. Names: components/schemas <Kind> (a record
 * as returned), <Kind>Create, <Kind>Patch, <Kind>Page, <Kind>History;
 * operationIds list<Kinds>, create<Kind>, get<Kind>, update<Kind>,
 * delete<Kind>, retire<Kind>, history<Kind>. Descriptions come from the registry's labels and help.
 * Security comes from the route table (http/router.c): the permission of each
 * operation's route decides whether it needs a bearer token (401 and 403
 * documented, x-isms-permission naming the permission) or none (security []).
 */
#include "http/openapi.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/record.h"
#include "core/record_decode.h"
#include "core/risk_campaign.h"
#include "core/roles.h"
#include "core/value.h"
#include "http/api.h"
#include "store/store.h"
#include "util/die.h"

#ifndef ISMS_VERSION
#define ISMS_VERSION "dev"
#endif

enum { NAME_LEN = 96, TEXT_LEN = 512 };

/* Query parameters of every list; a field with one of these names cannot be a filter. */
static const char *const list_params[] = {"sort", "q", "limit", "cursor", "retired", NULL};

/* How a field's schema is used. */
typedef enum schema_use {
    USE_OUTPUT, /* a member of a record as returned */
    USE_INPUT,  /* a member of a create or patch body */
    USE_FILTER, /* a list's query parameter (one value) */
} schema_use;

/* The names a kind goes by in the document. */
typedef struct kind_names {
    char type[NAME_LEN];   /* ContextIssue */
    char types[NAME_LEN];  /* ContextIssues */
    char one[NAME_LEN];    /* "context issue" (prose) */
    char many[NAME_LEN];   /* "context issues" */
    const char *article;   /* "a" or "an", before one */
} kind_names;

/* --- small builders ------------------------------------------------------------ */

static void put(json_t *o, const char *key, json_t *v)
{
    if (!v || json_object_set_new(o, key, v) != 0)
        die_oom();
}

static void put_s(json_t *o, const char *key, const char *s)
{
    put(o, key, json_string(s));
}

static void put_i(json_t *o, const char *key, json_int_t i)
{
    put(o, key, json_integer(i));
}

static void put_b(json_t *o, const char *key, bool b)
{
    put(o, key, json_boolean(b));
}

static __attribute__((format(printf, 3, 4))) void put_f(json_t *o, const char *key,
                                                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *s = json_vsprintf(fmt, ap);
    va_end(ap);
    put(o, key, s);
}

static void push(json_t *a, json_t *v)
{
    if (!v || json_array_append_new(a, v) != 0)
        die_oom();
}

static json_t *new_object(void)
{
    json_t *o = json_object();
    if (!o)
        die_oom();
    return o;
}

static json_t *new_array(void)
{
    json_t *a = json_array();
    if (!a)
        die_oom();
    return a;
}

/* {"$ref": "#/components/<section>/<name>"} */
static json_t *ref(const char *section, const char *name)
{
    json_t *o = new_object();
    put_f(o, "$ref", "#/components/%s/%s", section, name);
    return o;
}

/* "type": t, or [t, "null"] when nullable; t2 (or NULL) is a second type. */
static void put_type(json_t *s, const char *t, const char *t2, bool nullable)
{
    if (!t2 && !nullable) {
        put_s(s, "type", t);
        return;
    }
    json_t *a = new_array();
    push(a, json_string(t));
    if (t2)
        push(a, json_string(t2));
    if (nullable)
        push(a, json_string("null"));
    put(s, "type", a);
}

/* An exact decimal number from micro-units (written by json_dump_exact). */
static json_t *exact_decimal(int64_t micro)
{
    char num[32];
    format_decimal_micro(micro, num);
    return json_sprintf("\x01%s", num);
}

/* --- names ----------------------------------------------------------------------- */

/* "context-issue" -> "ContextIssue" */
static void camel(char *buf, size_t size, const char *dashed)
{
    size_t w = 0;
    bool up = true;
    for (const char *p = dashed; *p && w + 1 < size; p++) {
        if (*p == '-' || *p == '_' || *p == ' ') {
            up = true;
            continue;
        }
        buf[w++] = up ? (char)toupper((unsigned char)*p) : *p;
        up = false;
    }
    buf[w] = '\0';
}

/* A label as it reads inside a sentence: "Context issue" -> "context issue", "ISMS ..." kept. */
static void prose(char *buf, size_t size, const char *label)
{
    snprintf(buf, size, "%s", label);
    if (isupper((unsigned char)buf[0]) && islower((unsigned char)buf[1]))
        buf[0] = (char)tolower((unsigned char)buf[0]);
}

static void names_of(const isms_kind *k, kind_names *n)
{
    camel(n->type, sizeof(n->type), k->name);
    camel(n->types, sizeof(n->types), k->plural);
    prose(n->one, sizeof(n->one), k->label);
    prose(n->many, sizeof(n->many), k->label_plural);
    n->article = strchr("aeiouAEIOU", n->one[0]) && n->one[0] ? "an" : "a";
}

static json_t *id_pattern(const isms_kind *k)
{
    return json_sprintf("^%s-[1-9][0-9]*$", k->prefix);
}

/* ^(ISS|CLD|...)-[1-9][0-9]*$: the id of a record of any kind. */
static json_t *any_id_pattern(const isms_registry *reg)
{
    char buf[TEXT_LEN];
    size_t w = (size_t)snprintf(buf, sizeof(buf), "^(");
    for (size_t i = 0; i < reg->nkinds && w < sizeof(buf); i++)
        w += (size_t)snprintf(buf + w, sizeof(buf) - w, "%s%s", i ? "|" : "",
                              reg->kinds[i]->prefix);
    if (w < sizeof(buf))
        snprintf(buf + w, sizeof(buf) - w, ")-[1-9][0-9]*$");
    return json_string(buf);
}

/* --- field schemas ---------------------------------------------------------------- */

/* The value default_text stands for, typed as the field's JSON. */
static json_t *default_value(const isms_field *f)
{
    bool b;
    int64_t i;
    switch (f->type) {
    case FT_BOOL:
        return parse_bool(f->default_text, &b) ? json_boolean(b) : NULL;
    case FT_INT:
        return parse_int64(f->default_text, &i) ? json_integer(i) : NULL;
    case FT_DECIMAL:
        return parse_decimal_micro(f->default_text, &i) ? exact_decimal(i) : NULL;
    default:
        return json_string(f->default_text);
    }
}

/* The schema of a field's value. nullable: null stands for "no value". */
static json_t *field_schema(const isms_registry *reg, const isms_field *f, schema_use use,
                            bool nullable)
{
    json_t *s = new_object();
    if (use != USE_FILTER) {
        put_s(s, "title", f->label);
        put_s(s, "description", f->help);
    }
    switch (f->type) {
    case FT_TEXT:
    case FT_LONGTEXT:
        put_type(s, "string", NULL, nullable);
        if (f->max_len)
            put_i(s, "maxLength", f->max_len);
        break;
    case FT_ENUM: {
        put_type(s, "string", NULL, nullable);
        json_t *values = new_array();
        for (const char *const *v = f->values; v && *v; v++)
            push(values, json_string(*v));
        if (nullable)
            push(values, json_null());
        put(s, "enum", values);
        break;
    }
    case FT_DATE:
        put_type(s, "string", NULL, nullable);
        put_s(s, "format", "date");
        break;
    case FT_DATETIME:
        put_type(s, "string", NULL, nullable);
        put_s(s, "format", "date-time");
        break;
    case FT_INT:
        put_type(s, "integer", NULL, nullable);
        put_s(s, "format", "int64");
        if (f->min || f->max) {
            put_i(s, "minimum", f->min);
            put_i(s, "maximum", f->max);
        }
        break;
    case FT_DECIMAL:
        /* Bodies may send a decimal as a string, for more than 15 significant digits. */
        put_type(s, "number", use == USE_INPUT ? "string" : NULL, nullable);
        if (use == USE_INPUT)
            put_s(s, "pattern", "^-?[0-9]{1,12}(\\.[0-9]{1,6})?$");
        if (f->min || f->max) {
            put(s, "minimum", exact_decimal(f->min));
            put(s, "maximum", exact_decimal(f->max));
        }
        break;
    case FT_BOOL:
        put_type(s, "boolean", NULL, nullable);
        break;
    case FT_REF:
        put_type(s, "string", NULL, nullable);
        put(s, "pattern", id_pattern(f->target));
        break;
    case FT_REFLIST:
        if (use == USE_FILTER) { /* a filter names one record */
            put_type(s, "string", NULL, nullable);
            put(s, "pattern", id_pattern(f->target));
            break;
        }
        put_type(s, "array", NULL, nullable);
        json_t *item = new_object();
        put_s(item, "type", "string");
        put(item, "pattern", id_pattern(f->target));
        put(s, "items", item);
        put_b(s, "uniqueItems", true);
        put_i(s, "maxItems", RECORD_DECODE_REFLIST_MAX);
        break;
    case FT_ANYREF:
        put_type(s, "string", NULL, nullable);
        put(s, "pattern", any_id_pattern(reg));
        break;
    case FT_COUNT:
        break;
    }
    if (use == USE_INPUT && f->default_text) {
        json_t *d = default_value(f);
        if (d)
            put(s, "default", d);
    }
    if (f->flags & FF_DERIVED) {
        put_b(s, "readOnly", true);
        put_f(s, "description", "%s (computed by isms)", f->help);
    }
    return s;
}

/* A read-only bookkeeping member. */
static json_t *bookkeeping(const char *type, const char *format, bool nullable,
                           const char *description)
{
    json_t *s = new_object();
    put_type(s, type, NULL, nullable);
    if (format)
        put_s(s, "format", format);
    put_b(s, "readOnly", true);
    put_s(s, "description", description);
    return s;
}

static bool shown(const isms_field *f)
{
    return !(f->flags & FF_SECRET);
}

static bool writable(const isms_field *f)
{
    return !(f->flags & (FF_SECRET | FF_DERIVED));
}

/* <Kind>: a record as the API returns it. */
static json_t *record_schema(const isms_registry *reg, const isms_kind *k)
{
    json_t *props = new_object();
    json_t *required = new_array();
    json_t *id = bookkeeping("string", NULL, false, "");
    put(id, "pattern", id_pattern(k));
    put_f(id, "description", "The record's id, such as %s-12", k->prefix);
    put(props, "id", id);
    json_t *kind = bookkeeping("string", NULL, false, "The kind of record");
    put_s(kind, "const", k->name);
    put(props, "kind", kind);
    json_t *version = bookkeeping("integer", "int64", false,
                                  "Goes up by one with every change; send it back (or as "
                                  "If-Match) to change the record");
    put_i(version, "minimum", 1);
    put(props, "version", version);
    push(required, json_string("id"));
    push(required, json_string("kind"));
    push(required, json_string("version"));
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (!shown(f))
            continue;
        put(props, f->name, field_schema(reg, f, USE_OUTPUT, !(f->flags & FF_REQUIRED)));
        push(required, json_string(f->name)); /* always present, null when empty */
    }
    put(props, "created_at", bookkeeping("string", "date-time", false, "When it was created"));
    put(props, "created_by", bookkeeping("string", NULL, false, "Who created it"));
    put(props, "updated_at",
        bookkeeping("string", "date-time", false, "When it was last changed"));
    put(props, "updated_by", bookkeeping("string", NULL, false, "Who last changed it"));
    put(props, "retired", bookkeeping("boolean", NULL, false, "Whether it has been retired"));
    put(props, "retired_at",
        bookkeeping("string", "date-time", false, "When it was retired (retired records only)"));
    put(props, "retired_by",
        bookkeeping("string", NULL, true, "Who retired it (retired records only)"));
    put(props, "retired_reason",
        bookkeeping("string", NULL, true, "Why it was retired (retired records only)"));
    json_t *referrers = new_object();
    put_s(referrers, "type", "array");
    put(referrers, "items", ref("schemas", "Referrer"));
    put_b(referrers, "readOnly", true);
    put_s(referrers, "description",
          "Records that refer to this one (when one record is read or retired; at most 50)");
    put(props, "referred_to_by", referrers);
    static const char *const more[] = {"created_at", "created_by", "updated_at", "updated_by",
                                       "retired", NULL};
    for (const char *const *m = more; *m; m++)
        push(required, json_string(*m));

    json_t *s = new_object();
    put_s(s, "type", "object");
    put_s(s, "title", k->label);
    put_f(s, "description", "%s (ISO/IEC 27001:2022 clause %s).", k->help, k->clause);
    put(s, "required", required);
    put(s, "properties", props);
    return s;
}

/* <Kind>Create and <Kind>Patch: what a body may hold. */
static json_t *input_schema(const isms_registry *reg, const isms_kind *k, const kind_names *n,
                            bool patch)
{
    json_t *props = new_object();
    json_t *required = new_array();
    if (patch) {
        json_t *v = new_object();
        put_s(v, "type", "integer");
        put_s(v, "format", "int64");
        put_i(v, "minimum", 1);
        put_s(v, "description",
              "The version read; required unless given as If-Match. A stale one is 409.");
        put(props, "version", v);
    }
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (!writable(f))
            continue;
        bool req = f->flags & FF_REQUIRED;
        /* Null clears a field (a required one cannot be); on create it takes the default. */
        bool nullable = !req || (!patch && f->default_text);
        put(props, f->name, field_schema(reg, f, USE_INPUT, nullable));
        if (!patch && req && !f->default_text)
            push(required, json_string(f->name));
    }
    json_t *s = new_object();
    put_s(s, "type", "object");
    if (patch) {
        put_f(s, "description",
              "The fields of %s %s to change; the others keep their values. null clears a "
              "field. Bookkeeping members and computed fields cannot be written.",
              n->article, n->one);
    } else {
        put_f(s, "description",
              "A new %s. Fields left out are empty or take their default; bookkeeping members "
              "and computed fields cannot be written.",
              n->one);
        put(s, "required", required);
        required = NULL;
    }
    if (required)
        json_decref(required);
    put(s, "properties", props);
    put_b(s, "additionalProperties", false);
    return s;
}

/* <Kind>Page: one page of a list. */
static json_t *page_schema(const kind_names *n)
{
    json_t *items = new_object();
    put_s(items, "type", "array");
    put(items, "items", ref("schemas", n->type));
    json_t *next = new_object();
    put_type(next, "string", NULL, true);
    put_s(next, "description", "Pass as cursor for the next page; null on the last page");
    json_t *s = new_object();
    put_s(s, "type", "object");
    put_f(s, "description", "A page of %s", n->many);
    put(s, "required", json_pack("[s,s]", "items", "next_cursor"));
    json_t *props = new_object();
    put(props, "items", items);
    put(props, "next_cursor", next);
    put(s, "properties", props);
    return s;
}

/* <Kind>History: a record's versions from the change log. */
static json_t *history_schema(const kind_names *n)
{
    json_t *props = new_object();
    put(props, "seq",
        json_pack("{s:s,s:s,s:i,s:s}", "type", "integer", "format", "int64", "minimum", 1,
                  "description", "The entry's number in the log"));
    put(props, "at",
        json_pack("{s:s,s:s,s:s}", "type", "string", "format", "date-time", "description",
                  "When the change was made"));
    put(props, "actor",
        json_pack("{s:s,s:s}", "type", "string", "description", "Who made the change"));
    put(props, "channel",
        json_pack("{s:s,s:s}", "type", "string", "description",
                  "Through which face: cli, api, web, import (migration for "
                  "records older than the log)"));
    put(props, "action",
        json_pack("{s:s,s:[s,s,s,s,s,s],s:s}", "type", "string", "enum", "create", "update",
                  "retire", "delete", "redact", "baseline", "description",
                  "What was done; baseline: the record as it was when the log began"));
    put(props, "version",
        json_pack("{s:s,s:s,s:i,s:s}", "type", "integer", "format", "int64", "minimum", 1,
                  "description",
                  "The record's version after the change (a delete names the "
                  "version deleted, a redaction the version redacted)"));
    json_t *record = new_object();
    put(record, "oneOf", json_pack("[o,{s:s}]", ref("schemas", n->type), "type", "null"));
    put_s(record, "description",
          "The whole record after the change; null once redacted, and for redactions");
    put(props, "record", record);
    put(props, "redacted",
        json_pack("{s:s,s:s}", "type", "boolean", "description",
                  "Whether the entry's content was redacted"));
    put(props, "redacts",
        json_pack("{s:s,s:s,s:i,s:s}", "type", "integer", "format", "int64", "minimum", 1,
                  "description", "Redactions only: the entry whose content was removed"));
    put(props, "reason",
        json_pack("{s:s,s:s}", "type", "string", "description",
                  "Redactions only: why the content was removed"));
    put(props, "unreadable",
        json_pack("{s:s,s:s}", "type", "boolean", "description",
                  "Present (true) when the content is not a readable "
                  "record: run isms log verify"));
    json_t *entry = new_object();
    put_s(entry, "type", "object");
    put(entry, "required",
        json_pack("[s,s,s,s,s,s,s,s]", "seq", "at", "actor", "channel", "action", "version",
                  "record", "redacted"));
    put(entry, "properties", props);
    json_t *s = new_object();
    put_s(s, "type", "object");
    put_f(s, "description", "The versions of %s %s, oldest first", n->article, n->one);
    put(s, "required", json_pack("[s,s]", "items", "truncated"));
    put(s, "properties",
        json_pack("{s:{s:s,s:o},s:{s:s,s:s}}", "items", "type", "array", "items", entry,
                  "truncated", "type", "boolean", "description",
                  "Older entries exist beyond the newest 1000 shown"));
    return s;
}

/* HistoryDiff: the fields that differ between two versions. */
static json_t *history_diff_schema(void)
{
    json_t *change = new_object();
    put_s(change, "type", "object");
    put(change, "required", json_pack("[s,s,s]", "field", "before", "after"));
    put(change, "properties",
        json_pack("{s:{s:s,s:s},s:{s:s},s:{s:s}}", "field", "type", "string", "description",
                  "A field of the kind, or retired_at, retired_by, retired_reason", "before",
                  "description", "Its value in the first version (null: none)", "after",
                  "description", "Its value in the second version (null: none)"));
    json_t *s = new_object();
    put_s(s, "type", "object");
    put_s(s, "description", "What changed between two versions of a record, field by field");
    put(s, "required", json_pack("[s,s,s,s]", "id", "from", "to", "changes"));
    put(s, "properties",
        json_pack("{s:{s:s},s:{s:s,s:i},s:{s:s,s:i},s:{s:s,s:o}}", "id", "type", "string", "from",
                  "type", "integer", "minimum", 1, "to", "type", "integer", "minimum", 1, "changes",
                  "type", "array", "items", change));
    return s;
}

/* Problem, Referrer, Retirement, Health. */
static json_t *import_result_schema(void);

static void shared_schemas(json_t *schemas)
{
    json_t *p = new_object();
    put_s(p, "type", "object");
    put_s(p, "description", "An error (RFC 9457 problem details)");
    put(p, "required", json_pack("[s,s,s,s]", "type", "title", "status", "detail"));
    json_t *props = new_object();
    json_t *type = new_object();
    put_s(type, "type", "string");
    put_s(type, "format", "uri");
    put_s(type, "pattern", "^urn:isms:problem:[a-z_]+$");
    put_s(type, "description",
          "urn:isms:problem: followed by invalid, not_found, method_not_allowed, conflict, "
          "referenced, too_big, version_required, busy, store or forbidden");
    put(props, "type", type);
    put(props, "title", json_pack("{s:s,s:s}", "type", "string", "description",
                                  "A short summary of the type"));
    put(props, "status", json_pack("{s:s,s:i,s:i,s:s}", "type", "integer", "minimum", 400,
                                   "maximum", 599, "description", "The HTTP status"));
    put(props, "detail",
        json_pack("{s:s,s:s}", "type", "string", "description", "What went wrong here"));
    json_t *fe = new_object();
    put_s(fe, "type", "object");
    put(fe, "required", json_pack("[s,s]", "field", "reason"));
    put(fe, "properties",
        json_pack("{s:{s:s,s:s},s:{s:s,s:s}}", "field", "type", "string", "description",
                  "The member or query parameter at fault", "reason", "type", "string",
                  "description", "What is wrong with it"));
    put(props, "errors", json_pack("{s:s,s:o,s:s}", "type", "array", "items", fe, "description",
                                   "One entry per field at fault (400)"));
    put(props, "referrers",
        json_pack("{s:s,s:{s:s},s:s}", "type", "array", "items", "type", "string",
                  "description", "Ids of records in force that refer to the record (409)"));
    put(props, "current_version",
        json_pack("{s:s,s:i,s:s}", "type", "integer", "minimum", 1, "description",
                  "The record's version now, when the one sent is stale (409)"));
    put(p, "properties", props);
    put(schemas, "Problem", p);

    json_t *r = new_object();
    put_s(r, "type", "object");
    put_s(r, "description", "A record that refers to another");
    put(r, "required", json_pack("[s,s,s,s,s]", "id", "kind", "field", "title", "retired"));
    put(r, "properties",
        json_pack("{s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:s},s:{s:s}}", "id", "type", "string",
                  "kind", "type", "string", "field", "type", "string", "description",
                  "The field that holds the reference", "title", "type", "string", "retired",
                  "type", "boolean"));
    put(schemas, "Referrer", r);

    json_t *ret = new_object();
    put_s(ret, "type", "object");
    put_s(ret, "description", "Why a record is retired, and the version read");
    put(ret, "required", json_pack("[s]", "reason"));
    json_t *reason = json_pack("{s:s,s:i,s:i,s:s}", "type", "string", "minLength", 1,
                               "maxLength", ISMS_REASON_TEXT_MAX, "description",
                               "Why the record is retired");
    json_t *version = json_pack("{s:s,s:s,s:i,s:s}", "type", "integer", "format", "int64",
                                "minimum", 1, "description",
                                "The version read; required unless given as If-Match");
    put(ret, "properties", json_pack("{s:o,s:o}", "reason", reason, "version", version));
    put_b(ret, "additionalProperties", false);
    put(schemas, "Retirement", ret);

    json_t *h = new_object();
    put_s(h, "type", "object");
    put(h, "required", json_pack("[s,s]", "status", "schema_version"));
    put(h, "properties",
        json_pack("{s:{s:s,s:s},s:{s:s,s:s}}", "status", "type", "string", "const", "ok",
                  "schema_version", "type", "integer", "description",
                  "The version of the database schema"));
    put(schemas, "Health", h);
    put(schemas, "HistoryDiff", history_diff_schema());
    put(schemas, "ImportResult", import_result_schema());
}

/* What a CSV import answers (report/record_import.h: import_result_to_json). */
static json_t *import_result_schema(void)
{
    json_t *count = json_pack("{s:s,s:s,s:i}", "type", "integer", "format", "int64", "minimum", 0);
    json_t *bad = json_pack(
        "{s:s,s:[s,s,s],s:b,s:{s:{s:s,s:s,s:s},s:{s:s,s:s},s:{s:s}}}", "type", "object",
        "required", "row", "column", "reason", "additionalProperties", 0, "properties", "row",
        "type", "integer", "format", "int64", "description", "The row in the file (1: the header)",
        "column", "type", "string", "description", "The column as the header names it; empty: the row",
        "reason", "type", "string");
    json_t *r = new_object();
    put_s(r, "type", "object");
    put(r, "required", json_pack("[s,s,s,s,s,s,s,s]", "rows", "created", "updated", "unchanged",
                                 "bad_rows", "bad", "more_errors", "applied"));
    put_b(r, "additionalProperties", false);
    json_t *props = new_object();
    put(props, "rows", json_deep_copy(count));
    put(props, "created", json_deep_copy(count));
    put(props, "updated", json_deep_copy(count));
    put(props, "unchanged", json_deep_copy(count));
    put(props, "bad_rows", json_deep_copy(count));
    put(props, "bad", json_pack("{s:s,s:o,s:i}", "type", "array", "items", bad, "maxItems", 1000));
    put(props, "more_errors", count);
    put(props, "applied", json_pack("{s:s}", "type", "boolean"));
    put(r, "properties", props);
    return r;
}

/* --- responses -------------------------------------------------------------------- */

static json_t *content(const char *media_type, json_t *schema)
{
    json_t *c = new_object();
    json_t *m = new_object();
    put(m, "schema", schema);
    put(c, media_type, m);
    return c;
}

/* Headers every response carries, plus the named ones (NULL-terminated). */
static json_t *headers(const char *first, ...)
{
    json_t *h = new_object();
    put(h, "X-Request-Id", ref("headers", "X-Request-Id"));
    va_list ap;
    va_start(ap, first);
    for (const char *name = first; name; name = va_arg(ap, const char *))
        put(h, name, ref("headers", name));
    va_end(ap);
    return h;
}

static json_t *response(const char *description, json_t *schema, json_t *hdrs)
{
    json_t *r = new_object();
    put_s(r, "description", description);
    put(r, "headers", hdrs);
    if (schema)
        put(r, "content", content("application/json", schema));
    return r;
}

static const struct problem_response {
    const char *status;
    const char *name;
    const char *description;
    const char *header; /* besides X-Request-Id, or NULL */
} problem_responses[] = {
    {"400", "Invalid",
     "invalid: bad JSON, unknown or read-only members, wrong types, broken rules or bad list "
     "parameters; errors names each field",
     NULL},
    {"401", "Unauthorized",
     "unauthorized: no credentials, or a token or session that is not valid (expired, "
     "revoked, unknown, or its user disabled); WWW-Authenticate says Bearer",
     "WWW-Authenticate"},
    {"403", "Forbidden",
     "forbidden: the user's roles (or the token's role) do not hold the permission the "
     "operation needs, and the detail names who does; a contributor's change of a record that "
     "is not theirs; csrf: a change made with a session cookie without its X-CSRF-Token",
     NULL},
    {"404", "NotFound", "not_found: no such record", NULL},
    {"405", "MethodNotAllowed",
     "method_not_allowed: the path exists but not with that method (Allow lists the methods)",
     "Allow"},
    {"409", "Conflict",
     "conflict: a stale version (current_version), a retired record, or a state that forbids "
     "the change; referenced: records in force refer to the record (referrers)",
     NULL},
    {"413", "TooBig", "too_big: the body passes the size limit", NULL},
    {"415", "UnsupportedMediaType",
     "unsupported_media_type: the body is not of the type the operation reads (text/csv)", NULL},
    {"414", "UriTooLong", "too_big: the path and query pass their limit", NULL},
    {"428", "VersionRequired",
     "version_required: a change must name the version it read (\"version\" or If-Match)", NULL},
    {"500", "StoreFailure", "store: the database failed", NULL},
    {"503", "Busy",
     "busy: the database stayed locked or every connection was in use; try again after "
     "Retry-After seconds",
     "Retry-After"},
};

static json_t *problem_response_components(void)
{
    json_t *rs = new_object();
    size_t n = sizeof(problem_responses) / sizeof(problem_responses[0]);
    for (size_t i = 0; i < n; i++) {
        const struct problem_response *p = &problem_responses[i];
        json_t *r = new_object();
        put_s(r, "description", p->description);
        put(r, "headers", headers(p->header, NULL));
        put(r, "content", content("application/problem+json", ref("schemas", "Problem")));
        put(rs, p->name, r);
    }
    return rs;
}

/* Add the problem responses for the statuses in the string ("400 404 409"). */
static void add_problems(json_t *responses, const char *statuses)
{
    size_t n = sizeof(problem_responses) / sizeof(problem_responses[0]);
    for (size_t i = 0; i < n; i++)
        if (strstr(statuses, problem_responses[i].status))
            put(responses, problem_responses[i].status,
                ref("responses", problem_responses[i].name));
}

static json_t *header_components(void)
{
    json_t *h = new_object();
    put(h, "X-Request-Id",
        json_pack("{s:s,s:{s:s}}", "description",
                  "The request's id, also written in the access log", "schema", "type",
                  "string"));
    put(h, "ETag",
        json_pack("{s:s,s:{s:s}}", "description",
                  "The record's version in quotes (\"3\"); send it back as If-Match", "schema",
                  "type", "string"));
    put(h, "Location",
        json_pack("{s:s,s:{s:s}}", "description", "The path of the new record", "schema",
                  "type", "string"));
    put(h, "Allow",
        json_pack("{s:s,s:{s:s}}", "description", "The methods the path supports", "schema",
                  "type", "string"));
    put(h, "Retry-After",
        json_pack("{s:s,s:{s:s,s:i}}", "description", "Seconds to wait before trying again",
                  "schema", "type", "integer", "minimum", 0));
    put(h, "WWW-Authenticate",
        json_pack("{s:s,s:{s:s}}", "description",
                  "The challenge: Bearer realm=\"isms\", with error=\"invalid_token\" when a "
                  "token or session was sent but is not valid",
                  "schema", "type", "string"));
    return h;
}

static json_t *parameter_components(void)
{
    json_t *p = new_object();
    put(p, "IfMatch",
        json_pack("{s:s,s:s,s:b,s:s,s:{s:s,s:s}}", "name", "If-Match", "in", "header",
                  "required", 0, "description",
                  "The version read, as the ETag gave it (\"3\"); instead of \"version\" in "
                  "the body",
                  "schema", "type", "string", "pattern", "^\"?[1-9][0-9]*\"?$"));
    return p;
}

/* --- operations ------------------------------------------------------------------- */

static json_t *operation(const char *id, const char *tag, const char *summary,
                         json_t *description)
{
    json_t *op = new_object();
    put_s(op, "operationId", id);
    put(op, "tags", json_pack("[s]", tag));
    put_s(op, "summary", summary);
    put(op, "description", description);
    return op;
}

static json_t *json_body(json_t *schema)
{
    json_t *b = new_object();
    put_b(b, "required", true);
    put(b, "content", content("application/json", schema));
    return b;
}

static json_t *query_param(const char *name, json_t *schema, json_t *description)
{
    json_t *p = new_object();
    put_s(p, "name", name);
    put_s(p, "in", "query");
    put_b(p, "required", false);
    put(p, "description", description);
    put(p, "schema", schema);
    return p;
}

static bool is_list_param(const char *name)
{
    for (const char *const *p = list_params; *p; p++)
        if (strcmp(*p, name) == 0)
            return true;
    return false;
}

static json_t *list_parameters(const isms_registry *reg, const isms_kind *k,
                               const kind_names *n)
{
    json_t *params = new_array();
    json_t *sorts = json_pack("[s,s]", "id", "-id");
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if ((f->flags & FF_SORTABLE) && shown(f)) {
            push(sorts, json_string(f->name));
            push(sorts, json_sprintf("-%s", f->name));
        }
    }
    push(params, query_param("sort",
                             json_pack("{s:s,s:o,s:s}", "type", "string", "enum", sorts,
                                       "default", "id"),
                             json_string("The field to sort by (or id); - before it sorts "
                                         "in descending order")));
    push(params, query_param("q",
                             json_pack("{s:s,s:i}", "type", "string", "maxLength",
                                       STORE_QUERY_TEXT_MAX),
                             json_sprintf("Only %s whose title or id contains this text, "
                                          "ignoring case (at most %d bytes)",
                                          n->many, STORE_QUERY_TEXT_MAX)));
    push(params, query_param("limit",
                             json_pack("{s:s,s:i,s:i,s:i}", "type", "integer", "minimum", 1,
                                       "maximum", STORE_PAGE_MAX, "default",
                                       STORE_PAGE_DEFAULT),
                             json_string("How many records a page holds at most")));
    push(params, query_param("cursor",
                             json_pack("{s:s,s:i,s:i}", "type", "string", "minLength", 1,
                                       "maxLength", STORE_CURSOR_MAX),
                             json_string("The next_cursor of the previous page; leave it "
                                         "out for the first page")));
    push(params, query_param("retired",
                             json_pack("{s:s,s:[s,s,s],s:s}", "type", "string", "enum",
                                       "exclude", "include", "only", "default", "exclude"),
                             json_string("Whether retired records are left out (exclude), "
                                         "listed too (include) or listed alone (only)")));
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (!(f->flags & FF_FILTERABLE) || !shown(f) || is_list_param(f->name))
            continue;
        char label[NAME_LEN];
        prose(label, sizeof(label), f->label);
        json_t *d = f->type == FT_REFLIST
                        ? json_sprintf("Only %s whose %s (%s) name this record; an empty "
                                       "value finds those that name none",
                                       n->many, label, f->name)
                        : json_sprintf("Only %s whose %s (%s) is this value; an empty value "
                                       "finds those without one",
                                       n->many, label, f->name);
        push(params, query_param(f->name, field_schema(reg, f, USE_FILTER, false), d));
    }
    return params;
}

static json_t *id_parameter(const isms_kind *k, const kind_names *n)
{
    json_t *schema = new_object();
    put_s(schema, "type", "string");
    put(schema, "pattern", id_pattern(k));
    json_t *p = new_object();
    put_s(p, "name", "id");
    put_s(p, "in", "path");
    put_b(p, "required", true);
    put_f(p, "description", "The id of the %s, such as %s-1", n->one, k->prefix);
    put(p, "schema", schema);
    return json_pack("[o]", p);
}

static json_t *record_response(const char *description, const kind_names *n, bool location)
{
    return response(description, ref("schemas", n->type),
                    location ? headers("ETag", "Location", NULL) : headers("ETag", NULL));
}

static json_t *retired_param(void)
{
    return json_pack("[o]", query_param("retired", json_pack("{s:s,s:[s,s]}", "type", "string",
                                                             "enum", "true", "false"),
                                        json_string("true: retired records too")));
}

/* A file to download: CSV or XLSX, with Content-Disposition: attachment. */
static json_t *file_response(const char *media_type, const char *what)
{
    json_t *r = new_object();
    put_s(r, "description", what);
    put(r, "headers", headers(NULL));
    put(r, "content", content(media_type, json_pack("{s:s}", "type", "string")));
    return r;
}

/* /api/v1/<plural>/export.csv, export.xlsx and import (docs/IMPORT-EXPORT.md). */
static void transfer_paths(json_t *paths, const isms_kind *k, const kind_names *n)
{
    static const struct {
        const char *ext, *media, *suffix;
    } exports[] = {{"csv", "text/csv", "Csv"},
                   {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "Xlsx"}};
    char id[NAME_LEN + 16], summary[TEXT_LEN], path[TEXT_LEN];
    for (size_t i = 0; i < 2; i++) {
        snprintf(id, sizeof(id), "export%s%s", n->type, exports[i].suffix);
        snprintf(summary, sizeof(summary), "Export %s as %s", k->plural, exports[i].ext);
        /* the risks' workbook has sheets of its own (report/risk_workbook.h) */
        bool workbook = i == 1 && strcmp(k->name, "risk") == 0;
        json_t *op = operation(
            id, k->plural, summary,
            workbook ? json_string("The risk workbook as an attachment, with the sheets register "
                                   "(every risk in force, retired=true: retired ones too; "
                                   "columns id and every field), actions (the treatment "
                                   "actions, the same way), method (the method in force: "
                                   "scales, levels and matrix) and heat map counts (the risks "
                                   "per likelihood and impact, current and residual). Whole "
                                   "numbers are number cells.")
                     : json_sprintf("Every %s in force (retired=true: retired ones too) "
                                    "as an attachment; columns id and every field.%s",
                                    n->one, i == 1 ? " Whole numbers are number cells." : ""));
        put(op, "parameters", retired_param());
        json_t *rs = new_object();
        put(rs, "200", file_response(exports[i].media, "The file"));
        add_problems(rs, "400 413 500 503");
        put(op, "responses", rs);
        snprintf(path, sizeof(path), "/api/v1/%s/export.%s", k->plural, exports[i].ext);
        put(paths, path, json_pack("{s:o}", "get", op));
    }
    snprintf(id, sizeof(id), "import%s", n->type);
    snprintf(summary, sizeof(summary), "Import %s from CSV", k->plural);
    json_t *op = operation(id, k->plural, summary,
                           json_string("Creates and updates records from a text/csv body: a "
                                       "dry run unless apply=true, which imports every row in "
                                       "one transaction or none. 422 lists every bad row."));
    put(op, "parameters",
        json_pack("[o]", query_param("apply", json_pack("{s:s,s:[s,s]}", "type", "string", "enum",
                                                        "true", "false"),
                                     json_string("true: write the rows (default: a dry run)"))));
    json_t *body = new_object();
    put_b(body, "required", true);
    put(body, "content", content("text/csv", json_pack("{s:s}", "type", "string")));
    put(op, "requestBody", body);
    json_t *rs = new_object();
    put(rs, "200", response("Every row good (imported with apply=true)",
                            ref("schemas", "ImportResult"), headers(NULL)));
    put(rs, "422", response("Bad rows, each named; nothing imported", ref("schemas", "ImportResult"),
                            headers(NULL)));
    add_problems(rs, "400 413 415 500 503");
    put(op, "responses", rs);
    snprintf(path, sizeof(path), "/api/v1/%s/import", k->plural);
    put(paths, path, json_pack("{s:o}", "post", op));
}

static void kind_paths(json_t *paths, const isms_registry *reg, const isms_kind *k)
{
    kind_names n;
    names_of(k, &n);
    char id[NAME_LEN + 16], summary[TEXT_LEN], path[TEXT_LEN];

    /* /api/v1/<plural> */
    json_t *collection = new_object();
    snprintf(id, sizeof(id), "list%s", n.types);
    snprintf(summary, sizeof(summary), "List %s", n.many);
    json_t *op = operation(id, k->plural, summary,
                           json_sprintf("A page of %s, by id unless sort says otherwise. "
                                        "Any other parameter, or one given twice, is 400.",
                                        n.many));
    put(op, "parameters", list_parameters(reg, k, &n));
    json_t *rs = new_object();
    char page[NAME_LEN + 8];
    snprintf(page, sizeof(page), "%sPage", n.type);
    put(rs, "200", response("A page of records", ref("schemas", page), headers(NULL)));
    add_problems(rs, "400 414 500 503");
    put(op, "responses", rs);
    put(collection, "get", op);

    snprintf(id, sizeof(id), "create%s", n.type);
    snprintf(summary, sizeof(summary), "Create %s %s", n.article, n.one);
    const char *extra = k->flags & KF_SINGLETON
                            ? " A new one supersedes (retires) the one in force."
                            : "";
    op = operation(id, k->plural, summary,
                   json_sprintf("%s.%s Answers the record with its id, version 1.", k->help,
                                extra));
    char create[NAME_LEN + 8];
    snprintf(create, sizeof(create), "%sCreate", n.type);
    put(op, "requestBody", json_body(ref("schemas", create)));
    rs = new_object();
    put(rs, "201", record_response("Created", &n, true));
    add_problems(rs, "400 409 413 500 503");
    put(op, "responses", rs);
    put(collection, "post", op);
    snprintf(path, sizeof(path), "/api/v1/%s", k->plural);
    put(paths, path, collection);

    /* /api/v1/<plural>/{id} */
    json_t *item = new_object();
    put(item, "parameters", id_parameter(k, &n));
    snprintf(id, sizeof(id), "get%s", n.type);
    snprintf(summary, sizeof(summary), "Read %s %s", n.article, n.one);
    op = operation(id, k->plural, summary,
                   json_sprintf("One %s, with the records that refer to it (referred_to_by).",
                                n.one));
    rs = new_object();
    put(rs, "200", record_response("The record", &n, false));
    add_problems(rs, "404 500 503");
    put(op, "responses", rs);
    put(item, "get", op);

    snprintf(id, sizeof(id), "update%s", n.type);
    snprintf(summary, sizeof(summary), "Change %s %s", n.article, n.one);
    op = operation(id, k->plural, summary,
                   k->flags & KF_IMMUTABLE
                       ? json_sprintf("%s records cannot be changed once recorded: the answer "
                                      "is 409; record a new one instead.",
                                      k->label)
                       : json_string("Changes the fields given (null clears one) of the "
                                     "version read; a stale version is 409."));
    char patch[NAME_LEN + 8];
    snprintf(patch, sizeof(patch), "%sPatch", n.type);
    put(op, "parameters", json_pack("[o]", ref("parameters", "IfMatch")));
    put(op, "requestBody", json_body(ref("schemas", patch)));
    rs = new_object();
    put(rs, "200", record_response("The changed record", &n, false));
    add_problems(rs, "400 404 409 413 428 500 503");
    put(op, "responses", rs);
    put(item, "patch", op);

    if (k->flags & KF_DELETABLE) {
        snprintf(id, sizeof(id), "delete%s", n.type);
        snprintf(summary, sizeof(summary), "Delete %s %s", n.article, n.one);
        op = operation(id, k->plural, summary,
                       json_string("Deletes the record for good, where its state allows "
                                   "(409 otherwise: retire it instead). Needs If-Match."));
        put(op, "parameters", json_pack("[o]", ref("parameters", "IfMatch")));
        rs = new_object();
        put(rs, "204", json_pack("{s:s,s:o}", "description", "Deleted", "headers",
                                 headers(NULL)));
        add_problems(rs, "400 404 409 428 500 503");
        put(op, "responses", rs);
        put(item, "delete", op);
    }
    snprintf(path, sizeof(path), "/api/v1/%s/{id}", k->plural);
    put(paths, path, item);

    /* /api/v1/<plural>/{id}/retire */
    json_t *retire = new_object();
    put(retire, "parameters", id_parameter(k, &n));
    snprintf(id, sizeof(id), "retire%s", n.type);
    snprintf(summary, sizeof(summary), "Retire %s %s", n.article, n.one);
    op = operation(id, k->plural, summary,
                   json_sprintf("Takes the %s out of force, with a reason; it stays on "
                                "record. Refused (409) while records in force refer to it.",
                                n.one));
    put(op, "parameters", json_pack("[o]", ref("parameters", "IfMatch")));
    put(op, "requestBody", json_body(ref("schemas", "Retirement")));
    rs = new_object();
    put(rs, "200", record_response("The retired record", &n, false));
    add_problems(rs, "400 404 409 413 428 500 503");
    put(op, "responses", rs);
    put(retire, "post", op);
    snprintf(path, sizeof(path), "/api/v1/%s/{id}/retire", k->plural);
    put(paths, path, retire);

    /* /api/v1/<plural>/{id}/history */
    json_t *hist = new_object();
    put(hist, "parameters", id_parameter(k, &n));
    snprintf(id, sizeof(id), "history%s", n.type);
    snprintf(summary, sizeof(summary), "History of %s %s", n.article, n.one);
    op = operation(id, k->plural, summary,
                   json_sprintf("The versions of the %s from the change log: who changed it, "
                                "when, through which channel, and the whole record after each "
                                "change (deleted records keep their history). With from and "
                                "to, the fields that differ between those two versions.",
                                n.one));
    json_t *version_schema =
        json_pack("{s:s,s:s,s:i}", "type", "integer", "format", "int64", "minimum", 1);
    put(op, "parameters",
        json_pack("[o,o]",
                  query_param("from", json_deep_copy(version_schema),
                              json_string("Compare from this version (with to)")),
                  query_param("to", version_schema,
                              json_string("Compare with this version (with from)"))));
    char history[NAME_LEN + 8];
    snprintf(history, sizeof(history), "%sHistory", n.type);
    json_t *answer = new_object();
    put(answer, "oneOf",
        json_pack("[o,o]", ref("schemas", history), ref("schemas", "HistoryDiff")));
    rs = new_object();
    put(rs, "200",
        response("The versions, or the changes between two of them", answer, headers(NULL)));
    add_problems(rs, "400 404 409 500 503");
    put(op, "responses", rs);
    put(hist, "get", op);
    snprintf(path, sizeof(path), "/api/v1/%s/{id}/history", k->plural);
    put(paths, path, hist);
    transfer_paths(paths, k, &n);
}

/* --- signed risk acceptance (api_risk_accept.c, docs/RISK.md "Acceptance") --- */

static json_t *risk_signing_schema(void)
{
    json_t *text = json_pack("{s:s}", "type", "string");
    return json_pack(
        "{s:s,s:b,s:[s,s],s:{s:{s:s,s:[s,s]},s:{s:s,s:i},s:{s:s},s:{s:s,s:s},s:o,s:o}}",
        "type", "object", "additionalProperties", 0, "required", "role", "rationale",
        "properties", "role", "type", "string", "enum", "owner", "top-management",
        "rationale", "type", "string", "maxLength", 4000, "exception", "type", "boolean",
        "exception_until", "type", "string", "format", "date", "sign_password",
        json_deep_copy(text), "sign_code", text);
}

static json_t *risk_acceptances_schema(void)
{
    json_t *item = json_pack("{s:[o,{s:s,s:{s:{s:s,s:[s,s,s,s]}}}]}", "allOf",
                             ref("schemas", "RiskAcceptance"), "type", "object", "properties",
                             "validity", "type",
                             "string", "enum", "valid", "changed", "expired", "retired");
    return json_pack("{s:s,s:[s,s,s,s,s],s:{s:{s:s,s:[s,s,s,s,s]},s:{s:[s,s]},s:{s:s,s:o},"
                     "s:{s:s,s:{s:s}},s:{s:s}}}",
                     "type", "object", "required", "acceptance", "accepted_until", "items",
                     "overdue_actions", "accepted_with_overdue_actions", "properties",
                     "acceptance", "type", "string", "enum", "none", "pending", "accepted",
                     "invalidated", "expired", "accepted_until", "type", "string", "null",
                     "items", "type", "array", "items", item, "overdue_actions", "type", "array",
                     "items", "type", "string", "accepted_with_overdue_actions", "type",
                     "boolean");
}

static json_t *risk_id_parameter(void)
{
    return json_pack("[{s:s,s:s,s:b,s:s,s:{s:s,s:s}}]", "name", "id", "in", "path", "required",
                     1, "description", "The risk, such as RSK-3", "schema", "type", "string",
                     "pattern", "^RSK-[1-9][0-9]*$");
}

static void risk_accept_paths(json_t *paths)
{
    json_t *item = new_object(), *op, *rs;
    put(item, "parameters", risk_id_parameter());
    op = operation("acceptRisk", "risks", "Sign the acceptance of a risk",
                   json_string("A signing act: the risk owner (role owner) or a person of top "
                               "management (role top-management) accepts the risk's treatment "
                               "plan and residual risk with their own credentials. Only a "
                               "signed-in session can sign (POST /login, then this request "
                               "with X-CSRF-Token and sign_password, and sign_code with a "
                               "second factor); an API token is answered 403. What was signed "
                               "is copied into the acceptance; it expires on the risk's review "
                               "date, or an exception's end."));
    put(op, "requestBody", json_body(ref("schemas", "RiskAcceptanceSigning")));
    put_b(op, "x-isms-signing-act", true); /* tokens are refused 403 whatever their roles */
    rs = new_object();
    put(rs, "201", response("Signed", ref("schemas", "RiskAcceptance"),
                            headers("Location", "ETag", NULL)));
    add_problems(rs, "400 404 413 500 503");
    put(op, "responses", rs);
    put(item, "post", op);
    put(paths, "/api/v1/risks/{id}/accept", item);

    item = new_object();
    put(item, "parameters", risk_id_parameter());
    op = operation("acceptancesOfRisk", "risks", "A risk's acceptances and their validity",
                   json_string("The risk's acceptance state now, its acceptances (newest "
                               "first) each with its validity, and its treatment actions that "
                               "are overdue."));
    rs = new_object();
    put(rs, "200", response("The acceptances", ref("schemas", "RiskAcceptances"),
                            headers(NULL)));
    add_problems(rs, "404 500 503");
    put(op, "responses", rs);
    put(item, "get", op);
    put(paths, "/api/v1/risks/{id}/acceptances", item);
}

static void service_paths(json_t *paths)
{
    json_t *op = operation("getHealth", "service", "Health",
                           json_string("Whether the server is up and its database answers "
                                       "at the schema version it serves (read from the "
                                       "database: 503 when not)."));
    json_t *rs = new_object();
    put(rs, "200", response("Up", ref("schemas", "Health"), headers(NULL)));
    add_problems(rs, "500 503");
    put(op, "responses", rs);
    put(paths, "/healthz", json_pack("{s:o}", "get", op));

    op = operation("getOpenApiDocument", "service", "This document",
                   json_string("The OpenAPI 3.1 description of this API, generated from the "
                               "kinds of record the server knows."));
    json_t *doc = json_pack("{s:s}", "type", "object");
    rs = new_object();
    put(rs, "200", response("The OpenAPI document", doc, headers(NULL)));
    put(op, "responses", rs);
    put(paths, "/api/v1/openapi.json", json_pack("{s:o}", "get", op));
}

/* LogEntry, LogPage, LogVerification, Redaction, RedactionDone. */
static void log_schemas(json_t *schemas)
{
    json_t *e = new_object();
    put_s(e, "type", "object");
    put_s(e, "description", "An entry of the change log, as stored");
    put(e, "required",
        json_pack("[s,s,s,s,s,s,s,s,s,s,s,s,s]", "seq", "at", "actor", "channel", "kind", "record",
                  "action", "version", "redacted", "content", "content_hash", "prev_hash", "hash"));
    json_t *p = new_object();
    put(p, "seq", json_pack("{s:s,s:s,s:i}", "type", "integer", "format", "int64", "minimum", 1));
    put(p, "at", json_pack("{s:s,s:s}", "type", "string", "format", "date-time"));
    put(p, "actor", json_pack("{s:s}", "type", "string"));
    put(p, "channel",
        json_pack("{s:s,s:s}", "type", "string", "description",
                  "cli, api, web, import; migration for a baseline"));
    put(p, "kind",
        json_pack("{s:s,s:s}", "type", "string", "description", "The kind's name (isms kinds)"));
    put(p, "record",
        json_pack("{s:s,s:s}", "type", "string", "description", "The record's id, such as ISS-3"));
    put(p, "action",
        json_pack("{s:s,s:[s,s,s,s,s,s]}", "type", "string", "enum", "create", "update", "retire",
                  "delete", "redact", "baseline"));
    put(p, "version",
        json_pack("{s:s,s:s,s:i}", "type", "integer", "format", "int64", "minimum", 1));
    put(p, "redacted", json_pack("{s:s}", "type", "boolean"));
    put(p, "content",
        json_pack("{s:[s,s],s:s}", "type", "string", "null", "description",
                  "The record after the change as stored (JSON text, so that "
                  "its digest can be checked); null once redacted"));
    json_t *hex = json_pack("{s:s,s:s}", "type", "string", "pattern", "^[0-9a-f]{64}$");
    put(p, "content_hash",
        json_pack("{s:s,s:s}", "type", "string", "description",
                  "SHA-256 of content, hex; kept after a redaction"));
    put(p, "prev_hash", json_deep_copy(hex));
    put(p, "hash", hex);
    put(e, "properties", p);
    put(schemas, "LogEntry", e);

    json_t *page = new_object();
    put_s(page, "type", "object");
    put_s(page, "description", "A page of the change log, in order");
    put(page, "required", json_pack("[s,s]", "items", "next_after"));
    put(page, "properties",
        json_pack("{s:{s:s,s:o},s:{s:[s,s],s:s}}", "items", "type", "array", "items",
                  ref("schemas", "LogEntry"), "next_after", "type", "integer", "null",
                  "description", "Pass as after for the next page; null on the last page"));
    put(schemas, "LogPage", page);

    json_t *v = new_object();
    put_s(v, "type", "object");
    put_s(v, "description",
          "The verification of the change log (isms log verify; signatures are checked with "
          "isms log verify --public-key)");
    put(v, "required",
        json_pack("[s,s,s,s,s,s,s,s]", "ok", "entries", "redacted", "last_seq", "last_hash",
                  "checkpoints", "signatures_checked", "records"));
    put(v, "properties",
        json_pack("{s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},"
                  "s:{s:s,s:s},s:{s:[s,s]},s:{s:s}}",
                  "ok", "type", "boolean", "entries", "type", "integer", "redacted", "type",
                  "integer", "last_seq", "type", "integer", "last_hash", "type", "string",
                  "checkpoints", "type", "integer", "signatures_checked", "type", "boolean",
                  "records", "type", "integer", "problem", "type", "string", "description",
                  "The first problem found: removed, reordered, content_changed, "
                  "entry_changed, content_removed, truncated, rewritten, checkpoint_invalid, "
                  "record_changed, record_unlogged, record_missing, record_not_deleted",
                  "bad_seq", "type", "integer", "null", "detail", "type", "string"));
    put(schemas, "LogVerification", v);

    json_t *r = new_object();
    put_s(r, "type", "object");
    put_s(r, "description", "Why an entry's content is redacted");
    put(r, "required", json_pack("[s]", "reason"));
    put(r, "properties",
        json_pack("{s:{s:s,s:i,s:i}}", "reason", "type", "string", "minLength", 1, "maxLength",
                  ISMS_REASON_TEXT_MAX));
    put_b(r, "additionalProperties", false);
    put(schemas, "Redaction", r);

    json_t *d = new_object();
    put_s(d, "type", "object");
    put(d, "required", json_pack("[s,s]", "redacted", "redaction"));
    put(d, "properties",
        json_pack("{s:{s:s,s:s},s:{s:s,s:s}}", "redacted", "type", "integer", "description",
                  "The entry whose content was removed", "redaction", "type", "integer",
                  "description", "The entry that records the redaction"));
    put(schemas, "RedactionDone", d);
}

static void log_paths(json_t *paths)
{
    json_t *op = operation("listChangeLog", "change-log", "The change log",
                           json_string("The entries of the change log in order, a page at a "
                                       "time; any other parameter, or one given twice, is 400."));
    json_t *version =
        json_pack("{s:s,s:s,s:i}", "type", "integer", "format", "int64", "minimum", 0);
    put(op, "parameters",
        json_pack("[o,o,o,o]",
                  query_param("kind", json_pack("{s:s}", "type", "string"),
                              json_string("Only entries of this kind of record (its name)")),
                  query_param("id", json_pack("{s:s}", "type", "string"),
                              json_string("Only entries of this record, such as ISS-3")),
                  query_param("after", version,
                              json_string("Entries after this one (next_after of the last "
                                          "page)")),
                  query_param("limit",
                              json_pack("{s:s,s:i,s:i,s:i}", "type", "integer", "minimum", 1,
                                        "maximum", LOG_PAGE_MAX, "default", LOG_PAGE_DEFAULT),
                              json_string("How many entries a page holds at most"))));
    json_t *rs = new_object();
    put(rs, "200", response("A page of entries", ref("schemas", "LogPage"), headers(NULL)));
    add_problems(rs, "400 500 503");
    put(op, "responses", rs);
    put(paths, "/api/v1/log", json_pack("{s:o}", "get", op));

    op = operation("verifyChangeLog", "change-log", "Verify the change log",
                   json_string("Checks the chain, every checkpoint against it, and every "
                               "record against its last entry; ok false names the first "
                               "problem. Reads the whole log: it takes time on a large one."));
    rs = new_object();
    put(rs, "200",
        response("The verification, whatever it found", ref("schemas", "LogVerification"),
                 headers(NULL)));
    add_problems(rs, "400 500 503");
    put(op, "responses", rs);
    put(paths, "/api/v1/log/verify", json_pack("{s:o}", "get", op));

    op = operation("redactChangeLogEntry", "change-log", "Redact an entry's content",
                   json_string("Removes the content of an entry (the record as it was, for "
                               "example personal data past its retention); the chain still "
                               "verifies, and the redaction is an entry of its own. The record "
                               "itself is not changed. 409 when already redacted, or for a "
                               "redaction entry."));
    json_t *seq = json_pack("{s:s,s:s,s:b,s:s,s:{s:s,s:s}}", "name", "seq", "in", "path",
                            "required", 1, "description", "The entry's number", "schema", "type",
                            "string", "pattern", "^[1-9][0-9]*$");
    put(op, "parameters", json_pack("[o]", seq));
    put(op, "requestBody", json_body(ref("schemas", "Redaction")));
    rs = new_object();
    put(rs, "200", response("Redacted", ref("schemas", "RedactionDone"), headers(NULL)));
    add_problems(rs, "400 404 409 413 500 503");
    put(op, "responses", rs);
    put(paths, "/api/v1/log/{seq}/redact", json_pack("{s:o}", "post", op));
}

/* --- the risk method (http/api_risk_method.c) ---------------------------------- */

static void risk_method_schemas(json_t *schemas)
{
    json_t *def = json_pack("{s:s,s:s}", "type", "object", "description",
                            "The method document in canonical form (docs/RISK.md)");
    json_t *version = json_pack(
        "{s:s,s:[s,s,s,s,s],s:b,s:{s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:s},s:{s:s,s:i}}}", "type",
        "object", "required", "id", "title", "created_at", "in_force", "risks",
        "additionalProperties", 0, "properties", "id", "type", "string", "title", "type",
        "string", "created_at", "type", "string", "format", "date-time", "in_force", "type",
        "boolean", "risks", "type", "integer", "minimum", 0);
    put(schemas, "RiskMethodVersionCount", version);
    put(schemas, "RiskMethodInForce",
        json_pack("{s:s,s:[s,s,s],s:b,s:{s:{s:s},s:O,s:{s:s,s:[s,s,s],s:{s:{s:s,s:i},"
                  "s:{s:s,s:i},s:{s:s,s:o}}}}}",
                  "type", "object", "required", "id", "definition", "census",
                  "additionalProperties", 0, "properties", "id", "type", "string", "definition",
                  def, "census", "type", "object", "required", "risks", "to_reassess",
                  "versions", "properties", "risks", "type", "integer", "minimum", 0,
                  "to_reassess", "type", "integer", "minimum", 0, "versions", "type", "array",
                  "items", ref("schemas", "RiskMethodVersionCount")));
    put(schemas, "RiskMethodPreset",
        json_pack("{s:s,s:[s,s],s:b,s:{s:{s:s,s:i,s:i},s:o}}", "type", "object", "required",
                  "size", "definition", "additionalProperties", 0, "properties", "size", "type",
                  "integer", "minimum", 3, "maximum", 5, "definition", def));
}

static void risk_method_paths(json_t *paths)
{
    json_t *op = operation("getRiskMethodInForce", "risk-methods", "The risk method in force",
                           json_string("The version in force with its definition as an object, "
                                       "and the risks in force under each version and to "
                                       "reassess. 404 when no method is recorded. New "
                                       "versions are created with POST /api/v1/risk-methods."));
    json_t *rs = new_object();
    put(rs, "200", response("The method in force", ref("schemas", "RiskMethodInForce"),
                            headers(NULL)));
    add_problems(rs, "404 500 503");
    put(op, "responses", rs);
    put(paths, "/api/v1/risk-method", json_pack("{s:o}", "get", op));

    op = operation("getRiskMethodPreset", "risk-methods", "A preset risk method",
                   json_string("The ready method of size 3, 4 or 5 (a 3x3, 4x4 or 5x5 "
                               "matrix); 404 for any other size."));
    put(op, "parameters",
        json_pack("[{s:s,s:s,s:b,s:s,s:{s:s,s:[s,s,s]}}]", "name", "size", "in", "path",
                  "required", 1, "description", "3, 4 or 5", "schema", "type", "string", "enum",
                  "3", "4", "5"));
    rs = new_object();
    put(rs, "200", response("The preset", ref("schemas", "RiskMethodPreset"), headers(NULL)));
    add_problems(rs, "404 500");
    put(op, "responses", rs);
    put(paths, "/api/v1/risk-method/presets/{size}", json_pack("{s:o}", "get", op));
}

/* --- assessment campaigns (api_risk_campaign.c) ------------------------------------ */

static json_t *nullable(const char *type)
{
    return json_pack("{s:[s,s]}", "type", type, "null");
}

/* RiskCoverage, RiskSnapshotPage, RiskComparison, RiskDue. */
static void risk_campaign_schemas(json_t *schemas)
{
    json_t *owner = json_pack(
        "{s:s,s:[s,s,s,s,s,s],s:{s:o,s:o,s:{s:s},s:{s:s},s:{s:s},s:{s:s}}}", "type", "object",
        "required", "person", "name", "risks", "answered", "percent", "late", "properties",
        "person", nullable("string"), "name", nullable("string"), "risks", "type", "integer",
        "answered", "type", "integer", "percent", "type", "integer", "late", "type", "boolean");
    put(schemas, "RiskCoverage",
        json_pack("{s:s,s:s,s:[s,s,s,s,s,s,s,s],s:{s:{s:s},s:{s:s,s:[s,s]},s:{s:s},s:{s:s},"
                  "s:{s:s},s:{s:s},s:{s:s},s:{s:s,s:o}}}",
                  "type", "object", "description",
                  "How far the risk owners have answered: risks in scope (in force while "
                  "open, the snapshot once closed), risks answered, per owner; late: past the "
                  "due date with risks unanswered",
                  "required", "campaign", "status", "due_date", "risks", "answered", "percent",
                  "late_owners", "owners", "properties", "campaign", "type", "string", "status",
                  "type", "string", "enum", "open", "closed", "due_date", "type", "string",
                  "risks", "type", "integer", "answered", "type", "integer", "percent", "type",
                  "integer", "late_owners", "type", "integer", "owners", "type", "array",
                  "items", owner));
    json_t *row = json_pack("{s:s,s:[s,s,s,s],s:{s:{s:s},s:{s:s},s:{s:s},s:o,s:o}}", "type",
                            "object", "required", "risk", "risk_version", "title", "owner",
                            "properties", "risk", "type", "string", "risk_version", "type",
                            "integer", "title", "type", "string", "owner", nullable("string"),
                            "level", nullable("integer"));
    put(schemas, "RiskSnapshotPage",
        json_pack("{s:s,s:s,s:[s,s,s],s:{s:{s:s},s:{s:s,s:o},s:o}}", "type", "object",
                  "description",
                  "A page of a closed campaign's snapshot, by risk id: each risk's levels, "
                  "owner, treatment, acceptance and method version as they were when it closed",
                  "required", "campaign", "items", "next_cursor", "properties", "campaign",
                  "type", "string", "items", "type", "array", "items", row, "next_cursor",
                  nullable("string")));
    json_t *change = json_pack("{s:s,s:[s,s,s,s,s]}", "type", "string", "enum", "unchanged",
                               "new", "closed", "raised", "lowered");
    json_t *crow = json_pack("{s:s,s:[s,s,s],s:{s:{s:s},s:o,s:o,s:o,s:o}}", "type", "object",
                             "required", "risk", "change", "residual_change", "properties",
                             "risk", "type", "string", "change", change, "residual_change",
                             json_deep_copy(change), "level_from", nullable("integer"),
                             "level_to", nullable("integer"));
    json_t *counts = json_pack("{s:s,s:[s,s,s,s,s,s,s]}", "type", "object", "required", "new",
                               "closed", "raised", "lowered", "unchanged", "residual_raised",
                               "residual_lowered");
    json_t *cprops = new_object();
    static const char *const count_names[] = {"new",       "closed",          "raised",
                                              "lowered",   "unchanged",       "residual_raised",
                                              "residual_lowered"};
    for (size_t i = 0; i < sizeof(count_names) / sizeof(count_names[0]); i++)
        put(cprops, count_names[i], json_pack("{s:s,s:i}", "type", "integer", "minimum", 0));
    put(counts, "properties", cprops);
    put(schemas, "RiskComparison",
        json_pack("{s:s,s:s,s:[s,s,s,s,s],s:{s:{s:s},s:{s:s},s:o,s:{s:s,s:o},s:o}}", "type",
                  "object", "description",
                  "Two snapshots compared by risk id: every count, and a page of the risks "
                  "that changed (new, closed, raised, lowered, or a residual level that moved)",
                  "required", "from", "to", "counts", "items", "next_cursor", "properties",
                  "from", "type", "string", "to", "type", "string", "counts", counts, "items",
                  "type", "array", "items", crow, "next_cursor", nullable("string")));
    put(schemas, "RiskDue",
        json_pack("{s:s,s:s,s:[s,s,s,s],s:{s:{s:s},s:{s:s},s:o,s:o,s:o,s:o,s:o}}", "type",
                  "object", "description",
                  "Whether an assessment is due: never assessed, or the last closed more than "
                  "the method's interval_months ago",
                  "required", "due", "reason", "last_campaign", "next_due", "properties", "due",
                  "type", "boolean", "reason", "type", "string", "interval_months",
                  nullable("integer"), "last_campaign", nullable("string"), "last_closed_at",
                  nullable("string"), "next_due", nullable("string"), "open_campaign",
                  nullable("string")));
}

static json_t *campaign_id_param(void)
{
    return json_pack("{s:s,s:s,s:b,s:s,s:{s:s,s:s}}", "name", "id", "in", "path", "required", 1,
                     "description", "The campaign, such as CMP-1", "schema", "type", "string",
                     "pattern", "^(CMP-)?[1-9][0-9]*$");
}

static json_t *page_params(const char *cursor_text, int max)
{
    return json_pack("[o,o]",
                     query_param("cursor", json_pack("{s:s}", "type", "string"),
                                 json_string(cursor_text)),
                     query_param("limit",
                                 json_pack("{s:s,s:i,s:i}", "type", "integer", "minimum", 1,
                                           "maximum", max),
                                 json_string("How many risks a page holds at most")));
}

static void risk_campaign_get(json_t *paths, const char *path, const char *id,
                              const char *summary, const char *text, json_t *params,
                              const char *schema, const char *problems)
{
    json_t *op = operation(id, "risk-campaigns", summary, json_string(text));
    if (params)
        put(op, "parameters", params);
    json_t *rs = new_object();
    put(rs, "200", response(summary, ref("schemas", schema), headers(NULL)));
    add_problems(rs, problems);
    put(op, "responses", rs);
    put(paths, path, json_pack("{s:o}", "get", op));
}

static void risk_campaign_paths(json_t *paths)
{
    json_t *cov = json_array();
    push(cov, campaign_id_param());
    risk_campaign_get(paths, "/api/v1/risk-campaigns/{id}/coverage", "getRiskCampaignCoverage",
                      "A campaign's coverage",
                      "Risks in scope and answered, in per cent, and per risk owner with the "
                      "late ones. 404 for no such campaign.",
                      cov, "RiskCoverage", "400 404 500 503");
    json_t *snap = page_params("next_cursor of the previous page (a risk id)",
                               RISK_SNAPSHOT_PAGE_MAX);
    json_array_insert_new(snap, 0, campaign_id_param());
    risk_campaign_get(paths, "/api/v1/risk-campaigns/{id}/snapshot", "getRiskCampaignSnapshot",
                      "A closed campaign's snapshot",
                      "The snapshot taken when the campaign closed, a page at a time by risk "
                      "id. 409 while the campaign is open (no snapshot yet).",
                      snap, "RiskSnapshotPage", "400 404 409 500 503");
    json_t *cmp = page_params("next_cursor of the previous page (a risk id)",
                              RISK_COMPARE_PAGE_MAX);
    json_array_insert_new(cmp, 0,
                          query_param("to", json_pack("{s:s}", "type", "string"),
                                      json_string("The later closed campaign, such as CMP-2")));
    json_array_insert_new(cmp, 0,
                          query_param("from", json_pack("{s:s}", "type", "string"),
                                      json_string("The earlier closed campaign, such as CMP-1")));
    risk_campaign_get(paths, "/api/v1/risk-campaigns/compare", "compareRiskCampaigns",
                      "Compare two snapshots",
                      "Risks new, closed, raised and lowered between the snapshots of two "
                      "closed campaigns. from and to are required; an unknown or open campaign "
                      "is 400 naming the parameter.",
                      cmp, "RiskComparison", "400 500 503");
    risk_campaign_get(paths, "/api/v1/risk-campaigns/due", "getRiskAssessmentDue",
                      "Whether an assessment is due",
                      "Due when none was ever closed, or when the last closed more than the "
                      "method's interval_months ago.",
                      NULL, "RiskDue", "400 500 503");
}

/* --- security ------------------------------------------------------------------ */

/*
 * The route pattern of a documented path: "/api/v1/processes/{id}" is
 * "/api/v1/{kind}/{id}" in the route table.
 */
static void route_pattern(const isms_registry *reg, const char *path, char *out, size_t size)
{
    static const char prefix[] = "/api/v1/";
    size_t plen = sizeof(prefix) - 1;
    if (strncmp(path, prefix, plen) != 0) {
        snprintf(out, size, "%s", path);
        return;
    }
    const char *rest = path + plen;
    size_t seg = strcspn(rest, "/");
    char plural[NAME_LEN];
    snprintf(plural, sizeof(plural), "%.*s", (int)seg, rest);
    if (registry_kind_by_plural(reg, plural))
        snprintf(out, size, "%s{kind}%s", prefix, rest + seg);
    else
        snprintf(out, size, "%s", path);
}

/* The permission of the route serving method (lower case, as in the document) on path. */
static isms_permission route_permission(const isms_registry *reg, const char *method,
                                        const char *path)
{
    char pattern[TEXT_LEN];
    route_pattern(reg, path, pattern, sizeof(pattern));
    size_t n;
    const http_route *routes = router_routes(&n);
    /* A route of one kind (/api/v1/risks/{id}/accept) before the routes of every kind. */
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(routes[i].method, method) == 0 && strcmp(routes[i].pattern, path) == 0)
            return routes[i].permission;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(routes[i].method, method) == 0 && strcmp(routes[i].pattern, pattern) == 0)
            return routes[i].permission;
    return PERM_UNSET;
}

/*
 * Every operation as the router enforces it: open ones need no credentials
 * (security []); the others the bearer token of the document's security,
 * with the permission named and 401 and 403 among their answers.
 */
static void secure_operations(json_t *paths, const isms_registry *reg)
{
    const char *path, *method;
    json_t *item, *op;
    json_object_foreach(paths, path, item)
    {
        json_object_foreach(item, method, op)
        {
            if (strcmp(method, "parameters") == 0)
                continue;
            isms_permission p = route_permission(reg, method, path);
            if (p == PERM_OPEN) {
                put(op, "security", new_array());
                continue;
            }
            put_s(op, "x-isms-permission", permission_name(p));
            const char *d = json_string_value(json_object_get(op, "description"));
            put(op, "description",
                json_sprintf("%s Needs %s (permission %s).", d ? d : "", permission_holders(p),
                             permission_name(p)));
            add_problems(json_object_get(op, "responses"), "401 403");
        }
    }
}

static json_t *security_schemes(void)
{
    return json_pack(
        "{s:{s:s,s:s,s:s}}", "bearer", "type", "http", "scheme", "bearer", "description",
        "An API token: Authorization: Bearer TOKEN. Made with `isms token create` or on the "
        "account page (/account), shown once; it acts with its user's roles, or with the one "
        "role it was made for. The session cookie of the web pages is accepted too, with the "
        "session's X-CSRF-Token on every change.");
}

/* The risk register's read-only views (http/api_risk_views.c, docs/API.md "Heat maps and flags"). */
static json_t *basis_param(void)
{
    return query_param("basis",
                       json_pack("{s:s,s:[s,s],s:s}", "type", "string", "enum", "current",
                                 "residual", "default", "current"),
                       json_string("current: likelihood and impact; residual: the residual "
                                   "scores"));
}

static json_t *heatmap_schema(void)
{
    json_t *cell = json_pack(
        "{s:s,s:[s,s,s,s,s,s],s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s}}}", "type",
        "object", "required", "likelihood", "impact", "level", "label", "colour", "count",
        "properties", "likelihood", "type", "integer", "impact", "type", "integer", "level",
        "type", "integer", "label", "type", "string", "colour", "type", "string", "count",
        "type", "integer");
    return json_pack("{s:s,s:[s,s,s,s,s],s:{s:{s:s},s:{s:[s,s]},s:{s:s,s:{s:s}},"
                     "s:{s:s,s:{s:s}},s:{s:s,s:o},s:{s:s},s:{s:s}}}",
                     "type", "object", "required", "basis", "method", "cells", "total",
                     "outdated", "properties", "basis", "type", "string", "method", "type",
                     "string", "null", "likelihood", "type", "array", "items", "type", "string",
                     "impact", "type", "array", "items", "type", "string", "cells", "type",
                     "array", "items", cell, "total", "type", "integer", "outdated", "type",
                     "integer");
}

static void risk_view_paths(json_t *paths)
{
    json_t *op = operation("riskHeatmap", "risks", "Heat map of the risks",
                           json_string("Counts of the risks in force scored under the method "
                                       "in force, per likelihood and impact (or residual "
                                       "ones); outdated counts the risks on older versions. "
                                       "method is null when no method is in force."));
    put(op, "parameters", json_pack("[o]", basis_param()));
    json_t *rs = new_object();
    put(rs, "200", response("The heat map", heatmap_schema(), headers(NULL)));
    add_problems(rs, "400 500 503");
    put(op, "responses", rs);
    put(paths, "/api/v1/risks/heatmap", json_pack("{s:o}", "get", op));

    op = operation("riskHeatmapSvg", "risks", "Heat map of the risks as SVG",
                   json_string("The heat map drawn as SVG: each cell filled with its level's "
                               "colour, holding its count, linking to the filtered list. 409 "
                               "when no method is in force."));
    put(op, "parameters", json_pack("[o]", basis_param()));
    rs = new_object();
    json_t *svg = response("The SVG image", NULL, headers(NULL));
    put(svg, "content", content("image/svg+xml", json_pack("{s:s}", "type", "string")));
    put(rs, "200", svg);
    add_problems(rs, "400 409 500 503");
    put(op, "responses", rs);
    put(paths, "/api/v1/risks/heatmap.svg", json_pack("{s:o}", "get", op));

    op = operation("riskFlags", "risks", "Flagged risks",
                   json_string("Each flag (untreated, reassess, acceptance-invalidated, "
                               "acceptance-expired, accepted-actions-overdue) with how many "
                               "risks carry it and the first 100 of them, highest level first."));
    rs = new_object();
    put(rs, "200",
        response("The flags",
                 json_pack("{s:s,s:[s,s],s:{s:{s:s},s:{s:s,s:{s:s,s:[s,s,s],s:{s:{s:s},"
                           "s:{s:s},s:{s:s,s:{s:s}}}}}}}",
                           "type", "object", "required", "today", "flags", "properties",
                           "today", "type", "string", "flags", "type", "array", "items", "type",
                           "object", "required", "flag", "count", "risks", "properties", "flag",
                           "type", "string", "count", "type", "integer", "risks", "type",
                           "array", "items", "type", "string"),
                 headers(NULL)));
    add_problems(rs, "400 500 503");
    put(op, "responses", rs);
    put(paths, "/api/v1/risks/flags", json_pack("{s:o}", "get", op));

    op = operation("overdueRiskActions", "risk-actions", "Overdue treatment actions",
                   json_string("Treatment actions neither done nor cancelled whose due date "
                               "is before today, oldest due first, a page at a time; total "
                               "counts them all."));
    put(op, "parameters",
        json_pack("[o,o]",
                  query_param("limit",
                              json_pack("{s:s,s:i,s:i,s:i}", "type", "integer", "minimum", 1,
                                        "maximum", STORE_PAGE_MAX, "default",
                                        STORE_PAGE_DEFAULT),
                              json_string("How many actions a page holds at most")),
                  query_param("cursor", json_pack("{s:s}", "type", "string"),
                              json_string("next_cursor of the previous page"))));
    rs = new_object();
    put(rs, "200",
        response("A page of overdue actions",
                 json_pack("{s:s,s:[s,s,s],s:{s:{s:s,s:o},s:{s:[s,s]},s:{s:s},s:{s:s}}}",
                           "type", "object", "required", "items", "next_cursor", "total",
                           "properties", "items", "type", "array", "items",
                           ref("schemas", "RiskAction"), "next_cursor", "type", "string",
                           "null", "total", "type", "integer", "today", "type", "string"),
                 headers(NULL)));
    add_problems(rs, "400 500 503");
    put(op, "responses", rs);
    put(paths, "/api/v1/risk-actions/overdue", json_pack("{s:o}", "get", op));
}

json_t *openapi_document(const isms_registry *reg, const char *version)
{
    json_t *doc = new_object();
    put_s(doc, "openapi", "3.1.0");

    json_t *info = new_object();
    put_s(info, "title", "isms");
    put_s(info, "summary", "The JSON API of isms, an information security management system");
    put_s(info, "description",
          "Every kind of ISMS record is served by the same operations. Changes name the "
          "version they read (\"version\" in the body or If-Match), so none is lost "
          "silently. Errors are application/problem+json (RFC 9457). Every operation but the "
          "health check and this document needs an API token (Authorization: Bearer); what it "
          "may do follows its user's roles: 401 without a valid token, 403 without the "
          "permission (x-isms-permission of each operation: read, write or admin).");
    put_s(info, "version", version ? version : "dev");
    put(info, "license", json_pack("{s:s,s:s}", "name", "Apache-2.0", "identifier",
                                   "Apache-2.0"));
    put(doc, "info", info);

    json_t *tags = new_array();
    push(tags, json_pack("{s:s,s:s}", "name", "service", "description",
                         "The server itself: health and this document"));
    push(tags, json_pack("{s:s,s:s}", "name", "change-log", "description",
                         "The change log (ISO/IEC 27001:2022 7.5.3): append-only, hash-chained"));
    for (size_t i = 0; i < reg->nkinds; i++) {
        const isms_kind *k = reg->kinds[i];
        push(tags, json_pack("{s:s,s:o}", "name", k->plural, "description",
                             json_sprintf("%s (ISO/IEC 27001:2022 clause %s)", k->help,
                                          k->clause)));
    }
    put(doc, "tags", tags);

    json_t *paths = new_object();
    service_paths(paths);
    log_paths(paths);
    risk_method_paths(paths);
    risk_campaign_paths(paths);
    for (size_t i = 0; i < reg->nkinds; i++)
        kind_paths(paths, reg, reg->kinds[i]);
    risk_accept_paths(paths);
    if (registry_kind(reg, "risk") && registry_kind(reg, "risk-action"))
        risk_view_paths(paths);
    secure_operations(paths, reg);
    put(doc, "paths", paths);
    put(doc, "security", json_pack("[{s:[]}]", "bearer"));

    json_t *schemas = new_object();
    shared_schemas(schemas);
    log_schemas(schemas);
    risk_method_schemas(schemas);
    put(schemas, "RiskAcceptanceSigning", risk_signing_schema());
    put(schemas, "RiskAcceptances", risk_acceptances_schema());
    risk_campaign_schemas(schemas);
    for (size_t i = 0; i < reg->nkinds; i++) {
        const isms_kind *k = reg->kinds[i];
        kind_names n;
        names_of(k, &n);
        char name[NAME_LEN + 8];
        put(schemas, n.type, record_schema(reg, k));
        snprintf(name, sizeof(name), "%sCreate", n.type);
        put(schemas, name, input_schema(reg, k, &n, false));
        snprintf(name, sizeof(name), "%sPatch", n.type);
        put(schemas, name, input_schema(reg, k, &n, true));
        snprintf(name, sizeof(name), "%sPage", n.type);
        put(schemas, name, page_schema(&n));
        snprintf(name, sizeof(name), "%sHistory", n.type);
        put(schemas, name, history_schema(&n));
    }
    json_t *components = new_object();
    put(components, "schemas", schemas);
    put(components, "responses", problem_response_components());
    put(components, "parameters", parameter_components());
    put(components, "headers", header_components());
    put(components, "securitySchemes", security_schemes());
    put(doc, "components", components);
    return doc;
}

void api_openapi(http_request *req, http_reply *rep)
{
    reply_json(rep, 200, openapi_document(req->reg, ISMS_VERSION));
}
