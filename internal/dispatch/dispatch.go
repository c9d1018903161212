// Package dispatch routes each request on the one endpoint to the AWS
// service it is for: Organizations by its X-Amz-Target prefix, otherwise
// by the SigV4 credential scope's service name (sts, organizations,
// detective), and an unsigned form-encoded POST — the query protocol's
// shape, which Detective's rest-json never uses — to STS. Everything else
// goes to Detective, whose handler answers what it does not know in its
// own protocol. Paths under the operator's prefix go to the operator.
// It routes by prefix, not with an http.ServeMux, so that a path such as
// "//graph" reaches a service (which answers it in its own protocol)
// instead of the mux's bodiless redirect.
//
// It looks only at headers and the query string, never the body, so that
// each service's handler reads and verifies the body itself. It imports
// net/http and the standard library only.
package dispatch

import (
	"mime"
	"net/http"
	"strings"
)

// Handler routes requests to the service handlers.
type Handler struct {
	// Operator serves every path under OperatorPrefix.
	Operator http.Handler
	// Metrics serves MetricsPath; Console every path under ConsolePrefix.
	Metrics       http.Handler
	Console       http.Handler
	Detective     http.Handler
	STS           http.Handler
	Organizations http.Handler
}

// organizationsTarget is the X-Amz-Target prefix of AWS Organizations.
const organizationsTarget = "AWSOrganizationsV20161128."

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.route(r).ServeHTTP(w, r)
}

// OperatorPrefix is the path prefix of the operator endpoints.
const OperatorPrefix = "/_detective/"

// MetricsPath is where the metrics are served, without the operator's
// guard: like health, scrapers cannot sign, and the counts name no
// account or resource.
const MetricsPath = OperatorPrefix + "metrics"

// ConsolePrefix is the web console's path prefix.
const ConsolePrefix = "/console/"

func (h *Handler) route(r *http.Request) http.Handler {
	if h.Metrics != nil && r.URL.Path == MetricsPath && r.Method == http.MethodGet {
		return h.Metrics
	}
	if h.Console != nil && (strings.HasPrefix(r.URL.Path, ConsolePrefix) || r.URL.Path+"/" == ConsolePrefix) {
		return h.Console
	}
	if h.Operator != nil && (strings.HasPrefix(r.URL.Path, OperatorPrefix) || r.URL.Path+"/" == OperatorPrefix) {
		return h.Operator
	}
	if strings.HasPrefix(r.Header.Get("X-Amz-Target"), organizationsTarget) {
		return h.Organizations
	}
	switch Service(r) {
	case "sts":
		return h.STS
	case "organizations":
		return h.Organizations
	case "":
		// The query protocol posts to "/", where Detective has no route;
		// an unsigned form post to a Detective path (curl's default
		// content type) stays Detective's.
		if isForm(r) && r.URL.Path == "/" {
			return h.STS
		}
	}
	return h.Detective
}

// Service returns the service name of r's SigV4 credential scope
// (AKID/date/region/service/aws4_request), from the Authorization header
// or a presigned query string; "" when r is not signed. It is lenient: a
// malformed signature is for the service's own handler to refuse.
func Service(r *http.Request) string {
	cred := ""
	if a := r.Header.Get("Authorization"); a != "" {
		_, rest, ok := strings.Cut(a, "Credential=")
		if !ok {
			return ""
		}
		cred, _, _ = strings.Cut(rest, ",")
	} else if r.URL != nil {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	// The fourth field, found without splitting the scope into a new
	// slice on every request.
	rest := strings.TrimSpace(cred)
	for range 3 {
		var ok bool
		if _, rest, ok = strings.Cut(rest, "/"); !ok {
			return ""
		}
	}
	service, _, _ := strings.Cut(rest, "/")
	return service
}

// isForm reports whether r is a form-encoded POST: the query protocol's
// request shape.
func isForm(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return r.Method == http.MethodPost && mt == "application/x-www-form-urlencoded"
}
