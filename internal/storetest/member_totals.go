package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// memberStatuses are every status a stored member can have.
var memberStatuses = []detective.MemberStatus{detective.MemberStatusInvited, detective.MemberStatusVerificationFailed,
	detective.MemberStatusEnabled, detective.MemberStatusAcceptedButDisabled, detective.MemberStatusVerificationInProgress}

// testMemberTotals checks the running totals (CountMembers, MemberVolume)
// against the members as ListMembers reads them after each kind of write
// to members, and MembersWithStatus.
func testMemberTotals(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	g, other := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
	mustCreateGraphs(t, s, g, other)
	check := func(when string, want map[detective.MemberStatus]int64) {
		t.Helper()
		checkMemberTotals(t, s, g.ARN, when)
		checkMemberTotals(t, s, other.ARN, when)
		for status, v := range want {
			if got := mustMemberVolume(t, s, g.ARN, status); got != v {
				t.Errorf("MemberVolume(%s) %s = %d, want %d", status, when, got, v)
			}
		}
	}
	check("of an empty graph", map[detective.MemberStatus]int64{detective.MemberStatusEnabled: 0})

	a, b, c := memberOf(g, acct(1), detective.MemberStatusInvited), memberOf(g, acct(2), detective.MemberStatusEnabled), memberOf(g, acct(3), detective.MemberStatusEnabled)
	// A batch may name a member twice: the last one is what is stored.
	bFirst := b
	bFirst.Status = detective.MemberStatusInvited
	mustPutMembers(t, s, a, bFirst, b, c, memberOf(g, acct(4), detective.MemberStatusVerificationFailed),
		memberOf(other, acct(2), detective.MemberStatusEnabled))
	check("after PutMembers", map[detective.MemberStatus]int64{detective.MemberStatusEnabled: 0})

	started := func(p detective.DatasourcePackage, v int64) detective.PackageState {
		return detective.PackageState{Package: p, State: detective.IngestStarted, Started: at(5), VolumeBytes: v, VolumeTime: at(5)}
	}
	stopped := func(p detective.DatasourcePackage, v int64) detective.PackageState {
		return detective.PackageState{Package: p, State: detective.IngestStopped, Stopped: at(6), VolumeBytes: v, VolumeTime: at(5)}
	}
	mustPutMemberPackages(t, s, g.ARN,
		detective.MemberPackages{Account: acct(1), Packages: []detective.PackageState{started(detective.PackageDetectiveCore, 5)}},
		detective.MemberPackages{Account: acct(2), Packages: []detective.PackageState{started(detective.PackageDetectiveCore, 100),
			stopped(detective.PackageEKSAudit, 50), started(detective.PackageASFFSecurityHubFinding, 7)}},
		detective.MemberPackages{Account: acct(3), Packages: []detective.PackageState{started(detective.PackageDetectiveCore, 1_000)}},
		detective.MemberPackages{Account: acct(8), Packages: []detective.PackageState{started(detective.PackageDetectiveCore, 1<<40)}}) // not a member
	mustPutMemberPackages(t, s, other.ARN,
		detective.MemberPackages{Account: acct(2), Packages: []detective.PackageState{started(detective.PackageDetectiveCore, 3)}})
	check("after PutMemberPackages", map[detective.MemberStatus]int64{detective.MemberStatusEnabled: 1_107, detective.MemberStatusInvited: 5})

	// A package that starts counts, one that stops no longer does, and a
	// state named twice counts as the last one.
	mustPutMemberPackages(t, s, g.ARN, detective.MemberPackages{Account: acct(2), Packages: []detective.PackageState{
		started(detective.PackageEKSAudit, 50), stopped(detective.PackageDetectiveCore, 100),
		started(detective.PackageASFFSecurityHubFinding, 8), stopped(detective.PackageASFFSecurityHubFinding, 7)}})
	check("after packages started and stopped", map[detective.MemberStatus]int64{detective.MemberStatusEnabled: 1_050})

	// A status change moves the member's volume; a rewrite that keeps the
	// status moves nothing.
	b.Status, b.DisabledReason = detective.MemberStatusAcceptedButDisabled, detective.DisabledReasonVolumeTooHigh
	c.Email, c.UpdatedTime = "changed@example.com", at(9_000)
	a.Status = detective.MemberStatusEnabled
	mustPutMembers(t, s, b, c, a)
	check("after status changes", map[detective.MemberStatus]int64{detective.MemberStatusEnabled: 1_005,
		detective.MemberStatusAcceptedButDisabled: 50, detective.MemberStatusInvited: 0})

	enabled := mustReadValue(t, s, func(ctx context.Context, tx detective.Tx) ([]detective.Member, error) {
		return tx.MembersWithStatus(ctx, g.ARN, detective.MemberStatusEnabled)
	})
	checkMembers(t, "MembersWithStatus(ENABLED)", enabled, mustMembers(t, s, g.ARN, acct(1), acct(3)))

	mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
		return tx.DeleteMembers(ctx, g.ARN, []detective.AccountID{acct(3), acct(7)})
	})
	check("after DeleteMembers", map[detective.MemberStatus]int64{detective.MemberStatusEnabled: 5})

	// A write that fails leaves the totals as they were.
	mustFailWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
		a.Status = detective.MemberStatusAcceptedButDisabled
		return tx.PutMembers(ctx, []detective.Member{a})
	})
	check("after a rolled back write", map[detective.MemberStatus]int64{detective.MemberStatusEnabled: 5})

	// The totals go with the graph: one created again under its ARN
	// starts from nothing.
	mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error { return tx.DeleteGraph(ctx, g.ARN) })
	check("after DeleteGraph", map[detective.MemberStatus]int64{detective.MemberStatusEnabled: 0})
	mustCreateGraphs(t, s, g)
	check("of the graph created again", map[detective.MemberStatus]int64{detective.MemberStatusEnabled: 0})
	if got := mustMemberVolume(t, s, other.ARN, detective.MemberStatusEnabled); got != 3 {
		t.Errorf("MemberVolume(other graph) = %d, want 3", got)
	}

	mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error { return tx.DeleteAll(ctx) })
	mustCreateGraphs(t, s, other)
	check("after DeleteAll", map[detective.MemberStatus]int64{detective.MemberStatusEnabled: 0})
}

// checkMemberTotals compares the running totals of graph with what its
// members, read one by one, add up to.
func checkMemberTotals(tb testing.TB, s detective.Store, graph arn.ARN, when string) {
	tb.Helper()
	counts := map[detective.MemberStatus]int{}
	volumes := map[detective.MemberStatus]int64{}
	members := mustListMembers(tb, s, detective.ListMembersParams{Graph: graph, Limit: 10_000})
	for _, m := range members {
		counts[m.Status]++
		for _, p := range m.Packages {
			if p.State == detective.IngestStarted {
				volumes[m.Status] += p.VolumeBytes
			}
		}
	}
	mustRead(tb, s, func(ctx context.Context, tx detective.Tx) error {
		all, err := tx.CountMembers(ctx, graph, nil)
		if err != nil {
			return err
		}
		if want := len(members); all != want {
			tb.Errorf("CountMembers(%s) %s = %d, want %d", graph, when, all, want)
		}
		for _, status := range memberStatuses {
			n, err := tx.CountMembers(ctx, graph, []detective.MemberStatus{status})
			if err != nil {
				return err
			}
			if want := all - counts[status]; n != want {
				tb.Errorf("CountMembers(%s, except %s) %s = %d, want %d", graph, status, when, n, want)
			}
			v, err := tx.MemberVolume(ctx, graph, status)
			if err != nil {
				return err
			}
			if v != volumes[status] {
				tb.Errorf("MemberVolume(%s, %s) %s = %d, want %d", graph, status, when, v, volumes[status])
			}
		}
		return nil
	})
}

func mustMemberVolume(tb testing.TB, s detective.Store, graph arn.ARN, status detective.MemberStatus) int64 {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) (int64, error) {
		return tx.MemberVolume(ctx, graph, status)
	})
}

// mustFailWrite runs fn in s.Write, then fails the transaction.
func mustFailWrite(tb testing.TB, s detective.Store, fn func(ctx context.Context, tx detective.Tx) error) {
	tb.Helper()
	ctx := tb.Context()
	err := s.Write(ctx, func(tx detective.Tx) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return detective.Conflict("rolled back on purpose")
	})
	if detective.KindOf(err) != detective.KindConflict {
		tb.Fatalf("Write: %v, want the conflict that rolls it back", err)
	}
}

// testGraphMeasuredVolume checks the transaction's GraphMeasuredVolume:
// MeasuredVolume of every account that ingested into the graph, and of no
// other graph.
func testGraphMeasuredVolume(t *testing.T, s BehaviorStore) {
	g, other := graphOf(acct(1), region, 1), graphOf(acct(5), region, 2)
	mustCreateGraphs(t, s, g, other)
	b := behavior.NewBatch()
	b.Add(g.ARN, apiRecord(acct(1), "old", base, ""), base.Add(-25*time.Hour)) // ingested over a day ago
	b.Add(g.ARN, apiRecord(acct(2), "m1", base, ""), base.Add(-time.Hour))
	b.Add(g.ARN, apiRecord(acct(2), "m2", base, ""), base)
	b.Add(g.ARN, &behavior.Record{Kind: behavior.KindK8s, Account: acct(2), Package: detective.PackageEKSAudit, Time: base,
		Size: 30, K8s: &behavior.K8sEvent{}}, base)
	b.Add(other.ARN, apiRecord(acct(3), "o1", base, ""), base)
	mustPut(t, s, b)
	since := base.Add(-24 * time.Hour)
	want := map[detective.AccountID]detective.MeasuredVolume{
		acct(1): {Bytes: map[detective.DatasourcePackage]int64{detective.PackageDetectiveCore: 0}, LastIngest: base.Add(-25 * time.Hour)},
		acct(2): {Bytes: map[detective.DatasourcePackage]int64{detective.PackageDetectiveCore: 2000, detective.PackageEKSAudit: 30}, LastIngest: base},
	}
	mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
		vr, ok := tx.(detective.GraphVolumeReader)
		if !ok {
			t.Fatalf("the store's Tx (%T) is not a detective.GraphVolumeReader", tx)
		}
		got, err := vr.GraphMeasuredVolume(ctx, g.ARN, since)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GraphMeasuredVolume mismatch (-want +got):\n%s", diff)
		}
		some, err := vr.MeasuredVolume(ctx, g.ARN, []detective.AccountID{acct(2), acct(3)}, since)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(map[detective.AccountID]detective.MeasuredVolume{acct(2): want[acct(2)]}, some); diff != "" {
			t.Errorf("MeasuredVolume in the transaction mismatch (-want +got):\n%s", diff)
		}
		none, err := vr.GraphMeasuredVolume(ctx, graphOf(acct(1), region, 3).ARN, since)
		if err != nil {
			return err
		}
		if len(none) != 0 {
			t.Errorf("GraphMeasuredVolume(graph without ingest) = %v, want none", none)
		}
		return nil
	})
}

// MustPopulateForTotals writes to a new graph g an ENABLED member with
// started and stopped packages, an INVITED one and a failed verification.
// With CheckPopulatedTotals, a store's own test checks that its migration
// totals the members a database already has.
func MustPopulateForTotals(tb testing.TB, s detective.Store, g arn.ARN) {
	tb.Helper()
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	admin := detective.AccountID(g.Account)
	member := func(account detective.AccountID, status detective.MemberStatus) detective.Member {
		return detective.Member{Graph: g, Account: account, Email: "a@example.com", Admin: admin,
			Type: detective.InvitationTypeInvitation, Status: status, InvitedTime: at, UpdatedTime: at, VerifiedTime: at}
	}
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error {
		if err := tx.CreateGraph(ctx, detective.Graph{ARN: g, Admin: admin, Region: g.Region, CreatedTime: at}); err != nil {
			return err
		}
		if err := tx.PutMembers(ctx, []detective.Member{member(acct(1), detective.MemberStatusEnabled),
			member(acct(2), detective.MemberStatusInvited), member(acct(3), detective.MemberStatusVerificationFailed)}); err != nil {
			return err
		}
		return tx.PutMemberPackages(ctx, g, []detective.MemberPackages{{Account: acct(1), Packages: []detective.PackageState{
			{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at, VolumeBytes: 700, VolumeTime: at},
			{Package: detective.PackageEKSAudit, State: detective.IngestStopped, Stopped: at, VolumeBytes: 50, VolumeTime: at},
		}}})
	})
}

// CheckPopulatedTotals checks the running totals of what
// MustPopulateForTotals wrote, as a store migrated since must have them.
func CheckPopulatedTotals(tb testing.TB, s detective.Store, g arn.ARN) {
	tb.Helper()
	mustRead(tb, s, func(ctx context.Context, tx detective.Tx) error {
		n, err := tx.CountMembers(ctx, g, []detective.MemberStatus{detective.MemberStatusVerificationFailed})
		if err != nil {
			return err
		}
		v, err := tx.MemberVolume(ctx, g, detective.MemberStatusEnabled)
		if err != nil {
			return err
		}
		if n != 2 || v != 700 {
			tb.Errorf("after the migration: CountMembers(except VERIFICATION_FAILED) = %d, MemberVolume(ENABLED) = %d; want 2, 700", n, v)
		}
		return nil
	})
}
