/*
 * Signing acts (docs/SECURITY.md): changes that carry the signer's own
 * word — approvals, acceptances and closures of later issues, and now
 * turning off a second factor — need the signer's fresh credentials, not
 * only a session or a token that someone may have left open.
 *
 * On the web, signing_demand accepts a session whose user re-entered their
 * password (and, when they have a second factor, a code) within
 * SIGNING_VALID_S; otherwise the form of the act must carry them as
 * `sign_password` and `sign_code`, which are checked now (a wrong one is a
 * field error; the attempt is an authentication event) and make the
 * session fresh for the next SIGNING_VALID_S. API tokens cannot sign.
 * The command line has its counterpart in cli_sign (src/cli/signing.c).
 *
 * How a later approval uses it, in its POST handler:
 *
 *     signing_result r = signing_demand(req, form, "approve POL-3", &st);
 *     if (r != SIGNING_OK) { show the form again: signing_status(r), st; return; }
 *     ... record the approval ...
 *
 * with page_signing_fields (web/totp_pages.h) in the form.
 */
#ifndef ISMS_HTTP_SIGNING_H
#define ISMS_HTTP_SIGNING_H

#include "http/router.h"
#include "web/form.h"

enum { SIGNING_VALID_S = 300 }; /* credentials re-entered count this long for further acts */

typedef enum signing_result {
    SIGNING_OK,      /* fresh credentials: the act may go on */
    SIGNING_NEEDED,  /* the form lacks them or they are wrong: field errors in st (422) */
    SIGNING_REFUSED, /* not a web session (an API token): st says so (403) */
    SIGNING_FAILED,  /* the store failed: st */
} signing_result;

/* What a signing act needs of this request now. */
typedef struct signing_need {
    bool fresh;    /* the session proved its credentials within SIGNING_VALID_S */
    bool code;     /* the user has a second factor: a code is asked for too */
    bool possible; /* a session: it can sign at all */
} signing_need;

isms_err signing_need_of(http_request *req, store_conn *c, signing_need *out, isms_status *st);

/* Demand the signer's credentials for `act` (a few words for the event log). */
signing_result signing_demand(http_request *req, const form_data *form, const char *act,
                              isms_status *st);

/* The HTTP status for a result other than SIGNING_OK. */
unsigned signing_status(signing_result r, const isms_status *st);

#endif
