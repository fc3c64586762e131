-- Migration 3: people (clause 5.3). Owners, until now a name typed as text, become
-- references to people: every distinct non-blank owner text becomes a person of that
-- name, and every table with an owner column is rebuilt with the column the registry
-- implies (SQLite cannot change a column's type). Ids, versions and every other value
-- are kept; blank owners become NULL. The tables are created exactly as
-- `isms schema --sql` prints them; never edit after release.
--
-- Rebuilding under foreign keys (which stay on: a migration runs in a transaction):
-- the rows are copied aside into temporary tables, the old tables are dropped
-- children first (so no drop deletes a row another table still refers to, and no
-- ON DELETE CASCADE fires), the new tables are created parents first and filled
-- from the copies. AUTOINCREMENT counters are kept, so the ids of deleted records
-- are never handed out again.
-- Person (clause 5.3)
CREATE TABLE "person" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "version" INTEGER NOT NULL,
  "created_at" TEXT NOT NULL,
  "created_by" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "updated_by" TEXT NOT NULL,
  "retired_at" TEXT,
  "retired_by" TEXT,
  "retired_reason" TEXT,
  "name" TEXT NOT NULL,
  "job_title" TEXT,
  "department" TEXT,
  "manager" INTEGER REFERENCES "person" ("id"),
  "email" TEXT,
  "top_management" INTEGER
);
CREATE INDEX "person__name" ON "person" ("name", "id");
CREATE INDEX "person__department" ON "person" ("department", "id");
CREATE INDEX "person__manager" ON "person" ("manager", "id");
CREATE INDEX "person__top_management" ON "person" ("top_management", "id");
-- Every distinct non-blank owner text becomes a person named by it (surrounding
-- blanks dropped, so " Ann" and "Ann" are one person).
INSERT INTO "person" ("version", "created_at", "created_by", "updated_at", "updated_by", "name")
SELECT 1, "now", 'migration', "now", 'migration', "name"
FROM (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS "now") AS "clock",
     (SELECT trim("owner", ' ' || char(9, 10, 13)) AS "name" FROM "context_issue"
      UNION SELECT trim("owner", ' ' || char(9, 10, 13)) FROM "interested_party"
      UNION SELECT trim("owner", ' ' || char(9, 10, 13)) FROM "requirement"
      UNION SELECT trim("owner", ' ' || char(9, 10, 13)) FROM "process") AS "owners"
WHERE "name" IS NOT NULL AND "name" <> ''
ORDER BY "name";
-- The rows aside, and the AUTOINCREMENT counters of the tables rebuilt.
CREATE TEMP TABLE "old_context_issue" AS SELECT * FROM "context_issue";
CREATE TEMP TABLE "old_interested_party" AS SELECT * FROM "interested_party";
CREATE TEMP TABLE "old_requirement" AS SELECT * FROM "requirement";
CREATE TEMP TABLE "old_process" AS SELECT * FROM "process";
CREATE TEMP TABLE "old_process__interacts_with" AS SELECT * FROM "process__interacts_with";
CREATE TEMP TABLE "old_sequence" AS SELECT "name", "seq" FROM "sqlite_sequence"
  WHERE "name" IN ('context_issue', 'interested_party', 'requirement', 'process');
-- Children first: nothing dropped is still referred to.
DROP TABLE "process__interacts_with";
DROP TABLE "requirement";
DROP TABLE "process";
DROP TABLE "interested_party";
DROP TABLE "context_issue";
-- Context issue (clause 4.1)
CREATE TABLE "context_issue" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "version" INTEGER NOT NULL,
  "created_at" TEXT NOT NULL,
  "created_by" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "updated_by" TEXT NOT NULL,
  "retired_at" TEXT,
  "retired_by" TEXT,
  "retired_reason" TEXT,
  "title" TEXT NOT NULL,
  "origin" TEXT NOT NULL,
  "category" TEXT NOT NULL,
  "description" TEXT,
  "effect" TEXT,
  "climate_related" INTEGER,
  "owner" INTEGER REFERENCES "person" ("id"),
  "status" TEXT NOT NULL,
  "review_date" TEXT
);
CREATE INDEX "context_issue__title" ON "context_issue" ("title", "id");
CREATE INDEX "context_issue__origin" ON "context_issue" ("origin", "id");
CREATE INDEX "context_issue__category" ON "context_issue" ("category", "id");
CREATE INDEX "context_issue__climate_related" ON "context_issue" ("climate_related", "id");
CREATE INDEX "context_issue__owner" ON "context_issue" ("owner", "id");
CREATE INDEX "context_issue__status" ON "context_issue" ("status", "id");
CREATE INDEX "context_issue__review_date" ON "context_issue" ("review_date", "id");
INSERT INTO "context_issue" ("id", "version", "created_at", "created_by", "updated_at", "updated_by", "retired_at", "retired_by", "retired_reason", "title", "origin", "category", "description", "effect", "climate_related", "owner", "status", "review_date")
SELECT o."id",
       o."version",
       o."created_at",
       o."created_by",
       o."updated_at",
       o."updated_by",
       o."retired_at",
       o."retired_by",
       o."retired_reason",
       o."title",
       o."origin",
       o."category",
       o."description",
       o."effect",
       o."climate_related",
       (SELECT p."id" FROM "person" AS p WHERE p."name" = trim(o."owner", ' ' || char(9, 10, 13))),
       o."status",
       o."review_date"
FROM "old_context_issue" AS o ORDER BY o."id";
-- Interested party (clause 4.2)
CREATE TABLE "interested_party" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "version" INTEGER NOT NULL,
  "created_at" TEXT NOT NULL,
  "created_by" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "updated_by" TEXT NOT NULL,
  "retired_at" TEXT,
  "retired_by" TEXT,
  "retired_reason" TEXT,
  "title" TEXT NOT NULL,
  "category" TEXT NOT NULL,
  "origin" TEXT NOT NULL,
  "description" TEXT,
  "expectations" TEXT,
  "contact" TEXT,
  "owner" INTEGER REFERENCES "person" ("id")
);
CREATE INDEX "interested_party__title" ON "interested_party" ("title", "id");
CREATE INDEX "interested_party__category" ON "interested_party" ("category", "id");
CREATE INDEX "interested_party__origin" ON "interested_party" ("origin", "id");
CREATE INDEX "interested_party__owner" ON "interested_party" ("owner", "id");
INSERT INTO "interested_party" ("id", "version", "created_at", "created_by", "updated_at", "updated_by", "retired_at", "retired_by", "retired_reason", "title", "category", "origin", "description", "expectations", "contact", "owner")
SELECT o."id",
       o."version",
       o."created_at",
       o."created_by",
       o."updated_at",
       o."updated_by",
       o."retired_at",
       o."retired_by",
       o."retired_reason",
       o."title",
       o."category",
       o."origin",
       o."description",
       o."expectations",
       o."contact",
       (SELECT p."id" FROM "person" AS p WHERE p."name" = trim(o."owner", ' ' || char(9, 10, 13)))
FROM "old_interested_party" AS o ORDER BY o."id";
-- Requirement (clause 4.2)
CREATE TABLE "requirement" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "version" INTEGER NOT NULL,
  "created_at" TEXT NOT NULL,
  "created_by" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "updated_by" TEXT NOT NULL,
  "retired_at" TEXT,
  "retired_by" TEXT,
  "retired_reason" TEXT,
  "title" TEXT NOT NULL,
  "party" INTEGER NOT NULL REFERENCES "interested_party" ("id"),
  "type" TEXT NOT NULL,
  "source" TEXT,
  "description" TEXT,
  "addressed" TEXT NOT NULL,
  "how_addressed" TEXT,
  "reason_not_addressed" TEXT,
  "climate_related" INTEGER,
  "owner" INTEGER REFERENCES "person" ("id"),
  "review_date" TEXT
);
CREATE INDEX "requirement__title" ON "requirement" ("title", "id");
CREATE INDEX "requirement__party" ON "requirement" ("party", "id");
CREATE INDEX "requirement__type" ON "requirement" ("type", "id");
CREATE INDEX "requirement__addressed" ON "requirement" ("addressed", "id");
CREATE INDEX "requirement__climate_related" ON "requirement" ("climate_related", "id");
CREATE INDEX "requirement__owner" ON "requirement" ("owner", "id");
CREATE INDEX "requirement__review_date" ON "requirement" ("review_date", "id");
INSERT INTO "requirement" ("id", "version", "created_at", "created_by", "updated_at", "updated_by", "retired_at", "retired_by", "retired_reason", "title", "party", "type", "source", "description", "addressed", "how_addressed", "reason_not_addressed", "climate_related", "owner", "review_date")
SELECT o."id",
       o."version",
       o."created_at",
       o."created_by",
       o."updated_at",
       o."updated_by",
       o."retired_at",
       o."retired_by",
       o."retired_reason",
       o."title",
       o."party",
       o."type",
       o."source",
       o."description",
       o."addressed",
       o."how_addressed",
       o."reason_not_addressed",
       o."climate_related",
       (SELECT p."id" FROM "person" AS p WHERE p."name" = trim(o."owner", ' ' || char(9, 10, 13))),
       o."review_date"
FROM "old_requirement" AS o ORDER BY o."id";
-- ISMS process (clause 4.4)
CREATE TABLE "process" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "version" INTEGER NOT NULL,
  "created_at" TEXT NOT NULL,
  "created_by" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "updated_by" TEXT NOT NULL,
  "retired_at" TEXT,
  "retired_by" TEXT,
  "retired_reason" TEXT,
  "title" TEXT NOT NULL,
  "owner" INTEGER NOT NULL REFERENCES "person" ("id"),
  "purpose" TEXT,
  "inputs" TEXT,
  "outputs" TEXT,
  "criteria" TEXT,
  "externally_provided" INTEGER,
  "provider" TEXT,
  "status" TEXT NOT NULL,
  "review_date" TEXT
);
CREATE INDEX "process__title" ON "process" ("title", "id");
CREATE INDEX "process__owner" ON "process" ("owner", "id");
CREATE INDEX "process__externally_provided" ON "process" ("externally_provided", "id");
CREATE INDEX "process__status" ON "process" ("status", "id");
CREATE INDEX "process__review_date" ON "process" ("review_date", "id");
CREATE TABLE "process__interacts_with" (
  "src" INTEGER NOT NULL REFERENCES "process" ("id") ON DELETE CASCADE,
  "pos" INTEGER NOT NULL,
  "dst" INTEGER NOT NULL REFERENCES "process" ("id"),
  PRIMARY KEY ("src", "dst")
);
CREATE INDEX "process__interacts_with__dst" ON "process__interacts_with" ("dst");
INSERT INTO "process" ("id", "version", "created_at", "created_by", "updated_at", "updated_by", "retired_at", "retired_by", "retired_reason", "title", "owner", "purpose", "inputs", "outputs", "criteria", "externally_provided", "provider", "status", "review_date")
SELECT o."id",
       o."version",
       o."created_at",
       o."created_by",
       o."updated_at",
       o."updated_by",
       o."retired_at",
       o."retired_by",
       o."retired_reason",
       o."title",
       (SELECT p."id" FROM "person" AS p WHERE p."name" = trim(o."owner", ' ' || char(9, 10, 13))),
       o."purpose",
       o."inputs",
       o."outputs",
       o."criteria",
       o."externally_provided",
       o."provider",
       o."status",
       o."review_date"
FROM "old_process" AS o ORDER BY o."id";
INSERT INTO "process__interacts_with" ("src", "pos", "dst")
SELECT "src", "pos", "dst" FROM "old_process__interacts_with" ORDER BY "src", "pos";
-- The counters as they were (the copies above may have set them lower).
DELETE FROM "sqlite_sequence" WHERE "name" IN ('context_issue', 'interested_party', 'requirement', 'process');
INSERT INTO "sqlite_sequence" ("name", "seq") SELECT "name", "seq" FROM "old_sequence";
DROP TABLE "temp"."old_context_issue";
DROP TABLE "temp"."old_interested_party";
DROP TABLE "temp"."old_requirement";
DROP TABLE "temp"."old_process";
DROP TABLE "temp"."old_process__interacts_with";
DROP TABLE "temp"."old_sequence";
-- The owners changed and people were made without going through isms: log every
-- record whose newest change log entry no longer shows it as it is (store_log.c).
INSERT OR REPLACE INTO "isms_settings" ("key", "value") VALUES ('change_log_baseline', 'pending');
