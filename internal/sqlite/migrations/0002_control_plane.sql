-- Datasource package states of graphs and members, investigations, and
-- the Detective administrators of organizations.

-- One row per (graph, package): the package's current state and when it
-- last entered each state (NULL: never).
CREATE TABLE graph_packages (
	graph_arn     TEXT    NOT NULL REFERENCES graphs (arn) ON DELETE CASCADE,
	package       TEXT    NOT NULL,
	state         TEXT    NOT NULL,
	started_time  INTEGER,
	stopped_time  INTEGER,
	disabled_time INTEGER,
	PRIMARY KEY (graph_arn, package)
) STRICT, WITHOUT ROWID;

-- A member's package states, with its daily volume as last measured (the
-- MemberDetail volume fields): columncodec.EncodePackages' JSON, '' for
-- none. A column rather than a table of (member, package) rows, because
-- every read of members returns them and each row read costs about as
-- much as the member's own; on the member's row they also go with it, so
-- a re-invited account starts afresh.
ALTER TABLE members ADD COLUMN packages TEXT NOT NULL DEFAULT '';

-- GraphsWithMemberStatus reads this index alone.
CREATE INDEX members_status ON members (status, graph_arn);

CREATE TABLE investigations (
	graph_arn      TEXT    NOT NULL REFERENCES graphs (arn) ON DELETE CASCADE,
	id             TEXT    NOT NULL,
	entity_arn     TEXT    NOT NULL,
	entity_type    TEXT    NOT NULL,
	status         TEXT    NOT NULL,
	severity       TEXT    NOT NULL,
	state          TEXT    NOT NULL,
	created_time   INTEGER NOT NULL,
	scope_start    INTEGER NOT NULL,
	scope_end      INTEGER NOT NULL,
	completed_time INTEGER NOT NULL,
	PRIMARY KEY (graph_arn, id)
) STRICT, WITHOUT ROWID;

-- ListInvestigations walks this index in its order, without a sort.
CREATE INDEX investigations_created ON investigations (graph_arn, created_time, id);

-- Indicators computed for an investigation, in the order computed (seq).
-- They belong to the investigation, so the foreign key names it: they
-- cannot outlive it, and they go with it when the graph is deleted.
-- JSON text in detail holds the IndicatorDetail fields.
CREATE TABLE indicators (
	graph_arn        TEXT    NOT NULL,
	investigation_id TEXT    NOT NULL,
	seq              INTEGER NOT NULL,
	type             TEXT    NOT NULL,
	detail           TEXT    NOT NULL,
	PRIMARY KEY (graph_arn, investigation_id, seq),
	FOREIGN KEY (graph_arn, investigation_id) REFERENCES investigations (graph_arn, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The Detective administrator of an organization in a region, and its
-- organization behavior graph. No foreign key to graphs: a designation
-- outlives its graph until DisableOrganizationAdminAccount removes it.
-- auto_enable is 0 or 1.
CREATE TABLE organization_admins (
	org_id          TEXT    NOT NULL,
	region          TEXT    NOT NULL,
	account_id      TEXT    NOT NULL,
	graph_arn       TEXT    NOT NULL,
	delegation_time INTEGER NOT NULL,
	auto_enable     INTEGER NOT NULL,
	PRIMARY KEY (org_id, region)
) STRICT, WITHOUT ROWID;

-- OrgAdminByGraph.
CREATE INDEX organization_admins_graph ON organization_admins (graph_arn);
