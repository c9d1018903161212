package postgres

import (
	"testing"

	"github.com/detective-local/detective-local/internal/checkpoint"
	"github.com/detective-local/detective-local/internal/storetest"
)

func TestCheckpointStore(t *testing.T) {
	mustDSN(t) // skip or fail once, not once per subtest
	storetest.RunCheckpoint(t, func(t *testing.T) checkpoint.Store { return mustOpen(t, mustSchema(t)) })
}
