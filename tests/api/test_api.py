"""tenantdesk-server's REST API against its OpenAPI document, its protocol rules and its isolation
between tenants: a real server on 127.0.0.1 over the small demo database, on SQLite (CTest
api_server) or on PostgreSQL as tenantdesk_app under row-level security (api_server_postgres):
every test passes on both."""
import gzip
import json
import os
import sys
import threading
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
        user = payload_of(self.tokens["Tenant Admin of A"])["sub"]
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
            (f"/api/v1/users?tenant_id={a}&environment_id={env}&status=active&sort=last_sign_in_at&order=desc",
             "/api/v1/users"),
            (f"/api/v1/users?role_id={self.a_role}&sort=email", "/api/v1/users"),
            ("/api/v1/me", "/api/v1/me"),
            (f"/api/v1/users/{user}", "/api/v1/users/{id}"),
            (f"/api/v1/users/{user}/effective-permissions?tenant_id={self.a_child}", "/api/v1/users/{id}/effective-permissions"),
            (f"/api/v1/users/{user}/principal", "/api/v1/users/{id}/principal"),
            ("/api/v1/audit?limit=5", "/api/v1/audit"),
            (f"/api/v1/audit?tenant_id={a}", "/api/v1/audit"),
            (f"/api/v1/usage?tenant_id={a}&metric=api_calls&from=2020-01-01T00:00:00Z&to=2020-12-01T00:00:00Z",
             "/api/v1/usage"),
            ("/api/v1/billing/summary", "/api/v1/billing/summary"),
            ("/api/v1/billing/tag-values?key=tenant", "/api/v1/billing/tag-values"),
            ("/api/v1/billing/tag-keys", "/api/v1/billing/tag-keys"),
            ("/api/v1/usage/totals?metric=api_calls&limit=3&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z",
             "/api/v1/usage/totals"),
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

    # --- Billing imports ----------------------------------------------------------------------

    def test_billing_files_are_imported_by_platform_principals_only(self):
        """The shared FOCUS sample as the body: imported whole with its exact total, refused,
        skipped or replaced when sent again, listed and deleted; a broken file names its line and
        column and writes nothing; a tenant admin or viewer may do none of it."""
        import csv
        import decimal
        import hashlib
        import io
        with open(os.path.join(os.path.dirname(__file__), "..", "data", "focus", "focus_sample.csv"), "rb") as f:
            sample = f.read()
        rows = list(csv.DictReader(io.StringIO(sample.decode("utf-8"))))
        total = sum((decimal.Decimal(r["BilledCost"]) for r in rows), decimal.Decimal(0))
        octets = {"Content-Type": "application/octet-stream"}
        template = "/api/v1/billing/imports"

        def upload(body, query="file_name=focus.csv", token=None, headers=None):
            reply = self.server.request("POST", template + "?" + query, raw_body=body,
                                        token=token or self.admin["access_token"], headers=headers or octets, timeout=120)
            validate(reply, template, "POST")
            return reply

        def imports():
            reply = self.get(template)
            self.assertEqual(reply.status, 200, reply.body[:300])
            validate(reply, template, "GET")
            return reply.json()["items"]

        self.assertEqual(imports(), [])
        for who in ("Tenant Admin of A", "Tenant Viewer of A"):
            with self.subTest(caller=who):
                self.assertEqual(upload(sample, token=self.tokens[who]).status, 403)
                self.assertEqual(self.get(template, token=self.tokens[who]).status, 403)
                self.assertEqual(self.server.request("DELETE", template + "/1", token=self.tokens[who]).status, 403)
        self.assertEqual(upload(sample, headers={"Content-Type": "application/json"}).status, 415)
        self.assertEqual(upload(sample, query="on_duplicate=sometimes").status, 400)

        # Line 5's BilledCost is no number: 400 naming the file, the line and the column.
        line5 = sample.split(b"\n")[4]
        cost = rows[3]["BilledCost"].encode()
        self.assertIn(b"," + cost + b",", line5)
        broken = sample.replace(line5, line5.replace(b"," + cost + b",", b",1.2.3,", 1), 1)
        reply = upload(broken, query="file_name=broken.csv")
        self.assertEqual((reply.status, reply.json().get("field")), (400, "BilledCost"), reply.body[:300])
        self.assertIn("broken.csv", reply.json()["detail"])
        self.assertIn("5", reply.json()["detail"])
        self.assertEqual(imports(), [])

        # Imported whole, under the name only (never a path), with the sample's exact total.
        reply = upload(sample, query="file_name=" + urllib.parse.quote("../../uploads/focus.csv"))
        self.assertEqual(reply.status, 201, reply.body[:300])
        first = reply.json()["import"]
        self.assertEqual((first["file_name"], first["format"], first["line_count"]), ("focus.csv", "focus", len(rows)))
        self.assertEqual(decimal.Decimal(first["billed_cost_total"]), total)
        self.assertEqual(first["billed_cost_total"], "20.52022672899")
        self.assertEqual(first["sha256"], hashlib.sha256(sample).hexdigest())
        self.assertEqual([i["id"] for i in imports()], [first["id"]])

        # The same bytes again: refused naming the first import, skipped, or replaced.
        again = upload(sample, query="file_name=again.csv")
        self.assertEqual(again.status, 409, again.body[:300])
        self.assertIn(str(first["id"]), again.json()["detail"])
        skipped = upload(sample, query="file_name=again.csv&on_duplicate=skip")
        self.assertEqual((skipped.status, skipped.json()["skipped"]), (200, True), skipped.body[:300])
        replaced = upload(sample, query="file_name=again.csv&on_duplicate=replace&format=focus")
        self.assertEqual(replaced.status, 201, replaced.body[:300])
        self.assertEqual(replaced.json()["replaced_import_id"], first["id"])
        second = replaced.json()["import"]
        self.assertEqual(second["billed_cost_total"], first["billed_cost_total"])
        self.assertEqual([i["id"] for i in imports()], [second["id"]])

        # Deleted with its lines; a second delete finds nothing.
        deleted = self.server.request("DELETE", f"{template}/{second['id']}", token=self.admin["access_token"])
        self.assertEqual(deleted.status, 200, deleted.body[:300])
        validate(deleted, template + "/{id}", "DELETE")
        self.assertEqual(deleted.json()["line_count"], len(rows))
        self.assertEqual(imports(), [])
        self.assertEqual(self.server.request("DELETE", f"{template}/{second['id']}", token=self.admin["access_token"]).status, 404)
        with self.server.db() as db:
            self.assertEqual(db.execute("SELECT count(*) FROM billing_lines WHERE import_id IS NOT NULL").fetchone()[0], 0)
            self.assertEqual(db.execute("SELECT count(*) FROM billing_rollups WHERE import_id <> 0").fetchone()[0], 0)

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

    def test_usage_totals_compare_the_tenants_a_caller_may_read(self):
        span = "from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z"
        db = self.server.db()
        with_usage = {r[0] for r in db.execute("SELECT DISTINCT tenant_id FROM usage_samples")}
        parents = {r[0]: r[1] for r in db.execute("SELECT id, coalesce(parent_id, 0) FROM tenants")}
        paths = {r[0]: r[1] for r in db.execute("SELECT id, path FROM tenants")}
        db.close()

        def totals(query, token=None):
            reply = self.get(f"/api/v1/usage/totals?{query}&{span}", token=token)
            self.assertEqual(reply.status, 200, reply.body[:300])
            validate(reply, "/api/v1/usage/totals", "GET")
            return reply.json()["items"]

        everything = totals("metric=cpu_hours&limit=500")
        self.assertEqual({t["tenant_id"] for t in everything}, with_usage)
        self.assertEqual([t["total"] for t in everything], sorted((t["total"] for t in everything), reverse=True))
        # A total is what the tenant's hourly samples add up to; error_rate is their mean.
        for metric, mean in (("cpu_hours", False), ("error_rate", True)):
            first = totals(f"metric={metric}&limit=1")[0]
            samples = self.get(f"/api/v1/usage?tenant_id={first['tenant_id']}&metric={metric}&{span}").json()["items"]
            values = [s["value"] for s in samples]
            expected = sum(values) / len(values) if mean else sum(values)
            self.assertAlmostEqual(first["total"], expected, delta=1e-9 * max(1.0, abs(expected)))
            self.assertEqual((first["peak"], first["samples"]), (max(values), len(values)))
        # Top N is the head of the whole list; parent_id keeps to the top level or one tenant's children.
        self.assertEqual(totals("metric=cpu_hours&limit=4"), everything[:4])
        self.assertEqual([t["tenant_id"] for t in totals("metric=cpu_hours&limit=500&parent_id=0")],
                         [t["tenant_id"] for t in everything if parents[t["tenant_id"]] == 0])
        # A tenant admin, viewer or sub-tenant admin compares only the tenants under their grant.
        for who, home in (("Tenant Admin of A", self.a), ("Tenant Viewer of A", self.a), (SUB_TENANT_ADMIN, self.a_child)):
            with self.subTest(who=who):
                seen = totals("metric=cpu_hours&limit=500", token=self.tokens[who])
                expected = [t for t in everything if f"/{home}/" in paths[t["tenant_id"]]]
                self.assertEqual([t["tenant_id"] for t in seen], [t["tenant_id"] for t in expected])
                self.assertLess(len(seen), len(everything))
        other_parent = self.get(f"/api/v1/usage/totals?parent_id={self.b}&{span}", token=self.tokens["Tenant Admin of A"])
        self.assertEqual(other_parent.status, 404)
        for query, field in (("metric=power", "metric"), ("limit=0", "limit"), ("parent_id=x", "parent_id")):
            reply = self.get(f"/api/v1/usage/totals?{query}&{span}")
            self.assertEqual((reply.status, reply.json()["field"]), (400, field), query)
        reply = self.get("/api/v1/usage/totals?to=2026-11-01T00:00:00Z")
        self.assertEqual((reply.status, reply.json()["field"]), (400, "from"))

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
        uncompressed, and a body sent to no route is read and dropped, not kept."""
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
        for method in ("POST", "PATCH", "DELETE", "PUT"):
            with self.subTest(method=method):
                reply = self.server.request(method, "/api/v1/nowhere", token=self.admin["access_token"], raw_body=big)
                self.assertEqual(reply.status, 404, reply.body[:300])
                self.assertTrue(reply.headers["Content-Type"].startswith("application/problem+json"))
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
        """Every route, aimed at one tenant: (method, path, kind, body, what the platform admin gets).
        A change carries If-Match "999" or a body the store refuses, so that even the platform
        admin's request changes nothing."""
        new_tenant = {"slug": "Not A Slug", "display_name": "Taken over", "timezone": "UTC", "language": "en"}
        return [
            ("GET", "/api/v1/platform/summary", "platform", None, 200),
            ("GET", f"/api/v1/tenants?parent_id={tenant}", "tenant", None, 200),
            ("GET", f"/api/v1/tenants/{tenant}", "tenant", None, 200),
            ("PATCH", f"/api/v1/tenants/{tenant}", "tenant", {"display_name": "Taken over"}, 412),
            ("GET", f"/api/v1/tenants/by-slug/{slug}", "tenant", None, 200),
            ("GET", f"/api/v1/tenants/{tenant}/summary", "tenant", None, 200),
            ("GET", f"/api/v1/tenants/{tenant}/environments", "tenant", None, 200),
            ("GET", f"/api/v1/tenants/{tenant}/memberships", "tenant", None, 200),
            ("GET", f"/api/v1/tenants/{tenant}/roles", "tenant", None, 200),
            ("GET", f"/api/v1/environments/{environment}/summary", "tenant", None, 200),
            ("GET", "/api/v1/users", "platform", None, 200),
            ("GET", f"/api/v1/users?tenant_id={tenant}", "tenant", None, 200),
            ("GET", "/api/v1/audit", "platform", None, 200),
            ("GET", f"/api/v1/audit?tenant_id={tenant}", "tenant", None, 200),
            ("GET", f"/api/v1/usage?tenant_id={tenant}&from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z", "tenant", None, 200),
            ("GET", "/api/v1/billing/summary", "platform", None, 200),
            ("GET", f"/api/v1/billing/summary?tenant_id={tenant}", "tenant", None, 200),
            ("GET", f"/api/v1/billing/totals?tenant_id={tenant}", "tenant", None, 200),
            ("GET", "/api/v1/billing/totals?tenant_id=0", "platform", None, 200),
            ("GET", "/api/v1/billing/totals", "filtered", None, 200),
            ("GET", f"/api/v1/billing/lines?tenant_id={tenant}&limit=5", "tenant", None, 200),
            ("GET", "/api/v1/billing/lines?limit=5", "platform", None, 200),
            ("GET", f"/api/v1/billing/tag-values?key=tenant&tenant_id={tenant}", "tenant", None, 200),
            ("GET", "/api/v1/billing/tag-values?key=tenant&tenant_id=0", "platform", None, 200),
            ("GET", "/api/v1/billing/tag-values?key=tenant", "filtered", None, 200),
            ("GET", "/api/v1/billing/tag-keys", "platform", None, 200),
            ("GET", "/api/v1/billing/budgets", "filtered", None, 200),
            ("GET", "/api/v1/billing/attribution-rules", "platform", None, 200),
            ("PUT", "/api/v1/billing/attribution-rules", "platform", {"mappings": []}, 412),
            ("PUT", f"/api/v1/billing/budgets/{tenant}/USD", "platform", {"amount": "1e3"}, 400),
            ("GET", f"/api/v1/tenants/search?q={urllib.parse.quote(name)}", "search", None, 200),
            ("POST", "/api/v1/tenants", "platform", new_tenant, 400),
            ("POST", "/api/v1/tenants", "tenant", {**new_tenant, "parent_id": tenant}, 400),
            ("POST", f"/api/v1/tenants/{tenant}/move", "tenant", {"parent_id": None}, 412),
            ("POST", f"/api/v1/tenants/{tenant}/status", "tenant", {"status": "suspended"}, 412),
            ("POST", f"/api/v1/tenants/{tenant}/decommission", "tenant", {"step": "back_up"}, 412),
            ("GET", f"/api/v1/tenants/{tenant}/backup", "tenant", None, 200),
            ("POST", "/api/v1/tenants/restore", "platform", {"backup": {}}, 400),
            ("DELETE", f"/api/v1/tenants/{tenant}?confirm_slug={slug}", "tenant", None, 412),
            ("POST", f"/api/v1/tenants/{tenant}/environments", "tenant", {"name": "", "kind": "sandbox"}, 400),
            ("PATCH", f"/api/v1/environments/{environment}", "tenant", {"name": "Taken over"}, 412),
            ("DELETE", f"/api/v1/environments/{environment}", "tenant", None, 412),
            ("POST", f"/api/v1/environments/{environment}/promote", "tenant", {"source_id": environment, "keys": ["x"]}, 412),
        ]

    def check_isolation(self, callers, tenant, slug, name, environment, environment_name):
        """Each caller × each route aimed at `tenant`, which none of the callers but the platform
        admin may see: the expected 401/403/404, and no body names the tenant or its environment."""
        for caller, token in callers.items():
            for method, path, kind, body, for_admin in self.isolation_requests(tenant, slug, name, environment):
                with self.subTest(caller=caller, request=f"{method} {path}"):
                    headers = {"If-Match": '"999"'} if method != "GET" else {}
                    reply = self.server.request(method, path, body, token=token, headers=headers)
                    if caller in ("no token", "expired token", "token signed with another key"):
                        expected = 401
                    elif caller == "platform admin":
                        expected = for_admin
                    elif kind == "platform":
                        expected = 403
                    elif kind in ("search", "filtered"):
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
                        if kind == "filtered" and expected == 200:
                            self.assertNotIn(tenant, [item["tenant_id"] for item in reply.json()["items"]])
                            self.assertNotIn(None, [item["tenant_id"] for item in reply.json()["items"]])

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


def add_user(db, email, memberships):
    """An active user holding built-in (or the named tenant's own) roles: [(tenant id, role name)]."""
    db.execute("INSERT INTO users (email, display_name, status, created_at) VALUES (?, ?, 'active', ?)",
               (email, email.split("@")[0], "2026-01-01T00:00:00Z"))
    user = db.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()[0]
    for tenant, role in memberships:
        role_id = db.execute("SELECT id FROM roles WHERE (tenant_id IS NULL OR tenant_id = ?) AND name = ?",
                             (tenant, role)).fetchone()[0]
        db.execute("INSERT INTO memberships (tenant_id, user_id, environment_id, role_id) VALUES (?, ?, 0, ?)",
                   (tenant, user, role_id))
    db.commit()


CREATOR_EMAIL = "creator@a.test"


def prepare_administration(db):
    """prepare_tenant_users, and a user of A holding a custom role that may create sub-tenants."""
    prepare_tenant_users(db)
    a = db.execute("SELECT id FROM tenants WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetchone()[0]
    db.execute("INSERT INTO roles (tenant_id, name, description, scope, built_in) "
               "VALUES (?, 'Creator of A', 'Adds sub-tenants', 'tenant', 0)", (a,))
    role = db.execute("SELECT id FROM roles WHERE tenant_id = ? AND name = 'Creator of A'", (a,)).fetchone()[0]
    for permission in ("tenant.read", "tenant.create"):
        db.execute("INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)", (role, permission))
    add_user(db, CREATOR_EMAIL, [(a, "Creator of A")])


class TenantAdministrationTest(unittest.TestCase):
    """The routes that create, move, retire, back up, restore and delete tenants and manage their
    environments, on a server of their own (they change the tree the other tests count), which
    accepts backups of up to 16 MiB (--max-backup-bytes) and every other body up to 1 MiB."""

    MAX_BACKUP = 16 * 1024 * 1024

    @classmethod
    def setUpClass(cls):
        cls.server = Server(SERVER, FIXTURE, extra_args=["--max-backup-bytes", str(cls.MAX_BACKUP)],
                            prepare=prepare_administration)
        try:
            with cls.server.db() as db:
                cls.a, cls.b = [r[0] for r in db.execute(
                    "SELECT id FROM tenants WHERE parent_id IS NULL ORDER BY id LIMIT 2")]
                cls.a_child = db.execute("SELECT id FROM tenants WHERE parent_id = ? ORDER BY id LIMIT 1", (cls.a,)).fetchone()[0]
                cls.a_grandchild = db.execute("SELECT id FROM tenants WHERE parent_id = ? ORDER BY id LIMIT 1",
                                              (cls.a_child,)).fetchone()[0]
                cls.a_environment = db.execute("SELECT id FROM environments WHERE tenant_id = ? ORDER BY id LIMIT 1",
                                               (cls.a,)).fetchone()[0]
                cls.b_environment = db.execute("SELECT id FROM environments WHERE tenant_id = ? ORDER BY id LIMIT 1",
                                               (cls.b,)).fetchone()[0]
                # An active top-level tenant without sub-tenants, with its environments, members and usage.
                cls.leaf, cls.leaf_slug = db.execute(
                    "SELECT id, slug FROM tenants t WHERE parent_id IS NULL AND status = 'active' AND NOT EXISTS "
                    "(SELECT 1 FROM tenants c WHERE c.parent_id = t.id) ORDER BY id LIMIT 1").fetchone()
            cls.admin = cls.server.login(cls.server.admin_email, cls.server.admin_password)["access_token"]
            cls.tokens = {}
            for email in ("tenant.admin@a.test", "tenant.viewer@a.test", SUB_TENANT_ADMIN_EMAIL, CREATOR_EMAIL):
                cls.tokens[email] = cls.server.login(email, cls.server.reset_password(email))["access_token"]
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def call(self, method, path, body=None, token=None, etag=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if etag is not None:
            headers["If-Match"] = etag
        return self.server.request(method, path, body, token=token or self.admin, headers=headers, **kwargs)

    @staticmethod
    def etag(item):
        return '"%d"' % item["version"]

    def tenant(self, tenant_id):
        reply = self.call("GET", f"/api/v1/tenants/{tenant_id}")
        self.assertEqual(reply.status, 200, reply.body[:300])
        return reply.json()

    def create(self, slug, parent=None, environments=(), token=None):
        reply = self.call("POST", "/api/v1/tenants", {
            "slug": slug, "display_name": slug.replace("-", " ").title(), "parent_id": parent,
            "timezone": "Europe/Berlin", "language": "de", "environments": list(environments)}, token=token)
        self.assertEqual(reply.status, 201, reply.body[:300])
        validate(reply, "/api/v1/tenants", "POST")
        return reply.json()

    def set_status(self, tenant, status, token=None):
        """Moves `tenant` (as last read) to `status`; returns it as it now is."""
        reply = self.call("POST", f"/api/v1/tenants/{tenant['id']}/status", {"status": status}, token=token,
                          etag=self.etag(tenant))
        self.assertEqual(reply.status, 200, reply.body[:300])
        return reply.json()

    def step(self, tenant, step, **fields):
        reply = self.call("POST", f"/api/v1/tenants/{tenant['id']}/decommission", {"step": step, **fields},
                          etag=self.etag(tenant))
        self.assertEqual(reply.status, 200, reply.body[:300])
        validate(reply, "/api/v1/tenants/{id}/decommission", "POST")
        return reply.json()

    def retire(self, tenant):
        """Takes an active tenant through decommissioning to archived, backing it up first."""
        tenant = self.set_status(self.set_status(tenant, "suspended"), "decommissioning")
        tenant = self.step(tenant, "back_up", note="kept by the API tests")
        tenant = self.step(tenant, "delete_data", confirm_slug=tenant["slug"])
        for step in ("notify_users", "release_resources", "finalise_billing"):
            tenant = self.step(tenant, step)
        return self.set_status(tenant, "archived")

    def last_event(self, tenant_id, action):
        reply = self.call("GET", f"/api/v1/audit?tenant_id={tenant_id}&action={action}&actor="
                          + urllib.parse.quote(self.server.admin_email) + "&limit=1")
        self.assertEqual(reply.status, 200, reply.body[:300])
        items = reply.json()["items"]
        return items[0] if items else None

    # --- Creating ------------------------------------------------------------------------------

    def test_creating_a_tenant(self):
        reply = self.call("POST", "/api/v1/tenants", {"slug": "fabrikam", "display_name": "Fabrikam", "timezone": "UTC",
                                                       "language": "en", "environments": ["production", "staging"]})
        self.assertEqual(reply.status, 201, reply.body[:300])
        validate(reply, "/api/v1/tenants", "POST")
        created = reply.json()
        self.assertEqual(reply.headers["ETag"], self.etag(created))
        self.assertEqual(reply.headers["Location"], f"/api/v1/tenants/{created['id']}")
        self.assertEqual((created["status"], created["parent_id"], created["environment_count"]), ("requested", None, 2))
        self.assertEqual(self.tenant(created["id"]), created)
        self.assertEqual(self.last_event(created["id"], "tenant.create")["after"]["slug"], "fabrikam")

        taken = self.call("POST", "/api/v1/tenants", {"slug": "fabrikam", "display_name": "Again", "timezone": "UTC",
                                                       "language": "en"})
        self.assertEqual((taken.status, taken.json()["field"]), (409, "slug"))
        validate(taken, "/api/v1/tenants", "POST")
        for body, field in [({"slug": "x-y", "display_name": "X", "timezone": "UTC", "language": "en", "colour": "red"}, "colour"),
                            ({"slug": "x-y", "display_name": "X", "timezone": "Mars/Olympus", "language": "en"}, "timezone"),
                            ({"slug": "x-y", "display_name": "X", "timezone": "UTC", "language": "en",
                              "environments": ["production", "production"]}, "environments"),
                            ({"display_name": "X", "timezone": "UTC", "language": "en"}, "slug")]:
            with self.subTest(field=field):
                reply = self.call("POST", "/api/v1/tenants", body)
                self.assertEqual((reply.status, reply.json().get("field")), (400, field), reply.body[:300])
                validate(reply, "/api/v1/tenants", "POST")

        sub = self.create("fabrikam.emea", parent=created["id"])
        self.assertEqual((sub["parent_id"], sub["ancestor_ids"]), (created["id"], [created["id"]]))

    def test_who_may_create_a_tenant(self):
        admin_of_a, creator = self.tokens["tenant.admin@a.test"], self.tokens[CREATOR_EMAIL]
        body = {"slug": "who-may", "display_name": "Who May", "timezone": "UTC", "language": "en"}
        for token, parent, status in [(admin_of_a, self.a, 403),        # sees A, holds no tenant.create
                                      (admin_of_a, None, 403),          # the top level is the platform's
                                      (admin_of_a, self.b, 404),        # B is outside their tenants
                                      (self.tokens[SUB_TENANT_ADMIN_EMAIL], self.a, 404),  # above their tenant
                                      (creator, None, 403),
                                      (creator, self.b, 404)]:
            with self.subTest(parent=parent, status=status):
                reply = self.call("POST", "/api/v1/tenants", {**body, "parent_id": parent}, token=token)
                self.assertEqual(reply.status, status, reply.body[:300])
                validate(reply, "/api/v1/tenants", "POST")
        # A role including tenant.create on A creates under A and under A's sub-tenants.
        self.assertEqual(self.create("a-made-here", parent=self.a, token=creator)["parent_id"], self.a)
        self.assertEqual(self.create("a-made-below", parent=self.a_child, token=creator)["ancestor_ids"], [self.a, self.a_child])

    # --- Moving --------------------------------------------------------------------------------

    def test_moving_a_tenant(self):
        p, q = self.create("move-p"), self.create("move-q")
        child = self.create("move-p.child", parent=p["id"])
        path = f"/api/v1/tenants/{child['id']}/move"
        missing = self.call("POST", path, {"parent_id": q["id"]})
        self.assertEqual((missing.status, missing.json()["field"]), (428, "If-Match"))
        validate(missing, "/api/v1/tenants/{id}/move", "POST")
        self.assertEqual(self.call("POST", path, {"parent_id": q["id"]}, etag="7").json()["field"], "If-Match")

        moved = self.call("POST", path, {"parent_id": q["id"]}, etag=self.etag(child))
        self.assertEqual(moved.status, 200, moved.body[:300])
        validate(moved, "/api/v1/tenants/{id}/move", "POST")
        self.assertEqual((moved.json()["parent_id"], moved.json()["ancestor_ids"]), (q["id"], [q["id"]]))
        self.assertEqual(moved.headers["ETag"], self.etag(moved.json()))
        stale = self.call("POST", path, {"parent_id": p["id"]}, etag=self.etag(child))
        self.assertEqual(stale.status, 412)
        validate(stale, "/api/v1/tenants/{id}/move", "POST")
        self.assertEqual(stale.json()["current"], moved.json())
        self.assertEqual(self.tenant(q["id"])["sub_tenant_count"], 1)
        event = self.last_event(child["id"], "tenant.move")
        self.assertEqual((event["before"]["parent_id"], event["after"]["parent_id"]), (p["id"], q["id"]))

        q = self.tenant(q["id"])
        under_itself = self.call("POST", f"/api/v1/tenants/{q['id']}/move", {"parent_id": child["id"]}, etag=self.etag(q))
        self.assertEqual((under_itself.status, under_itself.json()["field"]), (400, "parent_id"))
        for body, field in [({}, "parent_id"), ({"parent_id": "q"}, "parent_id"), ({"parent_id": None, "x": 1}, "x")]:
            reply = self.call("POST", path, body, etag=self.etag(moved.json()))
            self.assertEqual((reply.status, reply.json()["field"]), (400, field))
        top = self.call("POST", path, {"parent_id": None}, etag=self.etag(moved.json()))
        self.assertEqual((top.status, top.json()["parent_id"], top.json()["ancestor_ids"]), (200, None, []))

    def test_who_may_move_a_tenant(self):
        admin_of_a = self.tokens["tenant.admin@a.test"]
        grandchild = self.tenant(self.a_grandchild)
        path = f"/api/v1/tenants/{self.a_grandchild}/move"
        # Within A, a Tenant Admin of A moves A's sub-tenants (tenant.update on both places).
        up = self.call("POST", path, {"parent_id": self.a}, token=admin_of_a, etag=self.etag(grandchild))
        self.assertEqual((up.status, up.json()["ancestor_ids"]), (200, [self.a]), up.body[:300])
        for token, target, status in [(admin_of_a, None, 403), (admin_of_a, self.b, 404),
                                      (self.tokens["tenant.viewer@a.test"], self.a_child, 403),
                                      (self.tokens[SUB_TENANT_ADMIN_EMAIL], self.a_child, 404)]:
            with self.subTest(target=target, status=status):
                reply = self.call("POST", path, {"parent_id": target}, token=token, etag=self.etag(up.json()))
                self.assertEqual(reply.status, status, reply.body[:300])
        back = self.call("POST", path, {"parent_id": self.a_child}, token=admin_of_a, etag=self.etag(up.json()))
        self.assertEqual((back.status, back.json()["ancestor_ids"]), (200, [self.a, self.a_child]))

    # --- The lifecycle, decommissioning and deleting -------------------------------------------

    def test_a_tenant_goes_through_its_lifecycle(self):
        tenant = self.create("lifecycle", environments=["production"])
        path = f"/api/v1/tenants/{tenant['id']}/status"
        self.assertEqual(self.call("POST", path, {"status": "active"}).status, 428)
        for status, field in [("archived", "status"), ("gone", "status")]:
            reply = self.call("POST", path, {"status": status}, etag=self.etag(tenant))
            self.assertEqual((reply.status, reply.json()["field"]), (400, field), reply.body[:300])
            validate(reply, "/api/v1/tenants/{id}/status", "POST")
        self.assertEqual(self.tenant(tenant["id"]), tenant)

        tenant = self.set_status(self.set_status(tenant, "provisioning"), "active")
        suspended = self.call("POST", path, {"status": "suspended"}, etag=self.etag(tenant))
        self.assertEqual(suspended.status, 200)
        validate(suspended, "/api/v1/tenants/{id}/status", "POST")
        stale = self.call("POST", path, {"status": "suspended"}, etag=self.etag(tenant))
        self.assertEqual((stale.status, stale.json()["current"]["status"]), (412, "suspended"))
        validate(stale, "/api/v1/tenants/{id}/status", "POST")
        tenant = self.set_status(suspended.json(), "active")
        self.assertEqual(self.last_event(tenant["id"], "tenant.")["action"], "tenant.resume")
        # Lifecycle changes are not a Tenant Admin's.
        a = self.tenant(self.a)
        refused = self.call("POST", f"/api/v1/tenants/{self.a}/status", {"status": "suspended"},
                            token=self.tokens["tenant.admin@a.test"], etag=self.etag(a))
        self.assertEqual(refused.status, 403)
        self.assertEqual(self.tenant(self.a)["status"], a["status"])

        tenant = self.set_status(self.set_status(tenant, "suspended"), "decommissioning")
        decommission = f"/api/v1/tenants/{tenant['id']}/decommission"
        for body, field in [({"step": "delete_data", "confirm_slug": "lifecycle"}, "step"),  # back it up first
                            ({"step": "back_up", "when": "now"}, "when"), ({"step": "shred"}, "step")]:
            reply = self.call("POST", decommission, body, etag=self.etag(tenant))
            self.assertEqual((reply.status, reply.json()["field"]), (400, field), reply.body[:300])
        self.assertEqual(self.call("POST", decommission, {"step": "back_up"}).status, 428)
        backup = self.call("GET", f"/api/v1/tenants/{tenant['id']}/backup")
        self.assertEqual(backup.status, 200)
        validate(backup, "/api/v1/tenants/{id}/backup", "GET")
        self.assertEqual(backup.headers["Content-Disposition"], 'attachment; filename="lifecycle.tenantdesk-backup.json"')
        self.assertEqual(backup.json()["tenant"]["id"], tenant["id"])
        tenant = self.step(tenant, "back_up", note="lifecycle.tenantdesk-backup.json")
        self.assertEqual(tenant["decommission"]["back_up"]["by"], self.server.admin_email)
        early = self.call("POST", path, {"status": "archived"}, etag=self.etag(tenant))
        self.assertEqual((early.status, early.json()["field"]), (400, "status"))
        wrong = self.call("POST", decommission, {"step": "delete_data", "confirm_slug": "life"}, etag=self.etag(tenant))
        self.assertEqual((wrong.status, wrong.json()["field"]), (400, "confirm_slug"))
        deleted = self.step(tenant, "delete_data", confirm_slug="lifecycle")
        self.assertEqual(deleted["environment_count"], 0)
        stale = self.call("POST", decommission, {"step": "notify_users"}, etag=self.etag(tenant))
        self.assertEqual((stale.status, stale.json()["current"]["version"]), (412, deleted["version"]))
        tenant = deleted
        for step in ("notify_users", "release_resources", "finalise_billing"):
            tenant = self.step(tenant, step)
        tenant = self.set_status(tenant, "archived")

        delete = f"/api/v1/tenants/{tenant['id']}?confirm_slug=lifecycle"
        self.assertEqual(self.call("DELETE", delete).status, 428)
        self.assertEqual(self.call("DELETE", delete, etag='"1"').status, 412)
        wrong = self.call("DELETE", f"/api/v1/tenants/{tenant['id']}?confirm_slug=life", etag=self.etag(tenant))
        self.assertEqual((wrong.status, wrong.json()["field"]), (400, "confirm_slug"))
        validate(wrong, "/api/v1/tenants/{id}", "DELETE")
        gone = self.call("DELETE", delete, etag=self.etag(tenant))
        self.assertEqual(gone.status, 200, gone.body[:300])
        validate(gone, "/api/v1/tenants/{id}", "DELETE")
        self.assertEqual(gone.json(), tenant)
        self.assertNotIn("ETag", gone.headers)
        self.assertEqual(self.call("GET", f"/api/v1/tenants/{tenant['id']}").status, 404)
        # Its trail stays, in the platform's audit (the tenant is no longer there to ask for it by).
        events = self.call("GET", "/api/v1/audit?action=tenant.delete&text=lifecycle&limit=5").json()["items"]
        self.assertEqual([(e["tenant_id"], e["object_id"]) for e in events], [(tenant["id"], "lifecycle")])

    def test_deleting_needs_a_tenant_never_provisioned_or_archived(self):
        parent = self.create("delete-parent")
        child = self.create("delete-parent.child", parent=parent["id"])
        parent = self.tenant(parent["id"])
        with_child = self.call("DELETE", f"/api/v1/tenants/{parent['id']}?confirm_slug=delete-parent", etag=self.etag(parent))
        self.assertEqual((with_child.status, with_child.json()["field"]), (400, "status"))
        self.assertEqual(self.call("DELETE", f"/api/v1/tenants/{child['id']}?confirm_slug=delete-parent.child",
                                   etag=self.etag(child)).status, 200)
        active = self.set_status(self.set_status(self.tenant(parent["id"]), "provisioning"), "active")
        refused = self.call("DELETE", f"/api/v1/tenants/{parent['id']}?confirm_slug=delete-parent", etag=self.etag(active))
        self.assertEqual((refused.status, refused.json()["field"]), (400, "status"))
        unknown = self.call("DELETE", f"/api/v1/tenants/{parent['id']}?confirm=delete-parent", etag=self.etag(active))
        self.assertEqual((unknown.status, unknown.json()["field"]), (400, "confirm"))
        self.assertEqual(self.call("DELETE", f"/api/v1/tenants/{self.a}?confirm_slug=x",
                                   token=self.tokens["tenant.admin@a.test"], etag='"1"').status, 403)

    # --- Backup and restore --------------------------------------------------------------------

    def test_a_multi_megabyte_backup_is_restored_while_other_bodies_stay_small(self):
        leaf = self.tenant(self.leaf)
        reply = self.call("GET", f"/api/v1/tenants/{self.leaf}/backup")
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.headers["Content-Disposition"], f'attachment; filename="{self.leaf_slug}.tenantdesk-backup.json"')
        document = reply.body
        self.assertGreater(len(document), 2 * 1024 * 1024)  # its usage makes it several MB
        backup = json.loads(document)
        members = self.call("GET", f"/api/v1/tenants/{self.leaf}/memberships?limit=500").json()["items"]

        # Every other route still refuses a body over 1 MiB.
        big = b'{"display_name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        for method, path, headers in [("PATCH", f"/api/v1/tenants/{self.leaf}", {"If-Match": self.etag(leaf)}),
                                      ("POST", "/api/v1/tenants", {})]:
            with self.subTest(method=method, path=path):
                refused = self.call(method, path, raw_body=big, headers=headers)
                self.assertEqual(refused.status, 413, refused.body[:300])
                validate(refused, "/api/v1/tenants" if method == "POST" else "/api/v1/tenants/{id}", method)
        # A restore takes up to --max-backup-bytes, and no more.
        padded = b'{"parent_id": null, "backup": ' + document.rstrip()[:-1] + b', "padding": "' + b"x" * self.MAX_BACKUP + b'"}}'
        self.assertEqual(self.call("POST", "/api/v1/tenants/restore", raw_body=padded).status, 413)
        # Only a platform principal restores, and says so before the body is read.
        self.assertEqual(self.call("POST", "/api/v1/tenants/restore", {"backup": backup},
                                   token=self.tokens["tenant.admin@a.test"]).status, 403)
        # The tenant is still here and active: its slug is taken.
        taken = self.call("POST", "/api/v1/tenants/restore", {"backup": backup})
        self.assertEqual((taken.status, taken.json()["field"]), (409, "slug"))
        validate(taken, "/api/v1/tenants/restore", "POST")
        for body, status, field in [({"backup": "a file"}, 400, "backup"), ({}, 400, "backup"),
                                    ({"backup": {**backup, "format": "zip"}}, 400, "format"),
                                    ({"backup": {**backup, "format_version": 99}}, 422, "format_version"),
                                    ({"backup": backup, "parent_id": 0}, 400, "parent_id"),
                                    ({"backup": backup, "colour": "red"}, 400, "colour")]:
            with self.subTest(field=field, status=status):
                reply = self.call("POST", "/api/v1/tenants/restore", body)
                self.assertEqual((reply.status, reply.json().get("field")), (status, field), reply.body[:300])
                validate(reply, "/api/v1/tenants/restore", "POST")
        self.assertEqual(self.call("POST", "/api/v1/tenants/restore", {"backup": backup, "parent_id": 99999999}).status, 404)

        # Retired and archived, it comes back in place, suspended, with its environments and members.
        self.retire(leaf)
        restored = self.call("POST", "/api/v1/tenants/restore", {"backup": backup})
        self.assertEqual(restored.status, 201, restored.body[:300])
        validate(restored, "/api/v1/tenants/restore", "POST")
        tenant = restored.json()
        self.assertEqual((tenant["id"], tenant["slug"], tenant["status"]), (self.leaf, self.leaf_slug, "suspended"))
        self.assertEqual(tenant["environment_count"], len(backup["environments"]))
        self.assertEqual(restored.headers["Location"], f"/api/v1/tenants/{self.leaf}")
        again = self.call("GET", f"/api/v1/tenants/{self.leaf}/memberships?limit=500").json()["items"]
        self.assertEqual(sorted((m["user_email"], m["role_name"]) for m in again),
                         sorted((m["user_email"], m["role_name"]) for m in members))
        self.assertEqual(self.last_event(self.leaf, "tenant.restore")["after"]["in_place"], True)

        # And once more as a new tenant under A: a copy under another slug.
        copy = dict(backup, tenant=dict(backup["tenant"], slug=self.leaf_slug + "-copy"))
        placed = self.call("POST", "/api/v1/tenants/restore", {"backup": copy, "parent_id": self.a})
        self.assertEqual(placed.status, 201, placed.body[:300])
        self.assertEqual((placed.json()["parent_id"], placed.json()["status"]), (self.a, "suspended"))
        self.assertNotEqual(placed.json()["id"], self.leaf)

    def test_changes_made_at_once_on_one_version_are_one_change(self):
        """Eight admins send the same change on the same version at the same moment: one is
        acknowledged and audited, the seven others are stale (412), on SQLite as on PostgreSQL."""
        tenant = self.set_status(self.set_status(self.create("at-once"), "provisioning"), "active")
        environment = self.call("POST", f"/api/v1/tenants/{tenant['id']}/environments", {"name": "Lab", "kind": "sandbox"}).json()
        for path, method, body, item, action in [
                (f"/api/v1/tenants/{tenant['id']}/status", "POST", {"status": "suspended"}, tenant, "tenant.suspend"),
                (f"/api/v1/environments/{environment['id']}", "PATCH", {"settings": {"x": 1}}, environment, "environment.update")]:
            with self.subTest(action=action):
                barrier, statuses = threading.Barrier(8), []

                def send():
                    barrier.wait()
                    statuses.append(self.call(method, path, body, etag=self.etag(item)).status)

                senders = [threading.Thread(target=send) for _ in range(8)]
                for sender in senders:
                    sender.start()
                for sender in senders:
                    sender.join()
                self.assertEqual(sorted(statuses), [200] + [412] * 7)
                events = self.call("GET", f"/api/v1/audit?tenant_id={tenant['id']}&action={action}").json()["items"]
                self.assertEqual(len(events), 1)

    # --- Environments --------------------------------------------------------------------------

    def test_environments_are_added_changed_promoted_and_removed(self):
        home = self.create("env-home")
        add = f"/api/v1/tenants/{home['id']}/environments"
        reply = self.call("POST", add, {"name": "Production", "kind": "production", "settings": {"region": "eu", "replicas": 3}})
        self.assertEqual(reply.status, 201, reply.body[:300])
        validate(reply, "/api/v1/tenants/{id}/environments", "POST")
        production = reply.json()
        self.assertEqual(reply.headers["ETag"], self.etag(production))
        staging = self.call("POST", add, {"name": "Staging", "kind": "staging", "settings": {"region": "us", "debug": True}}).json()
        for body, status, field in [({"name": "Staging", "kind": "sandbox"}, 409, "name"),
                                    ({"name": "Lab", "kind": "lab"}, 400, "kind"),
                                    ({"name": "Lab", "kind": "sandbox", "owner": "me"}, 400, "owner"),
                                    ({"name": "Lab", "kind": "sandbox", "settings": {"a b": 1}}, 400, "settings.a b")]:
            with self.subTest(body=body):
                refused = self.call("POST", add, body)
                self.assertEqual((refused.status, refused.json().get("field")), (status, field), refused.body[:300])
                validate(refused, "/api/v1/tenants/{id}/environments", "POST")

        change = f"/api/v1/environments/{production['id']}"
        self.assertEqual(self.call("PATCH", change, {"name": "Live"}).status, 428)
        renamed = self.call("PATCH", change, {"name": "Live"}, etag=self.etag(production))
        self.assertEqual(renamed.status, 200, renamed.body[:300])
        validate(renamed, "/api/v1/environments/{id}", "PATCH")
        self.assertEqual((renamed.json()["name"], renamed.headers["ETag"]), ("Live", self.etag(renamed.json())))
        stale = self.call("PATCH", change, {"name": "Prod"}, etag=self.etag(production))
        self.assertEqual(stale.status, 412)
        validate(stale, "/api/v1/environments/{id}", "PATCH")
        self.assertEqual(stale.json()["current"], renamed.json())
        # A name taken is a conflict of another kind: 409, not a stale version.
        taken = self.call("PATCH", change, {"name": "Staging"}, etag=self.etag(renamed.json()))
        self.assertEqual((taken.status, taken.json()["field"]), (409, "name"))
        self.assertEqual(self.call("PATCH", change, {}, etag=self.etag(renamed.json())).json()["field"], "body")

        promote = f"/api/v1/environments/{production['id']}/promote"
        for body, field in [({"source_id": staging["id"], "keys": "region"}, "keys"),
                            ({"source_id": staging["id"], "keys": []}, "keys"),
                            ({"keys": ["region"]}, "source_id"),
                            ({"source_id": self.b_environment, "keys": ["region"]}, "source_id")]:
            with self.subTest(body=body):
                refused = self.call("POST", promote, body, etag=self.etag(renamed.json()))
                self.assertEqual((refused.status, refused.json()["field"]), (400, field), refused.body[:300])
        promoted = self.call("POST", promote, {"source_id": staging["id"], "keys": ["region", "debug"]},
                             etag=self.etag(renamed.json()))
        self.assertEqual(promoted.status, 200, promoted.body[:300])
        validate(promoted, "/api/v1/environments/{id}/promote", "POST")
        self.assertEqual(promoted.json()["settings"], {"region": "us", "debug": True, "replicas": 3})
        stale = self.call("POST", promote, {"source_id": staging["id"], "keys": ["region"]}, etag=self.etag(renamed.json()))
        self.assertEqual((stale.status, stale.json()["current"]["version"]), (412, promoted.json()["version"]))
        self.assertEqual(self.last_event(home["id"], "environment.promote")["after"]["from"], "Staging")

        remove = f"/api/v1/environments/{staging['id']}"
        self.assertEqual(self.call("DELETE", remove).status, 428)
        self.assertEqual(self.call("DELETE", remove, etag='"9"').json()["current"], staging)
        removed = self.call("DELETE", remove, etag=self.etag(staging))
        self.assertEqual(removed.status, 200, removed.body[:300])
        validate(removed, "/api/v1/environments/{id}", "DELETE")
        self.assertEqual(removed.json(), staging)
        self.assertEqual(self.call("GET", f"/api/v1/environments/{staging['id']}/summary").status, 404)
        self.assertEqual(self.call("DELETE", remove, etag=self.etag(staging)).status, 404)

    def test_who_may_manage_environments(self):
        admin_of_a, viewer = self.tokens["tenant.admin@a.test"], self.tokens["tenant.viewer@a.test"]
        a_environment = self.call("GET", f"/api/v1/environments/{self.a_environment}/summary").json()["environment"]
        b_environment = self.call("GET", f"/api/v1/environments/{self.b_environment}/summary").json()["environment"]
        cases = [
            (viewer, "POST", f"/api/v1/tenants/{self.a}/environments", {"name": "Viewer's", "kind": "sandbox"}, None, 403),
            (viewer, "PATCH", f"/api/v1/environments/{self.a_environment}", {"name": "Viewer's"}, a_environment, 403),
            (admin_of_a, "POST", f"/api/v1/tenants/{self.b}/environments", {"name": "Mine", "kind": "sandbox"}, None, 404),
            (admin_of_a, "PATCH", f"/api/v1/environments/{self.b_environment}", {"name": "Mine"}, b_environment, 404),
            (admin_of_a, "DELETE", f"/api/v1/environments/{self.b_environment}", None, b_environment, 404),
            # A source outside the caller's tenants is not found, whatever tenant it is in.
            (admin_of_a, "POST", f"/api/v1/environments/{self.a_environment}/promote",
             {"source_id": self.b_environment, "keys": ["region"]}, a_environment, 404),
            (self.tokens[SUB_TENANT_ADMIN_EMAIL], "PATCH", f"/api/v1/environments/{self.a_environment}", {"name": "Up"},
             a_environment, 404),
        ]
        for token, method, path, body, item, status in cases:
            with self.subTest(method=method, path=path, status=status):
                reply = self.call(method, path, body, token=token, etag=self.etag(item) if item else None)
                self.assertEqual(reply.status, status, reply.body[:300])
                self.assertNotIn(b_environment["name"], reply.body.decode("utf-8"))
        added = self.call("POST", f"/api/v1/tenants/{self.a}/environments", {"name": "Admin's sandbox", "kind": "sandbox"},
                          token=admin_of_a)
        self.assertEqual(added.status, 201, added.body[:300])
        removed = self.call("DELETE", f"/api/v1/environments/{added.json()['id']}", token=admin_of_a,
                            etag=self.etag(added.json()))
        self.assertEqual(removed.status, 200, removed.body[:300])

    # --- Signing in to a tenant out of service -------------------------------------------------

    def test_a_suspended_tenants_users_cannot_sign_in(self):
        company = self.set_status(self.set_status(self.create("service-co"), "provisioning"), "active")
        team = self.create("service-co.team", parent=company["id"])
        with self.server.db() as db:
            add_user(db, "only@service.test", [(company["id"], "Tenant Admin")])
            add_user(db, "team@service.test", [(team["id"], "Tenant User")])
            add_user(db, "both@service.test", [(company["id"], "Tenant Viewer"), (self.a, "Tenant Viewer")])
        passwords = {email: self.server.reset_password(email)
                     for email in ("only@service.test", "team@service.test", "both@service.test")}

        def login(email):
            return self.server.request("POST", "/api/v1/auth/login", {"email": email, "password": passwords[email]})

        before = login("only@service.test")
        self.assertEqual(before.status, 200)
        self.assertEqual([scope["t"] for scope in payload_of(before.json()["access_token"])["scopes"]], [company["id"]])
        self.assertEqual(login("team@service.test").status, 200)

        company = self.set_status(company, "suspended")
        refused = login("only@service.test")
        self.assertEqual(refused.status, 403, refused.body[:300])
        validate(refused, "/api/v1/auth/login", "POST")
        self.assertEqual(refused.json()["detail"], "Your tenant “Service Co” is suspended; ask a platform admin.")
        # A session begun before ends at its next refresh, with every token of its sign-in.
        refresh = self.server.request("POST", "/api/v1/auth/refresh", {"refresh_token": before.json()["refresh_token"]})
        self.assertEqual(refresh.status, 403)
        validate(refresh, "/api/v1/auth/refresh", "POST")
        # Under a suspended tenant, a sub-tenant is out of service too; the tenant above is not named.
        below = login("team@service.test")
        self.assertEqual(below.status, 403)
        self.assertIn("“Service Co.Team”", below.json()["detail"])
        self.assertIn("suspended", below.json()["detail"])
        # A user with another tenant in service signs in, without the suspended tenant in their scopes.
        both = login("both@service.test")
        self.assertEqual(both.status, 200, both.body[:300])
        token = both.json()["access_token"]
        self.assertEqual([scope["t"] for scope in payload_of(token)["scopes"]], [self.a])
        self.assertEqual(self.call("GET", f"/api/v1/tenants/{company['id']}", token=token).status, 404)
        # The platform admin still signs in and resumes the tenant; its users are back.
        self.assertEqual(self.server.request("POST", "/api/v1/auth/login", {
            "email": self.server.admin_email, "password": self.server.admin_password}).status, 200)
        self.set_status(company, "active")
        self.assertEqual(login("only@service.test").status, 200)
        self.assertEqual(login("team@service.test").status, 200)



SHARED_EMAIL = "shared@ab.test"            # a Tenant User of A and of B
B_ONLY_EMAIL = "only@b.test"               # a Tenant User of B
CHILD_EMAIL = "member@sub.a.test"          # a Tenant User of A's first sub-tenant
OPS_EMAIL = "ops@platform.test"            # a platform principal (Platform Admin) who is also a Tenant User of A
CHAIN_EMAIL = "chain@a.test"               # a Tenant Viewer of A and a Tenant User of A's first sub-tenant


def prepare_user_administration(db):
    """prepare_tenant_users, with users that belong to A, B, both, A's sub-tenant or the platform,
    and a custom role of B."""
    prepare_tenant_users(db)
    a, b = [row[0] for row in db.execute("SELECT id FROM tenants WHERE parent_id IS NULL ORDER BY id LIMIT 2")]
    a_child = db.execute("SELECT id FROM tenants WHERE parent_id = ? ORDER BY id LIMIT 1", (a,)).fetchone()[0]
    add_user(db, SHARED_EMAIL, [(a, "Tenant User"), (b, "Tenant User")])
    add_user(db, B_ONLY_EMAIL, [(b, "Tenant User")])
    add_user(db, CHILD_EMAIL, [(a_child, "Tenant User")])
    add_user(db, OPS_EMAIL, [(a, "Tenant User")])
    add_user(db, CHAIN_EMAIL, [(a, "Tenant Viewer"), (a_child, "Tenant User")])
    ops = db.execute("SELECT id FROM users WHERE email = ?", (OPS_EMAIL,)).fetchone()[0]
    platform_admin = db.execute("SELECT id FROM roles WHERE tenant_id IS NULL AND name = 'Platform Admin'").fetchone()[0]
    db.execute("INSERT INTO platform_principals (user_id, role_id) VALUES (?, ?)", (ops, platform_admin))
    db.execute("INSERT INTO roles (tenant_id, name, description, scope, built_in) "
               "VALUES (?, 'Operator of B', 'Runs B', 'tenant', 0)", (b,))
    # A role of A that a platform admin made, with more than a Tenant Admin holds.
    db.execute("INSERT INTO roles (tenant_id, name, description, scope, built_in) "
               "VALUES (?, 'Retirer of A', 'Retires and backs up', 'tenant', 0)", (a,))
    retirer = db.execute("SELECT id FROM roles WHERE tenant_id = ? AND name = 'Retirer of A'", (a,)).fetchone()[0]
    for permission in ("tenant.read", "tenant.lifecycle"):
        db.execute("INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)", (retirer, permission))
    db.commit()


class UserAdministrationTest(unittest.TestCase):
    """Users, memberships, custom roles, bulk actions and imports under the delegated
    administration policy: a tenant admin reaches only their tenant and its sub-tenants, a viewer
    reads without writing, and a request that touches anything else changes nothing. On a server
    of its own: the tests create and change users and roles."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(SERVER, FIXTURE, prepare=prepare_user_administration)
        try:
            with cls.server.db() as db:
                cls.a, cls.b = [r[0] for r in db.execute("SELECT id FROM tenants WHERE parent_id IS NULL ORDER BY id LIMIT 2")]
                cls.a_child = db.execute("SELECT id FROM tenants WHERE parent_id = ? ORDER BY id LIMIT 1", (cls.a,)).fetchone()[0]
                cls.a_slug, cls.a_name = db.execute("SELECT slug, display_name FROM tenants WHERE id = ?", (cls.a,)).fetchone()
                cls.b_slug, cls.b_name = db.execute("SELECT slug, display_name FROM tenants WHERE id = ?", (cls.b,)).fetchone()
                cls.a_child_slug = db.execute("SELECT slug FROM tenants WHERE id = ?", (cls.a_child,)).fetchone()[0]
                cls.b_environment = db.execute("SELECT id FROM environments WHERE tenant_id = ? ORDER BY id LIMIT 1",
                                               (cls.b,)).fetchone()[0]
                cls.ids = {email: db.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()[0]
                           for email in (SHARED_EMAIL, B_ONLY_EMAIL, CHILD_EMAIL, OPS_EMAIL, CHAIN_EMAIL,
                                         "tenant.admin@a.test", "tenant.user@a.test", "tenant.viewer@a.test",
                                         SUB_TENANT_ADMIN_EMAIL)}
                cls.roles = {name: db.execute("SELECT id FROM roles WHERE tenant_id IS NULL AND name = ?", (name,)).fetchone()[0]
                             for name in ("Platform Admin", "Tenant Admin", "Tenant User", "Tenant Viewer")}
                cls.a_role = db.execute("SELECT id FROM roles WHERE tenant_id = ? AND name = 'Auditor of A'", (cls.a,)).fetchone()[0]
                cls.b_role = db.execute("SELECT id FROM roles WHERE tenant_id = ? AND name = 'Operator of B'", (cls.b,)).fetchone()[0]
                cls.retirer = db.execute("SELECT id FROM roles WHERE tenant_id = ? AND name = 'Retirer of A'", (cls.a,)).fetchone()[0]
            cls.admin = cls.server.login(cls.server.admin_email, cls.server.admin_password)["access_token"]
            cls.tokens = {}
            for email in ("tenant.admin@a.test", "tenant.viewer@a.test", SUB_TENANT_ADMIN_EMAIL):
                cls.tokens[email] = cls.server.login(email, cls.server.reset_password(email))["access_token"]
            cls.admin_of_a = cls.tokens["tenant.admin@a.test"]
            cls.viewer = cls.tokens["tenant.viewer@a.test"]
            cls.sub_admin = cls.tokens[SUB_TENANT_ADMIN_EMAIL]
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def call(self, method, path, body=None, token=None, etag=None, template=None, **kwargs):
        """One request; its answer is checked against the spec's schema for `template` (the
        request's path when not given) whatever its status."""
        headers = {"If-Match": etag} if etag is not None else {}
        reply = self.server.request(method, path, body, token=token or self.admin, headers=headers, **kwargs)
        validate(reply, template or path.split("?")[0], method)
        return reply

    @staticmethod
    def etag(item):
        return '"%d"' % item["version"]

    def user(self, user_id):
        reply = self.call("GET", f"/api/v1/users/{user_id}", template="/api/v1/users/{id}")
        self.assertEqual(reply.status, 200, reply.body[:300])
        return reply.json()

    def emails(self, reply):
        self.assertEqual(reply.status, 200, reply.body[:300])
        return [u["email"] for u in reply.json()["items"]]

    def user_ids_named(self, text):
        return [u["id"] for u in self.call("GET", "/api/v1/users?q=" + urllib.parse.quote(text) + "&limit=500",
                                           template="/api/v1/users").json()["items"]]

    def assertNothingOfB(self, reply):
        text = reply.body.decode("utf-8")
        self.assertNotIn('"' + self.b_slug + '"', text)
        self.assertNotIn(self.b_name, text)

    # --- Who the caller is ---------------------------------------------------------------------

    def test_me_returns_the_callers_claims(self):
        for token, email in [(self.admin, self.server.admin_email), (self.admin_of_a, "tenant.admin@a.test"),
                             (self.viewer, "tenant.viewer@a.test")]:
            with self.subTest(email=email):
                reply = self.call("GET", "/api/v1/me", token=token)
                self.assertEqual(reply.status, 200, reply.body[:300])
                me = reply.json()
                claims = payload_of(token)
                self.assertEqual(me, {key: value for key, value in claims.items() if key not in ("iss", "iat", "exp", "jti")})
                self.assertEqual(me["email"], email)
        me = self.call("GET", "/api/v1/me", token=self.admin_of_a).json()
        self.assertEqual(me["sub"], str(self.ids["tenant.admin@a.test"]))
        self.assertNotIn("plat", me)
        self.assertEqual([(s["t"], s["r"]) for s in me["scopes"]], [(self.a, "Tenant Admin")])
        self.assertIn("user.write", me["scopes"][0]["p"])
        self.assertIn("user.write", self.call("GET", "/api/v1/me").json()["plat"])
        self.assertEqual(self.server.request("GET", "/api/v1/me").status, 401)

    def test_the_audit_trail_is_verified_by_platform_principals_only(self):
        reply = self.call("GET", "/api/v1/audit/verify")
        validate(reply, "/api/v1/audit/verify", "GET")
        report = reply.json()
        self.assertTrue(report["intact"], report)
        self.assertGreater(report["events"], 0)
        self.assertNotIn("first_break", report)
        for token in (self.admin_of_a, self.viewer):
            refused = self.call("GET", "/api/v1/audit/verify", token=token)
            self.assertEqual(refused.status, 403, refused.body[:300])
            validate(refused, "/api/v1/audit/verify", "GET")

    def test_a_principal_is_read_by_platform_principals_only(self):
        admin_id = self.ids["tenant.admin@a.test"]
        path = f"/api/v1/users/{admin_id}/principal"
        template = "/api/v1/users/{id}/principal"
        for token in (self.admin_of_a, self.viewer, self.sub_admin):
            with self.subTest(caller=payload_of(token)["email"]):
                self.assertEqual(self.call("GET", path, token=token, template=template).status, 403)
        reply = self.call("GET", path, template=template)
        self.assertEqual(reply.status, 200, reply.body[:300])
        # What the platform admin previews is what the user is when signed in.
        self.assertEqual(reply.json(), self.call("GET", "/api/v1/me", token=self.admin_of_a).json())
        ops = self.call("GET", f"/api/v1/users/{self.ids[OPS_EMAIL]}/principal", template=template).json()
        self.assertIn("tenant.lifecycle", ops["plat"])
        self.assertEqual(self.call("GET", "/api/v1/users/99999999/principal", template=template).status, 404)

    # --- Reading users -------------------------------------------------------------------------

    def test_a_tenant_admin_reads_the_users_of_their_tenants_only(self):
        token = self.admin_of_a
        mine = self.emails(self.call("GET", f"/api/v1/users?tenant_id={self.a}&limit=500", token=token))
        self.assertIn("tenant.viewer@a.test", mine)
        self.assertIn(SHARED_EMAIL, mine)
        self.assertNotIn(B_ONLY_EMAIL, mine)
        below = self.emails(self.call("GET", f"/api/v1/users?tenant_id={self.a_child}", token=token))
        self.assertIn(CHILD_EMAIL, below)
        for path, status in [(f"/api/v1/users?tenant_id={self.b}", 404), ("/api/v1/users", 403),
                             ("/api/v1/users?q=a.test", 403), (f"/api/v1/users?role_id={self.roles['Tenant User']}", 403)]:
            with self.subTest(path=path):
                reply = self.call("GET", path, token=token)
                self.assertEqual(reply.status, status, reply.body[:300])
                self.assertNothingOfB(reply)

        template = "/api/v1/users/{id}"
        self.assertEqual(self.call("GET", f"/api/v1/users/{self.ids[CHILD_EMAIL]}", token=token, template=template).status, 200)
        # A user of A and B: read, with only the membership on A.
        shared = self.call("GET", f"/api/v1/users/{self.ids[SHARED_EMAIL]}", token=token, template=template)
        self.assertEqual(shared.status, 200, shared.body[:300])
        self.assertEqual(shared.headers["ETag"], self.etag(shared.json()["user"]))
        self.assertEqual([m["tenant_id"] for m in shared.json()["memberships"]], [self.a])
        self.assertNothingOfB(shared)
        self.assertEqual(sorted(m["tenant_id"] for m in self.user(self.ids[SHARED_EMAIL])["memberships"]),
                         sorted([self.a, self.b]))
        # A user of B only, and one who does not exist: alike.
        for user_id in (self.ids[B_ONLY_EMAIL], 99999999):
            with self.subTest(user=user_id):
                reply = self.call("GET", f"/api/v1/users/{user_id}", token=token, template=template)
                self.assertEqual(reply.status, 404)
                self.assertNotIn(B_ONLY_EMAIL, reply.body.decode("utf-8"))
        # The admin of A's sub-tenant sees nobody only of A above it.
        self.assertEqual(self.call("GET", f"/api/v1/users/{self.ids['tenant.admin@a.test']}", token=self.sub_admin,
                                   template=template).status, 404)
        self.assertEqual(self.call("GET", f"/api/v1/users/{self.ids[CHILD_EMAIL]}", token=self.sub_admin,
                                   template=template).status, 200)
        self.assertEqual(self.call("GET", f"/api/v1/users?tenant_id={self.a}", token=self.sub_admin).status, 404)

    def test_effective_permissions_follow_the_same_policy(self):
        template = "/api/v1/users/{id}/effective-permissions"
        shared = self.ids[SHARED_EMAIL]
        reply = self.call("GET", f"/api/v1/users/{shared}/effective-permissions?tenant_id={self.a}", token=self.admin_of_a,
                          template=template)
        self.assertEqual(reply.status, 200, reply.body[:300])
        permissions = reply.json()
        self.assertEqual((permissions["user_id"], permissions["tenant_id"]), (shared, self.a))
        held = {p["permission"]: p["sources"] for p in permissions["permissions"]}
        self.assertIn("user.read", held)
        self.assertNotIn("user.write", held)
        self.assertEqual(held["user.read"][0]["role_chain"], ["Tenant User"])
        self.assertEqual(self.call("GET", f"/api/v1/users/{shared}/effective-permissions?tenant_id={self.b}",
                                   token=self.admin_of_a, template=template).status, 404)
        self.assertEqual(self.call("GET", f"/api/v1/users/{self.ids[B_ONLY_EMAIL]}/effective-permissions?tenant_id={self.a}",
                                   token=self.admin_of_a, template=template).status, 404)
        self.assertEqual(self.call("GET", f"/api/v1/users/{shared}/effective-permissions", token=self.admin_of_a,
                                   template=template).status, 400)
        # On a sub-tenant, a permission inherited from A is explained to the platform admin by A.
        # The admin of the sub-tenant, who may not see A, is told only of the grants they see: the
        # answer names nothing of A, on SQLite as under PostgreSQL's row-level security.
        chain = self.ids[CHAIN_EMAIL]
        path = f"/api/v1/users/{chain}/effective-permissions?tenant_id={self.a_child}"
        full = {p["permission"]: p["sources"] for p in self.call("GET", path, template=template).json()["permissions"]}
        self.assertEqual([s["tenant_id"] for s in full["audit.read"]], [self.a])  # Tenant Viewer on A
        self.assertEqual([s["tenant_id"] for s in full["user.read"]], [self.a, self.a_child])
        reply = self.call("GET", path, token=self.sub_admin, template=template)
        self.assertEqual(reply.status, 200, reply.body[:300])
        self.assertNotIn('"' + self.a_slug + '"', reply.body.decode("utf-8"))
        self.assertNotIn(self.a_name, reply.body.decode("utf-8"))
        seen = {p["permission"]: p["sources"] for p in reply.json()["permissions"]}
        self.assertEqual(seen, {permission: [s for s in sources if s["tenant_id"] == self.a_child]
                                for permission, sources in full.items()
                                if any(s["tenant_id"] == self.a_child for s in sources)})
        self.assertEqual(sorted(seen), ["tenant.read", "usage.read", "user.read"])

    def test_users_are_filtered_sorted_and_paged(self):
        base = f"/api/v1/users?tenant_id={self.a}"
        everything = self.call("GET", base + "&limit=500&sort=email&order=desc", token=self.viewer).json()["items"]
        emails = [u["email"] for u in everything]
        self.assertEqual(emails, sorted(emails, reverse=True))
        seen, cursor = [], None
        while True:
            path = base + "&limit=2&sort=email&order=desc" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
            page = self.call("GET", path, token=self.viewer, template="/api/v1/users").json()
            seen += [u["email"] for u in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, emails)
        first = self.call("GET", base + "&limit=1&sort=email", token=self.viewer, template="/api/v1/users").json()["next_cursor"]
        other = self.call("GET", base + f"&limit=1&sort=created_at&cursor={urllib.parse.quote(first)}", token=self.viewer,
                          template="/api/v1/users")
        self.assertEqual((other.status, other.json()["field"]), (400, "cursor"))
        viewer_role = self.roles["Tenant Viewer"]
        viewers = self.emails(self.call("GET", base + f"&role_id={viewer_role}&limit=500", token=self.viewer,
                                        template="/api/v1/users"))
        with self.server.db() as db:
            expected = [row[0] for row in db.execute(
                "SELECT DISTINCT u.email FROM users u JOIN memberships m ON m.user_id = u.id "
                "WHERE m.tenant_id = ? AND m.role_id = ?", (self.a, viewer_role))]
        self.assertEqual(sorted(viewers), sorted(expected))
        self.assertIn(CHAIN_EMAIL, viewers)
        active = self.call("GET", base + "&status=active&limit=500", token=self.viewer, template="/api/v1/users").json()["items"]
        self.assertIn("tenant.viewer@a.test", [u["email"] for u in active])
        self.assertEqual({u["status"] for u in active}, {"active"})
        for path, field in [(base + "&status=asleep", "status"), (base + "&sort=colour", "sort"),
                            (base + "&order=up", "order"), ("/api/v1/users?environment_id=1", "environment_id")]:
            with self.subTest(path=path):
                reply = self.call("GET", path, template="/api/v1/users")
                self.assertEqual((reply.status, reply.json()["field"]), (400, field))

    # --- Creating and changing users -----------------------------------------------------------

    def test_a_tenant_admin_creates_users_only_with_a_membership_on_their_tenants(self):
        def new(email, tenant):
            body = {"email": email, "display_name": email.split("@")[0]}
            if tenant is not None:
                body["membership"] = {"tenant_id": tenant, "role_id": self.roles["Tenant User"]}
            return body

        for token, email, tenant, status in [
                (self.admin_of_a, "new.b@x.test", self.b, 404),
                (self.admin_of_a, "new.platform@x.test", None, 403),
                (self.viewer, "new.viewer@x.test", self.a, 403),
                (self.sub_admin, "new.up@x.test", self.a, 404)]:
            with self.subTest(email=email):
                reply = self.call("POST", "/api/v1/users", new(email, tenant), token=token)
                self.assertEqual(reply.status, status, reply.body[:300])
                self.assertNothingOfB(reply)
                self.assertEqual(self.user_ids_named(email), [])
        for tenant, email in [(self.a, "new.a@x.test"), (self.a_child, "new.child@x.test")]:
            with self.subTest(email=email):
                reply = self.call("POST", "/api/v1/users", new(email, tenant), token=self.admin_of_a)
                self.assertEqual(reply.status, 201, reply.body[:300])
                created = reply.json()
                self.assertEqual((created["email"], created["status"]), (email, "invited"))
                self.assertEqual(reply.headers["Location"], f"/api/v1/users/{created['id']}")
                self.assertEqual(reply.headers["ETag"], self.etag(created))
                self.assertEqual([(m["tenant_id"], m["role_name"]) for m in self.user(created["id"])["memberships"]],
                                 [(tenant, "Tenant User")])
        taken = self.call("POST", "/api/v1/users", new("new.a@x.test", self.a), token=self.admin_of_a)
        self.assertEqual(taken.status, 409)

    def test_a_tenant_admin_changes_only_users_wholly_of_their_tenants(self):
        template = "/api/v1/users/{id}"
        child = self.user(self.ids[CHILD_EMAIL])["user"]
        for email, token, status in [(SHARED_EMAIL, self.admin_of_a, 403), (OPS_EMAIL, self.admin_of_a, 403),
                                     (B_ONLY_EMAIL, self.admin_of_a, 404), (CHILD_EMAIL, self.viewer, 403),
                                     ("tenant.user@a.test", self.sub_admin, 404)]:
            with self.subTest(email=email, caller=payload_of(token)["email"]):
                before = self.user(self.ids[email])
                reply = self.call("PATCH", f"/api/v1/users/{self.ids[email]}", {"status": "disabled"}, token=token,
                                  etag=self.etag(before["user"]), template=template)
                self.assertEqual(reply.status, status, reply.body[:300])
                self.assertNothingOfB(reply)
                self.assertEqual(self.user(self.ids[email]), before)
        path = f"/api/v1/users/{child['id']}"
        self.assertEqual(self.call("PATCH", path, {"display_name": "Renamed"}, token=self.admin_of_a,
                                   template=template).status, 428)
        first = self.call("PATCH", path, {"display_name": "Renamed by the admin of A"}, token=self.admin_of_a,
                          etag=self.etag(child), template=template)
        self.assertEqual(first.status, 200, first.body[:300])
        self.assertEqual(first.json()["display_name"], "Renamed by the admin of A")
        self.assertEqual(first.headers["ETag"], self.etag(first.json()))
        # The admin of the sub-tenant edited the version they read: refused, with the user as it is now.
        stale = self.call("PATCH", path, {"display_name": "Renamed below"}, token=self.sub_admin, etag=self.etag(child),
                          template=template)
        self.assertEqual(stale.status, 412, stale.body[:300])
        self.assertEqual(stale.json()["current"], first.json())
        self.assertEqual(self.user(child["id"])["user"], first.json())

    # --- Memberships ---------------------------------------------------------------------------

    def test_memberships_are_granted_and_revoked_only_on_their_tenants(self):
        user = self.ids["tenant.user@a.test"]
        viewer_role = self.roles["Tenant Viewer"]
        before = self.user(user)
        for path, body, token, status in [
                ("/api/v1/memberships", {"tenant_id": self.b, "user_id": user, "role_id": viewer_role}, self.admin_of_a, 404),
                ("/api/v1/memberships", {"tenant_id": self.a, "user_id": user, "role_id": viewer_role}, self.viewer, 403),
                ("/api/v1/memberships", {"tenant_id": self.a, "user_id": user, "role_id": viewer_role}, self.sub_admin, 404),
                ("/api/v1/memberships", {"tenant_id": self.a, "user_id": user, "role_id": viewer_role,
                                         "environment_id": self.b_environment}, self.admin_of_a, 400),
                # A role of another tenant, or of a tenant above the caller's, is not found (on
                # PostgreSQL row-level security hides it): its name is not told.
                ("/api/v1/memberships", {"tenant_id": self.a, "user_id": user, "role_id": self.b_role}, self.admin_of_a, 404),
                ("/api/v1/memberships", {"tenant_id": self.a_child, "user_id": user, "role_id": self.a_role}, self.sub_admin, 404),
                # A platform role is not granted on a tenant; a tenant admin does not hold its permissions either.
                ("/api/v1/memberships", {"tenant_id": self.a, "user_id": user, "role_id": self.roles["Platform Admin"]},
                 self.admin_of_a, 403),
                ("/api/v1/memberships", {"tenant_id": self.a, "user_id": user, "role_id": self.roles["Platform Admin"]},
                 self.admin, 400),
                ("/api/v1/memberships/revoke", {"tenant_id": self.b, "user_id": self.ids[SHARED_EMAIL],
                                                "role_id": self.roles["Tenant User"]}, self.admin_of_a, 404),
                ("/api/v1/memberships/revoke", {"tenant_id": self.a, "user_id": user, "role_id": self.roles["Tenant User"]},
                 self.viewer, 403)]:
            with self.subTest(path=path, body=body):
                reply = self.call("POST", path, body, token=token)
                self.assertEqual(reply.status, status, reply.body[:300])
                self.assertNothingOfB(reply)
                self.assertNotIn("Operator of B", reply.body.decode("utf-8"))
        self.assertEqual(self.user(user), before)
        self.assertEqual(len(self.user(self.ids[SHARED_EMAIL])["memberships"]), 2)

        grant = {"tenant_id": self.a_child, "user_id": user, "role_id": viewer_role}
        granted = self.call("POST", "/api/v1/memberships", grant, token=self.admin_of_a)
        self.assertEqual(granted.status, 201, granted.body[:300])
        self.assertEqual((granted.json()["tenant_id"], granted.json()["role_name"]), (self.a_child, "Tenant Viewer"))
        self.assertEqual(self.call("POST", "/api/v1/memberships", grant, token=self.admin_of_a).status, 409)
        self.assertIn((self.a_child, "Tenant Viewer"),
                      [(m["tenant_id"], m["role_name"]) for m in self.user(user)["memberships"]])
        revoked = self.call("POST", "/api/v1/memberships/revoke", grant, token=self.sub_admin)
        self.assertEqual(revoked.status, 200, revoked.body[:300])
        self.assertEqual({k: v for k, v in revoked.json().items() if k != "inherited_tenant_count"},
                         {k: v for k, v in granted.json().items() if k != "inherited_tenant_count"})
        self.assertEqual(self.call("POST", "/api/v1/memberships/revoke", grant, token=self.admin_of_a).status, 404)
        self.assertEqual(self.user(user), before)

    # --- Custom roles --------------------------------------------------------------------------

    def test_custom_roles_are_managed_only_on_their_tenants(self):
        new_role = {"name": "Helpdesk", "scope": "tenant", "permissions": ["user.read", "tenant.read"]}
        for body, token, status in [({**new_role, "tenant_id": self.b}, self.admin_of_a, 404),
                                    ({**new_role, "tenant_id": self.a}, self.viewer, 403),
                                    ({**new_role, "tenant_id": self.a}, self.sub_admin, 404),
                                    (new_role, self.admin_of_a, 403),
                                    ({**new_role, "tenant_id": self.a, "included_role_ids": [self.b_role]}, self.admin_of_a, 400)]:
            with self.subTest(body=body, caller=payload_of(token)["email"]):
                reply = self.call("POST", "/api/v1/roles", body, token=token)
                self.assertEqual(reply.status, status, reply.body[:300])
                self.assertNothingOfB(reply)
        self.assertNotIn("Helpdesk", [r["name"] for r in self.call("GET", f"/api/v1/tenants/{self.a}/roles",
                                                                    template="/api/v1/tenants/{id}/roles").json()["items"]])

        created = self.call("POST", "/api/v1/roles", {**new_role, "tenant_id": self.a, "description": "First line"},
                            token=self.admin_of_a)
        self.assertEqual(created.status, 201, created.body[:300])
        role = created.json()
        self.assertEqual((role["tenant_id"], role["version"], role["built_in"]), (self.a, 1, False))
        self.assertEqual(created.headers["ETag"], '"1"')
        self.assertEqual(created.headers["Location"], f"/api/v1/roles/{role['id']}")
        template = "/api/v1/roles/{id}"
        path = f"/api/v1/roles/{role['id']}"
        self.assertEqual(self.call("PATCH", path, {"name": "Support"}, token=self.admin_of_a, template=template).status, 428)
        changed = self.call("PATCH", path, {"permissions": ["user.read", "user.write", "tenant.read"]}, token=self.admin_of_a,
                            etag=self.etag(role), template=template)
        self.assertEqual(changed.status, 200, changed.body[:300])
        self.assertEqual((changed.json()["version"], changed.headers["ETag"]), (2, '"2"'))
        self.assertIn("user.write", changed.json()["permissions"])
        for method, body in [("PATCH", {"name": "Support"}), ("DELETE", None)]:
            with self.subTest(stale=method):
                stale = self.call(method, path, body, token=self.admin_of_a, etag=self.etag(role), template=template)
                self.assertEqual(stale.status, 412, stale.body[:300])
                self.assertEqual(stale.json()["current"], changed.json())

        b_role = f"/api/v1/roles/{self.b_role}"
        a_role = f"/api/v1/roles/{self.a_role}"
        for method, target, body, token, status in [
                ("PATCH", b_role, {"name": "Mine"}, self.admin_of_a, 404),
                ("DELETE", b_role, None, self.admin_of_a, 404),
                ("PATCH", a_role, {"name": "Mine"}, self.sub_admin, 404),
                ("PATCH", path, {"name": "Mine"}, self.viewer, 403),
                ("DELETE", path, None, self.viewer, 403),
                ("PATCH", f"/api/v1/roles/{self.roles['Tenant Admin']}", {"name": "Mine"}, self.admin_of_a, 403)]:
            with self.subTest(method=method, target=target, caller=payload_of(token)["email"]):
                reply = self.call(method, target, body, token=token, etag='"1"', template=template)
                self.assertEqual(reply.status, status, reply.body[:300])
                self.assertNothingOfB(reply)
        roles_of_b = self.call("GET", f"/api/v1/tenants/{self.b}/roles", template="/api/v1/tenants/{id}/roles").json()["items"]
        self.assertIn(("Operator of B", 1), [(r["name"], r["version"]) for r in roles_of_b])

        deleted = self.call("DELETE", path, token=self.admin_of_a, etag=self.etag(changed.json()), template=template)
        self.assertEqual(deleted.status, 200, deleted.body[:300])
        self.assertEqual(deleted.json(), changed.json())
        self.assertEqual(self.call("DELETE", path, token=self.admin_of_a, etag='"2"', template=template).status, 404)

    def test_a_tenant_admin_gives_no_more_than_they_hold(self):
        """A Tenant Admin holds neither tenant.lifecycle nor tenant.create: they may not put them
        in a role of their tenant, nor grant a role that has them (to themselves or anyone), by
        any route; a platform admin may."""
        me, user = self.ids["tenant.admin@a.test"], self.ids["tenant.user@a.test"]
        helpdesk = self.call("POST", "/api/v1/roles", {"tenant_id": self.a, "name": "Helpdesk lead", "scope": "tenant",
                                                       "permissions": ["user.read"]}, token=self.admin_of_a)
        self.assertEqual(helpdesk.status, 201, helpdesk.body[:300])
        imported = self.directory(self.a_slug, [self.row(2, "tenant.admin@a.test", ("", "Retirer of A"))])
        defining = self.directory(self.a_slug, [self.row(2, "tenant.admin@a.test", ("", "Closer"))], roles=[
            {"name": "Closer", "description": "", "scope": "tenant", "permissions": ["tenant.read"], "includes": ["Retirer of A"]}])
        refused = [
            ("POST", "/api/v1/roles", {"tenant_id": self.a, "name": "Closer", "scope": "tenant",
                                       "permissions": ["tenant.read", "tenant.lifecycle"]}, "permissions"),
            ("POST", "/api/v1/roles", {"tenant_id": self.a, "name": "Closer", "scope": "tenant",
                                       "included_role_ids": [self.retirer]}, "permissions"),
            ("PATCH", f"/api/v1/roles/{helpdesk.json()['id']}", {"permissions": ["user.read", "tenant.create"]}, "permissions"),
            ("PATCH", f"/api/v1/roles/{helpdesk.json()['id']}", {"included_role_ids": [self.retirer]}, "permissions"),
            ("POST", "/api/v1/memberships", {"tenant_id": self.a, "user_id": me, "role_id": self.retirer}, "role_id"),
            ("POST", "/api/v1/memberships", {"tenant_id": self.a_child, "user_id": user, "role_id": self.retirer}, "role_id"),
            ("POST", "/api/v1/users", {"email": "closer@x.test", "display_name": "Closer",
                                       "membership": {"tenant_id": self.a, "role_id": self.retirer}}, "membership.role_id"),
            ("POST", "/api/v1/users/bulk", {"kind": "grant_role", "user_ids": [me, user], "tenant_id": self.a,
                                            "role_id": self.retirer}, "role_id"),
            ("POST", "/api/v1/import", imported, "users"),
            ("POST", "/api/v1/import?dry_run=1", defining, "roles"),
        ]
        for method, path, body, field in refused:
            with self.subTest(method=method, path=path, body=json.dumps(body)[:120]):
                etag = self.etag(helpdesk.json()) if method == "PATCH" else None
                reply = self.call(method, path, body, token=self.admin_of_a, etag=etag,
                                  template="/api/v1/roles/{id}" if method == "PATCH" else None)
                self.assertEqual((reply.status, reply.json().get("field")), (403, field), reply.body[:300])
        self.assertEqual(self.user_ids_named("closer@"), [])
        roles = {r["name"]: r for r in self.call("GET", f"/api/v1/tenants/{self.a}/roles",
                                                 template="/api/v1/tenants/{id}/roles").json()["items"]}
        self.assertNotIn("Closer", roles)
        self.assertEqual((roles["Helpdesk lead"]["permissions"], roles["Helpdesk lead"]["version"]), (["user.read"], 1))
        for user_id in (me, user):
            self.assertNotIn(self.retirer, [m["role_id"] for m in self.user(user_id)["memberships"]])
        principal = self.call("GET", f"/api/v1/users/{me}/principal", template="/api/v1/users/{id}/principal").json()
        self.assertNotIn("tenant.lifecycle", [p for scope in principal["scopes"] for p in scope["p"]])
        # Within what they hold, the same requests go through; a platform admin gives anything.
        within = self.call("PATCH", f"/api/v1/roles/{helpdesk.json()['id']}", {"permissions": ["user.read", "user.write"]},
                           token=self.admin_of_a, etag=self.etag(helpdesk.json()), template="/api/v1/roles/{id}")
        self.assertEqual(within.status, 200, within.body[:300])
        granted = self.call("POST", "/api/v1/memberships", {"tenant_id": self.a_child, "user_id": user, "role_id": self.retirer})
        self.assertEqual(granted.status, 201, granted.body[:300])
        self.assertEqual(self.call("POST", "/api/v1/memberships/revoke", {"tenant_id": self.a_child, "user_id": user,
                                                                          "role_id": self.retirer}).status, 200)
        made = self.call("POST", "/api/v1/roles", {"tenant_id": self.a, "name": "Closer", "scope": "tenant",
                                                   "permissions": ["tenant.lifecycle"]})
        self.assertEqual(made.status, 201, made.body[:300])
        self.assertEqual(self.call("DELETE", f"/api/v1/roles/{made.json()['id']}", etag='"1"',
                                   template="/api/v1/roles/{id}").status, 200)

    # --- Bulk actions and imports --------------------------------------------------------------

    def test_bulk_actions_that_touch_another_tenant_are_refused_whole(self):
        child, shared, b_only = self.ids[CHILD_EMAIL], self.ids[SHARED_EMAIL], self.ids[B_ONLY_EMAIL]
        user_role = self.roles["Tenant User"]
        watched = [child, shared, b_only, self.ids["tenant.user@a.test"]]
        before = {user: self.user(user) for user in watched}
        for body, token, status in [
                ({"kind": "set_status", "user_ids": [child, shared], "status": "disabled"}, self.admin_of_a, 403),
                ({"kind": "set_status", "user_ids": [child, b_only], "status": "disabled"}, self.admin_of_a, 404),
                ({"kind": "set_status", "user_ids": [child, self.ids[OPS_EMAIL]], "status": "disabled"}, self.admin_of_a, 403),
                ({"kind": "set_status", "user_ids": [child], "status": "disabled"}, self.viewer, 403),
                ({"kind": "grant_role", "user_ids": [child], "tenant_id": self.b, "role_id": user_role}, self.admin_of_a, 404),
                ({"kind": "revoke_role", "user_ids": [shared], "tenant_id": self.b, "role_id": user_role}, self.admin_of_a, 404),
                ({"kind": "grant_role", "user_ids": [child], "tenant_id": self.a, "role_id": user_role}, self.viewer, 403),
                ({"kind": "move", "user_ids": [shared], "tenant_id": self.a, "target_tenant_id": self.b}, self.admin_of_a, 404),
                ({"kind": "move", "user_ids": [shared], "tenant_id": self.b, "target_tenant_id": self.a}, self.admin_of_a, 404),
                ({"kind": "move", "user_ids": [child], "tenant_id": self.a_child, "target_tenant_id": self.a},
                 self.sub_admin, 404)]:
            with self.subTest(body=body, caller=payload_of(token)["email"]):
                reply = self.call("POST", "/api/v1/users/bulk", body, token=token)
                self.assertEqual(reply.status, status, reply.body[:300])
                self.assertNothingOfB(reply)
        self.assertEqual({user: self.user(user) for user in watched}, before)

        # Within their tenants, one action over several users, undone with what it answers.
        users = [child, self.ids["tenant.user@a.test"]]
        done = self.call("POST", "/api/v1/users/bulk", {"kind": "set_status", "user_ids": users, "status": "disabled"},
                         token=self.admin_of_a)
        self.assertEqual(done.status, 200, done.body[:300])
        self.assertEqual(sorted(done.json()["changed_user_ids"]), sorted(users))
        self.assertEqual(done.json()["previous_statuses"], ["active", "active"])
        self.assertEqual([self.user(user)["user"]["status"] for user in users], ["disabled", "disabled"])
        undone = self.call("POST", "/api/v1/users/bulk", {"kind": "set_status", "user_ids": users, "status": "active"},
                           token=self.admin_of_a)
        self.assertEqual(undone.status, 200, undone.body[:300])
        self.assertEqual([self.user(user)["user"]["status"] for user in users], ["active", "active"])
        moved = self.call("POST", "/api/v1/users/bulk", {"kind": "grant_role", "user_ids": [child], "tenant_id": self.a,
                                                         "role_id": self.roles["Tenant Viewer"]}, token=self.admin_of_a)
        self.assertEqual((moved.status, moved.json()["changed_user_ids"]), (200, [child]), moved.body[:300])
        revoked = self.call("POST", "/api/v1/users/bulk", {"kind": "revoke_role", "user_ids": [child], "tenant_id": self.a,
                                                           "role_id": self.roles["Tenant Viewer"]}, token=self.admin_of_a)
        self.assertEqual((revoked.status, revoked.json()["changed_user_ids"]), (200, [child]), revoked.body[:300])

    def directory(self, tenant_slug, users, roles=(), create_tenant=False):
        return {"source": "api-test.csv", "tenant_slug": tenant_slug, "create_tenant": create_tenant,
                "tenant_name": "Imported" if create_tenant else "", "roles": list(roles), "users": users,
                "issues": [], "notes": []}

    @staticmethod
    def row(line, email, *memberships):
        return {"line": line, "email": email, "display_name": email.split("@")[0], "status": "active",
                "memberships": [{"tenant": tenant, "environment": "", "role": role} for tenant, role in memberships]}

    def test_imports_that_touch_another_tenant_are_refused_whole(self):
        for body, token, status in [
                (self.directory(self.a_slug, [self.row(2, "imp.1@x.test", ("", "Tenant User")),
                                              self.row(3, "imp.2@x.test", (self.b_slug, "Tenant User"))]), self.admin_of_a, 404),
                (self.directory(self.b_slug, [self.row(2, "imp.1@x.test", ("", "Tenant User"))]), self.admin_of_a, 404),
                (self.directory(self.a_slug, [self.row(2, "imp.1@x.test", ("", "Tenant User"))]), self.viewer, 403),
                (self.directory(self.a_slug, [self.row(2, "imp.1@x.test", ("", "Tenant User"))]), self.sub_admin, 404),
                (self.directory("", [self.row(2, "imp.1@x.test")]), self.admin_of_a, 403),
                (self.directory("imported-realm", [self.row(2, "imp.1@x.test", ("", "Tenant User"))], create_tenant=True),
                 self.admin_of_a, 403),
                (self.directory(self.a_slug, [self.row(2, "imp.1@x.test", ("", "Auditor"))],
                                roles=[{"name": "Auditor", "description": "", "scope": "tenant", "permissions": ["audit.read"],
                                        "includes": []}]), self.sub_admin, 404)]:
            for dry_run in ("?dry_run=true", ""):
                with self.subTest(body=json.dumps(body)[:160], caller=payload_of(token)["email"], dry_run=dry_run):
                    reply = self.call("POST", "/api/v1/import" + dry_run, body, token=token)
                    self.assertEqual(reply.status, status, reply.body[:300])
                    self.assertNothingOfB(reply)
        self.assertEqual(self.user_ids_named("imp."), [])

        body = self.directory(self.a_slug, [self.row(2, "imp.1@x.test", ("", "Tenant User")),
                                            self.row(3, "imp.2@x.test", (self.a_child_slug, "Tenant Viewer"))])
        checked = self.call("POST", "/api/v1/import?dry_run=true", body, token=self.admin_of_a)
        self.assertEqual(checked.status, 200, checked.body[:300])
        self.assertEqual((checked.json()["written"], checked.json()["users_created"], checked.json()["issues"]), (False, 2, []))
        self.assertEqual(self.user_ids_named("imp."), [])
        written = self.call("POST", "/api/v1/import", body, token=self.admin_of_a)
        self.assertEqual(written.status, 200, written.body[:300])
        report = written.json()
        self.assertEqual((report["written"], report["users_created"], report["memberships_created"]), (True, 2, 2))
        self.assertEqual(len(self.user_ids_named("imp.")), 2)
        # A row naming a role the tenant does not have is reported by line and field; nothing is written.
        bad = self.call("POST", "/api/v1/import", self.directory(self.a_slug, [
            self.row(2, "imp.3@x.test", ("", "Tenant User")), self.row(3, "imp.4@x.test", ("", "Operator of B"))]),
            token=self.admin_of_a)
        self.assertEqual(bad.status, 200, bad.body[:300])
        self.assertFalse(bad.json()["written"])
        self.assertEqual([issue["line"] for issue in bad.json()["issues"]], [3])
        self.assertEqual(len(self.user_ids_named("imp.")), 2)


class BillingReviewTest(unittest.TestCase):
    """The billing review's routes: attribution rules under If-Match, totals from the roll-ups
    that equal the lines they stand for, lines paged to the end, budgets; a tenant admin reads
    their tenants' totals, lines and budgets only and changes nothing. On a server of its own: the
    tests change the rules and budgets."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(SERVER, FIXTURE, prepare=prepare_tenant_users)
        try:
            with cls.server.db() as db:
                cls.a, cls.b = [r[0] for r in db.execute("SELECT id FROM tenants WHERE parent_id IS NULL ORDER BY id LIMIT 2")]
                cls.a_path = db.execute("SELECT path FROM tenants WHERE id = ?", (cls.a,)).fetchone()[0]
                cls.a_subtree = {r[0] for r in db.execute("SELECT id FROM tenants WHERE path LIKE ?", (cls.a_path + "%",))}
                cls.a_slug = db.execute("SELECT slug FROM tenants WHERE id = ?", (cls.a,)).fetchone()[0]
                cls.with_cost = sorted({r[0] for r in db.execute("SELECT DISTINCT tenant_id FROM billing_lines "
                                                                  "WHERE tenant_id IS NOT NULL")})
            cls.admin = cls.server.login(cls.server.admin_email, cls.server.admin_password)["access_token"]
            email = "tenant.admin@a.test"
            cls.admin_of_a = cls.server.login(email, cls.server.reset_password(email))["access_token"]
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def call(self, method, path, body=None, token=None, etag=None, template=None, expect=None):
        headers = {"If-Match": etag} if etag is not None else {}
        reply = self.server.request(method, path, body, token=token or self.admin, headers=headers)
        validate(reply, template or path.split("?")[0], method)
        if expect is not None:
            self.assertEqual(reply.status, expect, reply.body[:400])
        return reply

    def lines(self, query, token=None):
        """Every line of a query, page by page."""
        items, cursor = [], None
        while True:
            path = "/api/v1/billing/lines?limit=500&" + query + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
            page = self.call("GET", path, token=token, expect=200).json()
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items

    @staticmethod
    def billed(rows):
        from decimal import Decimal
        return sum((Decimal(row["billed_cost"]) for row in rows), Decimal(0))

    def test_totals_equal_the_lines_behind_them(self):
        tenant = self.with_cost[0]
        totals = self.call("GET", f"/api/v1/billing/totals?tenant_id={tenant}", expect=200).json()["items"]
        self.assertGreater(len(totals), 0)
        lines = self.lines(f"tenant_id={tenant}")
        self.assertEqual(len({line["id"] for line in lines}), len(lines))
        self.assertEqual(sum(row["line_count"] for row in totals), len(lines))
        self.assertEqual(self.billed(totals), self.billed(lines))
        row = totals[len(totals) // 2]
        behind = self.lines(f"tenant_id={tenant}&month={row['month']}&service_name={urllib.parse.quote(row['service_name'])}")
        self.assertEqual(len(behind), row["line_count"])
        self.assertEqual(self.billed(behind), self.billed([row]))
        month = self.call("GET", f"/api/v1/billing/totals?from={row['month']}-01T00:00:00Z", expect=200).json()["items"]
        self.assertTrue(all(r["month"] >= row["month"] for r in month))
        for bad in ("tenant_id=x", "from=yesterday", "nonsense=1", "month=2024-13", "shared_only=maybe"):
            with self.subTest(query=bad):
                reply = self.call("GET", "/api/v1/billing/lines?" + bad)
                self.assertEqual(reply.status, 400, reply.body[:300])

    def test_rules_change_under_if_match_and_move_cost(self):
        got = self.call("GET", "/api/v1/billing/attribution-rules", expect=200)
        rules, etag = got.json(), got.headers["ETag"]
        self.assertEqual(etag, '"%d"' % rules["version"])
        before = self.call("GET", "/api/v1/billing/totals", expect=200).json()["items"]
        self.assertNotIn(None, [row["tenant_id"] for row in before])
        # Without If-Match, stale, or invalid: refused, nothing changed.
        self.call("PUT", "/api/v1/billing/attribution-rules", {"mappings": []}, expect=428)
        stale = self.call("PUT", "/api/v1/billing/attribution-rules", {"mappings": []}, etag='"999"', expect=412)
        self.assertEqual(stale.json()["current"]["version"], rules["version"])
        invalid = self.call("PUT", "/api/v1/billing/attribution-rules",
                            {"mappings": [{"source": "tag", "key": "tenant", "value": "x", "tenant_id": 987654}]},
                            etag=etag, expect=400)
        self.assertEqual(invalid.json()["field"], "mappings[0].tenant_id")
        twice = self.call("PUT", "/api/v1/billing/attribution-rules",
                          {"mappings": [{"key": "cost_center", "value": "CC-1", "tenant_id": self.a},
                                        {"key": "cost_center", "value": "CC-1", "tenant_id": self.b}]},
                          etag=etag, expect=400)
        self.assertIn("CC-1", twice.json()["detail"])
        # Only A's own lines stay attributed (a mapping of its slug); everything else is unallocated.
        changed = self.call("PUT", "/api/v1/billing/attribution-rules",
                            {"mappings": [{"source": "tag", "key": "tenant", "value": self.a_slug, "tenant_id": self.a}]},
                            etag=etag, expect=200)
        result = changed.json()
        self.assertEqual(changed.headers["ETag"], '"%d"' % result["rules"]["version"])
        self.assertEqual(result["rules"]["version"], rules["version"] + 1)
        after = self.call("GET", "/api/v1/billing/totals", expect=200).json()["items"]
        self.assertEqual({row["tenant_id"] for row in after}, {self.a, None})
        self.assertEqual(self.billed(after), self.billed(before))
        self.assertEqual(self.billed([r for r in after if r["tenant_id"] == self.a]),
                         self.billed([r for r in before if r["tenant_id"] == self.a]))
        unallocated = self.call("GET", "/api/v1/billing/totals?tenant_id=0", expect=200).json()["items"]
        self.assertEqual(self.billed(unallocated), self.billed(before) - self.billed([r for r in before if r["tenant_id"] == self.a]))
        self.assertEqual(len(self.lines("tenant_id=0")), result["lines_unallocated"])
        # Shared cost: a service spread evenly over two tenants; the shares sum to the pool.
        rules_now = self.call("GET", "/api/v1/billing/attribution-rules", expect=200)
        shared = {"tenant_tag_keys": ["tenant"],
                  "shared_costs": [{"match": "service_name", "value": "AWS Lambda", "split": "even",
                                    "tenants": self.with_cost[:2]}]}
        result = self.call("PUT", "/api/v1/billing/attribution-rules", shared, etag=rules_now.headers["ETag"], expect=200).json()
        self.assertGreater(result["lines_shared"], 0)
        pool = self.lines("shared_only=true")
        self.assertEqual(len(pool), result["lines_shared"])
        shares = [r for r in self.call("GET", "/api/v1/billing/totals?service_name=AWS%20Lambda", expect=200).json()["items"]]
        self.assertTrue(all(r["shared"] for r in shares))
        self.assertEqual({r["tenant_id"] for r in shares}, set(self.with_cost[:2]))
        self.assertEqual(self.billed(shares), self.billed(pool))
        # The demo's rules again.
        restore = self.call("GET", "/api/v1/billing/attribution-rules", expect=200)
        self.call("PUT", "/api/v1/billing/attribution-rules", {"tenant_tag_keys": ["tenant"]}, etag=restore.headers["ETag"],
                  expect=200)
        self.assertEqual(self.call("GET", "/api/v1/billing/totals", expect=200).json()["items"], before)

    def test_budgets_are_set_read_and_removed(self):
        path = f"/api/v1/billing/budgets/{self.b}/EUR"
        template = "/api/v1/billing/budgets/{tenant_id}/{currency}"
        set_ = self.call("PUT", path, {"amount": "1234.5"}, template=template, expect=200).json()
        self.assertEqual(set_, {"tenant_id": self.b, "amount": "1234.50", "currency": "EUR"})
        self.assertIn(set_, self.call("GET", "/api/v1/billing/budgets", expect=200).json()["items"])
        for body in ({"amount": "-1"}, {"amount": "1e3"}, {"amount": 12}, {"amount": "1", "note": "x"}, {}):
            with self.subTest(body=body):
                self.call("PUT", path, body, template=template, expect=400)
        self.call("PUT", f"/api/v1/billing/budgets/{self.b}/euro", {"amount": "1"}, template=template, expect=400)
        self.call("PUT", "/api/v1/billing/budgets/987654/EUR", {"amount": "1"}, template=template, expect=404)
        removed = self.call("PUT", path, {"amount": None}, template=template, expect=200).json()
        self.assertIsNone(removed["amount"])
        self.assertNotIn(self.b, [(b["tenant_id"]) for b in self.call("GET", "/api/v1/billing/budgets", expect=200).json()["items"]
                                  if b["currency"] == "EUR"])

    def test_a_tenant_admin_reads_their_tenants_only_and_changes_nothing(self):
        token = self.admin_of_a
        totals = self.call("GET", "/api/v1/billing/totals", token=token, expect=200).json()["items"]
        self.assertGreater(len(totals), 0)
        self.assertTrue({row["tenant_id"] for row in totals} <= self.a_subtree)
        own = self.call("GET", f"/api/v1/billing/totals?tenant_id={self.a}", token=token, expect=200).json()["items"]
        self.assertEqual(own, self.call("GET", f"/api/v1/billing/totals?tenant_id={self.a}", expect=200).json()["items"])
        self.call("GET", f"/api/v1/billing/totals?tenant_id={self.b}", token=token, expect=404)
        self.call("GET", "/api/v1/billing/totals?tenant_id=0", token=token, expect=403)
        self.call("GET", f"/api/v1/billing/lines?tenant_id={self.b}", token=token, expect=404)
        self.call("GET", "/api/v1/billing/lines?shared_only=true", token=token, expect=403)
        lines = self.call("GET", f"/api/v1/billing/lines?tenant_id={self.a}&limit=3", token=token, expect=200).json()
        self.assertEqual([line["tenant_id"] for line in lines["items"]], [self.a] * 3)
        budgets = self.call("GET", "/api/v1/billing/budgets", token=token, expect=200).json()["items"]
        self.assertTrue({b["tenant_id"] for b in budgets} <= self.a_subtree)
        self.call("GET", "/api/v1/billing/attribution-rules", token=token, expect=403)
        etag = self.call("GET", "/api/v1/billing/attribution-rules", expect=200).headers["ETag"]
        self.call("PUT", "/api/v1/billing/attribution-rules", {"mappings": []}, token=token, etag=etag, expect=403)
        self.call("PUT", f"/api/v1/billing/budgets/{self.a}/USD", {"amount": "1"}, token=token,
                  template="/api/v1/billing/budgets/{tenant_id}/{currency}", expect=403)
        self.assertEqual(self.call("GET", "/api/v1/billing/attribution-rules", expect=200).headers["ETag"], etag)


if __name__ == "__main__":
    unittest.main(verbosity=2)
