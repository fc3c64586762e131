/* Which kinds have verbs of their own, and the functions that run and explain each. */
#include "cli/kind_verbs.h"

#include <string.h>

#include "cli/cmd_risk_views.h"
#include "cli/risk_accept.h"
#include "cli/risk_method_cli.h"
#include "core/kinds/kinds.h"

static const kind_verb verbs[] = {
    /* Signed risk acceptance (cmd_risk_accept.c). */
    {&kind_risk, "accept", cmd_risk_accept, help_risk_accept},
    {&kind_risk, "acceptances", cmd_risk_accept, help_risk_accept},
    /* The risk register's views (cmd_risk_views.c). */
    {&kind_risk, "heatmap", cmd_risk_view, help_risk_view},
    {&kind_risk, "flags", cmd_risk_view, help_risk_view},
    {&kind_risk, "actions", cmd_risk_view, help_risk_view},
    /* The risk method (cmd_risk_method.c); its add is the generic one, from a file too. */
    {&kind_risk_method, "preset", cmd_risk_method, help_risk_method_verb},
    {&kind_risk_method, "matrix", cmd_risk_method, help_risk_method_verb},
    {&kind_risk_method, "add", cmd_risk_method_add, NULL},
    /* Assessment campaigns (cmd_risk_campaign.c). */
    {&kind_risk_campaign, "coverage", cmd_risk_campaign, help_risk_campaign},
    {&kind_risk_campaign, "snapshot", cmd_risk_campaign, help_risk_campaign},
    {&kind_risk_campaign, "compare", cmd_risk_campaign, help_risk_campaign},
    {&kind_risk_campaign, "close", cmd_risk_campaign, help_risk_campaign},
    {&kind_risk_campaign, "due", cmd_risk_campaign, help_risk_campaign},
};

/* The lines a kind adds to `isms KIND --help`. */
static const struct {
    const isms_kind *kind;
    void (*help)(cli_ctx *c);
} kind_helps[] = {
    {&kind_risk_method, help_risk_method},
};

const kind_verb *kind_verb_find(const isms_kind *k, const char *verb)
{
    for (size_t i = 0; verb && i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (verbs[i].kind == k && strcmp(verbs[i].verb, verb) == 0)
            return &verbs[i];
    return NULL;
}

void kind_verbs_help_kind(cli_ctx *c, const isms_kind *k)
{
    help_kind(c, k);
    for (size_t i = 0; i < sizeof(kind_helps) / sizeof(kind_helps[0]); i++)
        if (kind_helps[i].kind == k)
            kind_helps[i].help(c);
}
