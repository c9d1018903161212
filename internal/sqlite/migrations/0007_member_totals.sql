-- Running totals of each graph's members by stored status: how many there
-- are (CountMembers) and the sum of volumeBytes over their STARTED package
-- states (MemberVolume), so that the member quota and the volume check of
-- CreateMembers and AcceptInvitation cost the same in a graph of 10
-- members as in one of 1,200. Triggers keep them in the transaction of
-- every write to members, whichever statement makes it, so they cannot
-- drift from the rows they sum.
--
-- The package states are columncodec.EncodePackages' JSON: one array
-- [package, state, started, stopped, disabled, volumeBytes, volumeTime]
-- per package, '' for none.
CREATE TABLE member_totals (
	graph_arn      TEXT    NOT NULL REFERENCES graphs (arn) ON DELETE CASCADE,
	status         TEXT    NOT NULL,
	members        INTEGER NOT NULL,
	started_volume INTEGER NOT NULL,
	PRIMARY KEY (graph_arn, status)
) STRICT, WITHOUT ROWID;

INSERT INTO member_totals (graph_arn, status, members, started_volume)
	SELECT graph_arn, status, count(*), coalesce(sum((SELECT sum(p.value ->> 5) FROM json_each(nullif(m.packages, '')) AS p
		WHERE p.value ->> 1 = 'STARTED')), 0)
	FROM members AS m GROUP BY graph_arn, status;

-- A member row exists only while its graph does, so the upserts below
-- never meet a deleted graph. When a graph goes, its members' deletes only
-- subtract from rows its own deletion removes, in whichever order the
-- cascades run.
CREATE TRIGGER member_totals_insert AFTER INSERT ON members BEGIN
	INSERT INTO member_totals (graph_arn, status, members, started_volume)
	VALUES (new.graph_arn, new.status, 1, coalesce((SELECT sum(p.value ->> 5) FROM json_each(nullif(new.packages, '')) AS p
		WHERE p.value ->> 1 = 'STARTED'), 0))
	ON CONFLICT (graph_arn, status) DO UPDATE SET
		members = members + 1, started_volume = started_volume + excluded.started_volume;
END;

-- PutMembers rewrites every column of an existing member, so the WHEN
-- clause spares the totals the writes that change neither.
CREATE TRIGGER member_totals_update AFTER UPDATE OF status, packages ON members
WHEN old.status IS NOT new.status OR old.packages IS NOT new.packages BEGIN
	UPDATE member_totals SET members = members - 1,
		started_volume = started_volume - coalesce((SELECT sum(p.value ->> 5) FROM json_each(nullif(old.packages, '')) AS p
			WHERE p.value ->> 1 = 'STARTED'), 0)
	WHERE graph_arn = old.graph_arn AND status = old.status;
	INSERT INTO member_totals (graph_arn, status, members, started_volume)
	VALUES (new.graph_arn, new.status, 1, coalesce((SELECT sum(p.value ->> 5) FROM json_each(nullif(new.packages, '')) AS p
		WHERE p.value ->> 1 = 'STARTED'), 0))
	ON CONFLICT (graph_arn, status) DO UPDATE SET
		members = members + 1, started_volume = started_volume + excluded.started_volume;
END;

CREATE TRIGGER member_totals_delete AFTER DELETE ON members BEGIN
	UPDATE member_totals SET members = members - 1,
		started_volume = started_volume - coalesce((SELECT sum(p.value ->> 5) FROM json_each(nullif(old.packages, '')) AS p
			WHERE p.value ->> 1 = 'STARTED'), 0)
	WHERE graph_arn = old.graph_arn AND status = old.status;
END;
