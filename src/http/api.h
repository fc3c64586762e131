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

#endif
