-- 0007_member_totals: running totals of each graph's members by stored
-- status: how many there are (CountMembers) and the sum of volumeBytes
-- over their STARTED package states (MemberVolume), so that the member
-- quota and the volume check of CreateMembers and AcceptInvitation cost
-- the same in a graph of 10 members as in one of 1,200. Triggers keep them
-- in the transaction of every write to members, whichever statement makes
-- it, so they cannot drift from the rows they sum. Every write to a
-- graph's members holds the graph's row lock (LockGraph), so two
-- transactions never update one graph's totals in opposite orders.
--
-- The package states are columncodec.EncodePackages' JSON: one array
-- [package, state, started, stopped, disabled, volumeBytes, volumeTime]
-- per package, '' for none.
CREATE TABLE member_totals (
    graph_arn      text COLLATE "C" NOT NULL REFERENCES graphs (arn) ON DELETE CASCADE,
    status         text COLLATE "C" NOT NULL,
    members        bigint NOT NULL,
    started_volume bigint NOT NULL,
    PRIMARY KEY (graph_arn, status)
);

-- member_started_volume is the sum of volumeBytes over the STARTED states
-- of one member's packages column.
CREATE FUNCTION member_started_volume(packages text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(sum((p ->> 5)::bigint), 0)::bigint
    FROM jsonb_array_elements(nullif(packages, '')::jsonb) AS p
    WHERE p ->> 1 = 'STARTED'
$$;

INSERT INTO member_totals (graph_arn, status, members, started_volume)
    SELECT graph_arn, status, count(*), coalesce(sum(member_started_volume(packages)), 0)
    FROM members GROUP BY graph_arn, status;

-- A member row exists only while its graph does, so the upsert never meets
-- a deleted graph. When a graph goes, its members' deletes only subtract
-- from rows its own deletion removes, in whichever order the cascades run.
CREATE FUNCTION member_totals_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE member_totals SET members = members - 1,
            started_volume = started_volume - member_started_volume(OLD.packages)
        WHERE graph_arn = OLD.graph_arn AND status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO member_totals AS t (graph_arn, status, members, started_volume)
        VALUES (NEW.graph_arn, NEW.status, 1, member_started_volume(NEW.packages))
        ON CONFLICT (graph_arn, status) DO UPDATE SET
            members = t.members + 1, started_volume = t.started_volume + excluded.started_volume;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER member_totals_insert_delete AFTER INSERT OR DELETE ON members
    FOR EACH ROW EXECUTE FUNCTION member_totals_follow();

-- PutMembers rewrites every column of an existing member, so the WHEN
-- clause spares the totals the writes that change neither.
CREATE TRIGGER member_totals_update AFTER UPDATE OF status, packages ON members
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.packages IS DISTINCT FROM NEW.packages)
    EXECUTE FUNCTION member_totals_follow();
