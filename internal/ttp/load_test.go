package ttp

import (
	"strings"
	"testing"

	"github.com/detective-local/detective-local/internal/behavior"
)

// tsv joins rows of columns with tabs, under the header.
func tsv(rows ...[]string) string {
	lines := []string{"# an operator's own mapping", header}
	for _, r := range rows {
		lines = append(lines, strings.Join(r, "\t"))
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestLoadOverride(t *testing.T) {
	t.Parallel()
	base := mustLoad(t)
	extra := tsv(
		// Replaces the embedded row of the same event and condition.
		[]string{"secretsmanager.amazonaws.com", "GetSecretValue", "", "Collection", "T1530 Data from Cloud Storage", "Read a secret (our view)", "team runbook"},
		// Removes an embedded row.
		[]string{"s3.amazonaws.com", "DeleteBucket", "", "-", "", "", ""},
		// Adds rows, conditional and not.
		[]string{"ec2.amazonaws.com", "DescribeInstances", "userAgent contains Pacu", "Discovery", "T1580 Cloud Infrastructure Discovery", "Listed instances with Pacu", "team runbook"},
		[]string{"ec2.amazonaws.com", "DescribeInstances", "userAgent contains pacu/", "Discovery", "T1580 Cloud Infrastructure Discovery", "Listed instances with Pacu (versioned agent)", "team runbook"},
	)
	second := tsv(
		// A later file overrides an earlier one.
		[]string{"ec2.amazonaws.com", "DescribeInstances", "userAgent contains pacu/", "Discovery", "T1580 Cloud Infrastructure Discovery", "Pacu, second file", "team runbook"},
		// Removing a row that does not exist is not an error.
		[]string{"ec2.amazonaws.com", "NoSuchCall", "", "-", "", "", ""},
	)
	table := mustLoad(t, extra, second)

	if got, want := len(table.Rows()), len(base.Rows())-1+2; got != want {
		t.Errorf("rows = %d, want %d", got, want)
	}
	got := table.Match(behavior.APICall{EventSource: "secretsmanager.amazonaws.com", EventName: "GetSecretValue"})
	if len(got) != 1 || got[0].Tactic != "Collection" || got[0].Procedure != "Read a secret (our view)" {
		t.Errorf("overridden GetSecretValue = %+v", got)
	}
	if got := table.Match(behavior.APICall{EventSource: "s3.amazonaws.com", EventName: "DeleteBucket"}); got != nil {
		t.Errorf("removed DeleteBucket = %+v, want nil", got)
	}
	pacu := behavior.APICall{EventSource: "ec2.amazonaws.com", EventName: "DescribeInstances", UserAgent: "Boto3/1.34 Pacu/1.5.3"}
	var procs []string
	for _, m := range table.Match(pacu) {
		procs = append(procs, m.Procedure)
	}
	if got, want := strings.Join(procs, "|"), "Listed instances with Pacu|Pacu, second file"; got != want {
		t.Errorf("Match(Pacu) procedures = %q, want %q (table order)", got, want)
	}
	// The embedded table itself is untouched by another Load.
	if got := base.Match(behavior.APICall{EventSource: "s3.amazonaws.com", EventName: "DeleteBucket"}); len(got) != 1 {
		t.Errorf("base DeleteBucket = %+v, want one mapping", got)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	row := func(cols ...string) string { return tsv(cols) }
	tests := []struct {
		name, file, wantErr string
	}{
		{"no header", "s3.amazonaws.com\tDeleteBucket\t\tImpact\tT1485 Data Destruction\tx\ty\n", "header"},
		{"too few columns", header + "\ns3.amazonaws.com\tDeleteBucket\tImpact\n", "7 tab-separated columns"},
		{"unknown tactic", row("s3.amazonaws.com", "DeleteBucket", "", "Stealth", "T1485 Data Destruction", "x", "y"), "tactic"},
		{"technique without name", row("s3.amazonaws.com", "DeleteBucket", "", "Impact", "T1485", "x", "y"), "technique"},
		{"technique malformed", row("s3.amazonaws.com", "DeleteBucket", "", "Impact", "T14850 Data Destruction", "x", "y"), "technique"},
		{"no procedure", row("s3.amazonaws.com", "DeleteBucket", "", "Impact", "T1485 Data Destruction", "", "y"), "procedure"},
		{"no source", row("s3.amazonaws.com", "DeleteBucket", "", "Impact", "T1485 Data Destruction", "x", ""), "source"},
		{"no event name", row("s3.amazonaws.com", "", "", "Impact", "T1485 Data Destruction", "x", "y"), "eventName"},
		{"unknown field", row("s3.amazonaws.com", "DeleteBucket", "sourceIPAddress=1.2.3.4", "Impact", "T1485 Data Destruction", "x", "y"), "unknown field"},
		{"unknown operator", row("s3.amazonaws.com", "DeleteBucket", "errorCode ~ x", "Impact", "T1485 Data Destruction", "x", "y"), "operator"},
		{"no value", row("s3.amazonaws.com", "DeleteBucket", "errorCode=", "Impact", "T1485 Data Destruction", "x", "y"), "no value"},
		{"empty path step", row("s3.amazonaws.com", "DeleteBucket", "requestParameters..a=1", "Impact", "T1485 Data Destruction", "x", "y"), "empty path step"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "extra mapping 1:") {
				t.Errorf("Load = %v, want an error naming the file, line and %q", err, tc.wantErr)
			}
		})
	}
}

func TestConditions(t *testing.T) {
	t.Parallel()
	base := behavior.APICall{
		ErrorCode:         "AccessDenied",
		UserAgent:         "aws-cli/2.15.0 Python/3.11",
		PrincipalType:     behavior.PrincipalAssumedRole,
		RequestParameters: []byte(`{"a":{"b":[{"c":1},{"c":"x"}],"n":null,"t":true},"s":"Hello"}`),
		ResponseElements:  []byte(`{"ok":"yes"}`),
	}
	tests := []struct {
		cond string
		want bool
	}{
		{"", true},
		{"errorCode=present", true},
		{"errorCode=absent", false},
		{"errorCode=accessdenied", true},
		{"errorCode!=AccessDenied", false},
		{"userAgent startswith AWS-CLI/", true},
		{"userAgent contains python", true},
		{"userAgent not contains python", false},
		{"userIdentity.type=AssumedRole", true},
		{"userIdentity.type!=Root", true},
		{"additionalEventData.MFAUsed=absent", true},
		{"additionalEventData.MFAUsed!=Yes", true},
		{"requestParameters.a.b.c=1", true},
		{"requestParameters.a.b.c=x", true},
		{"requestParameters.a.b.c=2", false},
		{"requestParameters.a.b.c!=2", true},
		{"requestParameters.a.n=present", false}, // null is absent
		{"requestParameters.a.n=absent", true},
		{"requestParameters.a.t=true", true},
		{"requestParameters.a.missing=absent", true},
		{"requestParameters.s.deeper=absent", true}, // a path through a string
		{"requestParameters.a contains \"t\":true", true},
		{"requestParameters contains hello", true},
		{"requestParameters not contains goodbye", true},
		{"responseElements.ok=yes", true},
		{"responseElements=present", true},
		{"errorCode=present and userAgent contains cli and requestParameters.a.t=true", true},
		{"errorCode=present and userAgent contains boto", false},
	}
	for _, tc := range tests {
		c, err := parseCondition(tc.cond)
		if err != nil {
			t.Errorf("parseCondition(%q): %v", tc.cond, err)
			continue
		}
		call := base
		if got := c.holds(&event{call: &call}); got != tc.want {
			t.Errorf("condition %q = %v, want %v", tc.cond, got, tc.want)
		}
	}
	// No documents at all: fields inside them are absent.
	empty := behavior.APICall{}
	for cond, want := range map[string]bool{
		"requestParameters=absent":              true,
		"requestParameters.x!=1":                true,
		"requestParameters contains a":          false,
		"responseElements.ConsoleLogin=Success": false,
		"errorCode=absent":                      true,
		"additionalEventData.MFAUsed=No":        false,
	} {
		c, err := parseCondition(cond)
		if err != nil {
			t.Fatalf("parseCondition(%q): %v", cond, err)
		}
		if got := c.holds(&event{call: &empty}); got != want {
			t.Errorf("on an empty call, condition %q = %v, want %v", cond, got, want)
		}
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", []byte(`{"ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}`))
	f.Add("s3.amazonaws.com", "PutBucketPolicy", []byte(`{"bucketPolicy":{"Statement":[{"Principal":{"AWS":"*"}}]}}`))
	f.Add("lambda.amazonaws.com", "CreateFunctionUrlConfig20211031", []byte(`[1,2,{"authType":null}]`))
	table, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, source, name string, request []byte) {
		call := behavior.APICall{EventSource: source, EventName: name, RequestParameters: request, ResponseElements: request}
		for _, m := range table.Match(call) {
			if m.EventSource != source {
				t.Fatalf("Match(%q) returned a row for %q", source, m.EventSource)
			}
		}
	})
}

// BenchmarkMatch is the cost per ingested call: most calls map to
// nothing; mapped calls with a condition decode their parameters.
func BenchmarkMatch(b *testing.B) {
	table, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		call behavior.APICall
	}{
		{"unmapped", behavior.APICall{EventSource: "ec2.amazonaws.com", EventName: "DescribeInstances"}},
		{"unconditional", behavior.APICall{EventSource: "secretsmanager.amazonaws.com", EventName: "GetSecretValue"}},
		{"condition, field absent", behavior.APICall{EventSource: "ssm.amazonaws.com", EventName: "GetParameter",
			RequestParameters: []byte(`{"name":"/app/config/db-host"}`)}},
		{"condition", behavior.APICall{EventSource: "ec2.amazonaws.com", EventName: "AuthorizeSecurityGroupIngress",
			RequestParameters: []byte(`{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}`)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				table.Match(bc.call)
			}
		})
	}
}
