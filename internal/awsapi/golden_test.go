package awsapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/smithy-go"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/sdkhttp"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the server's responses")

// TestGolden drives every Detective operation through aws-sdk-go-v2 against
// the whole server, with a fixed clock and sequential IDs, and holds each
// response (status, the headers clients read, the body's exact bytes) to
// testdata/golden/<Operation>.json. Every store must give the same bytes.
// Run with -update to rewrite the files from SQLite's responses.
func TestGolden(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		got = map[string]map[string][]byte{} // backend → file name → content
	)
	t.Run("scenario", func(t *testing.T) {
		for _, b := range apitest.Backends(t) {
			t.Run(b.Name, func(t *testing.T) {
				t.Parallel()
				// Each server has its own options: IDs count per server.
				files := render(runGoldenScenario(t, apitest.Start(t, b, goldenOptions(t))))
				mu.Lock()
				defer mu.Unlock()
				got[b.Name] = files
			})
		}
	})
	if t.Failed() {
		return
	}
	dir := filepath.Join("testdata", "golden")
	if *update {
		writeGolden(t, dir, got["sqlite"])
	}
	for _, b := range apitest.Backends(t) {
		compareGolden(t, dir, b.Name, got[b.Name])
	}
}

// exchange is one response as the client received it.
type exchange struct {
	op, name    string
	request     string // method and request URI
	status      int
	contentType string
	errorType   string // X-Amzn-ErrorType
	requestID   string // X-Amzn-Requestid, normalised
	body        []byte
}

// requestIDPattern is the form of the server's request IDs (frame's UUID
// form). Only a value of this form is normalised, so that a missing or
// malformed ID still shows in the golden files.
var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// recorder is the SDK clients' HTTP client: it sends each request and
// keeps a copy of the response, named by the SDK's operation.
type recorder struct {
	next    sdkhttp.Client
	mu      sync.Mutex
	pending []exchange
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.next.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	x := exchange{
		op:          awsmiddleware.GetOperationName(req.Context()),
		request:     req.Method + " " + req.URL.RequestURI(),
		status:      resp.StatusCode,
		contentType: resp.Header.Get("Content-Type"),
		errorType:   resp.Header.Get("X-Amzn-ErrorType"),
		requestID:   resp.Header.Get("X-Amzn-Requestid"),
		body:        body,
	}
	if requestIDPattern.MatchString(x.requestID) {
		x.requestID = "<request id>"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending = append(r.pending, x)
	return resp, nil
}

// golden runs the scenario's calls and files their exchanges.
type golden struct {
	t    *testing.T
	env  *apitest.Env
	rec  *recorder
	done []exchange
}

func newGolden(t *testing.T, env *apitest.Env) *golden {
	return &golden{t: t, env: env, rec: &recorder{next: sdkhttp.New(nil)}}
}

// client is a Detective client for account whose responses g records.
func (g *golden) client(account string) *detective.Client {
	return detective.New(detective.Options{
		Region:       apitest.DefaultRegion,
		BaseEndpoint: aws.String(g.env.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(account, "secret-"+account, ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   g.rec,
	})
}

// take files the one exchange of the call just made under name, and
// under op unless the SDK named the operation.
func (g *golden) take(op, name string) {
	g.t.Helper()
	g.rec.mu.Lock()
	defer g.rec.mu.Unlock()
	if len(g.rec.pending) != 1 {
		g.t.Fatalf("%s: %d responses recorded, want 1", name, len(g.rec.pending))
	}
	x := g.rec.pending[0]
	g.rec.pending = g.rec.pending[:0]
	if x.op == "" {
		x.op = op
	}
	if x.op == "" {
		g.t.Fatalf("%s: no operation name", name)
	}
	x.name = name
	g.done = append(g.done, x)
}

// raw sends body to path as account, signed, for the requests no SDK
// sends, and files the response under op and name.
func (g *golden) raw(op, name, account, method, path, body string) {
	g.t.Helper()
	req, err := http.NewRequest(method, g.env.URL+path, strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	apitest.Sign(g.t, req, "detective", account, body)
	resp, err := g.rec.Do(req)
	if err != nil {
		g.t.Fatalf("%s: %v", name, err)
	}
	resp.Body.Close()
	g.take(op, name)
}

// ok files the call just made, which must have succeeded.
func (g *golden) ok(name string, err error) {
	g.t.Helper()
	if err != nil {
		g.t.Fatalf("%s: %v", name, err)
	}
	g.take("", name)
}

// fail files the call just made, which must have failed with code.
func (g *golden) fail(name string, err error, code string) {
	g.t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code {
		g.t.Fatalf("%s: error %v, want %s", name, err, code)
	}
	g.take("", name)
}

// render writes each operation's exchanges, in the order they happened, as
// a JSON array. A one-line JSON body is copied byte for byte as Body; any
// other body, the empty one included, is quoted as BodyText. So the file
// differs whenever a byte of a response does.
func render(xs []exchange) map[string][]byte {
	byOp := map[string][]exchange{}
	for _, x := range xs {
		byOp[x.op] = append(byOp[x.op], x)
	}
	files := map[string][]byte{}
	for op, xs := range byOp {
		var b bytes.Buffer
		b.WriteString("[\n")
		for i, x := range xs {
			str := func(key, v string) {
				fmt.Fprintf(&b, "    %s: %s,\n", quote(key), quote(v))
			}
			b.WriteString("  {\n")
			str("Case", x.name)
			str("Request", x.request)
			fmt.Fprintf(&b, "    \"Status\": %d,\n", x.status)
			if x.contentType != "" {
				str("Content-Type", x.contentType)
			}
			if x.errorType != "" {
				str("X-Amzn-ErrorType", x.errorType)
			}
			str("X-Amzn-Requestid", x.requestID)
			switch {
			case len(x.body) == 0:
				b.WriteString("    \"BodyText\": \"\"\n")
			case json.Valid(x.body) && !bytes.ContainsAny(x.body, "\n\r"):
				fmt.Fprintf(&b, "    \"Body\": %s\n", x.body)
			default:
				fmt.Fprintf(&b, "    \"BodyText\": %s\n", quote(string(x.body)))
			}
			b.WriteString("  }")
			if i < len(xs)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString("]\n")
		files[op+".json"] = b.Bytes()
	}
	return files
}

// quote is s as a JSON string, with <, > and & left as they are for the
// reader.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// sdkOperations is every operation of the SDK's Detective client.
func sdkOperations() []string {
	ct := reflect.TypeOf(&detective.Client{})
	var ops []string
	for i := range ct.NumMethod() {
		if name := ct.Method(i).Name; name != "Options" {
			ops = append(ops, name)
		}
	}
	return ops
}

func writeGolden(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, path := range old {
		if _, ok := files[filepath.Base(path)]; !ok {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// compareGolden holds backend's files to dir, and requires a file for
// every SDK operation and every modeled exception the scenario reaches.
func compareGolden(t *testing.T, dir, backend string, files map[string][]byte) {
	t.Helper()
	for _, op := range sdkOperations() {
		if _, ok := files[op+".json"]; !ok {
			t.Errorf("%s: the scenario calls no %s", backend, op)
		}
	}
	for _, exc := range []string{"ValidationException", "ResourceNotFoundException", "ConflictException",
		"AccessDeniedException", "ServiceQuotaExceededException"} {
		found := false
		for _, content := range files {
			found = found || bytes.Contains(content, []byte(`"X-Amzn-ErrorType": "`+exc+`"`))
		}
		if !found {
			t.Errorf("%s: no response is a %s", backend, exc)
		}
	}
	stored, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, path := range stored {
		if _, ok := files[filepath.Base(path)]; !ok {
			t.Errorf("%s: %s has no responses of the scenario (stale; run with -update)", backend, path)
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v (run with -update)", backend, err)
			continue
		}
		if diff := firstDifference(files[name], want); diff != "" {
			t.Errorf("%s: %s differs from the golden file (run with -update if the change is meant):\n%s", backend, name, diff)
		}
	}
}

// firstDifference describes the first line where got and want differ,
// with the case it belongs to, or returns "".
func firstDifference(got, want []byte) string {
	if bytes.Equal(got, want) {
		return ""
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	kase := ""
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if strings.HasPrefix(w, `    "Case": `) {
			kase = strings.TrimSuffix(strings.TrimPrefix(w, `    "Case": `), ",")
		}
		if g == w {
			continue
		}
		col := 0
		for col < len(g) && col < len(w) && g[col] == w[col] {
			col++
		}
		from := max(0, col-80)
		return fmt.Sprintf("case %s, line %d, byte %d:\ngot  …%s\nwant …%s", kase, i+1, col+1, g[from:min(len(g), col+80)], w[from:min(len(w), col+80)])
	}
	return fmt.Sprintf("%d lines, want %d", len(gl), len(wl))
}

// sequentialIDs makes graph and investigation IDs from counters, so that
// ARNs and their order are the same in every run.
type sequentialIDs struct {
	mu                    sync.Mutex
	graphs, investigation int
}

func (s *sequentialIDs) GraphID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graphs++
	return fmt.Sprintf("9a1d%028x", s.graphs)
}

func (s *sequentialIDs) InvestigationID(now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.investigation++
	return fmt.Sprintf("%013d%08d", now.UnixMilli(), s.investigation)
}
