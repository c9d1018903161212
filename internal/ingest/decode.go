package ingest

import (
	"bufio"
	"context"
	"io"

	"github.com/detective-local/detective-local/internal/behavior"
)

// Format names a log format ("cloudtrail", "vpcflow", …).
type Format = string

// Position is where a record is in its stream.
type Position struct{ Line, Record int64 }

// Sink receives what a decoder reads.
type Sink interface {
	Record(behavior.Record) error
	Malformed(pos Position, err error)
	Skipped(pos Position, reason string)
}

// DecodeOptions are the defaults and limits a decoder applies.
type DecodeOptions struct {
	Region, Account string
	MaxRecordBytes  int
	Cluster         string
}

// Decoders is how the pipeline opens, recognises and decodes a stream.
type Decoders interface {
	// Open undoes any compression of r, within the configured limits.
	Open(r io.Reader) (io.Reader, error)
	// Detect names the format of what br holds, or fails listing the
	// formats it knows.
	Detect(br *bufio.Reader) (Format, error)
	// Formats lists the known formats.
	Formats() []Format
	// Decode reads r as format f into sink.
	Decode(ctx context.Context, f Format, r io.Reader, opts DecodeOptions, sink Sink) error
}
