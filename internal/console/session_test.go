package console

import (
	"strings"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
)

func TestSessionOpen(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	key := []byte("k1")
	keyFor := func(session) ([]byte, bool) { return key, true }
	good := session{Account: "111111111111", Region: "us-east-1", Expires: now.Add(time.Hour).Unix()}
	sealed := seal(good, key)
	payload, mac, _ := strings.Cut(sealed, ".")
	tests := []struct {
		name  string
		value string
		ok    bool
	}{
		{"sealed with the key", sealed, true},
		{"sealed with another key", seal(good, []byte("k2")), false},
		{"expired", seal(session{Account: "111111111111", Region: "us-east-1", Expires: now.Unix()}, key), false},
		{"payload changed", seal(session{Account: "222222222222", Region: "us-east-1", Expires: good.Expires}, key)[:len(payload)] + "." + mac, false},
		{"bad account", seal(session{Account: "1111", Region: "us-east-1", Expires: good.Expires}, key), false},
		{"bad region", seal(session{Account: "111111111111", Region: "US_EAST", Expires: good.Expires}, key), false},
		{"no MAC", payload, false},
		{"garbage", "%%%.%%%", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := open(tc.value, now, keyFor)
			if (err == nil) != tc.ok {
				t.Fatalf("open(%q) = %+v, %v; want ok %v", tc.value, s, err, tc.ok)
			}
			if tc.ok && s.caller() != (detective.Caller{Account: "111111111111", Region: "us-east-1"}) {
				t.Errorf("open(%q).caller() = %+v", tc.value, s.caller())
			}
		})
	}
}

// TestSessionKey: with verification on, a session is good only while its
// access key still maps to its account, and is sealed with that key's
// secret; without, only sessions with no key are good.
func TestSessionKey(t *testing.T) {
	t.Parallel()
	keys := map[string]Key{"AKIA1": {Secret: "s1", Account: "111111111111"}}
	lookup := func(id string) (Key, bool) { k, ok := keys[id]; return k, ok }
	verified := &Handler{cfg: Config{Verify: true, Keys: lookup}}
	open := &Handler{cfg: Config{}, processKey: []byte("p")}
	tests := []struct {
		name string
		h    *Handler
		s    session
		ok   bool
	}{
		{"verified, known key of the account", verified, session{Account: "111111111111", Key: "AKIA1"}, true},
		{"verified, key of another account", verified, session{Account: "222222222222", Key: "AKIA1"}, false},
		{"verified, unknown key", verified, session{Account: "111111111111", Key: "AKIA2"}, false},
		{"verified, no key", verified, session{Account: "111111111111"}, false},
		{"open, no key", open, session{Account: "111111111111"}, true},
		{"open, a key", open, session{Account: "111111111111", Key: "AKIA1"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := tc.h.sessionKey(tc.s); ok != tc.ok {
				t.Errorf("sessionKey(%+v) ok = %v, want %v", tc.s, ok, tc.ok)
			}
		})
	}
}

// FuzzSessionOpen: a cookie is the browser's to send, so open must refuse
// anything it did not seal, without panicking.
func FuzzSessionOpen(f *testing.F) {
	key := []byte("k")
	f.Add(seal(session{Account: "111111111111", Region: "us-east-1", Expires: 1 << 40}, key))
	f.Add("e30.AAAA")
	f.Add(".")
	f.Fuzz(func(t *testing.T, v string) {
		s, err := open(v, time.Unix(0, 0), func(session) ([]byte, bool) { return key, true })
		if err == nil && seal(s, key) == "" {
			t.Fatal("opened a session that does not seal")
		}
	})
}
