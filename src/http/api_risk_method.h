/* The risk method's own API routes (api_risk_method.c); versions are the generic kind routes. */
#ifndef ISMS_HTTP_API_RISK_METHOD_H
#define ISMS_HTTP_API_RISK_METHOD_H

#include "http/router.h"

void api_risk_method(http_request *req, http_reply *rep);
void api_risk_method_preset(http_request *req, http_reply *rep);

#endif
