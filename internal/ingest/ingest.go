// Package ingest is the pipeline that reads log files into behavior graphs.
package ingest

import (
	"github.com/detective-local/detective-local/internal/ingest/format"
)

// Request says what a stream holds and where it came from.
type Request struct {
	Format          format.Format // "" = detect
	Region, Account string
	Source          string // file name or s3 URI, for messages
}

// Result counts what an ingest did.
type Result struct {
	Records  int64            `json:"records"`
	Accepted int64            `json:"accepted"`
	Bytes    int64            `json:"bytes"`
	Graphs   map[string]int64 `json:"graphs"`
	Skipped  map[string]int64 `json:"skipped"`
	Errors   []RecordError    `json:"errors"`
}

// RecordError is a record that could not be read.
type RecordError struct {
	Record  int64  `json:"record,omitempty"`
	Line    int64  `json:"line,omitempty"`
	Message string `json:"message"`
}

// FormatError is a stream whose format is unknown or not recognised.
type FormatError struct{ Message string }

func (e *FormatError) Error() string { return e.Message }
