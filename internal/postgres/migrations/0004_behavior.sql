-- 0004_behavior: the behavior graphs' data: hourly aggregates per
-- entity, claimed record keys and metered volume (internal/behavior).
--
-- A graph is keyed by behavior.GraphKey (8 bytes of its ARN's hash), not
-- its ARN, so that every index entry stays short; these tables hold far
-- more rows than the control plane's. No foreign keys to graphs: a batch
-- racing a DeleteGraph must not fail, and rows of a deleted graph are
-- never read again and go with retention. Times are bigint unix
-- milliseconds, unlike the control plane's timestamptz: batches pass them
-- as arrays to unnest, and the SQLite store keeps the same numbers.

-- One row per record per graph: what makes re-ingest add nothing. key is
-- behavior.HashKey of the record's key; at is its event time. A record
-- always has the same event time, so (graph, at, key) is as unique as
-- (graph, key); leading with the time makes the inserts of a log, which
-- is in time order or nearly, appends to the end of the index rather than
-- writes all over a table that grows with every record.
CREATE TABLE behavior_keys (
	graph_key bigint NOT NULL,
	at        bigint NOT NULL,
	key       bytea  NOT NULL,
	PRIMARY KEY (graph_key, at, key)
);

CREATE TABLE behavior_api_calls (
	graph_key    bigint NOT NULL,
	entity       text COLLATE "C" NOT NULL,
	hour         bigint NOT NULL,
	event_source text COLLATE "C" NOT NULL,
	event_name   text COLLATE "C" NOT NULL,
	source_ip    text COLLATE "C" NOT NULL,
	user_agent   text COLLATE "C" NOT NULL,
	account_id   text COLLATE "C" NOT NULL,
	success      bigint NOT NULL,
	failure      bigint NOT NULL,
	first_seen   bigint NOT NULL,
	last_seen    bigint NOT NULL,
	PRIMARY KEY (graph_key, entity, hour, event_source, event_name, source_ip, user_agent)
);

-- AccountAPICalls: what any principal of an account did (novelty for the
-- whole account).
CREATE INDEX behavior_api_calls_account ON behavior_api_calls (graph_key, account_id, hour);

CREATE TABLE behavior_entities (
	graph_key  bigint NOT NULL,
	entity     text COLLATE "C" NOT NULL,
	type       text COLLATE "C" NOT NULL,
	account_id text COLLATE "C" NOT NULL,
	first_seen bigint NOT NULL,
	last_seen  bigint NOT NULL,
	PRIMARY KEY (graph_key, entity)
);

CREATE TABLE behavior_links (
	graph_key   bigint NOT NULL,
	from_entity text COLLATE "C" NOT NULL,
	relation    text COLLATE "C" NOT NULL,
	to_entity   text COLLATE "C" NOT NULL,
	first_seen  bigint NOT NULL,
	last_seen   bigint NOT NULL,
	PRIMARY KEY (graph_key, from_entity, relation, to_entity)
);

-- Links read from their far end: a role's sessions.
CREATE INDEX behavior_links_to ON behavior_links (graph_key, to_entity);

-- An address's enrichment, once for all graphs: it depends on the address
-- and the databases only. Location and ASO columns are NULL when unknown.
CREATE TABLE behavior_ips (
	ip           text COLLATE "C" PRIMARY KEY,
	city         text,
	region       text,
	country      text,
	country_code text,
	latitude     double precision,
	longitude    double precision,
	asn          bigint,
	aso          text
);

CREATE TABLE behavior_flows (
	graph_key   bigint NOT NULL,
	instance    text COLLATE "C" NOT NULL,
	hour        bigint NOT NULL,
	remote_ip   text COLLATE "C" NOT NULL,
	local_port  bigint NOT NULL,
	protocol    bigint NOT NULL,
	account_id  text COLLATE "C" NOT NULL,
	bytes_in    bigint NOT NULL,
	bytes_out   bigint NOT NULL,
	packets_in  bigint NOT NULL,
	packets_out bigint NOT NULL,
	accepted    bigint NOT NULL,
	rejected    bigint NOT NULL,
	first_seen  bigint NOT NULL,
	last_seen   bigint NOT NULL,
	PRIMARY KEY (graph_key, instance, hour, remote_ip, local_port, protocol)
);

-- The latest version of each finding; entities is
-- columncodec.EncodeFindingEntities' JSON.
CREATE TABLE behavior_findings (
	graph_key  bigint NOT NULL,
	id         text COLLATE "C" NOT NULL,
	account_id text COLLATE "C" NOT NULL,
	region     text COLLATE "C" NOT NULL,
	source     text COLLATE "C" NOT NULL,
	arn        text COLLATE "C" NOT NULL,
	type       text COLLATE "C" NOT NULL,
	title      text COLLATE "C" NOT NULL,
	severity   text COLLATE "C" NOT NULL,
	score      double precision NOT NULL,
	created    bigint NOT NULL,
	updated    bigint NOT NULL,
	first_seen bigint NOT NULL,
	last_seen  bigint NOT NULL,
	entities   text COLLATE "C" NOT NULL,
	PRIMARY KEY (graph_key, id)
);

CREATE TABLE behavior_finding_entities (
	graph_key  bigint NOT NULL,
	entity     text COLLATE "C" NOT NULL,
	finding_id text COLLATE "C" NOT NULL,
	PRIMARY KEY (graph_key, entity, finding_id)
);

CREATE TABLE behavior_k8s (
	graph_key  bigint NOT NULL,
	cluster    text COLLATE "C" NOT NULL,
	subject    text COLLATE "C" NOT NULL,
	hour       bigint NOT NULL,
	verb       text COLLATE "C" NOT NULL,
	resource   text COLLATE "C" NOT NULL,
	source_ip  text COLLATE "C" NOT NULL,
	user_agent text COLLATE "C" NOT NULL,
	account_id text COLLATE "C" NOT NULL,
	success    bigint NOT NULL,
	failure    bigint NOT NULL,
	first_seen bigint NOT NULL,
	last_seen  bigint NOT NULL,
	PRIMARY KEY (graph_key, cluster, subject, hour, verb, resource, source_ip, user_agent)
);

-- Raw bytes ingested per minute of ingest time: VolumeUsageInBytes is the
-- last 24 hours, rolling.
CREATE TABLE behavior_volume (
	graph_key   bigint NOT NULL,
	account_id  text COLLATE "C" NOT NULL,
	package     text COLLATE "C" NOT NULL,
	minute      bigint NOT NULL,
	bytes       bigint NOT NULL,
	last_ingest bigint NOT NULL,
	PRIMARY KEY (graph_key, account_id, package, minute)
);

-- Whole files ingested: the SHA-256 of a file as read, its record count,
-- the (account, region, package) its records belong to, and for each the
-- graphs that hold every such record. A file read again whose routes
-- still lead only to those graphs adds nothing, so it is not parsed
-- again.
CREATE TABLE behavior_files (
	digest   bytea  PRIMARY KEY,
	records  bigint NOT NULL,
	ingested bigint NOT NULL
);

CREATE TABLE behavior_file_routes (
	digest     bytea NOT NULL,
	account_id text COLLATE "C" NOT NULL,
	region     text COLLATE "C" NOT NULL,
	package    text COLLATE "C" NOT NULL,
	PRIMARY KEY (digest, account_id, region, package)
);

CREATE TABLE behavior_file_graphs (
	digest     bytea NOT NULL,
	account_id text COLLATE "C" NOT NULL,
	region     text COLLATE "C" NOT NULL,
	package    text COLLATE "C" NOT NULL,
	graph_arn  text COLLATE "C" NOT NULL,
	PRIMARY KEY (digest, account_id, region, package, graph_arn)
);
