"""PostgreSQL restarted under load (CTest api_pg_restart): tenantdesk-server keeps running while its
database goes away and comes back, answers 503 while it is away (at once, never hanging), opens its
connections again by itself, and loses no change it acknowledged.

The test starts a PostgreSQL cluster of its own (tests/support/pg-cluster in
TENANTDESK_PG_RESTART_DIR): restarting the shared test cluster would break the other suites
labelled postgres running beside it. Over the small demo, writers rename tenants (PATCH with
If-Match, three writers on each of four tenants, so that some lose the race with 412) and readers
read the tenant list and single tenants, as fast as the server answers, through two faults:

1. every session of the server is ended from inside PostgreSQL (pg_terminate_backend), as an
   administrator or a failover would;
2. PostgreSQL is stopped (pg_ctl stop -m fast), left down for two seconds, and started again.

The server is never restarted. After each fault every writer must get its changes acknowledged
again within a bound; while PostgreSQL is down every answer is 503 Unavailable (problem+json), in
less than REQUEST_BOUND seconds. At the end, test_durability's checks: every change answered with
2xx is in the tenant and in its audit trail, one event per version, hash-chained."""
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
PG_CLUSTER = os.path.join(HERE, "..", "support", "pg-cluster")
CLUSTER_DIR = os.environ.get("TENANTDESK_PG_RESTART_DIR") or tempfile.mkdtemp(prefix="tenantdesk-pg-restart-")
os.makedirs(CLUSTER_DIR, exist_ok=True)
os.chmod(CLUSTER_DIR, 0o755)  # as root the cluster runs as the postgres user, who must reach into it
os.environ["TENANTDESK_BACKEND"] = "postgres"
os.environ["TENANTDESK_PG_ENV"] = os.path.join(CLUSTER_DIR, "env")

sys.path.insert(0, HERE)
from apisupport import Server  # noqa: E402
from test_durability import DurabilityChecks  # noqa: E402

SERVER = os.environ["TENANTDESK_SERVER"]
FIXTURE = os.environ["TENANTDESK_FIXTURE"]

TENANTS = 4
WRITERS_PER_TENANT = 3
READERS = 2
REQUEST_BOUND = 12.0   # seconds: no answer may take longer (libpq's connect_timeout is 10 s)
RECOVERY_BOUND = 30.0  # seconds after a fault for every writer to be acknowledged again
DOWN_SECONDS = 2       # how long PostgreSQL stays stopped in the restart


class Client(threading.Thread):
    """Sends requests until told to stop, keeping every answer: (sent at, status, seconds, code)."""

    def __init__(self, server, token, name, stop):
        super().__init__(name=name, daemon=True)
        self.server, self.token, self.stop_event = server, token, stop
        self.answers = []
        self.failures = []  # no answer at all, or one that is neither 2xx, 412 nor 503 Unavailable

    def send(self, method, path, body=None, headers=None):
        sent = time.monotonic()
        try:
            reply = self.server.request(method, path, body, token=self.token, headers=headers, timeout=REQUEST_BOUND + 8)
        except (OSError, http.client.HTTPException, urllib.error.URLError) as error:
            self.failures.append(f"{method} {path}: no answer: {error!r}")
            return None
        code = None
        if reply.status == 503:
            code = reply.json().get("code") if reply.headers.get("Content-Type", "").startswith(
                "application/problem+json") else None
            if code != "Unavailable":
                self.failures.append(f"{method} {path}: 503 without a problem Unavailable: {reply.body[:200]!r}")
        elif not (200 <= reply.status < 300 or (method == "PATCH" and reply.status == 412)):
            self.failures.append(f"{method} {path}: {reply.status} {reply.body[:200]!r}")
        self.answers.append((sent, reply.status, time.monotonic() - sent, code))
        return reply

    def acknowledged_since(self, moment):
        return any(sent >= moment and 200 <= status < 300 for sent, status, _, _ in self.answers)


class Writer(Client):
    """Renames one tenant again and again, each time on the version it last saw."""

    def __init__(self, server, token, tenant, version, number, stop):
        super().__init__(server, token, f"writer-{tenant}-{number}", stop)
        self.tenant, self.version, self.number = tenant, version, number
        self.acknowledged = []  # (version, display name) of every change answered with 2xx
        self.unknown = []       # names of changes answered with 503: saved or not, the client cannot tell
        self.refused = 0

    def run(self):
        sequence = 0
        while not self.stop_event.is_set():
            sequence += 1
            name = f"Restart {self.tenant} w{self.number} #{sequence}"
            reply = self.send("PATCH", f"/api/v1/tenants/{self.tenant}", {"display_name": name},
                              headers={"If-Match": f'"{self.version}"'})
            if reply is None:
                self.unknown.append(name)
                time.sleep(0.2)
            elif 200 <= reply.status < 300:
                changed = reply.json()
                self.acknowledged.append((changed["version"], changed["display_name"]))
                self.version = changed["version"]
            elif reply.status == 412:
                self.refused += 1
                self.version = reply.json()["current"]["version"]
            else:
                self.unknown.append(name)
                time.sleep(0.05)  # the database is away: ask again soon, not in a tight loop


class Reader(Client):
    def __init__(self, server, token, tenants, number, stop):
        super().__init__(server, token, f"reader-{number}", stop)
        self.tenants = tenants

    def run(self):
        turn = 0
        while not self.stop_event.is_set():
            turn += 1
            if turn % 2:
                self.send("GET", "/api/v1/tenants?limit=50")
            else:
                self.send("GET", f"/api/v1/tenants/{self.tenants[turn % len(self.tenants)]}")


def cluster(*args):
    return subprocess.run([PG_CLUSTER, args[0], CLUSTER_DIR, *args[1:]], capture_output=True, text=True,
                          timeout=120, check=True).stdout


def setUpModule():
    cluster("start")


def tearDownModule():
    cluster("stop")


class PostgresRestartTest(DurabilityChecks, unittest.TestCase):
    def setUp(self):
        self.server = Server(SERVER, FIXTURE)
        self.addCleanup(self.server.stop)

    def wait_for(self, condition, bound, what):
        began = time.monotonic()
        while not condition():
            if time.monotonic() - began > bound:
                self.fail(f"not within {bound} s: {what}")
            time.sleep(0.1)
        return time.monotonic() - began

    def recovered(self, writers, moment, bound, fault):
        return self.wait_for(lambda: all(w.acknowledged_since(moment) for w in writers), bound,
                             f"every writer acknowledged again after {fault}")

    def test_server_reconnects_and_keeps_acknowledged_changes(self):
        token = self.sign_in()
        top = self.server.request("GET", f"/api/v1/tenants?limit={TENANTS}", token=token).json()["items"]
        self.assertEqual(len(top), TENANTS)
        start = {t["id"]: (t["version"], t["display_name"], len(self.audit_trail(token, t["id"]))) for t in top}
        pid = self.server.process.pid

        stop = threading.Event()
        writers = [Writer(self.server, token, tenant, start[tenant][0], number, stop)
                   for tenant in start for number in range(WRITERS_PER_TENANT)]
        readers = [Reader(self.server, token, list(start), number, stop) for number in range(READERS)]
        clients = writers + readers
        for client in clients:
            client.start()
        try:
            began = time.monotonic()
            self.recovered(writers, began, 60, "the start")

            # 1. Every session of the server ended from inside PostgreSQL.
            terminated_at = time.monotonic()
            ended = cluster("psql", "-d", "postgres", "-At", "-c",
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            f"WHERE datname = '{self.server.database.name}' AND usename = 'tenantdesk_app'")
            self.assertGreater(int(ended.strip()), 0, "the server had sessions to end")
            after_terminate = self.recovered(writers, terminated_at, RECOVERY_BOUND, "pg_terminate_backend")

            # 2. PostgreSQL stopped, down for DOWN_SECONDS, started again.
            restart_began = time.monotonic()
            cluster("restart", str(DOWN_SECONDS))
            restarted_at = time.monotonic()
            after_restart = self.recovered(writers, restarted_at, RECOVERY_BOUND, "the restart")
            time.sleep(1.0)  # a little more work on the new connections
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=REQUEST_BOUND + 15)
        for client in clients:
            self.assertFalse(client.is_alive(), client.name)
            self.assertEqual(client.failures, [], client.name)

        # The same server process all along.
        self.assertIsNone(self.server.process.poll(), "the server is still running")
        self.assertEqual(self.server.process.pid, pid)

        answers = [answer for client in clients for answer in client.answers]
        during = [a for a in answers if restart_began <= a[0] < restarted_at]
        unavailable = [a for a in answers if a[1] == 503]
        slowest = max(seconds for _, _, seconds, _ in answers)
        self.assertTrue(any(a[1] == 503 for a in during), "the server said 503 while PostgreSQL was down")
        self.assertLess(slowest, REQUEST_BOUND, "no request waited long for an answer")
        acknowledged = sum(len(w.acknowledged) for w in writers)
        print(f"\n{len(answers)} requests in {time.monotonic() - began:.1f} s: {acknowledged} changes acknowledged, "
              f"{sum(w.refused for w in writers)} refused as stale (412), {len(unavailable)} answered 503 "
              f"({len([a for a in unavailable if a[0] < restart_began])} after pg_terminate_backend, "
              f"{len([a for a in unavailable if a[0] >= restart_began])} around the restart); "
              f"every writer acknowledged again {after_terminate:.1f} s after pg_terminate_backend and "
              f"{after_restart:.1f} s after PostgreSQL was back (down {restarted_at - restart_began:.1f} s); "
              f"slowest answer {slowest * 1000:.0f} ms", flush=True)

        token = self.sign_in()
        with self.server.db() as db:
            for tenant, (version0, name0, events0) in start.items():
                with self.subTest(tenant=tenant):
                    self.check_tenant(db, token, tenant, version0, name0, events0,
                                      [w for w in writers if w.tenant == tenant])


if __name__ == "__main__":
    unittest.main(verbosity=2)
