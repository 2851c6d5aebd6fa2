"""Durability: a tenantdesk-server killed in the middle of requests loses no change it acknowledged,
and leaves no change half-written. On SQLite (CTest api_durability) and on PostgreSQL as
tenantdesk_app (api_durability_postgres).

Several threads change several tenants (PATCH with If-Match) as fast as the server answers; the
server is killed (SIGKILL) while they do, then started again on the same database. Every change
answered with 2xx must be there, in the tenant and in its audit trail, and every version of a
tenant must have exactly one audit event, hash-chained to the one before it."""
import hashlib
import http.client
import json
import os
import sys
import threading
import time
import unittest
import urllib.error

sys.path.insert(0, os.path.dirname(__file__))
from apisupport import BACKEND, Server  # noqa: E402

SERVER = os.environ["TENANTDESK_SERVER"]
FIXTURE = os.environ["TENANTDESK_FIXTURE"]

TENANTS = 4
WRITERS_PER_TENANT = 3    # several writers on one tenant: some of them lose the race (412)
RUN_SECONDS = 3.0         # at least this long before the kill...
ACKNOWLEDGED_BEFORE_KILL = 8  # ...and at least this many acknowledged changes on every tenant
NAME_PREFIX = "Durable "


def audit_hash(event):
    """AuditEvent::computeHash: SHA-256 over length-prefixed fields (for ASCII before/after values,
    whose compact JSON Qt and Python write alike)."""
    digest = hashlib.sha256()
    fields = [event["previous_hash"], str(event["tenant_id"]), event["at"], event["actor"], event["action"],
              event["object_type"], event["object_id"],
              json.dumps(event["before"], separators=(",", ":"), sort_keys=True),
              json.dumps(event["after"], separators=(",", ":"), sort_keys=True)]
    for field in fields:
        data = field.encode("utf-8")
        digest.update(str(len(data)).encode() + b":" + data)
    return digest.hexdigest()


class Writer(threading.Thread):
    """Renames one tenant again and again, each time on the version it last saw."""

    def __init__(self, server, token, tenant, version, number, killed):
        super().__init__(name=f"writer-{tenant}-{number}", daemon=True)
        self.server, self.token, self.tenant, self.version = server, token, tenant, version
        self.number, self.killed = number, killed
        self.acknowledged = []  # (version, display name) of every change answered with 2xx
        self.unknown = []       # names of changes whose outcome the client never learnt
        self.refused = 0        # 412: someone else changed the tenant first
        self.failures = []      # anything else before the kill

    def run(self):
        sequence = 0
        while True:
            sequence += 1
            name = f"{NAME_PREFIX}{self.tenant} w{self.number} #{sequence}"
            try:
                reply = self.server.request("PATCH", f"/api/v1/tenants/{self.tenant}", {"display_name": name},
                                            token=self.token, headers={"If-Match": f'"{self.version}"'}, timeout=20)
            except (OSError, http.client.HTTPException, urllib.error.URLError) as error:
                self.unknown.append(name)
                if not self.killed.is_set():
                    self.failures.append(f"{name}: {error!r} before the kill")
                return
            if 200 <= reply.status < 300:
                changed = reply.json()
                self.acknowledged.append((changed["version"], changed["display_name"]))
                self.version = changed["version"]
            elif reply.status == 412:
                self.refused += 1
                self.version = reply.json()["current"]["version"]
            else:
                self.unknown.append(name)  # a 5xx may or may not have changed it
                self.failures.append(f"{name}: {reply.status} {reply.body[:200]!r}")
                return
            if self.killed.is_set():
                return


class DurabilityChecks:
    """The checks after the fault, for a unittest.TestCase whose self.server is the Server (also
    used by test_pg_restart.py)."""

    def sign_in(self):
        return self.server.login(self.server.admin_email, self.server.admin_password)["access_token"]

    def audit_trail(self, token, tenant):
        """Every audit event of a tenant, oldest first."""
        events, cursor = [], None
        while True:
            path = f"/api/v1/audit?tenant_id={tenant}&limit=500" + (f"&cursor={cursor}" if cursor else "")
            reply = self.server.request("GET", path, token=token)
            self.assertEqual(reply.status, 200, reply.body[:300])
            page = reply.json()
            events += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return list(reversed(events))

    def check_tenant(self, db, token, tenant, version0, name0, events0, writers):
        acknowledged = dict(change for w in writers for change in w.acknowledged)
        unknown = {name for w in writers for name in w.unknown}
        self.assertGreaterEqual(len(acknowledged), ACKNOWLEDGED_BEFORE_KILL)
        # Versions are handed out once: no two acknowledged changes share one.
        self.assertEqual(len(acknowledged), sum(len(w.acknowledged) for w in writers))

        reply = self.server.request("GET", f"/api/v1/tenants/{tenant}", token=token)
        self.assertEqual(reply.status, 200)
        now = reply.json()
        last_acknowledged = max(acknowledged)
        # The last acknowledged change is there, or a later one that was made but never answered.
        self.assertGreaterEqual(now["version"], last_acknowledged)
        if now["version"] == last_acknowledged:
            self.assertEqual(now["display_name"], acknowledged[last_acknowledged])
        else:
            self.assertIn(now["display_name"], unknown)
        self.assertLessEqual(now["version"] - last_acknowledged, len(unknown))

        # The audit trail: the events before the test, then one event per version, in order,
        # each hash-chained to the one before it.
        events = self.audit_trail(token, tenant)
        self.assertEqual(len(events), events0 + now["version"] - version0)
        previous = ""
        for event in events:
            self.assertEqual(event["previous_hash"], previous, event["id"])
            previous = event["hash"]
        changes = events[events0:]
        names = {version0: name0}
        for offset, event in enumerate(changes):
            version = version0 + offset + 1
            self.assertEqual((event["action"], event["actor"], event["tenant_id"]),
                             ("tenant.update", self.server.admin_email, tenant))
            self.assertEqual(event["hash"], audit_hash(event), f"version {version}")
            self.assertEqual(event["before"], {"display_name": names[version - 1]}, f"version {version}")
            names[version] = event["after"]["display_name"]
            if version in acknowledged:
                self.assertEqual(names[version], acknowledged[version], f"version {version}")
            else:
                self.assertIn(names[version], unknown, f"version {version}")
        self.assertEqual(names[now["version"]], now["display_name"])

        # The database itself agrees, below the server.
        version, name = db.execute("SELECT version, display_name FROM tenants WHERE id = ?", (tenant,)).fetchone()
        self.assertEqual((version, name), (now["version"], now["display_name"]))
        updates = db.execute("SELECT count(*) FROM audit_events WHERE tenant_id = ? AND action = 'tenant.update'",
                             (tenant,)).fetchone()[0]
        self.assertEqual(updates, now["version"] - version0)


class DurabilityTest(DurabilityChecks, unittest.TestCase):
    def setUp(self):
        self.server = Server(SERVER, FIXTURE)
        self.addCleanup(self.server.stop)

    def test_acknowledged_changes_survive_a_kill(self):
        token = self.sign_in()
        top = self.server.request("GET", f"/api/v1/tenants?limit={TENANTS}", token=token).json()["items"]
        self.assertEqual(len(top), TENANTS)
        start = {t["id"]: (t["version"], t["display_name"], len(self.audit_trail(token, t["id"]))) for t in top}

        killed = threading.Event()
        writers = [Writer(self.server, token, tenant, start[tenant][0], number, killed)
                   for tenant in start for number in range(WRITERS_PER_TENANT)]
        began = time.monotonic()
        for writer in writers:
            writer.start()
        while time.monotonic() - began < 60:
            time.sleep(0.1)
            acknowledged = {t: sum(len(w.acknowledged) for w in writers if w.tenant == t) for t in start}
            if time.monotonic() - began >= RUN_SECONDS and min(acknowledged.values()) >= ACKNOWLEDGED_BEFORE_KILL:
                break
            if not all(w.is_alive() for w in writers):
                break
        running = sum(w.is_alive() for w in writers)
        killed.set()
        self.server.kill()  # SIGKILL: no shutdown, requests in flight end where they are
        for writer in writers:
            writer.join(timeout=60)
            self.assertFalse(writer.is_alive(), writer.name)
        for writer in writers:
            self.assertEqual(writer.failures, [], writer.name)
        self.assertEqual(running, len(writers), "every writer was still writing when the server was killed")
        self.assertGreater(sum(w.refused for w in writers), 0, "writers of one tenant raced each other")

        print(f"\nkilled after {time.monotonic() - began:.1f} s: "
              f"{sum(len(w.acknowledged) for w in writers)} changes acknowledged, "
              f"{sum(w.refused for w in writers)} refused as stale, "
              f"{sum(len(w.unknown) for w in writers)} without an answer", flush=True)
        self.server.start()  # the same database, a new process
        token = self.sign_in()
        with self.server.db() as db:
            for tenant, (version0, name0, events0) in start.items():
                with self.subTest(tenant=tenant):
                    self.check_tenant(db, token, tenant, version0, name0, events0,
                                      [w for w in writers if w.tenant == tenant])


if __name__ == "__main__":
    print(f"test_durability on {BACKEND}", flush=True)
    unittest.main(verbosity=2)
