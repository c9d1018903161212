-- 0002_control_plane: datasource package states of graphs and members,
-- investigations, and the Detective administrators of organizations.

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

-- A member's package states, with its daily volume as last measured (the
-- MemberDetail volume fields): columncodec.EncodePackages' JSON, '' for
-- none. A column rather than a table of (member, package) rows, because
-- every read of members returns them; on the member's row they also go
-- with it, so a re-invited account starts afresh. text rather than jsonb
-- so that it reads back exactly as written, as on SQLite.
ALTER TABLE members ADD COLUMN packages text NOT NULL DEFAULT '';

-- GraphsWithMemberStatus reads this index alone.
CREATE INDEX members_status ON members (status, graph_arn);

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

-- ListInvestigations walks this index in its order, without a sort.
CREATE INDEX investigations_created ON investigations (graph_arn, created_time, id);

-- Indicators computed for an investigation, in the order computed (seq).
-- They belong to the investigation, so the foreign key names it: they
-- cannot outlive it, and they go with it when the graph is deleted.
-- JSON text in detail holds the IndicatorDetail fields; text rather than
-- jsonb so that it reads back exactly as written, as on SQLite.
CREATE TABLE indicators (
    graph_arn        text COLLATE "C" NOT NULL,
    investigation_id text COLLATE "C" NOT NULL,
    seq              integer NOT NULL,
    type             text NOT NULL,
    detail           text NOT NULL,
    PRIMARY KEY (graph_arn, investigation_id, seq),
    FOREIGN KEY (graph_arn, investigation_id) REFERENCES investigations (graph_arn, id) ON DELETE CASCADE
);

-- The Detective administrator of an organization in a region, and its
-- organization behavior graph. No foreign key to graphs: a designation
-- outlives its graph until DisableOrganizationAdminAccount removes it.
CREATE TABLE organization_admins (
    org_id          text COLLATE "C" NOT NULL,
    region          text COLLATE "C" NOT NULL,
    account_id      text COLLATE "C" NOT NULL,
    graph_arn       text COLLATE "C" NOT NULL,
    delegation_time timestamptz NOT NULL,
    auto_enable     boolean NOT NULL,
    PRIMARY KEY (org_id, region)
);

-- OrgAdminByGraph.
CREATE INDEX organization_admins_graph ON organization_admins (graph_arn);
