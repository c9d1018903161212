package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

func testAccount(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("PutAndReplace", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := world.Account{ID: acct(1), RootEmail: "root@example.com"}
		b := world.Account{ID: acct(2), RootEmail: "b@example.com"}
		put := func(as ...world.Account) {
			t.Helper()
			mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
				for _, a := range as {
					if err := tx.PutAccount(ctx, a); err != nil {
						return err
					}
				}
				return nil
			})
		}
		check := func(what string, want world.Account) {
			t.Helper()
			mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
				got, err := tx.Account(ctx, want.ID)
				if err != nil {
					return err
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Account(%s) after %s mismatch (-want +got):\n%s", want.ID, what, diff)
				}
				return nil
			})
		}

		put(a, b)
		check("PutAccount", a)
		a.RootEmail = "New.Root@example.com"
		put(a)
		check("replace", a)
		check("replacing another", b)
		a.RootEmail = "" // unknown again
		put(a)
		check("clearing the e-mail", a)
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			return tx.PutAccount(ctx, world.Account{ID: acct(1)})
		})
		mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			_, err := tx.Account(ctx, acct(2))
			wantKind(t, "Account(unknown)", err, detective.KindNotFound)
			return nil
		})
	})
}
