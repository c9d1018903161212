package ingest

import (
	"context"
	"net/netip"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest/format"
)

func isNotFound(err error) bool { return detective.KindOf(err) == detective.KindNotFound }

// routeKey is what a record's routes depend on.
type routeKey struct {
	account detective.AccountID
	region  string
}

// writer is the Sink of one Ingest call: it buffers records and writes
// them a batch at a time. Routes, graph volumes and enriched addresses are
// cached for the call only: membership may change between calls, and a
// call is short enough that routing by its start is routing at ingest time.
type writer struct {
	ctx     context.Context // the Ingest call's: Sink.Record has none of its own
	p       *Pipeline
	req     Request
	pending []behavior.Record
	routes  map[routeKey][]behavior.Membership
	volume  map[arn.ARN]int64 // bytes in the last 24 h, as of the call, plus what it added
	located map[netip.Addr]bool
	// What the file's record will say: where its records belong, the
	// graphs they entered and those some were kept out of.
	fileRoutes map[behavior.RouteKey]bool
	entered    map[behavior.RouteKey]map[arn.ARN]bool
	cut        map[behavior.RouteKey]map[arn.ARN]bool
	res        Result
	err        error // the first store failure; later records are dropped
}

func newWriter(ctx context.Context, p *Pipeline, req Request) *writer {
	return &writer{
		ctx: ctx, p: p, req: req,
		pending:    make([]behavior.Record, 0, p.cfg.BatchSize),
		routes:     make(map[routeKey][]behavior.Membership),
		volume:     make(map[arn.ARN]int64),
		located:    make(map[netip.Addr]bool),
		fileRoutes: make(map[behavior.RouteKey]bool),
		entered:    make(map[behavior.RouteKey]map[arn.ARN]bool),
		cut:        make(map[behavior.RouteKey]map[arn.ARN]bool),
		res:        Result{Graphs: map[string]int64{}, Skipped: map[string]int64{}, Errors: []RecordError{}},
	}
}

func (w *writer) result(bytes int64) Result {
	w.res.Bytes = bytes
	return w.res
}

// Record buffers r and writes the batch once it is full.
func (w *writer) Record(r behavior.Record) error {
	w.res.Records++
	if w.err != nil {
		return w.err
	}
	if r.Account == "" {
		r.Account = detective.AccountID(w.req.Account)
	}
	if r.Region == "" {
		r.Region = w.req.Region
	}
	w.pending = append(w.pending, r)
	if len(w.pending) >= w.p.cfg.BatchSize {
		return w.flush(w.ctx)
	}
	return nil
}

// Malformed counts and reports a record that could not be read.
func (w *writer) Malformed(pos format.Position, err error) {
	w.res.Records++
	w.res.Skipped[SkipMalformed]++
	if len(w.res.Errors) < w.p.cfg.MaxErrors {
		w.res.Errors = append(w.res.Errors, RecordError{Record: pos.Record, Line: pos.Line, Message: err.Error()})
	}
}

// Skipped counts a record the decoder read but Detective does not ingest.
func (w *writer) Skipped(_ format.Position, reason string) {
	w.res.Records++
	w.res.Skipped[reason]++
}

func (w *writer) skip(reason behavior.SkipReason) { w.res.Skipped[string(reason)]++ }

// claim is one record entering one graph, unless the graph has it.
type claim struct {
	record int // index in pending
	graph  arn.ARN
	key    behavior.KeyHash
	keyed  bool
}

// flush routes, claims and writes the pending records in one transaction.
func (w *writer) flush(ctx context.Context) error {
	if w.err != nil || len(w.pending) == 0 {
		return w.err
	}
	defer func() { w.pending = w.pending[:0] }()
	now := w.p.cfg.Now()
	claims, err := w.route(ctx, now)
	if err != nil {
		w.err = err
		return err
	}
	keys := make([]behavior.KeyRow, 0, len(claims))
	keyOf := make([]int, len(claims)) // claims[i]'s index in keys, -1 for none
	seen := make(map[behavior.KeyRow]int, len(claims))
	for i, c := range claims {
		keyOf[i] = -1
		if !c.keyed {
			continue
		}
		k := behavior.KeyRow{Graph: c.graph, Key: c.key}
		if j, ok := seen[k]; ok { // the same record twice in one batch
			keyOf[i] = -2 - j
			continue
		}
		k.At = w.pending[c.record].Time
		seen[k], keyOf[i] = len(keys), len(keys)
		keys = append(keys, k)
	}
	var accepted []bool
	err = w.p.store.IngestBatch(ctx, func(tx behavior.IngestTx) error {
		fresh, err := tx.ClaimKeys(ctx, keys)
		if err != nil {
			return err
		}
		accepted = make([]bool, len(claims))
		b := behavior.NewBatch()
		for i, c := range claims {
			switch j := keyOf[i]; {
			case j == -1:
				accepted[i] = true
			case j >= 0:
				accepted[i] = fresh[j]
			}
			if !accepted[i] {
				continue
			}
			r := &w.pending[c.record]
			b.Add(c.graph, r, now)
			w.enrich(b, r)
		}
		return tx.Put(ctx, b)
	})
	if err != nil {
		w.err = err
		return err
	}
	w.count(claims, accepted)
	return nil
}

// route returns the claims of the pending records, counting those that
// enter no graph as skipped.
func (w *writer) route(ctx context.Context, now time.Time) ([]claim, error) {
	claims := make([]claim, 0, len(w.pending))
	for i := range w.pending {
		r := &w.pending[i]
		if reason := behavior.Admissible(r); reason != "" {
			w.skip(reason)
			continue
		}
		rk := routeKey{r.Account, r.Region}
		ms, ok := w.routes[rk]
		if !ok {
			var err error
			if ms, err = w.p.store.Routes(ctx, r.Account, r.Region); err != nil {
				return nil, err
			}
			w.routes[rk] = ms
		}
		route := behavior.RouteKey{Account: r.Account, Region: r.Region, Package: r.Package}
		w.fileRoutes[route] = true
		graphs, reason := behavior.Route(ms, r.Package, now)
		if len(graphs) == 0 {
			w.skip(reason)
			continue
		}
		key, keyed := recordKey(r)
		n := 0
		for _, g := range graphs {
			over, err := w.overLimit(ctx, g, now)
			if err != nil {
				return nil, err
			}
			if over {
				mark(w.cut, route, g)
				continue
			}
			mark(w.entered, route, g)
			claims = append(claims, claim{record: i, graph: g, key: key, keyed: keyed})
			n++
		}
		if n == 0 {
			w.skip(behavior.SkipVolumeLimit)
		}
	}
	return claims, nil
}

// recordKey is what makes a record the same record when read again:
// CloudTrail's eventID, else the decoder's key.
func recordKey(r *behavior.Record) (behavior.KeyHash, bool) {
	k := r.Key
	if r.API != nil && r.API.EventID != "" {
		k = "cloudtrail:" + r.API.EventID
	}
	if k == "" {
		return behavior.KeyHash{}, false
	}
	return behavior.HashKey(k), true
}

// overLimit reports whether g has ingested more than the hard limit in
// the last 24 hours.
func (w *writer) overLimit(ctx context.Context, g arn.ARN, now time.Time) (bool, error) {
	v, ok := w.volume[g]
	if !ok {
		var err error
		if v, err = w.p.store.GraphVolume(ctx, g, now.Add(-24*time.Hour)); err != nil {
			return false, err
		}
		w.volume[g] = v
	}
	return v > w.p.cfg.VolumeHardLimit, nil
}

// enrich adds the location of r's source address to b, once per call. A
// failed batch ends the call, so an address marked in it is never needed
// again.
func (w *writer) enrich(b *behavior.Batch, r *behavior.Record) {
	if w.p.cfg.Geo == nil || r.API == nil {
		return
	}
	ip, ok := behavior.PublicIP(r.API)
	if !ok || w.located[ip] {
		return
	}
	info := behavior.IPInfo{IP: r.API.SourceIP}
	if loc, ok := w.p.cfg.Geo.Locate(ip); ok {
		l := behavior.Location(loc)
		info.Location = &l
	}
	if aso, ok := w.p.cfg.Geo.ASN(ip); ok {
		a := behavior.ASO(aso)
		info.ASO = &a
	}
	b.AddIP(info)
	w.located[ip] = true
}

// count adds the outcome of a written batch to the result.
func (w *writer) count(claims []claim, accepted []bool) {
	last, any := -1, false
	done := func() {
		if last < 0 {
			return
		}
		if any {
			w.res.Accepted++
		} else {
			w.skip(behavior.SkipDuplicate)
		}
	}
	for i, c := range claims {
		if c.record != last {
			done()
			last, any = c.record, false
		}
		if accepted[i] {
			any = true
			w.res.Graphs[c.graph.String()]++
			w.volume[c.graph] += w.pending[c.record].Size
		}
	}
	done()
}

func mark(m map[behavior.RouteKey]map[arn.ARN]bool, r behavior.RouteKey, g arn.ARN) {
	if m[r] == nil {
		m[r] = make(map[arn.ARN]bool)
	}
	m[r][g] = true
}

// file is what the stream ingested, once read to its end: for each route,
// the graphs that hold all its records are those they entered and none
// was kept out of.
func (w *writer) file(d behavior.Digest) behavior.File {
	f := behavior.File{Digest: d, Records: w.res.Records, Ingested: w.p.cfg.Now()}
	for r := range w.fileRoutes {
		fr := behavior.FileRoute{RouteKey: r}
		for g := range w.entered[r] {
			if !w.cut[r][g] {
				fr.Graphs = append(fr.Graphs, g)
			}
		}
		f.Routes = append(f.Routes, fr)
	}
	return f
}
