package stsapi_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/sdksource"
)

// commonErrors are the error codes the AWS query protocol answers for any
// service, which no service model lists: AWS's "common errors" (action,
// parameters, validation, authentication, internal failure) and the
// unreadable or oversized body.
var commonErrors = []string{
	"AccessDenied", "IncompleteSignature", "InternalFailure", "InvalidAction", "InvalidClientTokenId",
	"MissingAction", "MissingAuthenticationToken", "MalformedQueryString", "ValidationError",
	"SignatureDoesNotMatch", "ExpiredToken", "MalformedInput", "RequestEntityTooLarge",
}

// FuzzServe sends any query string and form body to the running server as
// STS requests. Whatever they hold, a body that is not valid URL encoding
// is never answered 2xx, and every error's <Code> is one the STS service
// model declares, or a common error of the query protocol.
func FuzzServe(f *testing.F) {
	allowed := modeledErrorCodes(f)
	for _, c := range commonErrors {
		allowed[c] = true
	}
	f.Add("", "Action=GetCallerIdentity&Version=2011-06-15")
	f.Add("", "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FA&RoleSessionName=enrol")
	f.Add("", "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FA&RoleSessionName=enrol&DurationSeconds=99999999999999999999")
	f.Add("Action=AssumeRole&Version=2011-06-15", "RoleArn=x&RoleSessionName=%ZZ")
	f.Add("", "Action=NoSuchAction&Version=2011-06-15")
	f.Add("", "Action=GetCallerIdentity")
	f.Add("a=%", "")
	f.Add("", "%")
	env := apitest.StartWorld(f, apitest.Backends(f)[0], apitest.Options{}, organizations.Seed{})
	f.Fuzz(func(t *testing.T, query, body string) {
		req, err := http.NewRequest("POST", env.URL+"/", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		apitest.Sign(t, req, "sts", caller, body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		ok := resp.StatusCode/100 == 2
		if _, err := url.ParseQuery(body); ok && err != nil {
			t.Errorf("malformed body %q = %d %s, want an error", body, resp.StatusCode, b)
		}
		if ok {
			return
		}
		var e struct {
			Code string `xml:"Error>Code"`
		}
		if err := xml.Unmarshal(b, &e); err != nil || !allowed[e.Code] {
			t.Errorf("query %q body %q = %d with error code %q, which the service model does not declare: %s", query, body, resp.StatusCode, e.Code, b)
		}
	})
}

// modeledErrorCodes are the error codes the SDK's deserializers match,
// generated from the STS service model.
func modeledErrorCodes(tb testing.TB) map[string]bool {
	return sdksource.Names(tb, "github.com/aws/aws-sdk-go-v2/service/sts", "deserializers.go", `EqualFold\("(\w+)", errorCode\)`, 5)
}
