/* Coverage, snapshot rows, comparisons and the due check as JSON: ids as people read them. */
#include <stdio.h>

#include "core/risk_campaign.h"

static json_t *id_or_null(const char *prefix, int64_t id)
{
    return id ? json_sprintf("%s-%lld", prefix, (long long)id) : json_null();
}

static json_t *int_or_null(int64_t v)
{
    return v ? json_integer(v) : json_null();
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Whole per cent, rounded down so that 100 means every risk answered. */
static json_int_t percent(int64_t part, int64_t whole)
{
    return whole ? (json_int_t)(part * 100 / whole) : 100;
}

json_t *risk_coverage_to_json(const risk_coverage *cov)
{
    json_t *owners = json_array();
    for (size_t i = 0; i < cov->nowners; i++) {
        const risk_owner_cover *o = &cov->owners[i];
        json_array_append_new(
            owners, json_pack("{s:o,s:o,s:I,s:I,s:I,s:b}", "person", id_or_null("PER", o->person),
                              "name", text_or_null(o->name), "risks", (json_int_t)o->risks,
                              "answered", (json_int_t)o->answered, "percent",
                              percent(o->answered, o->risks), "late", o->late));
    }
    return json_pack("{s:o,s:s,s:s,s:I,s:I,s:I,s:I,s:o}", "campaign",
                     id_or_null("CMP", cov->campaign), "status", cov->closed ? "closed" : "open",
                     "due_date", cov->due_date, "risks", (json_int_t)cov->risks, "answered",
                     (json_int_t)cov->answered, "percent", percent(cov->answered, cov->risks),
                     "late_owners", (json_int_t)cov->late, "owners", owners);
}

json_t *risk_snapshot_row_to_json(const risk_snapshot_row *r)
{
    json_t *j = json_pack("{s:o,s:I,s:s,s:o,s:o}", "risk", id_or_null("RSK", r->risk_id),
                          "risk_version", (json_int_t)r->risk_version, "title",
                          r->title ? r->title : "", "owner", id_or_null("PER", r->owner),
                          "owner_name", text_or_null(r->owner_name));
    json_object_set_new(j, "likelihood", int_or_null(r->likelihood));
    json_object_set_new(j, "impact", int_or_null(r->impact));
    json_object_set_new(j, "level", int_or_null(r->level));
    json_object_set_new(j, "level_label", text_or_null(r->level_label));
    json_object_set_new(j, "residual_likelihood", int_or_null(r->residual_likelihood));
    json_object_set_new(j, "residual_impact", int_or_null(r->residual_impact));
    json_object_set_new(j, "residual_level", int_or_null(r->residual_level));
    json_object_set_new(j, "residual_level_label", text_or_null(r->residual_level_label));
    json_object_set_new(j, "treatment", text_or_null(r->treatment));
    json_object_set_new(j, "acceptance", text_or_null(r->acceptance));
    json_object_set_new(j, "accepted_until", text_or_null(r->accepted_until));
    json_object_set_new(j, "status", text_or_null(r->status));
    json_object_set_new(j, "method", id_or_null("RM", r->method));
    return j;
}

static json_t *compare_row_json(const risk_compare_row *r)
{
    json_t *j = json_pack("{s:o,s:o,s:s,s:s}", "risk", id_or_null("RSK", r->risk_id), "title",
                          text_or_null(r->title), "change", risk_change_name(r->change),
                          "residual_change", risk_change_name(r->residual_change));
    json_object_set_new(j, "level_from", int_or_null(r->level_from));
    json_object_set_new(j, "level_to", int_or_null(r->level_to));
    json_object_set_new(j, "label_from", text_or_null(r->label_from));
    json_object_set_new(j, "label_to", text_or_null(r->label_to));
    json_object_set_new(j, "residual_from", int_or_null(r->residual_from));
    json_object_set_new(j, "residual_to", int_or_null(r->residual_to));
    return j;
}

json_t *risk_comparison_to_json(const risk_comparison *cmp)
{
    json_t *items = json_array();
    for (size_t i = 0; i < cmp->n; i++)
        json_array_append_new(items, compare_row_json(&cmp->rows[i]));
    json_t *counts = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "new", (json_int_t)cmp->news,
                               "closed", (json_int_t)cmp->closed, "raised",
                               (json_int_t)cmp->raised, "lowered", (json_int_t)cmp->lowered,
                               "unchanged", (json_int_t)cmp->unchanged, "residual_raised",
                               (json_int_t)cmp->residual_raised, "residual_lowered",
                               (json_int_t)cmp->residual_lowered);
    return json_pack("{s:o,s:o,s:o,s:o,s:o}", "from", id_or_null("CMP", cmp->from), "to",
                     id_or_null("CMP", cmp->to), "counts", counts, "items", items, "next_after",
                     cmp->next_after ? json_sprintf("RSK-%lld", (long long)cmp->next_after)
                                     : json_null());
}

json_t *risk_due_to_json(const risk_due *d)
{
    return json_pack("{s:b,s:s,s:o,s:o,s:o,s:o,s:o}", "due", d->due, "reason", d->reason,
                     "interval_months", int_or_null(d->interval_months), "last_campaign",
                     id_or_null("CMP", d->last_campaign), "last_closed_at",
                     text_or_null(d->last_closed_at), "next_due",
                     d->next_due[0] ? json_string(d->next_due) : json_null(), "open_campaign",
                     id_or_null("CMP", d->open_campaign));
}
