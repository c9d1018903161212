package main

import (
	"bufio"
	"context"
	"io"

	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/format"
)

// decoders is ingest.Decoders over the log decoders of package format.
type decoders struct {
	limits format.Limits
}

func (d decoders) Open(r io.Reader) (io.Reader, error) { return format.Open(r, d.limits) }

func (decoders) Detect(br *bufio.Reader) (ingest.Format, error) {
	f, err := format.Detect(br)
	return ingest.Format(f), err
}

func (decoders) Formats() []ingest.Format {
	fs := format.Formats()
	out := make([]ingest.Format, len(fs))
	for i, f := range fs {
		out[i] = ingest.Format(f)
	}
	return out
}

func (decoders) Decode(ctx context.Context, f ingest.Format, r io.Reader, opts ingest.DecodeOptions, sink ingest.Sink) error {
	return format.Decode(ctx, format.Format(f), r, format.Options{Region: opts.Region, Account: opts.Account,
		MaxRecordBytes: opts.MaxRecordBytes, Cluster: opts.Cluster}, positionSink{sink})
}

// positionSink is an ingest.Sink as the decoders call it: the two
// packages spell a record's position each in their own type.
type positionSink struct{ ingest.Sink }

func (s positionSink) Malformed(pos format.Position, err error) {
	s.Sink.Malformed(ingest.Position(pos), err)
}

func (s positionSink) Skipped(pos format.Position, reason string) {
	s.Sink.Skipped(ingest.Position(pos), reason)
}
