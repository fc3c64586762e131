/* Help texts. Kind and verb help is generated from the registry. */
#include <string.h>

#include "cli/cli.h"
#include "report/record_import.h"
#include "cli/signing.h"
#include "core/clauses.h"
#include "core/kinds/kinds.h"
#include "http/server.h"

void help_main(cli_ctx *c)
{
    FILE *o = c->out;
    fputs("isms - an information security management system (ISO/IEC 27001:2022)\n\n"
          "Usage:\n"
          "  isms [--db DB] [--as NAME] [--json] COMMAND [ARGS...]\n"
          "  isms [--db DB] KIND VERB [ARGS...]\n\n"
          "Commands:\n"
          "  init      create a new ISMS database and its first administrator\n"
          "            (--db FILE [--org NAME] --admin NAME [--password-stdin])\n"
          "  kinds     list the kinds of record, by clause of ISO/IEC 27001:2022\n"
          "  schema    print the database schema (--sql: the schema the registry implies)\n"
          "  serve     serve the web pages and the JSON API over HTTP (--listen 127.0.0.1:8080)\n"
          "  user      users who may sign in: add, list, set, disable, totp (isms user --help)\n"
          "  token     API tokens: create, list, revoke (isms token --help)\n"
          "  log       the change log: verify, list, redact, keygen, checkpoint\n"
          "            (isms log --help)\n"
          "  copy      copy a whole ISMS into a new database, e.g. from SQLite to PostgreSQL\n"
          "            (--from DB --to DB; isms copy --help)\n"
          "  help      this text\n\n"
          "Verbs on every kind of record:\n"
          "  list      list records: --sort [-]FIELD, --FIELD VALUE filters, --q TEXT,\n"
          "            --limit N, --cursor C, --all (with retired), --retired (only retired)\n"
          "  show ID   one record with the records that refer to it\n"
          "  add       --FIELD VALUE ...; prints the new id\n"
          "  set ID    --FIELD VALUE ... [--if-version N]; an empty VALUE clears a field\n"
          "  retire ID --reason TEXT [--if-version N]\n"
          "  delete ID [--if-version N] (only kinds that allow it)\n"
          "  history ID [--from V --to V]  the record's versions from the change log;\n"
          "            with --from and --to, what changed between two of them\n"
          "  export    [--format csv|xlsx] [--output FILE] [--retired]  all records as CSV\n"
          "            (to stdout) or XLSX\n"
          "  import FILE.csv [--apply]  create and update records from CSV; a dry run\n"
          "            reporting every bad row unless --apply (all rows or none)\n\n"
          "The risk method also has: preset 3|4|5, matrix [RM-n], and\n"
          "  add --definition-file FILE (isms risk-method --help)\n\n"
          "The risk register's views (docs/RISK.md):\n"
          "  risk heatmap [--residual]  counts per likelihood and impact, with level labels\n"
          "  risk flags                 untreated, to reassess, acceptance invalidated or\n"
          "                             expired, accepted with overdue actions\n"
          "  risk actions [--overdue]   treatment actions by due date (overdue only)\n\n"
          "Kinds:\n",
          o);
    for (size_t i = 0; i < c->reg->nkinds; i++) {
        const isms_kind *k = c->reg->kinds[i];
        fprintf(o, "  %-18s %s (clause %s)\n", k->name, k->label, k->clause);
    }
    fputs("\nOptions:\n"
          "  --db DB        the ISMS database (or set ISMS_DB): a SQLite file, or a PostgreSQL\n"
          "                 URL such as postgres://isms@db.example/isms (docs/ARCHITECTURE.md)\n"
          "  --as NAME      the user who acts (default: ISMS_ACTOR, else the only administrator);\n"
          "                 what they may do depends on their roles (docs/SECURITY.md)\n"
          "  --json         machine-readable output; errors as JSON on stderr\n"
          "  --help         help on any command or kind: isms KIND --help, isms KIND VERB --help\n"
          "  --version      print the version\n\n"
          "Exit codes: 0 done, 1 refused (the message names the field, or the role needed),\n"
          "2 wrong usage, 3 the database failed.\n",
          o);
}

void help_init(cli_ctx *c)
{
    fputs(
        "Usage: isms init --db FILE [--org NAME] [--risk-preset 3|4|5|none]\n"
        "                 [--admin NAME [--password-stdin] [--hash-cost COST]]\n\n"
        "Create a new ISMS in FILE (a SQLite database, created by this command), or in\n"
        "an empty PostgreSQL database given as a URL (--db postgres://USER@HOST/DBNAME).\n"
        "Refuses a database that already holds an ISMS or any other data.\n\n"
        "  --org NAME          the organization's name (at most 200 characters)\n"
        "  --admin NAME        create the first user, with the roles admin and manager;\n"
        "                      asks for the password twice without echo\n"
        "  --password-stdin    read the password from the first line of stdin instead\n"
        "  --hash-cost COST    interactive (default), moderate, or test (cheapest: tests only)\n"
        "  --risk-preset N     the first risk method: a 3 x 3, 4 x 4 or 5 x 5 (default) matrix;\n"
        "                      change it later by recording a new version (docs/RISK.md);\n"
        "                      none: record your own method before scoring risks\n\n"
        "Without --admin the ISMS has no user; create the first administrator later with\n"
        "`isms user add NAME --role admin,manager`.\n",
        c->out);
}

void help_copy(cli_ctx *c)
{
    fputs("Usage: isms copy --from DB --to DB [--as NAME] [--json]\n\n"
          "Copy a whole ISMS into a new, empty database: every record (ids, versions, retired\n"
          "ones), every link, the settings, the change log byte for byte (redactions and\n"
          "checkpoints included), users, roles, API tokens, second factors and sign-in events.\n"
          "Sessions and pending sign-ins are not copied: everyone signs in again. Then the\n"
          "change log is verified at the destination; the last entry is printed, the same as\n"
          "`isms log verify --db FROM` prints. This is how an ISMS moves from its SQLite file\n"
          "to PostgreSQL (or back, or into a compacted new file).\n\n"
          "  --from DB   the ISMS to copy: a SQLite file, sqlite:FILE, or postgres://...\n"
          "              (opening it upgrades its schema, as every command does)\n"
          "  --to DB     the new database: a SQLite file that does not exist yet, or an empty\n"
          "              PostgreSQL database; one that holds an ISMS or any data is refused\n"
          "  --as NAME   the acting user: an administrator of --from (copying reads everything)\n\n"
          "The source is read in one snapshot (stop writers for a copy that is also the last\n"
          "word) and the destination written in one transaction: on any failure nothing is\n"
          "kept there (a SQLite file the copy created is removed).\n",
          c->out);
}

void help_kinds(cli_ctx *c)
{
    fputs("Usage: isms kinds [--json]\n\n"
          "List every kind of record with its CLI name, API name, id prefix and the clause\n"
          "of ISO/IEC 27001:2022 it serves. --json prints the whole registry: fields, types,\n"
          "allowed values and flags.\n",
          c->out);
}

void help_schema(cli_ctx *c)
{
    fputs("Usage: isms schema --db FILE | isms schema --sql [--dialect sqlite|postgres]\n\n"
          "  --db FILE   describe the tables, columns, indexes and foreign keys of a database\n"
          "  --sql       print the SQL the record registry implies; maintainers use it to\n"
          "              write the migration after changing the registry\n"
          "  --dialect   the SQL dialect of --sql: sqlite (the default) or postgres\n",
          c->out);
}

void help_serve(cli_ctx *c)
{
    http_limits d = http_limits_default();
    fprintf(c->out,
            "Usage: isms serve --db FILE [--listen HOST:PORT] [SESSIONS] [LIMITS]\n\n"
            "Serve the web pages (/), the JSON API (/api/v1/...) and /healthz over HTTP until\n"
            "SIGINT or SIGTERM;\n"
            "then stop accepting, let requests in progress finish, and close the database.\n"
            "Every page and /api/v1 route needs a signed-in user (web) or an API token\n"
            "(Authorization: Bearer TOKEN); /healthz is open. Put TLS in front of it (a reverse\n"
            "proxy) when it listens beyond this machine, and pass --behind-tls.\n\n"
            "  --listen HOST:PORT     address to listen on (default 127.0.0.1:8080; 0.0.0.0:8080\n"
            "                         or [::]:8080 for every interface; port 0 picks a free one,\n"
            "                         printed on start)\n\n"
            "Sessions and sign-in:\n"
            "  --session-idle MINUTES a session unused this long ends (default 30; 90s: seconds)\n"
            "  --session-max HOURS    a session ends this long after sign-in (default 12; or 90s)\n"
            "  --behind-tls           the server is reached over HTTPS: cookies get Secure\n"
            "  --hash-cost COST       cost of passwords set on the web pages: interactive\n"
            "                         (default), moderate, or test (cheapest: tests only)\n"
            "  --login-delay-after N  failed sign-ins (per name or address, 15 minutes) before\n"
            "                         each attempt waits 1, 2, 4 ... 16 s (default 5)\n"
            "  --login-lockout-after N  failed sign-ins that lock the name or address for 15\n"
            "                         minutes (default 10)\n\n"
            "Limits:\n"
            "  --max-body BYTES       largest request body (default %zu); more is 413\n"
            "  --max-url BYTES        longest path and query (default %zu); more is 414\n"
            "  --header-memory BYTES  memory per connection for the request line and headers\n"
            "                         (default %zu); more is answered 431 by libmicrohttpd\n"
            "  --max-connections N    open connections in all (default %u)\n"
            "  --per-client N         open connections per client address (default %u)\n"
            "  --timeout SECONDS      idle connection timeout (default %u)\n"
            "  --pool N               database connections (default 8)\n"
            "  --threads N            0: a thread per connection; N: a pool of N event-loop\n"
            "                         threads (epoll) (default %u)\n"
            "  --allowed-hosts NAMES  host names (comma-separated) that requests may name in\n"
            "                         their Host header besides localhost, 127.0.0.1 and [::1];\n"
            "                         others get 421, which stops DNS-rebinding pages\n"
            "  --checkpoint-key FILE  sign a checkpoint of the change log with this secret key\n"
            "                         (isms log keygen) when the log has grown, and at stop\n"
            "  --checkpoint-every SECONDS  how often to look for growth (default 60)\n\n"
            "An access log line per request goes to stderr: time, request id, method, path,\n"
            "status, duration. Bodies and query strings are never logged.\n",
            d.max_body, d.max_url, d.header_memory, d.max_connections, d.per_client, d.timeout_s,
            d.thread_pool);
}

static void field_line(cli_ctx *c, const isms_field *f)
{
    char kebab[ISMS_FIELD_NAME_MAX];
    args_kebab(f->name, kebab, sizeof(kebab));
    fprintf(c->out, "  --%-22s %s%s", kebab, f->help,
            (f->flags & FF_REQUIRED) ? " (required)" : "");
    switch (f->type) {
    case FT_ENUM:
        fputs("\n      one of:", c->out);
        for (const char *const *v = f->values; *v; v++)
            fprintf(c->out, " %s", *v);
        if (f->default_text)
            fprintf(c->out, " (default %s)", f->default_text);
        break;
    case FT_TEXT:
    case FT_LONGTEXT:
        fprintf(c->out, "\n      text, at most %d characters", f->max_len);
        break;
    case FT_REF:
        fprintf(c->out, "\n      a %s id, such as %s-1", f->target->name,
                f->target->prefix);
        break;
    case FT_REFLIST:
        fprintf(c->out, "\n      ids of %s, separated by commas, such as %s-1,%s-2",
                f->target->label_plural, f->target->prefix, f->target->prefix);
        break;
    case FT_ANYREF:
        fputs("\n      the id of any record, such as ISS-1", c->out);
        break;
    case FT_BOOL:
        fputs("\n      true or false", c->out);
        break;
    case FT_DATE:
        fputs("\n      a date, YYYY-MM-DD", c->out);
        break;
    case FT_DATETIME:
        fputs("\n      a date and time, YYYY-MM-DDTHH:MM:SSZ", c->out);
        break;
    case FT_INT:
        fputs("\n      a whole number", c->out);
        break;
    case FT_DECIMAL:
        fputs("\n      a number with up to 6 decimals", c->out);
        break;
    default:
        break;
    }
    fputc('\n', c->out);
}

static void fields_help(cli_ctx *c, const isms_kind *k, unsigned need)
{
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_field *f = &k->fields[i];
        if ((f->flags & FF_DERIVED) || (need && !(f->flags & need)))
            continue;
        field_line(c, f);
    }
}

void help_kind(cli_ctx *c, const isms_kind *k)
{
    const isms_clause *cl = clause_find(k->clause);
    fprintf(c->out, "%s (%s-n): %s\nClause %s%s%s\n\n", k->label, k->prefix, k->help, k->clause,
            cl ? " " : "", cl ? cl->title : "");
    fprintf(c->out, "Usage:\n"
                    "  isms %s list [--sort [-]FIELD] [--FIELD VALUE]... [--q TEXT] [--limit N]\n"
                    "               [--cursor C] [--all | --retired] [--json]\n"
                    "  isms %s show ID [--json]\n"
                    "  isms %s add --FIELD VALUE... [--json]\n"
                    "  isms %s set ID --FIELD VALUE... [--if-version N] [--json]\n"
                    "  isms %s retire ID --reason TEXT [--if-version N]\n",
            k->name, k->name, k->name, k->name, k->name);
    if (k->flags & KF_DELETABLE)
        fprintf(c->out, "  isms %s delete ID [--if-version N]\n", k->name);
    fprintf(c->out, "  isms %s history ID [--from V --to V] [--json]\n", k->name);
    if (k == &kind_risk)
        fputs("  isms risk accept ID --role owner|top-management --rationale TEXT\n"
              "                     [--exception --until YYYY-MM-DD] [--password-stdin]\n"
              "  isms risk acceptances ID [--json]\n", c->out);
    if (k->flags & KF_SIGNED)
        fprintf(c->out, "\n%s records are signed, not added: isms risk accept.\n", k->label);
    if (k == &kind_risk_campaign)
        help_risk_campaign(c, NULL);
    fprintf(c->out, "  isms %s export [--format csv|xlsx] [--output FILE] [--retired]\n", k->name);
    fprintf(c->out, "  isms %s import FILE.csv [--apply] [--json]\n", k->name);
    if (strcmp(k->name, "risk") == 0)
        fputs("  isms risk heatmap [--residual] [--json]\n"
              "  isms risk flags [--json]\n"
              "  isms risk actions [--overdue] [--json]\n",
              c->out);
    if (k->flags & KF_IMMUTABLE)
        fprintf(c->out, "\n%s records cannot be changed once recorded.\n", k->label);
    if (k->flags & KF_SINGLETON)
        fprintf(c->out, "Only one is in force: adding a new one retires the previous one.\n");
    fputs("\nFields:\n", c->out);
    fields_help(c, k, 0);
}

bool help_verb(cli_ctx *c, const isms_kind *k, const char *verb)
{
    char kebab[ISMS_FIELD_NAME_MAX];
    if (strcmp(verb, "list") == 0) {
        fprintf(c->out, "Usage: isms %s list [OPTIONS]\n\n"
                        "  --sort [-]FIELD   sort by a field (- for descending); default: id\n"
                        "  --q TEXT          only records whose title or id contains TEXT\n"
                        "  --limit N         records per page, 1 to %d (default %d)\n"
                        "  --cursor C        the next page, as printed after the last one\n"
                        "  --all             include retired records\n"
                        "  --retired         only retired records\n"
                        "  --json            print {\"items\": [...], \"next_cursor\": ...}\n\n"
                        "Sortable fields:",
                k->name, STORE_PAGE_MAX, STORE_PAGE_DEFAULT);
        for (size_t i = 0; i < k->nfields; i++)
            if (k->fields[i].flags & FF_SORTABLE)
                fprintf(c->out, " %s", args_kebab(k->fields[i].name, kebab, sizeof(kebab)));
        fputs("\n\nFilters (--FIELD VALUE; an empty VALUE matches records without one):\n",
              c->out);
        fields_help(c, k, FF_FILTERABLE);
        return true;
    }
    if (strcmp(verb, "add") == 0 || strcmp(verb, "set") == 0) {
        bool add = verb[0] == 'a';
        fprintf(c->out, "Usage: isms %s %s --FIELD VALUE... [--json]\n\n", k->name,
                add ? "add" : "set ID [--if-version N]");
        fputs(add ? "Prints the new record's id.\n\n"
                  : "Changes the fields given; an empty VALUE clears a field. With\n"
                    "--if-version, the change is refused if the record has changed since.\n\n",
              c->out);
        fields_help(c, k, 0);
        return true;
    }
    if (strcmp(verb, "show") == 0) {
        fprintf(c->out, "Usage: isms %s show ID [--json]\n\nThe record, its bookkeeping and "
                        "the records that refer to it.\n", k->name);
        return true;
    }
    if (strcmp(verb, "retire") == 0) {
        fprintf(c->out, "Usage: isms %s retire ID --reason TEXT [--if-version N]\n\n"
                        "Takes the record out of use; it stays readable. Refused while records\n"
                        "in force refer to it (they are named).\n", k->name);
        return true;
    }
    if (strcmp(verb, "history") == 0) {
        fprintf(c->out, "Usage: isms %s history ID [--from V --to V] [--json]\n\n"
                        "The versions of the record from the change log: version, entry, when,\n"
                        "who, through which channel (cli, api, web) and what was done; deleted\n"
                        "records keep their history. With --from and --to, the fields that\n"
                        "differ between those two versions, before and after.\n", k->name);
        return true;
    }
    if (strcmp(verb, "export") == 0) {
        fprintf(c->out,
                "Usage: isms %s export [--format csv|xlsx] [--output FILE] [--retired]\n\n"
                "Every record in force (--retired: retired ones too) as CSV, to stdout\n"
                "without --output, or as an XLSX workbook (needs --output). Columns: id,\n"
                "then every field by name, values as `isms %s add` takes them. A cell\n"
                "starting with = + - @ or a tab gets a leading ' (spreadsheet formula\n"
                "guard), removed again on import. See docs/IMPORT-EXPORT.md.\n",
                k->name, k->name);
        if (strcmp(k->name, "risk") == 0)
            fprintf(c->out, "\nThe risk workbook (--format xlsx) has four sheets: register (the\n"
                            "risks), actions (the treatment actions), method (the method in\n"
                            "force: scales, levels and the matrix in the levels' colours) and\n"
                            "heat map counts (risks per likelihood x impact, current and\n"
                            "residual).\n");
        return true;
    }
    if (strcmp(verb, "import") == 0) {
        fprintf(c->out,
                "Usage: isms %s import FILE.csv [--apply] [--json]\n\n"
                "Reads CSV (FILE, or - for stdin; at most %u MiB). Row 1 names the\n"
                "columns: id, field names or labels, in any case. A row whose id names\n"
                "a record updates its changed fields; any other row creates a record.\n"
                "Without --apply this is a dry run: every row is checked and nothing is\n"
                "written. With --apply every row is written in one transaction, or none\n"
                "when any row is bad. Each bad row is printed as\n"
                "`row N, column NAME: reason`; the exit code is then 1.\n",
                k->name, (unsigned)(IMPORT_FILE_MAX >> 20));
        return true;
    }
    if (strcmp(verb, "delete") == 0 && (k->flags & KF_DELETABLE)) {
        fprintf(c->out, "Usage: isms %s delete ID [--if-version N]\n\n"
                        "Removes the record for good, only while the kind's rule allows it and\n"
                        "no record refers to it.\n", k->name);
        return true;
    }
    return false;
}

void help_user(cli_ctx *c, const char *verb)
{
    if (verb && strcmp(verb, "totp") == 0) {
        help_user_totp(c);
        return;
    }
    fputs("Usage:\n"
          "  isms user add NAME --role ROLE[,ROLE...] [--person ID] [--password-stdin]\n"
          "  isms user list [--json]\n"
          "  isms user set NAME [--role ROLES] [--person ID] [--password-stdin] [--enable]\n"
          "  isms user disable NAME\n"
          "  isms user totp enrol|confirm|disable|recovery|status|require ...\n"
          "                     the second factor (isms user totp --help)\n\n"
          "Users sign in to the web pages and own API tokens. A user may hold several roles:\n"
          "  admin        users and settings\n"
          "  manager      the ISMS manager: everything in the ISMS\n"
          "  contributor  creates records; changes those whose owner is its person (--person),\n"
          "               or, of kinds without an owner, those it created\n"
          "  auditor      reads everything\n"
          "  viewer       reads\n\n"
          "  --role ROLES       roles, separated by commas (set: replaces them all)\n"
          "  --person ID        the person the user is (PER-3): an existing person who is not\n"
          "                     retired; \"\" clears it\n"
          "  --password-stdin   read the password from the first line of stdin; without it add\n"
          "                     asks twice on the terminal, without echo\n"
          "  --hash-cost COST   interactive (default), moderate or test (tests only)\n"
          "  --enable           set: let a disabled user sign in again\n\n"
          "add, list, disable and changes of roles, persons or other users' passwords need the\n"
          "admin role; anyone may set their own password. A new password or disabling a user\n"
          "ends every session of theirs; a disabled user's records and history stay. The last\n"
          "enabled administrator cannot lose the role or be disabled.\n",
          c->out);
}

void help_token(cli_ctx *c, const char *verb)
{
    (void)verb;
    fputs("Usage:\n"
          "  isms token create [--user NAME] [--role ROLE] [--expires DATE] [--label TEXT]\n"
          "  isms token list [--user NAME | --all] [--json]\n"
          "  isms token revoke ID\n\n"
          "API tokens authenticate scripts: `Authorization: Bearer TOKEN`. create prints the\n"
          "token alone on stdout; it is shown once and the database keeps only its SHA-256.\n\n"
          "  --user NAME     the token's owner (default: the acting user; others need admin)\n"
          "  --role ROLE     what the token may do: one of the owner's roles, or viewer\n"
          "                  (default: the owner's roles, whatever they are when it is used)\n"
          "  --expires DATE  it stops working at 00:00 UTC on DATE (YYYY-MM-DD), or at a time\n"
          "                  (YYYY-MM-DDTHH:MM:SSZ); default: never\n"
          "  --label TEXT    what it is for (at most 100 characters)\n"
          "  --all           list: every user's tokens (admin)\n\n"
          "list shows each token's owner, role, expiry and last use (to the minute).\n",
          c->out);
}

void help_log(cli_ctx *c, const char *verb)
{
    FILE *o = c->out;
    if (verb && strcmp(verb, "verify") == 0) {
        fputs("Usage: isms log verify [--public-key FILE] [--expect SEQ:HASH] [--chain-only]"
              " [--json]\n\n"
              "Check the change log: every entry's hash and its link to the entry before, the\n"
              "digest of every content, and that no content was removed without a redaction\n"
              "entry; then every signed checkpoint; then that every record in the database is\n"
              "the content of its last entry. Prints the number of entries and the last seq\n"
              "and hash (record them elsewhere); names the first entry, checkpoint or record\n"
              "found changed, removed or reordered.\n\n"
              "  --public-key FILE  also check the checkpoints' signatures with this key\n"
              "                     (isms log keygen), or these keys, one per line (keep an\n"
              "                     old key there after a rotation); a checkpoint none of them\n"
              "                     verifies fails\n"
              "  --expect SEQ:HASH  the chain must still have HASH at entry SEQ, as an earlier\n"
              "                     verify printed (detects a rewritten or truncated chain)\n"
              "  --chain-only       skip the comparison of records with their entries\n"
              "  --json             print {\"ok\", \"entries\", \"last_seq\", \"last_hash\", ...}\n\n"
              "Exit codes: 0 the log verifies, 1 it does not (the message names the first\n"
              "problem), 2 wrong usage, 3 the database failed. docs/SECURITY.md says what\n"
              "this can and cannot detect.\n",
              o);
        return;
    }
    if (verb && strcmp(verb, "list") == 0) {
        fprintf(o, "Usage: isms log list [--kind KIND] [--id ID] [--after SEQ] [--limit N] "
                   "[--json]\n\n"
                   "The entries of the change log in order: seq, time, actor, channel, action,\n"
                   "record and its version.\n\n"
                   "  --kind KIND   only entries of this kind of record\n"
                   "  --id ID       only entries of this record (such as ISS-3)\n"
                   "  --after SEQ   entries after this one (the next page, as printed)\n"
                   "  --limit N     entries per page, 1 to %d (default %d)\n"
                   "  --json        every member, with the content as it is stored and the\n"
                   "                hashes: {\"items\": [...], \"next_after\": SEQ or null}\n",
                LOG_LIST_MAX, LOG_LIST_DEFAULT);
        return;
    }
    if (verb && strcmp(verb, "redact") == 0) {
        fputs("Usage: isms log redact SEQ --reason TEXT\n\n"
              "Remove the content of entry SEQ (a record as it was, for example personal data\n"
              "past its retention). The entry, its digest and the chain stay, so the log still\n"
              "verifies; the redaction is logged as an entry of its own, with who, when and\n"
              "why. Redacting cannot be undone; it needs the admin role. The record itself is\n"
              "not changed.\n",
              o);
        return;
    }
    if (verb && strcmp(verb, "keygen") == 0) {
        fputs("Usage: isms log keygen --secret FILE --public FILE\n\n"
              "Make an Ed25519 key pair for signed checkpoints. The secret key is written\n"
              "readable only by you (mode 600); keep it outside the database, on the server\n"
              "that signs (isms serve --checkpoint-key). Existing files are never overwritten.\n",
              o);
        return;
    }
    if (verb && strcmp(verb, "checkpoint") == 0) {
        fputs("Usage: isms log checkpoint --key FILE [--json]\n\n"
              "Sign the change log's last entry (its seq and hash) and the time with the secret\n"
              "key in FILE, store the checkpoint in the database and print it. A chain\n"
              "rewritten or cut short before a checkpoint then fails `isms log verify\n"
              "--public-key`.\n",
              o);
        return;
    }
    fputs("Usage: isms log VERB [ARGS...]\n\n"
          "The change log (ISO/IEC 27001:2022 7.5.3): every create, update, retire and delete\n"
          "from any face is an append-only, hash-chained entry with who, when, through which\n"
          "channel and the whole record after the change.\n\n"
          "Verbs:\n"
          "  verify [--public-key FILE] [--expect SEQ:HASH]  check the chain, checkpoints, records\n"
          "  list [--kind K] [--id ID] [--after SEQ] [--limit N]  the entries\n"
          "  redact SEQ --reason TEXT                  remove an entry's content, logged\n"
          "  keygen --secret FILE --public FILE        a key pair for signed checkpoints\n"
          "  checkpoint --key FILE                     sign the last entry now\n\n"
          "`isms log VERB --help` tells more. A record's history: isms KIND history ID.\n",
          o);
}

/* The assessment verbs (cmd_risk_campaign.c); verb NULL: all of them, under the kind's usage. */
void help_risk_campaign(cli_ctx *c, const char *verb)
{
    static const struct {
        const char *verb, *usage, *text;
    } verbs[] = {
        {"coverage", "coverage ID [--json]",
         "How far the risk owners have answered: risks in scope, risks answered, per cent,\n"
         "and per owner; owners with unanswered risks after the due date are late."},
        {"snapshot", "snapshot ID [--json]",
         "The snapshot a closed campaign took: every risk's levels, owner, treatment,\n"
         "acceptance and method version, as they were when it closed."},
        {"compare", "compare FROM TO [--json]",
         "Compare the snapshots of two closed campaigns: risks new, closed, raised, lowered\n"
         "(by level), and residual levels raised or lowered."},
        {"close", "close ID [--json]",
         "Close the campaign: sets its status to closed, which takes the snapshot of every\n"
         "risk in force. A closed campaign does not change any more."},
        {"due", "due [--json]",
         "Whether an assessment is due, and why: never assessed, or the last campaign closed\n"
         "more than the method's interval_months ago. Exit 0 either way."},
    };
    size_t n = sizeof(verbs) / sizeof(verbs[0]);
    if (!verb)
        fputs("\nAssessment (8.2):\n", c->out);
    for (size_t i = 0; i < n; i++) {
        if (verb && strcmp(verb, verbs[i].verb) != 0)
            continue;
        if (verb)
            fprintf(c->out, "Usage: isms risk-campaign %s\n\n%s\n", verbs[i].usage,
                    verbs[i].text);
        else
            fprintf(c->out, "  isms risk-campaign %s\n", verbs[i].usage);
    }
}
