/* Shared between the record pages: the detail page with an action's outcome. */
#ifndef ISMS_WEB_RECORD_PAGES_H
#define ISMS_WEB_RECORD_PAGES_H

#include "http/router.h"

/*
 * The detail page of req's record, answered with status; retire_err and the
 * reason typed are shown in the retire form after a refused retirement.
 */
void record_page(http_request *req, http_reply *rep, unsigned status,
                 const isms_status *retire_err, const char *reason);

#endif
