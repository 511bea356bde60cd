#!/usr/bin/env python3
"""A tiny SMTP server for the tests: every message becomes a file.

usage: smtpd.py --port PORT --dir DIR [--reject]

Listens on 127.0.0.1:PORT (aiosmtpd, Debian's python3-aiosmtpd). Each
message accepted is written as DIR/NNNN.eml (the data as received, dot-
stuffing undone, CRLF line ends) after DIR/NNNN.env, whose first line is
the envelope sender and each further line one recipient; each is written
under a temporary name and renamed, the .eml last, so a reader that sees
it sees both whole. NNNN goes on after the mails already in DIR (a server
started again on the same spool). The file is written before the server
answers 250, so a mail the sender counts as sent is there. --reject
answers 451 to every RCPT TO.
Prints "ready" on stdout once listening; stops on SIGTERM or SIGINT.
"""
import argparse
import os
import re
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, directory, reject):
        self.directory = directory
        self.reject = reject
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
        return "250 Message accepted"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--reject", action="store_true")
    args = ap.parse_args()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller = Controller(Handler(args.dir, args.reject),
                            hostname="127.0.0.1", port=args.port)
    controller.start()
    try:
        sys.stdout.write("ready\n")
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    try:
        while not stop.wait(0.2):
            pass
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
