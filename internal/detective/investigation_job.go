package detective

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
)

// Investigator computes an investigation from the behavior graph's data.
type Investigator interface {
	// Investigate returns inv's indicators, in the order ListIndicators
	// gives them, its severity, and an explanation of both for operators,
	// which the service stores without reading. An error fails the
	// investigation.
	Investigate(ctx context.Context, inv Investigation) ([]Indicator, Severity, []byte, error)
}

// DefaultInvestigationLease is how long a replica may take to compute an
// investigation before another takes it over: far above the seconds one
// takes, so that only a replica that stopped mid-way loses it.
const DefaultInvestigationLease = 5 * time.Minute

// RunInvestigations computes every RUNNING investigation no replica is
// computing, one at a time, until none is left. Each is claimed in one
// transaction, computed outside any, and completed in another; the claim's
// lease keeps other replicas off it meanwhile, and if this one stops
// before completing, the lease runs out and another computes it again,
// with the same result. Calls in one process run one at a time, so that
// when a call returns, every investigation due when it was called that
// this process claimed is computed. It returns the reasons
// investigations failed, joined, so that they are logged.
func (s *Service) RunInvestigations(ctx context.Context) error {
	if s.cfg.Investigator == nil {
		return nil
	}
	s.investigating.Lock()
	defer s.investigating.Unlock()
	var errs []error
	for ctx.Err() == nil {
		var (
			inv     Investigation
			claimed bool
		)
		err := s.store.Write(ctx, func(tx Tx) error {
			now := s.now()
			var err error
			inv, claimed, err = tx.ClaimInvestigation(ctx, now, now.Add(s.cfg.InvestigationLease))
			return err
		})
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		if !claimed {
			break
		}
		if err := s.runInvestigation(ctx, inv); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// runInvestigation computes one claimed investigation and stores the
// outcome: SUCCESSFUL with its indicators and severity, or FAILED with the
// reason as its explanation. Either is reported from CreatedTime plus the
// investigation delay on, or from now if that has passed.
func (s *Service) runInvestigation(ctx context.Context, inv Investigation) error {
	inds, sev, expl, failure := s.cfg.Investigator.Investigate(ctx, inv)
	if failure != nil && ctx.Err() != nil {
		return nil // stopping: the lease runs out and a replica computes it again
	}
	inv.Status, inv.Severity = InvestigationSuccessful, sev
	if failure != nil {
		inv.Status, inv.Severity, inds, expl = InvestigationFailed, "", nil, []byte(failure.Error())
	}
	inv.CompletedTime = s.now()
	if due := inv.CreatedTime.Add(s.cfg.InvestigationDelay); due.After(inv.CompletedTime) {
		inv.CompletedTime = due
	}
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.CompleteInvestigation(ctx, inv, expl); err != nil {
			return err
		}
		return tx.PutIndicators(ctx, inv.Graph, inv.ID, inds)
	})
	switch KindOf(err) {
	case KindNotFound, KindConflict:
		// Its graph was deleted meanwhile, or a replica that took over an
		// expired lease completed it first, with the same result.
		err = nil
	}
	if err != nil {
		return fmt.Errorf("complete investigation %s: %w", inv.ID, err)
	}
	if failure != nil {
		return fmt.Errorf("investigation %s of %s in %s failed: %w", inv.ID, inv.EntityARN, inv.Graph, failure)
	}
	return nil
}

// InvestigationExplanation returns what the investigator explained about a
// completed investigation of graph (for a FAILED one, the reason), or nil
// while it is RUNNING; KindNotFound if there is no such investigation. It
// is for operators: no caller is checked.
func (s *Service) InvestigationExplanation(ctx context.Context, graph arn.ARN, id string) (Investigation, []byte, error) {
	var (
		inv  Investigation
		expl []byte
	)
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		if inv, err = tx.Investigation(ctx, graph, id); err != nil {
			return err
		}
		if inv = inv.At(s.now()); inv.Status == InvestigationRunning {
			return nil
		}
		expl, err = tx.InvestigationExplanation(ctx, graph, id)
		return err
	})
	return inv, expl, err
}
