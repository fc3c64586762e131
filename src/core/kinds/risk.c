/*
 * Clause 6.1: the risk method (6.1.2 a, b), assets, information security
 * risks (6.1.2 c-e, 8.2), their treatment actions (6.1.3, 8.3), and the
 * risks and opportunities of the ISMS itself (6.1.1).
 *
 * What the method decides (levels, acceptance) is computed in the write
 * transaction by the hooks in core/risk_hooks.c, which read the method in
 * force; the tables here say only what each record holds.
 */
#include "core/kinds/common.h"
#include "core/kinds/kinds.h"
#include "core/risk_hooks.h"
#include "store/store_risk_heat.h"

/* A scale position: 1 = lowest; the method says how many there are (at most 10). */
#define FIELD_LEVEL(n, l, h, extra_flags)                                                      \
    {.name = n, .label = l, .help = h, .type = FT_INT,                                         \
     .flags = FF_SORTABLE | FF_FILTERABLE | (extra_flags), .min = 1, .max = 10}

#define FIELD_DERIVED_LEVEL(n, l, h)                                                           \
    {.name = n, .label = l, .help = h, .type = FT_INT,                                         \
     .flags = FF_DERIVED | FF_SORTABLE | FF_FILTERABLE, .min = 1, .max = 10}

#define FIELD_DERIVED_LABEL(n, l, h)                                                           \
    {.name = n, .label = l, .help = h, .type = FT_TEXT, .flags = FF_DERIVED | FF_LISTED,       \
     .max_len = 60}

#define FIELD_CONTROLS(h)                                                                      \
    {.name = "controls", .label = "Controls", .help = h, .type = FT_TEXT, .max_len = 1000}

static const isms_field risk_method_fields[] = {
    FIELD_TITLE("A name for this version of the method, such as \"Risk method 2027\""),
    {.name = "definition", .label = "Definition",
     .help = "Scales, matrix, acceptance rules and assessment criteria, as JSON (docs/RISK.md)",
     .type = FT_LONGTEXT, .flags = FF_REQUIRED, .max_len = FIELD_MAX_LEN_LIMIT},
    FIELD_LONGTEXT("note", "What changed", "What this version changes, and why", 4000),
    {.name = "likelihood_levels", .label = "Likelihood levels",
     .help = "How many levels the likelihood scale has", .type = FT_INT,
     .flags = FF_DERIVED | FF_LISTED, .min = 2, .max = 10},
    {.name = "impact_levels", .label = "Impact levels",
     .help = "How many levels the impact scale has", .type = FT_INT,
     .flags = FF_DERIVED | FF_LISTED, .min = 2, .max = 10},
    {.name = "risk_levels", .label = "Risk levels", .help = "How many risk levels there are",
     .type = FT_INT, .flags = FF_DERIVED | FF_LISTED, .min = 2, .max = 10},
};

/* The method in force is replaced by a new version, never withdrawn. */
static bool risk_method_retire_check(const isms_record *rec, isms_status *st)
{
    (void)rec;
    status_fail(st, ISMS_ECONFLICT, "the risk method in force cannot be retired; record a new "
                                    "version, which supersedes it");
    return false;
}

const isms_kind kind_risk_method = {
    .name = "risk-method",
    .plural = "risk-methods",
    .table = "risk_method",
    .prefix = "RM",
    .clause = "6.1.2",
    .label = "Risk method",
    .label_plural = "Risk method versions",
    .help = "How risks are scored and when they are acceptable; a new version supersedes the "
            "last",
    KIND_FIELDS(risk_method_fields),
    .flags = KF_IMMUTABLE | KF_SINGLETON | KF_MANAGED,
    .validate = risk_method_validate,
    .derive = risk_method_derive,
    .prepare = risk_method_prepare,
    .after_write = risk_method_after_write,
    .retire_check = risk_method_retire_check,
};

static const char *const asset_types[] = {"information", "software", "hardware", "service",
                                          "people",      "site",     NULL};

static const isms_field asset_fields[] = {
    FIELD_TITLE("What the asset is"),
    {.name = "type", .label = "Type",
     .help = "Information, software, hardware, service, people or site", .type = FT_ENUM,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED, .values = asset_types},
    FIELD_OWNER("Who is accountable for the asset", FF_REQUIRED),
    FIELD_LONGTEXT("description", "Description", "What the asset holds or does", 4000),
    {.name = "location", .label = "Location", .help = "Where the asset is kept or runs",
     .type = FT_TEXT, .flags = FF_SORTABLE | FF_FILTERABLE, .max_len = 200},
    FIELD_LEVEL("confidentiality", "Confidentiality need",
                "How much harm disclosure would do, on the method's impact scale", FF_LISTED),
    FIELD_LEVEL("integrity", "Integrity need",
                "How much harm an unwanted change would do, on the method's impact scale",
                FF_LISTED),
    FIELD_LEVEL("availability", "Availability need",
                "How much harm losing access would do, on the method's impact scale", FF_LISTED),
    {.name = "processes", .label = "Processes", .help = "The ISMS processes that use the asset",
     .type = FT_REFLIST, .flags = FF_FILTERABLE, .target = &kind_process},
};

const isms_kind kind_asset = {
    .name = "asset",
    .plural = "assets",
    .table = "asset",
    .prefix = "AST",
    .clause = "6.1.2",
    .label = "Asset",
    .label_plural = "Assets",
    .help = "Information, or something that holds or processes it, that risks can affect",
    KIND_FIELDS(asset_fields),
    .prepare = asset_prepare,
};

static const char *const risk_statuses[] = {"identified", "assessed", "treating", "accepted",
                                            "closed",     NULL};
static const char *const risk_closed[] = {"closed", NULL};
static const char *const acceptance_states[] = {"none", "pending", "accepted", "invalidated",
                                                NULL};

static const isms_field risk_fields[] = {
    FIELD_TITLE("A short name for the risk"),
    FIELD_LONGTEXT("description", "Description", "What could happen and what it would cause",
                   8000),
    {.name = "threat", .label = "Threat", .help = "What could exploit a weakness",
     .type = FT_TEXT, .max_len = 300},
    {.name = "vulnerability", .label = "Vulnerability", .help = "The weakness it could exploit",
     .type = FT_TEXT, .max_len = 300},
    FIELD_LONGTEXT("scenario", "Scenario or event",
                   "The chain of events, or the event itself for a risk without an asset", 4000),
    {.name = "assets", .label = "Assets", .help = "The assets the risk affects, if any",
     .type = FT_REFLIST, .flags = FF_FILTERABLE, .target = &kind_asset},
    FIELD_BOOL("confidentiality", "Affects confidentiality",
               "Whether the risk threatens the confidentiality of information"),
    FIELD_BOOL("integrity", "Affects integrity",
               "Whether the risk threatens the integrity of information"),
    FIELD_BOOL("availability", "Affects availability",
               "Whether the risk threatens the availability of information"),
    FIELD_OWNER("The risk owner: accountable for the risk and its acceptance", FF_REQUIRED),
    FIELD_LEVEL("likelihood", "Likelihood", "How likely the risk is, 1 = lowest",
                FF_REQUIRED),
    FIELD_LEVEL("impact", "Impact", "How much harm it would do, 1 = lowest", FF_REQUIRED),
    FIELD_DERIVED_LEVEL("level", "Risk level", "The level the method gives likelihood and impact"),
    FIELD_DERIVED_LABEL("level_label", "Level", "The name of the risk level"),
    {.name = "treatment", .label = "Treatment",
     .help = "One or more of modify, retain, avoid, share, separated by commas",
     .type = FT_TEXT, .flags = FF_LISTED, .max_len = 60},
    FIELD_CONTROLS("Annex A controls the treatment relies on, such as 5.15, 8.24"),
    FIELD_LEVEL("residual_likelihood", "Residual likelihood",
                "The likelihood planned after treatment", 0),
    FIELD_LEVEL("residual_impact", "Residual impact", "The impact planned after treatment", 0),
    FIELD_DERIVED_LEVEL("residual_level", "Residual level",
                        "The level the method gives the residual likelihood and impact"),
    FIELD_DERIVED_LABEL("residual_level_label", "Residual", "The name of the residual level"),
    {.name = "method", .label = "Method version",
     .help = "The version of the risk method the levels were scored under", .type = FT_REF,
     .flags = FF_DERIVED | FF_FILTERABLE, .target = &kind_risk_method},
    {.name = "untreated", .label = "Needs treatment",
     .help = "The level must be treated and no treatment is chosen", .type = FT_BOOL,
     .flags = FF_DERIVED | FF_FILTERABLE | FF_LISTED},
    {.name = "reassess", .label = "To reassess",
     .help = "The method changed in a way its levels cannot follow: score the risk again",
     .type = FT_BOOL, .flags = FF_DERIVED | FF_FILTERABLE},
    {.name = "acceptance", .label = "Acceptance",
     .help = "Whether the residual risk is accepted by everyone the method asks",
     .type = FT_ENUM, .flags = FF_DERIVED | FF_FILTERABLE | FF_LISTED,
     .values = acceptance_states, .default_text = "none"},
    {.name = "accepted_until", .label = "Accepted until",
     .help = "When the acceptance expires: the risk's review date or an exception's end",
     .type = FT_DATE, .flags = FF_DERIVED | FF_SORTABLE | FF_FILTERABLE},
    {.name = "status", .label = "Status",
     .help = "Identified, assessed, treating, accepted, or closed when the risk is gone",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .role = ROLE_STATUS, .values = risk_statuses, .closed_values = risk_closed,
     .default_text = "identified"},
    FIELD_REVIEW_DATE,
};

const isms_kind kind_risk = {
    .name = "risk",
    .plural = "risks",
    .table = "risk",
    .prefix = "RSK",
    .clause = "6.1.2",
    .label = "Risk",
    .label_plural = "Risks",
    .help = "An information security risk: its owner, levels, treatment and acceptance",
    KIND_FIELDS(risk_fields),
    .validate = risk_validate,
    .prepare = risk_prepare,
    .track = store_risk_heat_track, /* the heat maps' counts */
};

static const char *const action_statuses[] = {"planned", "in-progress", "done", "cancelled",
                                              NULL};
static const char *const action_closed[] = {"done", "cancelled", NULL};

static const isms_field risk_action_fields[] = {
    FIELD_TITLE("What is to be done"),
    FIELD_LONGTEXT("description", "Description", "How it is to be done", 4000),
    FIELD_OWNER("Who does it", FF_REQUIRED),
    {.name = "due_date", .label = "Due", .help = "When it must be done", .type = FT_DATE,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED, .role = ROLE_DUE},
    {.name = "status", .label = "Status", .help = "Planned, in progress, done or cancelled",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .role = ROLE_STATUS, .values = action_statuses, .closed_values = action_closed,
     .default_text = "planned"},
    {.name = "progress", .label = "Progress", .help = "How far it is, in per cent",
     .type = FT_INT, .flags = FF_LISTED, .min = 0, .max = 100, .default_text = "0"},
    {.name = "risks", .label = "Risks", .help = "The risks the action treats", .type = FT_REFLIST,
     .flags = FF_FILTERABLE, .target = &kind_risk},
    FIELD_CONTROLS("Annex A controls the action puts in place, such as 5.15, 8.24"),
};

const isms_kind kind_risk_action = {
    .name = "risk-action",
    .plural = "risk-actions",
    .table = "risk_action",
    .prefix = "RTA",
    .clause = "6.1.3",
    .label = "Treatment action",
    .label_plural = "Treatment actions",
    .help = "A step of the risk treatment plan: what, who, by when, and how far it is",
    KIND_FIELDS(risk_action_fields),
    .validate = risk_action_validate,
};

static const char *const rop_types[] = {"risk", "opportunity", NULL};
static const char *const rop_statuses[] = {"open", "acting", "closed", NULL};
static const char *const rop_closed[] = {"closed", NULL};

static const isms_field isms_risk_fields[] = {
    FIELD_TITLE("A short name for the risk or opportunity"),
    {.name = "type", .label = "Risk or opportunity",
     .help = "Whether it could keep the ISMS from its outcomes or help it", .type = FT_ENUM,
     .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED, .values = rop_types},
    FIELD_LONGTEXT("description", "Description", "What it is and what it would change", 8000),
    {.name = "issues", .label = "Context issues", .help = "The issues (4.1) it arises from",
     .type = FT_REFLIST, .flags = FF_FILTERABLE, .target = &kind_context_issue},
    {.name = "requirements", .label = "Requirements",
     .help = "The requirements (4.2) it arises from", .type = FT_REFLIST,
     .flags = FF_FILTERABLE, .target = &kind_requirement},
    FIELD_LONGTEXT("actions", "Actions", "What the organization does about it", 8000),
    FIELD_LONGTEXT("integration", "Built into processes",
                   "How the actions are made part of the ISMS processes", 4000),
    {.name = "processes", .label = "Processes", .help = "The processes that carry the actions",
     .type = FT_REFLIST, .flags = FF_FILTERABLE, .target = &kind_process},
    FIELD_LONGTEXT("evaluation", "Evaluating effectiveness",
                   "How and when the organization checks that the actions work", 4000),
    FIELD_OWNER("Who sees that the actions happen", FF_REQUIRED),
    {.name = "status", .label = "Status", .help = "Open, acting, or closed",
     .type = FT_ENUM, .flags = FF_REQUIRED | FF_SORTABLE | FF_FILTERABLE | FF_LISTED,
     .role = ROLE_STATUS, .values = rop_statuses, .closed_values = rop_closed,
     .default_text = "open"},
    FIELD_REVIEW_DATE,
};

const isms_kind kind_isms_risk = {
    .name = "isms-risk",
    .plural = "isms-risks",
    .table = "isms_risk",
    .prefix = "ROP",
    .clause = "6.1.1",
    .label = "ISMS risk or opportunity",
    .label_plural = "ISMS risks and opportunities",
    .help = "A risk or opportunity of the management system itself, from its context and "
            "requirements",
    KIND_FIELDS(isms_risk_fields),
};
