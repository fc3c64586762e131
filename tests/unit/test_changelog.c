/*
 * The change log's arithmetic (core/changelog.h), without a database: the
 * entry hash and its encoding, verification of chains built here and then
 * changed the ways an attacker would, redaction, signed checkpoints and key
 * files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/changelog.h"

/* --- a chain built in memory ------------------------------------------------- */

enum { CHAIN_MAX = 16 };

typedef struct chain {
    changelog_entry e[CHAIN_MAX];
    char content[CHAIN_MAX][96];
    char content_hash[CHAIN_MAX][CHANGELOG_HEX];
    char prev[CHAIN_MAX][CHANGELOG_HEX];
    char hash[CHAIN_MAX][CHANGELOG_HEX];
    char *redaction[CHAIN_MAX]; /* malloc'd redaction contents */
    size_t n;
} chain;

/* Seal entry i: its digest, its link to entry i-1, its hash. */
static void seal(chain *c, size_t i)
{
    changelog_entry *e = &c->e[i];
    if (e->content) {
        changelog_digest(e->content, strlen(e->content), c->content_hash[i]);
        e->content_hash = c->content_hash[i];
    }
    snprintf(c->prev[i], CHANGELOG_HEX, "%s", i ? c->hash[i - 1] : changelog_genesis);
    e->prev_hash = c->prev[i];
    changelog_entry_hash(e, c->hash[i]);
    e->hash = c->hash[i];
}

static void add(chain *c, const char *action, int64_t record_id, int64_t version, const char *actor)
{
    size_t i = c->n++;
    assert_true(i < CHAIN_MAX);
    snprintf(c->content[i], sizeof(c->content[i]), "{\"id\":\"ISS-%lld\",\"version\":%lld}",
             (long long)record_id, (long long)version);
    c->e[i] = (changelog_entry){.seq = (int64_t)i + 1,
                                .at = "2026-01-02T03:04:05.678Z",
                                .actor = actor,
                                .channel = "cli",
                                .kind = "context-issue",
                                .record_id = record_id,
                                .action = action,
                                .version = version,
                                .content = c->content[i]};
    seal(c, i);
}

static void chain_free(chain *c)
{
    for (size_t i = 0; i < CHAIN_MAX; i++) {
        free(c->redaction[i]);
        c->redaction[i] = NULL;
    }
}

/* Five entries: create, update, update, retire of ISS-1, and a create of ISS-2. */
static void five(chain *c)
{
    chain_free(c);
    memset(c, 0, sizeof(*c));
    add(c, CHANGELOG_CREATE, 1, 1, "alice");
    add(c, CHANGELOG_UPDATE, 1, 2, "bob");
    add(c, CHANGELOG_UPDATE, 1, 3, "alice");
    add(c, CHANGELOG_RETIRE, 1, 4, "carol");
    add(c, CHANGELOG_CREATE, 2, 1, "alice");
}

/* Verify entries in the given order (indexes into c, -1 ends); returns the verifier. */
static changelog_verifier verify_order(const chain *c, const int *order)
{
    changelog_verifier v;
    changelog_verify_init(&v);
    for (const int *i = order; *i >= 0; i++)
        if (!changelog_verify_next(&v, &c->e[*i]))
            break;
    changelog_verify_finish(&v);
    return v;
}

static changelog_verifier verify_all(const chain *c)
{
    int order[CHAIN_MAX + 1];
    for (size_t i = 0; i < c->n; i++)
        order[i] = (int)i;
    order[c->n] = -1;
    return verify_order(c, order);
}

#define ASSERT_VERDICT(v, problem_, seq_)                                                          \
    do {                                                                                           \
        changelog_verifier v_ = (v);                                                               \
        if (v_.problem != (problem_) || v_.bad_seq != (seq_))                                      \
            fail_msg("verdict %s at %lld, expected %s at %lld",                                    \
                     changelog_problem_name(v_.problem), (long long)v_.bad_seq,                    \
                     changelog_problem_name(problem_), (long long)(seq_));                         \
        changelog_verify_dispose(&v_);                                                             \
    } while (0)

/* ============================================================================= */

static void test_digest_is_sha256(void **state)
{
    (void)state;
    char h[CHANGELOG_HEX];
    changelog_digest("abc", 3, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    changelog_digest("", 0, h);
    assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_true(changelog_is_hash(h));
    assert_true(changelog_is_hash(changelog_genesis));
    assert_int_equal(strlen(changelog_genesis), 64);
    assert_false(changelog_is_hash("ABC"));
    assert_false(changelog_is_hash(NULL));
    assert_false(
        changelog_is_hash("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
    char longer[CHANGELOG_HEX + 1];
    snprintf(longer, sizeof(longer), "%s0", h);
    assert_false(changelog_is_hash(longer));
}

/* The documented encoding, computed independently (Python's hashlib) for this entry. */
static void test_entry_hash_matches_the_documented_encoding(void **state)
{
    (void)state;
    const char *content = "{\"id\":\"ISS-1\",\"title\":\"Cloud\"}";
    char ch[CHANGELOG_HEX], h[CHANGELOG_HEX];
    changelog_digest(content, strlen(content), ch);
    assert_string_equal(ch, "ef86f02a2ff8d91654826d2d93065e3d55766a613f216e0b2478a444357ca778");
    changelog_entry e = {.seq = 1,
                         .at = "2026-01-02T03:04:05.678Z",
                         .actor = "alice",
                         .channel = "cli",
                         .kind = "context-issue",
                         .record_id = 12,
                         .action = "create",
                         .version = 1,
                         .content = content,
                         .content_hash = ch,
                         .prev_hash = changelog_genesis,
                         .hash = "ignored"};
    changelog_entry_hash(&e, h);
    assert_string_equal(h, "905e5fc41b07985de7d8bcfc8c64c2fe078204d7074f169c1b57dd7bf23d1f76");
    /* The content itself is not hashed, only its digest: redaction keeps the hash. */
    e.content = NULL;
    char again[CHANGELOG_HEX];
    changelog_entry_hash(&e, again);
    assert_string_equal(again, h);
}

static void test_every_field_changes_the_hash(void **state)
{
    (void)state;
    changelog_entry base = {.seq = 7,
                            .at = "2026-01-02T03:04:05.678Z",
                            .actor = "alice",
                            .channel = "web",
                            .kind = "process",
                            .record_id = 3,
                            .action = "update",
                            .version = 2,
                            .content_hash = "c0ffee",
                            .prev_hash = changelog_genesis};
    char h0[CHANGELOG_HEX], h[CHANGELOG_HEX];
    changelog_entry_hash(&base, h0);
    changelog_entry variants[10];
    for (size_t i = 0; i < 10; i++)
        variants[i] = base;
    variants[0].seq = 8;
    variants[1].at = "2026-01-02T03:04:05.679Z";
    variants[2].actor = "alicf";
    variants[3].channel = "api";
    variants[4].kind = "processes";
    variants[5].record_id = 4;
    variants[6].action = "retire";
    variants[7].version = 3;
    variants[8].content_hash = "c0ffef";
    variants[9].prev_hash = "1";
    for (size_t i = 0; i < 10; i++) {
        changelog_entry_hash(&variants[i], h);
        if (strcmp(h, h0) == 0)
            fail_msg("variant %zu hashes like the original", i);
    }
}

/* Moving bytes from one field to the next, or swapping numbers, never gives the same hash. */
static void test_encoding_is_unambiguous(void **state)
{
    (void)state;
    changelog_entry a = {.seq = 1,
                         .at = "t",
                         .actor = "ab",
                         .channel = "c",
                         .kind = "k",
                         .record_id = 2,
                         .action = "create",
                         .version = 1,
                         .content_hash = "x",
                         .prev_hash = "p"};
    changelog_entry b = a;
    b.actor = "a";
    b.channel = "bc";
    char ha[CHANGELOG_HEX], hb[CHANGELOG_HEX];
    changelog_entry_hash(&a, ha);
    changelog_entry_hash(&b, hb);
    assert_string_not_equal(ha, hb);
    b = a;
    b.kind = "";
    b.action = "kcreate";
    changelog_entry_hash(&b, hb);
    assert_string_not_equal(ha, hb);
    b = a;
    b.seq = 2;
    b.record_id = 1;
    changelog_entry_hash(&b, hb);
    assert_string_not_equal(ha, hb);
    b = a;
    b.at = "";
    b.prev_hash = "pt"; /* the bytes of two neighbours, merged */
    changelog_entry_hash(&b, hb);
    assert_string_not_equal(ha, hb);
}

static void test_intact_chain_verifies(void **state)
{
    (void)state;
    chain c = {0};
    five(&c);
    changelog_verifier v = verify_all(&c);
    assert_int_equal(v.problem, CHANGELOG_OK);
    assert_int_equal(v.count, 5);
    assert_int_equal(v.last_seq, 5);
    assert_string_equal(v.last_hash, c.hash[4]);
    changelog_verify_dispose(&v);
    /* An empty log verifies too, at the genesis. */
    changelog_verify_init(&v);
    changelog_verify_finish(&v);
    assert_int_equal(v.problem, CHANGELOG_OK);
    assert_int_equal(v.last_seq, 0);
    assert_string_equal(v.last_hash, changelog_genesis);
    changelog_verify_dispose(&v);
    chain_free(&c);
}

static void test_changed_field_is_found(void **state)
{
    (void)state;
    chain c = {0};
    five(&c);
    c.e[2].actor = "mallory"; /* (a) edit an entry's actor */
    ASSERT_VERDICT(verify_all(&c), CHANGELOG_ENTRY_CHANGED, 3);
    five(&c);
    c.e[1].version = 9;
    ASSERT_VERDICT(verify_all(&c), CHANGELOG_ENTRY_CHANGED, 2);
    five(&c);
    c.e[4].hash = "not a hash";
    ASSERT_VERDICT(verify_all(&c), CHANGELOG_ENTRY_CHANGED, 5);
    chain_free(&c);
}

static void test_changed_content_is_found(void **state)
{
    (void)state;
    chain c = {0};
    five(&c);
    c.content[1][8] = 'X'; /* (b) edit a content, not its digest */
    ASSERT_VERDICT(verify_all(&c), CHANGELOG_CONTENT_CHANGED, 2);
    /* With a recomputed digest the entry's own hash no longer matches. */
    changelog_digest(c.content[1], strlen(c.content[1]), c.content_hash[1]);
    ASSERT_VERDICT(verify_all(&c), CHANGELOG_ENTRY_CHANGED, 2);
    chain_free(&c);
}

static void test_removed_entry_is_found(void **state)
{
    (void)state;
    chain c = {0};
    five(&c);
    ASSERT_VERDICT(verify_order(&c, (const int[]){0, 1, 3, 4, -1}), CHANGELOG_REMOVED, 3);
    ASSERT_VERDICT(verify_order(&c, (const int[]){1, 2, 3, 4, -1}), CHANGELOG_REMOVED, 1);
    /* Removed and renumbered: entry 4 now claims to be 3, and does not follow 2. */
    five(&c);
    c.e[3].seq = 3;
    c.e[4].seq = 4;
    ASSERT_VERDICT(verify_order(&c, (const int[]){0, 1, 3, 4, -1}), CHANGELOG_OUT_OF_ORDER, 3);
    chain_free(&c);
}

static void test_reordered_entries_are_found(void **state)
{
    (void)state;
    chain c = {0};
    five(&c);
    /* (d) swap the data of entries 3 and 4, keeping their numbers. */
    changelog_entry third = c.e[2];
    c.e[2] = c.e[3];
    c.e[3] = third;
    c.e[2].seq = 3;
    c.e[3].seq = 4;
    ASSERT_VERDICT(verify_all(&c), CHANGELOG_OUT_OF_ORDER, 3);
    /* An entry inserted with a correct hash of its own still does not follow. */
    five(&c);
    c.e[2].prev_hash = c.hash[0];
    changelog_entry_hash(&c.e[2], c.hash[2]);
    ASSERT_VERDICT(verify_all(&c), CHANGELOG_OUT_OF_ORDER, 3);
    /* The first entry must start at the genesis. */
    five(&c);
    c.e[0].prev_hash = c.hash[4];
    ASSERT_VERDICT(verify_all(&c), CHANGELOG_OUT_OF_ORDER, 1);
    /* Given twice. */
    five(&c);
    ASSERT_VERDICT(verify_order(&c, (const int[]){0, 1, 1, -1}), CHANGELOG_OUT_OF_ORDER, 2);
    chain_free(&c);
}

/* (e) A tail rewritten consistently verifies: only a record kept elsewhere tells. */
static void test_consistent_rewrite_verifies(void **state)
{
    (void)state;
    chain c = {0};
    five(&c);
    char old_last[CHANGELOG_HEX];
    snprintf(old_last, sizeof(old_last), "%s", c.hash[4]);
    c.e[2].actor = "mallory";
    for (size_t i = 2; i < c.n; i++)
        seal(&c, i);
    changelog_verifier v = verify_all(&c);
    assert_int_equal(v.problem, CHANGELOG_OK);
    assert_string_not_equal(v.last_hash, old_last); /* what a checkpoint would catch */
    changelog_verify_dispose(&v);
    chain_free(&c);
}

static void redact(chain *c, size_t target, const char *reason)
{
    c->e[target].content = NULL;
    size_t i = c->n;
    add(c, CHANGELOG_REDACT, c->e[target].record_id, c->e[target].version, "dpo");
    c->redaction[i] = changelog_redaction_content(c->e[target].seq, reason);
    c->e[i].content = c->redaction[i];
    seal(c, i);
}

static void test_redaction_keeps_the_chain_valid(void **state)
{
    (void)state;
    chain c = {0};
    five(&c);
    redact(&c, 1, "personal data past its retention");
    changelog_verifier v = verify_all(&c);
    assert_int_equal(v.problem, CHANGELOG_OK);
    assert_int_equal(v.count, 6);
    changelog_verify_dispose(&v);
    int64_t target = 0;
    assert_true(changelog_redaction_target(c.e[5].content, &target));
    assert_int_equal(target, 2);
    /* A second redaction, of the last entry before it. */
    redact(&c, 4, "asked for by the person (GDPR art. 17), \"erase\"");
    v = verify_all(&c);
    assert_int_equal(v.problem, CHANGELOG_OK);
    changelog_verify_dispose(&v);
    chain_free(&c);
}

static void test_content_removed_without_redaction_is_found(void **state)
{
    (void)state;
    chain c = {0};
    five(&c);
    c.e[3].content = NULL; /* allowed by the trigger, but not logged */
    ASSERT_VERDICT(verify_all(&c), CHANGELOG_CONTENT_REMOVED, 4);
    /* A redaction entry naming another entry does not excuse it. */
    five(&c);
    redact(&c, 1, "retention");
    c.e[3].content = NULL;
    ASSERT_VERDICT(verify_all(&c), CHANGELOG_CONTENT_REMOVED, 4);
    /* Nor does one whose own content is gone. */
    five(&c);
    redact(&c, 1, "retention");
    c.e[5].content = NULL;
    ASSERT_VERDICT(verify_all(&c), CHANGELOG_CONTENT_REMOVED, 2);
    chain_free(&c);
}

static void test_redaction_content(void **state)
{
    (void)state;
    char *s = changelog_redaction_content(57, "a \"quoted\" reason\nwith a line");
    int64_t seq = 0;
    assert_true(changelog_redaction_target(s, &seq));
    assert_int_equal(seq, 57);
    free(s);
    assert_false(changelog_redaction_target("{\"id\":\"ISS-1\"}", &seq));
    assert_false(changelog_redaction_target("{\"redacts\":0}", &seq));
    assert_false(changelog_redaction_target("{\"redacts\":\"5\"}", &seq));
    assert_false(changelog_redaction_target("not json", &seq));
    assert_false(changelog_redaction_target(NULL, &seq));
    assert_true(changelog_action_known("create"));
    assert_true(changelog_action_known("baseline"));
    assert_false(changelog_action_known("erase"));
    assert_false(changelog_action_known(NULL));
    assert_string_equal(changelog_problem_name(CHANGELOG_CONTENT_CHANGED), "content_changed");
    assert_non_null(strstr(changelog_problem_text(CHANGELOG_REMOVED), "removed"));
}

/* --- checkpoints and keys ------------------------------------------------------ */

static void test_checkpoint_signatures(void **state)
{
    (void)state;
    changelog_keypair kp, other;
    changelog_keygen(&kp);
    changelog_keygen(&other);
    char sig[CHANGELOG_SIGNATURE_HEX], id[CHANGELOG_KEY_ID], other_id[CHANGELOG_KEY_ID];
    const char *hash = "905e5fc41b07985de7d8bcfc8c64c2fe078204d7074f169c1b57dd7bf23d1f76";
    changelog_sign(&kp, 42, hash, "2026-01-02T03:04:05.678Z", sig);
    changelog_key_id(kp.pk, id);
    changelog_key_id(other.pk, other_id);
    assert_int_equal(strlen(sig), 128);
    assert_int_equal(strlen(id), 16);
    assert_string_not_equal(id, other_id);
    changelog_checkpoint cp = {
        .seq = 42, .hash = hash, .at = "2026-01-02T03:04:05.678Z", .key_id = id, .signature = sig};
    assert_true(changelog_checkpoint_valid(kp.pk, &cp));
    assert_false(changelog_checkpoint_valid(other.pk, &cp));
    changelog_checkpoint bad = cp;
    bad.seq = 43;
    assert_false(changelog_checkpoint_valid(kp.pk, &bad));
    bad = cp;
    bad.hash = "005e5fc41b07985de7d8bcfc8c64c2fe078204d7074f169c1b57dd7bf23d1f76";
    assert_false(changelog_checkpoint_valid(kp.pk, &bad));
    bad = cp;
    bad.at = "2026-01-02T03:04:05.679Z";
    assert_false(changelog_checkpoint_valid(kp.pk, &bad));
    bad = cp;
    bad.key_id = other_id;
    assert_false(changelog_checkpoint_valid(kp.pk, &bad));
    char forged[CHANGELOG_SIGNATURE_HEX];
    snprintf(forged, sizeof(forged), "%s", sig);
    forged[10] = forged[10] == '0' ? '1' : '0';
    bad = cp;
    bad.signature = forged;
    assert_false(changelog_checkpoint_valid(kp.pk, &bad));
    bad.signature = "abcd";
    assert_false(changelog_checkpoint_valid(kp.pk, &bad));
    forged[10] = 'z';
    bad.signature = forged;
    assert_false(changelog_checkpoint_valid(kp.pk, &bad));
    /* Signed by the other key under its own id: valid for that key only. */
    changelog_sign(&other, 42, hash, cp.at, sig);
    bad = cp;
    bad.key_id = other_id;
    assert_true(changelog_checkpoint_valid(other.pk, &bad));
    assert_false(changelog_checkpoint_valid(kp.pk, &bad));
    changelog_keypair_wipe(&kp);
    changelog_keypair_wipe(&other);
}

static void test_key_files(void **state)
{
    (void)state;
    changelog_keypair kp, back;
    changelog_keygen(&kp);
    char stext[CHANGELOG_KEY_FILE_MAX], ptext[CHANGELOG_KEY_FILE_MAX];
    changelog_format_secret(&kp, stext, sizeof(stext));
    changelog_format_public(kp.pk, ptext, sizeof(ptext));
    assert_int_equal(strncmp(stext, "isms-log-secret-key ", 20), 0);
    assert_int_equal(strncmp(ptext, "isms-log-public-key ", 20), 0);
    assert_int_equal(strlen(stext), 20 + 128 + 1);
    assert_int_equal(strlen(ptext), 20 + 64 + 1);
    assert_true(changelog_parse_secret(stext, &back));
    assert_memory_equal(back.sk, kp.sk, CHANGELOG_SECRET_KEY);
    assert_memory_equal(back.pk, kp.pk, CHANGELOG_PUBLIC_KEY);
    unsigned char pk[CHANGELOG_PUBLIC_KEY];
    assert_true(changelog_parse_public(ptext, pk));
    assert_memory_equal(pk, kp.pk, CHANGELOG_PUBLIC_KEY);
    /* Without the newline, and with CRLF. */
    char line[CHANGELOG_KEY_FILE_MAX];
    snprintf(line, sizeof(line), "%.*s", (int)strlen(ptext) - 1, ptext);
    assert_true(changelog_parse_public(line, pk));
    snprintf(line, sizeof(line), "%.*s\r\n", (int)strlen(ptext) - 1, ptext);
    assert_true(changelog_parse_public(line, pk));
    /* Refused: the other kind of file, extra text, short or bad hex, a damaged secret key. */
    assert_false(changelog_parse_public(stext, pk));
    assert_false(changelog_parse_secret(ptext, &back));
    snprintf(line, sizeof(line), "%s\n", ptext);
    assert_false(changelog_parse_public(line, pk));
    snprintf(line, sizeof(line), "%sx", ptext);
    assert_false(changelog_parse_public(line, pk));
    snprintf(line, sizeof(line), "%.*s\n", (int)strlen(ptext) - 3, ptext);
    assert_false(changelog_parse_public(line, pk));
    snprintf(line, sizeof(line), "%s", ptext);
    line[30] = 'g';
    assert_false(changelog_parse_public(line, pk));
    assert_false(changelog_parse_public("", pk));
    snprintf(line, sizeof(line), "%s", stext);
    line[20 + 127] = line[20 + 127] == '0' ? '1' : '0'; /* the public half no longer matches */
    assert_false(changelog_parse_secret(line, &back));
    changelog_keypair_wipe(&kp);
    unsigned char zero[sizeof(kp)] = {0};
    assert_memory_equal(&kp, zero, sizeof(kp));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digest_is_sha256),
        cmocka_unit_test(test_entry_hash_matches_the_documented_encoding),
        cmocka_unit_test(test_every_field_changes_the_hash),
        cmocka_unit_test(test_encoding_is_unambiguous),
        cmocka_unit_test(test_intact_chain_verifies),
        cmocka_unit_test(test_changed_field_is_found),
        cmocka_unit_test(test_changed_content_is_found),
        cmocka_unit_test(test_removed_entry_is_found),
        cmocka_unit_test(test_reordered_entries_are_found),
        cmocka_unit_test(test_consistent_rewrite_verifies),
        cmocka_unit_test(test_redaction_keeps_the_chain_valid),
        cmocka_unit_test(test_content_removed_without_redaction_is_found),
        cmocka_unit_test(test_redaction_content),
        cmocka_unit_test(test_checkpoint_signatures),
        cmocka_unit_test(test_key_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
