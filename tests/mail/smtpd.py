#!/usr/bin/env python3
"""A tiny SMTP server for the tests: every message becomes a file.

usage: smtpd.py --port PORT --dir DIR
           [--reject | --data-refused | --data-unanswered]
       smtpd.py --port PORT --hang

Listens on 127.0.0.1:PORT (aiosmtpd, Debian's python3-aiosmtpd). Each
message accepted is written as DIR/NNNN.eml (the data as received, dot-
stuffing undone, CRLF line ends) after DIR/NNNN.env, whose first line is
the envelope sender and each further line one recipient; each is written
under a temporary name and renamed, the .eml last, so a reader that sees
it sees both whole. NNNN goes on after the mails already in DIR (a server
started again on the same spool). The file is written before the server
answers 250, so a mail the sender counts as sent is there. --reject
answers 451 to every RCPT TO. --data-refused takes every message and
answers its end with 554 (it is not kept: nothing written).
--data-unanswered keeps every message (the files are written) and never
answers its end, as a server that dies right after delivering does.
--hang accepts connections and never says a word (not even the
greeting), as a hung mail server does, and holds them until it stops;
it needs no aiosmtpd.
Prints "ready" on stdout once listening; stops on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import os
import re
import signal
import socket
import sys
import threading


class Handler:
    def __init__(self, directory, reject, data):
        self.directory = directory
        self.reject = reject
        self.data = data    # None, "refused" or "unanswered"
        # A server started again on the same spool (a test that stops the
        # mail server and starts it again) goes on after the mails there:
        # starting at 0001 again would overwrite them under a reader.
        self.count = max([int(name[:-4]) for name in os.listdir(directory)
                          if re.fullmatch(r"[0-9]+\.(eml|env)", name)],
                         default=0)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if self.reject:
            return "451 4.3.0 Try again later (test server, --reject)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data == "refused":
            return "554 5.6.0 Message refused (test server, --data-refused)"
        with self.lock:
            self.count += 1
            base = os.path.join(self.directory, "%04d" % self.count)
        with open(base + ".env.tmp", "w", encoding="utf-8") as f:
            f.write(envelope.mail_from + "\n")
            for rcpt in envelope.rcpt_tos:
                f.write(rcpt + "\n")
        os.rename(base + ".env.tmp", base + ".env")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.tmp", base + ".eml")
        if self.data == "unanswered":
            await asyncio.sleep(3600)
        return "250 Message accepted"


def ready():
    try:
        sys.stdout.write("ready\n")
        sys.stdout.flush()
    except BrokenPipeError:
        pass


def hang(port, stop):
    """Accept and keep every connection, answer nothing, until stop."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    listener.settimeout(0.2)
    held = []
    ready()
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
            held.append(conn)
        except socket.timeout:
            pass
    for conn in held:
        conn.close()
    listener.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir")
    ap.add_argument("--reject", action="store_true")
    ap.add_argument("--data-refused", action="store_true")
    ap.add_argument("--data-unanswered", action="store_true")
    ap.add_argument("--hang", action="store_true")
    args = ap.parse_args()
    if not args.hang and args.dir is None:
        ap.error("--dir is needed (unless --hang)")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.hang:
        hang(args.port, stop)
        return 0

    from aiosmtpd.controller import Controller
    data = ("refused" if args.data_refused else
            "unanswered" if args.data_unanswered else None)
    controller = Controller(Handler(args.dir, args.reject, data),
                            hostname="127.0.0.1", port=args.port)
    controller.start()
    ready()
    try:
        while not stop.wait(0.2):
            pass
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
