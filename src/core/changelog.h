/*
 * The change log's arithmetic (ISO/IEC 27001:2022 7.5.3, control of
 * changes): the entry, its hash, the verification of a chain of entries,
 * and signed checkpoints. Pure functions over data, no I/O: the store keeps
 * the entries (store.h, "change log"), the faces show them.
 *
 * Every entry's hash covers the previous entry's hash and a digest of the
 * entry's content, not the content itself, so that a content can be
 * redacted later (set to NULL, with the redaction logged as an entry of its
 * own) while the chain still verifies.
 *
 *   content_hash = SHA-256(content bytes)
 *   hash         = SHA-256(enc("isms-change-log-v1") enc(prev_hash) enc64(seq)
 *                          enc(at) enc(actor) enc(channel) enc(kind)
 *                          enc64(record_id) enc(action) enc64(version)
 *                          enc(content_hash))
 *
 * where enc(s) is the length of s as 4 bytes big-endian followed by its
 * bytes, and enc64(n) is n as 8 bytes big-endian two's complement: every
 * field has its own length, so no two different entries encode alike.
 * Hashes are lowercase hex; the first entry's prev_hash is 64 '0'.
 */
#ifndef ISMS_CORE_CHANGELOG_H
#define ISMS_CORE_CHANGELOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    CHANGELOG_HEX = 65,    /* a SHA-256 as hex, with the NUL */
    CHANGELOG_KEY_ID = 17, /* a key id: 16 hex digits, with the NUL */
    CHANGELOG_PUBLIC_KEY = 32,
    CHANGELOG_SECRET_KEY = 64,
    CHANGELOG_SIGNATURE_HEX = 129,
    CHANGELOG_KEY_FILE_MAX = 512,
};

/* The actions an entry records. */
#define CHANGELOG_CREATE "create"
#define CHANGELOG_UPDATE "update"
#define CHANGELOG_RETIRE "retire"
#define CHANGELOG_DELETE "delete"
#define CHANGELOG_REDACT "redact"
/* A record that existed before the change log did (written once, by migration 2). */
#define CHANGELOG_BASELINE "baseline"

/* The prev_hash of the first entry: 64 '0'. */
extern const char changelog_genesis[CHANGELOG_HEX];

/* One entry of the log. Strings are borrowed from whoever read or built it. */
typedef struct changelog_entry {
    int64_t seq;    /* 1, 2, 3 ... without gaps */
    const char *at; /* RFC 3339 UTC with milliseconds */
    const char *actor;
    const char *channel; /* "cli", "api", "web", "import", "migration" */
    const char *kind;    /* the kind's registry name: "context-issue" */
    int64_t record_id;
    const char *action;       /* CHANGELOG_CREATE ... */
    int64_t version;          /* the record's version after the change */
    const char *content;      /* the record as JSON; NULL once redacted */
    const char *content_hash; /* hex SHA-256 of content, kept after a redaction */
    const char *prev_hash;
    const char *hash;
} changelog_entry;

/* Whether action is one the log knows. */
bool changelog_action_known(const char *action);

/* Hex SHA-256 of len bytes at data. */
void changelog_digest(const void *data, size_t len, char out[CHANGELOG_HEX]);

/* The hash an entry should carry, from its fields and prev_hash (hash is ignored). */
void changelog_entry_hash(const changelog_entry *e, char out[CHANGELOG_HEX]);

/* Whether s is 64 lowercase hex digits. */
bool changelog_is_hash(const char *s);

/* The content of a redaction entry: {"redacts": seq, "reason": "..."} (malloc'd). */
char *changelog_redaction_content(int64_t seq, const char *reason);

/* The entry a redaction's content names; false when the content is not a redaction. */
bool changelog_redaction_target(const char *content, int64_t *seq);

/* --- verification -------------------------------------------------------- */

typedef enum changelog_problem {
    CHANGELOG_OK,
    CHANGELOG_REMOVED,         /* an entry is missing: seq jumps over it */
    CHANGELOG_OUT_OF_ORDER,    /* prev_hash does not name the entry before: moved or inserted */
    CHANGELOG_CONTENT_CHANGED, /* content no longer matches content_hash */
    CHANGELOG_ENTRY_CHANGED,   /* hash no longer matches the entry's fields */
    CHANGELOG_CONTENT_REMOVED, /* content NULL, and no redaction entry says so */
} changelog_problem;

/* Stable machine name ("content_changed") and a human phrase of a problem. */
const char *changelog_problem_name(changelog_problem p);
const char *changelog_problem_text(changelog_problem p);

/*
 * A verification in progress over entries given in seq order, one at a
 * time, in constant memory (apart from the seqs of redacted entries whose
 * redaction entry has not been seen yet, which are few).
 */
typedef struct changelog_verifier {
    int64_t count;                 /* entries checked */
    int64_t last_seq;              /* of the last entry checked (0: none) */
    char last_hash[CHANGELOG_HEX]; /* its hash (the genesis before any) */
    changelog_problem problem;     /* the first problem found, CHANGELOG_OK while none */
    int64_t bad_seq;               /* the entry it concerns */
    int64_t *pending;              /* seqs with NULL content, no redaction entry seen yet */
    size_t npending, cap;
} changelog_verifier;

void changelog_verify_init(changelog_verifier *v);

/* Check the next entry. Returns false once a problem is found (later entries are ignored). */
bool changelog_verify_next(changelog_verifier *v, const changelog_entry *e);

/* After the last entry: a redacted content without its redaction entry is a problem too. */
void changelog_verify_finish(changelog_verifier *v);

void changelog_verify_dispose(changelog_verifier *v);

/* --- signed checkpoints -------------------------------------------------- */

/*
 * A checkpoint: the chain had hash `hash` at entry `seq` when it was signed
 * at `at`, by the key whose id is key_id. The signature is Ed25519 over
 * enc("isms-log-checkpoint-v1") enc64(seq) enc(hash) enc(at), hex.
 */
typedef struct changelog_checkpoint {
    int64_t seq;
    const char *hash;
    const char *at;
    const char *key_id;
    const char *signature;
} changelog_checkpoint;

typedef struct changelog_keypair {
    unsigned char pk[CHANGELOG_PUBLIC_KEY];
    unsigned char sk[CHANGELOG_SECRET_KEY];
} changelog_keypair;

/* A new key pair. */
void changelog_keygen(changelog_keypair *out);

/* The id of a public key: the first 16 hex digits of its SHA-256. */
void changelog_key_id(const unsigned char pk[CHANGELOG_PUBLIC_KEY], char out[CHANGELOG_KEY_ID]);

/* Sign (seq, hash, at): fills the hex signature. */
void changelog_sign(const changelog_keypair *kp, int64_t seq, const char *hash, const char *at,
                    char signature[CHANGELOG_SIGNATURE_HEX]);

/* Whether cp carries a valid signature by pk (and names pk's id). */
bool changelog_checkpoint_valid(const unsigned char pk[CHANGELOG_PUBLIC_KEY],
                                const changelog_checkpoint *cp);

/*
 * Key files: one line, "isms-log-secret-key <128 hex digits>" (the secret
 * key holds the public one) or "isms-log-public-key <64 hex digits>".
 * Formatting writes the line with its newline into buf.
 */
void changelog_format_secret(const changelog_keypair *kp, char *buf, size_t size);
void changelog_format_public(const unsigned char pk[CHANGELOG_PUBLIC_KEY], char *buf, size_t size);
bool changelog_parse_secret(const char *text, changelog_keypair *out);
bool changelog_parse_public(const char *text, unsigned char out[CHANGELOG_PUBLIC_KEY]);

/* Forget a secret key held in memory. */
void changelog_keypair_wipe(changelog_keypair *kp);

#endif
