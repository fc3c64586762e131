/*
 * A QR code (libqrencode) drawn as inline SVG by us: one <path> of the dark
 * modules, run-length merged along rows, on a white square with the quiet
 * zone of 4 modules the standard asks for; colours as fill attributes (the
 * Content-Security-Policy forbids inline styles). Written through the
 * escaping HTML writer: literal markup, numbers and attributes only.
 */
#ifndef ISMS_WEB_QR_SVG_H
#define ISMS_WEB_QR_SVG_H

#include <stdbool.h>

#include "util/strbuf.h"

enum {
    QR_QUIET_ZONE = 4, /* modules of white around the symbol */
    QR_MODULE_PX = 5,  /* shown size of a module, in CSS pixels */
};

/*
 * The SVG of a QR code (error correction level M, 8-bit mode) for text,
 * labelled label for assistive technology. False (nothing written) when
 * the text does not fit a QR code.
 */
bool qr_svg(strbuf *b, const char *text, const char *label);

#endif
