#!/bin/sh
# The CGI test programs of the pages, the back office's security, the
# uploads, the mails and the faults once more, against the workers as a
# fixed pool under mod_proxy_fcgi (FASTCGI=proxy: spawn-fcgi and
# multiwatch, tools/instance) at the CGI programs' addresses;
# tests/cgi/fastcgi.sh runs them.
FASTCGI=proxy
FASTCGI_PROGRAMS=${FASTCGI_PROGRAMS:-"test_cgi test_staff_security test_uploads
    test_mail test_faults"}
export FASTCGI FASTCGI_PROGRAMS
exec "$(dirname "$0")/fastcgi.sh"
