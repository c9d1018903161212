// Package migration reads a store's embedded schema migrations and holds
// every dialect to one numbering rule: files named NNNN_name.sql whose
// versions count 1, 2, 3, … without gaps or repeats. Applying them is each
// store's own business, since locking and DDL differ by dialect.
//
// It imports the standard library only.
package migration

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Migration is one schema migration file.
type Migration struct {
	Version int
	Name    string // the file name, NNNN_name.sql
	SQL     string
}

// Load returns the migrations in dir of fsys in version order, or an error
// if a file is misnamed or the versions are not exactly 1..n. Gaps are
// refused, not only repeats, so that the dialects' lists can be compared
// version for version and a file lost in a merge is noticed at start.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	ms := make([]Migration, 0, len(names))
	for _, name := range names {
		base := path.Base(name)
		v, err := Version(base)
		if err != nil {
			return nil, err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", base, err)
		}
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d: versions must count 1, 2, 3, … without gaps or repeats", m.Name, m.Version, i+1)
		}
	}
	return ms, nil
}

// Version returns the NNNN of a file named NNNN_name.sql.
func Version(name string) (int, error) {
	num, _, ok := strings.Cut(name, "_")
	v, err := strconv.Atoi(num)
	if !ok || err != nil || v <= 0 || !strings.HasSuffix(name, ".sql") {
		return 0, fmt.Errorf("migration %q is not named NNNN_name.sql", name)
	}
	return v, nil
}
