package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// TestAWSCLIWorldSmoke builds the world through the AWS CLI, when it is
// installed: who am I, an organization, an account created and described,
// a role assumed in it, and who am I with those credentials.
func TestAWSCLIWorldSmoke(t *testing.T) {
	_, err := exec.LookPath("aws")
	needClient(t, "the AWS CLI", err == nil)
	m := mustStart(t, testConfig(t, t.TempDir()))
	defer m.Close()
	endpoint := "http://" + m.Addr()
	env := []string{"AWS_ACCESS_KEY_ID=" + admin, "AWS_SECRET_ACCESS_KEY=secret"}
	aws := func(env []string, args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command("aws", append(append([]string{}, args...), "--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json")...)
		cmd.Env = append(os.Environ(), append([]string{"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=",
			"AWS_SESSION_TOKEN="}, env...)...)
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
	if id := aws(env, "sts", "get-caller-identity"); id["Account"] != admin || id["Arn"] != "arn:aws:iam::"+admin+":root" {
		t.Errorf("sts get-caller-identity = %v", id)
	}
	org := aws(env, "organizations", "create-organization", "--feature-set", "ALL")["Organization"].(map[string]any)
	if org["MasterAccountId"] != admin {
		t.Errorf("organizations create-organization = %v", org)
	}
	req := aws(env, "organizations", "create-account", "--email", "cli@example.com", "--account-name", "CLI")["CreateAccountStatus"].(map[string]any)
	st := aws(env, "organizations", "describe-create-account-status", "--create-account-request-id", req["Id"].(string))["CreateAccountStatus"].(map[string]any)
	if st["State"] != "SUCCEEDED" {
		t.Fatalf("organizations describe-create-account-status = %v, want SUCCEEDED", st)
	}
	id := st["AccountId"].(string)
	accounts := aws(env, "organizations", "list-accounts")["Accounts"].([]any)
	if len(accounts) != 2 {
		t.Errorf("organizations list-accounts = %v, want the management account and %s", accounts, id)
	}
	if a := aws(env, "organizations", "describe-account", "--account-id", id)["Account"].(map[string]any); a["Email"] != "cli@example.com" {
		t.Errorf("organizations describe-account = %v", a)
	}
	roots := aws(env, "organizations", "list-roots")["Roots"].([]any)
	if len(roots) != 1 {
		t.Errorf("organizations list-roots = %v", roots)
	}
	aws(env, "organizations", "enable-aws-service-access", "--service-principal", "detective.amazonaws.com")
	aws(env, "organizations", "register-delegated-administrator", "--account-id", id, "--service-principal", "detective.amazonaws.com")
	if das := aws(env, "organizations", "list-delegated-administrators")["DelegatedAdministrators"].([]any); len(das) != 1 {
		t.Errorf("organizations list-delegated-administrators = %v", das)
	}

	creds := aws(env, "sts", "assume-role", "--role-arn", "arn:aws:iam::"+id+":role/OrganizationAccountAccessRole",
		"--role-session-name", "cli")["Credentials"].(map[string]any)
	session := []string{"AWS_ACCESS_KEY_ID=" + creds["AccessKeyId"].(string), "AWS_SECRET_ACCESS_KEY=" + creds["SecretAccessKey"].(string),
		"AWS_SESSION_TOKEN=" + creds["SessionToken"].(string)}
	if who := aws(session, "sts", "get-caller-identity"); who["Account"] != id ||
		who["Arn"] != "arn:aws:sts::"+id+":assumed-role/OrganizationAccountAccessRole/cli" {
		t.Errorf("sts get-caller-identity with the assumed role = %v", who)
	}
	if o := aws(session, "organizations", "describe-organization")["Organization"].(map[string]any); o["Id"] != org["Id"] {
		t.Errorf("organizations describe-organization as the member = %v", o)
	}
}

// TestBoto3AssumeRoleSmoke runs boto3's assume_role and a client with
// those credentials, when Python with boto3 is installed.
func TestBoto3AssumeRoleSmoke(t *testing.T) {
	python, ok := boto3Python()
	needClient(t, python+" with boto3", ok)
	m := mustStart(t, testConfig(t, t.TempDir()))
	defer m.Close()
	out, err := exec.Command(python, "testdata/smoke_world_boto3.py", "http://"+m.Addr()).CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 world smoke test: %v\n%s", err, out)
	}
}
