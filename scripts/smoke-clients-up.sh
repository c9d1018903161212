#!/usr/bin/env bash
# Makes the clients of the cross-client smoke tests available: boto3 and the
# AWS CLI from Debian's packages when they are missing. Prints, for eval,
# the environment the tests need: DETECTIVE_TEST_PYTHON when the python3 on
# PATH has no boto3 but Debian's has, and DETECTIVE_TEST_TERRAFORM=skip
# when Terraform or its AWS provider mirror is absent (neither comes from a
# registry this machine reaches), with a loud notice on stderr.
set -euo pipefail

has_boto3() { "$1" -c 'import boto3' >/dev/null 2>&1; }

missing=()
if ! has_boto3 python3 && ! has_boto3 /usr/bin/python3; then
  missing+=(python3-boto3)
fi
if ! command -v aws >/dev/null 2>&1; then
  missing+=(awscli)
fi
if ((${#missing[@]})); then
  echo "installing ${missing[*]} from Debian's packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! has_boto3 python3 && has_boto3 /usr/bin/python3; then
  echo "export DETECTIVE_TEST_PYTHON=/usr/bin/python3"
fi

mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
if ! command -v terraform >/dev/null 2>&1 || ! compgen -G "$mirror/registry.terraform.io/hashicorp/aws/*" >/dev/null; then
  {
    echo "################################################################################"
    echo "NOTICE: terraform or its AWS provider mirror ($mirror) is missing, and no"
    echo "registry this machine reaches provides them: TestTerraformWorldSmoke is SKIPPED"
    echo "(DETECTIVE_TEST_TERRAFORM=skip). Install both to run it."
    echo "################################################################################"
  } >&2
  echo "export DETECTIVE_TEST_TERRAFORM=skip"
fi
