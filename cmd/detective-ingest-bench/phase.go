package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/geo"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/format"
	"github.com/detective-local/detective-local/internal/postgres"
	"github.com/detective-local/detective-local/internal/sqlite"
)

type phaseArgs struct {
	file, dir, postgres, city, asn string
	profile                        string
	accounts, batch                int
}

// runPhase runs one measured phase and prints its results as JSON lines.
func runPhase(ctx context.Context, name string, args []string) error {
	var a phaseArgs
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&a.file, "file", "", "")
	fs.StringVar(&a.dir, "dir", "", "")
	fs.StringVar(&a.postgres, "postgres", "", "")
	fs.StringVar(&a.city, "city", "", "")
	fs.StringVar(&a.asn, "asn", "", "")
	fs.IntVar(&a.accounts, "accounts", 1, "")
	fs.IntVar(&a.batch, "batch", 0, "")
	fs.StringVar(&a.profile, "cpuprofile", "", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if a.profile != "" {
		f, err := os.Create(filepath.Join(a.profile, name+".pprof"))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var db *geo.DB
	if a.city != "" {
		var err error
		if db, err = geo.Open(a.city, a.asn); err != nil {
			return err
		}
		defer db.Close()
	}
	switch name {
	case "parse":
		return measure("parse", func() (int64, int64, error) { return decode(ctx, a.file, nil) })
	case "enrich":
		return measure("parse+enrich", func() (int64, int64, error) { return decode(ctx, a.file, db) })
	case "sqlite":
		path := filepath.Join(a.dir, "bench.db")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
		store, err := sqlite.Open(ctx, path)
		if err != nil {
			return err
		}
		defer store.Close()
		return endToEnd(ctx, "sqlite", store, store, a, db)
	case "postgres":
		dsn, drop, err := freshSchema(ctx, a.postgres)
		if err != nil {
			return err
		}
		defer drop()
		store, err := postgres.Open(ctx, dsn)
		if err != nil {
			return err
		}
		defer store.Close()
		return endToEnd(ctx, "postgres", store, store, a, db)
	}
	return fmt.Errorf("unknown phase %q", name)
}

// measure runs fn and prints its CPU time, wall time and the process's
// peak resident memory so far.
func measure(name string, fn func() (records, accepted int64, err error)) error {
	before := cpu()
	start := time.Now()
	records, accepted, err := fn()
	if err != nil {
		return err
	}
	wall := time.Since(start).Seconds()
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru) // cannot fail for RUSAGE_SELF
	return json.NewEncoder(os.Stdout).Encode(result{Phase: name, Records: records, Accepted: accepted,
		CPU: cpu() - before, Wall: wall, MaxRSS: ru.Maxrss * 1024})
}

// cpu is the process's CPU time so far, user and system, in seconds.
func cpu() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// countSink counts records and, given a geo DB, enriches each new public
// address as the pipeline does.
type countSink struct {
	n       int64
	db      *geo.DB
	located map[string]bool
}

func (s *countSink) Record(r behavior.Record) error {
	s.n++
	if s.db == nil || r.API == nil {
		return nil
	}
	if ip, ok := behavior.PublicIP(r.API); ok && !s.located[r.API.SourceIP] {
		s.located[r.API.SourceIP] = true
		s.db.Locate(ip)
		s.db.ASN(ip)
	}
	return nil
}
func (s *countSink) Malformed(format.Position, error) { s.n++ }
func (s *countSink) Skipped(format.Position, string)  { s.n++ }

func decode(ctx context.Context, file string, db *geo.DB) (int64, int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	r, err := format.Open(f, format.Limits{})
	if err != nil {
		return 0, 0, err
	}
	sink := &countSink{db: db, located: map[string]bool{}}
	err = format.Decode(ctx, format.CloudTrail, format.NewReader(r), format.Options{}, sink)
	return sink.n, sink.n, err
}

// endToEnd ingests the file into a fresh store whose first account
// administers a graph the others are members of, then ingests it again.
func endToEnd(ctx context.Context, name string, store detective.Store, bstore behavior.Store, a phaseArgs, db *geo.DB) error {
	if err := mustGraph(ctx, store, a.accounts); err != nil {
		return err
	}
	cfg := ingest.Config{BatchSize: a.batch}
	if db != nil {
		cfg.Geo = db
	}
	p := ingest.New(bstore, cfg)
	// A file can seek: the pipeline hashes it first and does not parse a
	// file it has. A stream (a request body) is read record by record.
	ingestFile := func(stream bool) (int64, int64, error) {
		f, err := os.Open(a.file)
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		var r io.Reader = f
		if stream {
			r = struct{ io.Reader }{f}
		}
		res, err := p.Ingest(ctx, r, ingest.Request{Source: a.file})
		if err == nil && len(res.Errors) > 0 {
			err = fmt.Errorf("%d malformed records, first: %s", len(res.Errors), res.Errors[0].Message)
		}
		return res.Records, res.Accepted, err
	}
	if err := measure(name, func() (int64, int64, error) { return ingestFile(false) }); err != nil {
		return err
	}
	if err := measure(name+" re-ingest file", func() (int64, int64, error) { return ingestFile(false) }); err != nil {
		return err
	}
	return measure(name+" re-ingest stream", func() (int64, int64, error) { return ingestFile(true) })
}

type clock struct{}

func (clock) Now() time.Time { return time.Now() }

// mustGraph makes the first bench account administer a graph in
// us-east-1 with every other account an ENABLED member.
func mustGraph(ctx context.Context, store detective.Store, accounts int) error {
	svc := detective.NewService(store, clock{}, detective.RandomIDs{}, detective.Config{})
	admin := detective.Caller{Account: "111111111111", Region: "us-east-1"}
	out, err := svc.CreateGraph(ctx, admin, detective.CreateGraphInput{})
	if err != nil {
		return err
	}
	var in []detective.AccountInput
	for i := 2; i <= accounts; i++ {
		in = append(in, detective.AccountInput{ID: detective.AccountID(fmt.Sprintf("%012d", 111111111111*i)), Email: "m@example.com"})
	}
	if len(in) == 0 {
		return nil
	}
	if _, err := svc.CreateMembers(ctx, admin, detective.CreateMembersInput{Graph: out.GraphARN, Accounts: in}); err != nil {
		return err
	}
	for _, m := range in {
		if err := svc.AcceptInvitation(ctx, detective.Caller{Account: m.ID, Region: "us-east-1"}, out.GraphARN); err != nil {
			return err
		}
	}
	return nil
}

// freshSchema creates an empty schema for the run and returns a DSN that
// uses it, and a function that drops it.
func freshSchema(ctx context.Context, dsn string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", nil, err
	}
	schema := fmt.Sprintf("ingest_bench_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		return "", nil, err
	}
	drop := func() {
		_, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") // best effort: a leftover schema is harmless
		conn.Close(context.Background())
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		drop()
		return "", nil, err
	}
	sep := "?"
	if cfg.RuntimeParams != nil && len(dsn) > 0 && containsQuery(dsn) {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema, drop, nil
}

func containsQuery(dsn string) bool {
	for _, c := range dsn {
		if c == '?' {
			return true
		}
	}
	return false
}
