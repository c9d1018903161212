package dispatch

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type named string

func (n named) ServeHTTP(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(n)) }

func TestRoute(t *testing.T) {
	h := &Handler{Detective: named("detective"), STS: named("sts"), Organizations: named("organizations")}
	sig := func(service string) string {
		return "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/" + service + "/aws4_request, SignedHeaders=host, Signature=00"
	}
	for _, tc := range []struct {
		name, method, path, target, auth, query, contentType, want string
	}{
		{name: "detective signed", method: "POST", auth: sig("detective"), want: "detective"},
		{name: "sts signed", method: "POST", auth: sig("sts"), contentType: "application/x-www-form-urlencoded", want: "sts"},
		{name: "organizations signed", method: "POST", auth: sig("organizations"), want: "organizations"},
		{name: "organizations target, other scope", method: "POST", auth: sig("detective"), target: "AWSOrganizationsV20161128.ListAccounts", want: "organizations"},
		{name: "organizations target, unsigned", method: "POST", target: "AWSOrganizationsV20161128.ListRoots", want: "organizations"},
		{name: "other target", method: "POST", target: "DynamoDB_20120810.ListTables", want: "detective"},
		{name: "unknown service", method: "POST", auth: sig("s3"), want: "detective"},
		{name: "unsigned", method: "POST", want: "detective"},
		{name: "unsigned form", method: "POST", contentType: "application/x-www-form-urlencoded; charset=utf-8", want: "sts"},
		{name: "unsigned form to a Detective path", method: "POST", path: "/graphs/list", contentType: "application/x-www-form-urlencoded", want: "detective"},
		{name: "presigned sts", method: "GET", query: "Action=GetCallerIdentity&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fsts%2Faws4_request", want: "sts"},
		{name: "malformed credential", method: "POST", auth: "AWS4-HMAC-SHA256 Credential=garbage", want: "detective"},
		{name: "not sigv4", method: "GET", auth: "Bearer x", want: "detective"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = "/"
			}
			r := httptest.NewRequest(tc.method, path+"?"+tc.query, strings.NewReader(""))
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			if tc.target != "" {
				r.Header.Set("X-Amz-Target", tc.target)
			}
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if got := w.Body.String(); got != tc.want {
				t.Errorf("routed to %q, want %q", got, tc.want)
			}
		})
	}
}

// TestService: the scope's fourth field, "" when there are fewer.
func TestService(t *testing.T) {
	for cred, want := range map[string]string{
		"AKID/20260101/us-east-1/sts/aws4_request": "sts",
		" AKID/20260101/us-east-1/detective ":      "detective",
		"AKID/20260101/us-east-1/":                 "",
		"AKID/20260101/us-east-1":                  "",
		"a/b/c/d/e/f":                              "d",
		"":                                         "",
	} {
		r := httptest.NewRequest("POST", "/", nil)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+cred+", SignedHeaders=host")
		if got := Service(r); got != want {
			t.Errorf("Service(Credential=%q) = %q, want %q", cred, got, want)
		}
	}
}
