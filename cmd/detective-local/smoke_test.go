package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// TestBoto3Smoke runs the invitation flow through boto3 when Python with
// boto3 is installed.
func TestBoto3Smoke(t *testing.T) {
	python, ok := boto3Python()
	needClient(t, python+" with boto3", ok)
	m := mustStart(t, testConfig(t, t.TempDir()))
	defer m.Close()
	out, err := exec.Command(python, "testdata/smoke_boto3.py", "http://"+m.Addr()).CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 smoke test: %v\n%s", err, out)
	}
}

// TestAWSCLISmoke runs the invitation flow through the AWS CLI when it is
// installed.
func TestAWSCLISmoke(t *testing.T) {
	_, err := exec.LookPath("aws")
	needClient(t, "the AWS CLI", err == nil)
	m := mustStart(t, testConfig(t, t.TempDir()))
	defer m.Close()
	endpoint := "http://" + m.Addr()
	aws := func(account string, args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"detective", "--endpoint-url", endpoint, "--region", "us-east-2", "--output", "json"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+account, "AWS_SECRET_ACCESS_KEY=secret",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, stderr.String())
		}
		var v map[string]any
		if stdout.Len() > 0 {
			if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
				t.Fatalf("aws %v printed %q: %v", args, stdout.String(), err)
			}
		}
		return v
	}
	graph, _ := aws(admin, "create-graph")["GraphArn"].(string)
	if graph == "" {
		t.Fatalf("create-graph returned no GraphArn")
	}
	aws(admin, "create-members", "--graph-arn", graph, "--accounts", "AccountId="+member+",EmailAddress=m@example.com")
	inv, _ := aws(member, "list-invitations")["Invitations"].([]any)
	if len(inv) != 1 {
		t.Fatalf("list-invitations = %v, want one", inv)
	}
	aws(member, "accept-invitation", "--graph-arn", graph)
	details, _ := aws(admin, "get-members", "--graph-arn", graph, "--account-ids", member)["MemberDetails"].([]any)
	if len(details) != 1 || details[0].(map[string]any)["Status"] != "ENABLED" {
		t.Errorf("get-members = %v, want the member ENABLED", details)
	}
	cmd := exec.Command("aws", "detective", "--endpoint-url", endpoint, "--region", "us-east-2", "list-members", "--graph-arn", graph)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=999999999999", "AWS_SECRET_ACCESS_KEY=secret", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	if out, err := cmd.CombinedOutput(); err == nil || !bytes.Contains(out, []byte("AccessDeniedException")) {
		t.Errorf("list-members by a third account: %v %s, want AccessDeniedException", err, out)
	}
}
