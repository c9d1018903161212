package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/detective-local/detective-local/internal/detective"
)

func testMember(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("PutAndGet", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		want := []detective.Member{
			memberOf(g, acct(1), detective.MemberStatusInvited),
			memberOf(g, acct(2), detective.MemberStatusEnabled),
			memberOf(g, acct(3), detective.MemberStatusAcceptedButDisabled),
			memberOf(g, acct(4), detective.MemberStatusVerificationFailed),
		}
		want[1].Type = detective.InvitationTypeOrganization
		want[2].DisabledReason = detective.DisabledReasonVolumeUnknown
		want[3].Email = "" // an empty string is a value, not NULL
		mustPutMembers(t, s, want...)

		checkMembers(t, "Members", mustMembers(t, s, g.ARN, accounts(want)...), want)
	})

	t.Run("MembersOrderAndAbsent", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		other := graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g, other)
		m1, m2, m3 := memberOf(g, acct(1), detective.MemberStatusInvited), memberOf(g, acct(2), detective.MemberStatusEnabled), memberOf(g, acct(3), detective.MemberStatusInvited)
		mustPutMembers(t, s, m1, m2, m3, memberOf(other, acct(4), detective.MemberStatusInvited))

		for _, tc := range []struct {
			name string
			ids  []detective.AccountID
			want []detective.Member
		}{
			{"RequestOrder", []detective.AccountID{acct(3), acct(1), acct(2)}, []detective.Member{m3, m1, m2}},
			{"AbsentOmitted", []detective.AccountID{acct(8), acct(2), acct(7), acct(1)}, []detective.Member{m2, m1}},
			{"OtherGraphsMember", []detective.AccountID{acct(4), acct(3)}, []detective.Member{m3}},
			{"NoneFound", []detective.AccountID{acct(8)}, nil},
			{"NoneAsked", nil, nil},
		} {
			checkMembers(t, "Members "+tc.name, mustMembers(t, s, g.ARN, tc.ids...), tc.want)
		}
		checkMembers(t, "Members(absent graph)", mustMembers(t, s, graphOf(acct(0), region, 3).ARN, acct(1)), nil)
	})

	t.Run("PutReplacesEveryField", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		old := memberOf(g, acct(1), detective.MemberStatusAcceptedButDisabled)
		old.Type = detective.InvitationTypeOrganization
		mustPutMembers(t, s, old)

		updated := detective.Member{
			Graph:        g.ARN,
			Account:      old.Account,
			Email:        "new@example.com",
			Admin:        g.Admin,
			Type:         detective.InvitationTypeInvitation,
			Status:       detective.MemberStatusEnabled,
			InvitedTime:  at(10_000),
			UpdatedTime:  at(20_000),
			VerifiedTime: at(15_000),
		}
		mustPutMembers(t, s, updated)
		checkMembers(t, "Members after replace", mustMembers(t, s, g.ARN, old.Account), []detective.Member{updated})
		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			n, err := tx.CountMembers(ctx, g.ARN, nil)
			if err != nil {
				return err
			}
			if n != 1 {
				t.Errorf("CountMembers after replace = %d, want 1", n)
			}
			return nil
		})
	})

	t.Run("PutSeveralGraphs", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g1, g2 := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g1, g2)
		a := memberOf(g1, acct(1), detective.MemberStatusInvited)
		b := memberOf(g2, acct(1), detective.MemberStatusEnabled)
		mustPutMembers(t, s, a, b)
		mustPutMembers(t, s) // nothing to put is not an error
		checkMembers(t, "Members(g1)", mustMembers(t, s, g1.ARN, acct(1)), []detective.Member{a})
		checkMembers(t, "Members(g2)", mustMembers(t, s, g2.ARN, acct(1)), []detective.Member{b})
	})

	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g, other := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g, other)
		m1, m2, m3 := memberOf(g, acct(1), detective.MemberStatusInvited), memberOf(g, acct(2), detective.MemberStatusEnabled), memberOf(g, acct(3), detective.MemberStatusInvited)
		o1 := memberOf(other, acct(1), detective.MemberStatusInvited)
		mustPutMembers(t, s, m1, m2, m3, o1)

		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			if err := tx.DeleteMembers(ctx, g.ARN, []detective.AccountID{acct(1), acct(7), acct(3)}); err != nil {
				return err
			}
			return tx.DeleteMembers(ctx, g.ARN, nil)
		})
		checkMembers(t, "Members after delete", mustMembers(t, s, g.ARN, acct(1), acct(2), acct(3)), []detective.Member{m2})
		checkMembers(t, "Members(other graph)", mustMembers(t, s, other.ARN, acct(1)), []detective.Member{o1})
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			return tx.DeleteMembers(ctx, graphOf(acct(0), region, 3).ARN, []detective.AccountID{acct(1)})
		})
	})

	t.Run("Count", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g, other, empty := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2), graphOf(acct(8), region, 3)
		mustCreateGraphs(t, s, g, other, empty)
		mustPutMembers(t, s,
			memberOf(g, acct(1), detective.MemberStatusInvited),
			memberOf(g, acct(2), detective.MemberStatusEnabled),
			memberOf(g, acct(3), detective.MemberStatusVerificationFailed),
			memberOf(g, acct(4), detective.MemberStatusVerificationFailed),
			memberOf(g, acct(5), detective.MemberStatusAcceptedButDisabled),
			memberOf(other, acct(6), detective.MemberStatusInvited),
		)
		for _, tc := range []struct {
			name   string
			graph  detective.Graph
			except []detective.MemberStatus
			want   int
		}{
			{"All", g, nil, 5},
			{"ExceptFailed", g, []detective.MemberStatus{detective.MemberStatusVerificationFailed}, 3},
			{"ExceptTwo", g, []detective.MemberStatus{detective.MemberStatusVerificationFailed, detective.MemberStatusInvited}, 2},
			{"ExceptUnused", g, []detective.MemberStatus{detective.MemberStatusVerificationInProgress}, 5},
			{"Empty", empty, nil, 0},
			{"EmptyExcept", empty, []detective.MemberStatus{detective.MemberStatusInvited}, 0},
		} {
			mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
				n, err := tx.CountMembers(ctx, tc.graph.ARN, tc.except)
				if err != nil {
					return err
				}
				if n != tc.want {
					t.Errorf("CountMembers %s (except %v) = %d, want %d", tc.name, tc.except, n, tc.want)
				}
				return nil
			})
		}
	})

	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g, other := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g, other)
		var want []detective.Member
		for _, n := range []int{5, 1, 4, 2, 3} {
			want = append(want, memberOf(g, acct(n*10), detective.MemberStatusInvited))
		}
		mustPutMembers(t, s, want...)
		mustPutMembers(t, s, memberOf(other, acct(25), detective.MemberStatusInvited))
		// Keys sort by bytes, as Go compares strings, whatever the
		// database's collation.
		slices.SortFunc(want, func(a, b detective.Member) int { return strings.Compare(string(a.Account), string(b.Account)) })

		checkMembers(t, "ListMembers all", mustListMembers(t, s, detective.ListMembersParams{Graph: g.ARN, Limit: 100}), want)
		checkMembers(t, "ListMembers paged by 2", mustPageMembers(t, s, g, 2), want)
		checkMembers(t, "ListMembers paged by 1", mustPageMembers(t, s, g, 1), want)
		// After need not be a member: a token outlives the member it names.
		checkMembers(t, "ListMembers after an absent account",
			mustListMembers(t, s, detective.ListMembersParams{Graph: g.ARN, After: acct(25), Limit: 2}), want[2:4])
		checkMembers(t, "ListMembers after the last",
			mustListMembers(t, s, detective.ListMembersParams{Graph: g.ARN, After: acct(50), Limit: 2}), nil)
		checkMembers(t, "ListMembers(absent graph)",
			mustListMembers(t, s, detective.ListMembersParams{Graph: graphOf(acct(0), region, 3).ARN, Limit: 2}), nil)
	})

	t.Run("Many", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		// The member quota: every query must cope with a full graph, and
		// Members with a request as long as the graph.
		const n = detective.DefaultMemberLimit
		want := make([]detective.Member, n)
		for i := range want {
			want[i] = memberOf(g, acct(n-i), detective.MemberStatusEnabled)
		}
		mustPutMembers(t, s, want...)

		checkMembers(t, "Members of a full graph", mustMembers(t, s, g.ARN, accounts(want)...), want)
		slices.Reverse(want)
		checkMembers(t, "ListMembers of a full graph paged by 100", mustPageMembers(t, s, g, 100), want)
		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			got, err := tx.CountMembers(ctx, g.ARN, []detective.MemberStatus{detective.MemberStatusVerificationFailed})
			if err != nil {
				return err
			}
			if got != n {
				t.Errorf("CountMembers of a full graph = %d, want %d", got, n)
			}
			return nil
		})
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			return tx.DeleteMembers(ctx, g.ARN, accounts(want))
		})
		checkMembers(t, "ListMembers after deleting all", mustPageMembers(t, s, g, 100), nil)
	})
}

// mustListMembers reads one page of ListMembers.
func mustListMembers(tb testing.TB, s detective.Store, p detective.ListMembersParams) []detective.Member {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) ([]detective.Member, error) {
		return tx.ListMembers(ctx, p)
	})
}

// mustPageMembers reads every member of g, limit at a time, as the service
// pages: each page starts after the last account of the one before.
func mustPageMembers(tb testing.TB, s detective.Store, g detective.Graph, limit int) []detective.Member {
	tb.Helper()
	var all []detective.Member
	p := detective.ListMembersParams{Graph: g.ARN, Limit: limit}
	for pages := 0; ; pages++ {
		page := mustListMembers(tb, s, p)
		if len(page) > limit {
			tb.Fatalf("ListMembers(%+v) returned %d members, more than its limit", p, len(page))
		}
		all = append(all, page...)
		if len(page) < limit {
			return all
		}
		if pages > detective.DefaultMemberLimit {
			tb.Fatalf("ListMembers paging does not end")
		}
		p.After = page[len(page)-1].Account
	}
}
