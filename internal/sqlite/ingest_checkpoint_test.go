package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/detective-local/detective-local/internal/checkpoint"
	"github.com/detective-local/detective-local/internal/storetest"
)

func TestCheckpointStore(t *testing.T) {
	t.Parallel()
	storetest.RunCheckpoint(t, func(t *testing.T) checkpoint.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "d.db"))
	})
}
