"""tenantdesk-server's REST API against its OpenAPI document, its protocol rules and its isolation
between tenants: a real server on 127.0.0.1 over the small demo database, on SQLite (CTest
api_server) or on PostgreSQL as tenantdesk_app under row-level security (api_server_postgres):
every test passes on both."""
import gzip
import json
import os
import sys
import time
import unittest
import urllib.parse

import jsonschema
import yaml

sys.path.insert(0, os.path.dirname(__file__))
from apisupport import Server, payload_of, sign_jwt  # noqa: E402

SERVER = os.environ["TENANTDESK_SERVER"]
FIXTURE = os.environ["TENANTDESK_FIXTURE"]
SPEC_PATH = os.environ["TENANTDESK_OPENAPI"]

with open(SPEC_PATH, encoding="utf-8") as f:
    SPEC = yaml.safe_load(f)


def schema_for(path_template, method, status):
    """The response schema of the spec for one route and status, with #/components resolvable."""
    operation = SPEC["paths"][path_template][method.lower()]
    response = operation["responses"][str(status)]
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].split("/")[-1]]
    content = response.get("content", {})
    media = content.get("application/json") or content.get("application/problem+json")
    schema = dict(media["schema"])
    schema["components"] = SPEC["components"]
    return schema


def validate(reply, path_template, method):
    assert str(reply.status) in SPEC["paths"][path_template][method.lower()]["responses"], \
        f"{method} {path_template} answered {reply.status}, which the spec does not list"
    if reply.status in (204, 304):
        return
    expected = "application/problem+json" if reply.status >= 400 else "application/json"
    assert reply.headers["Content-Type"].startswith(expected), (path_template, reply.headers["Content-Type"])
    jsonschema.validate(reply.json(), schema_for(path_template, method, reply.status))


SUB_TENANT_ADMIN = "Tenant Admin of A's sub-tenant"
SUB_TENANT_ADMIN_EMAIL = "admin@sub.a.test"


def prepare_tenant_users(db):
    """Adds, on the demo's first two top-level tenants A and B, one user per built-in tenant role
    on A, a Tenant Admin of A's first sub-tenant and a custom role of A, and gives B's first
    sub-tenant a rate limit of 3 per minute. `db`: apisupport.Connection, on either backend."""
    a, b = [row[0] for row in db.execute(
        "SELECT id FROM tenants WHERE parent_id IS NULL ORDER BY id LIMIT 2")]
    a_child = db.execute("SELECT id FROM tenants WHERE parent_id = ? ORDER BY id LIMIT 1", (a,)).fetchone()[0]
    members = [(role.lower().replace(" ", ".") + "@a.test", role + " of A", role, a)
               for role in ("Tenant Admin", "Tenant User", "Tenant Viewer")]
    members.append((SUB_TENANT_ADMIN_EMAIL, SUB_TENANT_ADMIN, "Tenant Admin", a_child))
    for email, name, role, tenant in members:
        db.execute("INSERT INTO users (email, display_name, status, created_at) VALUES (?, ?, 'active', ?)",
                   (email, name, "2026-01-01T00:00:00Z"))
        user = db.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()[0]
        role_id = db.execute("SELECT id FROM roles WHERE tenant_id IS NULL AND name = ?", (role,)).fetchone()[0]
        db.execute("INSERT INTO memberships (tenant_id, user_id, environment_id, role_id) VALUES (?, ?, 0, ?)",
                   (tenant, user, role_id))
    db.execute("INSERT INTO roles (tenant_id, name, description, scope, built_in) "
               "VALUES (?, 'Auditor of A', 'Reads the audit trail', 'tenant', 0)", (a,))
    limited = db.execute("SELECT id FROM tenants WHERE parent_id = ? ORDER BY id LIMIT 1", (b,)).fetchone()[0]
    db.execute("UPDATE tenants SET api_rate_limit = 3 WHERE id = ?", (limited,))
    db.commit()


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(SERVER, FIXTURE, prepare=prepare_tenant_users)
        try:
            db = cls.server.db()
            cls.a, cls.b = [r[0] for r in db.execute("SELECT id FROM tenants WHERE parent_id IS NULL ORDER BY id LIMIT 2")]
            cls.b_slug, cls.b_name = db.execute("SELECT slug, display_name FROM tenants WHERE id = ?", (cls.b,)).fetchone()
            cls.a_child = db.execute("SELECT id FROM tenants WHERE parent_id = ? ORDER BY id LIMIT 1", (cls.a,)).fetchone()[0]
            cls.b_limited = db.execute("SELECT id FROM tenants WHERE parent_id = ? ORDER BY id LIMIT 1", (cls.b,)).fetchone()[0]
            cls.b_environment, cls.b_environment_name = db.execute(
                "SELECT id, name FROM environments WHERE tenant_id = ? ORDER BY id LIMIT 1", (cls.b,)).fetchone()
            cls.a_slug, cls.a_name = db.execute("SELECT slug, display_name FROM tenants WHERE id = ?", (cls.a,)).fetchone()
            cls.a_environment, cls.a_environment_name = db.execute(
                "SELECT id, name FROM environments WHERE tenant_id = ? ORDER BY id LIMIT 1", (cls.a,)).fetchone()
            cls.a_grandchild = db.execute("SELECT id FROM tenants WHERE parent_id = ? ORDER BY id LIMIT 1",
                                          (cls.a_child,)).fetchone()[0]
            cls.a_role = db.execute("SELECT id FROM roles WHERE tenant_id = ? AND name = 'Auditor of A'", (cls.a,)).fetchone()[0]
            db.close()
            cls.admin = cls.server.login(cls.server.admin_email, cls.server.admin_password)
            cls.tokens = {"platform admin": cls.admin["access_token"]}
            for role in ("Tenant Admin", "Tenant User", "Tenant Viewer"):
                email = role.lower().replace(" ", ".") + "@a.test"
                cls.tokens[role + " of A"] = cls.server.login(email, cls.server.reset_password(email))["access_token"]
            cls.tokens[SUB_TENANT_ADMIN] = cls.server.login(
                SUB_TENANT_ADMIN_EMAIL, cls.server.reset_password(SUB_TENANT_ADMIN_EMAIL))["access_token"]
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def get(self, path, token=None, **kwargs):
        return self.server.request("GET", path, token=token or self.admin["access_token"], **kwargs)

    # --- The OpenAPI document ---------------------------------------------------------------

    def test_spec_and_server_have_the_same_routes(self):
        import subprocess
        listed = subprocess.run([SERVER, "--list-routes"], capture_output=True, text=True, check=True).stdout.split("\n")
        server_routes = {tuple(line.split(" ", 1)) for line in listed if line}
        spec_routes = {(method.upper(), path) for path, item in SPEC["paths"].items()
                       for method in item if method in ("get", "post", "patch", "delete", "put")}
        self.assertEqual(spec_routes - server_routes, set(), "in the spec but not served")
        self.assertEqual(server_routes - spec_routes, set(), "served but not in the spec")
        self.assertGreaterEqual(len(server_routes), 20)

    def test_responses_match_their_schemas(self):
        a, env = self.a, None
        summary = self.get(f"/api/v1/tenants/{a}/summary")
        validate(summary, "/api/v1/tenants/{id}/summary", "GET")
        env = summary.json()["environments"][0]["id"]
        slug = summary.json()["tenant"]["slug"]
        cases = [
            ("/healthz", "/healthz"),
            ("/api/v1/platform", "/api/v1/platform"),
            ("/api/v1/platform/summary", "/api/v1/platform/summary"),
            ("/api/v1/tenants?limit=3", "/api/v1/tenants"),
            (f"/api/v1/tenants?parent_id={a}&sort=slug&order=desc", "/api/v1/tenants"),
            ("/api/v1/tenants/search?q=a&limit=5", "/api/v1/tenants/search"),
            (f"/api/v1/tenants/by-slug/{slug}", "/api/v1/tenants/by-slug/{slug}"),
            (f"/api/v1/tenants/{a}", "/api/v1/tenants/{id}"),
            (f"/api/v1/tenants/{a}/environments", "/api/v1/tenants/{id}/environments"),
            (f"/api/v1/tenants/{a}/memberships?limit=5", "/api/v1/tenants/{id}/memberships"),
            (f"/api/v1/tenants/{a}/roles", "/api/v1/tenants/{id}/roles"),
            ("/api/v1/roles", "/api/v1/roles"),
            (f"/api/v1/environments/{env}/summary", "/api/v1/environments/{id}/summary"),
            ("/api/v1/users?limit=5", "/api/v1/users"),
            (f"/api/v1/users?tenant_id={a}&q=a", "/api/v1/users"),
            ("/api/v1/audit?limit=5", "/api/v1/audit"),
            (f"/api/v1/audit?tenant_id={a}", "/api/v1/audit"),
            (f"/api/v1/usage?tenant_id={a}&metric=api_calls&from=2020-01-01T00:00:00Z&to=2020-12-01T00:00:00Z",
             "/api/v1/usage"),
            ("/api/v1/billing/summary", "/api/v1/billing/summary"),
            (f"/api/v1/tenants/{a}/nothing", None),
        ]
        for path, template in cases:
            with self.subTest(path=path):
                reply = self.get(path)
                if template is None:
                    self.assertEqual(reply.status, 404)
                    self.assertTrue(reply.headers["Content-Type"].startswith("application/problem+json"))
                    continue
                self.assertEqual(reply.status, 200, reply.body[:300])
                validate(reply, template, "GET")
        # Real content, not only the right shape.
        self.assertGreater(len(self.get("/api/v1/billing/summary").json()["items"]), 0)
        self.assertGreater(len(self.get("/api/v1/audit?limit=5").json()["items"]), 0)
        self.assertEqual(self.get("/api/v1/platform/summary").json()["tenant_count"], 25)

    # --- Protocol -----------------------------------------------------------------------------

    def test_pages_follow_their_cursors_to_the_end(self):
        seen, cursor, pages = [], None, 0
        while True:
            path = "/api/v1/tenants?limit=2" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
            reply = self.get(path)
            self.assertEqual(reply.status, 200)
            page = reply.json()
            seen += [t["id"] for t in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if not cursor:
                break
        everything = self.get("/api/v1/tenants?limit=500").json()["items"]
        self.assertEqual(seen, [t["id"] for t in everything])
        self.assertGreater(pages, 1)
        # A cursor made for one order is refused for another, naming the field.
        first = self.get("/api/v1/tenants?limit=1").json()["next_cursor"]
        other = self.get(f"/api/v1/tenants?limit=1&sort=slug&cursor={urllib.parse.quote(first)}")
        self.assertEqual((other.status, other.json()["field"]), (400, "cursor"))
        for bad in ("x", "display_name.asc.!!!", "display_name.asc.WyJhIiwiMSJd'%3B--"):
            reply = self.get(f"/api/v1/tenants?limit=1&cursor={bad}")
            self.assertEqual((reply.status, reply.json()["field"]), (400, "cursor"), bad)

    def test_bad_query_parameters_are_named(self):
        for path, field in [("/api/v1/tenants?limit=501", "limit"), ("/api/v1/tenants?limit=0", "limit"),
                            ("/api/v1/tenants?sort=name;DROP", "sort"), ("/api/v1/tenants?parent_id=-1", "parent_id"),
                            ("/api/v1/tenants?colour=red", "colour"), ("/api/v1/users?tenant_id=1%27--", "tenant_id"),
                            (f"/api/v1/usage?tenant_id={self.a}&from=yesterday&to=2026-01-01T00:00:00Z", "from"),
                            (f"/api/v1/usage?tenant_id={self.a}&metric=power&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", "metric")]:
            with self.subTest(path=path):
                reply = self.get(path)
                self.assertEqual(reply.status, 400, reply.body)
                problem = reply.json()
                self.assertEqual(problem["field"], field)
                self.assertEqual(problem["status"], 400)
                self.assertTrue(reply.headers["Content-Type"].startswith("application/problem+json"))

    def test_path_tricks_find_nothing(self):
        for path in ["/api/v1/tenants/..%2F..%2Fetc%2Fpasswd", "/api/v1/tenants/1;DROP%20TABLE%20tenants",
                     "/api/v1/tenants/0", "/api/v1/tenants/99999999999", "/api/v1/tenants/-1", "/api/v1/../healthz",
                     "/api/v1/tenants/1%00"]:
            with self.subTest(path=path):
                reply = self.get(path)
                self.assertIn(reply.status, (400, 404), reply.body)
                self.assertIn("application/problem+json", reply.headers["Content-Type"])
        reply = self.get("/api/v1/tenants/by-slug/Bad_Slug';--")
        self.assertEqual((reply.status, reply.json()["field"]), (400, "slug"))
        reply = self.get("/api/v1/tenants/by-slug/..%2F..%2Fx")
        self.assertIn(reply.status, (400, 404))
        self.assertEqual(self.get("/api/v1/platform/summary").json()["tenant_count"], 25)

    def patch(self, tenant, body, etag, token=None, raw_body=None):
        headers = {"If-Match": etag} if etag is not None else {}
        return self.server.request("PATCH", f"/api/v1/tenants/{tenant}", body, token=token or self.admin["access_token"],
                                   headers=headers, raw_body=raw_body)

    def test_a_change_needs_the_current_version(self):
        tenant = self.a_child
        read = self.get(f"/api/v1/tenants/{tenant}")
        etag = read.headers["ETag"]
        self.assertEqual(etag, '"%d"' % read.json()["version"])
        self.assertEqual(self.get(f"/api/v1/tenants/{tenant}", headers={"If-None-Match": etag}).status, 304)

        missing = self.patch(tenant, {"display_name": "Renamed"}, None)
        self.assertEqual(missing.status, 428)
        first = self.patch(tenant, {"display_name": "Renamed by the first admin"}, etag)
        self.assertEqual(first.status, 200, first.body)
        validate(first, "/api/v1/tenants/{id}", "PATCH")
        self.assertEqual(first.json()["display_name"], "Renamed by the first admin")
        self.assertNotEqual(first.headers["ETag"], etag)
        # The second admin edited the version they read: refused, with the current version shown.
        second = self.patch(tenant, {"display_name": "Renamed by the second admin"}, etag)
        self.assertEqual(second.status, 412)
        validate(second, "/api/v1/tenants/{id}", "PATCH")
        self.assertEqual(second.json()["current"]["display_name"], "Renamed by the first admin")
        self.assertEqual(self.get(f"/api/v1/tenants/{tenant}").json()["display_name"], "Renamed by the first admin")
        # The change is in the audit trail, by the admin who made it.
        events = self.get(f"/api/v1/audit?tenant_id={tenant}&limit=1").json()["items"]
        self.assertEqual(events[0]["action"], "tenant.update")
        self.assertEqual(events[0]["actor"], self.server.admin_email)
        self.assertEqual(events[0]["after"], {"display_name": "Renamed by the first admin"})

    def test_bad_bodies_are_refused_and_change_nothing(self):
        tenant = self.a_child
        before = self.get(f"/api/v1/tenants/{tenant}").json()
        etag = '"%d"' % before["version"]
        cases = [
            (None, b"{not json", "body", 400),
            (None, b"[1, 2]", "body", 400),
            ({"display_name": 7}, None, "display_name", 400),
            ({"display_name": ""}, None, "display_name", 400),
            ({"colour": "red"}, None, "colour", 400),
            ({"status": "archived"}, None, "status", 400),
            ({}, None, "body", 400),
            ({"timezone": "Europe/Berlin'; DROP TABLE tenants;--"}, None, "timezone", 400),
            ({"domain": "x.example' OR '1'='1"}, None, "domain", 400),
            ({"language": "de'--"}, None, "language", 400),
            (None, b"{\"display_name\": \"" + b"x" * (2 * 1024 * 1024) + b"\"}", None, 413),
        ]
        for body, raw, field, status in cases:
            with self.subTest(body=str(body)[:60], raw=str(raw)[:30]):
                reply = self.patch(tenant, body, etag, raw_body=raw)
                self.assertEqual(reply.status, status, reply.body[:300])
                problem = reply.json()
                self.assertEqual(problem["status"], status)
                if field:
                    self.assertEqual(problem.get("field"), field)
        self.assertEqual(self.get(f"/api/v1/tenants/{tenant}").json(), before)
        # SQL metacharacters in a name are just characters.
        name = "Robert'); DROP TABLE tenants;-- \"x\" % _ \\"
        reply = self.patch(tenant, {"display_name": name}, etag)
        self.assertEqual(reply.status, 200, reply.body)
        self.assertEqual(self.get(f"/api/v1/tenants/{tenant}").json()["display_name"], name)
        self.assertEqual(self.get("/api/v1/platform/summary").json()["tenant_count"], 25)

    def test_every_body_is_limited_however_it_is_sent(self):
        """1 MiB for a body, counted as the route reads it: compressed bodies are counted
        uncompressed."""
        tenant = self.get(f"/api/v1/tenants/{self.a_child}").json()
        big = b'{"display_name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        for method, path, headers, raw in [
                ("PATCH", f"/api/v1/tenants/{self.a_child}", {"If-Match": '"%d"' % tenant["version"], "Content-Encoding": "gzip"},
                 gzip.compress(big)),
                ("POST", "/api/v1/auth/login", {}, big),
                ("POST", "/api/v1/auth/login", {"Content-Encoding": "gzip"}, gzip.compress(big))]:
            with self.subTest(method=method, path=path, headers=headers):
                reply = self.server.request(method, path, token=self.admin["access_token"], headers=headers, raw_body=raw)
                self.assertEqual(reply.status, 413, reply.body[:300])
                self.assertEqual((reply.json()["status"], reply.json()["field"]), (413, "body"))
        self.assertEqual(self.get(f"/api/v1/tenants/{self.a_child}").json(), tenant)
        # A small compressed body is read as it was meant.
        small = self.server.request("PATCH", f"/api/v1/tenants/{self.a_child}", token=self.admin["access_token"],
                                    headers={"If-Match": '"%d"' % tenant["version"], "Content-Encoding": "gzip"},
                                    raw_body=gzip.compress(json.dumps({"language": tenant["language"]}).encode()))
        self.assertEqual(small.status, 200, small.body[:300])

    def test_each_tenant_has_its_rate_limit(self):
        statuses = [self.get(f"/api/v1/tenants/{self.b_limited}").status for _ in range(5)]
        self.assertEqual(statuses[:3], [200, 200, 200])
        self.assertEqual(statuses[3], 429)
        reply = self.get(f"/api/v1/tenants/{self.b_limited}")
        self.assertEqual(reply.status, 429)
        self.assertGreaterEqual(int(reply.headers["Retry-After"]), 1)
        self.assertEqual(reply.json()["code"], "RateLimited")
        # Another tenant is not slowed down by it.
        self.assertEqual(self.get(f"/api/v1/tenants/{self.a}").status, 200)

    def test_refresh_tokens_rotate_and_logout_revokes(self):
        session = self.server.login(self.server.admin_email, self.server.admin_password)
        refreshed = self.server.request("POST", "/api/v1/auth/refresh", {"refresh_token": session["refresh_token"]})
        self.assertEqual(refreshed.status, 200)
        validate(refreshed, "/api/v1/auth/refresh", "POST")
        new = refreshed.json()
        self.assertNotEqual(new["refresh_token"], session["refresh_token"])
        self.assertEqual(self.get("/api/v1/platform", token=new["access_token"]).status, 200)
        # The old token works once only; its reuse ends the whole session.
        reuse = self.server.request("POST", "/api/v1/auth/refresh", {"refresh_token": session["refresh_token"]})
        self.assertEqual(reuse.status, 401)
        after_reuse = self.server.request("POST", "/api/v1/auth/refresh", {"refresh_token": new["refresh_token"]})
        self.assertEqual(after_reuse.status, 401)
        # Logout revokes.
        other = self.server.login(self.server.admin_email, self.server.admin_password)
        self.assertEqual(self.server.request("POST", "/api/v1/auth/logout", {"refresh_token": other["refresh_token"]}).status, 204)
        self.assertEqual(self.server.request("POST", "/api/v1/auth/refresh", {"refresh_token": other["refresh_token"]}).status, 401)

    def test_login_failures_say_nothing_more(self):
        wrong = self.server.request("POST", "/api/v1/auth/login", {"email": self.server.admin_email, "password": "wrong"})
        unknown = self.server.request("POST", "/api/v1/auth/login", {"email": "nobody@x.test", "password": "wrong"})
        self.assertEqual((wrong.status, unknown.status), (401, 401))
        self.assertEqual(wrong.json()["detail"], unknown.json()["detail"])
        validate(wrong, "/api/v1/auth/login", "POST")
        claims = payload_of(self.admin["access_token"])
        self.assertEqual(claims["email"], self.server.admin_email)
        self.assertLessEqual(claims["exp"] - claims["iat"], 900)

    def test_access_log_has_request_ids_and_no_secrets(self):
        reply = self.get("/api/v1/platform", headers={"X-Request-Id": "trace-42"})
        self.assertEqual(reply.headers["X-Request-Id"], "trace-42")
        time.sleep(0.2)
        with open(self.server.log_file, encoding="utf-8") as f:
            log = f.read()
        self.assertIn("rid=trace-42", log)
        self.assertIn("GET /api/v1/platform 200", log)
        for secret in (self.admin["access_token"], self.admin["refresh_token"], self.server.admin_password):
            self.assertNotIn(secret, log)

    # --- Isolation ----------------------------------------------------------------------------

    def isolation_requests(self, tenant, slug, name, environment):
        """Every route, aimed at one tenant: (method, path, kind)."""
        return [
            ("GET", "/api/v1/platform/summary", "platform"),
            ("GET", f"/api/v1/tenants?parent_id={tenant}", "tenant"),
            ("GET", f"/api/v1/tenants/{tenant}", "tenant"),
            ("PATCH", f"/api/v1/tenants/{tenant}", "tenant"),
            ("GET", f"/api/v1/tenants/by-slug/{slug}", "tenant"),
            ("GET", f"/api/v1/tenants/{tenant}/summary", "tenant"),
            ("GET", f"/api/v1/tenants/{tenant}/environments", "tenant"),
            ("GET", f"/api/v1/tenants/{tenant}/memberships", "tenant"),
            ("GET", f"/api/v1/tenants/{tenant}/roles", "tenant"),
            ("GET", f"/api/v1/environments/{environment}/summary", "tenant"),
            ("GET", "/api/v1/users", "platform"),
            ("GET", f"/api/v1/users?tenant_id={tenant}", "tenant"),
            ("GET", "/api/v1/audit", "platform"),
            ("GET", f"/api/v1/audit?tenant_id={tenant}", "tenant"),
            ("GET", f"/api/v1/usage?tenant_id={tenant}&from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z", "tenant"),
            ("GET", "/api/v1/billing/summary", "platform"),
            ("GET", f"/api/v1/billing/summary?tenant_id={tenant}", "tenant"),
            ("GET", f"/api/v1/tenants/search?q={urllib.parse.quote(name)}", "search"),
        ]

    def check_isolation(self, callers, tenant, slug, name, environment, environment_name):
        """Each caller × each route aimed at `tenant`, which none of the callers but the platform
        admin may see: the expected 401/403/404, and no body names the tenant or its environment."""
        for caller, token in callers.items():
            for method, path, kind in self.isolation_requests(tenant, slug, name, environment):
                with self.subTest(caller=caller, request=f"{method} {path}"):
                    if method == "PATCH":
                        reply = self.server.request("PATCH", path, {"display_name": "Taken over"}, token=token,
                                                    headers={"If-Match": '"999"'})
                    else:
                        reply = self.server.request(method, path, token=token)
                    if caller in ("no token", "expired token", "token signed with another key"):
                        expected = 401
                    elif caller == "platform admin":
                        expected = 412 if method == "PATCH" else 200
                    elif kind == "platform":
                        expected = 403
                    elif kind == "search":
                        expected = 200
                    else:
                        expected = 404
                    self.assertEqual(reply.status, expected, reply.body[:300])
                    if caller != "platform admin":
                        text = reply.body.decode("utf-8")
                        self.assertNotIn('"' + slug + '"', text)
                        self.assertNotIn(name, text)
                        self.assertNotIn('"' + environment_name + '"', text)
                        if kind == "search" and expected == 200:
                            found = reply.json()
                            self.assertNotIn(tenant, [t["id"] for t in found["matches"] + found["ancestors"]])

    def test_isolation_matrix(self):
        """Every route × every caller, aimed at tenant B: the expected 401/403/404, and no body
        names anything of B."""
        b = self.b
        now = int(time.time())
        claims = payload_of(self.tokens["Tenant Admin of A"])
        callers = dict(self.tokens)
        callers["no token"] = None
        callers["expired token"] = sign_jwt({**claims, "iat": now - 7200, "exp": now - 3600}, self.server.signing_key())
        callers["token signed with another key"] = sign_jwt({**claims, "exp": now + 600}, os.urandom(32))
        self.assertGreaterEqual(len(SPEC["paths"]), 20)
        self.check_isolation(callers, b, self.b_slug, self.b_name, self.b_environment, self.b_environment_name)
        self.assertEqual(self.get(f"/api/v1/tenants/{b}").json()["display_name"], self.b_name)

    def test_isolation_from_ancestors(self):
        """A caller granted a sub-tenant sees none of the tenants above it: every route aimed at
        A, the parent of their tenant, answers as for a tenant of another customer."""
        self.check_isolation({SUB_TENANT_ADMIN: self.tokens[SUB_TENANT_ADMIN]}, self.a, self.a_slug, self.a_name,
                             self.a_environment, self.a_environment_name)

    def test_tenant_roles_see_their_tenant_as_the_policy_says(self):
        viewer, admin = self.tokens["Tenant Viewer of A"], self.tokens["Tenant Admin of A"]
        top = self.get("/api/v1/tenants", token=viewer).json()["items"]
        self.assertEqual([t["id"] for t in top], [self.a])
        self.assertEqual(self.get(f"/api/v1/tenants/{self.a_child}", token=viewer).status, 200)
        etag = self.get(f"/api/v1/tenants/{self.a}", token=viewer).headers["ETag"]
        self.assertEqual(self.patch(self.a, {"language": "fr"}, etag, token=viewer).status, 403)
        changed = self.patch(self.a, {"language": "fr"}, etag, token=admin)
        self.assertEqual(changed.status, 200, changed.body)
        self.assertEqual(changed.json()["language"], "fr")
        self.assertEqual(self.get("/api/v1/platform/summary", token=admin).status, 403)
        # Granted the top-level tenant A, they see A's own custom roles on its sub-tenants.
        roles = self.get(f"/api/v1/tenants/{self.a_child}/roles", token=viewer).json()["items"]
        self.assertIn(self.a_role, [r["id"] for r in roles])

    def test_a_tenant_role_finds_its_own_tenants_however_many_others_match(self):
        """A search's page is chosen among the tenants the caller sees, on SQLite as on PostgreSQL
        (where row-level security hides the others): the same matches, and `truncated` tells of
        nothing outside."""
        viewer = self.tokens["Tenant Viewer of A"]
        everything = self.get("/api/v1/tenants/search?q=e&limit=100").json()
        self.assertFalse(everything["truncated"])
        mine = [t["id"] for t in everything["matches"] if t["id"] == self.a or self.a in t["ancestor_ids"]]
        self.assertGreaterEqual(len(mine), 3)
        self.assertGreater(len(everything["matches"]), 2 * len(mine))
        found = self.get("/api/v1/tenants/search?q=e&limit=100", token=viewer).json()
        self.assertEqual([t["id"] for t in found["matches"]], mine)
        self.assertFalse(found["truncated"])
        first = self.get("/api/v1/tenants/search?q=e&limit=2", token=viewer).json()
        self.assertEqual([t["id"] for t in first["matches"]], mine[:2])
        self.assertTrue(first["truncated"])
        last = self.get(f"/api/v1/tenants/search?q=e&limit={len(mine)}", token=viewer).json()
        self.assertEqual(([t["id"] for t in last["matches"]], last["truncated"]), (mine, False))

    def test_a_sub_tenant_role_sees_its_sub_tree_and_nothing_above(self):
        """Least privilege, as row-level security has it on PostgreSQL: a Tenant Admin of A's
        sub-tenant sees that sub-tenant and everything under it, and neither A nor A's roles."""
        token = self.tokens[SUB_TENANT_ADMIN]
        top = self.get("/api/v1/tenants", token=token).json()["items"]
        self.assertEqual([t["id"] for t in top], [self.a_child])
        for path in (f"/api/v1/tenants/{self.a}", f"/api/v1/tenants/by-slug/{self.a_slug}",
                     f"/api/v1/tenants/{self.a}/summary", f"/api/v1/tenants?parent_id={self.a}",
                     f"/api/v1/environments/{self.a_environment}/summary", f"/api/v1/audit?tenant_id={self.a}"):
            with self.subTest(path=path):
                reply = self.get(path, token=token)
                self.assertEqual(reply.status, 404, reply.body[:300])  # not 403: A's existence is not revealed
        # The path down to a tenant starts at the caller's own tenant.
        summary = self.get(f"/api/v1/tenants/{self.a_child}/summary", token=token)
        self.assertEqual(summary.status, 200)
        validate(summary, "/api/v1/tenants/{id}/summary", "GET")
        self.assertEqual((summary.json()["ancestors"], summary.json()["ancestor_slugs"]), ([], []))
        below = self.get(f"/api/v1/tenants/{self.a_grandchild}/summary", token=token).json()
        self.assertEqual([t["id"] for t in below["ancestors"]], [self.a_child])
        self.assertEqual(len(below["ancestor_slugs"]), 1)
        # The platform admin sees the whole path.
        full = self.get(f"/api/v1/tenants/{self.a_grandchild}/summary").json()
        self.assertEqual([t["id"] for t in full["ancestors"]], [self.a, self.a_child])
        # Searching finds tenants of the sub-tree (their slugs start with A's), shown under no ancestor above it.
        found = self.get(f"/api/v1/tenants/search?q={urllib.parse.quote(self.a_slug)}", token=token)
        self.assertEqual(found.status, 200)
        validate(found, "/api/v1/tenants/search", "GET")
        matches = [t["id"] for t in found.json()["matches"]]
        self.assertIn(self.a_child, matches)
        self.assertIn(self.a_grandchild, matches)
        self.assertNotIn(self.a, matches + [t["id"] for t in found.json()["ancestors"]])
        self.assertNotIn(self.a_name, found.body.decode("utf-8"))
        # A's custom role belongs to A: not shown on the sub-tenant.
        roles = self.get(f"/api/v1/tenants/{self.a_child}/roles", token=token)
        self.assertEqual(roles.status, 200)
        self.assertNotIn(self.a_role, [r["id"] for r in roles.json()["items"]])
        self.assertIn("Tenant Admin", [r["name"] for r in roles.json()["items"]])


if __name__ == "__main__":
    unittest.main(verbosity=2)
