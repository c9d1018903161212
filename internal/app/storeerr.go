package app

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
)

// SQLite's primary result codes that call for an operator's hand
// (https://www.sqlite.org/rescode.html); extended codes keep the primary
// code in their low byte.
const (
	sqlitePerm     = 3
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteCorrupt  = 11
	sqliteFull     = 13
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

// explainSQLiteOpen turns a failure to open the database at path into an
// error that names the file and says what to do about it.
func explainSQLiteOpen(path string, err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	var advice string
	switch se.Code() & 0xff {
	case sqliteCorrupt, sqliteNotADB:
		advice = "the file is damaged or is not a SQLite database: restore it from a backup, " +
			"or move it (with any -wal and -shm files beside it) aside to start with an empty database"
	case sqliteFull:
		advice = "the disk is full: free space on it, or choose another --data-dir"
	case sqliteIOErr:
		advice = "the disk failed a read or write (it may be full, read-only or failing): check it and free space, or choose another --data-dir"
	case sqliteReadOnly, sqlitePerm, sqliteCantOpen:
		advice = "the file or its directory cannot be written: check their permissions, or choose another --data-dir"
	default:
		return fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	return fmt.Errorf("open SQLite database %s: %w; %s", path, err, advice)
}

// explainPostgresOpen adds what to check to a failure to reach or migrate
// PostgreSQL. The DSN is not repeated: it may hold a password.
func explainPostgresOpen(err error) error {
	return fmt.Errorf("open PostgreSQL store (--store): %w; check that the server runs, that the DSN's host, database and user are right, and that the user may create tables", err)
}
