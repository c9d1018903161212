-- 0002_control_plane: datasource package states of graphs and members, and
-- investigations.

-- One row per (graph, package): the package's current state and when it
-- last entered each state (NULL: never).
CREATE TABLE graph_packages (
    graph_arn     text COLLATE "C" NOT NULL REFERENCES graphs (arn) ON DELETE CASCADE,
    package       text COLLATE "C" NOT NULL,
    state         text NOT NULL,
    started_time  timestamptz,
    stopped_time  timestamptz,
    disabled_time timestamptz,
    PRIMARY KEY (graph_arn, package)
);

-- The same per member account. Removing a member removes its rows (the
-- store's DeleteMembers does), so a re-invited account starts afresh.
CREATE TABLE member_packages (
    graph_arn     text COLLATE "C" NOT NULL,
    account_id    text COLLATE "C" NOT NULL,
    package       text COLLATE "C" NOT NULL,
    state         text NOT NULL,
    started_time  timestamptz,
    stopped_time  timestamptz,
    disabled_time timestamptz,
    PRIMARY KEY (graph_arn, account_id, package),
    FOREIGN KEY (graph_arn) REFERENCES graphs (arn) ON DELETE CASCADE
);

CREATE TABLE investigations (
    graph_arn      text COLLATE "C" NOT NULL REFERENCES graphs (arn) ON DELETE CASCADE,
    id             text COLLATE "C" NOT NULL,
    entity_arn     text NOT NULL,
    entity_type    text NOT NULL,
    status         text NOT NULL,
    severity       text NOT NULL,
    state          text NOT NULL,
    created_time   timestamptz NOT NULL,
    scope_start    timestamptz NOT NULL,
    scope_end      timestamptz NOT NULL,
    completed_time timestamptz NOT NULL,
    PRIMARY KEY (graph_arn, id)
);

-- Indicators computed for an investigation, in the order computed.
CREATE TABLE indicators (
    graph_arn        text COLLATE "C" NOT NULL,
    investigation_id text COLLATE "C" NOT NULL,
    seq              integer NOT NULL,
    type             text NOT NULL,
    detail           text NOT NULL,
    PRIMARY KEY (graph_arn, investigation_id, seq),
    FOREIGN KEY (graph_arn) REFERENCES graphs (arn) ON DELETE CASCADE
);
