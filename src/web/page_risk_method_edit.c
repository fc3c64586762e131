/*
 * /risk-method/edit: the whole risk method edited as a grid, without
 * JavaScript. GET starts from the version in force or a preset (?preset=3)
 * and resizes the grid (?likelihood=N&impact=M&levels=K); POST turns the
 * form into the method's canonical JSON and records it as a new version
 * (records_create, so the kind's hooks validate it and carry the risks over).
 * A refused form comes back as typed, each defect next to its control.
 */
#include <stdio.h>
#include <string.h>

#include "core/kinds/kinds.h"
#include "core/records.h"
#include "core/risk_census.h"
#include "core/risk_current.h"
#include "web/page.h"
#include "web/risk_method_form.h"
#include "web/risk_method_pages.h"

enum { RM_NAME_MAX = 64 };

/* What the editor shows besides the form: the version in force and its risks. */
typedef struct rm_context {
    const risk_method *prev; /* NULL when no method is in force */
    int64_t prev_id;
    int64_t risks; /* risks in force */
} rm_context;

/* The control a field error belongs to: its name without "definition.". */
static const char *control_of(const char *field)
{
    static const char prefix[] = "definition.";
    return strncmp(field, prefix, sizeof(prefix) - 1) == 0 ? field + sizeof(prefix) - 1 : field;
}

static const isms_field_error *error_at(const isms_status *err, const char *name)
{
    for (size_t k = 0; err && k < err->nfields; k++)
        if (strcmp(control_of(err->fields[k].field), name) == 0)
            return &err->fields[k];
    return NULL;
}

/* The id of a control: "f-" and its name with brackets and dots as dashes (valid ids). */
static void id_of(char *out, size_t size, const char *name)
{
    size_t n = (size_t)snprintf(out, size, "f-");
    for (const char *p = name; *p && n + 1 < size; p++)
        if (*p != ']')
            out[n++] = *p == '[' || *p == '.' ? '-' : *p;
    out[n] = '\0';
}

static void id_attr(strbuf *b, const char *name)
{
    char id[RM_NAME_MAX + 4];
    id_of(id, sizeof(id), name);
    html_attr(b, "id", id);
}

static void error_text(strbuf *b, const isms_field_error *fe)
{
    if (!fe)
        return;
    html_lit(b, "<p class=\"error\">");
    html_text(b, fe->reason);
    html_lit(b, "</p>");
}

/*
 * The attributes every control of the form has: its name, the id made from
 * it, its accessible label (unless NULL) and aria-invalid when err names it.
 * Returns the control's error, for error_text after the control.
 */
static const isms_field_error *control_attrs(strbuf *b, const char *name, const char *label,
                                             const isms_status *err)
{
    const isms_field_error *fe = error_at(err, name);
    html_attr(b, "name", name);
    id_attr(b, name);
    if (label)
        html_attr(b, "aria-label", label);
    if (fe)
        html_lit(b, " aria-invalid=\"true\"");
    return fe;
}

static void text_input(strbuf *b, const char *name, const char *value, const char *label,
                       const isms_status *err)
{
    html_lit(b, "<input type=\"text\"");
    const isms_field_error *fe = control_attrs(b, name, label, err);
    html_attr(b, "value", value);
    html_lit(b, ">");
    error_text(b, fe);
}

static void number_input(strbuf *b, const char *name, const char *value, int min, int max,
                         const isms_status *err)
{
    html_lit(b, "<input type=\"number\"");
    const isms_field_error *fe = control_attrs(b, name, NULL, err);
    html_attr(b, "value", value);
    html_attr_int(b, "min", min);
    html_attr_int(b, "max", max);
    html_lit(b, ">");
    error_text(b, fe);
}

/* A select of level numbers 1..n labelled by labels; "" offered first as blank_label. */
static void level_select(strbuf *b, const char *name, const char *value, int n,
                         const rm_level_text *levels, const rm_scale_text *scale,
                         const char *blank_label, const char *aria, const isms_status *err)
{
    html_lit(b, "<select");
    const isms_field_error *fe = control_attrs(b, name, aria, err);
    html_lit(b, "><option value=\"\"");
    if (!value || !value[0])
        html_lit(b, " selected");
    html_lit(b, ">");
    html_text(b, blank_label);
    html_lit(b, "</option>");
    for (int k = 1; k <= n; k++) {
        char v[12];
        snprintf(v, sizeof(v), "%d", k);
        html_lit(b, "<option");
        html_attr(b, "value", v);
        if (value && strcmp(value, v) == 0)
            html_lit(b, " selected");
        html_lit(b, ">");
        html_int(b, k);
        html_lit(b, " ");
        html_text(b, levels ? levels[k - 1].label : scale[k - 1].label);
        html_lit(b, "</option>");
    }
    html_lit(b, "</select>");
    error_text(b, fe);
}

static void scale_section(web_page *pg, const char *scale, const char *title, rm_scale_text *s,
                          int n, const isms_status *err)
{
    strbuf *b = pg->b;
    arena *a = pg->req->arena;
    html_lit(b, "<div class=\"table-wrap\"><table class=\"table rm-scale\"><caption>");
    html_text(b, title);
    html_lit(b, " (lowest first)</caption><thead><tr><th scope=\"col\">Level</th>"
                "<th scope=\"col\">Label</th><th scope=\"col\">Description</th></tr></thead>"
                "<tbody>\n");
    for (int k = 0; k < n; k++) {
        const char *label = arena_printf(a, "%s[%d].label", scale, k);
        const char *desc = arena_printf(a, "%s[%d].description", scale, k);
        html_lit(b, "<tr><td>");
        html_int(b, k + 1);
        html_lit(b, "</td><td>");
        text_input(b, label, s[k].label, arena_printf(a, "%s %d label", title, k + 1), err);
        html_lit(b, "</td><td><textarea rows=\"2\"");
        const isms_field_error *fe =
            control_attrs(b, desc, arena_printf(a, "%s %d description", title, k + 1), err);
        html_lit(b, ">");
        html_text(b, s[k].description);
        html_lit(b, "</textarea>");
        error_text(b, fe);
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody></table></div>\n");
}

static void levels_section(web_page *pg, const rm_form *f, const isms_status *err)
{
    strbuf *b = pg->b;
    arena *a = pg->req->arena;
    html_lit(b, "<section class=\"card\"><h2>Risk levels</h2>\n<p class=\"hint\">Lowest first. "
                "Going up, acceptance never gets easier, and once top management signs at "
                "a level it signs at every higher one.</p>\n<div class=\"table-wrap\">"
                "<table class=\"table rm-levels\"><thead><tr><th scope=\"col\">Level</th>"
                "<th scope=\"col\">Label</th><th scope=\"col\">Colour</th>"
                "<th scope=\"col\">Acceptance</th><th scope=\"col\">Top management signs</th>"
                "</tr></thead><tbody>\n");
    for (int k = 0; k < f->nlev; k++) {
        const rm_level_text *lv = &f->levels[k];
        html_lit(b, "<tr><td>");
        html_int(b, k + 1);
        error_text(b, error_at(err, arena_printf(a, "levels[%d]", k)));
        html_lit(b, "</td><td>");
        text_input(b, arena_printf(a, "levels[%d].label", k), lv->label,
                   arena_printf(a, "Risk level %d label", k + 1), err);
        const char *colour = arena_printf(a, "levels[%d].colour", k);
        html_lit(b, "</td><td><input type=\"color\"");
        const isms_field_error *fe =
            control_attrs(b, colour, arena_printf(a, "Risk level %d colour", k + 1), err);
        html_attr(b, "value", lv->colour);
        html_lit(b, ">");
        error_text(b, fe);
        const char *acc = arena_printf(a, "levels[%d].acceptance", k);
        html_lit(b, "</td><td><select");
        fe = control_attrs(b, acc, arena_printf(a, "Risk level %d acceptance", k + 1), err);
        html_lit(b, ">");
        for (int r = 0; r < RISK_ACCEPTANCE_COUNT; r++) {
            const char *name = risk_acceptance_name((risk_acceptance_rule)r);
            html_lit(b, "<option");
            html_attr(b, "value", name);
            if (strcmp(lv->acceptance, name) == 0)
                html_lit(b, " selected");
            html_lit(b, ">");
            html_text(b, rm_acceptance_text((risk_acceptance_rule)r));
            html_lit(b, "</option>");
        }
        html_lit(b, "</select>");
        error_text(b, fe);
        const char *signs = arena_printf(a, "levels[%d].management_signs", k);
        html_lit(b, "</td><td><input type=\"checkbox\" value=\"on\"");
        fe = control_attrs(b, signs,
                           arena_printf(a, "Risk level %d: top management signs", k + 1), err);
        if (lv->signs)
            html_lit(b, " checked");
        html_lit(b, ">");
        error_text(b, fe);
        html_lit(b, "</td></tr>\n");
    }
    html_lit(b, "</tbody></table></div></section>\n");
}

static void matrix_section(web_page *pg, const rm_form *f, const isms_status *err)
{
    strbuf *b = pg->b;
    arena *a = pg->req->arena;
    html_lit(b, "<section class=\"card\"><h2>Matrix</h2>\n<p class=\"hint\">The risk level of "
                "each likelihood (rows, highest first) and impact (columns). A higher "
                "likelihood or impact never gives a lower level, and every level is used."
                "</p>\n<div class=\"table-wrap\"><table class=\"risk-matrix rm-grid\">"
                "<thead><tr><th scope=\"col\">Likelihood \\ Impact</th>");
    for (int i = 0; i < f->ni; i++) {
        html_lit(b, "<th scope=\"col\">");
        html_int(b, i + 1);
        html_lit(b, " ");
        html_text(b, f->impact[i].label);
        html_lit(b, "</th>");
    }
    html_lit(b, "</tr></thead><tbody>\n");
    for (int l = f->nl - 1; l >= 0; l--) {
        html_lit(b, "<tr><th scope=\"row\">");
        html_int(b, l + 1);
        html_lit(b, " ");
        html_text(b, f->likelihood[l].label);
        html_lit(b, "</th>");
        for (int i = 0; i < f->ni; i++) {
            const char *name = arena_printf(a, "matrix[%d][%d]", l, i);
            html_lit_either(b, error_at(err, name), "<td class=\"has-error\">", "<td>");
            level_select(b, name, f->cell[l][i], f->nlev, f->levels, NULL, "\xE2\x80\x94",
                         arena_printf(a, "Likelihood %d, impact %d", l + 1, i + 1), err);
            html_lit(b, "</td>");
        }
        html_lit(b, "</tr>\n");
    }
    html_lit(b, "</tbody></table></div></section>\n");
}

static void radio(strbuf *b, const char *name, const char *value, bool checked, const char *text)
{
    html_lit(b, "<label class=\"choice\"><input type=\"radio\"");
    html_attr(b, "name", name);
    html_attr(b, "value", value);
    if (checked)
        html_lit(b, " checked");
    html_lit(b, "> ");
    html_text(b, text);
    html_lit(b, "</label>\n");
}

static void criteria_section(web_page *pg, const rm_form *f, const isms_status *err)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\"><h2>Criteria</h2>\n<fieldset class=\"field\" "
                "id=\"f-basis\"><legend>Scores describe</legend>\n");
    radio(b, "basis", "current", strcmp(f->basis, "current") == 0,
          "The risk with the controls already in place");
    radio(b, "basis", "inherent", strcmp(f->basis, "inherent") == 0,
          "The risk as if no control were in place");
    error_text(b, error_at(err, "basis"));
    html_lit(b, "</fieldset>\n<div class=\"field\"><label class=\"choice\"><input "
                "type=\"checkbox\" name=\"management_exception\" value=\"on\" "
                "id=\"f-management_exception\"");
    if (f->exception)
        html_lit(b, " checked");
    html_lit(b, "> Top management may accept a risk above the rules for a limited time"
                "</label>");
    error_text(b, error_at(err, "management_exception"));
    html_lit(b, "</div>\n<div class=\"field\"><label for=\"f-exception_max_days\">Longest "
                "exception, in days (1 to 1095)</label>");
    number_input(b, "exception_max_days", f->exception_days, 1, RISK_EXCEPTION_DAYS_MAX, err);
    html_lit(b, "</div>\n<div class=\"field\"><label for=\"f-interval_months\">Assess every "
                "risk again every … months (1 to 60)</label>");
    number_input(b, "interval_months", f->interval, 1, RISK_INTERVAL_MONTHS_MAX, err);
    html_lit(b, "</div>\n<fieldset class=\"field\" id=\"f-triggers\"><legend>And also after"
                "</legend>\n");
    static const char *const texts[] = {"A significant change", "An incident",
                                        "A new requirement", "Another event"};
    for (unsigned k = 0; k < RISK_TRIGGER_COUNT; k++) {
        unsigned bit = 1u << k;
        html_lit(b, "<label class=\"choice\"><input type=\"checkbox\" name=\"triggers[]\"");
        html_attr(b, "value", risk_trigger_name(bit));
        if (f->triggers & bit)
            html_lit(b, " checked");
        html_lit(b, "> ");
        html_text(b, texts[k]);
        html_lit(b, "</label>\n");
    }
    error_text(b, error_at(err, "triggers"));
    html_lit(b, "</fieldset></section>\n");
}

static void map_rows(web_page *pg, const char *scale, const risk_scale_level *old, int nold,
                     const char *const *map, const rm_form *f, const isms_status *err)
{
    strbuf *b = pg->b;
    arena *a = pg->req->arena;
    bool is_l = strcmp(scale, "likelihood") == 0;
    for (int k = 0; k < nold; k++) {
        const char *name = arena_printf(a, "map_from_previous.%s[%d]", scale, k);
        html_lit(b, "<tr><td>");
        html_lit_either(b, is_l, "Likelihood ", "Impact ");
        html_int(b, k + 1);
        html_lit(b, " ");
        html_text(b, old[k].label);
        html_lit(b, "</td><td>");
        level_select(b, name, map[k], is_l ? f->nl : f->ni, NULL,
                     is_l ? f->likelihood : f->impact, "Unmapped",
                     arena_printf(a, "New level of old %s %d", scale, k + 1), err);
        html_lit(b, "</td></tr>\n");
    }
}

static void map_section(web_page *pg, const rm_form *f, const rm_context *ctx,
                        const isms_status *err)
{
    if (!rm_form_needs_map(f) || !ctx->prev)
        return;
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\" id=\"rm-map\"><h2>From the version in force</h2>\n"
                "<p>A scale changes size, so the levels of risks already assessed cannot "
                "simply stay. Choose the new level of each old one to carry the risks over; "
                "or leave every level unmapped.</p>\n<p class=\"notice notice-warn\" "
                "id=\"rm-reassess-warning\">Unmapped, ");
    html_int(b, ctx->risks);
    html_lit_either(b, ctx->risks == 1, " risk in force will be marked to reassess.",
                    " risks in force will be marked to reassess.");
    html_lit(b, "</p>\n<div class=\"table-wrap\"><table class=\"table\"><thead><tr>"
                "<th scope=\"col\">Old level</th><th scope=\"col\">New level</th></tr></thead>"
                "<tbody>\n");
    map_rows(pg, "likelihood", ctx->prev->likelihood, ctx->prev->nlikelihood, f->map_l, f, err);
    map_rows(pg, "impact", ctx->prev->impact, ctx->prev->nimpact, f->map_i, f, err);
    html_lit(b, "</tbody></table></div></section>\n");
}

static void resize_form(web_page *pg, const rm_form *f)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\"><h2>Size of the grid</h2>\n<p>Start from a preset: "
                "<a class=\"button\" href=\"/risk-method/edit?preset=3\">3 \xC3\x97 3</a> "
                "<a class=\"button\" href=\"/risk-method/edit?preset=4\">4 \xC3\x97 4</a> "
                "<a class=\"button\" href=\"/risk-method/edit?preset=5\">5 \xC3\x97 5</a> "
                "(changes below are lost)</p>\n<form class=\"form form-inline\" method=\"get\" "
                "action=\"/risk-method/edit\" id=\"rm-resize\">\n<label>Likelihood levels ");
    html_lit(b, "<input type=\"number\" name=\"likelihood\" min=\"2\" max=\"10\"");
    html_attr_int(b, "value", f->nl);
    html_lit(b, "></label>\n<label>Impact levels <input type=\"number\" name=\"impact\" min=\"2\" "
                "max=\"10\"");
    html_attr_int(b, "value", f->ni);
    html_lit(b, "></label>\n<label>Risk levels <input type=\"number\" name=\"levels\" min=\"2\" "
                "max=\"10\"");
    html_attr_int(b, "value", f->nlev);
    html_lit(b, "></label>\n<button class=\"button\" type=\"submit\">Resize the grid</button>"
                "</form></section>\n");
}

/* The summary: each defect linked to its control. */
static void error_summary(web_page *pg, const isms_status *err)
{
    strbuf *b = pg->b;
    html_lit(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"rm-errors\">"
                "\n<h2>");
    if (err->nfields) {
        html_int(b, (int64_t)err->nfields);
        html_lit_either(b, err->nfields == 1, " defect to correct", " defects to correct");
    } else {
        html_text(b, isms_err_title(err->code));
    }
    html_lit(b, "</h2>\n");
    if (err->nfields == 0 || (err->detail[0] && err->code != ISMS_EINVALID)) {
        html_lit(b, "<p>");
        html_text(b, err->detail[0] ? err->detail : isms_err_title(err->code));
        html_lit(b, "</p>\n");
    }
    html_lit(b, "<ul>\n");
    for (size_t k = 0; k < err->nfields; k++) {
        const char *name = control_of(err->fields[k].field);
        char href[RM_NAME_MAX + 8] = "#";
        id_of(href + 1, sizeof(href) - 1, name);
        html_lit(b, "<li><a");
        html_url_attr(b, "href", href);
        html_lit(b, ">");
        html_text(b, name);
        html_lit(b, ": ");
        html_text(b, err->fields[k].reason);
        html_lit(b, "</a></li>\n");
    }
    html_lit(b, "</ul></div>\n");
}

static void save_section(web_page *pg, const rm_form *f, const isms_status *err)
{
    strbuf *b = pg->b;
    html_lit(b, "<section class=\"card\"><h2>Save</h2>\n<div class=\"field\"><label "
                "for=\"f-title\">Title of the new version <span class=\"req\">required</span>"
                "</label>");
    text_input(b, "title", f->title, "Title", err);
    html_lit(b, "</div>\n<div class=\"field\"><label for=\"f-note\">What changed, and why"
                "</label><textarea name=\"note\" id=\"f-note\" rows=\"3\">");
    html_text(b, f->note);
    html_lit(b, "</textarea>");
    error_text(b, error_at(err, "note"));
    html_lit(b, "</div>\n<div class=\"form-actions\"><button class=\"button primary\" "
                "type=\"submit\">Save as new version</button><a class=\"button subtle\" "
                "href=\"/risk-method\">Cancel</a></div></section>\n");
}

static void editor_page(http_request *req, http_reply *rep, unsigned status, rm_form *f,
                        const rm_context *ctx, const isms_status *err)
{
    web_page pg;
    if (!page_open(&pg, req, rep))
        return;
    page_crumbs_for_kind(&pg, &kind_risk_method, true);
    pg.kind = NULL;
    page_crumb_add(&pg, "Method in force", "/risk-method");
    page_crumb_add(&pg, "Edit", NULL);
    page_begin(&pg, status, "Edit the risk method");
    page_heading(&pg, "Risk method", "Edit the risk method",
                 "Saving records a new version; the version in force is kept in the history.");
    page_heading_end(&pg);
    strbuf *b = pg.b;
    if (err && err->code != ISMS_OK)
        error_summary(&pg, err);
    resize_form(&pg, f);
    html_lit(b, "<form class=\"form rm-editor\" method=\"post\" action=\"/risk-method/edit\" "
                "novalidate id=\"rm-editor\">\n");
    page_csrf_field(&pg);
    html_lit(b, "<input type=\"hidden\" name=\"likelihood_levels\"");
    html_attr_int(b, "value", f->nl);
    html_lit(b, "><input type=\"hidden\" name=\"impact_levels\"");
    html_attr_int(b, "value", f->ni);
    html_lit(b, "><input type=\"hidden\" name=\"risk_levels\"");
    html_attr_int(b, "value", f->nlev);
    html_lit(b, ">\n<section class=\"card\"><h2>Scales</h2>\n");
    scale_section(&pg, "likelihood", "Likelihood", f->likelihood, f->nl, err);
    scale_section(&pg, "impact", "Impact", f->impact, f->ni, err);
    html_lit(b, "</section>\n");
    levels_section(&pg, f, err);
    matrix_section(&pg, f, err);
    criteria_section(&pg, f, err);
    map_section(&pg, f, ctx, err);
    save_section(&pg, f, err);
    html_lit(b, "</form>\n");
    page_end(&pg);
}

/* The version in force and how many risks it has; false with the reply set. */
static bool load_context(http_request *req, http_reply *rep, rm_context *ctx)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    if (store_borrow(req->store, &c, &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
        return false;
    }
    *ctx = (rm_context){0};
    risk_census census;
    isms_err e = risk_method_current(c, req->arena, &ctx->prev, &ctx->prev_id, &st);
    if (e == ISMS_OK)
        e = risk_census_take(c, req->arena, &census, &st);
    store_return(c);
    if (e != ISMS_OK) {
        web_status_page(req, rep, &st);
        return false;
    }
    ctx->risks = census.risks;
    return true;
}

static void start_from(rm_form *f, const risk_method *m, arena *a)
{
    rm_form_from_method(f, m, a);
}

static const risk_method *preset(int size, arena *a)
{
    return risk_method_parsed(risk_method_preset(size), a);
}

void web_risk_method_edit(http_request *req, http_reply *rep)
{
    rm_context ctx;
    if (!load_context(req, rep, &ctx))
        return;
    isms_status st;
    status_clear(&st);
    rm_form *f = arena_alloc(req->arena, sizeof(*f));
    const risk_method *base = ctx.prev ? ctx.prev : preset(5, req->arena);
    int nl = 0, ni = 0, nlev = 0;
    for (size_t p = 0; p < req->nparams; p++) {
        const char *k = req->param_keys[p], *v = req->param_values[p];
        int n;
        if (strcmp(k, "preset") == 0) {
            if (v && (strcmp(v, "3") == 0 || strcmp(v, "4") == 0 || strcmp(v, "5") == 0))
                base = preset(v[0] - '0', req->arena);
            else
                status_field(&st, "preset", "must be 3, 4 or 5");
        } else if (strcmp(k, "likelihood") == 0 || strcmp(k, "impact") == 0 ||
                   strcmp(k, "levels") == 0) {
            if (rm_size_parse(v, k, &n, &st))
                *(k[0] == 'l' ? (k[1] == 'i' ? &nl : &nlev) : &ni) = n;
        } else {
            char name[ISMS_FIELD_NAME_MAX];
            snprintf(name, sizeof(name), "%s", k);
            status_field(&st, name, "is not a parameter of the editor (preset, likelihood, "
                                    "impact, levels)");
        }
    }
    start_from(f, base, req->arena);
    rm_form_resize(f, nl ? nl : f->nl, ni ? ni : f->ni, nlev ? nlev : f->nlev, req->arena);
    rm_form_set_previous(f, ctx.prev);
    editor_page(req, rep, st.code == ISMS_OK ? 200 : 422, f, &ctx, &st);
}

typedef struct rm_write {
    http_request *req;
    const char *title, *definition, *note;
    int64_t id;
} rm_write;

static void set_text(isms_record *rec, const char *field, const char *text)
{
    if (!text || !text[0])
        return;
    isms_value *v = record_value(rec, field);
    v->set = true;
    v->s = text;
}

static isms_err do_save(store_txn *t, void *arg, isms_status *st)
{
    rm_write *w = arg;
    isms_record *rec = record_new(w->req->arena, &kind_risk_method);
    set_text(rec, "title", w->title);
    set_text(rec, "definition", w->definition);
    set_text(rec, "note", w->note);
    isms_err e = records_create(t, rec, w->req->arena, st);
    w->id = rec->id;
    return e;
}

void web_risk_method_save(http_request *req, http_reply *rep)
{
    form_data *fd = web_post_form(req, rep);
    if (!fd)
        return;
    rm_context ctx;
    if (!load_context(req, rep, &ctx))
        return;
    isms_status st;
    status_clear(&st);
    rm_form *f = arena_alloc(req->arena, sizeof(*f));
    rm_form_read(f, fd, ctx.prev, req->arena, &st);
    if (!f->nl) {
        /* Sizes the grid cannot be drawn with: show the method in force, and why. */
        rm_form_from_method(f, ctx.prev ? ctx.prev : preset(5, req->arena), req->arena);
        rm_form_set_previous(f, ctx.prev);
        editor_page(req, rep, 422, f, &ctx, &st);
        return;
    }
    const char *json = rm_form_json(f, req->arena, &st);
    risk_method m;
    bool ok = risk_method_parse(json, req->arena, &m, &st) && st.code == ISMS_OK;
    if (!f->title[0])
        status_field(&st, "title", "is required");
    if (ok && st.code == ISMS_OK) {
        rm_write w = {.req = req, .title = f->title, .note = f->note,
                      .definition = risk_method_to_json(&m, req->arena)};
        isms_write_ctx wctx;
        write_ctx_for(&wctx, &req->principal, "web");
        if (store_write_again(req->store, &wctx, do_save, &w, &st) == ISMS_OK) {
            reply_redirect(rep, "/risk-method?done=saved");
            return;
        }
    }
    editor_page(req, rep, st.code == ISMS_EINVALID ? 422 : (unsigned)isms_err_http_status(st.code),
                f, &ctx, &st);
}
