package readmodel_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/readmodel"
)

// countingStore counts the read transactions the read model opens.
type countingStore struct {
	readmodel.Versioned
	reads atomic.Int64
}

func (s *countingStore) Read(ctx context.Context, fn func(detective.Tx) error) error {
	s.reads.Add(1)
	return s.Versioned.Read(ctx, fn)
}

// mustGraph makes a graph of admin with n invited members, written
// without the read model, and returns it with the members' accounts.
func mustGraph(t *testing.T, s detective.Store, n int) (arn.ARN, []detective.AccountID) {
	t.Helper()
	svc := detective.NewService(s, detective.SystemClock{}, detective.RandomIDs{}, detective.Config{})
	a := detective.Caller{Account: admin, Region: region}
	g, err := svc.CreateGraph(t.Context(), a, detective.CreateGraphInput{})
	if err != nil {
		t.Fatal(err)
	}
	var in []detective.AccountInput
	var ids []detective.AccountID
	for i := range n {
		id := detective.AccountID(fmt.Sprintf("4000000000%02d", i))
		in = append(in, detective.AccountInput{ID: id, Email: "m@example.com"})
		ids = append(ids, id)
	}
	if _, err := svc.CreateMembers(t.Context(), a, detective.CreateMembersInput{Graph: g.GraphARN, Accounts: in}); err != nil {
		t.Fatal(err)
	}
	return g.GraphARN, ids
}

// TestAnswersAreCopies changes what the read model answered, as the
// Service does when it makes members what they are at the time of a
// request: the next read from memory still answers what the store holds.
func TestAnswersAreCopies(t *testing.T) {
	eachStore(t, func(t *testing.T, s volumeStore) {
		ctx := t.Context()
		g, ids := mustGraph(t, s, 3)
		inner := &countingStore{Versioned: s}
		rm := readmodel.New(inner, 0)
		read := func() (page, some []detective.Member) {
			t.Helper()
			if err := rm.Read(ctx, func(tx detective.Tx) error {
				var err error
				if page, err = tx.ListMembers(ctx, detective.ListMembersParams{Graph: g, Limit: 10}); err != nil {
					return err
				}
				some, err = tx.Members(ctx, g, ids[:2])
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(page) != 3 || len(some) != 2 {
				t.Fatalf("read %d and %d members, want 3 and 2", len(page), len(some))
			}
			return page, some
		}
		for i := range 3 {
			page, some := read()
			for _, ms := range [][]detective.Member{page, some} {
				if ms[0].Email != "m@example.com" || ms[0].Status != detective.MemberStatusInvited {
					t.Fatalf("read %d: member %+v, want the stored one", i, ms[0])
				}
				ms[0].Email, ms[0].Status = "changed@example.com", detective.MemberStatusEnabled
			}
		}
		if n := inner.reads.Load(); n != 1 {
			t.Fatalf("%d read transactions, want 1: the later reads come from memory", n)
		}
	})
}

// TestEntriesBounded reads members one at a time through a read model
// that keeps 4 answers: those first read are answered from memory, the
// others from the database every time, and exactly.
func TestEntriesBounded(t *testing.T) {
	eachStore(t, func(t *testing.T, s volumeStore) {
		ctx := t.Context()
		g, ids := mustGraph(t, s, 8)
		inner := &countingStore{Versioned: s}
		rm := readmodel.New(inner, 4)
		readOne := func(id detective.AccountID) {
			t.Helper()
			if err := rm.Read(ctx, func(tx detective.Tx) error {
				ms, err := tx.Members(ctx, g, []detective.AccountID{id})
				if err == nil && (len(ms) != 1 || ms[0].Account != id) {
					err = fmt.Errorf("Members(%s) = %+v", id, ms)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range ids {
			readOne(id)
		}
		if n := inner.reads.Load(); n != 8 {
			t.Fatalf("%d read transactions for the first reads, want 8", n)
		}
		for _, id := range ids {
			before := inner.reads.Load()
			readOne(id)
			fromDB := inner.reads.Load() != before
			if kept := id <= ids[3]; fromDB == kept {
				t.Errorf("account %s read from the database: %v, want %v", id, fromDB, !kept)
			}
		}
	})
}

// TestConcurrentReads reads overlapping sets of members from several
// goroutines at once, so that answers are added while others are read
// (run with -race): every read answers exactly the accounts asked.
func TestConcurrentReads(t *testing.T) {
	eachStore(t, func(t *testing.T, s volumeStore) {
		ctx := t.Context()
		g, ids := mustGraph(t, s, 99)
		rm := readmodel.New(s, 0)
		const workers = 6
		errs := make(chan error, workers)
		for w := range workers {
			go func() {
				var err error
				for i := 0; i < 200 && err == nil; i++ {
					at := (w*13 + i*7) % 89
					want := ids[at : at+10]
					err = rm.Read(ctx, func(tx detective.Tx) error {
						ms, err := tx.Members(ctx, g, want)
						if err != nil {
							return err
						}
						for j, m := range ms {
							if len(ms) != len(want) || m.Account != want[j] {
								return fmt.Errorf("Members(%v) = %d members, [%d] %s", want, len(ms), j, m.Account)
							}
						}
						return nil
					})
				}
				errs <- err
			}()
		}
		for range workers {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	})
}
