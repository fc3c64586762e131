-- Migration 7: the heat maps' counts are kept in a table that every write
-- transaction brings up to date (store_risk_heat.c), instead of being counted
-- from the covering index "risk__heat" on the first read after a write (34 ms
-- at 100,000 risks; docs/PERFORMANCE.md). The index goes: nothing else reads
-- it, and every risk written paid for it. Never edit after release.
DROP INDEX "risk__heat";

-- The heat maps' counts: risks in force per method version (0: none) and
-- cell of the current or residual matrix, and in all (grid 'all', cell 0/0).
-- Kept by isms in every write transaction (store_risk_heat.c)
CREATE TABLE "risk_heat" (
  "method" BIGINT NOT NULL,
  "grid" TEXT COLLATE "C" NOT NULL,
  "likelihood" BIGINT NOT NULL,
  "impact" BIGINT NOT NULL,
  "n" BIGINT NOT NULL,
  PRIMARY KEY ("method", "grid", "likelihood", "impact")
);

-- Count the risks already there (store_risk_heat.c, store_risk_heat_rebuild, does the same).
INSERT INTO "risk_heat" ("method", "grid", "likelihood", "impact", "n")
SELECT COALESCE("method", 0), 'all', 0, 0, COUNT(*) FROM "risk" WHERE "retired_at" IS NULL
GROUP BY COALESCE("method", 0);
INSERT INTO "risk_heat" ("method", "grid", "likelihood", "impact", "n")
SELECT "method", 'current', "likelihood", "impact", COUNT(*) FROM "risk"
WHERE "retired_at" IS NULL AND "method" IS NOT NULL AND "likelihood" IS NOT NULL
  AND "impact" IS NOT NULL
GROUP BY "method", "likelihood", "impact";
INSERT INTO "risk_heat" ("method", "grid", "likelihood", "impact", "n")
SELECT "method", 'residual', "residual_likelihood", "residual_impact", COUNT(*) FROM "risk"
WHERE "retired_at" IS NULL AND "method" IS NOT NULL AND "residual_likelihood" IS NOT NULL
  AND "residual_impact" IS NOT NULL
GROUP BY "method", "residual_likelihood", "residual_impact";
