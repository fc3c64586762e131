-- Migration 1: clause 4 of ISO/IEC 27001:2022 (context of the organization).
-- Generated with `isms schema --sql` and reviewed; never edit after release.
-- Settings of the ISMS
CREATE TABLE "isms_settings" (
  "key" TEXT PRIMARY KEY,
  "value" TEXT NOT NULL
);
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
  "owner" TEXT,
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
-- Climate decision (clause 4.1)
CREATE TABLE "climate_decision" (
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
  "relevant" INTEGER NOT NULL,
  "reasoning" TEXT NOT NULL,
  "decided_by" TEXT NOT NULL,
  "decided_on" TEXT NOT NULL
);
CREATE INDEX "climate_decision__title" ON "climate_decision" ("title", "id");
CREATE INDEX "climate_decision__relevant" ON "climate_decision" ("relevant", "id");
CREATE INDEX "climate_decision__decided_on" ON "climate_decision" ("decided_on", "id");
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
  "owner" TEXT
);
CREATE INDEX "interested_party__title" ON "interested_party" ("title", "id");
CREATE INDEX "interested_party__category" ON "interested_party" ("category", "id");
CREATE INDEX "interested_party__origin" ON "interested_party" ("origin", "id");
CREATE INDEX "interested_party__owner" ON "interested_party" ("owner", "id");
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
  "owner" TEXT,
  "review_date" TEXT
);
CREATE INDEX "requirement__title" ON "requirement" ("title", "id");
CREATE INDEX "requirement__party" ON "requirement" ("party", "id");
CREATE INDEX "requirement__type" ON "requirement" ("type", "id");
CREATE INDEX "requirement__addressed" ON "requirement" ("addressed", "id");
CREATE INDEX "requirement__climate_related" ON "requirement" ("climate_related", "id");
CREATE INDEX "requirement__owner" ON "requirement" ("owner", "id");
CREATE INDEX "requirement__review_date" ON "requirement" ("review_date", "id");
-- Scope item (clause 4.3)
CREATE TABLE "scope_item" (
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
  "type" TEXT NOT NULL,
  "inclusion" TEXT NOT NULL,
  "description" TEXT,
  "justification" TEXT,
  "interfaces" TEXT,
  "dependencies" TEXT
);
CREATE INDEX "scope_item__title" ON "scope_item" ("title", "id");
CREATE INDEX "scope_item__type" ON "scope_item" ("type", "id");
CREATE INDEX "scope_item__inclusion" ON "scope_item" ("inclusion", "id");
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
  "owner" TEXT NOT NULL,
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
