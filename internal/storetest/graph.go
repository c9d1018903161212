package storetest

import (
	"context"
	"testing"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

func testGraph(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("CreateAndGet", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(1), region, 7)
		mustCreateGraphs(t, s, g)

		checkGraphs(t, "Graph", []detective.Graph{mustGraph(t, s, g.ARN)}, []detective.Graph{g})
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			got, err := tx.LockGraph(ctx, g.ARN)
			if err != nil {
				return err
			}
			checkGraphs(t, "LockGraph", []detective.Graph{got}, []detective.Graph{g})
			got, err = tx.ClaimGraph(ctx, g.ARN)
			if err != nil {
				return err
			}
			checkGraphs(t, "ClaimGraph", []detective.Graph{got}, []detective.Graph{g})
			return nil
		})
		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			got, err := tx.GraphByAdmin(ctx, g.Admin, g.Region)
			if err != nil {
				return err
			}
			checkGraphs(t, "GraphByAdmin", []detective.Graph{got}, []detective.Graph{g})
			return nil
		})
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(1), region, 1)
		mustCreateGraphs(t, s, g)
		absent := graphOf(acct(1), region, 2).ARN

		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			_, err := tx.Graph(ctx, absent)
			wantKind(t, "Graph(absent)", err, detective.KindNotFound)
			_, err = tx.GraphByAdmin(ctx, acct(2), region)
			wantKind(t, "GraphByAdmin(other admin)", err, detective.KindNotFound)
			_, err = tx.GraphByAdmin(ctx, acct(1), otherRegion)
			wantKind(t, "GraphByAdmin(other region)", err, detective.KindNotFound)
			return nil
		})
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			_, err := tx.LockGraph(ctx, absent)
			wantKind(t, "LockGraph(absent)", err, detective.KindNotFound)
			_, err = tx.ClaimGraph(ctx, absent)
			wantKind(t, "ClaimGraph(absent)", err, detective.KindNotFound)
			return nil
		})
		err := s.Write(t.Context(), func(tx detective.Tx) error {
			return tx.DeleteGraph(t.Context(), absent)
		})
		wantKind(t, "Write(DeleteGraph(absent))", err, detective.KindNotFound)
	})

	t.Run("Conflict", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(1), region, 1)
		mustCreateGraphs(t, s, g)

		sameAdmin := graphOf(acct(1), region, 2)
		sameARN := g
		sameARN.Admin, sameARN.Region = acct(2), otherRegion // only the ARN collides
		for _, tc := range []struct {
			name string
			g    detective.Graph
		}{
			{"SameAdminAndRegion", sameAdmin},
			{"SameARN", sameARN},
		} {
			var inner error
			err := s.Write(t.Context(), func(tx detective.Tx) error {
				inner = tx.CreateGraph(t.Context(), tc.g)
				return inner
			})
			wantKind(t, tc.name+": CreateGraph", inner, detective.KindConflict)
			// The service retries CreateGraph when Write reports a conflict,
			// so Write must keep the kind.
			wantKind(t, tc.name+": Write", err, detective.KindConflict)
		}

		checkGraphs(t, "Graph after conflicts", []detective.Graph{mustGraph(t, s, g.ARN)}, []detective.Graph{g})
		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			_, err := tx.Graph(ctx, sameAdmin.ARN)
			wantKind(t, "Graph(rejected graph)", err, detective.KindNotFound)
			return nil
		})
	})

	t.Run("OnePerAdminAndRegion", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		gs := []detective.Graph{
			graphOf(acct(1), region, 1),
			graphOf(acct(1), otherRegion, 2),
			graphOf(acct(2), region, 3),
		}
		mustCreateGraphs(t, s, gs...)
		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			for _, g := range gs {
				got, err := tx.GraphByAdmin(ctx, g.Admin, g.Region)
				if err != nil {
					return err
				}
				checkGraphs(t, "GraphByAdmin("+string(g.Admin)+", "+g.Region+")", []detective.Graph{got}, []detective.Graph{g})
			}
			return nil
		})
	})

	t.Run("DeleteCascades", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		doomed := graphOf(acct(1), region, 1)
		kept := graphOf(acct(2), region, 2)
		mustCreateGraphs(t, s, doomed, kept)
		member := acct(3)
		mustPutMembers(t, s,
			memberOf(doomed, member, detective.MemberStatusEnabled),
			memberOf(doomed, acct(4), detective.MemberStatusInvited),
			memberOf(kept, member, detective.MemberStatusEnabled),
		)
		tags := map[string]string{"team": "blue"}
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			if err := tx.PutTags(ctx, doomed.ARN, tags); err != nil {
				return err
			}
			return tx.PutTags(ctx, kept.ARN, tags)
		})

		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			return tx.DeleteGraph(ctx, doomed.ARN)
		})

		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			_, err := tx.Graph(ctx, doomed.ARN)
			wantKind(t, "Graph(deleted)", err, detective.KindNotFound)
			_, err = tx.GraphByAdmin(ctx, doomed.Admin, doomed.Region)
			wantKind(t, "GraphByAdmin(deleted)", err, detective.KindNotFound)
			n, err := tx.CountMembers(ctx, doomed.ARN, nil)
			if err != nil {
				return err
			}
			if n != 0 {
				t.Errorf("CountMembers(deleted) = %d, want 0", n)
			}
			ms, err := tx.ListMemberships(ctx, detective.ListMembershipsParams{
				Account: member, Region: region, Statuses: []detective.MemberStatus{detective.MemberStatusEnabled},
				SettledBy: at(1e9), Limit: 10,
			})
			if err != nil {
				return err
			}
			checkMembers(t, "ListMemberships after DeleteGraph", ms, []detective.Member{memberOf(kept, member, detective.MemberStatusEnabled)})
			return nil
		})
		checkMembers(t, "Members(deleted)", mustMembers(t, s, doomed.ARN, member, acct(4)), nil)
		if got := mustTags(t, s, doomed.ARN); len(got) != 0 {
			t.Errorf("Tags(deleted) = %v, want none", got)
		}
		checkMembers(t, "Members(kept)", mustMembers(t, s, kept.ARN, member), []detective.Member{memberOf(kept, member, detective.MemberStatusEnabled)})
		if got := mustTags(t, s, kept.ARN); len(got) != 1 {
			t.Errorf("Tags(kept) = %v, want %v", got, tags)
		}

		// The administrator may create a graph again; the old one's members
		// and tags must not come back, even under the same ARN.
		mustCreateGraphs(t, s, doomed)
		checkMembers(t, "Members(recreated)", mustMembers(t, s, doomed.ARN, member, acct(4)), nil)
		if got := mustTags(t, s, doomed.ARN); len(got) != 0 {
			t.Errorf("Tags(recreated) = %v, want none", got)
		}
	})

	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		mine := graphOf(acct(1), region, 5)
		mustCreateGraphs(t, s, mine, graphOf(acct(1), otherRegion, 1), graphOf(acct(2), region, 9), graphOf(acct(0), region, 3))

		// An administrator has at most one graph per region, so a page holds
		// at most one graph; paging is checked at its edges.
		first := mine.ARN.String()
		before := graphOf(acct(1), region, 4).ARN.String()
		after := graphOf(acct(1), region, 6).ARN.String()
		for _, tc := range []struct {
			name  string
			p     detective.ListGraphsParams
			graph bool
		}{
			{"FirstPage", detective.ListGraphsParams{Admin: acct(1), Region: region, Limit: 10}, true},
			{"LimitOne", detective.ListGraphsParams{Admin: acct(1), Region: region, Limit: 1}, true},
			{"AfterSmallerARN", detective.ListGraphsParams{Admin: acct(1), Region: region, After: before, Limit: 10}, true},
			{"AfterItself", detective.ListGraphsParams{Admin: acct(1), Region: region, After: first, Limit: 10}, false},
			{"AfterLargerARN", detective.ListGraphsParams{Admin: acct(1), Region: region, After: after, Limit: 10}, false},
			{"NoGraph", detective.ListGraphsParams{Admin: acct(3), Region: region, Limit: 10}, false},
			{"OtherRegion", detective.ListGraphsParams{Admin: acct(2), Region: otherRegion, Limit: 10}, false},
		} {
			var want []detective.Graph
			if tc.graph {
				want = []detective.Graph{mine}
			}
			mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
				got, err := tx.ListGraphs(ctx, tc.p)
				if err != nil {
					return err
				}
				if len(got) == 0 && len(want) == 0 {
					return nil
				}
				checkGraphs(t, "ListGraphs "+tc.name, got, want)
				return nil
			})
		}
	})

	t.Run("ARNRoundTrip", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		// Other partitions have other ARN prefixes; the store must give back
		// the ARN it was given, field by field.
		gs := []detective.Graph{
			graphOf(acct(1), "us-gov-west-1", 1),
			graphOf(acct(1), "cn-north-1", 2),
		}
		mustCreateGraphs(t, s, gs...)
		for _, g := range gs {
			got := mustGraph(t, s, g.ARN)
			checkGraphs(t, "Graph("+g.ARN.String()+")", []detective.Graph{got}, []detective.Graph{g})
			if want := arn.PartitionOf(g.Region); got.ARN.Partition != want {
				t.Errorf("Graph(%s).ARN.Partition = %q, want %q", g.ARN, got.ARN.Partition, want)
			}
		}
	})
}
