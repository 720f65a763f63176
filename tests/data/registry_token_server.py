#!/usr/bin/env python3
"""A token server for docker-registry's `auth: token:` in ward's tests.

Usage: registry_token_server.py PORT KEY.pem CERT.pem ISSUER USER PASSWORD

GET /token?service=S&scope=repository:NAME:ACTIONS... answers
{"token": JWT} where the JWT (RS256, signed with `openssl dgst`, the
certificate in its x5c header) grants every asked-for action when the
request carries Basic USER:PASSWORD, and nothing otherwise (as a registry
that has no anonymous access).  A wrong password gets 401.  Standard
library and the openssl command only.
"""
import base64
import http.server
import json
import subprocess
import sys
import time
import urllib.parse

PORT, KEY, CERT, ISSUER, USER, PASSWORD = sys.argv[1:7]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cert_der() -> bytes:
    return subprocess.run(["openssl", "x509", "-in", CERT, "-outform", "DER"], check=True,
                          capture_output=True).stdout


DER = cert_der()


def make_token(service: str, access: list) -> str:
    now = int(time.time())
    header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(DER).decode()]}
    claims = {"iss": ISSUER, "sub": USER, "aud": service, "exp": now + 300, "nbf": now - 10, "iat": now,
              "jti": str(now) + str(len(access)), "access": access}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", KEY], input=signing_input.encode(),
                               check=True, capture_output=True).stdout
    return signing_input + "." + b64url(signature)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path != "/token":
            self.send_error(404)
            return
        query = urllib.parse.parse_qs(url.query)
        authorization = self.headers.get("Authorization", "")
        authorized = False
        if authorization.startswith("Basic "):
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            if user != USER or password != PASSWORD:
                self.send_response(401)
                self.end_headers()
                self.wfile.write(b'{"details":"wrong user or password"}')
                return
            authorized = True
        access = []
        for scope in query.get("scope", []):
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            if kind == "repository" and authorized:
                access.append({"type": kind, "name": name, "actions": actions.split(",")})
        body = json.dumps({"token": make_token(query.get("service", [""])[0], access)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        sys.stderr.write("token: " + (format % args) + " auth=" + str("Authorization" in self.headers) + "\n")
        sys.stderr.flush()


http.server.HTTPServer(("127.0.0.1", int(PORT)), Handler).serve_forever()
