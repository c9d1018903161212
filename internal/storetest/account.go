package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
)

func testAccount(t *testing.T, newStore func(t *testing.T) detective.Store) {
	t.Run("PutAndReplace", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := detective.Account{ID: acct(1), RootEmail: "root@example.com"}
		b := detective.Account{ID: acct(2), RootEmail: "b@example.com"}
		put := func(as ...detective.Account) {
			t.Helper()
			mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
				for _, a := range as {
					if err := tx.PutAccount(ctx, a); err != nil {
						return err
					}
				}
				return nil
			})
		}
		check := func(what string, want detective.Account) {
			t.Helper()
			mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
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
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			return tx.PutAccount(ctx, detective.Account{ID: acct(1)})
		})
		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			_, err := tx.Account(ctx, acct(2))
			wantKind(t, "Account(unknown)", err, detective.KindNotFound)
			return nil
		})
	})
}
