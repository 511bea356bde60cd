#!/bin/sh
# The linter cases: `rathaus lint` must accept every example town's site
# directory (examples/*/site: its municipality.xml, clerks and each
# definition) without a word, not even a warning; accept every case in
# tests/forms/good/ (warnings allowed: most test definitions are German
# only); accept every case in tests/forms/warn/ printing exactly its
# NAME.expected; and reject every case in tests/forms/bad/ with exit
# status 1 and exactly the error lines of its NAME.expected, and every
# site directory in tests/forms/sites/ with exactly its lines "expected".
#
# Runs from the source directory with relative file names, so the names in
# the expected output read "tests/forms/bad/NAME.xml". Prints TAP; exits
# non-zero when any case fails.
#
# Environment (set by `make check`; defaults for running it by hand from
# a build in the source tree):
#   abs_top_srcdir    the sources: forms/form.rng, the examples, cases
#   abs_top_builddir  the build: tools/rathaus

if [ -z "${abs_top_srcdir:-}" ]; then
	abs_top_srcdir=$(cd "$(dirname "$0")/../.." && pwd) || exit 99
fi
abs_top_builddir=${abs_top_builddir:-$abs_top_srcdir}
rathaus=$abs_top_builddir/tools/rathaus

cd "$abs_top_srcdir" || exit 99

if [ ! -x "$rathaus" ]; then
	# make check always builds it first: missing is an error, not a skip.
	echo "Bail out! $rathaus is not built"
	exit 99
fi

tmp=${TMPDIR:-/tmp}/rathaus-lint.$$
trap 'rm -f "$tmp.out" "$tmp.err"' EXIT
trap 'exit 130' INT TERM HUP

# Collect the cases first, to print the plan before the results. An
# expected output without its case is a case that silently went away: it
# counts as a failing test of its own.
cases=
for f in examples/*/site examples/*/site/forms/*.xml tests/forms/sites/* \
    tests/forms/good/*.xml tests/forms/bad/*.xml \
    tests/forms/bad/*.expected tests/forms/warn/*.xml \
    tests/forms/warn/*.expected; do
	case $f in
	*.expected) [ -f "$f" ] && [ ! -f "${f%.expected}.xml" ] &&
		cases="$cases $f" ;;
	*) [ -e "$f" ] && cases="$cases $f" ;;
	esac
done
# File names here never hold spaces or wildcards: split on purpose.
# shellcheck disable=SC2086
set -- $cases
echo "1..$#"

n=0
failed=0

ok() {
	echo "ok $n - $1"
}

not_ok() {
	echo "not ok $n - $1"
	failed=$((failed + 1))
}

# Show a file as TAP diagnostics.
diag() {
	sed 's/^/# /' "$1"
}

for f; do
	n=$((n + 1))
	case $f in
	*.expected)
		not_ok "$f has no case ${f%.expected}.xml"
		continue
		;;
	esac
	# A town's definitions with its own clerks; the cases with the
	# first example town's.
	case $f in
	examples/*/site | tests/forms/sites/*) site=$f; file= ;;
	examples/*) site=${f%/forms/*}; file=$f ;;
	*) site=examples/wiesmoor/site; file=$f ;;
	esac
	# shellcheck disable=SC2086
	"$rathaus" lint --share "$abs_top_srcdir" --site "$site" $file >"$tmp.out"
	rc=$?
	case $f in
	tests/forms/sites/*)
		# Exit status 1 with an error among the lines, else 0.
		want=0
		grep -qv ': warning: ' "$f/expected" && want=1
		if [ "$rc" -ne "$want" ] || ! cmp -s "$f/expected" "$tmp.out"; then
			not_ok "$f refused with the expected lines (exit status $rc)"
			echo "# expected:"
			diag "$f/expected"
			echo "# got:"
			diag "$tmp.out"
		else
			ok "$f: the expected lines"
		fi
		;;
	tests/forms/bad/* | tests/forms/warn/*)
		expected=${f%.xml}.expected
		want=1
		case $f in
		tests/forms/warn/*) want=0 ;;
		*) grep -v ': warning: ' "$tmp.out" >"$tmp.err"
		   mv "$tmp.err" "$tmp.out" ;;
		esac
		if [ ! -f "$expected" ]; then
			not_ok "$f: no $expected"
			diag "$tmp.out"
		elif [ "$rc" -ne "$want" ]; then
			not_ok "$f (exit status $rc, want $want)"
			diag "$tmp.out"
		elif ! cmp -s "$expected" "$tmp.out"; then
			not_ok "$f rejected with the expected message"
			echo "# expected:"
			diag "$expected"
			echo "# got:"
			diag "$tmp.out"
		else
			ok "$f: the expected messages"
		fi
		;;
	tests/forms/good/*)
		if [ "$rc" -ne 0 ] || grep -v ': warning: ' "$tmp.out" |
		    grep -q .; then
			not_ok "$f accepted (exit status $rc)"
			diag "$tmp.out"
		else
			ok "$f accepted"
		fi
		;;
	*)
		if [ "$rc" -ne 0 ] || [ -s "$tmp.out" ]; then
			not_ok "$f accepted without a word (exit status $rc)"
			diag "$tmp.out"
		else
			ok "$f accepted"
		fi
		;;
	esac
done

[ "$failed" -eq 0 ]
