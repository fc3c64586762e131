/* Clause 4.2: interested parties and their requirements. */
#include <string.h>

#include "core/kinds/common.h"
#include "core/kinds/kinds.h"
#include "core/record.h"

static const char *const party_categories[] = {
    "customer", "employee", "shareholder", "regulator", "authority", "supplier",
    "partner",  "insurer",  "community",   "other",     NULL};

static const isms_field interested_party_fields[] = {
    FIELD_TITLE("The party's name"),
    {.name = "category", .label = "Category", .help = "What kind of party this is",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .values = party_categories},
    {.name = "origin", .label = "Internal or external",
     .help = "Whether the party is part of the organization", .type = FT_ENUM,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED, .values = origin_values},
    FIELD_LONGTEXT("description", "Description", "Who the party is and why it is relevant",
                   8000),
    FIELD_LONGTEXT("expectations", "Needs and expectations",
                   "What the party needs or expects of the organization's information security",
                   8000),
    {.name = "contact", .label = "Contact", .help = "How to reach the party",
     .type = FT_TEXT, .max_len = 200},
    FIELD_OWNER("Who manages the relationship", 0),
};

const isms_kind kind_interested_party = {
    .name = "interested-party",
    .plural = "interested-parties",
    .table = "interested_party",
    .prefix = "IP",
    .clause = "4.2",
    .label = "Interested party",
    .label_plural = "Interested parties",
    .help = "A person or organization that can affect, or is affected by, the ISMS",
    KIND_FIELDS(interested_party_fields),
};

static const char *const requirement_types[] = {"legal", "regulatory", "contractual", "other",
                                                NULL};
static const char *const addressed_values[] = {"yes", "partly", "no", NULL};

static const isms_field requirement_fields[] = {
    FIELD_TITLE("A short name for the requirement"),
    {.name = "party", .label = "Interested party", .help = "The party that has the requirement",
     .type = FT_REF, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .target = &kind_interested_party},
    {.name = "type", .label = "Type", .help = "Legal, regulatory, contractual or other",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .values = requirement_types},
    {.name = "source", .label = "Source",
     .help = "Where the requirement is written down, such as a law's article or a contract",
     .type = FT_TEXT, .max_len = 300},
    FIELD_LONGTEXT("description", "Description", "What is required", 8000),
    {.name = "addressed", .label = "Addressed through the ISMS",
     .help = "Whether the ISMS addresses the requirement: yes, partly or no", .type = FT_ENUM,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED, .values = addressed_values},
    FIELD_LONGTEXT("how_addressed", "How it is addressed",
                   "The controls, processes or documents that meet it", 4000),
    FIELD_LONGTEXT("reason_not_addressed", "Why not (fully) addressed",
                   "The reason the ISMS leaves all or part of it aside", 4000),
    FIELD_BOOL("climate_related", "Climate-related",
               "Whether the requirement concerns climate change"),
    FIELD_OWNER("Who makes sure the requirement is met", 0),
    FIELD_REVIEW_DATE,
};

/* 4.2 c: what is addressed says how; what is not (fully) addressed says why. */
static void requirement_validate(const isms_record *old, const isms_record *rec,
                                 isms_status *st)
{
    (void)old;
    const char *addressed = record_value(rec, "addressed")->s;
    bool says_how = record_says(rec, "how_addressed");
    bool says_why = record_says(rec, "reason_not_addressed");
    if (strcmp(addressed, "no") != 0 && !says_how)
        status_field(st, "how_addressed", "is required when the requirement is addressed "
                                          "(yes or partly)");
    if (strcmp(addressed, "yes") != 0 && !says_why)
        status_field(st, "reason_not_addressed", "is required when the requirement is not "
                                                 "fully addressed (partly or no)");
}

const isms_kind kind_requirement = {
    .name = "requirement",
    .plural = "requirements",
    .table = "requirement",
    .prefix = "REQ",
    .clause = "4.2",
    .label = "Requirement",
    .label_plural = "Requirements",
    .help = "A requirement of an interested party, and whether the ISMS addresses it",
    KIND_FIELDS(requirement_fields),
    .parent_field = "party",
    .validate = requirement_validate,
};
