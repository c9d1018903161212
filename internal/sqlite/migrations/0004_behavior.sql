-- The behavior graphs' data: hourly aggregates per entity, claimed record
-- keys and metered volume (internal/behavior).
--
-- A graph is keyed by behavior.GraphKey (8 bytes of its ARN's hash), not
-- its ARN, so that every index entry stays short; these tables hold far
-- more rows than the control plane's. No foreign keys to graphs: a batch
-- racing a DeleteGraph must not fail, and rows of a deleted graph are
-- never read again and go with retention. hour and minute columns are the
-- unix milliseconds of the hour or minute's start, like every other time.

-- One row per record per graph: what makes re-ingest add nothing. key is
-- behavior.HashKey of the record's key; at is its event time. A record
-- always has the same event time, so (graph, at, key) is as unique as
-- (graph, key); leading with the time makes the inserts of a log, which
-- is in time order or nearly, appends to the end of the index rather than
-- writes all over a table that grows with every record.
CREATE TABLE behavior_keys (
	graph_key INTEGER NOT NULL,
	at        INTEGER NOT NULL,
	key       BLOB    NOT NULL,
	PRIMARY KEY (graph_key, at, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE behavior_api_calls (
	graph_key    INTEGER NOT NULL,
	entity       TEXT    NOT NULL,
	hour         INTEGER NOT NULL,
	event_source TEXT    NOT NULL,
	event_name   TEXT    NOT NULL,
	source_ip    TEXT    NOT NULL,
	user_agent   TEXT    NOT NULL,
	account_id   TEXT    NOT NULL,
	success      INTEGER NOT NULL,
	failure      INTEGER NOT NULL,
	first_seen   INTEGER NOT NULL,
	last_seen    INTEGER NOT NULL,
	PRIMARY KEY (graph_key, entity, hour, event_source, event_name, source_ip, user_agent)
) STRICT, WITHOUT ROWID;

-- AccountAPICalls: what any principal of an account did (novelty for the
-- whole account).
CREATE INDEX behavior_api_calls_account ON behavior_api_calls (graph_key, account_id, hour);

CREATE TABLE behavior_entities (
	graph_key  INTEGER NOT NULL,
	entity     TEXT    NOT NULL,
	type       TEXT    NOT NULL,
	account_id TEXT    NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	PRIMARY KEY (graph_key, entity)
) STRICT, WITHOUT ROWID;

CREATE TABLE behavior_links (
	graph_key   INTEGER NOT NULL,
	from_entity TEXT    NOT NULL,
	relation    TEXT    NOT NULL,
	to_entity   TEXT    NOT NULL,
	first_seen  INTEGER NOT NULL,
	last_seen   INTEGER NOT NULL,
	PRIMARY KEY (graph_key, from_entity, relation, to_entity)
) STRICT, WITHOUT ROWID;

-- Links read from their far end: a role's sessions.
CREATE INDEX behavior_links_to ON behavior_links (graph_key, to_entity);

-- An address's enrichment, once for all graphs: it depends on the address
-- and the databases only. Location and ASO columns are NULL when unknown.
CREATE TABLE behavior_ips (
	ip           TEXT NOT NULL PRIMARY KEY,
	city         TEXT,
	region       TEXT,
	country      TEXT,
	country_code TEXT,
	latitude     REAL,
	longitude    REAL,
	asn          INTEGER,
	aso          TEXT
) STRICT, WITHOUT ROWID;

CREATE TABLE behavior_flows (
	graph_key   INTEGER NOT NULL,
	instance    TEXT    NOT NULL,
	hour        INTEGER NOT NULL,
	remote_ip   TEXT    NOT NULL,
	local_port  INTEGER NOT NULL,
	protocol    INTEGER NOT NULL,
	account_id  TEXT    NOT NULL,
	bytes_in    INTEGER NOT NULL,
	bytes_out   INTEGER NOT NULL,
	packets_in  INTEGER NOT NULL,
	packets_out INTEGER NOT NULL,
	accepted    INTEGER NOT NULL,
	rejected    INTEGER NOT NULL,
	first_seen  INTEGER NOT NULL,
	last_seen   INTEGER NOT NULL,
	PRIMARY KEY (graph_key, instance, hour, remote_ip, local_port, protocol)
) STRICT, WITHOUT ROWID;

-- The latest version of each finding; entities is
-- columncodec.EncodeFindingEntities' JSON.
CREATE TABLE behavior_findings (
	graph_key  INTEGER NOT NULL,
	id         TEXT    NOT NULL,
	account_id TEXT    NOT NULL,
	region     TEXT    NOT NULL,
	source     TEXT    NOT NULL,
	arn        TEXT    NOT NULL,
	type       TEXT    NOT NULL,
	title      TEXT    NOT NULL,
	severity   TEXT    NOT NULL,
	score      REAL    NOT NULL,
	created    INTEGER NOT NULL,
	updated    INTEGER NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	entities   TEXT    NOT NULL,
	PRIMARY KEY (graph_key, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE behavior_finding_entities (
	graph_key  INTEGER NOT NULL,
	entity     TEXT    NOT NULL,
	finding_id TEXT    NOT NULL,
	PRIMARY KEY (graph_key, entity, finding_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE behavior_k8s (
	graph_key  INTEGER NOT NULL,
	cluster    TEXT    NOT NULL,
	subject    TEXT    NOT NULL,
	hour       INTEGER NOT NULL,
	verb       TEXT    NOT NULL,
	resource   TEXT    NOT NULL,
	source_ip  TEXT    NOT NULL,
	user_agent TEXT    NOT NULL,
	account_id TEXT    NOT NULL,
	success    INTEGER NOT NULL,
	failure    INTEGER NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	PRIMARY KEY (graph_key, cluster, subject, hour, verb, resource, source_ip, user_agent)
) STRICT, WITHOUT ROWID;

-- Raw bytes ingested per minute of ingest time: VolumeUsageInBytes is the
-- last 24 hours, rolling.
CREATE TABLE behavior_volume (
	graph_key   INTEGER NOT NULL,
	account_id  TEXT    NOT NULL,
	package     TEXT    NOT NULL,
	minute      INTEGER NOT NULL,
	bytes       INTEGER NOT NULL,
	last_ingest INTEGER NOT NULL,
	PRIMARY KEY (graph_key, account_id, package, minute)
) STRICT, WITHOUT ROWID;

-- Whole files ingested: the SHA-256 of a file as read, its record count,
-- the (account, region, package) its records belong to, and for each the
-- graphs that hold every such record. A file read again whose routes
-- still lead only to those graphs adds nothing, so it is not parsed
-- again.
CREATE TABLE behavior_files (
	digest   BLOB    NOT NULL PRIMARY KEY,
	records  INTEGER NOT NULL,
	ingested INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE behavior_file_routes (
	digest     BLOB NOT NULL,
	account_id TEXT NOT NULL,
	region     TEXT NOT NULL,
	package    TEXT NOT NULL,
	PRIMARY KEY (digest, account_id, region, package)
) STRICT, WITHOUT ROWID;

CREATE TABLE behavior_file_graphs (
	digest     BLOB NOT NULL,
	account_id TEXT NOT NULL,
	region     TEXT NOT NULL,
	package    TEXT NOT NULL,
	graph_arn  TEXT NOT NULL,
	PRIMARY KEY (digest, account_id, region, package, graph_arn)
) STRICT, WITHOUT ROWID;
