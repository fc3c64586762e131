#include "web/page.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/clauses.h"
#include "core/record.h"
#include "core/roles.h"
#include "core/value.h"
#include "web/assets.h"
#include "web/web.h"

bool page_open(web_page *pg, http_request *req, http_reply *rep)
{
    memset(pg, 0, sizeof(*pg));
    pg->req = req;
    pg->rep = rep;
    pg->org = "";
    isms_status st;
    status_clear(&st);
    if (store_borrow(req->store, &pg->conn, &st) != ISMS_OK) {
        web_status_page(req, rep, &st);
        reply_header_set(rep, "Retry-After", "1");
        return false;
    }
    const char *org = NULL;
    if (store_setting_get(pg->conn, "organization", req->arena, &org, &st) == ISMS_OK && org)
        pg->org = org;
    return true;
}

int64_t page_count(web_page *pg, const store_query *q)
{
    isms_status st;
    status_clear(&st);
    int64_t n = 0;
    return store_count_upto(pg->conn, q, PAGE_COUNT_MAX + 1, &n, &st) == ISMS_OK ? n : -1;
}

void html_count(strbuf *b, int64_t n)
{
    if (n < 0)
        html_lit(b, "?");
    else if (n > PAGE_COUNT_MAX)
        strbuf_printf(b, "more than %d", PAGE_COUNT_MAX);
    else
        html_int(b, n);
}

void page_crumb_add(web_page *pg, const char *label, const char *href)
{
    if (pg->ncrumbs < PAGE_CRUMBS_MAX)
        pg->crumbs[pg->ncrumbs++] = (page_crumb){label, href};
}

const char *kind_top_clause(const isms_kind *k, char *buf, size_t size)
{
    size_t n = strcspn(k->clause, ".");
    snprintf(buf, size, "%.*s", (int)n, k->clause);
    return buf;
}

/* "4 Context of the organization" in the arena. */
static const char *clause_label(arena *a, const char *id)
{
    const isms_clause *c = clause_find(id);
    strbuf b;
    strbuf_init(&b, 512);
    strbuf_printf(&b, "%s %s", id, c ? c->title : "");
    char *s = arena_strdup(a, b.ptr);
    strbuf_dispose(&b);
    return s;
}

void page_crumbs_for_kind(web_page *pg, const isms_kind *k, bool link_kind)
{
    char top[8];
    kind_top_clause(k, top, sizeof(top));
    char *href = arena_alloc(pg->req->arena, 32);
    snprintf(href, 32, "/clauses/%s", top);
    char *list = arena_alloc(pg->req->arena, strlen(k->plural) + 2);
    sprintf(list, "/%s", k->plural);
    page_crumb_add(pg, "Overview", "/");
    page_crumb_add(pg, clause_label(pg->req->arena, top), href);
    page_crumb_add(pg, k->label_plural, link_kind ? list : NULL);
    pg->kind = k;
    pg->clause = arena_strdup(pg->req->arena, top);
}

bool page_may_write(const web_page *pg)
{
    return roles_permit(&pg->req->principal, PERM_WRITE);
}

bool page_may_write_kind(const web_page *pg, const isms_kind *k)
{
    char why[256];
    return page_may_write(pg) && roles_may_write_kind(&pg->req->principal, k, why, sizeof(why));
}

const char *label_in_text(arena *a, const char *label)
{
    char *s = arena_strdup(a, label);
    if (s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z'))
        s[0] = (char)(s[0] - 'A' + 'a');
    return s;
}

void url_kind(strbuf *b, const isms_kind *k)
{
    strbuf_printf(b, "/%s", k->plural);
}

void url_record(strbuf *b, const isms_kind *k, int64_t id)
{
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, id);
    strbuf_printf(b, "/%s/%s", k->plural, hid);
}

void html_record_link(strbuf *b, const isms_kind *k, int64_t id, const char *text)
{
    strbuf url;
    strbuf_init(&url, 256);
    url_record(&url, k, id);
    html_lit(b, "<a");
    html_url_attr(b, "href", url.ptr);
    html_lit(b, ">");
    html_text(b, text);
    html_lit(b, "</a>");
    strbuf_dispose(&url);
}

static void write_nav(web_page *pg)
{
    strbuf *b = pg->b;
    const isms_registry *reg = pg->req->reg;
    html_lit(b, "<nav class=\"sidebar\" aria-label=\"Clauses of ISO/IEC 27001\">\n<ul class=\"nav\">\n"
                "<li><a href=\"/\"");
    if (strcmp(pg->req->path, "/") == 0)
        html_lit(b, " aria-current=\"page\"");
    html_lit(b, ">Overview</a></li>\n");
    size_t n;
    const isms_clause *cl = clauses_all(&n);
    for (size_t i = 0; i < n; i++) {
        if (cl[i].level != 1)
            continue;
        bool current = pg->clause && strcmp(pg->clause, cl[i].id) == 0;
        html_lit(b, "<li class=\"nav-clause\"><a");
        char href[32];
        snprintf(href, sizeof(href), "/clauses/%s", cl[i].id);
        html_url_attr(b, "href", href);
        if (current && !pg->kind)
            html_lit(b, " aria-current=\"page\"");
        html_lit(b, "><span class=\"num\">");
        html_text(b, cl[i].id);
        html_lit(b, "</span> ");
        html_text(b, cl[i].title);
        html_lit(b, "</a>");
        if (current) {
            bool any = false;
            for (size_t k = 0; k < reg->nkinds; k++) {
                char top[8];
                const isms_kind *kd = reg->kinds[k];
                if (strcmp(kind_top_clause(kd, top, sizeof(top)), cl[i].id) != 0)
                    continue;
                if (!any)
                    html_lit(b, "\n<ul class=\"nav-kinds\">\n");
                any = true;
                html_lit(b, "<li><a");
                strbuf url;
                strbuf_init(&url, 128);
                url_kind(&url, kd);
                html_url_attr(b, "href", url.ptr);
                strbuf_dispose(&url);
                if (pg->kind == kd)
                    html_lit(b, " aria-current=\"page\"");
                html_lit(b, ">");
                html_text(b, kd->label_plural);
                html_lit(b, "</a></li>\n");
            }
            /* The method in force has a page of its own besides its list of versions. */
            if (any && strcmp(cl[i].id, "6") == 0) {
                html_lit(b, "<li><a href=\"/risk-method\"");
                if (strncmp(pg->req->path, "/risk-method", 12) == 0 &&
                    pg->req->path[12] != 's')
                    html_lit(b, " aria-current=\"page\"");
                html_lit(b, ">Risk method in force</a></li>\n");
            }
            if (any)
                html_lit(b, "</ul>");
        }
        html_lit(b, "</li>\n");
    }
    html_lit(b, "</ul>\n</nav>\n");
}

static void write_crumbs(web_page *pg)
{
    if (!pg->ncrumbs)
        return;
    strbuf *b = pg->b;
    html_lit(b, "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol>");
    for (size_t i = 0; i < pg->ncrumbs; i++) {
        const page_crumb *c = &pg->crumbs[i];
        if (c->href) {
            html_lit(b, "<li><a");
            html_url_attr(b, "href", c->href);
            html_lit(b, ">");
            html_text(b, c->label);
            html_lit(b, "</a></li>");
        } else {
            html_lit(b, "<li><span aria-current=\"page\">");
            html_text(b, c->label);
            html_lit(b, "</span></li>");
        }
    }
    html_lit(b, "</ol></nav>\n");
}

/*
 * The notice after a post-redirect-get: ?done=created|saved|retired|deleted.
 * It names the record: the page's own id, or ?record= on the list after a delete.
 */
static void write_done_notice(web_page *pg)
{
    const char *done = NULL, *record = pg->req->id_text;
    for (size_t i = 0; i < pg->req->nparams; i++) {
        if (strcmp(pg->req->param_keys[i], "done") == 0)
            done = pg->req->param_values[i];
        else if (!record && strcmp(pg->req->param_keys[i], "record") == 0)
            record = pg->req->param_values[i];
    }
    if (!done)
        return;
    static const char *const known[][2] = {
        {"created", "Created"}, {"saved", "Saved"}, {"retired", "Retired"}, {"deleted", "Deleted"},
        {"redacted", "Redacted"},
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcmp(done, known[i][0]) != 0)
            continue;
        strbuf *b = pg->b;
        html_lit(b, "<div class=\"notice notice-ok\" role=\"status\">");
        html_text(b, known[i][1]);
        /* Only an id of the page's kind is echoed: ?record= comes from the URL. */
        int64_t number;
        if (record && pg->kind && human_id_parse(pg->kind, record, &number)) {
            html_lit(b, " ");
            html_text(b, record);
        }
        html_lit(b, ".</div>\n");
    }
}

void page_csrf_field(web_page *pg)
{
    if (!pg->req->session_csrf)
        return;
    html_lit(pg->b, "<input type=\"hidden\" name=\"csrf\"");
    html_attr(pg->b, "value", pg->req->session_csrf);
    html_lit(pg->b, ">\n");
}

/* Who is signed in, their account, the users page (admins), and signing out. */
static void write_user_menu(web_page *pg)
{
    const isms_principal *p = &pg->req->principal;
    strbuf *b = pg->b;
    if (p->user_id == 0)
        return;
    html_lit(b, "<nav class=\"user-menu\" aria-label=\"Account\">");
    if (roles_permit(p, PERM_ADMIN))
        html_lit(b, "<a href=\"/users\">Users</a>");
    html_lit(b, "<a href=\"/account\" class=\"user-name\">");
    html_text(b, p->name);
    html_lit(b, "</a>");
    if (p->via == AUTH_SESSION) {
        html_lit(b, "<form class=\"logout\" method=\"post\" action=\"/logout\">");
        page_csrf_field(pg);
        html_lit(b, "<button class=\"button subtle\" type=\"submit\">Sign out</button></form>");
    }
    html_lit(b, "</nav>\n");
}

void page_begin(web_page *pg, unsigned status, const char *title)
{
    strbuf *b = pg->b = reply_html_body(pg->rep, status);
    html_lit(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>");
    html_text(b, title);
    if (pg->org[0]) {
        html_lit(b, " \xC2\xB7 ");
        html_text(b, pg->org);
    }
    html_lit(b, " \xC2\xB7 isms</title>\n");
    strbuf url;
    strbuf_init(&url, 128);
    asset_url(&url, "style.css");
    html_lit(b, "<link rel=\"stylesheet\"");
    html_url_attr(b, "href", url.ptr);
    html_lit(b, ">\n<link rel=\"icon\" type=\"image/svg+xml\"");
    strbuf_reset(&url);
    asset_url(&url, "icon.svg");
    html_url_attr(b, "href", url.ptr);
    html_lit(b, ">\n<script");
    const char *icon = arena_strdup(pg->req->arena, url.ptr);
    strbuf_reset(&url);
    asset_url(&url, "app.js");
    html_url_attr(b, "src", url.ptr);
    strbuf_dispose(&url);
    html_lit(b, " defer></script>\n</head>\n<body>\n"
                "<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n"
                "<header class=\"topbar\">\n<a class=\"brand\" href=\"/\"><img");
    html_url_attr(b, "src", icon);
    html_lit(b, " alt=\"\" width=\"28\" height=\"28\"><span>isms</span></a>\n");
    if (pg->org[0]) {
        html_lit(b, "<span class=\"org\">");
        html_text(b, pg->org);
        html_lit(b, "</span>\n");
    }
    write_user_menu(pg);
    /* The clauses are of no use before signing in: no sidebar then. */
    bool nav = pg->req->principal.user_id != 0;
    html_lit_either(b, nav, "</header>\n<div class=\"shell\">\n",
                    "</header>\n<div class=\"shell shell-plain\">\n");
    if (nav)
        write_nav(pg);
    html_lit(b, "<main id=\"main\" class=\"content\">\n");
    write_crumbs(pg);
    write_done_notice(pg);
}

void page_heading(web_page *pg, const char *kicker, const char *h1, const char *lead)
{
    strbuf *b = pg->b;
    html_lit(b, "<div class=\"page-head\">\n<div class=\"page-title\">\n");
    if (kicker) {
        html_lit(b, "<p class=\"kicker\">");
        html_text(b, kicker);
        html_lit(b, "</p>\n");
    }
    html_lit(b, "<h1>");
    html_text(b, h1);
    html_lit(b, "</h1>\n");
    if (lead) {
        html_lit(b, "<p class=\"lead\">");
        html_text(b, lead);
        html_lit(b, "</p>\n");
    }
    html_lit(b, "</div>\n");
}

void page_heading_end(web_page *pg)
{
    html_lit(pg->b, "</div>\n");
}

void page_notice(web_page *pg, bool ok, const char *text)
{
    strbuf *b = pg->b;
    if (ok)
        html_lit(b, "<div class=\"notice notice-ok\" role=\"status\">");
    else
        html_lit(b, "<div class=\"notice notice-error\" role=\"alert\">");
    html_text(b, text);
    html_lit(b, "</div>\n");
}

void page_error_summary(web_page *pg, const isms_status *st)
{
    strbuf *b = pg->b;
    html_lit(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\">\n<h2>");
    if (st->nfields == 1)
        html_lit(b, "1 field needs attention");
    else if (st->nfields > 1) {
        html_int(b, (int64_t)st->nfields);
        html_lit(b, " fields need attention");
    } else {
        html_text(b, isms_err_title(st->code));
    }
    html_lit(b, "</h2>\n");
    if (st->nfields == 0 || (st->detail[0] && st->code != ISMS_EINVALID)) {
        html_lit(b, "<p>");
        html_text(b, st->detail[0] ? st->detail : isms_err_title(st->code));
        html_lit(b, "</p>\n");
    }
    if (st->nfields) {
        html_lit(b, "<ul>\n");
        /* In the order of the form: the kind's fields first, then anything else. */
        size_t order[ISMS_STATUS_MAX_FIELDS], n = 0;
        for (size_t pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < st->nfields; i++) {
                const isms_field *f = pg->kind ? kind_field(pg->kind, st->fields[i].field) : NULL;
                if ((pass == 0) == (f != NULL))
                    order[n++] = i;
            }
        if (pg->kind)
            for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0; j--) {
                    const isms_field *a = kind_field(pg->kind, st->fields[order[j - 1]].field);
                    const isms_field *c = kind_field(pg->kind, st->fields[order[j]].field);
                    if (!a || !c || kind_field_index(pg->kind, a) <= kind_field_index(pg->kind, c))
                        break;
                    size_t t = order[j];
                    order[j] = order[j - 1];
                    order[j - 1] = t;
                }
        for (size_t o = 0; o < n; o++) {
            const isms_field_error *fe = &st->fields[order[o]];
            const isms_field *f = pg->kind ? kind_field(pg->kind, fe->field) : NULL;
            html_lit(b, "<li>");
            if (f) {
                char href[ISMS_FIELD_NAME_MAX + 4];
                snprintf(href, sizeof(href), "#f-%s", f->name);
                html_lit(b, "<a");
                html_url_attr(b, "href", href);
                html_lit(b, ">");
                html_text(b, f->label);
            } else {
                html_text(b, fe->field);
            }
            html_lit(b, ": ");
            html_text(b, fe->reason);
            if (f)
                html_lit(b, "</a>");
            html_lit(b, "</li>\n");
        }
        html_lit(b, "</ul>\n");
    }
    html_lit(b, "</div>\n");
}

void page_end(web_page *pg)
{
    strbuf *b = pg->b;
    html_lit(b, "</main>\n</div>\n<footer class=\"footer\">isms " ISMS_VERSION
                " \xC2\xB7 ISO/IEC 27001:2022</footer>\n</body>\n</html>\n");
    page_abandon(pg);
}

void page_abandon(web_page *pg)
{
    if (pg->conn)
        store_return(pg->conn);
    pg->conn = NULL;
}

/* The skeleton without a store connection: for errors where the store may be the problem. */
/* An error page: title, detail, and the fields named in st (when given). */
static void error_page(http_request *req, http_reply *rep, unsigned status, const char *title,
                       const char *detail, const isms_status *st)
{
    web_page pg;
    memset(&pg, 0, sizeof(pg));
    pg.req = req;
    pg.rep = rep;
    pg.org = "";
    page_crumb_add(&pg, "Overview", "/");
    page_crumb_add(&pg, title, NULL);
    page_begin(&pg, status, title);
    page_heading(&pg, NULL, title, NULL);
    page_heading_end(&pg);
    html_lit(pg.b, "<p>");
    html_text(pg.b, detail);
    html_lit(pg.b, "</p>\n");
    if (st && st->nfields) {
        html_lit(pg.b, "<ul class=\"problems\">\n");
        for (size_t i = 0; i < st->nfields; i++) {
            html_lit(pg.b, "<li><code>");
            html_text(pg.b, st->fields[i].field);
            html_lit(pg.b, "</code> ");
            html_text(pg.b, st->fields[i].reason);
            html_lit(pg.b, "</li>\n");
        }
        html_lit(pg.b, "</ul>\n");
    }
    html_lit(pg.b, "<p><a href=\"/\">Back to the overview</a></p>\n");
    page_end(&pg);
}

void web_error_page(http_request *req, http_reply *rep, unsigned status, const char *title,
                    const char *detail)
{
    error_page(req, rep, status, title, detail, NULL);
}

void web_status_page(http_request *req, http_reply *rep, const isms_status *st)
{
    error_page(req, rep, (unsigned)isms_err_http_status(st->code), isms_err_title(st->code),
               st->detail[0] ? st->detail : isms_err_title(st->code), st);
}

void web_not_found(http_request *req, http_reply *rep, const char *detail)
{
    web_error_page(req, rep, 404, "Not found", detail);
}

const char *page_record_title(web_page *pg, const isms_kind *k, int64_t id, bool *retired)
{
    for (size_t i = 0; i < pg->nmemo; i++)
        if (pg->memo[i].kind == k && pg->memo[i].id == id) {
            *retired = pg->memo[i].retired;
            return pg->memo[i].title;
        }
    isms_status st;
    status_clear(&st);
    isms_record *r = NULL;
    const char *title = NULL;
    *retired = false;
    if (pg->conn && store_get(pg->conn, k, id, pg->req->arena, &r, &st) == ISMS_OK) {
        title = record_title(r);
        *retired = r->retired_at != NULL;
    }
    if (pg->nmemo < PAGE_TITLE_CACHE)
        pg->memo[pg->nmemo++] = (page_title_memo){k, id, title, *retired};
    return title;
}

/* A reference: "IP-2 Federal Office ..." linked; just the id when the record is gone. */
static void ref_link(web_page *pg, const isms_kind *k, int64_t id)
{
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, id);
    bool retired;
    const char *title = page_record_title(pg, k, id, &retired);
    strbuf text;
    strbuf_init(&text, 1024);
    strbuf_puts(&text, hid);
    if (title) {
        strbuf_putc(&text, ' ');
        strbuf_puts(&text, title);
    }
    html_record_link(pg->b, k, id, text.ptr);
    strbuf_dispose(&text);
    if (retired)
        html_lit(pg->b, " <span class=\"badge badge-muted\">retired</span>");
}

void page_ref_link(web_page *pg, const isms_kind *k, int64_t id)
{
    ref_link(pg, k, id);
}

void page_user_person(web_page *pg, int64_t person_id)
{
    const isms_kind *person = registry_kind(pg->req->reg, "person");
    if (person && person_id > 0)
        ref_link(pg, person, person_id);
    else
        html_lit(pg->b, "<span class=\"muted\">none</span>");
}

/* Enum values read better without underscores: "organizational unit". */
static void enum_text(strbuf *b, const char *value)
{
    for (const char *p = value; *p;) {
        size_t n = strcspn(p, "_");
        html_textn(b, p, n);
        p += n;
        if (*p == '_') {
            strbuf_putc(b, ' ');
            p++;
        }
    }
}

static void today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void html_timestamp(strbuf *b, const char *rfc3339)
{
    /* "2026-12-02T05:27:42.916Z": shown to the minute, the exact time kept for machines. */
    size_t len = strlen(rfc3339);
    bool shape = len >= 17 && rfc3339[10] == 'T' && rfc3339[len - 1] == 'Z';
    html_lit(b, "<time");
    html_attr(b, "datetime", rfc3339);
    html_attr(b, "title", rfc3339);
    html_lit(b, ">");
    if (shape) {
        html_textn(b, rfc3339, 10);
        html_lit(b, " ");
        html_textn(b, rfc3339 + 11, 5);
        html_lit(b, " UTC");
    } else {
        html_text(b, rfc3339);
    }
    html_lit(b, "</time>");
}

void page_value(web_page *pg, const isms_field *f, const isms_value *v, bool in_table)
{
    strbuf *b = pg->b;
    if (!v->set) {
        if (in_table)
            html_lit(b, "<span class=\"muted\">\xE2\x80\x94</span>");
        else
            html_lit(b, "<span class=\"muted\">Not set</span>");
        return;
    }
    switch (f->type) {
    case FT_ENUM:
        if (f->role == ROLE_STATUS) {
            if (field_status_closed(f, v->s))
                html_lit(b, "<span class=\"badge badge-muted\">");
            else
                html_lit(b, "<span class=\"badge badge-info\">");
            enum_text(b, v->s);
            html_lit(b, "</span>");
        } else {
            enum_text(b, v->s);
        }
        return;
    case FT_BOOL:
        if (v->i)
            html_lit(b, "<span class=\"badge badge-ok\">Yes</span>");
        else
            html_lit(b, "<span class=\"badge badge-muted\">No</span>");
        return;
    case FT_REF:
        ref_link(pg, f->target, v->i);
        return;
    case FT_ANYREF:
        ref_link(pg, v->kind, v->i);
        return;
    case FT_REFLIST:
        for (size_t i = 0; i < v->n; i++) {
            if (i && in_table)
                html_lit(b, ", ");
            else if (i)
                html_lit(b, "<br>");
            ref_link(pg, f->target, v->ids[i]);
        }
        return;
    case FT_DATE: {
        html_text(b, v->s);
        char now[11];
        today(now);
        if (f->role == ROLE_DUE && strcmp(v->s, now) < 0)
            html_lit(b, " <span class=\"badge badge-danger\">overdue</span>");
        return;
    }
    case FT_DATETIME:
        html_timestamp(b, v->s);
        return;
    case FT_TEXT:
    case FT_LONGTEXT:
    case FT_INT:
    case FT_DECIMAL:
    case FT_COUNT:
        break;
    }
    strbuf text;
    strbuf_init(&text, FIELD_MAX_LEN_LIMIT * 4 + 64);
    value_format(f, v, &text);
    html_text(b, text.ptr);
    strbuf_dispose(&text);
}

bool web_same_origin(const http_request *req)
{
    if (req->origin) {
        if (!req->host)
            return false;
        const char *rest = NULL;
        if (strncmp(req->origin, "http://", 7) == 0)
            rest = req->origin + 7;
        else if (strncmp(req->origin, "https://", 8) == 0)
            rest = req->origin + 8;
        return rest && strcmp(rest, req->host) == 0;
    }
    /* No Origin (older browsers, curl): trust only a same-origin or user-initiated fetch. */
    return !req->sec_fetch_site || strcmp(req->sec_fetch_site, "same-origin") == 0 ||
           strcmp(req->sec_fetch_site, "none") == 0;
}

static bool post_allowed(http_request *req, http_reply *rep, bool upload);

bool web_post_allowed(http_request *req, http_reply *rep)
{
    return post_allowed(req, rep, false);
}

form_data *web_post_upload_form(http_request *req, http_reply *rep)
{
    if (!post_allowed(req, rep, true))
        return NULL;
    return web_request_form(req, rep);
}

/* A form from our own pages, urlencoded (or multipart/form-data where a file is uploaded). */
static bool post_allowed(http_request *req, http_reply *rep, bool upload)
{
    if (!web_same_origin(req)) {
        web_error_page(req, rep, 403, "Forbidden",
                       "This form was sent from another site. Open the page in isms and "
                       "send it from there.");
        return false;
    }
    const char *ct = req->content_type;
    size_t n = strlen("application/x-www-form-urlencoded");
    if (upload && form_is_multipart(ct))
        return true;
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", n) != 0 ||
        (ct[n] != '\0' && ct[n] != ';')) {
        web_error_page(req, rep, 415, "Unsupported form",
                       "Forms are sent as application/x-www-form-urlencoded.");
        return false;
    }
    return true;
}

form_data *web_post_form(http_request *req, http_reply *rep)
{
    if (!web_post_allowed(req, rep))
        return NULL;
    return web_request_form(req, rep);
}

form_data *web_request_form(http_request *req, http_reply *rep)
{
    isms_status st;
    status_clear(&st);
    form_data *form = form_of_request(req, &st);
    if (!form)
        web_status_page(req, rep, &st);
    return form;
}

bool web_local_path(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 1024)
        return false;
    for (const unsigned char *p = (const unsigned char *)next; *p; p++)
        if (*p < 0x21 || *p == 0x7f || *p == '\\')
            return false;
    return html_url_allowed(next);
}
