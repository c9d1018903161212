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
