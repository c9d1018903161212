#!/usr/bin/env python3
"""Writes raw HTTP requests signed by botocore into testdata/botocore/.

TestVerifyBotocore reads every *.http file there, checks that Verify accepts
it with the clock set to its signing time, and that any one-byte change to a
signed part is rejected. The files in testdata/botocore-unverifiable/ are
valid signatures that Verify is known to reject (see Verifier.Verify);
TestVerifyBotocoreUnverifiable pins that. The requests are produced by botocore itself: the
real boto3 Detective client (captured at botocore's "before-send" event,
after signing, before anything goes on the network) and botocore.auth's
SigV4Auth / SigV4QueryAuth on hand-built requests. Time and the
amz-sdk-invocation-id UUID are pinned so that the output is reproducible.

With --cli it also runs the AWS CLI (`aws detective list-graphs`) against a
throwaway local HTTP server and stores the request the CLI sent as
cli-list-graphs.http; that one carries the real time of the run.

Run from internal/sigv4:  python3 testdata/gen_botocore.py [--cli]

The credentials are fixed and fake; sigv4's tests use the same values.
"""

import datetime
import http.server
import os
import subprocess
import sys
import threading
import uuid
from unittest import mock

import boto3
import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.credentials import Credentials

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TEMP_ACCESS_KEY = "ASIAEXAMPLE"
TEMP_SECRET_KEY = "temporary/secret+key"
SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLE//////////token="
SIGNED_AT = datetime.datetime(2025, 1, 1, 0, 0, 0)
ENDPOINT = "http://localhost:8000"
GRAPH_ARN = "arn:aws:detective:us-east-1:123456789012:graph:027c7c4610ea4aacaf0b883093cab899"

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "botocore")
UNVERIFIABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "botocore-unverifiable")


def wire(method, url, headers, body):
    """Formats a request as HTTP/1.1 puts it on the wire."""
    split = botocore.compat.urlsplit(url)
    target = split.path or "/"
    if split.query:
        target += "?" + split.query
    lines = [f"{method} {target} HTTP/1.1"]
    names = {k.lower() for k in headers}
    if "host" not in names:
        lines.append(f"Host: {split.netloc}")
    for k, v in headers.items():
        lines.append(f"{k}: {v.decode() if isinstance(v, bytes) else v}")
    if body and "content-length" not in names:
        lines.append(f"Content-Length: {len(body)}")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode()
    if body:
        data += body if isinstance(body, bytes) else body.encode()
    return data


def save(name, data, out=OUT):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name + ".http"), "wb") as f:
        f.write(data)
    print("wrote", name + ".http", file=sys.stderr)


def capture_client(name, region, creds, call):
    """Runs call(client) and saves the signed request the client would send."""
    session = boto3.session.Session(
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
        aws_session_token=creds.token,
        region_name=region,
    )
    client = session.client("detective", endpoint_url=ENDPOINT)

    def before_send(request, **_):
        save(name, wire(request.method, request.url, request.headers, request.body))
        return AWSResponse(request.url, 200, {}, FakeRaw(b"{}"))

    client.meta.events.register("before-send", before_send)
    call(client)


class FakeRaw:
    def __init__(self, data):
        self.data = data

    def stream(self, **_):
        yield self.data


def sign_by_hand(name, auth, method, url, headers, body, out=OUT):
    """Signs a hand-built request with a botocore.auth signer."""
    req = AWSRequest(method=method, url=url, headers=headers, data=body)
    auth.add_auth(req)
    prepared = req.prepare()
    save(name, wire(prepared.method, prepared.url, prepared.headers, prepared.body), out)


def main():
    fixed_uuid = uuid.UUID("00000000-0000-4000-8000-000000000000")
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda: SIGNED_AT), \
            mock.patch.object(uuid, "uuid4", lambda: fixed_uuid):
        creds = Credentials(ACCESS_KEY, SECRET_KEY)
        temp = Credentials(TEMP_ACCESS_KEY, TEMP_SECRET_KEY, SESSION_TOKEN)

        capture_client("list-graphs", "us-east-1", creds, lambda c: c.list_graphs())
        capture_client("list-tags-for-resource", "us-east-1", creds,
                       lambda c: c.list_tags_for_resource(ResourceArn=GRAPH_ARN))
        capture_client("untag-resource", "eu-west-1", creds,
                       lambda c: c.untag_resource(ResourceArn=GRAPH_ARN, TagKeys=["team", "cost centre"]))
        capture_client("create-members-session-token", "us-west-2", temp,
                       lambda c: c.create_members(GraphArn=GRAPH_ARN, Message="Join my graph",
                                                  Accounts=[{"AccountId": "210987654321",
                                                             "EmailAddress": "ops@example.com"}]))

        sign_by_hand("sigv4auth-unsigned-payload",
                     botocore.auth.SigV4Auth(creds, "detective", "us-east-1"),
                     "POST", ENDPOINT + "/graph/members/get",
                     {"Content-Type": "application/json",
                      "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD",
                      "X-Custom": "  spaced   value  "},
                     b'{"GraphArn":"' + GRAPH_ARN.encode() + b'","AccountIds":["210987654321"]}')
        sign_by_hand("sigv4auth-default-port",
                     botocore.auth.SigV4Auth(creds, "detective", "ap-southeast-2"),
                     "POST", "http://detective.local/graphs/list",
                     {"Content-Type": "application/json"}, b"{}")
        # Some SDKs (the AWS SDK for Java 1.x among them) sign headers that
        # botocore and the Go signer leave out; emulate them by emptying
        # botocore's list of headers it never signs.
        with mock.patch.object(botocore.auth, "SIGNED_HEADERS_BLACKLIST", []):
            sign_by_hand("sigv4auth-signs-user-agent",
                         botocore.auth.SigV4Auth(creds, "detective", "us-east-1"),
                         "POST", ENDPOINT + "/graph/members/get",
                         {"Content-Type": "application/x-amz-json-1.1",
                          "User-Agent": "aws-sdk-java/1.12.780 Linux/6.1 OpenJDK_64-Bit_Server_VM/17.0.9",
                          "X-Amzn-Trace-Id": "Root=1-67748880-0123456789abcdef01234567",
                          "Expect": "100-continue"},
                         b'{"GraphArn":"' + GRAPH_ARN.encode() + b'","AccountIds":["210987654321"]}')
        sign_by_hand("sigv4queryauth-presigned",
                     botocore.auth.SigV4QueryAuth(creds, "detective", "us-east-1", expires=300),
                     "GET", ENDPOINT + "/tags/" + botocore.utils.percent_encode(GRAPH_ARN, safe=""),
                     {}, b"")

        # Valid SigV4 that aws-sdk-go-v2's signer cannot reproduce: it
        # always signs X-Amz-Date (botocore uses Date when the request has
        # one) and never signs a Content-Length of 0.
        sign_by_hand("date-header", botocore.auth.SigV4Auth(creds, "detective", "us-east-1"),
                     "POST", ENDPOINT + "/graphs/list",
                     {"Content-Type": "application/json", "Date": "set by botocore"}, b"{}",
                     out=UNVERIFIABLE)
        sign_by_hand("content-length-zero", botocore.auth.SigV4Auth(creds, "detective", "us-east-1"),
                     "DELETE", ENDPOINT + "/tags/" + botocore.utils.percent_encode(GRAPH_ARN, safe="") + "?tagKeys=team",
                     {"Content-Length": "0"}, b"", out=UNVERIFIABLE)

    if "--cli" in sys.argv[1:]:
        capture_cli()


def capture_cli():
    """Stores the request `aws detective list-graphs` sends to a local server."""
    got = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            head = [f"{self.command} {self.path} HTTP/1.1"]
            head += [f"{k}: {v}" for k, v in self.headers.items()]
            got["raw"] = ("\r\n".join(head) + "\r\n\r\n").encode() + body
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *_):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    env.pop("AWS_SESSION_TOKEN", None)
    env.pop("AWS_PROFILE", None)
    subprocess.run(["aws", "detective", "list-graphs", "--endpoint-url",
                    f"http://127.0.0.1:{srv.server_address[1]}"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    srv.shutdown()
    save("cli-list-graphs", got["raw"])


if __name__ == "__main__":
    main()
