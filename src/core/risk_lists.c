#include "core/risk_lists.h"

#include <string.h>

#include "core/annex_a.h"

static const char *const treatment_names[] = {"modify", "retain", "avoid", "share"};

/* The next comma-separated item of *p, trimmed; false at the end. */
static bool next_item(const char **p, const char **item, size_t *len)
{
    const char *s = *p;
    while (*s == ' ' || *s == ',' || *s == '\t')
        s++;
    if (*s == '\0')
        return false;
    const char *end = strchr(s, ',');
    if (!end)
        end = s + strlen(s);
    *p = end;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *item = s;
    *len = (size_t)(end - s);
    return true;
}

bool treatment_parse(const char *text, unsigned *out, const char *field, isms_status *st)
{
    *out = 0;
    const char *p = text ? text : "", *item;
    size_t len;
    while (next_item(&p, &item, &len)) {
        unsigned bit = 0;
        for (unsigned i = 0; i < 4; i++)
            if (strlen(treatment_names[i]) == len && strncmp(treatment_names[i], item, len) == 0)
                bit = 1u << i;
        if (!bit)
            return status_field(st, field, "\"%.*s\" is not a treatment option: use modify, "
                                "retain, avoid or share", (int)(len > 40 ? 40 : len), item),
                   false;
        if (*out & bit)
            return status_field(st, field, "names %.*s twice", (int)len, item), false;
        *out |= bit;
    }
    return true;
}

bool controls_parse(const char *text, control_set *out, const char *field, isms_status *st)
{
    memset(out, 0, sizeof(*out));
    const char *p = text ? text : "", *item;
    size_t len;
    while (next_item(&p, &item, &len)) {
        const char *id = item;
        size_t idlen = len;
        if (idlen > 2 && (id[0] == 'A' || id[0] == 'a') && id[1] == '.')
            id += 2, idlen -= 2;
        const annex_a_control *c = annex_a_find(id, idlen);
        if (!c)
            return status_field(st, field, "\"%.*s\" is not an ISO/IEC 27001:2022 Annex A "
                                "control id such as 5.15 or 8.24", (int)(len > 40 ? 40 : len),
                                item), false;
        size_t i = (size_t)(c - annex_a_at(0));
        uint64_t bit = (uint64_t)1 << (i % 64);
        if (out->bits[i / 64] & bit)
            return status_field(st, field, "names %s twice", c->id), false;
        out->bits[i / 64] |= bit;
    }
    return true;
}

bool control_set_equal(const control_set *a, const control_set *b)
{
    return a->bits[0] == b->bits[0] && a->bits[1] == b->bits[1];
}
