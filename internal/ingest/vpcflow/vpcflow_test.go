package vpcflow

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/ingest/stream"
	"github.com/detective-local/detective-local/internal/ingest/stream/streamtest"
)

var update = flag.Bool("update", false, "rewrite the golden files from the decoder's output")

var testOptions = stream.Options{Region: "eu-central-1", Account: "999988887777"}

// samples are the decoder's sample files, each with its .golden file.
func samples(tb testing.TB) []string {
	tb.Helper()
	return streamtest.Samples(tb, "*.log")
}

func TestDecodeGolden(t *testing.T) {
	streamtest.RunGolden(t, Decode, samples(t), testOptions, *update)
}

func TestDecodeCounts(t *testing.T) {
	tests := []struct {
		file                        string
		records, malformed, skipped int
	}{
		{"default-v2.log", 4, 3, 2},
		{"headerless.log", 2, 0, 0},
		{"custom-v5.log", 3, 1, 0},
		{"custom-v8.log", 1, 0, 0},
	}
	for _, tc := range tests {
		rec := streamtest.DecodeFile(t, Decode, filepath.Join("testdata", tc.file), testOptions)
		if r, m, s := rec.Count(); r != tc.records || m != tc.malformed || s != tc.skipped {
			t.Errorf("Decode(%s) = %d records, %d malformed, %d skipped; want %d, %d, %d", tc.file, r, m, s, tc.records, tc.malformed, tc.skipped)
		}
	}
}

func TestDecodeFields(t *testing.T) {
	rs := streamtest.DecodeFile(t, Decode, "testdata/custom-v5.log", testOptions).Records()
	f := rs[0].Flow
	if rs[0].Region != "us-east-2" || rs[0].Account != "123456789012" {
		t.Errorf("region/account = %s/%s, want the record's us-east-2/123456789012", rs[0].Region, rs[0].Account)
	}
	if f.Version != 5 || f.VpcID != "vpc-0b1e2f3a4c5d6e7f8" || f.InstanceID != "i-0a1b2c3d4e5f67890" || f.TCPFlags != 19 ||
		f.PktDstAWSService != "S3" || f.FlowDirection != "egress" || f.TrafficPath != 8 || f.Bytes != 5740 || f.Packets != 12 {
		t.Errorf("custom v5 fields = %+v", f)
	}
	if want := time.Unix(1700000000, 0).UTC(); !rs[0].Time.Equal(want) {
		t.Errorf("Time = %v, want start %v", rs[0].Time, want)
	}
	if rs[2].Region != "eu-central-1" || !rs[2].Time.Equal(time.Unix(1700000120, 0)) {
		t.Errorf("record without region and start = %s at %v, want the options' region and its end time", rs[2].Region, rs[2].Time)
	}
	if rs[0].Key == rs[1].Key || len(rs[0].Key) != 32 {
		t.Errorf("keys %q and %q: want distinct 32-hex-digit line hashes", rs[0].Key, rs[1].Key)
	}
	again := streamtest.DecodeFile(t, Decode, "testdata/custom-v5.log", stream.Options{}).Records()
	if again[0].Key != rs[0].Key {
		t.Errorf("key changed between reads: %q, %q", rs[0].Key, again[0].Key)
	}
}

func TestDecodeLongLine(t *testing.T) {
	in := "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1418530010 1418530070 ACCEPT OK\n" +
		"2 123456789010 eni-1 " + strings.Repeat("9", 500) + " 10.0.0.2 1 2 6 1 40 1418530010 1418530070 ACCEPT OK\n" +
		"2 123456789010 eni-1 10.0.0.3 10.0.0.2 1 2 6 1 40 1418530010 1418530070 ACCEPT OK"
	opts := testOptions
	opts.MaxRecordBytes = 200
	rec := streamtest.Decode(t, Decode, []byte(in), opts)
	if r, m, _ := rec.Count(); r != 2 || m != 1 {
		t.Fatalf("Decode with one over-long line = %d records, %d malformed; want 2, 1", r, m)
	}
	if got := rec.Entries[1].Malformed; got.Line != 2 || !strings.Contains(got.Text, "longer than 200") {
		t.Errorf("malformed entry = %+v, want line 2 longer than 200 bytes", got)
	}
	if got := rec.Entries[2].Record; got == nil || got.Flow.SrcAddr != "10.0.0.3" {
		t.Errorf("entry after the long line = %+v, want the third line's record", rec.Entries[2])
	}
}

func FuzzDecode(f *testing.F) {
	streamtest.Fuzz(f, Decode, samples(f), 1<<12)
}
