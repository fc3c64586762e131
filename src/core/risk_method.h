/*
 * The risk method (ISO/IEC 27001:2022 6.1.2 a and b): the likelihood and impact
 * scales, the risk levels with their acceptance rules, the matrix that gives a
 * level for each (likelihood, impact), and when risks are assessed again.
 *
 * Pure core: no I/O, no store. A method is kept as a JSON document (the
 * `definition` field of a `risk-method` record); this module parses and
 * validates it, writes it back in a canonical form, scores with it and maps
 * an assessment from one version of the method to the next.
 *
 * The document (docs/RISK.md says the same for users):
 *
 *   {
 *     "likelihood": [{"label": "Rare", "description": "..."}, ...],
 *     "impact":     [{"label": "Negligible", "description": "..."}, ...],
 *     "levels": [{"label": "Low", "colour": "#2E7D32", "acceptance": "accept",
 *                 "management_signs": false}, ...],
 *     "matrix": [[1, 1, 2], ...],
 *     "basis": "current",
 *     "management_exception": true,
 *     "exception_max_days": 365,
 *     "interval_months": 12,
 *     "triggers": ["significant-change", "incident", "new-requirement"],
 *     "map_from_previous": {"likelihood": [1, 2, 2], "impact": [1, 2, 3]}
 *   }
 *
 * - likelihood, impact: 2..10 entries each, lowest first (entry 0 is level 1).
 *   label: 1..60 characters, not blank, one line, unique within its scale
 *   (ignoring ASCII case). description: required, may be empty, up to 500
 *   characters, may hold line breaks and tabs but no other control character.
 * - levels: 2..10 risk levels, lowest first. label as above (unique among the
 *   levels); colour "#RRGGBB" (kept in upper case); acceptance "accept" (the
 *   risk is acceptable as it is), "owner" (the risk owner may accept it, with a
 *   reason) or "treat" (it must be treated); management_signs: top management
 *   signs an acceptance at this level as well as the owner (so never with
 *   "accept", where no one signs). Going up the levels, acceptance never gets
 *   easier: the rule never goes back from treat to owner to accept, and
 *   management_signs never goes from true back to false.
 * - matrix: one row per likelihood level (lowest first), each with one number
 *   per impact level (lowest first): matrix[l-1][i-1] is the risk level (1..
 *   number of levels) of likelihood l and impact i. A higher likelihood or a
 *   higher impact never gives a lower level, and every level is used by at
 *   least one cell.
 * - basis: "current" (risks are scored with the controls in place) or
 *   "inherent" (as if no control were in place).
 * - management_exception: whether top management may accept a risk above what
 *   the acceptance rules allow, for a limited time; exception_max_days
 *   (1..1095) is that time, required when management_exception is true and
 *   refused when it is false.
 * - interval_months (1..60): the regular reassessment interval.
 * - triggers: events that call for a new assessment, each at most once:
 *   "significant-change", "incident", "new-requirement", "other" (may be empty).
 * - map_from_previous (optional): for a version whose scales changed size, the
 *   new level of each level of the previous version's scales: "likelihood" and
 *   "impact", each an array with one entry per old level, non-decreasing,
 *   every value within the new scale.
 *
 * Every other key is refused. The whole document is at most 32767 bytes.
 */
#ifndef ISMS_CORE_RISK_METHOD_H
#define ISMS_CORE_RISK_METHOD_H

#include <stdbool.h>

#include "core/status.h"
#include "util/arena.h"

enum {
    RISK_SCALE_MIN = 2,           /* fewest levels in a scale or in the risk levels */
    RISK_SCALE_MAX = 10,          /* most levels in a scale or in the risk levels */
    RISK_LABEL_MAX = 60,          /* characters in a label */
    RISK_DESCRIPTION_MAX = 500,   /* characters in a description */
    RISK_METHOD_JSON_MAX = 32767, /* bytes in the whole document */
    RISK_EXCEPTION_DAYS_MAX = 1095,
    RISK_INTERVAL_MONTHS_MAX = 60,
};

/* How a risk at a level may be accepted; ordered from most to least acceptable. */
typedef enum risk_acceptance_rule {
    RISK_ACCEPT = 0,      /* acceptable as it is */
    RISK_ACCEPT_BY_OWNER, /* the risk owner may accept it, giving a reason */
    RISK_MUST_TREAT,      /* must be treated */
    RISK_ACCEPTANCE_COUNT
} risk_acceptance_rule;

/* The events that call for a new assessment: bits of risk_method.triggers. */
typedef enum risk_trigger {
    RISK_TRIGGER_SIGNIFICANT_CHANGE = 1 << 0,
    RISK_TRIGGER_INCIDENT = 1 << 1,
    RISK_TRIGGER_NEW_REQUIREMENT = 1 << 2,
    RISK_TRIGGER_OTHER = 1 << 3,
} risk_trigger;

enum { RISK_TRIGGER_COUNT = 4 };

/* One level of the likelihood or impact scale. Strings live in the parse's arena. */
typedef struct risk_scale_level {
    const char *label;       /* 1..60 characters, unique within the scale */
    const char *description; /* 0..500 characters, never NULL once parsed */
} risk_scale_level;

/* One risk level. */
typedef struct risk_level {
    const char *label;               /* in the parse's arena */
    char colour[8];                  /* "#RRGGBB", upper case */
    risk_acceptance_rule acceptance; /* never easier than the level below */
    bool management_signs;           /* top management co-signs an acceptance */
} risk_level;

/* A parsed, valid method. Everything past the counts is unused and zero. */
typedef struct risk_method {
    int nlikelihood, nimpact, nlevels;                    /* each RISK_SCALE_MIN..RISK_SCALE_MAX */
    risk_scale_level likelihood[RISK_SCALE_MAX];          /* [0] is likelihood level 1 */
    risk_scale_level impact[RISK_SCALE_MAX];              /* [0] is impact level 1 */
    risk_level levels[RISK_SCALE_MAX];                    /* [0] is risk level 1 */
    unsigned char matrix[RISK_SCALE_MAX][RISK_SCALE_MAX]; /* [l-1][i-1]: level 1..nlevels */
    bool basis_current;                                   /* true "current", false "inherent" */
    bool management_exception;        /* top management may grant time-limited exceptions */
    int exception_max_days;           /* 1..1095 when management_exception, else 0 */
    int interval_months;              /* 1..60 */
    unsigned triggers;                /* risk_trigger bits */
    bool has_map;                     /* map_from_previous was given */
    int map_nlikelihood, map_nimpact; /* the previous version's scale sizes */
    unsigned char map_likelihood[RISK_SCALE_MAX]; /* [old-1]: new likelihood level */
    unsigned char map_impact[RISK_SCALE_MAX];     /* [old-1]: new impact level */
} risk_method;

/*
 * Parse and validate a whole document into *out. Every defect becomes a field
 * error in st named by its JSON path ("definition.matrix[2][3]",
 * "definition.levels[1].colour"; indexes count from 0 as in JSON), up to what
 * st holds. Returns true when there is none; *out is then complete, its strings
 * copied into the arena a. On false, *out is unusable. st is added to, not
 * cleared.
 */
bool risk_method_parse(const char *json, arena *a, risk_method *out, isms_status *st);

/*
 * Canonical JSON of a valid method: compact, keys in the order of the format
 * above, optional keys only when they apply. Two versions are the same method
 * exactly when their canonical texts are equal. The text is in the arena.
 */
char *risk_method_to_json(const risk_method *m, arena *a);

/* The risk level (1..nlevels) of likelihood l and impact i; 0 if either is out of range. */
int risk_method_level(const risk_method *m, int likelihood, int impact);

/* The definition of a risk level (1..nlevels); NULL if out of range. */
const risk_level *risk_method_level_def(const risk_method *m, int level);

/*
 * A preset method as JSON text (static): size 3 (3x3), 4 (4x4) or 5 (5x5, what
 * `isms init` writes). NULL for any other size.
 */
const char *risk_method_preset(int size);

/*
 * Check that new_m's map_from_previous fits old_m, the version it follows: each
 * map has one entry per level of old_m's scale. Reports
 * "definition.map_from_previous.likelihood" / ".impact" in st. True when new_m
 * has no map, or a map that fits.
 */
bool risk_method_check_map(const risk_method *old_m, const risk_method *new_m, isms_status *st);

/*
 * Carry likelihood l and impact i scored under old_m over to new_m: true with
 * *nl, *ni set when new_m has a map that fits old_m (the map decides), or when
 * both scales keep their sizes (the levels stay). False when l or i is out of
 * old_m's range, or the sizes changed without a map: the risk must then be
 * assessed again.
 */
bool risk_method_map_levels(const risk_method *old_m, const risk_method *new_m, int l, int i,
                            int *nl, int *ni);

/* "accept", "owner", "treat"; NULL out of range. */
const char *risk_acceptance_name(risk_acceptance_rule r);
/* The rule named name; false if none. */
bool risk_acceptance_from_name(const char *name, risk_acceptance_rule *out);

/* "significant-change", "incident", "new-requirement", "other" for one bit; NULL otherwise. */
const char *risk_trigger_name(unsigned trigger);
/* The bit named name; false if none. */
bool risk_trigger_from_name(const char *name, unsigned *out);

/* "current" or "inherent". */
const char *risk_basis_name(bool basis_current);

#endif
