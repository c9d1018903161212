package detective_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/sqlite"
)

// settableClock is a clock a test moves by hand.
type settableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *settableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *settableClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// scriptedInvestigator answers by entity, counting its calls.
type scriptedInvestigator struct {
	mu    sync.Mutex
	calls map[string]int
}

var errNoData = errors.New("behavior store unreachable")

func (s *scriptedInvestigator) Investigate(_ context.Context, inv detective.Investigation) ([]detective.Indicator, detective.Severity, []byte, error) {
	s.mu.Lock()
	s.calls[inv.EntityARN]++
	s.mu.Unlock()
	if inv.EntityARN == brokenUser {
		return nil, "", nil, errNoData
	}
	return []detective.Indicator{{Type: detective.IndicatorNewUserAgent,
		Detail: map[string]any{"UserAgent": "curl/8", "IsNewForEntireAccount": true}}}, detective.SeverityLow, []byte(`{"why":"curl"}`), nil
}

const (
	goodUser   = "arn:aws:iam::000000000001:user/alice"
	brokenUser = "arn:aws:iam::000000000001:user/bob"
)

// TestRunInvestigations: the job computes each investigation once, stores
// SUCCESSFUL with indicators or FAILED with the reason, reports it RUNNING
// until the delay has passed, and takes over one whose lease ran out.
func TestRunInvestigations(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	clock := &settableClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	iv := &scriptedInvestigator{calls: map[string]int{}}
	kicks := 0
	svc := detective.NewService(store, clock, detective.RandomIDs{}, detective.Config{InvestigationDelay: time.Minute,
		Investigator: iv, InvestigationLease: 10 * time.Minute, InvestigationStarted: func() { kicks++ }})
	admin := detective.Caller{Account: "000000000001", Region: "us-east-1"}
	g, err := svc.CreateGraph(ctx, admin, detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %v", err)
	}
	start := func(entity string) string {
		t.Helper()
		id, err := svc.StartInvestigation(ctx, admin, detective.StartInvestigationInput{Graph: g.GraphARN, EntityARN: entity,
			ScopeStart: clock.Now().Add(-time.Hour), ScopeEnd: clock.Now()})
		if err != nil {
			t.Fatalf("StartInvestigation(%s): %v", entity, err)
		}
		return id
	}
	get := func(id string) detective.Investigation {
		t.Helper()
		inv, err := svc.GetInvestigation(ctx, admin, g.GraphARN, id)
		if err != nil {
			t.Fatalf("GetInvestigation(%s): %v", id, err)
		}
		return inv
	}
	good, broken := start(goodUser), start(brokenUser)
	if kicks != 2 {
		t.Errorf("InvestigationStarted called %d times, want once per start", kicks)
	}

	err = svc.RunInvestigations(ctx)
	if !errors.Is(err, errNoData) {
		t.Errorf("RunInvestigations = %v, want the failure's reason", err)
	}
	if inv := get(good); inv.Status != detective.InvestigationRunning || inv.Severity != "" {
		t.Errorf("computed, before the delay = %s %q, want RUNNING", inv.Status, inv.Severity)
	}
	clock.advance(time.Minute)
	if inv := get(good); inv.Status != detective.InvestigationSuccessful || inv.Severity != detective.SeverityLow ||
		!inv.CompletedTime.Equal(inv.CreatedTime.Add(time.Minute)) {
		t.Errorf("computed, after the delay = %+v, want SUCCESSFUL LOW completed at CreatedTime + delay", inv)
	}
	inds, err := svc.ListIndicators(ctx, admin, detective.ListIndicatorsInput{Graph: g.GraphARN, Investigation: good})
	if err != nil {
		t.Fatalf("ListIndicators: %v", err)
	}
	want := []detective.Indicator{{Type: detective.IndicatorNewUserAgent, Detail: map[string]any{"UserAgent": "curl/8", "IsNewForEntireAccount": true}}}
	if diff := cmp.Diff(want, inds.Indicators); diff != "" {
		t.Errorf("indicators (-want +got):\n%s", diff)
	}
	if inv, expl, err := svc.InvestigationExplanation(ctx, g.GraphARN, good); err != nil || string(expl) != `{"why":"curl"}` || inv.ID != good {
		t.Errorf("InvestigationExplanation(good) = %s, %v", expl, err)
	}
	if inv := get(broken); inv.Status != detective.InvestigationFailed || inv.Severity != "" {
		t.Errorf("failed investigation = %s %q, want FAILED without severity", inv.Status, inv.Severity)
	}
	if _, expl, err := svc.InvestigationExplanation(ctx, g.GraphARN, broken); err != nil || string(expl) != errNoData.Error() {
		t.Errorf("InvestigationExplanation(broken) = %q, %v; want the reason", expl, err)
	}
	if err := svc.RunInvestigations(ctx); err != nil {
		t.Errorf("RunInvestigations with nothing due = %v", err)
	}

	// A replica claimed this one and stopped: it is computed once its
	// lease has run out, and only then.
	orphan := start(goodUser)
	if err := store.Write(ctx, func(tx detective.Tx) error {
		_, _, err := tx.ClaimInvestigation(ctx, clock.Now(), clock.Now().Add(10*time.Minute))
		return err
	}); err != nil {
		t.Fatalf("claim: %v", err)
	}
	if err := svc.RunInvestigations(ctx); err != nil || iv.calls[goodUser] != 1 {
		t.Errorf("RunInvestigations under another's lease = %v, %d computations of %s; want it left alone", err, iv.calls[goodUser], goodUser)
	}
	clock.advance(10 * time.Minute)
	if err := svc.RunInvestigations(ctx); err != nil || iv.calls[goodUser] != 2 {
		t.Errorf("RunInvestigations after the lease = %v, %d computations; want it taken over", err, iv.calls[goodUser])
	}
	if inv := get(orphan); inv.Status != detective.InvestigationSuccessful {
		t.Errorf("taken-over investigation = %s, want SUCCESSFUL", inv.Status)
	}
	if iv.calls[brokenUser] != 1 {
		t.Errorf("the failed investigation was computed %d times, want once", iv.calls[brokenUser])
	}
}
