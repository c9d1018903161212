package eksaudit

import (
	"flag"
	"path/filepath"
	"slices"
	"testing"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/ingest/stream"
	"github.com/detective-local/detective-local/internal/ingest/stream/streamtest"
)

var update = flag.Bool("update", false, "rewrite the golden files from the decoder's output")

var testOptions = stream.Options{Region: "eu-west-1", Account: "999988887777", Cluster: "given-cluster"}

// samples are the decoder's sample files, each with its .golden file.
func samples(tb testing.TB) []string {
	tb.Helper()
	return streamtest.Samples(tb, "*.json", "*.jsonl", "*.log")
}

func TestDecodeGolden(t *testing.T) {
	streamtest.RunGolden(t, Decode, samples(t), testOptions, *update)
}

func TestDecodeCounts(t *testing.T) {
	tests := []struct {
		file                        string
		records, malformed, skipped int
	}{
		{"audit.jsonl", 4, 2, 1},
		{"export.log", 2, 0, 1},
		{"subscription.json", 2, 0, 1},
		{"filter-log-events.json", 1, 0, 0},
	}
	for _, tc := range tests {
		rec := streamtest.DecodeFile(t, Decode, filepath.Join("testdata", tc.file), testOptions)
		if r, m, s := rec.Count(); r != tc.records || m != tc.malformed || s != tc.skipped {
			t.Errorf("Decode(%s) = %d records, %d malformed, %d skipped; want %d, %d, %d", tc.file, r, m, s, tc.records, tc.malformed, tc.skipped)
		}
	}
}

func eventsOf(tb testing.TB, file string) map[string]behavior.Record {
	tb.Helper()
	out := map[string]behavior.Record{}
	for _, r := range streamtest.DecodeFile(tb, Decode, filepath.Join("testdata", file), testOptions).Records() {
		out[r.K8s.AuditID] = r
	}
	return out
}

func TestDecodeEvents(t *testing.T) {
	audit := eventsOf(t, "audit.jsonl")
	pod := audit["4d2ea952-3b46-4a0e-9b55-0d1a2b3c4d5e"]
	if got, want := pod.K8s.Images, []string{"docker.io/xmrig/xmrig:6.21.0", "busybox:1.36"}; !slices.Equal(got, want) {
		t.Errorf("pod images = %q, want %q", got, want)
	}
	if pod.K8s.PrincipalARN != "arn:aws:iam::123456789012:role/EKSAdmin" || pod.K8s.AccessKeyID != "ASIAEKSADMINEXAMPLE1" {
		t.Errorf("pod creator IAM identity = %q %q", pod.K8s.PrincipalARN, pod.K8s.AccessKeyID)
	}
	if pod.Key != "4d2ea952-3b46-4a0e-9b55-0d1a2b3c4d5e/ResponseComplete" || pod.Time.Format("15:04:05.000000") != "08:10:00.151203" ||
		pod.Package != "EKS_AUDIT" || pod.K8s.Cluster != "given-cluster" || pod.Account != "999988887777" {
		t.Errorf("pod event = key %q time %v package %s cluster %q account %s", pod.Key, pod.Time, pod.Package, pod.K8s.Cluster, pod.Account)
	}
	deploy := audit["5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d"]
	if got := deploy.K8s.Images; len(got) != 2 || got[0] != "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v42" {
		t.Errorf("deployment images = %q", got)
	}
	if exec := audit["0a0b0c0d-1e1f-4a4b-8c8d-9e9f0a0b0c0d"]; exec.K8s.Subresource != "exec" || exec.K8s.Images != nil || exec.K8s.ResponseCode != 101 {
		t.Errorf("exec event = %+v", exec.K8s)
	}
	for id, r := range eventsOf(t, "subscription.json") {
		if r.K8s.Cluster != "prod-eks" || r.Account != "210987654321" {
			t.Errorf("subscription event %s: cluster %q account %s, want the log group's prod-eks and the owner 210987654321", id, r.K8s.Cluster, r.Account)
		}
	}
}

func TestClusterOf(t *testing.T) {
	tests := map[string]string{
		"/aws/eks/prod-eks/cluster": "prod-eks",
		"/aws/eks//cluster":         "",
		"/aws/eks/a/b/cluster":      "",
		"/aws/lambda/fn":            "",
		"":                          "",
	}
	for in, want := range tests {
		if got := clusterOf(in); got != want {
			t.Errorf("clusterOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	streamtest.Fuzz(f, Decode, samples(f), 1<<16)
}
