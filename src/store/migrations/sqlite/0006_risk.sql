-- Migration 6: risk assessment and treatment (6.1, 8.2, 8.3): the risk method's
-- versions, assets, risks, treatment actions, signed acceptances, assessment
-- campaigns with their answers and snapshots, and the ISMS's own risks and
-- opportunities. Generated with `isms schema --sql` and reviewed; never edit after release.
-- ISMS risk or opportunity (clause 6.1.1)
CREATE TABLE "isms_risk" (
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
  "description" TEXT,
  "actions" TEXT,
  "integration" TEXT,
  "evaluation" TEXT,
  "owner" INTEGER NOT NULL REFERENCES "person" ("id"),
  "status" TEXT NOT NULL,
  "review_date" TEXT
);
CREATE INDEX "isms_risk__title" ON "isms_risk" ("title", "id");
CREATE INDEX "isms_risk__type" ON "isms_risk" ("type", "id");
CREATE INDEX "isms_risk__owner" ON "isms_risk" ("owner", "id");
CREATE INDEX "isms_risk__status" ON "isms_risk" ("status", "id");
CREATE INDEX "isms_risk__review_date" ON "isms_risk" ("review_date", "id");
CREATE TABLE "isms_risk__issues" (
  "src" INTEGER NOT NULL REFERENCES "isms_risk" ("id") ON DELETE CASCADE,
  "pos" INTEGER NOT NULL,
  "dst" INTEGER NOT NULL REFERENCES "context_issue" ("id"),
  PRIMARY KEY ("src", "dst")
);
CREATE INDEX "isms_risk__issues__dst" ON "isms_risk__issues" ("dst");
CREATE TABLE "isms_risk__requirements" (
  "src" INTEGER NOT NULL REFERENCES "isms_risk" ("id") ON DELETE CASCADE,
  "pos" INTEGER NOT NULL,
  "dst" INTEGER NOT NULL REFERENCES "requirement" ("id"),
  PRIMARY KEY ("src", "dst")
);
CREATE INDEX "isms_risk__requirements__dst" ON "isms_risk__requirements" ("dst");
CREATE TABLE "isms_risk__processes" (
  "src" INTEGER NOT NULL REFERENCES "isms_risk" ("id") ON DELETE CASCADE,
  "pos" INTEGER NOT NULL,
  "dst" INTEGER NOT NULL REFERENCES "process" ("id"),
  PRIMARY KEY ("src", "dst")
);
CREATE INDEX "isms_risk__processes__dst" ON "isms_risk__processes" ("dst");
-- Risk method (clause 6.1.2)
CREATE TABLE "risk_method" (
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
  "definition" TEXT NOT NULL,
  "note" TEXT,
  "likelihood_levels" INTEGER,
  "impact_levels" INTEGER,
  "risk_levels" INTEGER
);
CREATE INDEX "risk_method__title" ON "risk_method" ("title", "id");
-- Asset (clause 6.1.2)
CREATE TABLE "asset" (
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
  "owner" INTEGER NOT NULL REFERENCES "person" ("id"),
  "description" TEXT,
  "location" TEXT,
  "confidentiality" INTEGER,
  "integrity" INTEGER,
  "availability" INTEGER
);
CREATE INDEX "asset__title" ON "asset" ("title", "id");
CREATE INDEX "asset__type" ON "asset" ("type", "id");
CREATE INDEX "asset__owner" ON "asset" ("owner", "id");
CREATE INDEX "asset__location" ON "asset" ("location", "id");
CREATE INDEX "asset__confidentiality" ON "asset" ("confidentiality", "id");
CREATE INDEX "asset__integrity" ON "asset" ("integrity", "id");
CREATE INDEX "asset__availability" ON "asset" ("availability", "id");
CREATE TABLE "asset__processes" (
  "src" INTEGER NOT NULL REFERENCES "asset" ("id") ON DELETE CASCADE,
  "pos" INTEGER NOT NULL,
  "dst" INTEGER NOT NULL REFERENCES "process" ("id"),
  PRIMARY KEY ("src", "dst")
);
CREATE INDEX "asset__processes__dst" ON "asset__processes" ("dst");
-- Risk (clause 6.1.2)
CREATE TABLE "risk" (
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
  "description" TEXT,
  "threat" TEXT,
  "vulnerability" TEXT,
  "scenario" TEXT,
  "confidentiality" INTEGER,
  "integrity" INTEGER,
  "availability" INTEGER,
  "owner" INTEGER NOT NULL REFERENCES "person" ("id"),
  "likelihood" INTEGER NOT NULL,
  "impact" INTEGER NOT NULL,
  "level" INTEGER,
  "level_label" TEXT,
  "treatment" TEXT,
  "controls" TEXT,
  "residual_likelihood" INTEGER,
  "residual_impact" INTEGER,
  "residual_level" INTEGER,
  "residual_level_label" TEXT,
  "method" INTEGER REFERENCES "risk_method" ("id"),
  "untreated" INTEGER,
  "reassess" INTEGER,
  "acceptance" TEXT,
  "accepted_until" TEXT,
  "status" TEXT NOT NULL,
  "review_date" TEXT
);
CREATE INDEX "risk__title" ON "risk" ("title", "id");
CREATE INDEX "risk__confidentiality" ON "risk" ("confidentiality", "id");
CREATE INDEX "risk__integrity" ON "risk" ("integrity", "id");
CREATE INDEX "risk__availability" ON "risk" ("availability", "id");
CREATE INDEX "risk__owner" ON "risk" ("owner", "id");
CREATE INDEX "risk__likelihood" ON "risk" ("likelihood", "id");
CREATE INDEX "risk__impact" ON "risk" ("impact", "id");
CREATE INDEX "risk__level" ON "risk" ("level", "id");
CREATE INDEX "risk__residual_likelihood" ON "risk" ("residual_likelihood", "id");
CREATE INDEX "risk__residual_impact" ON "risk" ("residual_impact", "id");
CREATE INDEX "risk__residual_level" ON "risk" ("residual_level", "id");
CREATE INDEX "risk__method" ON "risk" ("method", "id");
CREATE INDEX "risk__untreated" ON "risk" ("untreated", "id");
CREATE INDEX "risk__reassess" ON "risk" ("reassess", "id");
CREATE INDEX "risk__acceptance" ON "risk" ("acceptance", "id");
CREATE INDEX "risk__accepted_until" ON "risk" ("accepted_until", "id");
CREATE INDEX "risk__status" ON "risk" ("status", "id");
CREATE INDEX "risk__review_date" ON "risk" ("review_date", "id");
CREATE TABLE "risk__assets" (
  "src" INTEGER NOT NULL REFERENCES "risk" ("id") ON DELETE CASCADE,
  "pos" INTEGER NOT NULL,
  "dst" INTEGER NOT NULL REFERENCES "asset" ("id"),
  PRIMARY KEY ("src", "dst")
);
CREATE INDEX "risk__assets__dst" ON "risk__assets" ("dst");
-- Treatment action (clause 6.1.3)
CREATE TABLE "risk_action" (
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
  "description" TEXT,
  "owner" INTEGER NOT NULL REFERENCES "person" ("id"),
  "due_date" TEXT NOT NULL,
  "status" TEXT NOT NULL,
  "progress" INTEGER,
  "controls" TEXT
);
CREATE INDEX "risk_action__title" ON "risk_action" ("title", "id");
CREATE INDEX "risk_action__owner" ON "risk_action" ("owner", "id");
CREATE INDEX "risk_action__due_date" ON "risk_action" ("due_date", "id");
CREATE INDEX "risk_action__status" ON "risk_action" ("status", "id");
CREATE TABLE "risk_action__risks" (
  "src" INTEGER NOT NULL REFERENCES "risk_action" ("id") ON DELETE CASCADE,
  "pos" INTEGER NOT NULL,
  "dst" INTEGER NOT NULL REFERENCES "risk" ("id"),
  PRIMARY KEY ("src", "dst")
);
CREATE INDEX "risk_action__risks__dst" ON "risk_action__risks" ("dst");
-- Risk acceptance (clause 6.1.3)
CREATE TABLE "risk_acceptance" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "version" INTEGER NOT NULL,
  "created_at" TEXT NOT NULL,
  "created_by" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "updated_by" TEXT NOT NULL,
  "retired_at" TEXT,
  "retired_by" TEXT,
  "retired_reason" TEXT,
  "title" TEXT,
  "risk" INTEGER NOT NULL REFERENCES "risk" ("id"),
  "role" TEXT NOT NULL,
  "signer" INTEGER REFERENCES "person" ("id"),
  "signed_by_user" TEXT,
  "rationale" TEXT NOT NULL,
  "exception" INTEGER,
  "exception_until" TEXT,
  "expires" TEXT,
  "risk_version" INTEGER,
  "residual_likelihood" INTEGER,
  "residual_impact" INTEGER,
  "residual_level" INTEGER,
  "treatment" TEXT,
  "controls" TEXT,
  "method" INTEGER REFERENCES "risk_method" ("id")
);
CREATE INDEX "risk_acceptance__risk" ON "risk_acceptance" ("risk", "id");
CREATE INDEX "risk_acceptance__role" ON "risk_acceptance" ("role", "id");
CREATE INDEX "risk_acceptance__signer" ON "risk_acceptance" ("signer", "id");
CREATE INDEX "risk_acceptance__exception" ON "risk_acceptance" ("exception", "id");
CREATE INDEX "risk_acceptance__expires" ON "risk_acceptance" ("expires", "id");
CREATE INDEX "risk_acceptance__method" ON "risk_acceptance" ("method", "id");
-- Risk assessment (clause 8.2)
CREATE TABLE "risk_campaign" (
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
  "trigger" TEXT NOT NULL,
  "description" TEXT,
  "due_date" TEXT NOT NULL,
  "status" TEXT NOT NULL,
  "method" INTEGER REFERENCES "risk_method" ("id"),
  "closed_at" TEXT,
  "risks_total" INTEGER
);
CREATE INDEX "risk_campaign__title" ON "risk_campaign" ("title", "id");
CREATE INDEX "risk_campaign__trigger" ON "risk_campaign" ("trigger", "id");
CREATE INDEX "risk_campaign__due_date" ON "risk_campaign" ("due_date", "id");
CREATE INDEX "risk_campaign__status" ON "risk_campaign" ("status", "id");
CREATE INDEX "risk_campaign__method" ON "risk_campaign" ("method", "id");
CREATE INDEX "risk_campaign__closed_at" ON "risk_campaign" ("closed_at", "id");
-- Risk owner's answer (clause 8.2)
CREATE TABLE "risk_review" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "version" INTEGER NOT NULL,
  "created_at" TEXT NOT NULL,
  "created_by" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "updated_by" TEXT NOT NULL,
  "retired_at" TEXT,
  "retired_by" TEXT,
  "retired_reason" TEXT,
  "title" TEXT,
  "campaign" INTEGER NOT NULL REFERENCES "risk_campaign" ("id"),
  "risk" INTEGER NOT NULL REFERENCES "risk" ("id"),
  "outcome" TEXT NOT NULL,
  "note" TEXT,
  "likelihood" INTEGER,
  "impact" INTEGER,
  "level" INTEGER
);
CREATE INDEX "risk_review__campaign" ON "risk_review" ("campaign", "id");
CREATE INDEX "risk_review__risk" ON "risk_review" ("risk", "id");
CREATE INDEX "risk_review__outcome" ON "risk_review" ("outcome", "id");
-- Snapshots of the risk register taken when an assessment campaign closes
-- (8.2); never changed afterwards. Only isms writes them, from the risks in
-- force, in the transaction that closes the campaign: no foreign keys, whose
-- checks per row made a snapshot of 100,000 risks five times slower
CREATE TABLE "risk_snapshot" (
  "campaign_id" INTEGER NOT NULL,
  "risk_id" INTEGER NOT NULL,
  "risk_version" INTEGER NOT NULL,
  "title" TEXT NOT NULL,
  "owner" INTEGER,
  "likelihood" INTEGER,
  "impact" INTEGER,
  "level" INTEGER,
  "level_label" TEXT,
  "residual_likelihood" INTEGER,
  "residual_impact" INTEGER,
  "residual_level" INTEGER,
  "residual_level_label" TEXT,
  "treatment" TEXT,
  "acceptance" TEXT,
  "accepted_until" TEXT,
  "status" TEXT,
  "method" INTEGER,
  PRIMARY KEY ("campaign_id", "risk_id")
);

-- The heat maps' counts read this index only (store_risk_heat.c); written by
-- sqlgen.c (risk_heat_ddl) for a new database.
CREATE INDEX "risk__heat" ON "risk" ("method", "retired_at", "likelihood", "impact", "residual_likelihood", "residual_impact");
