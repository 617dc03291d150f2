#!/usr/bin/env bash
# Installs what the local stack needs on Debian 12 and makes sure dockerd runs.
# Idempotent: on a machine that has everything it only checks and returns.
set -euo pipefail

BUILDX=/usr/libexec/docker/cli-plugins/docker-buildx
PACKAGES=(docker.io docker-registry busybox-static openssl apache2-utils ca-certificates)
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}

fail() {
  echo "install.sh: $*" >&2
  exit 1
}

[[ $(id -u) -eq 0 ]] || fail "must run as root (installs Debian packages and starts dockerd)"

export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "install.sh: installing ${missing[*]}"
  apt-get update -qq || fail "apt-get update failed"
  apt-get install -y -qq "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]} failed"
fi

# buildx is not in bookworm. trixie's docker-buildx is a static binary: fetch the .deb through a
# private apt directory (the system sources never see trixie) and unpack it without dpkg's bookkeeping.
if [[ ! -x $BUILDX ]]; then
  echo "install.sh: installing docker-buildx from Debian trixie"
  apt_dir=$(mktemp -d)
  trap 'rm -rf "$apt_dir"' EXIT
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/deb"
  echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' \
    >"$apt_dir/sources.list"
  apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o Dir::Etc::SourceParts=-
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o APT::Sandbox::User=root
  )
  apt-get "${apt_opts[@]}" update -qq || fail "apt-get update of the private trixie source failed"
  (cd "$apt_dir/deb" && apt-get "${apt_opts[@]}" download -qq docker-buildx) || fail "downloading docker-buildx failed"
  dpkg -x "$apt_dir"/deb/docker-buildx_*.deb / || fail "unpacking docker-buildx failed"
  [[ -x $BUILDX ]] || fail "docker-buildx did not provide $BUILDX"
fi

if ! docker info >/dev/null 2>&1; then
  echo "install.sh: starting dockerd (log: $DOCKERD_LOG)"
  setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || {
    tail -n 20 "$DOCKERD_LOG" >&2
    fail "dockerd did not become ready within 30 s"
  }
fi

docker buildx version >/dev/null 2>&1 || fail "docker buildx does not run"
