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

#endif
