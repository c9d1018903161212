-- 0008_data_version: versions of this database's data, for the read model
-- (internal/readmodel) of every replica. 'data' names the state of
-- Detective's and the world's tables, 'volume' that of measured volume
-- (behavior_volume). Each moves by one in the transaction that changes
-- what it names, so a reader sees the new number exactly when it sees
-- the new rows, and, unlike pg_current_snapshot(), nothing else moves
-- it: not other databases' or schemas' work, not ingestion of the
-- behavior graphs, not writes that change no row.
--
-- A number starts at the time of creation in microseconds, so that a
-- schema created again never repeats a version a running replica has
-- kept answers under.
CREATE TABLE data_versions (
	name text COLLATE "C" PRIMARY KEY,
	n    bigint NOT NULL
);
INSERT INTO data_versions (name, n)
	SELECT name, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint FROM (VALUES ('data'), ('volume')) v (name);

-- bump_data_version moves the version named by its argument, once per
-- transaction. It runs at COMMIT (the triggers below are deferred), so
-- the version row is locked only while the transaction commits: taken at
-- the first write, it would serialize every writer behind the first and
-- deadlock writers that take graph or organization row locks in
-- different orders. Row triggers rather than statement triggers: only
-- row triggers can be deferred, and a statement that changed no row
-- fires none. The version table is named by the schema of the table the
-- trigger is on, whatever the session's search_path.
CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('detective_local.bumped_' || TG_ARGV[0], true) IS DISTINCT FROM '1' THEN
		EXECUTE format('UPDATE %I.data_versions SET n = n + 1 WHERE name = $1', TG_TABLE_SCHEMA) USING TG_ARGV[0];
		PERFORM set_config('detective_local.bumped_' || TG_ARGV[0], '1', true);
	END IF;
	RETURN NULL;
END
$$;

-- Every table of the schema but the behavior graphs', the ingest
-- bookkeeping, schema_migrations and data_versions moves 'data'. A table a
-- later migration adds needs the same trigger (TestDataVersionTriggers
-- checks). Measured volume moves 'volume', whoever writes it (ingest,
-- retention, DeleteAll; replicas of an older build too).
CREATE CONSTRAINT TRIGGER volume_version AFTER INSERT OR UPDATE OR DELETE ON behavior_volume
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version('volume');
DO $$
DECLARE
	t text;
BEGIN
	FOR t IN SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
			AND c.relname NOT LIKE 'behavior\_%' AND c.relname NOT LIKE 'ingest\_%'
			AND c.relname NOT IN ('schema_migrations', 'data_versions')
	LOOP
		EXECUTE format('CREATE CONSTRAINT TRIGGER data_version AFTER INSERT OR UPDATE OR DELETE ON %I
			DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version(%L)', t, 'data');
	END LOOP;
END
$$;
