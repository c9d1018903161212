package detective

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/detective-local/detective-local/internal/world"
)

// AccountID is a 12-digit AWS account ID. It is the world's
// (internal/world); Detective names accounts by the same type.
type AccountID = world.AccountID

// Caller is who is calling and where: the account that owns the request's
// credentials and the region of its credential scope. Every Service method
// takes one; nothing is implied.
type Caller struct {
	Account AccountID
	Region  string
}

// Clock tells the time. Tests inject a fake; production uses SystemClock.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// IDSource makes new identifiers. Tests inject a deterministic one.
type IDSource interface {
	// GraphID returns a new behavior-graph ID: 32 lowercase hex characters.
	GraphID() string
	// InvestigationID returns a new investigation ID made at now: 21
	// decimal digits, increasing with time.
	InvestigationID(now time.Time) string
}

// RandomIDs makes identifiers from crypto/rand.
type RandomIDs struct{}

// GraphID returns 16 random bytes in lowercase hex.
func (RandomIDs) GraphID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// InvestigationID returns the Unix time of now in milliseconds (13 digits)
// followed by 8 random digits, so IDs sort by creation time.
func (RandomIDs) InvestigationID(now time.Time) string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return fmt.Sprintf("%013d%08d", now.UnixMilli(), binary.BigEndian.Uint64(b[:])%100_000_000)
}
