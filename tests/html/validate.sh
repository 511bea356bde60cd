#!/bin/sh
# Every kind of citizen page, rendered by the real CGI program, must be
# valid HTML5 according to the Nu Html Checker (vnu.jar, from npm; the
# jar is named by VNU_JAR, which tools/check always sets). Prints TAP, one
# line per page; without VNU_JAR or java the whole test is skipped.
#
# Environment (set by `make check`): abs_top_srcdir, abs_top_builddir.

top=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${abs_top_builddir:-$top}
cgi=$build/cgi-bin/rathaus.cgi

if [ -z "${VNU_JAR:-}" ] || [ ! -f "$VNU_JAR" ] || ! command -v java >/dev/null 2>&1; then
	# TAP's skip-all plan; the TAP driver wants status 0 with it.
	echo "1..0 # SKIP no VNU_JAR or no java (tools/check provides both)"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rathaus-html.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/data" "$tmp/pages" "$tmp/share"
# The example town's definitions plus the linter cases that use every
# field type and groups.
cp -R "$top/forms" "$top/xsl" "$top/data" "$tmp/share/" || exit 99
cp -R "$top/examples/wiesmoor/site" "$tmp/site" || exit 99
cp "$top/tests/forms/good/all-types.xml" "$top/tests/forms/good/groups.xml" \
    "$tmp/site/forms/" || exit 99
cat >"$tmp/rathaus.conf" <<CONF
data_dir = $tmp/data
share_dir = $tmp/share
site_dir = $tmp/site
base_url = http://127.0.0.1:9
pay_methods = transfer counter
bank_iban = DE02120300000000202051
bank_bic = BYLADEM1001
bank_recipient = Muster
identity = oidc
CONF
"$build/tools/rathaus" init --conf "$tmp/rathaus.conf" >/dev/null || exit 99
RATHAUS_CONF=$tmp/rathaus.conf
export RATHAUS_CONF

# page NAME METHOD PATH QUERY [BODY]: the response body in pages/NAME.html,
# the headers in pages/NAME.head.
page() {
	name=$1 method=$2 path=$3 query=$4 body=${5:-}
	printf '%s' "$body" | env REQUEST_METHOD="$method" PATH_INFO="$path" \
	    QUERY_STRING="$query" CONTENT_LENGTH=${#body} \
	    CONTENT_TYPE=application/x-www-form-urlencoded \
	    ${REMOTE_USER:+REMOTE_USER="$REMOTE_USER"} \
	    ${HTTP_COOKIE:+HTTP_COOKIE="$HTTP_COOKIE"} \
	    ${HTTP_SEC_FETCH_SITE:+HTTP_SEC_FETCH_SITE="$HTTP_SEC_FETCH_SITE"} \
	    "${program:-$cgi}" \
	    >"$tmp/out" 2>>"$tmp/stderr"
	sed -n '1,/^\r$/p' "$tmp/out" >"$tmp/pages/$name.head"
	sed '1,/^\r$/d' "$tmp/out" >"$tmp/pages/$name.html"
}

# session PATH: the key of a fresh form page and the cookie it set, as a
# browser keeps them, in $key and $cookie: a form is only sent with both.
session() {
	page session GET "$1" ""
	key=$(sed -n 's/.*name="_key" value="\([0-9a-f]*\)".*/\1/p' \
	    "$tmp/pages/session.html" | head -n 1)
	cookie=$(sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/p' \
	    "$tmp/pages/session.head")
	rm -f "$tmp/pages/session.head" "$tmp/pages/session.html"
}

# sent NAME PREFIX: the page NAME was a form sent; its Location (PREFIX
# the reference, ?token= the token) in $ref and $token; the page itself
# is no page to check.
sent() {
	loc=$(sed -n 's/^Location: \(.*\)\r$/\1/p' "$tmp/pages/$1.head")
	rm -f "$tmp/pages/$1.head" "$tmp/pages/$1.html"
	ref=${loc#*"$2"}
	ref=${ref%%\?*}
	token=${loc#*token=}
}

# A valid Easter bonfire for next Easter: Karsamstag of next year is
# always far enough away (the deadline is 4 days before it).
year=$(( $(date +%Y) + 1 ))
a=$((year % 19)) b=$((year / 100)) c=$((year % 100))
h=$(( (19 * a + b - b / 4 - (b - (b + 8) / 25 + 1) / 3 + 15) % 30 ))
l=$(( (32 + 2 * (b % 4) + 2 * (c / 4) - h - c % 4) % 7 ))
m=$(( (a + 11 * h + 22 * l) / 451 ))
easter=$(printf '%04d-%02d-%02d' "$year" $(( (h + l - 7 * m + 114) / 31 )) \
    $(( (h + l - 7 * m + 114) % 31 + 1 )))
saturday=$(date -d "$easter -1 day" +%F)
valid="name=Anna+Beispiel&phone=04944+305-0&place=Am+Festplatz+1&date=$saturday&time=19%3A30&diameter=5&height=3&material=holz&material_confirm=yes&safety=Feuerl%C3%B6scher"

page catalog GET / ""
page catalog-en GET / "lang=en"
page imprint GET /legal/imprint ""
# A portal whose operator has not set up a town yet: neutral words, the
# legal pages say they are missing, no service (and no error).
sed 's|^site_dir = .*|site_dir =|' "$tmp/rathaus.conf" >"$tmp/nosite.conf"
RATHAUS_CONF=$tmp/nosite.conf page nosite-catalog GET / ""
RATHAUS_CONF=$tmp/nosite.conf page nosite-imprint GET /legal/imprint ""
grep -q 'Bürgerportal' "$tmp/pages/nosite-catalog.html" &&
    grep -q 'noch nicht eingetragen' "$tmp/pages/nosite-imprint.html" &&
    grep -q '^Status: 200' "$tmp/pages/nosite-catalog.head" ||
    : >"$tmp/pages/nosite-catalog.html"
RATHAUS_CONF=$tmp/rathaus.conf
page privacy GET /legal/privacy ""
page privacy-en GET /legal/privacy "lang=en"
page accessibility GET /legal/accessibility ""
page accessibility-en GET /legal/accessibility "lang=en"
page search GET / "q=nichts-gefunden"
page form GET /services/osterfeuer ""
page form-en GET /services/osterfeuer "lang=en"
page form-errors POST /services/osterfeuer "" "name=&date=2000-01-01&diameter=99&email=x"
page all-types GET /services/all-types ""
page all-types-errors POST /services/all-types "" "a_text=1&a_multi=bank&a_multi=wohnung&a_number=x&a_date=04.04.2027&a_time=7+Uhr&a_radio=nein&a_plz=123&a_iban=DE00&a_select=zzz&a_money=12%2C345"
page dog GET /services/hundeanmeldung ""
page dog-warning POST /services/hundeanmeldung "" "name=Erika&street=Weg+1&postcode=26639&town=Wiesmoor&dogs=1&dog_name=Bello&breed=Mischling&sex=r&born=2020-05-01&since=2021-01-01&chip=27609810661234&dangerous=nein"
# The certificate needs a login at substantial: anonymous, the way to the
# login (and a POST refused); erika at substantial, the form prefilled.
page certificate-login GET /services/meldebescheinigung "lang=en"
page certificate-refused POST /services/meldebescheinigung "" "given_name=&kind=erweitert&_confirm=1"
erika() {
	OIDC_CLAIM_sub=demo-erika-7f3a OIDC_CLAIM_iss=http://127.0.0.1:9 \
	OIDC_CLAIM_given_name=Erika OIDC_CLAIM_family_name=Mustermann \
	OIDC_CLAIM_birthdate=1964-08-12 \
	OIDC_CLAIM_address='{"street_address":"Hauptstraße 193","postal_code":"26639","locality":"Wiesmoor"}' \
	OIDC_CLAIM_email=erika.mustermann@example.org \
	OIDC_CLAIM_acr=http://eidas.europa.eu/LoA/${level:-substantial} "$@"
}
level=low erika page certificate-level GET /services/meldebescheinigung ""
erika page certificate GET /services/meldebescheinigung "lang=en"
erika page certificate-errors POST /services/meldebescheinigung "" "given_name=&kind=erweitert&purpose=rente&delivery=post"
page id-card GET /services/personalausweis ""
page id-card-page2 POST /services/personalausweis "" "name=Erika&born=2004-06-01&reason=abgelaufen&_page=person"
# The appointment question: a time the calendar does not offer (an error
# at the field and in the summary), and the week after (paged).
page id-card-slot-error POST /services/personalausweis "" "name=Erika&born=2004-06-01&reason=abgelaufen&termin=2020-01-06T08:00&_page=termin"
page id-card-later POST /services/personalausweis "lang=en" "name=Erika&born=2004-06-01&reason=abgelaufen&_page=termin&_week=$(date -d '+7 day' +%F)"
page check POST /services/osterfeuer "" "$valid&_page=angaben"
page group-rows POST /services/groups "" "form=firma&copies=3&_page=firm&_rows.partners=2&pname.1=Anna&pname.2="
page group-check POST /services/groups "lang=en" "form=firma&copies=3&_page=address&_rows.partners=2&pname.1=Anna&pname.2=Ben&share.2=40"
page group-added POST /services/groups "" "form=firma&copies=3&_page=firm&_rows.partners=2&pname.1=Anna&pname.2=Ben&_add=partners"
page group-removed POST /services/groups "lang=en" "form=firma&copies=3&_page=firm&_rows.partners=3&pname.1=Anna&pname.2=Ben&pname.3=Cem&_remove=partners.1"
# The focus after a row button: on the new row, on the notice (else empty).
grep -q 'id="g-partners.3" tabindex="-1" autofocus' "$tmp/pages/group-added.html" ||
    : >"$tmp/pages/group-added.html"
grep -q 'class="row-notice".*autofocus.*Partner 1 has been removed; the entries after' \
    "$tmp/pages/group-removed.html" || : >"$tmp/pages/group-removed.html"
page info GET /services/abfall ""
page link GET /services/kfz-zulassung ""
page link-en GET /services/kfz-zulassung "lang=en"
page not-found GET /nope ""
page bad-request GET / "q=%zz"
# Sent with a key that is not the browser's: the check page again, saying so.
page check-renewed POST /services/osterfeuer "" "_key=0123456789abcdef0123456789abcdef&$valid&_confirm=1"
session /services/osterfeuer
HTTP_COOKIE=$cookie page valid POST /services/osterfeuer "" "_key=$key&$valid&_confirm=1"
sent valid /receipt/
vref=$ref
page receipt GET "/receipt/$ref" "token=$token"
page status GET "/status/$ref" "token=$token"
page status-en GET "/status/$ref" "token=$token&lang=en"

# An appointment: booked, on its receipt and status page, "absagen"
# asking once more, "verschieben" offering the free times.
slot=$(sed -n 's/.*type="radio" value="\([0-9-]*T[0-9:]*\)".*/\1/p' \
    "$tmp/pages/id-card-page2.html" | head -n 1)
session /services/personalausweis
HTTP_COOKIE=$cookie page booked POST /services/personalausweis "" "_key=$key&name=Erika&born=2004-06-01&reason=abgelaufen&termin=$slot&_confirm=1"
sent booked /receipt/
bref=$ref btoken=$token
page booking-receipt GET "/receipt/$bref" "token=$btoken"
page booking-status GET "/status/$bref" "token=$btoken"
page booking-cancel POST "/status/$bref" "token=$btoken" "_action=cancel"
page booking-move POST "/status/$bref" "token=$btoken&lang=en" "_action=move"
grep -q 'Termin absagen' "$tmp/pages/booking-status.html" &&
    grep -q 'wirklich absagen' "$tmp/pages/booking-cancel.html" &&
    grep -q 'name="termin"' "$tmp/pages/booking-move.html" ||
    : >"$tmp/pages/booking-status.html"

# A paid service: the checkout with the GiroCode.
erika session /services/meldebescheinigung
HTTP_COOKIE=$cookie erika page paid-order POST /services/meldebescheinigung "" "_key=$key&id_number=L01X00T47&kind=einfach&purpose=privat&delivery=post&_confirm=1"
sent paid-order /pay/
pref=$ref
# Sent logged in: the checkout without a token, erika's account opens it;
# and her pages of the account: Meine Anträge, the Postkorb.
erika page pay GET "/pay/$pref" ""
erika page pay-en GET "/pay/$pref" "lang=en"
erika page my GET /my ""
erika page my-en GET /my "lang=en"
erika page postkorb GET "/my/$pref" ""
erika page receipt-owner GET "/receipt/$pref" ""
# Each of them hers, not a 404 that would validate as well: else empty.
for p in pay pay-en my my-en postkorb receipt-owner; do
	if grep -q '^Status: [45]' "$tmp/pages/$p.head" ||
	    ! grep -q "$pref" "$tmp/pages/$p.html"; then
		: >"$tmp/pages/$p.html"
	fi
done

# The back office, as web-server users of the town's clerks.xml.
program=$build/cgi-bin/staff.cgi
REMOTE_USER=admin page staff-inbox GET / ""
REMOTE_USER=admin page staff-inbox-filtered GET / "service=osterfeuer&status=received&q=Anna&sort=oldest"
# A calendar's day with the appointment booked above, for its clerk.
REMOTE_USER=beispiel page staff-day GET /appointments "calendar=buergerbuero&day=${slot%T*}"
REMOTE_USER=beispiel page staff-day-en GET /appointments "calendar=buergerbuero&day=${slot%T*}&lang=en"
grep -q "$bref" "$tmp/pages/staff-day.html" || : >"$tmp/pages/staff-day.html"
REMOTE_USER=mustermann page staff-submission GET "/submissions/$vref" ""
REMOTE_USER=mustermann page staff-submission-en GET "/submissions/$vref" "lang=en"
REMOTE_USER=nobody page staff-forbidden GET / ""
# Another site's request: refused, with a link to open it from here.
HTTP_SEC_FETCH_SITE=cross-site REMOTE_USER=mustermann page staff-cross-site \
    GET "/submissions/$vref" ""
grep -q 'anderen Website' "$tmp/pages/staff-cross-site.html" ||
    : >"$tmp/pages/staff-cross-site.html"
# The paid order, once paid: its refund form. (A staff POST carries the
# cookie the page set and the token of the page's forms.)
REMOTE_USER=admin page staff-csrf GET "/submissions/$pref" ""
csrf=$(sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' \
    "$tmp/pages/staff-csrf.html" | head -n 1)
cookie=$(sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/p' "$tmp/pages/staff-csrf.head")
rm -f "$tmp/pages/staff-csrf.head" "$tmp/pages/staff-csrf.html"
HTTP_COOKIE=$cookie REMOTE_USER=admin page staff-paid POST \
    "/submissions/$pref" "" "_csrf=$csrf&_action=paid&method=counter"
rm -f "$tmp/pages/staff-paid.head" "$tmp/pages/staff-paid.html"
# Paid again: 409, the page says it is paid already.
HTTP_COOKIE=$cookie REMOTE_USER=admin page staff-paid-again POST \
    "/submissions/$pref" "" "_csrf=$csrf&_action=paid&method=counter"
grep -q 'bereits bezahlt' "$tmp/pages/staff-paid-again.html" ||
    : >"$tmp/pages/staff-paid-again.html"
REMOTE_USER=admin page staff-refund GET "/submissions/$pref" ""
# Without the form this page would check nothing new: fail it as empty.
grep -q 'value="refund"' "$tmp/pages/staff-refund.html" ||
    : >"$tmp/pages/staff-refund.html"
unset program

# The store cannot be opened: no form offered (503), and a form sent anyway
# comes back as the check page with its answers and what happened.
mv "$tmp/data/rathaus.db" "$tmp/data/rathaus.db.away" || exit 99
page unavailable GET /services/osterfeuer ""
page unsent POST /services/osterfeuer "lang=en" "$valid&_confirm=1"
mv "$tmp/data/rathaus.db.away" "$tmp/data/rathaus.db" || exit 99
grep -q 'id="store-problem"' "$tmp/pages/unsent.html" ||
    : >"$tmp/pages/unsent.html"

java -jar "$VNU_JAR" --errors-only --format gnu "$tmp"/pages/*.html \
    >"$tmp/vnu.out" 2>&1
set -- "$tmp"/pages/*.html
echo "1..$#"
n=0 failed=0
for f do
	n=$((n + 1))
	name=$(basename "$f" .html)
	if [ ! -s "$f" ]; then
		echo "not ok $n - $name: empty page"
		failed=$((failed + 1))
	elif grep -q "$f" "$tmp/vnu.out"; then
		echo "not ok $n - $name"
		grep "$f" "$tmp/vnu.out" | sed "s|$tmp/pages/|# |"
		failed=$((failed + 1))
	else
		echo "ok $n - $name"
	fi
done
if [ -s "$tmp/stderr" ]; then
	sed 's/^/# stderr: /' "$tmp/stderr"
fi
[ "$failed" -eq 0 ]
