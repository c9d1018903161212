package ttp

import (
	"io"
	"strings"
	"testing"

	"github.com/detective-local/detective-local/internal/behavior"
)

func mustLoad(tb testing.TB, extra ...string) *Table {
	tb.Helper()
	var readers []io.Reader
	for _, e := range extra {
		readers = append(readers, strings.NewReader(e))
	}
	t, err := Load(readers...)
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// techniques is what Match says, one technique (or "-") per mapping,
// prefixed with the tactic, for compact table tests.
func techniques(ms []Mapping) string {
	var parts []string
	for _, m := range ms {
		id, _, _ := strings.Cut(m.Technique, " ")
		parts = append(parts, m.Tactic+"/"+id)
	}
	return strings.Join(parts, ", ")
}

func TestMatch(t *testing.T) {
	t.Parallel()
	table := mustLoad(t)
	call := func(source, name, request string) behavior.APICall {
		c := behavior.APICall{EventSource: source, EventName: name, PrincipalType: behavior.PrincipalIAMUser}
		if request != "" {
			c.RequestParameters = []byte(request)
		}
		return c
	}
	with := func(c behavior.APICall, f func(*behavior.APICall)) behavior.APICall { f(&c); return c }
	tests := []struct {
		name string
		call behavior.APICall
		want string
	}{
		{"unmapped call", call("ec2.amazonaws.com", "DescribeInstances", ""), ""},
		{"unconditional", call("secretsmanager.amazonaws.com", "GetSecretValue", `{"secretId":"prod/db"}`), "Credential Access/T1555.006"},
		{"failures match too", with(call("cloudtrail.amazonaws.com", "StopLogging", ""), func(c *behavior.APICall) { c.ErrorCode = "AccessDenied" }), "Defense Evasion/T1562.008"},
		{"same name, other service", call("ssm.amazonaws.com", "StopLogging", ""), ""},

		{"SecureString decrypted", call("ssm.amazonaws.com", "GetParameters", `{"names":["a"],"withDecryption":true}`), "Credential Access/T1555.006"},
		{"parameter not decrypted", call("ssm.amazonaws.com", "GetParameter", `{"name":"a","withDecryption":false}`), ""},
		{"parameter, no flag", call("ssm.amazonaws.com", "GetParameter", `{"name":"a"}`), ""},

		{"access key for itself", call("iam.amazonaws.com", "CreateAccessKey", ``), "Persistence/T1098.001"},
		{"access key for itself, null parameters", call("iam.amazonaws.com", "CreateAccessKey", `null`), "Persistence/T1098.001"},
		{"access key for another user", call("iam.amazonaws.com", "CreateAccessKey", `{"userName":"bob"}`), "Privilege Escalation/T1098.001"},

		{"console login without MFA", with(call("signin.amazonaws.com", "ConsoleLogin", ""), func(c *behavior.APICall) {
			c.MFAUsed = ptr(false)
			c.ResponseElements = []byte(`{"ConsoleLogin":"Success"}`)
		}), "Initial Access/T1078.004"},
		{"console login with MFA", with(call("signin.amazonaws.com", "ConsoleLogin", ""), func(c *behavior.APICall) {
			c.MFAUsed = ptr(true)
			c.ResponseElements = []byte(`{"ConsoleLogin":"Success"}`)
		}), ""},
		{"root console login without MFA", with(call("signin.amazonaws.com", "ConsoleLogin", ""), func(c *behavior.APICall) {
			c.MFAUsed = ptr(false)
			c.PrincipalType = behavior.PrincipalRoot
			c.ResponseElements = []byte(`{"ConsoleLogin":"Success"}`)
		}), "Initial Access/T1078.004, Initial Access/T1078.004"},
		{"failed console login", with(call("signin.amazonaws.com", "ConsoleLogin", ""), func(c *behavior.APICall) {
			c.MFAUsed = ptr(false)
			c.ResponseElements = []byte(`{"ConsoleLogin":"Failure"}`)
		}), "Credential Access/T1110"},

		{"security group open to the world", call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
			`{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"},{"cidrIp":"0.0.0.0/0"}]}}]}}`),
			"Defense Evasion/T1562.007"},
		{"security group open to IPv6", call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
			`{"ipPermissions":{"items":[{"ipv6Ranges":{"items":[{"cidrIpv6":"::/0"}]}}]}}`), "Defense Evasion/T1562.007"},
		{"security group opened to a range", call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
			`{"ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"203.0.113.0/24"}]}}]}}`), ""},

		{"Lambda name with API version", call("lambda.amazonaws.com", "UpdateFunctionCode20150331v2", `{"functionName":"f"}`), "Persistence/T1546"},
		{"Lambda name with date only", call("lambda.amazonaws.com", "CreateFunction20150331", `{"functionName":"f"}`), "Execution/T1648"},
		{"Lambda public URL", call("lambda.amazonaws.com", "CreateFunctionUrlConfig20211031", `{"authType":"NONE"}`), "Initial Access/T1190"},
		{"Lambda IAM-auth URL", call("lambda.amazonaws.com", "CreateFunctionUrlConfig20211031", `{"authType":"AWS_IAM"}`), ""},
		{"Lambda layer attached", call("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", `{"layers":["arn:aws:lambda:us-east-1:1:layer:x:1"]}`), "Persistence/T1546"},
		{"Lambda config without layers", call("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2", `{"timeout":30}`), ""},

		{"public bucket policy", call("s3.amazonaws.com", "PutBucketPolicy", `{"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*"}]}}`), "Exfiltration/T1537"},
		{"bucket policy for every AWS principal", call("s3.amazonaws.com", "PutBucketPolicy", `{"bucketPolicy":{"Statement":[{"Principal":{"AWS":["arn:aws:iam::1:root","*"]}}]}}`), "Exfiltration/T1537"},
		{"bucket policy for one account", call("s3.amazonaws.com", "PutBucketPolicy", `{"bucketPolicy":{"Statement":[{"Principal":{"AWS":"arn:aws:iam::111122223333:root"}}]}}`), ""},
		{"public canned ACL", call("s3.amazonaws.com", "PutBucketAcl", `{"x-amz-acl":["public-read"]}`), "Exfiltration/T1537"},
		{"ACL grant to AllUsers", call("s3.amazonaws.com", "PutBucketAcl", `{"AccessControlPolicy":{"AccessControlList":{"Grant":[{"Grantee":{"URI":"http://acs.amazonaws.com/groups/global/AllUsers"}}]}}}`), "Exfiltration/T1537"},
		{"private ACL", call("s3.amazonaws.com", "PutBucketAcl", `{"x-amz-acl":["private"]}`), ""},
		{"versioning suspended (case-insensitive)", call("s3.amazonaws.com", "PutBucketVersioning", `{"VersioningConfiguration":{"Status":"SUSPENDED"}}`), "Impact/T1490"},
		{"versioning enabled", call("s3.amazonaws.com", "PutBucketVersioning", `{"VersioningConfiguration":{"Status":"Enabled"}}`), ""},

		{"snapshot shared", call("ec2.amazonaws.com", "ModifySnapshotAttribute", `{"createVolumePermission":{"add":{"items":[{"group":"all"}]}}}`), "Exfiltration/T1537"},
		{"snapshot unshared", call("ec2.amazonaws.com", "ModifySnapshotAttribute", `{"createVolumePermission":{"remove":{"items":[{"group":"all"}]}}}`), ""},
		{"DB snapshot made public", call("rds.amazonaws.com", "ModifyDBSnapshotAttribute", `{"attributeName":"restore","valuesToAdd":["all"]}`), "Exfiltration/T1537"},
		{"DB snapshot nothing added", call("rds.amazonaws.com", "ModifyDBSnapshotAttribute", `{"attributeName":"restore","valuesToAdd":[],"valuesToRemove":["1"]}`), ""},

		{"GuardDuty suspended", call("guardduty.amazonaws.com", "UpdateDetector", `{"detectorId":"d","enable":false}`), "Defense Evasion/T1562.001"},
		{"GuardDuty settings changed", call("guardduty.amazonaws.com", "UpdateDetector", `{"detectorId":"d","enable":true}`), ""},

		{"GPU instance", call("ec2.amazonaws.com", "RunInstances", `{"instanceType":"p4d.24xlarge"}`), "Impact/T1496"},
		{"GPU instance with a role", call("ec2.amazonaws.com", "RunInstances", `{"instanceType":"g5.xlarge","iamInstanceProfile":{"name":"admin"}}`), "Privilege Escalation/T1078.004, Impact/T1496"},
		{"ordinary instance", call("ec2.amazonaws.com", "RunInstances", `{"instanceType":"t3.micro"}`), ""},
		{"user data replaced", call("ec2.amazonaws.com", "ModifyInstanceAttribute", `{"instanceId":"i-1","userData":"<sensitiveDataRemoved>"}`), "Execution/T1059"},

		{"buckets listed by a user", call("s3.amazonaws.com", "ListBuckets", ""), "Discovery/T1619"},
		{"buckets listed by a role", with(call("s3.amazonaws.com", "ListBuckets", ""), func(c *behavior.APICall) { c.PrincipalType = behavior.PrincipalAssumedRole }), ""},
		{"TruffleHog", with(call("sts.amazonaws.com", "GetCallerIdentity", ""), func(c *behavior.APICall) { c.UserAgent = "TruffleHog" }), "Discovery/T1087.004"},
		{"GetCallerIdentity", with(call("sts.amazonaws.com", "GetCallerIdentity", ""), func(c *behavior.APICall) { c.UserAgent = "aws-cli/2.15" }), ""},
		{"sign-in token from a tool", with(call("signin.amazonaws.com", "GetSigninToken", ""), func(c *behavior.APICall) { c.UserAgent = "python-requests/2.31" }), "Lateral Movement/T1021.007"},
		{"sign-in token from the console", with(call("signin.amazonaws.com", "GetSigninToken", ""), func(c *behavior.APICall) { c.UserAgent = "Jersey/${project.version}" }), ""},
		{"LLMjacking", call("bedrock.amazonaws.com", "InvokeModel", `{"modelId":"anthropic.claude"}`), "Impact/T1496.004"},
		{"request that is not JSON", call("iam.amazonaws.com", "CreateAccessKey", `{"userName":`), "Persistence/T1098.001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := techniques(table.Match(tc.call)); got != tc.want {
				t.Errorf("Match(%s %s %s) = %q, want %q", tc.call.EventSource, tc.call.EventName, tc.call.RequestParameters, got, tc.want)
			}
		})
	}
}

func TestMatchReturnsRowText(t *testing.T) {
	t.Parallel()
	got := mustLoad(t).Match(behavior.APICall{EventSource: "secretsmanager.amazonaws.com", EventName: "GetSecretValue"})
	want := Mapping{
		EventSource: "secretsmanager.amazonaws.com", EventName: "GetSecretValue",
		Tactic: "Credential Access", Technique: "T1555.006 Cloud Secrets Management Stores",
		Procedure: "Read the value of a Secrets Manager secret",
		Source:    "stratus-red-team:aws.credential-access.secretsmanager-retrieve-secrets",
	}
	if len(got) != 1 || got[0] != want {
		t.Errorf("Match(GetSecretValue) = %+v, want [%+v]", got, want)
	}
}

func TestWithoutAPIVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"UpdateFunctionCode20150331v2", "UpdateFunctionCode", true},
		{"CreateFunction20150331", "CreateFunction", true},
		{"AddLayerVersionPermission20181031", "AddLayerVersionPermission", true},
		{"GetSecretValue", "", false},
		{"Invoke", "", false},
		{"20150331", "", false},
		{"Foo2015033v2", "", false},
		{"Foov2", "", false},
	}
	for _, tc := range tests {
		if got, ok := withoutAPIVersion(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("withoutAPIVersion(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLookupAndCandidates(t *testing.T) {
	t.Parallel()
	table := mustLoad(t)
	rows := table.Rows()
	ids := map[string]bool{}
	for _, r := range rows {
		if ids[r.ID()] {
			t.Errorf("ID %q is not unique", r.ID())
		}
		ids[r.ID()] = true
		if got, ok := table.Lookup(r.ID()); !ok || got != r {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", r.ID(), got, ok, r)
		}
	}
	const id = "iam.amazonaws.com CreateAccessKey requestParameters.userName=present"
	if m, ok := table.Lookup(id); !ok || m.Tactic != "Privilege Escalation" {
		t.Errorf("Lookup(%q) = %+v, %v", id, m, ok)
	}
	if _, ok := table.Lookup("iam.amazonaws.com CreateAccessKey"); ok {
		t.Error("Lookup of a row that does not exist succeeded")
	}
	var got []string
	for _, m := range table.Candidates("lambda.amazonaws.com", "UpdateFunctionConfiguration20150331v2") {
		got = append(got, m.ID())
	}
	if want := "lambda.amazonaws.com UpdateFunctionConfiguration requestParameters.layers=present"; strings.Join(got, "|") != want {
		t.Errorf("Candidates(UpdateFunctionConfiguration…) = %q, want %q", got, want)
	}
	if got := table.Candidates("ec2.amazonaws.com", "DescribeInstances"); got != nil {
		t.Errorf("Candidates(DescribeInstances) = %+v, want nil", got)
	}
}
