package stream

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/detective-local/detective-local/internal/behavior"
)

// recordsReader produces n JSON records in an envelope without ever
// holding more than one, as a large file read from disk would.
type recordsReader struct {
	n, i int
	buf  bytes.Buffer
}

func (r *recordsReader) Read(p []byte) (int, error) {
	for r.buf.Len() < len(p) && r.i <= r.n {
		switch {
		case r.i == 0:
			r.buf.WriteString(`{"Records":[`)
		case r.i == r.n:
			r.buf.WriteString(`{"id":"last"}]}`)
		default:
			fmt.Fprintf(&r.buf, `{"id":"r%d","pad":"%0900d"},`, r.i, r.i)
		}
		r.i++
	}
	if r.buf.Len() == 0 {
		return 0, io.EOF
	}
	return r.buf.Read(p)
}

// TestWindowStaysSmall decodes about 100 MB and checks that the buffer
// never grew past what one read and one record need: memory does not
// follow the file's size.
func TestWindowStaysSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 100 MB")
	}
	const records = 100_000
	src := &recordsReader{n: records}
	var largest int
	var count int
	opts := Options{MaxRecordBytes: 64 << 10}
	w := &walker[struct {
		ID string `json:"id"`
	}]{ctx: context.Background(), win: newWindow(NewReader(src), opts.MaxRecord()), key: "Records", sink: nopSink{}, v: new(struct {
		ID string `json:"id"`
	})}
	w.each = func(Position, int64, *struct {
		ID string `json:"id"`
	}) error {
		count++
		largest = max(largest, cap(w.win.buf))
		return nil
	}
	if err := w.walk(LayoutEnvelope); err != nil {
		t.Fatal(err)
	}
	if count != records {
		t.Fatalf("decoded %d records, want %d", count, records)
	}
	t.Logf("largest buffer over %d records (%d MB): %d bytes", records, src.n*940>>20, largest)
	if limit := 2*readChunk + opts.MaxRecord(); largest > limit {
		t.Errorf("buffer grew to %d bytes over %d records, want at most %d", largest, records, limit)
	}
}

type nopSink struct{}

func (nopSink) Record(behavior.Record) error { return nil }
func (nopSink) Malformed(Position, error)    {}
func (nopSink) Skipped(Position, string)     {}
