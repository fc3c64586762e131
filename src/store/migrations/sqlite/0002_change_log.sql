-- Migration 2: the change log of ISO/IEC 27001:2022 7.5.3 (control of changes): every
-- change as an append-only, hash-chained entry, and signed checkpoints of the chain.
-- Generated with `isms schema --sql` and reviewed; never edit after release.
-- The change log (ISO/IEC 27001:2022 7.5.3): append-only, hash-chained
CREATE TABLE "isms_change_log" (
  "seq" INTEGER PRIMARY KEY,
  "at" TEXT NOT NULL,
  "actor" TEXT NOT NULL,
  "channel" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "record_id" INTEGER NOT NULL,
  "action" TEXT NOT NULL,
  "version" INTEGER NOT NULL,
  "content" TEXT,
  "content_hash" TEXT NOT NULL,
  "prev_hash" TEXT NOT NULL,
  "hash" TEXT NOT NULL
);
CREATE INDEX "isms_change_log__record" ON "isms_change_log" ("kind", "record_id", "seq");
CREATE TRIGGER "isms_change_log__no_delete" BEFORE DELETE ON "isms_change_log"
BEGIN SELECT RAISE(ABORT, 'isms_change_log is append-only'); END;
CREATE TRIGGER "isms_change_log__no_update" BEFORE UPDATE OF "seq", "at", "actor", "channel", "kind", "record_id", "action", "version", "content_hash", "prev_hash", "hash" ON "isms_change_log"
BEGIN SELECT RAISE(ABORT, 'isms_change_log is append-only'); END;
CREATE TRIGGER "isms_change_log__redact_only" BEFORE UPDATE OF "content" ON "isms_change_log"
WHEN NEW."content" IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'isms_change_log: content can only be redacted (set to NULL)'); END;
-- Signed checkpoints of the change log
CREATE TABLE "isms_log_checkpoint" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "at" TEXT NOT NULL,
  "seq" INTEGER NOT NULL,
  "hash" TEXT NOT NULL,
  "key_id" TEXT NOT NULL,
  "signature" TEXT NOT NULL
);
CREATE TRIGGER "isms_log_checkpoint__no_delete" BEFORE DELETE ON "isms_log_checkpoint"
BEGIN SELECT RAISE(ABORT, 'isms_log_checkpoint is append-only'); END;
CREATE TRIGGER "isms_log_checkpoint__no_update" BEFORE UPDATE OF "id", "at", "seq", "hash", "key_id", "signature" ON "isms_log_checkpoint"
BEGIN SELECT RAISE(ABORT, 'isms_log_checkpoint is append-only'); END;
-- Records made before the change log get a baseline entry, once, when isms next opens
-- the database (store_log.c).
INSERT INTO "isms_settings" ("key", "value") VALUES ('change_log_baseline', 'pending');
