// Package vpcflow decodes VPC flow log files into behavior Records of
// the DETECTIVE_CORE package: the default (version 2) format and custom
// formats naming any version 2–8 fields, as delivered to S3 with a
// header line naming the fields. A file without a header is taken to be
// in the default format.
//
// Only records whose log-status is OK carry traffic; NODATA and
// SKIPDATA records are reported as skipped.
//
// Imports: stdlib, internal/behavior, internal/detective and
// internal/ingest/stream only.
package vpcflow

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest/stream"
)

// defaultFields is the default flow log format (version 2), assumed
// when a file has no header line.
var defaultFields = []string{
	"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
	"protocol", "packets", "bytes", "start", "end", "action", "log-status",
}

// Decode reads the flow log in r line by line and hands each OK record
// to sink. A line over opts.MaxRecord bytes, or one that does not match
// the format, is malformed; the rest of the file goes on.
func Decode(ctx context.Context, r io.Reader, opts stream.Options, sink stream.Sink) error {
	lines := stream.NewLines(r, opts.MaxRecord())
	format := formatOf(defaultFields)
	fields := make([][]byte, 0, 64)
	var rec int64
	for lines.Next() {
		line := lines.Bytes()
		tooLong := lines.TooLong()
		if tooLong == nil && len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		fields = splitFields(fields[:0], line)
		if tooLong == nil && isHeader(fields) {
			format = newFormat(fields)
			continue
		}
		rec++
		if rec%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		pos := stream.Position{Line: lines.Line(), Record: rec}
		if tooLong != nil {
			sink.Malformed(pos, tooLong)
			continue
		}
		flow, status, err := format.parse(fields)
		if err != nil {
			sink.Malformed(pos, fmt.Errorf("line %d: %w", pos.Line, err))
			continue
		}
		switch status {
		case "", "OK":
		case "NODATA":
			sink.Skipped(pos, stream.ReasonNoData)
			continue
		case "SKIPDATA":
			sink.Skipped(pos, stream.ReasonSkipData)
			continue
		default:
			sink.Malformed(pos, fmt.Errorf("line %d: log-status %q is not OK, NODATA or SKIPDATA", pos.Line, status))
			continue
		}
		if flow.flow.Start.IsZero() && flow.flow.End.IsZero() {
			sink.Malformed(pos, fmt.Errorf("line %d: no start or end time", pos.Line))
			continue
		}
		if err := sink.Record(record(flow, line, opts)); err != nil {
			return err
		}
	}
	if err := lines.Err(); err != nil {
		return fmt.Errorf("read line %d: %w", lines.Line()+1, err)
	}
	return nil
}

// record wraps a parsed flow with where it belongs and its key.
func record(f *parsed, line []byte, opts stream.Options) behavior.Record {
	sum := sha256.Sum256(line)
	t := f.flow.Start
	if t.IsZero() {
		t = f.flow.End
	}
	account, region := f.account, f.region
	if account == "" {
		account = opts.Account
	}
	if region == "" {
		region = opts.Region
	}
	return behavior.Record{
		Kind:    behavior.KindFlow,
		Account: detective.AccountID(account),
		Region:  region,
		Package: detective.PackageDetectiveCore,
		Time:    t,
		Size:    int64(len(line)),
		Key:     hex.EncodeToString(sum[:16]),
		Flow:    f.flow,
	}
}

// splitFields splits a line on runs of spaces, appending to dst.
func splitFields(dst [][]byte, line []byte) [][]byte {
	for len(line) > 0 {
		i := 0
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		line = line[i:]
		j := 0
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		if j > 0 {
			dst = append(dst, line[:j])
		}
		line = line[j:]
	}
	return dst
}

// isHeader reports whether fields is a header line: field names only
// (lower-case words joined by hyphens), at least one of them known.
// Data lines always hold a number, an address or an ID with digits.
func isHeader(fields [][]byte) bool {
	known := false
	for _, f := range fields {
		for i, c := range f {
			if !(c >= 'a' && c <= 'z' || c == '-' && i > 0) {
				return false
			}
		}
		if _, ok := fieldSetters[string(f)]; ok {
			known = true
		}
	}
	return known
}

func unixTime(v []byte) (time.Time, error) {
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, fmt.Errorf("not a Unix time: %q", v)
	}
	return time.Unix(n, 0).UTC(), nil
}
