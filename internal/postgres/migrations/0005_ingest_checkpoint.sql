-- 0005_ingest_checkpoint: which source objects (S3) have been ingested and
-- which replica is ingesting one now. The primary key is the claim: one row
-- per object version, so two replicas cannot both hold it. A row is either
-- claimed (owner, lease_until) or finished (finished_time, counts).
CREATE TABLE ingest_objects (
    bucket        text COLLATE "C" NOT NULL,
    key           text COLLATE "C" NOT NULL,
    etag          text COLLATE "C" NOT NULL,
    size          bigint NOT NULL,
    owner         text NOT NULL,
    lease_until   timestamptz NOT NULL, -- meaningless once finished
    finished_time timestamptz,          -- NULL while claimed
    records       bigint NOT NULL DEFAULT 0,
    accepted      bigint NOT NULL DEFAULT 0,
    bytes         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, key, etag)
);
