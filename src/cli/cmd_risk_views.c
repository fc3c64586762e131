#include "cli/cmd_risk_views.h"

#include <stdlib.h>
#include <string.h>

#include "core/record_json.h"
#include "report/heatmap_data.h"

enum { FLAG_IDS_CLI = 100, ACTIONS_PAGE = STORE_PAGE_MAX };

void help_risk_view(cli_ctx *c, const char *verb)
{
    if (strcmp(verb, "heatmap") == 0)
        fputs("Usage: isms risk heatmap [--residual] [--json]\n\n"
              "The heat map of the risks in force under the method in force: one row per\n"
              "likelihood (highest first), one column per impact, each cell the number of\n"
              "risks and its risk level. --residual counts the residual scores. Risks scored\n"
              "under an older method version are counted apart (to reassess).\n",
              c->out);
    else if (strcmp(verb, "flags") == 0)
        fputs("Usage: isms risk flags [--json]\n\n"
              "The risks the register flags: untreated (must be treated, no treatment),\n"
              "reassess, acceptance-invalidated, acceptance-expired, accepted-actions-overdue\n"
              "(accepted, with a treatment action past its due date); each with its count\n"
              "and the first 100 ids, highest level first.\n",
              c->out);
    else
        fputs("Usage: isms risk actions [--overdue] [--json]\n\n"
              "The treatment actions (risk-action) in force, by due date. --overdue: only\n"
              "those neither done nor cancelled whose due date is before today (UTC).\n"
              "Shows the first 200; the API pages through the rest.\n",
              c->out);
}

static int open_conn(cli_ctx *c, store **s, store_conn **conn)
{
    int rc = cli_open_store(c, false, s);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    if (store_borrow(*s, conn, &st) != ISMS_OK) {
        cli_close_store(c, *s);
        return cli_fail(c, &st);
    }
    return EXIT_OK;
}

static void print_grid(cli_ctx *c, const heatmap *h)
{
    const risk_method *m = h->method;
    fprintf(c->out, "%s risk, method RM-%lld (%lld risks)\n", h->residual ? "Residual" : "Current",
            (long long)h->method_id, (long long)h->heat->total);
    fprintf(c->out, "%-16.16s", h->residual ? "res. likelihood" : "likelihood");
    for (int i = 1; i <= m->nimpact; i++)
        fprintf(c->out, " | %-16.16s", m->impact[i - 1].label);
    fputc('\n', c->out);
    for (int l = m->nlikelihood; l >= 1; l--) {
        fprintf(c->out, "%-16.16s", m->likelihood[l - 1].label);
        for (int i = 1; i <= m->nimpact; i++) {
            const risk_level *lv = risk_method_level_def(m, risk_method_level(m, l, i));
            fprintf(c->out, " | %4lld %-11.11s", (long long)h->heat->count[l - 1][i - 1],
                    lv ? lv->label : "");
        }
        fputc('\n', c->out);
    }
    if (h->heat->outdated)
        fprintf(c->out, "%lld risks scored under an older method version are not counted "
                        "(to reassess).\n",
                (long long)h->heat->outdated);
}

static void print_json(cli_ctx *c, json_t *j)
{
    char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
    if (s)
        fprintf(c->out, "%s\n", s);
    free(s);
    json_decref(j);
}

static json_t *heatmap_json(const heatmap *h)
{
    const risk_method *m = h->method;
    json_t *cells = json_array();
    for (int l = m->nlikelihood; l >= 1; l--)
        for (int i = 1; i <= m->nimpact; i++) {
            int level = risk_method_level(m, l, i);
            const risk_level *lv = risk_method_level_def(m, level);
            json_array_append_new(cells, json_pack("{s:i,s:i,s:i,s:s,s:s,s:I}", "likelihood", l,
                                                   "impact", i, "level", level, "label",
                                                   lv->label, "colour", lv->colour, "count",
                                                   (json_int_t)h->heat->count[l - 1][i - 1]));
        }
    char rm[32];
    snprintf(rm, sizeof(rm), "RM-%lld", (long long)h->method_id);
    return json_pack("{s:s,s:s,s:o,s:I,s:I}", "basis", h->residual ? "residual" : "current",
                     "method", rm, "cells", cells, "total", (json_int_t)h->heat->total,
                     "outdated", (json_int_t)h->heat->outdated);
}

static int view_heatmap(cli_ctx *c, store_conn *conn)
{
    isms_status st;
    status_clear(&st);
    heatmap h;
    store_heat heat;
    if (heatmap_load(conn, args_flag(&c->args, "residual"), &c->arena, &h, &heat, &st) != ISMS_OK)
        return cli_fail(c, &st);
    if (!h.method) {
        status_fail(&st, ISMS_ECONFLICT, "no risk method is in force: record one "
                                         "(isms risk-method add) to score risks");
        return cli_fail(c, &st);
    }
    if (c->json)
        print_json(c, heatmap_json(&h));
    else
        print_grid(c, &h);
    return EXIT_OK;
}

static int view_flags(cli_ctx *c, store_conn *conn)
{
    isms_status st;
    status_clear(&st);
    char today[11];
    report_today(today);
    store_flagged flags[RISK_FLAG_COUNT];
    if (store_risk_flags(conn, today, FLAG_IDS_CLI, flags, &st) != ISMS_OK)
        return cli_fail(c, &st);
    const isms_kind *k = registry_kind(c->reg, "risk");
    json_t *all = json_array();
    for (int f = 0; f < RISK_FLAG_COUNT; f++) {
        const char *name = store_risk_flag_name((store_risk_flag)f);
        json_t *ids = json_array();
        if (!c->json)
            fprintf(c->out, "%-26s %4lld", name, (long long)flags[f].count);
        for (size_t i = 0; i < flags[f].n; i++) {
            char hid[ISMS_HUMAN_ID_MAX];
            human_id_format(hid, k, flags[f].ids[i]);
            json_array_append_new(ids, json_string(hid));
            if (!c->json)
                fprintf(c->out, "%s%s", i ? ", " : "  ", hid);
        }
        if (!c->json)
            fprintf(c->out, "%s\n", flags[f].count > (int64_t)flags[f].n ? ", ..." : "");
        json_array_append_new(all, json_pack("{s:s,s:I,s:o}", "flag", name, "count",
                                             (json_int_t)flags[f].count, "risks", ids));
    }
    if (c->json)
        print_json(c, json_pack("{s:s,s:o}", "today", today, "flags", all));
    else
        json_decref(all);
    return EXIT_OK;
}

static int view_actions(cli_ctx *c, store_conn *conn)
{
    isms_status st;
    status_clear(&st);
    store_page page;
    isms_err e;
    if (args_flag(&c->args, "overdue")) {
        char today[11];
        report_today(today);
        e = store_risk_actions_overdue(conn, today, NULL, ACTIONS_PAGE, &c->arena, &page, &st);
    } else {
        store_query q = {.kind = registry_kind(c->reg, "risk-action"),
                         .sort = kind_field(registry_kind(c->reg, "risk-action"), "due_date"),
                         .limit = ACTIONS_PAGE,
                         .retired = STORE_ACTIVE_ONLY};
        e = store_list(conn, &q, &c->arena, &page, &st);
    }
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    if (c->json) {
        strbuf b;
        strbuf_init(&b, 64u << 20);
        strbuf_puts(&b, "{\"items\":[");
        for (size_t i = 0; i < page.n; i++) {
            if (i)
                strbuf_putc(&b, ',');
            record_json_write(&b, page.items[i]);
        }
        strbuf_puts(&b, "]}");
        fprintf(c->out, "%s\n", b.ptr);
        strbuf_dispose(&b);
        return EXIT_OK;
    }
    for (size_t i = 0; i < page.n; i++) {
        const isms_record *r = page.items[i];
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, r->kind, r->id);
        fprintf(c->out, "%-8s %-10s %-11s %s\n", hid, record_value(r, "due_date")->s,
                record_value(r, "status")->s, record_title(r));
    }
    if (page.next_cursor)
        fprintf(c->out, "(more: GET /api/v1/risk-actions%s pages through them all)\n",
                args_flag(&c->args, "overdue") ? "/overdue" : "");
    return EXIT_OK;
}

int cmd_risk_view(cli_ctx *c, const char *verb)
{
    bool heat = strcmp(verb, "heatmap") == 0, actions = strcmp(verb, "actions") == 0;
    if (heat)
        args_flag(&c->args, "residual");
    if (actions)
        args_flag(&c->args, "overdue");
    int rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    store *s;
    store_conn *conn;
    if ((rc = open_conn(c, &s, &conn)) != EXIT_OK)
        return rc;
    rc = heat ? view_heatmap(c, conn) : actions ? view_actions(c, conn) : view_flags(c, conn);
    store_return(conn);
    cli_close_store(c, s);
    return rc;
}
