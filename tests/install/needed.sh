#!/bin/sh
# The programs a web server starts per request do not load what most
# requests never use: libcurl (src/net.c) and libpq (src/store_pg.c) are
# opened with dlopen when needed, and linked in they would cost every CGI
# request of an SQLite instance its start-up (docs/PERFORMANCE.md). The
# libraries each program names (readelf -d: NEEDED) hold neither.
# Prints TAP.
#
# Environment (set by `make check`): abs_top_builddir.

build=${abs_top_builddir:?}
n=0
failed=0
echo "1..2"
for prog in cgi-bin/rathaus.cgi cgi-bin/staff.cgi; do
	n=$((n + 1))
	needed=$(readelf -d "$build/$prog" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	if [ -z "$needed" ]; then
		echo "not ok $n - $prog: readelf -d found no libraries"
		failed=1
	elif echo "$needed" | grep -Eq '^lib(curl|pq)\.'; then
		echo "not ok $n - $prog needs $(echo "$needed" | grep -E '^lib(curl|pq)\.' | tr '\n' ' ')"
		failed=1
	else
		echo "ok $n - $prog needs neither libcurl nor libpq ($(echo "$needed" | tr '\n' ' '))"
	fi
done
exit $failed
