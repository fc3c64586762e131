#include "web/assets.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/router.h"
#include "web/web.h"

extern const char asset_style_css[], asset_app_js[], asset_icon_svg[];
extern const unsigned long asset_style_css_len, asset_app_js_len, asset_icon_svg_len;

static web_asset assets[3];
static pthread_once_t assets_once = PTHREAD_ONCE_INIT;

static void assets_init(void)
{
    const web_asset list[] = {
        {"style.css", "text/css; charset=utf-8", asset_style_css, asset_style_css_len, ""},
        {"app.js", "text/javascript; charset=utf-8", asset_app_js, asset_app_js_len, ""},
        {"icon.svg", "image/svg+xml", asset_icon_svg, asset_icon_svg_len, ""},
    };
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
        assets[i] = list[i];
        uint64_t h = 14695981039346656037ULL; /* FNV-1a: a content fingerprint, not security */
        for (size_t j = 0; j < assets[i].len; j++) {
            h ^= (unsigned char)assets[i].data[j];
            h *= 1099511628211ULL;
        }
        snprintf(assets[i].etag, sizeof(assets[i].etag), "%016llx", (unsigned long long)h);
    }
}

const web_asset *asset_find(const char *name)
{
    pthread_once(&assets_once, assets_init);
    for (size_t i = 0; i < sizeof(assets) / sizeof(assets[0]); i++)
        if (strcmp(assets[i].name, name) == 0)
            return &assets[i];
    return NULL;
}

void asset_url(strbuf *b, const char *name)
{
    const web_asset *a = asset_find(name);
    strbuf_printf(b, "/static/%s?v=%s", name, a ? a->etag : "");
}

/* Whether an If-None-Match header names this ETag (a list, W/ prefixes, or *). */
static bool etag_matches(const char *header, const char *etag)
{
    if (!header)
        return false;
    if (strcmp(header, "*") == 0)
        return true;
    char quoted[24];
    snprintf(quoted, sizeof(quoted), "\"%s\"", etag);
    return strstr(header, quoted) != NULL;
}

void web_static(http_request *req, http_reply *rep)
{
    const web_asset *a = req->capture ? asset_find(req->capture) : NULL;
    if (!a) {
        web_not_found(req, rep, "There is no such file.");
        return;
    }
    reply_header_set(rep, "ETag", "\"%s\"", a->etag);
    rep->cache_control = "public, max-age=31536000, immutable";
    if (etag_matches(req->if_none_match, a->etag)) {
        rep->status = 304;
        rep->content_type = NULL;
        strbuf_reset(&rep->body);
        return;
    }
    rep->status = 200;
    rep->content_type = a->content_type;
    strbuf_reset(&rep->body);
    strbuf_add(&rep->body, a->data, a->len);
}
