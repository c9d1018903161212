package storetest

import (
	"context"
	"testing"

	"github.com/detective-local/detective-local/internal/detective"
)

func testMembership(t *testing.T, newStore func(t *testing.T) Store) {
	// One account's records in graphs of several administrators, each kept
	// out of or let into the listing by one filter.
	me := acct(1)
	settledBy := at(5_000)
	listed := []detective.MemberStatus{detective.MemberStatusInvited, detective.MemberStatusEnabled, detective.MemberStatusAcceptedButDisabled}
	type record struct {
		admin    int
		rgn      string
		account  detective.AccountID
		status   detective.MemberStatus
		verified int64 // ms after base
	}
	records := []record{
		{13, region, me, detective.MemberStatusInvited, 5_001},             // settles 1 ms too late
		{11, region, me, detective.MemberStatusEnabled, 0},                 // listed
		{15, otherRegion, me, detective.MemberStatusEnabled, 0},            // other region
		{10, region, me, detective.MemberStatusInvited, -1},                // listed
		{14, region, me, detective.MemberStatusVerificationFailed, 0},      // status not asked for
		{16, region, acct(2), detective.MemberStatusInvited, 0},            // another account
		{12, region, me, detective.MemberStatusAcceptedButDisabled, 5_000}, // settles exactly at SettledBy: listed
		{17, region, me, detective.MemberStatusEnabled, 100},               // listed
	}
	setup := func(t *testing.T) (detective.Store, map[int]detective.Member) {
		s := newStore(t)
		byAdmin := make(map[int]detective.Member)
		for _, r := range records {
			g := graphOf(acct(r.admin), r.rgn, r.admin)
			mustCreateGraphs(t, s, g)
			m := memberOf(g, r.account, r.status)
			m.VerifiedTime = at(r.verified)
			mustPutMembers(t, s, m)
			byAdmin[r.admin] = m
		}
		return s, byAdmin
	}

	t.Run("Filters", func(t *testing.T) {
		t.Parallel()
		s, byAdmin := setup(t)
		for _, tc := range []struct {
			name   string
			p      detective.ListMembershipsParams
			admins []int
		}{
			{"Listed", detective.ListMembershipsParams{Account: me, Region: region, Statuses: listed, SettledBy: settledBy, Limit: 100}, []int{10, 11, 12, 17}},
			{"OneStatus", detective.ListMembershipsParams{Account: me, Region: region, Statuses: []detective.MemberStatus{detective.MemberStatusVerificationFailed}, SettledBy: settledBy, Limit: 100}, []int{14}},
			{"LaterSettledBy", detective.ListMembershipsParams{Account: me, Region: region, Statuses: listed, SettledBy: at(5_001), Limit: 100}, []int{10, 11, 12, 13, 17}},
			{"EarlierSettledBy", detective.ListMembershipsParams{Account: me, Region: region, Statuses: listed, SettledBy: at(-1), Limit: 100}, []int{10}},
			{"BeforeAll", detective.ListMembershipsParams{Account: me, Region: region, Statuses: listed, SettledBy: at(-2), Limit: 100}, nil},
			{"OtherRegion", detective.ListMembershipsParams{Account: me, Region: otherRegion, Statuses: listed, SettledBy: settledBy, Limit: 100}, []int{15}},
			{"OtherAccount", detective.ListMembershipsParams{Account: acct(2), Region: region, Statuses: listed, SettledBy: settledBy, Limit: 100}, []int{16}},
			{"NoRecords", detective.ListMembershipsParams{Account: acct(3), Region: region, Statuses: listed, SettledBy: settledBy, Limit: 100}, nil},
			{"Limit", detective.ListMembershipsParams{Account: me, Region: region, Statuses: listed, SettledBy: settledBy, Limit: 2}, []int{10, 11}},
			{"After", detective.ListMembershipsParams{Account: me, Region: region, Statuses: listed, SettledBy: settledBy,
				After: byAdmin[11].Graph.String(), Limit: 2}, []int{12, 17}},
			// After need not name a listed graph: a token outlives the
			// membership it names.
			{"AfterUnlisted", detective.ListMembershipsParams{Account: me, Region: region, Statuses: listed, SettledBy: settledBy,
				After: byAdmin[13].Graph.String(), Limit: 100}, []int{17}},
		} {
			var want []detective.Member
			for _, a := range tc.admins {
				want = append(want, byAdmin[a])
			}
			checkMembers(t, "ListMemberships "+tc.name, mustListMemberships(t, s, tc.p), want)
		}
	})

	t.Run("Paging", func(t *testing.T) {
		t.Parallel()
		s, byAdmin := setup(t)
		want := []detective.Member{byAdmin[10], byAdmin[11], byAdmin[12], byAdmin[17]}
		for _, limit := range []int{1, 3, 4} {
			p := detective.ListMembershipsParams{Account: me, Region: region, Statuses: listed, SettledBy: settledBy, Limit: limit}
			var all []detective.Member
			for pages := 0; ; pages++ {
				page := mustListMemberships(t, s, p)
				if len(page) > limit {
					t.Fatalf("ListMemberships(%+v) returned %d records, more than its limit", p, len(page))
				}
				all = append(all, page...)
				if len(page) < limit || pages > len(want) {
					break
				}
				p.After = page[len(page)-1].Graph.String()
			}
			checkMembers(t, "ListMemberships paged", all, want)
		}
	})
}

// mustListMemberships reads one page of ListMemberships.
func mustListMemberships(tb testing.TB, s detective.Store, p detective.ListMembershipsParams) []detective.Member {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) ([]detective.Member, error) {
		return tx.ListMemberships(ctx, p)
	})
}
