package stream

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	fastjson "github.com/segmentio/encoding/json"
)

// Layout is how a JSON log file holds its records.
type Layout uint8

// The layouts AWS delivers and its CLI and SDKs write.
const (
	// LayoutEnvelope is an object whose envelope key holds the records:
	// a CloudTrail log file {"Records":[…]}, GetFindings' {"Findings":[…]}.
	LayoutEnvelope Layout = iota + 1
	// LayoutArray is a bare array of records.
	LayoutArray
	// LayoutLines is one record per line (JSON lines, NDJSON).
	LayoutLines
	// LayoutValues is records one after another spanning lines, as a
	// pretty-printed single object is.
	LayoutValues
)

// sniffBytes is how far Sniff looks: far enough to see the first line of
// JSON lines whole.
const sniffBytes = 64 << 10

// NewReader buffers r enough for Sniff to see a record's start.
func NewReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, sniffBytes) }

// Sniff tells the layout of the JSON log at the start of br without
// consuming it. envelopeKey is the key whose array holds the records
// ("" when the format has none); like encoding/json, it matches without
// regard to case, because AWS's APIs spell members in camel case where
// the CLI writes them in Pascal case.
func Sniff(br *bufio.Reader, envelopeKey string) Layout {
	head, _ := br.Peek(min(br.Size(), sniffBytes))
	rest := skipSpace(head)
	if len(rest) == 0 {
		return LayoutLines
	}
	switch rest[0] {
	case '[':
		return LayoutArray
	case '{':
		if envelopeKey != "" && strings.EqualFold(FirstKey(rest), envelopeKey) {
			return LayoutEnvelope
		}
	}
	// JSON lines only when the first line is one whole value: values one
	// after another on a line (as Firehose concatenates them) or across
	// lines are read as a stream of values, which reads JSON lines too,
	// only without going on past a broken line.
	if line, _, found := bytes.Cut(rest, []byte{'\n'}); found && json.Valid(line) {
		return LayoutLines
	}
	return LayoutValues
}

// FirstKey returns the first member name of the JSON object b starts
// with, or "" when b does not start with an object whose first name has
// no escapes.
func FirstKey(b []byte) string {
	b = skipSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return ""
	}
	b = skipSpace(b[1:])
	if len(b) == 0 || b[0] != '"' {
		return ""
	}
	end := bytes.IndexAny(b[1:], "\"\\")
	if end < 0 || b[1+end] != '"' {
		return ""
	}
	return string(b[1 : 1+end])
}

func skipSpace(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark some editors write
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// JSON decodes each record of the JSON log in br, laid out as layout,
// into a zeroed *T and hands it to each with its position and its size
// in bytes. A record that does not fit T is reported to sink.Malformed
// and decoding goes on; a syntax error that breaks the stream is
// reported with its byte offset and ends decoding with nil, keeping the
// records before it. JSON returns each's error, ctx's error, or the
// error of a failing reader.
//
// The records are parsed with github.com/segmentio/encoding/json, which
// keeps encoding/json's semantics and error types at several times its
// speed; the walk into the envelope and arrays is done here, on
// punctuation only, because that package has no Decoder.Token.
func JSON[T any](ctx context.Context, br *bufio.Reader, layout Layout, envelopeKey string, opts Options, sink Sink, each func(pos Position, size int64, v *T) error) error {
	if layout == LayoutLines {
		return jsonLines(ctx, br, opts.MaxRecord(), sink, each)
	}
	w := &walker[T]{
		ctx: ctx, win: newWindow(br, opts.MaxRecord()),
		key: envelopeKey, sink: sink, each: each, v: new(T),
	}
	err := w.walk(layout)
	if errors.Is(err, errBroken) {
		return nil
	}
	return err
}

func jsonLines[T any](ctx context.Context, r io.Reader, max int, sink Sink, each func(Position, int64, *T) error) error {
	lines := NewLines(r, max)
	v := new(T)
	var zero T
	var rec int64
	for lines.Next() {
		line := lines.Bytes()
		if err := lines.TooLong(); err == nil && len(skipSpace(line)) == 0 {
			continue
		}
		rec++
		if rec%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		pos := Position{Line: lines.Line(), Record: rec}
		if err := lines.TooLong(); err != nil {
			sink.Malformed(pos, err)
			continue
		}
		*v = zero
		if err := fastjson.Unmarshal(line, v); err != nil {
			sink.Malformed(pos, fmt.Errorf("line %d: %w", pos.Line, err))
			continue
		}
		if err := each(pos, int64(len(line)), v); err != nil {
			return err
		}
	}
	if err := lines.Err(); err != nil {
		return fmt.Errorf("read line %d: %w", lines.Line()+1, err)
	}
	return nil
}

// errBroken ends a walk whose stream broke; the break was reported.
var errBroken = errors.New("stream broken")

type walker[T any] struct {
	ctx  context.Context
	win  *window
	key  string
	sink Sink
	each func(Position, int64, *T) error
	v    *T
	rec  int64
}

// walk reads top-level values until the end. Several are allowed: the
// pages of a CLI listing, or log files concatenated.
func (w *walker[T]) walk(layout Layout) error {
	for {
		c, err := w.win.next()
		if err != nil {
			return err
		}
		if c == 0 {
			return nil
		}
		switch layout {
		case LayoutEnvelope:
			err = w.envelope()
		case LayoutArray:
			err = w.array()
		default:
			err = w.element()
		}
		if err != nil {
			return err
		}
	}
}

// envelope reads one object, walking the array under the envelope key
// and skipping its other members.
func (w *walker[T]) envelope() error {
	if err := w.punct('{'); err != nil {
		return err
	}
	if c, err := w.win.next(); err != nil || c == '}' {
		w.win.off++
		return err
	}
	for {
		var key string
		if _, err := w.value(&key, "a member name"); err != nil {
			return err
		}
		if err := w.punct(':'); err != nil {
			return err
		}
		if strings.EqualFold(key, w.key) {
			if err := w.array(); err != nil {
				return err
			}
		} else if _, err := w.value(&skipped{}, "a member"); err != nil {
			return err
		}
		c, err := w.punctOf(",}")
		if err != nil || c == '}' {
			return err
		}
	}
}

// skipped takes any JSON value and keeps nothing.
type skipped struct{}

func (*skipped) UnmarshalJSON([]byte) error { return nil }

// array reads one array of records; a null stands for an empty one.
func (w *walker[T]) array() error {
	c, err := w.win.next()
	if err != nil {
		return err
	}
	if c == 'n' {
		_, err := w.value(&skipped{}, "an array of records")
		return err
	}
	if err := w.punct('['); err != nil {
		return err
	}
	if c, err := w.win.next(); err != nil || c == ']' {
		w.win.off++
		return err
	}
	for {
		if err := w.element(); err != nil {
			return err
		}
		c, err := w.punctOf(",]")
		if err != nil || c == ']' {
			return err
		}
	}
}

// element decodes one record and hands it on.
func (w *walker[T]) element() error {
	w.rec++
	if w.rec%64 == 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
	}
	pos := Position{Record: w.rec}
	start := w.win.offset()
	var zero T
	*w.v = zero
	size, err := w.win.parse(func(b []byte) ([]byte, error) {
		*w.v = zero
		return fastjson.Parse(b, w.v, 0)
	})
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		w.sink.Malformed(pos, fmt.Errorf("record %d at byte %d: %w", w.rec, start, err))
		return nil
	case err != nil:
		return w.broken(err)
	case size > int64(w.win.max):
		w.sink.Malformed(pos, fmt.Errorf("record %d at byte %d is longer than %d bytes", w.rec, start, w.win.max))
		return nil
	}
	return w.each(pos, size, w.v)
}

// value parses one JSON value that is not a record into v.
func (w *walker[T]) value(v any, what string) (int64, error) {
	size, err := w.win.parse(func(b []byte) ([]byte, error) { return fastjson.Parse(b, v, fastjson.DontCopyRawMessage) })
	if err != nil {
		return 0, w.broken(fmt.Errorf("want %s: %w", what, err))
	}
	return size, nil
}

// punct consumes the punctuation c.
func (w *walker[T]) punct(c byte) error {
	_, err := w.punctOf(string(c))
	return err
}

// punctOf consumes one of the punctuation characters in set and returns it.
func (w *walker[T]) punctOf(set string) (byte, error) {
	c, err := w.win.next()
	if err != nil {
		return 0, err
	}
	if c == 0 || !bytes.ContainsRune([]byte(set), rune(c)) {
		found := "the end of the input"
		if c != 0 {
			found = fmt.Sprintf("%q", c)
		}
		return 0, w.broken(fmt.Errorf("want one of %q, found %s", set, found))
	}
	w.win.off++
	return c, nil
}

// broken reports an error that ends the stream as malformed at its
// position, and returns errBroken; a reader's failure is returned as is.
func (w *walker[T]) broken(err error) error {
	var rerr *readError
	if errors.As(err, &rerr) {
		return err
	}
	var tooLong *tooLongError
	if errors.As(err, &tooLong) {
		w.sink.Malformed(Position{Record: w.rec}, fmt.Errorf("record %d at byte %d: %w; the rest of the file is not read", w.rec, w.win.offset(), err))
	} else {
		w.sink.Malformed(Position{Record: w.rec}, fmt.Errorf("record %d: JSON broken at byte %d: %w; the rest of the file is not read", w.rec, w.win.offset(), err))
	}
	return errBroken
}
