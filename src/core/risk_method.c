/*
 * The risk method: parsing and validation of its JSON document, canonical
 * JSON, scoring and mapping between versions. The format is described in
 * risk_method.h and docs/RISK.md.
 */
#include "core/risk_method.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/value.h"

/* Every field error is named from the record's field that holds the document. */
#define ROOT "definition"

static const char *const acceptance_names[RISK_ACCEPTANCE_COUNT] = {"accept", "owner", "treat"};
static const char *const trigger_names[RISK_TRIGGER_COUNT] = {"significant-change", "incident",
                                                              "new-requirement", "other"};

static const char *const root_keys[] = {"likelihood",
                                        "impact",
                                        "levels",
                                        "matrix",
                                        "basis",
                                        "management_exception",
                                        "exception_max_days",
                                        "interval_months",
                                        "triggers",
                                        "map_from_previous",
                                        NULL};
static const char *const scale_keys[] = {"label", "description", NULL};
static const char *const level_keys[] = {"label", "colour", "acceptance", "management_signs", NULL};
static const char *const map_keys[] = {"likelihood", "impact", NULL};

/*
 * One parse: where strings go, where errors go, and whether any was found. The
 * flag is kept apart from st because st may arrive with errors already, or
 * fill up and stop recording.
 */
typedef struct parse_ctx {
    arena *a;
    isms_status *st;
    bool failed;
} parse_ctx;

/* --- reporting -------------------------------------------------------------- */

static void report(parse_ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(parse_ctx *c, const char *path, const char *fmt, ...)
{
    char reason[ISMS_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    c->failed = true;
    status_field(c->st, path, "%s", reason);
}

/* Once st holds all it can, long loops may stop: nothing more would be seen. */
static bool st_full(const parse_ctx *c)
{
    return c->st->nfields >= ISMS_STATUS_MAX_FIELDS;
}

static void fmt_path(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fmt_path(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, ISMS_FIELD_NAME_MAX, fmt, ap);
    va_end(ap);
}

/* --- names ------------------------------------------------------------------- */

static int name_index(const char *name, const char *const *names, int n)
{
    for (int k = 0; k < n; k++)
        if (strcmp(name, names[k]) == 0)
            return k;
    return -1;
}

const char *risk_acceptance_name(risk_acceptance_rule r)
{
    return (unsigned)r < RISK_ACCEPTANCE_COUNT ? acceptance_names[r] : NULL;
}

bool risk_acceptance_from_name(const char *name, risk_acceptance_rule *out)
{
    int k = name_index(name, acceptance_names, RISK_ACCEPTANCE_COUNT);
    if (k < 0)
        return false;
    *out = (risk_acceptance_rule)k;
    return true;
}

const char *risk_trigger_name(unsigned trigger)
{
    for (int k = 0; k < RISK_TRIGGER_COUNT; k++)
        if (trigger == 1u << k)
            return trigger_names[k];
    return NULL;
}

bool risk_trigger_from_name(const char *name, unsigned *out)
{
    int k = name_index(name, trigger_names, RISK_TRIGGER_COUNT);
    if (k < 0)
        return false;
    *out = 1u << k;
    return true;
}

const char *risk_basis_name(bool basis_current)
{
    return basis_current ? "current" : "inherent";
}

/* --- members of an object ----------------------------------------------------- */

static bool in_list(const char *key, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(key, *list) == 0)
            return true;
    return false;
}

/* An allow-list: a misspelt key would otherwise be silently ignored. */
static void refuse_unknown_keys(parse_ctx *c, json_t *obj, const char *path,
                                const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        (void)v;
        if (in_list(key, known))
            continue;
        char p[ISMS_FIELD_NAME_MAX];
        fmt_path(p, "%s.%s", path, key);
        report(c, p, "is not a known key");
    }
}

/* The member key of obj, or NULL after reporting it missing. */
static json_t *member(parse_ctx *c, json_t *obj, const char *key, const char *p)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        report(c, p, "is required");
    return v;
}

/* Control characters other than line breaks and tabs (where allowed) are refused. */
static bool has_controls(const char *s, bool multiline)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (multiline && (*p == '\n' || *p == '\r' || *p == '\t'))
            continue;
        if (*p < 0x20 || *p == 0x7F)
            return true;
    }
    return false;
}

/* A string member, checked and copied into the arena; NULL after a report. */
static const char *text_member(parse_ctx *c, json_t *obj, const char *key, const char *path,
                               int max_chars, bool multiline)
{
    char p[ISMS_FIELD_NAME_MAX];
    fmt_path(p, "%s.%s", path, key);
    json_t *v = member(c, obj, key, p);
    if (!v)
        return NULL;
    if (!json_is_string(v)) {
        report(c, p, "must be a string");
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v), chars;
    /* The document is loaded with JSON_ALLOW_NUL so that "\u0000" is named here. */
    if (strlen(s) != len) {
        report(c, p, "contains a NUL character");
        return NULL;
    }
    if (!utf8_count(s, len, &chars)) {
        report(c, p, "is not valid UTF-8 text");
        return NULL;
    }
    if (has_controls(s, multiline)) {
        report(c, p,
               multiline ? "contains control characters other than line breaks and tabs"
                         : "must be a single line without control characters");
        return NULL;
    }
    if (chars > (size_t)max_chars) {
        report(c, p, "is %zu characters long; at most %d are allowed", chars, max_chars);
        return NULL;
    }
    return arena_strndup(c->a, s, len);
}

/* A label: a text member that is not blank. */
static const char *label_member(parse_ctx *c, json_t *obj, const char *path)
{
    const char *s = text_member(c, obj, "label", path, RISK_LABEL_MAX, false);
    if (s && s[strspn(s, " ")] == '\0') {
        char p[ISMS_FIELD_NAME_MAX];
        fmt_path(p, "%s.label", path);
        report(c, p, "must not be blank");
        return NULL;
    }
    return s;
}

static bool int_value(parse_ctx *c, json_t *v, const char *p, int min, int max, int *out)
{
    if (!json_is_integer(v)) {
        report(c, p, "must be a whole number from %d to %d", min, max);
        return false;
    }
    json_int_t n = json_integer_value(v);
    if (n < min || n > max) {
        report(c, p, "is %" JSON_INTEGER_FORMAT "; it must be from %d to %d", n, min, max);
        return false;
    }
    *out = (int)n;
    return true;
}

static bool int_member(parse_ctx *c, json_t *obj, const char *key, int min, int max, int *out)
{
    char p[ISMS_FIELD_NAME_MAX];
    fmt_path(p, ROOT ".%s", key);
    json_t *v = member(c, obj, key, p);
    return v && int_value(c, v, p, min, max, out);
}

static bool bool_member(parse_ctx *c, json_t *obj, const char *key, const char *path, bool *out)
{
    char p[ISMS_FIELD_NAME_MAX];
    fmt_path(p, "%s.%s", path, key);
    json_t *v = member(c, obj, key, p);
    if (!v)
        return false;
    if (!json_is_boolean(v)) {
        report(c, p, "must be true or false");
        return false;
    }
    *out = json_is_true(v);
    return true;
}

/* An array member of 2..10 entries; NULL after a report. */
static json_t *scale_array(parse_ctx *c, json_t *obj, const char *key, const char *p,
                           const char *what)
{
    json_t *v = member(c, obj, key, p);
    if (!v)
        return NULL;
    if (!json_is_array(v)) {
        report(c, p, "must be an array of %d to %d %s", RISK_SCALE_MIN, RISK_SCALE_MAX, what);
        return NULL;
    }
    size_t n = json_array_size(v);
    if (n < RISK_SCALE_MIN || n > RISK_SCALE_MAX) {
        report(c, p, "must have %d to %d %s; it has %zu", RISK_SCALE_MIN, RISK_SCALE_MAX, what, n);
        return NULL;
    }
    return v;
}

/* --- scales and levels -------------------------------------------------------- */

/* Labels name levels in pages and reports: two alike would be ambiguous. */
static void check_unique_label(parse_ctx *c, const char *key, const char *label, int k,
                               const char *(*label_at)(const void *, int), const void *arr)
{
    if (!label)
        return;
    for (int j = 0; j < k; j++) {
        const char *other = label_at(arr, j);
        if (other && strcasecmp(label, other) == 0) {
            char p[ISMS_FIELD_NAME_MAX];
            fmt_path(p, ROOT ".%s[%d].label", key, k);
            report(c, p, "repeats the label of level %d (\"%s\")", j + 1, other);
            return;
        }
    }
}

static const char *scale_label_at(const void *arr, int k)
{
    return ((const risk_scale_level *)arr)[k].label;
}

static const char *level_label_at(const void *arr, int k)
{
    return ((const risk_level *)arr)[k].label;
}

/* A likelihood or impact scale; returns its size, 0 if its shape is wrong. */
static int parse_scale(parse_ctx *c, json_t *root, const char *key, risk_scale_level *out)
{
    char p[ISMS_FIELD_NAME_MAX];
    fmt_path(p, ROOT ".%s", key);
    json_t *arr = scale_array(c, root, key, p, "levels");
    if (!arr)
        return 0;
    size_t k;
    json_t *e;
    json_array_foreach(arr, k, e)
    {
        fmt_path(p, ROOT ".%s[%zu]", key, k);
        if (!json_is_object(e)) {
            report(c, p, "must be an object with a label and a description");
            continue;
        }
        refuse_unknown_keys(c, e, p, scale_keys);
        out[k].label = label_member(c, e, p);
        out[k].description = text_member(c, e, "description", p, RISK_DESCRIPTION_MAX, true);
        check_unique_label(c, key, out[k].label, (int)k, scale_label_at, out);
    }
    return (int)json_array_size(arr);
}

static bool is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* "#RRGGBB", kept in upper case so that equal colours compare equal. */
static void parse_colour(parse_ctx *c, json_t *lv, const char *path, char out[8])
{
    char p[ISMS_FIELD_NAME_MAX];
    fmt_path(p, "%s.colour", path);
    json_t *v = member(c, lv, "colour", p);
    if (!v)
        return;
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    bool ok = json_is_string(v) && json_string_length(v) == 7 && s[0] == '#';
    for (int k = 1; ok && k < 7; k++)
        ok = is_hex(s[k]);
    if (!ok) {
        report(c, p, "must be a colour written #RRGGBB (six hexadecimal digits)");
        return;
    }
    out[0] = '#';
    for (int k = 1; k < 7; k++)
        out[k] = (s[k] >= 'a' && s[k] <= 'f') ? (char)(s[k] - 'a' + 'A') : s[k];
    out[7] = '\0';
}

static bool parse_acceptance(parse_ctx *c, json_t *lv, const char *path, risk_acceptance_rule *out)
{
    char p[ISMS_FIELD_NAME_MAX];
    fmt_path(p, "%s.acceptance", path);
    json_t *v = member(c, lv, "acceptance", p);
    if (!v)
        return false;
    if (!json_is_string(v) || !risk_acceptance_from_name(json_string_value(v), out)) {
        report(c, p, "must be \"accept\", \"owner\" or \"treat\"");
        return false;
    }
    return true;
}

/*
 * One risk level; *ok_rule, *ok_signs say whether acceptance and
 * management_signs were read, for the ordering check.
 */
static void parse_level(parse_ctx *c, json_t *lv, const char *p, risk_level *out, bool *ok_rule,
                        bool *ok_signs)
{
    refuse_unknown_keys(c, lv, p, level_keys);
    out->label = label_member(c, lv, p);
    parse_colour(c, lv, p, out->colour);
    *ok_rule = parse_acceptance(c, lv, p, &out->acceptance);
    *ok_signs = bool_member(c, lv, "management_signs", p, &out->management_signs);
    /* At an "accept" level nobody signs, so a co-signature would never happen. */
    if (*ok_rule && *ok_signs && out->acceptance == RISK_ACCEPT && out->management_signs) {
        char q[ISMS_FIELD_NAME_MAX];
        fmt_path(q, "%s.management_signs", p);
        report(c, q, "cannot be true at a level accepted as it is (\"accept\"): no one signs");
        *ok_signs = false;
    }
}

/* Going up the levels, accepting a risk must never become easier. */
static void check_level_order(parse_ctx *c, const risk_level *lv, int k, const bool *ok_rule,
                              const bool *ok_signs)
{
    char p[ISMS_FIELD_NAME_MAX];
    if (ok_rule[k] && ok_rule[k - 1] && lv[k].acceptance < lv[k - 1].acceptance) {
        fmt_path(p, ROOT ".levels[%d].acceptance", k);
        report(c, p, "\"%s\" is more acceptable than \"%s\" at the lower level %d",
               acceptance_names[lv[k].acceptance], acceptance_names[lv[k - 1].acceptance], k);
    }
    if (ok_signs[k] && ok_signs[k - 1] && lv[k - 1].management_signs && !lv[k].management_signs) {
        fmt_path(p, ROOT ".levels[%d].management_signs", k);
        report(c, p, "is false, but the lower level %d needs top management to sign", k);
    }
}

/* The risk levels; returns their number, 0 if the array's shape is wrong. */
static int parse_levels(parse_ctx *c, json_t *root, risk_level *out)
{
    json_t *arr = scale_array(c, root, "levels", ROOT ".levels", "risk levels");
    if (!arr)
        return 0;
    bool ok_rule[RISK_SCALE_MAX] = {false}, ok_signs[RISK_SCALE_MAX] = {false};
    size_t k;
    json_t *e;
    json_array_foreach(arr, k, e)
    {
        char p[ISMS_FIELD_NAME_MAX];
        fmt_path(p, ROOT ".levels[%zu]", k);
        if (!json_is_object(e)) {
            report(c, p,
                   "must be an object with a label, colour, acceptance and "
                   "management_signs");
            continue;
        }
        parse_level(c, e, p, &out[k], &ok_rule[k], &ok_signs[k]);
        check_unique_label(c, "levels", out[k].label, (int)k, level_label_at, out);
        if (k > 0)
            check_level_order(c, out, (int)k, ok_rule, ok_signs);
    }
    return (int)json_array_size(arr);
}

/* --- the matrix -------------------------------------------------------------- */

/* One cell; true when it names an existing level (then stored in the matrix). */
static bool parse_cell(parse_ctx *c, json_t *v, int l, int i, risk_method *m)
{
    char p[ISMS_FIELD_NAME_MAX];
    fmt_path(p, ROOT ".matrix[%d][%d]", l, i);
    if (json_is_null(v) || (json_is_integer(v) && json_integer_value(v) == 0)) {
        report(c, p, "is not mapped to a risk level (likelihood %d, impact %d)", l + 1, i + 1);
        return false;
    }
    if (!json_is_integer(v)) {
        report(c, p, "must be a risk level number from 1 to %d", m->nlevels);
        return false;
    }
    json_int_t n = json_integer_value(v);
    if (n < 1 || n > m->nlevels) {
        report(c, p, "names risk level %" JSON_INTEGER_FORMAT "; the levels run from 1 to %d", n,
               m->nlevels);
        return false;
    }
    m->matrix[l][i] = (unsigned char)n;
    return true;
}

/* One row: one cell per impact level. True when every cell is valid. */
static bool parse_row(parse_ctx *c, json_t *row, int l, risk_method *m)
{
    char p[ISMS_FIELD_NAME_MAX];
    fmt_path(p, ROOT ".matrix[%d]", l);
    if (!json_is_array(row) || json_array_size(row) != (size_t)m->nimpact) {
        report(c, p, "must be an array of %d risk levels, one per impact level", m->nimpact);
        return false;
    }
    bool ok = true;
    for (int i = 0; i < m->nimpact && !st_full(c); i++)
        ok &= parse_cell(c, json_array_get(row, (size_t)i), l, i, m);
    return ok;
}

/* The matrix's rows and cells; true when every cell names an existing level. */
static bool parse_matrix(parse_ctx *c, json_t *root, risk_method *m)
{
    json_t *v = member(c, root, "matrix", ROOT ".matrix");
    if (!v)
        return false;
    if (!json_is_array(v) || json_array_size(v) != (size_t)m->nlikelihood) {
        report(c, ROOT ".matrix", "must be an array of %d rows, one per likelihood level",
               m->nlikelihood);
        return false;
    }
    bool ok = true;
    for (int l = 0; l < m->nlikelihood && !st_full(c); l++)
        ok &= parse_row(c, json_array_get(v, (size_t)l), l, m);
    return ok;
}

/*
 * A more likely or more harmful event must never score lower: each cell is
 * compared with its neighbours one step down in likelihood and in impact
 * (which orders the whole matrix). Invalid cells (0) are skipped.
 */
static void check_matrix_order(parse_ctx *c, const risk_method *m)
{
    for (int l = 0; l < m->nlikelihood; l++) {
        for (int i = 0; i < m->nimpact; i++) {
            int here = m->matrix[l][i];
            int below_l = l > 0 ? m->matrix[l - 1][i] : 0;
            int below_i = i > 0 ? m->matrix[l][i - 1] : 0;
            char p[ISMS_FIELD_NAME_MAX];
            fmt_path(p, ROOT ".matrix[%d][%d]", l, i);
            if (here && below_l && here < below_l)
                report(c, p, "is level %d, lower than level %d at the lower likelihood %d", here,
                       below_l, l);
            else if (here && below_i && here < below_i)
                report(c, p, "is level %d, lower than level %d at the lower impact %d", here,
                       below_i, i);
        }
    }
}

/* A level no cell gives is a gap in the scale: most likely a mistake in the matrix. */
static void check_gaps(parse_ctx *c, const risk_method *m)
{
    bool used[RISK_SCALE_MAX + 1] = {false};
    for (int l = 0; l < m->nlikelihood; l++)
        for (int i = 0; i < m->nimpact; i++)
            used[m->matrix[l][i]] = true;
    for (int k = 1; k <= m->nlevels; k++) {
        if (used[k])
            continue;
        char p[ISMS_FIELD_NAME_MAX];
        fmt_path(p, ROOT ".levels[%d]", k - 1);
        report(c, p, "level %d is given by no cell of the matrix", k);
    }
}

/* --- when to assess, exceptions ------------------------------------------------ */

static void parse_basis(parse_ctx *c, json_t *root, risk_method *m)
{
    json_t *v = member(c, root, "basis", ROOT ".basis");
    if (!v)
        return;
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    if (strcmp(s, "current") != 0 && strcmp(s, "inherent") != 0) {
        report(c, ROOT ".basis", "must be \"current\" or \"inherent\"");
        return;
    }
    m->basis_current = strcmp(s, "current") == 0;
}

/* The maximum applies to exceptions only: without them a value would mislead. */
static void parse_exception(parse_ctx *c, json_t *root, risk_method *m)
{
    if (!bool_member(c, root, "management_exception", ROOT, &m->management_exception))
        return;
    json_t *v = json_object_get(root, "exception_max_days");
    if (m->management_exception)
        int_member(c, root, "exception_max_days", 1, RISK_EXCEPTION_DAYS_MAX,
                   &m->exception_max_days);
    else if (v)
        report(c, ROOT ".exception_max_days",
               "applies only when management_exception is true; remove it");
}

static void parse_triggers(parse_ctx *c, json_t *root, risk_method *m)
{
    json_t *arr = member(c, root, "triggers", ROOT ".triggers");
    if (!arr)
        return;
    if (!json_is_array(arr)) {
        report(c, ROOT ".triggers", "must be an array of trigger names");
        return;
    }
    size_t k;
    json_t *e;
    json_array_foreach(arr, k, e)
    {
        char p[ISMS_FIELD_NAME_MAX];
        fmt_path(p, ROOT ".triggers[%zu]", k);
        unsigned bit;
        if (!json_is_string(e) || !risk_trigger_from_name(json_string_value(e), &bit))
            report(c, p,
                   "must be \"significant-change\", \"incident\", \"new-requirement\" "
                   "or \"other\"");
        else if (m->triggers & bit)
            report(c, p, "repeats \"%s\"", json_string_value(e));
        else
            m->triggers |= bit;
    }
}

/* One side of map_from_previous: the new level of each old level, never going down. */
static int parse_map_side(parse_ctx *c, json_t *map, const char *key, int nnew, unsigned char *out)
{
    char p[ISMS_FIELD_NAME_MAX];
    fmt_path(p, ROOT ".map_from_previous.%s", key);
    json_t *arr = scale_array(c, map, key, p, "old levels");
    if (!arr)
        return 0;
    size_t k;
    json_t *e;
    json_array_foreach(arr, k, e)
    {
        fmt_path(p, ROOT ".map_from_previous.%s[%zu]", key, k);
        int n;
        /* Without a valid new scale the range is unknown; the scale's own error says why. */
        if (!int_value(c, e, p, 1, nnew ? nnew : RISK_SCALE_MAX, &n))
            continue;
        out[k] = (unsigned char)n;
        if (k > 0 && out[k - 1] && n < out[k - 1])
            report(c, p, "maps to level %d, lower than level %d for the old level below", n,
                   out[k - 1]);
    }
    return (int)json_array_size(arr);
}

static void parse_map(parse_ctx *c, json_t *root, risk_method *m)
{
    json_t *map = json_object_get(root, "map_from_previous");
    if (!map)
        return;
    if (!json_is_object(map)) {
        report(c, ROOT ".map_from_previous", "must be an object with likelihood and impact");
        return;
    }
    refuse_unknown_keys(c, map, ROOT ".map_from_previous", map_keys);
    m->has_map = true;
    m->map_nlikelihood = parse_map_side(c, map, "likelihood", m->nlikelihood, m->map_likelihood);
    m->map_nimpact = parse_map_side(c, map, "impact", m->nimpact, m->map_impact);
}

/* --- the document ---------------------------------------------------------------- */

static void parse_document(parse_ctx *c, json_t *root, risk_method *m)
{
    refuse_unknown_keys(c, root, ROOT, root_keys);
    m->nlikelihood = parse_scale(c, root, "likelihood", m->likelihood);
    m->nimpact = parse_scale(c, root, "impact", m->impact);
    m->nlevels = parse_levels(c, root, m->levels);
    /* Cells are only meaningful against scales and levels of a known size. */
    if (m->nlikelihood && m->nimpact && m->nlevels) {
        bool cells_ok = parse_matrix(c, root, m);
        check_matrix_order(c, m);
        if (cells_ok)
            check_gaps(c, m);
    }
    parse_basis(c, root, m);
    parse_exception(c, root, m);
    int_member(c, root, "interval_months", 1, RISK_INTERVAL_MONTHS_MAX, &m->interval_months);
    parse_triggers(c, root, m);
    parse_map(c, root, m);
}

/* jansson's message may quote the input: keep it printable ASCII for the reason. */
static void plain_ascii(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7F)
            *s = '?';
}

/* The text as a JSON object, or NULL after a report. */
static json_t *load(parse_ctx *c, const char *json)
{
    if (!json) {
        report(c, ROOT, "is required");
        return NULL;
    }
    size_t len = strlen(json);
    if (len > RISK_METHOD_JSON_MAX) {
        report(c, ROOT, "is %zu bytes long; at most %d are allowed", len, RISK_METHOD_JSON_MAX);
        return NULL;
    }
    json_error_t err;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!root) {
        plain_ascii(err.text);
        report(c, ROOT, "is not valid JSON: %s (line %d, column %d)", err.text, err.line,
               err.column);
        return NULL;
    }
    if (!json_is_object(root)) {
        report(c, ROOT, "must be a JSON object");
        json_decref(root);
        return NULL;
    }
    return root;
}

bool risk_method_parse(const char *json, arena *a, risk_method *out, isms_status *st)
{
    parse_ctx c = {.a = a, .st = st, .failed = false};
    memset(out, 0, sizeof(*out));
    json_t *root = load(&c, json);
    if (root)
        parse_document(&c, root, out);
    json_decref(root);
    return !c.failed;
}

/* --- canonical JSON -------------------------------------------------------------- */

static json_t *scale_json(const risk_scale_level *s, int n)
{
    json_t *arr = json_array();
    for (int k = 0; k < n; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "label", json_string(s[k].label));
        json_object_set_new(o, "description", json_string(s[k].description));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *levels_json(const risk_level *lv, int n)
{
    json_t *arr = json_array();
    for (int k = 0; k < n; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "label", json_string(lv[k].label));
        json_object_set_new(o, "colour", json_string(lv[k].colour));
        json_object_set_new(o, "acceptance", json_string(acceptance_names[lv[k].acceptance]));
        json_object_set_new(o, "management_signs", json_boolean(lv[k].management_signs));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *numbers_json(const unsigned char *v, int n)
{
    json_t *arr = json_array();
    for (int k = 0; k < n; k++)
        json_array_append_new(arr, json_integer(v[k]));
    return arr;
}

static json_t *matrix_json(const risk_method *m)
{
    json_t *rows = json_array();
    for (int l = 0; l < m->nlikelihood; l++)
        json_array_append_new(rows, numbers_json(m->matrix[l], m->nimpact));
    return rows;
}

static json_t *triggers_json(unsigned triggers)
{
    json_t *arr = json_array();
    for (int k = 0; k < RISK_TRIGGER_COUNT; k++)
        if (triggers & (1u << k))
            json_array_append_new(arr, json_string(trigger_names[k]));
    return arr;
}

char *risk_method_to_json(const risk_method *m, arena *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "likelihood", scale_json(m->likelihood, m->nlikelihood));
    json_object_set_new(o, "impact", scale_json(m->impact, m->nimpact));
    json_object_set_new(o, "levels", levels_json(m->levels, m->nlevels));
    json_object_set_new(o, "matrix", matrix_json(m));
    json_object_set_new(o, "basis", json_string(risk_basis_name(m->basis_current)));
    json_object_set_new(o, "management_exception", json_boolean(m->management_exception));
    if (m->management_exception)
        json_object_set_new(o, "exception_max_days", json_integer(m->exception_max_days));
    json_object_set_new(o, "interval_months", json_integer(m->interval_months));
    json_object_set_new(o, "triggers", triggers_json(m->triggers));
    if (m->has_map) {
        json_t *map = json_object();
        json_object_set_new(map, "likelihood", numbers_json(m->map_likelihood, m->map_nlikelihood));
        json_object_set_new(map, "impact", numbers_json(m->map_impact, m->map_nimpact));
        json_object_set_new(o, "map_from_previous", map);
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    char *copy = arena_strdup(a, s);
    free(s);
    return copy;
}

/* --- scoring and mapping ------------------------------------------------------------ */

int risk_method_level(const risk_method *m, int likelihood, int impact)
{
    if (likelihood < 1 || likelihood > m->nlikelihood || impact < 1 || impact > m->nimpact)
        return 0;
    return m->matrix[likelihood - 1][impact - 1];
}

const risk_level *risk_method_level_def(const risk_method *m, int level)
{
    if (level < 1 || level > m->nlevels)
        return NULL;
    return &m->levels[level - 1];
}

bool risk_method_check_map(const risk_method *old_m, const risk_method *new_m, isms_status *st)
{
    if (!new_m->has_map)
        return true;
    bool ok = true;
    if (new_m->map_nlikelihood != old_m->nlikelihood) {
        status_field(st, ROOT ".map_from_previous.likelihood",
                     "maps %d old levels; the previous version's likelihood scale has %d",
                     new_m->map_nlikelihood, old_m->nlikelihood);
        ok = false;
    }
    if (new_m->map_nimpact != old_m->nimpact) {
        status_field(st, ROOT ".map_from_previous.impact",
                     "maps %d old levels; the previous version's impact scale has %d",
                     new_m->map_nimpact, old_m->nimpact);
        ok = false;
    }
    return ok;
}

bool risk_method_map_levels(const risk_method *old_m, const risk_method *new_m, int l, int i,
                            int *nl, int *ni)
{
    if (l < 1 || l > old_m->nlikelihood || i < 1 || i > old_m->nimpact)
        return false;
    /* A map written for this previous version decides, even if the sizes are kept. */
    if (new_m->has_map && new_m->map_nlikelihood == old_m->nlikelihood &&
        new_m->map_nimpact == old_m->nimpact) {
        *nl = new_m->map_likelihood[l - 1];
        *ni = new_m->map_impact[i - 1];
        return true;
    }
    if (new_m->nlikelihood == old_m->nlikelihood && new_m->nimpact == old_m->nimpact) {
        *nl = l;
        *ni = i;
        return true;
    }
    return false;
}

/* --- presets ------------------------------------------------------------------------ */

/*
 * The presets share their levels and assessment rules; only the scales and the
 * matrix change with the size. Each must pass risk_method_parse (the unit test
 * checks), and the matrices follow the sum of likelihood and impact so that
 * they are symmetric and ordered.
 */
#define PRESET_LEVELS_4                                                                            \
    "\"levels\":["                                                                                 \
    "{\"label\":\"Low\",\"colour\":\"#2E7D32\",\"acceptance\":\"accept\","                         \
    "\"management_signs\":false},"                                                                 \
    "{\"label\":\"Medium\",\"colour\":\"#F9A825\",\"acceptance\":\"owner\","                       \
    "\"management_signs\":false},"                                                                 \
    "{\"label\":\"High\",\"colour\":\"#EF6C00\",\"acceptance\":\"treat\","                         \
    "\"management_signs\":false},"                                                                 \
    "{\"label\":\"Very high\",\"colour\":\"#C62828\",\"acceptance\":\"treat\","                    \
    "\"management_signs\":true}],"

#define PRESET_RULES                                                                               \
    "\"basis\":\"current\",\"management_exception\":true,\"exception_max_days\":365,"              \
    "\"interval_months\":12,"                                                                      \
    "\"triggers\":[\"significant-change\",\"incident\",\"new-requirement\"]}"

#define L_RARE                                                                                     \
    "{\"label\":\"Rare\",\"description\":\"Not expected to happen; only in "                       \
    "exceptional circumstances, less than once in ten years.\"}"
#define L_UNLIKELY                                                                                 \
    "{\"label\":\"Unlikely\",\"description\":\"Could happen but is not "                           \
    "expected to; about once in several years.\"}"
#define L_POSSIBLE                                                                                 \
    "{\"label\":\"Possible\",\"description\":\"Might well happen at some "                         \
    "point; about once in one to three years.\"}"
#define L_LIKELY                                                                                   \
    "{\"label\":\"Likely\",\"description\":\"Expected to happen; about once a "                    \
    "year or more often.\"}"
#define L_ALMOST                                                                                   \
    "{\"label\":\"Almost certain\",\"description\":\"Happens, or will happen, "                    \
    "several times a year.\"}"

#define I_NEGLIGIBLE                                                                               \
    "{\"label\":\"Negligible\",\"description\":\"Hardly noticed: no lasting "                      \
    "effect on people, operations, money or reputation.\"}"
#define I_MINOR                                                                                    \
    "{\"label\":\"Minor\",\"description\":\"A nuisance dealt with in the normal "                  \
    "course of work; small, short-lived cost.\"}"
#define I_MODERATE                                                                                 \
    "{\"label\":\"Moderate\",\"description\":\"Noticeable harm: a service "                        \
    "disrupted for hours, limited data exposed, some customers affected.\"}"
#define I_MAJOR                                                                                    \
    "{\"label\":\"Major\",\"description\":\"Serious harm: a key service down for "                 \
    "days, sensitive data exposed, a breach of contract or regulation.\"}"
#define I_SEVERE                                                                                   \
    "{\"label\":\"Severe\",\"description\":\"Harm that threatens the "                             \
    "organization: long outage, large-scale data breach, heavy fines, lasting loss of trust.\"}"

static const char preset_3[] =
    "{\"likelihood\":[" L_UNLIKELY "," L_POSSIBLE "," L_LIKELY "],"
    "\"impact\":[" I_MINOR "," I_MODERATE "," I_MAJOR "],"
    "\"levels\":["
    "{\"label\":\"Low\",\"colour\":\"#2E7D32\",\"acceptance\":\"accept\","
    "\"management_signs\":false},"
    "{\"label\":\"Medium\",\"colour\":\"#F9A825\",\"acceptance\":\"owner\","
    "\"management_signs\":false},"
    "{\"label\":\"High\",\"colour\":\"#C62828\",\"acceptance\":\"treat\","
    "\"management_signs\":true}],"
    "\"matrix\":[[1,1,2],[1,2,3],[2,3,3]]," PRESET_RULES;

static const char preset_4[] =
    "{\"likelihood\":[" L_RARE "," L_UNLIKELY "," L_LIKELY "," L_ALMOST "],"
    "\"impact\":[" I_MINOR "," I_MODERATE "," I_MAJOR "," I_SEVERE "]," PRESET_LEVELS_4
    "\"matrix\":[[1,1,2,2],[1,2,2,3],[2,2,3,4],[2,3,4,4]]," PRESET_RULES;

static const char preset_5[] =
    "{\"likelihood\":[" L_RARE "," L_UNLIKELY "," L_POSSIBLE "," L_LIKELY "," L_ALMOST "],"
    "\"impact\":[" I_NEGLIGIBLE "," I_MINOR "," I_MODERATE "," I_MAJOR "," I_SEVERE
    "]," PRESET_LEVELS_4
    "\"matrix\":[[1,1,1,2,2],[1,1,2,2,3],[1,2,2,3,3],[2,2,3,3,4],[2,3,3,4,4]]," PRESET_RULES;

const char *risk_method_preset(int size)
{
    switch (size) {
    case 3:
        return preset_3;
    case 4:
        return preset_4;
    case 5:
        return preset_5;
    default:
        return NULL;
    }
}
