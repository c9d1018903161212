package metrics

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func mustScrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", Path, nil))
	b, err := io.ReadAll(rec.Result().Body)
	if err != nil || rec.Code != 200 {
		t.Fatalf("scrape = %d, %v", rec.Code, err)
	}
	return string(b)
}

func TestMetricsExposition(t *testing.T) {
	t.Parallel()
	m := New(Gauges{
		Backlog:        func(context.Context) (map[string]int, error) { return map[string]int{"jobA": 4}, nil },
		Investigations: func(context.Context) (map[string]int, error) { return nil, errors.New("store down") },
	})
	m.Request("detective", "ListGraphs", 200, 3*time.Millisecond)
	m.Request("detective", "", 404, time.Millisecond)
	m.StoreError("write")
	m.StoreError("write")
	m.Ingested("cloudtrail", "stored", 10, 2048)
	m.Ingested("cloudtrail", "duplicate", 2, 100)
	body := mustScrape(t, m)
	tests := []struct {
		name, want string
		present    bool
	}{
		{"request by operation", `detective_requests_total{operation="ListGraphs",service="detective",status="200"} 1`, true},
		{"unknown operation under one label", `detective_requests_total{operation="unknown",service="detective",status="404"} 1`, true},
		{"latency in its bucket", `detective_request_duration_seconds_bucket{operation="ListGraphs",service="detective",le="0.005"} 1`, true},
		{"store errors", `detective_store_errors_total{kind="write"} 2`, true},
		{"ingested records", `detective_ingest_records_total{format="cloudtrail",outcome="stored"} 10`, true},
		{"ingested bytes", `detective_ingest_bytes_total{format="cloudtrail",outcome="duplicate"} 100`, true},
		{"backlog gauge", `detective_job_backlog{job="jobA"} 4`, true},
		{"a failed gauge read is absent, not zero", `detective_investigations{`, false},
		{"runtime metrics", "\ngo_goroutines ", true},
		{"process metrics", "\nprocess_start_time_seconds ", true},
		{"runtime metrics described", "# TYPE go_gc_duration_seconds summary", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Contains(body, tc.want); got != tc.present {
				t.Errorf("scrape contains %q = %v, want %v", tc.want, got, tc.present)
			}
		})
	}
}

// TestMetricsApart: two servers in one process count apart.
func TestMetricsApart(t *testing.T) {
	t.Parallel()
	a, b := New(Gauges{}), New(Gauges{})
	a.Request("sts", "GetCallerIdentity", 200, time.Millisecond)
	if strings.Contains(mustScrape(t, b), "GetCallerIdentity") {
		t.Error("a request counted by one Metrics shows in another")
	}
}

// TestMetricsRepeated: a series counted again (from its cached counter)
// adds to the same series, and another status is a series of its own.
func TestMetricsRepeated(t *testing.T) {
	t.Parallel()
	m := New(Gauges{})
	for range 3 {
		m.Request("detective", "GetMembers", 200, time.Millisecond)
	}
	m.Request("detective", "GetMembers", 400, time.Millisecond)
	body := mustScrape(t, m)
	for _, want := range []string{
		`detective_requests_total{operation="GetMembers",service="detective",status="200"} 3`,
		`detective_requests_total{operation="GetMembers",service="detective",status="400"} 1`,
		`detective_request_duration_seconds_count{operation="GetMembers",service="detective"} 4`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

// BenchmarkRequest is the cost of counting one answered request.
func BenchmarkRequest(b *testing.B) {
	m := New(Gauges{})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Request("detective", "GetMembers", 200, time.Millisecond)
		}
	})
}
