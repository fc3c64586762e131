#include "report/heatmap_svg.h"

#include <math.h>
#include <stdio.h>

#include "web/html.h"

/* Geometry, in SVG user units. The label column is wide enough for most labels. */
enum { LABEL_W = 150, CELL_W = 84, CELL_H = 44, TOP = 8, AXIS_H = 44, FONT = 12 };

void heatmap_cell_href(strbuf *b, const heatmap *h, int likelihood, int impact)
{
    char s[128];
    snprintf(s, sizeof(s), "/risks?%s=%d&%s=%d&method=RM-%lld",
             h->residual ? "residual_likelihood" : "likelihood", likelihood,
             h->residual ? "residual_impact" : "impact", impact, (long long)h->method_id);
    strbuf_puts(b, s);
}

/* heatmap_text_colour: src/report/colour.c (the workbook's fills use it too). */

static void text_at(strbuf *b, int x, int y, const char *anchor, const char *fill)
{
    html_lit(b, "<text");
    html_attr_int(b, "x", x);
    html_attr_int(b, "y", y);
    html_attr(b, "text-anchor", anchor);
    html_lit(b, " dominant-baseline=\"central\"");
    html_attr_int(b, "font-size", FONT);
    if (fill)
        html_attr(b, "fill", fill);
    html_lit(b, ">");
}

/* "Likelihood Likely, impact Major: High, 3 risks" for screen readers. */
static void cell_title(strbuf *b, const heatmap *h, int l, int i, const risk_level *lv,
                       int64_t n)
{
    html_lit(b, "<title>");
    html_lit_either(b, h->residual, "Residual likelihood ", "Likelihood ");
    html_text(b, h->method->likelihood[l - 1].label);
    html_lit(b, ", impact ");
    html_text(b, h->method->impact[i - 1].label);
    html_lit(b, ": ");
    html_text(b, lv ? lv->label : "");
    html_lit(b, ", ");
    html_int(b, n);
    html_lit_either(b, n == 1, " risk</title>", " risks</title>");
}

static void cell(strbuf *b, const heatmap *h, int l, int i)
{
    const risk_method *m = h->method;
    const risk_level *lv = risk_method_level_def(m, risk_method_level(m, l, i));
    const char *fill = lv ? lv->colour : "#FFFFFF";
    int64_t n = h->heat ? h->heat->count[l - 1][i - 1] : 0;
    int x = LABEL_W + (i - 1) * CELL_W, y = TOP + (m->nlikelihood - l) * CELL_H;
    strbuf href;
    strbuf_init(&href, 128);
    heatmap_cell_href(&href, h, l, i);
    html_lit(b, "<a class=\"heat-cell\"");
    html_url_attr(b, "href", href.ptr);
    strbuf_dispose(&href);
    html_attr_int(b, "data-likelihood", l);
    html_attr_int(b, "data-impact", i);
    html_attr_int(b, "data-count", n);
    html_lit(b, ">");
    cell_title(b, h, l, i, lv, n);
    html_lit(b, "<rect");
    html_attr_int(b, "x", x);
    html_attr_int(b, "y", y);
    html_attr_int(b, "width", CELL_W);
    html_attr_int(b, "height", CELL_H);
    html_attr(b, "fill", fill);
    html_lit(b, " stroke=\"#FFFFFF\" stroke-width=\"2\"/>");
    text_at(b, x + CELL_W / 2, y + CELL_H / 2, "middle", heatmap_text_colour(fill));
    html_int(b, n);
    html_lit(b, "</text></a>\n");
}

static void axes(strbuf *b, const risk_method *m, int h_grid)
{
    for (int l = 1; l <= m->nlikelihood; l++) {
        text_at(b, LABEL_W - 8, TOP + (m->nlikelihood - l) * CELL_H + CELL_H / 2, "end", NULL);
        html_text(b, m->likelihood[l - 1].label);
        html_lit(b, "</text>\n");
    }
    for (int i = 1; i <= m->nimpact; i++) {
        text_at(b, LABEL_W + (i - 1) * CELL_W + CELL_W / 2, TOP + h_grid + 12, "middle", NULL);
        html_text(b, m->impact[i - 1].label);
        html_lit(b, "</text>\n");
    }
    text_at(b, LABEL_W + m->nimpact * CELL_W / 2, TOP + h_grid + 32, "middle", NULL);
    html_lit(b, "Impact \u2192</text>\n");
}

void heatmap_svg(strbuf *b, const heatmap *h)
{
    const risk_method *m = h->method;
    int h_grid = m->nlikelihood * CELL_H;
    int width = LABEL_W + m->nimpact * CELL_W + 8, height = TOP + h_grid + AXIS_H;
    char label[96];
    snprintf(label, sizeof(label), "%s risk heat map: %lld risks by likelihood and impact",
             h->residual ? "Residual" : "Current", (long long)(h->heat ? h->heat->total : 0));
    /* A group, not an img: an img's links would be hidden (axe: nested-interactive). */
    html_lit(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" role=\"group\"");
    html_attr(b, "aria-label", label);
    html_attr_int(b, "width", width);
    html_attr_int(b, "height", height);
    /* html_attr takes lower-case names only; viewBox is SVG's own spelling. */
    html_lit(b, " viewBox=\"0 0 ");
    html_int(b, width);
    html_lit(b, " ");
    html_int(b, height);
    html_lit(b, "\"");
    html_lit(b, " font-family=\"sans-serif\">\n");
    for (int l = m->nlikelihood; l >= 1; l--)
        for (int i = 1; i <= m->nimpact; i++)
            cell(b, h, l, i);
    axes(b, m, h_grid);
    html_lit(b, "</svg>\n");
}
