package awslogs

import "testing"

func TestParseKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		want Location
	}{
		{"AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/14/111111111111_CloudTrail_us-east-1_20260314T1505Z_abc.json.gz",
			Location{Account: "111111111111", Region: "us-east-1", Format: FormatCloudTrail}},
		{"trails/AWSLogs/o-exampleorg1/222222222222/CloudTrail/eu-west-1/2026/03/14/x.json.gz",
			Location{Account: "222222222222", Region: "eu-west-1", Format: FormatCloudTrail}},
		{"/tmp/logs/AWSLogs/111111111111/vpcflowlogs/us-gov-west-1/2026/03/14/f.log.gz",
			Location{Account: "111111111111", Region: "us-gov-west-1", Format: FormatVPCFlow}},
		{"AWSLogs/aws-account-id=333333333333/aws-service=vpcflowlogs/aws-region=ap-southeast-2/year=2026/month=03/day=14/f.log.gz",
			Location{Account: "333333333333", Region: "ap-southeast-2", Format: FormatVPCFlow}},
		{"export/AWSLogs/111111111111/GuardDuty/us-east-1/2026/03/14/0b1c.jsonl.gz",
			Location{Account: "111111111111", Region: "us-east-1", Format: FormatGuardDuty}},
		{`C:\logs\AWSLogs\111111111111\GuardDuty\us-east-1\a.jsonl.gz`,
			Location{Account: "111111111111", Region: "us-east-1", Format: FormatGuardDuty}},
		{"AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2026/03/14/d.json.gz",
			Location{Account: "111111111111", Region: "us-east-1", NotLog: "CloudTrail digest file"}},
		// A region segment that is no region code leaves the region unknown.
		{"AWSLogs/111111111111/CloudTrail/2026/03/14/x.json.gz",
			Location{Account: "111111111111", Format: FormatCloudTrail}},
		{"AWSLogs/1111/CloudTrail/us-east-1/x.json.gz", Location{}},
		{"AWSLogs/111111111111/S3/us-east-1/x.json.gz", Location{}},
		{"AWSLogs/111111111111", Location{}},
		{"cloudtrail/x.json.gz", Location{}},
		{"", Location{}},
	}
	for _, tc := range tests {
		if got := ParseKey(tc.key); got != tc.want {
			t.Errorf("ParseKey(%q) = %+v, want %+v", tc.key, got, tc.want)
		}
	}
}

func TestLogLike(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"x.json.gz", true}, {"x.JSON", true}, {"f.log.gz", true}, {"f.jsonl", true}, {"e.ndjson", true},
		{"000000.gz", true}, {"flows.txt", true},
		{"README.md", false}, {"manifest.csv", false}, {"README", false}, {".gz", false}, {"x.tar.gz", false},
	}
	for _, tc := range tests {
		if got := LogLike(tc.name); got != tc.want {
			t.Errorf("LogLike(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
