package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
)

func testTag(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("None", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		// An empty map, not nil: the wire layer encodes a nil map as null.
		for name, r := range map[string]detective.Graph{"untagged graph": g, "absent graph": graphOf(acct(0), region, 2)} {
			if got := mustTags(t, s, r.ARN); got == nil || len(got) != 0 {
				t.Errorf("Tags(%s) = %#v, want an empty map", name, got)
			}
		}
	})

	t.Run("PutOverwriteDelete", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g, other := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g, other)
		put := func(r detective.Graph, tags map[string]string) {
			t.Helper()
			mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error { return tx.PutTags(ctx, r.ARN, tags) })
		}
		check := func(what string, r detective.Graph, want map[string]string) {
			t.Helper()
			if diff := cmp.Diff(want, mustTags(t, s, r.ARN)); diff != "" {
				t.Errorf("Tags after %s mismatch (-want +got):\n%s", what, diff)
			}
		}

		put(g, map[string]string{"team": "blue", "env": "prod", "empty": "", "ключ": "значение ✓"})
		put(other, map[string]string{"team": "red"})
		check("PutTags", g, map[string]string{"team": "blue", "env": "prod", "empty": "", "ключ": "значение ✓"})

		put(g, map[string]string{"team": "green", "cost": "42"})
		put(g, nil)
		check("overwrite", g, map[string]string{"team": "green", "env": "prod", "empty": "", "ключ": "значение ✓", "cost": "42"})

		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			if err := tx.DeleteTags(ctx, g.ARN, []string{"env", "absent", "ключ"}); err != nil {
				return err
			}
			return tx.DeleteTags(ctx, g.ARN, nil)
		})
		check("DeleteTags", g, map[string]string{"team": "green", "empty": "", "cost": "42"})
		check("changes to another graph", other, map[string]string{"team": "red"})

		// Keys are case-sensitive, as AWS's are.
		put(g, map[string]string{"Team": "upper"})
		check("a key differing in case", g, map[string]string{"team": "green", "Team": "upper", "empty": "", "cost": "42"})
	})

	t.Run("MaxTags", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		want := make(map[string]string, detective.MaxTags)
		for i := range detective.MaxTags {
			want[string(rune('a'+i%26))+string(rune('A'+i/26))] = string(rune('0' + i%10))
		}
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error { return tx.PutTags(ctx, g.ARN, want) })
		if diff := cmp.Diff(want, mustTags(t, s, g.ARN)); diff != "" {
			t.Errorf("Tags of a graph with MaxTags tags mismatch (-want +got):\n%s", diff)
		}
	})
}
