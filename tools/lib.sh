# shellcheck shell=bash
# tools/lib.sh: shared by tools/demo and tools/check (sourced, not run).

# The Debian 12 packages needed to build, run and test rathaus. The one
# place this list lives.
RATHAUS_PACKAGES=(
    build-essential autoconf automake libtool pkg-config autoconf-archive
    libxml2-dev libxslt1-dev libsqlite3-dev sqlite3 libcurl4-openssl-dev
    libqrencode-dev libcmocka-dev libjansson-dev
    apache2 curl zbar-tools librsvg2-bin libxml2-utils tzdata
)

# Install whichever of RATHAUS_PACKAGES is missing (apt-get, as root or
# through sudo). Does nothing when all are installed.
install_packages() {
    local missing=() p status sudo=()
    for p in "${RATHAUS_PACKAGES[@]}"; do
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
