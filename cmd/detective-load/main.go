// Command detective-load measures detective-local the way its users reach
// it: through aws-sdk-go-v2's Detective client over loopback. One command
// builds the server, starts it on a fresh store, runs fixed scenarios at
// several concurrencies for a fixed time each, stops the server and prints
// a Markdown table (or JSON), so that anyone can reproduce the numbers.
//
// It reports, per server process, the time from exec to the first answered
// request and its resident memory idle and after the load; per scenario
// and concurrency, requests per second, p50 and p99 latency, errors, and
// the CPU time per request of the servers and of the load generator, which
// shares the machine with them.
//
// All traffic goes to 127.0.0.1. Every loop is bounded by --duration; the
// servers are stopped on exit, on error and on interrupt, and are killed
// by the kernel should this process die first. Any failed request makes
// the exit status 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) == 2 && os.Args[1] == bareCommand {
		if err := serveBare(ctx, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "detective-load serve-bare:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "detective-load:", err)
			stop() // os.Exit skips deferred calls; run has stopped the servers
			os.Exit(1)
		}
	}
}

// config is the parsed command line.
type config struct {
	server      string
	store       string
	replicas    int
	concurrency []int
	duration    time.Duration
	warmup      time.Duration
	scenarios   []scenario
	json        bool
	pgScratch   bool
	bare        bool
	starts      int
}

func parseConfig(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("detective-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.server, "server", "", "detective-local binary to measure (default: go build ./cmd/detective-local of the module in the working directory, into a temporary directory)")
	fs.StringVar(&cfg.store, "store", "sqlite", "store of the servers: sqlite (a fresh database in a temporary directory), memory, or a postgres://… DSN")
	fs.IntVar(&cfg.replicas, "replicas", 1, "server processes on the same store, clients spread round-robin over them (more than 1 needs a postgres store)")
	conc := fs.String("concurrency", "1,8,32", "comma-separated numbers of concurrent clients; every scenario runs at each")
	fs.DurationVar(&cfg.duration, "duration", 5*time.Second, "measured time of each scenario at each concurrency")
	fs.DurationVar(&cfg.warmup, "warmup", time.Second, "unmeasured time before each measurement (its errors still count)")
	names := fs.String("scenarios", "all", "comma-separated scenarios to run, all, or none (only the starts)")
	fs.BoolVar(&cfg.json, "json", false, "print the report as JSON instead of Markdown")
	fs.BoolVar(&cfg.pgScratch, "pg-scratch", true, "with a postgres store, run in a new schema (search_path) created for the run and dropped after it, so existing data is neither seen nor changed")
	fs.BoolVar(&cfg.bare, "bare", true, "also run get-members against a bare net/http server answering a fixed GetMembers body (this program, re-executed), so that ratios to it are measured in the same run")
	fs.IntVar(&cfg.starts, "starts", 5, "times to start a server on a new store (and again on the store it left) before the load, each timed to its first answer and its memory read after it and after one request of each kind; 0 skips them")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if cfg.concurrency, err = parseConcurrency(*conc); err != nil {
		return config{}, err
	}
	if cfg.scenarios, err = pickScenarios(*names); err != nil {
		return config{}, err
	}
	switch {
	case cfg.store != "sqlite" && cfg.store != "memory" && !isPostgres(cfg.store):
		return config{}, fmt.Errorf("--store %q: want sqlite, memory or a postgres:// DSN", cfg.store)
	case cfg.replicas < 1:
		return config{}, fmt.Errorf("--replicas %d: want at least 1", cfg.replicas)
	case cfg.replicas > 1 && !isPostgres(cfg.store):
		return config{}, errors.New("--replicas above 1 needs a postgres store: sqlite and memory stores are private to one process")
	case cfg.starts < 0:
		return config{}, fmt.Errorf("--starts %d: want 0 or more", cfg.starts)
	case cfg.duration <= 0 || cfg.warmup < 0:
		return config{}, errors.New("--duration must be positive and --warmup not negative")
	}
	return cfg, nil
}

func usage(fs *flag.FlagSet) {
	out := fs.Output()
	fmt.Fprint(out, `detective-load measures detective-local through aws-sdk-go-v2's Detective
client over loopback (127.0.0.1 only) and prints a Markdown table.

Usage (from the module root):
  go run ./cmd/detective-load [flags]

It builds (or takes --server) the server, starts --replicas processes of it
on --store, and measures for each the time from exec to the first answered
ListGraphs and its resident memory (VmRSS idle; VmRSS and VmHWM after the
load). Then it runs each scenario at each --concurrency, one client per
concurrent worker, for --warmup and then --duration, and reports requests/s,
p50 and p99 latency of single requests, errors, and CPU time (user+system)
per request of the servers (from /proc/<pid>/stat) and of itself. Each
scenario has its own administrator account and behavior graph:

`)
	for _, sc := range scenarios() {
		fmt.Fprintf(out, "  %-14s %s\n", sc.name, sc.about)
	}
	fmt.Fprint(out, `
Workers of create-delete and invite-cycle each use their own member account.
Every request counts, so a ListMembers iteration is 5 requests and an
invite-cycle iteration 4. Only the SDK's "use of closed network connection"
race is retried (shown as "retried"); any other error counts as a failure,
and any failure makes the exit status 1.

Flags:
`)
	fs.PrintDefaults()
}

func parseConcurrency(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--concurrency %q: want positive integers separated by commas", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func pickScenarios(s string) ([]scenario, error) {
	all := scenarios()
	switch s {
	case "all":
		return all, nil
	case "none":
		return nil, nil
	}
	var out []scenario
	for _, name := range strings.Split(s, ",") {
		i := slices.IndexFunc(all, func(sc scenario) bool { return sc.name == strings.TrimSpace(name) })
		if i < 0 {
			return nil, fmt.Errorf("--scenarios: unknown scenario %q", name)
		}
		out = append(out, all[i])
	}
	return out, nil
}

// run parses args, measures, and writes the report to stdout. It returns
// an error if anything failed, including any request.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "detective-load-")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, os.RemoveAll(tmp)) }()
	bin := cfg.server
	if bin == "" {
		fmt.Fprintln(stderr, "building ./cmd/detective-local")
		if bin, err = buildServer(ctx, tmp, stderr); err != nil {
			return err
		}
	}
	store := cfg.store
	if isPostgres(store) && cfg.pgScratch {
		var drop func() error
		if store, drop, err = scratchSchema(ctx, store); err != nil {
			return err
		}
		defer func() { err = errors.Join(err, drop()) }()
	}

	rep := &report{
		Store: storeKind(cfg.store), Replicas: cfg.replicas,
		Duration: cfg.duration.String(), Warmup: cfg.warmup.String(),
		CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
	if cfg.starts > 0 {
		fmt.Fprintf(stderr, "%d starts\n", cfg.starts)
		if rep.Starts, err = measureStarts(ctx, cfg.starts, bin, cfg.store, cfg.pgScratch, tmp, stderr); err != nil {
			return err
		}
		if cfg.bare {
			bare, err := measureBareStarts(ctx, cfg.starts, stderr)
			if err != nil {
				return err
			}
			rep.Starts = append(rep.Starts, bare)
		}
	}
	c := newCluster()
	// Stopped before the scratch schema is dropped (defers run in reverse),
	// as the servers hold connections to it.
	defer func() {
		c.closeIdle()
		for _, s := range c.servers {
			err = errors.Join(err, s.stop())
		}
	}()
	if rep.Servers, err = c.start(ctx, cfg.replicas, bin, store, tmp, stderr); err != nil {
		return err
	}
	if rep.Rows, err = c.runScenarios(ctx, cfg, stderr); err != nil {
		return err
	}
	if cfg.bare {
		if err := runBare(ctx, cfg, rep, stderr); err != nil {
			return err
		}
	}
	for _, r := range rep.Rows {
		rep.Failures += r.Errors + r.WarmupErrors
	}
	for i, s := range c.servers {
		mem, err := readMemory(s.cmd.Process.Pid)
		if err != nil {
			return err
		}
		rep.Servers[i].LoadedKiB, rep.Servers[i].PeakKiB = mem.RSS, mem.Peak
	}
	if cfg.json {
		err = rep.writeJSON(stdout)
	} else {
		err = rep.writeMarkdown(stdout)
	}
	if err != nil {
		return err
	}
	if rep.Failures > 0 {
		return fmt.Errorf("%d requests failed", rep.Failures)
	}
	return nil
}

// start starts n servers of bin on store, each with a data directory under
// tmp, and measures how long each takes to answer and its idle memory.
// They start one at a time, so that one start does not slow the other and
// PostgreSQL migrations are not raced. c.servers holds every server
// started, even on error, for the caller to stop.
func (c *cluster) start(ctx context.Context, n int, bin, store, tmp string, stderr io.Writer) ([]serverRun, error) {
	var runs []serverRun
	for i := range n {
		name := fmt.Sprintf("replica %d", i+1)
		s, start, err := startServer(ctx, name, bin, store, filepath.Join(tmp, fmt.Sprintf("data-%d", i+1)), stderr)
		if err != nil {
			return nil, err
		}
		c.servers = append(c.servers, s)
		answered, err := c.firstAnswer(ctx, i)
		if err != nil {
			return nil, err
		}
		mem, err := readMemory(s.cmd.Process.Pid)
		if err != nil {
			return nil, err
		}
		runs = append(runs, serverRun{Name: name, StartMillis: millis(answered.Sub(start)), IdleRSSKiB: mem.RSS})
	}
	return runs, nil
}

// runScenarios sets up and measures every chosen scenario at every
// concurrency, in order.
func (c *cluster) runScenarios(ctx context.Context, cfg config, stderr io.Writer) ([]row, error) {
	var rows []row
	for _, sc := range cfg.scenarios {
		graph, err := sc.setup(ctx, c.client(sc.admin, 0))
		if err != nil {
			return nil, err
		}
		for _, conc := range cfg.concurrency {
			fmt.Fprintf(stderr, "%s at concurrency %d\n", sc.name, conc)
			r, err := c.measure(ctx, sc, graph, conc, cfg.warmup, cfg.duration)
			if err != nil {
				return nil, err
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// storeKind names the store for the report without leaking a DSN's
// password.
func storeKind(s string) string {
	if isPostgres(s) {
		return "postgres"
	}
	return s
}
