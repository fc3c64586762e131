/*
 * A registry made for tests: kinds that use every field type, flag and hook,
 * so the generic code is proven on all of them, not just on the kinds the
 * product has today. Plus helpers to open a fresh store for a driver.
 */
#ifndef ISMS_TESTS_FIXTURE_H
#define ISMS_TESTS_FIXTURE_H

#include <stdbool.h>

#include "core/registry.h"
#include "store/driver.h"
#include "store/migrate.h"
#include "store/store.h"

/*
 * parent-thing (PAR): title, code (text, sortable+filterable).
 * specimen (SPC): title; note (longtext, max 50); count (int 0..100, sortable);
 *   amount (decimal -1000..1000, sortable); flag (bool, filterable);
 *   day (date, sortable+filterable); at (datetime, sortable); level (enum
 *   low|mid|high, sortable+filterable); status (enum open|done, closed done,
 *   default open, done -> open refused); parent (ref parent-thing, filterable);
 *   friends (reflist specimen, filterable); subject (anyref, filterable);
 *   secret (text, secret); score (int, derived = count * 2).
 *   Rule: level high needs a note. Deletable while status is open.
 * ledger (LED): title; immutable and singleton.
 */
const isms_registry *fixture_registry(void);
extern const isms_kind fixture_parent, fixture_specimen, fixture_ledger;

/* One migration holding the schema fixture_registry implies (for store_open). */
const migration_set *fixture_migrations(const char *driver);

/* The driver of a name ("sqlite", "postgres"); aborts for others. */
const store_driver *fixture_driver(const char *name);

/*
 * Can this driver's tests run here? PostgreSQL needs ISMS_TEST_PG_URL, the
 * database of a test cluster (scripts/pg-test-cluster.sh, started by make test).
 */
bool fixture_driver_available(const char *driver);

/*
 * A fresh, not yet existing database location for a driver: writes the URL
 * into buf. SQLite: a file in a new directory, removed by test_db_cleanup.
 * PostgreSQL: a new, empty schema of the test cluster's database, dropped by
 * test_db_cleanup.
 */
void test_db_url(const char *driver, char *buf, size_t size);
void test_db_cleanup(const char *url);

/*
 * Run one statement (its rows, if any, are dropped) on the PostgreSQL test
 * cluster's database (ISMS_TEST_PG_URL), on a connection of its own; aborts on failure.
 */
void fixture_pg_admin(const char *sql);

/* Open a new store of the fixture registry (create) for a driver; asserts success. */
store *fixture_store_open(const char *driver, char *url, size_t url_size);

#endif
