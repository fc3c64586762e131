/*
 * What every page handler shares: a page being written (its buffer, the
 * borrowed store connection, the organization's name), the skeleton around
 * a page body (docs/WEB.md), links to records and the display of values.
 * Page code writes HTML only through web/html.h.
 */
#ifndef ISMS_WEB_PAGE_H
#define ISMS_WEB_PAGE_H

#include "core/record.h"
#include "http/router.h"
#include "web/form.h"
#include "web/html.h"

enum {
    PAGE_TITLE_CACHE = 64,
    PAGE_CRUMBS_MAX = 5,
    /* Counts on pages stop here ("more than 1000"): counting a large table to the end
     * costs tens of milliseconds per page (docs/PERFORMANCE.md). */
    PAGE_COUNT_MAX = 1000,
};

typedef struct page_crumb {
    const char *label;
    const char *href; /* NULL for the current page */
} page_crumb;

/* The titles of referenced records already looked up while writing a page. */
typedef struct page_title_memo {
    const isms_kind *kind;
    int64_t id;
    const char *title; /* NULL: no such record */
    bool retired;
} page_title_memo;

typedef struct web_page {
    http_request *req;
    http_reply *rep;
    strbuf *b;
    store_conn *conn;          /* borrowed for the page; returned by page_end */
    const char *org;           /* the organization's name, "" before init set one */
    const isms_kind *kind;     /* the kind the page is about (navigation), or NULL */
    const char *clause;        /* the top-level clause of the page ("4"), or NULL */
    page_crumb crumbs[PAGE_CRUMBS_MAX];
    size_t ncrumbs;
    page_title_memo memo[PAGE_TITLE_CACHE];
    size_t nmemo;
} web_page;

/*
 * Borrow a connection and read what the skeleton needs. On failure the reply
 * is already an error page and false is returned.
 */
bool page_open(web_page *pg, http_request *req, http_reply *rep);

/* Add a breadcrumb (before page_head). href NULL marks the current page. */
void page_crumb_add(web_page *pg, const char *label, const char *href);

/* The breadcrumbs for a kind: Overview > clause > kind list (linked or current). */
void page_crumbs_for_kind(web_page *pg, const isms_kind *k, bool link_kind);

/* Start the document: status, <head>, top bar, navigation, breadcrumbs, notice. */
void page_begin(web_page *pg, unsigned status, const char *title);

/* The heading block: kicker (may be NULL), h1, lead (may be NULL); actions follow. */
void page_heading(web_page *pg, const char *kicker, const char *h1, const char *lead);

/* Close the heading block opened by page_heading (after writing actions, if any). */
void page_heading_end(web_page *pg);

/* A notice box: ok or error. */
void page_notice(web_page *pg, bool ok, const char *text);

/* Field errors of st as an error summary linking to the fields. */
void page_error_summary(web_page *pg, const isms_status *st);

/* Close the document and return the connection. */
void page_end(web_page *pg);

/* Give the connection back without writing (the reply was set otherwise). */
void page_abandon(web_page *pg);

/* Records matching q, counted up to PAGE_COUNT_MAX + 1; -1 when the store fails. */
int64_t page_count(web_page *pg, const store_query *q);

/* A count from page_count: "12", "more than 1000", or "?" after a failure. */
void html_count(strbuf *b, int64_t n);

/* An RFC 3339 UTC time as <time datetime=…>2026-12-02 05:27 UTC</time>. */
void html_timestamp(strbuf *b, const char *rfc3339);

/* A whole error page (404, 400, 403, 409, ...) with a message. */
void web_error_page(http_request *req, http_reply *rep, unsigned status, const char *title,
                    const char *detail);

/* An error page for a failed store or record operation. */
void web_status_page(http_request *req, http_reply *rep, const isms_status *st);

/*
 * Whether the signed-in user may create and change records (manager,
 * contributor): pages leave out controls for readers. The route table still
 * decides; a contributor's ownership is checked when the change is made.
 */
bool page_may_write(const web_page *pg);
/* And records of kind k (KF_MANAGED kinds need the manager role): whether to offer editing. */
bool page_may_write_kind(const web_page *pg, const isms_kind *k);

/* A label as it reads inside a sentence: "context issue", but "ISMS risk". */
const char *label_in_text(arena *a, const char *label);

/* Paths. */
void url_kind(strbuf *b, const isms_kind *k);                 /* /context-issues */
void url_record(strbuf *b, const isms_kind *k, int64_t id);   /* /context-issues/ISS-3 */

/* <a href="/context-issues/ISS-3">text</a> */
void html_record_link(strbuf *b, const isms_kind *k, int64_t id, const char *text);

/* The title of (k, id) for links, looked up once per page; NULL if absent. */
const char *page_record_title(web_page *pg, const isms_kind *k, int64_t id, bool *retired);

/* A value for reading: badges for status and booleans, links for references. */
void page_value(web_page *pg, const isms_field *f, const isms_value *v, bool in_table);

/* A link to a record, "PER-3 Lena Vogt" (a badge when retired; the id alone when gone). */
void page_ref_link(web_page *pg, const isms_kind *k, int64_t id);

/* The person a user is linked to (a link), or "none". */
void page_user_person(web_page *pg, int64_t person_id);

/* The top-level clause of a kind ("4.1" -> "4") into buf. */
const char *kind_top_clause(const isms_kind *k, char *buf, size_t size);

/*
 * The hidden field that carries the session's CSRF token (name "csrf"),
 * written into every form that posts; nothing without a session.
 */
void page_csrf_field(web_page *pg);

/* Whether a POST comes from one of our own pages (Origin / Sec-Fetch-Site). */
bool web_same_origin(const http_request *req);

/* The POST checks shared by every form handler; false with the reply set. */
bool web_post_allowed(http_request *req, http_reply *rep);

/* The POST checks, then the form decoded into the arena; NULL with the reply set. */
form_data *web_post_form(http_request *req, http_reply *rep);

/* The same for a form with a file field: multipart/form-data is accepted too. */
form_data *web_post_upload_form(http_request *req, http_reply *rep);

/* The form alone (after web_post_allowed); NULL with the reply set (400 naming the field). */
form_data *web_request_form(http_request *req, http_reply *rep);

/* Whether next is a path of this server to return to after login ("/x", not "//host"). */
bool web_local_path(const char *next);

#endif
