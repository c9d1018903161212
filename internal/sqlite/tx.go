package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// tx is detective.Tx, and world.Tx, on one SQLite transaction.
type tx struct {
	tx *sql.Tx
	st *statements
	// volumes is the Store's volume counter, in write transactions;
	// volumeWrite says this one began a write of measured volume there.
	volumes     *versionCounter
	volumeWrite bool
}

var (
	_ detective.Tx = (*tx)(nil)
	_ world.Tx     = (*tx)(nil)
)

// stmt returns q bound to the transaction. Once the pool has q prepared,
// database/sql keeps it prepared on each connection it has run on, so this
// does not parse the SQL again. Until then the transaction prepares q for
// itself and asks the pool to prepare it before its next transaction: a
// pool cannot prepare inside one, whose connection may be its only one.
func (t *tx) stmt(ctx context.Context, q *lazyStmt) boundStmt {
	if s := q.s.Load(); s != nil {
		return boundStmt{s: t.tx.StmtContext(ctx, s)}
	}
	t.st.want(q)
	s, err := t.tx.PrepareContext(ctx, q.query)
	if err != nil {
		// Running the text reports the error where the statement is used.
		return boundStmt{tx: t.tx, query: q.query}
	}
	return boundStmt{s: s}
}

// boundStmt is a statement of a transaction: prepared (s), or its text run
// in the transaction (tx, query) when preparing it failed.
type boundStmt struct {
	s     *sql.Stmt
	tx    *sql.Tx
	query string
}

func (b boundStmt) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	if b.s != nil {
		return b.s.ExecContext(ctx, args...)
	}
	return b.tx.ExecContext(ctx, b.query, args...)
}

func (b boundStmt) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	if b.s != nil {
		return b.s.QueryContext(ctx, args...)
	}
	return b.tx.QueryContext(ctx, b.query, args...)
}

func (b boundStmt) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	if b.s != nil {
		return b.s.QueryRowContext(ctx, args...)
	}
	return b.tx.QueryRowContext(ctx, b.query, args...)
}

// lazyStmt is one query of a pool, prepared on the pool when first needed
// rather than at open: most of a process's statements are never used by
// its first requests, and preparing them all was a quarter of a start.
type lazyStmt struct {
	query string
	s     atomic.Pointer[sql.Stmt] // nil until prepared on the pool
	mu    sync.Mutex               // serializes preparing s
	asked atomic.Bool              // queued in statements.pending
}

// prepare returns q prepared on db, preparing it if it is not yet. The
// caller must hold no connection of db.
func (q *lazyStmt) prepare(ctx context.Context, db *sql.DB) (*sql.Stmt, error) {
	if s := q.s.Load(); s != nil {
		return s, nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if s := q.s.Load(); s != nil {
		return s, nil
	}
	s, err := db.PrepareContext(ctx, q.query)
	if err != nil {
		return nil, wrap(fmt.Sprintf("prepare %q", q.query), err)
	}
	q.s.Store(s)
	return s, nil
}

type statements struct {
	db *sql.DB
	// all lists the fields below, for Close.
	all []*lazyStmt
	// pending holds the statements a transaction prepared for itself
	// because the pool had not yet: the next transaction prepares them on
	// the pool before it takes a connection.
	mu         sync.Mutex
	pending    []*lazyStmt
	hasPending atomic.Bool

	graph, graphByAdmin, createGraph, deleteGraph, listGraphs                     lazyStmt
	members, putMember, deleteMembers, countMembers, listMembers, listMemberships lazyStmt
	tags, putTags, deleteTags                                                     lazyStmt
	account, putAccount                                                           lazyStmt

	// The control plane: datasource packages and investigations.
	graphPackages, putGraphPackage, memberPackages, setMemberPackages                lazyStmt
	graphsWithMemberStatus                                                           lazyStmt
	memberVolume, membersWithStatus, graphMeasuredVolume                             lazyStmt
	createInvestigation, investigation, updateInvestigationState, listInvestigations lazyStmt
	indicators, deleteIndicators, putIndicator                                       lazyStmt
	orgAdmin, orgAdminByGraph, orgAdmins, putOrgAdmin, deleteOrgAdmin                lazyStmt

	// The behavior store's, read in Detective's transactions too.
	measuredVolume lazyStmt
}

// newStatements returns the statements of the pool db, none prepared yet.
func newStatements(db *sql.DB) *statements {
	st := &statements{db: db}
	for _, p := range []struct {
		dst   *lazyStmt
		query string
	}{
		{&st.graph, graphQuery},
		{&st.graphByAdmin, graphByAdminQuery},
		{&st.createGraph, createGraphQuery},
		{&st.deleteGraph, deleteGraphQuery},
		{&st.listGraphs, listGraphsQuery},
		{&st.members, membersQuery},
		{&st.putMember, putMemberQuery},
		{&st.deleteMembers, deleteMembersQuery},
		{&st.countMembers, countMembersQuery},
		{&st.listMembers, listMembersQuery},
		{&st.listMemberships, listMembershipsQuery},
		{&st.tags, tagsQuery},
		{&st.putTags, putTagsQuery},
		{&st.deleteTags, deleteTagsQuery},
		{&st.account, accountQuery},
		{&st.putAccount, putAccountQuery},
		{&st.graphPackages, graphPackagesQuery},
		{&st.putGraphPackage, putGraphPackageQuery},
		{&st.memberPackages, memberPackagesQuery},
		{&st.setMemberPackages, setMemberPackagesQuery},
		{&st.graphsWithMemberStatus, graphsWithMemberStatusQuery},
		{&st.memberVolume, memberVolumeQuery},
		{&st.membersWithStatus, membersWithStatusQuery},
		{&st.graphMeasuredVolume, graphMeasuredVolumeQuery},
		{&st.createInvestigation, createInvestigationQuery},
		{&st.investigation, investigationQuery},
		{&st.updateInvestigationState, updateInvestigationStateQuery},
		{&st.listInvestigations, listInvestigationsQuery},
		{&st.indicators, indicatorsQuery},
		{&st.deleteIndicators, deleteIndicatorsQuery},
		{&st.putIndicator, putIndicatorQuery},
		{&st.orgAdmin, orgAdminQuery},
		{&st.orgAdminByGraph, orgAdminByGraphQuery},
		{&st.orgAdmins, orgAdminsQuery},
		{&st.putOrgAdmin, putOrgAdminQuery},
		{&st.deleteOrgAdmin, deleteOrgAdminQuery},
		{&st.measuredVolume, measuredVolumeQuery},
	} {
		p.dst.query = p.query
		st.all = append(st.all, p.dst)
	}
	return st
}

// want queues q to be prepared on the pool before the next transaction.
func (st *statements) want(q *lazyStmt) {
	if !q.asked.CompareAndSwap(false, true) {
		return
	}
	st.mu.Lock()
	st.pending = append(st.pending, q)
	st.mu.Unlock()
	st.hasPending.Store(true)
}

// preparePending prepares on the pool the statements transactions asked
// for. The caller must hold no connection of the pool. A statement that
// fails to prepare is asked for again by its next use.
func (st *statements) preparePending(ctx context.Context) {
	if !st.hasPending.Load() {
		return
	}
	st.mu.Lock()
	pending := st.pending
	st.pending = nil
	st.hasPending.Store(false)
	st.mu.Unlock()
	for _, q := range pending {
		if _, err := q.prepare(ctx, st.db); err != nil {
			q.asked.Store(false)
		}
	}
}

func (st *statements) close() error {
	var errs []error
	for _, q := range st.all {
		if s := q.s.Load(); s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// DeleteAll empties every table but schema_migrations, including tables
// later migrations add: it lists them from the schema rather than by name.
func (t *tx) DeleteAll(ctx context.Context) error {
	// Measured volume goes too: its version must move with it.
	if t.volumes != nil && !t.volumeWrite {
		t.volumes.begin()
		t.volumeWrite = true
	}
	// Deferring the foreign-key checks to COMMIT lets the tables be emptied
	// in any order; by then every table is empty, so every check passes.
	if _, err := t.tx.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
		return wrap("delete all", err)
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT name FROM sqlite_schema
		WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'`)
	if err != nil {
		return wrap("delete all", err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return wrap("delete all", err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wrap("delete all", err)
	}
	for _, table := range tables {
		if _, err := t.tx.ExecContext(ctx, `DELETE FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`); err != nil {
			return wrap("delete all from "+table, err)
		}
	}
	return nil
}

// isConflict reports whether err is a violated uniqueness constraint,
// judged by SQLite's extended result code, never by the message.
func isConflict(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}

// millis is how times are stored: unix milliseconds, so ordering and
// comparison in SQL need no parsing. The service truncates to milliseconds
// first, so nothing is lost.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis is the inverse of millis, in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// jsonArray encodes xs for json_each, which lets one prepared statement
// take a list of any length.
func jsonArray[T ~string](xs []T) (string, error) {
	if len(xs) == 0 {
		return "[]", nil
	}
	for _, x := range xs {
		if !utf8.ValidString(string(x)) {
			return "", errNotUTF8
		}
	}
	b, err := json.Marshal(xs)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// limit returns n as a LIMIT: SQLite reads a negative LIMIT as none.
func limit(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// errNotUTF8 refuses a string that is not UTF-8 where it would pass
// through JSON, which would silently replace its bytes: a store gives back
// what it was given or refuses it.
var errNotUTF8 = &detective.Error{Kind: detective.KindValidation, Code: detective.CodeInvalidRequestBody,
	Message: "Strings must be valid UTF-8"}

// wrap adds context to err from the statement op. A violated uniqueness
// constraint is a race the service lost, so it becomes KindConflict
// wherever it occurs; anything else stays internal. The methods that can
// name the conflict check isConflict first and say more.
func wrap(op string, err error) error {
	err = fmt.Errorf("sqlite: %s: %w", op, err)
	if isConflict(err) {
		return &detective.Error{
			Kind:    detective.KindConflict,
			Message: "The request conflicts with a concurrent change to the same resource",
			Err:     err,
		}
	}
	return err
}
