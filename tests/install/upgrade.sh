#!/bin/sh
# An upgrade keeps the town: `make install` of the build into a scratch
# root, a site directory made from the installed example and changed as a
# town would (its name, a service deleted, a clerk's login, a message),
# then `make install` again (the upgrade) and `rathaus init` and `rathaus
# lint`: the site directory is byte for byte as the town left it, the
# deleted service stays deleted, and the shipped files are back where the
# town had (wrongly) edited one. `make uninstall` leaves the site
# directory and no empty directory of rathaus's own. Prints TAP.
#
# Environment (set by `make check`): abs_top_builddir.

build=${abs_top_builddir:?}
root=$(mktemp -d "${TMPDIR:-/tmp}/rathaus-upgrade.XXXXXX") || exit 99
trap 'rm -rf "$root"' EXIT
trap 'exit 130' INT TERM HUP

n=0
failed=0
check() {	# check DESCRIPTION COMMAND...
	n=$((n + 1))
	desc=$1
	shift
	if "$@" >"$root/out" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# /' "$root/out" | tail -n 20
		failed=$((failed + 1))
	fi
}

echo "1..9"
install() {
	make -s -C "$build" install DESTDIR="$root/dest" >"$root/install.out" 2>&1 ||
		{ cat "$root/install.out"; return 1; }
}
check "make install into a scratch root" install
share=$(find "$root/dest" -type d -path '*/share/rathaus' | head -n 1)
bin=$(find "$root/dest" -type f -path '*/bin/rathaus' | head -n 1)
site=$root/dest/etc/rathaus/site

town() {	# a site from the example, changed as a town would
	[ -n "$share" ] && [ -x "$bin" ] || return 1
	mkdir -p "$root/dest/etc/rathaus" "$root/data" &&
	cp -R "$share/examples/wiesmoor/site" "$site" &&
	sed -i 's|>Stadt Wiesmoor<|>Stadt Upgradehausen<|' "$site/municipality.xml" &&
	rm "$site/forms/osterfeuer.xml" &&
	sed -i 's|<login user="admin" role="admin"/>|<login user="chefin" role="admin"/>|' \
	    "$site/clerks.xml" &&
	printf '/* the town */\n.brand-name { letter-spacing: .01em; }\n' >"$site/style.css" &&
	cat >"$root/rathaus.conf" <<CONF
data_dir = $root/data
share_dir = $share
site_dir = $site
CONF
	"$bin" init --conf "$root/rathaus.conf" &&
	"$bin" lint --conf "$root/rathaus.conf" &&
	(cd "$site" && find . -type f -exec sha256sum {} + | sort) >"$root/before"
}
check "a town's site directory from the installed example lints clean" town

# The town edited a shipped file too: the upgrade puts rathaus's back.
echo "edited" >>"$share/xsl/layout.xsl"
check "make install again (the upgrade)" install
# What the database holds is personal: not for every local user.
check "rathaus init makes the database 0640" sh -c \
    "stat -c %a '$root/data/rathaus.db' | grep -qx 640"
check "rathaus init and lint after the upgrade" sh -c \
    "'$bin' init --conf '$root/rathaus.conf' && '$bin' lint --conf '$root/rathaus.conf'"
kept() {
	(cd "$site" && find . -type f -exec sha256sum {} + | sort) >"$root/after" &&
	cmp "$root/before" "$root/after" &&
	[ ! -e "$site/forms/osterfeuer.xml" ] &&
	grep -q 'Stadt Upgradehausen' "$site/municipality.xml"
}
check "the site directory is as the town left it (no service back)" kept
check "the shipped files are rathaus's again" sh -c \
    "! grep -q '^edited' '$share/xsl/layout.xsl'"
uninstall() {
	make -s -C "$build" uninstall DESTDIR="$root/dest" >"$root/un.out" 2>&1 ||
		{ cat "$root/un.out"; return 1; }
	[ ! -e "$share" ] || { find "$share"; return 1; }
}
check "make uninstall removes share_dir, empty directories included" uninstall
check "make uninstall leaves the site directory" sh -c \
    "(cd '$site' && find . -type f -exec sha256sum {} + | sort) | cmp '$root/before' -"

[ "$failed" -eq 0 ]
