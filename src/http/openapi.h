/*
 * The OpenAPI 3.1 description of the JSON API, generated from the registry so
 * that it always says what the server does: every kind's paths, parameters,
 * record schemas and problem answers. Served at GET /api/v1/openapi.json.
 */
#ifndef ISMS_HTTP_OPENAPI_H
#define ISMS_HTTP_OPENAPI_H

#include <jansson.h>

#include "core/registry.h"
#include "http/router.h"

/*
 * The OpenAPI 3.1.0 document of the API of reg; version is the API's
 * (isms's) version. The caller owns the result (json_decref). Exact decimals
 * (bounds of decimal fields) are marked as in record_json.h: dump it with
 * json_dump_exact, as reply_json does.
 */
json_t *openapi_document(const isms_registry *reg, const char *version);

/* GET /api/v1/openapi.json */
void api_openapi(http_request *req, http_reply *rep);

#endif
