package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/checkpoint"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingestapi"
	"github.com/detective-local/detective-local/internal/metrics"
	"github.com/detective-local/detective-local/internal/s3source"
)

// retentionInterval is how often aggregates older than the retention are
// deleted; whole hours expire, so hourly is enough.
const retentionInterval = time.Hour

// retentionDelay holds the first retention back after start, so that the
// first requests do not wait behind its write transaction, on SQLite's
// one write connection (some 5 % of a start's CPU on a small database,
// more on a large one).
const retentionDelay = 10 * time.Second

// dataPlane is the ingest pipeline with its ways in: the HTTP endpoints
// and, with Config.IngestS3, the S3 source.
type dataPlane struct {
	cfg      Config
	log      *slog.Logger
	pipeline *ingest.Pipeline
	handler  *ingestapi.Handler
	s3       *s3source.Source // nil without --ingest-s3
}

// newDataPlane builds the data plane on store. Both stores keep behavior
// graphs and checkpoints; a store that keeps no behavior graphs (a test
// double of the control plane) gets none: a nil *dataPlane, which routes
// nothing and runs nothing.
func newDataPlane(ctx context.Context, cfg Config, store Store, clock detective.Clock, log *slog.Logger, m *metrics.Metrics) (*dataPlane, error) {
	graphs, ok := store.(behavior.Store)
	if !ok {
		if len(cfg.IngestS3) > 0 {
			return nil, fmt.Errorf("the %T store keeps no behavior graphs to ingest S3 objects into", store)
		}
		return nil, nil
	}
	p := ingest.New(graphs, ingest.Config{Now: clock.Now, Geo: cfg.Geo, Retention: cfg.Retention, VolumeHardLimit: cfg.VolumeHardLimit})
	counted := countedIngester{p: p, m: m}
	d := &dataPlane{cfg: cfg, log: log, pipeline: p,
		handler: ingestapi.New(ingestapi.Config{Ingester: counted, Profiler: p, MaxBytes: cfg.IngestMaxBytes, Now: clock.Now, Log: log})}
	if len(cfg.IngestS3) == 0 {
		return d, nil
	}
	cps, ok := store.(checkpoint.Store)
	if !ok {
		return nil, fmt.Errorf("the %T store keeps no ingest checkpoints", store)
	}
	client, err := newS3Client(ctx, cfg.IngestS3Endpoint)
	if err != nil {
		return nil, err
	}
	d.s3 = s3source.New(s3source.Config{Locations: cfg.IngestS3, Client: client, Ingester: counted, Checkpoints: cps,
		Owner: replicaName(), Now: clock.Now, Log: log})
	return d, nil
}

// ingestPipeline is the pipeline every way in feeds, or nil without one.
func (d *dataPlane) ingestPipeline() *ingest.Pipeline {
	if d == nil {
		return nil
	}
	return d.pipeline
}

// route returns a handler that serves the data plane's endpoints and hands
// every other operator path to operator.
func (d *dataPlane) route(operator http.Handler) http.Handler {
	if d == nil {
		return operator
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ingestapi.Serves(r.URL.Path) {
			d.handler.ServeHTTP(w, r)
			return
		}
		operator.ServeHTTP(w, r)
	})
}

// run starts the data plane's periodic work until ctx ends.
func (d *dataPlane) run(ctx context.Context) {
	if d == nil {
		return
	}
	go func() {
		t := time.NewTimer(retentionDelay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		d.pipeline.RetainEvery(ctx, retentionInterval, func(err error) {
			d.log.Error("periodic job failed", slog.String("job", "behavior retention"), slog.Any("err", err))
		})
	}()
	if d.s3 != nil {
		go d.s3.Run(ctx, d.cfg.IngestS3Interval)
	}
}

// newS3Client is an S3 client configured as the AWS SDKs are (environment,
// shared config files, instance roles), pointed at endpoint when it is
// set: an S3-compatible store, addressed path-style.
func newS3Client(ctx context.Context, endpoint string) (*s3.Client, error) {
	ac, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("S3 source: AWS configuration: %w", err)
	}
	if ac.Region == "" {
		ac.Region = "us-east-1" // a bucket's own region is found by redirect
	}
	return s3.NewFromConfig(ac, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
			// S3-compatible stores vary in the checksums they support;
			// ask for them only where S3 requires them.
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
	}), nil
}

// replicaName names this process in object claims: unique, and readable
// in the database.
func replicaName() string {
	host, _ := os.Hostname() // a name without the host is still unique
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
