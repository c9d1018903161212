package detective

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Page tokens are stateless, so that they survive restarts and work on any
// replica: the keyset position, bound by a digest to the operation and the
// arguments it was issued for. A token is not secret; forging one only
// moves the page start, which any caller may do anyway.

const tokenDigestLen = 12

func tokenDigest(op, scope, after string) []byte {
	sum := sha256.Sum256([]byte(op + "\x00" + scope + "\x00" + after))
	return sum[:tokenDigestLen]
}

// encodeToken returns the NextToken that resumes op after the key after.
func encodeToken(op, scope, after string) string {
	b := append(tokenDigest(op, scope, after), after...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken returns the keyset position of a NextToken, or a
// ValidationException if the token is malformed or was issued for another
// operation or other arguments. An empty token means the first page.
func decodeToken(tok, op, scope string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(tok, "="))
	if err != nil || len(b) <= tokenDigestLen {
		return "", Invalid("NextToken is not a valid pagination token")
	}
	after := string(b[tokenDigestLen:])
	if string(b[:tokenDigestLen]) != string(tokenDigest(op, scope, after)) {
		return "", Invalid("NextToken was not issued for this operation with these arguments")
	}
	return after, nil
}
