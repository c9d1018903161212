package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

func testDatasource(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("GraphPackages", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g, other := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g, other)
		checkPackages(t, "GraphPackages before any put", mustGraphPackages(t, s, g.ARN), nil)

		// Put in reverse order: the store returns package order, which is
		// neither the order of the put nor alphabetical.
		want := []detective.PackageState{
			{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at(1)},
			{Package: detective.PackageEKSAudit, State: detective.IngestStopped, Started: at(2), Stopped: at(3)},
			{Package: detective.PackageASFFSecurityHubFinding, State: detective.IngestDisabled,
				Started: at(4), Stopped: at(5), Disabled: at(6)},
		}
		mustPutGraphPackages(t, s, g.ARN, want[2], want[1], want[0])
		mustPutGraphPackages(t, s, other.ARN, detective.PackageState{Package: detective.PackageEKSAudit, State: detective.IngestStarted, Started: at(9)})
		mustPutGraphPackages(t, s, g.ARN) // nothing to put is not an error

		checkPackages(t, "GraphPackages", mustGraphPackages(t, s, g.ARN), want)
		checkPackages(t, "GraphPackages(other graph)", mustGraphPackages(t, s, other.ARN),
			[]detective.PackageState{{Package: detective.PackageEKSAudit, State: detective.IngestStarted, Started: at(9)}})
		checkPackages(t, "GraphPackages(absent graph)", mustGraphPackages(t, s, graphOf(acct(0), region, 3).ARN), nil)
	})

	t.Run("PutGraphPackagesReplaces", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		core := detective.PackageState{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at(1)}
		eks := detective.PackageState{Package: detective.PackageEKSAudit, State: detective.IngestDisabled,
			Started: at(2), Stopped: at(3), Disabled: at(4)}
		mustPutGraphPackages(t, s, g.ARN, core, eks)

		// Every field is replaced, a set time by "never" too; a package not
		// named keeps its state.
		eks = detective.PackageState{Package: detective.PackageEKSAudit, State: detective.IngestStarted, Started: at(10)}
		mustPutGraphPackages(t, s, g.ARN, eks)
		checkPackages(t, "GraphPackages after replace", mustGraphPackages(t, s, g.ARN), []detective.PackageState{core, eks})
	})

	t.Run("ZeroTimes", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		// The zero time means "never": it must come back as the zero time,
		// not as some instant in year 1 or 1970.
		p := detective.PackageState{Package: detective.PackageDetectiveCore, State: detective.IngestStopped}
		mustPutGraphPackages(t, s, g.ARN, p)
		mustPutMembers(t, s, memberOf(g, acct(1), detective.MemberStatusEnabled))
		mustPutMemberPackages(t, s, g.ARN, detective.MemberPackages{Account: acct(1), Packages: []detective.PackageState{p}})

		check := func(what string, got []detective.PackageState) {
			t.Helper()
			if len(got) != 1 {
				t.Fatalf("%s = %+v, want one package", what, got)
			}
			for name, tm := range map[string]time.Time{"Started": got[0].Started, "Stopped": got[0].Stopped,
				"Disabled": got[0].Disabled, "VolumeTime": got[0].VolumeTime} {
				if !tm.IsZero() {
					t.Errorf("%s %s = %v, want the zero time", what, name, tm)
				}
			}
			if got[0].VolumeBytes != 0 {
				t.Errorf("%s VolumeBytes = %d, want 0", what, got[0].VolumeBytes)
			}
		}
		check("GraphPackages", mustGraphPackages(t, s, g.ARN))
		mps := mustMemberPackages(t, s, g.ARN, acct(1))
		if len(mps) != 1 {
			t.Fatalf("MemberPackages = %+v, want one member", mps)
		}
		check("MemberPackages", mps[0].Packages)
		ms := mustMembers(t, s, g.ARN, acct(1))
		if len(ms) != 1 {
			t.Fatalf("Members = %+v, want one member", ms)
		}
		check("Members", ms[0].Packages)
	})

	t.Run("MemberPackages", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g, other := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g, other)
		one := detective.MemberPackages{Account: acct(1), Packages: []detective.PackageState{
			{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at(1),
				VolumeBytes: 5 << 40, VolumeTime: at(100)}, // more than 32 bits
			{Package: detective.PackageEKSAudit, State: detective.IngestStopped, Started: at(2), Stopped: at(3),
				VolumeBytes: 0, VolumeTime: at(101)},
			{Package: detective.PackageASFFSecurityHubFinding, State: detective.IngestDisabled, Disabled: at(4),
				VolumeBytes: 1},
		}}
		two := detective.MemberPackages{Account: acct(2), Packages: []detective.PackageState{
			{Package: detective.PackageEKSAudit, State: detective.IngestStarted, Started: at(5), VolumeBytes: 42, VolumeTime: at(6)},
		}}
		three := detective.MemberPackages{Account: acct(3), Packages: []detective.PackageState{
			{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at(7)},
		}}
		// Put one's packages out of order; they come back in package order.
		shuffled := detective.MemberPackages{Account: one.Account,
			Packages: []detective.PackageState{one.Packages[2], one.Packages[0], one.Packages[1]}}
		mustPutMembers(t, s,
			memberOf(g, acct(1), detective.MemberStatusEnabled),
			memberOf(g, acct(2), detective.MemberStatusAcceptedButDisabled),
			memberOf(g, acct(3), detective.MemberStatusEnabled),
			memberOf(other, acct(4), detective.MemberStatusEnabled),
			memberOf(g, acct(5), detective.MemberStatusEnabled))
		// Package states live on the member's row: an account that is not
		// a member of the graph is skipped, not an error.
		six := detective.MemberPackages{Account: acct(6), Packages: two.Packages}
		mustPutMemberPackages(t, s, g.ARN, two, six, shuffled, three)
		mustPutMemberPackages(t, s, other.ARN, detective.MemberPackages{Account: acct(4), Packages: two.Packages})
		mustPutMemberPackages(t, s, other.ARN, detective.MemberPackages{Account: acct(1), Packages: two.Packages}) // g's member only
		mustPutMemberPackages(t, s, g.ARN)                                                                         // nothing to put
		mustPutMemberPackages(t, s, g.ARN, detective.MemberPackages{Account: acct(5)})                             // no packages: nothing stored

		for _, tc := range []struct {
			name string
			ids  []detective.AccountID
			want []detective.MemberPackages
		}{
			{"RequestOrder", []detective.AccountID{acct(3), acct(1), acct(2)}, []detective.MemberPackages{three, one, two}},
			{"OtherOrder", []detective.AccountID{acct(2), acct(3), acct(1)}, []detective.MemberPackages{two, three, one}},
			{"AbsentOmitted", []detective.AccountID{acct(8), acct(2), acct(5), acct(1)}, []detective.MemberPackages{two, one}},
			{"NonMemberSkipped", []detective.AccountID{acct(6), acct(3)}, []detective.MemberPackages{three}},
			// Each account once, where it first appears: the rows of one
			// account are not a list of members to repeat.
			{"Repeated", []detective.AccountID{acct(2), acct(1), acct(2)}, []detective.MemberPackages{two, one}},
			{"OtherGraphsAccount", []detective.AccountID{acct(4), acct(3)}, []detective.MemberPackages{three}},
			{"NoneFound", []detective.AccountID{acct(8)}, nil},
			{"NoneAsked", nil, nil},
		} {
			checkMemberPackages(t, "MemberPackages "+tc.name, mustMemberPackages(t, s, g.ARN, tc.ids...), tc.want)
		}
		checkMemberPackages(t, "MemberPackages(absent graph)", mustMemberPackages(t, s, graphOf(acct(0), region, 3).ARN, acct(1)), nil)
		checkMemberPackages(t, "MemberPackages(other graph)", mustMemberPackages(t, s, other.ARN, acct(4), acct(1)),
			[]detective.MemberPackages{{Account: acct(4), Packages: two.Packages}})
	})

	t.Run("MemberReadsReturnPackages", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		with, without := memberOf(g, acct(1), detective.MemberStatusEnabled), memberOf(g, acct(2), detective.MemberStatusInvited)
		mustPutMembers(t, s, with, without)
		with.Packages = []detective.PackageState{
			{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at(1), VolumeBytes: 5 << 40, VolumeTime: at(2)},
			{Package: detective.PackageEKSAudit, State: detective.IngestDisabled, Disabled: at(3)},
		}
		mustPutMemberPackages(t, s, g.ARN, detective.MemberPackages{Account: with.Account,
			Packages: []detective.PackageState{with.Packages[1], with.Packages[0]}})

		// A member without package states has nil Packages, not empty.
		want := []detective.Member{with, without}
		checkMembers(t, "Members", mustMembers(t, s, g.ARN, acct(1), acct(2)), want)
		checkMembers(t, "ListMembers", mustListMembers(t, s, detective.ListMembersParams{Graph: g.ARN}), want)
		for _, m := range want {
			checkMembers(t, "ListMemberships "+string(m.Account), mustListMemberships(t, s, detective.ListMembershipsParams{
				Account: m.Account, Region: region, Statuses: []detective.MemberStatus{m.Status}, SettledBy: at(1e12),
			}), []detective.Member{m})
		}
	})

	t.Run("PutMembersKeepsPackages", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		m := memberOf(g, acct(1), detective.MemberStatusAcceptedButDisabled)
		mustPutMembers(t, s, m)
		ps := []detective.PackageState{{Package: detective.PackageDetectiveCore, State: detective.IngestDisabled,
			Disabled: at(1), VolumeBytes: 10, VolumeTime: at(2)}}
		mustPutMemberPackages(t, s, g.ARN, detective.MemberPackages{Account: m.Account, Packages: ps})

		// PutMembers replaces every other field but never the packages,
		// whatever the Member it is given holds: nil, or other states.
		m.Status, m.UpdatedTime = detective.MemberStatusEnabled, at(20_000)
		mustPutMembers(t, s, m)
		m.Packages = []detective.PackageState{{Package: detective.PackageEKSAudit, State: detective.IngestStarted, Started: at(9)}}
		mustPutMembers(t, s, m)
		m.Packages = ps
		checkMembers(t, "Members after PutMembers", mustMembers(t, s, g.ARN, m.Account), []detective.Member{m})

		// Nor does it write them for a new member.
		fresh := memberOf(g, acct(2), detective.MemberStatusEnabled)
		fresh.Packages = ps
		mustPutMembers(t, s, fresh)
		fresh.Packages = nil
		checkMembers(t, "Members(new) after PutMembers", mustMembers(t, s, g.ARN, fresh.Account), []detective.Member{fresh})
		checkMemberPackages(t, "MemberPackages(new) after PutMembers", mustMemberPackages(t, s, g.ARN, fresh.Account), nil)
	})

	t.Run("PutMemberPackagesReplaces", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		core := detective.PackageState{Package: detective.PackageDetectiveCore, State: detective.IngestStarted,
			Started: at(1), VolumeBytes: 100, VolumeTime: at(2)}
		eks := detective.PackageState{Package: detective.PackageEKSAudit, State: detective.IngestStopped,
			Started: at(3), Stopped: at(4), VolumeBytes: 200, VolumeTime: at(5)}
		mustPutMembers(t, s, memberOf(g, acct(1), detective.MemberStatusEnabled), memberOf(g, acct(2), detective.MemberStatusEnabled))
		mustPutMemberPackages(t, s, g.ARN,
			detective.MemberPackages{Account: acct(1), Packages: []detective.PackageState{core, eks}},
			detective.MemberPackages{Account: acct(2), Packages: []detective.PackageState{core}})

		// Every field of a named package is replaced, volume included and
		// set times by "never"; packages and accounts not named keep theirs.
		eks2 := detective.PackageState{Package: detective.PackageEKSAudit, State: detective.IngestDisabled,
			Disabled: at(9), VolumeBytes: 7}
		asff := detective.PackageState{Package: detective.PackageASFFSecurityHubFinding, State: detective.IngestStarted, Started: at(8)}
		mustPutMemberPackages(t, s, g.ARN, detective.MemberPackages{Account: acct(1), Packages: []detective.PackageState{asff, eks2}})
		// Within one call too: an account named twice is put in turn, and
		// a package named twice for it is last-one-wins.
		core2 := detective.PackageState{Package: detective.PackageDetectiveCore, State: detective.IngestStopped, Stopped: at(11)}
		core3 := detective.PackageState{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at(12)}
		mustPutMemberPackages(t, s, g.ARN,
			detective.MemberPackages{Account: acct(2), Packages: []detective.PackageState{core2, eks}},
			detective.MemberPackages{Account: acct(2), Packages: []detective.PackageState{core3}})
		checkMemberPackages(t, "MemberPackages after replace", mustMemberPackages(t, s, g.ARN, acct(1), acct(2)),
			[]detective.MemberPackages{
				{Account: acct(1), Packages: []detective.PackageState{core, eks2, asff}},
				{Account: acct(2), Packages: []detective.PackageState{core3, eks}},
			})
	})

	t.Run("DeleteMembersRemovesPackages", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g, other := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g, other)
		mustPutMembers(t, s,
			memberOf(g, acct(1), detective.MemberStatusEnabled),
			memberOf(g, acct(2), detective.MemberStatusEnabled),
			memberOf(other, acct(1), detective.MemberStatusEnabled))
		ps := []detective.PackageState{{Package: detective.PackageDetectiveCore, State: detective.IngestStarted,
			Started: at(1), VolumeBytes: 10, VolumeTime: at(2)}}
		one, two := detective.MemberPackages{Account: acct(1), Packages: ps}, detective.MemberPackages{Account: acct(2), Packages: ps}
		mustPutMemberPackages(t, s, g.ARN, one, two)
		mustPutMemberPackages(t, s, other.ARN, one)

		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			return tx.DeleteMembers(ctx, g.ARN, []detective.AccountID{acct(1), acct(7)})
		})
		checkMemberPackages(t, "MemberPackages after DeleteMembers", mustMemberPackages(t, s, g.ARN, acct(1), acct(2)),
			[]detective.MemberPackages{two})
		checkMemberPackages(t, "MemberPackages(other graph) after DeleteMembers", mustMemberPackages(t, s, other.ARN, acct(1)),
			[]detective.MemberPackages{one})

		// A re-invited account starts afresh.
		mustPutMembers(t, s, memberOf(g, acct(1), detective.MemberStatusInvited))
		checkMemberPackages(t, "MemberPackages after re-inviting", mustMemberPackages(t, s, g.ARN, acct(1)), nil)
	})

	t.Run("DeleteGraphCascades", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		doomed, kept := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, doomed, kept)
		gp := detective.PackageState{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at(1)}
		mp := detective.MemberPackages{Account: acct(1), Packages: []detective.PackageState{
			{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at(1), VolumeBytes: 3, VolumeTime: at(2)},
		}}
		for _, g := range []detective.Graph{doomed, kept} {
			mustPutMembers(t, s, memberOf(g, acct(1), detective.MemberStatusEnabled))
			mustPutGraphPackages(t, s, g.ARN, gp)
			mustPutMemberPackages(t, s, g.ARN, mp)
		}

		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error { return tx.DeleteGraph(ctx, doomed.ARN) })
		checkPackages(t, "GraphPackages(deleted)", mustGraphPackages(t, s, doomed.ARN), nil)
		checkMemberPackages(t, "MemberPackages(deleted)", mustMemberPackages(t, s, doomed.ARN, acct(1)), nil)
		checkPackages(t, "GraphPackages(kept)", mustGraphPackages(t, s, kept.ARN), []detective.PackageState{gp})
		checkMemberPackages(t, "MemberPackages(kept)", mustMemberPackages(t, s, kept.ARN, acct(1)), []detective.MemberPackages{mp})

		// A graph created again under the same ARN starts afresh.
		mustCreateGraphs(t, s, doomed)
		checkPackages(t, "GraphPackages(recreated)", mustGraphPackages(t, s, doomed.ARN), nil)
		checkMemberPackages(t, "MemberPackages(recreated)", mustMemberPackages(t, s, doomed.ARN, acct(1)), nil)
	})

	t.Run("GraphsWithMemberStatus", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		// One region, so the ARNs sort by administrator: gN is the N-th.
		// They are created, and their members put, out of that order.
		g1, g2, g3, g4 := graphOf(acct(1), region, 1), graphOf(acct(2), region, 2), graphOf(acct(3), region, 3), graphOf(acct(4), region, 4)
		mustCreateGraphs(t, s, g3, g1, g4, g2)
		disabled := detective.MemberStatusAcceptedButDisabled
		// The stored status counts, not the status as viewed now: this
		// record is still verifying by the clock, but is stored disabled.
		unsettled := memberOf(g2, acct(15), disabled)
		unsettled.VerifiedTime = at(1e12)
		mustPutMembers(t, s,
			memberOf(g3, acct(11), disabled),
			memberOf(g3, acct(12), disabled), // two in one graph: the graph once
			memberOf(g1, acct(11), disabled),
			memberOf(g1, acct(13), detective.MemberStatusEnabled),
			unsettled,
			memberOf(g4, acct(11), detective.MemberStatusEnabled),
		)
		for _, tc := range []struct {
			status detective.MemberStatus
			want   []detective.Graph
		}{
			{disabled, []detective.Graph{g1, g2, g3}},
			{detective.MemberStatusEnabled, []detective.Graph{g1, g4}},
			{detective.MemberStatusVerificationFailed, nil},
			{detective.MemberStatusVerificationInProgress, nil},
		} {
			checkARNs(t, "GraphsWithMemberStatus("+string(tc.status)+")", mustGraphsWithMemberStatus(t, s, tc.status), tc.want)
		}

		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			if err := tx.DeleteMembers(ctx, g1.ARN, []detective.AccountID{acct(11)}); err != nil {
				return err
			}
			if err := tx.DeleteGraph(ctx, g2.ARN); err != nil {
				return err
			}
			// A status changed in place moves the graph.
			return tx.PutMembers(ctx, []detective.Member{memberOf(g4, acct(11), disabled)})
		})
		checkARNs(t, "GraphsWithMemberStatus after changes", mustGraphsWithMemberStatus(t, s, disabled), []detective.Graph{g3, g4})
	})

	t.Run("Rollback", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		gp := detective.PackageState{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at(1)}
		mp := detective.MemberPackages{Account: acct(1), Packages: []detective.PackageState{gp}}
		mustPutGraphPackages(t, s, g.ARN, gp)
		mustPutMembers(t, s, memberOf(g, acct(1), detective.MemberStatusEnabled), memberOf(g, acct(2), detective.MemberStatusEnabled))
		mustPutMemberPackages(t, s, g.ARN, mp)

		failure := errors.New("fn failed")
		err := s.Write(t.Context(), func(tx detective.Tx) error {
			changed := detective.PackageState{Package: detective.PackageDetectiveCore, State: detective.IngestStopped, Stopped: at(5)}
			added := detective.PackageState{Package: detective.PackageEKSAudit, State: detective.IngestStarted, Started: at(5)}
			if err := tx.PutGraphPackages(t.Context(), g.ARN, []detective.PackageState{changed, added}); err != nil {
				return err
			}
			if err := tx.PutMemberPackages(t.Context(), g.ARN, []detective.MemberPackages{
				{Account: acct(1), Packages: []detective.PackageState{changed}},
				{Account: acct(2), Packages: []detective.PackageState{added}},
			}); err != nil {
				return err
			}
			return failure
		})
		if !errors.Is(err, failure) {
			t.Fatalf("Write = %v, want %v", err, failure)
		}
		checkPackages(t, "GraphPackages after a failed Write", mustGraphPackages(t, s, g.ARN), []detective.PackageState{gp})
		checkMemberPackages(t, "MemberPackages after a failed Write", mustMemberPackages(t, s, g.ARN, acct(1), acct(2)),
			[]detective.MemberPackages{mp})
	})

	t.Run("ReadOnly", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		p := detective.PackageState{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at(1)}
		// A member, so that PutMemberPackages has a row to write to.
		mustPutMembers(t, s, memberOf(g, acct(1), detective.MemberStatusEnabled))
		for name, w := range map[string]func(ctx context.Context, tx detective.Tx) error{
			"PutGraphPackages": func(ctx context.Context, tx detective.Tx) error {
				return tx.PutGraphPackages(ctx, g.ARN, []detective.PackageState{p})
			},
			"PutMemberPackages": func(ctx context.Context, tx detective.Tx) error {
				return tx.PutMemberPackages(ctx, g.ARN, []detective.MemberPackages{{Account: acct(1), Packages: []detective.PackageState{p}}})
			},
		} {
			var inner error
			_ = s.Read(t.Context(), func(tx detective.Tx) error {
				inner = w(t.Context(), tx)
				return nil
			})
			if inner == nil {
				t.Errorf("%s in Read succeeded, want an error", name)
			}
		}
		checkPackages(t, "GraphPackages after writes in Read", mustGraphPackages(t, s, g.ARN), nil)
		checkMemberPackages(t, "MemberPackages after writes in Read", mustMemberPackages(t, s, g.ARN, acct(1)), nil)
	})

	t.Run("DeleteAll", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		populateControlPlane(t, s, g)
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error { return tx.DeleteAll(ctx) })
		checkControlPlaneEmpty(t, s, g, "after DeleteAll")
		// The same rows can be written again.
		populateControlPlane(t, s, g)
	})
}

// populateControlPlane creates g with a member, package states, an
// investigation and its indicators.
func populateControlPlane(tb testing.TB, s detective.Store, g detective.Graph) {
	tb.Helper()
	mustCreateGraphs(tb, s, g)
	mustPutMembers(tb, s, memberOf(g, acct(1), detective.MemberStatusAcceptedButDisabled))
	p := detective.PackageState{Package: detective.PackageDetectiveCore, State: detective.IngestStarted, Started: at(1),
		VolumeBytes: 9, VolumeTime: at(2)}
	mustPutGraphPackages(tb, s, g.ARN, p)
	mustPutMemberPackages(tb, s, g.ARN, detective.MemberPackages{Account: acct(1), Packages: []detective.PackageState{p}})
	inv := investigationOf(g, 1, at(10))
	mustCreateInvestigations(tb, s, inv)
	mustPutIndicators(tb, s, inv, detective.Indicator{Type: detective.IndicatorNewUserAgent, Detail: map[string]any{"UserAgent": "curl"}})
}

// checkControlPlaneEmpty fails tb if anything populateControlPlane wrote
// for g is still there.
func checkControlPlaneEmpty(tb testing.TB, s detective.Store, g detective.Graph, when string) {
	tb.Helper()
	checkPackages(tb, "GraphPackages "+when, mustGraphPackages(tb, s, g.ARN), nil)
	checkMemberPackages(tb, "MemberPackages "+when, mustMemberPackages(tb, s, g.ARN, acct(1)), nil)
	checkARNs(tb, "GraphsWithMemberStatus "+when, mustGraphsWithMemberStatus(tb, s, detective.MemberStatusAcceptedButDisabled), nil)
	checkInvestigations(tb, "ListInvestigations "+when, mustListInvestigations(tb, s, g.ARN), nil)
	inv := investigationOf(g, 1, at(10))
	if got := mustIndicators(tb, s, inv); len(got) != 0 {
		tb.Errorf("Indicators %s = %+v, want none", when, got)
	}
	mustRead(tb, s, func(ctx context.Context, tx detective.Tx) error {
		_, err := tx.Investigation(ctx, g.ARN, inv.ID)
		wantKind(tb, "Investigation "+when, err, detective.KindNotFound)
		return nil
	})
}

// mustGraphPackages reads the package states of graph.
func mustGraphPackages(tb testing.TB, s detective.Store, graph arn.ARN) []detective.PackageState {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) ([]detective.PackageState, error) {
		return tx.GraphPackages(ctx, graph)
	})
}

// mustPutGraphPackages stores ps for graph in one transaction.
func mustPutGraphPackages(tb testing.TB, s detective.Store, graph arn.ARN, ps ...detective.PackageState) {
	tb.Helper()
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error { return tx.PutGraphPackages(ctx, graph, ps) })
}

// mustMemberPackages reads the package states of the given members of graph.
func mustMemberPackages(tb testing.TB, s detective.Store, graph arn.ARN, accounts ...detective.AccountID) []detective.MemberPackages {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) ([]detective.MemberPackages, error) {
		return tx.MemberPackages(ctx, graph, accounts)
	})
}

// mustPutMemberPackages stores ms for graph in one transaction.
func mustPutMemberPackages(tb testing.TB, s detective.Store, graph arn.ARN, ms ...detective.MemberPackages) {
	tb.Helper()
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error { return tx.PutMemberPackages(ctx, graph, ms) })
}

// mustGraphsWithMemberStatus reads GraphsWithMemberStatus(status).
func mustGraphsWithMemberStatus(tb testing.TB, s detective.Store, status detective.MemberStatus) []arn.ARN {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) ([]arn.ARN, error) {
		return tx.GraphsWithMemberStatus(ctx, status)
	})
}

// checkPackages fails tb if got differs from want (times compared as
// instants; nil and empty are both "none") or a time in got is not UTC.
func checkPackages(tb testing.TB, what string, got, want []detective.PackageState) {
	tb.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
	checkPackageZones(tb, what, got)
}

// checkPackageZones fails tb if a time of ps is not in UTC (see
// checkGraphs).
func checkPackageZones(tb testing.TB, what string, ps []detective.PackageState) {
	tb.Helper()
	for i, p := range ps {
		for name, tm := range map[string]time.Time{"Started": p.Started, "Stopped": p.Stopped, "Disabled": p.Disabled, "VolumeTime": p.VolumeTime} {
			checkUTC(tb, fmt.Sprintf("%s[%d] %s", what, i, name), tm)
		}
	}
}

// checkMemberPackages is checkPackages for the package states of members.
func checkMemberPackages(tb testing.TB, what string, got, want []detective.MemberPackages) {
	tb.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
	for _, m := range got {
		checkPackageZones(tb, what+" "+string(m.Account), m.Packages)
	}
}

// checkARNs fails tb unless got is the ARNs of want, in that order.
func checkARNs(tb testing.TB, what string, got []arn.ARN, want []detective.Graph) {
	tb.Helper()
	wantARNs := make([]arn.ARN, len(want))
	for i, g := range want {
		wantARNs[i] = g.ARN
	}
	if len(got) == 0 && len(wantARNs) == 0 {
		return
	}
	if diff := cmp.Diff(wantARNs, got); diff != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
}
