/*
 * `isms risk accept RSK-n`: the acting user signs the acceptance of a risk's
 * treatment plan and residual risk with their own credentials (cli_sign),
 * then the acceptance is written as a signing act; the risk-acceptance
 * kind's hook decides whether they may sign in that role.
 * `isms risk acceptances RSK-n`: the acceptances with their validity now.
 */
#include <stdio.h>
#include <string.h>

#include "cli/output.h"
#include "cli/risk_accept.h"
#include "cli/signing.h"
#include "core/kinds/kinds.h"
#include "core/record_json.h"
#include "core/records.h"
#include "core/risk_accept.h"

static int risk_arg(cli_ctx *c, const char *verb, int64_t *id)
{
    if (c->args.npos < 3)
        return cli_usage(c, "risk %s needs the id of the risk, such as RSK-1", verb);
    if (c->args.npos > 3)
        return cli_usage(c, "unexpected argument '%s'", c->args.pos[3]);
    if (!human_id_parse(&kind_risk, c->args.pos[2], id))
        return cli_usage(c, "'%s' is not a risk id (such as RSK-1)", c->args.pos[2]);
    return EXIT_OK;
}

static int risk_exists(cli_ctx *c, store *s, int64_t id)
{
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    isms_record *r;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    isms_err e = store_get(conn, &kind_risk, id, &c->arena, &r, &st);
    store_return(conn);
    return e == ISMS_OK ? EXIT_OK : cli_fail(c, &st);
}

static int verb_accept(cli_ctx *c, store *s)
{
    int64_t id;
    int rc = risk_arg(c, "accept", &id);
    const char *role = args_value(&c->args, "role");
    const char *rationale = args_value(&c->args, "rationale");
    bool exception = args_flag(&c->args, "exception");
    const char *until = args_value(&c->args, "until");
    if (!until) /* the field's own name, as error messages spell it */
        until = args_value(&c->args, "exception_until");
    bool from_stdin = args_flag(&c->args, "password_stdin");
    if (rc == EXIT_OK)
        rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    isms_record *acc = risk_acceptance_new(&c->arena, id, role, rationale, exception, until, &st);
    if (st.code != ISMS_OK)
        return cli_fail(c, &st);
    if ((rc = risk_exists(c, s, id)) != EXIT_OK)
        return rc;
    char act[64];
    snprintf(act, sizeof(act), "accept RSK-%lld", (long long)id);
    if ((rc = cli_sign(c, s, act, from_stdin)) != EXIT_OK)
        return rc;
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &c->principal, "cli");
    ctx.signed_act = true;
    if (records_create_one(s, &ctx, acc, &c->arena, &st) != ISMS_OK)
        return cli_fail(c, &st);
    if (c->json) {
        json_t *j = record_to_json(acc);
        print_json(c, j);
        json_decref(j);
    } else
        fprintf(c->out, "ACC-%lld: %s\n", (long long)acc->id, record_title(acc));
    return EXIT_OK;
}

static const char *text_of(const isms_record *r, const char *field)
{
    const char *s = record_value(r, field)->s;
    return s ? s : "";
}

static void print_acceptances(cli_ctx *c, const isms_record *risk, isms_record **items,
                              size_t n, const char *today)
{
    text_table t;
    table_init(&t, &c->arena, 7);
    const char *head[] = {"ID", "ROLE", "SIGNED BY", "SIGNED", "EXPIRES", "VALIDITY",
                          "RATIONALE"};
    table_add_row(&t, head);
    for (size_t i = 0; i < n; i++) {
        const isms_record *a = items[i];
        const char *row[] = {
            human_id(&c->arena, &kind_risk_acceptance, a->id), text_of(a, "role"),
            text_of(a, "signed_by_user"), arena_printf(&c->arena, "%.10s", a->created_at),
            text_of(a, "expires"),
            risk_acceptance_validity_name(risk_acceptance_validity(a, risk, today)),
            arena_printf(&c->arena, "%.60s", text_of(a, "rationale"))};
        table_add_row(&t, row);
    }
    fprintf(c->out, "RSK-%lld acceptance: %s\n", (long long)risk->id,
            risk_acceptance_state_now(risk, today));
    if (n)
        table_print(&t, c->out);
}

static json_t *acceptances_json(const isms_record *risk, isms_record **items, size_t n,
                                const char *today)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = record_to_json(items[i]);
        acceptance_validity v = risk_acceptance_validity(items[i], risk, today);
        json_object_set_new(j, "validity", json_string(risk_acceptance_validity_name(v)));
        json_array_append_new(list, j);
    }
    return json_pack("{s:s,s:o}", "acceptance", risk_acceptance_state_now(risk, today), "items",
                     list);
}

static int verb_acceptances(cli_ctx *c, store *s)
{
    int64_t id;
    int rc = risk_arg(c, "acceptances", &id);
    if (rc == EXIT_OK)
        rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    isms_record *risk, **items = NULL;
    size_t n = 0;
    isms_err e = store_get(conn, &kind_risk, id, &c->arena, &risk, &st);
    if (e == ISMS_OK)
        e = risk_acceptances_of(conn, id, &c->arena, &items, &n, &st);
    store_return(conn);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    char today[32];
    clock_now_rfc3339(today);
    if (c->json) {
        json_t *j = acceptances_json(risk, items, n, today);
        print_json(c, j);
        json_decref(j);
    } else
        print_acceptances(c, risk, items, n, today);
    return EXIT_OK;
}

int cmd_risk_accept(cli_ctx *c, const char *verb)
{
    store *s;
    int rc = cli_open_store(c, false, &s);
    if (rc != EXIT_OK)
        return rc;
    rc = strcmp(verb, "accept") == 0 ? verb_accept(c, s) : verb_acceptances(c, s);
    cli_close_store(c, s);
    return rc;
}

void help_risk_accept(cli_ctx *c, const char *verb)
{
    if (strcmp(verb, "acceptances") == 0) {
        fputs("Usage: isms risk acceptances ID [--json]\n\n"
              "The risk's acceptance state now (none, pending, accepted, invalidated,\n"
              "expired) and its signed acceptances, newest first, each with its validity:\n"
              "  valid    it still covers the risk as it is\n"
              "  changed  the residual likelihood or impact, the treatment or the controls\n"
              "           differ from what was signed\n"
              "  expired  its date (the risk's review date, or an exception's end) has passed\n"
              "  retired\n",
              c->out);
        return;
    }
    fputs("Usage: isms risk accept ID --role owner|top-management --rationale TEXT\n"
          "                         [--exception --until YYYY-MM-DD] [--password-stdin] [--json]\n\n"
          "Signs the acceptance of the risk's treatment plan and residual risk: a signing\n"
          "act, so it asks for the acting user's password (and second-factor code), on\n"
          "the terminal or with --password-stdin (password on the first line, code on the\n"
          "second). The acting user must be linked to a person (isms user set NAME --person\n"
          "PER-n): the risk's owner signs as owner; a person marked top_management signs as\n"
          "top-management. The risk needs its residual likelihood and impact, a treatment\n"
          "and a next review date; the acceptance expires on that date.\n\n"
          "  --role ROLE        owner, or top-management where the method asks for it\n"
          "  --rationale TEXT   why the residual risk is acceptable (up to 4000 characters)\n"
          "  --exception        top management accepts a level the method says must be\n"
          "                     treated, if the method allows exceptions\n"
          "  --until DATE       when the exception ends (within the method's longest)\n",
          c->out);
}
