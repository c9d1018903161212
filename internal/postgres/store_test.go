package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/pgtest"
	"github.com/detective-local/detective-local/internal/storetest"
)

func mustDSN(tb testing.TB) string { tb.Helper(); return pgtest.MustDSN(tb) }

// mustSchema returns the DSN of an empty schema private to tb.
func mustSchema(tb testing.TB) string {
	tb.Helper()
	return pgtest.Schema(tb, pgtest.MustDSN(tb))
}

func mustExec(tb testing.TB, dsn, sql string) { tb.Helper(); pgtest.Exec(tb, dsn, sql) }

func withParam(tb testing.TB, dsn, key, value string) string {
	tb.Helper()
	return pgtest.WithParam(tb, dsn, key, value)
}

// mustOpen opens a Store on dsn, closed at cleanup.
func mustOpen(tb testing.TB, dsn string) *Store {
	tb.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// testTime is a millisecond-aligned time, as the Service writes.
func testTime() time.Time { return time.Date(2024, 5, 6, 7, 8, 9, 123_000_000, time.UTC) }

// testGraph is the graph the tests create.
func testGraph() arn.ARN {
	return arn.Graph("us-east-1", "111111111111", "0123456789abcdef0123456789abcdef")
}

func mustCreateGraph(tb testing.TB, s detective.Store, g arn.ARN) {
	tb.Helper()
	err := s.Write(context.Background(), func(tx detective.Tx) error {
		return tx.CreateGraph(context.Background(), detective.Graph{
			ARN: g, Admin: detective.AccountID(g.Account), Region: g.Region, CreatedTime: testTime(),
		})
	})
	if err != nil {
		tb.Fatalf("CreateGraph(%v): %v", g, err)
	}
}

func TestStore(t *testing.T) {
	mustDSN(t) // skip or fail once, not once per subtest
	storetest.Run(t, func(t *testing.T) detective.Store { return mustOpen(t, mustSchema(t)) })
}

func TestWrapClassifiesBySQLSTATE(t *testing.T) {
	tests := []struct {
		err  error
		want detective.Kind
	}{
		{&pgconn.PgError{Code: "23505", Message: "duplicate key"}, detective.KindConflict},
		{&pgconn.PgError{Code: "22021", Message: "invalid byte sequence for encoding \"UTF8\": 0x00"}, detective.KindValidation},
		{fmt.Errorf("batch: %w", &pgconn.PgError{Code: "23505"}), detective.KindConflict},
		// Text that looks like a unique violation is not one.
		{errors.New("duplicate key value violates unique constraint"), detective.KindInternal},
		{&pgconn.PgError{Code: "23503"}, detective.KindInternal},
		{context.DeadlineExceeded, detective.KindInternal},
	}
	for _, tc := range tests {
		err := wrap("op", tc.err)
		if got := detective.KindOf(err); got != tc.want {
			t.Errorf("KindOf(wrap(%v)) = %v, want %v", tc.err, got, tc.want)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("wrap(%v) lost its cause", tc.err)
		}
	}
}

// TestLockGraphSerializesReplicas checks that LockGraph in one replica
// blocks another's until the first commits, and that the second then sees
// the first's writes.
func TestLockGraphSerializesReplicas(t *testing.T) {
	t.Parallel()
	dsn := mustSchema(t)
	a, b := mustOpen(t, dsn), mustOpen(t, dsn)
	mustCreateGraph(t, a, testGraph())
	ctx := context.Background()
	release := mustHoldGraphLock(t, a, testGraph(), func(ctx context.Context, tx detective.Tx) error {
		return tx.PutMembers(ctx, []detective.Member{{
			Graph: testGraph(), Account: "222222222222", Admin: "111111111111",
			Type: detective.InvitationTypeInvitation, Status: detective.MemberStatusInvited,
			InvitedTime: testTime(), UpdatedTime: testTime(), VerifiedTime: testTime(),
		}})
	})
	var n int
	done := make(chan error, 1)
	go func() {
		done <- b.Write(ctx, func(tx detective.Tx) error {
			if _, err := tx.LockGraph(ctx, testGraph()); err != nil {
				return err
			}
			var err error
			n, err = tx.CountMembers(ctx, testGraph(), nil)
			return err
		})
	}()
	select {
	case err := <-done:
		t.Fatalf("second LockGraph returned (%v) while the first held the lock", err)
	case <-time.After(200 * time.Millisecond):
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("second Write: %v", err)
	}
	if n != 1 {
		t.Errorf("CountMembers after the lock = %d, want 1 (the first writer's member)", n)
	}
}

// mustHoldGraphLock starts a Write on s that locks graph and waits; the
// returned release lets it run then (inside the same transaction) and
// commit, and fails tb if that Write fails.
func mustHoldGraphLock(tb testing.TB, s *Store, graph arn.ARN, then func(context.Context, detective.Tx) error) (release func()) {
	tb.Helper()
	ctx := context.Background()
	locked, proceed := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- s.Write(ctx, func(tx detective.Tx) error {
			if _, err := tx.LockGraph(ctx, graph); err != nil {
				return err
			}
			close(locked)
			<-proceed
			return then(ctx, tx)
		})
	}()
	<-locked
	return func() {
		tb.Helper()
		close(proceed)
		if err := <-errc; err != nil {
			tb.Fatalf("Write holding the graph lock: %v", err)
		}
	}
}

// TestClaimGraphSkipsLockedGraph: while one replica holds a graph's lock,
// another's ClaimGraph answers KindConflict at once instead of waiting, so
// periodic jobs on several replicas split the graphs between them.
func TestClaimGraphSkipsLockedGraph(t *testing.T) {
	t.Parallel()
	dsn := mustSchema(t)
	a, b := mustOpen(t, dsn), mustOpen(t, dsn)
	mustCreateGraph(t, a, testGraph())
	ctx := context.Background()
	release := mustHoldGraphLock(t, a, testGraph(), func(context.Context, detective.Tx) error { return nil })
	start := time.Now()
	err := b.Write(ctx, func(tx detective.Tx) error {
		_, err := tx.ClaimGraph(ctx, testGraph())
		return err
	})
	if detective.KindOf(err) != detective.KindConflict || time.Since(start) > 2*time.Second {
		t.Errorf("ClaimGraph of a locked graph = %v after %v, want KindConflict at once", err, time.Since(start))
	}
	release()
	if err := b.Write(ctx, func(tx detective.Tx) error { _, err := tx.ClaimGraph(ctx, testGraph()); return err }); err != nil {
		t.Errorf("ClaimGraph after the lock was released: %v", err)
	}
}

func TestTimesRoundTripInUTC(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, mustSchema(t))
	mustCreateGraph(t, s, testGraph())
	ctx := context.Background()
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	in := detective.Member{
		Graph: testGraph(), Account: "222222222222", Email: "a@example.com", Admin: "111111111111",
		Type: detective.InvitationTypeInvitation, Status: detective.MemberStatusAcceptedButDisabled,
		DisabledReason: detective.DisabledReasonVolumeTooHigh,
		InvitedTime:    time.Date(2024, 1, 2, 3, 4, 5, 678_901_234, zone),
		UpdatedTime:    time.Date(1999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		// The zero time is what an unset field looks like; it must survive.
	}
	err := s.Write(ctx, func(tx detective.Tx) error { return tx.PutMembers(ctx, []detective.Member{in}) })
	if err != nil {
		t.Fatalf("PutMembers: %v", err)
	}
	var got []detective.Member
	err = s.Read(ctx, func(tx detective.Tx) error {
		var err error
		got, err = tx.Members(ctx, testGraph(), []detective.AccountID{in.Account})
		return err
	})
	if err != nil {
		t.Fatalf("Members: %v", err)
	}
	want := in
	want.InvitedTime = time.Date(2024, 1, 1, 21, 34, 5, 678_000_000, time.UTC)
	want.UpdatedTime = time.Date(1999, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
	if diff := cmp.Diff([]detective.Member{want}, got); diff != "" {
		t.Errorf("Members (-want +got):\n%s", diff)
	}
	if !got[0].VerifiedTime.IsZero() {
		t.Errorf("VerifiedTime = %v, want the zero time", got[0].VerifiedTime)
	}
}

func TestMembersKeepsRequestedOrder(t *testing.T) {
	t.Parallel()
	s := mustOpen(t, mustSchema(t))
	mustCreateGraph(t, s, testGraph())
	ctx := context.Background()
	ids := []detective.AccountID{"333333333333", "222222222222", "444444444444"}
	var ms []detective.Member
	for _, id := range ids {
		ms = append(ms, detective.Member{Graph: testGraph(), Account: id, Admin: "111111111111",
			Type: detective.InvitationTypeInvitation, Status: detective.MemberStatusInvited})
	}
	err := s.Write(ctx, func(tx detective.Tx) error { return tx.PutMembers(ctx, ms) })
	if err != nil {
		t.Fatalf("PutMembers: %v", err)
	}
	ask := []detective.AccountID{"444444444444", "999999999999", "222222222222", "444444444444", "333333333333"}
	var got []detective.AccountID
	err = s.Read(ctx, func(tx detective.Tx) error {
		found, err := tx.Members(ctx, testGraph(), ask)
		for _, m := range found {
			got = append(got, m.Account)
		}
		return err
	})
	if err != nil {
		t.Fatalf("Members: %v", err)
	}
	want := []detective.AccountID{"444444444444", "222222222222", "333333333333"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Members(%v) (-want +got):\n%s", ask, diff)
	}
}
