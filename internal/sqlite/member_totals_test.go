package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/storetest"
)

// TestMemberTotalsBackfill checks that migration 0007 totals the members a
// database already has: it is undone on a populated database and applied
// again on the next open.
func TestMemberTotalsBackfill(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "d.db")
	ctx := t.Context()
	g := arn.Graph("us-east-1", "111111111111", "0123456789abcdef0123456789abcdef")
	s := mustOpen(t, path)
	storetest.MustPopulateForTotals(t, s, g)
	for _, q := range []string{`DROP TRIGGER member_totals_insert`, `DROP TRIGGER member_totals_update`,
		`DROP TRIGGER member_totals_delete`, `DROP TABLE member_totals`, `DELETE FROM schema_migrations WHERE version = 7`} {
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	storetest.CheckPopulatedTotals(t, mustOpen(t, path), g)
}
