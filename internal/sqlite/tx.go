package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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

// stmt returns s bound to the transaction. database/sql keeps s prepared on
// each connection it has run on, so this does not parse the SQL again.
func (t *tx) stmt(ctx context.Context, s *sql.Stmt) *sql.Stmt { return t.tx.StmtContext(ctx, s) }

// statements are the queries of a Tx, prepared once per pool.
type statements struct {
	graph, graphByAdmin, createGraph, deleteGraph, listGraphs                     *sql.Stmt
	members, putMember, deleteMembers, countMembers, listMembers, listMemberships *sql.Stmt
	tags, putTags, deleteTags                                                     *sql.Stmt
	account, putAccount                                                           *sql.Stmt

	// The control plane: datasource packages and investigations.
	graphPackages, putGraphPackage, memberPackages, setMemberPackages                *sql.Stmt
	graphsWithMemberStatus                                                           *sql.Stmt
	memberVolume, membersWithStatus, graphMeasuredVolume                             *sql.Stmt
	createInvestigation, investigation, updateInvestigationState, listInvestigations *sql.Stmt
	indicators, deleteIndicators, putIndicator                                       *sql.Stmt
	orgAdmin, orgAdminByGraph, orgAdmins, putOrgAdmin, deleteOrgAdmin                *sql.Stmt

	// The behavior store's, read in Detective's transactions too.
	measuredVolume *sql.Stmt
}

func prepare(ctx context.Context, db *sql.DB) (*statements, error) {
	st := new(statements)
	for _, p := range []struct {
		dst   **sql.Stmt
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
		s, err := db.PrepareContext(ctx, p.query)
		if err != nil {
			_ = st.close() // the prepare error is the one to report
			return nil, wrap(fmt.Sprintf("prepare %q", p.query), err)
		}
		*p.dst = s
	}
	return st, nil
}

func (st *statements) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{
		st.graph, st.graphByAdmin, st.createGraph, st.deleteGraph, st.listGraphs,
		st.members, st.putMember, st.deleteMembers, st.countMembers, st.listMembers, st.listMemberships,
		st.tags, st.putTags, st.deleteTags,
		st.account, st.putAccount,
		st.graphPackages, st.putGraphPackage, st.memberPackages, st.setMemberPackages,
		st.graphsWithMemberStatus, st.memberVolume, st.membersWithStatus, st.graphMeasuredVolume,
		st.createInvestigation, st.investigation, st.updateInvestigationState, st.listInvestigations,
		st.indicators, st.deleteIndicators, st.putIndicator,
		st.orgAdmin, st.orgAdminByGraph, st.orgAdmins, st.putOrgAdmin, st.deleteOrgAdmin,
	} {
		if s != nil {
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
