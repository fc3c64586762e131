/* The product's registry: every kind, in the navigation order of the clauses. */
#include "core/kinds/kinds.h"

static const isms_kind *const default_kinds[] = {
    &kind_context_issue, &kind_climate_decision, &kind_interested_party,
    &kind_requirement,   &kind_scope_item,       &kind_process,
    &kind_person,
};

static const isms_registry default_registry = {
    .kinds = default_kinds,
    .nkinds = sizeof(default_kinds) / sizeof(default_kinds[0]),
};

const isms_registry *registry_default(void)
{
    return &default_registry;
}
