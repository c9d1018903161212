"""boto3 builds a small world: an organization with one new account, a role
assumed in it, and clients with those credentials. Usage: smoke_world_boto3.py ENDPOINT"""

import sys

import boto3

endpoint = sys.argv[1]


def client(service, **creds):
    creds.setdefault("aws_access_key_id", "111111111111")
    creds.setdefault("aws_secret_access_key", "secret")
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", **creds)


orgs = client("organizations")
org = orgs.create_organization(FeatureSet="ALL")["Organization"]
request = orgs.create_account(Email="boto3@example.com", AccountName="boto3")["CreateAccountStatus"]
status = orgs.describe_create_account_status(CreateAccountRequestId=request["Id"])["CreateAccountStatus"]
assert status["State"] == "SUCCEEDED", status
account = status["AccountId"]
paginated = [a["Id"] for page in orgs.get_paginator("list_accounts").paginate() for a in page["Accounts"]]
assert sorted(paginated) == sorted(["111111111111", account]), paginated

role = f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
creds = client("sts").assume_role(RoleArn=role, RoleSessionName="boto3")["Credentials"]
session = dict(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
               aws_session_token=creds["SessionToken"])
me = client("sts", **session).get_caller_identity()
assert me["Account"] == account, me
assert me["Arn"] == f"arn:aws:sts::{account}:assumed-role/OrganizationAccountAccessRole/boto3", me
assert client("organizations", **session).describe_organization()["Organization"]["Id"] == org["Id"]
graph = client("detective", **session).create_graph()["GraphArn"]
assert f":{account}:" in graph, graph
try:
    client("organizations", **session).list_accounts()
except client("organizations").exceptions.AccessDeniedException:
    pass
else:
    raise AssertionError("a member listed the organization's accounts")
print("ok")
