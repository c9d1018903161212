package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// Store is detective.Store on one SQLite database. It is safe for
// concurrent use.
type Store struct {
	write   *sql.DB     // exactly one connection: writes are serialized here
	read    *sql.DB     // several query_only connections, for reads in parallel
	writeSt *statements // on write, prepared on first use
	readSt  *statements // on read, prepared on first use
	// keep holds an in-memory database open: it lives only as long as
	// some connection to it, and the pools may close idle connections.
	keep *sql.Conn
	bulk bulkStatements // the behavior store's multi-row statements, on write
	// writes counts the write transactions of Detective's data (and the
	// world's), volumes those that write measured volume: ingest batches,
	// retention and DeleteAll. Ingest moves volumes only, so that it
	// leaves the data version, and what is kept under it, as it was.
	writes, volumes versionCounter
}

// versionCounter counts write transactions: finished ones above
// inFlightBits, those under way below, in one word so that a version
// reads both at once.
type versionCounter struct{ n atomic.Uint64 }

const (
	inFlightBits = 20
	inFlightMask = 1<<inFlightBits - 1
)

// begin counts a write transaction under way.
func (c *versionCounter) begin() { c.n.Add(1) }

// end counts it finished: changed says whether it moves the version.
func (c *versionCounter) end(changed bool) {
	if changed {
		c.n.Add(1<<inFlightBits - 1) // one more finished, one fewer under way
	} else {
		c.n.Add(^uint64(0)) // one fewer under way
	}
}

// version names the state reads see now, "" while a write is under way.
func (c *versionCounter) version() string {
	n := c.n.Load()
	if n&inFlightMask != 0 {
		return ""
	}
	return strconv.FormatUint(n>>inFlightBits, 10)
}

var (
	_ detective.Store = (*Store)(nil)
	_ world.Store     = worldStore{}
)

// busyTimeoutMS is how long a connection waits for a lock held by another
// connection before failing with SQLITE_BUSY. Within one Store only a WAL
// checkpoint or a second process on the same file makes it wait.
const busyTimeoutMS = 10_000

// Open opens (creating if need be) the database file at path and brings its
// schema up to date. The directory must exist.
func Open(ctx context.Context, path string) (*Store, error) {
	name := "file:" + (&url.URL{Path: path}).EscapedPath()
	return open(ctx, name, url.Values{}, []string{
		// WAL lets readers run while a write is in progress; with
		// synchronous=FULL every commit is fsynced before Write returns.
		"journal_mode(WAL)",
		"synchronous(FULL)",
		// Ingest rewrites the same index pages batch after batch; SQLite's
		// default 2 MB page cache would read them back from the file
		// every time.
		"cache_size(-65536)",
	})
}

// OpenMemory opens a new, empty in-memory database, private to the returned
// Store and gone when it is closed.
//
// It uses SQLite's memdb VFS rather than a shared-cache ":memory:"
// database: shared cache locks whole tables, so a read would wait for any
// open write that touched its table, where memdb keeps the file locking
// of a real database and reads run beside a write, as they do on a file.
func OpenMemory(ctx context.Context) (*Store, error) {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	// The leading slash makes the database visible to every connection
	// of this process that names it, which is how both pools share it.
	name := "file:/detective-local-" + hex.EncodeToString(b[:])
	return open(ctx, name, url.Values{"vfs": {"memdb"}}, nil)
}

// open opens the write pool and the read pool on the database name, with
// the common pragmas, the extra ones for the write pool and query
// parameters q, then migrates it.
func open(ctx context.Context, name string, q url.Values, writePragmas []string) (_ *Store, err error) {
	common := []string{
		fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS),
		// Off by default in SQLite; the schema's ON DELETE CASCADE needs it.
		"foreign_keys(1)",
	}
	s := new(Store)
	defer func() {
		if err != nil {
			s.Close()
		}
	}()

	wq := cloneValues(q)
	wq["_pragma"] = append(append([]string{}, common...), writePragmas...)
	// BEGIN IMMEDIATE takes the write lock at the start of the
	// transaction, so a transaction that reads and then writes never
	// fails with SQLITE_BUSY half-way; the driver issues it for every
	// transaction on this pool that is not read-only.
	wq.Set("_txlock", "immediate")
	s.write, err = sql.Open("sqlite", name+"?"+wq.Encode())
	if err != nil {
		return nil, wrap("open", err)
	}
	s.write.SetMaxOpenConns(1)
	s.write.SetMaxIdleConns(1)
	s.write.SetConnMaxLifetime(0)
	s.write.SetConnMaxIdleTime(0)
	if q.Get("vfs") == "memdb" {
		if s.keep, err = s.write.Conn(ctx); err != nil {
			return nil, wrap("open", err)
		}
		// The write pool's only connection is now s.keep; give the pool
		// a second one for Write to use.
		s.write.SetMaxOpenConns(2)
	}
	if err := migrate(ctx, s.write); err != nil {
		return nil, err
	}

	rq := cloneValues(q)
	rq["_pragma"] = append(append([]string{}, common...), "query_only(1)")
	s.read, err = sql.Open("sqlite", name+"?"+rq.Encode())
	if err != nil {
		return nil, wrap("open", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	s.read.SetMaxOpenConns(n)
	s.read.SetMaxIdleConns(n)
	s.read.SetConnMaxLifetime(0)
	s.read.SetConnMaxIdleTime(0)

	// Statements are prepared on first use, not here: preparing every one
	// on both pools was a third of an open of a current database.
	s.writeSt = newStatements(s.write)
	s.readSt = newStatements(s.read)
	return s, nil
}

func cloneValues(q url.Values) url.Values {
	c := make(url.Values, len(q)+2)
	for k, v := range q {
		c[k] = append([]string(nil), v...)
	}
	return c
}

// Read runs fn in a read-only transaction: it sees one consistent snapshot,
// never waits for a write in progress, and cannot change anything.
func (s *Store) Read(ctx context.Context, fn func(detective.Tx) error) error {
	return s.readTx(ctx, func(t *tx) error { return fn(t) })
}

// Write runs fn in a read-write transaction started with BEGIN IMMEDIATE
// and commits it if fn returns nil. Writes run one at a time, in the order
// they asked for the write connection. fn must not call Write itself: it
// would wait for the connection that fn's own transaction holds.
func (s *Store) Write(ctx context.Context, fn func(detective.Tx) error) error {
	return s.writeTx(ctx, func(t *tx) error { return fn(t) })
}

// World returns the multi-account world held in the same database. Its
// transactions are the Store's: the same snapshots, the same one writer.
func (s *Store) World() world.Store { return worldStore{s} }

// worldStore is a Store seen as a world.Store.
type worldStore struct{ s *Store }

func (w worldStore) Read(ctx context.Context, fn func(world.Tx) error) error {
	return w.s.readTx(ctx, func(t *tx) error { return fn(t) })
}

func (w worldStore) Write(ctx context.Context, fn func(world.Tx) error) error {
	return w.s.writeTx(ctx, func(t *tx) error { return fn(t) })
}

func (s *Store) readTx(ctx context.Context, fn func(*tx) error) error {
	return run(ctx, s.read, &tx{st: s.readSt}, &sql.TxOptions{ReadOnly: true}, fn)
}

func (s *Store) writeTx(ctx context.Context, fn func(*tx) error) error {
	s.writes.begin()
	changed := true
	wt := &tx{st: s.writeSt, volumes: &s.volumes}
	defer func() {
		s.writes.end(changed)
		if wt.volumeWrite {
			s.volumes.end(true)
		}
	}()
	return run(ctx, s.write, wt, nil, func(t *tx) error {
		// A write that changed nothing, as the periodic jobs' usually do,
		// leaves the data version as it was. total_changes counts the
		// rows the transaction's connection has changed since it opened.
		before, err := t.totalChanges(ctx)
		if err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
		after, err := t.totalChanges(ctx)
		changed = err != nil || after != before
		return err
	})
}

func (t *tx) totalChanges(ctx context.Context) (int64, error) {
	var n int64
	if err := t.tx.QueryRowContext(ctx, "SELECT total_changes()").Scan(&n); err != nil {
		return 0, wrap("total changes", err)
	}
	return n, nil
}

// DataVersion names the state of the database that reads see now: two
// equal versions mean no write transaction ran between them. It is ""
// while a write is under way, when the state a read sees may change at
// any moment. It counts this Store's writes only, so it holds while this
// process is the only one writing the file, as it is when the server owns
// its data directory.
func (s *Store) DataVersion(context.Context) (string, error) {
	return s.writes.version(), nil
}

// VolumeVersion names the state of measured volume that reads see now,
// as DataVersion names Detective's data: two equal versions mean no
// write of measured volume ran between them, and it is "" while one is
// under way. It moves with ingest, retention and DeleteAll, not with
// Detective's writes.
func (s *Store) VolumeVersion(context.Context) (string, error) {
	return s.volumes.version(), nil
}

// Versions returns DataVersion and VolumeVersion.
func (s *Store) Versions(context.Context) (data, volume string, err error) {
	return s.writes.version(), s.volumes.version(), nil
}

// run runs fn in t, a transaction it begins on db, and commits it if fn
// returns nil. fn's error is returned as it is, so that its Kind reaches
// the caller.
func run(ctx context.Context, db *sql.DB, t *tx, opts *sql.TxOptions, fn func(*tx) error) (err error) {
	t.st.preparePending(ctx)
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return wrap("begin", err)
	}
	committed := false
	defer func() {
		if !committed {
			// The transaction failed already, or fn's error is what
			// matters; a failed rollback adds nothing the caller can use.
			_ = sqlTx.Rollback()
		}
	}()
	t.tx = sqlTx
	if err := fn(t); err != nil {
		return err
	}
	committed = true
	if err := sqlTx.Commit(); err != nil {
		return wrap("commit", err)
	}
	return nil
}

// Ping reports whether the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		return wrap("ping", err)
	}
	return nil
}

// Close closes the database. An in-memory database is gone afterwards.
func (s *Store) Close() error {
	var errs []error
	for _, sts := range s.bulk.m {
		for _, st := range sts {
			errs = append(errs, st.Close())
		}
	}
	for _, st := range []*statements{s.readSt, s.writeSt} {
		if st != nil {
			errs = append(errs, st.close())
		}
	}
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.keep != nil {
		errs = append(errs, s.keep.Close())
	}
	if s.write != nil {
		errs = append(errs, s.write.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return wrap("close", err)
	}
	return nil
}
