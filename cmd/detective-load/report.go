package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// report is everything one invocation measured; --json prints it as is.
type report struct {
	Store     string       `json:"store"` // sqlite, memory or postgres (never the DSN)
	Replicas  int          `json:"replicas"`
	Duration  string       `json:"duration"`
	Warmup    string       `json:"warmup"`
	CPUs      int          `json:"cpus"`
	GoVersion string       `json:"go_version"`
	Platform  string       `json:"platform"`
	Starts    []startStats `json:"starts,omitempty"`
	Servers   []serverRun  `json:"servers"`
	Rows      []row        `json:"rows"`
	Failures  int          `json:"failures"` // failed requests, warm-ups included
}

// serverRun is what was measured of one server process.
type serverRun struct {
	Name string `json:"name"`
	// StartMillis is the time from exec to the first successful ListGraphs.
	StartMillis float64 `json:"start_to_first_answer_ms"`
	IdleRSSKiB  int64   `json:"idle_rss_kib"`   // VmRSS once started, before any load
	LoadedKiB   int64   `json:"loaded_rss_kib"` // VmRSS after all scenarios
	PeakKiB     int64   `json:"peak_rss_kib"`   // VmHWM after all scenarios
}

// row is one scenario at one concurrency.
type row struct {
	Scenario          string  `json:"scenario"`
	Concurrency       int     `json:"concurrency"`
	Requests          int     `json:"requests"`
	Seconds           float64 `json:"seconds"`
	RequestsPerSecond float64 `json:"requests_per_second"`
	P50Millis         float64 `json:"p50_ms"`
	P99Millis         float64 `json:"p99_ms"`
	Errors            int     `json:"errors"`
	WarmupErrors      int     `json:"warmup_errors"`
	Retries           int64   `json:"retries"` // client-side connection races retried
	ServerCPUMicros   float64 `json:"server_cpu_us_per_request"`
	ClientCPUMicros   float64 `json:"client_cpu_us_per_request"`
	// OtherCores is the CPU other processes of the machine used during the
	// run, in cores: what the servers and the load generator did not get.
	OtherCores float64 `json:"other_processes_cores"`
	FirstError string  `json:"first_error,omitempty"`
}

func (r *report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeMarkdown writes the report as two Markdown tables, servers and
// scenarios, followed by the first error of every row that had one.
func (r *report) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	replicas := "1 replica"
	if r.Replicas > 1 {
		replicas = fmt.Sprintf("%d replicas", r.Replicas)
	}
	fmt.Fprintf(&b, "### detective-local, store %s, %s: %s per run after a %s warm-up\n\n", r.Store, replicas, r.Duration, r.Warmup)
	fmt.Fprintf(&b, "%d CPUs shared by the servers and the load generator, %s %s. "+
		"CPU/req is CPU time (user+system) per request: the servers' summed from /proc, the load generator's from getrusage; "+
		"other processes is the CPU the rest of the machine used meanwhile (from /proc/stat).\n\n",
		r.CPUs, r.GoVersion, r.Platform)

	b.WriteString("| server | exec → first answer | idle RSS | loaded RSS | peak RSS |\n")
	b.WriteString("|---|--:|--:|--:|--:|\n")
	for _, s := range r.Servers {
		fmt.Fprintf(&b, "| %s | %.1f ms | %s | %s | %s |\n", s.Name, s.StartMillis, mib(s.IdleRSSKiB), mib(s.LoadedKiB), mib(s.PeakKiB))
	}
	r.writeStarts(&b)

	b.WriteString("\n| scenario | conc. | requests | req/s | p50 | p99 | errors | retried | server CPU/req | client CPU/req | other processes |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, x := range r.Rows {
		errs := fmt.Sprint(x.Errors)
		if x.WarmupErrors > 0 {
			errs += fmt.Sprintf(" (+%d warm-up)", x.WarmupErrors)
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %.0f | %s | %s | %s | %d | %.0f µs | %.0f µs | %.2f cores |\n",
			x.Scenario, x.Concurrency, x.Requests, x.RequestsPerSecond, ms(x.P50Millis), ms(x.P99Millis),
			errs, x.Retries, x.ServerCPUMicros, x.ClientCPUMicros, x.OtherCores)
	}
	r.writeRatios(&b)
	for _, x := range r.Rows {
		if x.FirstError != "" {
			fmt.Fprintf(&b, "\n%s at concurrency %d, first error: %s\n", x.Scenario, x.Concurrency, x.FirstError)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mib(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }

// ms formats a latency with three significant digits or so: loopback
// latencies span tens of microseconds to hundreds of milliseconds.
func ms(v float64) string {
	switch {
	case v < 1:
		return fmt.Sprintf("%.3f ms", v)
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	case v < 100:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}

// writeRatios compares each get-members row with the bare server's at the
// same concurrency, measured in the same run.
func (r *report) writeRatios(b *strings.Builder) {
	for _, x := range r.Rows {
		if x.Scenario != "get-members" {
			continue
		}
		for _, y := range r.Rows {
			if y.Scenario == bareScenario && y.Concurrency == x.Concurrency && y.RequestsPerSecond > 0 && y.ServerCPUMicros > 0 {
				fmt.Fprintf(b, "\nget-members at concurrency %d: %.0f%% of the bare server's rate, %.2f× its server CPU per request.\n",
					x.Concurrency, 100*x.RequestsPerSecond/y.RequestsPerSecond, x.ServerCPUMicros/y.ServerCPUMicros)
			}
		}
	}
}
