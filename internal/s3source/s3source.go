// Package s3source ingests log objects from S3 buckets (AWS or any
// S3-compatible store) with aws-sdk-go-v2's S3 client: it lists each
// bucket/prefix, reads account, region and format from AWS's delivery
// layout (package awslogs), streams each object it has not ingested yet
// into the pipeline, and checkpoints it in the store once its ingest has
// finished. Replicas claim objects through the store, so no object is
// ingested by two at once; an object whose ingest was cut short by a crash
// is claimed again once its lease expires, and ingested again, which adds
// nothing twice (ingest is idempotent by record).
//
// It imports checkpoint, awslogs, ingest and the S3 client; never a
// concrete store and never net/http's server side.
package s3source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/detective-local/detective-local/internal/awslogs"
	"github.com/detective-local/detective-local/internal/checkpoint"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/format"
)

// DefaultLease is how long a claim on an object lasts without renewal: a
// replica that dies mid-object holds it up this long. Claims are renewed
// every third of it while an object is read.
const DefaultLease = 2 * time.Minute

// Ingester is the pipeline as the source uses it.
type Ingester interface {
	// Ingest reads r into the behavior graphs. An unknown or undetectable
	// format is an error satisfying errors.As(err, **ingest.FormatError).
	Ingest(ctx context.Context, r io.Reader, req ingest.Request) (ingest.Result, error)
}

// Client is the part of the S3 client the source uses; *s3.Client has it.
type Client interface {
	s3.ListObjectsV2APIClient
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Location is one bucket and key prefix to read.
type Location struct {
	Bucket, Prefix string
}

func (l Location) String() string { return "s3://" + l.Bucket + "/" + l.Prefix }

// ParseLocation reads an s3://bucket/prefix URI; the prefix may be empty.
func ParseLocation(s string) (Location, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return Location{}, fmt.Errorf("%q is not an s3://bucket/prefix URI", s)
	}
	return Location{Bucket: u.Host, Prefix: strings.TrimPrefix(u.Path, "/")}, nil
}

// Config is what a Source reads with.
type Config struct {
	Locations   []Location
	Client      Client
	Ingester    Ingester
	Checkpoints checkpoint.Store
	Owner       string        // this replica's name in claims; unique per process
	Lease       time.Duration // DefaultLease when 0
	Now         func() time.Time
	Log         *slog.Logger
}

// Source polls its locations.
type Source struct {
	cfg Config
}

// New returns a Source over cfg.
func New(cfg Config) *Source {
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	return &Source{cfg: cfg}
}

// Summary counts what one poll did.
type Summary struct {
	Listed   int // objects listed that hold logs
	Ingested int // objects ingested and checkpointed by this poll
	Finished int // objects checkpointed before (by any replica)
	Claimed  int // objects another replica is ingesting
	Failed   int // objects whose ingest failed; retried at the next poll
	Records  int64
	Accepted int64
}

// Run polls at once and then every interval until ctx ends.
func (s *Source) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		sum, err := s.Poll(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.cfg.Log.Error("S3 poll failed", slog.Any("err", err))
		case sum.Ingested > 0 || sum.Failed > 0:
			s.cfg.Log.Info("S3 poll", slog.Int("listed", sum.Listed), slog.Int("ingested", sum.Ingested),
				slog.Int("failed", sum.Failed), slog.Int64("records", sum.Records), slog.Int64("accepted", sum.Accepted))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Poll lists every location once and ingests what is new. A failed object
// is logged, released and counted; an error is returned only when a
// listing or the store fails.
func (s *Source) Poll(ctx context.Context) (Summary, error) {
	var sum Summary
	for _, loc := range s.cfg.Locations {
		p := s3.NewListObjectsV2Paginator(s.cfg.Client, &s3.ListObjectsV2Input{
			Bucket: aws.String(loc.Bucket), Prefix: aws.String(loc.Prefix)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return sum, fmt.Errorf("list %s: %w", loc, err)
			}
			if err := s.page(ctx, loc.Bucket, page.Contents, &sum); err != nil {
				return sum, err
			}
		}
	}
	return sum, nil
}

// page ingests the objects of one listing page that no replica has
// finished.
func (s *Source) page(ctx context.Context, bucket string, contents []types.Object, sum *Summary) error {
	var objs []checkpoint.Object
	for _, c := range contents {
		key := aws.ToString(c.Key)
		if loc := awslogs.ParseKey(key); loc.NotLog != "" || (loc.Format == "" && !awslogs.LogLike(key)) {
			continue
		}
		objs = append(objs, checkpoint.Object{Bucket: bucket, Key: key,
			ETag: strings.Trim(aws.ToString(c.ETag), `"`), Size: aws.ToInt64(c.Size)})
	}
	if len(objs) == 0 {
		return nil
	}
	sum.Listed += len(objs)
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = o.Key
	}
	done, err := s.cfg.Checkpoints.FinishedObjects(ctx, bucket, keys)
	if err != nil {
		return err
	}
	finished := make(map[[2]string]bool, len(done))
	for _, c := range done {
		finished[[2]string{c.Key, c.ETag}] = true
	}
	for _, o := range objs {
		if finished[[2]string{o.Key, o.ETag}] {
			sum.Finished++
			continue
		}
		if err := s.object(ctx, o, sum); err != nil {
			return err
		}
	}
	return nil
}

// object claims o and ingests it. Only a store failure is returned; a
// failed ingest is logged and counted.
func (s *Source) object(ctx context.Context, o checkpoint.Object, sum *Summary) error {
	now := s.cfg.Now()
	ok, err := s.cfg.Checkpoints.ClaimObject(ctx, o, s.cfg.Owner, now, now.Add(s.cfg.Lease))
	if err != nil {
		return err
	}
	if !ok {
		sum.Claimed++
		return nil
	}
	res, err := s.ingest(ctx, o)
	var (
		fe   *ingest.FormatError
		bomb *format.LimitError
	)
	switch {
	case errors.As(err, &fe) || errors.As(err, &bomb):
		// The object will never read better: checkpoint it, so that it is
		// not fetched at every poll, and say why. Records read before a
		// decompression limit stay ingested.
		s.cfg.Log.Warn("S3 object cannot be read; it is skipped", slog.String("object", uri(o)), slog.Any("reason", err))
	case err != nil:
		sum.Failed++
		s.cfg.Log.Error("S3 object ingest failed; it is retried at the next poll", slog.String("object", uri(o)), slog.Any("err", err))
		// A fresh context: ctx may be what ended the ingest.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return s.cfg.Checkpoints.ReleaseObject(rctx, o, s.cfg.Owner)
	}
	ok, err = s.cfg.Checkpoints.FinishObject(ctx, o, s.cfg.Owner,
		checkpoint.Counts{Records: res.Records, Accepted: res.Accepted, Bytes: res.Bytes}, s.cfg.Now())
	if err != nil {
		return err
	}
	if ok {
		sum.Ingested++
		sum.Records += res.Records
		sum.Accepted += res.Accepted
	}
	return nil
}

// ingest streams o into the pipeline, renewing the claim while it reads.
func (s *Source) ingest(ctx context.Context, o checkpoint.Object) (ingest.Result, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go s.renew(ctx, cancel, o)
	out, err := s.cfg.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(o.Key)})
	if err != nil {
		return ingest.Result{}, fmt.Errorf("get: %w", err)
	}
	defer out.Body.Close()
	loc := awslogs.ParseKey(o.Key)
	res, err := s.cfg.Ingester.Ingest(ctx, out.Body, ingest.Request{
		Format: format.Format(loc.Format), Region: loc.Region, Account: loc.Account, Source: uri(o)})
	if cause := context.Cause(ctx); err != nil && cause != nil {
		err = errors.Join(err, cause)
	}
	return res, err
}

var errLostClaim = errors.New("the claim on the object expired and another replica took it")

// renew extends the claim on o every third of the lease until ctx ends,
// and cancels the ingest if the claim is lost.
func (s *Source) renew(ctx context.Context, cancel context.CancelCauseFunc, o checkpoint.Object) {
	t := time.NewTicker(s.cfg.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ok, err := s.cfg.Checkpoints.RenewObjectClaim(ctx, o, s.cfg.Owner, s.cfg.Now().Add(s.cfg.Lease))
			if err == nil && !ok {
				cancel(errLostClaim)
				return
			}
			if err != nil && ctx.Err() == nil {
				s.cfg.Log.Warn("renewing an S3 object claim failed", slog.String("object", uri(o)), slog.Any("err", err))
			}
		}
	}
}

func uri(o checkpoint.Object) string { return "s3://" + o.Bucket + "/" + o.Key }
