package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

func testInvestigation(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("CreateAndGet", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		done := investigationOf(g, 1, at(10))
		// Still running: no severity yet, and a completion time of "never"
		// must come back as the zero time.
		running := investigationOf(g, 2, at(20))
		running.EntityType, running.EntityARN = detective.EntityIAMUser, "arn:aws:iam::"+string(acct(5))+":user/alice"
		running.Status, running.Severity, running.State = detective.InvestigationRunning, "", detective.InvestigationArchived
		running.CompletedTime = time.Time{}
		mustCreateInvestigations(t, s, done, running)

		for _, want := range []detective.Investigation{done, running} {
			got := mustInvestigation(t, s, g.ARN, want.ID)
			checkInvestigations(t, "Investigation("+want.ID+")", []detective.Investigation{got}, []detective.Investigation{want})
		}
		if got := mustInvestigation(t, s, g.ARN, running.ID); !got.CompletedTime.IsZero() {
			t.Errorf("Investigation(%s).CompletedTime = %v, want the zero time", running.ID, got.CompletedTime)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g, other := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g, other)
		inv := investigationOf(g, 1, at(10))
		mustCreateInvestigations(t, s, inv)
		absent := investigationOf(g, 2, at(10)).ID

		mustRead(t, s, func(ctx context.Context, tx detective.Tx) error {
			_, err := tx.Investigation(ctx, g.ARN, absent)
			wantKind(t, "Investigation(absent)", err, detective.KindNotFound)
			_, err = tx.Investigation(ctx, other.ARN, inv.ID)
			wantKind(t, "Investigation(other graph)", err, detective.KindNotFound)
			_, err = tx.Investigation(ctx, graphOf(acct(0), region, 3).ARN, inv.ID)
			wantKind(t, "Investigation(absent graph)", err, detective.KindNotFound)
			return nil
		})
		for name, tc := range map[string]struct {
			graph arn.ARN
			id    string
		}{"absent": {g.ARN, absent}, "other graph": {other.ARN, inv.ID}} {
			var inner error
			err := s.Write(t.Context(), func(tx detective.Tx) error {
				inner = tx.UpdateInvestigationState(t.Context(), tc.graph, tc.id, detective.InvestigationArchived)
				return inner
			})
			wantKind(t, "UpdateInvestigationState("+name+")", inner, detective.KindNotFound)
			wantKind(t, "Write(UpdateInvestigationState("+name+"))", err, detective.KindNotFound)
		}
		checkInvestigations(t, "Investigation after failed updates",
			[]detective.Investigation{mustInvestigation(t, s, g.ARN, inv.ID)}, []detective.Investigation{inv})
	})

	t.Run("Conflict", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g, other := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g, other)
		inv := investigationOf(g, 1, at(10))
		mustCreateInvestigations(t, s, inv)

		dup := investigationOf(g, 1, at(99))
		dup.EntityARN, dup.State = "arn:aws:iam::"+string(acct(7))+":role/other", detective.InvestigationArchived
		var inner error
		err := s.Write(t.Context(), func(tx detective.Tx) error {
			inner = tx.CreateInvestigation(t.Context(), dup)
			return inner
		})
		wantKind(t, "CreateInvestigation(duplicate ID)", inner, detective.KindConflict)
		wantKind(t, "Write(CreateInvestigation(duplicate ID))", err, detective.KindConflict)

		// A conflict leaves the transaction usable, as CreateGraph's does:
		// the service may go on and create under another ID.
		second := investigationOf(g, 2, at(11))
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
			if err := tx.CreateInvestigation(ctx, dup); detective.KindOf(err) != detective.KindConflict {
				return fmt.Errorf("CreateInvestigation(duplicate ID) = %v, want a conflict", err)
			}
			return tx.CreateInvestigation(ctx, second)
		})
		// The same ID in another graph is another investigation.
		elsewhere := investigationOf(other, 1, at(12))
		mustCreateInvestigations(t, s, elsewhere)

		checkInvestigations(t, "ListInvestigations after conflicts", mustListInvestigations(t, s, g.ARN),
			[]detective.Investigation{inv, second})
		checkInvestigations(t, "ListInvestigations(other graph)", mustListInvestigations(t, s, other.ARN),
			[]detective.Investigation{elsewhere})
	})

	t.Run("UpdateState", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		a, b := investigationOf(g, 1, at(10)), investigationOf(g, 2, at(20))
		mustCreateInvestigations(t, s, a, b)

		update := func(id string, state detective.InvestigationState) {
			t.Helper()
			mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error {
				return tx.UpdateInvestigationState(ctx, g.ARN, id, state)
			})
		}
		update(a.ID, detective.InvestigationArchived)
		a.State = detective.InvestigationArchived // and nothing else
		checkInvestigations(t, "ListInvestigations after archiving", mustListInvestigations(t, s, g.ARN), []detective.Investigation{a, b})
		update(a.ID, detective.InvestigationArchived) // the current state again is not "absent"
		update(a.ID, detective.InvestigationActive)
		a.State = detective.InvestigationActive
		checkInvestigations(t, "ListInvestigations after reactivating", mustListInvestigations(t, s, g.ARN), []detective.Investigation{a, b})
	})

	t.Run("ListOrder", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g, other := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g, other)
		checkInvestigations(t, "ListInvestigations(none)", mustListInvestigations(t, s, g.ARN), nil)

		// CreatedTime first, whatever the IDs; IDs break ties, by bytes.
		want := []detective.Investigation{
			investigationOf(g, 9, at(-1_000)), // before another's scope: only CreatedTime counts
			investigationOf(g, 3, at(5)),
			investigationOf(g, 4, at(5)),
			investigationOf(g, 12, at(5)),
			investigationOf(g, 1, at(7)),
			investigationOf(g, 2, at(3_600_000)),
		}
		want[0].ScopeStart = at(9_000_000)
		mustCreateInvestigations(t, s, want[4], want[2], want[5], investigationOf(other, 5, at(6)), want[3], want[0], want[1])

		checkInvestigations(t, "ListInvestigations", mustListInvestigations(t, s, g.ARN), want)
		checkInvestigations(t, "ListInvestigations(absent graph)", mustListInvestigations(t, s, graphOf(acct(0), region, 3).ARN), nil)
	})

	t.Run("Indicators", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g, other := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, g, other)
		inv, bare := investigationOf(g, 1, at(10)), investigationOf(g, 2, at(20))
		elsewhere := investigationOf(other, 1, at(10)) // the same ID in another graph
		mustCreateInvestigations(t, s, inv, bare, elsewhere)

		// More than ten, in no sorted order and with repeated types, so an
		// order by type or by seq as text would show.
		var want []detective.Indicator
		types := []detective.IndicatorType{detective.IndicatorTTPObserved, detective.IndicatorImpossibleTravel,
			detective.IndicatorFlaggedIPAddress, detective.IndicatorNewGeolocation, detective.IndicatorNewASO,
			detective.IndicatorNewUserAgent, detective.IndicatorRelatedFinding, detective.IndicatorRelatedFindingGroup}
		for i := range 12 {
			typ := types[(i*5)%len(types)]
			want = append(want, detective.Indicator{Type: typ, Detail: map[string]any{"Seq": int64(i), "Type": string(typ)}})
		}
		mustPutIndicators(t, s, inv, want...)
		mustPutIndicators(t, s, elsewhere, detective.Indicator{Type: detective.IndicatorNewASO, Detail: map[string]any{"AutonomousSystemNumber": int64(64512)}})

		checkIndicators(t, "Indicators", mustIndicators(t, s, inv), want)
		checkIndicators(t, "Indicators(none put)", mustIndicators(t, s, bare), nil)
		checkIndicators(t, "Indicators(absent investigation)", mustIndicators(t, s, investigationOf(g, 3, at(0))), nil)
		checkIndicators(t, "Indicators(other graph)", mustIndicators(t, s, elsewhere),
			[]detective.Indicator{{Type: detective.IndicatorNewASO, Detail: map[string]any{"AutonomousSystemNumber": int64(64512)}}})
	})

	t.Run("IndicatorDetailRoundTrip", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		inv := investigationOf(g, 1, at(10))
		mustCreateInvestigations(t, s, inv)

		// Detail is stored as JSON. What comes back, exactly: strings and
		// booleans as they were; a number written as a JSON integer that
		// fits an int64 comes back as int64, exactly, beyond 2^53 too;
		// any other number as float64. So every Go integer type reads back
		// as int64, and so does a whole float64 (JSON writes 3.0 as 3),
		// while 1.5 stays float64. An empty or nil Detail reads back as an
		// empty map, never nil.
		in := []detective.Indicator{
			{Type: detective.IndicatorFlaggedIPAddress, Detail: map[string]any{
				"IpAddress":     "198.51.100.7",
				"Reason":        "AWS_THREAT_INTELLIGENCE",
				"Empty":         "",
				"Unicode":       "Zürich \u2603 \"quoted\" \\ <tag>",
				"IsNewForGraph": true,
				"Flag":          false,
			}},
			{Type: detective.IndicatorImpossibleTravel, Detail: map[string]any{
				"APISuccessCount": int64(42),
				"APIFailureCount": int64(0),
				"Negative":        int64(-7),
				"Big":             int64(1<<53 + 1), // not exact as a float64
				"Max":             int64(math.MaxInt64),
				"Min":             int64(math.MinInt64),
				"GoInt":           17,
				"Int32":           int32(-3),
				"Uint16":          uint16(9),
				"Fraction":        1.5,
				"Whole":           3.0,
				"Tiny":            1e-7,
				"Huge":            1e21, // written with an exponent
			}},
			{Type: detective.IndicatorNewUserAgent, Detail: map[string]any{}},
			{Type: detective.IndicatorRelatedFinding},
		}
		want := []detective.Indicator{
			in[0],
			{Type: detective.IndicatorImpossibleTravel, Detail: map[string]any{
				"APISuccessCount": int64(42),
				"APIFailureCount": int64(0),
				"Negative":        int64(-7),
				"Big":             int64(1<<53 + 1),
				"Max":             int64(math.MaxInt64),
				"Min":             int64(math.MinInt64),
				"GoInt":           int64(17),
				"Int32":           int64(-3),
				"Uint16":          int64(9),
				"Fraction":        1.5,
				"Whole":           int64(3),
				"Tiny":            1e-7,
				"Huge":            1e21,
			}},
			{Type: detective.IndicatorNewUserAgent, Detail: map[string]any{}},
			{Type: detective.IndicatorRelatedFinding, Detail: map[string]any{}},
		}
		mustPutIndicators(t, s, inv, in...)
		got := mustIndicators(t, s, inv)
		checkIndicators(t, "Indicators", got, want)
		for i, ind := range got {
			if ind.Detail == nil {
				t.Errorf("Indicators[%d].Detail = nil, want a map", i)
			}
		}
	})

	t.Run("PutIndicatorsReplaces", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		inv, kept := investigationOf(g, 1, at(10)), investigationOf(g, 2, at(20))
		mustCreateInvestigations(t, s, inv, kept)
		ind := func(typ detective.IndicatorType, n int64) detective.Indicator {
			return detective.Indicator{Type: typ, Detail: map[string]any{"N": n}}
		}
		keptInds := []detective.Indicator{ind(detective.IndicatorNewASO, 100)}
		mustPutIndicators(t, s, kept, keptInds...)
		mustPutIndicators(t, s, inv, ind(detective.IndicatorTTPObserved, 1), ind(detective.IndicatorNewASO, 2), ind(detective.IndicatorNewGeolocation, 3))

		// Fewer than before: nothing of the old list may remain.
		replaced := []detective.Indicator{ind(detective.IndicatorRelatedFinding, 4), ind(detective.IndicatorTTPObserved, 5)}
		mustPutIndicators(t, s, inv, replaced...)
		checkIndicators(t, "Indicators after replace", mustIndicators(t, s, inv), replaced)
		mustPutIndicators(t, s, inv)
		checkIndicators(t, "Indicators after replacing with none", mustIndicators(t, s, inv), nil)
		checkIndicators(t, "Indicators(other investigation)", mustIndicators(t, s, kept), keptInds)
	})

	t.Run("DeleteGraphCascades", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		doomed, kept := graphOf(acct(0), region, 1), graphOf(acct(9), region, 2)
		mustCreateGraphs(t, s, doomed, kept)
		inds := []detective.Indicator{{Type: detective.IndicatorNewASO, Detail: map[string]any{"N": int64(1)}}}
		for _, g := range []detective.Graph{doomed, kept} {
			inv := investigationOf(g, 1, at(10))
			mustCreateInvestigations(t, s, inv)
			mustPutIndicators(t, s, inv, inds...)
		}

		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error { return tx.DeleteGraph(ctx, doomed.ARN) })
		checkInvestigations(t, "ListInvestigations(deleted)", mustListInvestigations(t, s, doomed.ARN), nil)
		checkIndicators(t, "Indicators(deleted)", mustIndicators(t, s, investigationOf(doomed, 1, at(10))), nil)
		checkInvestigations(t, "ListInvestigations(kept)", mustListInvestigations(t, s, kept.ARN),
			[]detective.Investigation{investigationOf(kept, 1, at(10))})
		checkIndicators(t, "Indicators(kept)", mustIndicators(t, s, investigationOf(kept, 1, at(10))), inds)

		// Recreated under the same ARN, the graph starts afresh: nothing
		// comes back, and the old IDs are free again.
		populateControlPlane(t, s, doomed)
		mustWrite(t, s, func(ctx context.Context, tx detective.Tx) error { return tx.DeleteGraph(ctx, doomed.ARN) })
		mustCreateGraphs(t, s, doomed)
		checkControlPlaneEmpty(t, s, doomed, "of a recreated graph")
		mustCreateInvestigations(t, s, investigationOf(doomed, 1, at(10)))
	})

	t.Run("Rollback", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		inv := investigationOf(g, 1, at(10))
		inds := []detective.Indicator{{Type: detective.IndicatorNewASO, Detail: map[string]any{"N": int64(1)}}}
		mustCreateInvestigations(t, s, inv)
		mustPutIndicators(t, s, inv, inds...)

		failure := errors.New("fn failed")
		err := s.Write(t.Context(), func(tx detective.Tx) error {
			ctx := t.Context()
			if err := tx.CreateInvestigation(ctx, investigationOf(g, 2, at(20))); err != nil {
				return err
			}
			if err := tx.UpdateInvestigationState(ctx, g.ARN, inv.ID, detective.InvestigationArchived); err != nil {
				return err
			}
			if err := tx.PutIndicators(ctx, g.ARN, inv.ID, nil); err != nil {
				return err
			}
			return failure
		})
		if !errors.Is(err, failure) {
			t.Fatalf("Write = %v, want %v", err, failure)
		}
		checkInvestigations(t, "ListInvestigations after a failed Write", mustListInvestigations(t, s, g.ARN), []detective.Investigation{inv})
		checkIndicators(t, "Indicators after a failed Write", mustIndicators(t, s, inv), inds)
	})

	t.Run("ReadOnly", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		g := graphOf(acct(0), region, 1)
		mustCreateGraphs(t, s, g)
		inv := investigationOf(g, 1, at(10))
		mustCreateInvestigations(t, s, inv)
		for name, w := range map[string]func(ctx context.Context, tx detective.Tx) error{
			"CreateInvestigation": func(ctx context.Context, tx detective.Tx) error {
				return tx.CreateInvestigation(ctx, investigationOf(g, 2, at(20)))
			},
			"UpdateInvestigationState": func(ctx context.Context, tx detective.Tx) error {
				return tx.UpdateInvestigationState(ctx, g.ARN, inv.ID, detective.InvestigationArchived)
			},
			"PutIndicators": func(ctx context.Context, tx detective.Tx) error {
				return tx.PutIndicators(ctx, g.ARN, inv.ID, []detective.Indicator{{Type: detective.IndicatorNewASO}})
			},
		} {
			var inner error
			_ = s.Read(t.Context(), func(tx detective.Tx) error {
				inner = w(t.Context(), tx)
				return nil
			})
			if inner == nil {
				t.Errorf("%s in Read succeeded, want an error", name)
			}
		}
		checkInvestigations(t, "ListInvestigations after writes in Read", mustListInvestigations(t, s, g.ARN), []detective.Investigation{inv})
		checkIndicators(t, "Indicators after writes in Read", mustIndicators(t, s, inv), nil)
	})
}

// investigationOf returns the n-th investigation of g, created at created,
// with every field set. IDs are 21 digits, as the service makes them.
func investigationOf(g detective.Graph, n int, created time.Time) detective.Investigation {
	return detective.Investigation{
		Graph:         g.ARN,
		ID:            fmt.Sprintf("%021d", n),
		EntityARN:     "arn:aws:iam::" + string(g.Admin) + ":role/investigated",
		EntityType:    detective.EntityIAMRole,
		Status:        detective.InvestigationSuccessful,
		Severity:      detective.SeverityHigh,
		State:         detective.InvestigationActive,
		CreatedTime:   created,
		ScopeStart:    created.Add(-24 * time.Hour),
		ScopeEnd:      created.Add(-time.Millisecond),
		CompletedTime: created.Add(5 * time.Second),
	}
}

// mustCreateInvestigations creates invs in one transaction.
func mustCreateInvestigations(tb testing.TB, s detective.Store, invs ...detective.Investigation) {
	tb.Helper()
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error {
		for _, inv := range invs {
			if err := tx.CreateInvestigation(ctx, inv); err != nil {
				return fmt.Errorf("CreateInvestigation(%s): %w", inv.ID, err)
			}
		}
		return nil
	})
}

// mustInvestigation reads one investigation.
func mustInvestigation(tb testing.TB, s detective.Store, graph arn.ARN, id string) detective.Investigation {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) (detective.Investigation, error) {
		return tx.Investigation(ctx, graph, id)
	})
}

// mustListInvestigations reads every investigation of graph.
func mustListInvestigations(tb testing.TB, s detective.Store, graph arn.ARN) []detective.Investigation {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) ([]detective.Investigation, error) {
		return tx.ListInvestigations(ctx, graph)
	})
}

// mustPutIndicators replaces the indicators of inv.
func mustPutIndicators(tb testing.TB, s detective.Store, inv detective.Investigation, inds ...detective.Indicator) {
	tb.Helper()
	mustWrite(tb, s, func(ctx context.Context, tx detective.Tx) error {
		return tx.PutIndicators(ctx, inv.Graph, inv.ID, inds)
	})
}

// mustIndicators reads the indicators of inv.
func mustIndicators(tb testing.TB, s detective.Store, inv detective.Investigation) []detective.Indicator {
	tb.Helper()
	return mustReadValue(tb, s, func(ctx context.Context, tx detective.Tx) ([]detective.Indicator, error) {
		return tx.Indicators(ctx, inv.Graph, inv.ID)
	})
}

// checkInvestigations fails tb if got differs from want (times compared as
// instants; nil and empty are both "none") or a time in got is not UTC.
func checkInvestigations(tb testing.TB, what string, got, want []detective.Investigation) {
	tb.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
	for _, inv := range got {
		for name, tm := range map[string]time.Time{"CreatedTime": inv.CreatedTime, "ScopeStart": inv.ScopeStart,
			"ScopeEnd": inv.ScopeEnd, "CompletedTime": inv.CompletedTime} {
			checkUTC(tb, what+" "+inv.ID+" "+name, tm)
		}
	}
}

// checkIndicators fails tb if got differs from want. cmp compares the
// Detail values with their dynamic types, so int64(3) and float64(3)
// differ, as they would to the wire layer.
func checkIndicators(tb testing.TB, what string, got, want []detective.Indicator) {
	tb.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", what, diff)
	}
}
