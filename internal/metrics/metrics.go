// Package metrics is the server's Prometheus metrics: requests by service,
// operation and status with their latency, store failures, ingested
// records and bytes by format and outcome, and gauges read at scrape time
// (job backlogs, investigations by status). It is served in the Prometheus
// text format at /_detective/metrics.
//
// It knows nothing of the domain: the wiring (internal/app) tells it what
// happened and hands it the functions that read the gauges. Imports: the
// standard library and the Prometheus Go client only.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Path is where the metrics are served.
const Path = "/_detective/metrics"

// Metrics holds one server's metrics in a registry of its own (never
// Prometheus's global one), so that two servers in one process, as tests
// start them, count apart.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	storeErrors *prometheus.CounterVec
	records     *prometheus.CounterVec
	bytes       *prometheus.CounterVec
	// series caches each request series' counter and histogram, keyed
	// by seriesKey: looking both up by their label values (hashing them,
	// and formatting the status) cost more than counting.
	series sync.Map
}

// seriesKey names one request series: the label values of a counter and
// its histogram.
type seriesKey struct {
	service, operation string
	status             int
}

// requestSeries is one request series' counter and histogram.
type requestSeries struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

// Gauges are read when metrics are scraped, each bounded by a timeout so
// that a slow store cannot hang the scrape. A nil function is left out.
type Gauges struct {
	// Backlog returns, per job, the work waiting for it.
	Backlog func(ctx context.Context) (map[string]int, error)
	// Investigations returns the number of investigations per status.
	Investigations func(ctx context.Context) (map[string]int, error)
	// Log receives failures to read a gauge; nil discards them.
	Log *slog.Logger
}

// New returns the metrics of one server, with the Go runtime's and the
// process's own.
func New(g Gauges) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "detective_requests_total",
			Help: "Requests answered, by service, operation and HTTP status.",
		}, []string{"service", "operation", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "detective_request_duration_seconds",
			Help: "Time from a request's arrival to its answer, by service and operation.",
			// From a fast local read (~0.5 ms) to a slow PostgreSQL write.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"service", "operation"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "detective_store_errors_total",
			Help: "Store transactions that failed for a reason other than the domain's rules, by kind (read or write).",
		}, []string{"kind"}),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "detective_ingest_records_total",
			Help: "Log records ingested, by format and outcome (stored, duplicate, skipped, rejected).",
		}, []string{"format", "outcome"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "detective_ingest_bytes_total",
			Help: "Raw bytes of ingested log records, by format and outcome.",
		}, []string{"format", "outcome"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.storeErrors, m.records, m.bytes,
		runtimeCollector{sync.OnceValue(func() []prometheus.Collector {
			return []prometheus.Collector{collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})}
		})})
	if g.Backlog != nil {
		m.reg.MustRegister(&gaugeSet{desc: prometheus.NewDesc("detective_job_backlog",
			"Work waiting for each periodic job.", []string{"job"}, nil), read: g.Backlog, log: g.Log})
	}
	if g.Investigations != nil {
		m.reg.MustRegister(&gaugeSet{desc: prometheus.NewDesc("detective_investigations",
			"Investigations by status.", []string{"status"}, nil), read: g.Investigations, log: g.Log})
	}
	return m
}

// runtimeCollector is the Go runtime's and the process's collectors,
// built on the first scrape: building them (a description of every
// runtime metric) took two thirds of New's time, on every start. It
// describes nothing, which makes it an unchecked collector: its metrics
// are known once built, and are checked as they are gathered.
type runtimeCollector struct {
	collectors func() []prometheus.Collector
}

func (runtimeCollector) Describe(chan<- *prometheus.Desc) {}

func (c runtimeCollector) Collect(ch chan<- prometheus.Metric) {
	for _, col := range c.collectors() {
		col.Collect(ch)
	}
}

// Request counts one answered request.
func (m *Metrics) Request(service, operation string, status int, elapsed time.Duration) {
	if operation == "" {
		// A path no operation serves: one label for all of them, so that
		// scanners cannot grow the series without bound.
		operation = "unknown"
	}
	key := seriesKey{service, operation, status}
	v, ok := m.series.Load(key)
	if !ok {
		// The labels are bounded (services, operations, statuses), so
		// the cache is too.
		v, _ = m.series.LoadOrStore(key, &requestSeries{
			count:   m.requests.WithLabelValues(service, operation, strconv.Itoa(status)),
			latency: m.latency.WithLabelValues(service, operation),
		})
	}
	rs := v.(*requestSeries)
	rs.count.Inc()
	rs.latency.Observe(elapsed.Seconds())
}

// StoreError counts a store transaction that failed; kind is "read" or
// "write".
func (m *Metrics) StoreError(kind string) { m.storeErrors.WithLabelValues(kind).Inc() }

// Ingested counts records and their raw bytes of one format with one
// outcome.
func (m *Metrics) Ingested(format, outcome string, records, bytes int64) {
	m.records.WithLabelValues(format, outcome).Add(float64(records))
	m.bytes.WithLabelValues(format, outcome).Add(float64(bytes))
}

// Handler serves the metrics in the Prometheus text format (or
// OpenMetrics, when the scraper asks for it).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
