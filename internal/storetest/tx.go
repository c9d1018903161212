package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

func testTx(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("Ping", func(t *testing.T) {
		t.Parallel()
		if err := newStore(t).Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
	t.Run("FnErrorReturned", func(t *testing.T) { t.Parallel(); testFnErrorReturned(t, newStore) })
	t.Run("Rollback", func(t *testing.T) { t.Parallel(); testRollback(t, newStore) })
	t.Run("ReadOnly", func(t *testing.T) { t.Parallel(); testReadOnly(t, newStore) })
	t.Run("DeleteAll", func(t *testing.T) { t.Parallel(); testDeleteAll(t, newStore) })
	t.Run("Times", func(t *testing.T) { t.Parallel(); testTimes(t, newStore) })
	t.Run("ConcurrentWrites", func(t *testing.T) { t.Parallel(); testConcurrentWrites(t, newStore) })
	t.Run("ConcurrentCreateGraph", func(t *testing.T) { t.Parallel(); testConcurrentCreateGraph(t, newStore) })
	t.Run("ReadDuringWrite", func(t *testing.T) { t.Parallel(); testReadDuringWrite(t, newStore) })
}

// testFnErrorReturned checks that Read and Write hand back fn's error
// itself: the service's errors carry the kind and message the caller sees.
func testFnErrorReturned(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	want := detective.NotFound("The request failed because the behavior graph does not exist")
	if err := s.Write(t.Context(), func(detective.Tx) error { return want }); !errors.Is(err, want) {
		t.Errorf("Write(fn returning %v) = %v, want that error", want, err)
	}
	if err := s.Read(t.Context(), func(detective.Tx) error { return want }); !errors.Is(err, want) {
		t.Errorf("Read(fn returning %v) = %v, want that error", want, err)
	}
}

// snapshot is everything the rollback and DeleteAll tests look at.
type snapshot struct {
	Graphs   map[string]bool
	Members  map[string][]detective.Member
	Tags     map[string]map[string]string
	Accounts map[detective.AccountID]string
}

func mustSnapshot(tb testing.TB, s detective.Store, gs []detective.Graph, ids []detective.AccountID) snapshot {
	tb.Helper()
	snap := snapshot{Graphs: map[string]bool{}, Members: map[string][]detective.Member{}, Tags: map[string]map[string]string{}, Accounts: map[detective.AccountID]string{}}
	mustRead(tb, s, func(ctx context.Context, tx detective.Tx) error {
		for _, g := range gs {
			_, err := tx.Graph(ctx, g.ARN)
			switch detective.KindOf(err) {
			case detective.KindNotFound:
			case detective.KindInternal:
				if err != nil {
					return err
				}
				snap.Graphs[g.ARN.String()] = true
			default:
				return err
			}
			ms, err := tx.Members(ctx, g.ARN, ids)
			if err != nil {
				return err
			}
			if len(ms) > 0 {
				snap.Members[g.ARN.String()] = ms
			}
			tags, err := tx.Tags(ctx, g.ARN)
			if err != nil {
				return err
			}
			if len(tags) > 0 {
				snap.Tags[g.ARN.String()] = tags
			}
		}
		for _, id := range ids {
			a, err := tx.Account(ctx, id)
			if detective.KindOf(err) == detective.KindNotFound {
				continue
			}
			if err != nil {
				return err
			}
			snap.Accounts[id] = a.RootEmail
		}
		return nil
	})
	return snap
}

// populate gives s two graphs with members and tags, and two accounts.
func populate(tb testing.TB, s Store) ([]detective.Graph, []detective.AccountID) {
	tb.Helper()
	gs := []detective.Graph{graphOf(acct(0), region, 1), graphOf(acct(9), region, 2), graphOf(acct(8), region, 3)}
	ids := []detective.AccountID{acct(0), acct(1), acct(2), acct(3), acct(8), acct(9)}
	mustCreateGraphs(tb, s, gs[0], gs[1])
	mustPutMembers(tb, s,
		memberOf(gs[0], acct(1), detective.MemberStatusEnabled),
		memberOf(gs[0], acct(2), detective.MemberStatusInvited),
		memberOf(gs[1], acct(1), detective.MemberStatusInvited),
	)
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error {
		if err := tx.PutTags(ctx, gs[0].ARN, map[string]string{"a": "1", "b": "2"}); err != nil {
			return err
		}
		return tx.PutTags(ctx, gs[1].ARN, map[string]string{"c": "3"})
	})
	mustWriteWorld(tb, s, func(ctx context.Context, tx world.Tx) error {
		if err := tx.PutAccount(ctx, world.Account{ID: acct(1), RootEmail: "one@example.com"}); err != nil {
			return err
		}
		return tx.PutAccount(ctx, world.Account{ID: acct(2), RootEmail: "two@example.com"})
	})
	return gs, ids
}

// testRollback checks that a Write whose fn fails leaves no trace, whatever
// it changed before failing.
func testRollback(t *testing.T, newStore func(t *testing.T) Store) {
	for _, tc := range []struct {
		name string
		fn   func(ctx context.Context, tx bothTx, gs []detective.Graph) error
	}{
		{"EveryMethod", func(ctx context.Context, tx bothTx, gs []detective.Graph) error {
			if _, err := tx.LockGraph(ctx, gs[0].ARN); err != nil {
				return err
			}
			if err := tx.CreateGraph(ctx, gs[2]); err != nil {
				return err
			}
			changed := memberOf(gs[0], acct(1), detective.MemberStatusAcceptedButDisabled)
			if err := tx.PutMembers(ctx, []detective.Member{changed, memberOf(gs[0], acct(3), detective.MemberStatusInvited), memberOf(gs[2], acct(3), detective.MemberStatusInvited)}); err != nil {
				return err
			}
			if err := tx.DeleteMembers(ctx, gs[0].ARN, []detective.AccountID{acct(2)}); err != nil {
				return err
			}
			if err := tx.PutTags(ctx, gs[0].ARN, map[string]string{"a": "changed", "new": "x"}); err != nil {
				return err
			}
			if err := tx.DeleteTags(ctx, gs[0].ARN, []string{"b"}); err != nil {
				return err
			}
			if err := tx.PutAccount(ctx, world.Account{ID: acct(1), RootEmail: "changed@example.com"}); err != nil {
				return err
			}
			if err := tx.PutAccount(ctx, world.Account{ID: acct(3), RootEmail: "new@example.com"}); err != nil {
				return err
			}
			return tx.DeleteGraph(ctx, gs[1].ARN)
		}},
		{"DeleteAll", func(ctx context.Context, tx bothTx, gs []detective.Graph) error {
			return tx.DeleteAll(ctx)
		}},
		{"AfterConflict", func(ctx context.Context, tx bothTx, gs []detective.Graph) error {
			if err := tx.DeleteGraph(ctx, gs[1].ARN); err != nil {
				return err
			}
			// The service may go on after a conflict (CreateGraph retries), so
			// a conflict must not end the transaction early or commit it.
			if err := tx.CreateGraph(ctx, gs[0]); detective.KindOf(err) != detective.KindConflict {
				return fmt.Errorf("CreateGraph(existing) = %v, want a conflict", err)
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			gs, ids := populate(t, s)
			before := mustSnapshot(t, s, gs, ids)

			failure := errors.New("fn failed")
			err := writeBoth(t.Context(), s, func(tx bothTx) error {
				if err := tc.fn(t.Context(), tx, gs); err != nil {
					return err
				}
				return failure
			})
			if !errors.Is(err, failure) {
				t.Fatalf("Write = %v, want %v", err, failure)
			}
			if diff := cmp.Diff(before, mustSnapshot(t, s, gs, ids)); diff != "" {
				t.Errorf("state after a failed Write differs (-before +after):\n%s", diff)
			}
		})
	}
}

// testReadOnly checks that Read cannot change anything.
func testReadOnly(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	gs, ids := populate(t, s)
	before := mustSnapshot(t, s, gs, ids)
	writes := map[string]func(ctx context.Context, tx bothTx) error{
		"PutAccount": func(ctx context.Context, tx bothTx) error {
			return tx.PutAccount(ctx, world.Account{ID: acct(3), RootEmail: "x@example.com"})
		},
		"DeleteGraph": func(ctx context.Context, tx bothTx) error { return tx.DeleteGraph(ctx, gs[0].ARN) },
		"DeleteAll":   func(ctx context.Context, tx bothTx) error { return tx.DeleteAll(ctx) },
	}
	for name, w := range writes {
		var inner error
		// Read itself may or may not fail after a refused write; what counts
		// is the refusal and the unchanged state below.
		_ = readBoth(t.Context(), s, func(tx bothTx) error {
			inner = w(t.Context(), tx)
			return nil
		})
		if inner == nil {
			t.Errorf("%s in Read succeeded, want an error", name)
		}
	}
	if diff := cmp.Diff(before, mustSnapshot(t, s, gs, ids)); diff != "" {
		t.Errorf("state after writes in Read differs (-before +after):\n%s", diff)
	}
}

func testDeleteAll(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	gs, ids := populate(t, s)
	mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error { return tx.DeleteAll(ctx) })

	if diff := cmp.Diff(snapshot{Graphs: map[string]bool{}, Members: map[string][]detective.Member{}, Tags: map[string]map[string]string{}, Accounts: map[detective.AccountID]string{}},
		mustSnapshot(t, s, gs, ids)); diff != "" {
		t.Errorf("state after DeleteAll (-want +got):\n%s", diff)
	}
	mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
		for _, g := range gs {
			_, err := tx.GraphByAdmin(ctx, g.Admin, g.Region)
			wantKind(t, "GraphByAdmin after DeleteAll", err, detective.KindNotFound)
		}
		ms, err := tx.ListMemberships(ctx, detective.ListMembershipsParams{Account: acct(1), Region: region,
			Statuses: []detective.MemberStatus{detective.MemberStatusEnabled, detective.MemberStatusInvited}, SettledBy: at(1e9), Limit: 10})
		if err != nil {
			return err
		}
		checkMembers(t, "ListMemberships after DeleteAll", ms, nil)
		return nil
	})

	// The store is as good as new: the same rows can be written again.
	gs2, _ := populate(t, s)
	checkGraphs(t, "Graph after DeleteAll and repopulating", []detective.Graph{mustGraph(t, s, gs2[0].ARN)}, []detective.Graph{gs2[0]})
}

// testTimes checks that times come back as the same instant, to the
// millisecond, in UTC: the service truncates to milliseconds so that a value
// read back equals the value written.
func testTimes(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	times := []time.Time{
		base,
		time.UnixMilli(0).UTC(),
		time.UnixMilli(-1).UTC(), // before 1970: negative, not truncated towards zero
		time.Date(1999, time.December, 31, 23, 59, 59, 999_000_000, time.UTC),
		time.Date(2999, time.December, 31, 23, 59, 59, 999_000_000, time.UTC),
		time.Date(2026, time.July, 1, 2, 3, 4, 5_000_000, time.FixedZone("UTC+5:30", 5*3600+1800)),
	}
	var gs []detective.Graph
	var ms []detective.Member
	for i, tm := range times {
		g := graphOf(acct(i), region, i)
		g.CreatedTime = tm
		gs = append(gs, g)
		m := memberOf(gs[0], acct(100+i), detective.MemberStatusEnabled)
		m.InvitedTime, m.UpdatedTime, m.VerifiedTime = tm, tm.Add(time.Millisecond), tm.Add(-time.Millisecond)
		ms = append(ms, m)
	}
	mustCreateGraphs(t, s, gs...)
	mustPutMembers(t, s, ms...)

	for _, g := range gs {
		got := mustGraph(t, s, g.ARN)
		if !got.CreatedTime.Equal(g.CreatedTime) {
			t.Errorf("Graph CreatedTime = %v, want %v", got.CreatedTime, g.CreatedTime)
		}
		checkUTC(t, "Graph CreatedTime", got.CreatedTime)
	}
	checkMembers(t, "Members times", mustMembers(t, s, gs[0].ARN, accounts(ms)...), ms)
}

// testConcurrentWrites runs read-modify-write transactions on one graph's
// members at once, as CreateMembers and AcceptInvitation do. Each increments
// two counters it shares with others; a store that lets two of them
// interleave loses an increment.
func testConcurrentWrites(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	g := graphOf(acct(0), region, 1)
	mustCreateGraphs(t, s, g)
	const workers, counters = 20, 5
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	errs := make(chan error, workers)
	for i := range workers {
		go func() {
			errs <- s.Write(ctx, func(tx detective.Tx) error {
				if _, err := tx.LockGraph(ctx, g.ARN); err != nil {
					return err
				}
				ids := []detective.AccountID{acct(1 + i%counters), acct(1 + (i+1)%counters)}
				have, err := tx.Members(ctx, g.ARN, ids)
				if err != nil {
					return err
				}
				count := make(map[detective.AccountID]int)
				for _, m := range have {
					if count[m.Account], err = strconv.Atoi(m.Email); err != nil {
						return err
					}
				}
				put := make([]detective.Member, len(ids))
				for j, id := range ids {
					put[j] = memberOf(g, id, detective.MemberStatusInvited)
					put[j].Email = strconv.Itoa(count[id] + 1)
				}
				return tx.PutMembers(ctx, put)
			})
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Write: %v", err)
		}
	}

	ids := make([]detective.AccountID, counters)
	for i := range ids {
		ids[i] = acct(1 + i)
	}
	got := mustMembers(t, s, g.ARN, ids...)
	if len(got) != counters {
		t.Fatalf("after concurrent Writes, %d of %d members exist", len(got), counters)
	}
	for _, m := range got {
		if want := strconv.Itoa(2 * workers / counters); m.Email != want {
			t.Errorf("member %s was updated %s times, want %s: concurrent Writes lost an update", m.Account, m.Email, want)
		}
	}
}

// testConcurrentCreateGraph races several CreateGraph calls for one
// administrator and region: exactly one wins and the rest see a conflict,
// which the service turns into a retry.
func testConcurrentCreateGraph(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	const workers = 8
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	errs := make(chan error, workers)
	for i := range workers {
		go func() {
			errs <- s.Write(ctx, func(tx detective.Tx) error { return tx.CreateGraph(ctx, graphOf(acct(1), region, i)) })
		}()
	}
	won := 0
	for range workers {
		switch err := <-errs; detective.KindOf(err) {
		case detective.KindConflict:
		case detective.KindInternal:
			if err != nil {
				t.Errorf("concurrent CreateGraph: %v", err)
				continue
			}
			won++
		default:
			t.Errorf("concurrent CreateGraph: %v, want success or a conflict", err)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent CreateGraph calls for one administrator succeeded, want 1", won, workers)
	}
}

// testReadDuringWrite checks isolation: a Read that starts while a Write is
// open sees the last committed state, never the Write's changes. A store
// may run the Read beside the Write (WAL, PostgreSQL) or make it wait for
// the Write to end; the Write here rolls back, so either way the Read must
// see the state from before it.
func testReadDuringWrite(t *testing.T, newStore func(t *testing.T) Store) {
	s := newStore(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	committed := world.Account{ID: acct(1), RootEmail: "old@example.com"}
	mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error { return tx.PutAccount(ctx, committed) })

	check := func(tx detective.Tx) error {
		got, err := tx.Account(ctx, committed.ID)
		if err != nil {
			return fmt.Errorf("Account(%s): %w", committed.ID, err)
		}
		if got.RootEmail != committed.RootEmail || got.ID != committed.ID {
			return fmt.Errorf("Account(%s) = %+v, want %+v: a Read saw an uncommitted Write", committed.ID, got, committed)
		}
		if _, err := tx.Account(ctx, acct(2)); detective.KindOf(err) != detective.KindNotFound {
			return fmt.Errorf("Account(%s) = %v, want not found: a Read saw an uncommitted Write", acct(2), err)
		}
		return nil
	}
	rollback := errors.New("roll back")
	readDone := make(chan error, 1)
	// The world writes; Detective's view of it reads.
	err := s.World().Write(ctx, func(tx world.Tx) error {
		if err := tx.PutAccount(ctx, world.Account{ID: committed.ID, RootEmail: "new@example.com"}); err != nil {
			return err
		}
		if err := tx.PutAccount(ctx, world.Account{ID: acct(2)}); err != nil {
			return err
		}
		go func() { readDone <- s.Read(ctx, check) }()
		select {
		case err := <-readDone:
			readDone <- err
		case <-time.After(200 * time.Millisecond): // the store makes reads wait
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("Write = %v, want %v", err, rollback)
	}
	if err := <-readDone; err != nil {
		t.Errorf("Read during a Write: %v", err)
	}
}

// bothTx is one transaction seen as Detective's and as the world's. Every
// backend keeps both in one database, so that Detective's writes and the
// world facts they depend on commit or roll back together; the rollback
// and read-only cases rely on it.
type bothTx interface {
	detective.Tx
	world.Tx
}

// errNotBoth is the failure of a store whose transactions are not both.
var errNotBoth = errors.New("the store's detective.Tx is not also a world.Tx")

// writeBoth runs fn in s.Write, as a bothTx.
func writeBoth(ctx context.Context, s Store, fn func(bothTx) error) error {
	return s.Write(ctx, func(tx detective.Tx) error {
		b, ok := tx.(bothTx)
		if !ok {
			return errNotBoth
		}
		return fn(b)
	})
}

// readBoth runs fn in s.Read, as a bothTx.
func readBoth(ctx context.Context, s Store, fn func(bothTx) error) error {
	return s.Read(ctx, func(tx detective.Tx) error {
		b, ok := tx.(bothTx)
		if !ok {
			return errNotBoth
		}
		return fn(b)
	})
}
