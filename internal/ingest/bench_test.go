package ingest_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/synth"
)

const benchRecords = 20_000

// mustCloudTrail returns a CloudTrail file of n generated records of
// admin, distinct for each run.
func mustCloudTrail(tb testing.TB, n int, run string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := synth.New(synth.CloudTrail{Accounts: []string{admin}, Start: eventTime.Add(-24 * 60 * 60 * 1e9), Run: run}).WriteFile(&buf, 0, n); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkIngestSQLite is the first ingest of a file, end to end: parse,
// route, enrich, aggregate and commit into SQLite.
func BenchmarkIngestSQLite(b *testing.B) {
	w := mustWorld(b)
	p := w.pipeline(ingest.Config{Geo: fakeGeo{}})
	files := make([][]byte, 0, 8)
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if i >= len(files) {
			files = append(files, mustCloudTrail(b, benchRecords, fmt.Sprint(i)))
		}
		b.StartTimer()
		res, err := p.Ingest(b.Context(), bytes.NewReader(files[i]), ingest.Request{})
		if err != nil || res.Accepted != benchRecords {
			b.Fatalf("Ingest = %+v, %v", res.Accepted, err)
		}
	}
	b.ReportMetric(float64(b.N*benchRecords)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkReingestSQLite is the ingest of a file already ingested.
func BenchmarkReingestSQLite(b *testing.B) {
	w := mustWorld(b)
	p := w.pipeline(ingest.Config{Geo: fakeGeo{}})
	file := mustCloudTrail(b, benchRecords, "once")
	if _, err := p.Ingest(b.Context(), bytes.NewReader(file), ingest.Request{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := p.Ingest(b.Context(), bytes.NewReader(file), ingest.Request{})
		if err != nil || res.Accepted != 0 {
			b.Fatalf("Ingest = %+v, %v", res.Accepted, err)
		}
	}
	b.ReportMetric(float64(b.N*benchRecords)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkIngestBatchSize measures BenchmarkIngestSQLite's first ingest
// at several batch sizes.
func BenchmarkIngestBatchSize(b *testing.B) {
	for _, size := range []int{1024, 4096, 16384} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			w := mustWorld(b)
			p := w.pipeline(ingest.Config{Geo: fakeGeo{}, BatchSize: size})
			var files [][]byte
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				if i >= len(files) {
					files = append(files, mustCloudTrail(b, benchRecords, fmt.Sprint(i)))
				}
				b.StartTimer()
				if _, err := p.Ingest(b.Context(), bytes.NewReader(files[i]), ingest.Request{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*benchRecords)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
