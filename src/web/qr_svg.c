#include "web/qr_svg.h"

#include <qrencode.h>

#include "web/html.h"

/* The d attribute: a rectangle per run of dark modules in a row. */
static void module_path(strbuf *d, const QRcode *q)
{
    int w = q->width;
    for (int y = 0; y < w; y++) {
        int x = 0;
        while (x < w) {
            if (!(q->data[y * w + x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < w && (q->data[y * w + x + run] & 1))
                run++;
            strbuf_printf(d, "M%d %dh%dv1h-%dz", x + QR_QUIET_ZONE, y + QR_QUIET_ZONE, run, run);
            x += run;
        }
    }
}

bool qr_svg(strbuf *b, const char *text, const char *label)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return false;
    int size = q->width + 2 * QR_QUIET_ZONE;
    strbuf d;
    strbuf_init(&d, 1u << 16);
    module_path(&d, q);
    /* html_attr writes lower-case names only; SVG's viewBox is not. */
    html_lit(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" viewBox=\"0 0 ");
    html_int(b, size);
    html_lit(b, " ");
    html_int(b, size);
    html_lit(b, "\"");
    html_attr_int(b, "width", size * QR_MODULE_PX);
    html_attr_int(b, "height", size * QR_MODULE_PX);
    html_attr(b, "aria-label", label);
    html_lit(b, " shape-rendering=\"crispEdges\"><rect");
    html_attr_int(b, "width", size);
    html_attr_int(b, "height", size);
    html_lit(b, " fill=\"#ffffff\"/><path fill=\"#000000\"");
    html_attr(b, "d", d.ptr);
    html_lit(b, "/></svg>");
    strbuf_dispose(&d);
    QRcode_free(q);
    return true;
}
