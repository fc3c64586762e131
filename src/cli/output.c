#include "cli/output.h"

#include <stdlib.h>
#include <string.h>

#include "core/record_json.h"
#include "core/value.h"

enum { CELL_WIDTH_MAX = 48 };

void table_init(text_table *t, arena *a, size_t ncols)
{
    memset(t, 0, sizeof(*t));
    t->a = a;
    t->ncols = ncols;
}

void table_add_row(text_table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        const char **bigger = arena_alloc(t->a, sizeof(char *) * cap * t->ncols);
        if (t->nrows)
            memcpy(bigger, t->cells, sizeof(char *) * t->nrows * t->ncols);
        t->cells = bigger;
        t->cap = cap;
    }
    for (size_t i = 0; i < t->ncols; i++)
        t->cells[t->nrows * t->ncols + i] = cells[i] ? cells[i] : "";
    t->nrows++;
}

/* Display width in characters (UTF-8 continuation bytes do not count). */
static size_t width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Print at most max characters of s on one line, then pad to pad. */
static void cell(FILE *out, const char *s, size_t max, size_t pad)
{
    size_t shown = 0;
    const char *p = s;
    size_t total = width(s);
    size_t limit = total > max ? max - 1 : max;
    for (; *p && shown < limit; shown++) {
        size_t len = 1;
        while ((((unsigned char)p[len]) & 0xC0) == 0x80)
            len++;
        if (*p == '\n' || *p == '\r' || *p == '\t')
            fputc(' ', out);
        else
            fwrite(p, 1, len, out);
        p += len;
    }
    if (total > max) {
        fputs("…", out);
        shown++;
    }
    for (; shown < pad; shown++)
        fputc(' ', out);
}

void table_print(const text_table *t, FILE *out)
{
    size_t widths[32] = {0};
    size_t ncols = t->ncols < 32 ? t->ncols : 32;
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t i = 0; i < ncols; i++) {
            size_t w = width(t->cells[r * t->ncols + i]);
            w = w > CELL_WIDTH_MAX ? CELL_WIDTH_MAX : w;
            if (w > widths[i])
                widths[i] = w;
        }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i < ncols; i++) {
            bool last = i + 1 == ncols;
            cell(out, t->cells[r * t->ncols + i], CELL_WIDTH_MAX, last ? 0 : widths[i] + 2);
        }
        fputc('\n', out);
    }
}

const char *value_text(arena *a, const isms_field *f, const isms_value *v)
{
    if (f->flags & FF_SECRET)
        return v->set ? "(secret)" : "";
    strbuf b;
    strbuf_init(&b, 1u << 20);
    value_format(f, v, &b);
    const char *s = arena_strndup(a, b.ptr, b.len);
    strbuf_dispose(&b);
    return s;
}

void print_json(cli_ctx *c, json_t *j)
{
    char *s = json_dump_exact(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s) {
        fputs(s, c->out);
        fputc('\n', c->out);
        free(s);
    }
}

void print_json_nested(cli_ctx *c, json_t *j, int depth)
{
    char *s = json_dump_exact(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!s)
        return;
    /* A dump's newlines are all between its lines: strings hold theirs escaped. */
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        fwrite(p, 1, len, c->out);
        if (nl)
            fprintf(c->out, "%*s", depth * 2, "");
        p += len;
    }
    free(s);
}

static void print_multiline(FILE *out, const char *label, const char *text)
{
    fprintf(out, "  %s:\n", label);
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "    %.*s\n", (int)len, p);
        p += len + (nl ? 1 : 0);
    }
}

void print_record(cli_ctx *c, const isms_record *r, const char *const *ref_titles,
                  const store_referrers *refs)
{
    const isms_kind *k = r->kind;
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, r->id);
    fprintf(c->out, "%s  %s%s\n", hid, record_title(r), r->retired_at ? "  [retired]" : "");
    fprintf(c->out, "  %s, clause %s, version %lld\n", k->label, k->clause,
            (long long)r->version);
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if (f->role == ROLE_TITLE)
            continue;
        const char *text = value_text(&c->arena, f, &r->values[i]);
        if (ref_titles && ref_titles[i])
            text = arena_printf(&c->arena, "%s %s", text, ref_titles[i]);
        if (f->type == FT_LONGTEXT && strchr(text, '\n'))
            print_multiline(c->out, f->label, text);
        else
            fprintf(c->out, "  %s: %s\n", f->label, text[0] ? text : "-");
    }
    fprintf(c->out, "  Created: %s by %s\n", r->created_at, r->created_by);
    fprintf(c->out, "  Updated: %s by %s\n", r->updated_at, r->updated_by);
    if (r->retired_at)
        fprintf(c->out, "  Retired: %s by %s: %s\n", r->retired_at, r->retired_by,
                r->retired_reason ? r->retired_reason : "");
    if (refs && refs->n) {
        fprintf(c->out, "  Referred to by:\n");
        for (size_t i = 0; i < refs->n; i++) {
            const store_referrer *x = &refs->items[i];
            human_id_format(hid, x->kind, x->id);
            fprintf(c->out, "    %s  %s  (%s: %s)%s\n", hid, x->title, x->kind->label,
                    x->field->label, x->retired ? " [retired]" : "");
        }
        if (refs->more)
            fprintf(c->out, "    ... and more\n");
    }
}

static json_t *problem_json(const isms_status *st)
{
    json_t *p = json_object();
    json_object_set_new(p, "type", json_string(isms_err_name(st->code)));
    json_object_set_new(p, "title", json_string(isms_err_title(st->code)));
    json_object_set_new(p, "detail", json_string(st->detail));
    status_details_to_json(st, p);
    return p;
}

int cli_fail(cli_ctx *c, const isms_status *st)
{
    if (c->json) {
        json_t *p = problem_json(st);
        char *s = json_dumps(p, JSON_PRESERVE_ORDER);
        if (s)
            fprintf(c->err, "%s\n", s);
        free(s);
        json_decref(p);
        return isms_err_exit_code(st->code);
    }
    fprintf(c->err, "isms: %s\n", st->detail[0] ? st->detail : isms_err_title(st->code));
    char kebab[ISMS_FIELD_NAME_MAX];
    for (size_t i = 0; i < st->nfields; i++)
        fprintf(c->err, "  --%s: %s\n",
                args_kebab(st->fields[i].field, kebab, sizeof(kebab)), st->fields[i].reason);
    if (st->current_version)
        fprintf(c->err, "  current version: %lld\n", (long long)st->current_version);
    return isms_err_exit_code(st->code);
}
