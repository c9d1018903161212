package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/storetest"
	"github.com/detective-local/detective-local/internal/world"
)

// mustOpen opens the database file at path and closes it when tb ends.
func mustOpen(tb testing.TB, path string) *Store {
	tb.Helper()
	s, err := Open(tb.Context(), path)
	if err != nil {
		tb.Fatalf("Open(%q): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// mustOpenMemory opens an in-memory store and closes it when tb ends.
func mustOpenMemory(tb testing.TB) *Store {
	tb.Helper()
	s, err := OpenMemory(tb.Context())
	if err != nil {
		tb.Fatalf("OpenMemory: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// mustWrite runs fn in s.Write, failing tb on error.
func mustWrite(tb testing.TB, s detective.Store, fn func(ctx context.Context, tx detective.Tx) error) {
	tb.Helper()
	ctx := tb.Context()
	if err := s.Write(ctx, func(tx detective.Tx) error { return fn(ctx, tx) }); err != nil {
		tb.Fatalf("Write: %v", err)
	}
}

// mustRead runs fn in s.Read, failing tb on error.
func mustRead(tb testing.TB, s detective.Store, fn func(ctx context.Context, tx detective.Tx) error) {
	tb.Helper()
	ctx := tb.Context()
	if err := s.Read(ctx, func(tx detective.Tx) error { return fn(ctx, tx) }); err != nil {
		tb.Fatalf("Read: %v", err)
	}
}

// testGraph is a graph for tests that need one.
func testGraph(n int) detective.Graph {
	admin := detective.AccountID(fmt.Sprintf("%012d", 111122220000+n))
	return detective.Graph{
		ARN:         arn.Graph("us-east-1", string(admin), fmt.Sprintf("%032x", n)),
		Admin:       admin,
		Region:      "us-east-1",
		CreatedTime: time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC),
	}
}

func TestStore(t *testing.T) {
	t.Parallel()
	// A file per test, not :memory:, so that WAL and locking behave as in
	// production.
	storetest.Run(t, func(t *testing.T) storetest.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	})
}

func TestStoreMemory(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Store { return mustOpenMemory(t) })
}

func TestOpenMemoryIsPrivate(t *testing.T) {
	t.Parallel()
	a, b := mustOpenMemory(t), mustOpenMemory(t)
	g := testGraph(1)
	mustWrite(t, a, func(ctx context.Context, tx detective.Tx) error { return tx.CreateGraph(ctx, g) })
	mustRead(t, b, func(ctx context.Context, tx detective.Tx) error {
		if _, err := tx.Graph(ctx, g.ARN); detective.KindOf(err) != detective.KindNotFound {
			t.Errorf("Graph in another in-memory store = %v, want not found", err)
		}
		return nil
	})
}

func TestOpenMissingDirectory(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "absent", "d.db")
	s, err := Open(t.Context(), path)
	if err == nil {
		s.Close()
		t.Fatalf("Open(%q) succeeded, want an error: creating directories is the caller's job", path)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open created %s", filepath.Dir(path))
	}
}

// TestReadDoesNotWaitForWrite checks the reason for the separate read pool
// and WAL: GetMembers and friends keep answering from the last committed
// state while a write is open.
func TestReadDoesNotWaitForWrite(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	g := testGraph(1)
	mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error { return tx.CreateGraph(ctx, g) })

	mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
		if err := tx.DeleteGraph(ctx, g.ARN); err != nil {
			return err
		}
		done := make(chan error, 1)
		go func() {
			done <- s.Read(ctx, func(tx detective.Tx) error {
				_, err := tx.Graph(ctx, g.ARN)
				return err
			})
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Graph during an open Write that deletes it: %v, want the committed graph", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("a Read waited for an open Write")
		}
		return nil
	})
}

// TestWriteContextEnds checks that a Write whose context ends mid-way
// rolls back and leaves the single write connection usable.
func TestWriteContextEnds(t *testing.T) {
	t.Parallel()
	for name, s := range map[string]*Store{
		"file":   mustOpen(t, filepath.Join(t.TempDir(), "d.db")),
		"memory": mustOpenMemory(t),
	} {
		ctx, cancel := context.WithCancel(t.Context())
		err := s.Write(ctx, func(tx detective.Tx) error {
			if err := tx.CreateGraph(ctx, testGraph(1)); err != nil {
				return err
			}
			cancel()
			return nil
		})
		if err == nil {
			t.Errorf("%s: Write whose context ended = nil, want an error", name)
		}
		g := testGraph(2)
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error { return tx.CreateGraph(ctx, g) })
		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			if _, err := tx.Graph(ctx, testGraph(1).ARN); detective.KindOf(err) != detective.KindNotFound {
				t.Errorf("%s: Graph written by a Write whose context ended = %v, want not found", name, err)
			}
			_, err := tx.Graph(ctx, g.ARN)
			return err
		})
	}
}

// TestPutMembersAbsentGraph pins down what the interface leaves open: a
// member of a graph that does not exist violates a foreign key, which is
// an internal error (the service checks the graph first), not a conflict.
func TestPutMembersAbsentGraph(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	g := testGraph(1)
	err := s.Write(t.Context(), func(tx detective.Tx) error {
		return tx.PutMembers(t.Context(), []detective.Member{{Graph: g.ARN, Account: "444455556666", Admin: g.Admin}})
	})
	if err == nil || detective.KindOf(err) != detective.KindInternal {
		t.Errorf("PutMembers into an absent graph = %v, want an internal error", err)
	}
}

// TestDeleteAllEmptiesEveryTable checks DeleteAll against the schema itself,
// so that a table a later migration adds cannot be forgotten.
func TestDeleteAllEmptiesEveryTable(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	mustPopulate(t, s, testGraph(1))
	if err := s.World().Write(t.Context(), func(tx world.Tx) error { return tx.DeleteAll(t.Context()) }); err != nil {
		t.Fatalf("DeleteAll: %v", err)
	}

	rows, err := s.read.QueryContext(t.Context(), `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		var n int
		if err := s.read.QueryRowContext(t.Context(), `SELECT count(*) FROM "`+table+`"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		switch {
		case table == "schema_migrations" && n == 0:
			t.Errorf("DeleteAll emptied schema_migrations")
		case table != "schema_migrations" && n != 0:
			t.Errorf("after DeleteAll, %s has %d rows", table, n)
		}
	}
}

// TestWrapClassifiesByCode checks that wrap tells a uniqueness violation
// from other failures by SQLite's result code, whatever the message says.
func TestWrapClassifiesByCode(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	ctx := t.Context()
	exec := func(q string) error {
		_, err := s.write.ExecContext(ctx, q)
		return err
	}
	if err := exec(`CREATE TABLE wrap_test (k INTEGER PRIMARY KEY, u TEXT UNIQUE, n TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if err := exec(`INSERT INTO wrap_test VALUES (1, 'a', 'x')`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		err  error
		want detective.Kind
	}{
		{"primary key", exec(`INSERT INTO wrap_test VALUES (1, 'b', 'x')`), detective.KindConflict},
		{"unique", exec(`INSERT INTO wrap_test VALUES (2, 'a', 'x')`), detective.KindConflict},
		{"not null", exec(`INSERT INTO wrap_test VALUES (3, 'c', NULL)`), detective.KindInternal},
		{"syntax", exec(`INSERT INTO`), detective.KindInternal},
		{"text alone", errors.New("UNIQUE constraint failed: wrap_test.u"), detective.KindInternal},
	}
	for _, tc := range tests {
		if tc.err == nil {
			t.Fatalf("%s: the statement succeeded, want an error", tc.name)
		}
		err := wrap("op", tc.err)
		if got := detective.KindOf(err); got != tc.want {
			t.Errorf("%s: KindOf(wrap(%v)) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: wrap(%v) lost its cause", tc.name, tc.err)
		}
	}
}
