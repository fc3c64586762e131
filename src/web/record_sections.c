/* Which kinds add sections to their record's page, and the function that writes each. */
#include "web/record_sections.h"

#include "core/kinds/kinds.h"
#include "web/risk_pages.h"

static const struct {
    const isms_kind *kind;
    record_section_fn fn;
} sections[] = {
    {&kind_risk, risk_acceptance_section},
    {&kind_risk_campaign, risk_campaign_section},
};

void record_sections_write(web_page *pg, const isms_record *r)
{
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
        if (sections[i].kind == r->kind)
            sections[i].fn(pg, r);
}
