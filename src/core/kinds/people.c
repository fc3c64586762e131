/*
 * Clause 5.3: the people of the organization. Owners of every kind of record
 * point to a person, and top management (5.1, 5.3, 9.3) is a person's flag.
 * Most people never log in: a person is who they are in the organization, not
 * an account.
 */
#include <stdio.h>
#include <string.h>

#include "core/kinds/common.h"
#include "core/kinds/kinds.h"
#include "core/record.h"

static const isms_field person_fields[] = {
    {.name = "name", .label = "Name", .help = "The person's full name, as colleagues know it",
     .type = FT_TEXT, .flags = FF_REQUIRED | FF_SORTABLE | FF_LISTED, .role = ROLE_TITLE,
     .max_len = 120},
    {.name = "job_title", .label = "Job title", .help = "The position the person holds",
     .type = FT_TEXT, .max_len = 120},
    {.name = "department", .label = "Department",
     .help = "The part of the organization the person works in", .type = FT_TEXT,
     .flags = FF_SORTABLE | FF_FILTERABLE | FF_LISTED, .max_len = 120},
    {.name = "manager", .label = "Manager", .help = "The person this person reports to",
     .type = FT_REF, .flags = FF_FILTERABLE, .target = &kind_person},
    {.name = "email", .label = "E-mail", .help = "Where to write to the person, name@example.com",
     .type = FT_TEXT, .max_len = 254},
    {.name = "top_management", .label = "Top management",
     .help = "Whether the person belongs to the top management that directs the organization",
     .type = FT_BOOL, .flags = FF_FILTERABLE | FF_LISTED},
};

/*
 * A plausible address, not a proof that it exists: one '@' with something
 * before it, a domain with a dot that is neither its first nor its last
 * character, and no spaces (control characters are refused for every text).
 */
static bool email_plausible(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@') || strpbrk(s, " \t"))
        return false;
    const char *domain = at + 1;
    size_t n = strlen(domain);
    const char *dot = strchr(domain, '.');
    return n >= 3 && dot && domain[0] != '.' && domain[n - 1] != '.' && !strstr(domain, "..");
}

static void person_validate(const isms_record *old, const isms_record *rec, isms_status *st)
{
    (void)old;
    const isms_value *email = record_value(rec, "email");
    if (email->set && !email_plausible(email->s))
        status_field(st, "email", "is not an e-mail address such as name@example.com (one @, "
                                  "no spaces, a dot in the domain)");
    const isms_value *manager = record_value(rec, "manager");
    if (rec->id && manager->set && manager->i == rec->id)
        status_field(st, "manager", "a person cannot be their own manager");
}

const isms_kind kind_person = {
    .name = "person",
    .plural = "people",
    .table = "person",
    .prefix = "PER",
    .clause = "5.3",
    .label = "Person",
    .label_plural = "People",
    .help = "Someone in the organization who can own records or hold a role, whether or not "
            "they ever log in",
    KIND_FIELDS(person_fields),
    .validate = person_validate,
};
