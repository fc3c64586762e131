/* Handlers of the JSON API, one per generic operation, serving every kind. */
#ifndef ISMS_HTTP_API_H
#define ISMS_HTTP_API_H

#include "http/router.h"

void api_health(http_request *req, http_reply *rep);
void api_list(http_request *req, http_reply *rep);
void api_get(http_request *req, http_reply *rep);
void api_create(http_request *req, http_reply *rep);
void api_update(http_request *req, http_reply *rep);
void api_retire(http_request *req, http_reply *rep);
void api_delete(http_request *req, http_reply *rep);
void api_history(http_request *req, http_reply *rep);
/*
 * A page of records as JSON into b, as every paged list answers:
 * {"items":[record, ...],"next_cursor":"C" or null -- the object left open
 * for the caller's own members and its closing brace (api_records.c).
 */
void api_page_write(strbuf *b, const store_page *page);

/*
 * Borrow a connection of the store for the request; when none comes free
 * the reply is made (503 busy, Retry-After: 1) and NULL is answered.
 */
store_conn *api_borrow(http_request *req, http_reply *rep);

/* CSV and XLSX (api_transfer.c; docs/IMPORT-EXPORT.md). */
void api_export_csv(http_request *req, http_reply *rep);
void api_export_xlsx(http_request *req, http_reply *rep);
void api_import(http_request *req, http_reply *rep);

/* Signed risk acceptance (api_risk_accept.c). */
void api_risk_accept(http_request *req, http_reply *rep);
void api_risk_acceptances(http_request *req, http_reply *rep);

void api_log_list(http_request *req, http_reply *rep);
void api_log_verify(http_request *req, http_reply *rep);
void api_log_redact(http_request *req, http_reply *rep);

enum { LOG_PAGE_DEFAULT = 50, LOG_PAGE_MAX = 1000 };

/*
 * The query of the change log's entries: kind=K, id=ID (such as ISS-3; it
 * names its kind), after=SEQ, limit=N (1..LOG_PAGE_MAX). Each at most once;
 * anything else is a field error naming it, unless page (a page's form: empty
 * values mean "any", other parameters belong to the page).
 */
isms_err log_query(const http_request *req, bool page, store_log_filter *f, int64_t *limit,
                   isms_status *st);

/*
 * The query of a history: from=V&to=V (both or neither, versions 1, 2, ...),
 * or nothing. Every other parameter is a field error naming it, unless
 * empty_is_absent (a page's form: an empty value means "not chosen", and
 * other parameters belong to the page).
 */
isms_err history_query(const http_request *req, bool empty_is_absent, int64_t *from, int64_t *to,
                       isms_status *st);

#endif
