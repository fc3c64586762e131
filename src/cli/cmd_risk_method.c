/*
 * The risk method's own verbs beside the generic ones (docs/CLI.md):
 * `isms risk-method preset 3|4|5` prints a preset, `isms risk-method matrix
 * [RM-n]` draws a version's grid as text, and `isms risk-method add
 * --definition-file FILE` reads the definition from a file for the generic add.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/risk_method_cli.h"
#include "core/kinds/kinds.h"
#include "core/record.h"
#include "core/risk_current.h"

static int cmd_preset(cli_ctx *c)
{
    const char *size = c->args.npos > 2 ? c->args.pos[2] : NULL;
    const char *text = size && strlen(size) == 1 ? risk_method_preset(size[0] - '0') : NULL;
    if (c->args.npos > 3 || !text)
        return cli_usage(c, "usage: isms risk-method preset 3|4|5");
    int rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    fprintf(c->out, "%s\n", text);
    return EXIT_OK;
}

/* One cell of the text grid: the text cut or padded to width bytes of ASCII. */
static void cell(FILE *out, const char *text, int width)
{
    fprintf(out, " %-*.*s |", width, width, text);
}

static void print_matrix(cli_ctx *c, const risk_method *m, const char *id)
{
    enum { W = 16 };
    FILE *out = c->out;
    fprintf(out, "%s: likelihood (rows, highest first) x impact (columns)\n\n", id);
    fputc('|', out);
    cell(out, "", W);
    for (int i = 0; i < m->nimpact; i++) {
        char head[64];
        snprintf(head, sizeof(head), "%d %s", i + 1, m->impact[i].label);
        cell(out, head, W);
    }
    fputc('\n', out);
    for (int l = m->nlikelihood - 1; l >= 0; l--) {
        char head[64];
        snprintf(head, sizeof(head), "%d %s", l + 1, m->likelihood[l].label);
        fputc('|', out);
        cell(out, head, W);
        for (int i = 0; i < m->nimpact; i++)
            cell(out, risk_method_level_def(m, m->matrix[l][i])->label, W);
        fputc('\n', out);
    }
    fputs("\nLevels:\n", out);
    for (int k = 0; k < m->nlevels; k++)
        fprintf(out, "  %d %-14s %s  %s%s\n", k + 1, m->levels[k].label, m->levels[k].colour,
                risk_acceptance_name(m->levels[k].acceptance),
                m->levels[k].management_signs ? ", top management signs" : "");
}

static int cmd_matrix(cli_ctx *c)
{
    const char *which = c->args.npos > 2 ? c->args.pos[2] : NULL;
    int64_t id = 0;
    if (c->args.npos > 3 || (which && !human_id_parse(&kind_risk_method, which, &id)))
        return cli_usage(c, "usage: isms risk-method matrix [RM-n]");
    int rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    if (store_borrow(c->store, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    const risk_method *m = NULL;
    isms_err e = which ? risk_method_load(conn, id, &c->arena, &m, &st)
                       : risk_method_current(conn, &c->arena, &m, &id, &st);
    store_return(conn);
    if (e == ISMS_OK && !m)
        status_fail(&st, e = ISMS_ENOTFOUND, "no risk method is in force");
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    print_matrix(c, m, human_id(&c->arena, &kind_risk_method, id));
    return EXIT_OK;
}

/* --definition-file FILE becomes --definition TEXT for the generic add. */
static int definition_from_file(cli_ctx *c)
{
    const char *path = args_value(&c->args, "definition_file");
    if (!path)
        return EXIT_OK;
    for (size_t k = 0; k < c->args.nopts; k++)
        if (strcmp(c->args.opts[k].name, "definition") == 0)
            return cli_usage(c, "give --definition or --definition-file, not both");
    if (c->args.nopts >= ARGS_MAX_OPTIONS)
        return cli_usage(c, "too many options");
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_usage(c, "--definition-file: cannot read %s", path);
    char *buf = arena_alloc(&c->arena, RISK_METHOD_JSON_MAX + 2);
    size_t n = fread(buf, 1, RISK_METHOD_JSON_MAX + 1, f);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed)
        return cli_usage(c, "--definition-file: cannot read %s", path);
    if (n > RISK_METHOD_JSON_MAX)
        return cli_usage(c, "--definition-file: %s is larger than %d bytes", path,
                         RISK_METHOD_JSON_MAX);
    buf[n] = '\0';
    if (strlen(buf) != n)
        return cli_usage(c, "--definition-file: %s contains a NUL byte", path);
    c->args.opts[c->args.nopts++] =
        (cli_option){.name = "definition", .shown = "--definition-file", .value = buf};
    return EXIT_OK;
}

int cmd_risk_method(cli_ctx *c, const char *verb)
{
    return strcmp(verb, "preset") == 0 ? cmd_preset(c) : cmd_matrix(c);
}

int cmd_risk_method_add(cli_ctx *c, const char *verb)
{
    int rc = definition_from_file(c);
    return rc != EXIT_OK ? rc : cmd_record(c, &kind_risk_method, verb);
}

void help_risk_method_verb(cli_ctx *c, const char *verb)
{
    if (strcmp(verb, "preset") == 0)
        fputs("Usage: isms risk-method preset 3|4|5\n\n"
              "Prints the ready method of that size (3 x 3, 4 x 4 or 5 x 5) as JSON: a start\n"
              "for your own. Save it, edit it, and record it with\n"
              "  isms risk-method add --title T --definition-file FILE\n", c->out);
    else
        fputs("Usage: isms risk-method matrix [RM-n]\n\n"
              "Draws the matrix of a version as text (the version in force without RM-n):\n"
              "the risk level of each likelihood and impact, then the levels with their\n"
              "colour and acceptance rule.\n", c->out);
}

void help_risk_method(cli_ctx *c)
{
    fputs("\nThe method's own verbs:\n"
          "  isms risk-method preset 3|4|5          print a preset method as JSON\n"
          "  isms risk-method matrix [RM-n]         the matrix of a version as text\n"
          "  isms risk-method add --title T --definition-file FILE [--note TEXT]\n"
          "                                         a new version from a JSON file\n"
          "A new version whose scales change size may map the old levels to the new\n"
          "(map_from_previous, docs/RISK.md); without a map, the risks are marked to\n"
          "reassess.\n", c->out);
}
