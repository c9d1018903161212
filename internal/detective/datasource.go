package detective

import (
	"context"
	"slices"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
)

// newGraphPackages are the package states of a graph created at now: every
// package STARTED, as for every graph created since May 2023.
func newGraphPackages(now time.Time) []PackageState {
	ps := make([]PackageState, 0, 3)
	for _, p := range DatasourcePackages() {
		ps = append(ps, PackageState{Package: p, State: IngestStarted, Started: now})
	}
	return ps
}

// enter moves p to state at now, recording the time only on a transition.
func (p PackageState) enter(state IngestState, now time.Time) PackageState {
	if p.State == state {
		return p
	}
	p.State = state
	switch state {
	case IngestStarted:
		p.Started = now
	case IngestStopped:
		p.Stopped = now
	case IngestDisabled:
		p.Disabled = now
	}
	return p
}

// ListDatasourcePackagesInput is the input of ListDatasourcePackages.
type ListDatasourcePackagesInput struct {
	Graph      arn.ARN
	NextToken  string
	MaxResults int
}

// ListDatasourcePackagesOutput is the output of ListDatasourcePackages.
type ListDatasourcePackagesOutput struct {
	Packages  []PackageState
	NextToken string
}

// ListDatasourcePackages pages through the package states of c's graph in
// package order.
func (s *Service) ListDatasourcePackages(ctx context.Context, c Caller, in ListDatasourcePackagesInput) (ListDatasourcePackagesOutput, error) {
	const op = "ListDatasourcePackages"
	after, err := decodeToken(in.NextToken, op, in.Graph.String())
	if err != nil {
		return ListDatasourcePackagesOutput{}, err
	}
	limit := pageSize(in.MaxResults)
	var out ListDatasourcePackagesOutput
	err = s.store.Read(ctx, func(tx Tx) error {
		out = ListDatasourcePackagesOutput{}
		g, err := s.adminGraph(ctx, tx, c, in.Graph, false)
		if err != nil {
			return err
		}
		ps, err := tx.GraphPackages(ctx, g.ARN)
		if err != nil {
			return err
		}
		if after != "" {
			i := slices.IndexFunc(ps, func(p PackageState) bool { return string(p.Package) == after })
			ps = ps[i+1:] // i is -1 for an unknown package: all of them
		}
		if len(ps) > limit {
			ps = ps[:limit]
			out.NextToken = encodeToken(op, in.Graph.String(), string(ps[limit-1].Package))
		}
		out.Packages = ps
		return nil
	})
	return out, err
}

// UpdateDatasourcePackages makes packages the set of started packages of
// c's graph: listed optional packages start, unlisted ones stop.
// DETECTIVE_CORE always stays started. Enabled members follow the graph.
func (s *Service) UpdateDatasourcePackages(ctx context.Context, c Caller, graph arn.ARN, packages []DatasourcePackage) error {
	return s.store.Write(ctx, func(tx Tx) error {
		g, err := s.adminGraph(ctx, tx, c, graph, true)
		if err != nil {
			return err
		}
		ps, err := tx.GraphPackages(ctx, g.ARN)
		if err != nil {
			return err
		}
		now := s.now()
		for i, p := range ps {
			want := IngestStopped
			if p.Package == PackageDetectiveCore || slices.Contains(packages, p.Package) {
				want = IngestStarted
			}
			ps[i] = p.enter(want, now)
		}
		if err := tx.PutGraphPackages(ctx, g.ARN, ps); err != nil {
			return err
		}
		return s.followGraphPackages(ctx, tx, g, ps, now)
	})
}

// followGraphPackages moves the packages of the graph's ENABLED members to
// the graph's states.
func (s *Service) followGraphPackages(ctx context.Context, tx Tx, g Graph, graphPackages []PackageState, now time.Time) error {
	enabled, err := s.membersWithStatus(ctx, tx, g, now, MemberStatusEnabled)
	if err != nil {
		return err
	}
	current := make([]MemberPackages, 0, len(enabled))
	for _, m := range enabled {
		ps := make([]PackageState, len(m.Packages)) // read with the member
		for j, p := range m.Packages {
			ps[j] = p
			if gp := findPackage(graphPackages, p.Package); gp != nil {
				ps[j] = p.enter(gp.State, now)
			}
		}
		current = append(current, MemberPackages{Account: m.Account, Packages: ps})
	}
	return tx.PutMemberPackages(ctx, g.ARN, current)
}

func findPackage(ps []PackageState, p DatasourcePackage) *PackageState {
	for i := range ps {
		if ps[i].Package == p {
			return &ps[i]
		}
	}
	return nil
}

// MemberDatasources is one account's package history in one graph.
type MemberDatasources struct {
	Account  AccountID
	Graph    arn.ARN
	Packages []PackageState
}

// BatchGetGraphMemberDatasourcesOutput is the output of
// BatchGetGraphMemberDatasources.
type BatchGetGraphMemberDatasourcesOutput struct {
	Members     []MemberDatasources
	Unprocessed []UnprocessedAccount
}

// BatchGetGraphMemberDatasources returns the package history of accounts in
// c's graph. The administrator's own history is the graph's; accounts that
// never ingested into the graph are unprocessed.
func (s *Service) BatchGetGraphMemberDatasources(ctx context.Context, c Caller, graph arn.ARN, accounts []AccountID) (BatchGetGraphMemberDatasourcesOutput, error) {
	var out BatchGetGraphMemberDatasourcesOutput
	err := s.store.Read(ctx, func(tx Tx) error {
		out = BatchGetGraphMemberDatasourcesOutput{Members: []MemberDatasources{}}
		g, err := s.adminGraph(ctx, tx, c, graph, false)
		if err != nil {
			return err
		}
		ids := dedupe(accounts)
		found, err := tx.MemberPackages(ctx, g.ARN, ids)
		if err != nil {
			return err
		}
		byID := make(map[AccountID][]PackageState, len(found))
		for _, mp := range found {
			byID[mp.Account] = mp.Packages
		}
		if slices.Contains(ids, g.Admin) {
			if byID[g.Admin], err = tx.GraphPackages(ctx, g.ARN); err != nil {
				return err
			}
		}
		for _, id := range ids {
			if ps, ok := byID[id]; ok {
				out.Members = append(out.Members, MemberDatasources{Account: id, Graph: g.ARN, Packages: ps})
			} else {
				out.Unprocessed = append(out.Unprocessed, UnprocessedAccount{Account: id,
					Reason: "The account has no datasource package history in the behavior graph"})
			}
		}
		return nil
	})
	return out, err
}

// UnprocessedGraph is a graph an operation could not act on, and why.
type UnprocessedGraph struct {
	Graph  arn.ARN
	Reason string
}

// BatchGetMembershipDatasourcesOutput is the output of
// BatchGetMembershipDatasources.
type BatchGetMembershipDatasourcesOutput struct {
	Memberships []MemberDatasources
	Unprocessed []UnprocessedGraph
}

// BatchGetMembershipDatasources returns c's own package history in each
// graph. Graphs c does not ingest into are unprocessed; if none of the
// graphs exists in c's region, the answer is ResourceNotFoundException.
func (s *Service) BatchGetMembershipDatasources(ctx context.Context, c Caller, graphs []arn.ARN) (BatchGetMembershipDatasourcesOutput, error) {
	var out BatchGetMembershipDatasourcesOutput
	err := s.store.Read(ctx, func(tx Tx) error {
		out = BatchGetMembershipDatasourcesOutput{Memberships: []MemberDatasources{}}
		anyExists := false
		for _, g := range dedupe(graphs) {
			exists := false
			if g.Region == c.Region {
				_, err := tx.Graph(ctx, g)
				if err != nil && KindOf(err) != KindNotFound {
					return err
				}
				exists = err == nil
			}
			anyExists = anyExists || exists
			var found []MemberPackages
			if exists {
				var err error
				if found, err = tx.MemberPackages(ctx, g, []AccountID{c.Account}); err != nil {
					return err
				}
			}
			if len(found) == 0 {
				out.Unprocessed = append(out.Unprocessed, UnprocessedGraph{Graph: g,
					Reason: "The account has no datasource package history in the behavior graph"})
				continue
			}
			out.Memberships = append(out.Memberships, MemberDatasources{Account: c.Account, Graph: g, Packages: found[0].Packages})
		}
		if !anyExists {
			return NotFound("None of the behavior graphs exists")
		}
		return nil
	})
	return out, err
}
