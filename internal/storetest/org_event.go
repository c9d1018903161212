package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

func testOrgEvent(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("AppendListClaim", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a, b := orgOf(1), orgOf(2)
		// b's first event is older than a's; a's second is older than b's
		// second. The log's order is by time, then organization, then Seq.
		a1, a2 := orgEventOf(a, 1, at(20)), orgEventOf(a, 2, at(25))
		b1, b2 := orgEventOf(b, 1, at(10)), orgEventOf(b, 2, at(30))
		b2.Type, b2.Method, b2.ServicePrincipal = world.OrgEventDelegatedAdminRegistered, "", "detective.amazonaws.com"
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			for _, e := range []world.OrgEvent{a2, b1, a1, b2} {
				if err := tx.AppendOrgEvent(ctx, e); err != nil {
					return err
				}
			}
			dup := a1
			dup.ID = "another-id"
			wantKind(t, "AppendOrgEvent(same org and seq)", tx.AppendOrgEvent(ctx, dup), detective.KindConflict)
			return nil
		})
		mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			all, err := tx.ListOrgEvents(ctx, world.ListOrgEventsParams{})
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]world.OrgEvent{b1, a1, a2, b2}, all); diff != "" {
				t.Errorf("ListOrgEvents mismatch (-want +got):\n%s", diff)
			}
			page, err := tx.ListOrgEvents(ctx, world.ListOrgEventsParams{After: a1.Key(), Limit: 1})
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]world.OrgEvent{a2}, page); diff != "" {
				t.Errorf("ListOrgEvents(after a1, limit 1) mismatch (-want +got):\n%s", diff)
			}
			ofB, err := tx.ListOrgEvents(ctx, world.ListOrgEventsParams{Org: b.ID})
			if err != nil {
				return err
			}
			if diff := cmp.Diff([]world.OrgEvent{b1, b2}, ofB); diff != "" {
				t.Errorf("ListOrgEvents(org b) mismatch (-want +got):\n%s", diff)
			}
			return nil
		})

		claim := func(want ...world.OrgEvent) {
			t.Helper()
			mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
				got, err := tx.ClaimOrgEvents(ctx, 10)
				if err != nil {
					return err
				}
				if len(got) != 0 || len(want) != 0 {
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("ClaimOrgEvents mismatch (-want +got):\n%s", diff)
					}
				}
				return nil
			})
		}
		mark := func(e world.OrgEvent, when time.Time) {
			t.Helper()
			mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
				return tx.MarkOrgEventProcessed(ctx, e.Org, e.Seq, when)
			})
		}
		claim(b1, a1) // only the oldest unprocessed event of each organization
		mark(a1, at(100))
		claim(b1, a2)
		mark(b1, at(101))
		mark(a2, at(102))
		claim(b2)
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			wantKind(t, "MarkOrgEventProcessed(twice)", tx.MarkOrgEventProcessed(ctx, a1.Org, a1.Seq, at(200)), detective.KindConflict)
			wantKind(t, "MarkOrgEventProcessed(unknown)", tx.MarkOrgEventProcessed(ctx, a1.Org, 99, at(200)), detective.KindNotFound)
			return nil
		})
		mark(b2, at(103))
		claim()
		mustReadWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			got, err := tx.ListOrgEvents(ctx, world.ListOrgEventsParams{Org: a.ID})
			if err != nil {
				return err
			}
			if len(got) != 2 || !got[0].ProcessedTime.Equal(at(100)) {
				t.Errorf("ListOrgEvents(org a) after processing = %+v, want a1 processed at %v", got, at(100))
			}
			unprocessed, err := tx.ListOrgEvents(ctx, world.ListOrgEventsParams{Unprocessed: true})
			if err != nil {
				return err
			}
			if len(unprocessed) != 0 {
				t.Errorf("ListOrgEvents(unprocessed) = %v, want none", unprocessed)
			}
			return nil
		})
	})

	t.Run("ConsumersProcessEachEventOnceInOrder", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		const orgs, perOrg, consumers = 3, 12, 4
		mustWriteWorld(t, s, func(ctx context.Context, tx world.Tx) error {
			for o := 1; o <= orgs; o++ {
				for seq := int64(1); seq <= perOrg; seq++ {
					// Times interleave the organizations, as a busy log would.
					if err := tx.AppendOrgEvent(ctx, orgEventOf(orgOf(o), seq, at(seq*10+int64(o)))); err != nil {
						return err
					}
				}
			}
			return nil
		})
		var (
			mu   sync.Mutex
			seen = map[string][]int64{} // org → seqs in the order they were processed
		)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, consumers)
		for range consumers {
			wg.Go(func() {
				for idle := 0; idle < 3; {
					var claimed []world.OrgEvent
					err := s.World().Write(ctx, func(tx world.Tx) error {
						es, err := tx.ClaimOrgEvents(ctx, 2)
						if err != nil {
							return err
						}
						claimed = es
						for _, e := range es {
							if err := tx.MarkOrgEventProcessed(ctx, e.Org, e.Seq, at(1_000_000)); err != nil {
								return fmt.Errorf("mark %s/%d: %w", e.Org, e.Seq, err)
							}
						}
						// Recorded before commit, under the claim: the next event of
						// the organization cannot be claimed until this commits.
						mu.Lock()
						for _, e := range es {
							seen[e.Org] = append(seen[e.Org], e.Seq)
						}
						mu.Unlock()
						time.Sleep(time.Millisecond) // hold the claim while others try
						return nil
					})
					if err != nil {
						errs <- err
						return
					}
					if len(claimed) == 0 {
						idle++
						time.Sleep(5 * time.Millisecond)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("consumer: %v", err)
		}
		for o := 1; o <= orgs; o++ {
			id := orgOf(o).ID
			var want []int64
			for seq := int64(1); seq <= perOrg; seq++ {
				want = append(want, seq)
			}
			if diff := cmp.Diff(want, seen[id]); diff != "" {
				t.Errorf("events of %s processed (-want +got):\n%s", id, diff)
			}
		}
	})
}
