package detective

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
)

// Graph is a behavior graph. An account administers at most one graph per
// region; the graph's ARN carries the administrator's account ID.
type Graph struct {
	ARN         arn.ARN
	Admin       AccountID
	Region      string
	CreatedTime time.Time
}

// adminGraph returns the graph g on behalf of its administrator c, locking
// it when lock is set. A caller that does not own the ARN's account is
// denied whether or not the graph exists, as IAM denies cross-account access
// before any lookup: a third account learns nothing about the graph.
func (s *Service) adminGraph(ctx context.Context, tx Tx, c Caller, g arn.ARN, lock bool) (Graph, error) {
	if err := checkAdmin(c, g); err != nil {
		return Graph{}, err
	}
	var (
		graph Graph
		err   error
	)
	if lock {
		graph, err = tx.LockGraph(ctx, g)
	} else {
		graph, err = tx.Graph(ctx, g)
	}
	if KindOf(err) == KindNotFound {
		return Graph{}, graphNotFound(g)
	}
	return graph, err
}

// checkAdmin is the part of adminGraph that needs no lookup: whether c may
// administer the graph named g at all.
func checkAdmin(c Caller, g arn.ARN) error {
	if AccountID(g.Account) != c.Account {
		return AccessDenied("The request failed because account %s is not the administrator of the behavior graph %s", c.Account, g)
	}
	if g.Region != c.Region {
		return graphNotFound(g)
	}
	return nil
}

func graphNotFound(g arn.ARN) error {
	return NotFound("The request failed because the behavior graph %s does not exist", g)
}

// CreateGraphInput is the input of CreateGraph.
type CreateGraphInput struct {
	Tags map[string]string
}

// CreateGraphOutput is the output of CreateGraph.
type CreateGraphOutput struct {
	GraphARN arn.ARN
}

// CreateGraph makes c.Account the administrator of a new behavior graph in
// c.Region. If it already administers one there, CreateGraph returns that
// graph's ARN and leaves its tags alone.
func (s *Service) CreateGraph(ctx context.Context, c Caller, in CreateGraphInput) (CreateGraphOutput, error) {
	var out CreateGraphOutput
	create := func(tx Tx) error {
		existing, err := tx.GraphByAdmin(ctx, c.Account, c.Region)
		if err == nil {
			out.GraphARN = existing.ARN
			return nil
		}
		if KindOf(err) != KindNotFound {
			return err
		}
		g := Graph{
			ARN:         arn.Graph(c.Region, string(c.Account), s.ids.GraphID()),
			Admin:       c.Account,
			Region:      c.Region,
			CreatedTime: s.now(),
		}
		if err := tx.CreateGraph(ctx, g); err != nil {
			return err
		}
		if err := tx.PutGraphPackages(ctx, g.ARN, newGraphPackages(g.CreatedTime)); err != nil {
			return err
		}
		if len(in.Tags) > 0 {
			if err := tx.PutTags(ctx, g.ARN, in.Tags); err != nil {
				return err
			}
		}
		out.GraphARN = g.ARN
		return nil
	}
	err := s.store.Write(ctx, create)
	if KindOf(err) == KindConflict {
		// Another replica created the account's graph between our read and
		// insert; the retry finds and returns it.
		err = s.store.Write(ctx, create)
	}
	return out, err
}

// DeleteGraphInput is the input of DeleteGraph.
type DeleteGraphInput struct {
	Graph arn.ARN
}

// DeleteGraph deletes a behavior graph with every membership in it and its
// tags. Only its administrator may.
func (s *Service) DeleteGraph(ctx context.Context, c Caller, in DeleteGraphInput) error {
	return s.store.Write(ctx, func(tx Tx) error {
		if _, err := s.adminGraph(ctx, tx, c, in.Graph, true); err != nil {
			return err
		}
		return tx.DeleteGraph(ctx, in.Graph)
	})
}

// ListGraphsInput is the input of ListGraphs.
type ListGraphsInput struct {
	NextToken  string
	MaxResults int
}

// ListGraphsOutput is the output of ListGraphs.
type ListGraphsOutput struct {
	Graphs    []Graph
	NextToken string
}

// ListGraphs lists the graphs c administers in its region: at most one. An
// account that administers none gets an empty list, not an error.
func (s *Service) ListGraphs(ctx context.Context, c Caller, in ListGraphsInput) (ListGraphsOutput, error) {
	const op = "ListGraphs"
	scope := string(c.Account) + "/" + c.Region
	after, err := decodeToken(in.NextToken, op, scope)
	if err != nil {
		return ListGraphsOutput{}, err
	}
	limit := pageSize(in.MaxResults)
	var out ListGraphsOutput
	err = s.store.Read(ctx, func(tx Tx) error {
		gs, err := tx.ListGraphs(ctx, ListGraphsParams{Admin: c.Account, Region: c.Region, After: after, Limit: limit + 1})
		if err != nil {
			return err
		}
		if len(gs) > limit {
			gs = gs[:limit]
			out.NextToken = encodeToken(op, scope, gs[limit-1].ARN.String())
		}
		out.Graphs = gs
		return nil
	})
	return out, err
}
