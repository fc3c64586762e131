/*
 * Unit tests for the registry: the product's registry and the fixture pass
 * registry_check, the clause reference data is in the standard's order, and
 * registry_check catches the mistakes a kind table can hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clauses.h"
#include "core/kinds/kinds.h"
#include "core/registry.h"
#include "support/fixture.h"

/* ---- the product's registry ---- */

static void test_default_registry_passes_check(void **state)
{
    (void)state;
    isms_status st;
    st.code = ISMS_ESTORE; /* registry_check clears it */
    assert_true(registry_check(registry_default(), &st));
    assert_int_equal(st.code, ISMS_OK);
    assert_string_equal(st.detail, "");
}

static void test_fixture_registry_passes_check(void **state)
{
    (void)state;
    isms_status st;
    if (!registry_check(fixture_registry(), &st))
        fail_msg("fixture registry: %s", st.detail);
    assert_int_equal(st.code, ISMS_OK);
    assert_int_equal(fixture_registry()->nkinds, 3);
}

static void test_default_registry_kinds_in_order(void **state)
{
    (void)state;
    const isms_registry *reg = registry_default();
    static const char *const names[] = {
        "context-issue", "climate-decision", "interested-party", "requirement",
        "scope-item",    "process",          "person",           "isms-risk",
        "risk-method",   "asset",            "risk",             "risk-action",
        "risk-acceptance", "risk-campaign",  "risk-review"};
    static const char *const clause[] = {"4.1",   "4.1",   "4.2",   "4.2",   "4.3",
                                         "4.4",   "5.3",   "6.1.1", "6.1.2", "6.1.2",
                                         "6.1.2", "6.1.3", "6.1.3", "8.2",   "8.2"};
    assert_int_equal(reg->nkinds, 15);
    for (size_t i = 0; i < reg->nkinds; i++) {
        assert_string_equal(reg->kinds[i]->name, names[i]);
        assert_string_equal(reg->kinds[i]->clause, clause[i]);
    }
    assert_ptr_equal(reg->kinds[0], &kind_context_issue);
    assert_ptr_equal(reg->kinds[5], &kind_process);
    assert_ptr_equal(reg->kinds[6], &kind_person);
}

/* Position of a clause id in clauses_all(), or -1. */
static long clause_index(const char *id)
{
    size_t n;
    const isms_clause *all = clauses_all(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].id, id) == 0)
            return (long)i;
    return -1;
}

static void test_every_kind_clause_exists(void **state)
{
    (void)state;
    const isms_registry *reg = registry_default();
    long prev = -1;
    for (size_t i = 0; i < reg->nkinds; i++) {
        const isms_kind *k = reg->kinds[i];
        const isms_clause *c = clause_find(k->clause);
        if (!c)
            fail_msg("kind %s serves unknown clause %s", k->name, k->clause);
        assert_string_equal(c->id, k->clause);
        long at = clause_index(k->clause);
        assert_true(at >= 0);
        /* Navigation order follows the clauses. */
        assert_true(at >= prev);
        prev = at;
    }
    /* The fixture's kinds use real clauses too. */
    for (size_t i = 0; i < fixture_registry()->nkinds; i++)
        assert_non_null(clause_find(fixture_registry()->kinds[i]->clause));
}

/* Compare dotted clause ids numerically: "4.4" < "5" < "6.1.2" < "10". */
static int clause_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        char *ea, *eb;
        long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
        if (x != y)
            return x < y ? -1 : 1;
        a = *ea == '.' ? ea + 1 : ea;
        b = *eb == '.' ? eb + 1 : eb;
    }
    return *a ? 1 : *b ? -1 : 0;
}

static void test_clauses_in_standard_order(void **state)
{
    (void)state;
    size_t n = 0;
    const isms_clause *all = clauses_all(&n);
    assert_int_equal(n, 41);
    assert_string_equal(all[0].id, "4");
    assert_null(all[0].parent);
    assert_int_equal(all[0].level, 1);
    assert_string_equal(all[0].title, "Context of the organization");
    assert_string_equal(all[1].id, "4.1");
    assert_string_equal(all[1].parent, "4");
    assert_int_equal(all[1].level, 2);
    assert_string_equal(all[1].title, "Understanding the organization and its context");
    assert_string_equal(all[2].id, "4.2");
    assert_string_equal(all[n - 1].id, "10.2");

    size_t top = 0;
    for (size_t i = 0; i < n; i++) {
        const isms_clause *c = &all[i];
        assert_non_null(c->title);
        assert_true(c->title[0] != '\0');
        int dots = 0;
        for (const char *p = c->id; *p; p++)
            dots += *p == '.';
        assert_int_equal(c->level, dots + 1);
        if (c->level == 1) {
            assert_null(c->parent);
            top++;
        } else {
            /* The parent is the id without its last part, and comes earlier. */
            assert_non_null(c->parent);
            const char *last = strrchr(c->id, '.');
            assert_int_equal(strlen(c->parent), (size_t)(last - c->id));
            assert_memory_equal(c->parent, c->id, strlen(c->parent));
            long p = clause_index(c->parent);
            assert_true(p >= 0 && (size_t)p < i);
        }
        if (i > 0 && clause_cmp(all[i - 1].id, c->id) >= 0)
            fail_msg("clause %s comes after %s", c->id, all[i - 1].id);
    }
    assert_int_equal(top, 7);

    const isms_clause *c = clause_find("6.1.2");
    assert_non_null(c);
    assert_int_equal(c->level, 3);
    assert_string_equal(c->parent, "6.1");
    assert_null(clause_find("11"));
    assert_null(clause_find("4.5"));
    assert_null(clause_find(""));
    /* Parsed once: the same table every time. */
    size_t n2;
    assert_ptr_equal(clauses_all(&n2), all);
    assert_int_equal(n2, n);
}

static void test_names_and_prefixes_unique(void **state)
{
    (void)state;
    const isms_registry *regs[] = {registry_default(), fixture_registry()};
    for (size_t r = 0; r < 2; r++) {
        const isms_registry *reg = regs[r];
        for (size_t i = 0; i < reg->nkinds; i++) {
            const isms_kind *a = reg->kinds[i];
            for (size_t j = i + 1; j < reg->nkinds; j++) {
                const isms_kind *b = reg->kinds[j];
                assert_string_not_equal(a->name, b->name);
                assert_string_not_equal(a->plural, b->plural);
                assert_string_not_equal(a->table, b->table);
                assert_string_not_equal(a->prefix, b->prefix);
            }
            for (size_t f = 0; f < a->nfields; f++)
                for (size_t g = f + 1; g < a->nfields; g++)
                    assert_string_not_equal(a->fields[f].name, a->fields[g].name);
        }
    }
}

static void test_each_kind_has_required_title(void **state)
{
    (void)state;
    const isms_registry *reg = registry_default();
    for (size_t i = 0; i < reg->nkinds; i++) {
        const isms_kind *k = reg->kinds[i];
        const isms_field *t = kind_role_field(k, ROLE_TITLE);
        if (!t)
            fail_msg("kind %s has no title", k->name);
        /* A person is known by their name; every other record by its title. */
        const char *name = k == &kind_person ? "name" : "title";
        assert_string_equal(t->name, name);
        assert_int_equal(t->type, FT_TEXT);
        /* A signature or an answer is titled by isms from what it records. */
        bool derived = k == &kind_risk_acceptance || k == &kind_risk_review;
        assert_true(t->flags & (derived ? FF_DERIVED : FF_REQUIRED));
        assert_true(t->max_len >= 1 && t->max_len <= FIELD_MAX_LEN_LIMIT);
        assert_ptr_equal(kind_field(k, name), t);
    }
}

/* Owners are people (clause 5.3): a reference to a person, sortable and filterable. */
static void test_every_owner_is_a_person(void **state)
{
    (void)state;
    const isms_registry *reg = registry_default();
    size_t owners = 0;
    for (size_t i = 0; i < reg->nkinds; i++) {
        const isms_kind *k = reg->kinds[i];
        const isms_field *o = kind_field(k, "owner");
        assert_ptr_equal(kind_role_field(k, ROLE_OWNER), o);
        if (!o)
            continue;
        owners++;
        assert_int_equal(o->type, FT_REF);
        assert_ptr_equal(o->target, &kind_person);
        assert_true(o->flags & FF_SORTABLE);
        assert_true(o->flags & FF_FILTERABLE);
        assert_true(o->flags & FF_LISTED);
    }
    assert_int_equal(owners, 8); /* clause 4: 4; clause 6: isms-risk, asset, risk, risk-action */
    assert_true(kind_field(&kind_process, "owner")->flags & FF_REQUIRED);
    assert_false(kind_field(&kind_context_issue, "owner")->flags & FF_REQUIRED);
    /* The person kind: served at /people, its manager a person, top management a flag. */
    assert_ptr_equal(registry_kind_by_plural(reg, "people"), &kind_person);
    assert_ptr_equal(registry_kind_by_prefix(reg, "PER", 3), &kind_person);
    assert_string_equal(kind_person.clause, "5.3");
    assert_ptr_equal(kind_field(&kind_person, "manager")->target, &kind_person);
    assert_int_equal(kind_field(&kind_person, "top_management")->type, FT_BOOL);
    assert_int_equal(kind_field(&kind_person, "email")->max_len, 254);
    assert_false(kind_person.flags & KF_DELETABLE);
}

/* ---- lookups ---- */

static void test_registry_lookups(void **state)
{
    (void)state;
    const isms_registry *reg = registry_default();
    assert_ptr_equal(registry_kind(reg, "requirement"), &kind_requirement);
    assert_ptr_equal(registry_kind(reg, "scope-item"), &kind_scope_item);
    assert_null(registry_kind(reg, "requirements"));
    assert_null(registry_kind(reg, "Requirement"));
    assert_null(registry_kind(reg, ""));

    assert_ptr_equal(registry_kind_by_plural(reg, "interested-parties"), &kind_interested_party);
    assert_ptr_equal(registry_kind_by_plural(reg, "processes"), &kind_process);
    assert_null(registry_kind_by_plural(reg, "process"));

    assert_ptr_equal(registry_kind_by_prefix(reg, "REQ", 3), &kind_requirement);
    assert_ptr_equal(registry_kind_by_prefix(reg, "req", 3), &kind_requirement);
    assert_ptr_equal(registry_kind_by_prefix(reg, "REQ-12", 3), &kind_requirement);
    assert_ptr_equal(registry_kind_by_prefix(reg, "IP", 2), &kind_interested_party);
    assert_ptr_equal(registry_kind_by_prefix(reg, "ip-4", 2), &kind_interested_party);
    assert_ptr_equal(registry_kind_by_prefix(reg, "PRC", 3), &kind_process);
    assert_ptr_equal(registry_kind_by_prefix(reg, "CLD", 3), &kind_climate_decision);
    assert_null(registry_kind_by_prefix(reg, "RE", 2));
    assert_null(registry_kind_by_prefix(reg, "REQX", 4));
    assert_null(registry_kind_by_prefix(reg, "I", 1));
    assert_null(registry_kind_by_prefix(reg, "", 0));
    assert_null(registry_kind_by_prefix(reg, "SPC", 3));
    assert_ptr_equal(registry_kind_by_prefix(fixture_registry(), "SPC", 3), &fixture_specimen);
}

static void test_field_lookups(void **state)
{
    (void)state;
    const isms_field *f = kind_field(&kind_requirement, "addressed");
    assert_non_null(f);
    assert_string_equal(f->name, "addressed");
    assert_int_equal(f->type, FT_ENUM);
    assert_true(field_enum_allows(f, "partly"));
    assert_false(field_enum_allows(f, "Partly"));
    assert_false(field_enum_allows(f, ""));
    assert_null(kind_field(&kind_requirement, "addressed "));
    assert_null(kind_field(&kind_requirement, "nope"));
    assert_int_equal(kind_field_index(&kind_requirement, f), 5);
    assert_ptr_equal(&kind_requirement.fields[kind_field_index(&kind_requirement, f)], f);

    const isms_field *party = kind_field(&kind_requirement, "party");
    assert_int_equal(party->type, FT_REF);
    assert_ptr_equal(party->target, &kind_interested_party);
    assert_string_equal(kind_requirement.parent_field, "party");

    const isms_field *status = kind_role_field(&kind_process, ROLE_STATUS);
    assert_non_null(status);
    assert_string_equal(status->name, "status");
    assert_string_equal(status->default_text, "planned");
    assert_true(field_status_closed(status, "discontinued"));
    assert_false(field_status_closed(status, "operating"));
    assert_false(field_status_closed(status, NULL));
    assert_string_equal(kind_role_field(&kind_process, ROLE_OWNER)->name, "owner");
    assert_string_equal(kind_role_field(&kind_process, ROLE_DUE)->name, "review_date");
    assert_null(kind_role_field(&kind_scope_item, ROLE_STATUS));
    assert_null(kind_role_field(&kind_scope_item, ROLE_OWNER));
    assert_string_equal(kind_role_field(&fixture_specimen, ROLE_DUE)->name, "day");

    const isms_field *interacts = kind_field(&kind_process, "interacts_with");
    assert_int_equal(interacts->type, FT_REFLIST);
    assert_ptr_equal(interacts->target, &kind_process);
}

static void test_field_types(void **state)
{
    (void)state;
    static const char *const names[FT_COUNT] = {"text", "longtext", "integer", "decimal",
                                                "boolean", "date", "datetime", "enum",
                                                "ref", "reflist", "anyref"};
    for (int t = 0; t < FT_COUNT; t++)
        assert_string_equal(field_type_name((field_type)t), names[t]);
    assert_string_equal(field_type_name(FT_COUNT), "?");

    const isms_field *specimen = fixture_specimen.fields;
    static const bool text[] = {true,  true,  false, false, false, true, true,
                                true,  true,  false, false, false, true, false};
    assert_int_equal(fixture_specimen.nfields, 14);
    for (size_t i = 0; i < fixture_specimen.nfields; i++)
        if (field_is_text(&specimen[i]) != text[i])
            fail_msg("field_is_text(%s)", specimen[i].name);
}

/* ---- registry_check on broken kinds ---- */

static const char *const two_values[] = {"a", "b", NULL};
static const char *const no_values[] = {NULL};
static const char *const bad_closed[] = {"c", NULL};

static isms_field F[4];
static isms_kind K, K2;

static bool no_delete(const isms_record *rec, isms_status *st)
{
    (void)rec;
    (void)st;
    return false;
}

static void derive_nothing(isms_record *rec)
{
    (void)rec;
}

/* A sound kind "thing" with a title and a short text "note"; tests break one thing. */
static int reset_kind(void **state)
{
    (void)state;
    memset(F, 0, sizeof(F));
    F[0] = (isms_field){.name = "title", .label = "Title", .help = "Name", .type = FT_TEXT,
                        .flags = FF_REQUIRED, .role = ROLE_TITLE, .max_len = 200};
    F[1] = (isms_field){.name = "note", .label = "Note", .help = "A note", .type = FT_TEXT,
                        .max_len = 10};
    K = (isms_kind){.name = "thing", .plural = "things", .table = "thing", .prefix = "THG",
                    .clause = "4.1", .label = "Thing", .label_plural = "Things",
                    .help = "A thing", .fields = F, .nfields = 2};
    K2 = K;
    K2.name = "other";
    K2.plural = "others";
    K2.table = "other";
    K2.prefix = "OTH";
    return 0;
}

static bool check_one(isms_status *st)
{
    const isms_kind *kinds[] = {&K};
    isms_registry reg = {kinds, 1};
    return registry_check(&reg, st);
}

static void expect_broken(const char *detail)
{
    isms_status st;
    assert_false(check_one(&st));
    assert_int_equal(st.code, ISMS_EINVALID);
    assert_string_equal(st.detail, detail);
}

static void expect_sound(void)
{
    isms_status st;
    if (!check_one(&st))
        fail_msg("refused: %s", st.detail);
    assert_int_equal(st.code, ISMS_OK);
}

static void test_check_sound_kind(void **state)
{
    (void)state;
    expect_sound();
    const isms_kind *kinds[] = {&K, &K2};
    isms_registry reg = {kinds, 2};
    isms_status st;
    assert_true(registry_check(&reg, &st));
}

static void test_check_duplicate_field(void **state)
{
    (void)state;
    F[1].name = "title";
    expect_broken("kind thing: field title twice");
}

static void test_check_missing_title(void **state)
{
    (void)state;
    F[0].role = ROLE_NONE;
    expect_broken("kind thing: no title field");
}

static void test_check_title_must_be_required_text(void **state)
{
    (void)state;
    F[0].flags = 0;
    expect_broken("thing.title: the title must be required text");
    reset_kind(NULL);
    F[0].type = FT_LONGTEXT;
    expect_broken("thing.title: the title must be required text");
}

static void test_check_two_fields_one_role(void **state)
{
    (void)state;
    F[1].role = ROLE_TITLE;
    F[1].flags = FF_REQUIRED;
    expect_broken("kind thing: two fields share a role");
}

static void test_check_enum_without_values(void **state)
{
    (void)state;
    F[1] = (isms_field){.name = "pick", .label = "Pick", .help = "One", .type = FT_ENUM};
    F[1].values = NULL;
    expect_broken("thing.pick: enum without values");
    F[1].values = no_values;
    expect_broken("thing.pick: enum without values");
    F[1].values = two_values;
    expect_sound();
}

static void test_check_text_max_len(void **state)
{
    (void)state;
    F[1].max_len = 0;
    expect_broken("thing.note: max_len must be 1..32767");
    F[1].max_len = FIELD_MAX_LEN_LIMIT + 1;
    expect_broken("thing.note: max_len must be 1..32767");
    F[1].max_len = -5;
    expect_broken("thing.note: max_len must be 1..32767");
    F[1].type = FT_LONGTEXT;
    F[1].max_len = 0;
    expect_broken("thing.note: max_len must be 1..32767");
    F[1].max_len = FIELD_MAX_LEN_LIMIT;
    expect_sound();
    F[1].max_len = 1;
    expect_sound();
}

static void test_check_ref_without_target(void **state)
{
    (void)state;
    F[1] = (isms_field){.name = "link", .label = "Link", .help = "A link", .type = FT_REF};
    expect_broken("thing.link: reference without target");
    F[1].type = FT_REFLIST;
    expect_broken("thing.link: reference without target");
    F[1].target = &K;
    expect_sound();
    /* A target outside the registry cannot be served either. */
    F[1].target = &fixture_parent;
    expect_broken("thing.link: target kind not in registry");
}

static void test_check_deletable_without_delete_check(void **state)
{
    (void)state;
    K.flags = KF_DELETABLE;
    expect_broken("kind thing: deletable without delete_check");
    K.delete_check = no_delete;
    expect_sound();
}

static void test_check_derived_without_hook(void **state)
{
    (void)state;
    F[1] = (isms_field){.name = "score", .label = "Score", .help = "Derived", .type = FT_INT,
                        .flags = FF_DERIVED};
    expect_broken("thing.score: derived field without a derive hook");
    K.derive = derive_nothing;
    expect_sound();
}

static void test_check_bad_kind_identifiers(void **state)
{
    (void)state;
    K.name = "Bad Name";
    expect_broken("kind Bad Name: bad names");
    reset_kind(NULL);
    K.name = "bad name";
    expect_broken("kind bad name: bad names");
    reset_kind(NULL);
    K.name = "9lives";
    expect_broken("kind 9lives: bad names");
    reset_kind(NULL);
    K.name = "my_thing"; /* names use dashes */
    expect_broken("kind my_thing: bad names");
    reset_kind(NULL);
    K.name = "my-thing";
    expect_sound();

    reset_kind(NULL);
    K.table = "thing\"; DROP TABLE thing; --";
    expect_broken("kind thing: bad names");
    reset_kind(NULL);
    K.table = "thing'";
    expect_broken("kind thing: bad names");
    reset_kind(NULL);
    K.table = "my-thing"; /* tables use underscores */
    expect_broken("kind thing: bad names");
    reset_kind(NULL);
    K.plural = "Things";
    expect_broken("kind thing: bad names");

    /* Identifiers must stay short. */
    reset_kind(NULL);
    char longname[ISMS_FIELD_NAME_MAX + 1];
    memset(longname, 'a', ISMS_FIELD_NAME_MAX);
    longname[ISMS_FIELD_NAME_MAX] = '\0';
    K.table = longname;
    expect_broken("kind thing: bad names");
    longname[ISMS_FIELD_NAME_MAX - 1] = '\0';
    expect_sound();

    /* Prefixes: 2 to 5 capital letters. */
    static const char *const bad_prefixes[] = {"thg", "T", "TOOLONG", "T-1", "TH1", ""};
    for (size_t i = 0; i < sizeof(bad_prefixes) / sizeof(bad_prefixes[0]); i++) {
        reset_kind(NULL);
        K.prefix = bad_prefixes[i];
        expect_broken("kind thing: bad names");
    }
    reset_kind(NULL);
    K.prefix = "AB";
    expect_sound();
    K.prefix = "ABCDE";
    expect_sound();

    reset_kind(NULL);
    K.clause = NULL;
    expect_broken("kind thing: bad names");
    reset_kind(NULL);
    K.help = NULL;
    expect_broken("kind thing: bad names");
    reset_kind(NULL);
    K.name = NULL;
    expect_broken("kind ?: bad names");
}

static void test_check_bad_field_identifiers(void **state)
{
    (void)state;
    F[1].name = "Bad Name";
    expect_broken("thing.Bad Name: bad name, label or help");
    F[1].name = "bad-name"; /* fields use underscores */
    expect_broken("thing.bad-name: bad name, label or help");
    F[1].name = "note\"";
    expect_broken("thing.note\": bad name, label or help");
    F[1].name = NULL;
    expect_broken("thing.?: bad name, label or help");
    F[1].name = "note_2";
    expect_sound();
    F[1].label = NULL;
    expect_broken("thing.note_2: bad name, label or help");
    F[1].label = "Note";
    F[1].help = NULL;
    expect_broken("thing.note_2: bad name, label or help");
}

static void test_check_field_rules(void **state)
{
    (void)state;
    F[1].type = FT_LONGTEXT;
    F[1].flags = FF_SORTABLE;
    expect_broken("thing.note: long or secret text cannot be indexed");
    F[1].type = FT_TEXT;
    F[1].flags = FF_SECRET | FF_FILTERABLE;
    expect_broken("thing.note: long or secret text cannot be indexed");
    F[1].flags = FF_SECRET;
    expect_sound();

    reset_kind(NULL);
    F[1] = (isms_field){.name = "links", .label = "Links", .help = "Links", .type = FT_REFLIST,
                        .flags = FF_SORTABLE, .target = &K};
    expect_broken("thing.links: lists and any-references are not sortable");
    F[1].type = FT_ANYREF;
    expect_broken("thing.links: lists and any-references are not sortable");
    F[1].flags = FF_FILTERABLE;
    expect_sound();

    reset_kind(NULL);
    F[1] = (isms_field){.name = "due", .label = "Due", .help = "Due", .type = FT_DATETIME,
                        .role = ROLE_DUE};
    expect_broken("thing.due: a due date must be a date");
    F[1].type = FT_DATE;
    expect_sound();

    reset_kind(NULL);
    F[1] = (isms_field){.name = "status", .label = "Status", .help = "Status",
                        .type = FT_TEXT, .max_len = 10, .role = ROLE_STATUS};
    expect_broken("thing.status: a status must be an enum");
    F[1].type = FT_ENUM;
    F[1].values = two_values;
    F[1].closed_values = bad_closed;
    expect_broken("thing.status: closed value c is not allowed");
    F[1].closed_values = two_values + 1;
    expect_sound();
}

static void test_check_parent_field(void **state)
{
    (void)state;
    K.parent_field = "note";
    expect_broken("kind thing: parent must be a required ref");
    K.parent_field = "missing";
    expect_broken("kind thing: parent must be a required ref");
    F[1] = (isms_field){.name = "up", .label = "Up", .help = "Parent", .type = FT_REF,
                        .target = &K};
    K.parent_field = "up";
    expect_broken("kind thing: parent must be a required ref");
    F[1].flags = FF_REQUIRED;
    expect_sound();
}

static void test_check_duplicates_across_kinds(void **state)
{
    (void)state;
    const isms_kind *kinds[] = {&K, &K2};
    isms_registry reg = {kinds, 2};
    isms_status st;

    K2.prefix = "THG";
    assert_false(registry_check(&reg, &st));
    assert_int_equal(st.code, ISMS_EINVALID);
    assert_string_equal(st.detail, "kinds thing and other share a name");

    reset_kind(NULL);
    K2.name = "thing";
    assert_false(registry_check(&reg, &st));
    assert_string_equal(st.detail, "kinds thing and thing share a name");

    reset_kind(NULL);
    K2.plural = "things";
    assert_false(registry_check(&reg, &st));
    assert_string_equal(st.detail, "kinds thing and other share a name");

    reset_kind(NULL);
    K2.table = "thing";
    assert_false(registry_check(&reg, &st));
    assert_string_equal(st.detail, "kinds thing and other share a name");

    /* The first problem is the one reported. */
    reset_kind(NULL);
    F[1].max_len = 0;
    K2.name = "Bad";
    assert_false(registry_check(&reg, &st));
    assert_string_equal(st.detail, "thing.note: max_len must be 1..32767");

    /* A fixed registry passes again, and the status is cleared. */
    reset_kind(NULL);
    assert_true(registry_check(&reg, &st));
    assert_int_equal(st.code, ISMS_OK);
    assert_string_equal(st.detail, "");
}

#define BROKEN(fn) cmocka_unit_test_setup(fn, reset_kind)

/* Messages say "an asset id" and "a risk id". */
static void test_kind_article(void **state)
{
    (void)state;
    assert_string_equal(kind_article(&kind_asset), "an");
    assert_string_equal(kind_article(&kind_isms_risk), "an");
    assert_string_equal(kind_article(&kind_interested_party), "an");
    assert_string_equal(kind_article(&kind_risk), "a");
    assert_string_equal(kind_article(&kind_person), "a");
    assert_string_equal(kind_article(&kind_process), "a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_registry_passes_check),
        cmocka_unit_test(test_kind_article),
        cmocka_unit_test(test_fixture_registry_passes_check),
        cmocka_unit_test(test_default_registry_kinds_in_order),
        cmocka_unit_test(test_every_kind_clause_exists),
        cmocka_unit_test(test_clauses_in_standard_order),
        cmocka_unit_test(test_names_and_prefixes_unique),
        cmocka_unit_test(test_each_kind_has_required_title),
        cmocka_unit_test(test_every_owner_is_a_person),
        cmocka_unit_test(test_registry_lookups),
        cmocka_unit_test(test_field_lookups),
        cmocka_unit_test(test_field_types),
        BROKEN(test_check_sound_kind),
        BROKEN(test_check_duplicate_field),
        BROKEN(test_check_missing_title),
        BROKEN(test_check_title_must_be_required_text),
        BROKEN(test_check_two_fields_one_role),
        BROKEN(test_check_enum_without_values),
        BROKEN(test_check_text_max_len),
        BROKEN(test_check_ref_without_target),
        BROKEN(test_check_deletable_without_delete_check),
        BROKEN(test_check_derived_without_hook),
        BROKEN(test_check_bad_kind_identifiers),
        BROKEN(test_check_bad_field_identifiers),
        BROKEN(test_check_field_rules),
        BROKEN(test_check_parent_field),
        BROKEN(test_check_duplicates_across_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
