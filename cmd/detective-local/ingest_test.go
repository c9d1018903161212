package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/format"
	"github.com/detective-local/detective-local/internal/ingestapi"
	"github.com/detective-local/detective-local/internal/sigv4"
)

// linePipeline counts a body's lines as its records, refuses bodies that
// start with "bad", and remembers each request with its body.
type linePipeline struct {
	mu     sync.Mutex
	reqs   []ingest.Request
	bodies map[string]string // by Source
}

func (p *linePipeline) Ingest(ctx context.Context, r io.Reader, req ingest.Request) (ingest.Result, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return ingest.Result{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reqs = append(p.reqs, req)
	if p.bodies == nil {
		p.bodies = map[string]string{}
	}
	p.bodies[req.Source] = string(b)
	if bytes.HasPrefix(b, []byte("bad")) {
		return ingest.Result{}, &ingest.FormatError{Formats: []format.Format{"cloudtrail"}}
	}
	n := int64(bytes.Count(b, []byte("\n")))
	return ingest.Result{Records: n, Accepted: n - 1, Bytes: int64(len(b)),
		Graphs: map[string]int64{"g-" + req.Account: n - 1}, Skipped: map[string]int64{"no-graph": 1},
		Errors: []ingest.RecordError{{Line: n, Message: "bad record"}}}, nil
}

func (p *linePipeline) Profile(context.Context, arn.ARN, string, time.Time, time.Time) (behavior.Profile, error) {
	return behavior.Profile{}, nil
}

// requests returns what the pipeline was asked, sorted by source.
func (p *linePipeline) requests() []ingest.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := slices.Clone(p.reqs)
	slices.SortFunc(out, func(a, b ingest.Request) int { return strings.Compare(a.Source, b.Source) })
	return out
}

// mustIngestServer serves the ingest endpoint over p; with secrets, only
// to requests signed by one of its keys.
func mustIngestServer(tb testing.TB, p *linePipeline, secrets map[string]string) string {
	tb.Helper()
	var h http.Handler = ingestapi.New(ingestapi.Config{Ingester: p, Profiler: p, Now: time.Now, Log: slog.New(slog.DiscardHandler)})
	if secrets != nil {
		v := &sigv4.Verifier{Secret: func(k string) (string, bool) { s, ok := secrets[k]; return s, ok }}
		next := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := v.Verify(r, nil); err != nil {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				_ = json.NewEncoder(w).Encode(map[string]string{"status": "error", "message": err.Error()})
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv.URL
}

// mustWriteFiles writes files (path relative to dir → content).
func mustWriteFiles(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// ingestSummaryJSON is the --json summary as the command prints it.
type ingestSummaryJSON struct {
	Files       int      `json:"files"`
	Failed      int      `json:"failed"`
	FailedFiles []string `json:"failedFiles"`
	ingest.Result
}

// mustRunIngest runs the ingest command with --json and returns its error
// and decoded summary.
func mustRunIngest(tb testing.TB, args ...string) (ingestSummaryJSON, string, error) {
	tb.Helper()
	var out, errOut bytes.Buffer
	err := runIngest(tb.Context(), append([]string{"--json"}, args...), func(string) string { return "" }, &out, &errOut)
	var sum ingestSummaryJSON
	if out.Len() > 0 {
		if jerr := json.Unmarshal(out.Bytes(), &sum); jerr != nil {
			tb.Fatalf("summary %q: %v", out.String(), jerr)
		}
	}
	return sum, errOut.String(), err
}

const (
	cliTrail = "AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/14/111111111111_CloudTrail_us-east-1_20260314T1500Z_a.json.gz"
	cliFlow  = "AWSLogs/aws-account-id=222222222222/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/f.log.gz"
	cliDuty  = "AWSLogs/o-exampleorg1/333333333333/GuardDuty/us-west-2/2026/03/14/x.jsonl.gz"
)

// TestIngestCommandWalksTheLayout: a directory in AWS's S3 layout is sent
// file by file, with account, region and format read from each key;
// digests and non-log files are left out; the summary adds up the
// answers; progress is a line per file when stderr is no terminal.
func TestIngestCommandWalksTheLayout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWriteFiles(t, dir, map[string]string{
		cliTrail: "1\n2\n3\n",
		cliFlow:  "1\n2\n",
		cliDuty:  "1\n2\n",
		"AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2026/03/14/d.json.gz": "digest\n",
		"README.md":        "about these logs\n",
		"misc/events.json": "1\n2\n",
	})
	p := &linePipeline{}
	url := mustIngestServer(t, p, nil)
	sum, progress, err := mustRunIngest(t, "--endpoint", url, dir)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	in := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
	want := []ingest.Request{
		{Format: "cloudtrail", Region: "us-east-1", Account: "111111111111", Source: in(cliTrail)},
		{Format: "vpcflow", Region: "eu-west-1", Account: "222222222222", Source: in(cliFlow)},
		{Format: "guardduty", Region: "us-west-2", Account: "333333333333", Source: in(cliDuty)},
		{Source: in("misc/events.json")},
	}
	if diff := cmp.Diff(want, p.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if got := p.bodies[in(cliTrail)]; got != "1\n2\n3\n" {
		t.Errorf("body of %s = %q, want the file", cliTrail, got)
	}
	if sum.Files != 4 || sum.Failed != 0 || sum.Records != 9 || sum.Accepted != 5 || sum.Bytes != 18 ||
		sum.Skipped["no-graph"] != 4 || sum.Graphs["g-111111111111"] != 2 || len(sum.Errors) != 4 {
		t.Errorf("summary = %+v", sum)
	}
	if n := strings.Count(progress, "\n"); n != 4 || !strings.Contains(progress, "3 records, 2 accepted") {
		t.Errorf("progress = %q, want a line per file", progress)
	}
}

// TestIngestCommandFlagsOverride: flags win over what the layout says.
func TestIngestCommandFlagsOverride(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWriteFiles(t, dir, map[string]string{cliFlow: "1\n"})
	p := &linePipeline{}
	url := mustIngestServer(t, p, nil)
	if _, _, err := mustRunIngest(t, "--endpoint", url, "--format", "eks-audit", "--region", "ap-south-1", "--account", "444444444444",
		filepath.Join(dir, cliFlow)); err != nil {
		t.Fatalf("ingest: %v", err)
	}
	want := []ingest.Request{{Format: "eks-audit", Region: "ap-south-1", Account: "444444444444", Source: filepath.Join(dir, cliFlow)}}
	if diff := cmp.Diff(want, p.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// TestIngestCommandFailures: a file the server refuses is reported and
// fails the command, and the other files are still sent.
func TestIngestCommandFailures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWriteFiles(t, dir, map[string]string{"a.json": "bad\n", "b.json": "1\n"})
	p := &linePipeline{}
	url := mustIngestServer(t, p, nil)
	sum, progress, err := mustRunIngest(t, "--endpoint", url, dir)
	if !errors.Is(err, errFilesFailed) {
		t.Errorf("ingest with a refused file = %v, want errFilesFailed", err)
	}
	if sum.Files != 2 || sum.Failed != 1 || sum.Records != 1 || len(sum.FailedFiles) != 1 ||
		!strings.Contains(sum.FailedFiles[0], "a.json: 400: the body is in no format this server reads") {
		t.Errorf("summary = %+v", sum)
	}
	if !strings.Contains(progress, "a.json: failed: 400") {
		t.Errorf("progress = %q, want the failure", progress)
	}
	if _, _, err := mustRunIngest(t, "--endpoint", "http://127.0.0.1:1", dir); !errors.Is(err, errFilesFailed) {
		t.Errorf("ingest to no server = %v, want errFilesFailed", err)
	}
}

// TestIngestCommandSigns: with keys, requests carry a SigV4 signature the
// server's verifier accepts; a wrong secret is refused.
func TestIngestCommandSigns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWriteFiles(t, dir, map[string]string{cliTrail: "1\n2\n"})
	p := &linePipeline{}
	url := mustIngestServer(t, p, map[string]string{"AKIAOPERATOR": "operator-secret"})
	if _, _, err := mustRunIngest(t, "--endpoint", url, dir); !errors.Is(err, errFilesFailed) {
		t.Errorf("unsigned ingest to a verifying server = %v, want errFilesFailed", err)
	}
	if _, _, err := mustRunIngest(t, "--endpoint", url, "--access-key", "AKIAOPERATOR", "--secret-key", "wrong", dir); !errors.Is(err, errFilesFailed) {
		t.Errorf("ingest signed with a wrong secret = %v, want errFilesFailed", err)
	}
	sum, _, err := mustRunIngest(t, "--endpoint", url, "--access-key", "AKIAOPERATOR", "--secret-key", "operator-secret", dir)
	if err != nil || sum.Records != 2 {
		t.Errorf("signed ingest = %+v, %v; want 2 records", sum, err)
	}
}

func TestIngestCommandArguments(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := runIngest(t.Context(), []string{"--help"}, func(string) string { return "" }, io.Discard, &out); !errors.Is(err, errHelp) {
		t.Errorf("ingest --help = %v, want errHelp", err)
	}
	for _, want := range []string{"AWSLogs/<account>/CloudTrail", "-endpoint", "-access-key", "eks-audit"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("ingest --help lacks %q", want)
		}
	}
	for _, args := range [][]string{
		{},
		{"--endpoint", "ftp://x", "f"},
		{"--account", "12", "f"},
		{"--access-key", "AKIA", "f"},
		{filepath.Join(t.TempDir(), "absent")},
		{t.TempDir()}, // no log files in it
	} {
		if err := runIngest(t.Context(), args, func(string) string { return "" }, io.Discard, io.Discard); err == nil || errors.Is(err, errFilesFailed) {
			t.Errorf("ingest %q = %v, want a usage error", args, err)
		}
	}
}

// TestIngestCommandExitStatus: the binary exits 1 when a file failed and
// 0 when all went in.
func TestIngestCommandExitStatus(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWriteFiles(t, dir, map[string]string{"ok/a.json": "1\n", "bad/b.json": "bad\n"})
	url := mustIngestServer(t, &linePipeline{}, nil)
	for _, tc := range []struct {
		path string
		want int
	}{{filepath.Join(dir, "ok"), 0}, {filepath.Join(dir, "bad"), 1}} {
		cmd := exec.Command(os.Args[0], "ingest", "--endpoint", url, tc.path)
		cmd.Env = append(os.Environ(), "DETECTIVE_LOCAL_RUN_MAIN=1")
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatalf("run ingest: %v", err)
		}
		if code != tc.want {
			t.Errorf("detective-local ingest %s exited %d, want %d; output:\n%s", tc.path, code, tc.want, out)
		}
	}
}

// TestIngestCommandOperatorKey: with --verify-signatures the ingest
// endpoint is an operator endpoint: the command gets in with an operator
// key, streaming its signed-unsigned-payload body, and not without one.
func TestIngestCommandOperatorKey(t *testing.T) {
	t.Parallel()
	seed := filepath.Join(t.TempDir(), "seed.json")
	mustWriteFiles(t, filepath.Dir(seed), map[string]string{filepath.Base(seed): `{"credentials": [
		{"accessKeyId": "AKIAOPERATOREXAMPLE", "secretAccessKey": "operator-secret", "accountId": "111111111111", "operator": true},
		{"accessKeyId": "AKIAMEMBEREXAMPLE", "secretAccessKey": "member-secret", "accountId": "222222222222"}]}`})
	cfg := testConfig(t, t.TempDir())
	cfg.Seed, cfg.VerifySignatures = seed, true
	m := mustStart(t, cfg)
	defer m.Close()
	dir := t.TempDir()
	files := logFiles{Admin: dpAdmin, Member: dpMember, Other: dpOther, base: time.Now().UTC().Truncate(time.Hour)}
	mustWriteFiles(t, dir, map[string]string{"trail.json": string(files.render(t, "cloudtrail.json"))})
	endpoint := "http://" + m.Addr()
	for _, keys := range [][]string{nil, {"--access-key", "AKIAMEMBEREXAMPLE", "--secret-key", "member-secret"},
		{"--access-key", "AKIAOPERATOREXAMPLE", "--secret-key", "wrong"}} {
		sum, _, err := mustRunIngest(t, append(append([]string{"--endpoint", endpoint}, keys...), dir)...)
		if !errors.Is(err, errFilesFailed) || len(sum.FailedFiles) != 1 || !strings.Contains(sum.FailedFiles[0], ": 403: ") {
			t.Errorf("ingest with keys %q = %+v, %v; want 403", keys, sum, err)
		}
	}
	sum, _, err := mustRunIngest(t, "--endpoint", endpoint, "--access-key", "AKIAOPERATOREXAMPLE", "--secret-key", "operator-secret", dir)
	if err != nil || sum.Records != 6 {
		t.Errorf("ingest with the operator key = %+v, %v; want 6 records read", sum, err)
	}
}

// TestIngestBodyHasItsOwnDeadline: a log file may take longer to arrive
// than --body-read-timeout allows an API call, up to
// --ingest-body-timeout, past which the answer is 408, never a 200.
func TestIngestBodyHasItsOwnDeadline(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, t.TempDir())
	cfg.BodyReadTimeout, cfg.IngestBodyTimeout = 200*time.Millisecond, 2*time.Second
	m := mustStart(t, cfg)
	defer m.Close()
	for _, tc := range []struct {
		pause time.Duration
		want  int
	}{{400 * time.Millisecond, http.StatusOK}, {3 * time.Second, http.StatusRequestTimeout}} {
		pr, pw := io.Pipe()
		go func() {
			for _, part := range []string{`{"Records": [`, `]}`} {
				_, _ = pw.Write([]byte(part))
				time.Sleep(tc.pause)
			}
			_ = pw.Close()
		}()
		resp, err := http.Post("http://"+m.Addr()+"/_detective/ingest?format=cloudtrail", "application/json", pr)
		if err != nil {
			t.Fatalf("slow ingest: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("ingest whose body paused %v (API body deadline 200ms, ingest 2s) = %d %s, want %d", tc.pause, resp.StatusCode, b, tc.want)
		}
	}
}
