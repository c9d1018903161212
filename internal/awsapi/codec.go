package awsapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/frame"
)

// decodeBody decodes the request's JSON body into v. An empty body is {}
// (AWS's own samples send Content-Length: 0); member names match exactly,
// unknown members are ignored and null is absent, as the SDKs expect.
// Anything else that is not the shape of v is a ValidationException.
func decodeBody(r *http.Request, v any) error {
	if oc := opFrom(r); oc != nil {
		return decodeJSON(oc.body, v) // read once, by the frame
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	return decodeJSON(body, v)
}

func decodeJSON(body []byte, v any) error {
	err := frame.DecodeJSON(body, v)
	if err == nil {
		return nil
	}
	var domainErr *detective.Error
	var typeErr *frame.TypeError
	switch {
	case errors.As(err, &domainErr):
		return domainErr // from a member's own UnmarshalJSON
	case errors.Is(err, frame.ErrNUL):
		// AWS: the model's patterns for the strings a caller can send
		// (e-mails, ARNs, tags) exclude control characters; see
		// frame.ErrNUL.
		return detective.Invalid("Member values must not contain the NUL character (U+0000)")
	case errors.As(err, &typeErr):
		return detective.Invalid("Value at '%s' must be of type %s, not JSON %s", typeErr.Member, typeErr.Want, typeErr.Got)
	}
	return detective.Invalid("The request body is not valid JSON")
}

// plainScanner reads the tokens of a JSON text that decodePlain methods
// accept: punctuation, and strings of printable ASCII without escapes.
type plainScanner struct {
	b []byte
	i int
}

func (s *plainScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next consumes c, after white space, if it comes next.
func (s *plainScanner) next(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str consumes a plain string and returns where its text starts and
// ends; false for anything else.
func (s *plainScanner) str() (start, end int, ok bool) {
	if !s.next('"') {
		return 0, 0, false
	}
	for j := s.i; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			start, s.i = s.i, j+1
			return start, j, true
		case c < 0x20 || c >= 0x7f || c == '\\':
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// end reports whether only white space is left.
func (s *plainScanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("awsapi: encode response: %w", err)
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away; nothing to do
	return nil
}

// writeEmpty answers an operation that has no output.
func writeEmpty(w http.ResponseWriter, status int) error {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
	return nil
}

// isoTime formats t as the model's Timestamp (iso8601, UTC, milliseconds);
// nil for the zero time, so that the member is omitted.
func isoTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format("2006-01-02T15:04:05.000Z")
	return &s
}

// wireTime is a request timestamp: the model's iso8601 string (RFC 3339,
// any fractional precision, Z or an offset), or, for lenient legacy
// clients, a JSON number of epoch seconds.
type wireTime struct{ time.Time }

func (t *wireTime) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		parsed, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return detective.Invalid("Timestamp %q is not an ISO-8601 date-time such as 2025-01-02T15:04:05.000Z", s)
		}
		t.Time = parsed.UTC()
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return detective.Invalid("A timestamp must be an ISO-8601 string")
	}
	t.Time = time.UnixMilli(int64(secs * 1000)).UTC()
	return nil
}
