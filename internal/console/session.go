package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
)

// cookieName is the console's session cookie.
const cookieName = "detective_console"

// sessionLifetime is how long a sign-in lasts.
const sessionLifetime = 12 * time.Hour

// session is who the console acts as: an account in a region, and with
// verification on the access key it signed in with.
type session struct {
	Account detective.AccountID `json:"a"`
	Region  string              `json:"r"`
	Key     string              `json:"k,omitempty"`
	Expires int64               `json:"e"` // Unix seconds
}

func (s session) caller() detective.Caller {
	return detective.Caller{Account: s.Account, Region: s.Region}
}

// errBadSession is any cookie that does not hold a valid session.
var errBadSession = errors.New("console: no valid session")

// seal encodes s as a cookie value: the JSON payload and its HMAC-SHA256
// under key, both base64url.
func seal(s session, key []byte) string {
	payload, _ := json.Marshal(s) // a struct of strings and ints always encodes
	mac := hmac.New(sha256.New, key)
	mac.Write(payload)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// open decodes a cookie value sealed with the key keyFor returns for its
// session; the value comes from the browser, so nothing in it is trusted
// before the MAC checks.
func open(value string, now time.Time, keyFor func(session) ([]byte, bool)) (session, error) {
	p, m, ok := strings.Cut(value, ".")
	if !ok || len(value) > 1024 {
		return session{}, errBadSession
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sum, err2 := base64.RawURLEncoding.DecodeString(m)
	if err1 != nil || err2 != nil {
		return session{}, errBadSession
	}
	var s session
	if err := json.Unmarshal(payload, &s); err != nil {
		return session{}, errBadSession
	}
	key, ok := keyFor(s)
	if !ok {
		return session{}, errBadSession
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(payload)
	if !hmac.Equal(sum, mac.Sum(nil)) {
		return session{}, errBadSession
	}
	if now.Unix() >= s.Expires || !validAccount(string(s.Account)) || !validRegion(s.Region) {
		return session{}, errBadSession
	}
	return s, nil
}

// validAccount is the shape of an account ID: 12 digits.
func validAccount(a string) bool {
	if len(a) != 12 {
		return false
	}
	for _, c := range a {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// validRegion is the shape of a region code: lowercase words joined by
// hyphens ending in a number, as the API checks a credential scope.
func validRegion(r string) bool {
	if len(r) == 0 || len(r) > 20 || r[len(r)-1] < '0' || r[len(r)-1] > '9' || !strings.Contains(r, "-") {
		return false
	}
	for _, c := range r {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// sessionKey is the key a session is sealed with. With verification on,
// it is the secret of the session's access key, so that a session is as
// good as the key that opened it, on every replica that knows the key,
// and ends when the key is gone. Without, it is the server's own random
// key: anyone may act as any account then, as with the API itself.
func (h *Handler) sessionKey(s session) ([]byte, bool) {
	if !h.cfg.Verify {
		return h.processKey, s.Key == ""
	}
	k, ok := h.cfg.Keys(s.Key)
	if !ok || k.Account != s.Account {
		return nil, false
	}
	return []byte("detective-console:" + k.Secret), true
}

func (h *Handler) currentSession(r *http.Request) (session, bool) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return session{}, false
	}
	s, err := open(c.Value, h.cfg.Now(), h.sessionKey)
	return s, err == nil
}

func (h *Handler) setSession(w http.ResponseWriter, s session) {
	key, _ := h.sessionKey(s)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: seal(s, key), Path: Prefix, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Expires: time.Unix(s.Expires, 0)})
}

func clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix, HttpOnly: true, MaxAge: -1})
}
