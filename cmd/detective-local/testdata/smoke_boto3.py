"""Invitation flow through boto3 against a running detective-local.

Usage: smoke_boto3.py ENDPOINT_URL. Exits non-zero on the first surprise.
"""
import sys

import boto3
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
ADMIN, MEMBER, OTHER = "181818181818", "282828282828", "383838383838"


def client(account):
    return boto3.client(
        "detective",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id=account,
        aws_secret_access_key="secret",
    )


admin, member, other = client(ADMIN), client(MEMBER), client(OTHER)
graph = admin.create_graph(Tags={"owner": "smoke"})["GraphArn"]
assert graph.startswith("arn:aws:detective:eu-west-1:" + ADMIN + ":graph:"), graph
assert admin.create_graph()["GraphArn"] == graph

created = admin.create_members(
    GraphArn=graph,
    Message="join us",
    Accounts=[{"AccountId": MEMBER, "EmailAddress": "member@example.com"}],
)
assert [m["AccountId"] for m in created["Members"]] == [MEMBER], created
assert created["Members"][0]["AdministratorId"] == ADMIN == created["Members"][0]["MasterId"]

invitations = member.list_invitations()["Invitations"]
assert [(i["GraphArn"], i["Status"]) for i in invitations] == [(graph, "INVITED")], invitations
member.accept_invitation(GraphArn=graph)
details = admin.get_members(GraphArn=graph, AccountIds=[MEMBER])["MemberDetails"]
assert details[0]["Status"] == "ENABLED", details
assert details[0]["UpdatedTime"].year >= 2024  # parsed as a timestamp

assert admin.list_tags_for_resource(ResourceArn=graph)["Tags"] == {"owner": "smoke"}
admin.tag_resource(ResourceArn=graph, Tags={"env": "ci"})
admin.untag_resource(ResourceArn=graph, TagKeys=["owner"])
assert admin.list_tags_for_resource(ResourceArn=graph)["Tags"] == {"env": "ci"}

try:
    other.list_members(GraphArn=graph)
    raise SystemExit("list_members by a third account succeeded")
except ClientError as e:
    assert e.response["Error"]["Code"] == "AccessDeniedException", e.response
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert e.response["Error"]["Message"], e.response

try:
    member.accept_invitation(GraphArn=graph)
    raise SystemExit("second accept succeeded")
except ClientError as e:
    assert e.response["Error"]["Code"] == "ConflictException", e.response

member.disassociate_membership(GraphArn=graph)
assert admin.list_members(GraphArn=graph)["MemberDetails"] == []
admin.delete_graph(GraphArn=graph)
assert admin.list_graphs()["GraphList"] == []
print("boto3 smoke test passed")
