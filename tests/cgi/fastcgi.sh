#!/bin/sh
# The CGI test programs again, against the persistent mode: FASTCGI=1
# makes tools/instance serve rathaus.fcgi and staff.fcgi under mod_fcgid
# at the CGI programs' addresses. One TAP line per program; each keeps
# its log in tests/cgi/fastcgi-MODE-STORE-NAME.log of the build tree. Two
# run at a time (each starts its own instance on a port of its own).
#   FASTCGI_PROGRAMS="test_cgi test_ops" tests/cgi/fastcgi.sh   a few only
# FASTCGI=0 STORE=postgresql (tests/pg/cgi.sh): the CGI programs, their
# store on PostgreSQL.
builddir=${abs_top_builddir:-.}
programs=${FASTCGI_PROGRAMS:-"test_cgi test_paypal_flow test_staff_security
    test_uploads test_mail test_ops test_faults test_identity test_my
    test_citizen_forms test_towns test_booking"}
# FASTCGI=proxy (tests/cgi/proxyfcgi.sh): the same against a pool under
# mod_proxy_fcgi.
FASTCGI=${FASTCGI:-1}
STORE=${STORE:-sqlite}
export FASTCGI STORE
case $FASTCGI in
0) label=CGI ;;
*) label="FastCGI $FASTCGI" ;;
esac
[ "$STORE" = sqlite ] || label="$label on $STORE"
tag=$FASTCGI-$STORE

# make distcheck (tools/check) runs the programs once, as CGI on SQLite:
# these passes ran from the same sources in the check itself.
if [ "${RATHAUS_DISTCHECK:-0}" = 1 ]; then
    echo "1..0 # SKIP $label: run by the check itself, not again in distcheck"
    exit 0
fi

n=1
for p in $programs; do n=$((n + 1)); done
echo "1..$n"

# One program, its result in tests/cgi/fastcgi-NAME.rc.
run_one() {
    log=$builddir/tests/cgi/fastcgi-$tag-$1.log
    "$builddir/tests/cgi/$1" >"$log" 2>&1
    echo $? >"$builddir/tests/cgi/fastcgi-$tag-$1.rc"
}

set -- $programs
i=0
while [ $# -gt 0 ]; do
    first=$1
    shift
    run_one "$first" &
    pid=$!
    second=
    if [ $# -gt 0 ]; then
        second=$1
        shift
        run_one "$second"
    fi
    wait "$pid"
    for p in $first $second; do
        i=$((i + 1))
        rc=$(cat "$builddir/tests/cgi/fastcgi-$tag-$p.rc" 2>/dev/null || echo 99)
        if [ "$rc" = 0 ]; then
            echo "ok $i - $p ($label)"
        else
            echo "not ok $i - $p ($label), exit $rc; its log:"
            sed 's/^/# /' "$builddir/tests/cgi/fastcgi-$tag-$p.log" | tail -n 60
        fi
        rm -f "$builddir/tests/cgi/fastcgi-$tag-$p.rc"
    done
done

# The instances are gone: none of their workers (or multiwatch pools),
# nor their PostgreSQL clusters, may still run. A leftover is a process running a cgi-bin/rathaus.cgi
# or staff.cgi of a directory that no longer exists (instances still in
# use by other tests keep theirs). Up to 10 s for them to end.
leftovers() {
    for f in /proc/[0-9]*/cmdline; do
        tr '\0' '\n' <"$f" 2>/dev/null | while IFS= read -r arg; do
            case $arg in
            */cgi-bin/rathaus.cgi | */cgi-bin/staff.cgi)
                [ -d "${arg%/cgi-bin/*}" ] || echo "${f%/cmdline}: $arg" ;;
            */pg/data)	# a private cluster (STORE=postgresql)
                [ -d "$arg" ] || echo "${f%/cmdline}: postgres $arg" ;;
            esac
        done
    done
}
i=$((i + 1))
for _ in 1 2 3 4 5 6 7 8 9 10; do
    left=$(leftovers)
    [ -z "$left" ] && break
    sleep 1
done
if [ -z "$left" ]; then
    echo "ok $i - no worker of a stopped instance left ($label)"
else
    echo "not ok $i - workers of stopped instances still run ($label):"
    echo "$left" | head -n 10 | sed 's/^/# /'
fi
