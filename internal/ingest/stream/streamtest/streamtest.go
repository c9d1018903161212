// Package streamtest is test support for log decoders: a Sink that
// records what it is given, golden-file comparison of that, the
// invariants every decoded Record must hold, and the golden and fuzz
// tests every decoder runs over its samples. Imported only from
// _test.go files.
//
// Imports: stdlib, internal/behavior and internal/ingest/stream.
package streamtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/ingest/stream"
)

// Recorder is a stream.Sink that keeps every call in order.
type Recorder struct {
	Entries []Entry
	// Fail, when set, is returned by Record to stop decoding.
	Fail error
}

// Entry is one call to the Sink: exactly one field is set.
type Entry struct {
	Record    *RecordView `json:"record,omitempty"`
	Malformed *Note       `json:"malformed,omitempty"`
	Skipped   *Note       `json:"skipped,omitempty"`
}

// Note is a malformed or skipped record's position and error or reason.
type Note struct {
	Line   int64  `json:"line,omitempty"`
	Record int64  `json:"record"`
	Text   string `json:"text"`
}

// RecordView is a Record as golden files show it: raw JSON members as
// JSON rather than base64, absent payloads left out.
type RecordView struct {
	behavior.Record
	API     *apiView           `json:",omitempty"`
	Flow    *behavior.Flow     `json:",omitempty"`
	Finding *behavior.Finding  `json:",omitempty"`
	K8s     *behavior.K8sEvent `json:",omitempty"`
}

type apiView struct {
	*behavior.APICall
	RequestParameters json.RawMessage `json:",omitempty"`
	ResponseElements  json.RawMessage `json:",omitempty"`
}

// Record keeps r.
func (s *Recorder) Record(r behavior.Record) error {
	if s.Fail != nil {
		return s.Fail
	}
	v := &RecordView{Record: r, Flow: r.Flow, Finding: r.Finding, K8s: r.K8s}
	if r.API != nil {
		v.API = &apiView{APICall: r.API, RequestParameters: r.API.RequestParameters, ResponseElements: r.API.ResponseElements}
	}
	s.Entries = append(s.Entries, Entry{Record: v})
	return nil
}

// Malformed keeps the position and error text.
func (s *Recorder) Malformed(pos stream.Position, err error) {
	s.Entries = append(s.Entries, Entry{Malformed: &Note{Line: pos.Line, Record: pos.Record, Text: err.Error()}})
}

// Skipped keeps the position and reason.
func (s *Recorder) Skipped(pos stream.Position, reason string) {
	s.Entries = append(s.Entries, Entry{Skipped: &Note{Line: pos.Line, Record: pos.Record, Text: reason}})
}

// Records returns the records kept, in order.
func (s *Recorder) Records() []behavior.Record {
	var rs []behavior.Record
	for _, e := range s.Entries {
		if e.Record != nil {
			rs = append(rs, e.Record.Record)
		}
	}
	return rs
}

// Count returns how many records, malformed and skipped entries were kept.
func (s *Recorder) Count() (records, malformed, skipped int) {
	for _, e := range s.Entries {
		switch {
		case e.Record != nil:
			records++
		case e.Malformed != nil:
			malformed++
		default:
			skipped++
		}
	}
	return records, malformed, skipped
}

// Golden compares what s kept with the golden file at path, or writes
// the file when update is set.
func (s *Recorder) Golden(tb testing.TB, path string, update bool) {
	tb.Helper()
	got, err := json.MarshalIndent(s.Entries, "", "  ")
	if err != nil {
		tb.Fatalf("marshal entries: %v", err)
	}
	got = append(got, '\n')
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("decoded output differs from %s (run with -update after checking):\n%s", path, lineDiff(want, got))
	}
}

// lineDiff shows the first differing line of two texts, enough to find
// the change; the golden file has the rest.
func lineDiff(want, got []byte) string {
	w, g := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl []byte
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if !bytes.Equal(wl, gl) {
			return fmt.Sprintf("line %d:\n  want %s\n  got  %s", i+1, wl, gl)
		}
	}
	return "(no line differs)"
}

// Check reports whether r holds what every decoded record must: a key,
// an event time, a size that is not negative, and the payload its Kind
// names.
func Check(r behavior.Record) error {
	switch {
	case r.Key == "":
		return fmt.Errorf("record has no Key: %+v", r)
	case r.Time.IsZero():
		return fmt.Errorf("record %s has no Time", r.Key)
	case r.Size < 0:
		return fmt.Errorf("record %s has Size %d", r.Key, r.Size)
	case r.Package == "":
		return fmt.Errorf("record %s has no Package", r.Key)
	}
	var ok bool
	switch r.Kind {
	case behavior.KindAPICall:
		ok = r.API != nil
	case behavior.KindFlow:
		ok = r.Flow != nil
	case behavior.KindFinding:
		ok = r.Finding != nil
	case behavior.KindK8s:
		ok = r.K8s != nil
	}
	if !ok {
		return fmt.Errorf("record %s: Kind %d without its payload", r.Key, r.Kind)
	}
	return nil
}

// CheckSink is a stream.Sink for fuzzing: every record must pass Check,
// and malformed reports must carry an error.
type CheckSink struct{ TB testing.TB }

// Record fails the test when r breaks an invariant.
func (s CheckSink) Record(r behavior.Record) error {
	if err := Check(r); err != nil {
		s.TB.Error(err)
	}
	return nil
}

// Malformed fails the test when err is nil.
func (s CheckSink) Malformed(pos stream.Position, err error) {
	if err == nil {
		s.TB.Errorf("Malformed(%+v, nil)", pos)
	}
}

// Skipped fails the test when reason is empty.
func (s CheckSink) Skipped(pos stream.Position, reason string) {
	if reason == "" {
		s.TB.Errorf("Skipped(%+v, \"\")", pos)
	}
}

// Decoder is the signature every log decoder under internal/ingest has.
type Decoder func(ctx context.Context, r io.Reader, opts stream.Options, sink stream.Sink) error

// Decode runs decode over in and returns what it gave the sink. An
// error from decode fails tb: the inputs tests give are whole files.
func Decode(tb testing.TB, decode Decoder, in []byte, opts stream.Options) *Recorder {
	tb.Helper()
	var rec Recorder
	if err := decode(context.Background(), bytes.NewReader(in), opts, &rec); err != nil {
		tb.Fatalf("Decode: %v", err)
	}
	return &rec
}

// DecodeFile is Decode of the file at path.
func DecodeFile(tb testing.TB, decode Decoder, path string, opts stream.Options) *Recorder {
	tb.Helper()
	return Decode(tb, decode, ReadFile(tb, path), opts)
}

// ReadFile returns the content of the file at path, failing tb when it
// cannot be read.
func ReadFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Samples returns the files in testdata that match any of patterns,
// failing tb when there are none: a decoder with no samples is not
// tested at all.
func Samples(tb testing.TB, patterns ...string) []string {
	tb.Helper()
	var paths []string
	for _, pattern := range patterns {
		m, err := filepath.Glob(filepath.Join("testdata", pattern))
		if err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		tb.Fatal("no samples in testdata")
	}
	return paths
}

// RunGolden decodes each sample with opts in a parallel subtest, checks
// every record with Check, and compares the Recorder's entries with the
// golden file named like the sample with the extension .golden (or
// rewrites it when update is set).
func RunGolden(t *testing.T, decode Decoder, samples []string, opts stream.Options, update bool) {
	t.Helper()
	for _, path := range samples {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			rec := DecodeFile(t, decode, path, opts)
			for _, r := range rec.Records() {
				if err := Check(r); err != nil {
					t.Error(err)
				}
			}
			rec.Golden(t, strings.TrimSuffix(path, filepath.Ext(path))+".golden", update)
		})
	}
}

// Fuzz seeds f with the samples and fuzzes decode under a record cap of
// maxRecordBytes: it must never return an error of its own, as
// malformed input goes through Sink.Malformed, and every record it gives
// must pass Check.
func Fuzz(f *testing.F, decode Decoder, samples []string, maxRecordBytes int) {
	f.Helper()
	for _, path := range samples {
		f.Add(ReadFile(f, path))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		opts := stream.Options{MaxRecordBytes: maxRecordBytes}
		if err := decode(context.Background(), bytes.NewReader(in), opts, CheckSink{TB: t}); err != nil {
			t.Errorf("Decode returned %v; malformed input must go through Sink.Malformed", err)
		}
	})
}
