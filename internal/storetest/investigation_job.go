package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
)

func testInvestigationJob(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("ClaimOldestDueOnce", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		done := investigationOf(g, 1, at(5))
		newer, older := runningOf(g, 2, at(20)), runningOf(g, 3, at(10))
		mustCreateInvestigations(t, s, done, newer, older)

		now := at(100)
		for i, want := range []string{older.ID, newer.ID, ""} {
			got, ok := mustClaimInvestigation(t, s, now, now.Add(time.Minute))
			if want == "" {
				if ok {
					t.Errorf("claim %d = %s, want none left", i, got.ID)
				}
				continue
			}
			if !ok || got.ID != want || got.Status != detective.InvestigationRunning {
				t.Errorf("claim %d = %s %s, %v; want %s RUNNING", i, got.ID, got.Status, ok, want)
			}
		}
		// A lease that ran out makes the investigation due again.
		if got, ok := mustClaimInvestigation(t, s, now.Add(time.Minute), now.Add(2*time.Minute)); !ok || got.ID != older.ID {
			t.Errorf("claim after the lease = %s, %v; want %s again", got.ID, ok, older.ID)
		}
	})

	t.Run("Complete", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		inv := runningOf(g, 1, at(10))
		mustCreateInvestigations(t, s, inv)
		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			expl, err := tx.InvestigationExplanation(ctx, g.ARN, inv.ID)
			if err != nil || expl != nil {
				t.Errorf("InvestigationExplanation(running) = %q, %v; want nil", expl, err)
			}
			return nil
		})

		out := inv
		out.Status, out.Severity, out.CompletedTime = detective.InvestigationSuccessful, detective.SeverityHigh, at(50)
		expl := []byte(`{"why":"because"}`)
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error { return tx.CompleteInvestigation(ctx, out, expl) })
		checkInvestigations(t, "completed", []detective.Investigation{mustInvestigation(t, s, g.ARN, inv.ID)}, []detective.Investigation{out})
		if _, ok := mustClaimInvestigation(t, s, at(100), at(200)); ok {
			t.Errorf("a completed investigation was claimed")
		}

		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			got, err := tx.InvestigationExplanation(ctx, g.ARN, inv.ID)
			if err != nil || string(got) != string(expl) {
				t.Errorf("InvestigationExplanation = %q, %v; want %q", got, err, expl)
			}
			_, err = tx.InvestigationExplanation(ctx, g.ARN, investigationOf(g, 9, at(1)).ID)
			wantKind(t, "InvestigationExplanation(absent)", err, detective.KindNotFound)
			return nil
		})
		ctx := t.Context()
		err := s.Write(ctx, func(tx detective.Tx) error { return tx.CompleteInvestigation(ctx, out, expl) })
		wantKind(t, "CompleteInvestigation(completed)", err, detective.KindConflict)
		absent := runningOf(g, 9, at(10))
		err = s.Write(ctx, func(tx detective.Tx) error { return tx.CompleteInvestigation(ctx, absent, nil) })
		wantKind(t, "CompleteInvestigation(absent)", err, detective.KindNotFound)
	})

	// Claimers racing, as replicas do, take each investigation once.
	t.Run("ConcurrentClaims", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		const n = 12
		for i := range n {
			mustCreateInvestigations(t, s, runningOf(g, i+1, at(int64(i))))
		}
		var (
			mu      sync.Mutex
			claimed = map[string]int{}
			wg      sync.WaitGroup
		)
		for range 4 {
			wg.Go(func() {
				// Bounded, so that a store that hands out an
				// investigation again fails rather than hangs.
				for range 2 * n {
					inv, ok := mustClaimInvestigation(t, s, at(1000), at(100_000))
					if !ok {
						return
					}
					mu.Lock()
					claimed[inv.ID]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(claimed) != n {
			t.Errorf("claimed %d investigations, want %d", len(claimed), n)
		}
		for id, c := range claimed {
			if c != 1 {
				t.Errorf("investigation %s claimed %d times, want once", id, c)
			}
		}
	})
}

// runningOf is investigationOf as StartInvestigation stores it: RUNNING,
// no severity, due at its creation.
func runningOf(g detective.Graph, n int, created time.Time) detective.Investigation {
	inv := investigationOf(g, n, created)
	inv.Status, inv.Severity, inv.CompletedTime = detective.InvestigationRunning, "", created
	return inv
}

// mustClaimInvestigation claims an investigation in a transaction of its own.
func mustClaimInvestigation(tb testing.TB, s detective.Store, now, until time.Time) (detective.Investigation, bool) {
	tb.Helper()
	var (
		inv detective.Investigation
		ok  bool
	)
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error {
		var err error
		inv, ok, err = tx.ClaimInvestigation(ctx, now, until)
		if err != nil {
			return fmt.Errorf("ClaimInvestigation: %w", err)
		}
		return nil
	})
	return inv, ok
}
