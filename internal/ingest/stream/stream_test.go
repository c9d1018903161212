package stream_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/ingest/stream"
	"github.com/detective-local/detective-local/internal/ingest/stream/streamtest"
)

func TestLines(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []string // line text, or "!" for an over-long line
	}{
		{"plain", "a\nb\n", 10, []string{"a", "b"}},
		{"no final newline", "a\nb", 10, []string{"a", "b"}},
		{"CRLF", "a\r\nb\r\n", 10, []string{"a", "b"}},
		{"empty lines kept", "a\n\nb\n", 10, []string{"a", "", "b"}},
		{"exactly the cap", "abcd\nx\n", 4, []string{"abcd", "x"}},
		{"exactly the cap with CR", "abcd\r\nx\n", 4, []string{"abcd", "x"}},
		{"one over the cap", "abcde\nx\n", 4, []string{"!", "x"}},
		{"far over the cap", strings.Repeat("y", 100_000) + "\nx\n", 16, []string{"!", "x"}},
		{"over the cap at the end", "x\n" + strings.Repeat("y", 100), 16, []string{"x", "!"}},
		{"over the cap, no newline", strings.Repeat("y", 100_000), 16, []string{"!"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// One byte at a time, so that every buffer boundary is crossed.
			l := stream.NewLines(iotest.OneByteReader(strings.NewReader(tc.in)), tc.max)
			var got []string
			for l.Next() {
				if l.TooLong() != nil {
					got = append(got, "!")
				} else {
					got = append(got, string(l.Bytes()))
				}
				if l.Line() != int64(len(got)) {
					t.Errorf("Line() = %d at line %d", l.Line(), len(got))
				}
			}
			if err := l.Err(); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("lines of %.40q = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// rec is a record type for the framing tests: a key and a time.
type rec struct {
	ID   string `json:"id"`
	Time string `json:"time"`
	N    int    `json:"n"`
}

type decoded struct {
	ids       []string
	sizes     []int64
	malformed []string
}

func decode(tb testing.TB, r io.Reader, envelope string, opts stream.Options) (decoded, error) {
	tb.Helper()
	var out decoded
	sink := &streamtest.Recorder{}
	br := stream.NewReader(r)
	layout := stream.Sniff(br, envelope)
	err := stream.JSON(context.Background(), br, layout, envelope, opts, sink, func(pos stream.Position, size int64, v *rec) error {
		out.ids = append(out.ids, v.ID)
		out.sizes = append(out.sizes, size)
		return nil
	})
	for _, e := range sink.Entries {
		if e.Malformed != nil {
			out.malformed = append(out.malformed, e.Malformed.Text)
		}
	}
	return out, err
}

func TestJSONLayouts(t *testing.T) {
	a, b := `{"id":"a","n":1}`, `{"id":"b","time":"t","n":22}`
	tests := []struct {
		name      string
		in        string
		ids       []string
		malformed int
	}{
		{"envelope", `{"Records":[` + a + `,` + b + `]}`, []string{"a", "b"}, 0},
		{"envelope spaced", "{ \"Records\" : [\n  " + a + " ,\n  " + b + "\n ] }\n", []string{"a", "b"}, 0},
		{"envelope key in other case", `{"records":[` + a + `]}`, []string{"a"}, 0},
		{"other members skipped", `{"Records":[` + a + `],"NextToken":"x","Other":{"Records":[1]}}`, []string{"a"}, 0},
		{"null records", `{"Records":null}`, nil, 0},
		{"empty records", `{"Records":[]}`, nil, 0},
		{"envelopes one after another", `{"Records":[` + a + `]}` + "\n" + `{"Records":[` + b + `]}`, []string{"a", "b"}, 0},
		{"array", "[" + a + "," + b + "]", []string{"a", "b"}, 0},
		{"arrays one after another", "[" + a + "]\n[" + b + "]", []string{"a", "b"}, 0},
		{"lines", a + "\n\n" + b + "\n", []string{"a", "b"}, 0},
		{"lines with a bad one", a + "\n{bad\n" + b + "\n", []string{"a", "b"}, 1},
		{"values on one line", a + b + a, []string{"a", "b", "a"}, 0},
		{"pretty value", "{\n  \"id\": \"a\"\n}\n", []string{"a"}, 0},
		{"wrong type continues", `{"Records":[{"id":"x","n":"one"},` + b + `]}`, []string{"b"}, 1},
		{"broken stream keeps what came before", `{"Records":[` + a + `,{"id":"x" "n":1},` + b + `]}`, []string{"a"}, 1},
		{"truncated", `{"Records":[` + a + `,{"id":"x","n`, []string{"a"}, 1},
		{"missing close", `{"Records":[` + a, []string{"a"}, 1},
		{"not an array", `{"Records":{"id":"a"}}`, nil, 1},
		{"scalar records", `{"Records":[1,` + a + `]}`, []string{"a"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decode(t, iotest.HalfReader(strings.NewReader(tc.in)), "Records", stream.Options{})
			if err != nil {
				t.Fatalf("JSON(%q) = %v", tc.in, err)
			}
			if fmt.Sprint(got.ids) != fmt.Sprint(tc.ids) || len(got.malformed) != tc.malformed {
				t.Errorf("JSON(%q) = %q with malformed %q; want %q and %d malformed", tc.in, got.ids, got.malformed, tc.ids, tc.malformed)
			}
		})
	}
}

// TestJSONSizes checks that a record's size is its own bytes, without
// the separators and white space around it, in every layout.
func TestJSONSizes(t *testing.T) {
	a, b := `{"id":"a","n":1}`, `{ "id" : "b" }`
	want := fmt.Sprint([]int64{int64(len(a)), int64(len(b))})
	for _, in := range []string{
		`{"Records":[` + a + `,` + b + `]}`,
		"{\"Records\": [\n\t" + a + " ,\r\n\t" + b + "\n]}",
		"[ " + a + " , " + b + " ]",
		a + "\n" + b + "\n",
		a + "   " + b,
	} {
		got, err := decode(t, strings.NewReader(in), "Records", stream.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got.sizes) != want {
			t.Errorf("sizes in %q = %v, want %s", in, got.sizes, want)
		}
	}
}

// TestJSONLargeRecords crosses the parser's first offer and the reader's
// chunks with records larger than both.
func TestJSONLargeRecords(t *testing.T) {
	var in strings.Builder
	in.WriteString(`{"Records":[`)
	var want []string
	for i := range 40 {
		if i > 0 {
			in.WriteString(",")
		}
		id := fmt.Sprintf("r%d", i)
		want = append(want, id)
		fmt.Fprintf(&in, `{"id":%q,"pad":"%s"}`, id, strings.Repeat("x", i*997%20000))
	}
	in.WriteString("]}")
	got, err := decode(t, iotest.OneByteReader(strings.NewReader(in.String())), "Records", stream.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.ids) != fmt.Sprint(want) || len(got.malformed) != 0 {
		t.Errorf("large records = %q, malformed %q", got.ids, got.malformed)
	}
}

func TestJSONRecordCap(t *testing.T) {
	small := `{"id":"a"}`
	big := `{"id":"big","pad":"` + strings.Repeat("x", 10_000) + `"}`
	huge := `{"id":"huge","pad":"` + strings.Repeat("x", 1_000_000) + `"}`
	tests := []struct {
		name string
		in   string
		ids  []string
	}{
		// Over the cap but within what was read anyway: reported, and the
		// stream goes on.
		{"over the cap", `{"Records":[` + small + `,` + big + `,` + small + `]}`, []string{"a", "a"}},
		// Far over: not buffered whole; the rest of the file is lost.
		{"far over the cap", `{"Records":[` + small + `,` + huge + `,` + small + `]}`, []string{"a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decode(t, strings.NewReader(tc.in), "Records", stream.Options{MaxRecordBytes: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got.ids) != fmt.Sprint(tc.ids) || len(got.malformed) != 1 || !strings.Contains(got.malformed[0], "1000") {
				t.Errorf("decoded %q, malformed %q; want %q and one report naming the cap", got.ids, got.malformed, tc.ids)
			}
		})
	}
}

func TestJSONReaderFails(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader(`{"Records":[{"id":"a"},`), iotest.ErrReader(boom))
	if _, err := decode(t, r, "Records", stream.Options{}); !errors.Is(err, boom) {
		t.Errorf("JSON over a failing reader = %v, want %v", err, boom)
	}
	r = io.MultiReader(strings.NewReader("{\"id\":\"a\"}\n"), iotest.ErrReader(boom))
	if _, err := decode(t, r, "Records", stream.Options{}); !errors.Is(err, boom) {
		t.Errorf("JSON lines over a failing reader = %v, want %v", err, boom)
	}
}

func TestJSONStops(t *testing.T) {
	in := strings.Repeat(`{"id":"a"}`+"\n", 500)
	for _, layout := range []string{in, "[" + strings.ReplaceAll(strings.TrimSpace(in), "\n", ",") + "]"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		br := stream.NewReader(strings.NewReader(layout))
		err := stream.JSON(ctx, br, stream.Sniff(br, ""), "", stream.Options{}, &streamtest.Recorder{}, func(stream.Position, int64, *rec) error { return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("JSON with a cancelled context = %v", err)
		}
		stop := errors.New("stop")
		br = stream.NewReader(strings.NewReader(layout))
		err = stream.JSON(context.Background(), br, stream.Sniff(br, ""), "", stream.Options{}, &streamtest.Recorder{}, func(stream.Position, int64, *rec) error { return stop })
		if !errors.Is(err, stop) {
			t.Errorf("JSON with a failing callback = %v, want %v", err, stop)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want stream.Layout
	}{
		{`{"Records":[]}`, stream.LayoutEnvelope},
		{"\xef\xbb\xbf  {\"Records\":[]}", stream.LayoutEnvelope},
		{`[{"id":"a"}]`, stream.LayoutArray},
		{"{\"id\":\"a\"}\n{\"id\":\"b\"}\n", stream.LayoutLines},
		{"{\n\"id\":\"a\"}\n", stream.LayoutValues},
		{`{"id":"a"}{"id":"b"}`, stream.LayoutValues},
		{"", stream.LayoutLines},
	}
	for _, tc := range tests {
		if got := stream.Sniff(stream.NewReader(strings.NewReader(tc.in)), "Records"); got != tc.want {
			t.Errorf("Sniff(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestCheck(t *testing.T) {
	good := behavior.Record{Kind: behavior.KindFlow, Package: "DETECTIVE_CORE", Key: "k", Time: time.Unix(1, 0), Flow: &behavior.Flow{}}
	if err := streamtest.Check(good); err != nil {
		t.Errorf("Check(good) = %v", err)
	}
	for name, bad := range map[string]func(r *behavior.Record){
		"no key":        func(r *behavior.Record) { r.Key = "" },
		"no time":       func(r *behavior.Record) { r.Time = time.Time{} },
		"negative size": func(r *behavior.Record) { r.Size = -1 },
		"no payload":    func(r *behavior.Record) { r.Flow = nil },
	} {
		r := good
		bad(&r)
		if streamtest.Check(r) == nil {
			t.Errorf("Check(%s) = nil", name)
		}
	}
}

func FuzzLines(f *testing.F) {
	f.Add([]byte("a\nbb\r\n\nccc"), 2)
	f.Fuzz(func(t *testing.T, in []byte, max int) {
		max = 1 + int(uint(max)%64)
		l := stream.NewLines(bytes.NewReader(in), max)
		var n int64
		for l.Next() {
			n++
			if l.TooLong() == nil && len(l.Bytes()) > max {
				t.Fatalf("line %d is %d bytes, over the cap %d", n, len(l.Bytes()), max)
			}
		}
		if want := int64(bytes.Count(in, []byte{'\n'})); n < want || n > want+1 {
			t.Errorf("%d lines from %d newlines", n, want)
		}
	})
}
