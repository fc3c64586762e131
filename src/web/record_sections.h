/*
 * Sections a kind adds to its record's detail page, after the details card:
 * a small table of kind -> writer, so page_record.c stays generic.
 */
#ifndef ISMS_WEB_RECORD_SECTIONS_H
#define ISMS_WEB_RECORD_SECTIONS_H

#include "web/page.h"

typedef void (*record_section_fn)(web_page *pg, const isms_record *r);

/* Write the sections of r's kind, if it has any. */
void record_sections_write(web_page *pg, const isms_record *r);

/* The assessment campaign's section (page_risk_campaign.c). */
void risk_campaign_section(web_page *pg, const isms_record *r);

/* The home page's notice when an assessment is due (page_risk_campaign.c). */
void risk_due_notice(web_page *pg);

#endif
