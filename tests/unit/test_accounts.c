/*
 * Unit tests of the account building blocks: Argon2id password hashing and
 * its cost presets and concurrency bound (core/password), secret tokens
 * (core/token), roles and the permission check (core/roles), and the
 * account rules shared by the faces (core/accounts).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/accounts.h"
#include "core/password.h"
#include "core/roles.h"
#include "core/token.h"

static void test_password_hash_and_verify(void **state)
{
    (void)state;
    isms_status st;
    status_clear(&st);
    char h1[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];
    assert_int_equal(password_hash(PASSWORD_COST_TEST, "correct horse battery", h1, &st), ISMS_OK);
    assert_int_equal(password_hash(PASSWORD_COST_TEST, "correct horse battery", h2, &st), ISMS_OK);
    assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
    assert_string_not_equal(h1, h2); /* salted */
    assert_true(password_verify(h1, "correct horse battery"));
    assert_true(password_verify(h2, "correct horse battery"));
    assert_false(password_verify(h1, "correct horse batterY"));
    assert_false(password_verify(h1, ""));
    assert_false(password_verify("not a hash", "correct horse battery"));
    password_verify_dummy(PASSWORD_COST_TEST, "anything at all");
}

static void test_password_cost_presets(void **state)
{
    (void)state;
    password_cost c;
    assert_true(password_cost_parse("interactive", &c));
    assert_int_equal(c, PASSWORD_COST_INTERACTIVE);
    assert_true(password_cost_parse("moderate", &c));
    assert_int_equal(c, PASSWORD_COST_MODERATE);
    assert_true(password_cost_parse("test", &c));
    assert_int_equal(c, PASSWORD_COST_TEST);
    assert_false(password_cost_parse("cheap", &c));
    assert_false(password_cost_parse("", &c));
    assert_string_equal(password_cost_name(PASSWORD_COST_TEST), "test");
    /* The cost is in the hash: m= (KiB) and t= (passes) of the preset. */
    isms_status st;
    status_clear(&st);
    char h[PASSWORD_HASH_MAX];
    assert_int_equal(password_hash(PASSWORD_COST_TEST, "a long enough password", h, &st), ISMS_OK);
    assert_non_null(strstr(h, "$m=8,t=1,"));
    assert_int_equal(password_hash(PASSWORD_COST_INTERACTIVE, "a long enough password", h, &st),
                     ISMS_OK);
    assert_non_null(strstr(h, "$m=65536,t=2,"));
    /* A hash of one cost verifies whatever the cost in use now. */
    assert_true(password_verify(h, "a long enough password"));
}

static void test_password_acceptable(void **state)
{
    (void)state;
    char why[128];
    assert_true(password_acceptable("ten chars!", why, sizeof(why)));
    assert_true(password_acceptable("éééééééééé", why, sizeof(why))); /* characters, not bytes */
    assert_false(password_acceptable("nine char", why, sizeof(why)));
    assert_non_null(strstr(why, "shorter than 10"));
    assert_false(password_acceptable("tab\there is bad", why, sizeof(why)));
    assert_non_null(strstr(why, "control"));
    assert_false(password_acceptable("\xff\xfe not utf-8 at all", why, sizeof(why)));
    char big[PASSWORD_MAX_BYTES + 2];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_false(password_acceptable(big, why, sizeof(why)));
    big[PASSWORD_MAX_BYTES] = '\0';
    assert_true(password_acceptable(big, why, sizeof(why)));
}

static void *hash_once(void *arg)
{
    (void)arg;
    isms_status st;
    status_clear(&st);
    char h[PASSWORD_HASH_MAX];
    for (int i = 0; i < 3; i++)
        if (password_hash(PASSWORD_COST_TEST, "concurrent password", h, &st) != ISMS_OK ||
            !password_verify(h, "concurrent password"))
            return (void *)1;
    return NULL;
}

static void test_password_at_most_two_at_once(void **state)
{
    (void)state;
    enum { N = 8 };
    pthread_t t[N];
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hash_once, NULL), 0);
    for (int i = 0; i < N; i++) {
        void *rc;
        pthread_join(t[i], &rc);
        assert_null(rc);
    }
    assert_true(password_peak_concurrency() >= 1);
    assert_true(password_peak_concurrency() <= PASSWORD_CONCURRENT);
}

static void test_tokens(void **state)
{
    (void)state;
    char a[TOKEN_TEXT_LEN + 1], b[TOKEN_TEXT_LEN + 1], api[TOKEN_API_LEN + 1];
    token_new(a);
    token_new(b);
    assert_int_equal(strlen(a), 43);
    assert_string_not_equal(a, b);
    for (const char *p = a; *p; p++)
        assert_non_null(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    assert_true(token_well_formed(a));
    token_api_new(api);
    assert_int_equal(strlen(api), 48);
    assert_int_equal(strncmp(api, "isms_", 5), 0);
    assert_true(token_api_well_formed(api));
    assert_false(token_api_well_formed(a));
    assert_false(token_well_formed(api));
    assert_false(token_well_formed(""));
    assert_false(token_well_formed("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));   /* 42 */
    assert_false(token_well_formed("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")); /* 44 */
    assert_false(token_well_formed("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    assert_false(token_well_formed("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+"));
    /* SHA-256 in hex: the known digest of "abc". */
    char h[TOKEN_HASH_LEN + 1];
    token_hash("abc", h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    token_hash(a, h);
    assert_int_equal(strlen(h), 64);
    assert_true(token_equal(a, a));
    assert_false(token_equal(a, b));
    assert_false(token_equal(a, "short"));
}

static void test_roles(void **state)
{
    (void)state;
    unsigned r;
    char bad[40], text[ROLES_TEXT_MAX];
    assert_true(roles_parse_list("admin, manager", &r, bad, sizeof(bad)));
    assert_int_equal(r, UR_ADMIN | UR_MANAGER);
    assert_string_equal(roles_format(r, text, sizeof(text)), "admin, manager");
    assert_true(roles_parse_list("viewer", &r, bad, sizeof(bad)));
    assert_false(roles_parse_list("viewer,boss", &r, bad, sizeof(bad)));
    assert_string_equal(bad, "boss");
    assert_false(roles_parse_list("", &r, bad, sizeof(bad)));
    assert_false(roles_parse_list("admin,,viewer", &r, bad, sizeof(bad)));
    assert_string_equal(roles_format(0, text, sizeof(text)), "none");
    assert_string_equal(roles_format(UR_ALL, text, sizeof(text)),
                        "admin, manager, contributor, auditor, viewer");
}

static void test_permissions(void **state)
{
    (void)state;
    /* Each permission for nobody and each single role: the table of docs/SECURITY.md. */
    static const struct {
        isms_permission p;
        bool nobody, none, admin, manager, contributor, auditor, viewer;
    } want[] = {
        {PERM_OPEN, 1, 1, 1, 1, 1, 1, 1},  {PERM_SELF, 0, 1, 1, 1, 1, 1, 1},
        {PERM_READ, 0, 0, 1, 1, 1, 1, 1},  {PERM_WRITE, 0, 0, 0, 1, 1, 0, 0},
        {PERM_ADMIN, 0, 0, 1, 0, 0, 0, 0}, {PERM_UNSET, 0, 0, 0, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        isms_principal p = {1, "u", 0, 0, AUTH_TOKEN};
        assert_int_equal(roles_permit(NULL, want[i].p), want[i].nobody);
        isms_principal anon = {0};
        assert_int_equal(roles_permit(&anon, want[i].p), want[i].nobody);
        assert_int_equal(roles_permit(&p, want[i].p), want[i].none);
        const bool by_role[] = {want[i].admin, want[i].manager, want[i].contributor,
                                want[i].auditor, want[i].viewer};
        for (unsigned b = 0; b < UR_COUNT; b++) {
            p.roles = 1u << b;
            assert_int_equal(roles_permit(&p, want[i].p), by_role[b]);
        }
    }
    /* Tokens: the owner's roles, one of them, or viewer whatever the owner holds. */
    assert_int_equal(roles_of_token(UR_ADMIN | UR_MANAGER, "owner"), UR_ADMIN | UR_MANAGER);
    assert_int_equal(roles_of_token(UR_ADMIN | UR_MANAGER, "manager"), UR_MANAGER);
    assert_int_equal(roles_of_token(UR_VIEWER, "manager"), 0u); /* lost the role since */
    assert_int_equal(roles_of_token(UR_MANAGER, "viewer"), UR_VIEWER);
    assert_int_equal(roles_of_token(UR_MANAGER, "boss"), 0u);
}

static void test_contributor_changes_own(void **state)
{
    (void)state;
    static const isms_field fields[] = {
        {.name = "title", .label = "Title", .type = FT_TEXT, .role = ROLE_TITLE, .max_len = 10},
        {.name = "owner", .label = "Owner", .type = FT_TEXT, .role = ROLE_OWNER, .max_len = 10},
    };
    static const isms_kind k = {.name = "thing", .prefix = "TH", .fields = fields, .nfields = 2};
    isms_value values[2] = {{0}};
    isms_record rec = {.kind = &k, .id = 3, .created_by = "conny", .values = values};
    char why[256];
    isms_principal conny = {2, "conny", UR_CONTRIBUTOR, 0, AUTH_TOKEN};
    isms_principal other = {3, "otto", UR_CONTRIBUTOR, 0, AUTH_TOKEN};
    isms_principal boss = {4, "mona", UR_MANAGER, 0, AUTH_TOKEN};
    isms_principal reader = {5, "vera", UR_VIEWER | UR_AUDITOR, 0, AUTH_TOKEN};
    assert_true(roles_may_change(&conny, &rec, why, sizeof(why)));
    assert_false(roles_may_change(&other, &rec, why, sizeof(why)));
    assert_non_null(strstr(why, "TH-3 was created by conny"));
    assert_true(roles_may_change(&boss, &rec, why, sizeof(why)));
    assert_false(roles_may_change(&reader, &rec, why, sizeof(why)));
}

static void test_account_rules(void **state)
{
    (void)state;
    char why[128], at[32];
    assert_true(account_name_ok("alice", why, sizeof(why)));
    assert_true(account_name_ok("Carol Müller", why, sizeof(why)));
    assert_false(account_name_ok("", why, sizeof(why)));
    assert_false(account_name_ok(" alice", why, sizeof(why)));
    assert_false(account_name_ok("al\nice", why, sizeof(why)));
    isms_status st;
    status_clear(&st);
    assert_int_equal(account_expiry_parse("2999-01-02", "expires", at, &st), ISMS_OK);
    assert_string_equal(at, "2999-01-02T00:00:00.000Z");
    assert_int_equal(account_expiry_parse("2999-01-02T03:04:05Z", "expires", at, &st), ISMS_OK);
    assert_string_equal(at, "2999-01-02T03:04:05.000Z");
    assert_int_equal(account_expiry_parse("2001-01-01", "expires", at, &st), ISMS_EINVALID);
    assert_string_equal(st.fields[0].field, "expires");
    status_clear(&st);
    assert_int_equal(account_expiry_parse("tomorrow", "expires", at, &st), ISMS_EINVALID);
    status_clear(&st);
    const char *role;
    assert_int_equal(account_token_role(UR_MANAGER, NULL, "role", &role, &st), ISMS_OK);
    assert_string_equal(role, "owner");
    assert_int_equal(account_token_role(UR_MANAGER, "viewer", "role", &role, &st), ISMS_OK);
    assert_string_equal(role, "viewer");
    assert_int_equal(account_token_role(UR_VIEWER, "manager", "role", &role, &st), ISMS_EINVALID);
    assert_string_equal(st.fields[0].field, "role");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_hash_and_verify),
        cmocka_unit_test(test_password_cost_presets),
        cmocka_unit_test(test_password_acceptable),
        cmocka_unit_test(test_password_at_most_two_at_once),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_contributor_changes_own),
        cmocka_unit_test(test_account_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
