/*
 * Clause 4.1: internal and external issues, and the decision whether
 * climate change is a relevant issue (Amendment 1:2024).
 */
#include <stdio.h>
#include <string.h>

#include "core/kinds/common.h"
#include "core/kinds/kinds.h"
#include "core/record.h"

const char *const origin_values[] = {"internal", "external", NULL};

static const char *const issue_categories[] = {
    "strategic", "organizational", "cultural", "technological", "legal", "regulatory",
    "economic",  "political",      "social",   "environmental", "competitive", "other", NULL};

static const char *const issue_statuses[] = {"open", "monitored", "closed", NULL};
static const char *const issue_closed[] = {"closed", NULL};

static const isms_field context_issue_fields[] = {
    FIELD_TITLE("A short name for the issue"),
    {.name = "origin", .label = "Internal or external",
     .help = "Whether the issue arises inside the organization or outside it", .type = FT_ENUM,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED, .values = origin_values},
    {.name = "category", .label = "Category", .help = "The area the issue belongs to",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .values = issue_categories},
    FIELD_LONGTEXT("description", "Description", "What the issue is and why it matters", 8000),
    FIELD_LONGTEXT("effect", "Effect on the ISMS",
                   "How the issue helps or hinders the ISMS in reaching its intended outcomes",
                   4000),
    FIELD_BOOL("climate_related", "Climate-related",
               "Whether the issue concerns climate change or its consequences"),
    FIELD_OWNER("Who keeps an eye on the issue", 0),
    {.name = "status", .label = "Status", .help = "Open, monitored, or closed when no longer relevant",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .role = ROLE_STATUS, .values = issue_statuses, .closed_values = issue_closed,
     .default_text = "open"},
    FIELD_REVIEW_DATE,
};

const isms_kind kind_context_issue = {
    .name = "context-issue",
    .plural = "context-issues",
    .table = "context_issue",
    .prefix = "ISS",
    .clause = "4.1",
    .label = "Context issue",
    .label_plural = "Context issues",
    .help = "An internal or external issue that affects what the ISMS can achieve",
    KIND_FIELDS(context_issue_fields),
};

static const isms_field climate_decision_fields[] = {
    FIELD_TITLE("A short name for the decision, such as the year it covers"),
    {.name = "relevant", .label = "Climate change is relevant",
     .help = "Whether climate change is a relevant issue for the ISMS", .type = FT_BOOL,
     .flags = FF_REQUIRED | FF_FILTERABLE | FF_LISTED},
    {.name = "reasoning", .label = "Reasoning", .help = "Why the organization decided so",
     .type = FT_LONGTEXT, .flags = FF_REQUIRED, .max_len = 8000},
    {.name = "decided_by", .label = "Decided by", .help = "Who took the decision",
     .type = FT_TEXT, .flags = FF_REQUIRED | FF_LISTED, .max_len = 120},
    {.name = "decided_on", .label = "Decided on", .help = "The date of the decision",
     .type = FT_DATE, .flags = FF_REQUIRED | FF_SORTABLE | FF_LISTED},
};

/* The decision in force is replaced, never withdrawn: an ISMS always has one once made. */
static bool climate_decision_retire_check(const isms_record *rec, isms_status *st)
{
    (void)rec;
    status_fail(st, ISMS_ECONFLICT, "the climate decision in force cannot be retired; record a "
                                    "new decision, which supersedes it");
    return false;
}

const isms_kind kind_climate_decision = {
    .name = "climate-decision",
    .plural = "climate-decisions",
    .table = "climate_decision",
    .prefix = "CLD",
    .clause = "4.1",
    .label = "Climate decision",
    .label_plural = "Climate decisions",
    .help = "The decision whether climate change is a relevant issue; a new one supersedes the "
            "last",
    KIND_FIELDS(climate_decision_fields),
    .flags = KF_IMMUTABLE | KF_SINGLETON,
    .retire_check = climate_decision_retire_check,
};
