#!/bin/sh
# The CGI test programs of the pages, the back office's security, the
# uploads and the mails once more, against the workers as a fixed pool
# under mod_proxy_fcgi (FASTCGI=proxy: spawn-fcgi and multiwatch,
# tools/instance) at the CGI programs' addresses; tests/cgi/fastcgi.sh
# runs them. Not test_faults yet: it passes here, but in CI its wait
# until no worker has the database open timed out (docs/install.md).
FASTCGI=proxy
FASTCGI_PROGRAMS=${FASTCGI_PROGRAMS:-"test_cgi test_staff_security test_uploads
    test_mail"}
export FASTCGI FASTCGI_PROGRAMS
exec "$(dirname "$0")/fastcgi.sh"
