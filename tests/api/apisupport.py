"""Starts a real tenantdesk-server on 127.0.0.1 over a database of its own holding the small demo,
for the API tests, on either backend:

- SQLite (the default): a private copy of the small demo fixture (TENANTDESK_FIXTURE).
- PostgreSQL (TENANTDESK_BACKEND=postgres): a new database in the test cluster of the CTest
  fixture "postgres" (TENANTDESK_PG_ENV names its settings file), filled by
  `tenantctl --database OWNER_URL demo --scale small` (TENANTDESK_TENANTCTL) as tenantdesk_owner;
  the server connects as tenantdesk_app, under row-level security. The generator is
  deterministic, so the data is the fixture's, id for id (checked).

Where a test reaches into the database itself, Server.db() gives a Connection that speaks the same
SQL (with ? placeholders) on both. Passwords never appear on a command line: the PostgreSQL ones
go to tenantctl and tenantdesk-server in PGPASSWORD.
"""
import base64
import hashlib
import hmac
import itertools
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

BACKEND = os.environ.get("TENANTDESK_BACKEND", "sqlite")
if BACKEND not in ("sqlite", "postgres"):
    raise RuntimeError(f"TENANTDESK_BACKEND is sqlite or postgres, not {BACKEND!r}")


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Connection:
    """A DB-API connection to a test database that takes SQLite's ? placeholders on both backends;
    on PostgreSQL it reads and writes in the platform scope (app.tenant_ids = '*')."""

    def __init__(self, raw, postgres):
        self.raw = raw
        self.postgres = postgres

    def execute(self, sql, params=()):
        cursor = self.raw.cursor()
        if self.postgres:
            sql = sql.replace("%", "%%").replace("?", "%s")
        cursor.execute(sql, tuple(params))
        return cursor

    def commit(self):
        self.raw.commit()

    def close(self):
        self.raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _without_password(url):
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if parts.username:
        netloc = parts.username + "@" + netloc
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _with_database(url, name):
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/" + name))


class SqliteDatabase:
    """A private copy of the small demo fixture in `folder`."""

    def __init__(self, fixture, folder):
        self.path = os.path.join(folder, "platform.tenantdesk")
        shutil.copyfile(fixture, self.path)
        self.location = "sqlite:" + self.path
        self.shown = self.path

    def environment(self, role="app"):
        return dict(os.environ)

    def connect(self, role="owner"):
        return Connection(sqlite3.connect(self.path), postgres=False)

    def drop(self):
        pass


class PostgresDatabase:
    """A new database in the test cluster, filled with the small demo by tenantctl."""

    _serial = itertools.count(1)

    def __init__(self, fixture):
        import psycopg2  # Debian: python3-psycopg2 (scripts/setup --test)
        self._psycopg2 = psycopg2
        settings = {}
        with open(os.environ["TENANTDESK_PG_ENV"], encoding="utf-8") as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                settings[key] = value
        self.name = f"api_{os.getpid()}_{next(self._serial)}"
        cluster_owner = settings["TENANTDESK_PG_OWNER_URL"]
        self.urls = {"owner": _with_database(cluster_owner, self.name),
                     "app": _with_database(settings["TENANTDESK_PG_APP_URL"], self.name)}
        admin = psycopg2.connect(cluster_owner)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {self.name}")
        admin.close()
        self._cluster_owner = cluster_owner
        self.location = _without_password(self.urls["app"])
        self.shown = self.location
        result = subprocess.run(
            [os.environ["TENANTDESK_TENANTCTL"], "--database", _without_password(self.urls["owner"]),
             "demo", "--scale", "small"],
            capture_output=True, text=True, timeout=600, env=self.environment("owner"))
        if result.returncode != 0:
            raise RuntimeError("tenantctl demo into PostgreSQL failed: " + result.stderr)
        self._check_same_as(fixture)

    def environment(self, role="app"):
        """The environment of a program that connects as `role`: its password in PGPASSWORD."""
        env = dict(os.environ)
        env["PGPASSWORD"] = urllib.parse.unquote(urllib.parse.urlsplit(self.urls[role]).password)
        return env

    def connect(self, role="owner"):
        raw = self._psycopg2.connect(self.urls[role])
        raw.cursor().execute("SELECT set_config('app.tenant_ids', '*', false)")
        raw.commit()
        return Connection(raw, postgres=True)

    def _check_same_as(self, fixture):
        """The demo in PostgreSQL is the fixture's: the same tenants, users, roles and memberships."""
        queries = [
            "SELECT id, parent_id, path, slug, display_name, status, version FROM tenants ORDER BY id",
            "SELECT id, email, display_name, status FROM users ORDER BY id",
            "SELECT id, tenant_id, name, scope FROM roles ORDER BY id",
            "SELECT tenant_id, user_id, environment_id, role_id FROM memberships ORDER BY tenant_id, user_id, environment_id, role_id",
            "SELECT id, tenant_id, name, kind FROM environments ORDER BY id",
            "SELECT id, tenant_id, action, hash FROM audit_events ORDER BY id",
        ]
        sqlite = sqlite3.connect(f"file:{fixture}?mode=ro", uri=True)
        with self.connect() as postgres:
            for query in queries:
                expected = [tuple(row) for row in sqlite.execute(query)]
                actual = [tuple(row) for row in postgres.execute(query).fetchall()]
                if actual != expected:
                    raise RuntimeError(f"The demo in PostgreSQL differs from the fixture: {query}")
        sqlite.close()

    def drop(self):
        """Drops the database once the server's connections have gone (they end just after it)."""
        admin = self._psycopg2.connect(self._cluster_owner)
        admin.autocommit = True
        try:
            for attempt in range(50):
                try:
                    with admin.cursor() as cursor:
                        cursor.execute(f"DROP DATABASE IF EXISTS {self.name}")
                    return
                except self._psycopg2.errors.ObjectInUse:
                    time.sleep(0.2)
            print(f"apisupport: could not drop the database {self.name}; the cluster's stop removes it")
        finally:
            admin.close()


def demo_database(fixture, folder):
    """The small demo in a database of its own on the backend of this run."""
    if BACKEND == "postgres":
        return PostgresDatabase(fixture)
    return SqliteDatabase(fixture, folder)


class Server:
    """tenantdesk-server on a free loopback port over a database of its own holding `fixture`'s demo."""

    def __init__(self, server_binary, fixture, extra_args=(), prepare=None):
        self.dir = tempfile.mkdtemp(prefix="tenantdesk-api-")
        self.binary = server_binary
        self.extra_args = list(extra_args)
        self.process = None
        self.database = None
        try:
            self.database = demo_database(fixture, self.dir)
            if prepare:
                with self.db() as db:
                    prepare(db)
            self.key_file = os.path.join(self.dir, "signing.key")
            self.log_file = os.path.join(self.dir, "access.log")
            self.stderr_file = os.path.join(self.dir, "server.stderr")
            self.base_args = ["--database", self.database.location, "--signing-key", self.key_file]
            self.admin_email = "root@platform.test"
            self.admin_password = self.bootstrap_admin(self.admin_email)
            self.start()
        except BaseException:
            self.stop()
            raise

    def start(self):
        """Starts the server (again) on the same database, on a new port."""
        with open(self.stderr_file, "ab") as stderr:
            self.process = subprocess.Popen(
                [self.binary, *self.base_args, "--listen", "127.0.0.1:0", "--access-log", self.log_file,
                 "--threads", "8", *self.extra_args],
                stdout=subprocess.PIPE, stderr=stderr, text=True, env=self.database.environment("app"))
        line = self.process.stdout.readline()
        match = re.search(r"listening on (https?://127\.0\.0\.1:(\d+))", line)
        if not match:
            self.process.kill()
            self.process.wait()
            with open(self.stderr_file, encoding="utf-8", errors="replace") as f:
                raise RuntimeError("tenantdesk-server did not start: " + line + f.read()[-4000:])
        self.url = match.group(1)

    def kill(self):
        """Ends the server at once (SIGKILL), whatever it is doing."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def one_shot(self, *args):
        result = subprocess.run([self.binary, *self.base_args, *args], capture_output=True, text=True, timeout=60,
                                env=self.database.environment("app"))
        if result.returncode != 0:
            raise RuntimeError(f"tenantdesk-server {' '.join(args)} failed: {result.stderr}")
        return result.stdout.strip().splitlines()[-1]

    def bootstrap_admin(self, email):
        return self.one_shot("--bootstrap-admin", email)

    def reset_password(self, email):
        return self.one_shot("--reset-password", email)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stdout:
            self.process.stdout.close()
        if self.database:
            self.database.drop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method, path, body=None, token=None, headers=None, raw_body=None, timeout=30):
        data = raw_body if raw_body is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
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
        """A connection to the server's database, as its owner (on PostgreSQL: every tenant in scope)."""
        return self.database.connect("owner")


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
