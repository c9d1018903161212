package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

const (
	// connectTimeout bounds dialling and authenticating one connection when
	// the DSN sets no connect_timeout, so an unreachable database fails a
	// call instead of hanging it until the kernel gives up on the SYN.
	connectTimeout = 5 * time.Second
	// defaultCallTimeout bounds every Read, Write and Ping, each statement
	// inside them included. A connection whose peer vanished without a
	// reset (a blackholed network, a frozen server) is otherwise only
	// noticed by TCP retransmission after many minutes, and a statement
	// queued behind a row lock would wait for as long as the holder keeps
	// it; ctx may set a shorter deadline.
	defaultCallTimeout = 30 * time.Second
	// rollbackTimeout bounds the rollback after fn fails. It runs even
	// when the caller's ctx is already cancelled, so the connection goes
	// back to the pool clean instead of being discarded.
	rollbackTimeout = 5 * time.Second
)

// Store is a detective.Store on PostgreSQL. It is safe for concurrent use,
// and any number of Stores (replicas) may share one database schema.
type Store struct {
	pool        *pgxpool.Pool
	callTimeout time.Duration
}

var (
	_ detective.Store = (*Store)(nil)
	_ world.Store     = worldStore{}
)

// Open connects to the database named by dsn, a libpq URL or key=value
// string such as
//
//	postgres://postgres@127.0.0.1:5432/detective?sslmode=disable
//
// and applies any migrations it has not yet had. A search_path parameter in
// the DSN (…&search_path=myschema) selects the schema, which must exist.
// pgxpool parameters such as pool_max_conns are honoured; connect_timeout
// defaults to 5s. Statements are prepared and cached per connection, pgx's
// default; behind a transaction-pooling PgBouncer add
// default_query_exec_mode=exec.
//
// Open fails if the database cannot be reached; once open, the pool
// reconnects by itself when the database comes back.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return open(ctx, dsn, defaultCallTimeout)
}

// open is Open with the bound on each call; tests shorten it to see a
// blocked statement fail in seconds.
func open(ctx context.Context, dsn string, callTimeout time.Duration) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse dsn: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	// pgxpool pings a connection idle for over a second before lending it,
	// by default without a deadline: a network gone silent would hang the
	// request until the call timeout.
	if cfg.PingTimeout == 0 {
		cfg.PingTimeout = connectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	s := &Store{pool: pool, callTimeout: callTimeout}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes every connection, waiting for those in use to be released.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping reports whether the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// Read runs fn in a REPEATABLE READ READ ONLY transaction: every query fn
// makes sees the same snapshot, and a read-only transaction at that level
// never fails to serialize.
func (s *Store) Read(ctx context.Context, fn func(detective.Tx) error) error {
	return s.readTx(ctx, func(t *tx) error { return fn(t) })
}

// Write runs fn in a READ COMMITTED transaction and commits if fn returns
// nil. Writers to one graph serialize on LockGraph's row lock; because each
// statement at READ COMMITTED takes a fresh snapshot, what fn reads after
// the lock includes everything the previous holder committed.
func (s *Store) Write(ctx context.Context, fn func(detective.Tx) error) error {
	return s.writeTx(ctx, func(t *tx) error { return fn(t) })
}

// World returns the multi-account world held in the same database, with
// the transactions of Read and Write; writes to one organization
// serialize on LockOrganization.
func (s *Store) World() world.Store { return worldStore{s} }

// worldStore is a Store seen as a world.Store.
type worldStore struct{ s *Store }

func (w worldStore) Read(ctx context.Context, fn func(world.Tx) error) error {
	return w.s.readTx(ctx, func(t *tx) error { return fn(t) })
}

func (w worldStore) Write(ctx context.Context, fn func(world.Tx) error) error {
	return w.s.writeTx(ctx, func(t *tx) error { return fn(t) })
}

// DataVersion names the state of the database that reads see now: the
// number in data_versions that every transaction changing Detective's or
// the world's rows moves when it commits (0008_data_version.sql). Two
// equal numbers mean the same data, whichever replica committed it; work
// in other databases or schemas, ingestion and writes that change no row
// leave it as it is.
func (s *Store) DataVersion(ctx context.Context) (string, error) {
	data, _, err := s.Versions(ctx)
	return data, err
}

// VolumeVersion names the state of measured volume that reads see now:
// the number in data_versions that every transaction changing
// behavior_volume (ingestion, retention, DeleteAll) moves when it commits.
func (s *Store) VolumeVersion(ctx context.Context) (string, error) {
	_, volume, err := s.Versions(ctx)
	return volume, err
}

// Versions returns DataVersion and VolumeVersion, in one round trip.
func (s *Store) Versions(ctx context.Context) (data, volume string, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	if err := s.pool.QueryRow(ctx, versionsQuery).Scan(&data, &volume); err != nil {
		return "", "", wrap("data version", err)
	}
	return data, volume, nil
}

const versionsQuery = `SELECT max(n) FILTER (WHERE name = 'data')::text, max(n) FILTER (WHERE name = 'volume')::text
	FROM data_versions`

// DataVersion is Store.DataVersion inside a transaction: in a REPEATABLE
// READ transaction, the version of the snapshot every one of its queries
// sees, since the version moves in the transactions that change the data.
func (t *tx) DataVersion(ctx context.Context) (string, error) {
	var v string
	if err := t.tx.QueryRow(ctx, `SELECT n::text FROM data_versions WHERE name = 'data'`).Scan(&v); err != nil {
		return "", wrap("data version", err)
	}
	return v, nil
}

func (s *Store) readTx(ctx context.Context, fn func(*tx) error) error {
	return s.run(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

func (s *Store) writeTx(ctx context.Context, fn func(*tx) error) error {
	return s.run(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted, AccessMode: pgx.ReadWrite}, fn)
}

func (s *Store) run(ctx context.Context, opts pgx.TxOptions, fn func(*tx) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.callTimeout)
	defer cancel()
	deadline, _ := ctx.Deadline() // WithTimeout always sets one
	t, err := s.begin(ctx, opts)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	// Deferred so that a panicking fn also releases the transaction. After
	// Commit it is a no-op.
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		_ = t.Rollback(rctx) // on failure pgx discards the connection
	}()
	if err := fn(&tx{tx: boundedTx{tx: t, deadline: deadline}}); err != nil {
		return err
	}
	if err := t.Commit(ctx); err != nil {
		return wrap("commit", err)
	}
	return nil
}

// begin starts a transaction. After the database restarts, every pooled
// connection that died while idle fails its first use; nothing has been
// sent on it yet, so trying another connection is safe (pgconn.SafeToRetry)
// and spares the caller a 500 for a database that is back.
func (s *Store) begin(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	for attempt := 0; ; attempt++ {
		t, err := s.pool.BeginTx(ctx, opts)
		if err == nil || attempt >= beginRetries || !pgconn.SafeToRetry(err) || ctx.Err() != nil {
			return t, err
		}
	}
}

// beginRetries bounds begin's retries: one per connection the pool may
// hold with a dead peer is plenty.
const beginRetries = 8

// uniqueViolation is SQLSTATE 23505.
const uniqueViolation = "23505"

// SQLSTATEs of text PostgreSQL cannot hold: 22021 (character_not_in_repertoire:
// NUL, or bytes that are not UTF-8) and 22P05 (untranslatable_character).
const (
	characterNotInRepertoire = "22021"
	untranslatableCharacter  = "22P05"
)

// wrap adds context to err from the statement op. A unique violation is a
// race the service lost, so it becomes KindConflict; text the database
// cannot hold is the caller's (SQLite stores what PostgreSQL refuses, and
// a client must not be told to retry it), so it becomes KindValidation;
// anything else stays internal.
func wrap(op string, err error) error {
	err = fmt.Errorf("postgres: %s: %w", op, err)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case uniqueViolation:
		return &detective.Error{
			Kind:    detective.KindConflict,
			Message: "The request conflicts with a concurrent change to the same resource",
			Err:     err,
		}
	case characterNotInRepertoire, untranslatableCharacter:
		return &detective.Error{
			Kind:    detective.KindValidation,
			Code:    detective.CodeInvalidRequestBody,
			Message: "Strings must be valid UTF-8 without the NUL character (U+0000)",
			Err:     err,
		}
	}
	return err
}
