// Package format is the one entry point to the log decoders: it names
// the formats, opens a possibly gzipped input within a decompression
// cap, detects the format from the content, and decodes with the
// matching decoder package. The ingest pipeline, whatever way the data
// came in (HTTP, CLI, S3), calls Open, Detect and Decode.
//
// Imports: stdlib, github.com/klauspost/compress, internal/detective and
// the decoder packages under internal/ingest only.
package format

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest/asff"
	"github.com/detective-local/detective-local/internal/ingest/cloudtrail"
	"github.com/detective-local/detective-local/internal/ingest/eksaudit"
	"github.com/detective-local/detective-local/internal/ingest/guardduty"
	"github.com/detective-local/detective-local/internal/ingest/stream"
	"github.com/detective-local/detective-local/internal/ingest/vpcflow"
)

// Format names a log format.
type Format string

// The formats detective-local reads.
const (
	CloudTrail Format = "cloudtrail" // CloudTrail log files and events
	VPCFlow    Format = "vpcflow"    // VPC flow logs, default or custom format
	GuardDuty  Format = "guardduty"  // GuardDuty findings
	ASFF       Format = "asff"       // Security Hub findings (ASFF)
	EKSAudit   Format = "eks-audit"  // Kubernetes audit events from EKS
)

// Formats returns every format, in the order messages list them.
func Formats() []Format { return []Format{CloudTrail, VPCFlow, GuardDuty, ASFF, EKSAudit} }

// The decoder contract, shared by every format.
type (
	// Position is where a record sits in its file (1-based; Line 0 when
	// the format is not line-based).
	Position = stream.Position
	// Sink receives decoded records, malformed records and skipped ones.
	Sink = stream.Sink
	// Options are what the caller knows that a file may not say.
	Options = stream.Options
)

// ErrUnknownFormat is the cause of every error about a format that is
// not one of Formats: named wrongly, or not recognised in the content.
var ErrUnknownFormat = errors.New("unknown log format")

// unknown returns a validation error listing the formats.
func unknown(format string, args ...any) error {
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	msg := fmt.Sprintf(format, args...) + "; the formats are " + strings.Join(names, ", ")
	return &detective.Error{Kind: detective.KindValidation, Code: detective.CodeInvalidRequestBody, Message: msg, Reason: msg, Err: ErrUnknownFormat}
}

// Parse returns the format named s, or an error listing the formats.
func Parse(s string) (Format, error) {
	for _, f := range Formats() {
		if string(f) == s {
			return f, nil
		}
	}
	return "", unknown("unknown format %q", s)
}

// decoder is the signature every decoder package's Decode has.
type decoder func(ctx context.Context, r io.Reader, opts stream.Options, sink stream.Sink) error

func decoderOf(f Format) (decoder, error) {
	switch f {
	case CloudTrail:
		return cloudtrail.Decode, nil
	case VPCFlow:
		return vpcflow.Decode, nil
	case GuardDuty:
		return guardduty.Decode, nil
	case ASFF:
		return asff.Decode, nil
	case EKSAudit:
		return eksaudit.Decode, nil
	}
	return nil, unknown("unknown format %q", f)
}

// Decode reads r as format f and hands what it reads to sink. Malformed
// records go to sink.Malformed and decoding goes on where the format
// allows; Decode returns an error only for an unknown format, a failing
// reader (a decompression cap included), a cancelled ctx, or an error
// from sink.Record.
func Decode(ctx context.Context, f Format, r io.Reader, opts Options, sink Sink) error {
	dec, err := decoderOf(f)
	if err != nil {
		return err
	}
	return dec(ctx, r, opts, sink)
}

// NewReader buffers r enough for Detect to see the start of a record;
// Decode reuses the buffer.
func NewReader(r io.Reader) *bufio.Reader { return stream.NewReader(r) }
