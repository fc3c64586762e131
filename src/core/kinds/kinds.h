/* The kinds of record isms knows, one definition file per clause area. */
#ifndef ISMS_CORE_KINDS_H
#define ISMS_CORE_KINDS_H

#include "core/registry.h"

/* Clause 4: context of the organization. */
extern const isms_kind kind_context_issue;
extern const isms_kind kind_climate_decision;
extern const isms_kind kind_interested_party;
extern const isms_kind kind_requirement;
extern const isms_kind kind_scope_item;
extern const isms_kind kind_process;

/* Clause 5: leadership. */
extern const isms_kind kind_person;

/* Clause 6.1 and 8.2, 8.3: risk assessment and treatment. */
extern const isms_kind kind_risk_method;
extern const isms_kind kind_asset;
extern const isms_kind kind_risk;
extern const isms_kind kind_risk_action;
extern const isms_kind kind_risk_acceptance;
extern const isms_kind kind_risk_campaign;
extern const isms_kind kind_risk_review;
extern const isms_kind kind_isms_risk;

#endif
