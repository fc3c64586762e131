#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One row per code: everything a face needs to answer it. */
static const struct {
    const char *name;
    const char *title;
    int http;
    int exit_code;
} err_table[ISMS_ERR_COUNT] = {
    [ISMS_OK] = {"ok", "OK", 200, 0},
    [ISMS_ENOTFOUND] = {"not_found", "Not found", 404, 1},
    [ISMS_EINVALID] = {"invalid", "Invalid input", 400, 1},
    [ISMS_ECONFLICT] = {"conflict", "Conflict", 409, 1},
    [ISMS_EREFERENCED] = {"referenced", "Referenced by other records", 409, 1},
    [ISMS_EBUSY] = {"busy", "Busy, try again", 503, 1},
    [ISMS_ETOOBIG] = {"too_big", "Too big", 413, 1},
    [ISMS_EFORBIDDEN] = {"forbidden", "Forbidden", 403, 1},
    [ISMS_ESTORE] = {"store", "Storage failure", 500, 3},
};

/* A cut string may end inside a UTF-8 sequence: drop the partial character. */
static void trim_partial_utf8(char *s)
{
    size_t len = strlen(s), i = len;
    while (i > 0 && len - i < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - (i - 1) < need)
        s[i - 1] = '\0';
}

void status_clear(isms_status *st)
{
    st->code = ISMS_OK;
    st->detail[0] = '\0';
    st->nfields = 0;
    st->nreferrers = 0;
    st->more_referrers = false;
    st->retryable = false;
    st->current_version = 0;
}

isms_err status_fail(isms_status *st, isms_err code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->detail, sizeof(st->detail), fmt, ap);
    va_end(ap);
    trim_partial_utf8(st->detail);
    st->code = code;
    return code;
}

isms_err status_field(isms_status *st, const char *field, const char *fmt, ...)
{
    if (st->code != ISMS_EINVALID || st->detail[0] == '\0')
        snprintf(st->detail, sizeof(st->detail), "the input has invalid fields");
    st->code = ISMS_EINVALID;
    /* One reason per field: the first found is the one to fix first. */
    for (size_t i = 0; i < st->nfields; i++)
        if (strcmp(st->fields[i].field, field) == 0)
            return ISMS_EINVALID;
    if (st->nfields == ISMS_STATUS_MAX_FIELDS)
        return ISMS_EINVALID;
    isms_field_error *fe = &st->fields[st->nfields++];
    snprintf(fe->field, sizeof(fe->field), "%s", field);
    trim_partial_utf8(fe->field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fe->reason, sizeof(fe->reason), fmt, ap);
    va_end(ap);
    trim_partial_utf8(fe->reason);
    return ISMS_EINVALID;
}

void status_add_referrer(isms_status *st, const char *human_id)
{
    if (st->nreferrers == ISMS_STATUS_MAX_REFERRERS) {
        st->more_referrers = true;
        return;
    }
    snprintf(st->referrers[st->nreferrers++], ISMS_HUMAN_ID_MAX, "%s", human_id);
}

static unsigned err_index(isms_err code)
{
    unsigned i = (unsigned)code;
    return i < ISMS_ERR_COUNT ? i : (unsigned)ISMS_ESTORE;
}

const char *isms_err_name(isms_err code)
{
    return err_table[err_index(code)].name;
}

const char *isms_err_title(isms_err code)
{
    return err_table[err_index(code)].title;
}

int isms_err_http_status(isms_err code)
{
    return err_table[err_index(code)].http;
}

int isms_err_exit_code(isms_err code)
{
    return err_table[err_index(code)].exit_code;
}
