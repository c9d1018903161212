package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/detective-local/detective-local/internal/ingest"
)

// ingestSummary adds up the answers for every file.
type ingestSummary struct {
	Files  int
	Failed int
	ingest.Result
	FailedFiles []string // "path: why"
}

// maxSummaryErrors is how many malformed records the summary lists, as
// the endpoint does per file.
const maxSummaryErrors = 100

func (s *ingestSummary) add(f logFile, res ingest.Result, err error) {
	s.Files++
	if err != nil {
		s.Failed++
		s.FailedFiles = append(s.FailedFiles, f.Path+": "+err.Error())
		return
	}
	s.Records += res.Records
	s.Accepted += res.Accepted
	s.Bytes += res.Bytes
	s.Graphs = addCounts(s.Graphs, res.Graphs)
	s.Skipped = addCounts(s.Skipped, res.Skipped)
	for _, e := range res.Errors {
		if len(s.Errors) == maxSummaryErrors {
			break
		}
		e.Message = f.Path + ": " + e.Message
		s.Errors = append(s.Errors, e)
	}
}

func addCounts(to, from map[string]int64) map[string]int64 {
	if to == nil {
		to = map[string]int64{}
	}
	for k, v := range from {
		to[k] += v
	}
	return to
}

// print writes the summary as text, or as JSON in the endpoint's shape
// plus the file counts.
func (s *ingestSummary) print(w io.Writer, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(struct {
			Files       int      `json:"files"`
			Failed      int      `json:"failed"`
			FailedFiles []string `json:"failedFiles"`
			ingest.Result
		}{s.Files, s.Failed, s.FailedFiles, normalizedResult(s.Result)})
	}
	fmt.Fprintf(w, "%d files (%d failed): %d records read, %d accepted, %s\n",
		s.Files, s.Failed, s.Records, s.Accepted, humanize.IBytes(uint64(s.Bytes)))
	for _, g := range slices.Sorted(maps.Keys(s.Graphs)) {
		fmt.Fprintf(w, "  graph %s: %d accepted\n", g, s.Graphs[g])
	}
	for _, r := range slices.Sorted(maps.Keys(s.Skipped)) {
		fmt.Fprintf(w, "  skipped %s: %d\n", r, s.Skipped[r])
	}
	for _, e := range s.Errors {
		fmt.Fprintf(w, "  malformed %s\n", recordErrorText(e))
	}
	for _, f := range s.FailedFiles {
		fmt.Fprintf(w, "  failed %s\n", f)
	}
	return nil
}

func recordErrorText(e ingest.RecordError) string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("(line %d) %s", e.Line, e.Message)
	case e.Record > 0:
		return fmt.Sprintf("(record %d) %s", e.Record, e.Message)
	}
	return e.Message
}

func normalizedResult(r ingest.Result) ingest.Result {
	r.Graphs = addCounts(r.Graphs, nil)
	r.Skipped = addCounts(r.Skipped, nil)
	if r.Errors == nil {
		r.Errors = []ingest.RecordError{}
	}
	return r
}

// progress shows the files going by.
type progress interface {
	start(f logFile)
	reader(r io.Reader) io.Reader // counts the bytes of the current file as they are sent
	done(f logFile, res ingest.Result, err error)
	finish()
}

// newProgress returns a bar on a terminal and one line per file otherwise.
func newProgress(w io.Writer, files []logFile) progress {
	var total int64
	for _, f := range files {
		total += f.Size
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return newBarProgress(f, total, len(files))
	}
	return &lineProgress{w: w, begin: time.Now()}
}

// barProgress is a byte bar over all files, with records/s so far in its
// description; the rate and ETA are the bar's own, in bytes.
type barProgress struct {
	w       io.Writer
	bar     *progressbar.ProgressBar
	files   int
	n       int
	records int64
	begin   time.Time
}

func newBarProgress(w io.Writer, total int64, files int) *barProgress {
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionFullWidth(),
		progressbar.OptionSetRenderBlankState(true),
	)
	return &barProgress{w: w, bar: bar, files: files, begin: time.Now()}
}

func (p *barProgress) start(f logFile) {
	p.n++
	p.describe()
}

// describe shows the records counted so far: the server answers a file's
// count when the file has been read, so it moves file by file.
func (p *barProgress) describe() {
	p.bar.Describe(fmt.Sprintf("file %d/%d, %d records (%.0f records/s)", p.n, p.files, p.records, rate(p.records, p.begin)))
}

func (p *barProgress) reader(r io.Reader) io.Reader { return io.TeeReader(r, p.bar) }

func (p *barProgress) done(f logFile, res ingest.Result, err error) {
	p.records += res.Records
	p.describe()
	if err != nil {
		// Above the bar, so that it stays in the scrollback.
		_ = p.bar.Clear()
		fmt.Fprintf(p.w, "%s: failed: %v\n", f.Path, err)
	}
}

func (p *barProgress) finish() {
	_ = p.bar.Finish()
	fmt.Fprintln(p.w) // the summary starts on a line of its own
}

// lineProgress writes one line per file.
type lineProgress struct {
	w       io.Writer
	begin   time.Time
	records int64
	fileAt  time.Time
}

func (p *lineProgress) start(logFile) { p.fileAt = time.Now() }

func (p *lineProgress) reader(r io.Reader) io.Reader { return r }

func (p *lineProgress) done(f logFile, res ingest.Result, err error) {
	if err != nil {
		fmt.Fprintf(p.w, "%s: failed: %v\n", f.Path, err)
		return
	}
	p.records += res.Records
	fmt.Fprintf(p.w, "%s: %d records, %d accepted, %d skipped, %d errors, %s, %.0f records/s\n",
		f.Path, res.Records, res.Accepted, sum(res.Skipped), len(res.Errors), humanize.IBytes(uint64(res.Bytes)), rate(res.Records, p.fileAt))
}

func (p *lineProgress) finish() {}

func rate(records int64, since time.Time) float64 {
	d := time.Since(since).Seconds()
	if d <= 0 {
		return 0
	}
	return float64(records) / d
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}
