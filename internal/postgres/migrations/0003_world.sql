-- 0003_world: the multi-account world. All account facts, organizations
-- with their accounts, handshakes, CreateAccount requests, trusted
-- services, delegated administrators and tags, STS sessions, and the
-- organization event log.

-- Account facts beyond the root e-mail. volumes maps datasource package to
-- daily bytes; one column keeps Account one lookup.
ALTER TABLE accounts ADD COLUMN guardduty_disabled boolean NOT NULL DEFAULT false;
ALTER TABLE accounts ADD COLUMN volumes jsonb NOT NULL DEFAULT '{}';

-- AccountByEmail compares without regard to case.
CREATE INDEX accounts_email ON accounts (lower(root_email));

CREATE TABLE organizations (
    id             text COLLATE "C" PRIMARY KEY,
    management     text COLLATE "C" NOT NULL,
    feature_set    text NOT NULL,
    root_id        text NOT NULL,
    created_time   timestamptz NOT NULL,
    last_event_seq bigint NOT NULL
);

-- An account manages at most one organization.
CREATE UNIQUE INDEX organizations_management ON organizations (management);

-- The primary key on account_id is the rule that an account belongs to at
-- most one organization; it is also the backstop for two replicas racing
-- to add one account to two organizations.
CREATE TABLE org_accounts (
    account_id  text COLLATE "C" PRIMARY KEY,
    org_id      text COLLATE "C" NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name        text NOT NULL,
    method      text NOT NULL,
    joined_time timestamptz NOT NULL,
    status      text NOT NULL
);

CREATE UNIQUE INDEX org_accounts_org ON org_accounts (org_id, account_id);

CREATE TABLE handshakes (
    id              text COLLATE "C" PRIMARY KEY,
    org_id          text COLLATE "C" NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    management      text NOT NULL,
    feature_set     text NOT NULL,
    target_type     text NOT NULL,
    target          text NOT NULL,
    notes           text NOT NULL,
    state           text NOT NULL,
    requested_time  timestamptz NOT NULL,
    expiration_time timestamptz NOT NULL,
    account_id      text NOT NULL
);

CREATE INDEX handshakes_org ON handshakes (org_id, id);
CREATE INDEX handshakes_target ON handshakes (lower(target), id);

CREATE TABLE create_account_statuses (
    id             text COLLATE "C" PRIMARY KEY,
    org_id         text COLLATE "C" NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    account_name   text NOT NULL,
    email          text NOT NULL,
    state          text NOT NULL,
    failure_reason text NOT NULL,
    account_id     text NOT NULL,
    requested_time timestamptz NOT NULL,
    completed_time timestamptz
);

CREATE INDEX create_account_statuses_org ON create_account_statuses (org_id, id);

CREATE TABLE service_access (
    org_id       text COLLATE "C" NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    principal    text COLLATE "C" NOT NULL,
    enabled_time timestamptz NOT NULL,
    PRIMARY KEY (org_id, principal)
);

-- Registrations go with the membership: removing the account from its
-- organization removes them.
CREATE TABLE delegated_admins (
    org_id          text COLLATE "C" NOT NULL,
    account_id      text COLLATE "C" NOT NULL,
    principal       text COLLATE "C" NOT NULL,
    registered_time timestamptz NOT NULL,
    PRIMARY KEY (org_id, account_id, principal),
    FOREIGN KEY (org_id, account_id) REFERENCES org_accounts (org_id, account_id) ON DELETE CASCADE
);

CREATE INDEX delegated_admins_principal ON delegated_admins (org_id, principal, account_id);

CREATE TABLE org_tags (
    org_id      text COLLATE "C" NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    resource_id text COLLATE "C" NOT NULL,
    key         text COLLATE "C" NOT NULL,
    value       text NOT NULL,
    PRIMARY KEY (org_id, resource_id, key)
);

CREATE TABLE sessions (
    access_key_id     text COLLATE "C" PRIMARY KEY,
    secret_access_key text NOT NULL,
    token             text NOT NULL,
    account_id        text NOT NULL,
    role_arn          text NOT NULL,
    session_name      text NOT NULL,
    source            text NOT NULL,
    created_time      timestamptz NOT NULL,
    expiration        timestamptz NOT NULL
);

CREATE INDEX sessions_expiration ON sessions (expiration);

-- The log outlives its organization: no foreign key. (org_id, seq) orders
-- one organization's events; (event_time, org_id, seq) the whole log.
CREATE TABLE org_events (
    org_id         text COLLATE "C" NOT NULL,
    seq            bigint NOT NULL,
    id             text NOT NULL UNIQUE,
    type           text NOT NULL,
    management     text NOT NULL,
    account_id     text NOT NULL,
    method         text NOT NULL,
    principal      text NOT NULL,
    event_time     timestamptz NOT NULL,
    processed_time timestamptz,
    PRIMARY KEY (org_id, seq)
);

CREATE INDEX org_events_order ON org_events (event_time, org_id, seq);
CREATE INDEX org_events_unprocessed ON org_events (org_id, seq) WHERE processed_time IS NULL;
