package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/pgtest"
	"github.com/detective-local/detective-local/internal/storetest"
	"github.com/detective-local/detective-local/internal/world"
)

func mustDSN(tb testing.TB) string { tb.Helper(); return pgtest.MustDSN(tb) }

// mustSchema returns the DSN of an empty schema private to tb.
func mustSchema(tb testing.TB) string {
	tb.Helper()
	return pgtest.Schema(tb, pgtest.MustDSN(tb))
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
	storetest.Run(t, func(t *testing.T) storetest.Store { return mustOpen(t, mustSchema(t)) })
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

// lockWait bounds every wait in the lock tests: a lock that is not taken
// or not skipped must fail the test in seconds, not hang it.
const lockWait = 5 * time.Second

// TestLockGraphSerializesReplicas checks that LockGraph in one replica
// blocks another's until the first commits, and that the second then sees
// the first's writes.
func TestLockGraphSerializesReplicas(t *testing.T) {
	t.Parallel()
	dsn := mustSchema(t)
	a, b := mustOpen(t, dsn), mustOpen(t, dsn)
	mustCreateGraph(t, a, testGraph())
	lockGraph := func(ctx context.Context, tx *tx) error { _, err := tx.LockGraph(ctx, testGraph()); return err }
	release := mustHoldLock(t, a, lockGraph, func(ctx context.Context, tx *tx) error {
		return tx.PutMembers(ctx, []detective.Member{{
			Graph: testGraph(), Account: "222222222222", Admin: "111111111111",
			Type: detective.InvitationTypeInvitation, Status: detective.MemberStatusInvited,
			InvitedTime: testTime(), UpdatedTime: testTime(), VerifiedTime: testTime(),
		}})
	})
	var n int
	done := startWrite(b, func(ctx context.Context, tx *tx) error {
		if err := lockGraph(ctx, tx); err != nil {
			return err
		}
		var err error
		n, err = tx.CountMembers(ctx, testGraph(), nil)
		return err
	})
	mustStillWait(t, done, "second LockGraph")
	release()
	if err := <-done; err != nil {
		t.Fatalf("second Write: %v", err)
	}
	if n != 1 {
		t.Errorf("CountMembers after the lock = %d, want 1 (the first writer's member)", n)
	}
}

// TestLockOrganizationSerializesReplicas: LockOrganization in one replica
// blocks another's until the first commits (event numbering depends on
// it), and the second then reads the first's update.
func TestLockOrganizationSerializesReplicas(t *testing.T) {
	t.Parallel()
	dsn := mustSchema(t)
	a, b := mustOpen(t, dsn), mustOpen(t, dsn)
	org := testOrg()
	mustWrite(t, a, func(ctx context.Context, tx *tx) error { return tx.CreateOrganization(ctx, org) })
	release := mustHoldLock(t, a, func(ctx context.Context, tx *tx) error {
		_, err := tx.LockOrganization(ctx, org.ID)
		return err
	}, func(ctx context.Context, tx *tx) error {
		o := org
		o.LastEventSeq = 1
		return tx.UpdateOrganization(ctx, o)
	})
	var seq int64
	done := startWrite(b, func(ctx context.Context, tx *tx) error {
		o, err := tx.LockOrganization(ctx, org.ID)
		seq = o.LastEventSeq
		return err
	})
	mustStillWait(t, done, "second LockOrganization")
	release()
	if err := <-done; err != nil {
		t.Fatalf("second Write: %v", err)
	}
	if seq != 1 {
		t.Errorf("LastEventSeq after the lock = %d, want 1 (the first writer's)", seq)
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
	claim := func(ctx context.Context, tx *tx) error {
		_, err := tx.ClaimGraph(ctx, testGraph())
		return err
	}
	release := mustHoldLock(t, a, func(ctx context.Context, tx *tx) error {
		_, err := tx.LockGraph(ctx, testGraph())
		return err
	}, nil)
	start := time.Now()
	if err := <-startWrite(b, claim); detective.KindOf(err) != detective.KindConflict || time.Since(start) > 2*time.Second {
		t.Errorf("ClaimGraph of a locked graph = %v after %v, want KindConflict at once", err, time.Since(start))
	}
	release()
	if err := <-startWrite(b, claim); err != nil {
		t.Errorf("ClaimGraph after the lock was released: %v", err)
	}
}

// TestClaimOrgEventsSkipsClaimedEvents: while one replica holds its claim
// on an organization's oldest event, another's ClaimOrgEvents answers at
// once with the other organizations' events instead of waiting.
func TestClaimOrgEventsSkipsClaimedEvents(t *testing.T) {
	t.Parallel()
	dsn := mustSchema(t)
	a, b := mustOpen(t, dsn), mustOpen(t, dsn)
	held, free := testOrg(), testOrg()
	free.ID, free.Management, free.RootID = "o-testorg0002", "999999999999", "r-test2"
	mustWrite(t, a, func(ctx context.Context, tx *tx) error {
		for i, o := range []world.Organization{held, free} {
			if err := tx.CreateOrganization(ctx, o); err != nil {
				return err
			}
			if err := tx.AppendOrgEvent(ctx, world.OrgEvent{Org: o.ID, Seq: 1, ID: o.ID + "-1", Type: world.OrgEventAccountJoined,
				Management: o.Management, Account: "222222222222", Method: world.JoinedInvited, Time: testTime().Add(time.Duration(i) * time.Second)}); err != nil {
				return err
			}
		}
		return nil
	})
	release := mustHoldLock(t, a, func(ctx context.Context, tx *tx) error {
		es, err := tx.ClaimOrgEvents(ctx, 1)
		if err == nil && (len(es) != 1 || es[0].Org != held.ID) {
			err = fmt.Errorf("first claim = %+v, want the event of %s", es, held.ID)
		}
		return err
	}, nil)
	var claimed []world.OrgEvent
	start := time.Now()
	err := <-startWrite(b, func(ctx context.Context, tx *tx) error {
		var err error
		claimed, err = tx.ClaimOrgEvents(ctx, 10)
		return err
	})
	if err != nil || len(claimed) != 1 || claimed[0].Org != free.ID || time.Since(start) > 2*time.Second {
		t.Errorf("ClaimOrgEvents beside a held claim = %+v, %v after %v; want only %s's event at once", claimed, err, time.Since(start), free.ID)
	}
	release()
}

func testOrg() world.Organization {
	return world.Organization{ID: "o-testorg0001", Management: "888888888888", FeatureSet: world.FeatureSetAll,
		RootID: "r-test1", CreatedTime: testTime()}
}

func mustWrite(tb testing.TB, s *Store, fn func(context.Context, *tx) error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	if err := s.writeTx(ctx, func(t *tx) error { return fn(ctx, t) }); err != nil {
		tb.Fatalf("Write: %v", err)
	}
}

// startWrite runs fn in a Write on s in the background, bounded by
// lockWait, and returns where its result will arrive.
func startWrite(s *Store, fn func(context.Context, *tx) error) <-chan error {
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	done := make(chan error, 1)
	go func() {
		defer cancel()
		done <- s.writeTx(ctx, func(t *tx) error { return fn(ctx, t) })
	}()
	return done
}

// mustStillWait fails tb when done has a result within 200 ms: what it
// waits for should be blocked on a lock.
func mustStillWait(tb testing.TB, done <-chan error, what string) {
	tb.Helper()
	select {
	case err := <-done:
		tb.Fatalf("%s returned (%v) while another transaction held the lock", what, err)
	case <-time.After(200 * time.Millisecond):
	}
}

// mustHoldLock starts a Write on s that takes a lock with lock and waits;
// the returned release lets it run then (inside the same transaction, when
// not nil) and commit, and fails tb if that Write fails. The transaction
// is released at cleanup too, and bounded by lockWait, so a test that
// fails while holding it neither leaks it nor hangs closing the store.
func mustHoldLock(tb testing.TB, s *Store, lock, then func(context.Context, *tx) error) (release func()) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	locked, proceed := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		defer cancel()
		errc <- s.writeTx(ctx, func(tx *tx) error {
			if err := lock(ctx, tx); err != nil {
				return err
			}
			close(locked)
			select {
			case <-proceed:
			case <-ctx.Done():
				return ctx.Err()
			}
			if then == nil {
				return nil
			}
			return then(ctx, tx)
		})
	}()
	select {
	case <-locked:
	case err := <-errc:
		tb.Fatalf("Write taking the lock: %v", err)
	}
	var once sync.Once
	finish := func() error {
		var err error
		once.Do(func() { close(proceed); err = <-errc })
		return err
	}
	tb.Cleanup(func() { finish() })
	return func() {
		tb.Helper()
		if err := finish(); err != nil {
			tb.Fatalf("Write holding the lock: %v", err)
		}
	}
}

// TestCallTimeoutBoundsStatements: a Write whose statement waits on a row
// lock fails with an internal error once the call timeout passes, even
// though the ctx the Tx methods receive has no deadline.
func TestCallTimeoutBoundsStatements(t *testing.T) {
	t.Parallel()
	dsn := mustSchema(t)
	const bound = time.Second
	a := mustOpen(t, dsn)
	b, err := open(context.Background(), dsn, bound)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	mustCreateGraph(t, a, testGraph())
	release := mustHoldLock(t, a, func(ctx context.Context, tx *tx) error { _, err := tx.LockGraph(ctx, testGraph()); return err }, nil)
	defer release()
	ctx := context.Background()
	start := time.Now()
	err = b.Write(ctx, func(tx detective.Tx) error {
		_, err := tx.LockGraph(ctx, testGraph())
		return err
	})
	took := time.Since(start)
	if err == nil || detective.KindOf(err) != detective.KindInternal {
		t.Errorf("LockGraph of a held graph = %v, want an internal error", err)
	}
	if took < bound || took > bound+5*time.Second {
		t.Errorf("LockGraph of a held graph returned after %v, want about %v", took, bound)
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
