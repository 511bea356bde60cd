#!/bin/sh
# The SAML (BundID) setup of docs/identity.md against the real
# mod_auth_mellon: the Apache block the document shows is taken out of
# the document itself (the fenced block after the line naming this
# test), so the two cannot drift. SP keys and metadata come from
# mellon_create_metadata as the document says; the IdP is a fake
# BundID-like entity (its metadata with a self-signed certificate, no
# server: nothing leaves 127.0.0.1). Then:
#   - `apache2 -t` accepts the configuration;
#   - an anonymous request to the citizen program passes (200) and the
#     program sees no MELLON_ variable;
#   - GET /login redirects to the IdP's SSO URL with a SAMLRequest that
#     asks for STORK-QAA-Level-3 at least;
#   - the module's metadata endpoint answers with the SP's entityID;
#   - request headers named like the module's variables, and a made-up
#     session cookie, give the program no MELLON_ variable and no
#     REMOTE_USER.
# A tiny CGI that prints its environment stands in for rathaus.cgi.
# Prints TAP; skips (1..0) only without apache2, the module or its tool.
#
# Environment (set by `make check`): abs_top_srcdir.

top=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
doc=$top/docs/identity.md
apache=${APACHE2:-apache2}
modules=/usr/lib/apache2/modules

if ! command -v "$apache" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$apache" ]; then
	echo "1..0 # SKIP apache2 not installed"
	exit 0
fi
command -v "$apache" >/dev/null 2>&1 || apache=/usr/sbin/$apache
if [ ! -f "$modules/mod_auth_mellon.so" ] ||
    ! command -v mellon_create_metadata >/dev/null 2>&1; then
	echo "1..0 # SKIP mod_auth_mellon not installed (libapache2-mod-auth-mellon)"
	exit 0
fi
for tool in openssl curl python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "Bail out! $tool not found"
		exit 99
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rathaus-mellon.XXXXXX") || exit 99
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 99' INT TERM
chmod 755 "$tmp"
mkdir "$tmp/mellon" "$tmp/cgi-bin" "$tmp/run" "$tmp/logs" || exit 99

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=1; echo "not ok $n - $1"
	shift
	for f in "$@"; do
		[ -f "$f" ] && sed 's/^/# /' "$f" | head -n 40
	done
}
check() {	# check DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d" "$tmp/out" "$tmp/head"; fi
}

echo "1..13"

# 1. The document's Apache block, with the key directory of this test.
awk '/The block below is the configuration tests\/identity\/mellon-config\.sh runs/ {
	armed = 1; next }
    armed && /^```apache/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }' "$doc" >"$tmp/snippet.conf"
check "docs/identity.md has the Apache block for mod_auth_mellon" \
    grep -q '^<Location /cgi-bin/rathaus.cgi/login>' "$tmp/snippet.conf"
sed -i "s#/etc/apache2/mellon/#$tmp/mellon/#g" "$tmp/snippet.conf"

# 2. The SP's key, certificate and metadata, made as the document says.
entity=https://rathaus.example.de/saml/metadata
(
	cd "$tmp/mellon" &&
	mellon_create_metadata "$entity" https://rathaus.example.de/saml \
	    >"$tmp/create.log" 2>&1 &&
	mv https_rathaus.example.de_saml_metadata.key rathaus.key &&
	mv https_rathaus.example.de_saml_metadata.cert rathaus.cert &&
	mv https_rathaus.example.de_saml_metadata.xml rathaus.xml
)
check "mellon_create_metadata made key, certificate and metadata" \
    grep -q "entityID=\"$entity\"" "$tmp/mellon/rathaus.xml"

# The fake IdP: BundID-like metadata with a self-signed signing key.
idp=https://id.bund.example/idp
sso=https://id.bund.example/idp/profile/SAML2/Redirect/SSO
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=id.bund.example \
    -keyout "$tmp/idp.key" -out "$tmp/idp.cert" >/dev/null 2>&1 || exit 99
cert=$(grep -v '^-----' "$tmp/idp.cert" | tr -d '\n')
cat >"$tmp/mellon/bundid.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="$idp">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="true"
      protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>$cert</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService
        Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="$sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
EOF

# The stand-in for rathaus.cgi: its environment, one variable a line.
cat >"$tmp/cgi-bin/env.cgi" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
env
EOF
chmod 755 "$tmp/cgi-bin/env.cgi"
chmod -R a+rX "$tmp/cgi-bin" "$tmp/mellon"

# A free port on loopback, in $port.
port_open() { bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null; }
pick_port() {
	port=
	for try in 1 2 3 4 5 6 7 8 9 10; do
		p=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000 + 30000 ))
		if ! port_open "$p"; then
			port=$p
			break
		fi
	done
	[ -n "$port" ] || { echo "Bail out! no free port"; exit 99; }
}
pick_port

{
	cat <<EOF
ServerRoot /etc/apache2
Listen 127.0.0.1:$port
ServerName 127.0.0.1
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule authn_core_module $modules/mod_authn_core.so
LoadModule authz_user_module $modules/mod_authz_user.so
LoadModule alias_module $modules/mod_alias.so
LoadModule cgid_module $modules/mod_cgid.so
<IfModule !log_config_module>
    LoadModule log_config_module $modules/mod_log_config.so
</IfModule>
EOF
	[ "$(id -u)" -eq 0 ] && printf 'User www-data\nGroup www-data\n'
	cat <<EOF
PidFile $tmp/run/httpd.pid
DefaultRuntimeDir $tmp/run
Mutex file:$tmp/run default
ScriptSock $tmp/run/cgid.sock
ErrorLog $tmp/logs/error.log
LogLevel warn
CustomLog $tmp/logs/access.log common
DocumentRoot $tmp/cgi-bin
MellonLockFile $tmp/run/mellon.lock
<Directory />
    Require all denied
</Directory>
ScriptAlias /cgi-bin/rathaus.cgi $tmp/cgi-bin/env.cgi
<Directory $tmp/cgi-bin>
    Require all granted
</Directory>
<Location /saml>
    Require all granted
</Location>

EOF
	cat "$tmp/snippet.conf"
} >"$tmp/httpd.conf"

# 3. Apache accepts it.
if "$apache" -t -f "$tmp/httpd.conf" >"$tmp/out" 2>&1; then
	ok "apache2 -t accepts the documented configuration"
else
	not_ok "apache2 -t accepts the documented configuration" "$tmp/out"
	echo "Bail out! the configuration does not load"
	exit 1
fi

# A port free when picked may be taken by another test before Apache
# binds it: then another port, a few times.
for try in 1 2 3 4 5; do
	"$apache" -f "$tmp/httpd.conf" -k start >"$tmp/out" 2>&1 && break
	if [ "$try" -lt 5 ] && grep -q 'Address already in use' "$tmp/out"; then
		pick_port
		sed -i "s/^Listen 127\.0\.0\.1:[0-9]*\$/Listen 127.0.0.1:$port/" \
		    "$tmp/httpd.conf"
		continue
	fi
	sed 's/^/# /' "$tmp/out" "$tmp/logs/error.log" 2>/dev/null
	echo "Bail out! apache2 -k start failed"
	exit 99
done
i=0
while [ $i -lt 100 ]; do
	pid=$(cat "$tmp/run/httpd.pid" 2>/dev/null)
	[ -n "$pid" ] && port_open "$port" && break
	sleep 0.1
	i=$((i + 1))
done
[ -n "$pid" ] || { echo "Bail out! Apache did not start"; exit 99; }

base=http://127.0.0.1:$port
# get PATH [curl options]: the body in out, the headers in head, the
# status in $code.
get() {
	p=$1
	shift
	code=$(curl --noproxy '*' -s --max-time 10 -D "$tmp/head" \
	    -o "$tmp/out" -w '%{http_code}' "$@" "$base$p") || code=000
}
no_mellon() { ! grep -q '^MELLON_' "$tmp/out"; }

# 4. Anonymous: passes, no identity.
get /cgi-bin/rathaus.cgi/
check "an anonymous GET of the citizen program passes (200, got $code)" \
    test "$code" = 200
check "... and the program runs without MELLON_ variables or REMOTE_USER" \
    sh -c "grep -q '^REQUEST_METHOD=GET' '$tmp/out' &&
        ! grep -q '^MELLON_' '$tmp/out' && ! grep -q '^REMOTE_USER=' '$tmp/out'"

# 5. /login: to the module's login endpoint, from there to the IdP with
# a signed AuthnRequest for level 3 or more.
get '/cgi-bin/rathaus.cgi/login?return=/cgi-bin/rathaus.cgi/my'
location=$(sed -n 's/^[Ll]ocation: *\([^\r]*\)\r*$/\1/p' "$tmp/head")
case $code in 302|303) r=0 ;; *) r=1 ;; esac
case $location in "$base/saml/login?"*) ;; *) r=1 ;; esac
check "GET /login redirects to /saml/login (got $code)" test "$r" = 0
get "${location#"$base"}"
location=$(sed -n 's/^[Ll]ocation: *\([^\r]*\)\r*$/\1/p' "$tmp/head")
case $code in 302|303) r=0 ;; *) r=1 ;; esac
case $location in "$sso?"*SAMLRequest=*) ;; *) r=1 ;; esac
check "... and on to the IdP's SSO URL with a SAMLRequest (got $code)" \
    test "$r" = 0
LOCATION=$location python3 - >"$tmp/authn.xml" <<'EOF' || true
import base64, os, urllib.parse, zlib
q = urllib.parse.parse_qs(urllib.parse.urlsplit(os.environ["LOCATION"]).query)
print(zlib.decompress(base64.b64decode(q["SAMLRequest"][0]), -15).decode())
EOF
check "... asking for STORK-QAA-Level-3 at least, answer to /saml/postResponse" \
    sh -c "grep -q 'Comparison=\"minimum\"' '$tmp/authn.xml' &&
        grep -q '>STORK-QAA-Level-3<' '$tmp/authn.xml' &&
        grep -q 'AssertionConsumerServiceURL=\"[^\"]*/saml/postResponse\"' '$tmp/authn.xml' &&
        grep -q 'SigAlg=' '$tmp/head'"

# 6. The SP's metadata at the module's endpoint.
get /saml/metadata
check "GET /saml/metadata serves the SP's metadata (got $code)" \
    sh -c "test '$code' = 200 && grep -q 'entityID=\"$entity\"' '$tmp/out'"

# 7. Forged headers and a made-up session cookie change nothing.
get /cgi-bin/rathaus.cgi/ -H 'MELLON_urn_oid_2_5_4_42: Mallory' \
    -H 'Mellon-Urn-Oid-2-5-4-42: Mallory' -H 'MELLON-IDP: evil' \
    -H 'Mellon-urn:oid:1.3.6.1.4.1.25484.494450.3: mallory' \
    -H 'Remote-User: mallory' -H 'X-Remote-User: mallory'
check "request headers named like MELLON_ variables set none (200, got $code)" \
    sh -c "test '$code' = 200 && ! grep -q '^MELLON_' '$tmp/out' &&
        ! grep -q '^REMOTE_USER=' '$tmp/out'"
check "... they reach the program as HTTP_ variables only" \
    grep -q '^HTTP_MELLON_URN_OID_2_5_4_42=Mallory' "$tmp/out"
get /cgi-bin/rathaus.cgi/ \
    -H 'Cookie: mellon-cookie=0123456789abcdef0123456789abcdef'
check "a made-up session cookie is anonymous (200, got $code)" \
    sh -c "test '$code' = 200 && ! grep -q '^MELLON_' '$tmp/out'"

# 8. Nothing went wrong in the module.
check "the error log has no error" \
    sh -c "! grep -E ':(error|crit|alert|emerg)\\]|egmentation fault' '$tmp/logs/error.log'"

exit $failed
