-- Migration 5: the second factor (TOTP secrets, recovery codes), logins waiting for
-- their second step, and the fresh credentials of signing acts.
-- On the totp branch it is applied as version 3 until it is merged after
-- migrations 2 to 4. Generated with `isms schema --sql` and reviewed; never edit after release.
-- Second factor (TOTP) of users: the secret, unconfirmed until a first code is
-- accepted; the last accepted time step refuses replays (docs/SECURITY.md)
CREATE TABLE "isms_totp" (
  "user_id" INTEGER PRIMARY KEY REFERENCES "isms_user" ("id"),
  "secret" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "confirmed_at" TEXT,
  "last_step" INTEGER NOT NULL
);
-- One-time recovery codes: only the SHA-256 of each is kept
CREATE TABLE "isms_recovery_code" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "user_id" INTEGER NOT NULL REFERENCES "isms_user" ("id"),
  "code_hash" TEXT NOT NULL,
  "used_at" TEXT
);
CREATE INDEX "isms_recovery_code__user_id" ON "isms_recovery_code" ("user_id", "code_hash");
-- Logins waiting for their second step: only the SHA-256 of each token is kept
CREATE TABLE "isms_login_pending" (
  "token_hash" TEXT PRIMARY KEY,
  "user_id" INTEGER NOT NULL REFERENCES "isms_user" ("id"),
  "created_at" TEXT NOT NULL,
  "attempts" INTEGER NOT NULL,
  "next" TEXT,
  "client" TEXT NOT NULL
);
-- Signing acts: when a session last re-entered its user's credentials
CREATE TABLE "isms_session_signing" (
  "token_hash" TEXT PRIMARY KEY,
  "signed_at" TEXT NOT NULL
);
