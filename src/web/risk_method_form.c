/* The risk method editor's form: from a method, resized, from a post, to JSON. */
#include "web/risk_method_form.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/value.h"

bool rm_form_needs_map(const rm_form *f)
{
    return f->prev_nl && (f->prev_nl != f->nl || f->prev_ni != f->ni);
}

static const char *num_text(arena *a, int n)
{
    return arena_printf(a, "%d", n);
}

static const char *level_text(int n);

void rm_form_from_method(rm_form *f, const risk_method *m, arena *a)
{
    int prev_nl = f->prev_nl, prev_ni = f->prev_ni;
    *f = (rm_form){.nl = m->nlikelihood, .ni = m->nimpact, .nlev = m->nlevels,
                   .prev_nl = prev_nl, .prev_ni = prev_ni, .title = "", .note = ""};
    for (int k = 0; k < m->nlikelihood; k++)
        f->likelihood[k] = (rm_scale_text){m->likelihood[k].label, m->likelihood[k].description};
    for (int k = 0; k < m->nimpact; k++)
        f->impact[k] = (rm_scale_text){m->impact[k].label, m->impact[k].description};
    for (int k = 0; k < m->nlevels; k++)
        f->levels[k] = (rm_level_text){m->levels[k].label, arena_strdup(a, m->levels[k].colour),
                                       risk_acceptance_name(m->levels[k].acceptance),
                                       m->levels[k].management_signs};
    for (int l = 0; l < m->nlikelihood; l++)
        for (int i = 0; i < m->nimpact; i++)
            f->cell[l][i] = level_text(m->matrix[l][i]);
    f->basis = risk_basis_name(m->basis_current);
    f->exception = m->management_exception;
    f->exception_days = m->management_exception ? num_text(a, m->exception_max_days) : "";
    f->interval = num_text(a, m->interval_months);
    f->triggers = m->triggers;
    for (int k = 0; k < RISK_SCALE_MAX; k++)
        f->map_l[k] = f->map_i[k] = "";
}

/* "1".."10": the texts of level numbers, static. */
static const char *level_text(int n)
{
    static const char *const t[] = {"", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};
    return n >= 1 && n <= RISK_SCALE_MAX ? t[n] : "";
}

void rm_form_set_previous(rm_form *f, const risk_method *prev)
{
    f->prev_nl = prev ? prev->nlikelihood : 0;
    f->prev_ni = prev ? prev->nimpact : 0;
    for (int k = 0; k < RISK_SCALE_MAX; k++)
        f->map_l[k] = f->map_i[k] = "";
    /* A scale that keeps its size maps level to level: only the changed one is asked. */
    for (int k = 0; f->prev_nl == f->nl && k < f->nl; k++)
        f->map_l[k] = level_text(k + 1);
    for (int k = 0; f->prev_ni == f->ni && k < f->ni; k++)
        f->map_i[k] = level_text(k + 1);
}

/* Position k of n carried to a scale of m positions, keeping the order. */
static int scaled(int k, int n, int m)
{
    return n == m ? k : k * n / m;
}

void rm_form_resize(rm_form *f, int nl, int ni, int nlev, arena *a)
{
    rm_form old = *f;
    for (int k = old.nl; k < nl; k++)
        f->likelihood[k] = (rm_scale_text){arena_printf(a, "Likelihood %d", k + 1), ""};
    for (int k = old.ni; k < ni; k++)
        f->impact[k] = (rm_scale_text){arena_printf(a, "Impact %d", k + 1), ""};
    for (int k = old.nlev; k < nlev; k++) {
        f->levels[k] = old.levels[old.nlev - 1];
        f->levels[k].label = arena_printf(a, "Level %d", k + 1);
    }
    for (int l = 0; l < nl; l++)
        for (int i = 0; i < ni; i++) {
            int64_t v = 0;
            const char *t = old.cell[scaled(l, old.nl, nl)][scaled(i, old.ni, ni)];
            if (t && parse_int64(t, &v) && v > nlev)
                v = nlev;
            f->cell[l][i] = level_text((int)v);
        }
    f->nl = nl;
    f->ni = ni;
    f->nlev = nlev;
}

bool rm_size_parse(const char *text, const char *name, int *out, isms_status *st)
{
    int64_t v;
    if (!text || !parse_int64(text, &v) || v < RISK_SCALE_MIN || v > RISK_SCALE_MAX) {
        status_field(st, name, "must be a number of levels from %d to %d", RISK_SCALE_MIN,
                     RISK_SCALE_MAX);
        return false;
    }
    *out = (int)v;
    return true;
}

/* The text of control name; "" when absent; a field error when given twice. */
static const char *get(const form_data *fd, const char *name, isms_status *st)
{
    if (form_count(fd, name) > 1)
        status_field(st, name, "is given more than once");
    const char *v = form_get(fd, name);
    return v ? v : "";
}


static void read_scale(rm_scale_text *s, int n, const char *scale, const form_data *fd, arena *a,
                       isms_status *st)
{
    for (int k = 0; k < n; k++) {
        s[k].label = get(fd, arena_printf(a, "%s[%d].label", scale, k), st);
        s[k].description = get(fd, arena_printf(a, "%s[%d].description", scale, k), st);
    }
}

static void read_map(const char **out, int n, const char *scale, const form_data *fd, arena *a,
                     isms_status *st)
{
    for (int k = 0; k < n; k++)
        out[k] = get(fd, arena_printf(a, "map_from_previous.%s[%d]", scale, k), st);
}

void rm_form_read(rm_form *f, const form_data *fd, const risk_method *prev, arena *a,
                  isms_status *st)
{
    *f = (rm_form){.nl = 0};
    bool sizes = rm_size_parse(form_get(fd, "likelihood_levels"), "likelihood_levels", &f->nl, st);
    sizes &= rm_size_parse(form_get(fd, "impact_levels"), "impact_levels", &f->ni, st);
    sizes &= rm_size_parse(form_get(fd, "risk_levels"), "risk_levels", &f->nlev, st);
    if (!sizes) {
        f->nl = f->ni = f->nlev = 0;
        return;
    }
    rm_form_set_previous(f, prev);
    read_scale(f->likelihood, f->nl, "likelihood", fd, a, st);
    read_scale(f->impact, f->ni, "impact", fd, a, st);
    for (int k = 0; k < f->nlev; k++) {
        rm_level_text *lv = &f->levels[k];
        lv->label = get(fd, arena_printf(a, "levels[%d].label", k), st);
        lv->colour = get(fd, arena_printf(a, "levels[%d].colour", k), st);
        lv->acceptance = get(fd, arena_printf(a, "levels[%d].acceptance", k), st);
        lv->signs = get(fd, arena_printf(a, "levels[%d].management_signs", k), st)[0] != '\0';
    }
    for (int l = 0; l < f->nl; l++)
        for (int i = 0; i < f->ni; i++)
            f->cell[l][i] = get(fd, arena_printf(a, "matrix[%d][%d]", l, i), st);
    f->basis = get(fd, "basis", st);
    f->exception = get(fd, "management_exception", st)[0] != '\0';
    f->exception_days = get(fd, "exception_max_days", st);
    f->interval = get(fd, "interval_months", st);
    for (size_t p = 0; p < fd->n; p++) {
        unsigned bit;
        if (strcmp(fd->keys[p], "triggers[]") != 0) /* one pair per checked box */
            continue;
        if (risk_trigger_from_name(fd->values[p], &bit))
            f->triggers |= bit;
        else
            status_field(st, "triggers", "has no trigger \"%.40s\"", fd->values[p]);
    }
    if (rm_form_needs_map(f)) {
        read_map(f->map_l, f->prev_nl, "likelihood", fd, a, st);
        read_map(f->map_i, f->prev_ni, "impact", fd, a, st);
    }
    f->title = get(fd, "title", st);
    f->note = get(fd, "note", st);
}

/* A number control as JSON: an integer, null when empty, or a field error (NULL). */
static json_t *number_json(const char *text, const char *name, isms_status *st)
{
    int64_t v;
    if (!text[0])
        return json_null();
    if (!parse_int64(text, &v)) {
        status_field(st, name, "must be a whole number");
        return NULL;
    }
    return json_integer((json_int_t)v);
}

static json_t *scale_json(const rm_scale_text *s, int n)
{
    json_t *arr = json_array();
    for (int k = 0; k < n; k++)
        json_array_append_new(arr, json_pack("{s:s,s:s}", "label", s[k].label, "description",
                                             s[k].description));
    return arr;
}

/* The map of one scale; NULL when no level is chosen (the risks are then reassessed). */
static json_t *map_json(const char *const *map, int n, const char *scale, bool *partial,
                        arena *a, isms_status *st)
{
    int chosen = 0;
    for (int k = 0; k < n; k++)
        chosen += map[k][0] != '\0';
    if (chosen == 0)
        return NULL;
    json_t *arr = json_array();
    for (int k = 0; k < n; k++) {
        const char *name = arena_printf(a, "definition.map_from_previous.%s[%d]", scale, k);
        if (!map[k][0]) {
            *partial = true;
            status_field(st, name, "choose the new level, or leave every level of both scales "
                                   "unmapped to reassess the risks");
            continue;
        }
        json_t *v = number_json(map[k], name, st);
        if (v)
            json_array_append_new(arr, v);
    }
    return arr;
}

static json_t *map_from_previous(const rm_form *f, arena *a, isms_status *st)
{
    bool partial = false;
    json_t *l = map_json(f->map_l, f->prev_nl, "likelihood", &partial, a, st);
    json_t *i = map_json(f->map_i, f->prev_ni, "impact", &partial, a, st);
    if (!partial && l && i)
        return json_pack("{s:o,s:o}", "likelihood", l, "impact", i);
    if (!partial && (l || i))
        status_field(st, l ? "definition.map_from_previous.impact[0]"
                           : "definition.map_from_previous.likelihood[0]",
                     "map both scales, or neither to reassess the risks");
    json_decref(l);
    json_decref(i);
    return NULL;
}

char *rm_form_json(const rm_form *f, arena *a, isms_status *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "likelihood", scale_json(f->likelihood, f->nl));
    json_object_set_new(o, "impact", scale_json(f->impact, f->ni));
    json_t *levels = json_array();
    for (int k = 0; k < f->nlev; k++)
        json_array_append_new(levels, json_pack("{s:s,s:s,s:s,s:b}", "label", f->levels[k].label,
                                                "colour", f->levels[k].colour, "acceptance",
                                                f->levels[k].acceptance, "management_signs",
                                                f->levels[k].signs));
    json_object_set_new(o, "levels", levels);
    json_t *matrix = json_array();
    for (int l = 0; l < f->nl; l++) {
        json_t *row = json_array();
        for (int i = 0; i < f->ni; i++) {
            json_t *v = number_json(f->cell[l][i], arena_printf(a, "definition.matrix[%d][%d]", l, i),
                                    st);
            json_array_append_new(row, v ? v : json_null());
        }
        json_array_append_new(matrix, row);
    }
    json_object_set_new(o, "matrix", matrix);
    json_object_set_new(o, "basis", json_string(f->basis));
    json_object_set_new(o, "management_exception", json_boolean(f->exception));
    if (f->exception) {
        json_t *d = number_json(f->exception_days, "definition.exception_max_days", st);
        if (d && !json_is_null(d))
            json_object_set_new(o, "exception_max_days", d);
        else
            json_decref(d);
    }
    json_t *iv = number_json(f->interval, "definition.interval_months", st);
    if (iv && !json_is_null(iv))
        json_object_set_new(o, "interval_months", iv);
    else
        json_decref(iv);
    json_t *trig = json_array();
    for (unsigned bit = 1; bit < (1u << RISK_TRIGGER_COUNT); bit <<= 1)
        if (f->triggers & bit)
            json_array_append_new(trig, json_string(risk_trigger_name(bit)));
    json_object_set_new(o, "triggers", trig);
    if (rm_form_needs_map(f)) {
        json_t *map = map_from_previous(f, a, st);
        if (map)
            json_object_set_new(o, "map_from_previous", map);
    }
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    char *out = arena_strdup(a, text ? text : "{}");
    free(text);
    return out;
}
