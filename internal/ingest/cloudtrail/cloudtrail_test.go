package cloudtrail

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/ingest/stream"
	"github.com/detective-local/detective-local/internal/ingest/stream/streamtest"
)

var update = flag.Bool("update", false, "rewrite the golden files from the decoder's output")

var testOptions = stream.Options{Region: "ap-southeast-2", Account: "999988887777"}

// samples are the decoder's sample files, each with its .golden file.
func samples(tb testing.TB) []string {
	tb.Helper()
	return streamtest.Samples(tb, "*.json", "*.ndjson")
}

func TestDecodeGolden(t *testing.T) {
	streamtest.RunGolden(t, Decode, samples(t), testOptions, *update)
}

// TestDecodeRules states the mapping rules one by one, so a broken rule
// names itself rather than only changing a golden file.
func TestDecodeRules(t *testing.T) {
	rec := streamtest.DecodeFile(t, Decode, "testdata/records.json", testOptions)
	byID := map[string]behavior.Record{}
	for _, r := range rec.Records() {
		byID[r.Key] = r
	}
	tests := []struct {
		name string
		id   string
		ok   func(behavior.Record) bool
	}{
		{"IAM user keeps its key and ARN", "30e1c3f7-6fd5-4b2c-9c4a-7d0d13e28b01", func(r behavior.Record) bool {
			return r.API.AccessKeyID == "AKIAIOSFODNN7EXAMPLE" && r.API.PrincipalARN == "arn:aws:iam::123456789012:user/Alice" && r.API.UserName == "Alice"
		}},
		{"request parameters kept raw", "30e1c3f7-6fd5-4b2c-9c4a-7d0d13e28b01", func(r behavior.Record) bool {
			return string(r.API.RequestParameters) == `{"userName": "Bob"}`
		}},
		{"size is the record's bytes", "30e1c3f7-6fd5-4b2c-9c4a-7d0d13e28b01", func(r behavior.Record) bool {
			line := strings.Split(string(streamtest.ReadFile(t, "testdata/records.json")), "\n")[1]
			return r.Size == int64(len(strings.TrimSuffix(strings.TrimSpace(line), ",")))
		}},
		{"assumed role names its issuing role", "5b1e1a96-6f4f-4bd0-8d5b-7c4f0c1f2e11", func(r behavior.Record) bool {
			return r.API.PrincipalType == behavior.PrincipalAssumedRole && r.API.IssuerARN == "arn:aws:iam::123456789012:role/WebServerRole" && r.API.IssuerType == "Role"
		}},
		{"null response elements are nil", "5b1e1a96-6f4f-4bd0-8d5b-7c4f0c1f2e11", func(r behavior.Record) bool {
			return r.API.ResponseElements == nil && r.API.ReadOnly != nil && *r.API.ReadOnly
		}},
		{"console sign-in MFA from additionalEventData", "3fcfb586-12c6-4a5e-a1f6-0e4b9a5f7a22", func(r behavior.Record) bool {
			return r.API.MFAUsed != nil && *r.API.MFAUsed
		}},
		{"AWS service caller keeps its DNS source", "a7c2f9d1-33b4-4e8f-8f51-1c9e6d2b3a44", func(r behavior.Record) bool {
			return r.API.SourceIP == "ec2.amazonaws.com" && r.API.InvokedBy == "ec2.amazonaws.com" && len(r.API.Resources) == 1
		}},
		{"error code kept", "0f4e2d1c-9b8a-4765-8432-10fedcba9876", func(r behavior.Record) bool { return r.API.ErrorCode == "AccessDenied" }},
		{"root session MFA from sessionContext", "e3b0c442-98fc-4c14-9afb-f4c8996fb924", func(r behavior.Record) bool {
			return r.API.PrincipalType == behavior.PrincipalRoot && r.Region == "eu-west-1" && r.API.MFAUsed != nil && *r.API.MFAUsed
		}},
		{"event without management fields is management", "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a", func(r behavior.Record) bool {
			return r.API.Management && r.API.IssuerARN == "arn:aws:iam::123456789012:user/Alice"
		}},
		{"account is the recipient, not the caller", "11112222-3333-4444-5555-666677778888", func(r behavior.Record) bool { return r.Account == "123456789012" }},
		{"identity center user ID", "aaaabbbb-cccc-4ddd-8eee-ffff00001111", func(r behavior.Record) bool {
			return r.API.PrincipalID == "94482488-3041-7026-18f3-be45837cd0e4"
		}},
		{"data event is not management", "d0d0d0d0-1111-4222-8333-444455556666", func(r behavior.Record) bool { return !r.API.Management }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := byID[tc.id]
			if !ok {
				t.Fatalf("no record %s", tc.id)
			}
			if !tc.ok(r) {
				t.Errorf("record %s = %+v %+v", tc.id, r, *r.API)
			}
		})
	}
	if records, malformed, skipped := rec.Count(); records != 10 || malformed != 3 || skipped != 1 {
		t.Errorf("Count() = %d records, %d malformed, %d skipped; want 10, 3, 1", records, malformed, skipped)
	}
}

func TestDecodeFallsBackToOptions(t *testing.T) {
	rec := streamtest.DecodeFile(t, Decode, "testdata/events.ndjson", testOptions)
	var found bool
	for _, r := range rec.Records() {
		if r.Key == "no-region-0001" {
			found = true
			if r.Account != "999988887777" || r.Region != "ap-southeast-2" {
				t.Errorf("record without account or region = %s/%s, want the options' 999988887777/ap-southeast-2", r.Account, r.Region)
			}
		}
	}
	if !found {
		t.Fatal("record no-region-0001 not decoded")
	}
}

func TestDecodeStops(t *testing.T) {
	stop := errors.New("store full")
	in := streamtest.ReadFile(t, "testdata/records.json")
	rec := &streamtest.Recorder{Fail: stop}
	if err := Decode(context.Background(), bytes.NewReader(in), testOptions, rec); !errors.Is(err, stop) {
		t.Errorf("Decode with a failing sink = %v, want %v", err, stop)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := generate(200)
	if err := Decode(ctx, bytes.NewReader(big), testOptions, &streamtest.Recorder{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Decode with a cancelled context = %v, want %v", err, context.Canceled)
	}
}

func TestDecodeRecordCap(t *testing.T) {
	in := generate(3)
	opts := testOptions
	opts.MaxRecordBytes = 200 // every generated record is longer
	rec := streamtest.Decode(t, Decode, in, opts)
	if records, malformed, _ := rec.Count(); records != 0 || malformed == 0 {
		t.Errorf("Count() with a 200-byte cap = %d records, %d malformed; want 0 records and a malformed report", records, malformed)
	}
}

func FuzzDecode(f *testing.F) {
	streamtest.Fuzz(f, Decode, samples(f), 1<<16)
}

func TestManagement(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		category   string
		management *bool
		want       bool
	}{
		{"", nil, true}, // events before eventVersion 1.07 carry neither
		{"Management", &yes, true},
		{"Management", nil, true},
		{"Data", nil, false},
		{"Data", &no, false},
		{"", &no, false},
	}
	for _, tc := range tests {
		ev := &event{EventID: "e", EventTime: "2025-01-01T00:00:00Z", EventCategory: tc.category, ManagementEvent: tc.management}
		r, err := ev.record(stream.Options{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.API.Management != tc.want {
			t.Errorf("eventCategory %q, managementEvent %v: Management = %v, want %v", tc.category, tc.management, r.API.Management, tc.want)
		}
	}
}
