package s3source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/detective-local/detective-local/internal/checkpoint"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/format"
	"github.com/detective-local/detective-local/internal/sqlite"
)

// fakePipeline counts an object's lines as its records and remembers
// every request, so tests see which objects were read and how often.
type fakePipeline struct {
	mu    sync.Mutex
	reqs  []ingest.Request
	fail  map[string]error // by Source: the error to answer instead
	block chan struct{}    // when set, Ingest waits for it to close
}

func (f *fakePipeline) Ingest(ctx context.Context, r io.Reader, req ingest.Request) (ingest.Result, error) {
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return ingest.Result{}, ctx.Err()
		}
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return ingest.Result{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, req)
	if err := f.fail[req.Source]; err != nil {
		return ingest.Result{}, err
	}
	n := int64(bytes.Count(b, []byte("\n")))
	return ingest.Result{Records: n, Accepted: n, Bytes: int64(len(b))}, nil
}

// sources returns the Source of every request so far, sorted.
func (f *fakePipeline) sources() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var s []string
	for _, r := range f.reqs {
		s = append(s, r.Source)
	}
	slices.Sort(s)
	return s
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// mustS3 starts an in-process S3 server with bucket "logs" and returns a
// real SDK client for it.
func mustS3(tb testing.TB) *s3.Client {
	tb.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	tb.Cleanup(srv.Close)
	c := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		// The in-process server predates the SDK's default checksums.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	if _, err := c.CreateBucket(tb.Context(), &s3.CreateBucketInput{Bucket: aws.String("logs")}); err != nil {
		tb.Fatalf("CreateBucket: %v", err)
	}
	return c
}

func mustPut(tb testing.TB, c *s3.Client, key, body string) {
	tb.Helper()
	if _, err := c.PutObject(tb.Context(), &s3.PutObjectInput{Bucket: aws.String("logs"), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
		tb.Fatalf("PutObject(%s): %v", key, err)
	}
}

func mustStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "d.db"))
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func newSource(c Client, p Ingester, store checkpoint.Store, owner string, clock *fakeClock, locs ...string) *Source {
	var ls []Location
	for _, l := range locs {
		loc, err := ParseLocation(l)
		if err != nil {
			panic(err)
		}
		ls = append(ls, loc)
	}
	return New(Config{Locations: ls, Client: c, Ingester: p, Checkpoints: store, Owner: owner,
		Now: clock.Now, Log: slog.New(slog.DiscardHandler)})
}

func mustPoll(tb testing.TB, s *Source) Summary {
	tb.Helper()
	sum, err := s.Poll(tb.Context())
	if err != nil {
		tb.Fatalf("Poll: %v", err)
	}
	return sum
}

const (
	trailKey = "AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/14/111111111111_CloudTrail_us-east-1_20260314T1500Z_a.json.gz"
	flowKey  = "AWSLogs/222222222222/vpcflowlogs/eu-west-1/2026/03/14/222222222222_vpcflowlogs_eu-west-1_fl-1_20260314T1500Z_b.log.gz"
	dutyKey  = "AWSLogs/111111111111/GuardDuty/us-east-1/2026/03/14/c.jsonl.gz"
)

// TestPollPicksUpNewObjectsAndRestartAddsNothing: objects added between
// polls are ingested at the next one, each once; a new Source on the same
// store (a restart) reads nothing again.
func TestPollPicksUpNewObjectsAndRestartAddsNothing(t *testing.T) {
	t.Parallel()
	c, store, p, clock := mustS3(t), mustStore(t), &fakePipeline{}, &fakeClock{now: time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)}
	mustPut(t, c, trailKey, "1\n2\n3\n")
	mustPut(t, c, flowKey, "1\n2\n")
	mustPut(t, c, "AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2026/03/14/d.json.gz", "digest\n")
	mustPut(t, c, "README.md", "not a log\n")
	src := newSource(c, p, store, "replica-1", clock, "s3://logs/")

	if got, want := mustPoll(t, src), (Summary{Listed: 2, Ingested: 2, Records: 5, Accepted: 5}); got != want {
		t.Errorf("first Poll = %+v, want %+v", got, want)
	}
	mustPut(t, c, dutyKey, "1\n")
	if got, want := mustPoll(t, src), (Summary{Listed: 3, Ingested: 1, Finished: 2, Records: 1, Accepted: 1}); got != want {
		t.Errorf("Poll after a new object = %+v, want %+v", got, want)
	}
	wantReqs := []ingest.Request{
		{Format: "cloudtrail", Region: "us-east-1", Account: "111111111111", Source: "s3://logs/" + trailKey},
		{Format: "vpcflow", Region: "eu-west-1", Account: "222222222222", Source: "s3://logs/" + flowKey},
		{Format: "guardduty", Region: "us-east-1", Account: "111111111111", Source: "s3://logs/" + dutyKey},
	}
	if diff := cmp.Diff(wantReqs, p.reqs); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}

	restarted := newSource(c, p, store, "replica-1-again", clock, "s3://logs/")
	if got, want := mustPoll(t, restarted), (Summary{Listed: 3, Finished: 3}); got != want {
		t.Errorf("Poll after a restart = %+v, want %+v", got, want)
	}
	if len(p.reqs) != 3 {
		t.Errorf("after a restart the pipeline read %d objects in all, want the same 3", len(p.reqs))
	}
	cps, err := store.FinishedObjects(t.Context(), "logs", []string{trailKey})
	if err != nil || len(cps) != 1 || cps[0].Records != 3 || cps[0].Bytes != 6 || cps[0].Size != 6 {
		t.Errorf("checkpoint of %s = %+v, %v; want 3 records of 6 bytes", trailKey, cps, err)
	}

	// New content under a known key is a new object.
	mustPut(t, c, trailKey, "1\n2\n3\n4\n")
	if got := mustPoll(t, restarted); got.Ingested != 1 || got.Records != 4 {
		t.Errorf("Poll after an overwrite = %+v, want the new version ingested", got)
	}
}

// TestPollPrefix: only keys under the location's prefix are read.
func TestPollPrefix(t *testing.T) {
	t.Parallel()
	c, p, clock := mustS3(t), &fakePipeline{}, &fakeClock{}
	mustPut(t, c, trailKey, "1\n")
	mustPut(t, c, flowKey, "1\n")
	src := newSource(c, p, mustStore(t), "r", clock, "s3://logs/AWSLogs/222222222222/")
	mustPoll(t, src)
	if diff := cmp.Diff([]string{"s3://logs/" + flowKey}, p.sources()); diff != "" {
		t.Errorf("objects read (-want +got):\n%s", diff)
	}
}

// TestPollFailureRetries: an object whose ingest fails is not
// checkpointed and is read again at the next poll; one in no known format,
// or past the decompression limit, is checkpointed and never read again.
func TestPollFailureRetries(t *testing.T) {
	t.Parallel()
	c, store, clock := mustS3(t), mustStore(t), &fakeClock{}
	mustPut(t, c, trailKey, "1\n")
	mustPut(t, c, "misc/blob.json", "1\n")
	mustPut(t, c, "misc/bomb.json.gz", "1\n")
	p := &fakePipeline{fail: map[string]error{
		"s3://logs/misc/bomb.json.gz": fmt.Errorf("decode: %w", &format.LimitError{Limit: 1}),
		"s3://logs/" + trailKey:       errors.New("database unavailable"),
		"s3://logs/misc/blob.json":    &ingest.FormatError{},
	}}
	src := newSource(c, p, store, "r", clock, "s3://logs/")
	if got, want := mustPoll(t, src), (Summary{Listed: 3, Failed: 1, Ingested: 2}); got != want {
		t.Errorf("Poll with failures = %+v, want %+v", got, want)
	}
	delete(p.fail, "s3://logs/"+trailKey)
	if got, want := mustPoll(t, src), (Summary{Listed: 3, Finished: 2, Ingested: 1, Records: 1, Accepted: 1}); got != want {
		t.Errorf("Poll after the failure cleared = %+v, want %+v", got, want)
	}
	if got := p.sources(); len(got) != 4 {
		t.Errorf("objects read = %v, want the failed one twice and the unreadable ones once", got)
	}
}

// TestPollCrashedClaim: an object claimed by a replica that died mid-way
// is left alone until the claim expires, then ingested.
func TestPollCrashedClaim(t *testing.T) {
	t.Parallel()
	c, store, p := mustS3(t), mustStore(t), &fakePipeline{}
	clock := &fakeClock{now: time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)}
	mustPut(t, c, trailKey, "1\n")
	head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String("logs"), Key: aws.String(trailKey)})
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	o := checkpoint.Object{Bucket: "logs", Key: trailKey, ETag: strings.Trim(aws.ToString(head.ETag), `"`), Size: 2}
	if ok, err := store.ClaimObject(t.Context(), o, "dead", clock.Now(), clock.Now().Add(DefaultLease)); !ok || err != nil {
		t.Fatalf("ClaimObject = %v, %v", ok, err)
	}
	src := newSource(c, p, store, "alive", clock, "s3://logs/")
	if got, want := mustPoll(t, src), (Summary{Listed: 1, Claimed: 1}); got != want {
		t.Errorf("Poll while the dead replica's claim lives = %+v, want %+v", got, want)
	}
	clock.Add(DefaultLease)
	if got, want := mustPoll(t, src), (Summary{Listed: 1, Ingested: 1, Records: 1, Accepted: 1}); got != want {
		t.Errorf("Poll after the claim expired = %+v, want %+v", got, want)
	}
}

// TestPollReplicas: two replicas polling one bucket at once through one
// database ingest each object exactly once between them.
func TestPollReplicas(t *testing.T) {
	t.Parallel()
	c, store, p, clock := mustS3(t), mustStore(t), &fakePipeline{}, &fakeClock{}
	var want []string
	for i := range 20 {
		key := strings.Replace(trailKey, "_a.json.gz", "_"+string(rune('a'+i))+".json.gz", 1)
		mustPut(t, c, key, "1\n")
		want = append(want, "s3://logs/"+key)
	}
	slices.Sort(want)
	a := newSource(c, p, store, "replica-a", clock, "s3://logs/")
	b := newSource(c, p, store, "replica-b", clock, "s3://logs/")
	var wg sync.WaitGroup
	var sums [2]Summary
	for i, src := range []*Source{a, b} {
		wg.Go(func() { sums[i] = mustPoll(t, src) })
	}
	wg.Wait()
	if diff := cmp.Diff(want, p.sources()); diff != "" {
		t.Errorf("objects read by two replicas (-want +got):\n%s", diff)
	}
	if n := sums[0].Ingested + sums[1].Ingested; n != 20 {
		t.Errorf("replicas ingested %d + %d objects, want 20 in all", sums[0].Ingested, sums[1].Ingested)
	}
}

func TestParseLocation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Location
		ok   bool
	}{
		{"s3://logs", Location{Bucket: "logs"}, true},
		{"s3://logs/", Location{Bucket: "logs"}, true},
		{"s3://logs/AWSLogs/111111111111/", Location{Bucket: "logs", Prefix: "AWSLogs/111111111111/"}, true},
		{"https://logs/x", Location{}, false},
		{"s3:///x", Location{}, false},
		{"logs/x", Location{}, false},
	}
	for _, tc := range tests {
		got, err := ParseLocation(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseLocation(%q) = %+v, %v; want %+v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
