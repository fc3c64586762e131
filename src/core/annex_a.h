/* ISO/IEC 27001:2022 Annex A control ids ("5.1" ... "8.34") and their short titles. */
#ifndef ISMS_CORE_ANNEX_A_H
#define ISMS_CORE_ANNEX_A_H

#include <stddef.h>

typedef struct annex_a_control {
    const char *id;    /* "8.24" */
    const char *title; /* "Use of cryptography" */
} annex_a_control;

size_t annex_a_count(void);
const annex_a_control *annex_a_at(size_t i);

/* The control with id (len bytes, not NUL-terminated; an optional "A." is not accepted here). */
const annex_a_control *annex_a_find(const char *id, size_t len);

#endif
