/*
 * The risk method editor's form (/risk-method/edit) as data: every control of
 * the grid as the text the user sees, filled from a method (a preset, the
 * version in force) or from a posted form, resized, and turned into the JSON
 * document of core/risk_method.h. The form's control names are the JSON paths
 * the parser reports ("matrix[2][3]", "levels[1].colour"), so an error lands
 * next to its control.
 */
#ifndef ISMS_WEB_RISK_METHOD_FORM_H
#define ISMS_WEB_RISK_METHOD_FORM_H

#include "core/risk_method.h"
#include "web/form.h"

enum { RM_TEXT_MAX = 4000 }; /* any one control's text; the parser's limits are smaller */

typedef struct rm_scale_text {
    const char *label, *description;
} rm_scale_text;

typedef struct rm_level_text {
    const char *label, *colour, *acceptance;
    bool signs;
} rm_level_text;

typedef struct rm_form {
    int nl, ni, nlev; /* the grid's sizes, each 2..10 */
    rm_scale_text likelihood[RISK_SCALE_MAX], impact[RISK_SCALE_MAX];
    rm_level_text levels[RISK_SCALE_MAX];
    const char *cell[RISK_SCALE_MAX][RISK_SCALE_MAX]; /* "1".."nlev", or "" for none */
    const char *basis;                                /* "current" or "inherent" */
    bool exception;
    const char *exception_days, *interval;
    unsigned triggers;   /* risk_trigger bits */
    int prev_nl, prev_ni; /* the scales of the version in force; 0 when there is none */
    const char *map_l[RISK_SCALE_MAX], *map_i[RISK_SCALE_MAX]; /* "" unmapped */
    const char *title, *note;
} rm_form;

/* Whether the grid's scales differ in size from the version in force (a mapping is asked). */
bool rm_form_needs_map(const rm_form *f);

/* The form showing method m; title and note empty, no map chosen. */
void rm_form_from_method(rm_form *f, const risk_method *m, arena *a);

/*
 * Change the grid to nl x ni with nlev risk levels (each 2..10): kept levels
 * keep their text, new ones get a placeholder label, and every cell takes the
 * level of the cell at the same relative place, so the matrix stays ordered.
 */
void rm_form_resize(rm_form *f, int nl, int ni, int nlev, arena *a);

/* Note the version in force (its scale sizes), or none (NULL). */
void rm_form_set_previous(rm_form *f, const risk_method *prev);

/*
 * Read a posted form. Defects the JSON cannot carry (a size outside 2..10, a
 * number that is not one, a half-chosen mapping) go to st named by control.
 * prev is the version in force or NULL.
 */
void rm_form_read(rm_form *f, const form_data *fd, const risk_method *prev, arena *a,
                  isms_status *st);

/*
 * The method document of the form (for risk_method_parse), in a. Numbers that
 * are not numbers and half-chosen mappings go to st (named "definition.…" as
 * the parser names its own findings).
 */
char *rm_form_json(const rm_form *f, arena *a, isms_status *st);

/* A size parameter or control: 2..10 into *out, else a field error on name. */
bool rm_size_parse(const char *text, const char *name, int *out, isms_status *st);

#endif
