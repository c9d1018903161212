package sts

import (
	"regexp"
	"testing"
)

func TestParseRoleARN(t *testing.T) {
	for _, tc := range []struct {
		arn, account, name string
		ok                 bool
	}{
		{"arn:aws:iam::123456789012:role/Admin", "123456789012", "Admin", true},
		{"arn:aws:iam::123456789012:role/path/to/Admin", "123456789012", "Admin", true},
		{"arn:aws-cn:iam::123456789012:role/Admin", "123456789012", "Admin", true},
		{"arn:aws:iam::123456789012:user/alice", "", "", false},
		{"arn:aws:iam:us-east-1:123456789012:role/Admin", "", "", false},
		{"arn:aws:s3::123456789012:role/Admin", "", "", false},
		{"arn:aws:iam::12345:role/Admin", "", "", false},
		{"arn:aws:iam::123456789012:role/", "", "", false},
		{"not an arn", "", "", false},
	} {
		r, err := parseRoleARN(tc.arn)
		if (err == nil) != tc.ok || string(r.account) != tc.account || r.name != tc.name {
			t.Errorf("parseRoleARN(%q) = %+v, %v; want account %q name %q ok %v", tc.arn, r, err, tc.account, tc.name, tc.ok)
		}
	}
	r, _ := parseRoleARN("arn:aws:iam::123456789012:role/path/Admin")
	if got := r.assumedRoleARN("s"); got != "arn:aws:sts::123456789012:assumed-role/Admin/s" {
		t.Errorf("assumedRoleARN = %s", got)
	}
	if id := r.id(); !regexp.MustCompile(`^AROA[A-Z2-7]{17}$`).MatchString(id) {
		t.Errorf("role id = %s, want AROA and 17 characters", id)
	}
}

func TestRandomKeys(t *testing.T) {
	var k RandomKeys
	if id := k.AccessKeyID(); !regexp.MustCompile(`^ASIA[A-Z2-7]{16}$`).MatchString(id) {
		t.Errorf("AccessKeyID = %s", id)
	}
	if s := k.SecretAccessKey(); len(s) != 40 {
		t.Errorf("SecretAccessKey = %q, want 40 characters", s)
	}
	if a, b := k.SessionToken(), k.SessionToken(); a == b {
		t.Errorf("SessionToken repeats")
	}
}
