/* The risk workbook (risk_workbook.h). */
#include "report/risk_workbook.h"

#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "report/heatmap_data.h"

/* --- method ------------------------------------------------------------------------- */

enum { METHOD_COLS = 2 + RISK_SCALE_MAX }; /* part, number, then label or one per impact */

static const char *const method_header[METHOD_COLS] = {
    "part", "number", "label", "description", "colour", "acceptance", "top management signs"};
/* The numbers of scale steps and levels (the matrix rows have labels there, kept as text). */
static const bool method_numeric[METHOD_COLS] = {[1] = true};

/* Rows in order: the likelihood scale, the impact scale, the levels, a matrix header,
 * then one matrix row per likelihood, highest first as the heat map shows it. */
typedef struct method_rows {
    const risk_method *m;
    int row;
    char num[16];
} method_rows;

static bool scale_row(method_rows *r, const char *part, const risk_scale_level *lv, int n,
                      const char **cells)
{
    snprintf(r->num, sizeof(r->num), "%d", n);
    cells[0] = part;
    cells[1] = r->num;
    cells[2] = lv->label;
    cells[3] = lv->description;
    return true;
}

static bool level_row(method_rows *r, int n, const char **cells, const char **fills)
{
    const risk_level *lv = &r->m->levels[n - 1];
    snprintf(r->num, sizeof(r->num), "%d", n);
    cells[0] = "level";
    cells[1] = r->num;
    cells[2] = lv->label;
    cells[4] = lv->colour;
    fills[4] = lv->colour;
    cells[5] = risk_acceptance_name(lv->acceptance);
    cells[6] = lv->management_signs ? "yes" : "no";
    return true;
}

static bool matrix_row(method_rows *r, int l, const char **cells, const char **fills)
{
    const risk_method *m = r->m;
    cells[0] = "matrix";
    if (l == 0) { /* the header: impact labels across */
        cells[1] = "likelihood \\ impact";
        for (int i = 1; i <= m->nimpact; i++)
            cells[1 + i] = m->impact[i - 1].label;
        return true;
    }
    cells[1] = m->likelihood[l - 1].label;
    for (int i = 1; i <= m->nimpact; i++) {
        const risk_level *lv = risk_method_level_def(m, risk_method_level(m, l, i));
        cells[1 + i] = lv ? lv->label : NULL;
        fills[1 + i] = lv ? lv->colour : NULL;
    }
    return true;
}

static bool next_method_row(void *arg, const char **cells, const char **fills)
{
    method_rows *r = arg;
    const risk_method *m = r->m;
    if (!m)
        return false;
    int k = r->row++;
    if (k < m->nlikelihood)
        return scale_row(r, "likelihood", &m->likelihood[k], k + 1, cells);
    k -= m->nlikelihood;
    if (k < m->nimpact)
        return scale_row(r, "impact", &m->impact[k], k + 1, cells);
    k -= m->nimpact;
    if (k < m->nlevels)
        return level_row(r, k + 1, cells, fills);
    k -= m->nlevels;
    if (k == 0)
        return matrix_row(r, 0, cells, fills);
    if (k <= m->nlikelihood)
        return matrix_row(r, m->nlikelihood - k + 1, cells, fills);
    return false;
}

/* --- heat map counts --------------------------------------------------------------- */

static const char *const heat_header[] = {"scores", "likelihood", "likelihood label", "impact",
                                          "impact label", "level", "level label", "risks"};
enum { HEAT_COLS = sizeof(heat_header) / sizeof(heat_header[0]) };
/* likelihood, impact, level and the count of risks are numbers */
static const bool heat_numeric[HEAT_COLS] = {[1] = true, [3] = true, [5] = true, [7] = true};

typedef struct heat_rows {
    const risk_method *m;
    const store_heat *heat[2]; /* current, residual */
    int cell;                  /* 0 .. 2 * nlikelihood * nimpact */
    char l[16], i[16], level[16], n[24];
} heat_rows;

static bool next_heat_row(void *arg, const char **cells, const char **fills)
{
    heat_rows *r = arg;
    const risk_method *m = r->m;
    if (!m)
        return false;
    int per = m->nlikelihood * m->nimpact;
    if (r->cell >= 2 * per)
        return false;
    int which = r->cell / per, k = r->cell % per;
    r->cell++;
    int l = k / m->nimpact + 1, i = k % m->nimpact + 1;
    int level = risk_method_level(m, l, i);
    const risk_level *lv = risk_method_level_def(m, level);
    snprintf(r->l, sizeof(r->l), "%d", l);
    snprintf(r->i, sizeof(r->i), "%d", i);
    snprintf(r->level, sizeof(r->level), "%d", level);
    snprintf(r->n, sizeof(r->n), "%lld", (long long)r->heat[which]->count[l - 1][i - 1]);
    const char *row[HEAT_COLS] = {which ? "residual" : "current", r->l, m->likelihood[l - 1].label,
                                  r->i, m->impact[i - 1].label, r->level,
                                  lv ? lv->label : NULL, r->n};
    memcpy(cells, row, sizeof(row));
    fills[6] = lv ? lv->colour : NULL;
    return true;
}

/* --- the book -------------------------------------------------------------------------- */

static isms_err method_sheets(xlsx_book *b, store_conn *c, arena *a, isms_status *st)
{
    heatmap current, residual;
    store_heat heat_current, heat_residual;
    isms_err e = heatmap_load(c, false, a, &current, &heat_current, st);
    if (e == ISMS_OK)
        e = heatmap_load(c, true, a, &residual, &heat_residual, st);
    method_rows mr = {.m = current.method};
    if (e == ISMS_OK)
        e = xlsx_sheet_filled_rows(b, "method", method_header, METHOD_COLS, method_numeric,
                                   next_method_row, &mr, st);
    heat_rows hr = {.m = current.method, .heat = {&heat_current, &heat_residual}};
    if (e == ISMS_OK)
        e = xlsx_sheet_filled_rows(b, "heat map counts", heat_header, HEAT_COLS, heat_numeric,
                                   next_heat_row, &hr, st);
    return e;
}

isms_err risk_workbook_write(store_conn *c, const char *path, const export_options *opt,
                             isms_status *st)
{
    xlsx_book *b;
    isms_err e = xlsx_book_open(&b, path, st);
    if (e != ISMS_OK)
        return e;
    e = xlsx_sheet_records(b, c, &kind_risk, "register", opt, st);
    export_options actions = *opt;
    actions.progress = NULL; /* the progress counts the register */
    if (e == ISMS_OK)
        e = xlsx_sheet_records(b, c, &kind_risk_action, "actions", &actions, st);
    arena a;
    arena_init(&a);
    if (e == ISMS_OK)
        e = method_sheets(b, c, &a, st);
    arena_dispose(&a);
    isms_status close_st;
    status_clear(&close_st);
    isms_err ce = xlsx_book_close(b, e == ISMS_OK ? st : &close_st);
    return e != ISMS_OK ? e : ce;
}

isms_err report_export_xlsx(store_conn *c, const isms_kind *k, const char *path,
                            const export_options *opt, isms_status *st)
{
    if (k == &kind_risk)
        return risk_workbook_write(c, path, opt, st);
    return record_export_xlsx(c, &k, 1, path, opt, st);
}
