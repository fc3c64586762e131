/* The assessment campaign pages' handlers (page_risk_campaign.c, page_risk_compare.c). */
#ifndef ISMS_WEB_WEB_RISK_CAMPAIGN_H
#define ISMS_WEB_WEB_RISK_CAMPAIGN_H

#include "http/router.h"

/* POST /risk-campaigns/{id}/confirm: risk=RSK-n, answered "confirmed" by its owner. */
void web_risk_campaign_confirm(http_request *req, http_reply *rep);
/* POST /risk-campaigns/{id}/close: version=N; closing takes the snapshot. */
void web_risk_campaign_close(http_request *req, http_reply *rep);
/* GET /risk-campaigns/compare?from=CMP-1&to=CMP-2 */
void web_risk_campaign_compare(http_request *req, http_reply *rep);

#endif
