/*
 * The risk method's pages (docs/WEB.md): the method in force with its
 * coloured matrix and versions (/risk-method, page_risk_method.c), and the
 * editor that saves a new version from a grid (/risk-method/edit,
 * page_risk_method_edit.c).
 */
#ifndef ISMS_WEB_RISK_METHOD_PAGES_H
#define ISMS_WEB_RISK_METHOD_PAGES_H

#include "core/risk_method.h"
#include "http/router.h"
#include "util/strbuf.h"

void web_risk_method(http_request *req, http_reply *rep);
void web_risk_method_edit(http_request *req, http_reply *rep);
void web_risk_method_save(http_request *req, http_reply *rep);

/*
 * A colour square for a risk level. An SVG fill, because the Content-Security-
 * Policy allows no inline style; colour is "#RRGGBB" from a parsed method.
 */
void rm_swatch(strbuf *b, const char *colour);

/* "Acceptable as it is", "The risk owner may accept it", "Must be treated". */
const char *rm_acceptance_text(risk_acceptance_rule r);

#endif
