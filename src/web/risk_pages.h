/*
 * The risk's own sections of its detail page (page_risk.c): the acceptance
 * panel with its state, the signed acceptances and their validity, the
 * flag for an accepted risk whose treatment actions are overdue, and the
 * "Sign acceptance" form for the risk owner and top management.
 */
#ifndef ISMS_WEB_RISK_PAGES_H
#define ISMS_WEB_RISK_PAGES_H

#include "web/page.h"

/* The risk's acceptance panel on its page (web/record_sections.c lists it). */
void risk_acceptance_section(web_page *pg, const isms_record *r);

/* POST /risks/{id}/accept: a signing act; back to the risk's page when signed. */
void web_risk_accept(http_request *req, http_reply *rep);

#endif
