package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// testAccountFacts checks that every account fact round-trips and the
// lookups by e-mail and in pages.
func testAccountFacts(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("EveryField", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := world.Account{ID: acct(1), RootEmail: "root@example.com", GuardDutyDisabled: true,
			Volume: map[string]int64{string(detective.PackageDetectiveCore): 1 << 40, string(detective.PackageEKSAudit): 7}}
		mustPutAccounts(t, s, a)
		if got := mustAccount(t, s, a.ID); !cmp.Equal(got, a) {
			t.Errorf("Account after PutAccount mismatch (-want +got):\n%s", cmp.Diff(a, got))
		}
		a.GuardDutyDisabled, a.Volume = false, map[string]int64{}
		mustPutAccounts(t, s, a)
		want := a
		want.Volume = nil // empty and nil are both "no volume"; the store returns nil
		if got := mustAccount(t, s, a.ID); !cmp.Equal(got, want) {
			t.Errorf("Account after replacing mismatch (-want +got):\n%s", cmp.Diff(want, got))
		}
	})

	t.Run("ByEmail", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		mustPutAccounts(t, s,
			world.Account{ID: acct(3), RootEmail: "Shared@Example.com"},
			world.Account{ID: acct(2), RootEmail: "shared@example.com"},
			world.Account{ID: acct(1)},
		)
		mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			got, err := tx.AccountByEmail(ctx, "SHARED@example.COM")
			if err != nil {
				return err
			}
			if got.ID != acct(2) {
				t.Errorf("AccountByEmail(shared) = %s, want the lowest ID %s", got.ID, acct(2))
			}
			_, err = tx.AccountByEmail(ctx, "nobody@example.com")
			wantKind(t, "AccountByEmail(unknown)", err, detective.KindNotFound)
			_, err = tx.AccountByEmail(ctx, "")
			wantKind(t, "AccountByEmail(\"\") with an account of unknown e-mail", err, detective.KindNotFound)
			return nil
		})
	})

	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var want []world.Account
		for i := 5; i >= 1; i-- {
			a := world.Account{ID: acct(i), RootEmail: "a@example.com"}
			mustPutAccounts(t, s, a)
			want = append([]world.Account{a}, want...)
		}
		var got []world.Account
		after := detective.AccountID("")
		for {
			page := mustReadWorldValue(t, s, func(ctx context.Context, tx world.Tx) ([]world.Account, error) {
				return tx.ListAccounts(ctx, after, 2)
			})
			if len(page) == 0 {
				break
			}
			if len(page) > 2 {
				t.Fatalf("ListAccounts(limit 2) returned %d", len(page))
			}
			got = append(got, page...)
			after = page[len(page)-1].ID
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ListAccounts pages mismatch (-want +got):\n%s", diff)
		}
	})
}

func mustPutAccounts(tb testing.TB, s Store, as ...world.Account) {
	tb.Helper()
	mustWriteWorld(tb, s, func(ctx context.Context, tx world.Tx) error {
		for _, a := range as {
			if err := tx.PutAccount(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
}

func mustAccount(tb testing.TB, s Store, id detective.AccountID) world.Account {
	tb.Helper()
	return mustReadWorldValue(tb, s, func(ctx context.Context, tx world.Tx) (world.Account, error) {
		return tx.Account(ctx, id)
	})
}
