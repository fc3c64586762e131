/* `isms kinds`: the registry, grouped by the clause each kind serves. */
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/clauses.h"
#include "core/record_json.h"

static void kinds_json(cli_ctx *c)
{
    json_t *root = registry_to_json(c->reg);
    json_t *kinds = json_object_get(root, "kinds");
    for (size_t i = 0; i < c->reg->nkinds; i++) {
        const isms_clause *cl = clause_find(c->reg->kinds[i]->clause);
        json_object_set_new(json_array_get(kinds, i), "clause_title",
                            json_string(cl ? cl->title : ""));
    }
    print_json(c, root);
    json_decref(root);
}

int cmd_kinds(cli_ctx *c)
{
    int rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    if (c->json) {
        kinds_json(c);
        return EXIT_OK;
    }
    size_t n;
    const isms_clause *all = clauses_all(&n);
    text_table t;
    table_init(&t, &c->arena, 4);
    const char *head[] = {"KIND (CLI)", "API", "ID", "WHAT IT HOLDS"};
    table_add_row(&t, head);
    for (size_t i = 0; i < n; i++) {
        bool any = false;
        for (size_t j = 0; j < c->reg->nkinds; j++)
            any = any || strcmp(c->reg->kinds[j]->clause, all[i].id) == 0;
        if (!any)
            continue;
        const char *title[] = {arena_printf(&c->arena, "%s %s", all[i].id, all[i].title), "",
                               "", ""};
        table_add_row(&t, title);
        for (size_t j = 0; j < c->reg->nkinds; j++) {
            const isms_kind *k = c->reg->kinds[j];
            if (strcmp(k->clause, all[i].id) != 0)
                continue;
            const char *row[] = {arena_printf(&c->arena, "  %s", k->name), k->plural,
                                 arena_printf(&c->arena, "%s-n", k->prefix), k->help};
            table_add_row(&t, row);
        }
    }
    table_print(&t, c->out);
    return EXIT_OK;
}
