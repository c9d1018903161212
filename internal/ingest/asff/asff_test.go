package asff

import (
	"flag"
	"slices"
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
	return streamtest.Samples(tb, "*.json", "*.jsonl")
}

func TestDecodeGolden(t *testing.T) {
	streamtest.RunGolden(t, Decode, samples(t), testOptions, *update)
}

func TestDecodeEntities(t *testing.T) {
	all := map[string]behavior.Record{}
	for _, path := range samples(t) {
		for _, r := range streamtest.DecodeFile(t, Decode, path, testOptions).Records() {
			all[r.Finding.ID] = r
		}
	}
	const gd = "arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0/finding/90c8b7a1f2e3d4c5b6a7980f1e2d3c4b"
	const s3 = "arn:aws:securityhub:us-east-1:123456789012:security-control/S3.8/finding/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
	const aa = "arn:aws:access-analyzer:eu-west-1:123456789012:analyzer/org/finding/1111"
	const eks = "arn:aws:guardduty:eu-west-1:210987654321:detector/abcdef0123456789abcdef0123456789/finding/c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6"
	const cve = "arn:aws:inspector2:eu-west-1:210987654321:finding/abc"
	tests := []struct {
		id   string
		name string
		got  func(*behavior.Finding) []string
		want []string
	}{
		{gd, "access key from the resource Id", func(f *behavior.Finding) []string { return f.AccessKeyIDs }, []string{"ASIAIOSFODNN7EXAMPLE"}},
		{gd, "principal name", func(f *behavior.Finding) []string { return f.UserNames }, []string{"WebServerRole"}},
		{gd, "instance from its ARN", func(f *behavior.Finding) []string { return f.InstanceIDs }, []string{"i-0a1b2c3d4e5f67890"}},
		{gd, "API caller IP", func(f *behavior.Finding) []string { return f.RemoteIPs }, []string{"185.220.101.4"}},
		{s3, "bucket from its ARN", func(f *behavior.Finding) []string { return f.Buckets }, []string{"example-data"}},
		{aa, "role and user ARNs", func(f *behavior.Finding) []string { return f.PrincipalARNs }, []string{"arn:aws:iam::123456789012:role/CrossAccountAudit", "arn:aws:iam::123456789012:user/Alice"}},
		{aa, "network source IP", func(f *behavior.Finding) []string { return f.RemoteIPs }, []string{"198.51.100.23"}},
		{eks, "EKS cluster", func(f *behavior.Finding) []string { return f.Clusters }, []string{"prod-eks"}},
		{cve, "instance in an EventBridge event", func(f *behavior.Finding) []string { return f.InstanceIDs }, []string{"i-0fedcba9876543210"}},
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
	for _, tc := range []struct{ id, label, region, account string }{
		{gd, "HIGH", "us-east-1", "123456789012"},
		{s3, "HIGH", "us-east-1", "123456789012"}, // from Normalized 70 and the resource's region
		{aa, "LOW", "eu-west-1", "123456789012"},
		{eks, "HIGH", "eu-west-1", "210987654321"},
	} {
		r := all[tc.id]
		if r.Finding.Severity != tc.label || r.Region != tc.region || string(r.Account) != tc.account || r.Package != "ASFF_SECURITYHUB_FINDING" {
			t.Errorf("finding %s = %s in %s/%s (%s), want %s in %s/%s", tc.id, r.Finding.Severity, r.Account, r.Region, r.Package, tc.label, tc.account, tc.region)
		}
	}
	if r := all[gd]; r.Key != gd+"@2025-03-14T10:05:31.112Z" || r.Finding.SeverityScore != 60 || r.Finding.Type != "TTPs/Initial Access/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS" {
		t.Errorf("GuardDuty ASFF finding = key %q score %v type %q", r.Key, r.Finding.SeverityScore, r.Finding.Type)
	}
}

func FuzzDecode(f *testing.F) {
	streamtest.Fuzz(f, Decode, samples(f), 1<<16)
}
