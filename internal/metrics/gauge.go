package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// gaugeTimeout bounds each gauge read of a scrape.
const gaugeTimeout = 2 * time.Second

// gaugeSet is one labelled gauge whose values are read at scrape time,
// rather than kept up to date in memory: the store is the truth, and
// several replicas share it.
type gaugeSet struct {
	desc *prometheus.Desc
	read func(context.Context) (map[string]int, error)
	log  *slog.Logger
}

func (g *gaugeSet) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g *gaugeSet) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), gaugeTimeout)
	defer cancel()
	values, err := g.read(ctx)
	if err != nil {
		// A failed read leaves the gauge out of this scrape, which
		// Prometheus shows as absent rather than as a wrong zero.
		if g.log != nil {
			g.log.Warn("metrics: reading a gauge failed", slog.String("gauge", g.desc.String()), slog.Any("err", err))
		}
		return
	}
	for label, v := range values {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(v), label)
	}
}
