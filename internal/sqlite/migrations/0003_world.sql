-- 0003_world: the multi-account world. All account facts, organizations
-- with their accounts, handshakes, CreateAccount requests, trusted
-- services, delegated administrators and tags, STS sessions, and the
-- organization event log.

-- Account facts beyond the root e-mail. volumes is a JSON object from
-- datasource package to daily bytes; one column keeps Account one lookup.
ALTER TABLE accounts ADD COLUMN guardduty_disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN volumes TEXT NOT NULL DEFAULT '{}';

-- AccountByEmail compares without regard to case.
CREATE INDEX accounts_email ON accounts (lower(root_email));

CREATE TABLE organizations (
	id             TEXT    NOT NULL PRIMARY KEY,
	management     TEXT    NOT NULL,
	feature_set    TEXT    NOT NULL,
	root_id        TEXT    NOT NULL,
	created_time   INTEGER NOT NULL,
	last_event_seq INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- An account manages at most one organization.
CREATE UNIQUE INDEX organizations_management ON organizations (management);

-- The primary key on account_id is the rule that an account belongs to at
-- most one organization; it is also the backstop for two joins racing.
CREATE TABLE org_accounts (
	account_id  TEXT    NOT NULL PRIMARY KEY,
	org_id      TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	name        TEXT    NOT NULL,
	method      TEXT    NOT NULL,
	joined_time INTEGER NOT NULL,
	status      TEXT    NOT NULL
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX org_accounts_org ON org_accounts (org_id, account_id);

CREATE TABLE handshakes (
	id              TEXT    NOT NULL PRIMARY KEY,
	org_id          TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	management      TEXT    NOT NULL,
	feature_set     TEXT    NOT NULL,
	target_type     TEXT    NOT NULL,
	target          TEXT    NOT NULL,
	notes           TEXT    NOT NULL,
	state           TEXT    NOT NULL,
	requested_time  INTEGER NOT NULL,
	expiration_time INTEGER NOT NULL,
	account_id      TEXT    NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX handshakes_org ON handshakes (org_id, id);
CREATE INDEX handshakes_target ON handshakes (lower(target), id);

CREATE TABLE create_account_statuses (
	id             TEXT    NOT NULL PRIMARY KEY,
	org_id         TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	account_name   TEXT    NOT NULL,
	email          TEXT    NOT NULL,
	state          TEXT    NOT NULL,
	failure_reason TEXT    NOT NULL,
	account_id     TEXT    NOT NULL,
	requested_time INTEGER NOT NULL,
	completed_time INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX create_account_statuses_org ON create_account_statuses (org_id, id);

CREATE TABLE service_access (
	org_id       TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	principal    TEXT    NOT NULL,
	enabled_time INTEGER NOT NULL,
	PRIMARY KEY (org_id, principal)
) STRICT, WITHOUT ROWID;

-- Registrations go with the membership: removing the account from its
-- organization removes them.
CREATE TABLE delegated_admins (
	org_id          TEXT    NOT NULL,
	account_id      TEXT    NOT NULL,
	principal       TEXT    NOT NULL,
	registered_time INTEGER NOT NULL,
	PRIMARY KEY (org_id, account_id, principal),
	FOREIGN KEY (org_id, account_id) REFERENCES org_accounts (org_id, account_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX delegated_admins_principal ON delegated_admins (org_id, principal, account_id);

CREATE TABLE org_tags (
	org_id      TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	resource_id TEXT NOT NULL,
	key         TEXT NOT NULL,
	value       TEXT NOT NULL,
	PRIMARY KEY (org_id, resource_id, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
	access_key_id     TEXT    NOT NULL PRIMARY KEY,
	secret_access_key TEXT    NOT NULL,
	token             TEXT    NOT NULL,
	account_id        TEXT    NOT NULL,
	role_arn          TEXT    NOT NULL,
	session_name      TEXT    NOT NULL,
	source            TEXT    NOT NULL,
	created_time      INTEGER NOT NULL,
	expiration        INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_expiration ON sessions (expiration);

-- The log outlives its organization: no foreign key. (org_id, seq) orders
-- one organization's events; (event_time, org_id, seq) the whole log.
CREATE TABLE org_events (
	org_id            TEXT    NOT NULL,
	seq               INTEGER NOT NULL,
	id                TEXT    NOT NULL UNIQUE,
	type              TEXT    NOT NULL,
	management        TEXT    NOT NULL,
	account_id        TEXT    NOT NULL,
	method            TEXT    NOT NULL,
	principal         TEXT    NOT NULL,
	event_time        INTEGER NOT NULL,
	processed_time    INTEGER,
	PRIMARY KEY (org_id, seq)
) STRICT, WITHOUT ROWID;

CREATE INDEX org_events_order ON org_events (event_time, org_id, seq);
CREATE INDEX org_events_unprocessed ON org_events (org_id, seq) WHERE processed_time IS NULL;
