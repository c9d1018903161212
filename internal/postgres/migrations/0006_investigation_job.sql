-- Investigations computed by a background job (detective.RunInvestigations)
-- from the behavior graphs' data.
--
-- lease_until: until when a replica computes a RUNNING investigation
-- (-infinity: never claimed). explanation: what the engine said about a
-- completed one, opaque to the store.
ALTER TABLE investigations ADD COLUMN lease_until timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE investigations ADD COLUMN explanation bytea;

-- ClaimInvestigation: the RUNNING few among every investigation kept.
CREATE INDEX investigations_running ON investigations (lease_until, created_time) WHERE status = 'RUNNING';

-- GraphFindings of one account: an investigation reads its account's
-- findings, not the graph's.
CREATE INDEX behavior_findings_account ON behavior_findings (graph_key, account_id);

-- What each account's principals used, per day: user agents and source
-- addresses (kind 'user-agent' or 'source-ip'), derived from
-- behavior_api_calls as they are written (behavior.SourceRows), so that an
-- investigation learns what a whole account used over its 45-day baseline
-- from a few thousand rows rather than every hourly aggregate. day is the
-- unix milliseconds of the day's start (UTC).
CREATE TABLE behavior_account_sources (
	graph_key  bigint NOT NULL,
	account_id text COLLATE "C" NOT NULL,
	day        bigint NOT NULL,
	kind       text COLLATE "C" NOT NULL,
	value      text COLLATE "C" NOT NULL,
	PRIMARY KEY (graph_key, account_id, day, kind, value)
);

INSERT INTO behavior_account_sources
	SELECT DISTINCT graph_key, account_id, hour - hour % 86400000, 'user-agent', user_agent FROM behavior_api_calls;
INSERT INTO behavior_account_sources
	SELECT DISTINCT graph_key, account_id, hour - hour % 86400000, 'source-ip', source_ip FROM behavior_api_calls;
