// The core module's tables: pacts, organisations, people, sessions, workspaces, the event
// logs, idempotency records and the audit log. Plugins own their tables separately.
#include "core/engine.hpp"

namespace pacte {

std::vector<Migration> core_migrations() {
  return {
      {1, R"SQL(
CREATE TABLE pacts (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  governance TEXT NOT NULL,          -- the imported governance JSON, for re-import diffs
  imported_at TEXT NOT NULL
);
CREATE TABLE organisations (
  id INTEGER PRIMARY KEY,
  pact_id INTEGER REFERENCES pacts(id),
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  short TEXT NOT NULL,
  kind TEXT NOT NULL,
  UNIQUE (pact_id, key)
);
CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  key TEXT UNIQUE,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  password_hash TEXT,
  locale TEXT NOT NULL DEFAULT 'fr',
  is_admin INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  demo INTEGER NOT NULL DEFAULT 0,
  personal_seq INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE affiliations (
  person_id INTEGER NOT NULL REFERENCES people(id),
  organisation_id INTEGER NOT NULL REFERENCES organisations(id),
  capacity TEXT NOT NULL DEFAULT '',
  signatory INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (person_id, organisation_id)
);
CREATE INDEX affiliations_org ON affiliations(organisation_id);
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id),
  token_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the token; the token itself is never stored
  created_at INTEGER NOT NULL,       -- ms since epoch
  last_seen INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  address TEXT,
  user_agent TEXT
);
CREATE INDEX sessions_person ON sessions(person_id);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id INTEGER,
  action TEXT NOT NULL,
  target TEXT,
  address TEXT,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE committee_kinds (
  pact_id INTEGER NOT NULL REFERENCES pacts(id),
  key TEXT NOT NULL,
  label TEXT NOT NULL,
  label_plural TEXT NOT NULL,
  label_en TEXT NOT NULL,
  label_plural_en TEXT NOT NULL,
  position INTEGER NOT NULL,
  definition TEXT NOT NULL,          -- the kind's JSON from the governance (cadence, scope…)
  PRIMARY KEY (pact_id, key)
);
CREATE TABLE workspaces (
  id INTEGER PRIMARY KEY,
  pact_id INTEGER REFERENCES pacts(id),
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  archived INTEGER NOT NULL DEFAULT 0,
  last_seq INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  UNIQUE (pact_id, key)
);
CREATE TABLE workspace_members (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  person_id INTEGER REFERENCES people(id),
  organisation_id INTEGER REFERENCES organisations(id),
  role TEXT NOT NULL CHECK (role IN ('owner', 'member', 'observer')),
  CHECK ((person_id IS NULL) <> (organisation_id IS NULL))
);
CREATE UNIQUE INDEX workspace_members_person ON workspace_members(workspace_id, person_id) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX workspace_members_org ON workspace_members(workspace_id, organisation_id) WHERE organisation_id IS NOT NULL;
CREATE TABLE workspace_plugins (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  plugin TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, plugin)
) WITHOUT ROWID;
CREATE TABLE events (
  workspace_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  author_id INTEGER,
  at TEXT NOT NULL,
  subject TEXT,                      -- e.g. 'message:12', for redaction on delete
  data TEXT NOT NULL,
  PRIMARY KEY (workspace_id, seq)
) WITHOUT ROWID;
CREATE INDEX events_subject ON events(subject) WHERE subject IS NOT NULL;
CREATE TABLE personal_events (
  person_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (person_id, seq)
) WITHOUT ROWID;
CREATE TABLE requests (
  person_id INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  reply TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (person_id, client_id)
) WITHOUT ROWID;
CREATE INDEX requests_created ON requests(created_at);
)SQL"},
      // One-time links: invitations (set a first password) and password resets.
      {2, R"SQL(
CREATE TABLE invitations (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id),
  token_hash TEXT NOT NULL UNIQUE,
  purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'reset')),
  created_by INTEGER REFERENCES people(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX invitations_person ON invitations(person_id);
)SQL"},
      // One-shot jobs of plugins and modules (Context::schedule), kept across restarts.
      {3, R"SQL(
CREATE TABLE scheduled_jobs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  due_ms INTEGER NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX scheduled_jobs_due ON scheduled_jobs(due_ms);
)SQL"},
      // Retention: the audit log stays append-only, except that addresses may be blanked
      // and old entries removed, and only by the retention pass (which opens the gate).
      {4, R"SQL(
CREATE TABLE retention_gate (open INTEGER NOT NULL);
INSERT INTO retention_gate(open) VALUES (0);
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  WHEN NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor_id IS NOT OLD.actor_id
    OR NEW.action IS NOT OLD.action OR NEW.target IS NOT OLD.target OR NEW.details IS NOT OLD.details
    OR NEW.address IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  WHEN (SELECT open FROM retention_gate) IS NOT 1
  BEGIN SELECT RAISE(ABORT, 'audit entries are removed only by the retention pass'); END;
)SQL"},
  };
}

}  // namespace pacte
