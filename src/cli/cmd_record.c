/* `isms KIND list|show|add|set|retire|delete`: the same verbs for every kind. */
#include <inttypes.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/record_json.h"
#include "core/history.h"
#include "core/records.h"
#include "core/validate.h"
#include "core/value.h"

enum { SHOW_REFERRERS_MAX = 50 };

/* The record named by the verb's argument: "ISS-12" or "12". */
static int record_id_arg(cli_ctx *c, const isms_kind *k, const char *verb, int64_t *id)
{
    if (c->args.npos < 3)
        return cli_usage(c, "%s %s needs the id of the record, such as %s-1", k->name, verb,
                         k->prefix);
    if (c->args.npos > 3)
        return cli_usage(c, "unexpected argument '%s'", c->args.pos[3]);
    if (!human_id_parse(k, c->args.pos[2], id))
        return cli_usage(c, "'%s' is not %s %s id (such as %s-1)", c->args.pos[2],
                         kind_article(k), k->name, k->prefix);
    return EXIT_OK;
}

static int no_extra_args(cli_ctx *c, size_t allowed)
{
    if (c->args.npos > allowed)
        return cli_usage(c, "unexpected argument '%s'", c->args.pos[allowed]);
    return EXIT_OK;
}

/* --if-version N: the version the user read (0 when not given). */
static int if_version_arg(cli_ctx *c, int64_t *out)
{
    *out = 0;
    const char *v = args_value(&c->args, "if_version");
    if (v && (!parse_int64(v, out) || *out < 1))
        return cli_usage(c, "--if-version needs a version number such as 3");
    return EXIT_OK;
}

/*
 * Turn every remaining --FIELD VALUE option into a typed value. Parse errors
 * are field errors (exit 1, like any other invalid input); an option that
 * names no field is a usage error.
 */
static int field_options(cli_ctx *c, const isms_kind *k, record_change *out, size_t *n,
                         isms_status *st)
{
    *n = 0;
    for (size_t i = 0; i < c->args.nopts; i++) {
        cli_option *o = &c->args.opts[i];
        if (o->used)
            continue;
        const isms_field *f = kind_field(k, o->name);
        if (!f)
            return cli_usage(c, "%s has no field %s (see `isms %s add --help`)", k->label,
                             o->shown, k->name);
        o->used = true;
        char reason[ISMS_REASON_MAX];
        record_change *ch = &out[(*n)++];
        ch->field = f;
        if (!value_parse(c->reg, f, o->value, &c->arena, &ch->value, reason, sizeof(reason)))
            status_field(st, f->name, "%s", reason);
    }
    return EXIT_OK;
}

/* Run fn inside a write transaction, committing only when it succeeds. */
static int in_transaction(cli_ctx *c, store *s, store_write_fn fn, void *arg)
{
    isms_status st;
    status_clear(&st);
    isms_write_ctx ctx;
    write_ctx_for(&ctx, &c->principal, "cli");
    return store_write_again(s, &ctx, fn, arg, &st) == ISMS_OK ? EXIT_OK : cli_fail(c, &st);
}

/* --- add / set ------------------------------------------------------------ */

typedef struct write_args {
    cli_ctx *c;
    const isms_kind *k;
    int64_t id, if_version;
    record_change changes[ARGS_MAX_OPTIONS];
    size_t nchanges;
    const char *reason;
    isms_record *result;
} write_args;

static isms_err do_add(store_txn *t, void *arg, isms_status *st)
{
    write_args *w = arg;
    isms_record *rec = record_new(&w->c->arena, w->k);
    for (size_t i = 0; i < w->nchanges; i++)
        rec->values[kind_field_index(w->k, w->changes[i].field)] = w->changes[i].value;
    isms_err e = records_create(t, rec, &w->c->arena, st);
    w->result = rec;
    return e;
}

static isms_err do_set(store_txn *t, void *arg, isms_status *st)
{
    write_args *w = arg;
    return records_update(t, w->k, w->id, w->if_version, w->changes, w->nchanges, &w->c->arena,
                          &w->result, st);
}

static isms_err do_retire(store_txn *t, void *arg, isms_status *st)
{
    write_args *w = arg;
    return records_retire(t, w->k, w->id, w->if_version, w->reason, st);
}

static isms_err do_delete(store_txn *t, void *arg, isms_status *st)
{
    write_args *w = arg;
    return records_delete(t, w->k, w->id, w->if_version, st);
}

static void report_written(cli_ctx *c, const isms_record *r, const char *what)
{
    if (c->json) {
        json_t *j = record_to_json(r);
        print_json(c, j);
        json_decref(j);
        return;
    }
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, r->kind, r->id);
    if (strcmp(what, "added") == 0)
        fprintf(c->out, "%s\n", hid);
    else
        fprintf(c->out, "%s %s, now at version %lld\n", hid, what, (long long)r->version);
}

static int verb_add_or_set(cli_ctx *c, store *s, const isms_kind *k, bool add)
{
    write_args w = {.c = c, .k = k};
    isms_status st;
    status_clear(&st);
    int rc = add ? no_extra_args(c, 2) : record_id_arg(c, k, "set", &w.id);
    if (rc == EXIT_OK && !add)
        rc = if_version_arg(c, &w.if_version);
    if (rc == EXIT_OK)
        rc = field_options(c, k, w.changes, &w.nchanges, &st);
    if (rc != EXIT_OK)
        return rc;
    if (st.code != ISMS_OK && add) {
        /* Report the other fields' problems too, so one correction round suffices. */
        isms_record *rec = record_new(&c->arena, k);
        for (size_t i = 0; i < w.nchanges; i++)
            rec->values[kind_field_index(k, w.changes[i].field)] = w.changes[i].value;
        records_fill_defaults(rec, &c->arena);
        record_validate(NULL, rec, &st);
    }
    if (st.code != ISMS_OK)
        return cli_fail(c, &st);
    if (!add && w.nchanges == 0)
        return cli_usage(c, "set needs at least one --FIELD VALUE to change");
    rc = in_transaction(c, s, add ? do_add : do_set, &w);
    if (rc == EXIT_OK)
        report_written(c, w.result, add ? "added" : "updated");
    return rc;
}

static int verb_retire_or_delete(cli_ctx *c, store *s, const isms_kind *k, bool retire)
{
    write_args w = {.c = c, .k = k};
    int rc = record_id_arg(c, k, retire ? "retire" : "delete", &w.id);
    if (rc == EXIT_OK)
        rc = if_version_arg(c, &w.if_version);
    if (rc == EXIT_OK && retire) {
        w.reason = args_value(&c->args, "reason");
        if (!w.reason)
            return cli_usage(c, "retire needs --reason TEXT: say why the record is retired");
    }
    if (rc == EXIT_OK)
        rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    rc = in_transaction(c, s, retire ? do_retire : do_delete, &w);
    if (rc == EXIT_OK) {
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, k, w.id);
        if (c->json)
            fprintf(c->out, "{\"id\": \"%s\", \"%s\": true}\n", hid,
                    retire ? "retired" : "deleted");
        else
            fprintf(c->out, "%s %s\n", hid, retire ? "retired" : "deleted");
    }
    return rc;
}

/* --- show ----------------------------------------------------------------- */

/* The titles of the records r's references name, per field (NULL where none). */
static const char **referenced_titles(cli_ctx *c, store_conn *conn, const isms_record *r)
{
    const isms_kind *k = r->kind;
    const char **titles = arena_alloc(&c->arena, sizeof(char *) * (k->nfields ? k->nfields : 1));
    for (size_t i = 0; i < k->nfields; i++) {
        const isms_value *v = &r->values[i];
        const isms_kind *target = k->fields[i].type == FT_REF      ? k->fields[i].target
                                  : k->fields[i].type == FT_ANYREF ? v->kind
                                                                   : NULL;
        titles[i] = NULL;
        isms_status st;
        status_clear(&st);
        isms_record *named;
        if (v->set && target && store_get(conn, target, v->i, &c->arena, &named, &st) == ISMS_OK)
            titles[i] = record_title(named);
    }
    return titles;
}

static int verb_show(cli_ctx *c, store *s, const isms_kind *k)
{
    int64_t id;
    int rc = record_id_arg(c, k, "show", &id);
    if (rc == EXIT_OK)
        rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    isms_status st;
    status_clear(&st);
    store_conn *conn;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    isms_record *r;
    store_referrers refs;
    const char **titles = NULL;
    isms_err e = store_get(conn, k, id, &c->arena, &r, &st);
    if (e == ISMS_OK)
        e = store_referrers_of(conn, k, id, false, SHOW_REFERRERS_MAX, &c->arena, &refs, &st);
    if (e == ISMS_OK && !c->json)
        titles = referenced_titles(c, conn, r);
    store_return(conn);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    if (!c->json) {
        print_record(c, r, titles, &refs);
        return EXIT_OK;
    }
    json_t *j = record_to_json(r);
    json_t *back = json_array();
    for (size_t i = 0; i < refs.n; i++) {
        char hid[ISMS_HUMAN_ID_MAX];
        human_id_format(hid, refs.items[i].kind, refs.items[i].id);
        json_array_append_new(back, json_pack("{s:s,s:s,s:s,s:s,s:b}", "id", hid, "kind",
                                              refs.items[i].kind->name, "field",
                                              refs.items[i].field->name, "title",
                                              refs.items[i].title, "retired",
                                              refs.items[i].retired));
    }
    json_object_set_new(j, "referred_to_by", back);
    print_json(c, j);
    json_decref(j);
    return EXIT_OK;
}

/* --- list ----------------------------------------------------------------- */

static int list_query_from_args(cli_ctx *c, const isms_kind *k, store_query *q, isms_status *st)
{
    memset(q, 0, sizeof(*q));
    q->kind = k;
    const char *sort = args_value(&c->args, "sort");
    if (sort) {
        q->desc = sort[0] == '-';
        char name[ISMS_FIELD_NAME_MAX];
        const char *raw = q->desc ? sort + 1 : sort;
        size_t i = 0;
        for (; raw[i] && i + 1 < sizeof(name); i++)
            name[i] = raw[i] == '-' ? '_' : raw[i];
        name[i] = '\0';
        if (strcmp(name, "id") != 0) {
            q->sort = kind_field(k, name);
            if (!q->sort || !(q->sort->flags & FF_SORTABLE))
                status_field(st, "sort", "cannot sort by '%s'", raw);
        }
    }
    const char *limit = args_value(&c->args, "limit");
    int64_t n = 0;
    if (limit && (!parse_int64(limit, &n) || n < 1 || n > STORE_PAGE_MAX))
        status_field(st, "limit", "must be a number from 1 to %d", STORE_PAGE_MAX);
    q->limit = (size_t)n;
    q->q = args_value(&c->args, "q");
    q->cursor = args_value(&c->args, "cursor");
    bool all = args_flag(&c->args, "all"), retired = args_flag(&c->args, "retired");
    q->retired = retired ? STORE_RETIRED_ONLY : all ? STORE_WITH_RETIRED : STORE_ACTIVE_ONLY;
    for (size_t i = 0; i < c->args.nopts; i++) {
        cli_option *o = &c->args.opts[i];
        if (o->used)
            continue;
        const isms_field *f = kind_field(k, o->name);
        if (!f)
            return cli_usage(c, "%s has no field %s (see `isms %s list --help`)", k->label,
                             o->shown, k->name);
        o->used = true;
        if (!(f->flags & FF_FILTERABLE)) {
            status_field(st, f->name, "cannot filter on this field");
            continue;
        }
        if (q->nfilters == STORE_MAX_FILTERS)
            return cli_usage(c, "at most %d filters", STORE_MAX_FILTERS);
        store_filter *flt = &q->filters[q->nfilters++];
        flt->field = f;
        char reason[ISMS_REASON_MAX];
        if (!value_parse(c->reg, f, o->value, &c->arena, &flt->value, reason, sizeof(reason)))
            status_field(st, f->name, "%s", reason);
        else if (f->type == FT_REFLIST && flt->value.n > 1)
            status_field(st, f->name, "filter on one record at a time");
        else if (f->type == FT_ENUM) /* a mistyped value would silently match nothing */
            value_validate(f, &flt->value, st);
    }
    return EXIT_OK;
}

/* Titles of referenced records already looked up for a list page. */
enum { REF_MEMO_MAX = 64 };
typedef struct ref_title {
    const isms_kind *kind;
    int64_t id;
    const char *title; /* NULL: not found */
} ref_title;
typedef struct ref_memo {
    size_t n;
    ref_title items[REF_MEMO_MAX];
} ref_memo;

static const char *memo_title(cli_ctx *c, store_conn *conn, ref_memo *m, const isms_kind *k,
                              int64_t id)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->items[i].kind == k && m->items[i].id == id)
            return m->items[i].title;
    isms_status st;
    status_clear(&st);
    isms_record *r;
    const char *title =
        store_get(conn, k, id, &c->arena, &r, &st) == ISMS_OK ? record_title(r) : NULL;
    if (m->n < REF_MEMO_MAX)
        m->items[m->n++] = (ref_title){k, id, title};
    return title;
}

/* A cell of the text table: a reference shows the title after the id ("PER-3 Jonas Weber"). */
static const char *list_cell(cli_ctx *c, store_conn *conn, ref_memo *m, const isms_field *f,
                             const isms_value *v)
{
    const char *text = value_text(&c->arena, f, v);
    if (!v->set || (f->type != FT_REF && f->type != FT_ANYREF))
        return text;
    const char *title = memo_title(c, conn, m, f->type == FT_REF ? f->target : v->kind, v->i);
    return title ? arena_printf(&c->arena, "%s %s", text, title) : text;
}

static void list_print_text(cli_ctx *c, store_conn *conn, const isms_kind *k,
                            const store_page *page)
{
    ref_memo *memo = arena_alloc(&c->arena, sizeof(*memo));
    memo->n = 0;
    size_t ncols = 1;
    const isms_field *cols[32];
    for (size_t i = 0; i < k->nfields && ncols < 32; i++)
        if ((k->fields[i].flags & FF_LISTED) && !(k->fields[i].flags & FF_SECRET))
            cols[ncols++] = &k->fields[i];
    text_table t;
    table_init(&t, &c->arena, ncols);
    const char *cells[32];
    char kebab[ISMS_FIELD_NAME_MAX];
    cells[0] = "ID";
    for (size_t i = 1; i < ncols; i++)
        cells[i] = arena_strdup(&c->arena, args_kebab(cols[i]->name, kebab, sizeof(kebab)));
    table_add_row(&t, cells);
    for (size_t r = 0; r < page->n; r++) {
        const isms_record *rec = page->items[r];
        cells[0] = arena_printf(&c->arena, "%s-%" PRId64 "%s", k->prefix, rec->id,
                                rec->retired_at ? " (retired)" : "");
        for (size_t i = 1; i < ncols; i++)
            cells[i] = list_cell(c, conn, memo, cols[i],
                                 &rec->values[kind_field_index(k, cols[i])]);
        table_add_row(&t, cells);
    }
    table_print(&t, c->out);
    if (page->next_cursor)
        fprintf(c->out, "(more: add --cursor %s)\n", page->next_cursor);
}

static int verb_list(cli_ctx *c, store *s, const isms_kind *k)
{
    isms_status st;
    status_clear(&st);
    store_query q;
    int rc = no_extra_args(c, 2);
    if (rc == EXIT_OK)
        rc = list_query_from_args(c, k, &q, &st);
    if (rc != EXIT_OK)
        return rc;
    if (st.code != ISMS_OK)
        return cli_fail(c, &st);
    store_conn *conn;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    store_page page;
    isms_err e = store_list(conn, &q, &c->arena, &page, &st);
    if (e == ISMS_OK && !c->json)
        list_print_text(c, conn, k, &page);
    store_return(conn);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    if (!c->json)
        return EXIT_OK;
    json_t *items = json_array();
    for (size_t i = 0; i < page.n; i++)
        json_array_append_new(items, record_to_json(page.items[i]));
    json_t *j = json_pack("{s:o,s:s?}", "items", items, "next_cursor", page.next_cursor);
    print_json(c, j);
    json_decref(j);
    return EXIT_OK;
}

/* --- history -------------------------------------------------------------- */

/* --from V --to V: both or neither; a bad one is a field error naming it. */
static int version_pair(cli_ctx *c, int64_t *from, int64_t *to, isms_status *st)
{
    const char *f = args_value(&c->args, "from"), *t = args_value(&c->args, "to");
    *from = *to = 0;
    if (!f && !t)
        return EXIT_OK;
    if (!f)
        status_field(st, "from", "is required with --to: the version to compare from");
    else if (!parse_int64(f, from) || *from < 1)
        status_field(st, "from", "must be a version number such as 1");
    if (!t)
        status_field(st, "to", "is required with --from: the version to compare with");
    else if (!parse_int64(t, to) || *to < 1)
        status_field(st, "to", "must be a version number such as 2");
    return EXIT_OK;
}

static const char *entry_action(cli_ctx *c, const changelog_entry *e)
{
    int64_t target;
    const char *reason;
    if (strcmp(e->action, CHANGELOG_REDACT) == 0 &&
        history_redaction(e->content, &c->arena, &target, &reason))
        return arena_printf(&c->arena, "redact entry %" PRId64 ": %s", target, reason);
    return e->content ? e->action : arena_printf(&c->arena, "%s (redacted)", e->action);
}

static void history_print(cli_ctx *c, const isms_kind *k, int64_t id, const history *h)
{
    text_table t;
    table_init(&t, &c->arena, 6);
    static const char *const head[] = {"VERSION", "SEQ", "AT", "ACTOR", "CHANNEL", "ACTION"};
    table_add_row(&t, head);
    for (size_t i = 0; i < h->n; i++) {
        const changelog_entry *e = &h->items[i];
        const char *cells[] = {arena_printf(&c->arena, "%" PRId64, e->version),
                               arena_printf(&c->arena, "%" PRId64, e->seq),
                               e->at,
                               e->actor,
                               e->channel,
                               entry_action(c, e)};
        table_add_row(&t, cells);
    }
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, k, id);
    fprintf(c->out, "History of %s (the change log)\n", hid);
    table_print(&t, c->out);
    if (h->truncated)
        fprintf(c->out, "(only the newest %d entries; all: isms log list --id %s)\n", HISTORY_MAX,
                hid);
}

static void diff_print(cli_ctx *c, const isms_record *from, const changelog_entry *ef,
                       const isms_record *to, const changelog_entry *et)
{
    char hid[ISMS_HUMAN_ID_MAX];
    human_id_format(hid, from->kind, from->id);
    fprintf(c->out,
            "%s from version %" PRId64 " (%s by %s, %s) to version %" PRId64 " (%s by %s, %s)\n",
            hid, ef->version, ef->at, ef->actor, ef->channel, et->version, et->at, et->actor,
            et->channel);
    history_change *ch;
    size_t n = history_diff(from, to, &c->arena, &ch);
    if (n == 0) {
        fputs("no field differs\n", c->out);
        return;
    }
    text_table t;
    table_init(&t, &c->arena, 3);
    static const char *const head[] = {"FIELD", "BEFORE", "AFTER"};
    table_add_row(&t, head);
    for (size_t i = 0; i < n; i++) {
        const char *b = value_text(&c->arena, ch[i].field, ch[i].before);
        const char *a = value_text(&c->arena, ch[i].field, ch[i].after);
        const char *cells[] = {ch[i].field->label, b[0] ? b : "-", a[0] ? a : "-"};
        table_add_row(&t, cells);
    }
    table_print(&t, c->out);
}

static int verb_history(cli_ctx *c, store *s, const isms_kind *k)
{
    int64_t id, from, to;
    isms_status st;
    status_clear(&st);
    int rc = record_id_arg(c, k, "history", &id);
    if (rc == EXIT_OK)
        rc = version_pair(c, &from, &to, &st);
    if (rc == EXIT_OK)
        rc = cli_check_unused(c);
    if (rc != EXIT_OK)
        return rc;
    if (st.code != ISMS_OK)
        return cli_fail(c, &st);
    store_conn *conn;
    if (store_borrow(s, &conn, &st) != ISMS_OK)
        return cli_fail(c, &st);
    history h;
    changelog_entry ef, et;
    isms_record *rf = NULL, *rt = NULL;
    isms_err e;
    if (from) {
        e = history_version(conn, c->reg, k, id, from, &c->arena, &ef, &rf, &st);
        if (e == ISMS_OK)
            e = history_version(conn, c->reg, k, id, to, &c->arena, &et, &rt, &st);
    } else {
        e = history_read(conn, k, id, &c->arena, &h, &st);
    }
    store_return(conn);
    if (e != ISMS_OK)
        return cli_fail(c, &st);
    if (c->json) {
        json_t *j = from ? history_diff_to_json(rf, rt, from, to, &c->arena)
                         : history_to_json(c->reg, k, &h, &c->arena);
        print_json(c, j);
        json_decref(j);
    } else if (from) {
        diff_print(c, rf, &ef, rt, &et);
    } else {
        history_print(c, k, id, &h);
    }
    return EXIT_OK;
}

/* --- dispatch ------------------------------------------------------------- */

int cmd_record(cli_ctx *c, const isms_kind *k, const char *verb)
{
    static const char *const verbs[] = {"list",   "show",    "add",    "set",   "retire",
                                        "delete", "history", "export", "import"};
    size_t which = 0;
    while (which < 9 && strcmp(verbs[which], verb) != 0)
        which++;
    if (which == 9)
        return cli_usage(c,
                         "%s has no verb '%s' (list, show, add, set, retire%s, history, export, "
                         "import)",
                         k->name, verb, (k->flags & KF_DELETABLE) ? ", delete" : "");
    store *s;
    int rc = cli_open_store(c, false, &s);
    if (rc != EXIT_OK)
        return rc;
    switch (which) {
    case 0:
        rc = verb_list(c, s, k);
        break;
    case 1:
        rc = verb_show(c, s, k);
        break;
    case 2:
    case 3:
        rc = verb_add_or_set(c, s, k, which == 2);
        break;
    case 6:
        rc = verb_history(c, s, k);
        break;
    case 7:
        rc = verb_export(c, s, k);
        break;
    case 8:
        rc = verb_import(c, s, k);
        break;
    default:
        rc = verb_retire_or_delete(c, s, k, which == 4);
        break;
    }
    cli_close_store(c, s);
    return rc;
}
