#!/usr/bin/env python3
"""Two web hosts on one PostgreSQL database (issue 15, docs/scale.md).

Two private Apache instances (tools/instance, STORE=postgresql with
STORE_CONNINFO naming one cluster of tools/pgcluster) stand for two hosts
behind a load balancer, on two loopback ports; one SMTP server
(tests/mail/smtpd.py) takes the mails of both. TAP on stdout:

1. both started at once: their `rathaus init` ran side by side and made
   one schema;
2. a citizen whose requests alternate between the hosts notices nothing:
   the form from one, the check page from the other (the key taken, not
   renewed), sent to the first, the receipt and status from the second;
3. submissions sent to both at once (each form from one host, sent to the
   other) all stored once, references unique, while `rathaus purge` runs
   on one host again and again;
4. `rathaus outbox` run on both at once sends every mail exactly once
   (the mail server was down while the mails were queued);
5. no request failed on either host;
6. the database stopped and started again while both hosts take
   submissions: each answer a receipt (303) or a clear 503 with
   Retry-After, never a 500; sent again, the ones refused are stored;
   every submission stored exactly once.

Environment (set by `make check`): abs_top_srcdir, abs_top_builddir.
"""
import datetime
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("abs_top_srcdir") or os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("abs_top_builddir") or TOP
# tests/instancelib.py: beside this script's directory (the source tree,
# distcheck's copy of it), else in the source tree make check names.
sys.path[:0] = [os.path.dirname(HERE), os.path.join(TOP, "tests")]
import instancelib  # noqa: E402
PARALLEL = 16           # submissions at once, half through each host


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bonfire_date():
    today = datetime.date.today()
    year = today.year
    while True:
        saturday = instancelib.easter(year) - datetime.timedelta(days=1)
        if saturday - today >= datetime.timedelta(days=5):
            return saturday.isoformat()
        year += 1


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """One citizen: a cookie jar (cookies name no port: both hosts see
    them, as behind one load balancer) and no automatic redirects."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data).encode() if data else None
        try:
            with self.opener.open(url, body, timeout=60) as r:
                return r.status, r.headers, r.read().decode("utf-8",
                                                            "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8", "replace")


def form_key(html):
    m = re.search(r'name="_key" value="([0-9a-f]+)"', html)
    if not m:
        raise AssertionError("no form key in the page")
    return m.group(1)


def answers(place):
    return {"name": "Erika Beispiel", "phone": "04944 305-0",
            "date": bonfire_date(), "time": "19:30", "diameter": "4",
            "height": "3", "material": "holz", "material_confirm": "yes",
            "safety": "Feuerloescher", "place": place,
            "email": "erika@example.org"}


class Hosts:
    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="rathaus-two-hosts-")
        os.chmod(self.work, 0o755)
        self.cluster = os.path.join(self.work, "db")
        self.spool = os.path.join(self.work, "mail")
        self.dirs = [os.path.join(self.work, n) for n in ("a", "b")]
        for d in [self.cluster, self.spool] + self.dirs:
            os.mkdir(d)
            os.chmod(d, 0o755)
        self.ports = [free_port(), free_port()]
        self.smtp_port = free_port()
        self.smtpd = None
        self.started = []
        self.conninfo = None

    def pgcluster(self, action):
        out = subprocess.run([os.path.join(TOP, "tools", "pgcluster"),
                              action, self.cluster], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        return out.strip().splitlines()[0] if out.strip() else ""

    def psql(self, sql):
        return instancelib.psql(self.conninfo, sql)

    def start_instance(self, i, results):
        env = dict(os.environ, BUILDDIR=BUILD, STORE="postgresql",
                   STORE_CONNINFO=self.conninfo,
                   SMTP_URL=f"smtp://127.0.0.1:{self.smtp_port}")
        r = subprocess.run([os.path.join(TOP, "tools", "instance"), "start",
                            self.dirs[i], str(self.ports[i])], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        results[i] = r

    def start_smtpd(self):
        self.smtpd = subprocess.Popen(
            # Debian's python3 has python3-aiosmtpd; another on PATH
            # may not.
            [("/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK)
              else "python3"),
             os.path.join(TOP, "tests", "mail", "smtpd.py"),
             "--port", str(self.smtp_port), "--dir", self.spool],
            stdout=subprocess.PIPE, text=True)
        if self.smtpd.stdout.readline().strip() != "ready":
            raise AssertionError("the mail server did not start")

    def stop(self):
        for d in self.started:
            subprocess.run([os.path.join(TOP, "tools", "instance"), "stop",
                            d], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if self.smtpd:
            self.smtpd.terminate()
            self.smtpd.wait()
        subprocess.run([os.path.join(TOP, "tools", "pgcluster"), "stop",
                        self.cluster], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(self.work, ignore_errors=True)

    def url(self, i, path):
        return f"http://127.0.0.1:{self.ports[i]}/cgi-bin/rathaus.cgi{path}"

    def cli(self, i, *args):
        return subprocess.run(
            [os.path.join(self.dirs[i], "bin", "rathaus"), *args, "--conf",
             os.path.join(self.dirs[i], "conf", "rathaus.conf")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def errors_logged(self):
        bad = []
        for d in self.dirs:
            with open(os.path.join(d, "logs", "error.log"),
                      errors="replace") as f:
                for line in f:
                    if re.search(r"answered 5|failed:|AddressSanitizer|"
                                 r"runtime error", line):
                        bad.append(line.strip())
        return bad


def submit_across(h, first, place, out):
    """The form from host `first`, sent to the other; the outcome."""
    b = Browser()
    status, _, page = b.request(h.url(first, "/services/osterfeuer"))
    if status != 200:
        out.append(("form", status, place))
        return
    data = answers(place)
    data.update({"_key": form_key(page), "_confirm": "1"})
    status, headers, _ = b.request(h.url(1 - first, "/services/osterfeuer"),
                                   data)
    out.append(("sent", status, headers.get("Location", ""), place))


def restart_under_load(h, n=24):
    """Forms fetched first; then sent, half to each host, while the
    cluster stops and starts again; those refused sent again after."""
    jobs = []
    for k in range(n):
        b = Browser()
        status, _, page = b.request(h.url(k % 2, "/services/osterfeuer"))
        if status != 200:
            return False, "forms before the restart", f"form {status}"
        data = answers(f"Neustart {k}")
        data.update({"_key": form_key(page), "_confirm": "1"})
        jobs.append((b, 1 - k % 2, data))
    outcome = [None] * n

    def send(k):
        time.sleep(0.25 * (k // 2))    # over 3 s: before, during, after
        b, host, data = jobs[k]
        status, headers, _ = b.request(h.url(host, "/services/osterfeuer"),
                                       data)
        outcome[k] = (status, headers.get("Retry-After"))

    threads = [threading.Thread(target=send, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    time.sleep(0.8)
    h.pgcluster("stop")
    time.sleep(1.0)
    h.pgcluster("start")
    for t in threads:
        t.join()
    refused = [k for k in range(n) if outcome[k][0] == 503]
    clear = all(o[0] == 303 or (o[0] == 503 and o[1]) for o in outcome)
    again = []
    for k in refused:
        b, host, data = jobs[k]
        again.append(b.request(h.url(host, "/services/osterfeuer"),
                               data)[0])
    counts = h.psql("SELECT count(*) FROM submission WHERE answers LIKE"
                    " '%Neustart %' GROUP BY answers")
    counts = [int(c) for c in counts.split()] if counts else []
    fives = [line for line in h.errors_logged() if "answered 500" in line]
    return (clear and refused and len(refused) < n and
            all(a == 303 for a in again) and
            len(counts) == n and all(c == 1 for c in counts) and not fives,
            f"the database restarted under load: {n - len(refused)}"
            f" receipts, {len(refused)} clear 503s, those sent again"
            f" stored, each of {n} once",
            f"answers {sorted(set(o[0] for o in outcome))}, again"
            f" {sorted(set(again))}, stored {len(counts)} of {n}, counts"
            f" {sorted(set(counts))}; " + "; ".join(fives[:3]))


def main():
    tests = []

    def ok(cond, what, why=""):
        tests.append((bool(cond), what, why))

    h = Hosts()
    try:
        h.conninfo = h.pgcluster("start")
        # 1. Both at once: their rathaus init side by side.
        results = [None, None]
        threads = [threading.Thread(target=h.start_instance,
                                    args=(i, results)) for i in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for i in (0, 1):
            if results[i].returncode == 0:
                h.started.append(h.dirs[i])
        ok(all(r.returncode == 0 for r in results) and
           h.psql("SELECT version FROM rathaus_schema") != "" and
           h.psql("SELECT count(*) FROM secret") == "2",
           "both hosts started at once on one database, one schema made",
           " / ".join(r.stdout.strip()[-300:] for r in results))
        if len(h.started) != 2:
            raise AssertionError("the hosts did not start")

        # 2. A citizen alternating between the hosts.
        b = Browser()
        _, _, page = b.request(h.url(0, "/services/osterfeuer"))
        data = answers("Am Deich 1")
        data.update({"_key": form_key(page), "_page": "angaben"})
        st_check, _, check = b.request(h.url(1, "/services/osterfeuer"),
                                       data)
        del data["_page"]
        data["_confirm"] = "1"
        st_sent, headers, _ = b.request(h.url(0, "/services/osterfeuer"),
                                        data)
        loc = headers.get("Location", "")
        path = loc.split("/cgi-bin/rathaus.cgi", 1)[-1]
        st_receipt, _, receipt = b.request(h.url(1, path))
        st_status, _, _ = b.request(h.url(1, path.replace("/receipt/",
                                                          "/status/")))
        ok(st_check == 200 and 'name="_confirm"' in check and
           'id="renewed-title"' not in check and st_sent == 303 and
           "/receipt/" in loc and st_receipt == 200 and
           "Am Deich 1" in receipt and st_status == 200,
           "a citizen whose requests alternate between the hosts notices"
           " nothing",
           f"check {st_check}, sent {st_sent} {loc}, receipt {st_receipt},"
           f" status {st_status}")

        # 3. Both hosts at once, purge running on one.
        # Nothing listens on the mail port yet: the mails wait.
        before = int(h.psql("SELECT count(*) FROM submission"))
        out, purges, stop = [], [], threading.Event()

        def purge_loop():
            while not stop.is_set():
                purges.append(h.cli(0, "purge").returncode)

        purger = threading.Thread(target=purge_loop)
        purger.start()
        workers = [threading.Thread(target=submit_across,
                                    args=(h, k % 2, f"Wiese {k}", out))
                   for k in range(PARALLEL)]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        stop.set()
        purger.join()
        sent = [o for o in out if o[0] == "sent" and o[1] == 303]
        refs = [re.search(r"/receipt/([0-9-]+)", o[2]).group(1)
                for o in sent if "/receipt/" in o[2]]
        stored = int(h.psql("SELECT count(*) FROM submission")) - before
        places = int(h.psql("SELECT count(DISTINCT answers) FROM submission"
                            " WHERE answers LIKE '%Wiese %'"))
        ok(len(sent) == PARALLEL and len(set(refs)) == PARALLEL and
           stored == PARALLEL and places == PARALLEL and purges and
           all(rc == 0 for rc in purges),
           f"{PARALLEL} submissions through both hosts at once, references"
           f" unique, each stored once, while purge ran {len(purges)} times"
           " on one",
           f"outcomes {sorted(set((o[0], o[1]) for o in out))},"
           f" {len(set(refs))} references, {stored} stored,"
           f" purge exits {sorted(set(purges))}")

        # 4. rathaus outbox on both at once, the mail server back. A
        # program that sends after its response may still be trying a
        # mail (claimed: left alone) and record its failure, with a later
        # try, after this made the others due: the rounds that follow,
        # again on both at once, send it (as cron would, later).
        h.start_smtpd()
        queued = int(h.psql("SELECT count(*) FROM outbox"))
        runs = []

        def run_outbox(i):
            runs.append(h.cli(i, "outbox"))

        for _ in range(50):
            h.psql("UPDATE outbox SET next_try = '2000-01-01T00:00:00Z'"
                   " WHERE sent IS NULL AND handed IS NULL AND claim IS NULL")
            threads = [threading.Thread(target=run_outbox, args=(i,))
                       for i in (0, 1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            unsent = int(h.psql("SELECT count(*) FROM outbox WHERE sent IS"
                                " NULL"))
            if unsent == 0:
                break
            time.sleep(0.2)
        mails = sorted(f for f in os.listdir(h.spool) if f.endswith(".eml"))
        subjects = []
        for f in mails:
            with open(os.path.join(h.spool, f), errors="replace") as fp:
                head = fp.read().split("\r\n\r\n", 1)[0]
            to = re.search(r"^To: (.*)$", head, re.M)
            subj = re.search(r"^Subject: (.*)$", head, re.M)
            subjects.append((to.group(1) if to else "",
                             subj.group(1) if subj else ""))
        ok(all(r.returncode == 0 for r in runs) and unsent == 0 and
           len(mails) == queued and len(set(subjects)) == len(subjects),
           f"rathaus outbox on both hosts at once sends every mail exactly"
           f" once ({queued} mails)",
           f"{queued} queued, {len(mails)} delivered,"
           f" {len(set(subjects))} distinct, {unsent} unsent, exits"
           f" {[r.returncode for r in runs]}")
        bad = h.errors_logged()
        ok(not bad, "no request failed on either host", "; ".join(bad[:5]))

        # 6. The database restarted under load.
        ok(*restart_under_load(h))
    except Exception as e:     # a step that could not run: say so
        ok(False, "the two hosts ran", repr(e))
    finally:
        h.stop()
    print(f"1..{len(tests)}")
    for n, (passed, what, why) in enumerate(tests, 1):
        print(f"{'ok' if passed else 'not ok'} {n} - {what}")
        if not passed and why:
            for line in str(why).splitlines():
                print(f"# {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
