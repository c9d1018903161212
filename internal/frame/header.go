package frame

import (
	"context"
	"net/http"
)

// DefaultMaxHeaderBytes is the header block a service answers when
// LimitHeaders set no other limit: AWS's front ends refuse far smaller.
const DefaultMaxHeaderBytes = 64 << 10

// ErrHeadersTooLarge is a request whose header block passes the limit
// LimitHeaders set. Net/http can only answer an oversized header block in
// plain text, before any handler runs; so the server lets it read a
// generous block and the frame refuses what passes this limit in the
// service's own error shape.
var ErrHeadersTooLarge = &Error{Status: http.StatusRequestHeaderFieldsTooLarge, Type: "RequestHeaderFieldsTooLargeException",
	Message: "The request's headers are too large"}

type headerLimitKey struct{}

// LimitHeaders makes max the largest header block (the request line and
// every header, as net/http counts them) that next's services answer; a
// larger one gets ErrHeadersTooLarge.
func LimitHeaders(next http.Handler, max int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !headersOver(r, min(max, DefaultMaxHeaderBytes)) {
			// Within both limits: HeadersTooLarge answers the same
			// without the limit, so the request is not copied to carry
			// it.
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), headerLimitKey{}, max)))
	})
}

// HeadersTooLarge reports whether r's header block passes its limit
// (LimitHeaders, else DefaultMaxHeaderBytes).
func HeadersTooLarge(r *http.Request) bool {
	max, ok := r.Context().Value(headerLimitKey{}).(int)
	if !ok {
		max = DefaultMaxHeaderBytes
	}
	return headersOver(r, max)
}

// headersOver reports whether r's header block is longer than max bytes.
func headersOver(r *http.Request, max int) bool {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4 // ": " and CRLF
		}
		if n > max {
			return true
		}
	}
	return n > max
}
