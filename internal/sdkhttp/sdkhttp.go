// Package sdkhttp is the HTTP client that aws-sdk-go-v2 clients of this
// server should use. It imports net/http only.
//
// smithy-go wraps request bodies in a closer whose WriteTo returns io.EOF
// once closed, and closes it as soon as the response arrives. net/http's
// writeLoop, having sent the body, makes one more copy from it to check its
// length; when the server answers first (a fast server on loopback), that
// copy fails with io.EOF and writeLoop closes the connection under the
// response being read: "use of closed network connection" (aws-sdk-go-v2
// issues #1825 and #2737). Hiding WriteTo makes that copy use Read, which
// reports EOF as io.Copy expects. Retrying instead would resend writes the
// server already applied.
package sdkhttp

import (
	"io"
	"net/http"
)

// Client sends requests through c with their bodies' WriteTo hidden.
type Client struct{ c *http.Client }

// New returns a Client over c (http.DefaultClient when nil).
func New(c *http.Client) Client {
	if c == nil {
		c = http.DefaultClient
	}
	return Client{c}
}

// Do sends r.
func (h Client) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = struct{ io.ReadCloser }{r.Body} // only Read and Close
	}
	return h.c.Do(r)
}
