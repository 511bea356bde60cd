#!/usr/bin/env python3
"""A local stand-in for PayPal's REST API, for the tests (standard library).

Serves on 127.0.0.1:<port> the calls rathaus makes, in PayPal's request
and response shapes: /v1/oauth2/token, /v2/checkout/orders (create, get,
capture), /v1/notifications/verify-webhook-signature, the payer's page
/checkoutnow, and /__control and /__webhook to steer it. Prints "ready"
when it listens; stops on SIGTERM. See tests/paypal/README.md.
"""

import argparse
import base64
import datetime
import json
import secrets
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("token_error", "timeout", "server_error", "malformed", "declined",
         "amount_mismatch", "foreign_link", "pending")
# Where a mode strikes unless /__control names the endpoint (on=...).
MODE_ENDPOINT = {"token_error": "token", "declined": "capture",
                 "amount_mismatch": "capture", "foreign_link": "orders",
                 "pending": "refund"}
ENDPOINTS = ("token", "orders", "capture", "refund", "verify")


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def new_id(n=17):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(n))


def money_ok(m):
    """A PayPal money object: 3-letter currency, value with <= 2 decimals."""
    if not isinstance(m, dict) or not isinstance(m.get("value"), str):
        return None
    cur = m.get("currency_code")
    if not isinstance(cur, str) or len(cur) != 3:
        return None
    v = m["value"]
    if not v or v.strip() != v or v.startswith(("+", "-")):
        return None
    try:
        d = Decimal(v)
    except InvalidOperation:
        return None
    if d < 0 or d.as_tuple().exponent < -2:
        return None
    return d


def error_body(status, name, issue, description):
    return {"name": name, "message": description,
            "debug_id": new_id(13).lower(),
            "details": [{"issue": issue, "description": description}],
            "links": []}


class State:
    """Everything the stand-in remembers; one lock for all of it."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.tokens = {}            # access_token -> expiry (monotonic)
        self.orders = {}            # id -> order dict
        self.by_request = {}        # (endpoint, PayPal-Request-Id) -> reply
        self.captures = {}          # order id -> capture reply
        self.refunds = 0            # refunds made
        self.counts = {e: 0 for e in ENDPOINTS}
        self.modes = []             # [mode, endpoint or None, remaining]
        self.webhooks = []          # what /__webhook sent and got back

    def take_mode(self, endpoint):
        """The failure mode for this call, if one was set for it."""
        with self.lock:
            for m in self.modes:
                name, on, left = m
                target = on or MODE_ENDPOINT.get(name)
                if target not in (None, endpoint) or left <= 0:
                    continue
                m[2] -= 1
                self.modes = [x for x in self.modes if x[2] > 0]
                return name
        return None


class Handler(BaseHTTPRequestHandler):
    server_version = "paypal-standin/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet unless --verbose
        if self.server.state.args.verbose:
            sys.stderr.write("standin: " + (fmt % args) + "\n")

    # --- plumbing -------------------------------------------------------
    @property
    def st(self):
        return self.server.state

    def body(self):
        """The request body, read once; every answer drains it first, so
        that a kept-alive connection stays in step."""
        if getattr(self, "_body", None) is None:
            n = int(self.headers.get("Content-Length") or 0)
            self._body = self.rfile.read(n) if n > 0 else b""
        return self._body

    def parse_request(self):
        self._body = None  # one handler serves a connection's requests
        return super().parse_request()

    def send(self, status, obj=None, raw=None, headers=()):
        self.body()
        data = raw if raw is not None else (
            b"" if obj is None else json.dumps(obj).encode())
        self.send_response(status)
        if raw is None and obj is not None:
            self.send_header("Content-Type", "application/json")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def fail_generic(self, endpoint):
        """The modes any endpoint may suffer; True when one was served."""
        mode = self.st.take_mode(endpoint)
        if mode == "timeout":
            time.sleep(self.st.args.sleep)
            try:  # the client gave up long ago
                self.send(504, error_body(504, "GATEWAY_TIMEOUT", "TIMEOUT",
                                          "stand-in slept"))
            except OSError:
                self.close_connection = True
            return True
        if mode == "server_error":
            self.send(500, error_body(500, "INTERNAL_SERVER_ERROR",
                                      "INTERNAL_SERVICE_ERROR",
                                      "An internal server error occurred."))
            return True
        if mode == "malformed":
            self.send(200, raw=b'{"id": "broken", "status": ',
                      headers=[("Content-Type", "application/json")])
            return True
        if mode == "token_error":
            self.send(401, {"error": "invalid_client",
                            "error_description":
                            "Client Authentication failed"})
            return True
        return mode  # declined, amount_mismatch or None: the caller's

    def bearer_ok(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return False
        with self.st.lock:
            exp = self.st.tokens.get(auth[7:])
        return exp is not None and exp > time.monotonic()

    def unauthorized(self):
        self.send(401, {"error": "invalid_token",
                        "error_description":
                        "Token signature verification failed"})

    def json_body(self):
        try:
            v = json.loads(self.body() or b"null")
        except ValueError:
            return None
        return v

    # --- routes ---------------------------------------------------------
    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        if u.path == "/__control":
            return self.control(q)
        if u.path == "/__webhook":
            return self.webhook_send(q)
        if u.path == "/checkoutnow":
            return self.checkoutnow(q)
        if u.path.startswith("/v2/checkout/orders/"):
            if not self.bearer_ok():
                return self.unauthorized()
            oid = u.path.rsplit("/", 1)[1]
            with self.st.lock:
                o = self.st.orders.get(oid)
            if o is None:
                return self.not_found(oid)
            return self.send(200, self.order_view(o))
        self.send(404, error_body(404, "NOT_FOUND", "NOT_FOUND", u.path))

    def do_POST(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        if u.path == "/__control":
            body = self.json_body() or {}
            q.update({k: str(v) for k, v in body.items()} if
                     isinstance(body, dict) else {})
            return self.control(q)
        if u.path == "/v1/oauth2/token":
            return self.token()
        if u.path == "/v2/checkout/orders":
            return self.create()
        parts = u.path.split("/")
        if (len(parts) == 6 and u.path.startswith("/v2/checkout/orders/")
                and parts[5] == "capture"):
            return self.capture(parts[4])
        if (len(parts) == 6 and u.path.startswith("/v2/payments/captures/")
                and parts[5] == "refund"):
            return self.refund(parts[4])
        if u.path == "/v1/notifications/verify-webhook-signature":
            return self.verify()
        self.send(404, error_body(404, "NOT_FOUND", "NOT_FOUND", u.path))

    def control(self, q):
        """Set a failure mode (fail=MODE[&on=ENDPOINT][&count=N]), reset
        (reset=1), and always answer the counts and modes as JSON."""
        with self.st.lock:
            if q.get("reset"):
                self.st.counts = {e: 0 for e in ENDPOINTS}
                self.st.modes = []
            mode = q.get("fail")
            if mode is not None:
                on = q.get("on") or None
                if mode not in MODES or (on and on not in ENDPOINTS):
                    return self.send(400, {"error": "unknown mode or on"})
                self.st.modes.append([mode, on, int(q.get("count", "1"))])
            reply = {"requests": dict(self.st.counts),
                     "orders": len(self.st.orders),
                     "captures": len(self.st.captures),
                     "refunds": self.st.refunds,
                     "modes": [m[0] for m in self.st.modes],
                     "webhooks": self.st.webhooks[-10:]}
        self.send(200, reply)

    def token(self):
        with self.st.lock:
            self.st.counts["token"] += 1
        if self.fail_generic("token") is True:
            return
        auth = self.headers.get("Authorization", "")
        want = base64.b64encode(("%s:%s" % (
            self.st.args.client_id, self.st.args.secret)).encode()).decode()
        form = dict(urllib.parse.parse_qsl(self.body().decode("latin-1")))
        if auth != "Basic " + want:
            return self.send(401, {"error": "invalid_client",
                                   "error_description":
                                   "Client Authentication failed"})
        if form.get("grant_type") != "client_credentials":
            return self.send(400, {"error": "unsupported_grant_type",
                                   "error_description":
                                   "Grant Type is NULL"})
        tok = "A21AA" + secrets.token_urlsafe(60)
        with self.st.lock:
            self.st.tokens[tok] = time.monotonic() + self.st.args.expires_in
        self.send(200, {
            "scope": "https://uri.paypal.com/services/payments/payment",
            "access_token": tok, "token_type": "Bearer",
            "app_id": "APP-80W284485P519543T",
            "expires_in": self.st.args.expires_in,
            "nonce": now_iso() + new_id(20)})

    def check_order(self, req):
        """PayPal's main checks of an order request; None or an issue."""
        if not isinstance(req, dict) or req.get("intent") != "CAPTURE":
            return "INVALID_PARAMETER_VALUE"
        pus = req.get("purchase_units")
        if not isinstance(pus, list) or len(pus) != 1:
            return "INVALID_PARAMETER_VALUE"
        amount = pus[0].get("amount")
        total = money_ok(amount)
        if total is None or total <= 0:
            return "INVALID_PARAMETER_VALUE"
        cur = amount["currency_code"]
        it = (amount.get("breakdown") or {}).get("item_total")
        items = pus[0].get("items")
        if items is not None:
            if it is None:
                return "ITEM_TOTAL_REQUIRED"
            s = Decimal(0)
            for i in items:
                u = money_ok(i.get("unit_amount"))
                q = i.get("quantity")
                if (u is None or not isinstance(q, str) or not q.isdigit()
                        or not i.get("name") or len(i["name"]) > 127
                        or i["unit_amount"]["currency_code"] != cur):
                    return "INVALID_PARAMETER_VALUE"
                s += u * int(q)
            if money_ok(it) != s or it["currency_code"] != cur:
                return "ITEM_TOTAL_MISMATCH"
        if it is not None and money_ok(it) != total:
            return "AMOUNT_MISMATCH"
        ctx = (((req.get("payment_source") or {}).get("paypal") or {})
               .get("experience_context") or req.get("application_context")
               or {})
        if not ctx.get("return_url") or not ctx.get("cancel_url"):
            return "MISSING_REQUIRED_PARAMETER"
        return None

    def order_view(self, o):
        base = "http://127.0.0.1:%d" % self.server.server_address[1]
        api = base + "/v2/checkout/orders/" + o["id"]
        links = [{"href": api, "rel": "self", "method": "GET"},
                 {"href": ("https://pay.example" if o.get("foreign") else base)
                  + "/checkoutnow?token=" + o["id"],
                  "rel": "payer-action" if o["via_source"] else "approve",
                  "method": "GET"}]
        if not o["via_source"]:
            links.append({"href": api, "rel": "update", "method": "PATCH"})
        links.append({"href": api + "/capture", "rel": "capture",
                      "method": "POST"})
        status = o["status"]
        if status == "CREATED" and o["via_source"]:
            status = "PAYER_ACTION_REQUIRED"
        v = {"id": o["id"], "intent": "CAPTURE", "status": status,
             "purchase_units": o["purchase_units"], "links": links,
             "create_time": o["create_time"]}
        if o["via_source"]:
            v["payment_source"] = {"paypal": {}}
        return v

    def create(self):
        with self.st.lock:
            self.st.counts["orders"] += 1
        if not self.bearer_ok():
            return self.unauthorized()
        mode = self.fail_generic("orders")
        if mode is True:
            return
        rid = self.headers.get("PayPal-Request-Id")
        req = self.json_body()
        with self.st.lock:
            if rid and ("orders", rid) in self.st.by_request:
                oid = self.st.by_request[("orders", rid)]
                return self.send(200, self.order_view(self.st.orders[oid]))
        issue = self.check_order(req)
        if issue is not None:
            return self.send(422 if issue != "INVALID_PARAMETER_VALUE" and
                             issue != "MISSING_REQUIRED_PARAMETER" else 400,
                             error_body(422, "UNPROCESSABLE_ENTITY", issue,
                                        "The order request is not valid."))
        pu = dict(req["purchase_units"][0])
        pu.setdefault("reference_id", "default")
        ctx = (((req.get("payment_source") or {}).get("paypal") or {})
               .get("experience_context") or req.get("application_context"))
        o = {"id": new_id(), "status": "CREATED", "purchase_units": [pu],
             "return_url": ctx["return_url"], "cancel_url": ctx["cancel_url"],
             "via_source": "payment_source" in req,
             "foreign": mode == "foreign_link",
             "create_time": now_iso()}
        with self.st.lock:
            if rid and ("orders", rid) in self.st.by_request:  # a race
                oid = self.st.by_request[("orders", rid)]
                return self.send(200, self.order_view(self.st.orders[oid]))
            self.st.orders[o["id"]] = o
            if rid:
                self.st.by_request[("orders", rid)] = o["id"]
        self.send(201, self.order_view(o))

    def not_found(self, oid):
        self.send(404, error_body(404, "RESOURCE_NOT_FOUND",
                                  "INVALID_RESOURCE_ID",
                                  "Specified resource ID does not exist."))

    def checkoutnow(self, q):
        """The payer approves: the order is APPROVED, back to return_url."""
        oid = q.get("token", "")
        with self.st.lock:
            o = self.st.orders.get(oid)
            if o is not None and o["status"] == "CREATED":
                o["status"] = "APPROVED"
        if o is None:
            return self.send(404, raw=b"unknown order\n",
                             headers=[("Content-Type", "text/plain")])
        back = o["cancel_url"] if q.get("cancel") else o["return_url"]
        sep = "&" if "?" in back else "?"
        loc = back + sep + urllib.parse.urlencode(
            {"token": oid, "PayerID": "TESTPAYER"})
        self.send(302, raw=b"", headers=[("Location", loc)])

    def capture(self, oid):
        with self.st.lock:
            self.st.counts["capture"] += 1
        if not self.bearer_ok():
            return self.unauthorized()
        mode = self.fail_generic("capture")
        if mode is True:
            return
        self.body()
        rid = self.headers.get("PayPal-Request-Id")
        with self.st.lock:
            o = self.st.orders.get(oid)
            if rid and ("capture", rid) in self.st.by_request:
                return self.send(201, self.st.by_request[("capture", rid)])
            if o is not None and oid in self.st.captures:
                return self.send(201, self.st.captures[oid])
        if o is None:
            return self.not_found(oid)
        if o["status"] != "APPROVED":
            return self.send(422, error_body(
                422, "UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED",
                "Payer has not yet approved the Order for payment."))
        amount = dict(o["purchase_units"][0]["amount"])
        amount.pop("breakdown", None)
        status = "COMPLETED"
        if mode == "declined":
            status = "DECLINED"
        if mode == "amount_mismatch":
            amount["value"] = str(money_ok(amount) - Decimal("1.00"))
        cap = {"id": new_id(17), "status": status, "amount": amount,
               "final_capture": True,
               "seller_protection": {"status": "NOT_ELIGIBLE"},
               "create_time": now_iso(), "update_time": now_iso()}
        if status == "DECLINED":
            cap["status_details"] = {"reason": "DECLINED_BY_RISK_FRAUD"}
        pu = {"reference_id": o["purchase_units"][0]["reference_id"],
              "payments": {"captures": [cap]}}
        reply = {"id": oid, "status": "COMPLETED" if status == "COMPLETED"
                 else "APPROVED",
                 "payment_source": {"paypal": {"account_id": "TESTPAYER"}},
                 "purchase_units": [pu],
                 "payer": {"payer_id": "TESTPAYER"},
                 "links": [{"href": "http://127.0.0.1:%d/v2/checkout/orders/%s"
                            % (self.server.server_address[1], oid),
                            "rel": "self", "method": "GET"}]}
        if self.headers.get("Prefer", "") != "return=representation":
            reply = {"id": oid, "status": reply["status"],
                     "links": reply["links"]}
        with self.st.lock:
            if status == "COMPLETED":
                o["status"] = "COMPLETED"
                o["capture"] = cap
                self.st.captures[oid] = reply
            if rid:
                self.st.by_request[("capture", rid)] = reply
        self.send(201, reply)

    def refund(self, cap_id):
        """Refund a capture whole: COMPLETED (PENDING, FAILED when told);
        the same PayPal-Request-Id gives the same refund; a second refund
        of the capture is 422 CAPTURE_FULLY_REFUNDED."""
        with self.st.lock:
            self.st.counts["refund"] += 1
        if not self.bearer_ok():
            return self.unauthorized()
        mode = self.fail_generic("refund")
        if mode is True:
            return
        rid = self.headers.get("PayPal-Request-Id")
        with self.st.lock:
            if rid and ("refund", rid) in self.st.by_request:
                return self.send(201, self.st.by_request[("refund", rid)])
            o = next((x for x in self.st.orders.values()
                      if (x.get("capture") or {}).get("id") == cap_id), None)
            if o is None:
                return self.send(404, error_body(
                    404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID",
                    "Specified resource ID does not exist."))
            if o.get("refunded"):
                return self.send(422, error_body(
                    422, "UNPROCESSABLE_ENTITY", "CAPTURE_FULLY_REFUNDED",
                    "The capture has already been fully refunded"))
            status = {"declined": "FAILED", "pending": "PENDING"}.get(
                mode, "COMPLETED")
            reply = {"id": new_id(17), "status": status,
                     "amount": o["capture"]["amount"],
                     "links": [{"href": "http://127.0.0.1:%d/v2/payments/"
                                "refunds/x" % self.server.server_address[1],
                                "rel": "self", "method": "GET"}]}
            if status != "FAILED":
                o["refunded"] = True
                self.st.refunds += 1
            if rid:
                self.st.by_request[("refund", rid)] = reply
        self.send(201, reply)

    def verify(self):
        with self.st.lock:
            self.st.counts["verify"] += 1
        if not self.bearer_ok():
            return self.unauthorized()
        if self.fail_generic("verify") is True:
            return
        req = self.json_body()
        need = ("auth_algo", "cert_url", "transmission_id",
                "transmission_sig", "transmission_time", "webhook_id")
        if (not isinstance(req, dict) or
                any(not isinstance(req.get(k), str) for k in need) or
                not isinstance(req.get("webhook_event"), dict)):
            return self.send(400, error_body(
                400, "VALIDATION_ERROR", "MISSING_REQUIRED_PARAMETER",
                "Invalid request - see details"))
        ok = (req["transmission_sig"] == "valid-" + req["transmission_id"]
              and req["webhook_id"] == self.st.args.webhook_id)
        self.send(200, {"verification_status":
                        "SUCCESS" if ok else "FAILURE"})

    def webhook_send(self, q):
        """POST a signed event about an order to url (loopback only)."""
        url = q.get("url", "")
        host = urllib.parse.urlsplit(url).hostname
        if not url.startswith("http://") or host not in ("127.0.0.1", "::1"):
            return self.send(400, {"error": "url must be http://127.0.0.1"})
        etype = q.get("type", "PAYMENT.CAPTURE.COMPLETED")
        with self.st.lock:
            o = self.st.orders.get(q.get("order", ""))
            cap = (o or {}).get("capture")
        if o is None:
            return self.send(404, {"error": "unknown order"})
        amount = dict(o["purchase_units"][0]["amount"])
        amount.pop("breakdown", None)
        cap_id = cap["id"] if cap else new_id(17)
        resource = {"id": cap_id, "amount": amount, "final_capture": True,
                    "status": {"PAYMENT.CAPTURE.COMPLETED": "COMPLETED",
                               "PAYMENT.CAPTURE.DENIED": "DECLINED",
                               "PAYMENT.CAPTURE.REFUNDED": "COMPLETED"}
                    .get(etype, "COMPLETED"),
                    "supplementary_data": {"related_ids":
                                           {"order_id": o["id"]}},
                    "create_time": now_iso(), "update_time": now_iso()}
        rtype = "capture"
        if etype == "PAYMENT.CAPTURE.REFUNDED":
            # As PayPal's: a refund names no order, only its capture,
            # through the link "up".
            rtype = "refund"
            base = "http://127.0.0.1:%d" % self.server.server_address[1]
            resource["id"] = new_id(17)
            resource["status"] = "COMPLETED"
            del resource["supplementary_data"]
            del resource["final_capture"]
            resource["links"] = [
                {"href": base + "/v2/payments/refunds/" + resource["id"],
                 "rel": "self", "method": "GET"},
                {"href": base + "/v2/payments/captures/" + cap_id,
                 "rel": "up", "method": "GET"}]
        event = {"id": q.get("event") or "WH-" + new_id(8) + "-" + new_id(17),
                 "event_version": "1.0", "create_time": now_iso(),
                 "resource_type": rtype, "resource_version": "2.0",
                 "event_type": etype,
                 "summary": "Payment " + etype.rsplit(".", 1)[1].lower(),
                 "resource": resource, "links": []}
        tid = q.get("transmission") or secrets.token_hex(16)
        sig = "valid-" + tid if q.get("sig") != "bad" else "forged-" + tid
        data = json.dumps(event).encode()
        headers = {
            "Content-Type": "application/json",
            "PAYPAL-TRANSMISSION-ID": tid,
            "PAYPAL-TRANSMISSION-TIME": now_iso(),
            "PAYPAL-TRANSMISSION-SIG": sig,
            "PAYPAL-CERT-URL": "https://api.sandbox.paypal.com/v1/"
                               "notifications/certs/CERT-360caa42-"
                               "fca2a594-standin",
            "PAYPAL-AUTH-ALGO": "SHA256withRSA"}
        results = []
        for _ in range(max(1, min(int(q.get("times", "1")), 5))):
            r = urllib.request.Request(url, data=data, method="POST",
                                       headers=headers)
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            try:
                with opener.open(r, timeout=self.st.args.sleep + 5) as resp:
                    results.append(resp.status)
            except urllib.error.HTTPError as e:
                results.append(e.code)
            except OSError as e:
                results.append(str(e))
        rec = {"event_id": event["id"], "transmission_id": tid,
               "type": etype, "statuses": results}
        with self.st.lock:
            self.st.webhooks.append(rec)
        self.send(200, dict(rec, headers=headers, body=data.decode()))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--client-id", default="test-client")
    p.add_argument("--secret", default="test-secret")
    p.add_argument("--webhook-id", default="WH0TESTSTANDIN")
    p.add_argument("--expires-in", type=int, default=32400)
    p.add_argument("--sleep", type=float, default=5.0,
                   help="seconds the timeout mode sleeps")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("ready", flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()


if __name__ == "__main__":
    main()
