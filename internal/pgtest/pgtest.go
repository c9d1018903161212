// Package pgtest gives tests a private PostgreSQL schema. The database is
// named by DETECTIVE_TEST_POSTGRES; without it tests skip, except under CI,
// which must never silently skip PostgreSQL. It is imported only by tests.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvVar names the environment variable holding the test database's DSN.
const EnvVar = "DETECTIVE_TEST_POSTGRES"

// DSN returns the test database's DSN, "" when none is configured. Under
// CI a missing DSN fails tb.
func DSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(EnvVar)
	if dsn == "" && os.Getenv("CI") != "" {
		tb.Fatal("CI is set but " + EnvVar + " is not: PostgreSQL tests must run in CI")
	}
	return dsn
}

// MustDSN is DSN that skips tb when no database is configured.
func MustDSN(tb testing.TB) string {
	tb.Helper()
	dsn := DSN(tb)
	if dsn == "" {
		tb.Skip(EnvVar + " is not set")
	}
	return dsn
}

// Schema creates an empty schema private to tb, dropped at cleanup, and
// returns dsn with its search_path set to that schema.
func Schema(tb testing.TB, dsn string) string {
	tb.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	name := "test_" + hex.EncodeToString(b[:])
	Exec(tb, dsn, "CREATE SCHEMA "+name)
	tb.Cleanup(func() { Exec(tb, dsn, "DROP SCHEMA "+name+" CASCADE") })
	return WithParam(tb, dsn, "search_path", name)
}

// Exec runs one statement on a connection of its own.
func Exec(tb testing.TB, dsn, sql string) {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

// WithParam adds a parameter to a URL or key=value DSN.
func WithParam(tb testing.TB, dsn, key, value string) string {
	tb.Helper()
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " " + key + "=" + value
	}
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("parse %s: %v", EnvVar, err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}
