/* The text colour for a fill (heatmap_svg.h): shared by the SVG heat maps and the workbook. */
#include <math.h>

#include "report/heatmap_svg.h"

static double channel(int v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static int hex2(const char *p)
{
    int v = 0;
    for (int i = 0; i < 2; i++) {
        char c = p[i];
        v = v * 16 + (c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                       : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                                              : 0);
    }
    return v;
}

/* WCAG 2 contrast: whichever of black and white stands out more against the fill. */
const char *heatmap_text_colour(const char *fill)
{
    if (!fill || fill[0] != '#')
        return "#000000";
    double l = 0.2126 * channel(hex2(fill + 1)) + 0.7152 * channel(hex2(fill + 3)) +
               0.0722 * channel(hex2(fill + 5));
    double with_white = 1.05 / (l + 0.05), with_black = (l + 0.05) / 0.05;
    return with_black >= with_white ? "#000000" : "#FFFFFF";
}
