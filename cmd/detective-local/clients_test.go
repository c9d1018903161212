package main

import (
	"os"
	"os/exec"
	"testing"
)

// needClient skips t when a client a smoke test drives is missing, except
// under CI: there the cross-client tests must run, as the PostgreSQL tests
// must (pgtest), and .ci/run installs the clients it can.
func needClient(t *testing.T, what string, present bool) {
	t.Helper()
	if present {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is missing: the cross-client smoke tests must run in CI (.ci/run installs it)", what)
	}
	t.Skip(what + " is not installed")
}

// boto3Python returns the Python that runs the boto3 smoke scripts:
// DETECTIVE_TEST_PYTHON (.ci/run names Debian's python3 when the one on
// PATH has no boto3), or python3; and whether it imports boto3.
func boto3Python() (string, bool) {
	py := os.Getenv("DETECTIVE_TEST_PYTHON")
	if py == "" {
		py = "python3"
	}
	return py, exec.Command(py, "-c", "import boto3").Run() == nil
}

// needTerraform is needClient for Terraform and its AWS provider, with one
// exception: neither can be installed from a registry a fresh machine
// reaches, so DETECTIVE_TEST_TERRAFORM=skip (which .ci/run sets, loudly,
// only when they are absent) skips the test even under CI.
func needTerraform(t *testing.T, what string, present bool) {
	t.Helper()
	switch {
	case present:
	case os.Getenv("DETECTIVE_TEST_TERRAFORM") == "skip":
		t.Skip(what + " is missing and DETECTIVE_TEST_TERRAFORM=skip")
	case os.Getenv("CI") != "":
		t.Fatalf("CI is set but %s is missing, and no registry installs it: install it, or set DETECTIVE_TEST_TERRAFORM=skip to skip this test knowingly", what)
	default:
		t.Skip(what + " is not installed")
	}
}
