package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain serves as the bare server when TestRun re-executes the test
// binary for it, as main does for the command.
func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == bareCommand {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := serveBare(ctx, os.Stderr)
		stop()
		if err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRun runs the whole command briefly on the memory store: it builds
// the server, starts it, runs every scenario at two concurrencies and
// stops it, so that the load command cannot rot unnoticed.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	args := []string{"--store", "memory", "--duration", "200ms", "--warmup", "50ms", "--concurrency", "1,2", "--starts", "2", "--json"}
	if err := run(ctx, args, &stdout, &stderr); err != nil {
		t.Fatalf("run(%q) = %v; stderr:\n%s", args, err, stderr.String())
	}
	var rep report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("decode report: %v\n%s", err, stdout.String())
	}
	if len(rep.Servers) != 2 {
		t.Fatalf("%d servers in the report, want the replica and the bare server", len(rep.Servers))
	}
	for _, s := range rep.Servers {
		if s.StartMillis <= 0 || s.IdleRSSKiB <= 0 || s.LoadedKiB <= 0 || s.PeakKiB < s.LoadedKiB {
			t.Errorf("server = %+v, want positive times and sizes, peak ≥ loaded", s)
		}
	}
	// The memory store has no store to start again on: new-store starts
	// and the bare server's.
	if len(rep.Starts) != 2 || rep.Starts[0].Kind != "new store" || rep.Starts[1].Kind != "bare net/http" {
		t.Fatalf("starts = %+v, want the new store's and the bare server's", rep.Starts)
	}
	for _, s := range rep.Starts {
		if s.Starts != 2 || s.MinMillis <= 0 || s.MedianMillis < s.MinMillis || s.CPUMillis <= 0 || s.IdleRSSKiB <= 0 || s.IdleFileKiB <= 0 {
			t.Errorf("start = %+v, want 2 starts with positive times and sizes", s)
		}
	}
	if s := rep.Starts[0]; s.ServedRSSKiB <= 0 {
		t.Errorf("new-store start = %+v, want its RSS after one request of each kind", s)
	}
	if want := (len(scenarios()) + 1) * 2; len(rep.Rows) != want {
		t.Fatalf("%d rows, want %d", len(rep.Rows), want)
	}
	for _, r := range rep.Rows {
		if r.Requests == 0 || r.RequestsPerSecond <= 0 || r.P50Millis <= 0 || r.P99Millis < r.P50Millis || r.Errors+r.WarmupErrors != 0 {
			t.Errorf("row = %+v, want requests, latencies and no errors", r)
		}
	}
	var md strings.Builder
	if err := rep.writeMarkdown(&md); err != nil {
		t.Fatalf("writeMarkdown: %v", err)
	}
	for _, want := range []string{"| replica 1 |", "| get-members | 1 |", "| invite-cycle | 2 |",
		"| " + bareScenario + " | 2 |", "get-members at concurrency 2: "} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown report lacks %q:\n%s", want, md.String())
		}
	}
}

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	tests := []struct {
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{ms(7), 0.5, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{ms(1, 2, 3, 4, 5), 0.5, 3 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.99, 10 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := percentile(tc.sorted, tc.q); got != tc.want {
			t.Errorf("percentile(%v, %v) = %v, want %v", tc.sorted, tc.q, got, tc.want)
		}
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--concurrency", "1,0"}, "--concurrency"},
		{[]string{"--replicas", "2"}, "needs a postgres store"},
		{[]string{"--store", "mysql://x"}, "--store"},
		{[]string{"--scenarios", "get-members,nope"}, "unknown scenario"},
		{[]string{"--duration", "0s"}, "--duration"},
		{[]string{"--starts", "-1"}, "--starts"},
		{[]string{"--scenarios", "none"}, ""},
		{[]string{"--store", "postgres://h/db", "--replicas", "2", "--scenarios", "invite-cycle"}, ""},
	}
	for _, tc := range tests {
		_, err := parseConfig(tc.args, &bytes.Buffer{})
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("parseConfig(%q) = %v, want error containing %q", tc.args, err, tc.wantErr)
		}
	}
}
