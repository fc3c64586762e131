-- Migration 4: accounts (users and roles, sessions, API tokens, authentication events).
-- Not records: these tables are outside the change log (authentication events
-- are kept in their own table). Generated with `isms schema --sql` and reviewed;
-- never edit after release.
-- Accounts: users and their roles (docs/SECURITY.md)
CREATE TABLE "isms_user" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "name" TEXT NOT NULL,
  "name_key" TEXT NOT NULL UNIQUE,
  "person_id" INTEGER,
  "password_hash" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "created_by" TEXT NOT NULL,
  "password_changed_at" TEXT NOT NULL,
  "disabled_at" TEXT,
  "disabled_by" TEXT
);
CREATE TABLE "isms_user_role" (
  "user_id" INTEGER NOT NULL REFERENCES "isms_user" ("id"),
  "role" TEXT NOT NULL,
  PRIMARY KEY ("user_id", "role")
);
-- Sessions of the web pages: only the SHA-256 of each token is kept
CREATE TABLE "isms_session" (
  "token_hash" TEXT PRIMARY KEY,
  "user_id" INTEGER NOT NULL REFERENCES "isms_user" ("id"),
  "csrf" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "last_seen_at" TEXT NOT NULL,
  "client" TEXT NOT NULL
);
CREATE INDEX "isms_session__user_id" ON "isms_session" ("user_id");
-- API tokens: only the SHA-256 of each token is kept
CREATE TABLE "isms_api_token" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "token_hash" TEXT NOT NULL UNIQUE,
  "user_id" INTEGER NOT NULL REFERENCES "isms_user" ("id"),
  "role" TEXT NOT NULL,
  "label" TEXT,
  "created_at" TEXT NOT NULL,
  "created_by" TEXT NOT NULL,
  "expires_at" TEXT,
  "last_used_at" TEXT,
  "revoked_at" TEXT
);
CREATE INDEX "isms_api_token__user_id" ON "isms_api_token" ("user_id", "id");
-- Authentication events (login attempts, logouts, password changes);
-- login throttling is derived from them
CREATE TABLE "isms_auth_event" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "at" TEXT NOT NULL,
  "event" TEXT NOT NULL,
  "name" TEXT,
  "name_key" TEXT,
  "user_id" INTEGER,
  "client" TEXT,
  "detail" TEXT
);
CREATE INDEX "isms_auth_event__name_key" ON "isms_auth_event" ("name_key", "at");
CREATE INDEX "isms_auth_event__client" ON "isms_auth_event" ("client", "at");
