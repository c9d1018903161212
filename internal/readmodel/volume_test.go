package readmodel_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/app"
	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/pgtest"
	"github.com/detective-local/detective-local/internal/postgres"
	"github.com/detective-local/detective-local/internal/readmodel"
	"github.com/detective-local/detective-local/internal/sqlite"
)

const (
	admin  = "111111111111"
	member = "222222222222"
	quiet  = "333333333333" // ENABLED, never ingests
	region = "us-east-1"
)

// volumeStore is what these tests run on: sqlite.Store or postgres.Store.
type volumeStore interface {
	app.Store
	behavior.Store
	readmodel.Versioned
}

// eachStore runs fn on a fresh SQLite store and, when configured, a fresh
// PostgreSQL schema.
func eachStore(t *testing.T, fn func(t *testing.T, s volumeStore)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "d.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		fn(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		s, err := postgres.Open(t.Context(), pgtest.Schema(t, pgtest.MustDSN(t)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		fn(t, s)
	})
}

// clock is a settable clock, shared by a Service and a pipeline.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// volumeWorld is a graph of admin with member and quiet ENABLED, read
// through a Service on rm and ingested into by a pipeline on s.
type volumeWorld struct {
	svc   *detective.Service
	clock *clock
	graph arn.ARN
	pipe  *ingest.Pipeline
}

func mustVolumeWorld(t *testing.T, s volumeStore, rm detective.Store, start time.Time) volumeWorld {
	t.Helper()
	ctx := t.Context()
	clk := &clock{t: start}
	svc := detective.NewService(rm, clk, detective.RandomIDs{}, detective.Config{})
	a := detective.Caller{Account: admin, Region: region}
	out, err := svc.CreateGraph(ctx, a, detective.CreateGraphInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateMembers(ctx, a, detective.CreateMembersInput{Graph: out.GraphARN, Accounts: []detective.AccountInput{
		{ID: member, Email: "m@example.com"}, {ID: quiet, Email: "q@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []detective.AccountID{member, quiet} {
		if err := svc.AcceptInvitation(ctx, detective.Caller{Account: id, Region: region}, out.GraphARN); err != nil {
			t.Fatal(err)
		}
	}
	return volumeWorld{svc: svc, clock: clk, graph: out.GraphARN, pipe: ingest.New(s, ingest.Config{Now: clk.Now})}
}

// ingest ingests one CloudTrail record of member, with a new event ID.
func (w volumeWorld) ingest(t *testing.T, id string) {
	t.Helper()
	line := fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::%[1]s:user/v",`+
		`"accountId":"%[1]s"},"eventTime":%[2]q,"eventSource":"iam.amazonaws.com","eventName":"ListUsers",`+
		`"awsRegion":%[3]q,"sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2","eventID":%[4]q,`+
		`"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":%[1]q,"eventCategory":"Management"}`,
		member, w.clock.Now().Add(-time.Hour).Format(time.RFC3339), region, id)
	res, err := w.pipe.Ingest(t.Context(), strings.NewReader(line+"\n"), ingest.Request{Source: "test"})
	if err != nil || res.Accepted != 1 {
		t.Fatalf("Ingest = %+v, %v; want 1 accepted", res, err)
	}
}

// volumes returns the DETECTIVE_CORE volume and its time of member and
// quiet as GetMembers shows them.
func (w volumeWorld) volumes(t *testing.T) (map[detective.AccountID]int64, map[detective.AccountID]time.Time) {
	t.Helper()
	got, err := w.svc.GetMembers(t.Context(), detective.Caller{Account: admin, Region: region},
		detective.GetMembersInput{Graph: w.graph, Accounts: []detective.AccountID{member, quiet}})
	if err != nil || len(got.Members) != 2 {
		t.Fatalf("GetMembers = %+v, %v", got, err)
	}
	bytes, times := map[detective.AccountID]int64{}, map[detective.AccountID]time.Time{}
	for _, m := range got.Members {
		for _, p := range m.Packages {
			if p.Package == detective.PackageDetectiveCore {
				bytes[m.Account], times[m.Account] = p.VolumeBytes, p.VolumeTime
			}
		}
	}
	return bytes, times
}

// TestVolumeWindowToTheMinute moves the clock across the edge of the
// minute an ingest was counted in, 24 hours later: the read model keeps
// volume by the minute its window starts in, as the stores count it, so
// its answers stay exact on either side of the edge, and back again.
func TestVolumeWindowToTheMinute(t *testing.T) {
	eachStore(t, func(t *testing.T, s volumeStore) {
		minute := time.Date(2026, 3, 14, 15, 9, 0, 0, time.UTC)
		ingestAt := minute.Add(30 * time.Second)
		w := mustVolumeWorld(t, s, app.ReadModel(s), ingestAt)
		w.ingest(t, "e1")
		bytes, times := w.volumes(t)
		v := bytes[member]
		if v == 0 || !times[member].Equal(ingestAt) || bytes[quiet] != 0 {
			t.Fatalf("volume after ingest = %v at %v, want member's > 0 at %v", bytes, times, ingestAt)
		}
		for _, tc := range []struct {
			now  time.Time
			want int64
		}{
			{minute.Add(24 * time.Hour), v},
			{minute.Add(24*time.Hour + 59*time.Second + 999*time.Millisecond), v},
			{minute.Add(24*time.Hour + 59*time.Second + 999*time.Millisecond), v},
			{minute.Add(24*time.Hour + time.Minute), 0}, // the bucket's minute left the window
			{minute.Add(24*time.Hour + time.Minute + 30*time.Second), 0},
			{minute.Add(24*time.Hour + 30*time.Second), v}, // a clock set back
		} {
			w.clock.Set(tc.now)
			bytes, times := w.volumes(t)
			if bytes[member] != tc.want || !times[member].Equal(ingestAt) {
				t.Errorf("at %v: member's volume = %d at %v, want %d at %v", tc.now, bytes[member], times[member], tc.want, ingestAt)
			}
		}
	})
}

// countingVolume is the behavior store's measured volume, counting the
// queries the read model makes of it.
type countingVolume struct {
	s       volumeStore
	queries atomic.Int64
}

func (c *countingVolume) VolumeVersion(ctx context.Context) (string, error) {
	return c.s.(interface {
		VolumeVersion(context.Context) (string, error)
	}).VolumeVersion(ctx)
}

func (c *countingVolume) MeasuredVolume(ctx context.Context, graph arn.ARN, accounts []detective.AccountID, since time.Time) (map[detective.AccountID]detective.MeasuredVolume, error) {
	c.queries.Add(1)
	vs, err := c.s.MeasuredVolume(ctx, graph, accounts, since)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	out := map[detective.AccountID]detective.MeasuredVolume{}
	for _, v := range vs {
		out[v.Account] = detective.MeasuredVolume{Bytes: v.Bytes, LastIngest: v.LastIngest}
	}
	return out, nil
}

// TestVolumeKeptUntilIngest: measured volume, of accounts that ingested
// and of those that never did, is read once per volume version; a
// Detective write leaves it kept, an ingest does not, and an ingest
// leaves the data version, and with it the snapshot, as it was.
func TestVolumeKeptUntilIngest(t *testing.T) {
	eachStore(t, func(t *testing.T, s volumeStore) {
		src := &countingVolume{s: s}
		w := mustVolumeWorld(t, s, readmodel.New(s, 0).WithVolume(src), time.Now().UTC())
		ctx := t.Context()
		read := func(when string, wantQueries int64) map[detective.AccountID]int64 {
			t.Helper()
			bytes, _ := w.volumes(t)
			if n := src.queries.Load(); n != wantQueries {
				t.Errorf("%s: %d queries of measured volume so far, want %d", when, n, wantQueries)
			}
			return bytes
		}
		w.volumes(t) // the first read after the writes above fills the snapshot
		w.volumes(t)
		n := src.queries.Load()
		read("read again", n)
		if err := w.svc.TagResource(ctx, detective.Caller{Account: admin, Region: region}, w.graph, map[string]string{"k": "v"}); err != nil {
			t.Fatal(err)
		}
		read("after a Detective write", n)
		data, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		w.ingest(t, "e1")
		if after, err := s.DataVersion(ctx); err != nil || after != data {
			t.Errorf("data version after an ingest = %q, %v; want %q as before: ingest moves the volume version only", after, err, data)
		}
		bytes := read("after an ingest", n+1)
		if bytes[member] == 0 || bytes[quiet] != 0 {
			t.Errorf("volume after an ingest = %v, want member's > 0, quiet's 0", bytes)
		}
		read("read again after the ingest", n+1)
	})
}
