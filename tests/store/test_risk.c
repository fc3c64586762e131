/*
 * The risk hooks (core/risk_hooks_*.c) through the record layer on a real
 * store with the product's registry: scoring under the method in force,
 * carrying risks over to a new method version, and signed acceptance with
 * its invalidation. The driver is the first argument, as for test_contract.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "core/kinds/kinds.h"
#include "core/records.h"
#include "core/risk_current.h"
#include "core/risk_hooks.h"
#include "core/risk_method.h"
#include "core/roles.h"
#include "core/value.h"
#include "store/driver.h"
#include "store/store_risk_heat.h"

static const char *g_driver = "sqlite";

typedef struct env {
    char url[512];
    store *s;
    arena a;
    int64_t owner, boss, other; /* person ids */
} env;

static int setup(void **state)
{
    env *e = calloc(1, sizeof(*e));
    if (!e)
        return -1;
    test_db_url(g_driver, e->url, sizeof(e->url));
    store_options opt = {.pool_size = 1, .create = true};
    isms_status st;
    status_clear(&st);
    if (store_open(&e->s, registry_default(), e->url, &opt, &st) != ISMS_OK)
        fail_msg("store_open %s: %s", e->url, st.detail);
    arena_init(&e->a);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    store_free(e->s);
    test_db_cleanup(e->url);
    arena_dispose(&e->a);
    free(e);
    return 0;
}

/* A record of kind k from "field", "text" pairs, ended by NULL. */
static isms_record *build(env *e, const isms_kind *k, va_list ap)
{
    isms_record *rec = record_new(&e->a, k);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *text = va_arg(ap, const char *);
        const isms_field *f = kind_field(k, name);
        char why[200];
        assert_non_null(f);
        if (!value_parse(registry_default(), f, text, &e->a, record_value(rec, name), why,
                         sizeof(why)))
            fail_msg("%s=%s: %s", name, text, why);
    }
    return rec;
}

typedef struct op {
    isms_record *rec;     /* create this */
    const isms_kind *k;   /* or update k/id with changes */
    int64_t id;
    record_change ch[8];
    size_t n;
    isms_record *out;
} op;

typedef struct write_arg {
    op *o;
    arena *a;
} write_arg;

static isms_err do_write(store_txn *t, void *arg, isms_status *st)
{
    write_arg *w = arg;
    if (w->o->rec) {
        isms_err e = records_create(t, w->o->rec, w->a, st);
        w->o->out = w->o->rec;
        return e;
    }
    return records_update(t, w->o->k, w->o->id, 0, w->o->ch, w->o->n, w->a, &w->o->out, st);
}

static isms_err run(env *e, const isms_write_ctx *ctx, op *o, isms_status *st)
{
    status_clear(st);
    write_arg w = {o, &e->a};
    return store_write(e->s, ctx, do_write, &w, st);
}

static int64_t create_as(env *e, const isms_write_ctx *ctx, isms_err want, isms_status *st,
                         const isms_kind *k, ...)
{
    va_list ap;
    va_start(ap, k);
    op o = {.rec = build(e, k, ap)};
    va_end(ap);
    isms_err got = run(e, ctx, &o, st);
    if (got != want)
        fail_msg("create %s: %s, wanted %s: %s (%s %s)", k->name, isms_err_name(got),
                 isms_err_name(want), st->detail, st->nfields ? st->fields[0].field : "",
                 st->nfields ? st->fields[0].reason : "");
    return got == ISMS_OK ? o.rec->id : 0;
}

static isms_write_ctx g_root;

#define CREATE(e, k, ...) create_as(e, &g_root, ISMS_OK, &(isms_status){0}, k, __VA_ARGS__, NULL)

static isms_err update(env *e, const isms_kind *k, int64_t id, isms_status *st, ...)
{
    va_list ap;
    va_start(ap, st);
    isms_record *tmp = build(e, k, ap);
    va_end(ap);
    op o = {.k = k, .id = id};
    for (size_t i = 0; i < k->nfields && o.n < 8; i++)
        if (record_value(tmp, k->fields[i].name)->set ||
            record_value(tmp, k->fields[i].name)->s)
            o.ch[o.n++] = (record_change){&k->fields[i], tmp->values[i]};
    return run(e, &g_root, &o, st);
}

/* Clear a field (set it to no value). */
static isms_err clear_field(env *e, const isms_kind *k, int64_t id, const char *field,
                            isms_status *st)
{
    op o = {.k = k, .id = id, .n = 1};
    o.ch[0] = (record_change){kind_field(k, field), {0}};
    return run(e, &g_root, &o, st);
}

static isms_record *get(env *e, const isms_kind *k, int64_t id)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    isms_record *rec = NULL;
    assert_int_equal(store_get(c, k, id, &e->a, &rec, &st), ISMS_OK);
    store_return(c);
    return rec;
}

static int64_t count(env *e, const isms_kind *k)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    store_query q = {.kind = k};
    int64_t n = -1;
    assert_int_equal(store_count(c, &q, &n, &st), ISMS_OK);
    store_return(c);
    return n;
}

static int64_t log_seq(env *e)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    int64_t seq = 0;
    char hash[CHANGELOG_HEX];
    assert_int_equal(store_log_last(c, &seq, hash, &st), ISMS_OK);
    store_return(c);
    return seq;
}

static int64_t ival(env *e, const isms_kind *k, int64_t id, const char *field)
{
    const isms_value *v = record_value(get(e, k, id), field);
    return v->set ? v->i : -1;
}

static const char *sval(env *e, const isms_kind *k, int64_t id, const char *field)
{
    const isms_value *v = record_value(get(e, k, id), field);
    return v->set && v->s ? v->s : "";
}

static bool has_field_error(const isms_status *st, const char *field)
{
    for (size_t i = 0; i < st->nfields; i++)
        if (strcmp(st->fields[i].field, field) == 0)
            return true;
    return false;
}

static int64_t method(env *e, const char *definition)
{
    return CREATE(e, &kind_risk_method, "title", "Method", "definition", definition);
}

/* The 5 x 5 preset with a map from a previous 5 x 5 version onto a 4 x 4 scale. */
static const char *preset4_mapped(env *e)
{
    const char *p = risk_method_preset(4);
    size_t n = strlen(p);
    return arena_printf(&e->a, "%.*s,\"map_from_previous\":{\"likelihood\":[1,1,2,3,4],"
                               "\"impact\":[1,2,2,3,4]}}", (int)(n - 1), p);
}

static void people(env *e)
{
    e->owner = CREATE(e, &kind_person, "name", "Olga Owner");
    e->boss = CREATE(e, &kind_person, "name", "Bea Boss", "top_management", "true");
    e->other = CREATE(e, &kind_person, "name", "Otto Other");
}

static char *id_text(env *e, int64_t id)
{
    return arena_printf(&e->a, "%lld", (long long)id);
}

static int64_t risk(env *e, const char *l, const char *i, const char *rl, const char *ri)
{
    return CREATE(e, &kind_risk, "title", "Laptop theft", "owner", id_text(e, e->owner),
                  "likelihood", l, "impact", i, "residual_likelihood", rl, "residual_impact",
                  ri, "treatment", "modify, share", "controls", "5.15, 8.24", "review_date",
                  "2099-12-31");
}

/* ----------------------------------------------------------------------- scoring */

static void test_scoring_every_cell_of_the_5x5_preset(void **state)
{
    env *e = *state;
    people(e);
    int64_t m = method(e, risk_method_preset(5));
    risk_method pm;
    isms_status st;
    status_clear(&st);
    assert_true(risk_method_parse(risk_method_preset(5), &e->a, &pm, &st));
    for (int l = 1; l <= 5; l++)
        for (int i = 1; i <= 5; i++) {
            int64_t id = CREATE(e, &kind_risk, "title", "Cell", "owner", id_text(e, e->owner),
                                "likelihood", id_text(e, l), "impact", id_text(e, i),
                                "residual_likelihood", id_text(e, l), "residual_impact",
                                id_text(e, i));
            isms_record *r = get(e, &kind_risk, id);
            int want = pm.matrix[l - 1][i - 1];
            assert_int_equal(record_value(r, "level")->i, want);
            assert_string_equal(record_value(r, "level_label")->s, pm.levels[want - 1].label);
            assert_int_equal(record_value(r, "residual_level")->i, want);
            assert_int_equal(record_value(r, "method")->i, m);
            /* High and Very high must be treated: without a treatment they are flagged. */
            assert_int_equal(record_value(r, "untreated")->i,
                             pm.levels[want - 1].acceptance == RISK_MUST_TREAT);
        }
    /* The preset's corners, written out: nothing hides behind the table read above. */
    assert_int_equal(pm.matrix[0][0], 1);
    assert_int_equal(pm.matrix[4][4], 4);
    assert_string_equal(pm.levels[3].label, "Very high");
}

static void test_scores_off_the_scale_are_refused(void **state)
{
    env *e = *state;
    people(e);
    method(e, risk_method_preset(5));
    int64_t before = count(e, &kind_risk), seq = log_seq(e);
    isms_status st;
    create_as(e, &g_root, ISMS_EINVALID, &st, &kind_risk, "title", "Off", "owner",
              id_text(e, e->owner), "likelihood", "6", "impact", "2", NULL);
    assert_true(has_field_error(&st, "likelihood"));
    assert_false(has_field_error(&st, "impact"));
    create_as(e, &g_root, ISMS_EINVALID, &st, &kind_risk, "title", "Off", "owner",
              id_text(e, e->owner), "likelihood", "2", "impact", "3", "residual_likelihood", "1",
              "residual_impact", "7", NULL);
    assert_true(has_field_error(&st, "residual_impact"));
    assert_int_equal(count(e, &kind_risk), before);
    assert_int_equal(log_seq(e), seq);
}

static void test_treatment_clears_the_untreated_flag(void **state)
{
    env *e = *state;
    people(e);
    method(e, risk_method_preset(5));
    int64_t id = CREATE(e, &kind_risk, "title", "Ransomware", "owner", id_text(e, e->owner),
                        "likelihood", "5", "impact", "5");
    assert_int_equal(ival(e, &kind_risk, id, "untreated"), 1);
    isms_status st;
    assert_int_equal(update(e, &kind_risk, id, &st, "treatment", "modify", NULL), ISMS_OK);
    assert_int_equal(ival(e, &kind_risk, id, "untreated"), 0);
}

/* ----------------------------------------------------------------------- method versions */

static void test_same_sizes_keep_levels_and_move_risks(void **state)
{
    env *e = *state;
    people(e);
    method(e, risk_method_preset(5));
    int64_t id = risk(e, "4", "3", "2", "2");
    int64_t level = ival(e, &kind_risk, id, "level");
    int64_t m2 = method(e, risk_method_preset(5));
    assert_int_equal(ival(e, &kind_risk, id, "method"), m2);
    assert_int_equal(ival(e, &kind_risk, id, "level"), level);
    assert_int_equal(ival(e, &kind_risk, id, "likelihood"), 4);
    assert_int_equal(ival(e, &kind_risk, id, "reassess"), 0);
}

/* Several writes in one transaction: a risk, a new method version, another risk. */
typedef struct three_writes {
    isms_record *first, *method, *second;
    arena *a;
} three_writes;

static isms_err write_three(store_txn *t, void *arg, isms_status *st)
{
    three_writes *w = arg;
    isms_err e = records_create(t, w->first, w->a, st);
    if (e == ISMS_OK)
        e = records_create(t, w->method, w->a, st);
    if (e == ISMS_OK)
        e = records_create(t, w->second, w->a, st);
    return e;
}

static isms_record *build_one(env *e, const isms_kind *k, ...)
{
    va_list ap;
    va_start(ap, k);
    isms_record *rec = build(e, k, ap);
    va_end(ap);
    return rec;
}

/* The method in force is kept for the transaction (risk_method_in_force) until a
 * method record is written in it: a risk written after a new version is scored
 * under that version, one written before under the old. */
static void test_the_method_kept_per_transaction_follows_a_new_version(void **state)
{
    env *e = *state;
    people(e);
    int64_t m1 = method(e, risk_method_preset(5));
    const char *owner = id_text(e, e->owner);
    three_writes w = {
        .first = build_one(e, &kind_risk, "title", "Before", "owner", owner, "likelihood", "5",
                           "impact", "5", NULL),
        .method = build_one(e, &kind_risk_method, "title", "Method 3", "definition",
                            risk_method_preset(3), NULL),
        .second = build_one(e, &kind_risk, "title", "After", "owner", owner, "likelihood", "3",
                            "impact", "3", NULL),
        .a = &e->a,
    };
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_write(e->s, &g_root, write_three, &w, &st), ISMS_OK);
    int64_t m2 = w.method->id;
    assert_true(m2 > m1);
    assert_int_equal(ival(e, &kind_risk, w.second->id, "method"), m2);
    /* 3 x 3 is the highest cell of the 3 x 3 method: its highest level */
    const risk_method *parsed = risk_method_parsed(risk_method_preset(3), &e->a);
    assert_non_null(parsed);
    assert_int_equal(ival(e, &kind_risk, w.second->id, "level"), risk_method_level(parsed, 3, 3));
    /* a score off the new scales is refused in the same transaction, naming the field */
    w.first = build_one(e, &kind_risk, "title", "Before 2", "owner", owner, "likelihood", "2",
                        "impact", "2", NULL);
    w.method = build_one(e, &kind_risk_method, "title", "Method 5", "definition",
                         risk_method_preset(5), NULL);
    w.second = build_one(e, &kind_risk, "title", "After 2", "owner", owner, "likelihood", "5",
                         "impact", "5", NULL);
    status_clear(&st);
    assert_int_equal(store_write(e->s, &g_root, write_three, &w, &st), ISMS_OK);
    assert_int_equal(ival(e, &kind_risk, w.second->id, "method"), w.method->id);
    assert_int_equal(ival(e, &kind_risk, w.second->id, "likelihood"), 5);
}

static void test_a_map_carries_risks_to_other_sizes(void **state)
{
    env *e = *state;
    people(e);
    method(e, risk_method_preset(5));
    int64_t id = risk(e, "5", "3", "3", "2");
    int64_t m2 = method(e, preset4_mapped(e));
    assert_int_equal(ival(e, &kind_risk, id, "method"), m2);
    assert_int_equal(ival(e, &kind_risk, id, "likelihood"), 4); /* 5 -> 4 */
    assert_int_equal(ival(e, &kind_risk, id, "impact"), 2);     /* 3 -> 2 */
    assert_int_equal(ival(e, &kind_risk, id, "residual_likelihood"), 2);
    assert_int_equal(ival(e, &kind_risk, id, "residual_impact"), 2);
    assert_int_equal(ival(e, &kind_risk, id, "reassess"), 0);
    /* 4 x 4 preset: likelihood 4, impact 2 is level 3 (High). */
    assert_int_equal(ival(e, &kind_risk, id, "level"), 3);
}

static void test_other_sizes_without_a_map_mark_reassess(void **state)
{
    env *e = *state;
    people(e);
    int64_t m1 = method(e, risk_method_preset(5));
    int64_t id = risk(e, "5", "5", "2", "2");
    int64_t m2 = method(e, risk_method_preset(4));
    assert_int_equal(ival(e, &kind_risk, id, "reassess"), 1);
    assert_int_equal(ival(e, &kind_risk, id, "method"), m1); /* still scored under the old */
    assert_int_equal(ival(e, &kind_risk, id, "level"), 4);
    isms_status st;
    assert_int_equal(update(e, &kind_risk, id, &st, "likelihood", "3", "impact", "3",
                            "residual_likelihood", "1", "residual_impact", "1", NULL),
                     ISMS_OK);
    assert_int_equal(ival(e, &kind_risk, id, "reassess"), 0);
    assert_int_equal(ival(e, &kind_risk, id, "method"), m2);
    assert_int_equal(ival(e, &kind_risk, id, "level"), 3);
}

/* ----------------------------------------------------------------------- acceptance */

static isms_err sign(env *e, int64_t person, bool signed_act, int64_t risk_id, const char *role,
                     const char *exception_until, isms_status *st)
{
    isms_principal p = {.user_id = 7, .name = "signer", .roles = UR_CONTRIBUTOR,
                        .person_id = person, .via = AUTH_CLI};
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &p, "cli");
    ctx.signed_act = signed_act;
    isms_record *rec = record_new(&e->a, &kind_risk_acceptance);
    isms_value *v = record_value(rec, "risk");
    *v = (isms_value){.set = true, .i = risk_id};
    v = record_value(rec, "role");
    *v = (isms_value){.set = true, .s = arena_strdup(&e->a, role)};
    v = record_value(rec, "rationale");
    *v = (isms_value){.set = true, .s = "Encryption and insurance leave little"};
    if (exception_until) {
        *record_value(rec, "exception") = (isms_value){.set = true, .i = 1};
        *record_value(rec, "exception_until") =
            (isms_value){.set = true, .s = arena_strdup(&e->a, exception_until)};
    }
    op o = {.rec = rec};
    return run(e, &ctx, &o, st);
}

/* A refused signature leaves no acceptance and no change-log entry. */
static void refused(env *e, int64_t person, bool signed_act, int64_t risk_id, const char *role,
                    const char *until, isms_err want, const char *field)
{
    int64_t before = count(e, &kind_risk_acceptance), seq = log_seq(e);
    isms_status st;
    assert_int_equal(sign(e, person, signed_act, risk_id, role, until, &st), want);
    if (field && !has_field_error(&st, field))
        fail_msg("no error for %s: %s (%s %s)", field, st.detail,
                 st.nfields ? st.fields[0].field : "", st.nfields ? st.fields[0].reason : "");
    assert_int_equal(count(e, &kind_risk_acceptance), before);
    assert_int_equal(log_seq(e), seq);
}

static void signed_ok(env *e, int64_t person, int64_t risk_id, const char *role,
                      const char *until)
{
    isms_status st;
    isms_err got = sign(e, person, true, risk_id, role, until, &st);
    if (got != ISMS_OK)
        fail_msg("sign %s: %s (%s %s)", role, st.detail, st.nfields ? st.fields[0].field : "",
                 st.nfields ? st.fields[0].reason : "");
}

static void test_owner_signs_a_medium_residual(void **state)
{
    env *e = *state;
    people(e);
    method(e, risk_method_preset(5));
    int64_t id = risk(e, "4", "4", "2", "3"); /* residual Medium: the owner alone */
    assert_string_equal(sval(e, &kind_risk, id, "acceptance"), "none");
    signed_ok(e, e->owner, id, "owner", NULL);
    assert_string_equal(sval(e, &kind_risk, id, "acceptance"), "accepted");
    assert_string_equal(sval(e, &kind_risk, id, "accepted_until"), "2099-12-31");
    isms_record *acc = get(e, &kind_risk_acceptance, 1);
    assert_int_equal(record_value(acc, "signer")->i, e->owner);
    assert_string_equal(record_value(acc, "signed_by_user")->s, "signer");
    assert_int_equal(record_value(acc, "residual_likelihood")->i, 2);
    assert_string_equal(record_value(acc, "treatment")->s, "modify, share");
    assert_string_equal(record_value(acc, "expires")->s, "2099-12-31");
    /* Now "accepted" can be the risk's status. */
    isms_status st;
    assert_int_equal(update(e, &kind_risk, id, &st, "status", "accepted", NULL), ISMS_OK);
}

static void test_very_high_needs_top_management_with_an_exception(void **state)
{
    env *e = *state;
    people(e);
    method(e, risk_method_preset(5));
    int64_t id = risk(e, "5", "5", "5", "5"); /* residual Very high: must treat, co-signed */
    signed_ok(e, e->owner, id, "owner", NULL);
    assert_string_equal(sval(e, &kind_risk, id, "acceptance"), "pending");
    assert_string_equal(sval(e, &kind_risk, id, "accepted_until"), "");
    /* Top management accepts a level that must be treated only as an exception. */
    refused(e, e->boss, true, id, "top-management", NULL, ISMS_EINVALID, "exception");
    /* ... within the method's 365 days. */
    refused(e, e->boss, true, id, "top-management", "2099-01-01", ISMS_EINVALID,
            "exception_until");
    char until[32];
    clock_rfc3339_from_now(until, 30 * 86400);
    until[10] = '\0';
    signed_ok(e, e->boss, id, "top-management", until);
    assert_string_equal(sval(e, &kind_risk, id, "acceptance"), "accepted");
    assert_string_equal(sval(e, &kind_risk, id, "accepted_until"), until); /* the earlier end */
}

static void test_refusals_leave_nothing(void **state)
{
    env *e = *state;
    people(e);
    method(e, risk_method_preset(5));
    int64_t id = risk(e, "4", "4", "2", "3");
    char until[32];
    clock_rfc3339_from_now(until, 30 * 86400);
    until[10] = '\0';
    refused(e, e->owner, false, id, "owner", NULL, ISMS_EFORBIDDEN, NULL); /* not a signing act */
    refused(e, e->other, true, id, "owner", NULL, ISMS_EINVALID, "role");  /* not the owner */
    refused(e, e->other, true, id, "top-management", NULL, ISMS_EINVALID, "role");
    refused(e, 0, true, id, "owner", NULL, ISMS_EFORBIDDEN, NULL); /* no person linked */
    /* Exceptions: only top management, only for a level that must be treated. */
    refused(e, e->owner, true, id, "owner", until, ISMS_EINVALID, "exception");
    refused(e, e->boss, true, id, "top-management", until, ISMS_EINVALID, "exception");
    refused(e, e->owner, true, 999, "owner", NULL, ISMS_EINVALID, "risk");
    /* A risk without a residual score, or a review date, is not ready to accept. */
    isms_status st;
    assert_int_equal(clear_field(e, &kind_risk, id, "review_date", &st), ISMS_OK);
    refused(e, e->owner, true, id, "owner", NULL, ISMS_EINVALID, "risk");
    assert_string_equal(sval(e, &kind_risk, id, "acceptance"), "none");
}

static void test_no_exception_when_the_method_allows_none(void **state)
{
    env *e = *state;
    people(e);
    const char *p = risk_method_preset(5);
    char *strict = arena_strdup(&e->a, p);
    char *at = strstr(strict, "\"management_exception\":true,\"exception_max_days\":365,");
    assert_non_null(at);
    const char *rest = at + strlen("\"management_exception\":true,\"exception_max_days\":365,");
    strict = arena_printf(&e->a, "%.*s\"management_exception\":false,%s", (int)(at - strict),
                          strict, rest);
    method(e, strict);
    int64_t id = risk(e, "5", "5", "4", "4"); /* residual High: must be treated */
    refused(e, e->owner, true, id, "owner", NULL, ISMS_EINVALID, "risk");
}

static void test_invalidation_follows_what_was_accepted(void **state)
{
    env *e = *state;
    people(e);
    method(e, risk_method_preset(5));
    int64_t id = risk(e, "4", "4", "2", "3");
    signed_ok(e, e->owner, id, "owner", NULL);
    isms_status st;
    /* Unrelated edits, and the same treatment and controls in another order, keep it. */
    assert_int_equal(update(e, &kind_risk, id, &st, "title", "Stolen laptop", "description",
                            "Left on a train", NULL), ISMS_OK);
    assert_int_equal(update(e, &kind_risk, id, &st, "treatment", "share,modify", "controls",
                            "8.24, A.5.15", NULL), ISMS_OK);
    assert_int_equal(update(e, &kind_risk, id, &st, "likelihood", "3", NULL), ISMS_OK);
    assert_string_equal(sval(e, &kind_risk, id, "acceptance"), "accepted");
    /* Each of the terms invalidates it, visibly. */
    static const char *const changes[][2] = {
        {"residual_likelihood", "1"}, {"residual_impact", "2"},
        {"treatment", "modify"},      {"controls", "5.15, 8.24, 8.1"},
    };
    for (size_t k = 0; k < 4; k++) {
        int64_t r = risk(e, "4", "4", "2", "3");
        signed_ok(e, e->owner, r, "owner", NULL);
        assert_string_equal(sval(e, &kind_risk, r, "acceptance"), "accepted");
        assert_int_equal(update(e, &kind_risk, r, &st, changes[k][0], changes[k][1], NULL),
                         ISMS_OK);
        assert_string_equal(sval(e, &kind_risk, r, "acceptance"), "invalidated");
        assert_string_equal(sval(e, &kind_risk, r, "accepted_until"), "");
        /* Signing again what the risk now is accepts it again. */
        signed_ok(e, e->owner, r, "owner", NULL);
        assert_string_equal(sval(e, &kind_risk, r, "acceptance"), "accepted");
    }
}

static void test_validity_of_stored_acceptances(void **state)
{
    env *e = *state;
    people(e);
    method(e, risk_method_preset(5));
    int64_t id = risk(e, "4", "4", "2", "3");
    signed_ok(e, e->owner, id, "owner", NULL);
    isms_record *acc = get(e, &kind_risk_acceptance, 1);
    assert_int_equal(risk_acceptance_validity(acc, get(e, &kind_risk, id), "2027-01-01"),
                     ACCEPTANCE_VALID);
    assert_int_equal(risk_acceptance_validity(acc, get(e, &kind_risk, id), "2100-01-01"),
                     ACCEPTANCE_EXPIRED);
    isms_status st;
    assert_int_equal(update(e, &kind_risk, id, &st, "controls", "5.15", NULL), ISMS_OK);
    assert_int_equal(risk_acceptance_validity(acc, get(e, &kind_risk, id), "2027-01-01"),
                     ACCEPTANCE_CHANGED);
}

/* ------------------------------------------------------------- heat map counts */

static store_heat heat(env *e, int64_t method_id, bool residual)
{
    isms_status st;
    status_clear(&st);
    store_conn *c;
    assert_int_equal(store_borrow(e->s, &c, &st), ISMS_OK);
    store_heat h;
    if (store_risk_heat(c, method_id, residual, &h, &st) != ISMS_OK)
        fail_msg("store_risk_heat: %s", st.detail);
    store_return(c);
    return h;
}

#define CELL(h, l, i) ((h).count[(l) - 1][(i) - 1])

typedef struct retire_arg {
    int64_t id;
} retire_arg;

static isms_err do_retire(store_txn *t, void *arg, isms_status *st)
{
    return records_retire(t, &kind_risk, ((retire_arg *)arg)->id, 0, "merged", st);
}

static void retire_risk(env *e, int64_t id)
{
    isms_status st;
    status_clear(&st);
    retire_arg r = {id};
    if (store_write(e->s, &g_root, do_retire, &r, &st) != ISMS_OK)
        fail_msg("retire: %s", st.detail);
}

/* The counts the triggers keep follow creates, score changes, retirement and new versions. */
static void test_heat_counts_follow_every_write(void **state)
{
    env *e = *state;
    people(e);
    int64_t m1 = method(e, risk_method_preset(5));
    int64_t a = risk(e, "3", "4", "2", "2");
    int64_t b = risk(e, "3", "4", "1", "1");
    int64_t c = risk(e, "5", "5", "2", "2");
    store_heat h = heat(e, m1, false);
    assert_int_equal(CELL(h, 3, 4), 2);
    assert_int_equal(CELL(h, 5, 5), 1);
    assert_int_equal(h.total, 3);
    assert_int_equal(h.outdated, 0);
    h = heat(e, m1, true);
    assert_int_equal(CELL(h, 2, 2), 2);
    assert_int_equal(CELL(h, 1, 1), 1);
    assert_int_equal(h.total, 3);

    isms_status st;
    assert_int_equal(update(e, &kind_risk, a, &st, "likelihood", "1", NULL), ISMS_OK);
    h = heat(e, m1, false);
    assert_int_equal(CELL(h, 3, 4), 1);
    assert_int_equal(CELL(h, 1, 4), 1);
    assert_int_equal(h.total, 3);

    /* No residual scores: out of the residual map, still in the current one. */
    op clear = {.k = &kind_risk, .id = b, .n = 2};
    clear.ch[0] = (record_change){kind_field(&kind_risk, "residual_likelihood"), {0}};
    clear.ch[1] = (record_change){kind_field(&kind_risk, "residual_impact"), {0}};
    if (run(e, &g_root, &clear, &st) != ISMS_OK)
        fail_msg("clearing the residual scores: %s", st.detail);
    h = heat(e, m1, true);
    assert_int_equal(CELL(h, 1, 1), 0);
    assert_int_equal(h.total, 2);
    assert_int_equal(heat(e, m1, false).total, 3);

    retire_risk(e, c);
    h = heat(e, m1, false);
    assert_int_equal(CELL(h, 5, 5), 0);
    assert_int_equal(h.total, 2);
    assert_int_equal(CELL(heat(e, m1, true), 2, 2), 1);

    /* A new version of the same sizes takes every risk with it. */
    int64_t m2 = method(e, risk_method_preset(5));
    h = heat(e, m1, false);
    assert_int_equal(h.total, 0);
    assert_int_equal(h.outdated, 2);
    h = heat(e, m2, false);
    assert_int_equal(CELL(h, 1, 4), 1);
    assert_int_equal(CELL(h, 3, 4), 1);
    assert_int_equal(h.outdated, 0);

    /* Other sizes without a map: the risks stay on m2, to reassess, outdated for m3. */
    int64_t m3 = method(e, risk_method_preset(4));
    h = heat(e, m3, false);
    assert_int_equal(h.total, 0);
    assert_int_equal(h.outdated, 2);
    assert_int_equal(heat(e, m2, false).total, 2);
}

/* Migration 7 counts the risks a version 6 database already holds. */
static void test_migration_counts_the_risks_already_there(void **state)
{
    env *e = *state;
    people(e);
    int64_t m = method(e, risk_method_preset(5));
    risk(e, "2", "3", "1", "1");
    risk(e, "2", "3", "1", "2");
    retire_risk(e, risk(e, "4", "4", "1", "1"));
    store_free(e->s);
    e->s = NULL;

    /* Back to what version 6 had: no count table, the covering index. */
    const store_driver *d = fixture_driver(g_driver);
    store_options raw = {.pool_size = 1};
    db_conn *db;
    isms_status st;
    status_clear(&st);
    assert_int_equal(d->open(e->url, &raw, &db, &st), ISMS_OK);
    if (d->exec_script(db,
                       "DROP TABLE \"risk_heat\"; DELETE FROM \"isms_schema\" WHERE \"version\" = 7;"
                       "CREATE INDEX \"risk__heat\" ON \"risk\" (\"method\", \"retired_at\", "
                       "\"likelihood\", \"impact\", \"residual_likelihood\", \"residual_impact\");",
                       &st) != ISMS_OK)
        fail_msg("back to version 6: %s", st.detail);
    d->close(db);

    store_options reopen = {.pool_size = 1};
    assert_int_equal(store_open(&e->s, registry_default(), e->url, &reopen, &st), ISMS_OK);
    assert_true(store_schema_version(e->s) >= 7);
    store_heat h = heat(e, m, false);
    assert_int_equal(CELL(h, 2, 3), 2);
    assert_int_equal(h.total, 2);
    h = heat(e, m, true);
    assert_int_equal(CELL(h, 1, 1), 1);
    assert_int_equal(CELL(h, 1, 2), 1);
    assert_int_equal(h.outdated, 0);
    /* And every write keeps them from there. */
    risk(e, "2", "3", "1", "1");
    assert_int_equal(CELL(heat(e, m, false), 2, 3), 3);
}

/* A reference found in force is not asked for again in the transaction, until its kind is written. */
typedef struct retire_owner {
    env *e;
    isms_record *first, *second;
    int64_t owner;
} retire_owner;

static isms_err write_retire_owner(store_txn *t, void *arg, isms_status *st)
{
    retire_owner *w = arg;
    isms_err e = records_create(t, w->first, &w->e->a, st); /* finds the owner in force */
    if (e == ISMS_OK)
        e = records_retire(t, &kind_risk, w->first->id, 0, "merged", st);
    if (e == ISMS_OK)
        e = records_retire(t, &kind_person, w->owner, 0, "left", st);
    if (e == ISMS_OK)
        e = records_create(t, w->second, &w->e->a, st); /* must see the retirement */
    return e;
}

static void test_references_are_checked_again_after_their_kind_changes(void **state)
{
    env *e = *state;
    people(e);
    method(e, risk_method_preset(5));
    const char *owner = id_text(e, e->other);
    retire_owner w = {e,
                      build_one(e, &kind_risk, "title", "First", "owner", owner, "likelihood",
                                "2", "impact", "2", "treatment", "retain", NULL),
                      build_one(e, &kind_risk, "title", "Second", "owner", owner, "likelihood",
                                "2", "impact", "2", "treatment", "retain", NULL),
                      e->other};
    isms_status st;
    status_clear(&st);
    assert_int_equal(store_write(e->s, &g_root, write_retire_owner, &w, &st), ISMS_EINVALID);
    assert_true(has_field_error(&st, "owner"));
    assert_non_null(strstr(st.fields[0].reason, "retired"));
    assert_int_equal(count(e, &kind_risk), 0); /* nothing of it was kept */
}

int main(int argc, char **argv)
{
    if (argc > 1)
        g_driver = argv[1];
    if (!fixture_driver_available(g_driver)) {
        fprintf(stderr, "%s: no PostgreSQL test cluster (ISMS_TEST_PG_URL); skipped\n", g_driver);
        return 77; /* meson: skipped */
    }
    write_ctx_init(&g_root, "root", "cli");
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_scoring_every_cell_of_the_5x5_preset),
        T(test_scores_off_the_scale_are_refused),
        T(test_treatment_clears_the_untreated_flag),
        T(test_the_method_kept_per_transaction_follows_a_new_version),
        T(test_same_sizes_keep_levels_and_move_risks),
        T(test_a_map_carries_risks_to_other_sizes),
        T(test_other_sizes_without_a_map_mark_reassess),
        T(test_owner_signs_a_medium_residual),
        T(test_very_high_needs_top_management_with_an_exception),
        T(test_refusals_leave_nothing),
        T(test_no_exception_when_the_method_allows_none),
        T(test_invalidation_follows_what_was_accepted),
        T(test_validity_of_stored_acceptances),
        T(test_heat_counts_follow_every_write),
        T(test_migration_counts_the_risks_already_there),
        T(test_references_are_checked_again_after_their_kind_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
