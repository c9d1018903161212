package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/pgtest"
	"github.com/detective-local/detective-local/internal/world"
)

func mustDataVersions(tb testing.TB, s *Store) (data, volume string) {
	tb.Helper()
	data, volume, err := s.Versions(context.Background())
	if err != nil {
		tb.Fatalf("Versions: %v", err)
	}
	return data, volume
}

// TestDataVersionIsThisDatabase: the data version moves with this
// database's Detective writes and with nothing else on the server: not
// with work in another database, nor in another schema of this one (a
// second Detective), nor with a write that changes no row.
func TestDataVersionIsThisDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpen(t, mustSchema(t))
	data, volume := mustDataVersions(t, s)
	same := func(what string) {
		t.Helper()
		if d, v := mustDataVersions(t, s); d != data || v != volume {
			t.Errorf("after %s: versions = %s, %s; want %s, %s as before", what, d, v, data, volume)
		}
	}

	// Another database on the same server.
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	name := "test_version_" + hex.EncodeToString(b[:])
	pgtest.Exec(t, mustDSN(t), "CREATE DATABASE "+name)
	t.Cleanup(func() { pgtest.Exec(t, mustDSN(t), "DROP DATABASE "+name) })
	cfg, err := pgx.ParseConfig(mustDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = name
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`CREATE TABLE t (n int)`, `INSERT INTO t VALUES (1)`, `UPDATE t SET n = n + 1`, `DELETE FROM t`} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	_ = conn.Close(ctx)
	same("work in another database")

	// Another Detective in another schema of this database.
	mustCreateGraph(t, mustOpen(t, mustSchema(t)), testGraph())
	same("a write in another schema")

	// A write that changes no row.
	if err := s.Write(ctx, func(tx detective.Tx) error {
		return tx.DeleteMembers(ctx, testGraph(), []detective.AccountID{"222222222222"})
	}); err != nil {
		t.Fatal(err)
	}
	same("a write that changed nothing")

	// A write in this one, seen by a read transaction begun after it and
	// not by one begun before it.
	var before, inTx string
	err = s.Read(ctx, func(dtx detective.Tx) error {
		var err error
		if before, err = dtx.(*tx).DataVersion(ctx); err != nil { // takes the snapshot
			return err
		}
		mustCreateGraph(t, s, testGraph())
		inTx, err = dtx.(*tx).DataVersion(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if before != data || inTx != data {
		t.Errorf("data version in a transaction begun before the write = %s, then %s; want %s", before, inTx, data)
	}
	d, v := mustDataVersions(t, s)
	if d == data || v != volume {
		t.Errorf("after a Detective write: versions = %s, %s; want the data version moved from %s, the volume version %s",
			d, v, data, volume)
	}
	err = s.Read(ctx, func(dtx detective.Tx) error {
		var err error
		inTx, err = dtx.(*tx).DataVersion(ctx)
		return err
	})
	if err != nil || inTx != d {
		t.Errorf("data version in a transaction begun after the write = %s, %v; want %s", inTx, err, d)
	}

	// DeleteAll empties measured volume too.
	if _, err := s.pool.Exec(ctx, `INSERT INTO behavior_volume (graph_key, account_id, package, minute, bytes, last_ingest)
		VALUES (1, '222222222222', 'DETECTIVE_CORE', 0, 1, 0)`); err != nil {
		t.Fatal(err)
	}
	d, v = mustDataVersions(t, s)
	if v == volume {
		t.Errorf("after a write of volume: volume version = %s, want it moved", v)
	}
	if err := s.World().Write(ctx, func(wtx world.Tx) error { return wtx.DeleteAll(ctx) }); err != nil {
		t.Fatal(err)
	}
	if d2, v2 := mustDataVersions(t, s); d2 == d || v2 == v {
		t.Errorf("after DeleteAll: versions = %s, %s; want both moved from %s, %s", d2, v2, d, v)
	}
}

// TestDataVersionTriggers: every table of Detective's and the world's
// data moves the data version, including those later migrations add, and
// measured volume moves the volume version.
func TestDataVersionTriggers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpen(t, mustSchema(t))
	rows, _ := s.pool.Query(ctx, `SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
			AND c.relname NOT LIKE 'behavior\_%' AND c.relname NOT LIKE 'ingest\_%'
			AND c.relname NOT IN ('schema_migrations', 'data_versions')
			AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'data_version')`)
	missing, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Errorf("tables without the data_version trigger (see 0008_data_version.sql): %v", missing)
	}
	var volume bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_trigger
		WHERE tgrelid = 'behavior_volume'::regclass AND tgname = 'volume_version')`).Scan(&volume); err != nil || !volume {
		t.Errorf("behavior_volume has the volume_version trigger: %v, %v; want true", volume, err)
	}
}
