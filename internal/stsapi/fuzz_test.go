package stsapi

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzParameters: whatever the query string and body hold, parameter
// parsing and AssumeRole's shape checks never panic.
func FuzzParameters(f *testing.F) {
	f.Add("Action=AssumeRole&Version=2011-06-15", "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FA&RoleSessionName=s&DurationSeconds=900")
	f.Add("", "RoleSessionName=%ZZ")
	f.Add("a=%", "DurationSeconds=99999999999999999999")
	f.Fuzz(func(t *testing.T, query, body string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		params, err := parameters(r, []byte(body))
		if err != nil {
			return
		}
		_, _ = assumeRoleInput(&request{Request: r, params: params})
	})
}
