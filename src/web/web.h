/* Handlers of the web pages, one per route (docs/WEB.md lists the URLs). */
#ifndef ISMS_WEB_WEB_H
#define ISMS_WEB_WEB_H

#include "http/router.h"

void web_home(http_request *req, http_reply *rep);
void web_clause(http_request *req, http_reply *rep);
void web_list(http_request *req, http_reply *rep);
void web_record(http_request *req, http_reply *rep);
void web_new(http_request *req, http_reply *rep);
void web_create(http_request *req, http_reply *rep);
void web_edit(http_request *req, http_reply *rep);
void web_update(http_request *req, http_reply *rep);
void web_retire(http_request *req, http_reply *rep);
void web_delete(http_request *req, http_reply *rep);
void web_history(http_request *req, http_reply *rep);
void web_log(http_request *req, http_reply *rep);
void web_log_entry(http_request *req, http_reply *rep);
void web_log_redact(http_request *req, http_reply *rep);
void web_static(http_request *req, http_reply *rep);

/* The not-found and method-not-allowed pages of the router, outside /api. */
void web_not_found(http_request *req, http_reply *rep, const char *detail);

#endif
