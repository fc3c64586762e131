/*
 * The record registry: every kind of ISMS record is described once, in a
 * static table, and generic code (store, validation, CLI, API, pages,
 * exports) serves all of them from that description. Hand-written code is
 * kept for rules that are really specific to a kind, as hooks.
 *
 * Everything here is read-only data with static storage duration.
 */
#ifndef ISMS_CORE_REGISTRY_H
#define ISMS_CORE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "util/arena.h"

typedef enum field_type {
    FT_TEXT,     /* one line of text */
    FT_LONGTEXT, /* several lines */
    FT_INT,      /* 64-bit signed integer within [min, max] */
    FT_DECIMAL,  /* fixed point, 6 decimals, kept exactly as integer micro-units */
    FT_BOOL,
    FT_DATE,     /* YYYY-MM-DD */
    FT_DATETIME, /* YYYY-MM-DDTHH:MM:SSZ, normalised to UTC */
    FT_ENUM,     /* one of field.values */
    FT_REF,      /* a record of kind field.target */
    FT_REFLIST,  /* an ordered set of records of kind field.target */
    FT_ANYREF,   /* a record of any kind, written as its human id */
    FT_COUNT
} field_type;

enum field_flags {
    FF_REQUIRED = 1u << 0,   /* must be present and non-empty */
    FF_SORTABLE = 1u << 1,   /* lists may sort by it (indexed) */
    FF_FILTERABLE = 1u << 2, /* lists may filter on it (indexed) */
    FF_DERIVED = 1u << 3,    /* computed by the kind's derive hook; read-only */
    FF_SECRET = 1u << 4,     /* never listed, shown or exported */
    FF_LISTED = 1u << 5,     /* a column in list views */
};

/* Roles the generic code understands. At most one field per role. */
typedef enum field_role {
    ROLE_NONE,
    ROLE_TITLE,  /* the record's name in lists and links (text, required) */
    ROLE_OWNER,  /* who is accountable for it */
    ROLE_DUE,    /* the date by which something is due (date) */
    ROLE_STATUS, /* lifecycle (enum); closed_values end it */
} field_role;

enum { FIELD_MAX_LEN_LIMIT = 32767 };

typedef struct isms_kind isms_kind;
typedef struct isms_record isms_record;

typedef struct isms_field {
    const char *name;  /* snake_case: JSON key and column name */
    const char *label; /* "Effect on the ISMS" */
    const char *help;  /* one line, our own words */
    field_type type;
    unsigned flags;    /* enum field_flags */
    field_role role;
    int max_len;       /* text kinds: maximum characters, 1..FIELD_MAX_LEN_LIMIT */
    int64_t min, max;  /* FT_INT and FT_DECIMAL (micro-units); both 0 = no bounds */
    const char *const *values;        /* FT_ENUM: allowed values, NULL-terminated */
    const char *const *closed_values; /* ROLE_STATUS: values that close the record */
    const isms_kind *target;          /* FT_REF, FT_REFLIST: kind referred to */
    const char *default_text;         /* value on create when none is given (text form) */
} isms_field;

/* Cross-field rules on a create (old == NULL) or an update. Adds field errors to st. */
typedef void (*kind_validate_fn)(const isms_record *old, const isms_record *rec, isms_status *st);

/* May the status move from `from` to `to`? Return false with a field error in st. */
typedef bool (*kind_transition_fn)(const isms_record *rec, const char *from, const char *to,
                                   isms_status *st);

/* May this record be retired (or deleted)? Return false with st filled. */
typedef bool (*kind_check_fn)(const isms_record *rec, isms_status *st);

/* Compute FF_DERIVED fields from the others. Runs before validation: the values it reads
 * may be out of their range (guard arithmetic against overflow). */
typedef void (*kind_derive_fn)(isms_record *rec);

typedef struct store_txn store_txn; /* store/store.h */

/*
 * Rules that need the database: runs inside the write transaction after the
 * defaults and derive, before validation, on a create (old == NULL) or an
 * update. It may read records (the risk method in force, a risk being
 * accepted) and set derived values of rec. Field errors go into st and are
 * answered with every other field error; any other failure ends the write.
 */
typedef isms_err (*kind_prepare_fn)(store_txn *t, const isms_record *old, isms_record *rec,
                                    arena *a, isms_status *st);

/*
 * What a change implies for other records: runs in the same transaction
 * after rec is stored and logged (a new method version re-maps the risks, a
 * signed acceptance marks its risk accepted). A failure rolls everything back.
 */
typedef isms_err (*kind_after_fn)(store_txn *t, const isms_record *old, const isms_record *rec,
                                  arena *a, isms_status *st);

/*
 * Every change of a record's row, in its transaction, for what the store keeps
 * about the kind as a whole (the risk heat maps' counts): before is NULL for a
 * new record, after NULL for a deleted one, and a retired one has retired_at.
 */
typedef isms_err (*kind_track_fn)(store_txn *t, const isms_record *before,
                                  const isms_record *after, isms_status *st);

enum kind_flags {
    KF_IMMUTABLE = 1u << 0, /* cannot be changed once created (retire still allowed) */
    KF_DELETABLE = 1u << 1, /* may be hard-deleted when delete_check allows */
    KF_SINGLETON = 1u << 2, /* one in force: a new one supersedes (retires) the previous */
    /*
     * A signature: created only in a signing act (isms_write_ctx.signed_act);
     * the kind's prepare hook decides who may sign, whatever their role.
     */
    KF_SIGNED = 1u << 3,
    /*
     * Decided by the ISMS manager: only the manager role creates, changes or
     * retires its records, whoever owns them (the risk method: the criteria
     * every assessment is held to, 6.1.2 a, b).
     */
    KF_MANAGED = 1u << 4,
};

struct isms_kind {
    const char *name;         /* CLI singular: "context-issue" */
    const char *plural;       /* API plural: "context-issues" */
    const char *table;        /* SQL table: "context_issue" (a trusted identifier) */
    const char *prefix;       /* human id prefix: "ISS" (ids read "ISS-12") */
    const char *clause;       /* ISO/IEC 27001:2022 clause served: "4.1" */
    const char *label;        /* "Context issue" */
    const char *label_plural; /* "Context issues" */
    const char *help;         /* one line, our own words */
    const isms_field *fields;
    size_t nfields;
    unsigned flags;           /* enum kind_flags */
    const char *parent_field; /* child kinds: the FT_REF field naming the parent */
    kind_validate_fn validate;
    kind_transition_fn transition;
    kind_check_fn retire_check;
    kind_check_fn delete_check; /* required with KF_DELETABLE */
    kind_derive_fn derive;
    kind_prepare_fn prepare;
    kind_after_fn after_write;
    kind_track_fn track;
};

typedef struct isms_registry {
    const isms_kind *const *kinds; /* in navigation order */
    size_t nkinds;
} isms_registry;

/* The registry of the product: every kind isms knows. */
const isms_registry *registry_default(void);

const isms_kind *registry_kind(const isms_registry *reg, const char *name);
const isms_kind *registry_kind_by_plural(const isms_registry *reg, const char *plural);
const isms_kind *registry_kind_by_prefix(const isms_registry *reg, const char *prefix,
                                         size_t len);

/* "a" or "an", the article of the kind's name in messages ("an asset id", "a risk id"). */
const char *kind_article(const isms_kind *k);

const isms_field *kind_field(const isms_kind *k, const char *name);
const isms_field *kind_role_field(const isms_kind *k, field_role role);
size_t kind_field_index(const isms_kind *k, const isms_field *f);

bool field_is_text(const isms_field *f); /* stored as text */
bool field_enum_allows(const isms_field *f, const char *value);
bool field_status_closed(const isms_field *f, const char *value);
const char *field_type_name(field_type t);

/*
 * Check a registry for mistakes a table can hold but the code cannot serve
 * (duplicate names, missing title, bad max_len, enum without values, ...).
 * Writes the first problem into st. Used by the tests and at start-up.
 */
bool registry_check(const isms_registry *reg, isms_status *st);

#endif
