package ingest_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/sqlite"
)

const (
	admin    = "111111111111"
	member   = "222222222222"
	invited  = "333333333333"
	stranger = "444444444444"
	region   = "us-east-1"
)

var (
	now       = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	eventTime = now.Add(-time.Hour)
)

// clock is a settable clock, shared by a world's Service and pipelines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// world is a store holding one graph of admin in region, with member
// ENABLED and invited INVITED, and EKS_AUDIT stopped.
// store is what a world runs on: sqlite.Store or postgres.Store.
type store interface {
	detective.Store
	behavior.Store
}

type world struct {
	store store
	svc   *detective.Service
	clock *clock
	graph arn.ARN
}

func mustWorld(tb testing.TB) world { tb.Helper(); return mustWorldWith(tb, detective.Config{}) }

// mustWorldWith is mustWorld with a Service configured by cfg.
func mustWorldWith(tb testing.TB, cfg detective.Config) world {
	tb.Helper()
	s, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "d.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return mustWorldOn(tb, s, cfg)
}

// mustWorldOn is mustWorldWith on a given store.
func mustWorldOn(tb testing.TB, store store, cfg detective.Config) world {
	tb.Helper()
	ctx := tb.Context()
	clk := &clock{t: now}
	svc := detective.NewService(store, clk, detective.RandomIDs{}, cfg)
	a := detective.Caller{Account: admin, Region: region}
	out, err := svc.CreateGraph(ctx, a, detective.CreateGraphInput{})
	if err != nil {
		tb.Fatal(err)
	}
	g := out.GraphARN
	if _, err := svc.CreateMembers(ctx, a, detective.CreateMembersInput{Graph: g, Accounts: []detective.AccountInput{
		{ID: member, Email: "m@example.com"}, {ID: invited, Email: "i@example.com"}}}); err != nil {
		tb.Fatal(err)
	}
	if err := svc.AcceptInvitation(ctx, detective.Caller{Account: member, Region: region}, g); err != nil {
		tb.Fatal(err)
	}
	if err := svc.UpdateDatasourcePackages(ctx, a, g, nil); err != nil {
		tb.Fatal(err)
	}
	return world{store: store, svc: svc, clock: clk, graph: g}
}

func (w world) pipeline(cfg ingest.Config) *ingest.Pipeline {
	if cfg.Now == nil {
		cfg.Now = w.clock.Now
	}
	return ingest.New(w.store, cfg)
}

func mustIngest(tb testing.TB, p *ingest.Pipeline, ls ...string) ingest.Result {
	tb.Helper()
	return mustIngestAs(tb, p, ingest.Request{Source: "test"}, ls...)
}

func mustIngestAs(tb testing.TB, p *ingest.Pipeline, req ingest.Request, ls ...string) ingest.Result {
	tb.Helper()
	res, err := p.Ingest(tb.Context(), lines(ls...), req)
	if err != nil {
		tb.Fatalf("Ingest: %v", err)
	}
	return res
}

func TestIngestRoutes(t *testing.T) {
	t.Parallel()
	w := mustWorld(t)
	g := w.graph.String()
	tests := []struct {
		name string
		req  ingest.Request
		line string
		want ingest.Result
	}{
		{"administrator", ingest.Request{}, event("e1", admin, region, "alice", ""), ingest.Result{Accepted: 1, Graphs: map[string]int64{g: 1}}},
		{"enabled member", ingest.Request{}, event("e2", member, region, "bob", ""), ingest.Result{Accepted: 1, Graphs: map[string]int64{g: 1}}},
		{"invited member", ingest.Request{}, event("e3", invited, region, "carol", ""), ingest.Result{Skipped: map[string]int64{"no-graph": 1}}},
		{"stranger", ingest.Request{}, event("e4", stranger, region, "dave", ""), ingest.Result{Skipped: map[string]int64{"no-graph": 1}}},
		{"other region", ingest.Request{}, event("e5", member, "eu-west-1", "bob", ""), ingest.Result{Skipped: map[string]int64{"no-graph": 1}}},
		{"data event", ingest.Request{}, dataEvent("e6", admin, region), ingest.Result{Skipped: map[string]int64{"data-event": 1}}},
		{"package stopped", ingest.Request{Account: member, Region: region}, auditEvent("k1"), ingest.Result{Skipped: map[string]int64{"package-not-started": 1}}},
		{"package stopped for admin", ingest.Request{Account: admin, Region: region}, auditEvent("k2"), ingest.Result{Skipped: map[string]int64{"package-not-started": 1}}},
		{"no account", ingest.Request{Region: region}, auditEvent("k3"), ingest.Result{Skipped: map[string]int64{"no-account": 1}}},
	}
	p := w.pipeline(ingest.Config{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mustIngestAs(t, p, tc.req, tc.line)
			want := tc.want
			want.Records, want.Bytes = 1, int64(len(tc.line)+1)
			if want.Graphs == nil {
				want.Graphs = map[string]int64{}
			}
			if want.Skipped == nil {
				want.Skipped = map[string]int64{}
			}
			want.Errors = []ingest.RecordError{}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Ingest(%q) mismatch (-want +got):\n%s", tc.line, diff)
			}
		})
	}
}

// TestIngestRoutesAtIngestTime checks that a member's records follow its
// state when they are ingested: once disassociated, its records go nowhere.
func TestIngestRoutesAtIngestTime(t *testing.T) {
	t.Parallel()
	w := mustWorld(t)
	p := w.pipeline(ingest.Config{})
	if res := mustIngest(t, p, event("e1", member, region, "bob", "")); res.Accepted != 1 {
		t.Fatalf("Accepted = %d before leaving, want 1", res.Accepted)
	}
	if err := w.svc.DisassociateMembership(t.Context(), detective.Caller{Account: member, Region: region}, w.graph); err != nil {
		t.Fatal(err)
	}
	if res := mustIngest(t, p, event("e2", member, region, "bob", "")); res.Accepted != 0 || res.Skipped["no-graph"] != 1 {
		t.Errorf("after leaving: %+v, want skipped no-graph", res)
	}
}

func apiLines(n int, account string) []string {
	lines := make([]string, n)
	for i := range lines {
		errorCode := ""
		if i%10 == 0 {
			errorCode = "AccessDenied"
		}
		lines[i] = event(fmt.Sprintf("e%d", i), account, region, fmt.Sprintf("user%d", i%7), errorCode)
	}
	return lines
}

// mustCalls returns the successful and failed calls stored for user%d of
// admin, summed over every user.
func mustCalls(tb testing.TB, w world) (success, failure int64) {
	tb.Helper()
	for u := range 7 {
		rows, err := w.store.APICalls(tb.Context(), w.graph, fmt.Sprintf("arn:aws:iam::%s:user/user%d", admin, u), time.Time{}, now.Add(time.Hour))
		if err != nil {
			tb.Fatal(err)
		}
		for _, r := range rows {
			success += r.Success
			failure += r.Failure
		}
	}
	return success, failure
}

func TestIngestTwiceAddsNothing(t *testing.T) {
	t.Parallel()
	w := mustWorld(t)
	p := w.pipeline(ingest.Config{BatchSize: 64})
	lines := apiLines(1000, admin)
	first := mustIngest(t, p, lines...)
	if first.Accepted != 1000 {
		t.Fatalf("first ingest accepted %d, want 1000", first.Accepted)
	}
	s1, f1 := mustCalls(t, w)
	v1, err := w.store.GraphVolume(t.Context(), w.graph, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	second := mustIngest(t, p, lines...)
	if second.Accepted != 0 || second.Skipped["duplicate"] != 1000 {
		t.Errorf("second ingest: accepted %d, skipped %v; want 0 and 1000 duplicates", second.Accepted, second.Skipped)
	}
	s2, f2 := mustCalls(t, w)
	v2, err := w.store.GraphVolume(t.Context(), w.graph, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if s1 != 900 || f1 != 100 || s2 != s1 || f2 != f1 || v2 != v1 {
		t.Errorf("calls %d/%d, volume %d after the first ingest; %d/%d, %d after the second; want 900/100 and no change",
			s1, f1, v1, s2, f2, v2)
	}
	// The same record twice in one stream counts once.
	res := mustIngest(t, p, event("dup1", admin, region, "alice", ""), event("dup1", admin, region, "alice", ""))
	if res.Accepted != 1 || res.Skipped["duplicate"] != 1 {
		t.Errorf("a record twice in one stream: %+v, want one accepted, one duplicate", res)
	}
}

func TestIngestConcurrent(t *testing.T) {
	t.Parallel()
	w := mustWorld(t)
	lines := apiLines(2000, admin)
	var wg sync.WaitGroup
	results := make([]ingest.Result, 3)
	for i := range results {
		wg.Go(func() { results[i] = mustIngest(t, w.pipeline(ingest.Config{BatchSize: 100}), lines...) })
	}
	wg.Wait()
	var accepted int64
	for _, r := range results {
		accepted += r.Accepted
	}
	if accepted != 2000 {
		t.Errorf("three concurrent ingests accepted %d in all, want 2000", accepted)
	}
	if s, f := mustCalls(t, w); s != 1800 || f != 200 {
		t.Errorf("calls stored %d/%d, want 1800/200", s, f)
	}
}

func TestIngestMalformed(t *testing.T) {
	t.Parallel()
	w := mustWorld(t)
	noTime := strings.Replace(event("e2", admin, region, "alice", ""), eventTime.Format(time.RFC3339), "yesterday", 1)
	res := mustIngest(t, w.pipeline(ingest.Config{MaxErrors: 2}),
		event("e1", admin, region, "alice", ""), `{"eventID": "x", "eventTime": 12}`, noTime, `{"eventID":"e3"`,
		event("e4", admin, region, "alice", ""))
	if res.Records != 5 || res.Accepted != 2 || res.Skipped[ingest.SkipMalformed] != 3 {
		t.Errorf("Ingest = %+v, want 5 records, 2 accepted, 3 malformed", res)
	}
	if len(res.Errors) != 2 || res.Errors[0].Record != 2 || res.Errors[0].Line != 2 || res.Errors[1].Line != 3 ||
		res.Errors[0].Message == "" {
		t.Errorf("Errors = %+v, want the first two malformed records with their positions", res.Errors)
	}
}

func TestIngestUnknownFormat(t *testing.T) {
	t.Parallel()
	w := mustWorld(t)
	p := w.pipeline(ingest.Config{})
	for _, req := range []ingest.Request{{}, {Format: "parquet"}} {
		_, err := p.Ingest(t.Context(), strings.NewReader("PAR1...."), req)
		var fe *ingest.FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "cloudtrail, vpcflow") {
			t.Errorf("Ingest(format %q) = %v, want a FormatError listing the formats", req.Format, err)
		}
	}
}

func TestIngestVolumeHardLimit(t *testing.T) {
	t.Parallel()
	w := mustWorld(t)
	// Each event is about 450 bytes: the first batch takes the graph past
	// 1000 bytes, and the rest are refused.
	p := w.pipeline(ingest.Config{BatchSize: 4, VolumeHardLimit: 1000})
	res := mustIngest(t, p, apiLines(12, admin)...)
	if res.Accepted != 4 || res.Skipped["graph-volume-limit"] != 8 {
		t.Errorf("Ingest = accepted %d, skipped %v; want 4 and 8 over the limit", res.Accepted, res.Skipped)
	}
	// A later call sees the stored volume.
	res = mustIngest(t, p, event("late", admin, region, "alice", ""))
	if res.Skipped["graph-volume-limit"] != 1 {
		t.Errorf("a later ingest: %+v, want refused over the limit", res)
	}
}

func TestIngestEnriches(t *testing.T) {
	t.Parallel()
	w := mustWorld(t)
	p := w.pipeline(ingest.Config{Geo: fakeGeo{}})
	mustIngest(t, p, event("e1", admin, region, "alice", ""))
	infos, err := w.store.IPInfos(t.Context(), []string{"203.0.113.1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []behavior.IPInfo{{IP: "203.0.113.1", Location: &behavior.Location{City: "Paris", Country: "France",
		CountryCode: "FR", Latitude: 48.85, Longitude: 2.35}, ASO: &behavior.ASO{Number: 64500, Organization: "Example"}}}
	if diff := cmp.Diff(want, infos); diff != "" {
		t.Errorf("IPInfos mismatch (-want +got):\n%s", diff)
	}
}

func TestProfile(t *testing.T) {
	t.Parallel()
	w := mustWorld(t)
	p := w.pipeline(ingest.Config{Geo: fakeGeo{}})
	mustIngest(t, p, apiLines(70, admin)...)
	user := "arn:aws:iam::" + admin + ":user/user0"
	prof, err := p.Profile(t.Context(), w.graph, user, now.Add(-24*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	if prof.Type != behavior.EntityUser || len(prof.APICalls) != 1 || prof.APICalls[0].Success+prof.APICalls[0].Failure != 10 {
		t.Fatalf("Profile(user0) = %+v, want 10 ListUsers calls", prof)
	}
	if len(prof.SourceIPs) != 10 || prof.SourceIPs[0].Location == nil || len(prof.Hours) != 1 {
		t.Errorf("Profile(user0) source IPs %+v, hours %v; want 10 located addresses in one hour", prof.SourceIPs, prof.Hours)
	}
	if !prof.FirstSeen.Equal(eventTime.Truncate(time.Second)) {
		t.Errorf("FirstSeen = %v, want %v", prof.FirstSeen, eventTime)
	}
	empty, err := p.Profile(t.Context(), w.graph, "arn:aws:iam::1:user/nobody", now.Add(-time.Hour), now)
	if err != nil || len(empty.APICalls) != 0 {
		t.Errorf("Profile(unknown) = %+v, %v; want an empty profile", empty, err)
	}
}
