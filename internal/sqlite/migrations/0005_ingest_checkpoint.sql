-- 0005_ingest_checkpoint: which source objects (S3) have been ingested and
-- which replica is ingesting one now. The primary key is the claim: one row
-- per object version, so two replicas cannot both hold it. A row is either
-- claimed (owner, lease_until) or finished (finished_time, counts).
CREATE TABLE ingest_objects (
	bucket        TEXT    NOT NULL,
	key           TEXT    NOT NULL,
	etag          TEXT    NOT NULL,
	size          INTEGER NOT NULL,
	owner         TEXT    NOT NULL,
	lease_until   INTEGER NOT NULL, -- Unix ms; meaningless once finished
	finished_time INTEGER,          -- Unix ms; NULL while claimed
	records       INTEGER NOT NULL DEFAULT 0,
	accepted      INTEGER NOT NULL DEFAULT 0,
	bytes         INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (bucket, key, etag)
) STRICT, WITHOUT ROWID;
