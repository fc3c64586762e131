/*
 * The static files of the pages (stylesheet, script, icon), embedded in the
 * binary at build time. Each has an ETag computed from its content: pages
 * link "/static/NAME?v=ETAG", so a long cache lifetime is safe.
 */
#ifndef ISMS_WEB_ASSETS_H
#define ISMS_WEB_ASSETS_H

#include <stddef.h>

#include "util/strbuf.h"

typedef struct web_asset {
    const char *name;         /* "style.css" */
    const char *content_type;
    const char *data;
    size_t len;
    char etag[17];            /* 16 hex digits of a 64-bit FNV-1a hash of data */
} web_asset;

/* The asset called name, or NULL. */
const web_asset *asset_find(const char *name);

/* "/static/NAME?v=ETAG" into b. */
void asset_url(strbuf *b, const char *name);

#endif
