package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

func testSession(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	sess := func(key string, expires time.Time) world.Session {
		return world.Session{AccessKeyID: key, SecretAccessKey: "secret-" + key, Token: "token-" + key,
			Account: acct(1), RoleARN: "arn:aws:iam::" + string(acct(1)) + ":role/Admin", SessionName: "ci",
			Source: string(acct(2)), CreatedTime: at(0), Expiration: expires}
	}
	live, old := sess("ASIALIVE000000000000", at(3_600_000)), sess("ASIAOLD0000000000000", at(1_000))
	mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
		for _, x := range []world.Session{live, old} {
			if err := tx.CreateSession(ctx, x); err != nil {
				return err
			}
		}
		wantKind(t, "CreateSession(same key)", tx.CreateSession(ctx, live), detective.KindConflict)
		return nil
	})
	mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
		got, err := tx.Session(ctx, live.AccessKeyID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(live, got); diff != "" {
			t.Errorf("Session mismatch (-want +got):\n%s", diff)
		}
		_, err = tx.Session(ctx, "ASIAUNKNOWN000000000")
		wantKind(t, "Session(unknown)", err, detective.KindNotFound)
		return nil
	})
	mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
		n, err := tx.DeleteSessionsExpiredBefore(ctx, at(2_000))
		if err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("DeleteSessionsExpiredBefore = %d, want 1", n)
		}
		if _, err := tx.Session(ctx, live.AccessKeyID); err != nil {
			t.Errorf("Session(live) after deleting expired ones: %v", err)
		}
		_, err = tx.Session(ctx, old.AccessKeyID)
		wantKind(t, "Session(expired) after deleting expired ones", err, detective.KindNotFound)
		return nil
	})
}
