package operator

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/frame"
	"github.com/detective-local/detective-local/internal/sigv4"
)

// DefaultGuardBodyBytes bounds the body Guard reads to check a signature
// over it.
const DefaultGuardBodyBytes = 1 << 20

// Guard decides who may call an operator endpoint. With signature
// verification off, everyone may: the endpoints are as open as the AWS
// API, which then trusts any signature. With it on, only requests signed
// with a long-term key the seed file marks "operator": true, so that no
// ordinary account can rewrite the world or reset the server.
//
// Every operator endpoint, also ones served outside this package (a bulk
// ingest endpoint, say), goes through Wrap.
type Guard struct {
	Auth *auth.Authenticator
	// MaxBody bounds the body read to check a signature over it; 0 means
	// DefaultGuardBodyBytes. A client streaming a larger body signs it
	// with X-Amz-Content-Sha256: UNSIGNED-PAYLOAD (as S3 clients do), and
	// the body then reaches the endpoint unread.
	MaxBody int64
}

// HealthPath is the health endpoint, which anyone may GET.
const HealthPath = Prefix + "health"

// Wrap returns next behind the guard.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if w.Header().Get(frame.RequestIDHeader) == "" {
			w.Header().Set(frame.RequestIDHeader, frame.NewRequestID())
		}
		if g.Auth == nil || !g.Auth.Verify || (r.Method == http.MethodGet && r.URL.Path == HealthPath) {
			// Health tells nothing about the world, and load balancers
			// that probe it cannot sign.
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		if r.Header.Get("X-Amz-Content-Sha256") != "UNSIGNED-PAYLOAD" {
			limit := g.MaxBody
			if limit <= 0 {
				limit = DefaultGuardBodyBytes
			}
			var err error
			if body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, limit)); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
						"a signed body this large must be sent with X-Amz-Content-Sha256: UNSIGNED-PAYLOAD")
					return
				}
				writeError(w, http.StatusBadRequest, "BadRequest", "could not read the request body")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		id, err := g.Auth.Authenticate(r, body)
		var se *sigv4.Error
		switch {
		case errors.As(err, &se):
			writeError(w, se.Status, se.Code, se.Message)
			return
		case err != nil:
			writeError(w, http.StatusInternalServerError, "InternalError", "could not authenticate the request")
			return
		case !g.Auth.IsOperator(id.AccessKeyID):
			writeError(w, http.StatusForbidden, "AccessDenied",
				"operator endpoints need a key that the seed file marks \"operator\": true")
			return
		}
		next.ServeHTTP(w, r)
	})
}
