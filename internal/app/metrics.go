package app

import (
	"context"
	"errors"
	"io"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/metrics"
	"github.com/detective-local/detective-local/internal/world"
)

// countedStore counts the store's own failures: transactions that end in
// an error the domain did not classify (a lost connection, a full disk, a
// locked database), not the domain's refusals that travel through them.
type countedStore struct {
	Store
	m *metrics.Metrics
}

func (s countedStore) Read(ctx context.Context, fn func(detective.Tx) error) error {
	err := s.Store.Read(ctx, fn)
	s.count("read", ctx, err)
	return err
}

func (s countedStore) Write(ctx context.Context, fn func(detective.Tx) error) error {
	err := s.Store.Write(ctx, fn)
	s.count("write", ctx, err)
	return err
}

func (s countedStore) count(kind string, ctx context.Context, err error) {
	if err == nil || detective.KindOf(err) != detective.KindInternal {
		return
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return // the caller gave up; the store did not fail
	}
	s.m.StoreError(kind)
}

// backlogPage bounds how far a scrape counts one backlog.
const backlogPage = 10000

// backlog reads the work waiting for the periodic jobs: organization
// events not yet applied, and graphs with accepted members waiting for
// room to be enabled.
func backlog(store Store) func(context.Context) (map[string]int, error) {
	return func(ctx context.Context) (map[string]int, error) {
		out := map[string]int{}
		err := store.World().Read(ctx, func(tx world.Tx) error {
			evs, err := tx.ListOrgEvents(ctx, world.ListOrgEventsParams{Unprocessed: true, Limit: backlogPage})
			out["process-org-events"] = len(evs)
			return err
		})
		if err != nil {
			return nil, err
		}
		err = store.Read(ctx, func(tx detective.Tx) error {
			gs, err := tx.GraphsWithMemberStatus(ctx, detective.MemberStatusAcceptedButDisabled)
			out["enable-waiting-members"] = len(gs)
			return err
		})
		return out, err
	}
}

// countedIngester is the pipeline with every ingest counted in the metrics,
// whichever way the data came in.
type countedIngester struct {
	p *ingest.Pipeline
	m *metrics.Metrics
}

func (c countedIngester) Ingest(ctx context.Context, r io.Reader, req ingest.Request) (ingest.Result, error) {
	res, err := c.p.Ingest(ctx, r, req)
	f := string(req.Format)
	if f == "" {
		f = "detected"
	}
	// Bytes are known for the whole input only, so they go under "read"
	// with every record read; each outcome then counts its records.
	c.m.Ingested(f, "read", res.Records, res.Bytes)
	c.m.Ingested(f, "accepted", res.Accepted, 0)
	for reason, n := range res.Skipped {
		c.m.Ingested(f, reason, n, 0)
	}
	return res, err
}

// investigationsByStatus counts investigations per stored status for the
// metrics gauge.
func investigationsByStatus(store Store) func(context.Context) (map[string]int, error) {
	return func(ctx context.Context) (map[string]int, error) {
		out := map[string]int{}
		err := store.Read(ctx, func(tx detective.Tx) error {
			counts, err := tx.CountInvestigations(ctx)
			for status, n := range counts {
				out[string(status)] = n
			}
			return err
		})
		return out, err
	}
}
