/* The product's registry: every kind, in the navigation order of the clauses. */
#include "core/kinds/kinds.h"

static const isms_kind *const default_kinds[] = {
    &kind_context_issue, &kind_climate_decision, &kind_interested_party,
    &kind_requirement,   &kind_scope_item,       &kind_process,
    &kind_person,       &kind_isms_risk,        &kind_risk_method,
    &kind_asset,        &kind_risk,             &kind_risk_action,
    &kind_risk_acceptance, &kind_risk_campaign, &kind_risk_review,
};

static const isms_registry default_registry = {
    .kinds = default_kinds,
    .nkinds = sizeof(default_kinds) / sizeof(default_kinds[0]),
};

const isms_registry *registry_default(void)
{
    return &default_registry;
}
