#!/bin/sh
# tools/instance start on a port that another socket holds without
# listening: free to the connect that start looks with, taken to Apache's
# bind, as when a test beside this one takes a port between the look and
# the bind. Start must say so with its status 3 ("already in use"), so
# that the caller picks another port, and leave no Apache behind.
# Prints TAP.
#
# Environment (set by `make check`): abs_top_srcdir, abs_top_builddir.
srcdir=${abs_top_srcdir:?}
build=${abs_top_builddir:?}
instance=$srcdir/tools/instance
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rathaus-port.XXXXXX") || exit 99
holder=
trap 'BUILDDIR="$build" "$instance" stop "$tmp" >/dev/null 2>&1
    [ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
echo "1..2"

# Bound without SO_REUSEADDR and not listening: Apache's bind fails.
python3 -c '
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(300)
' "$tmp/port" &
holder=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
port=$(cat "$tmp/port" 2>/dev/null)
[ -n "$port" ] || { echo "Bail out! no port held"; exit 99; }

BUILDDIR=$build "$instance" start "$tmp" "$port" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 3 ] && grep -q "port $port on 127.0.0.1 is already in use" "$tmp/out"; then
	echo "ok 1 - a port taken after the look: exit 3, already in use"
else
	echo "not ok 1 - a port taken after the look: exit 3, already in use (exit $rc)"
	sed 's/^/# /' "$tmp/out" | tail -n 20
fi
if pgrep -f -- "-f $tmp/conf/httpd.conf" >/dev/null 2>&1; then
	echo "not ok 2 - no Apache of the instance left"
else
	echo "ok 2 - no Apache of the instance left"
fi
