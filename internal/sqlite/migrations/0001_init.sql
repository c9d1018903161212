-- Behavior graphs, their members and tags, and known accounts.
--
-- Times are INTEGER unix milliseconds in UTC: the service keeps
-- milliseconds, and integers compare and index without parsing. Text keys
-- use the default BINARY collation, so they sort by bytes, as Go compares
-- strings and as keyset page tokens assume.
--
-- Tables are STRICT, so a value of the wrong type is an error rather than
-- silently stored, and WITHOUT ROWID where the primary key is the natural
-- access path, so a lookup is one B-tree search.

CREATE TABLE graphs (
	arn          TEXT    NOT NULL PRIMARY KEY,
	admin        TEXT    NOT NULL,
	region       TEXT    NOT NULL,
	created_time INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- An account administers at most one graph per region; this is the
-- backstop for two CreateGraph calls racing.
CREATE UNIQUE INDEX graphs_admin_region ON graphs (admin, region);

CREATE TABLE members (
	graph_arn       TEXT    NOT NULL REFERENCES graphs (arn) ON DELETE CASCADE,
	account_id      TEXT    NOT NULL,
	email           TEXT    NOT NULL,
	admin           TEXT    NOT NULL,
	invitation_type TEXT    NOT NULL,
	status          TEXT    NOT NULL,
	disabled_reason TEXT    NOT NULL,
	invited_time    INTEGER NOT NULL,
	updated_time    INTEGER NOT NULL,
	verified_time   INTEGER NOT NULL,
	PRIMARY KEY (graph_arn, account_id)
) STRICT, WITHOUT ROWID;

-- ListMemberships pages through one account's records in graph order.
CREATE INDEX members_account ON members (account_id, graph_arn);

CREATE TABLE tags (
	resource_arn TEXT NOT NULL REFERENCES graphs (arn) ON DELETE CASCADE,
	key          TEXT NOT NULL,
	value        TEXT NOT NULL,
	PRIMARY KEY (resource_arn, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE accounts (
	id         TEXT NOT NULL PRIMARY KEY,
	root_email TEXT NOT NULL
) STRICT, WITHOUT ROWID;
