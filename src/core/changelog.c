#include "core/changelog.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/die.h"

const char changelog_genesis[CHANGELOG_HEX] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static const char entry_tag[] = "isms-change-log-v1";
static const char checkpoint_tag[] = "isms-log-checkpoint-v1";
static const char secret_prefix[] = "isms-log-secret-key ";
static const char public_prefix[] = "isms-log-public-key ";

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void sodium_start(void)
{
    if (sodium_init() < 0)
        die("libsodium could not be initialised");
}

/* libsodium wants sodium_init() before anything else; once per process. */
static void crypto_ready(void)
{
    pthread_once(&sodium_once, sodium_start);
}

/*
 * SHA-256 of the log comes from OpenSSL's libcrypto, which uses the CPU's SHA
 * instructions where there are some: libsodium's portable SHA-256 was a sixth
 * of the CPU time of a bulk import. The digests are the same bytes.
 */
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (!sha256_md)
        die("OpenSSL has no SHA-256");
}

typedef struct sha256_state {
    EVP_MD_CTX *ctx;
} sha256_state;

static void sha256_init(sha256_state *h)
{
    pthread_once(&sha256_once, sha256_fetch);
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex2(h->ctx, sha256_md, NULL) != 1)
        die("SHA-256 could not start");
}

static void sha256_update(sha256_state *h, const void *data, size_t len)
{
    if (EVP_DigestUpdate(h->ctx, data, len) != 1)
        die("SHA-256 failed");
}

static void sha256_final(sha256_state *h, unsigned char out[crypto_hash_sha256_BYTES])
{
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(h->ctx, out, &n) != 1 || n != crypto_hash_sha256_BYTES)
        die("SHA-256 failed");
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
}

static void sha256(unsigned char out[crypto_hash_sha256_BYTES], const void *data, size_t len)
{
    sha256_state h;
    sha256_init(&h);
    sha256_update(&h, data, len);
    sha256_final(&h, out);
}

bool changelog_action_known(const char *action)
{
    static const char *const known[] = {CHANGELOG_CREATE, CHANGELOG_UPDATE, CHANGELOG_RETIRE,
                                        CHANGELOG_DELETE, CHANGELOG_REDACT, CHANGELOG_BASELINE};
    for (size_t i = 0; action && i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(action, known[i]) == 0)
            return true;
    return false;
}

static void to_hex(const unsigned char *bin, size_t len, char *out, size_t out_size)
{
    sodium_bin2hex(out, out_size, bin, len);
}

void changelog_digest(const void *data, size_t len, char out[CHANGELOG_HEX])
{
    crypto_ready();
    unsigned char d[crypto_hash_sha256_BYTES];
    sha256(d, data, len);
    to_hex(d, sizeof(d), out, CHANGELOG_HEX);
}

bool changelog_is_hash(const char *s)
{
    size_t i = 0;
    for (; s && i < CHANGELOG_HEX - 1; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s && s[i] == '\0';
}

/* --- the length-prefixed encoding ----------------------------------------- */

static void enc_text(sha256_state *h, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    if (len > UINT32_MAX)
        die("changelog: a field longer than 4 GiB");
    unsigned char n[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
                          (unsigned char)(len >> 8), (unsigned char)len};
    sha256_update(h, n, sizeof(n));
    sha256_update(h, (const unsigned char *)(s ? s : ""), len);
}

static void enc_int(sha256_state *h, int64_t v)
{
    uint64_t u = (uint64_t)v;
    unsigned char n[8];
    for (int i = 7; i >= 0; i--) {
        n[i] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
    sha256_update(h, n, sizeof(n));
}

void changelog_entry_hash(const changelog_entry *e, char out[CHANGELOG_HEX])
{
    crypto_ready();
    sha256_state h;
    sha256_init(&h);
    enc_text(&h, entry_tag);
    enc_text(&h, e->prev_hash);
    enc_int(&h, e->seq);
    enc_text(&h, e->at);
    enc_text(&h, e->actor);
    enc_text(&h, e->channel);
    enc_text(&h, e->kind);
    enc_int(&h, e->record_id);
    enc_text(&h, e->action);
    enc_int(&h, e->version);
    enc_text(&h, e->content_hash);
    unsigned char d[crypto_hash_sha256_BYTES];
    sha256_final(&h, d);
    to_hex(d, sizeof(d), out, CHANGELOG_HEX);
}

/* --- redactions ---------------------------------------------------------- */

char *changelog_redaction_content(int64_t seq, const char *reason)
{
    json_t *j = json_pack("{s:I,s:s}", "redacts", (json_int_t)seq, "reason", reason);
    if (!j)
        die("changelog: the reason of a redaction is not UTF-8 text");
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    if (!s)
        die_oom();
    return s;
}

bool changelog_redaction_target(const char *content, int64_t *seq)
{
    json_t *j = content ? json_loads(content, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *r = json_object_get(j, "redacts");
    bool ok = json_is_integer(r) && json_integer_value(r) > 0;
    if (ok)
        *seq = (int64_t)json_integer_value(r);
    json_decref(j);
    return ok;
}

/* --- verification -------------------------------------------------------- */

const char *changelog_problem_name(changelog_problem p)
{
    static const char *const names[] = {
        "ok", "removed", "reordered", "content_changed", "entry_changed", "content_removed"};
    return names[p];
}

const char *changelog_problem_text(changelog_problem p)
{
    static const char *const texts[] = {
        "intact",
        "removed (the entries jump over it)",
        "reordered or inserted (it does not follow the entry before it)",
        "content changed (it no longer matches its digest)",
        "changed (its hash no longer matches its fields)",
        "content removed without a redaction entry",
    };
    return texts[p];
}

void changelog_verify_init(changelog_verifier *v)
{
    memset(v, 0, sizeof(*v));
    memcpy(v->last_hash, changelog_genesis, CHANGELOG_HEX);
}

void changelog_verify_dispose(changelog_verifier *v)
{
    free(v->pending);
    v->pending = NULL;
    v->npending = v->cap = 0;
}

static bool found(changelog_verifier *v, changelog_problem p, int64_t seq)
{
    v->problem = p;
    v->bad_seq = seq;
    return false;
}

static void pending_add(changelog_verifier *v, int64_t seq)
{
    if (v->npending == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        int64_t *bigger = realloc(v->pending, v->cap * sizeof(int64_t));
        if (!bigger)
            die_oom();
        v->pending = bigger;
    }
    v->pending[v->npending++] = seq;
}

static void pending_remove(changelog_verifier *v, int64_t seq)
{
    for (size_t i = 0; i < v->npending; i++)
        if (v->pending[i] == seq) {
            v->pending[i] = v->pending[--v->npending];
            return;
        }
}

bool changelog_verify_next(changelog_verifier *v, const changelog_entry *e)
{
    if (v->problem != CHANGELOG_OK)
        return false;
    int64_t want = v->last_seq + 1;
    if (e->seq > want)
        return found(v, CHANGELOG_REMOVED, want);
    if (e->seq < want)
        return found(v, CHANGELOG_OUT_OF_ORDER, e->seq);
    if (!e->prev_hash || strcmp(e->prev_hash, v->last_hash) != 0)
        return found(v, CHANGELOG_OUT_OF_ORDER, e->seq);
    char h[CHANGELOG_HEX];
    if (e->content) {
        changelog_digest(e->content, strlen(e->content), h);
        if (!e->content_hash || strcmp(h, e->content_hash) != 0)
            return found(v, CHANGELOG_CONTENT_CHANGED, e->seq);
    }
    changelog_entry_hash(e, h);
    if (!e->hash || strcmp(h, e->hash) != 0)
        return found(v, CHANGELOG_ENTRY_CHANGED, e->seq);
    int64_t target;
    if (!e->content)
        pending_add(v, e->seq);
    else if (strcmp(e->action, CHANGELOG_REDACT) == 0 &&
             changelog_redaction_target(e->content, &target))
        pending_remove(v, target);
    v->last_seq = e->seq;
    memcpy(v->last_hash, h, CHANGELOG_HEX);
    v->count++;
    return true;
}

void changelog_verify_finish(changelog_verifier *v)
{
    if (v->problem != CHANGELOG_OK || v->npending == 0)
        return;
    int64_t first = v->pending[0];
    for (size_t i = 1; i < v->npending; i++)
        if (v->pending[i] < first)
            first = v->pending[i];
    found(v, CHANGELOG_CONTENT_REMOVED, first);
}

/* --- checkpoints and keys ------------------------------------------------ */

void changelog_keygen(changelog_keypair *out)
{
    crypto_ready();
    crypto_sign_ed25519_keypair(out->pk, out->sk);
}

void changelog_key_id(const unsigned char pk[CHANGELOG_PUBLIC_KEY], char out[CHANGELOG_KEY_ID])
{
    crypto_ready();
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, pk, CHANGELOG_PUBLIC_KEY);
    to_hex(d, (CHANGELOG_KEY_ID - 1) / 2, out, CHANGELOG_KEY_ID);
}

static void checkpoint_message(int64_t seq, const char *hash, const char *at,
                               unsigned char out[crypto_hash_sha256_BYTES])
{
    sha256_state h;
    sha256_init(&h);
    enc_text(&h, checkpoint_tag);
    enc_int(&h, seq);
    enc_text(&h, hash);
    enc_text(&h, at);
    sha256_final(&h, out);
}

void changelog_sign(const changelog_keypair *kp, int64_t seq, const char *hash, const char *at,
                    char signature[CHANGELOG_SIGNATURE_HEX])
{
    crypto_ready();
    unsigned char msg[crypto_hash_sha256_BYTES], sig[crypto_sign_ed25519_BYTES];
    checkpoint_message(seq, hash, at, msg);
    crypto_sign_ed25519_detached(sig, NULL, msg, sizeof(msg), kp->sk);
    to_hex(sig, sizeof(sig), signature, CHANGELOG_SIGNATURE_HEX);
}

/* Exactly len bytes of hex at text into bin; false for anything else. */
static bool from_hex(const char *text, size_t hexlen, unsigned char *bin, size_t len)
{
    size_t got = 0;
    const char *end = NULL;
    if (strlen(text) < hexlen)
        return false;
    return sodium_hex2bin(bin, len, text, hexlen, NULL, &got, &end) == 0 && got == len &&
           end == text + hexlen;
}

bool changelog_checkpoint_valid(const unsigned char pk[CHANGELOG_PUBLIC_KEY],
                                const changelog_checkpoint *cp)
{
    crypto_ready();
    char id[CHANGELOG_KEY_ID];
    changelog_key_id(pk, id);
    unsigned char sig[crypto_sign_ed25519_BYTES], msg[crypto_hash_sha256_BYTES];
    if (!cp->key_id || strcmp(cp->key_id, id) != 0 || !cp->signature ||
        strlen(cp->signature) != CHANGELOG_SIGNATURE_HEX - 1 ||
        !from_hex(cp->signature, CHANGELOG_SIGNATURE_HEX - 1, sig, sizeof(sig)))
        return false;
    checkpoint_message(cp->seq, cp->hash, cp->at, msg);
    return crypto_sign_ed25519_verify_detached(sig, msg, sizeof(msg), pk) == 0;
}

void changelog_format_secret(const changelog_keypair *kp, char *buf, size_t size)
{
    char hex[CHANGELOG_SECRET_KEY * 2 + 1];
    to_hex(kp->sk, CHANGELOG_SECRET_KEY, hex, sizeof(hex));
    snprintf(buf, size, "%s%s\n", secret_prefix, hex);
    sodium_memzero(hex, sizeof(hex));
}

void changelog_format_public(const unsigned char pk[CHANGELOG_PUBLIC_KEY], char *buf, size_t size)
{
    char hex[CHANGELOG_PUBLIC_KEY * 2 + 1];
    to_hex(pk, CHANGELOG_PUBLIC_KEY, hex, sizeof(hex));
    snprintf(buf, size, "%s%s\n", public_prefix, hex);
}

/* After prefix: exactly n hex digits, then an optional line end, then nothing. */
static const char *key_body(const char *text, const char *prefix, size_t n)
{
    size_t plen = strlen(prefix);
    if (strncmp(text, prefix, plen) != 0)
        return NULL;
    const char *p = text + plen, *end = p + n;
    if (strlen(p) < n)
        return NULL;
    const char *rest = end;
    if (*rest == '\r')
        rest++;
    if (*rest == '\n')
        rest++;
    return *rest == '\0' ? p : NULL;
}

bool changelog_parse_secret(const char *text, changelog_keypair *out)
{
    crypto_ready();
    const char *hex = key_body(text, secret_prefix, CHANGELOG_SECRET_KEY * 2);
    if (!hex || !from_hex(hex, CHANGELOG_SECRET_KEY * 2, out->sk, CHANGELOG_SECRET_KEY))
        return false;
    /* The secret key is seed and public key: rebuild it from the seed to check both. */
    unsigned char seed[crypto_sign_ed25519_SEEDBYTES], sk[CHANGELOG_SECRET_KEY];
    crypto_sign_ed25519_sk_to_seed(seed, out->sk);
    crypto_sign_ed25519_seed_keypair(out->pk, sk, seed);
    bool same = sodium_memcmp(sk, out->sk, sizeof(sk)) == 0;
    sodium_memzero(seed, sizeof(seed));
    sodium_memzero(sk, sizeof(sk));
    if (!same)
        changelog_keypair_wipe(out);
    return same;
}

bool changelog_parse_public(const char *text, unsigned char out[CHANGELOG_PUBLIC_KEY])
{
    const char *hex = key_body(text, public_prefix, CHANGELOG_PUBLIC_KEY * 2);
    return hex && from_hex(hex, CHANGELOG_PUBLIC_KEY * 2, out, CHANGELOG_PUBLIC_KEY);
}

void changelog_keypair_wipe(changelog_keypair *kp)
{
    sodium_memzero(kp, sizeof(*kp));
}
