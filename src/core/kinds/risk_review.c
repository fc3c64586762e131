/*
 * Clauses 6.1.3 f, 8.2 and 8.3: signed acceptances of residual risk, and the
 * assessment campaigns in which risk owners confirm or re-score their risks.
 *
 * An acceptance is made only by a signing act (the signer's own credentials,
 * see http/signing.c and cli/signing.c); what it accepted is copied from the
 * risk when it is signed, so a later change to any of it is visible.
 */
#include "core/kinds/common.h"
#include "core/kinds/kinds.h"
#include "core/risk_hooks.h"

static const char *const signer_roles[] = {"owner", "top-management", NULL};

#define SNAPSHOT(n, l, h, t)                                                                   \
    {.name = n, .label = l, .help = h, .type = t, .flags = FF_DERIVED, .min = 1, .max = 10,     \
     .max_len = 1000}

static const isms_field risk_acceptance_fields[] = {
    {.name = "title", .label = "Title", .help = "What was accepted, in a few words",
     .type = FT_TEXT, .flags = FF_DERIVED | FF_LISTED, .role = ROLE_TITLE, .max_len = 240},
    {.name = "risk", .label = "Risk", .help = "The risk whose residual level is accepted",
     .type = FT_REF, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .target = &kind_risk},
    {.name = "role", .label = "Signed as", .help = "The risk owner, or top management",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_FILTERABLE | FF_LISTED, .values = signer_roles},
    {.name = "signer", .label = "Signed by", .help = "The person who signed",
     .type = FT_REF, .flags = FF_DERIVED | FF_FILTERABLE | FF_LISTED, .target = &kind_person},
    {.name = "signed_by_user", .label = "Account", .help = "The account that signed",
     .type = FT_TEXT, .flags = FF_DERIVED, .max_len = 64},
    {.name = "rationale", .label = "Rationale", .help = "Why the residual risk is acceptable",
     .type = FT_LONGTEXT, .flags = FF_REQUIRED, .max_len = 4000},
    {.name = "exception", .label = "Exception",
     .help = "Top management accepts a level the method says must be treated", .type = FT_BOOL,
     .flags = FF_FILTERABLE},
    {.name = "exception_until", .label = "Exception until",
     .help = "When the exception ends (within the method's longest exception)",
     .type = FT_DATE},
    {.name = "expires", .label = "Expires", .help = "The risk's review date, or the exception's end",
     .type = FT_DATE, .flags = FF_DERIVED | FF_SORTABLE | FF_LISTED},
    SNAPSHOT("risk_version", "Risk version", "The version of the risk that was accepted", FT_INT),
    SNAPSHOT("residual_likelihood", "Residual likelihood", "As accepted", FT_INT),
    SNAPSHOT("residual_impact", "Residual impact", "As accepted", FT_INT),
    SNAPSHOT("residual_level", "Residual level", "As accepted", FT_INT),
    SNAPSHOT("treatment", "Treatment", "As accepted", FT_TEXT),
    SNAPSHOT("controls", "Controls", "As accepted", FT_TEXT),
    {.name = "method", .label = "Method version", .help = "The method the level was scored under",
     .type = FT_REF, .flags = FF_DERIVED, .target = &kind_risk_method},
};

const isms_kind kind_risk_acceptance = {
    .name = "risk-acceptance",
    .plural = "risk-acceptances",
    .table = "risk_acceptance",
    .prefix = "ACC",
    .clause = "6.1.3",
    .label = "Risk acceptance",
    .label_plural = "Risk acceptances",
    .help = "A signed acceptance of a risk's treatment plan and residual risk",
    KIND_FIELDS(risk_acceptance_fields),
    .flags = KF_IMMUTABLE | KF_SIGNED,
    .parent_field = "risk",
    .prepare = risk_acceptance_prepare,
    .after_write = risk_acceptance_after_write,
};

static const char *const campaign_triggers[] = {"interval",  "significant-change", "incident",
                                                "new-requirement", "other", NULL};
static const char *const campaign_statuses[] = {"open", "closed", NULL};
static const char *const campaign_closed[] = {"closed", NULL};

static const isms_field risk_campaign_fields[] = {
    FIELD_TITLE("A name for the assessment, such as \"Risk assessment 2027\""),
    {.name = "trigger", .label = "Trigger",
     .help = "The regular interval, a significant change, an incident, a new requirement",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .values = campaign_triggers},
    FIELD_LONGTEXT("description", "Description", "What prompted the assessment and what it covers",
                   4000),
    {.name = "due_date", .label = "Due", .help = "When every risk owner must have answered",
     .type = FT_DATE, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .role = ROLE_DUE},
    {.name = "status", .label = "Status", .help = "Open, or closed with its snapshot",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .role = ROLE_STATUS, .values = campaign_statuses, .closed_values = campaign_closed,
     .default_text = "open"},
    {.name = "method", .label = "Method version", .help = "The method in force when it started",
     .type = FT_REF, .flags = FF_DERIVED, .target = &kind_risk_method},
    {.name = "closed_at", .label = "Closed", .help = "When the snapshot was taken",
     .type = FT_DATETIME, .flags = FF_DERIVED | FF_SORTABLE | FF_LISTED},
    {.name = "risks_total", .label = "Risks", .help = "Risks in the snapshot",
     .type = FT_INT, .flags = FF_DERIVED},
};

const isms_kind kind_risk_campaign = {
    .name = "risk-campaign",
    .plural = "risk-campaigns",
    .table = "risk_campaign",
    .prefix = "CMP",
    .clause = "8.2",
    .label = "Risk assessment",
    .label_plural = "Risk assessments",
    .help = "An assessment in which every risk owner confirms or re-scores their risks",
    KIND_FIELDS(risk_campaign_fields),
    .prepare = risk_campaign_prepare,
};

static const char *const review_outcomes[] = {"confirmed", "rescored", NULL};

static const isms_field risk_review_fields[] = {
    {.name = "title", .label = "Title", .help = "The risk and the answer, in a few words",
     .type = FT_TEXT, .flags = FF_DERIVED | FF_LISTED, .role = ROLE_TITLE, .max_len = 240},
    {.name = "campaign", .label = "Assessment", .help = "The assessment answered",
     .type = FT_REF, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .target = &kind_risk_campaign},
    {.name = "risk", .label = "Risk", .help = "The risk confirmed or re-scored", .type = FT_REF,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED, .target = &kind_risk},
    {.name = "outcome", .label = "Outcome", .help = "Confirmed as it is, or re-scored",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_FILTERABLE | FF_LISTED,
     .values = review_outcomes},
    FIELD_LONGTEXT("note", "Note", "What the owner considered", 4000),
    SNAPSHOT("likelihood", "Likelihood", "As confirmed", FT_INT),
    SNAPSHOT("impact", "Impact", "As confirmed", FT_INT),
    SNAPSHOT("level", "Level", "As confirmed", FT_INT),
};

const isms_kind kind_risk_review = {
    .name = "risk-review",
    .plural = "risk-reviews",
    .table = "risk_review",
    .prefix = "RRV",
    .clause = "8.2",
    .label = "Risk owner's answer",
    .label_plural = "Risk owners' answers",
    .help = "A risk owner's confirmation or re-scoring of a risk within an assessment",
    KIND_FIELDS(risk_review_fields),
    .flags = KF_IMMUTABLE,
    .parent_field = "campaign",
    .prepare = risk_review_prepare,
};
