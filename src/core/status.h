/*
 * The one enum of expected failures, and the status object that carries the
 * detail beside it (a message, field-level reasons, the records that refer
 * to a record, the current version after a stale write).
 *
 * A status is a plain value with fixed-size storage: filling it never
 * allocates, so it can be used on any error path.
 */
#ifndef ISMS_CORE_STATUS_H
#define ISMS_CORE_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum isms_err {
    ISMS_OK = 0,
    ISMS_ENOTFOUND,   /* no such record, kind or file */
    ISMS_EINVALID,    /* input breaks a rule; see fields[] */
    ISMS_ECONFLICT,   /* stale version, or a state that forbids the change */
    ISMS_EREFERENCED, /* other records point to it; see referrers[] */
    ISMS_EBUSY,       /* the store stayed locked past the timeout */
    ISMS_ETOOBIG,     /* an input or result passes a limit */
    ISMS_EFORBIDDEN,  /* the actor may not do this */
    ISMS_ESTORE,      /* the store failed unexpectedly (I/O, corruption) */
    ISMS_ERR_COUNT
} isms_err;

enum {
    ISMS_STATUS_MAX_FIELDS = 32,
    ISMS_STATUS_MAX_REFERRERS = 20,
    ISMS_FIELD_NAME_MAX = 64,
    ISMS_REASON_MAX = 200,
    ISMS_HUMAN_ID_MAX = 32,
};

typedef struct isms_field_error {
    char field[ISMS_FIELD_NAME_MAX];  /* the field's name as the API spells it */
    char reason[ISMS_REASON_MAX];     /* human sentence, no trailing period */
} isms_field_error;

typedef struct isms_status {
    isms_err code;
    char detail[512];                 /* one human sentence about the failure */
    isms_field_error fields[ISMS_STATUS_MAX_FIELDS];
    size_t nfields;
    char referrers[ISMS_STATUS_MAX_REFERRERS][ISMS_HUMAN_ID_MAX]; /* e.g. "REQ-4" */
    size_t nreferrers;
    bool more_referrers;              /* there were more than could be listed */
    int64_t current_version;          /* set on a stale-version conflict */
    /*
     * The failure was transient and the whole transaction may run again: a
     * serialization failure or deadlock, a lost connection (store_write_again).
     */
    bool retryable;
} isms_status;

/* Reset to ISMS_OK with no detail. */
void status_clear(isms_status *st);

/* Set code and detail; returns code so callers can `return status_fail(...)`. */
isms_err status_fail(isms_status *st, isms_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Add a field-level reason and make the status ISMS_EINVALID. */
isms_err status_field(isms_status *st, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record a referring record's human id (kept up to the limit). */
void status_add_referrer(isms_status *st, const char *human_id);

/* Stable machine name of a code ("not_found", "invalid", ...). */
const char *isms_err_name(isms_err code);

/* Fixed human title of a code ("Not found", ...). */
const char *isms_err_title(isms_err code);

/* HTTP status for a code. */
int isms_err_http_status(isms_err code);

/* CLI exit code for a code: 1 for user errors, 3 for store failures. */
int isms_err_exit_code(isms_err code);

#endif
