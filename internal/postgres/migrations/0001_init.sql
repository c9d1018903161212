-- 0001_init: behavior graphs, their members and tags, and account facts.
--
-- Key columns are COLLATE "C" so that ORDER BY and the keyset comparisons
-- of the List queries use byte order, as Go and SQLite do, whatever the
-- database's default collation: a locale collation that skips punctuation
-- would page through ARNs in a different order than the SQLite store.
--
-- Times are timestamptz; the store writes them truncated to the
-- millisecond and reads them back in UTC.

CREATE TABLE graphs (
    arn          text COLLATE "C" PRIMARY KEY,
    admin        text COLLATE "C" NOT NULL,
    region       text COLLATE "C" NOT NULL,
    created_time timestamptz NOT NULL
);

-- An account administers at most one graph per region. This is the
-- backstop for two replicas racing through CreateGraph.
CREATE UNIQUE INDEX graphs_admin_region ON graphs (admin, region);

CREATE TABLE members (
    graph_arn       text COLLATE "C" NOT NULL REFERENCES graphs (arn) ON DELETE CASCADE,
    account_id      text COLLATE "C" NOT NULL,
    email           text NOT NULL,
    admin           text NOT NULL,
    invitation_type text NOT NULL,
    status          text NOT NULL,
    disabled_reason text NOT NULL,
    invited_time    timestamptz NOT NULL,
    updated_time    timestamptz NOT NULL,
    verified_time   timestamptz NOT NULL,
    PRIMARY KEY (graph_arn, account_id)
);

-- ListMemberships pages through one account's records in graph order.
CREATE INDEX members_account ON members (account_id, graph_arn);

CREATE TABLE tags (
    resource_arn text COLLATE "C" NOT NULL REFERENCES graphs (arn) ON DELETE CASCADE,
    key          text COLLATE "C" NOT NULL,
    value        text NOT NULL,
    PRIMARY KEY (resource_arn, key)
);

CREATE TABLE accounts (
    account_id text COLLATE "C" PRIMARY KEY,
    root_email text NOT NULL
);
