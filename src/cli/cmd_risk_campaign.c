/*
 * isms risk-campaign coverage|snapshot|compare|close|due: the assessment
 * campaign verbs beyond the generic ones (docs/RISK.md, "Assessment
 * campaigns"). Closing goes through records_update, so the change log and
 * the kind's hook (the snapshot) run as for any change.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/kinds/kinds.h"
#include "core/record_json.h"
#include "core/records.h"
#include "core/risk_campaign.h"

static const char *fmt_int(arena *a, int64_t v)
{
    return v ? arena_printf(a, "%" PRId64, v) : "";
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* The campaign id of position i (CMP-3 or 3); a usage error names what is missing. */
static int campaign_arg(cli_ctx *c, size_t i, const char *what, int64_t *id)
{
    if (c->args.npos <= i)
        return cli_usage(c, "risk-campaign %s: give the campaign, such as CMP-1", what);
    if (!human_id_parse(&kind_risk_campaign, c->args.pos[i], id))
        return cli_usage(c, "risk-campaign %s: '%s' is not a campaign id such as CMP-1", what,
                         c->args.pos[i]);
    return EXIT_OK;
}

typedef int (*conn_fn)(cli_ctx *c, store_conn *conn, void *arg);

/* Run fn on a borrowed connection inside one read snapshot. */
static int with_conn(cli_ctx *c, conn_fn fn, void *arg)
{
    store *s;
    int rc = cli_open_store(c, false, &s);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    if (store_borrow(s, &conn, &st) != ISMS_OK) {
        rc = cli_fail(c, &st);
    } else {
        if (store_read_begin(conn, &st) != ISMS_OK) {
            rc = cli_fail(c, &st);
        } else {
            rc = fn(c, conn, arg);
            store_read_end(conn);
        }
        store_return(conn);
    }
    cli_close_store(c, s);
    return rc;
}

static void today(char out[32])
{
    clock_now_rfc3339(out);
}

/* --- coverage -------------------------------------------------------------- */

static int print_coverage(cli_ctx *c, store_conn *conn, void *arg)
{
    int64_t id = *(int64_t *)arg;
    char now[32];
    today(now);
    isms_status st;
    status_clear(&st);
    risk_coverage cov;
    if (store_risk_coverage(conn, id, now, &c->arena, &cov, &st) != ISMS_OK)
        return cli_fail(c, &st);
    if (c->json) {
        json_t *j = risk_coverage_to_json(&cov);
        print_json(c, j);
        json_decref(j);
        return EXIT_OK;
    }
    fprintf(c->out, "CMP-%" PRId64 " (%s, due %s): %" PRId64 " of %" PRId64
                    " risks answered (%" PRId64 "%%), %zu owner%s late\n",
            id, cov.closed ? "closed" : "open", cov.due_date, cov.answered, cov.risks,
            cov.risks ? cov.answered * 100 / cov.risks : 100, cov.late, cov.late == 1 ? "" : "s");
    text_table t;
    table_init(&t, &c->arena, 5);
    table_add_row(&t, (const char *[]){"OWNER", "NAME", "RISKS", "ANSWERED", "LATE"});
    for (size_t i = 0; i < cov.nowners; i++) {
        const risk_owner_cover *o = &cov.owners[i];
        table_add_row(&t, (const char *[]){arena_printf(&c->arena, "PER-%" PRId64, o->person),
                                           or_empty(o->name), fmt_int(&c->arena, o->risks),
                                           arena_printf(&c->arena, "%" PRId64, o->answered),
                                           o->late ? "late" : ""});
    }
    table_print(&t, c->out);
    return EXIT_OK;
}

/* --- snapshot -------------------------------------------------------------- */

static void snapshot_row_text(cli_ctx *c, text_table *t, const risk_snapshot_row *r)
{
    table_add_row(t, (const char *[]){
        arena_printf(&c->arena, "RSK-%" PRId64, r->risk_id),
        arena_strdup(&c->arena, or_empty(r->title)),
        r->owner_name ? arena_strdup(&c->arena, r->owner_name) : "",
        arena_printf(&c->arena, "%s %s", fmt_int(&c->arena, r->level), or_empty(r->level_label)),
        arena_printf(&c->arena, "%s %s", fmt_int(&c->arena, r->residual_level),
                     or_empty(r->residual_level_label)),
        arena_strdup(&c->arena, or_empty(r->treatment)),
        arena_strdup(&c->arena, or_empty(r->acceptance))});
}

/*
 * One item of the --json array, printed at once: the array is written as the
 * pages come, so 100,000 risks take no more memory than one page. The text
 * is what print_json gives for {"campaign": ..., "items": [...]}.
 */
static void snapshot_row_json(cli_ctx *c, const risk_snapshot_row *r, bool first)
{
    fputs(first ? "\n    " : ",\n    ", c->out);
    json_t *j = risk_snapshot_row_to_json(r);
    print_json_nested(c, j, 2);
    json_decref(j);
}

static int print_snapshot(cli_ctx *c, store_conn *conn, void *arg)
{
    int64_t id = *(int64_t *)arg;
    isms_status st;
    status_clear(&st);
    if (risk_campaign_closed_check(conn, id, "campaign", &c->arena, &st) != ISMS_OK)
        return cli_fail(c, &st);
    risk_snapshot_row *rows = arena_alloc(&c->arena, RISK_SNAPSHOT_PAGE_MAX * sizeof(*rows));
    text_table t;
    table_init(&t, &c->arena, 7);
    table_add_row(&t, (const char *[]){"RISK", "TITLE", "OWNER", "LEVEL", "RESIDUAL",
                                       "TREATMENT", "ACCEPTANCE"});
    int64_t after = 0, printed = 0;
    size_t n;
    bool first_page = true;
    do {
        arena page; /* each page's strings, freed once printed */
        arena_init(&page);
        if (store_risk_snapshot_page(conn, id, after, RISK_SNAPSHOT_PAGE_MAX, &page, rows, &n,
                                     &st) != ISMS_OK) {
            arena_dispose(&page);
            return cli_fail(c, &st);
        }
        /*
         * Opened once the first page is read, so that its failure prints no half
         * object; a later page's failure (inside the same read snapshot) leaves
         * the array unclosed, and the exit code says so.
         */
        if (c->json && first_page)
            fprintf(c->out, "{\n  \"campaign\": \"CMP-%" PRId64 "\",\n  \"items\": [", id);
        for (size_t i = 0; i < n; i++) {
            if (c->json)
                snapshot_row_json(c, &rows[i], printed++ == 0);
            else
                snapshot_row_text(c, &t, &rows[i]);
        }
        after = n ? rows[n - 1].risk_id : after;
        first_page = false;
        arena_dispose(&page);
    } while (n == RISK_SNAPSHOT_PAGE_MAX);
    if (c->json)
        fputs(printed ? "\n  ]\n}\n" : "]\n}\n", c->out);
    else
        table_print(&t, c->out);
    return EXIT_OK;
}

/* --- compare --------------------------------------------------------------- */

typedef struct compare_args {
    int64_t from, to;
} compare_args;

static void print_comparison_text(cli_ctx *c, const risk_comparison *cmp, bool first)
{
    if (first)
        fprintf(c->out,
            "CMP-%" PRId64 " -> CMP-%" PRId64 ": %" PRId64 " new, %" PRId64 " closed, %" PRId64
            " raised, %" PRId64 " lowered, %" PRId64 " unchanged; residual %" PRId64
            " raised, %" PRId64 " lowered\n",
            cmp->from, cmp->to, cmp->news, cmp->closed, cmp->raised, cmp->lowered,
            cmp->unchanged, cmp->residual_raised, cmp->residual_lowered);
    text_table t;
    table_init(&t, &c->arena, 5);
    if (first)
        table_add_row(&t, (const char *[]){"RISK", "CHANGE", "LEVEL", "RESIDUAL", "TITLE"});
    for (size_t i = 0; i < cmp->n; i++) {
        const risk_compare_row *r = &cmp->rows[i];
        table_add_row(&t, (const char *[]){
            arena_printf(&c->arena, "RSK-%" PRId64, r->risk_id), risk_change_name(r->change),
            arena_printf(&c->arena, "%s -> %s", fmt_int(&c->arena, r->level_from),
                         fmt_int(&c->arena, r->level_to)),
            arena_printf(&c->arena, "%s -> %s", fmt_int(&c->arena, r->residual_from),
                         fmt_int(&c->arena, r->residual_to)),
            or_empty(r->title)});
    }
    table_print(&t, c->out);
}

static int print_compare(cli_ctx *c, store_conn *conn, void *arg)
{
    compare_args *ca = arg;
    isms_status st;
    status_clear(&st);
    risk_comparison cmp;
    json_t *items = c->json ? json_array() : NULL, *last = NULL;
    int64_t after = 0;
    /* Page by page, so that every changed risk is printed; the counts are the same on each. */
    do {
        if (risk_compare(conn, ca->from, ca->to, after, RISK_COMPARE_PAGE_MAX, &c->arena, &cmp,
                         &st) != ISMS_OK) {
            json_decref(items);
            return cli_fail(c, &st);
        }
        if (items) {
            json_t *j = risk_comparison_to_json(&cmp);
            json_array_extend(items, json_object_get(j, "items"));
            json_decref(last);
            last = j;
        } else {
            print_comparison_text(c, &cmp, after == 0);
        }
        after = cmp.next_after;
    } while (after);
    if (last) {
        json_object_set_new(last, "items", items);
        json_object_del(last, "next_after");
        print_json(c, last);
        json_decref(last);
    }
    return EXIT_OK;
}

/* --- due ------------------------------------------------------------------- */

static int print_due(cli_ctx *c, store_conn *conn, void *arg)
{
    (void)arg;
    char now[32];
    today(now);
    isms_status st;
    status_clear(&st);
    risk_due d;
    if (risk_due_check(conn, now, &c->arena, &d, &st) != ISMS_OK)
        return cli_fail(c, &st);
    if (c->json) {
        json_t *j = risk_due_to_json(&d);
        print_json(c, j);
        json_decref(j);
        return EXIT_OK;
    }
    fprintf(c->out, "%s: %s\n", d.due ? "An assessment is due" : "No assessment is due",
            d.reason);
    if (d.open_campaign)
        fprintf(c->out, "Under way: CMP-%" PRId64 " (isms risk-campaign coverage CMP-%" PRId64
                        ")\n", d.open_campaign, d.open_campaign);
    return EXIT_OK;
}

/* --- close ----------------------------------------------------------------- */

typedef struct close_args {
    cli_ctx *c;
    int64_t id;
    isms_record *result;
} close_args;

static isms_err do_close(store_txn *t, void *arg, isms_status *st)
{
    close_args *ca = arg;
    const isms_field *f = kind_field(&kind_risk_campaign, "status");
    record_change ch = {.field = f, .value = {.set = true, .s = "closed"}};
    return records_update(t, &kind_risk_campaign, ca->id, 0, &ch, 1, &ca->c->arena, &ca->result,
                          st);
}

static int close_campaign(cli_ctx *c, int64_t id)
{
    store *s;
    int rc = cli_open_store(c, false, &s);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &c->principal, "cli");
    close_args ca = {c, id, NULL};
    if (store_write_again(s, &ctx, do_close, &ca, &st) != ISMS_OK) {
        rc = cli_fail(c, &st);
    } else if (c->json) {
        json_t *j = record_to_json(ca.result);
        print_json(c, j);
        json_decref(j);
    } else {
        fprintf(c->out, "CMP-%" PRId64 " closed at %s: snapshot of %" PRId64 " risks\n", id,
                record_value(ca.result, "closed_at")->s,
                record_value(ca.result, "risks_total")->i);
    }
    cli_close_store(c, s);
    return rc;
}

int cmd_risk_campaign(cli_ctx *c, const char *verb)
{
    int rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    size_t want = strcmp(verb, "due") == 0 ? 2 : strcmp(verb, "compare") == 0 ? 4 : 3;
    if (c->args.npos > want)
        return cli_usage(c, "risk-campaign %s: unexpected argument '%s'", verb,
                         c->args.pos[want]);
    if (strcmp(verb, "due") == 0)
        return with_conn(c, print_due, NULL);
    int64_t id;
    rc = campaign_arg(c, 2, verb, &id);
    if (rc != EXIT_OK)
        return rc;
    if (strcmp(verb, "coverage") == 0)
        return with_conn(c, print_coverage, &id);
    if (strcmp(verb, "snapshot") == 0)
        return with_conn(c, print_snapshot, &id);
    if (strcmp(verb, "close") == 0)
        return close_campaign(c, id);
    compare_args ca = {.from = id};
    rc = campaign_arg(c, 3, verb, &ca.to);
    return rc != EXIT_OK ? rc : with_conn(c, print_compare, &ca);
}
