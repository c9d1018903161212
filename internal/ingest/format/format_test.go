package format

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest/stream/streamtest"
)

// decoderSamples are the decoder packages' test files, each with the
// format it is in.
func decoderSamples(tb testing.TB) map[string]Format {
	tb.Helper()
	out := map[string]Format{}
	for dir, f := range map[string]Format{
		"../cloudtrail/testdata": CloudTrail, "../vpcflow/testdata": VPCFlow, "../guardduty/testdata": GuardDuty,
		"../asff/testdata": ASFF, "../eksaudit/testdata": EKSAudit,
	} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			tb.Fatal(err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".golden") {
				out[filepath.Join(dir, e.Name())] = f
			}
		}
	}
	return out
}

func mustGzip(tb testing.TB, parts ...[]byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	for _, p := range parts { // one member each, as concatenated log files are
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write(p); err != nil {
			tb.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			tb.Fatal(err)
		}
	}
	return buf.Bytes()
}

func detect(tb testing.TB, in []byte) (Format, error) {
	tb.Helper()
	r, err := Open(bytes.NewReader(in), Limits{})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	return Detect(NewReader(r))
}

func TestDetectSamples(t *testing.T) {
	for path, want := range decoderSamples(t) {
		in := streamtest.ReadFile(t, path)
		if got, err := detect(t, in); got != want || err != nil {
			t.Errorf("Detect(%s) = %q, %v; want %q", path, got, err, want)
		}
		if got, err := detect(t, mustGzip(t, in)); got != want || err != nil {
			t.Errorf("Detect(gzip of %s) = %q, %v; want %q", path, got, err, want)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Format
	}{
		{"flow log without header", "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n", VPCFlow},
		{"custom flow log header", "vpc-id srcaddr dstaddr start end log-status\n", VPCFlow},
		{"CloudTrail event line", `{"eventVersion":"1.08","eventID":"x"}` + "\n", CloudTrail},
		{"GuardDuty CLI output", `{"Findings":[{"SchemaVersion":"2.0","Type":"Recon:EC2/Portscan","Service":{}}]}`, GuardDuty},
		{"ASFF CLI output", `{"Findings":[{"SchemaVersion":"2018-10-08","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/guardduty","Types":[]}]}`, ASFF},
		{"EKS export line", `2025-05-01T08:20:00.000Z {"kind":"Event","apiVersion":"audit.k8s.io/v1"}` + "\n", EKSAudit},
		{"subscription payload", `{"messageType":"DATA_MESSAGE","logGroup":"/aws/eks/c/cluster","logEvents":[]}`, EKSAudit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := detect(t, []byte(tc.in)); got != tc.want || err != nil {
				t.Errorf("Detect(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestDetectUnknown(t *testing.T) {
	for _, in := range []string{"", "   \n", "hello world\n", `{"a":1}`, "1 2 3\n", "\x00\x01\x02"} {
		_, err := detect(t, []byte(in))
		if !errors.Is(err, ErrUnknownFormat) || detective.KindOf(err) != detective.KindValidation {
			t.Errorf("Detect(%q) = %v, want a validation error wrapping ErrUnknownFormat", in, err)
			continue
		}
		for _, f := range Formats() {
			if !strings.Contains(err.Error(), string(f)) {
				t.Errorf("Detect(%q) error %q does not list %s", in, err, f)
			}
		}
	}
}

func TestParse(t *testing.T) {
	for _, f := range Formats() {
		if got, err := Parse(string(f)); got != f || err != nil {
			t.Errorf("Parse(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := Parse("cloudwatch"); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Parse(cloudwatch) = %v, want ErrUnknownFormat", err)
	}
	if err := Decode(context.Background(), "csv", strings.NewReader(""), Options{}, &streamtest.Recorder{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Decode(csv) = %v, want ErrUnknownFormat", err)
	}
}

// TestDecodeGzipMembers reads two gzipped log files concatenated, as one
// stream.
func TestDecodeGzipMembers(t *testing.T) {
	in := streamtest.ReadFile(t, "../cloudtrail/testdata/records.json")
	r, err := Open(bytes.NewReader(mustGzip(t, in, in)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var rec streamtest.Recorder
	if err := Decode(context.Background(), CloudTrail, r, Options{}, &rec); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := rec.Count(); n != 20 {
		t.Errorf("records from two gzip members = %d, want 20", n)
	}
}

func TestOpenCap(t *testing.T) {
	line := "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1418530010 1418530070 ACCEPT OK\n"
	plain := []byte(strings.Repeat(line, 1000))
	tests := []struct {
		name  string
		f     Format
		in    []byte
		limit int64
		fails bool
	}{
		{"under the cap", VPCFlow, plain, int64(len(plain)), false},
		{"flow log over the cap", VPCFlow, plain, int64(len(plain)) - 1, true},
		{"zeros over the cap", VPCFlow, make([]byte, 1<<20), 64 << 10, true},
		{"JSON over the cap", CloudTrail, streamtest.ReadFile(t, "../cloudtrail/testdata/records.json"), 4096, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(bytes.NewReader(mustGzip(t, tc.in)), Limits{MaxDecompressedBytes: tc.limit})
			if err != nil {
				t.Fatal(err)
			}
			err = Decode(context.Background(), tc.f, r, Options{}, &streamtest.Recorder{})
			var limitErr *LimitError
			if got := errors.As(err, &limitErr); got != tc.fails {
				t.Fatalf("Decode = %v; want a *LimitError: %v", err, tc.fails)
			}
			if tc.fails && (limitErr.Limit != tc.limit || limitErr.Compressed <= 0) {
				t.Errorf("LimitError = %+v, want limit %d and the compressed bytes read", limitErr, tc.limit)
			}
		})
	}
}

func TestOpenPlain(t *testing.T) {
	in := []byte("not gzip")
	r, err := Open(bytes.NewReader(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, in) {
		t.Errorf("Open(plain) reads %q, %v; want the input as is", got, err)
	}
	if _, err := Open(bytes.NewReader([]byte{0x1f, 0x8b, 0}), Limits{}); err == nil {
		t.Error("Open(broken gzip header) = nil error")
	}
}

func FuzzDecode(f *testing.F) {
	for path := range decoderSamples(f) {
		in := streamtest.ReadFile(f, path)
		f.Add(in)
		f.Add(mustGzip(f, in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := Open(bytes.NewReader(in), Limits{MaxDecompressedBytes: 1 << 20})
		if err != nil {
			return // a broken gzip header
		}
		br := NewReader(r)
		format, err := Detect(br)
		if err != nil {
			if !errors.Is(err, ErrUnknownFormat) {
				t.Errorf("Detect = %v, want nil or ErrUnknownFormat", err)
			}
			return
		}
		gzipped := len(in) > 1 && in[0] == 0x1f && in[1] == 0x8b
		err = Decode(context.Background(), format, br, Options{MaxRecordBytes: 1 << 16}, streamtest.CheckSink{TB: t})
		if err != nil && !gzipped {
			t.Errorf("Decode(%s) of plain input = %v; malformed input must go through Sink.Malformed", format, err)
		}
	})
}
