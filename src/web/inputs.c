#include "web/inputs.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/value.h"

const char *input_text_of(web_page *pg, const isms_field *f, const isms_value *v)
{
    strbuf b;
    strbuf_init(&b, FIELD_MAX_LEN_LIMIT * 4 + 64);
    value_format(f, v, &b);
    char *s = arena_strdup(pg->req->arena, b.ptr);
    strbuf_dispose(&b);
    return s;
}

static void open_control(web_page *pg, const char *tag, const isms_field *f,
                         const char *describedby, bool invalid)
{
    strbuf *b = pg->b;
    char id[ISMS_FIELD_NAME_MAX + 4];
    snprintf(id, sizeof(id), "f-%s", f->name);
    strbuf_putc(b, '<');
    strbuf_puts(b, tag); /* the program's own tag names */
    html_attr(b, "id", id);
    html_attr(b, "name", f->name);
    if (describedby)
        html_attr(b, "aria-describedby", describedby);
    if (invalid)
        html_lit(b, " aria-invalid=\"true\"");
}

static void option(strbuf *b, const char *value, const char *label, bool selected)
{
    html_lit(b, "<option");
    html_attr(b, "value", value);
    if (selected)
        html_lit(b, " selected");
    html_lit(b, ">");
    html_text(b, label);
    html_lit(b, "</option>");
}

/* Whether the comma- or space-separated list `text` holds human id hid. */
static bool list_holds(const char *text, const char *hid, const isms_kind *k, int64_t id)
{
    const char *p = text;
    size_t hl = strlen(hid);
    while (*p) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        if (n == hl && strncasecmp(p, hid, n) == 0)
            return true;
        if (n && n < 24) {
            char one[24];
            memcpy(one, p, n);
            one[n] = '\0';
            int64_t got;
            if (human_id_parse(k, one, &got) && got == id)
                return true;
        }
        p += n;
    }
    return false;
}

/* Records in force of kind k by title, up to REF_CHOICES_MAX; false if there are more. */
static bool ref_choices(web_page *pg, const isms_kind *k, store_page *out)
{
    store_query q = {.kind = k, .limit = STORE_PAGE_MAX, .retired = STORE_ACTIVE_ONLY,
                     .sort = kind_role_field(k, ROLE_TITLE)};
    isms_status st;
    status_clear(&st);
    out->n = 0;
    isms_record **all = arena_alloc(pg->req->arena, sizeof(*all) * REF_CHOICES_MAX);
    size_t n = 0;
    for (;;) {
        store_page page;
        if (!pg->conn || store_list(pg->conn, &q, pg->req->arena, &page, &st) != ISMS_OK)
            return false;
        for (size_t i = 0; i < page.n; i++) {
            if (n == REF_CHOICES_MAX)
                return false;
            all[n++] = page.items[i];
        }
        if (!page.next_cursor)
            break;
        q.cursor = page.next_cursor;
    }
    out->items = all;
    out->n = n;
    out->next_cursor = NULL;
    return true;
}

static void text_input(web_page *pg, const isms_field *f, const char *text, const char *type,
                       const char *inputmode, const char *describedby, bool invalid)
{
    strbuf *b = pg->b;
    open_control(pg, "input", f, describedby, invalid);
    html_attr(b, "type", type);
    if (inputmode)
        html_attr(b, "inputmode", inputmode);
    if (f->max_len > 0 && (f->type == FT_TEXT || f->type == FT_LONGTEXT))
        html_attr_int(b, "maxlength", f->max_len);
    html_attr(b, "value", text);
    html_lit(b, ">");
}

static void ref_select(web_page *pg, const isms_field *f, const char *text, input_mode mode,
                       const char *describedby, bool invalid)
{
    strbuf *b = pg->b;
    store_page choices;
    bool multiple = f->type == FT_REFLIST && mode == INPUT_FORM;
    if (!ref_choices(pg, f->target, &choices)) {
        /* Too many to offer: the id is typed (REQ-3, or several separated by commas). */
        text_input(pg, f, text, "text", NULL, describedby, invalid);
        return;
    }
    open_control(pg, "select", f, describedby, invalid);
    if (multiple) {
        html_lit(b, " multiple");
        html_attr_int(b, "size", choices.n < 3 ? 3 : choices.n > 8 ? 8 : (int64_t)choices.n);
    }
    html_lit(b, ">");
    if (!multiple)
        option(b, "", mode == INPUT_FILTER ? "Any" : "None", !text[0]);
    for (size_t i = 0; i < choices.n; i++) {
        const isms_record *r = choices.items[i];
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, f->target, r->id);
        strbuf label;
        strbuf_init(&label, 1024);
        strbuf_printf(&label, "%s %s", hid, record_title(r));
        option(b, hid, label.ptr, list_holds(text, hid, f->target, r->id));
        strbuf_dispose(&label);
    }
    html_lit(b, "</select>");
}

void input_control(web_page *pg, const isms_field *f, const char *text, input_mode mode,
                   const char *describedby, bool invalid)
{
    strbuf *b = pg->b;
    if (!text)
        text = "";
    switch (f->type) {
    case FT_LONGTEXT:
        if (mode == INPUT_FORM) {
            open_control(pg, "textarea", f, describedby, invalid);
            html_attr_int(b, "rows", f->max_len > 2000 ? 6 : 4);
            html_attr_int(b, "maxlength", f->max_len);
            html_lit(b, ">");
            /* A newline right after <textarea> is dropped by the parser: keep the user's. */
            if (text[0] == '\n')
                html_lit(b, "\n");
            html_text(b, text);
            html_lit(b, "</textarea>");
            return;
        }
        text_input(pg, f, text, "text", NULL, describedby, invalid);
        return;
    case FT_TEXT:
    case FT_ANYREF:
    case FT_DATETIME:
        text_input(pg, f, text, mode == INPUT_FILTER && f->type == FT_TEXT ? "search" : "text",
                   NULL, describedby, invalid);
        return;
    case FT_INT:
        text_input(pg, f, text, "text", "numeric", describedby, invalid);
        return;
    case FT_DECIMAL:
        text_input(pg, f, text, "text", "decimal", describedby, invalid);
        return;
    case FT_DATE:
        /* A browser empties a date input holding an invalid date: keep what was typed. */
        text_input(pg, f, text, !text[0] || parse_date(text) ? "date" : "text", NULL,
                   describedby, invalid);
        return;
    case FT_BOOL: {
        bool yes = false, no = false, parsed = false;
        if (text[0] && parse_bool(text, &parsed)) {
            yes = parsed;
            no = !parsed;
        }
        open_control(pg, "select", f, describedby, invalid);
        html_lit(b, ">");
        option(b, "", mode == INPUT_FILTER ? "Any" : "Not set", !yes && !no);
        option(b, "true", "Yes", yes);
        option(b, "false", "No", no);
        html_lit(b, "</select>");
        return;
    }
    case FT_ENUM: {
        open_control(pg, "select", f, describedby, invalid);
        html_lit(b, ">");
        bool known = false;
        for (const char *const *v = f->values; *v; v++)
            known |= strcmp(*v, text) == 0;
        if (mode == INPUT_FILTER)
            option(b, "", "Any", !known);
        else if (!(f->flags & FF_REQUIRED) || !known)
            option(b, "", (f->flags & FF_REQUIRED) ? "Choose\xE2\x80\xA6" : "Not set", !known);
        for (const char *const *v = f->values; *v; v++) {
            char label[128];
            snprintf(label, sizeof(label), "%s", *v);
            for (char *p = label; *p; p++)
                if (*p == '_')
                    *p = ' ';
            option(b, *v, label, strcmp(*v, text) == 0);
        }
        html_lit(b, "</select>");
        return;
    }
    case FT_REF:
    case FT_REFLIST:
        ref_select(pg, f, text, mode, describedby, invalid);
        return;
    case FT_COUNT:
        break;
    }
}
