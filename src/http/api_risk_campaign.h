/* The assessment campaign routes of the JSON API (api_risk_campaign.c). */
#ifndef ISMS_HTTP_API_RISK_CAMPAIGN_H
#define ISMS_HTTP_API_RISK_CAMPAIGN_H

#include "http/router.h"

void api_risk_campaign_coverage(http_request *req, http_reply *rep);
void api_risk_campaign_snapshot(http_request *req, http_reply *rep);
void api_risk_campaign_compare(http_request *req, http_reply *rep);
void api_risk_campaign_due(http_request *req, http_reply *rep);

#endif
