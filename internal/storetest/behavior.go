package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
)

// BehaviorStore is a store of both the control plane and the behavior
// graphs' data, as sqlite.Store and postgres.Store are: the suite sets
// graphs and members up through the first and checks the second.
type BehaviorStore interface {
	detective.Store
	behavior.Store
}

// RunBehavior exercises a behavior.Store. newStore returns an empty,
// migrated store private to t that is closed when t ends.
func RunBehavior(t *testing.T, newStore func(t *testing.T) BehaviorStore) {
	t.Run("Routes", func(t *testing.T) { t.Parallel(); testRoutes(t, newStore(t)) })
	t.Run("ClaimKeys", func(t *testing.T) { t.Parallel(); testClaimKeys(t, newStore(t)) })
	t.Run("ClaimKeysConcurrent", func(t *testing.T) { t.Parallel(); testClaimKeysConcurrent(t, newStore(t)) })
	t.Run("IngestBatchAtomic", func(t *testing.T) { t.Parallel(); testIngestBatchAtomic(t, newStore(t)) })
	t.Run("APICalls", func(t *testing.T) { t.Parallel(); testAPICalls(t, newStore(t)) })
	t.Run("Flows", func(t *testing.T) { t.Parallel(); testFlows(t, newStore(t)) })
	t.Run("Findings", func(t *testing.T) { t.Parallel(); testFindings(t, newStore(t)) })
	t.Run("AccountReads", func(t *testing.T) { t.Parallel(); testAccountReads(t, newStore(t)) })
	t.Run("K8s", func(t *testing.T) { t.Parallel(); testK8s(t, newStore(t)) })
	t.Run("Volume", func(t *testing.T) { t.Parallel(); testVolume(t, newStore(t)) })
	t.Run("GraphMeasuredVolume", func(t *testing.T) { t.Parallel(); testGraphMeasuredVolume(t, newStore(t)) })
	t.Run("VolumeWindowToTheMinute", func(t *testing.T) { t.Parallel(); testVolumeWindowToTheMinute(t, newStore(t)) })
	t.Run("VolumeVersion", func(t *testing.T) { t.Parallel(); testVolumeVersion(t, newStore(t)) })
	t.Run("Retain", func(t *testing.T) { t.Parallel(); testRetain(t, newStore(t)) })
	t.Run("IngestedFile", func(t *testing.T) { t.Parallel(); testIngestedFile(t, newStore(t)) })
}

// hourAt is base's hour shifted by n hours.
func hourAt(n int) time.Time { return behavior.Hour(base).Add(time.Duration(n) * time.Hour) }

func mustIngest(tb testing.TB, s behavior.Store, fn func(ctx context.Context, tx behavior.IngestTx) error) {
	tb.Helper()
	ctx := tb.Context()
	if err := s.IngestBatch(ctx, func(tx behavior.IngestTx) error { return fn(ctx, tx) }); err != nil {
		tb.Fatalf("IngestBatch: %v", err)
	}
}

func mustPut(tb testing.TB, s behavior.Store, b *behavior.Batch) {
	tb.Helper()
	mustIngest(tb, s, func(ctx context.Context, tx behavior.IngestTx) error { return tx.Put(ctx, b) })
}

func mustClaim(tb testing.TB, s behavior.Store, keys []behavior.KeyRow) []bool {
	tb.Helper()
	var fresh []bool
	mustIngest(tb, s, func(ctx context.Context, tx behavior.IngestTx) error {
		var err error
		fresh, err = tx.ClaimKeys(ctx, keys)
		return err
	})
	return fresh
}

// must returns v, once given the test to fail if err is not nil:
// must(s.Routes(ctx, a, r))(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
}

func packages(state detective.IngestState) []detective.PackageState {
	var ps []detective.PackageState
	for _, p := range detective.DatasourcePackages() {
		ps = append(ps, detective.PackageState{Package: p, State: state, Started: at(5)})
	}
	return ps
}

func testRoutes(t *testing.T, s BehaviorStore) {
	admin, member, invited := acct(1), acct(2), acct(3)
	g, other := graphOf(admin, region, 1), graphOf(admin, otherRegion, 2)
	memberPackages := packages(detective.IngestStarted)
	memberPackages[1].State = detective.IngestStopped
	mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
		for _, gr := range []detective.Graph{g, other} {
			if err := tx.CreateGraph(ctx, gr); err != nil {
				return err
			}
			if err := tx.PutGraphPackages(ctx, gr.ARN, packages(detective.IngestStarted)); err != nil {
				return err
			}
		}
		if err := tx.PutMembers(ctx, []detective.Member{memberOf(g, member, detective.MemberStatusEnabled),
			memberOf(g, invited, detective.MemberStatusInvited), memberOf(other, member, detective.MemberStatusEnabled)}); err != nil {
			return err
		}
		return tx.PutMemberPackages(ctx, g.ARN, []detective.MemberPackages{{Account: member, Packages: memberPackages}})
	})
	ctx := t.Context()
	stateOnly := func(ps []detective.PackageState) []detective.PackageState {
		out := make([]detective.PackageState, len(ps))
		for i, p := range ps {
			out[i] = detective.PackageState{Package: p.Package, State: p.State}
		}
		return out
	}
	got := must(s.Routes(ctx, admin, region))(t)
	want := []behavior.Membership{{Graph: g.ARN, Admin: true, Packages: stateOnly(packages(detective.IngestStarted))}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Routes(admin) mismatch (-want +got):\n%s", diff)
	}
	got = must(s.Routes(ctx, member, region))(t)
	want = []behavior.Membership{{Graph: g.ARN, Status: detective.MemberStatusEnabled, VerifiedTime: at(2_002), Packages: memberPackages}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Routes(member) mismatch (-want +got):\n%s", diff)
	}
	got = must(s.Routes(ctx, invited, region))(t)
	want = []behavior.Membership{{Graph: g.ARN, Status: detective.MemberStatusInvited, VerifiedTime: at(2_002)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Routes(invited) mismatch (-want +got):\n%s", diff)
	}
	if got := must(s.Routes(ctx, acct(9), region))(t); len(got) != 0 {
		t.Errorf("Routes(stranger) = %v, want none", got)
	}
}

func keyRows(g arn.ARN, keys ...string) []behavior.KeyRow {
	var out []behavior.KeyRow
	for _, k := range keys {
		out = append(out, behavior.KeyRow{Graph: g, Key: behavior.HashKey(k), At: hourAt(0)})
	}
	return out
}

func testClaimKeys(t *testing.T, s BehaviorStore) {
	g1, g2 := graphOf(acct(1), region, 1).ARN, graphOf(acct(2), region, 2).ARN
	if got := mustClaim(t, s, keyRows(g1, "a", "b")); !cmp.Equal(got, []bool{true, true}) {
		t.Errorf("ClaimKeys(a, b) = %v, want both fresh", got)
	}
	if got := mustClaim(t, s, keyRows(g2, "twice", "twice")); !cmp.Equal(got, []bool{true, false}) {
		t.Errorf("ClaimKeys(twice, twice) = %v, want the first fresh", got)
	}
	many := make([]string, 1000) // more than one multi-row statement
	for i := range many {
		many[i] = string(rune('c' + i))
	}
	got := mustClaim(t, s, append(keyRows(g1, "a", "new"), append(keyRows(g2, "a"), keyRows(g1, many...)...)...))
	want := append([]bool{false, true, true}, make([]bool, len(many))...)
	for i := range many {
		want[3+i] = true
	}
	if !cmp.Equal(got, want) {
		t.Errorf("ClaimKeys(a, new, g2's a, many) = %v, want only a taken", got)
	}
	if got := mustClaim(t, s, keyRows(g1, many...)); slicesContain(got, true) {
		t.Errorf("ClaimKeys(many) again claimed some")
	}
}

func slicesContain(bs []bool, v bool) bool {
	for _, b := range bs {
		if b == v {
			return true
		}
	}
	return false
}

// testClaimKeysConcurrent races two transactions claiming the same keys:
// each key is fresh for exactly one of them.
func testClaimKeysConcurrent(t *testing.T, s BehaviorStore) {
	g := graphOf(acct(1), region, 1).ARN
	keys := make([]string, 500)
	for i := range keys {
		keys[i] = string(rune('a' + i))
	}
	rows := keyRows(g, keys...)
	var wg sync.WaitGroup
	results := make([][]bool, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Go(func() {
			errs[i] = s.IngestBatch(t.Context(), func(tx behavior.IngestTx) error {
				var err error
				results[i], err = tx.ClaimKeys(t.Context(), rows)
				return err
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for k := range keys {
		n := 0
		for _, r := range results {
			if r[k] {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("key %d fresh in %d concurrent claims, want exactly 1", k, n)
		}
	}
}

func testIngestBatchAtomic(t *testing.T, s BehaviorStore) {
	g := graphOf(acct(1), region, 1).ARN
	boom := errors.New("boom")
	b := behavior.NewBatch()
	b.Add(g, apiRecord(acct(1), "e1", base, ""), base)
	err := s.IngestBatch(t.Context(), func(tx behavior.IngestTx) error {
		if _, err := tx.ClaimKeys(t.Context(), keyRows(g, "x")); err != nil {
			return err
		}
		if err := tx.Put(t.Context(), b); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("IngestBatch = %v, want fn's error", err)
	}
	if got := mustClaim(t, s, keyRows(g, "x")); !got[0] {
		t.Errorf("a key claimed in a failed batch stayed claimed")
	}
	if got := must(s.GraphVolume(t.Context(), g, time.Time{}))(t); got != 0 {
		t.Errorf("GraphVolume after a failed batch = %d, want 0", got)
	}
}

// apiRecord is a CloudTrail record of a role session of account.
func apiRecord(account detective.AccountID, id string, when time.Time, errorCode string) *behavior.Record {
	return &behavior.Record{
		Kind: behavior.KindAPICall, Account: account, Region: region, Package: detective.PackageDetectiveCore,
		Time: when, Size: 1000, Key: id,
		API: &behavior.APICall{
			EventID: id, EventSource: "iam.amazonaws.com", EventName: "CreateAccessKey", Management: true,
			PrincipalType: behavior.PrincipalAssumedRole,
			PrincipalARN:  "arn:aws:sts::" + string(account) + ":assumed-role/Admin/alice",
			IssuerARN:     "arn:aws:iam::" + string(account) + ":role/Admin",
			SourceIP:      "203.0.113.7", UserAgent: "aws-cli/2", ErrorCode: errorCode,
		},
	}
}

func testAPICalls(t *testing.T, s BehaviorStore) {
	g := graphOf(acct(1), region, 1).ARN
	a := acct(1)
	session, role := "arn:aws:sts::"+string(a)+":assumed-role/Admin/alice", "arn:aws:iam::"+string(a)+":role/Admin"
	b1 := behavior.NewBatch()
	b1.Add(g, apiRecord(a, "e1", base.Add(10*time.Minute), ""), base)
	b1.Add(g, apiRecord(a, "e2", base.Add(5*time.Minute), "AccessDenied"), base)
	b1.Add(g, apiRecord(a, "e3", base.Add(2*time.Hour), ""), base)
	b1.AddIP(behavior.IPInfo{IP: "203.0.113.7", Location: &behavior.Location{City: "Paris", Country: "France",
		CountryCode: "FR", Latitude: 48.85, Longitude: 2.35}, ASO: &behavior.ASO{Number: 64500, Organization: "Example"}})
	mustPut(t, s, b1)
	b2 := behavior.NewBatch() // a second batch adds to the same rows
	b2.Add(g, apiRecord(a, "e4", base.Add(-time.Minute), ""), base)
	b2.AddIP(behavior.IPInfo{IP: "203.0.113.7"}) // an address keeps its first enrichment
	b2.AddIP(behavior.IPInfo{IP: "198.51.100.1"})
	mustPut(t, s, b2)

	ctx := t.Context()
	row := func(entity string, hour time.Time, success, failure int64, first, last time.Time) behavior.APICallRow {
		return behavior.APICallRow{Graph: g, Entity: entity, Hour: hour, EventSource: "iam.amazonaws.com",
			EventName: "CreateAccessKey", SourceIP: "203.0.113.7", UserAgent: "aws-cli/2", Account: a,
			Success: success, Failure: failure, Seen: behavior.Seen{First: first, Last: last}}
	}
	h := behavior.Hour(base)
	want := []behavior.APICallRow{
		row(session, h, 2, 1, base.Add(-time.Minute), base.Add(10*time.Minute)),
		row(session, h.Add(2*time.Hour), 1, 0, base.Add(2*time.Hour), base.Add(2*time.Hour)),
	}
	if diff := cmp.Diff(want, must(s.APICalls(ctx, g, session, h, h.Add(3*time.Hour)))(t)); diff != "" {
		t.Errorf("APICalls(session) mismatch (-want +got):\n%s", diff)
	}
	if got := must(s.APICalls(ctx, g, session, h.Add(time.Hour), h.Add(2*time.Hour)))(t); len(got) != 0 {
		t.Errorf("APICalls(session, an empty hour) = %v, want none", got)
	}
	if got := must(s.APICalls(ctx, g, role, h, h.Add(3*time.Hour)))(t); len(got) != 2 || got[0].Success != 2 {
		t.Errorf("APICalls(role) = %v, want the session's calls", got)
	}
	if got := must(s.AccountAPICalls(ctx, g, a, h, h.Add(time.Hour)))(t); len(got) != 2 {
		t.Errorf("AccountAPICalls = %d rows, want 2 (session and role)", len(got))
	}
	if got := must(s.APICalls(ctx, graphOf(acct(2), region, 2).ARN, session, h, h.Add(3*time.Hour)))(t); len(got) != 0 {
		t.Errorf("APICalls in another graph = %v, want none", got)
	}

	wantEntity := behavior.EntityRow{Graph: g, Entity: session, Type: behavior.EntityRoleSession, Account: a,
		Seen: behavior.Seen{First: base.Add(-time.Minute), Last: base.Add(2 * time.Hour)}}
	if diff := cmp.Diff(wantEntity, must(s.BehaviorEntity(ctx, g, session))(t)); diff != "" {
		t.Errorf("BehaviorEntity mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.BehaviorEntity(ctx, g, "arn:aws:iam::1:user/nobody"); detective.KindOf(err) != detective.KindNotFound {
		t.Errorf("BehaviorEntity(unknown) = %v, want KindNotFound", err)
	}
	wantLinks := []behavior.LinkRow{{Graph: g, From: session, Relation: behavior.RelationSessionOf, To: role,
		Seen: behavior.Seen{First: base.Add(-time.Minute), Last: base.Add(2 * time.Hour)}}}
	for _, e := range []string{session, role} {
		if diff := cmp.Diff(wantLinks, must(s.Links(ctx, g, e))(t)); diff != "" {
			t.Errorf("Links(%s) mismatch (-want +got):\n%s", e, diff)
		}
	}
	wantIPs := []behavior.IPInfo{{IP: "198.51.100.1"}, {IP: "203.0.113.7", Location: &behavior.Location{City: "Paris",
		Country: "France", CountryCode: "FR", Latitude: 48.85, Longitude: 2.35}, ASO: &behavior.ASO{Number: 64500, Organization: "Example"}}}
	if diff := cmp.Diff(wantIPs, must(s.IPInfos(ctx, []string{"203.0.113.7", "198.51.100.1", "192.0.2.1"}))(t)); diff != "" {
		t.Errorf("IPInfos mismatch (-want +got):\n%s", diff)
	}
}

func testFlows(t *testing.T, s BehaviorStore) {
	g := graphOf(acct(1), region, 1).ARN
	flow := func(src, dst string, sport, dport int, bytes int64, action string, when time.Time) *behavior.Record {
		return &behavior.Record{Kind: behavior.KindFlow, Account: acct(1), Region: region, Package: detective.PackageDetectiveCore,
			Time: when, Size: 100, Flow: &behavior.Flow{InterfaceID: "eni-1", InstanceID: "i-1", SrcAddr: src, DstAddr: dst,
				SrcPort: sport, DstPort: dport, Protocol: 6, Packets: 10, Bytes: bytes, Start: when, End: when.Add(time.Minute),
				Action: action, LogStatus: "OK"}}
	}
	b := behavior.NewBatch()
	b.Add(g, flow("198.51.100.9", "10.0.0.5", 50000, 22, 500, "ACCEPT", base), base)
	b.Add(g, flow("198.51.100.9", "10.0.0.5", 50001, 22, 300, "REJECT", base.Add(time.Minute)), base)
	b.Add(g, flow("10.0.0.5", "198.51.100.9", 22, 50000, 7000, "ACCEPT", base.Add(2*time.Minute)), base)
	mustPut(t, s, b)
	h := behavior.Hour(base)
	want := []behavior.FlowRow{{Graph: g, Instance: "i-1", Hour: h, RemoteIP: "198.51.100.9", LocalPort: 22, Protocol: 6,
		Account: acct(1), BytesIn: 800, BytesOut: 7000, PacketsIn: 20, PacketsOut: 10, Accepted: 2, Rejected: 1,
		Seen: behavior.Seen{First: base, Last: base.Add(3 * time.Minute)}}}
	if diff := cmp.Diff(want, must(s.Flows(t.Context(), g, "i-1", h, h.Add(time.Hour)))(t)); diff != "" {
		t.Errorf("Flows mismatch (-want +got):\n%s", diff)
	}
}

func testFindings(t *testing.T, s BehaviorStore) {
	g := graphOf(acct(1), region, 1).ARN
	finding := func(updated time.Time, title string, ips ...string) *behavior.Record {
		return &behavior.Record{Kind: behavior.KindFinding, Account: acct(1), Region: region,
			Package: detective.PackageDetectiveCore, Time: updated, Size: 2000, Key: title,
			Finding: &behavior.Finding{Source: behavior.SourceGuardDuty, ID: "f1", ARN: "arn:aws:guardduty:f1",
				Type: "Recon:EC2/PortProbeUnprotectedPort", Title: title, Severity: "HIGH", SeverityScore: 8,
				CreatedAt: base, UpdatedAt: updated, FirstSeen: base, LastSeen: updated,
				PrincipalARNs: []string{"arn:aws:iam::1:role/R"}, RemoteIPs: ips}}
	}
	b := behavior.NewBatch()
	b.Add(g, finding(base.Add(time.Hour), "second", "198.51.100.2"), base)
	mustPut(t, s, b)
	b = behavior.NewBatch() // an older version arriving later changes nothing
	b.Add(g, finding(base, "first", "198.51.100.1"), base)
	mustPut(t, s, b)
	ctx := t.Context()
	got := must(s.FindingsOf(ctx, g, "arn:aws:iam::1:role/R"))(t)
	if len(got) != 1 || got[0].Finding.Title != "second" || !got[0].Finding.UpdatedAt.Equal(base.Add(time.Hour)) {
		t.Fatalf("FindingsOf(role) = %+v, want the latest version only", got)
	}
	want := *finding(base.Add(time.Hour), "second", "198.51.100.2").Finding
	if diff := cmp.Diff(want, got[0].Finding); diff != "" {
		t.Errorf("FindingsOf mismatch (-want +got):\n%s", diff)
	}
	if got := must(s.FindingsOf(ctx, g, "198.51.100.2"))(t); len(got) != 1 {
		t.Errorf("FindingsOf(remote IP) = %d findings, want 1", len(got))
	}
	b = behavior.NewBatch() // a newer version replaces it
	b.Add(g, finding(base.Add(2*time.Hour), "third", "198.51.100.3"), base)
	mustPut(t, s, b)
	if got := must(s.FindingsOf(ctx, g, "198.51.100.3"))(t); len(got) != 1 || got[0].Finding.Title != "third" {
		t.Errorf("FindingsOf after a newer version = %+v, want it", got)
	}
}

func testK8s(t *testing.T, s BehaviorStore) {
	g := graphOf(acct(1), region, 1).ARN
	event := func(code int, when time.Time) *behavior.Record {
		return &behavior.Record{Kind: behavior.KindK8s, Account: acct(1), Region: region, Package: detective.PackageEKSAudit,
			Time: when, Size: 700, K8s: &behavior.K8sEvent{Verb: "create", Username: "system:serviceaccount:default:app",
				SourceIPs: []string{"203.0.113.9"}, UserAgent: "kubectl", Resource: "pods", Subresource: "exec",
				ResponseCode: code, Cluster: "prod"}}
	}
	b := behavior.NewBatch()
	b.Add(g, event(201, base), base)
	b.Add(g, event(403, base.Add(time.Second)), base)
	mustPut(t, s, b)
	h := behavior.Hour(base)
	want := []behavior.K8sRow{{Graph: g, Cluster: "prod", Subject: "system:serviceaccount:default:app", Hour: h,
		Verb: "create", Resource: "pods/exec", SourceIP: "203.0.113.9", UserAgent: "kubectl", Account: acct(1),
		Success: 1, Failure: 1, Seen: behavior.Seen{First: base, Last: base.Add(time.Second)}}}
	got := must(s.K8sEvents(t.Context(), g, "prod", "system:serviceaccount:default:app", h, h.Add(time.Hour)))(t)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("K8sEvents mismatch (-want +got):\n%s", diff)
	}
}

func testVolume(t *testing.T, s BehaviorStore) {
	g := graphOf(acct(1), region, 1).ARN
	ctx := t.Context()
	b := behavior.NewBatch()
	b.Add(g, apiRecord(acct(1), "old", base, ""), base.Add(-25*time.Hour)) // ingested over a day ago
	b.Add(g, apiRecord(acct(2), "m1", base, ""), base.Add(-time.Hour))
	b.Add(g, apiRecord(acct(2), "m2", base, ""), base)
	b.Add(g, &behavior.Record{Kind: behavior.KindK8s, Account: acct(2), Package: detective.PackageEKSAudit, Time: base,
		Size: 30, K8s: &behavior.K8sEvent{}}, base)
	mustPut(t, s, b)
	since := base.Add(-24 * time.Hour)
	if got := must(s.GraphVolume(ctx, g, since))(t); got != 2030 {
		t.Errorf("GraphVolume(last 24 h) = %d, want 2030", got)
	}
	if got := must(s.GraphVolume(ctx, g, time.Time{}))(t); got != 3030 {
		t.Errorf("GraphVolume(all) = %d, want 3030", got)
	}
	got := must(s.MeasuredVolume(ctx, g, []detective.AccountID{acct(1), acct(2), acct(3)}, since))(t)
	want := []behavior.AccountVolume{
		{Account: acct(1), Bytes: map[detective.DatasourcePackage]int64{detective.PackageDetectiveCore: 0}, LastIngest: base.Add(-25 * time.Hour)},
		{Account: acct(2), Bytes: map[detective.DatasourcePackage]int64{detective.PackageDetectiveCore: 2000, detective.PackageEKSAudit: 30}, LastIngest: base},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MeasuredVolume mismatch (-want +got):\n%s", diff)
	}
}

// testVolumeWindowToTheMinute pins what the read model relies on to keep
// measured volume by the minute its window starts in: a volume row is a
// minute of ingest time, counted whole when since falls anywhere in it.
func testVolumeWindowToTheMinute(t *testing.T, s BehaviorStore) {
	g := graphOf(acct(1), region, 1).ARN
	ctx := t.Context()
	minute := base.Truncate(time.Minute)
	b := behavior.NewBatch()
	b.Add(g, apiRecord(acct(1), "a", base, ""), minute.Add(-time.Hour).Add(30*time.Second))
	b.Add(g, apiRecord(acct(1), "b", base, ""), minute)
	mustPut(t, s, b)
	for _, tc := range []struct {
		since time.Time
		want  int64
	}{
		{minute.Add(-time.Hour), 2000},
		{minute.Add(-time.Hour + 59*time.Second + 999*time.Millisecond), 2000},
		{minute.Add(-time.Hour + time.Minute), 1000},
		{minute.Add(59 * time.Second), 1000},
		{minute.Add(time.Minute), 0},
	} {
		got := must(s.MeasuredVolume(ctx, g, []detective.AccountID{acct(1)}, tc.since))(t)
		if len(got) != 1 || got[0].Bytes[detective.PackageDetectiveCore] != tc.want {
			t.Errorf("MeasuredVolume(since %v) = %+v, want %d bytes", tc.since, got, tc.want)
		}
	}
}

// versioned is a store that names the state of its data and of its
// measured volume, as both stores do for the read model.
type versioned interface {
	Versions(ctx context.Context) (data, volume string, err error)
}

// testVolumeVersion: the volume version moves with every write of
// measured volume and with nothing else; the data version does not move
// with it.
func testVolumeVersion(t *testing.T, s BehaviorStore) {
	vs, ok := s.(versioned)
	if !ok {
		t.Skip("the store names no versions")
	}
	ctx := t.Context()
	data, volume := must2(vs.Versions(ctx))(t)
	check := func(what string, dataMoves, volumeMoves bool) {
		t.Helper()
		d, v := must2(vs.Versions(ctx))(t)
		if (d != data) != dataMoves || (v != volume) != volumeMoves {
			t.Errorf("after %s: versions %q, %q -> %q, %q; want data moved %v, volume moved %v",
				what, data, volume, d, v, dataMoves, volumeMoves)
		}
		data, volume = d, v
	}
	g := graphOf(acct(1), region, 1)
	mustCreateGraphs(t, s, g)
	check("a Detective write", true, false)
	b := behavior.NewBatch()
	b.Add(g.ARN, apiRecord(acct(1), "old", base.Add(-48*time.Hour), ""), base.Add(-48*time.Hour))
	mustPut(t, s, b)
	check("an ingest", false, true)
	mustClaim(t, s, []behavior.KeyRow{{Graph: g.ARN, Key: behavior.HashKey("k"), At: hourAt(0)}})
	check("an ingest that wrote no volume", false, false)
	must(s.Retain(ctx, hourAt(-72)))(t)
	check("a retention that dropped no volume", false, false)
	must(s.Retain(ctx, hourAt(-24)))(t)
	check("a retention that dropped volume", false, true)
}

func must2[A, B any](a A, b B, err error) func(testing.TB) (A, B) {
	return func(tb testing.TB) (A, B) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return a, b
	}
}

func testRetain(t *testing.T, s BehaviorStore) {
	g := graphOf(acct(1), region, 1).ARN
	ctx := t.Context()
	b := behavior.NewBatch()
	b.Add(g, apiRecord(acct(1), "old", base.Add(-48*time.Hour), ""), base.Add(-48*time.Hour))
	b.Add(g, apiRecord(acct(1), "new", base, ""), base)
	mustPut(t, s, b)
	mustClaim(t, s, []behavior.KeyRow{{Graph: g, Key: behavior.HashKey("old"), At: hourAt(-48)},
		{Graph: g, Key: behavior.HashKey("new"), At: hourAt(0)}})
	n := must(s.Retain(ctx, hourAt(-24)))(t)
	if n == 0 {
		t.Errorf("Retain deleted nothing")
	}
	session := "arn:aws:sts::" + string(acct(1)) + ":assumed-role/Admin/alice"
	got := must(s.APICalls(ctx, g, session, time.Time{}, hourAt(1)))(t)
	if len(got) != 1 || !got[0].Hour.Equal(hourAt(0)) {
		t.Errorf("APICalls after Retain = %v, want the recent hour only", got)
	}
	if got := must(s.GraphVolume(ctx, g, time.Time{}))(t); got != 1000 {
		t.Errorf("GraphVolume after Retain = %d, want 1000", got)
	}
	fresh := mustClaim(t, s, []behavior.KeyRow{{Graph: g, Key: behavior.HashKey("old"), At: hourAt(-48)},
		{Graph: g, Key: behavior.HashKey("new"), At: hourAt(0)}})
	if !cmp.Equal(fresh, []bool{true, false}) {
		t.Errorf("ClaimKeys after Retain = %v, want the old key gone and the new kept", fresh)
	}
}

func testIngestedFile(t *testing.T, s BehaviorStore) {
	ctx := t.Context()
	d := behavior.Digest{1, 2, 3}
	if _, err := s.IngestedFile(ctx, d); detective.KindOf(err) != detective.KindNotFound {
		t.Fatalf("IngestedFile(unknown) = %v, want KindNotFound", err)
	}
	g1, g2 := graphOf(acct(1), region, 1).ARN, graphOf(acct(2), region, 2).ARN
	r1 := behavior.RouteKey{Account: acct(1), Region: region, Package: detective.PackageDetectiveCore}
	r2 := behavior.RouteKey{Account: acct(2), Region: region, Package: detective.PackageDetectiveCore}
	route := func(r behavior.RouteKey, gs ...arn.ARN) behavior.FileRoute {
		return behavior.FileRoute{RouteKey: r, Graphs: gs}
	}
	if err := s.PutIngestedFile(ctx, behavior.File{Digest: d, Records: 5, Routes: []behavior.FileRoute{route(r1, g1)}, Ingested: at(0)}); err != nil {
		t.Fatal(err)
	}
	// A second ingest adds its routes and graphs.
	if err := s.PutIngestedFile(ctx, behavior.File{Digest: d, Records: 6,
		Routes: []behavior.FileRoute{route(r1, g2), route(r2)}, Ingested: at(1000)}); err != nil {
		t.Fatal(err)
	}
	want := behavior.File{Digest: d, Records: 6, Routes: []behavior.FileRoute{route(r1, g1, g2), route(r2)}, Ingested: at(1000)}
	if diff := cmp.Diff(want, must(s.IngestedFile(ctx, d))(t)); diff != "" {
		t.Errorf("IngestedFile mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.IngestedFile(ctx, behavior.Digest{9}); detective.KindOf(err) != detective.KindNotFound {
		t.Errorf("IngestedFile(another digest) = %v, want KindNotFound", err)
	}
	must(s.Retain(ctx, at(2000)))(t)
	if _, err := s.IngestedFile(ctx, d); detective.KindOf(err) != detective.KindNotFound {
		t.Errorf("IngestedFile after Retain = %v, want KindNotFound", err)
	}
}
