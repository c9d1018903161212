package organizations

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/detective-local/detective-local/internal/detective"
)

// IDSource makes the identifiers of the Organizations world. Tests inject
// a deterministic one; production uses RandomIDs.
type IDSource interface {
	OrganizationID() string         // "o-" and 10 lowercase letters or digits
	RootID() string                 // "r-" and 4 lowercase letters or digits
	HandshakeID() string            // "h-" and 10 lowercase letters or digits
	CreateAccountRequestID() string // "car-" and 32 lowercase hex digits
	AccountID() detective.AccountID // 12 digits
	EventID() string                // unique: 32 lowercase hex digits
}

// RandomIDs makes identifiers from crypto/rand.
type RandomIDs struct{}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

func randomHex(n int) string {
	b := make([]byte, n/2)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// OrganizationID returns "o-" and 10 random characters, as AWS's look.
func (RandomIDs) OrganizationID() string { return "o-" + randomString(10) }

// RootID returns "r-" and 4 random characters, as AWS's look.
func (RandomIDs) RootID() string { return "r-" + randomString(4) }

// HandshakeID returns "h-" and 10 random characters.
func (RandomIDs) HandshakeID() string { return "h-" + randomString(10) }

// CreateAccountRequestID returns "car-" and 32 random hex digits, as AWS's
// look.
func (RandomIDs) CreateAccountRequestID() string { return "car-" + randomHex(32) }

// AccountID returns 12 random digits that do not start with 0, so that it
// never looks like the default account 000000000000.
func (RandomIDs) AccountID() detective.AccountID {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	var n uint64
	for _, x := range b {
		n = n<<8 | uint64(x)
	}
	return detective.AccountID(fmt.Sprintf("%012d", 100_000_000_000+n%900_000_000_000))
}

// EventID returns 32 random hex digits.
func (RandomIDs) EventID() string { return randomHex(32) }

// errIDsExhausted is returned when IDSource keeps making account IDs that
// are taken, which only a broken IDSource does.
var errIDsExhausted = errors.New("organizations: no free account ID after 100 tries")
