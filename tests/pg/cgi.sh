#!/bin/sh
# The CGI test programs once more, their instance's store on PostgreSQL
# (STORE=postgresql: tools/instance starts a private cluster with
# tools/pgcluster in each instance's directory); tests/cgi/fastcgi.sh
# runs them, two at a time. The faults of SQLite's files are skipped
# there (test_faults: sqlite_only), SQLite's online backup too.
FASTCGI=0
STORE=postgresql
FASTCGI_PROGRAMS=${FASTCGI_PROGRAMS:-"test_cgi test_paypal_flow
    test_staff_security test_uploads test_mail test_ops test_faults
    test_identity test_my test_citizen_forms test_towns test_booking"}
export FASTCGI STORE FASTCGI_PROGRAMS
exec "$(dirname "$0")/../cgi/fastcgi.sh"
