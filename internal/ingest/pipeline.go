package ingest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/geo"
	"github.com/detective-local/detective-local/internal/ingest/format"
)

// Request says what a stream is and whose it is.
type Request struct {
	Format format.Format // "" to detect it from the content
	// Region and Account apply to records whose format does not carry
	// them (flow logs, EKS audit events).
	Region, Account string
	Source          string // file name or S3 URI, for messages
}

// Result counts what an ingest did.
type Result struct {
	Records  int64            `json:"records"`  // records read, well-formed or not
	Accepted int64            `json:"accepted"` // records that entered at least one graph
	Bytes    int64            `json:"bytes"`    // bytes read from the stream as given
	Graphs   map[string]int64 `json:"graphs"`   // graph ARN → records it accepted
	Skipped  map[string]int64 `json:"skipped"`  // reason → records
	Errors   []RecordError    `json:"errors"`   // the first MaxErrors malformed records
}

// RecordError is a record that could not be read.
type RecordError struct {
	Record  int64  `json:"record,omitempty"`
	Line    int64  `json:"line,omitempty"`
	Message string `json:"message"`
}

// SkipMalformed counts records that could not be read.
const SkipMalformed = "malformed"

// FormatError is the refusal of a stream whose format is unknown or
// cannot be recognised.
type FormatError struct {
	Format  format.Format   // the format asked for; "" when detection failed
	Formats []format.Format // the formats that are known
	Err     error           // the decoders' reason, if any
}

func (e *FormatError) Error() string {
	what := "unrecognised log format"
	if e.Format != "" {
		what = fmt.Sprintf("unknown log format %q", e.Format)
	}
	names := make([]string, len(e.Formats))
	for i, f := range e.Formats {
		names[i] = string(f)
	}
	return fmt.Sprintf("%s; expected one of %s", what, strings.Join(names, ", "))
}

func (e *FormatError) Unwrap() error { return e.Err }

// Locator enriches addresses: *geo.DB, or a fake in tests.
type Locator interface {
	Locate(netip.Addr) (geo.Location, bool)
	ASN(netip.Addr) (geo.ASO, bool)
}

// Config tunes a Pipeline. Zero fields take the defaults.
type Config struct {
	// BatchSize is how many records are collapsed and written per
	// transaction. Larger batches collapse more records into each hourly
	// row and write each index page fewer times (16384 ingests twice as
	// fast as 4096 into SQLite), at the cost of holding the batch's
	// records in memory (some 30 MB of CloudTrail).
	BatchSize int
	// MaxErrors is how many malformed records Result.Errors lists.
	MaxErrors int
	// VolumeHardLimit is the daily volume in bytes above which a graph
	// ingests nothing more (AWS: 4.5 TB a day); its history is kept.
	VolumeHardLimit int64
	// MaxRecordBytes is the largest record a decoder reads.
	MaxRecordBytes int
	// MaxDecompressedBytes caps what a gzipped stream may inflate to.
	MaxDecompressedBytes int64
	// Retention is how long aggregates are kept.
	Retention time.Duration
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// Geo enriches public source addresses; nil for no enrichment.
	Geo Locator
}

// The defaults of Config.
const (
	DefaultBatchSize       = 16384
	DefaultMaxErrors       = 100
	DefaultVolumeHardLimit = 4_500_000_000_000
	DefaultRetention       = 365 * 24 * time.Hour
)

// Pipeline ingests streams into a behavior.Store. It is safe for
// concurrent use; concurrent ingests of the same records count each once.
type Pipeline struct {
	store behavior.Store
	cfg   Config
}

// New returns a Pipeline writing to store.
func New(store behavior.Store, cfg Config) *Pipeline {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.MaxErrors <= 0 {
		cfg.MaxErrors = DefaultMaxErrors
	}
	if cfg.VolumeHardLimit <= 0 {
		cfg.VolumeHardLimit = DefaultVolumeHardLimit
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Pipeline{store: store, cfg: cfg}
}

// Ingest reads r to its end and ingests every record. A malformed record
// is counted and reported, never fatal; the error is for a stream that
// cannot be read at all (*FormatError for an unknown format, or a limit
// the decoders enforce) and for a store that fails. Batches written before
// such an error stay written: ingesting the stream again completes it
// without counting anything twice.
//
// A stream read to its end is remembered by its SHA-256. When r can seek
// (a file), Ingest hashes it first, and a file ingested before whose
// records would all go to graphs that hold them already is not parsed
// again: its records count as duplicates, which is what parsing them
// would find.
func (p *Pipeline) Ingest(ctx context.Context, r io.Reader, req Request) (Result, error) {
	var known *behavior.Digest
	if rs, ok := r.(io.ReadSeeker); ok {
		d, n, err := digestOf(rs)
		if err != nil {
			return Result{}, err
		}
		if res, done, err := p.skipIngested(ctx, d, n); err != nil || done {
			return res, err
		}
		known = &d
	}
	hash := sha256.New()
	counted := &countingReader{r: io.TeeReader(r, hash)}
	w := newWriter(ctx, p, req)
	open, err := format.Open(counted, format.Limits{MaxDecompressedBytes: p.cfg.MaxDecompressedBytes})
	if err != nil {
		return w.result(counted.n), err
	}
	br := format.NewReader(open)
	f := req.Format
	if f == "" {
		if f, err = format.Detect(br); err != nil {
			return w.result(counted.n), &FormatError{Formats: format.Formats(), Err: err}
		}
	} else if !slices.Contains(format.Formats(), f) {
		return w.result(counted.n), &FormatError{Format: f, Formats: format.Formats()}
	}
	opts := format.Options{Region: req.Region, Account: req.Account, MaxRecordBytes: p.cfg.MaxRecordBytes}
	err = format.Decode(ctx, f, br, opts, w)
	if err == nil {
		err = w.flush(ctx)
	}
	if err == nil && w.err == nil {
		// The whole stream was read (format.Open reads no further than
		// the end of the compressed data, so drain what the hash missed).
		if _, err = io.Copy(io.Discard, counted); err == nil {
			var d behavior.Digest
			copy(d[:], hash.Sum(nil))
			if known != nil {
				d = *known
			}
			err = p.store.PutIngestedFile(ctx, w.file(d))
		}
	}
	return w.result(counted.n), errors.Join(err, w.err)
}

// digestOf returns the SHA-256 of what rs holds from where it is, and its
// length, and seeks back.
func digestOf(rs io.ReadSeeker) (behavior.Digest, int64, error) {
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return behavior.Digest{}, 0, fmt.Errorf("ingest: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(h, rs)
	if err != nil {
		return behavior.Digest{}, 0, fmt.Errorf("ingest: read: %w", err)
	}
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return behavior.Digest{}, 0, fmt.Errorf("ingest: %w", err)
	}
	var d behavior.Digest
	copy(d[:], h.Sum(nil))
	return d, n, nil
}

// skipIngested reports whether the file with digest d (n bytes) was
// ingested before into every graph its records would enter now, and if so
// the result of ingesting it again.
func (p *Pipeline) skipIngested(ctx context.Context, d behavior.Digest, n int64) (Result, bool, error) {
	f, err := p.store.IngestedFile(ctx, d)
	if isNotFound(err) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, err
	}
	now := p.cfg.Now()
	routes := make(map[behavior.RouteKey][]arn.ARN, len(f.Routes))
	for _, r := range f.Routes {
		ms, err := p.store.Routes(ctx, r.Account, r.Region)
		if err != nil {
			return Result{}, false, err
		}
		routes[r.RouteKey], _ = behavior.Route(ms, r.Package, now)
	}
	if !f.Covers(routes) {
		return Result{}, false, nil
	}
	return Result{Records: f.Records, Bytes: n, Graphs: map[string]int64{},
		Skipped: map[string]int64{string(behavior.SkipDuplicate): f.Records}, Errors: []RecordError{}}, true, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// Retain deletes aggregates older than the retention, in whole hours.
func (p *Pipeline) Retain(ctx context.Context) (int64, error) {
	return p.store.Retain(ctx, behavior.Hour(p.cfg.Now().Add(-p.cfg.Retention)))
}

// RetainEvery runs Retain every interval until ctx ends, reporting each
// failure to onError; the wiring starts it.
func (p *Pipeline) RetainEvery(ctx context.Context, interval time.Duration, onError func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := p.Retain(ctx); err != nil && ctx.Err() == nil && onError != nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Profile returns what graph knows of entity (an ARN) over [from, to).
// An entity the graph has never seen has an empty profile.
func (p *Pipeline) Profile(ctx context.Context, graph arn.ARN, entity string, from, to time.Time) (behavior.Profile, error) {
	e, err := p.store.BehaviorEntity(ctx, graph, entity)
	if err != nil && !isNotFound(err) {
		return behavior.Profile{}, err
	}
	if isNotFound(err) {
		e = behavior.EntityRow{Graph: graph, Entity: entity}
	}
	calls, err := p.store.APICalls(ctx, graph, entity, behavior.Hour(from), to)
	if err != nil {
		return behavior.Profile{}, err
	}
	// Rows are whole hours; the range cuts within them by first/last seen.
	calls = slices.DeleteFunc(calls, func(r behavior.APICallRow) bool {
		return !r.Last.After(from) && !r.Last.Equal(from) || !r.First.Before(to)
	})
	links, err := p.store.Links(ctx, graph, entity)
	if err != nil {
		return behavior.Profile{}, err
	}
	ips, err := p.store.IPInfos(ctx, behavior.SourceIPs(calls))
	if err != nil {
		return behavior.Profile{}, err
	}
	return behavior.NewProfile(e, from, to, calls, links, ips), nil
}
