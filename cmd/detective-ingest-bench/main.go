// Command detective-ingest-bench measures the ingest pipeline on
// generated CloudTrail files: records per second per core (process CPU
// time, user + system) for parsing alone, parsing and enrichment, and
// end to end into SQLite and PostgreSQL; the re-ingest of the same file;
// and the peak resident memory of each phase. Each phase runs in a child
// process of its own, so that its CPU time and peak memory are its own.
//
//	detective-ingest-bench --records 500000 [--gzip] [--postgres DSN]
//
// Into PostgreSQL, the process CPU time excludes the server's, which runs
// on the same machine: the figure is the client's cost, and wall-clock
// records/s is printed beside it.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/detective-local/detective-local/internal/ingest/synth"
)

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-phase" {
		if err := runPhase(context.Background(), os.Args[2], os.Args[3:]); err != nil {
			fmt.Fprintln(os.Stderr, "phase:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "detective-ingest-bench:", err)
		os.Exit(1)
	}
}

type options struct {
	records  int
	accounts int
	gzip     bool
	postgres string
	dir      string
	phases   string
	noGeo    bool
	batch    int
	profile  string
}

func run(args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("detective-ingest-bench", flag.ContinueOnError)
	fs.IntVar(&o.records, "records", 500_000, "CloudTrail records in the generated file")
	fs.IntVar(&o.accounts, "accounts", 3, "accounts the records belong to, all in one graph")
	fs.BoolVar(&o.gzip, "gzip", false, "gzip the file, as CloudTrail delivers it")
	fs.StringVar(&o.postgres, "postgres", "", "PostgreSQL DSN to measure too (a schema is created and dropped)")
	fs.StringVar(&o.dir, "dir", "", "directory for the file and the database (default: a temporary one, removed)")
	fs.StringVar(&o.phases, "phases", "parse,enrich,sqlite,postgres", "phases to run")
	fs.BoolVar(&o.noGeo, "no-geo", false, "enrich without geolocation databases")
	fs.IntVar(&o.batch, "batch", 0, "records per transaction (0: the pipeline's default)")
	fs.StringVar(&o.profile, "cpuprofile", "", "directory to write each phase's CPU profile to (PHASE.pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.dir == "" {
		dir, err := os.MkdirTemp("", "detective-ingest-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.dir = dir
	}
	file, size, err := writeFile(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "file: %s, %d records, %.1f MB\n", filepath.Base(file), o.records, float64(size)/1e6)
	geoArgs := []string{}
	if !o.noGeo {
		city, asn, err := writeGeo(o.dir)
		if err != nil {
			return err
		}
		geoArgs = []string{"-city", city, "-asn", asn}
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\trecords\taccepted\tCPU s\twall s\trecords/s/core\trecords/s wall\tpeak RSS MB\t")
	for _, phase := range strings.Split(o.phases, ",") {
		if phase == "postgres" && o.postgres == "" {
			continue
		}
		args := append([]string{"-file", file, "-accounts", fmt.Sprint(o.accounts), "-dir", o.dir, "-postgres", o.postgres,
			"-batch", fmt.Sprint(o.batch), "-cpuprofile", o.profile}, geoArgs...)
		results, err := child(phase, args)
		if err != nil {
			return fmt.Errorf("%s: %w", phase, err)
		}
		for _, r := range results {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%.2f\t%.0f\t%.0f\t%.0f\t\n", r.Phase, r.Records, r.Accepted, r.CPU, r.Wall,
				float64(r.Records)/r.CPU, float64(r.Records)/r.Wall, float64(r.MaxRSS)/1e6)
		}
	}
	return tw.Flush()
}

// result is one measurement, as a child prints it.
type result struct {
	Phase    string  `json:"phase"`
	Records  int64   `json:"records"`
	Accepted int64   `json:"accepted"`
	CPU      float64 `json:"cpu"`  // seconds, user + system
	Wall     float64 `json:"wall"` // seconds
	MaxRSS   int64   `json:"maxRss"`
}

// child runs one phase in a new process and returns what it measured.
func child(phase string, args []string) ([]result, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, append([]string{"-phase", phase}, args...)...)
	cmd.Stderr = os.Stderr
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		return nil, err
	}
	var rs []result
	dec := json.NewDecoder(&stdout)
	for dec.More() {
		var r result
		if err := dec.Decode(&r); err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// writeFile generates the CloudTrail file the phases read.
func writeFile(o options) (string, int64, error) {
	name := filepath.Join(o.dir, "cloudtrail.json")
	if o.gzip {
		name += ".gz"
	}
	f, err := os.Create(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	var w io.Writer = f
	var zw *gzip.Writer
	if o.gzip {
		zw = gzip.NewWriter(f)
		w = zw
	}
	accounts := make([]string, o.accounts)
	for i := range accounts {
		accounts[i] = fmt.Sprintf("%012d", 111111111111*(i+1))
	}
	// A busy organization's trail: 100 events a second, ending now.
	step := 10 * time.Millisecond
	g := synth.New(synth.CloudTrail{Accounts: accounts, Start: time.Now().UTC().Add(-time.Duration(o.records) * step), Step: step})
	if err := g.WriteFile(w, 0, o.records); err != nil {
		return "", 0, err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return "", 0, err
		}
	}
	st, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	return name, st.Size(), f.Close()
}
