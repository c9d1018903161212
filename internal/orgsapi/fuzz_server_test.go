package orgsapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"testing"

	orgsdk "github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/sdksource"
)

// protocolErrors are the errors of the JSON 1.1 protocol itself, which no
// service model lists: an unreadable or oversized body, an unknown
// X-Amz-Target, and the authentication errors of SigV4.
var protocolErrors = []string{
	"SerializationException", "RequestEntityTooLargeException", "UnknownOperationException",
	"MissingAuthenticationTokenException", "IncompleteSignatureException", "UnrecognizedClientException",
	"InvalidSignatureException", "ExpiredTokenException",
}

// FuzzServe sends any body to any operation of the running server, signed
// by the management account of an organization. Whatever it holds, a body
// that is not JSON is never answered 2xx, and every error is an exception
// the Organizations service model declares (or one of the protocol's).
func FuzzServe(f *testing.F) {
	allowed := modeledExceptions(f)
	for _, e := range protocolErrors {
		allowed[e] = true
	}
	client := reflect.TypeOf(&orgsdk.Client{})
	for i := range client.NumMethod() {
		op := client.Method(i).Name
		if op == "Options" {
			continue
		}
		f.Add(op, []byte(`{}`))
		f.Add(op, []byte(`{"AccountId":"222222222222","Id":"o-exampleorg1","ServicePrincipal":"detective.amazonaws.com"}`))
	}
	f.Add("CreateAccount", []byte(`{"Email":"a@example.com","AccountName":"A","Tags":[{"Key":"k","Value":"v"}]}`))
	f.Add("InviteAccountToOrganization", []byte(`{"Target":{"Id":"123456789012","Type":"ACCOUNT"},"Notes":"hi"}`))
	f.Add("InviteAccountToOrganization", []byte(`{"Target":null,"Tags":[{}]}`))
	f.Add("ListAccounts", []byte(`{"MaxResults":0,"NextToken":"x"}`))
	f.Add("ListAccounts", []byte(`[1,2`))
	f.Add("NoSuchOperation", []byte(`{}`))
	seed := organizations.Seed{Organizations: []organizations.SeedOrganization{{ID: "o-exampleorg1", Management: management,
		Members: []organizations.SeedMember{{Account: "222222222222"}}}}}
	env := apitest.StartWorld(f, apitest.Backends(f)[0], apitest.Options{}, seed)
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		req, err := http.NewRequest("POST", env.URL+"/", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSOrganizationsV20161128."+op)
		apitest.Sign(t, req, "organizations", management, string(body))
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
		if ok && !json.Valid(body) && len(bytes.TrimSpace(body)) > 0 {
			t.Errorf("%s with malformed body %q = %d %s, want an error", op, body, resp.StatusCode, b)
		}
		if !ok {
			if typ := resp.Header.Get("X-Amzn-ErrorType"); !allowed[typ] {
				t.Errorf("%s(%q) = %d with error %q, which the service model does not declare: %s", op, body, resp.StatusCode, typ, b)
			}
		}
	})
}

// modeledExceptions are the exceptions the Organizations service model
// declares.
func modeledExceptions(tb testing.TB) map[string]bool {
	return sdksource.Names(tb, "github.com/aws/aws-sdk-go-v2/service/organizations", "types/errors.go", sdksource.ExceptionPattern, 20)
}
