package detective

import (
	"context"
	"testing"

	"github.com/detective-local/detective-local/internal/arn"
)

// graphPages is a store whose only content is a list of graphs that
// ListGraphs pages over, whoever asks. A real store holds at most one
// graph per account and region, so ListGraphs never issues a token there;
// this one lets it, to show what the token is bound to.
type graphPages struct {
	Store
	graphs []Graph
}

func (s graphPages) Read(ctx context.Context, fn func(Tx) error) error {
	return fn(graphPagesTx{graphs: s.graphs})
}

type graphPagesTx struct {
	Tx
	graphs []Graph
}

func (tx graphPagesTx) ListGraphs(_ context.Context, p ListGraphsParams) ([]Graph, error) {
	var out []Graph
	for _, g := range tx.graphs {
		if g.ARN.String() > p.After && len(out) < p.Limit {
			out = append(out, g)
		}
	}
	return out, nil
}

// TestListGraphsTokenBoundToCaller: a ListGraphs token resumes only the
// listing of the account and region it was issued to.
func TestListGraphsTokenBoundToCaller(t *testing.T) {
	const owner = AccountID("111111111111")
	store := graphPages{graphs: []Graph{
		{ARN: arn.Graph("us-east-1", string(owner), "00000000000000000000000000000001"), Admin: owner, Region: "us-east-1"},
		{ARN: arn.Graph("us-east-1", string(owner), "00000000000000000000000000000002"), Admin: owner, Region: "us-east-1"},
	}}
	s := NewService(store, nil, nil, Config{})
	ctx := context.Background()
	caller := Caller{Account: owner, Region: "us-east-1"}
	first, err := s.ListGraphs(ctx, caller, ListGraphsInput{MaxResults: 1})
	if err != nil || first.NextToken == "" {
		t.Fatalf("ListGraphs first page = %+v, %v; want a token", first, err)
	}
	tests := []struct {
		name   string
		caller Caller
	}{
		{"another account", Caller{Account: "222222222222", Region: "us-east-1"}},
		{"another region", Caller{Account: owner, Region: "eu-west-1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.ListGraphs(ctx, tc.caller, ListGraphsInput{NextToken: first.NextToken}); KindOf(err) != KindValidation {
				t.Errorf("ListGraphs by %+v with %+v's token = %v, want a validation error", tc.caller, caller, err)
			}
		})
	}
	next, err := s.ListGraphs(ctx, caller, ListGraphsInput{NextToken: first.NextToken})
	if err != nil || len(next.Graphs) != 1 || next.Graphs[0].ARN != store.graphs[1].ARN {
		t.Errorf("ListGraphs resumed by its own caller = %+v, %v; want the second graph", next, err)
	}
}
