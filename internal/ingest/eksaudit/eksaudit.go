// Package eksaudit decodes Kubernetes audit logs, as Amazon EKS writes
// them to CloudWatch Logs, into behavior Records of the EKS_AUDIT
// package: audit.k8s.io/v1 Events one per line (or pretty-printed, or in
// an array), CloudWatch Logs export lines (a timestamp, a space, the
// event), CloudWatch Logs subscription payloads ({"logGroup":…,
// "logEvents":[{"message":"<event>"}]}, as Firehose delivers them, one
// after another), and GetLogEvents / FilterLogEvents output
// ({"events":[…]}).
//
// The cluster is taken from a log group named /aws/eks/<cluster>/cluster
// when the input names one, else from Options.Cluster.
//
// Imports: stdlib, internal/behavior, internal/detective and
// internal/ingest/stream (with the JSON parser stream uses) only.
package eksaudit

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	fastjson "github.com/segmentio/encoding/json"

	"github.com/detective-local/detective-local/internal/ingest/stream"
)

// Decode reads the audit log in r and hands each event to sink.
func Decode(ctx context.Context, r io.Reader, opts stream.Options, sink stream.Sink) error {
	br := stream.NewReader(r)
	d := &decoder{opts: opts, sink: sink}
	if startsWithJSON(br) {
		layout := stream.Sniff(br, "")
		return stream.JSON(ctx, br, layout, "", opts, sink, func(pos stream.Position, size int64, e *entry) error {
			return d.entry(pos, size, e)
		})
	}
	return d.exportLines(ctx, br)
}

// startsWithJSON reports whether the input starts with a JSON object or
// array, rather than an export line's timestamp.
func startsWithJSON(br *bufio.Reader) bool {
	head, _ := br.Peek(br.Size())
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(head) == 0 || head[0] == '{' || head[0] == '['
}

type decoder struct {
	opts stream.Options
	sink stream.Sink
}

// exportLines reads CloudWatch Logs export lines: each is a timestamp,
// a space and the logged message, which for an audit log stream is one
// event.
func (d *decoder) exportLines(ctx context.Context, r io.Reader) error {
	lines := stream.NewLines(r, d.opts.MaxRecord())
	var rec int64
	var e entry
	for lines.Next() {
		line := lines.Bytes()
		tooLong := lines.TooLong()
		if tooLong == nil && len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		rec++
		if rec%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		pos := stream.Position{Line: lines.Line(), Record: rec}
		if tooLong != nil {
			d.sink.Malformed(pos, tooLong)
			continue
		}
		i := bytes.IndexByte(line, '{')
		if i < 0 {
			d.sink.Skipped(pos, stream.ReasonNotAudit)
			continue
		}
		e = entry{}
		if err := fastjson.Unmarshal(line[i:], &e); err != nil {
			d.sink.Malformed(pos, fmt.Errorf("line %d: %w", pos.Line, err))
			continue
		}
		if err := d.entry(pos, int64(len(line)-i), &e); err != nil {
			return err
		}
	}
	if err := lines.Err(); err != nil {
		return fmt.Errorf("read line %d: %w", lines.Line()+1, err)
	}
	return nil
}

// entry is one JSON value of the input: an audit event, a CloudWatch
// Logs subscription payload, or a GetLogEvents / FilterLogEvents page.
type entry struct {
	event
	MessageType string     `json:"messageType"`
	Owner       string     `json:"owner"`
	LogGroup    string     `json:"logGroup"`
	LogEvents   []logEvent `json:"logEvents"`
	Events      []logEvent `json:"events"`
}

type logEvent struct {
	Message string `json:"message"`
}

func (d *decoder) entry(pos stream.Position, size int64, e *entry) error {
	if e.LogEvents == nil && e.Events == nil && e.MessageType == "" {
		return d.emit(pos, &e.event, size, d.opts.Account, "")
	}
	if e.MessageType == "CONTROL_MESSAGE" {
		return nil // CloudWatch Logs checking that the destination is reachable
	}
	var ev event
	for _, msgs := range [][]logEvent{e.LogEvents, e.Events} {
		for _, m := range msgs {
			ev = event{}
			msg := strings.TrimSpace(m.Message)
			if !strings.HasPrefix(msg, "{") {
				d.sink.Skipped(pos, stream.ReasonNotAudit)
				continue
			}
			if err := fastjson.Unmarshal([]byte(msg), &ev); err != nil {
				d.sink.Malformed(pos, fmt.Errorf("log event in %s: %w", e.LogGroup, err))
				continue
			}
			if err := d.emit(pos, &ev, int64(len(m.Message)), cmp.Or(e.Owner, d.opts.Account), clusterOf(e.LogGroup)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *decoder) emit(pos stream.Position, ev *event, size int64, account, cluster string) error {
	rec, err := ev.record(size, account, d.opts.Region, cmp.Or(cluster, d.opts.Cluster))
	switch {
	case errors.Is(err, errNotAudit):
		d.sink.Skipped(pos, stream.ReasonNotAudit)
		return nil
	case err != nil:
		d.sink.Malformed(pos, err)
		return nil
	}
	return d.sink.Record(rec)
}

// clusterOf returns the cluster of an EKS control plane log group
// (/aws/eks/<cluster>/cluster), or "".
func clusterOf(logGroup string) string {
	name, ok := strings.CutPrefix(logGroup, "/aws/eks/")
	if !ok {
		return ""
	}
	name, ok = strings.CutSuffix(name, "/cluster")
	if !ok || name == "" || strings.Contains(name, "/") {
		return ""
	}
	return name
}
