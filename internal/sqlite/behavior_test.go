package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/detective-local/detective-local/internal/storetest"
)

func TestBehaviorStore(t *testing.T) {
	t.Parallel()
	storetest.RunBehavior(t, func(t *testing.T) storetest.BehaviorStore {
		return mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	})
}
