/*
 * The two lists a risk keeps in one text field: its treatment options
 * ("modify, share") and the Annex A controls it relies on ("5.15, 8.24").
 * Both are sets: order and spacing do not matter, and an acceptance compares
 * them as sets, so re-typing a list in another order does not invalidate it.
 */
#ifndef ISMS_CORE_RISK_LISTS_H
#define ISMS_CORE_RISK_LISTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"

enum {
    TREAT_MODIFY = 1u << 0,
    TREAT_RETAIN = 1u << 1,
    TREAT_AVOID = 1u << 2,
    TREAT_SHARE = 1u << 3,
};

/* Annex A has 93 controls: a set of them fits in two words. */
typedef struct control_set {
    uint64_t bits[2];
} control_set;

/*
 * Parse "modify, share" into TREAT_* bits. NULL or blank is the empty set.
 * On a bad or repeated option, a field error for `field` goes into st.
 */
bool treatment_parse(const char *text, unsigned *out, const char *field, isms_status *st);

/* "5.15, A.8.24" (an "A." before an id is allowed) into a set; errors as above. */
bool controls_parse(const char *text, control_set *out, const char *field, isms_status *st);

bool control_set_equal(const control_set *a, const control_set *b);

#endif
