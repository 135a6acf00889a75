# Debian package installation shared by every script of mailmig that installs something.
# Source it, then call `apt_install PACKAGE...`: packages already installed are left alone; the
# package lists are refreshed first when they are missing or older than a day (once per run, even
# across scripts, through MAILMIG_APT_UPDATED); a failed install names the package and apt's reason.
#
# A new machine's first-boot jobs (apt-daily, unattended-upgrades) may hold the dpkg lock for a
# while: every call waits up to 5 minutes for it instead of failing.
#
# A fresh Debian machine has empty lists under /var/lib/apt/lists, where `apt-get install` answers
# "Unable to locate package" for everything: this is why no script calls apt-get directly.

# apt_lists_fresh: whether the package lists exist and were refreshed within the last day.
apt_lists_fresh() {
    local lists=/var/lib/apt/lists
    compgen -G "$lists/*_Packages*" >/dev/null || return 1
    [[ -z $(find "$lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit 2>/dev/null) ]] && return 1
    return 0
}

# apt_refresh_lists: runs `apt-get update` once per run when the lists are missing or stale.
apt_refresh_lists() {
    [[ ${MAILMIG_APT_UPDATED:-} == 1 ]] && return 0
    if ! apt_lists_fresh; then
        printf 'apt: refreshing the package lists\n' >&2
        local output
        if ! output=$(apt-get update -qq -o DPkg::Lock::Timeout=300 2>&1); then
            printf 'apt: apt-get update failed:\n%s\n' "$output" >&2
            return 1
        fi
    fi
    export MAILMIG_APT_UPDATED=1
}

# apt_missing PACKAGE...: prints the packages that are not installed, one per line.
apt_missing() {
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            printf '%s\n' "$package"
    done
}

# apt_install PACKAGE...: installs the packages that are missing; exit 1 naming any that failed.
apt_install() {
    local missing=() package output
    mapfile -t missing < <(apt_missing "$@")
    ((${#missing[@]} == 0)) && return 0
    printf 'apt: installing %s\n' "${missing[*]}" >&2
    apt_refresh_lists || return 1
    if output=$(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}" 2>&1); then
        return 0
    fi
    # Say which package failed and why: one install each, so apt names the culprit.
    local failed=()
    for package in "${missing[@]}"; do
        if ! output=$(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$package" 2>&1); then
            failed+=("$package")
            printf 'apt: could not install %s: %s\n' "$package" "$(printf '%s' "$output" | grep -E '^E:' | head -3 | tr '\n' ' ')" >&2
        fi
    done
    ((${#failed[@]} == 0)) && return 0
    return 1
}
