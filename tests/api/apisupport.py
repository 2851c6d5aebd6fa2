"""Starts a real tenantdesk-server on 127.0.0.1 over a copy of a demo database, for the API tests."""
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Server:
    """tenantdesk-server on a free loopback port over a private copy of `fixture`."""

    def __init__(self, server_binary, fixture, extra_args=(), prepare=None):
        self.dir = tempfile.mkdtemp(prefix="tenantdesk-api-")
        self.database = os.path.join(self.dir, "platform.tenantdesk")
        shutil.copyfile(fixture, self.database)
        if prepare:
            prepare(self.database)
        self.binary = server_binary
        self.key_file = os.path.join(self.dir, "signing.key")
        self.log_file = os.path.join(self.dir, "access.log")
        self.base_args = ["--database", "sqlite:" + self.database, "--signing-key", self.key_file]
        self.admin_email = "root@platform.test"
        self.admin_password = self.bootstrap_admin(self.admin_email)
        self.process = subprocess.Popen(
            [server_binary, *self.base_args, "--listen", "127.0.0.1:0", "--access-log", self.log_file,
             "--threads", "8", *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on (https?://127\.0\.0\.1:(\d+))", line)
        if not match:
            self.process.kill()
            raise RuntimeError("tenantdesk-server did not start: " + line + self.process.stderr.read())
        self.url = match.group(1)

    def one_shot(self, *args):
        result = subprocess.run([self.binary, *self.base_args, *args], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"tenantdesk-server {' '.join(args)} failed: {result.stderr}")
        return result.stdout.strip().splitlines()[-1]

    def bootstrap_admin(self, email):
        return self.one_shot("--bootstrap-admin", email)

    def reset_password(self, email):
        return self.one_shot("--reset-password", email)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method, path, body=None, token=None, headers=None, raw_body=None):
        data = raw_body if raw_body is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return Response(reply.status, reply.headers, reply.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def login(self, email, password):
        reply = self.request("POST", "/api/v1/auth/login", {"email": email, "password": password})
        assert reply.status == 200, (reply.status, reply.body)
        return reply.json()

    def signing_key(self):
        with open(self.key_file, "rb") as f:
            return base64.b64decode(f.read().strip())

    def db(self):
        return sqlite3.connect(self.database)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_jwt(claims, key):
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


def payload_of(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
