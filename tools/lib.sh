# shellcheck shell=bash
# tools/lib.sh: shared by tools/demo and tools/check (sourced, not run).

# The Debian 12 packages needed to build, run and test rathaus. The one
# place this list lives.
RATHAUS_PACKAGES=(
    build-essential autoconf automake libtool pkg-config autoconf-archive
    libxml2-dev libxslt1-dev libsqlite3-dev sqlite3 libcurl4-openssl-dev
    libqrencode-dev libcmocka-dev libjansson-dev nettle-dev libfcgi-dev
    apache2 apache2-utils libapache2-mod-fcgid spawn-fcgi multiwatch curl zbar-tools librsvg2-bin libxml2-utils tzdata
    libapache2-mod-auth-openidc libapache2-mod-auth-mellon openssl
    default-jre-headless python3-aiosmtpd python3-icalendar
    postgresql-15 libpq-dev
    chromium chromium-driver poppler-utils
)

# Install whichever of the given packages (default: RATHAUS_PACKAGES) is
# missing (apt-get, as root or through sudo). Does nothing when all are.
install_packages() {
    local missing=() p status sudo=() wanted=("$@")
    [ ${#wanted[@]} -gt 0 ] || wanted=("${RATHAUS_PACKAGES[@]}")
    for p in "${wanted[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || status=
        [ "$status" = installed ] || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0

    echo "Installing missing packages: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "error: not root and no sudo; install as root:" >&2
            echo "  apt-get install ${missing[*]}" >&2
            return 1
        fi
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q || return 1
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${missing[@]}" </dev/null || return 1
}

# npm package PKG in DIR unless FILE (a path inside DIR) is there already;
# prints FILE's path. npm comes from Debian when the machine has none.
install_npm() {
    local dir=$1 pkg=$2 file=$1/$3
    if [ ! -f "$file" ]; then
        if ! command -v npm >/dev/null 2>&1; then
            install_packages npm >&2 || return 1
        fi
        mkdir -p "$dir"
        npm install --prefix "$dir" --no-audit --no-fund --silent \
            "$pkg" >&2 </dev/null || return 1
    fi
    echo "$file"
}

# The Nu Html Checker (vnu.jar) in DIR; prints the jar's path.
install_vnu() {
    install_npm "$1" vnu-jar@26 node_modules/vnu-jar/build/dist/vnu.jar
}

# axe-core (the accessibility rules engine) in DIR, for the browser
# test's WCAG checks; prints the path of axe.min.js.
install_axe() {
    install_npm "$1" axe-core@4 node_modules/axe-core/axe.min.js
}

# The demo's and the tests' OpenID Connect provider (tools/idp: the npm
# package oidc-provider, pinned in its package-lock.json) installed into
# DIR, outside the source tree (make distcheck's is read-only); prints
# DIR. Node and npm come from Debian when the machine has none (Debian
# 12's nodejs is 18.19, which oidc-provider 8 supports); a Node older
# than the "engines" minimum of tools/idp/package.json is refused with a
# message. Installed again when the lock file changed.
install_idp() {
    local dir=$1 src min
    src=$(cd "$(dirname "${BASH_SOURCE[0]}")/idp" && pwd) || return 1
    if ! command -v node >/dev/null 2>&1; then
        install_packages nodejs npm >&2 || return 1
    fi
    min=$(sed -n 's/^ *"node": *">=\([0-9.]*\)".*/\1/p' "$src/package.json")
    if ! node -e 'const want = process.argv[1].split(".").map(Number);
            const have = process.versions.node.split(".").map(Number);
            for (let i = 0; i < want.length; i++) {
                if (have[i] !== want[i]) process.exit(have[i] > want[i] ? 0 : 1);
            }' "${min:-0}"; then
        echo "install_idp: $(command -v node) is Node $(node --version)," \
            "too old for tools/idp (oidc-provider needs Node $min or later)" >&2
        return 1
    fi
    if [ ! -f "$dir/node_modules/oidc-provider/package.json" ] ||
        ! cmp -s "$src/package-lock.json" "$dir/package-lock.json"; then
        if ! command -v npm >/dev/null 2>&1; then
            install_packages npm >&2 || return 1
        fi
        mkdir -p "$dir" || return 1
        cp "$src/package.json" "$src/package-lock.json" "$dir/" || return 1
        (cd "$dir" && npm ci --no-audit --no-fund --silent) >&2 </dev/null || {
            rm -f "$dir/package-lock.json"
            return 1
        }
    fi
    echo "$dir"
}
