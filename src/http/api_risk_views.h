/* Read-only views of the risk register over HTTP: heat maps, flags, overdue actions. */
#ifndef ISMS_HTTP_API_RISK_VIEWS_H
#define ISMS_HTTP_API_RISK_VIEWS_H

#include "http/router.h"

void api_risk_heatmap(http_request *req, http_reply *rep);
void api_risk_heatmap_svg(http_request *req, http_reply *rep);
void api_risk_flags(http_request *req, http_reply *rep);
void api_risk_actions_overdue(http_request *req, http_reply *rep);

#endif
