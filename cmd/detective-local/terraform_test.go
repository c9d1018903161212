package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// terraformMirror is where a filesystem mirror of the AWS provider is
// looked for; TF_PLUGIN_MIRROR overrides it. Terraform cannot download
// providers in the test, so without one the test skips.
const terraformMirror = "/opt/tf-plugins"

// TestTerraformWorldSmoke applies, re-plans and destroys an organization,
// an account and a delegated administrator with Terraform's AWS provider,
// which also asks STS who it is: the calls and statuses those resources
// wait for (DescribeCreateAccountStatus SUCCEEDED, ListParents,
// ListTagsForResource, ListAWSServiceAccessForOrganization, paginated
// ListAccounts) must all be right for a plan after apply to be empty.
func TestTerraformWorldSmoke(t *testing.T) {
	t.Parallel() // terraform spends most of its minute starting the provider
	if testing.Short() {
		t.Skip("slow: runs terraform")
	}
	_, err := exec.LookPath("terraform")
	needTerraform(t, "terraform", err == nil)
	mirror := os.Getenv("TF_PLUGIN_MIRROR")
	if mirror == "" {
		mirror = terraformMirror
	}
	versions, _ := filepath.Glob(filepath.Join(mirror, "registry.terraform.io/hashicorp/aws/*"))
	needTerraform(t, "a filesystem mirror of hashicorp/aws at "+mirror, len(versions) > 0)
	version := filepath.Base(versions[len(versions)-1])
	m := mustStart(t, testConfig(t, t.TempDir()))
	defer m.Close()

	dir := t.TempDir()
	cliConfig := `provider_installation {
  filesystem_mirror {
    path    = "` + mirror + `"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
`
	endpoint := "http://" + m.Addr()
	config := `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "` + version + `" }
  }
}
provider "aws" {
  region                  = "us-east-1"
  access_key              = "111111111111"
  secret_key              = "secret"
  skip_metadata_api_check = true
  skip_region_validation  = true
  endpoints {
    sts           = "` + endpoint + `"
    organizations = "` + endpoint + `"
  }
}
data "aws_caller_identity" "me" {}
resource "aws_organizations_organization" "org" {
  feature_set                   = "ALL"
  aws_service_access_principals = ["detective.amazonaws.com"]
}
resource "aws_organizations_account" "security" {
  name       = "security"
  email      = "security@example.com"
  tags       = { team = "security" }
  depends_on = [aws_organizations_organization.org]
}
resource "aws_organizations_delegated_administrator" "detective" {
  account_id        = aws_organizations_account.security.id
  service_principal = "detective.amazonaws.com"
}
output "caller" { value = data.aws_caller_identity.me.account_id }
output "root" { value = aws_organizations_organization.org.roots[0].id }
`
	for name, content := range map[string]string{"cli.tfrc": cliConfig, "main.tf": config} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tf := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("terraform", append(args, "-input=false", "-no-color")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "cli.tfrc"), "TF_IN_AUTOMATION=1",
			"CHECKPOINT_DISABLE=1", "TF_DATA_DIR="+filepath.Join(dir, ".terraform"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("terraform %v: %v\n%s", args, err, out.String())
		}
		return out.String()
	}
	tf("init")
	applied := tf("apply", "-auto-approve")
	if !strings.Contains(applied, `caller = "111111111111"`) || !strings.Contains(applied, `root = "r-`) {
		t.Errorf("terraform apply outputs:\n%s", applied)
	}
	if plan := tf("plan", "-detailed-exitcode"); !strings.Contains(plan, "No changes.") {
		t.Errorf("terraform plan after apply is not empty:\n%s", plan)
	}
	tf("destroy", "-auto-approve")
}
