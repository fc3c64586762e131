/*
 * Validation of a whole record against its kind: required fields, text
 * length and encoding, allowed values, ranges, then the kind's own rules
 * (validate hook) and its status transitions. Every problem is reported as a
 * field error; nothing stops at the first one.
 */
#ifndef ISMS_CORE_VALIDATE_H
#define ISMS_CORE_VALIDATE_H

#include <stdbool.h>

#include "core/record.h"

/* old is NULL on create. Returns true when rec may be stored. */
bool record_validate(const isms_record *old, const isms_record *rec, isms_status *st);

/* The checks for one value alone (shared with decoders that reject early). */
void value_validate(const isms_field *f, const isms_value *v, isms_status *st);

#endif
