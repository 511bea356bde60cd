#!/usr/bin/env python3
"""End-to-end test: a real (headless) Chromium drives the demo portal.

The portal runs in a private Apache (tools/instance) on a free loopback
port; Chromium is driven through Debian's chromedriver with the W3C
WebDriver protocol, spoken here with nothing but the standard library.
Our pages have no JavaScript; the test harness uses script only to read
the page (readyState, focus, values) and, if the keyboard cannot fill a
date input, to set that input's value.

Prints TAP. Skips (1..0 # SKIP) without chromium, chromedriver or apache2.
The back-office scenario's mail check uses tests/mail/smtpd.py (Debian's
/usr/bin/python3 with python3-aiosmtpd); without it only that step skips.
The checkout pays with PayPal against tests/paypal/standin.py (standard
library) and reads the GiroCode with zbarimg (zbar-tools); without one of
them only the steps that need it skip.
Every page type, in German and English, is checked with axe-core (WCAG
2.1 AA; $AXE_JS, which tools/check sets, else .cache/axe; without it those
steps skip), for its layout at 320, 768 and 1280 px, its focus indicators
and links to "#"; printed receipts are read with pdfinfo and pdftotext
(poppler-utils).
The appointment scenario (termin, issue 14) books an identity-card time,
reads the receipt's calendar file with urllib, moves the appointment to a
time of one place and cancels it, and checks the form's free times after
each; it relies on examples/wiesmoor/site/calendars/buergerbuero.xml.
On a failure a screenshot goes to $abs_top_builddir/e2e-failure-N.png.

Environment (set by `make check`): abs_top_srcdir, abs_top_builddir;
AXE_JS (tools/check).
"""

import base64
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
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
WAIT = 10.0          # seconds for any one thing to happen
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"

# Never a proxy: everything this test talks to is on 127.0.0.1.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# ---- small helpers -------------------------------------------------------

def free_port():
    """A port on 127.0.0.1 nobody listens on (bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_program(*names):
    for name in names:
        path = shutil.which(name) or (
            os.path.exists("/usr/sbin/" + name) and "/usr/sbin/" + name)
        if path:
            return path
    return None


def next_easter_saturday(today):
    """The next Karsamstag at least 5 days ahead (the form's deadline)."""
    year = today.year
    while True:
        saturday = instancelib.easter(year) - datetime.timedelta(days=1)
        if saturday - today >= datetime.timedelta(days=5):
            return saturday
        year += 1


def tiny_png(path):
    """A valid 1x1 PNG, written with zlib from the standard library."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return (struct.pack(">I", len(data)) + body
                + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF))
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
           + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


def submission_token(instance, ref):
    """The token of submission `ref` in the instance's store: its SQLite
    file, or (STORE=postgresql) the database its rathaus.conf names."""
    conninfo = instancelib.store_conninfo(instance)
    if conninfo:
        if not re.fullmatch(r"[0-9-]+", ref):
            raise ValueError(f"not a reference: {ref!r}")
        return instancelib.psql(
            conninfo, f"SELECT token FROM submission WHERE ref = '{ref}'")
    import sqlite3
    db = sqlite3.connect("file:" + os.path.join(instance, "data", "rathaus.db")
                         + "?mode=ro", uri=True)
    try:
        return db.execute("SELECT token FROM submission WHERE ref = ?",
                          (ref,)).fetchone()[0]
    finally:
        db.close()


class Failure(Exception):
    """A check that did not hold; the message is the TAP diagnostic."""


class Skip(Exception):
    """A step that cannot run here (a tool or an earlier scenario is
    missing): reported as "ok ... # SKIP reason"; its scenario goes on."""


class WebDriverError(Exception):
    def __init__(self, error, message):
        super().__init__(f"{error}: {message}")
        self.error = error


# ---- a minimal W3C WebDriver client ---------------------------------------

class Element:
    def __init__(self, driver, ref, what):
        self.d, self.ref, self.what = driver, ref, what

    def _url(self, tail=""):
        return f"/element/{self.ref}{tail}"

    def click(self):
        self.d.cmd("POST", self._url("/click"), {})

    def clear(self):
        self.d.cmd("POST", self._url("/clear"), {})

    def send_keys(self, text):
        self.d.cmd("POST", self._url("/value"), {"text": text})

    @property
    def text(self):
        return self.d.cmd("GET", self._url("/text"))

    def prop(self, name):
        return self.d.cmd("GET", self._url(f"/property/{name}"))

    def attr(self, name):
        return self.d.cmd("GET", self._url(f"/attribute/{name}"))

    def find(self, css):
        return self.d.find(css, within=self)

    def screenshot(self, path):
        """Take Element Screenshot: the element alone, as a PNG."""
        png = base64.b64decode(self.d.cmd("GET", self._url("/screenshot")))
        with open(path, "wb") as f:
            f.write(png)
        return path

    def js(self):
        return {ELEMENT: self.ref}


class Driver:
    def __init__(self, chromedriver, chromium, tmp):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(tmp, "chromedriver.log"), "wb")
        # Its own process group: chromedriver and the browsers it starts
        # are ended together, by that group's id, in quit().
        self.proc = subprocess.Popen(
            [chromedriver, f"--port={self.port}", "--allowed-ips=127.0.0.1"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        self.session = None
        deadline = time.monotonic() + WAIT
        while True:
            try:
                if self.raw("GET", "/status")["value"].get("ready"):
                    break
            except (OSError, ValueError, KeyError):
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.05)
        options = {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1280,1024", "--lang=de-DE",
                f"--user-data-dir={os.path.join(tmp, 'profile')}",
                "--no-first-run", "--no-default-browser-check",
                "--no-proxy-server", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions",
                "--disable-domain-reliability", "--metrics-recording-only",
                "--disable-client-side-phishing-detection",
            ],
            "prefs": {"intl.accept_languages": "de-DE,de"},
        }
        value = self.raw("POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {"pageLoad": int(WAIT * 1000), "script": 20000},
            "goog:chromeOptions": options,
        }}})["value"]
        if "sessionId" not in value:
            raise RuntimeError(f"no session: {value}")
        self.session = value["sessionId"]
        self.version = value.get("capabilities", {}).get("browserVersion", "?")

    def raw(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base + path, data=data, method=method,
            headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with OPENER.open(req, timeout=WAIT + 20) as resp:
                return json.loads(resp.read().decode() or "{}")
        except urllib.error.HTTPError as e:
            try:
                value = json.loads(e.read().decode())["value"]
            except (ValueError, KeyError, TypeError):
                raise WebDriverError("http", f"{e.code} {e.reason}") from None
            raise WebDriverError(value.get("error", "?"),
                                 value.get("message", "").split("\n")[0]) from None

    def cmd(self, method, path, body=None):
        return self.raw(method, f"/session/{self.session}{path}", body)["value"]

    # navigation and the page
    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    @property
    def url(self):
        return self.cmd("GET", "/url")

    def execute(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def body_text(self):
        try:
            return self.find("body").text
        except WebDriverError:
            return ""

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)

    # elements
    def find(self, css, within=None):
        where = f"/element/{within.ref}/element" if within else "/element"
        value = self.cmd("POST", where, {"using": "css selector", "value": css})
        return Element(self, value[ELEMENT], css)

    def find_all(self, css):
        value = self.cmd("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, v[ELEMENT], css) for v in value]

    def wait_for(self, what, test, timeout=WAIT):
        """Poll test() until it returns something true; no fixed sleeps."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            try:
                result = test()
                if result:
                    return result
            except WebDriverError as e:
                last = e
            if time.monotonic() > deadline:
                raise Failure(f"timed out after {timeout:.0f} s waiting for {what}"
                              + (f" ({last})" if last else ""))
            time.sleep(0.05)

    def el(self, css, timeout=WAIT):
        """The element css matches, once there is one."""
        return self.wait_for(f"element {css}", lambda: self.find(css), timeout)

    def page_ready(self):
        return self.execute("return document.readyState") == "complete"

    def submit_with(self, element, marker=None):
        """Click a submit control and wait until the next page is loaded:
        the old document is gone (its <html> is stale), readyState is
        complete and, if given, the marker element is there."""
        old = self.find("html")
        element.click()
        self.wait_next(old, marker)

    def wait_next(self, old, marker=None):
        """Wait until the document whose <html> was `old` is replaced by
        a loaded one (and the marker element, if given, is there)."""
        def replaced():
            try:
                old.prop("nodeName")
                return False
            except WebDriverError as e:
                return e.error in ("stale element reference", "no such element")
        self.wait_for("the next page", replaced)
        self.wait_for("document.readyState complete", self.page_ready)
        if marker:
            self.el(marker)

    def quit(self):
        if self.session:
            try:
                self.raw("DELETE", f"/session/{self.session}")
            except (OSError, WebDriverError):
                pass
            self.session = None
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
        self.log.close()


# ---- TAP --------------------------------------------------------------------

class Tap:
    def __init__(self):
        self.steps = []     # (scenario, description, function)
        self.n = 0
        self.failed = 0
        self.shots = 0

    def step(self, scenario, description, todo=None, alone=False):
        """Register a step. todo: a reason; the step is TAP "# TODO" (its
        failure is expected and counts not; automake counts a pass as
        XPASS, an error, the sign to take the TODO away). alone: a report
        on what earlier steps found; its failure does not skip the rest of
        its scenario, and shows no URL, page text or screenshot."""
        def register(fn):
            self.steps.append((scenario, description, fn, todo, alone))
            return fn
        return register

    def run(self, d, ctx):
        print(f"1..{len(self.steps)}", flush=True)
        broken = set()      # the scenarios with a failed step
        for scenario, description, fn, todo, alone in self.steps:
            self.n += 1
            name = f"{scenario}: {description}"
            mark = f" # TODO {todo}" if todo else ""
            only = os.environ.get("E2E_ONLY")
            if only and scenario not in only.split(","):
                print(f"ok {self.n} - {name} # SKIP not in E2E_ONLY", flush=True)
                continue
            if scenario in broken:
                print(f"ok {self.n} - {name} # SKIP an earlier step of {scenario} failed",
                      flush=True)
                continue
            started = time.monotonic()
            try:
                fn(d, ctx)
            except Skip as e:
                print(f"ok {self.n} - {name} # SKIP {e}", flush=True)
                continue
            except (Failure, WebDriverError, AssertionError, KeyError) as e:
                self.fail(d, name, str(e), mark, page=not alone)
                if not (todo or alone):
                    broken.add(scenario)
                continue
            except Exception:   # a bug in the test itself: say where
                self.fail(d, name, traceback.format_exc())
                broken.add(scenario)
                continue
            print(f"ok {self.n} - {name} ({time.monotonic() - started:.1f} s){mark}",
                  flush=True)

    def fail(self, d, name, message, mark="", page=True):
        print(f"not ok {self.n} - {name}{mark}")
        if not mark:        # a TODO's failure is expected
            self.failed += 1
        if mark or not page:
            for line in message.rstrip().splitlines():
                print(f"# {line}")
            sys.stdout.flush()
            return
        for line in message.rstrip().splitlines():
            print(f"# {line}")
        try:
            print(f"# URL: {d.url}")
            text = " ".join(d.body_text().split())
            print(f"# page: {text[:400]}")
        except Exception as e:      # the browser itself may be gone
            print(f"# (no page: {e})")
        path = os.path.join(BUILD, f"e2e-failure-{self.n}.png")
        try:
            d.screenshot(path)
            print(f"# screenshot: {path}")
        except Exception as e:
            print(f"# (no screenshot: {e})")
        sys.stdout.flush()


T = Tap()


def check(cond, message):
    if not cond:
        raise Failure(message)


def fill(d, name, value):
    """Type a value into the text input or textarea f-<name>."""
    e = d.el(f"#f-{css_id(name)}")
    e.clear()
    e.send_keys(value)
    return e


def css_id(name):
    """An id like rep_name.2 as a CSS identifier."""
    return name.replace(".", "\\.")


def continue_button(d):
    return d.el(".actions button.button")


def choose(d, select_name, value):
    """Pick an option of a <select> by clicking the option element."""
    d.el(f"#f-{css_id(select_name)}").click()
    d.el(f"#f-{css_id(select_name)} option[value='{value}']").click()
    got = d.el(f"#f-{css_id(select_name)}").prop("value")
    check(got == value, f"select {select_name}: value {got!r}, wanted {value!r}")


def radio(d, name, value):
    e = d.el(f"input[type=radio][name='{name}'][value='{value}']")
    e.click()
    check(e.prop("checked"), f"radio {name}={value} not checked after click")


def tick(d, name):
    e = d.el(f"#f-{css_id(name)}")
    if not e.prop("checked"):
        e.click()
    check(e.prop("checked"), f"checkbox {name} not ticked after click")


def date_keys(d, day, ctx):
    """The digits a citizen types into a date input: day, month and year
    in the order of the browser's own locale (German TT.MM.JJJJ with
    Debian's chromium-l10n; without it Chromium is en-US, MM/DD/YYYY)."""
    if "date_order" not in ctx:
        ctx["date_order"] = d.execute(
            "return new Intl.DateTimeFormat().formatToParts(new Date(2001, 10, 22))"
            ".map(function (p) { return p.type; })"
            ".filter(function (t) { return t !== 'literal'; });")
    fmt = {"day": "%d", "month": "%m", "year": "%Y"}
    return "".join(day.strftime(fmt[t]) for t in ctx["date_order"] if t in fmt)


def set_date(d, name, day, ctx):
    """Type a date into a date input as a citizen would: the digits in the
    locale's order, the focus moving from part to part by itself ("YYYY-
    MM-DD" typed gives nonsense such as 32027-02-07). Element Send Keys
    focuses the input's first part; a click would land in its middle and
    spoil the typing. Should the keys still not give the wanted value, the
    harness sets it by script and says so at the end (date_by_script)."""
    e = d.el(f"#f-{css_id(name)}")
    want = day.isoformat()
    if e.prop("value"):
        e.clear()
    e.send_keys(date_keys(d, day, ctx))
    if e.prop("value") != want:
        d.execute("arguments[0].value = arguments[1];", e.js(), want)
        ctx.setdefault("date_by_script", []).append(name)
    got = e.prop("value")
    check(got == want, f"date {name}: value {got!r}, wanted {want!r}")


def set_time(d, name, hhmm, ctx):
    """A time input takes the digits HHMM (24 hours in German)."""
    e = d.el(f"#f-{css_id(name)}")
    if e.prop("value"):
        e.clear()
    e.send_keys(hhmm.replace(":", ""))
    got = e.prop("value")
    check(got == hhmm, f"time {name}: typed {hhmm!r}, value {got!r}")


def in_view(d, css):
    """Where the control css and its label are in the viewport: None when
    the control is not (wholly) visible, else a short description."""
    return d.execute("""
        var e = document.querySelector(arguments[0]);
        var r = e.getBoundingClientRect(), h = window.innerHeight;
        if (r.top < -4 || r.bottom > h + 4) return null;
        var l = e.labels && e.labels[0], lr = l && l.getBoundingClientRect();
        return 'control top ' + Math.round(r.top) + ' px, label ' +
            (!lr ? 'none' : lr.top >= 0 ? 'visible' :
             'above the viewport (top ' + Math.round(lr.top) + ' px)');
        """, css)


def texts(d, css):
    return [" ".join(e.text.split()) for e in d.find_all(css)]


def body_has(d, *needles):
    text = " ".join(d.body_text().split())
    missing = [n for n in needles if n not in text]
    check(not missing, f"page lacks {missing!r}")
    return text


# ---- 1. catalog ----------------------------------------------------------------

@T.step("catalog", "start page lists the services by category")
def _(d, c):
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/")
    d.wait_for("readyState complete", d.page_ready)
    h1 = d.el("main h1").text
    check(h1 == "Online-Dienste", f"h1 is {h1!r}")
    heads = texts(d, "main h2")
    for want in ("Bürgerservice und Meldewesen", "Standesamt",
                 "Ordnung und Sicherheit", "Gewerbe und Wirtschaft"):
        check(want in heads, f"no heading {want!r} among {heads!r}")
    check(d.execute("return document.documentElement.lang") == "de", "page not lang=de")
    audit(d, c, "catalog")


@T.step("catalog", "searching 'hund' lists the dog registration")
def _(d, c):
    q = d.el("#q")
    q.clear()
    q.send_keys("hund")
    d.submit_with(d.el("form.search button[type=submit]"), "p.results")
    check("q=hund" in d.url, f"URL {d.url} has no q=hund")
    links = texts(d, ".service-card h3 a")
    check(links == ["Hund anmelden (Hundesteuer)"], f"results {links!r}")


# ---- 2. Osterfeuer ---------------------------------------------------------------

OSTER = {"name": "Anna Beispiel", "phone": "04944 305-0",
         "place": "Am Festplatz 1, 26639 Wiesmoor", "diameter": "5", "height": "3",
         "safety": "Feuerlöscher und Wasserfass; zwei Erwachsene bleiben bis zum Erlöschen."}


@T.step("osterfeuer", "an empty form gives an error summary with links")
def _(d, c):
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/services/osterfeuer")
    d.wait_for("readyState complete", d.page_ready)
    audit(d, c, "form (one page)")
    d.submit_with(continue_button(d), ".error-summary")
    summary = d.el(".error-summary")
    check(summary.attr("role") == "alert", "error summary has no role=alert")
    hrefs = [a.attr("href") for a in d.find_all(".error-summary a")]
    check(len(hrefs) >= 5, f"only {len(hrefs)} links in the summary")
    check(hrefs[0] == "#f-name", f"first link {hrefs[0]!r}, wanted #f-name")
    check("#f-date" in hrefs, f"no link to #f-date in {hrefs!r}")
    check(d.find("#f-name").attr("aria-invalid") == "true", "f-name not aria-invalid")
    c["oster_focus_on_load"] = d.execute(
        "var a = document.activeElement; return a ? a.tagName + '#' + a.id + '.' + a.className : null")
    audit(d, c, "form with errors")


@T.step("osterfeuer", "an error link moves to and focuses its field")
def _(d, c):
    d.find(".error-summary a[href='#f-date']").click()
    d.wait_for("URL fragment #f-date", lambda: d.url.endswith("#f-date"))
    active = d.wait_for("focus on f-date", lambda: d.execute(
        "return document.activeElement && document.activeElement.id === 'f-date'"
        " ? 'f-date' : null"), timeout=3)
    check(active == "f-date", f"focus on {active!r}")
    c["error_link_lands_at"] = d.wait_for("f-date scrolled into view",
                                          lambda: in_view(d, "#f-date"))


def oster_answers(d, c, email=None):
    """Answer the Osterfeuer form (valid, optionally with an e-mail
    address) and continue to the check page."""
    for name, value in OSTER.items():
        fill(d, name, value)
    if email:
        fill(d, "email", email)
    c["oster_date"] = next_easter_saturday(datetime.date.today())
    set_date(d, "date", c["oster_date"], c)
    set_time(d, "time", "19:30", c)
    choose(d, "material", "holz")
    tick(d, "material_confirm")
    d.submit_with(continue_button(d), "button[name=_confirm]")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))


@T.step("osterfeuer", "valid answers lead to the check page")
def _(d, c):
    oster_answers(d, c)
    h1 = d.el("main h1").text
    check(h1 == "Bitte prüfen Sie Ihre Angaben", f"h1 {h1!r}")
    body_has(d, "Anna Beispiel", "04944 305-0", "Am Festplatz 1", "19:30",
             "Unbehandeltes Holz", c["oster_date"].strftime("%d.%m.%Y"))
    audit(d, c, "check page")


@T.step("osterfeuer", "'Ändern' goes back to the form at that answer")
def _(d, c):
    edit = d.el("button[name=_edit][formaction$='#f-phone']")
    check(edit.text.startswith("Ändern"), f"edit button reads {edit.text!r}")
    d.submit_with(edit, "#f-phone")
    check(d.url.endswith("#f-phone"), f"URL {d.url} does not end with #f-phone")
    phone = d.find("#f-phone")
    check(phone.prop("value") == OSTER["phone"], f"f-phone holds {phone.prop('value')!r}")
    where = d.wait_for("f-phone scrolled into view", lambda: in_view(d, "#f-phone"))
    c["edit_lands_at"] = where
    active = d.execute("return document.activeElement.id")
    check(active == "f-phone", f"focus on {active!r}, not f-phone")
    # every other answer is still there
    check(d.find("#f-name").prop("value") == OSTER["name"], "f-name lost")
    check(d.find("#f-date").prop("value") == c["oster_date"].isoformat(), "f-date lost")
    check(d.find("#f-material_confirm").prop("checked"), "material_confirm lost")
    fill(d, "phone", "0171 1234567")


@T.step("osterfeuer", "continue shows the check page with the change")
def _(d, c):
    d.submit_with(continue_button(d), "button[name=_confirm]")
    text = body_has(d, "0171 1234567", "Anna Beispiel")
    check("04944 305-0" not in text, "the old phone number is still shown")


@T.step("osterfeuer", "sending gives a receipt with reference and QR code")
def _(d, c):
    d.submit_with(d.el("button[name=_confirm]"), ".ref-code")
    ref = d.find(".ref-code").text.strip()
    check(re.fullmatch(r"\d{4}-\d{6}-\d", ref), f"reference {ref!r}")
    c["oster_ref"] = ref
    check("/receipt/" in d.url, f"URL {d.url} is no receipt")
    svg = d.el("section.qr svg")
    check(svg.attr("role") == "img", "QR svg without role=img")
    check(d.find("section.qr svg path").attr("d"), "QR svg without a path")
    size = d.execute("var r = arguments[0].getBoundingClientRect(); return [r.width, r.height]",
                     svg.js())
    check(size[0] >= 100 and size[1] >= 100, f"QR code drawn at {size}")
    audit(d, c, "receipt")


@T.step("osterfeuer", "the status link shows the reference")
def _(d, c):
    link = d.el(".status-url a")
    d.submit_with(link)
    d.wait_for("status page", lambda: "/status/" in d.url)
    body_has(d, c["oster_ref"])
    audit(d, c, "status page")


# ---- 3. Gewerbeanmeldung ---------------------------------------------------------

def gewerbe_company_page(d, c, query=""):
    """The business registration as a new GmbH, on to its second page."""
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/services/gewerbeanmeldung" + query)
    d.wait_for("readyState complete", d.page_ready)
    choose(d, "legal_form", "gmbh")
    radio(d, "reason", "neu")
    d.submit_with(continue_button(d), "#f-company")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))


@T.step("gewerbe", "GmbH, Neugründung: continue to the company page")
def _(d, c):
    gewerbe_company_page(d, c)
    check(d.find_all("#f-rep_name\\.1"), "no representative row 1")


REP1 = ("Erika Muster", datetime.date(1980, 5, 17), "Hauptstraße 1, 26639 Wiesmoor")
REP2 = ("Jan Beispiel", datetime.date(1975, 11, 2), "Am Markt 5, 26639 Wiesmoor")


def fill_rep(d, row, rep, c):
    fill(d, f"rep_name.{row}", rep[0])
    set_date(d, f"rep_born.{row}", rep[1], c)
    fill(d, f"rep_address.{row}", rep[2])


def rep_values(d, row):
    return (d.find(f"#f-rep_name\\.{row}").prop("value"),
            d.find(f"#f-rep_born\\.{row}").prop("value"),
            d.find(f"#f-rep_address\\.{row}").prop("value"))


@T.step("gewerbe", "adding a person keeps row 1 and shows row 2")
def _(d, c):
    fill(d, "company", "Muster Fahrräder GmbH")
    fill(d, "register_number", "HRB 123456")
    fill_rep(d, 1, REP1, c)
    d.submit_with(d.el("button[name=_add][value=representatives]"), "#f-rep_name\\.2")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))
    got = rep_values(d, 1)
    want = (REP1[0], REP1[1].isoformat(), REP1[2])
    check(got == want, f"row 1 holds {got!r}, wanted {want!r}")
    check(rep_values(d, 2) == ("", "", ""), f"row 2 not empty: {rep_values(d, 2)!r}")
    check(d.find("#f-company").prop("value") == "Muster Fahrräder GmbH", "company lost")
    c["after_add_row"] = d.execute(
        "var a = document.activeElement; return 'focus ' + (a ? a.tagName + '#' + a.id : null)"
        " + ', scrollY ' + Math.round(window.scrollY) + ', URL ' + location.href.replace(/^.*\\//, '')")
    # The new row has the focus (autofocus, no script): its legend is read out.
    active = d.execute("return document.activeElement.id")
    check(active == "g-representatives.2", f"focus on {active!r}, not the new row")
    audit(d, c, "form (multi-page)")


@T.step("gewerbe", "removing row 1 moves row 2 up")
def _(d, c):
    fill_rep(d, 2, REP2, c)
    d.submit_with(d.el("button[name=_remove][value='representatives.1']"), "#f-rep_name\\.1")
    got = rep_values(d, 1)
    want = (REP2[0], REP2[1].isoformat(), REP2[2])
    check(got == want, f"row 1 holds {got!r}, wanted {want!r}")
    check(not d.find_all("#f-rep_name\\.2"), "a row 2 is still there")
    # Focus on the notice at the rows, which says what happened.
    active = d.execute("var a = document.activeElement; return a.className + ': ' + a.textContent")
    check(active.startswith("row-notice: Vertretungsberechtigte Person 1 ist entfernt"),
          f"focus on {active!r}, not the notice")


@T.step("gewerbe", "continue to the business page")
def _(d, c):
    d.submit_with(continue_button(d), "#f-activity")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))


@T.step("gewerbe", "business page with permit and an uploaded copy")
def _(d, c):
    radio(d, "establishment", "haupt")
    fill(d, "site_street", "Hauptstraße 1")
    fill(d, "site_postcode", "26639")
    fill(d, "activity", "Einzelhandel mit Fahrrädern und Zubehör, Reparatur von Fahrrädern")
    set_date(d, "start", datetime.date.today() + datetime.timedelta(days=14), c)
    fill(d, "full_time", "2")
    fill(d, "part_time", "1")
    radio(d, "permit", "liegt_vor")
    fill(d, "permit_details", "Handwerkskarte der Handwerkskammer Ostfriesland vom 01.03.2026")
    png = os.path.join(c["tmp"], "handwerkskarte.png")
    tiny_png(png)
    d.find("#f-permit_copy").send_keys(png)
    got = d.find("#f-permit_copy").prop("value")
    check(got.endswith("handwerkskarte.png"), f"file input holds {got!r}")
    d.submit_with(continue_button(d), "#f-email")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))


@T.step("gewerbe", "contact page leads to the check page with file and bill")
def _(d, c):
    fill(d, "email", "erika@example.org")
    fill(d, "extra_copies", "1")
    tick(d, "truthful")
    d.submit_with(continue_button(d), "button[name=_confirm]")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))
    text = body_has(d, "handwerkskarte.png", "Muster Fahrräder GmbH", "Jan Beispiel",
                    "32,50 €", "13,50 €", "46,00 €")
    check("Erika Muster" not in text, "the removed person is still listed")
    c["gew_bill"] = " ".join(d.el(".check-fee").text.split())


@T.step("gewerbe", "sending gives a receipt (or the payment page) with the bill")
def _(d, c):
    d.submit_with(d.el("button[name=_confirm]"), ".ref-code")
    check(re.fullmatch(r"\d{4}-\d{6}-\d", d.find(".ref-code").text.strip()),
          f"reference {d.find('.ref-code').text!r}")
    # Since the checkout (af661ec) a paid service goes on to /pay/<ref>:
    # the reference, the stored bill and the ways to pay.
    paying = "/pay/" in d.url
    fees = " ".join(d.el("table.bill" if paying else "section.fees").text.split())
    for want in ("32,50 €", "13,50 €", "46,00 €"):
        check(want in fees, f"bill on the {'payment page' if paying else 'receipt'}"
                            f" lacks {want!r}: {fees!r}")
    if paying:
        c["gewerbe_after_send"] = "the payment page " + url_path(d.url)
        c["gewerbe_pay"] = d.url    # not paid: the print scenario's receipt
    else:
        body_has(d, "handwerkskarte.png")


# ---- 4. Personenstandsurkunde ------------------------------------------------------

def citizen_login(d, c, user, password, return_path):
    """Log in as a demo citizen through the provider's real login page
    (the certificate services need a login at level substantial: erika);
    a session already there goes straight back to return_path."""
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/login?return="
          + urllib.parse.quote(return_path, safe=""))
    d.wait_for("readyState complete", d.page_ready)
    if d.find_all("input[name=password]"):
        d.el("input[name=login]").clear()
        d.el("input[name=login]").send_keys(user)
        d.el("input[name=password]").send_keys(password)
        d.submit_with(d.el("form button[type=submit]"))


def urkunde_answers(d, c, copies="2"):
    """Order a birth certificate (Erika Mustermann, logged in, her name
    and address from her account) with `copies` copies, by post, and
    continue to the check page."""
    path = "/cgi-bin/rathaus.cgi/services/personenstandsurkunde"
    citizen_login(d, c, "erika", "erika-demo", path)
    d.get(c["origin"] + path)
    d.wait_for("readyState complete", d.page_ready)
    radio(d, "kind", "geburt")
    radio(d, "recorded_here", "ja")
    fill(d, "event_place", "Wiesmoor")
    set_date(d, "event_date", datetime.date(1990, 3, 14), c)
    fill(d, "surname", "Muster")
    fill(d, "given_names", "Erika")
    fill(d, "copies", copies)
    d.submit_with(continue_button(d), "#f-given_name")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))
    radio(d, "relation", "selbst")
    choose(d, "purpose", "privat")
    # Name and address come from the account, read-only.
    for name in ("given_name", "family_name", "street", "postcode", "town"):
        check(d.el(f"#f-{name}").prop("readOnly"), f"{name} is not locked")
    check(d.el("#f-family_name").prop("value") == "Mustermann",
          "the family name is not the account's")
    radio(d, "delivery", "post")
    d.submit_with(continue_button(d), "button[name=_confirm]")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))


def urkunde_send(d):
    """Send the order from its check page: its reference, and the page
    it led to (the checkout /pay/<ref>?token=.. for a paid service)."""
    d.submit_with(d.el("button[name=_confirm]"), ".ref-code")
    ref = d.find(".ref-code").text.strip()
    check(re.fullmatch(r"\d{4}-\d{6}-\d", ref), f"reference {ref!r}")
    return ref, d.url


@T.step("urkunde", "two copies: the check page shows 22,50 €")
def _(d, c):
    urkunde_answers(d, c)
    fee = " ".join(d.el(".check-fee").text.split())
    for want in ("15,00 €", "7,50 €", "22,50 €"):
        check(want in fee, f"bill lacks {want!r}: {fee!r}")


@T.step("urkunde", "sending leads on with the reference and 22,50 €")
def _(d, c):
    ref, url = urkunde_send(d)
    body_has(d, "22,50 €")
    c["urkunde_ref"] = ref      # the clerk scenario: not mustermann's
    if "/pay/" in url:
        c["urkunde_pay"] = url  # the checkout scenario pays it


# ---- 4b. Checkout: paying the certificate (issue 6) ------------------------------------

# tools/instance's account (rathaus.conf bank_*), as the checkout shows it
# and as the GiroCode (EPC069-12) carries it.
BANK = {"recipient": "Stadt Wiesmoor", "iban": "DE02120300000000202051",
        "grouped": "DE02 1203 0000 0000 2020 51", "bic": "BYLADEM1001"}
METHODS = ["PayPal", "Überweisung", "Im Rathaus"]      # PAY_METHODS' order
PAYPAL_BUTTON = "Mit PayPal bezahlen"


def standin(c, **params):
    """GET the stand-in's /__control (with params: set a failure mode);
    its counts as a dict."""
    url = f"{c['standin']}/__control"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with OPENER.open(url, timeout=WAIT) as resp:
        return json.loads(resp.read().decode())


def need_standin(c):
    if not c.get("standin"):
        raise Skip(c.get("standin_skip", "no PayPal stand-in"))


def pay_state(d):
    """The checkout's "Zahlung" fact: offen, bezahlt, .."""
    facts = d.find_all("dl.facts:not(.bank) dd strong")
    return facts[0].text.strip() if facts else None


def methods_offered(d):
    return texts(d, "section.pay-method h3")


def paypal_button(d):
    buttons = [b for b in d.find_all("section.pay-method form button[type=submit]")
               if b.text.strip() == PAYPAL_BUTTON]
    check(buttons, f"no button {PAYPAL_BUTTON!r}")
    return buttons[0]


def on_checkout(d, ref=None):
    """The current page is the checkout of ref (or of any reference)."""
    path = url_path(d.url)
    check(re.fullmatch(r"/cgi-bin/rathaus\.cgi/pay/\d{4}-\d{6}-\d", path),
          f"URL {d.url} is no checkout")
    # The token opens it for anyone with the link; a logged-in owner's
    # account opens it without (no token in history or logs).
    logged_in = "Abmelden" in texts(d, "nav.account a")
    has_token = "token=" in urllib.parse.urlsplit(d.url).query
    check(has_token != logged_in, f"URL {d.url}: token {has_token}, logged in {logged_in}")
    h1 = d.el("main h1").text
    check(h1 == "Gebühr bezahlen", f"h1 {h1!r}")
    got = d.el(".ref-code").text.strip()
    check(ref is None or got == ref, f"reference {got!r}, not {ref!r}")
    return got


def csp_watch(d):
    """Note the page's Content-Security-Policy violations (read-only: a
    listener for the securitypolicyviolation event)."""
    d.execute("window.__csp = []; document.addEventListener('securitypolicyviolation',"
              " function (e) { window.__csp.push(e.violatedDirective + ' (' +"
              " e.originalPolicy.replace(/.*(form-action[^;]*).*/, '$1') + ')'); });")


def csp_violations(d):
    return d.execute("return window.__csp || []") or []


def bypass_csp(d, on):
    """Chromium ignores (or again obeys) the pages' CSP: DevTools'
    Page.setBypassCSP through chromedriver; for documents loaded later."""
    d.cmd("POST", "/goog/cdp/execute", {"cmd": "Page.setBypassCSP",
                                        "params": {"enabled": bool(on)}})


def pay_with_paypal(d, c, ref, pay_url):
    """Click "Mit PayPal bezahlen": the portal answers 303 to the
    stand-in's approve page, which approves at once and sends the browser
    back (302) to /paid/<ref>, and the portal on to the status page.
    Checks the stand-in saw the order and the capture, and the status page
    says "bezahlt".

    Should the browser refuse to follow the 303 (the checkout's CSP
    form-action also covers a form's redirects), the refusal is kept in
    c["csp_blocked"] (the "checkout csp" step fails on it) and the click
    is repeated with the CSP bypassed, to test what comes after it."""
    before = standin(c)["requests"]
    csp_watch(d)
    paypal_button(d).click()
    d.wait_for("the status page (or a CSP refusal)",
               lambda: "/status/" in d.url or csp_violations(d))
    c["paypal_clicks"] = c.get("paypal_clicks", 0) + 1
    if "/status/" not in d.url:
        c.setdefault("csp_blocked", []).append(
            f"{ref}: {'; '.join(csp_violations(d))}, the browser stays on {url_path(d.url)}")
        bypass_csp(d, True)
        try:
            d.get(pay_url)
            d.wait_for("readyState complete", d.page_ready)
            paypal_button(d).click()
            d.wait_for("the status page (CSP bypassed)", lambda: "/status/" in d.url)
            d.wait_for("document.readyState complete", d.page_ready)
        finally:
            bypass_csp(d, False)
    d.wait_for("document.readyState complete", d.page_ready)
    after = standin(c)["requests"]
    check(after["orders"] > before["orders"] and
          after["capture"] == before["capture"] + 1,
          f"stand-in calls before {before}, after {after}")
    check(url_path(d.url).endswith(f"/status/{ref}"), f"URL {d.url}, not ref {ref}")
    check(d.el(".ref-code").text.strip() == ref, "another reference")
    line = " ".join(d.el("p.payment").text.split())
    state = d.find("p.payment strong").text.strip()
    check(state == "bezahlt", f"payment line {line!r}")
    check(not d.find_all("p.payment a"), f"still a 'Jetzt bezahlen' link: {line!r}")
    return navigation(d)


@T.step("checkout", "2 copies: the checkout shows 22,50 € (15,00 + 7,50)")
def _(d, c):
    if c.get("urkunde_pay"):        # the order the urkunde scenario sent
        d.get(c["urkunde_pay"])
        d.wait_for("readyState complete", d.page_ready)
        ref = c["urkunde_ref"]
    else:                           # else one of its own
        urkunde_answers(d, c)
        ref, _url = urkunde_send(d)
    ref = on_checkout(d, ref)
    c["pay_url"], c["pay_ref"] = d.url, ref
    state = pay_state(d)
    check(state == "offen", f"payment state {state!r}")
    rows = texts(d, "table.bill tbody tr")
    check(len(rows) == 2 and "15,00 €" in rows[0] and "7,50 €" in rows[1],
          f"bill lines {rows!r}")
    total = d.el("table.bill td.total").text.strip()
    check(total == "22,50 €", f"total {total!r}")
    audit(d, c, "checkout")


@T.step("checkout", "the methods: PayPal, Überweisung, Im Rathaus")
def _(d, c):
    got = methods_offered(d)
    want = METHODS if c.get("standin") else METHODS[1:]
    check(got == want, f"methods {got!r}, wanted {want!r}")
    heads = texts(d, "main h2")
    check("Wie möchten Sie bezahlen?" in heads, f"no 'how' heading among {heads!r}")
    if c.get("standin"):
        paypal_button(d)


@T.step("checkout", "the transfer: IBAN in groups, RF reference, GiroCode")
def _(d, c):
    sec = d.el("section.pay-method[aria-labelledby=m-transfer]")
    facts = dict(zip([" ".join(e.text.split()) for e in d.find_all(
                          "section[aria-labelledby=m-transfer] dl.bank dt")],
                     [" ".join(e.text.split()) for e in d.find_all(
                          "section[aria-labelledby=m-transfer] dl.bank dd")]))
    want = {"Empfänger": BANK["recipient"], "IBAN": BANK["grouped"],
            "BIC": BANK["bic"], "Betrag": "22,50 €"}
    for k, v in want.items():
        check(facts.get(k) == v, f"{k}: {facts.get(k)!r}, wanted {v!r} (all: {facts!r})")
    rf = facts.get("Verwendungszweck", "")
    check(re.fullmatch(r"RF\d\d( [0-9A-Z]{1,4})+", rf), f"purpose {rf!r} is no RF reference")
    c["pay_rf"] = rf.replace(" ", "")
    svg = sec.find("figure.girocode svg")
    check(svg.attr("role") == "img", "GiroCode svg without role=img")
    label = d.execute(
        "var e = arguments[0], id = e.getAttribute('aria-labelledby');"
        " return id && document.getElementById(id) ? document.getElementById(id).textContent : null",
        svg.js())
    check(label and "GiroCode" in label, f"GiroCode svg labelled {label!r}")
    check(sec.find("figure.girocode svg path").attr("d"), "GiroCode svg without a path")
    size = d.execute("var r = arguments[0].getBoundingClientRect(); return [r.width, r.height]",
                     svg.js())
    check(size[0] >= 150 and size[1] >= 150, f"GiroCode drawn at {size}")
    c["girocode_png"] = svg.screenshot(os.path.join(c["tmp"], "girocode.png"))
    with open(c["girocode_png"], "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", "the element screenshot is no PNG")
    counter = " ".join(d.el("section.pay-method[aria-labelledby=m-counter]").text.split())
    check("Im Rathaus" in counter, f"counter section {counter!r}")


@T.step("checkout", "the GiroCode scans: BCD 002 1 SCT, account, EUR22.50, RF")
def _(d, c):
    zbarimg = find_program("zbarimg")
    if not zbarimg:
        raise Skip("no zbarimg (package zbar-tools)")
    png = c.get("girocode_png")
    if not png:
        raise Skip("no screenshot of the GiroCode")
    # stderr apart: zbarimg may complain there (no D-Bus) and still read
    r = subprocess.run([zbarimg, "--raw", "-q", png], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=WAIT)
    text = r.stdout.decode("utf-8", "replace")
    check(r.returncode == 0 and text.strip(),
          f"zbarimg could not read {png} (exit {r.returncode}):"
          f" {text[:200]!r} {r.stderr.decode('utf-8', 'replace')[:200]!r}")
    lines = text.rstrip("\n").split("\n")
    c["girocode"] = " | ".join(lines)
    want = ["BCD", "002", "1", "SCT", BANK["bic"], BANK["recipient"], BANK["iban"],
            "EUR22.50"]
    check(lines[:len(want)] == want, f"GiroCode lines {lines!r}, wanted {want!r} first")
    rf = [x for x in lines[len(want):] if x.startswith("RF")]
    check(rf, f"no RF line in {lines!r}")
    check(rf[0] == c.get("pay_rf", rf[0]), f"GiroCode RF {rf[0]!r}, page {c.get('pay_rf')!r}")


@T.step("checkout", "'Mit PayPal bezahlen': to the stand-in, back, 'bezahlt'")
def _(d, c):
    need_standin(c)
    d.get(c["pay_url"])
    d.wait_for("readyState complete", d.page_ready)
    c["paid_nav"] = pay_with_paypal(d, c, c["pay_ref"], c["pay_url"])
    c["paid_status_url"] = url_path(d.url)


@T.step("checkout", "the checkout of the same reference: the fee is paid")
def _(d, c):
    need_standin(c)
    d.get(c["pay_url"])
    d.wait_for("readyState complete", d.page_ready)
    on_checkout(d, c["pay_ref"])
    state = pay_state(d)
    check(state == "bezahlt", f"payment state {state!r}")
    panel = " ".join(d.el("p.panel").text.split())
    check(panel == "Vielen Dank, die Gebühr ist bezahlt.", f"panel {panel!r}")
    check(not methods_offered(d), f"methods still offered: {methods_offered(d)!r}")
    check(not d.find_all("form[method=post]"), "the paid checkout has a form")
    history = texts(d, "table.history tbody tr")
    c["paid_history"] = history
    check(any("PayPal" in h and "bezahlt" in h for h in history),
          f"payment history {history!r}")
    total = d.el("table.bill td.total").text.strip()
    check(total == "22,50 €", f"total {total!r}")


# Its own scenario: a failure above does not hide it, nor this one the above.
@T.step("checkout failure", "a second order, PayPal fails: 'Ihr Antrag ist gespeichert'")
def _(d, c):
    need_standin(c)
    urkunde_answers(d, c)
    ref, _url = urkunde_send(d)
    ref = on_checkout(d, ref)
    c["retry_ref"], c["retry_url"] = ref, d.url
    check(pay_state(d) == "offen", f"payment state {pay_state(d)!r}")
    modes = standin(c, fail="server_error", on="orders")["modes"]
    check(modes == ["server_error"], f"stand-in modes {modes!r}")
    before = standin(c)["requests"]
    d.submit_with(paypal_button(d), ".error-summary")
    after = standin(c)
    check(after["requests"]["orders"] == before["orders"] + 1 and not after["modes"],
          f"stand-in before {before}, after {after}")
    on_checkout(d, ref)
    summary = d.el(".error-summary")
    check(summary.attr("role") == "alert", "the problem has no role=alert")
    text = " ".join(summary.text.split())
    check("Ihr Antrag ist gespeichert" in text, f"message {text!r}")
    check(pay_state(d) == "offen", f"payment state {pay_state(d)!r}")
    check(methods_offered(d) == METHODS, f"methods {methods_offered(d)!r}")
    check("22,50 €" == d.el("table.bill td.total").text.strip(), "total not 22,50 €")
    nav = navigation(d)
    c["paypal_failure"] = f"HTTP {nav and nav['status']}, URL {url_path(d.url)}, {text!r}"
    c["failure_history"] = texts(d, "table.history tbody tr")


@T.step("checkout failure", "PayPal again (no failure now) pays it")
def _(d, c):
    need_standin(c)
    pay_with_paypal(d, c, c["retry_ref"], c["retry_url"])
    d.get(c["retry_url"])
    d.wait_for("readyState complete", d.page_ready)
    check(pay_state(d) == "bezahlt", f"the checkout says {pay_state(d)!r}")
    history = texts(d, "table.history tbody tr")
    c["retry_history"] = history
    check(any("PayPal" in h and "bezahlt" in h for h in history),
          f"payment history {history!r}")


# Its own scenario: what the browser did with the PayPal button's 303.
@T.step("checkout csp", "the PayPal button's 303 to PayPal is followed (CSP form-action)")
def _(d, c):
    if not c.get("paypal_clicks"):
        raise Skip("no PayPal payment was tried")
    blocked = c.get("csp_blocked")
    check(not blocked,
          "Chromium refused to follow the portal's 303 to PayPal: the checkout's"
          " Content-Security-Policy form-action does not allow PayPal's origin,"
          " and it also covers the redirects of a form submission (CSP 3); the"
          " PayPal steps above passed only with the CSP bypassed. "
          + " | ".join(blocked or []))


# ---- 5. English -----------------------------------------------------------------------

@T.step("english", "the catalog in English")
def _(d, c):
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/?lang=en")
    d.wait_for("readyState complete", d.page_ready)
    check(d.execute("return document.documentElement.lang") == "en", "page not lang=en")
    h1 = d.el("main h1").text
    check(h1 != "Online-Dienste", f"h1 still German: {h1!r}")
    heads = texts(d, "main h2")
    check("Standesamt" not in heads and len(heads) >= 4, f"headings {heads!r}")
    links = texts(d, ".service-card h3 a")
    check("Register a business" in links, f"services {links!r}")
    audit(d, c, "catalog")


def english(d):
    check(d.execute("return document.documentElement.lang") == "en",
          f"{url_path(d.url)} is not lang=en")


@T.step("english", "the Osterfeuer form, its errors, check page, receipt, status page")
def _(d, c):
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/services/osterfeuer?lang=en")
    d.wait_for("readyState complete", d.page_ready)
    english(d)
    audit(d, c, "form (one page)")
    d.submit_with(continue_button(d), ".error-summary")
    english(d)
    audit(d, c, "form with errors")
    oster_answers(d, c)
    english(d)
    audit(d, c, "check page")
    d.submit_with(d.el("button[name=_confirm]"), ".ref-code")
    english(d)
    audit(d, c, "receipt")
    d.submit_with(d.el(".status-url a"), ".ref-code")
    check("/status/" in d.url, f"URL {d.url} is no status page")
    english(d)
    audit(d, c, "status page")


@T.step("english", "the business registration's second page (a repeating group)")
def _(d, c):
    gewerbe_company_page(d, c, "?lang=en")
    english(d)
    audit(d, c, "form (multi-page)")


@T.step("english", "the checkout, Meine Anträge and the Postkorb")
def _(d, c):
    pay = c.get("gewerbe_pay") or c.get("pay_url")
    if not pay:
        raise Skip("no order to pay (gewerbe and urkunde sent none)")
    d.get(with_lang(pay))
    d.wait_for("readyState complete", d.page_ready)
    d.el(".ref-code")
    english(d)
    audit(d, c, "checkout")
    need_idp(c)
    check(c.get("urkunde_ref"), "no certificate order of erika's (urkunde)")
    audit_get(d, c, "my requests", "/cgi-bin/rathaus.cgi/my?lang=en", ".my-list")
    english(d)
    audit_get(d, c, "Postkorb", f"/cgi-bin/rathaus.cgi/my/{c['urkunde_ref']}?lang=en",
              ".ref-code")
    english(d)


# ---- 5b. Logging out ---------------------------------------------------------------------

def citizen_logout(d, c):
    """Log out with the page head's "Abmelden": the module's logout, the
    provider's confirmation, back on the catalog with "Anmelden"."""
    links = [a for a in d.find_all("nav.account a") if a.text.strip() == "Abmelden"]
    if not links:
        return
    links[0].click()
    d.wait_for("the provider's logout page",
               lambda: d.find_all("button[name=logout][value=yes]") or None)
    d.submit_with(d.el("button[name=logout][value=yes]"), "nav.account")
    check(url_path(d.url).startswith("/cgi-bin/rathaus.cgi"),
          f"logout ended at {d.url}")
    names = texts(d, "nav.account a")
    check("Anmelden" in names, f"after the logout the head shows {names!r}")


@T.step("logout", "Abmelden ends erika's session at the portal and the provider")
def _(d, c):
    if "idp" not in c:
        raise Skip("no login: " + c.get("idp_skip", "?"))
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/")
    d.wait_for("readyState complete", d.page_ready)
    check("Erika Mustermann" in " ".join(texts(d, "nav.account")),
          "erika is not logged in after the certificate")
    citizen_logout(d, c)
    # /my wants a login again: the provider's page, not erika's list.
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/my")
    d.wait_for("the provider's login page",
               lambda: d.find_all("input[name=password]") or None)


@T.step("logout", "anonymous: the page saying why a login is needed, in English")
def _(d, c):
    need_idp(c)
    d.get(c["origin"] + RESIDENCE + "?lang=en")
    d.wait_for("readyState complete", d.page_ready)
    check(not d.find_all("#f-given_name"), "the form is shown without a login")
    d.el("a.button[href*='/login?return=']")
    english(d)
    audit(d, c, "login needed")


# ---- 6. Back office: a clerk works the citizen's request -------------------------------

CLERK = ("mustermann", "rathaus-demo")     # tools/instance's demo users
CITIZEN_MAIL = "anna.beispiel@example.org"
CLERK_MESSAGE = ("Guten Tag, wir prüfen Ihre Anmeldung.",
                 "Bitte halten Sie die Feuerstelle bis Karsamstag frei.")
CLERK_NOTE = "Intern: Feuerwehr Wiesmoor informiert, Ortstermin am Donnerstag."


def staff_url(c, path="/", login=False):
    """An address in the back office; with login, with the clerk's user
    and password in it (Basic auth: Chromium uses them for this top-level
    navigation and keeps them for the origin's protection space)."""
    origin = c["origin"]
    if login:
        origin = origin.replace("://", "://%s:%s@" % CLERK, 1)
    return origin + "/cgi-bin/staff.cgi" + path


def navigation(d):
    """How the current document came: Navigation Timing's type, the number
    of redirects and, where the browser tells it, the HTTP status."""
    return d.execute("""
        var e = performance.getEntriesByType('navigation')[0];
        if (!e) return null;
        return {type: e.type, redirects: e.redirectCount,
                status: e.responseStatus === undefined ? null : e.responseStatus};
        """)


def url_path(url):
    return urllib.parse.urlsplit(url).path


def refused(d):
    """Fail clearly when the back office answered a POST with its CSRF
    refusal (403 "Aktion abgelehnt") instead of the submission."""
    text = " ".join(d.body_text().split())
    if "Aktion abgelehnt" in text:
        raise Failure("the back office refused the form (403 'Aktion abgelehnt'): no or"
                      " a stale CSRF token, or an Origin other than base_url (Chromium"
                      " sends 'Origin: null' with a POST from a page served with"
                      " 'Referrer-Policy: no-referrer')")


def where_focus(d):
    return d.execute(
        "var a = document.activeElement; return 'focus ' + (a ? a.tagName +"
        " (a.id ? '#' + a.id : '') : null) + ', scrollY ' + Math.round(window.scrollY)")


def send_due(c):
    """What is due in the outbox sent now, as cron's `rathaus outbox`
    would: a request sends its mails within a small budget after its
    response, and one that ran out leaves the rest to cron (as the web
    server's user when we are root, as its CGIs run)."""
    site = c["site"]
    cmd = [os.path.join(site, "bin", "rathaus"), "outbox", "--conf",
           os.path.join(site, "conf", "rathaus.conf")]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "www-data", "--"] + cmd
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   cwd=site)


def spool_mails(spool):
    """The mails smtpd.py wrote: (recipients, subject, body), body decoded
    (quoted-printable undone) by the standard library's email package."""
    import email
    import email.policy
    mails = []
    for name in sorted(os.listdir(spool)):
        if not name.endswith(".eml"):
            continue
        base = os.path.join(spool, name[:-4])
        with open(base + ".env", encoding="utf-8") as f:
            recipients = [line.strip() for line in f.read().splitlines()[1:] if line.strip()]
        with open(base + ".eml", "rb") as f:
            raw = f.read()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        try:
            part = msg.get_body(("plain",)) or msg
            body = part.get_content()
        except (KeyError, LookupError, ValueError):
            # undo quoted-printable's soft line breaks at least
            body = re.sub(r"=\r?\n", "", raw.decode("utf-8", "replace"))
        mails.append((recipients, str(msg.get("Subject", "")), body))
    return mails


@T.step("clerk", "a citizen registers a bonfire with an e-mail address")
def _(d, c):
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/services/osterfeuer")
    d.wait_for("readyState complete", d.page_ready)
    oster_answers(d, c, email=CITIZEN_MAIL)
    body_has(d, CITIZEN_MAIL)
    d.submit_with(d.el("button[name=_confirm]"), ".ref-code")
    ref = d.find(".ref-code").text.strip()
    check(re.fullmatch(r"\d{4}-\d{6}-\d", ref), f"reference {ref!r}")
    link = d.el(".status-url a").prop("href")
    check("/status/" in link, f"status link {link!r}")
    c["clerk_ref"], c["status_link"] = ref, link


def staff_home(d, c, login=False):
    """Open the inbox; check that the back office knows the clerk."""
    d.get(staff_url(c, "/", login))
    d.wait_for("readyState complete", d.page_ready)
    text = " ".join(d.body_text().split())
    check("Kein Zugang" not in text and "Unauthorized" not in text,
          f"no back office: {text[:200]!r}")
    user = d.el("nav.staff-bar .staff-user strong").text
    check(user == CLERK[0], f"signed in as {user!r}")
    h1 = d.el("main h1").text
    check(h1 == "Posteingang", f"h1 {h1!r}")


@T.step("clerk", "mustermann signs in (Basic auth) and stays signed in")
def _(d, c):
    staff_home(d, c, login=True)
    c["clerk_url_keeps_password"] = CLERK[1] in d.url
    # From here on plain addresses, as after the browser's login dialog:
    # Chromium sends the cached credentials for the protection space.
    staff_home(d, c)
    check(CLERK[1] not in d.url, f"the password is still in the URL {d.url}")
    c["clerk_signed_in"] = True


@T.step("clerk", "the scanner's status URL in the focused search box opens the request")
def _(d, c):
    ref = c["clerk_ref"]
    staff_home(d, c)
    focus = d.execute("return document.activeElement && document.activeElement.id")
    check(focus == "f-q", f"the focus is on {focus!r}, not the search box")
    # A USB scanner types the receipt's QR code, then Enter (U+E007).
    old = d.find("html")
    d.el("#f-q").send_keys(c["status_link"] + "\ue007")
    d.wait_next(old, "dl.facts")
    path = url_path(d.url)
    check(path.endswith(f"/submissions/{ref}"), f"opened {path!r}")
    check("token" not in d.url, f"the token is in the URL {d.url}")


@T.step("clerk", "the inbox finds the new reference by search")
def _(d, c):
    ref = c["clerk_ref"]
    staff_home(d, c)
    q = d.el("#f-q")
    q.clear()
    # A part of it: the whole reference opens the request (step above).
    q.send_keys(ref[:-2])
    d.submit_with(d.el("form.filter button[type=submit]"), "p.results")
    check(f"q={ref[:-2]}" in d.url, f"URL {d.url} has no q={ref[:-2]}")
    rows = texts(d, "table.inbox tbody tr")
    check(len(rows) == 1, f"{len(rows)} rows: {rows!r}")
    for want in (ref, "Osterfeuer", OSTER["name"], "Eingegangen"):
        check(want in rows[0], f"row lacks {want!r}: {rows[0]!r}")
    audit(d, c, "staff inbox")


@T.step("clerk", "the request shows the answers and the citizen's address")
def _(d, c):
    ref = c["clerk_ref"]
    d.submit_with(d.el(f"table.inbox a[href*='/submissions/{ref}']"), "dl.facts")
    h1 = " ".join(d.el("main h1").text.split())
    check(h1 == f"Antrag {ref}", f"h1 {h1!r}")
    facts = " ".join(d.el("dl.facts").text.split())
    for want in ("Eingegangen", CITIZEN_MAIL):
        check(want in facts, f"facts lack {want!r}: {facts!r}")
    body_has(d, OSTER["name"], "Am Festplatz 1", "Unbehandeltes Holz")
    moves = [e.attr("value") for e in d.find_all("input[type=radio][name=to]")]
    check("in_progress" in moves, f"moves offered: {moves!r}")
    # "Neuer Stand": each radio beside its label; every button shows focus.
    wide = d.execute("""
        return Array.prototype.filter.call(document.querySelectorAll('input[type=radio]'),
            function (e) { return e.getBoundingClientRect().width > 48; }).length;""")
    check(wide == 0, f"{wide} radio buttons wider than 48 px")
    bad = focus_changes(d, "main button, main a.button, main input[type=radio]")
    check(not bad, "no visible focus on: " + "; ".join(bad))
    c["clerk_page"] = url_path(d.url)
    c["textareas_on_load"] = "message %r, note %r" % (
        d.find("#f-message").prop("value"), d.find("#f-note").prop("value"))
    audit(d, c, "staff submission")


# Its own scenario: a failure here does not hide the rest of "clerk".
@T.step("clerk scope", "a Standesamt order is '403 Kein Zugang' for mustermann")
def _(d, c):
    ref = c.get("urkunde_ref")
    if not ref:
        raise Skip("no certificate order (the urkunde scenario did not send one)")
    if not c.get("clerk_signed_in"):
        raise Skip("mustermann did not sign in")
    d.get(staff_url(c, f"/submissions/{ref}"))
    d.wait_for("readyState complete", d.page_ready)
    text = body_has(d, "Kein Zugang zu diesem Antrag")
    nav = navigation(d)
    check(nav is None or nav["status"] in (None, 403), f"HTTP status {nav!r}")
    c["refused_status"] = nav and nav["status"]
    for never in (f"Antrag {ref}", "Erika", "Geburt"):
        check(never not in text, f"the refusal shows {never!r}")
    check(not d.find_all("form[method=post]"), "the refusal has a form")


@T.step("clerk", "'In Bearbeitung' with a message: 303 back, status and history")
def _(d, c):
    d.get(c["origin"] + c["clerk_page"])
    d.wait_for("readyState complete", d.page_ready)
    before = len(d.find_all("ol.history li"))
    radio(d, "to", "in_progress")
    label = d.find("label[for=to-in_progress]").text
    check(label == "In Bearbeitung", f"radio label {label!r}")
    fill(d, "message", "\n".join(CLERK_MESSAGE))
    d.submit_with(d.el("section.action button[type=submit]"))
    refused(d)
    d.el("dl.facts")
    check(not d.find_all(".error-summary"),
          "refused: " + " | ".join(texts(d, ".error-summary")))
    check(url_path(d.url) == c["clerk_page"], f"URL {d.url}, not {c['clerk_page']}")
    nav = navigation(d)
    check(nav and nav["redirects"] >= 1 and nav["status"] in (None, 200),
          f"not redirected after the POST: {nav!r}")
    c["after_save"] = where_focus(d)
    facts = " ".join(d.el("dl.facts").text.split())
    check("In Bearbeitung" in facts, f"facts: {facts!r}")
    history = [e.text for e in d.find_all("ol.history li")]
    check(len(history) == before + 1, f"history {before} -> {len(history)} entries")
    new = [h for h in history if all(m in h for m in CLERK_MESSAGE)]
    check(new, f"no history entry with the message: {history!r}")
    for want in ("In Bearbeitung", f"({CLERK[0]})"):
        check(want in new[0], f"history entry lacks {want!r}: {new[0]!r}")
    moves = [e.attr("value") for e in d.find_all("input[type=radio][name=to]")]
    check("in_progress" not in moves and "completed" in moves, f"moves now: {moves!r}")
    # a reload repeats nothing: it is a GET of the same page
    d.cmd("POST", "/refresh", {})
    d.wait_for("document.readyState complete", d.page_ready)
    again = len(d.find_all("ol.history li"))
    check(again == len(history), f"reload: {again} history entries, not {len(history)}")


@T.step("clerk", "an internal note is added")
def _(d, c):
    fill(d, "note", CLERK_NOTE)
    d.submit_with(d.el("form button.secondary[type=submit]"))
    refused(d)
    d.el(".note-entry")
    check(not d.find_all(".error-summary"),
          "refused: " + " | ".join(texts(d, ".error-summary")))
    check(url_path(d.url) == c["clerk_page"], f"URL {d.url}, not {c['clerk_page']}")
    notes = texts(d, ".note-entry")
    check(any(CLERK_NOTE in n and CLERK[0] in n for n in notes), f"notes {notes!r}")
    audit = " ".join(d.el("table.audit").text.split())
    for want in ("Stand geändert: Eingegangen → In Bearbeitung", "Vermerk hinzugefügt"):
        check(want in audit, f"audit log lacks {want!r}: {audit[:300]!r}")
    check("In Bearbeitung" in d.el("dl.facts").text, "status lost")


@T.step("clerk", "the citizen's status page: new status and message, no note")
def _(d, c):
    d.get(c["status_link"])
    d.wait_for("readyState complete", d.page_ready)
    check(d.el(".ref-code").text.strip() == c["clerk_ref"], "another reference")
    status = d.el(".status-value").text.strip()
    check(status == "In Bearbeitung", f"status {status!r}")
    messages = d.el("section.messages").text
    for line in CLERK_MESSAGE:
        check(line in messages, f"messages lack {line!r}: {messages!r}")
    text = " ".join(d.body_text().split())
    for never in (CLERK_NOTE, "Feuerwehr Wiesmoor informiert", "Interne Vermerke",
                  f"({CLERK[0]})"):
        check(never not in text, f"the citizen sees {never!r}")
    check(not d.find_all("nav.staff-bar"), "the citizen sees the staff bar")


@T.step("clerk", "the citizen got a mail with the status link")
def _(d, c):
    spool = c.get("spool")
    if not spool:
        raise Skip(c.get("mail_skip", "no SMTP server"))
    want = c["status_link"]
    deadline = time.monotonic() + WAIT      # sent after the response
    while True:
        mails = spool_mails(spool)
        status = [m for m in mails
                  if CITIZEN_MAIL in m[0] and "Bearbeitungsstand" in m[1]]
        if status or time.monotonic() > deadline:
            break
        send_due(c)
        time.sleep(0.1)
    c["mails"] = "; ".join(f"{','.join(r)}: {s}" for r, s, _ in mails
                           if c["clerk_ref"] in s)
    check(status, f"no status notice to {CITIZEN_MAIL} in 10 s; mails: {c['mails']}")
    body = status[-1][2]
    check("/status/" in body and want in body,
          f"the notice lacks the status link {want!r}: {body[:400]!r}")
    for never in CLERK_MESSAGE + (CLERK_NOTE,):
        check(never not in body, f"the notice holds the text {never!r}")
    receipt = [m for m in mails if CITIZEN_MAIL in m[0] and want in m[2]
               and "eingegangen" in m[1]]
    check(receipt, f"no receipt mail with the link; mails: {c['mails']}")
    clerk = [m for m in mails if c["clerk_ref"] in m[1] and CITIZEN_MAIL not in m[0]
             and "/cgi-bin/staff.cgi/submissions/" + c["clerk_ref"] in m[2]]
    check(clerk, f"no mail to the clerk with the back-office link; mails: {c['mails']}")


# ---- 7. The citizen's account: login, prefilled request, Meine Anträge, Postkorb ----------

RESIDENCE = "/cgi-bin/rathaus.cgi/services/meldebescheinigung"
ERIKA_MAIL = "erika.mustermann@example.org"     # tools/idp/server.mjs
RESIDENCE_CLERK = ("beispiel", "rathaus-demo")    # residence certificates
ASK = "Bitte laden Sie eine Kopie Ihres Mietvertrags hoch."
ANSWER = "Anbei der Mietvertrag, Seite 1."


def need_idp(c):
    if "idp" not in c:
        raise Skip("no login: " + c.get("idp_skip", "?"))


def clerk_http(c, method, path, body=None):
    """The back office over HTTP as the residence clerk (Basic auth), with
    its CSRF cookie kept: (status, headers, body as text or bytes)."""
    import base64 as b64
    import http.cookiejar
    jar = c.setdefault("clerk_jar", http.cookiejar.CookieJar())
    class Stay(urllib.request.HTTPRedirectHandler):     # a 303 is the answer
        def redirect_request(self, *args):
            return None
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), Stay(),
                                         urllib.request.HTTPCookieProcessor(jar))
    req = urllib.request.Request(c["origin"] + "/cgi-bin/staff.cgi" + path, method=method,
                                 data=body.encode() if body is not None else None)
    req.add_header("Authorization", "Basic " + b64.b64encode(
        ("%s:%s" % RESIDENCE_CLERK).encode()).decode())
    if body is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with opener.open(req, timeout=WAIT) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def clerk_do(c, ref, action):
    """One action on the submission, as the clerk's browser sends it."""
    status, _, page = clerk_http(c, "GET", f"/submissions/{ref}")
    check(status == 200, f"the clerk's page of {ref}: {status}")
    m = re.search(rb'name="_csrf" value="([0-9a-f]+)"', page)
    check(m, "no CSRF token on the clerk's page")
    status, _, page = clerk_http(c, "POST", f"/submissions/{ref}",
                                 f"_csrf={m.group(1).decode()}&_action={action}")
    check(status == 303, f"the clerk's action {action!r}: {status} "
          + page.decode("utf-8", "replace")[:200])


@T.step("account", "an anonymous citizen is asked to log in for the residence certificate")
def _(d, c):
    need_idp(c)
    d.get(c["origin"] + RESIDENCE)
    d.wait_for("readyState complete", d.page_ready)
    check(not d.find_all("#f-given_name"), "the form is shown without a login")
    audit(d, c, "login needed")
    button = d.el("a.button[href*='/login?return=']")
    check("Servicekonto" in button.text, f"login button says {button.text!r}")
    button.click()
    d.wait_for("the provider's login page",
               lambda: d.find_all("input[name=password]") or None)
    check(d.url.startswith(c["idp"]), f"login page at {d.url}, not at {c['idp']}")


@T.step("account", "erika logs in on the provider's page and is back at the form, prefilled")
def _(d, c):
    need_idp(c)
    d.el("input[name=login]").send_keys("erika")
    d.el("input[name=password]").send_keys("erika-demo")
    d.submit_with(d.el("form button[type=submit]"), "#f-given_name")
    check(url_path(d.url) == RESIDENCE, f"back at {d.url}")
    for name, want in (("given_name", "Erika"), ("family_name", "Mustermann"),
                       ("street", "Hauptstraße 193"), ("postcode", "26639")):
        e = d.el(f"#f-{name}")
        check(e.prop("readOnly"), f"{name} is not locked")
        check(e.prop("value") == want, f"{name} is {e.prop('value')!r}, not {want!r}")
    email = d.el("#f-email")
    check(not email.prop("readOnly"), "the e-mail (not verified) is locked")
    check(email.prop("value") == ERIKA_MAIL, f"e-mail {email.prop('value')!r}")


@T.step("account", "she sends the prefilled request")
def _(d, c):
    need_idp(c)
    fill(d, "id_number", "L01X00T47")
    d.submit_with(continue_button(d), "input[name=kind]")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))
    radio(d, "kind", "einfach")
    choose(d, "purpose", "privat")
    radio(d, "delivery", "post")
    d.submit_with(continue_button(d), "button[name=_confirm]")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))
    body_has(d, "Mustermann", "Hauptstraße 193")
    ref, url = urkunde_send(d)
    c["account_ref"] = ref
    check("token=" not in url, f"led on to {url}: the account opens it without a token")
    c["account_token"] = submission_token(c["site"], ref)


@T.step("account", "Meine Anträge lists it, with no token in the page")
def _(d, c):
    need_idp(c)
    my = [a for a in d.find_all("nav.account a") if a.text.strip() == "Meine Anträge"]
    check(my, "no 'Meine Anträge' in the page head")
    d.submit_with(my[0], ".my-list")
    refs = texts(d, ".my-list .ref-code")
    check(c["account_ref"] in refs, f"{c['account_ref']} not among {refs!r}")
    html = d.execute("return document.documentElement.outerHTML")
    hrefs = [a.attr("href") or "" for a in d.find_all("a")]
    check(not [h for h in hrefs if "token=" in h],
          "a link carries a token: " + " ".join(h for h in hrefs if "token=" in h))
    token = c.get("account_token")
    check(token and token not in html, f"the page shows the token ({token!r})")
    audit(d, c, "my requests")


@T.step("account", "the clerk asks for a document; the Postkorb shows the message")
def _(d, c):
    need_idp(c)
    ref = c["account_ref"]
    clerk_do(c, ref, "status&from=received&to=in_progress")
    clerk_do(c, ref, "status&from=in_progress&to=waiting&message="
             + urllib.parse.quote_plus(ASK))
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/my")
    d.wait_for("readyState complete", d.page_ready)
    item = [e for e in d.find_all(".my-list .my-item") if ref in e.text]
    check(item, f"{ref} not listed")
    check(item[0].find_all(".badge.new") if hasattr(item[0], "find_all") else
          d.find_all(".my-list .badge.new"), "no 'neu' for the clerk's message")
    link = [a for a in d.find_all(".my-list a") if a.attr("href").endswith("/my/" + ref)]
    check(link, "no Postkorb link")
    d.submit_with(link[0], "#answer-text")
    body_has(d, ASK)
    audit(d, c, "Postkorb")


@T.step("account", "she answers with a file; the status is back to in progress")
def _(d, c):
    need_idp(c)
    png = os.path.join(c["tmp"], "mietvertrag.png")
    tiny_png(png)
    os.chmod(png, 0o644)
    fill_text = d.el("#answer-text")
    fill_text.send_keys(ANSWER)
    d.el("#answer-file").send_keys(png)
    d.submit_with(d.el("section.answer button[type=submit]"), ".notice.success")
    body_has(d, ANSWER, "In Bearbeitung")
    check(not d.find_all("#answer-text"), "the answer form is still offered")


@T.step("account", "the clerk sees the answer and downloads the file")
def _(d, c):
    need_idp(c)
    ref = c["account_ref"]
    status, _, page = clerk_http(c, "GET", f"/submissions/{ref}")
    text = page.decode("utf-8", "replace")
    check(status == 200 and ANSWER in text, "the clerk's page lacks the answer")
    check("Vertrauensniveau substanziell" in text, "no account line for the clerk")
    m = re.search(r'href="[^"]*(/files/[^"]+)"', text)
    check(m, "no download link for the answer's file")
    status, headers, data = clerk_http(c, "GET", m.group(1).replace("&amp;", "&"))
    check(status == 200 and data.startswith(b"\x89PNG"),
          f"download: {status} {headers.get('Content-Type')}")


@T.step("account", "both sides got a notice by mail, without the message")
def _(d, c):
    need_idp(c)
    if "spool" not in c:
        raise Skip(c.get("mail_skip", "no mail server"))
    ref = c["account_ref"]

    def notices():
        mails = spool_mails(c["spool"])
        citizen = [m for m in mails if ERIKA_MAIL in m[0] and "Postkorb" in m[1]
                   and ref in m[1]]
        clerk = [m for m in mails if ERIKA_MAIL not in m[0] and ref in m[1]
                 and "Antwort im Postkorb" in m[1]]
        if citizen and clerk:
            return citizen, clerk
        send_due(c)
        return None
    citizen, clerk = d.wait_for("both notices", notices)
    for recipients, subject, body in citizen + clerk:
        check(ASK not in body and ANSWER not in body,
              f"the mail to {recipients} carries the message")
    check("/my/" + ref in citizen[0][2], "the citizen's notice has no Postkorb link")


@T.step("account", "Abmelden ends the session")
def _(d, c):
    need_idp(c)
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/")
    d.wait_for("readyState complete", d.page_ready)
    citizen_logout(d, c)


@T.step("account", "max (basic) is told which level the certificate needs")
def _(d, c):
    need_idp(c)
    citizen_login(d, c, "max", "max-demo", RESIDENCE)
    d.wait_for("back at the portal", lambda: url_path(d.url) == RESIDENCE or None)
    check(not d.find_all("#f-given_name"), "max gets the form")
    body_has(d, "substanziell", "Online-Ausweis")
    citizen_logout(d, c)


# ---- 7b. Appointments: book, move and cancel an identity-card appointment (issue 14) ------

TERMIN = "/cgi-bin/rathaus.cgi/services/personalausweis"
TERMIN_PERSON = ("Max Mustermann", datetime.date(1988, 6, 21), "abgelaufen")
# examples/wiesmoor/site/calendars/buergerbuero.xml: two places a time in
# the mornings, one on Thursday afternoons (14:00-17:30), 15 minutes each
# for the identity card, bookable from tomorrow on.
ONE_PLACE = (3, "14:00")        # Thursday (Monday is 0), from 14:00
WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def slot_times(d):
    """The times the page offers: the values of its radios name="termin"
    (a time chosen in another week, "Gewählt: ..", included)."""
    return d.execute("""
        return Array.prototype.map.call(
            document.querySelectorAll('input[type=radio][name=termin]'),
            function (e) { return e.value; });""")


def slot_label(iso):
    """"2026-12-04T08:15" as the pages show it: "04.12.2026, 08:15 Uhr"."""
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M")
    return t.strftime("%d.%m.%Y, %H:%M Uhr")


def slot_week(d):
    """The heading of the week shown ("Freie Termine in der Woche ab ..")."""
    return " ".join(d.el("h3.slot-week").text.split())


def slot_page(d, label):
    """Press the week button "Frühere Termine" or "Spätere Termine" (or
    their English words): the same page with the other week."""
    buttons = [b for b in d.find_all("button[name=_week]") if b.text.strip() == label]
    check(buttons, f"no button {label!r} (week buttons: {texts(d, 'button[name=_week]')!r})")
    week = slot_week(d)
    d.submit_with(buttons[0], "h3.slot-week")
    check(not d.find_all(".error-summary"),
          "errors after a week button: " + " | ".join(texts(d, ".error-summary li")))
    check(slot_week(d) != week, f"{label!r} shows the same week: {week!r}")


def slot_find(d, want, weeks=10):
    """Page on with "Spätere Termine" until want(times) names a time;
    that time. Fails after `weeks` weeks."""
    for _ in range(weeks):
        found = want(slot_times(d))
        if found:
            return found
        slot_page(d, "Spätere Termine")
    raise Failure(f"no such time in {weeks} weeks, the last {slot_week(d)!r}")


def slot_week_of(d, iso):
    """Page (on or back) to the week of the day of iso; whether iso is
    among the times offered there."""
    day = datetime.date.fromisoformat(iso[:10])
    legend = f"{WEEKDAYS[day.weekday()]}, {day.strftime('%d.%m.%Y')}"
    for _ in range(10):
        days = texts(d, "fieldset.slot-day > legend")
        if any(x.startswith(legend) for x in days):
            return iso in slot_times(d)
        times = slot_times(d)
        earlier = times and min(t[:10] for t in times) > iso[:10]
        slot_page(d, "Frühere Termine" if earlier else "Spätere Termine")
    raise Failure(f"no week shows {legend!r}; the last: {slot_week(d)!r}")


def termin_times_page(d, c, lang=None):
    """The identity card's page 1 answered: on to its page 2, the times."""
    d.get(c["origin"] + (with_lang(TERMIN, lang) if lang else TERMIN))
    d.wait_for("readyState complete", d.page_ready)
    fill(d, "name", TERMIN_PERSON[0])
    set_date(d, "born", TERMIN_PERSON[1], c)
    radio(d, "reason", TERMIN_PERSON[2])
    d.submit_with(continue_button(d), "input[type=radio][name=termin]")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))


def booking_panel(d):
    """The receipt's or status page's "Ihr Termin": (its text, the time's
    datetime attribute or None)."""
    panel = d.el("section.panel.booking")
    times = d.find_all("section.panel.booking .booking-when time")
    return " ".join(panel.text.split()), times[0].attr("datetime") if times else None


def calendar_file(c, href):
    """GET the calendar file as a calendar program would, without the
    browser's cookies: (status, Content-Type, body as text)."""
    try:
        with OPENER.open(href, timeout=WAIT) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8", "replace")


def ics_start(iso):
    """The DTSTART line the calendar file has for the local time iso."""
    return "DTSTART;TZID=Europe/Berlin:" + iso.replace("-", "").replace(":", "") + "00"


def audit_now(d, c, kind):
    """audit() the page, and fail at once on what it found there (axe,
    layout at 320, 768, 1280 px, focus, href="#")."""
    a = c.setdefault("audit", {"pages": [], "axe": [], "layout": [], "focus": [],
                                "href": []})
    before = {k: len(a.get(k, [])) for k in ("axe", "layout", "focus", "href", "errors")}
    audit(d, c, kind)
    found = [x for k, n in before.items() for x in a.get(k, [])[n:]]
    check(not found, "\n".join(found))


def status_button(d, label):
    buttons = [b for b in d.find_all("section.panel.booking button[type=submit]")
               if b.text.strip() == label]
    check(buttons, f"no button {label!r} at 'Ihr Termin'; buttons: "
          f"{texts(d, 'section.panel.booking button')!r}")
    return buttons[0]


@T.step("termin", "page 1 'Zu Ihrer Person' leads to a week of free times, by day")
def _(d, c):
    termin_times_page(d, c)
    check(d.find("main h1").text == "Termin für den Personalausweis buchen",
          f"h1 {d.find('main h1').text!r}")
    check(slot_week(d).startswith("Freie Termine in der Woche ab "),
          f"week heading {slot_week(d)!r}")
    body_has(d, "Ein Termin dauert 15 Minuten.", "Rathaus Wiesmoor, Hauptstraße 193")
    days = texts(d, "fieldset.slot-day > legend")
    check(days, "no day (fieldset.slot-day) on the page")
    for day in days:
        check(re.match(r"(%s), \d\d\.\d\d\.\d{4}" % "|".join(WEEKDAYS), day),
              f"day legend {day!r}")
    times = slot_times(d)
    check(times, "no free time offered")
    bad = [t for t in times if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", t)]
    check(not bad, f"radio values {bad[:5]!r} are no YYYY-MM-DDTHH:MM")
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    early = [t for t in times if t[:10] < tomorrow]
    check(not early, f"times before tomorrow (earliest=1) offered: {early[:5]!r}")
    first = d.el("#f-termin")
    check(first.prop("value") == times[0], f"#f-termin is {first.prop('value')!r},"
          f" not the first time {times[0]!r}")
    label = " ".join(d.find("label[for=f-termin]").text.split())
    check(label == times[0][11:] + " Uhr", f"the first time's label {label!r}")
    c["termin_first"] = times[0]


@T.step("termin", "the times at 320 px: no sideways scrolling, axe and focus clean")
def _(d, c):
    wide = d.execute("""
        return Array.prototype.filter.call(document.querySelectorAll('input[type=radio]'),
            function (e) { return e.getBoundingClientRect().width > 48; }).length;""")
    check(wide == 0, f"{wide} radio buttons wider than 48 px")
    audit_now(d, c, "appointment times")


@T.step("termin", "the first time by keyboard (Space); 'Spätere Termine' keeps it")
def _(d, c):
    first = c["termin_first"]
    radio_el = d.el("#f-termin")
    radio_el.send_keys(" ")         # Send Keys focuses it; Space checks it
    check(radio_el.prop("checked"), "Space on the first time did not check it")
    slot_page(d, "Spätere Termine")
    c["after_week"] = where_focus(d)
    chosen = d.find_all("input[type=radio][name=termin]:checked")
    check(len(chosen) == 1 and chosen[0].prop("value") == first,
          f"the chosen {first} is not checked in the later week: "
          f"{[e.prop('value') for e in chosen]!r}")
    body_has(d, "Gewählt: " + slot_label(first))
    slot_page(d, "Frühere Termine")
    checked = d.find_all("input[type=radio][name=termin]:checked")
    check([e.prop("value") for e in checked] == [first],
          f"back in its week, checked: {[e.prop('value') for e in checked]!r}")


@T.step("termin", "Enter in the phone field means 'Weiter': the check page shows the time")
def _(d, c):
    old = d.find("html")
    d.el("#f-phone").send_keys("04944 912345\ue007")
    d.wait_next(old, "main h1")
    h1 = d.el("main h1").text
    check(h1 == "Bitte prüfen Sie Ihre Angaben",
          f"Enter led to {h1!r} ({slot_week(d) if d.find_all('h3.slot-week') else url_path(d.url)})")
    first = c["termin_first"]
    when = d.el(f"time[datetime='{first}']").text
    check(when == slot_label(first), f"the check page shows {when!r}, not {slot_label(first)!r}")
    body_has(d, TERMIN_PERSON[0], "04944 912345")


@T.step("termin", "sending books it: the receipt's 'Ihr Termin' with time, place, calendar link")
def _(d, c):
    d.submit_with(d.el("button[name=_confirm]"), ".ref-code")
    ref = d.find(".ref-code").text.strip()
    check(re.fullmatch(r"\d{4}-\d{6}-\d", ref), f"reference {ref!r}")
    check("/receipt/" in d.url, f"URL {d.url} is no receipt")
    text, when = booking_panel(d)
    first = c["termin_first"]
    check(d.find("#booking-heading").text == "Ihr Termin", f"panel {text!r}")
    check(when == first, f"the receipt's time is {when!r}, not {first!r}: {text!r}")
    for want in (slot_label(first), "Rathaus Wiesmoor, Hauptstraße 193, Bürgerbüro"):
        check(want in text, f"'Ihr Termin' lacks {want!r}: {text!r}")
    link = d.el("section.panel.booking a.calendar-file")
    check(link.text.strip() == "In den Kalender eintragen", f"link text {link.text!r}")
    href = link.prop("href")
    check(url_path(href) == f"/cgi-bin/rathaus.cgi/calendar/{ref}" and "token=" in href,
          f"calendar link {href!r}")
    c["termin_ref"], c["termin_ics"] = ref, href
    c["termin_status"] = d.el(".status-url a").prop("href")
    c["termin_receipt"], c["termin_booked"] = d.url, first


# Its own scenario: a failure here does not hide the rest of "termin".
@T.step("termin fee", "the receipt's 'Gebühr' is the fee paid at the counter, not 'kostenlos'")
def _(d, c):
    if "termin_receipt" not in c:
        raise Skip("no appointment booked (termin)")
    d.get(c["termin_receipt"])
    d.wait_for("readyState complete", d.page_ready)
    facts = dict(zip(texts(d, "dl.facts dt"), texts(d, "dl.facts dd")))
    fee = facts.get("Gebühr")
    # forms.md: a <counter> text is "shown in place of 'kostenlos'"
    check(fee and "kostenlos" not in fee and "46,00 €" in fee,
          f"the receipt says 'Gebühr: {fee}'; the service and its check page say"
          " '46,00 € (unter 24 Jahren 27,60 €), zu zahlen beim Termin'")


@T.step("termin", "the calendar link answers text/calendar, BEGIN:VCALENDAR, the time")
def _(d, c):
    status, ctype, body = calendar_file(c, c["termin_ics"])
    check(status == 200, f"{c['termin_ics']}: HTTP {status}")
    check(ctype.split(";")[0].strip() == "text/calendar", f"Content-Type {ctype!r}")
    check(body.startswith("BEGIN:VCALENDAR"), f"the body begins {body[:40]!r}")
    check(body.rstrip().endswith("END:VCALENDAR"), f"the body ends {body[-40:]!r}")
    want = ics_start(c["termin_booked"])
    check(want in body.splitlines(), f"no {want!r} in the file: {body[:600]!r}")


@T.step("termin", "the status link shows the appointment, 'verschieben' and 'absagen'")
def _(d, c):
    d.get(c["termin_status"])
    d.wait_for("readyState complete", d.page_ready)
    check(d.el(".ref-code").text.strip() == c["termin_ref"], "another reference")
    text, when = booking_panel(d)
    check(when == c["termin_booked"], f"the status page's time is {when!r}: {text!r}")
    check(d.find("section.panel.booking a.calendar-file").prop("href") == c["termin_ics"],
          "the status page's calendar link differs from the receipt's")
    status_button(d, "Termin verschieben")
    status_button(d, "Termin absagen")
    audit_now(d, c, "status page with appointment")


@T.step("termin", "'Termin verschieben' to a Thursday afternoon: 'Ihr Termin ist verschoben.'")
def _(d, c):
    d.submit_with(status_button(d, "Termin verschieben"), "form.booking-move")
    check(d.find_all("form.booking-move input[type=radio][name=termin]"),
          "the move form offers no times")
    audit_now(d, c, "moving an appointment")
    old = c["termin_booked"]
    # A time of one place: once taken, nobody else is offered it.
    new = slot_find(d, lambda times: next(
        (t for t in times if t != old and t[11:] >= ONE_PLACE[1]
         and datetime.date.fromisoformat(t[:10]).weekday() == ONE_PLACE[0]), None))
    radio(d, "termin", new)
    do = [b for b in d.find_all("form.booking-move .actions button.button")
          if b.text.strip() == "Auf diese Zeit verschieben"]
    check(do, "no button 'Auf diese Zeit verschieben'")
    d.submit_with(do[0], ".ref-code")
    check(not d.find_all(".error-summary"),
          "refused: " + " | ".join(texts(d, ".error-summary")))
    check("done=moved" in d.url, f"URL {d.url} lacks done=moved")
    notice = " ".join(d.el(".notice").text.split())
    check(notice.startswith("Ihr Termin ist verschoben."), f"notice {notice!r}")
    text, when = booking_panel(d)
    check(when == new, f"after the move the time is {when!r}, not {new!r}: {text!r}")
    check(slot_label(new) in text, f"'Ihr Termin' lacks {slot_label(new)!r}: {text!r}")
    c["termin_old"], c["termin_booked"] = old, new


@T.step("termin", "the calendar file has the new time")
def _(d, c):
    status, ctype, body = calendar_file(c, c["termin_ics"])
    check(status == 200 and ctype.startswith("text/calendar"), f"HTTP {status} {ctype!r}")
    lines = body.splitlines()
    check(ics_start(c["termin_booked"]) in lines,
          f"no {ics_start(c['termin_booked'])!r} in the file: {body[:600]!r}")
    check(ics_start(c["termin_old"]) not in lines, "the file still has the old time")


@T.step("termin", "the form no longer offers the taken Thursday time")
def _(d, c):
    termin_times_page(d, c)
    offered = slot_week_of(d, c["termin_booked"])
    check(not offered, f"{c['termin_booked']} (one place, booked) is still offered in"
          f" {slot_week(d)!r}")
    c["termin_form_week"] = slot_week(d)


@T.step("termin", "'Termin absagen', 'Ja, Termin absagen': 'Ihr Termin ist abgesagt.'")
def _(d, c):
    d.get(c["termin_status"])
    d.wait_for("readyState complete", d.page_ready)
    d.submit_with(status_button(d, "Termin absagen"), ".confirm")
    confirm = " ".join(d.el("section.panel.booking .confirm").text.split())
    check("wirklich absagen" in confirm, f"confirmation {confirm!r}")
    audit_now(d, c, "cancelling an appointment")
    yes = [b for b in d.find_all(".confirm button[type=submit]")
           if b.text.strip() == "Ja, Termin absagen"]
    check(yes, f"no 'Ja, Termin absagen' in {confirm!r}")
    d.submit_with(yes[0], ".ref-code")
    check("done=cancelled" in d.url, f"URL {d.url} lacks done=cancelled")
    notice = " ".join(d.el(".notice").text.split())
    check(notice.startswith("Ihr Termin ist abgesagt."), f"notice {notice!r}")
    text, when = booking_panel(d)
    check("Dieser Termin ist abgesagt." in text, f"'Ihr Termin' says {text!r}")
    buttons = texts(d, "section.panel.booking button")
    check(not [b for b in buttons if b in ("Termin verschieben", "Termin absagen")],
          f"a cancelled appointment still offers {buttons!r}")


@T.step("termin", "the cancelled time is offered again on the form")
def _(d, c):
    termin_times_page(d, c)
    offered = slot_week_of(d, c["termin_booked"])
    check(offered, f"{c['termin_booked']} is not offered again after the cancellation"
          f" ({slot_week(d)!r}; times that day: "
          f"{[t for t in slot_times(d) if t[:10] == c['termin_booked'][:10]]!r})")


@T.step("termin", "the times, the status page, moving and cancelling in English")
def _(d, c):
    termin_times_page(d, c, "en")
    english(d)
    check(slot_week(d).startswith("Free appointments in the week from"),
          f"week heading {slot_week(d)!r}")
    audit_now(d, c, "appointment times")
    # a second booking, its status page in English: move and cancel offered
    d.el("#f-termin").send_keys(" ")
    d.submit_with(continue_button(d), "button[name=_confirm]")
    d.submit_with(d.el("button[name=_confirm]"), ".ref-code")
    d.submit_with(d.el(".status-url a"), "section.panel.booking")
    english(d)
    audit_now(d, c, "status page with appointment")
    d.submit_with(status_button(d, "Move the appointment"), "form.booking-move")
    english(d)
    audit_now(d, c, "moving an appointment")
    d.submit_with(d.el("form.booking-move .actions a"), "section.panel.booking")
    d.submit_with(status_button(d, "Cancel the appointment"), ".confirm")
    english(d)
    audit_now(d, c, "cancelling an appointment")


# ---- 8. Layout and focus (issue 12) ------------------------------------------------------

WIDTHS = (320, 768, 1280)

LAYOUT_JS = """
    var vw = document.documentElement.clientWidth, out = [];
    function clipped(e) {          // inside a scroll container: may be wider
        for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) {
            var o = getComputedStyle(p).overflowX;
            if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
        }
        return false;
    }
    function name(e) {
        return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
            (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
    }
    var all = document.body.querySelectorAll('*');
    for (var i = 0; i < all.length && out.length < 8; i++) {
        var e = all[i], r = e.getBoundingClientRect();
        if (!r.width || !r.height || clipped(e)) continue;
        if (r.right > vw + 1) {
            out.push(name(e) + ' ends at ' + Math.round(r.right) + ' px'); continue;
        }
        var p = e.parentElement, ps = p && getComputedStyle(p);
        if (!p || p === document.body || ps.display === 'inline' || ps.display === 'contents') continue;
        var pr = p.getBoundingClientRect();
        if (r.right > pr.right + 1 && getComputedStyle(e).position !== 'absolute')
            out.push(name(e) + ' ends at ' + Math.round(r.right) + ' px, beyond its ' +
                     name(p) + ' (' + Math.round(pr.right) + ' px)');
    }
    return {scroll: document.documentElement.scrollWidth, client: vw, wide: out};
"""


def window_width(d, width):
    d.cmd("POST", "/window/rect", {"width": width, "height": 1000})
    d.wait_for(f"a {width} px viewport", lambda: abs(
        d.execute("return document.documentElement.clientWidth") - width) < 40)


def layout_ok(d, what):
    """The page at 320, 768 and 1280 px: no sideways scrolling, no element
    beyond the viewport or its container; a reference on one line."""
    problems = layout_problems(d, what)
    check(not problems, f"{what}: " + "; ".join(problems))


def layout_problems(d, what):
    """What layout_ok finds wrong, as a list; the window 1280 px wide after."""
    problems = []
    for w in WIDTHS:
        window_width(d, w)
        r = d.execute(LAYOUT_JS)
        if os.environ.get("E2E_SHOTS"):     # a directory: each page at each width
            d.screenshot(os.path.join(os.environ["E2E_SHOTS"],
                                      re.sub(r"\W+", "-", what) + f"-{w}.png"))
            for i, part in enumerate(d.find_all("table.bill, .answers, .check-list")):
                part.screenshot(os.path.join(os.environ["E2E_SHOTS"], re.sub(
                    r"\W+", "-", what) + f"-part{i + 1}-{w}.png"))
        if r["scroll"] > r["client"]:
            problems.append(f"{w} px: scrolls sideways ({r['scroll']} > {r['client']})")
        problems += [f"{w} px: {x}" for x in r["wide"]]
        lines = d.execute("""
            var e = document.querySelector('.ref-code');
            if (!e) return 0;
            var g = document.createRange(); g.selectNodeContents(e);
            var tops = {};
            Array.prototype.forEach.call(g.getClientRects(), function (r) {
                if (r.width) tops[Math.round(r.top)] = 1; });
            return Object.keys(tops).length;""")
        if lines > 1:
            problems.append(f"{w} px: the reference is split over {lines} lines")
    window_width(d, 1280)
    return problems


def focus_changes(d, css):
    """Each element css matches, focused by script: does its look change?"""
    return d.execute("""
        var props = ['outlineStyle', 'outlineColor', 'outlineWidth', 'boxShadow',
                     'backgroundColor', 'color', 'borderColor'];
        function look(e) {
            var s = getComputedStyle(e), o = {};
            props.forEach(function (p) { o[p] = s[p]; });
            o.visibleOutline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 &&
                !/rgba\\(.*, 0\\)$/.test(s.outlineColor) && s.outlineColor !== 'transparent';
            return o;
        }
        var bad = [];
        document.querySelectorAll(arguments[0]).forEach(function (e) {
            // only what the Tab key reaches: drawn, enabled, in the order
            if (!e.getClientRects().length || e.disabled || e.tabIndex < 0 ||
                e.type === 'hidden' || getComputedStyle(e).visibility !== 'visible')
                return;
            if (document.activeElement) document.activeElement.blur();
            var before = look(e);
            e.focus({focusVisible: true});
            var after = look(e), changed = after.visibleOutline && !before.visibleOutline;
            ['boxShadow', 'backgroundColor', 'color', 'borderColor'].forEach(function (p) {
                if (before[p] !== after[p]) changed = true; });
            if (!changed) bad.push(e.tagName.toLowerCase() +
                (e.type && e.tagName !== 'BUTTON' ? '[' + e.type + ']' : '') + ' ' +
                JSON.stringify((e.textContent || e.value || e.name || '').trim()
                               .replace(/\s+/g, ' ').slice(0, 40)) +
                (e.className ? ' (' + e.className + ')' : ''));
            e.blur();
        });
        return bad;""", css)


@T.step("layout", "the catalog: no sideways scrolling at 320, 768, 1280 px")
def _(d, c):
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/")
    d.wait_for("readyState complete", d.page_ready)
    layout_ok(d, "catalog")


@T.step("layout", "business registration page 1: radios beside their labels, fits")
def _(d, c):
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/services/gewerbeanmeldung")
    d.wait_for("readyState complete", d.page_ready)
    wide = d.execute("""
        return Array.prototype.filter.call(document.querySelectorAll('input[type=radio]'),
            function (e) { return e.getBoundingClientRect().width > 48; }).length;""")
    check(wide == 0, f"{wide} radio buttons wider than 48 px")
    layout_ok(d, "gewerbeanmeldung page 1")
    choose(d, "legal_form", "gmbh")
    radio(d, "reason", "neu")
    d.submit_with(continue_button(d), "#f-company")
    fill(d, "company", "Muster Fahrräder GmbH")
    fill(d, "register_number", "HRB 123456")
    fill_rep(d, 1, REP1, c)
    d.submit_with(d.el("button[name=_add][value=representatives]"), "#f-rep_name\\.2")
    fill_rep(d, 2, REP2, c)
    layout_ok(d, "gewerbeanmeldung page 2")


@T.step("layout", "every button on the form shows a visible focus change")
def _(d, c):
    bad = focus_changes(d, "main button, main a.button, main input[type=radio]")
    check(not bad, "no visible focus on: " + "; ".join(bad))


LONG = "FeuerlöscherWasserfassSandeimerSchaufelAufsichtspersonen" * 3


@T.step("layout", "the check page with a long unbroken answer and the bill fits")
def _(d, c):
    d.submit_with(continue_button(d), "#f-activity")
    radio(d, "establishment", "haupt")
    fill(d, "site_street", "Hauptstraße 1")
    fill(d, "site_postcode", "26639")
    fill(d, "activity", LONG)
    set_date(d, "start", datetime.date.today() + datetime.timedelta(days=14), c)
    fill(d, "full_time", "2")
    fill(d, "part_time", "1")
    radio(d, "permit", "nein")
    d.submit_with(continue_button(d), "#f-email")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))
    fill(d, "email", "erika.mustermann-beispielhausen@verwaltungsgemeinschaft-example.org")
    fill(d, "extra_copies", "1")
    tick(d, "truthful")
    d.submit_with(continue_button(d), "button[name=_confirm]")
    check(not d.find_all(".error-summary"),
          "errors: " + " | ".join(texts(d, ".error-summary li")))
    layout_ok(d, "check page")
    bad = focus_changes(d, "main button")
    check(not bad, "no visible focus on: " + "; ".join(bad))


@T.step("layout", "the receipt or checkout after sending fits, the reference on one line")
def _(d, c):
    d.submit_with(d.el("button[name=_confirm]"), ".ref-code")
    layout_ok(d, "after sending (" + url_path(d.url) + ")")
    link = d.find_all(".status-url a")
    if link:
        d.submit_with(link[0])
        layout_ok(d, "status page")


@T.step("layout", "an Osterfeuer receipt with a long answer fits")
def _(d, c):
    d.get(c["origin"] + "/cgi-bin/rathaus.cgi/services/osterfeuer")
    d.wait_for("readyState complete", d.page_ready)
    layout_ok(d, "osterfeuer form")
    d.submit_with(continue_button(d), ".error-summary")
    ring = d.execute("""
        var e = document.querySelector('.error-summary'); e.focus();
        var s = getComputedStyle(e);
        return s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 ? null
            : s.outlineWidth + ' ' + s.outlineStyle;""")
    check(ring, "the focused error summary has no outline")
    OSTER_LONG = dict(OSTER, safety=LONG)
    for name, value in OSTER_LONG.items():
        fill(d, name, value)
    set_date(d, "date", next_easter_saturday(datetime.date.today()), c)
    set_time(d, "time", "19:30", c)
    choose(d, "material", "holz")
    tick(d, "material_confirm")
    d.submit_with(continue_button(d), "button[name=_confirm]")
    layout_ok(d, "osterfeuer check page")
    d.submit_with(d.el("button[name=_confirm]"), ".ref-code")
    layout_ok(d, "osterfeuer receipt")
    lefts = d.execute("""
        return Array.prototype.map.call(document.querySelectorAll('.answers dd'),
            function (e) { return Math.round(e.getBoundingClientRect().left); });""")
    check(len(set(lefts)) == 1, f"the answers zig-zag: their left edges at {sorted(set(lefts))}")
    receipt_prints(d, c, "receipt-long-answer")
    d.submit_with(d.el(".status-url a"))
    d.wait_for("status page", lambda: "/status/" in d.url)
    layout_ok(d, "osterfeuer status page")


# ---- 9. Checks on every page type (issue 12) -----------------------------------------
#
# The scenarios above call audit() wherever they reach a page type (and
# the steps below reach the rest): axe-core's WCAG 2.1 AA rules at 1280 px,
# the layout at 320, 768 and 1280 px, a visible focus change on everything
# the Tab key reaches, and no href="#". audit() only collects; the steps
# at the end report, one step a kind of check, naming page and language.

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FOCUSABLE = "a[href], button, input, select, textarea, summary"

# Each page type, in German and English; the back office in German only.
PAGE_TYPES = ("catalog", "form (one page)", "form (multi-page)", "form with errors",
              "check page", "receipt", "status page", "checkout", "login needed",
              "my requests", "Postkorb", "404", "imprint", "privacy notice",
              "accessibility statement", "appointment times", "status page with appointment",
              "moving an appointment", "cancelling an appointment")
STAFF_PAGE_TYPES = ("staff inbox", "staff submission")
NEEDS_LOGIN = ("login needed", "my requests", "Postkorb")


def axe_js():
    """The path of axe.min.js (axe-core from npm): $AXE_JS, else where
    tools/check installs it (tools/lib.sh install_axe); None without."""
    path = os.environ.get("AXE_JS") or os.path.join(
        TOP, ".cache", "axe", "node_modules", "axe-core", "axe.min.js")
    return path if os.path.isfile(path) else None


def axe_violations(d, c):
    """axe-core on the current page, WCAG 2.1 AA: a list of violations,
    each 'rule (impact): n x selector, ..'. The script goes in by
    WebDriver's Execute Script, which the page's CSP (script-src none)
    does not govern."""
    if "axe_src" not in c:
        with open(c["axe"], encoding="utf-8") as f:
            c["axe_src"] = f.read()
    if not d.execute("return !!window.axe"):
        d.execute(c["axe_src"] + "\n;return !!window.axe;")
    got = d.cmd("POST", "/execute/async", {"script": """
        var done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},
                           resultTypes: ['violations']}).then(function (r) {
            done(r.violations.map(function (v) {
                return v.id + ' (' + v.impact + '): ' + v.nodes.length + ' x ' +
                    v.nodes.slice(0, 3).map(function (n) {
                        return n.target.join(' '); }).join(', ');
            }));
        }, function (e) { done('axe failed: ' + e); });""", "args": [AXE_TAGS]})
    if isinstance(got, str):
        raise Failure(got)
    return got


def empty_links(d):
    """The links whose href is "#" (a link to nowhere), each as its text."""
    return d.execute("""
        var out = [];
        document.querySelectorAll('a[href]').forEach(function (a) {
            if (a.getAttribute('href').trim() === '#')
                out.push(JSON.stringify(a.textContent.trim().replace(/\\s+/g, ' ')));
        });
        return out;""")


def audit(d, c, kind):
    """Run the checks of issue 12 on the current page (of page type kind,
    in the page's language) and keep what they find in c["audit"]; fails
    nothing itself, so that the scenario calling it goes on."""
    d.wait_for("document.readyState complete", d.page_ready)
    lang = d.execute("return document.documentElement.lang") or "?"
    key = f"{kind} ({lang})"
    where = f"{key} {url_path(d.url)}"
    a = c.setdefault("audit", {"pages": [], "axe": [], "layout": [], "focus": [],
                                "href": []})
    a["pages"].append((kind, lang))
    started = time.monotonic()
    try:
        if c.get("axe"):            # at 1280 px, the window's usual width
            a["axe"] += [f"{where}: {v}" for v in axe_violations(d, c)]
        a["layout"] += [f"{where}: {p}" for p in layout_problems(d, key)]
        a["focus"] += [f"{where}: {p}" for p in focus_changes(d, FOCUSABLE)]
        links = empty_links(d)
        if links:
            a["href"].append(f"{where}: {', '.join(links)}")
    except (Failure, WebDriverError) as e:
        a.setdefault("errors", []).append(f"{where}: {e}")
    a.setdefault("seconds", []).append(time.monotonic() - started)


def audit_get(d, c, kind, path, marker=None):
    """Open path on the portal, wait for marker, audit the page."""
    d.get(c["origin"] + path)
    d.wait_for("readyState complete", d.page_ready)
    if marker:
        d.el(marker)
    audit(d, c, kind)


def with_lang(url, lang="en"):
    """url with ?lang= (or &lang=) added."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query) + [("lang", lang)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def audit_report(c, check_name):
    """A report step's findings: fails listing them, one per line."""
    a = c.get("audit")
    if not a or not a["pages"]:
        raise Skip("no page was checked (run the other scenarios too)")
    errors = a.get("errors", [])
    found = a[check_name]
    check(not found and not errors,
          f"{len(found)} finding(s) on {len(set(a['pages']))} page types:\n"
          + "\n".join(found + [f"could not check: {e}" for e in errors]))


def print_a4(d, c, name):
    """The current page printed (WebDriver Print Page, A4: 21 x 29.7 cm,
    as the browser's print dialog would): (number of pages, the text of
    each page, or None without pdftotext). The PDF stays in the temporary
    directory as name.pdf (and goes to $E2E_SHOTS too)."""
    pdf = base64.b64decode(d.cmd("POST", "/print", {
        "page": {"width": 21.0, "height": 29.7}, "background": False}))
    path = os.path.join(c["tmp"], name + ".pdf")
    with open(path, "wb") as f:
        f.write(pdf)
    if os.environ.get("E2E_SHOTS"):
        shutil.copy(path, os.environ["E2E_SHOTS"])
    pdfinfo, pdftotext = find_program("pdfinfo"), find_program("pdftotext")
    pages = None
    if pdfinfo:         # poppler-utils (RATHAUS_PACKAGES)
        r = subprocess.run([pdfinfo, path], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True, timeout=WAIT)
        m = re.search(r"^Pages:\s+(\d+)", r.stdout, re.M)
        pages = m and int(m.group(1))
    if pages is None:   # the page objects, not the /Pages tree nodes
        pages = len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))
    if not pdftotext:
        return pages, None
    text = []
    for i in range(1, pages + 1):
        r = subprocess.run([pdftotext, "-f", str(i), "-l", str(i), "-enc", "UTF-8",
                            path, "-"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=WAIT)
        text.append(r.stdout.decode("utf-8", "replace"))
    return pages, text


def receipt_prints(d, c, name):
    """The receipt on the screen prints on one or two A4 pages with its
    reference on each; the pages' texts (None without pdftotext)."""
    ref = d.el(".ref-code").text.strip()
    pages, text = print_a4(d, c, name)
    c.setdefault("print", []).append(f"{name}: {pages} pages" + (
        "" if text is not None else " (no pdftotext: the reference on each not checked)"))
    check(1 <= pages <= 2, f"{name}: the receipt prints on {pages} A4 pages")
    if text is not None:
        # at the head of each page, and not just inside the status link
        head = re.compile(r"(?<![/\w-])" + re.escape(ref) + r"(?![\w-])")
        without = [i + 1 for i, t in enumerate(text)
                   if not head.search("\n".join([x for x in t.splitlines() if x.strip()][:5]))]
        check(not without, f"{name}: page(s) {without} of {pages} do not start with the"
              f" reference {ref}")
    return text


@T.step("print", "the business registration's receipt: 1-2 A4 pages, the reference on each")
def _(d, c):
    pay = c.get("gewerbe_pay")
    if not pay:
        raise Skip("the business registration led to no checkout (gewerbe)")
    d.get(pay.replace("/pay/", "/receipt/", 1))
    d.wait_for("readyState complete", d.page_ready)
    check("/receipt/" in d.url, f"URL {d.url} is no receipt")
    audit(d, c, "receipt")
    c["gewerbe_receipt"] = url_path(d.url)
    c["gewerbe_print"] = receipt_prints(d, c, "receipt-gewerbe")


@T.step("print", "'Jetzt bezahlen' prints with its absolute address")
def _(d, c):
    if "gewerbe_print" not in c:
        raise Skip("no receipt with a fee to pay (the step above)")
    if c["gewerbe_print"] is None:
        raise Skip("no pdftotext (package poppler-utils)")
    link = [a for a in d.find_all("p.payment a") if a.text.strip() == "Jetzt bezahlen"]
    check(link, "the receipt has no 'Jetzt bezahlen' link")
    href = link[0].prop("href")         # absolute, as the browser resolved it
    check(href.startswith(c["origin"] + "/cgi-bin/rathaus.cgi/pay/"), f"link to {href}")
    # pdftotext breaks a long address where the page does: join the lines
    printed = re.sub(r"\s+", "", "".join(c["gewerbe_print"]))
    check(href in printed, f"the printout lacks {href}: "
          + " ".join("".join(c["gewerbe_print"]).split())[-300:])


@T.step("error page", "the 404 page in German and English")
def _(d, c):
    path = "/cgi-bin/rathaus.cgi/services/gibt-es-nicht"
    for url in (path, with_lang(path)):
        d.get(c["origin"] + url)
        d.wait_for("readyState complete", d.page_ready)
        nav = navigation(d)
        check(nav is None or nav["status"] in (None, 404), f"{url}: HTTP status {nav!r}")
        check(d.find_all("main h1"), f"{url}: no heading")
        audit(d, c, "404")


@T.step("legal pages", "Impressum, Datenschutz, Barrierefreiheit from the footer, in German and English")
def _(d, c):
    for kind, text, marker in (("imprint", "Impressum", "Hauptstraße 193"),
                               ("privacy notice", "Datenschutz", "Art. 77"),
                               ("accessibility statement", "Barrierefreiheit",
                                "BITV 2.0")):
        d.get(c["origin"] + "/cgi-bin/rathaus.cgi/")
        d.wait_for("readyState complete", d.page_ready)
        link = [a for a in d.find_all(".site-footer a") if a.text.strip() == text]
        check(link, f"no footer link {text!r}")
        link[0].click()
        d.wait_for(f"the {kind}", lambda: marker in d.el("main").text)
        audit(d, c, kind)
        english = [a for a in d.find_all(".lang-switch a")]
        check(english, "no language switch")
        english[0].click()
        d.wait_for(f"the {kind} in English", lambda: d.execute(
            "return document.documentElement.lang") == "en")
        audit(d, c, kind)


@T.step("checks", "every page type was checked in German and English", alone=True)
def _(d, c):
    if os.environ.get("E2E_ONLY"):
        raise Skip("needs all scenarios (E2E_ONLY is set)")
    seen = set(c.get("audit", {}).get("pages", []))
    want = [(k, lang) for k in PAGE_TYPES for lang in ("de", "en")]
    want += [(k, "de") for k in STAFF_PAGE_TYPES]
    if "idp" not in c:
        want = [w for w in want if w[0] not in NEEDS_LOGIN]
    missing = [f"{k} ({lang})" for k, lang in want if (k, lang) not in seen]
    check(not missing, "not checked (a scenario failed before it got there?): "
          + ", ".join(missing))
    c["audited"] = f"{len(seen)} page types and languages in " + "%.1f s" % sum(
        c["audit"].get("seconds", []))


@T.step("checks", "axe-core, WCAG 2.1 AA (wcag2a, wcag2aa, wcag21a, wcag21aa): 0 violations",
        alone=True)
def _(d, c):
    if not c.get("axe"):
        raise Skip("no axe-core (AXE_JS; tools/check installs it: tools/lib.sh install_axe)")
    audit_report(c, "axe")


@T.step("checks", "no sideways scrolling, nothing beyond its container at 320, 768, 1280 px",
        alone=True)
def _(d, c):
    audit_report(c, "layout")


@T.step("checks", "every link, button, input, select, textarea, summary shows its focus",
        alone=True)
def _(d, c):
    audit_report(c, "focus")


@T.step("checks", 'no link with href="#"', alone=True)
def _(d, c):
    audit_report(c, "href")


# ---- main ---------------------------------------------------------------------------

def start_smtpd(tmp):
    """tests/mail/smtpd.py on a free port, for the clerk's mail check:
    (process, spool directory, port), or (None, None, why not)."""
    python = "/usr/bin/python3"       # Debian's, with python3-aiosmtpd
    script = os.path.join(TOP, "tests", "mail", "smtpd.py")
    if not os.access(python, os.X_OK) or not os.path.exists(script):
        return None, None, f"no {python} or {script}"
    if subprocess.run([python, "-c", "import aiosmtpd"], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        return None, None, "no python3-aiosmtpd"
    import select
    spool = os.path.join(tmp, "mail")
    os.mkdir(spool)
    port = free_port()
    with open(os.path.join(tmp, "smtpd.log"), "wb") as log:
        proc = subprocess.Popen([python, script, "--port", str(port), "--dir", spool],
                                stdout=subprocess.PIPE, stderr=log,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    # "ready" once it listens; its stdout stays open until it is stopped
    ready = select.select([proc.stdout], [], [], WAIT)[0]
    if not ready or proc.stdout.readline().strip() != b"ready":
        stop_helper(proc)
        return None, None, "smtpd.py did not start (see smtpd.log with KEEP_E2E=1)"
    return proc, spool, port


# tests/paypal/standin.h's STANDIN_* defines
STANDIN = {"client_id": "rathaus-test-client", "secret": "s3cr3t-never-shown",
           "webhook_id": "WH7STANDIN0TEST"}


def start_standin(tmp):
    """tests/paypal/standin.py (PayPal's REST API, standard library only)
    on a free port, for the checkout: (process, its base URL), or
    (None, why not)."""
    import select
    script = os.path.join(TOP, "tests", "paypal", "standin.py")
    if not os.path.exists(script):
        return None, f"no {script}"
    port = free_port()
    with open(os.path.join(tmp, "standin.log"), "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, script, "--port", str(port), "--verbose",
             "--client-id", STANDIN["client_id"], "--secret", STANDIN["secret"],
             "--webhook-id", STANDIN["webhook_id"]],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
            start_new_session=True)
    ready = select.select([proc.stdout], [], [], WAIT)[0]
    if not ready or proc.stdout.readline().strip() != b"ready":
        stop_helper(proc)
        return None, "standin.py did not start (see standin.log with KEEP_E2E=1)"
    return proc, f"http://127.0.0.1:{port}"


def start_idp(tmp, portal_port):
    """tools/idp/server.mjs (oidc-provider, the demo's service account)
    on a free port, registered for the portal on portal_port: (process,
    its issuer URL), or (None, why not). Modules from $IDP_DIR, else
    .cache/idp of the source tree (tools/check installs them there)."""
    import select
    node = os.environ.get("IDP_NODE") or find_program("node", "nodejs")
    if not node:
        return None, "no node"
    script = os.path.join(TOP, "tools", "idp", "server.mjs")
    modules = os.environ.get("IDP_DIR") or os.path.join(TOP, ".cache", "idp")
    if not os.path.isdir(os.path.join(modules, "node_modules")):
        return None, f"no modules in {modules} (tools/lib.sh install_idp)"
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    portal = f"http://127.0.0.1:{portal_port}"
    with open(os.path.join(tmp, "idp.log"), "wb") as log:
        proc = subprocess.Popen(
            [node, script, "--port", str(port), "--issuer", issuer,
             "--redirect-uri", portal + "/oidc/callback",
             "--post-logout-uri", portal + "/cgi-bin/rathaus.cgi/"],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
            env=dict(os.environ, IDP_DIR=modules), start_new_session=True)
    ready = select.select([proc.stdout], [], [], WAIT)[0]
    if not ready or proc.stdout.readline().strip() != b"ready":
        stop_helper(proc)
        return None, "server.mjs did not start (see idp.log with KEEP_E2E=1)"
    return proc, issuer


def stop_helper(proc):
    """Stop smtpd.py or standin.py (SIGTERM, then SIGKILL)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    proc.stdout.close()


def main():
    chromium = find_program("chromium", "chromium-browser")
    chromedriver = find_program("chromedriver")
    apache = find_program("apache2")
    cgi = os.path.join(BUILD, "cgi-bin", "rathaus.cgi")
    missing = [n for n, p in (("chromium", chromium), ("chromedriver", chromedriver),
                              ("apache2", apache)) if not p]
    if missing:
        print(f"1..0 # SKIP no {', '.join(missing)} (tools/check installs them)")
        return 0
    if not os.access(cgi, os.X_OK):
        print(f"1..0 # SKIP no {cgi}: build first")
        return 0

    started = time.monotonic()
    for old in os.listdir(BUILD):          # screenshots of an earlier run
        if re.fullmatch(r"e2e-failure-\d+\.png", old):
            os.remove(os.path.join(BUILD, old))
    tmp = tempfile.mkdtemp(prefix="rathaus-e2e-", dir=os.environ.get("TMPDIR") or "/tmp")
    os.chmod(tmp, 0o755)
    site = os.path.join(tmp, "site")
    instance = os.path.join(TOP, "tools", "instance")
    env = dict(os.environ, BUILDDIR=BUILD)
    up = False
    d = None
    smtpd = None
    paypal = None
    idp = None
    ctx = {}
    try:
        smtpd, spool, smtp_port_or_why = start_smtpd(tmp)
        if smtpd:
            env["SMTP_URL"] = f"smtp://127.0.0.1:{smtp_port_or_why}"
            ctx["spool"] = spool
        else:
            ctx["mail_skip"] = smtp_port_or_why
        paypal, api_or_why = start_standin(tmp)
        if paypal:
            env.update(PAY_METHODS="paypal transfer counter", PAYPAL_API=api_or_why,
                       PAYPAL_CLIENT_ID=STANDIN["client_id"],
                       PAYPAL_SECRET=STANDIN["secret"],
                       PAYPAL_WEBHOOK_ID=STANDIN["webhook_id"], PAYPAL_TIMEOUT="5")
            ctx["standin"] = api_or_why
        else:
            ctx["standin_skip"] = api_or_why
        # A port free when picked may be taken by another test before
        # Apache binds it (tools/instance exits 3): another port, with a
        # provider registered for it.
        for attempt in range(5):
            port = free_port()
            idp, idp_or_why = start_idp(tmp, port)
            if idp:
                env["IDP_URL"] = idp_or_why
                ctx["idp"] = idp_or_why
            else:
                env.pop("IDP_URL", None)
                ctx["idp_skip"] = idp_or_why
            r = subprocess.run([instance, "start", site, str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
            if r.returncode != 3 or attempt == 4:
                break
            if idp:
                stop_helper(idp)
        if r.returncode != 0:
            print("1..0 # SKIP tools/instance start failed")
            for line in r.stdout.splitlines():
                print(f"# {line}")
            return 99
        up = True
        axe = axe_js()
        try:
            d = Driver(chromedriver, chromium, tmp)
        except Exception as e:
            print("Bail out! WebDriver session failed: "
                  + " ".join(str(e).split())[:300])
            return 99
        print(f"# Chromium {d.version}, portal on 127.0.0.1:{port}, mail "
              + (env["SMTP_URL"] if smtpd else "off: " + ctx["mail_skip"])
              + ", PayPal " + (ctx.get("standin") or "off: " + ctx["standin_skip"])
              + ", login " + (ctx.get("idp") or "off: " + ctx["idp_skip"])
              + ", axe-core " + (axe or "off: no AXE_JS"))
        ctx.update(origin=f"http://127.0.0.1:{port}", tmp=tmp, site=site, axe=axe)
        T.run(d, ctx)
        for key in ("date_order", "date_by_script", "oster_focus_on_load",
                    "error_link_lands_at", "edit_lands_at", "after_add_row",
                    "gewerbe_after_send", "after_week", "girocode", "paid_nav", "csp_blocked", "paid_history",
                    "paypal_failure", "failure_history", "retry_history",
                    "clerk_url_keeps_password", "textareas_on_load", "after_save",
                    "refused_status", "mails", "print", "audited"):
            if key in ctx:
                print(f"# {key}: {ctx[key]}")
        print(f"# {T.n} steps in {time.monotonic() - started:.1f} s")
        return 1 if T.failed else 0
    finally:
        if d is not None:
            d.quit()
        if up:
            subprocess.run([instance, "stop", site], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if smtpd is not None:
            stop_helper(smtpd)
        if paypal is not None:
            stop_helper(paypal)
        if idp is not None:
            stop_helper(idp)
        if os.environ.get("KEEP_E2E"):
            print(f"# kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
