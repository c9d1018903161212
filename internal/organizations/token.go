package organizations

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
	return base64.RawURLEncoding.EncodeToString(append(tokenDigest(op, scope, after), after...))
}

// decodeToken returns the keyset position of a NextToken ("" for the first
// page), or InvalidInputException if the token was not issued for op with
// these arguments.
func decodeToken(tok, op, scope string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(tok, "="))
	if err != nil || len(b) <= tokenDigestLen || string(b[:tokenDigestLen]) != string(tokenDigest(op, scope, string(b[tokenDigestLen:]))) {
		return "", InvalidInput("INVALID_NEXT_TOKEN",
			"You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.")
	}
	return string(b[tokenDigestLen:]), nil
}

// DefaultPageSize is the page size of list operations without MaxResults:
// the model's largest MaxResults.
const DefaultPageSize = 20

func pageSize(n int) int {
	if n <= 0 {
		return DefaultPageSize
	}
	return n
}

// page trims rows fetched with one extra to n and returns the NextToken
// that resumes after the last row kept, "" when there is no more.
func page[T any](rows []T, n int, op, scope string, key func(T) string) ([]T, string) {
	if len(rows) <= n {
		return rows, ""
	}
	rows = rows[:n]
	return rows, encodeToken(op, scope, key(rows[n-1]))
}
