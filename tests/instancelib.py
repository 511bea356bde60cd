"""What the Python tests and benchmarks share about a private instance.

Imported by tests/pg/two_hosts.py, tests/e2e/run.py and bench/burst
(each puts this directory on sys.path from its own location): the date
the demo's Easter bonfire form asks for, and a look into an instance's
store (tools/instance) when that store is PostgreSQL (STORE=postgresql).
bench/inbox, in shell, reads store_conninfo the same way. Python 3
standard library only.
"""

import datetime
import os
import subprocess

# Debian's PostgreSQL, where pg_config names no psql (tools/pgcluster).
PSQL_FALLBACK = "/usr/lib/postgresql/15/bin/psql"


def easter(year):
    """Easter Sunday of `year` (Gregorian; the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def psql_program():
    """The psql of `pg_config --bindir`, else PSQL_FALLBACK (also
    without pg_config, as tools/pgcluster and bench/inbox do)."""
    try:
        bindir = subprocess.run(["pg_config", "--bindir"],
                                stdout=subprocess.PIPE, text=True).stdout
    except OSError:
        bindir = ""
    path = os.path.join(bindir.strip(), "psql") if bindir.strip() else ""
    return path if os.access(path, os.X_OK) else PSQL_FALLBACK


def store_conninfo(instance):
    """The libpq connection string the instance's conf/rathaus.conf
    names (store_conninfo, the last one if several), or None: its store
    is SQLite's file (data/rathaus.db)."""
    conninfo = None
    with open(os.path.join(instance, "conf", "rathaus.conf")) as f:
        for line in f:
            if line.startswith("store_conninfo ="):
                conninfo = line.split("=", 1)[1].strip()
    return conninfo


def psql(conninfo, sql):
    """Runs `sql` with psql on the database `conninfo` names (a libpq
    connection string: tools/pgcluster's, or store_conninfo()'s); its
    output, unaligned without headers, stripped. A failure raises
    subprocess.CalledProcessError."""
    return subprocess.run([psql_program(), "-X", "-q", "-tA", "-c", sql,
                           conninfo], check=True, stdout=subprocess.PIPE,
                          text=True).stdout.strip()
