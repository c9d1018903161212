package guardduty

import (
	"flag"
	"slices"
	"testing"
	"time"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/ingest/stream"
	"github.com/detective-local/detective-local/internal/ingest/stream/streamtest"
)

var update = flag.Bool("update", false, "rewrite the golden files from the decoder's output")

var testOptions = stream.Options{Region: "ap-southeast-2", Account: "999988887777"}

// samples are the decoder's sample files, each with its .golden file.
func samples(tb testing.TB) []string {
	tb.Helper()
	return streamtest.Samples(tb, "*.json", "*.jsonl")
}

func TestDecodeGolden(t *testing.T) {
	streamtest.RunGolden(t, Decode, samples(t), testOptions, *update)
}

func findingsOf(tb testing.TB, path string) map[string]behavior.Record {
	tb.Helper()
	out := map[string]behavior.Record{}
	for _, r := range streamtest.DecodeFile(tb, Decode, path, testOptions).Records() {
		out[r.Finding.ID] = r
	}
	return out
}

func TestDecodeEntities(t *testing.T) {
	all := findingsOf(t, "testdata/get-findings.json")
	for id, r := range findingsOf(t, "testdata/eventbridge.json") {
		all[id] = r
	}
	for id, r := range findingsOf(t, "testdata/export.jsonl") {
		all[id] = r
	}
	for id, r := range findingsOf(t, "testdata/array.json") {
		all[id] = r
	}
	tests := []struct {
		id   string
		name string
		got  func(*behavior.Finding) []string
		want []string
	}{
		{"90c8b7a1f2e3d4c5b6a7980f1e2d3c4b", "access key", func(f *behavior.Finding) []string { return f.AccessKeyIDs }, []string{"ASIAIOSFODNN7EXAMPLE"}},
		{"90c8b7a1f2e3d4c5b6a7980f1e2d3c4b", "role of the key", func(f *behavior.Finding) []string { return f.PrincipalARNs }, []string{"arn:aws:iam::123456789012:role/WebServerRole"}},
		{"90c8b7a1f2e3d4c5b6a7980f1e2d3c4b", "API caller IP", func(f *behavior.Finding) []string { return f.RemoteIPs }, []string{"185.220.101.4"}},
		{"90c8b7a1f2e3d4c5b6a7980f1e2d3c4b", "instance", func(f *behavior.Finding) []string { return f.InstanceIDs }, []string{"i-0a1b2c3d4e5f67890"}},
		{"a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1", "port probers, once each", func(f *behavior.Finding) []string { return f.RemoteIPs }, []string{"45.146.164.110", "193.32.162.51"}},
		{"b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6", "bucket", func(f *behavior.Finding) []string { return f.Buckets }, []string{"example-data"}},
		{"b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6", "IAM user", func(f *behavior.Finding) []string { return f.PrincipalARNs }, []string{"arn:aws:iam::123456789012:user/Bob"}},
		{"c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6", "EKS cluster", func(f *behavior.Finding) []string { return f.Clusters }, []string{"prod-eks"}},
		{"c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6", "Kubernetes caller IP", func(f *behavior.Finding) []string { return f.RemoteIPs }, []string{"203.0.113.50"}},
		{"e1e2e3e4", "IPv6 connection", func(f *behavior.Finding) []string { return f.RemoteIPs }, []string{"2001:db8::dead:beef"}},
		{"f0f0f0f0", "root", func(f *behavior.Finding) []string { return f.PrincipalARNs }, []string{"arn:aws:iam::123456789012:root"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := all[tc.id]
			if !ok {
				t.Fatalf("finding %s not decoded", tc.id)
			}
			if got := tc.got(r.Finding); !slices.Equal(got, tc.want) {
				t.Errorf("%s of %s = %q, want %q", tc.name, tc.id, got, tc.want)
			}
		})
	}
	r := all["90c8b7a1f2e3d4c5b6a7980f1e2d3c4b"]
	if r.Key != "90c8b7a1f2e3d4c5b6a7980f1e2d3c4b@2025-03-14T10:05:31.112Z" || r.Finding.Severity != "HIGH" ||
		!r.Finding.FirstSeen.Equal(time.Date(2025, 3, 14, 9, 58, 40, 0, time.UTC)) || !r.Time.Equal(r.Finding.UpdatedAt) {
		t.Errorf("exfiltration finding = key %q severity %s window %v, time %v", r.Key, r.Finding.Severity, r.Finding.FirstSeen, r.Time)
	}
}

func TestSeverityLabel(t *testing.T) {
	tests := []struct {
		score float64
		want  string
	}{
		{0, "INFORMATIONAL"}, {1, "LOW"}, {3.9, "LOW"}, {4, "MEDIUM"}, {6.9, "MEDIUM"},
		{7, "HIGH"}, {8.9, "HIGH"}, {9, "CRITICAL"}, {10, "CRITICAL"},
	}
	for _, tc := range tests {
		if got := severityLabel(tc.score); got != tc.want {
			t.Errorf("severityLabel(%v) = %s, want %s", tc.score, got, tc.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	streamtest.Fuzz(f, Decode, samples(f), 1<<16)
}
