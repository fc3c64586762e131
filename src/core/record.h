/*
 * Records and typed values. A record is a kind, its bookkeeping (id,
 * version, who and when) and one value per field of the kind, in field
 * order. Records and their strings live in an arena owned by the caller.
 */
#ifndef ISMS_CORE_RECORD_H
#define ISMS_CORE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/registry.h"
#include "util/arena.h"

typedef struct isms_value {
    bool set;              /* false: no value (NULL) */
    int64_t i;             /* FT_INT, FT_DECIMAL (micro-units), FT_BOOL, FT_REF, FT_ANYREF id */
    const char *s;         /* FT_TEXT, FT_LONGTEXT, FT_ENUM, FT_DATE, FT_DATETIME */
    const isms_kind *kind; /* FT_ANYREF: the kind referred to */
    const int64_t *ids;    /* FT_REFLIST: ids of field.target, in the user's order */
    size_t n;              /* FT_REFLIST: how many */
} isms_value;

struct isms_record {
    const isms_kind *kind;
    int64_t id;                 /* 0 until stored; the number in "ISS-12" */
    int64_t version;            /* 1 on create, +1 on every change */
    const char *created_at;     /* RFC 3339 UTC with milliseconds */
    const char *created_by;
    const char *updated_at;
    const char *updated_by;
    const char *retired_at;     /* NULL while in force */
    const char *retired_by;
    const char *retired_reason;
    isms_value *values;         /* kind->nfields entries */
};

typedef struct isms_principal isms_principal; /* core/roles.h */

/* Who makes a change, and when: given to every write. */
typedef struct isms_write_ctx {
    const char *actor;   /* the user's name */
    const char *channel; /* "cli", "api", "web", "import" */
    char now[32];        /* RFC 3339 UTC with milliseconds, taken once per write */
    /*
     * The authenticated user whose permissions the record operations check
     * (a contributor changes only their own records), or NULL for writes the
     * program makes itself (seeding, tests of the core).
     */
    const isms_principal *principal;
    /*
     * The principal proved it is them for this very write, with their own
     * credentials (a signing act: http/signing.h, cli/signing.h). Kinds that
     * record a signature (a risk acceptance) are refused without it.
     */
    bool signed_act;
} isms_write_ctx;

enum { ISMS_ACTOR_MAX = 64, ISMS_REASON_TEXT_MAX = 1000 };

/* A new record of kind k with every value unset. */
isms_record *record_new(arena *a, const isms_kind *k);

/* Deep copy into arena a. */
isms_record *record_clone(arena *a, const isms_record *r);

isms_value *record_value(const isms_record *r, const char *field);
const char *record_title(const isms_record *r);

/* "ISS-12" into buf (ISMS_HUMAN_ID_MAX bytes). */
void human_id_format(char *buf, const isms_kind *k, int64_t id);
char *human_id(arena *a, const isms_kind *k, int64_t id);

/*
 * Parse a human id of kind k: "ISS-12", "iss-12" or "12". Returns false if the
 * text is not a positive id of that kind.
 */
bool human_id_parse(const isms_kind *k, const char *text, int64_t *out);

/*
 * Parse a human id of any kind in reg ("REQ-3"): sets *kind and *id.
 */
bool human_id_parse_any(const isms_registry *reg, const char *text, const isms_kind **kind,
                        int64_t *id);

/* The current time, RFC 3339 UTC with milliseconds, into buf (32 bytes). */
void clock_now_rfc3339(char buf[32]);

/* The time offset_s seconds from now (negative: in the past), as clock_now_rfc3339. */
void clock_rfc3339_from_now(char buf[32], int64_t offset_s);

/* A write context without a principal (no permission checks in the record layer). */
void write_ctx_init(isms_write_ctx *ctx, const char *actor, const char *channel);

/* A write context for an authenticated user: the actor is their name; p must outlive ctx. */
void write_ctx_for(isms_write_ctx *ctx, const isms_principal *p, const char *channel);

#endif
