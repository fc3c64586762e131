/*
 * The risk method versions stored in the database, parsed. Method records
 * are immutable, so a parsed method is kept for the life of the process,
 * keyed by its definition text (not its id: a process may open several
 * databases). Safe from any thread.
 */
#ifndef ISMS_CORE_RISK_CURRENT_H
#define ISMS_CORE_RISK_CURRENT_H

#include "core/risk_method.h"
#include "store/store.h"

/* The version in force: *m and *id, or *m = NULL and *id = 0 when there is none. */
isms_err risk_method_current(store_conn *c, arena *a, const risk_method **m, int64_t *id,
                             isms_status *st);

/*
 * The version in force as risk_method_current answers it, looked up once per
 * write transaction: kept on t (store_txn_memo) until a risk-method record is
 * written in it, so an import of many risks reads and matches it once.
 */
isms_err risk_method_in_force(store_txn *t, const risk_method **m, int64_t *id,
                              isms_status *st);

/* Version id (retired or not); ISMS_ENOTFOUND if there is none. */
isms_err risk_method_load(store_conn *c, int64_t id, arena *a, const risk_method **m,
                          isms_status *st);

/* The parsed form of a definition text; NULL if it does not parse (validation says why). */
const risk_method *risk_method_parsed(const char *definition, arena *a);

#endif
