// Command detective-local serves the Amazon Detective API (rest-json,
// 2018-10-26) to unmodified AWS clients, with state in an embedded SQLite
// database by default, in memory, or in PostgreSQL for several replicas.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "ingest" {
		err = runIngest(ctx, os.Args[2:], os.Getenv, os.Stdout, os.Stderr)
	} else {
		err = run(ctx, os.Args[1:], os.Getenv, os.Stderr)
	}
	switch {
	case errors.Is(err, errFilesFailed):
		os.Exit(1) // each failure was reported with its file
	case err != nil && !errors.Is(err, errHelp):
		fmt.Fprintln(os.Stderr, "detective-local:", err)
		os.Exit(1)
	}
}

// run parses args, starts the server and serves until ctx is done, then
// shuts down gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	// The process's own setting, so here rather than in NewMain, which
	// tests run inside theirs.
	if percent, ok := cfg.gcPercent(getenv); ok {
		debug.SetGCPercent(percent)
	}
	m := NewMain(cfg, stderr)
	if err := m.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	return m.Close()
}
