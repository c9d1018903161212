package awsapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/sdksource"
	"github.com/detective-local/detective-local/internal/sqlite"
)

// protocolErrors are the errors of the rest-json protocol itself, which no
// service model lists: an unreadable or oversized body, an unknown path or
// method, and the authentication errors of SigV4.
var protocolErrors = []string{
	"SerializationException", "RequestEntityTooLargeException", "UnknownOperationException", "MethodNotAllowedException",
	"MissingAuthenticationTokenException", "IncompleteSignatureException", "UnrecognizedClientException",
	"InvalidSignatureException", "ExpiredTokenException",
}

// FuzzServe sends any body to every one of the 29 operations of a running
// server (the seed corpus has bodies for each, from the route table) on a
// healthy store. Whatever the body holds, JSON that does not parse is never
// answered 2xx, no request ends in an internal error (a decoder or shape
// check that fails otherwise than with a ValidationException is a bug, and
// a panic would be recovered as one), and every error is an exception the
// Detective service model declares, or one of the protocol's.
func FuzzServe(f *testing.F) {
	const account = "111111111111"
	graph := "arn:aws:detective:us-east-1:" + account + ":graph:027c7c4610ea4aacaf0b883093cab899"
	bodies := []string{
		`{}`, ``, `null`, `[1,2`, "\xff\xfe", `{"GraphArn":1}`,
		`{"GraphArn":"` + graph + `","AccountIds":["222222222222"],"AccountId":"222222222222","MaxResults":201,"NextToken":"x"}`,
		`{"GraphArn":"` + graph + `","Accounts":[{"AccountId":"222222222222","EmailAddress":"a@b.co"},null,{}],"Message":"hi"}`,
		`{"GraphArns":["` + graph + `"],"Tags":{"a":"b","aws:x":""},"DatasourcePackages":["EKS_AUDIT","NOPE"],"AutoEnable":true}`,
		`{"GraphArn":"` + graph + `","EntityArn":"arn:aws:iam::123456789012:role/r","ScopeStartTime":"2024-01-01T00:00:00Z","ScopeEndTime":"2023-01-01T00:00:00Z"}`,
		`{"GraphArn":"` + graph + `","InvestigationId":"000000000000000000001","State":"ARCHIVED","IndicatorType":"TTP_OBSERVED"}`,
		`{"GraphArn":"` + graph + `","FilterCriteria":{"Severity":{"Value":"HIGH"},"CreatedTime":{"StartInclusive":"x"}},"SortCriteria":{"Field":"SEVERITY","SortOrder":"ASC"}}`,
		`{"GraphArn":"` + graph + `","MaxResults":-1e99}`,
	}
	for i := range routes {
		for _, b := range bodies {
			f.Add(uint8(i), []byte(b))
		}
	}
	allowed := modeledExceptions(f)
	for _, e := range protocolErrors {
		allowed[e] = true
	}
	store, err := sqlite.Open(f.Context(), filepath.Join(f.TempDir(), "d.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { store.Close() })
	svc := detective.NewService(store, detective.SystemClock{}, detective.RandomIDs{}, detective.Config{})
	srv := httptest.NewServer(NewServer(Config{Service: svc, Logger: slog.New(slog.DiscardHandler),
		Auth: &auth.Authenticator{DefaultAccount: account, DefaultRegion: "us-east-1"}}))
	f.Cleanup(srv.Close)
	if _, err := svc.CreateGraph(f.Context(), detective.Caller{Account: account, Region: "us-east-1"}, detective.CreateGraphInput{}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		rt := routes[int(op)%len(routes)]
		method, path, _ := strings.Cut(rt.pattern, " ")
		path = strings.ReplaceAll(path, "{ResourceArn}", url.PathEscape(graph))
		req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if rt.name == "UntagResource" {
			req.URL.RawQuery = string(body) // its input is the query string
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		trimmed := bytes.TrimSpace(body)
		switch typ := resp.Header.Get("X-Amzn-ErrorType"); {
		case resp.StatusCode/100 == 2:
			if rt.name != "UntagResource" && len(trimmed) > 0 && !json.Valid(trimmed) {
				t.Errorf("%s with malformed body %q = %d %s, want an error", rt.name, body, resp.StatusCode, b)
			}
		case resp.StatusCode >= 500:
			t.Errorf("%s(%q) = %d %s, want no internal error on a healthy store", rt.name, body, resp.StatusCode, b)
		case !allowed[typ]:
			t.Errorf("%s(%q) = %d with error %q, which the service model does not declare: %s", rt.name, body, resp.StatusCode, typ, b)
		}
	})
}

// modeledExceptions are the exceptions Detective's service model declares.
func modeledExceptions(tb testing.TB) map[string]bool {
	return sdksource.Names(tb, "github.com/aws/aws-sdk-go-v2/service/detective", "types/errors.go", sdksource.ExceptionPattern, 5)
}
