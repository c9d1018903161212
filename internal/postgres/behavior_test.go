package postgres

import (
	"testing"

	"github.com/detective-local/detective-local/internal/storetest"
)

func TestBehaviorStore(t *testing.T) {
	mustDSN(t) // skip or fail once, not once per subtest
	storetest.RunBehavior(t, func(t *testing.T) storetest.BehaviorStore { return mustOpen(t, mustSchema(t)) })
}
