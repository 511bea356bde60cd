#!/bin/sh
# tools/pgcluster: the private PostgreSQL cluster the tests and the demo
# will use for the second store (issue 15). A real cluster made with
# initdb in a temporary directory: reachable for the web server's user on
# its Unix socket only, the role and database "rathaus", started twice
# without harm, stopped and started again with its data kept. Prints TAP.
srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
tool=$srcdir/tools/pgcluster
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rathaus-pg.XXXXXX") || exit 99
trap '"$tool" stop "$tmp" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; failed=1; }
failed=0
echo "1..6"

# As the web server's user when we are root, as ourselves otherwise;
# from the cluster's directory (tools/pgcluster makes it reachable),
# not the build tree, which that user may not enter.
psql_as_web() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd "$tmp" && runuser -u www-data -- psql -X -q -v ON_ERROR_STOP=1 "$conn" "$@")
	else
		psql -X -q -v ON_ERROR_STOP=1 "$conn" "$@"
	fi
}

if conn=$("$tool" start "$tmp" 2>"$tmp/err") && [ -n "$conn" ]; then
	ok "start made and started a cluster: $conn"
else
	sed 's/^/# /' "$tmp/err"
	echo "Bail out! tools/pgcluster start failed"
	exit 99
fi

who=$(psql_as_web -tAc "SELECT current_user" 2>&1)
[ "$who" = rathaus ] && ok "the web server's user connects as rathaus" ||
	not_ok "the web server's user connects as rathaus (got: $who)"

if psql_as_web -c "CREATE TABLE probe (id integer PRIMARY KEY, t text)" \
    -c "INSERT INTO probe VALUES (1, 'Grüße')" >/dev/null 2>&1; then
	ok "rathaus may create a table and write UTF-8 to it"
else
	not_ok "rathaus may create a table and write UTF-8 to it"
fi

listen=$(psql_as_web -tAc "SHOW listen_addresses" 2>&1)
[ -z "$listen" ] && ok "no TCP: listen_addresses is empty" ||
	not_ok "no TCP: listen_addresses is empty (got: $listen)"

# A file of the running cluster's that is not the postgres user's (as
# root): a second start must not walk the files a running server makes
# and removes meanwhile (a chown -R there failed on one it had removed).
marker=$tmp/pg/data/rathaus-marker
owner=
[ "$(id -u)" -eq 0 ] && : >"$marker"
again=$("$tool" start "$tmp" 2>&1)
[ "$(id -u)" -eq 0 ] && owner=$(stat -c %U "$marker") && rm -f "$marker"
[ "$again" = "$conn" ] && [ "$(psql_as_web -tAc 'SELECT t FROM probe')" = "Grüße" ] &&
    { [ "$(id -u)" -ne 0 ] || [ "$owner" = root ]; } &&
	ok "a second start changes nothing, not even a file's owner" ||
	not_ok "a second start changes nothing, not even a file's owner (got: $again, owner ${owner:-?})"

"$tool" stop "$tmp"
sock=$(ls "$tmp/pg/run" 2>/dev/null | grep -c '^\.s\.PGSQL')
"$tool" start "$tmp" >/dev/null 2>&1
kept=$(psql_as_web -tAc "SELECT t FROM probe" 2>&1)
[ "$sock" -eq 0 ] && [ "$kept" = "Grüße" ] &&
	ok "stop removes the socket; started again, the data is there" ||
	not_ok "stop removes the socket; started again, the data is there (sockets $sock, got: $kept)"
exit $failed
