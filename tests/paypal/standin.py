#!/usr/bin/env python3
"""A local stand-in for PayPal's REST API, for the tests (standard library).

Serves on 127.0.0.1:<port> the calls rathaus makes, in PayPal's request
and response shapes and with its published errors: /v1/oauth2/token,
/v2/checkout/orders (create, get, capture), /v2/payments/captures (get,
refund), /v1/notifications/verify-webhook-signature, the payer's page
/checkoutnow, and /__control and /__webhook to steer it. Prints "ready"
when it listens; stops on SIGTERM. See tests/paypal/README.md for what it
follows and where PayPal documents it.
"""

import argparse
import base64
import datetime
import json
import re
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
         "amount_mismatch", "foreign_link", "pending", "lost")
# Where a mode strikes unless /__control names the endpoint (on=...).
MODE_ENDPOINT = {"token_error": "token", "declined": "capture",
                 "amount_mismatch": "capture", "foreign_link": "orders",
                 "pending": "refund", "lost": "capture"}
ENDPOINTS = ("token", "orders", "capture", "refund", "verify", "get")

# PayPal's error names and their messages (developer.paypal.com, "API
# responses" and the Orders v2 error pages; see the README).
MESSAGES = {
    "INVALID_REQUEST": "Request is not well-formed, syntactically "
                       "incorrect, or violates schema.",
    "AUTHENTICATION_FAILURE": "Authentication failed due to invalid "
                              "authentication credentials or a missing "
                              "Authorization header.",
    "RESOURCE_NOT_FOUND": "The specified resource does not exist.",
    "UNPROCESSABLE_ENTITY": "The requested action could not be performed,"
                            " semantically incorrect, or failed business "
                            "validation.",
    "INTERNAL_SERVER_ERROR": "An internal server error occurred.",
    "GATEWAY_TIMEOUT": "The server did not answer in time.",
}
STATUS_OF = {"INVALID_REQUEST": 400, "AUTHENTICATION_FAILURE": 401,
             "RESOURCE_NOT_FOUND": 404, "UNPROCESSABLE_ENTITY": 422,
             "INTERNAL_SERVER_ERROR": 500, "GATEWAY_TIMEOUT": 504}
# The issues' descriptions, as PayPal words them.
ISSUES = {
    "MALFORMED_REQUEST_JSON": "The request JSON is not well formed.",
    "MISSING_REQUIRED_PARAMETER": "A required field / parameter is "
                                  "missing.",
    "INVALID_PARAMETER_SYNTAX": "The value of a field does not conform to "
                                "the expected format.",
    "INVALID_PARAMETER_VALUE": "The value of a field is invalid.",
    "INVALID_STRING_LENGTH": "The value of a field is either too short or "
                             "too long.",
    "DECIMAL_PRECISION": "If the currency supports decimals, only two "
                         "decimal place precision is supported.",
    "CANNOT_BE_ZERO_OR_NEGATIVE": "Must be greater than zero.",
    "CANNOT_BE_NEGATIVE": "Must be greater than or equal to 0.",
    "ITEM_TOTAL_REQUIRED": "If item details are specified (items.unit_amount"
                           " and items.quantity) corresponding "
                           "amount.breakdown.item_total is required.",
    "ITEM_TOTAL_MISMATCH": "Should equal sum of (unit_amount * quantity) "
                           "across all items for a given purchase_unit.",
    "AMOUNT_MISMATCH": "Should equal item_total + tax_total + shipping + "
                       "handling + insurance - shipping_discount - "
                       "discount.",
    "MULTI_CURRENCY_ORDER": "Multiple differing values of currency_code are"
                            " not supported. Entire Order request must have"
                            " the same currency_code.",
    "UNSUPPORTED_INTENT": "The stand-in supports intent CAPTURE only.",
    "DUPLICATE_INVOICE_ID": "Duplicate Invoice ID detected. To avoid a "
                            "potential duplicate transaction your account "
                            "setting requires that Invoice Id be unique "
                            "for each transaction.",
    "ORDER_NOT_APPROVED": "Payer has not yet approved the Order for "
                          "payment.",
    "ORDER_ALREADY_CAPTURED": "Order already captured.If 'intent=CAPTURE' "
                              "only one capture per order is allowed.",
    "INVALID_RESOURCE_ID": "Specified resource ID does not exist. Please "
                           "check the resource ID and try again.",
    "CAPTURE_FULLY_REFUNDED": "The capture has already been fully "
                              "refunded",
    "REFUND_AMOUNT_EXCEEDED": "The refund amount must be less than or equal"
                              " to the capture amount that has not yet "
                              "been refunded.",
    "REFUND_CAPTURE_CURRENCY_MISMATCH": "Refund must be in the same "
                                        "currency as the capture.",
    "INTERNAL_SERVICE_ERROR": "An internal service error has occurred.",
    "TIMEOUT": "stand-in slept",
}
# An item's quantity: "a whole number", a string of 1 to 10 digits.
QUANTITY = re.compile(r"^[1-9][0-9]{0,9}$")
# A money value as PayPal's schema writes it.
VALUE = re.compile(r"^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$")
# The parts of an amount's breakdown that add (+1) or take off (-1).
BREAKDOWN = (("item_total", 1), ("tax_total", 1), ("shipping", 1),
             ("handling", 1), ("insurance", 1), ("shipping_discount", -1),
             ("discount", -1))


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def new_id(n=17):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(n))


def error_body(name, issue=None, field=None, value=None):
    """PayPal's error object: name, message, debug_id, details, links."""
    body = {"name": name, "message": MESSAGES[name],
            "debug_id": new_id(13).lower(), "details": [],
            "links": [{"href": "https://developer.paypal.com/api/rest/"
                       "reference/orders/v2/errors/#link-" +
                       (issue or name).lower(),
                       "rel": "information_link", "method": "GET"}]}
    if issue is not None:
        d = {}
        if field is not None:
            d["field"] = field
            if value is not None:
                d["value"] = value if isinstance(value, str) else \
                    json.dumps(value)
            d["location"] = "body"
        d["issue"] = issue
        d["description"] = ISSUES.get(issue, issue)
        body["details"].append(d)
    return body


class Refusal(Exception):
    """An error answer: PayPal's name, its issue and the field at fault."""

    def __init__(self, name, issue=None, field=None, value=None):
        super().__init__(issue or name)
        self.name, self.issue, self.field, self.value = \
            name, issue, field, value

    def body(self):
        return error_body(self.name, self.issue, self.field, self.value)


def money(m, field, negative_ok=False):
    """A money object's value as a Decimal, or a Refusal as PayPal's
    schema (400) and business rules (422) would say."""
    if not isinstance(m, dict):
        raise Refusal("INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", field)
    cur = m.get("currency_code")
    if cur is None:
        raise Refusal("INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER",
                      field + "/currency_code")
    if not isinstance(cur, str) or len(cur) != 3:
        raise Refusal("INVALID_REQUEST", "INVALID_STRING_LENGTH",
                      field + "/currency_code", cur)
    v = m.get("value")
    if v is None:
        raise Refusal("INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER",
                      field + "/value")
    if not isinstance(v, str) or not VALUE.match(v):
        raise Refusal("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX",
                      field + "/value", v)
    try:
        d = Decimal(v)
    except InvalidOperation:
        raise Refusal("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX",
                      field + "/value", v) from None
    return d


class State:
    """Everything the stand-in remembers; one lock for all of it."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.tokens = {}            # access_token -> expiry (monotonic)
        self.orders = {}            # id -> order dict
        self.capture_of = {}        # capture id -> order id
        # (endpoint, PayPal-Request-Id) -> what it made; PayPal keeps these
        # for its idempotency window, /__control?forget_requests=1 ends it.
        self.by_request = {}
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

    # --- captures and refunds (call with the lock held) -----------------
    @staticmethod
    def refunded(o, statuses=("COMPLETED",)):
        return sum((Decimal(r["amount"]["value"]) for r in o["refunds"]
                    if r["status"] in statuses), Decimal(0))

    def capture_status(self, o):
        """COMPLETED, PARTIALLY_REFUNDED or REFUNDED as the completed
        refunds have it; DECLINED as it was."""
        cap = o["capture"]
        if cap["status"] != "COMPLETED":
            return cap["status"]
        done = self.refunded(o)
        if done <= 0:
            return "COMPLETED"
        if done >= Decimal(cap["amount"]["value"]):
            return "REFUNDED"
        return "PARTIALLY_REFUNDED"

    def invoice_taken(self, invoice, but):
        """Whether a capture took money for `invoice` on another order."""
        if not invoice:
            return False
        return any(x is not but and x["capture"] is not None
                   and x["capture"]["status"] == "COMPLETED"
                   and x["purchase_units"][0].get("invoice_id") == invoice
                   for x in self.orders.values())

    def make_refund(self, o, amount=None, status="COMPLETED"):
        """A refund of `amount` (the rest when None): its dict, or a
        Refusal as PayPal's refund call answers."""
        cap = o["capture"]
        if cap is None or cap["status"] != "COMPLETED":
            raise Refusal("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        total = Decimal(cap["amount"]["value"])
        rest = total - self.refunded(o, ("COMPLETED", "PENDING"))
        if rest <= 0:
            raise Refusal("UNPROCESSABLE_ENTITY", "CAPTURE_FULLY_REFUNDED")
        if amount is None:
            amount = rest
        if amount <= 0:
            raise Refusal("UNPROCESSABLE_ENTITY",
                          "CANNOT_BE_ZERO_OR_NEGATIVE", "/amount/value")
        if amount > rest:
            raise Refusal("UNPROCESSABLE_ENTITY", "REFUND_AMOUNT_EXCEEDED",
                          "/amount/value", str(amount))
        r = {"id": new_id(17), "status": status,
             "amount": {"currency_code": cap["amount"]["currency_code"],
                        "value": "%.2f" % amount},
             "create_time": now_iso(), "update_time": now_iso()}
        if status != "FAILED":
            o["refunds"].append(r)
            self.refunds += 1
        return r


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

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def body(self):
        """The request body, read once; every answer drains it first, so
        that a kept-alive connection stays in step."""
        if getattr(self, "_body", None) is None:
            n = int(self.headers.get("Content-Length") or 0)
            self._body = self.rfile.read(n) if n > 0 else b""
        return self._body

    def parse_request(self):
        self._body = None  # one handler serves a connection's requests
        self._lost = False
        return super().parse_request()

    def send(self, status, obj=None, raw=None, headers=()):
        self.body()
        data = raw if raw is not None else (
            b"" if obj is None else json.dumps(obj).encode())
        if self._lost:
            # Done, but the answer never arrives: the client gave up.
            time.sleep(self.st.args.sleep)
            self.close_connection = True
        try:
            self.send_response(status)
            if raw is None and obj is not None:
                self.send_header("Content-Type", "application/json")
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True

    def refuse(self, r):
        self.send(STATUS_OF[r.name], r.body())

    def fail_generic(self, endpoint):
        """The modes any endpoint may suffer; True when one was served,
        else the mode (or None) for the endpoint to apply."""
        mode = self.st.take_mode(endpoint)
        if mode == "timeout":
            time.sleep(self.st.args.sleep)
            self.send(504, error_body("GATEWAY_TIMEOUT", "TIMEOUT"))
            return True
        if mode == "server_error":
            self.send(500, error_body("INTERNAL_SERVER_ERROR",
                                      "INTERNAL_SERVICE_ERROR"))
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
        if mode == "lost":
            self._lost = True
        return mode

    def api_call(self, endpoint):
        """Count the call and check its token: True when it may go on."""
        with self.st.lock:
            self.st.counts[endpoint] += 1
        auth = self.headers.get("Authorization", "")
        with self.st.lock:
            exp = self.st.tokens.get(auth[7:]) if \
                auth.startswith("Bearer ") else None
        if exp is None or exp <= time.monotonic():
            self.refuse(Refusal("AUTHENTICATION_FAILURE"))
            return False
        return True

    def json_body(self):
        try:
            return json.loads(self.body() or b"null")
        except ValueError:
            return None

    def request_id(self):
        return self.headers.get("PayPal-Request-Id") or None

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
        parts = u.path.split("/")
        if len(parts) == 5 and u.path.startswith(("/v2/checkout/orders/",
                                                  "/v2/payments/captures/")):
            return self.show(parts[2], parts[4])
        self.refuse(Refusal("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID"))

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
        self.refuse(Refusal("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID"))

    def control(self, q):
        """Set a failure mode (fail=MODE[&on=ENDPOINT][&count=N]), reset
        (reset=1), end the idempotency window (forget_requests=1), refund
        at PayPal without a notice (refund=ORDER-or-CAPTURE[&amount=X]),
        show an order (order=ID); always answer the counts and modes."""
        with self.st.lock:
            if q.get("reset"):
                self.st.counts = {e: 0 for e in ENDPOINTS}
                self.st.modes = []
            if q.get("forget_requests"):
                self.st.by_request.clear()
            mode = q.get("fail")
            if mode is not None:
                on = q.get("on") or None
                if mode not in MODES or (on and on not in ENDPOINTS):
                    return self.send(400, {"error": "unknown mode or on"})
                self.st.modes.append([mode, on, int(q.get("count", "1"))])
            reply = {}
            if q.get("refund"):
                rid = q["refund"]
                o = self.st.orders.get(self.st.capture_of.get(rid, rid))
                if o is None:
                    return self.send(404, {"error": "unknown order"})
                try:
                    reply["refund"] = self.st.make_refund(
                        o, Decimal(q["amount"]) if q.get("amount") else None)
                except (Refusal, InvalidOperation) as e:
                    return self.send(422, {"error": str(e)})
            if q.get("order"):
                o = self.st.orders.get(q["order"])
                reply["order"] = self.order_view(o) if o else None
                # Not PayPal's view: what the payer's page would be headed by.
                reply["brand_name"] = o.get("brand_name") if o else None
            reply.update({"requests": dict(self.st.counts),
                          "orders": len(self.st.orders),
                          "captures": sum(
                              1 for o in self.st.orders.values()
                              if o["capture"] and
                              o["capture"]["status"] == "COMPLETED"),
                          "refunds": self.st.refunds,
                          "modes": [m[0] for m in self.st.modes],
                          "webhooks": self.st.webhooks[-10:]})
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
        # OAuth's own errors (RFC 6749), not the REST error object.
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
        """PayPal's checks of an order request, the schema's (400) before
        the business rules' (422): raises a Refusal."""
        if not isinstance(req, dict):
            raise Refusal("INVALID_REQUEST", "MALFORMED_REQUEST_JSON")
        if "intent" not in req:
            raise Refusal("INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER",
                          "/intent")
        if req["intent"] not in ("CAPTURE", "AUTHORIZE"):
            raise Refusal("INVALID_REQUEST", "INVALID_PARAMETER_VALUE",
                          "/intent", req["intent"])
        pus = req.get("purchase_units")
        if not isinstance(pus, list) or not pus:
            raise Refusal("INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER",
                          "/purchase_units")
        if len(pus) != 1 or not isinstance(pus[0], dict):
            raise Refusal("INVALID_REQUEST", "INVALID_PARAMETER_VALUE",
                          "/purchase_units")
        pu, at = pus[0], "/purchase_units/0"
        total = money(pu.get("amount"), at + "/amount")
        inv = pu.get("invoice_id")
        if inv is not None and (not isinstance(inv, str) or
                                not 1 <= len(inv) <= 127):
            raise Refusal("INVALID_REQUEST", "INVALID_STRING_LENGTH",
                          at + "/invoice_id", inv)
        items = pu.get("items")
        if items is not None and not isinstance(items, list):
            raise Refusal("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX",
                          at + "/items")
        sums, currencies = [], [pu["amount"]["currency_code"]]
        for n, it in enumerate(items or []):
            f = "%s/items/%d" % (at, n)
            if not isinstance(it, dict):
                raise Refusal("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX",
                              f)
            name = it.get("name")
            if name is None:
                raise Refusal("INVALID_REQUEST",
                              "MISSING_REQUIRED_PARAMETER", f + "/name")
            if not isinstance(name, str) or not 1 <= len(name) <= 127:
                raise Refusal("INVALID_REQUEST", "INVALID_STRING_LENGTH",
                              f + "/name", name)
            qty = it.get("quantity")
            if qty is None:
                raise Refusal("INVALID_REQUEST",
                              "MISSING_REQUIRED_PARAMETER", f + "/quantity")
            if not isinstance(qty, str) or not QUANTITY.match(qty):
                raise Refusal("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX",
                              f + "/quantity", qty)
            if "unit_amount" not in it:
                raise Refusal("INVALID_REQUEST",
                              "MISSING_REQUIRED_PARAMETER",
                              f + "/unit_amount")
            sums.append((money(it["unit_amount"], f + "/unit_amount"),
                         int(qty), f))
            currencies.append(it["unit_amount"]["currency_code"])
        breakdown = pu["amount"].get("breakdown")
        parts = {}
        for key, _sign in BREAKDOWN:
            if isinstance(breakdown, dict) and key in breakdown:
                parts[key] = money(breakdown[key],
                                   at + "/amount/breakdown/" + key)
                currencies.append(breakdown[key]["currency_code"])
        # Schema done; the business rules.
        if req["intent"] != "CAPTURE":
            raise Refusal("UNPROCESSABLE_ENTITY", "UNSUPPORTED_INTENT",
                          "/intent", req["intent"])
        for d, f in [(total, at + "/amount/value")] + \
                [(v, at + "/amount/breakdown/" + k + "/value")
                 for k, v in parts.items()] + \
                [(u, f + "/unit_amount/value") for u, _q, f in sums]:
            if d.as_tuple().exponent < -2:
                raise Refusal("UNPROCESSABLE_ENTITY", "DECIMAL_PRECISION",
                              f, str(d))
            if d < 0:
                raise Refusal("UNPROCESSABLE_ENTITY", "CANNOT_BE_NEGATIVE",
                              f, str(d))
        if total <= 0:
            raise Refusal("UNPROCESSABLE_ENTITY",
                          "CANNOT_BE_ZERO_OR_NEGATIVE", at + "/amount/value",
                          str(total))
        if len(set(currencies)) != 1:
            raise Refusal("UNPROCESSABLE_ENTITY", "MULTI_CURRENCY_ORDER",
                          at + "/amount/currency_code")
        if sums and "item_total" not in parts:
            raise Refusal("UNPROCESSABLE_ENTITY", "ITEM_TOTAL_REQUIRED",
                          at + "/amount/breakdown/item_total")
        if sums and sum(u * q for u, q, _f in sums) != parts["item_total"]:
            raise Refusal("UNPROCESSABLE_ENTITY", "ITEM_TOTAL_MISMATCH",
                          at + "/amount/breakdown/item_total/value",
                          str(parts["item_total"]))
        if parts and sum(parts[k] * s for k, s in BREAKDOWN
                         if k in parts) != total:
            raise Refusal("UNPROCESSABLE_ENTITY", "AMOUNT_MISMATCH",
                          at + "/amount/value", str(total))
        ctx = (((req.get("payment_source") or {}).get("paypal") or {})
               .get("experience_context") or req.get("application_context")
               or {})
        brand = ctx.get("brand_name")
        if brand is not None and not 1 <= len(brand) <= 127:
            # experience_context.brand_name: string, 1 to 127 characters.
            raise Refusal("INVALID_REQUEST", "INVALID_STRING_LENGTH",
                          "/payment_source/paypal/experience_context/"
                          "brand_name")
        for key in ("return_url", "cancel_url"):
            if not ctx.get(key):
                # PayPal lets an order do without; the stand-in needs both
                # for its payer's page.
                raise Refusal("INVALID_REQUEST",
                              "MISSING_REQUIRED_PARAMETER",
                              "/payment_source/paypal/experience_context/" +
                              key)
        return ctx

    # --- what PayPal shows ----------------------------------------------
    def capture_view(self, o):
        """The capture as PayPal shows it: its status after refunds."""
        cap = dict(o["capture"])
        cap["status"] = self.st.capture_status(o)
        if cap["status"] == "DECLINED":
            cap["status_details"] = {"reason": "DECLINED_BY_RISK_FRAUD"}
        cap["supplementary_data"] = {"related_ids": {"order_id": o["id"]}}
        api = self.base + "/v2/payments/captures/" + cap["id"]
        cap["links"] = [
            {"href": api, "rel": "self", "method": "GET"},
            {"href": api + "/refund", "rel": "refund", "method": "POST"},
            {"href": self.base + "/v2/checkout/orders/" + o["id"],
             "rel": "up", "method": "GET"}]
        return cap

    def refund_view(self, o, r):
        v = dict(r)
        v["links"] = [
            {"href": self.base + "/v2/payments/refunds/" + r["id"],
             "rel": "self", "method": "GET"},
            {"href": self.base + "/v2/payments/captures/" +
             o["capture"]["id"], "rel": "up", "method": "GET"}]
        return v

    def order_view(self, o):
        api = self.base + "/v2/checkout/orders/" + o["id"]
        links = [{"href": api, "rel": "self", "method": "GET"}]
        if o["status"] in ("CREATED", "APPROVED"):
            links.append({"href": ("https://pay.example" if o.get("foreign")
                                   else self.base) +
                          "/checkoutnow?token=" + o["id"],
                          "rel": "payer-action" if o["via_source"]
                          else "approve", "method": "GET"})
            if not o["via_source"]:
                links.append({"href": api, "rel": "update",
                              "method": "PATCH"})
            links.append({"href": api + "/capture", "rel": "capture",
                          "method": "POST"})
        status = o["status"]
        if status == "CREATED" and o["via_source"]:
            status = "PAYER_ACTION_REQUIRED"
        pus = [dict(pu) for pu in o["purchase_units"]]
        if o["capture"] is not None:
            pus[0]["payments"] = {"captures": [self.capture_view(o)]}
            if o["refunds"]:
                pus[0]["payments"]["refunds"] = [
                    self.refund_view(o, r) for r in o["refunds"]]
        v = {"id": o["id"], "intent": "CAPTURE", "status": status,
             "purchase_units": pus, "links": links,
             "create_time": o["create_time"]}
        if o["via_source"]:
            v["payment_source"] = {"paypal": {}}
        return v

    def capture_reply(self, o):
        """The answer to a capture: the order with its capture (the whole
        order only with Prefer: return=representation, as PayPal's)."""
        v = self.order_view(o)
        if self.headers.get("Prefer", "") != "return=representation":
            return {"id": v["id"], "status": v["status"],
                    "links": v["links"]}
        v["payer"] = {"payer_id": "TESTPAYER"}
        v["payment_source"] = {"paypal": {"account_id": "TESTPAYER"}}
        pu = v["purchase_units"][0]
        v["purchase_units"] = [{"reference_id": pu["reference_id"],
                                "payments": pu.get("payments", {})}]
        return v

    # --- the calls --------------------------------------------------------
    def show(self, kind, rid):
        """GET an order, or a capture (kind "payments"), by id."""
        if not self.api_call("get"):
            return
        if self.fail_generic("get") is True:
            return
        with self.st.lock:
            if kind == "checkout":
                o = self.st.orders.get(rid)
            else:
                o = self.st.orders.get(self.st.capture_of.get(rid, ""))
            view = None if o is None else (
                self.order_view(o) if kind == "checkout"
                else self.capture_view(o))
        if view is None:
            return self.refuse(Refusal("RESOURCE_NOT_FOUND",
                                       "INVALID_RESOURCE_ID"))
        self.send(200, view)

    def create(self):
        if not self.api_call("orders"):
            return
        mode = self.fail_generic("orders")
        if mode is True:
            return
        rid = self.request_id()
        with self.st.lock:
            oid = self.st.by_request.get(("orders", rid)) if rid else None
            view = self.order_view(self.st.orders[oid]) if oid else None
        if view is not None:
            # A replay: the same order, 200 (PayPal: "If the resource was
            # already created by a previous execution ... 200 OK").
            return self.send(200, view)
        req = self.json_body()
        try:
            ctx = self.check_order(req)
        except Refusal as r:
            return self.refuse(r)
        pu = dict(req["purchase_units"][0])
        pu.setdefault("reference_id", "default")
        o = {"id": new_id(), "status": "CREATED", "purchase_units": [pu],
             "return_url": ctx["return_url"], "cancel_url": ctx["cancel_url"],
             "brand_name": ctx.get("brand_name"),
             "via_source": "payment_source" in req,
             "foreign": mode == "foreign_link", "capture": None,
             "refunds": [], "create_time": now_iso()}
        status, answer = 201, None
        with self.st.lock:
            if rid and ("orders", rid) in self.st.by_request:  # a race
                o = self.st.orders[self.st.by_request[("orders", rid)]]
                status = 200
            elif self.st.invoice_taken(pu.get("invoice_id"), None):
                answer = Refusal("UNPROCESSABLE_ENTITY",
                                 "DUPLICATE_INVOICE_ID",
                                 "/purchase_units/0/invoice_id",
                                 pu["invoice_id"])
            else:
                self.st.orders[o["id"]] = o
                if rid:
                    self.st.by_request[("orders", rid)] = o["id"]
            view = self.order_view(o)
        if answer is not None:
            return self.refuse(answer)
        self.send(status, view)

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
        """Capture an approved order once. The same PayPal-Request-Id
        within the window answers 200 with the capture as it is now (its
        refunds included); any other capture of a captured order is 422
        ORDER_ALREADY_CAPTURED."""
        if not self.api_call("capture"):
            return
        mode = self.fail_generic("capture")
        if mode is True:
            return
        self.body()
        with self.st.lock:
            try:
                status, reply = self.capture_locked(oid, mode)
            except Refusal as r:
                status, reply = STATUS_OF[r.name], r.body()
        self.send(status, reply)

    def capture_locked(self, oid, mode):
        rid = self.request_id()
        if rid and ("capture", rid) in self.st.by_request:
            o = self.st.orders[self.st.by_request[("capture", rid)]]
            return 200, self.capture_reply(o)
        o = self.st.orders.get(oid)
        if o is None:
            raise Refusal("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        if o["status"] == "COMPLETED":
            raise Refusal("UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")
        if o["status"] != "APPROVED":
            raise Refusal("UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED")
        invoice = o["purchase_units"][0].get("invoice_id")
        if self.st.invoice_taken(invoice, o):
            raise Refusal("UNPROCESSABLE_ENTITY", "DUPLICATE_INVOICE_ID",
                          "/purchase_units/0/invoice_id", invoice)
        amount = dict(o["purchase_units"][0]["amount"])
        amount.pop("breakdown", None)
        status = "DECLINED" if mode == "declined" else "COMPLETED"
        if mode == "amount_mismatch":
            amount["value"] = "%.2f" % (Decimal(amount["value"]) -
                                        Decimal("1.00"))
        o["capture"] = {"id": new_id(17), "status": status,
                        "amount": amount, "final_capture": True,
                        "seller_protection": {"status": "NOT_ELIGIBLE"},
                        "create_time": now_iso(), "update_time": now_iso()}
        self.st.capture_of[o["capture"]["id"]] = oid
        if status == "COMPLETED":
            o["status"] = "COMPLETED"
        if rid:
            self.st.by_request[("capture", rid)] = oid
        return 201, self.capture_reply(o)

    def refund(self, cap_id):
        """Refund a capture, whole ({}) or in part ({"amount": ...}):
        COMPLETED (PENDING, FAILED when told); the same PayPal-Request-Id
        answers 200 with that refund as it is now."""
        if not self.api_call("refund"):
            return
        mode = self.fail_generic("refund")
        if mode is True:
            return
        req = self.json_body()
        with self.st.lock:
            try:
                status, reply = self.refund_locked(cap_id, req, mode)
            except Refusal as r:
                status, reply = STATUS_OF[r.name], r.body()
        self.send(status, reply)

    def refund_locked(self, cap_id, req, mode):
        rid = self.request_id()
        if rid and ("refund", rid) in self.st.by_request:
            oid, ref_id = self.st.by_request[("refund", rid)]
            o = self.st.orders[oid]
            r = next(x for x in o["refunds"] if x["id"] == ref_id)
            return 200, self.refund_view(o, r)
        o = self.st.orders.get(self.st.capture_of.get(cap_id, ""))
        if o is None:
            raise Refusal("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        if not isinstance(req, dict):
            raise Refusal("INVALID_REQUEST", "MALFORMED_REQUEST_JSON")
        amount = None
        if "amount" in req:
            amount = money(req["amount"], "/amount")
            if (req["amount"]["currency_code"] !=
                    o["capture"]["amount"]["currency_code"]):
                raise Refusal("UNPROCESSABLE_ENTITY",
                              "REFUND_CAPTURE_CURRENCY_MISMATCH",
                              "/amount/currency_code")
        r = self.st.make_refund(o, amount, {
            "declined": "FAILED", "pending": "PENDING"}.get(
                mode, "COMPLETED"))
        if rid and r["status"] != "FAILED":
            self.st.by_request[("refund", rid)] = (o["id"], r["id"])
        return 201, self.refund_view(o, r)

    def verify(self):
        if not self.api_call("verify"):
            return
        if self.fail_generic("verify") is True:
            return
        req = self.json_body()
        need = ("auth_algo", "cert_url", "transmission_id",
                "transmission_sig", "transmission_time", "webhook_id")
        if not isinstance(req, dict):
            return self.refuse(Refusal("INVALID_REQUEST",
                                       "MALFORMED_REQUEST_JSON"))
        for k in need + ("webhook_event",):
            if not isinstance(req.get(k), dict if k == "webhook_event"
                              else str):
                return self.refuse(Refusal("INVALID_REQUEST",
                                           "MISSING_REQUIRED_PARAMETER",
                                           "/" + k))
        ok = (req["transmission_sig"] == "valid-" + req["transmission_id"]
              and req["webhook_id"] == self.st.args.webhook_id)
        self.send(200, {"verification_status":
                        "SUCCESS" if ok else "FAILURE"})

    def webhook_resource(self, q, o, etype):
        """The event's resource; a real (signed) notice of a refund is of
        a refund PayPal has made: a pending one completes, else one is
        made (amount=, or the rest), else the last one is told again."""
        if etype != "PAYMENT.CAPTURE.REFUNDED":
            if o["capture"] is not None:
                res = self.capture_view(o)
            else:
                amount = dict(o["purchase_units"][0]["amount"])
                amount.pop("breakdown", None)
                res = {"id": new_id(17), "amount": amount,
                       "final_capture": True,
                       "supplementary_data": {"related_ids":
                                              {"order_id": o["id"]}},
                       "create_time": now_iso(), "update_time": now_iso()}
            res["status"] = {"PAYMENT.CAPTURE.DENIED": "DECLINED"}.get(
                etype, "COMPLETED")
            return "capture", res
        if o["capture"] is None:
            raise Refusal("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        if q.get("sig") == "bad":
            r = {"id": new_id(17), "status": "COMPLETED",
                 "amount": o["capture"]["amount"]}
        else:
            r = next((x for x in o["refunds"] if x["status"] == "PENDING"),
                     None)
            if r is not None:
                r["status"] = "COMPLETED"
            elif q.get("amount") or self.st.capture_status(o) != "REFUNDED":
                r = self.st.make_refund(o, Decimal(q["amount"]) if
                                        q.get("amount") else None)
            else:
                r = o["refunds"][-1]
        # As PayPal's: a refund names no order, only its capture (the link
        # "up").
        return "refund", self.refund_view(o, r)

    def webhook_send(self, q):
        """POST a signed event about an order to url (loopback only)."""
        url = q.get("url", "")
        host = urllib.parse.urlsplit(url).hostname
        if not url.startswith("http://") or host not in ("127.0.0.1", "::1"):
            return self.send(400, {"error": "url must be http://127.0.0.1"})
        etype = q.get("type", "PAYMENT.CAPTURE.COMPLETED")
        with self.st.lock:
            o = self.st.orders.get(q.get("order", ""))
            try:
                rtype, resource = (None, None) if o is None else \
                    self.webhook_resource(q, o, etype)
            except (Refusal, InvalidOperation) as e:
                return self.send(422, {"error": str(e)})
        if o is None:
            return self.send(404, {"error": "unknown order"})
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
                   help="seconds the timeout and lost modes sleep")
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
