/* Clauses 4.3 and 4.4: what the ISMS covers, and the processes it is made of. */
#include <stdio.h>
#include <string.h>

#include "core/kinds/common.h"
#include "core/kinds/kinds.h"
#include "core/record.h"

static const char *const scope_types[] = {"organizational_unit", "site", "process", "service",
                                          "technology", NULL};
static const char *const inclusion_values[] = {"included", "excluded", NULL};

static const isms_field scope_item_fields[] = {
    FIELD_TITLE("What the item is"),
    {.name = "type", .label = "Type",
     .help = "Organizational unit, site, process, service or technology", .type = FT_ENUM,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED, .values = scope_types},
    {.name = "inclusion", .label = "Included or excluded",
     .help = "Whether the ISMS covers the item", .type = FT_ENUM,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .values = inclusion_values},
    FIELD_LONGTEXT("description", "Description", "What the item covers", 8000),
    FIELD_LONGTEXT("justification", "Justification",
                   "Why the item is in or out of scope (required for exclusions)", 4000),
    FIELD_LONGTEXT("interfaces", "Interfaces",
                   "Where the item meets activities of other organizations", 4000),
    FIELD_LONGTEXT("dependencies", "Dependencies",
                   "What the item depends on that other organizations provide", 4000),
};

/* An exclusion an auditor cannot follow is a finding: it must carry its reason. */
static void scope_item_validate(const isms_record *old, const isms_record *rec, isms_status *st)
{
    (void)old;
    if (strcmp(record_value(rec, "inclusion")->s, "excluded") == 0 &&
        !record_says(rec, "justification"))
        status_field(st, "justification", "is required for an excluded item");
}

const isms_kind kind_scope_item = {
    .name = "scope-item",
    .plural = "scope-items",
    .table = "scope_item",
    .prefix = "SCP",
    .clause = "4.3",
    .label = "Scope item",
    .label_plural = "Scope items",
    .help = "A unit, site, process, service or technology inside or outside the ISMS scope",
    KIND_FIELDS(scope_item_fields),
    .validate = scope_item_validate,
};

static const char *const process_statuses[] = {"planned", "operating", "discontinued", NULL};
static const char *const process_closed[] = {"discontinued", NULL};

static const isms_field process_fields[] = {
    FIELD_TITLE("The process's name"),
    FIELD_OWNER("Who is accountable for the process", FF_REQUIRED),
    FIELD_LONGTEXT("purpose", "Purpose", "What the process is for", 4000),
    FIELD_LONGTEXT("inputs", "Inputs", "What the process takes in", 4000),
    FIELD_LONGTEXT("outputs", "Outputs", "What the process delivers", 4000),
    {.name = "interacts_with", .label = "Interacts with",
     .help = "Other ISMS processes this one exchanges inputs or outputs with",
     .type = FT_REFLIST, .flags = FF_FILTERABLE, .target = &kind_process},
    FIELD_LONGTEXT("criteria", "Criteria", "How the process is to be run and controlled", 4000),
    {.name = "externally_provided", .label = "Externally provided",
     .help = "Whether another organization runs the process", .type = FT_BOOL,
     .flags = FF_FILTERABLE | FF_LISTED},
    {.name = "provider", .label = "Provider",
     .help = "The organization that runs an externally provided process", .type = FT_TEXT,
     .max_len = 200},
    {.name = "status", .label = "Status", .help = "Planned, operating or discontinued",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .role = ROLE_STATUS, .values = process_statuses, .closed_values = process_closed,
     .default_text = "planned"},
    FIELD_REVIEW_DATE,
};

static void process_validate(const isms_record *old, const isms_record *rec, isms_status *st)
{
    (void)old;
    if (record_value(rec, "externally_provided")->i && !record_says(rec, "provider"))
        status_field(st, "provider", "is required for an externally provided process");
    const isms_value *with = record_value(rec, "interacts_with");
    for (size_t i = 0; rec->id && i < with->n; i++)
        if (with->ids[i] == rec->id)
            status_field(st, "interacts_with", "a process cannot interact with itself");
}

/* Discontinued is final: a process that comes back is a new process with its own record. */
static bool process_transition(const isms_record *rec, const char *from, const char *to,
                               isms_status *st)
{
    (void)rec;
    (void)to;
    if (strcmp(from, "discontinued") != 0)
        return true;
    status_field(st, "status", "a discontinued process cannot be restarted; record a new one");
    return false;
}

/* Only a process that never ran may vanish; one that ran is evidence and is retired. */
static bool process_delete_check(const isms_record *rec, isms_status *st)
{
    if (strcmp(record_value(rec, "status")->s, "planned") == 0)
        return true;
    status_fail(st, ISMS_ECONFLICT, "only a planned process can be deleted; retire it instead");
    return false;
}

const isms_kind kind_process = {
    .name = "process",
    .plural = "processes",
    .table = "process",
    .prefix = "PRC",
    .clause = "4.4",
    .label = "ISMS process",
    .label_plural = "ISMS processes",
    .help = "A process of the ISMS: owner, inputs, outputs, interactions and criteria",
    KIND_FIELDS(process_fields),
    .flags = KF_DELETABLE,
    .validate = process_validate,
    .transition = process_transition,
    .delete_check = process_delete_check,
};
