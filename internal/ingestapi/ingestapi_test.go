package ingestapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/format"
)

// fakePipeline stands in for the pipeline: it reads the body through
// read, and answers with result or err.
type fakePipeline struct {
	read    func(r io.Reader) error
	result  ingest.Result
	err     error
	got     ingest.Request
	formats []format.Format // known formats; an unknown one is refused
	profile func(graph arn.ARN, entity string, from, to time.Time) (behavior.Profile, error)
}

func (f *fakePipeline) Ingest(ctx context.Context, r io.Reader, req ingest.Request) (ingest.Result, error) {
	f.got = req
	if req.Format != "" && !slices.Contains(f.formats, req.Format) {
		return ingest.Result{}, &ingest.FormatError{Format: req.Format, Formats: f.formats}
	}
	if f.read != nil {
		if err := f.read(r); err != nil {
			return ingest.Result{}, err
		}
	}
	return f.result, f.err
}

func (f *fakePipeline) Profile(ctx context.Context, graph arn.ARN, entity string, from, to time.Time) (behavior.Profile, error) {
	return f.profile(graph, entity, from, to)
}

var allFormats = []format.Format{"cloudtrail", "vpcflow", "guardduty", "asff", "eks-audit"}

var testNow = time.Date(2026, time.March, 14, 15, 0, 0, 0, time.UTC)

func mustServer(tb testing.TB, p *fakePipeline, maxBytes int64) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(New(Config{Ingester: p, Profiler: p, MaxBytes: maxBytes,
		Now: func() time.Time { return testNow }, Log: slog.New(slog.DiscardHandler)}))
	tb.Cleanup(srv.Close)
	return srv
}

// mustDo sends req and returns the status and the decoded JSON body.
func mustDo(tb testing.TB, req *http.Request) (int, map[string]any) {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		tb.Errorf("%s %s: Content-Type = %q, want application/json", req.Method, req.URL, ct)
	}
	if resp.Header.Get("X-Amzn-Requestid") == "" {
		tb.Errorf("%s %s: no request ID", req.Method, req.URL)
	}
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		tb.Fatalf("%s %s: decode: %v", req.Method, req.URL, err)
	}
	return resp.StatusCode, body
}

func mustRequest(tb testing.TB, method, u string, body io.Reader) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		tb.Fatal(err)
	}
	return req
}

func TestIngestAnswers(t *testing.T) {
	t.Parallel()
	full := ingest.Result{Records: 3, Accepted: 2, Bytes: 10, Graphs: map[string]int64{"g": 2},
		Skipped: map[string]int64{"no-graph": 1}, Errors: []ingest.RecordError{{Line: 3, Message: "bad"}}}
	tests := []struct {
		name       string
		method     string
		query      string
		result     ingest.Result
		err        error
		wantStatus int
		want       map[string]any
	}{
		{"counts", "POST", "?format=cloudtrail&region=eu-west-1&account=111111111111", full, nil, 200, map[string]any{
			"records": 3.0, "accepted": 2.0, "bytes": 10.0, "graphs": map[string]any{"g": 2.0},
			"skipped": map[string]any{"no-graph": 1.0}, "errors": []any{map[string]any{"line": 3.0, "message": "bad"}}}},
		{"empty collections, not nulls", "POST", "", ingest.Result{}, nil, 200, map[string]any{
			"records": 0.0, "accepted": 0.0, "bytes": 0.0, "graphs": map[string]any{}, "skipped": map[string]any{}, "errors": []any{}}},
		{"unknown format", "POST", "?format=syslog", full, nil, 400, map[string]any{"status": "error", "code": "UnknownFormat",
			"message": `unknown format "syslog"; formats: cloudtrail, vpcflow, guardduty, asff, eks-audit`}},
		{"bad account", "POST", "?account=12", full, nil, 400, map[string]any{"status": "error", "code": "BadRequest", "message": `account "12" is not 12 digits`}},
		{"undetectable", "POST", "", ingest.Result{}, &ingest.FormatError{Formats: allFormats}, 400,
			map[string]any{"status": "error", "code": "UnknownFormat", "message": "the body is in no format this server reads; formats: cloudtrail, vpcflow, guardduty, asff, eks-audit"}},
		{"gzip bomb", "POST", "", ingest.Result{}, fmt.Errorf("decode: %w", &format.LimitError{Limit: 100, Compressed: 7}), 413,
			map[string]any{"status": "error", "code": "RequestEntityTooLarge", "message": "gzip input inflates past the 100-byte limit (after 7 compressed bytes); it is not read further"}},
		{"internal error text is not sent", "POST", "", ingest.Result{}, errors.New("disk on fire"), 500, nil},
		{"GET", "GET", "", full, nil, 405, map[string]any{"status": "error", "code": "MethodNotAllowed", "message": "method GET is not allowed; use POST"}},
		{"PUT", "PUT", "", full, nil, 405, map[string]any{"status": "error", "code": "MethodNotAllowed", "message": "method PUT is not allowed; use POST"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := &fakePipeline{result: tc.result, err: tc.err, formats: allFormats}
			srv := mustServer(t, p, 0)
			status, body := mustDo(t, mustRequest(t, tc.method, srv.URL+"/_detective/ingest"+tc.query, strings.NewReader("{}")))
			if status != tc.wantStatus {
				t.Errorf("status = %d, want %d (body %v)", status, tc.wantStatus, body)
			}
			if tc.want == nil {
				if msg, _ := body["message"].(string); strings.Contains(msg, "fire") || body["status"] != "error" {
					t.Errorf("body = %v, want a generic error", body)
				}
				return
			}
			if diff := cmp.Diff(tc.want, body); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIngestRequest(t *testing.T) {
	t.Parallel()
	p := &fakePipeline{formats: allFormats}
	srv := mustServer(t, p, 0)
	mustDo(t, mustRequest(t, "POST", srv.URL+"/_detective/ingest?format=vpcflow&region=eu-west-1&account=222222222222&source=f.log.gz", strings.NewReader("x")))
	want := ingest.Request{Format: "vpcflow", Region: "eu-west-1", Account: "222222222222", Source: "f.log.gz"}
	if p.got != want {
		t.Errorf("Request = %+v, want %+v", p.got, want)
	}
	mustDo(t, mustRequest(t, "POST", srv.URL+"/_detective/ingest", strings.NewReader("x")))
	if want := (ingest.Request{Source: "http"}); p.got != want {
		t.Errorf("Request without a query = %+v, want %+v", p.got, want)
	}
}

// TestIngestStreams: the pipeline reads the first part of the body before
// the client has sent the rest, so nothing holds the whole file.
func TestIngestStreams(t *testing.T) {
	t.Parallel()
	gotFirst := make(chan struct{})
	p := &fakePipeline{read: func(r io.Reader) error {
		buf := make([]byte, 5)
		if _, err := io.ReadFull(r, buf); err != nil || string(buf) != "first" {
			return errors.New("first part missing")
		}
		close(gotFirst)
		rest, err := io.ReadAll(r)
		if err != nil || string(rest) != "second" {
			return errors.New("second part missing")
		}
		return nil
	}, result: ingest.Result{Records: 1}}
	srv := mustServer(t, p, 0)
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write([]byte("first"))
		select {
		case <-gotFirst:
			_, _ = pw.Write([]byte("second"))
			_ = pw.Close()
		case <-time.After(10 * time.Second):
			_ = pw.CloseWithError(errors.New("the server did not read the first part before the body ended"))
		}
	}()
	status, body := mustDo(t, mustRequest(t, "POST", srv.URL+"/_detective/ingest", pr))
	if status != 200 || body["records"] != 1.0 {
		t.Errorf("streamed ingest = %d %v, want 200 with 1 record", status, body)
	}
}

// TestIngestBodyLimit: the ingest limit applies, not a small API limit.
func TestIngestBodyLimit(t *testing.T) {
	t.Parallel()
	p := &fakePipeline{read: func(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err }}
	srv := mustServer(t, p, 1000)
	status, body := mustDo(t, mustRequest(t, "POST", srv.URL+"/_detective/ingest", strings.NewReader(strings.Repeat("x", 1000))))
	if status != 200 {
		t.Errorf("body at the limit = %d %v, want 200", status, body)
	}
	status, body = mustDo(t, mustRequest(t, "POST", srv.URL+"/_detective/ingest", strings.NewReader(strings.Repeat("x", 1001))))
	if status != 413 || !strings.Contains(body["message"].(string), "1000 bytes") {
		t.Errorf("body over the limit = %d %v, want 413 naming the limit", status, body)
	}
}

func TestEntity(t *testing.T) {
	t.Parallel()
	graph := arn.Graph("us-east-1", "111111111111", "0123456789abcdef0123456789abcdef")
	role := "arn:aws:iam::222222222222:role/Admin"
	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantEntity string
		wantFrom   time.Time
		wantTo     time.Time
	}{
		{"escaped ARN", "/_detective/graphs/" + graph.String() + "/entities/" + url.PathEscape(role) + "?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z",
			200, role, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		{"raw ARN", "/_detective/graphs/" + graph.String() + "/entities/" + role + "?from=2026-03-01T01:00:00%2B01:00",
			200, role, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), testNow},
		{"defaults", "/_detective/graphs/" + graph.String() + "/entities/i-0123456789abcdef0",
			200, "i-0123456789abcdef0", testNow.Add(-DefaultProfileWindow), testNow},
		{"account", "/_detective/graphs/" + graph.String() + "/entities/222222222222",
			200, "arn:aws:iam::222222222222:root", testNow.Add(-DefaultProfileWindow), testNow},
		{"bad time", "/_detective/graphs/" + graph.String() + "/entities/x?from=yesterday", 400, "", time.Time{}, time.Time{}},
		{"empty window", "/_detective/graphs/" + graph.String() + "/entities/x?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", 400, "", time.Time{}, time.Time{}},
		{"bad graph", "/_detective/graphs/nope/entities/x", 400, "", time.Time{}, time.Time{}},
		{"absent graph", "/_detective/graphs/" + arn.Graph("us-east-1", "111111111111", "ffffffffffffffffffffffffffffffff").String() + "/entities/x", 404, "", time.Time{}, time.Time{}},
		{"no entity path", "/_detective/graphs/" + graph.String(), 404, "", time.Time{}, time.Time{}},
		{"graph with a slash", "/_detective/graphs/a/b/entities/x", 404, "", time.Time{}, time.Time{}},
		{"unclean path", "/_detective/graphs//entities/x", 400, "", time.Time{}, time.Time{}},
		{"empty entity", "/_detective/graphs/" + graph.String() + "/entities/", 400, "", time.Time{}, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := &fakePipeline{profile: func(g arn.ARN, entity string, from, to time.Time) (behavior.Profile, error) {
				if g != graph {
					return behavior.Profile{}, detective.NotFound("Graph %s does not exist", g)
				}
				return behavior.Profile{Entity: entity, From: from, To: to}, nil
			}}
			srv := mustServer(t, p, 0)
			status, body := mustDo(t, mustRequest(t, "GET", srv.URL+tc.path, nil))
			if status != tc.wantStatus {
				t.Fatalf("GET %s = %d %v, want %d", tc.path, status, body, tc.wantStatus)
			}
			if status != 200 {
				return
			}
			want := map[string]any{"entity": tc.wantEntity, "from": tc.wantFrom.Format(time.RFC3339Nano), "to": tc.wantTo.Format(time.RFC3339Nano)}
			got := map[string]any{"entity": body["entity"], "from": body["from"], "to": body["to"]}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("GET %s (-want +got):\n%s", tc.path, diff)
			}
		})
	}
	srv := mustServer(t, &fakePipeline{}, 0)
	if status, _ := mustDo(t, mustRequest(t, "POST", srv.URL+"/_detective/graphs/"+graph.String()+"/entities/x", nil)); status != 405 {
		t.Errorf("POST to an entity = %d, want 405", status)
	}
}
