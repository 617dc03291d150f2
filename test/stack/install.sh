#!/usr/bin/env bash
# Installs what the local stack needs on Debian 12 and makes sure both Docker engines run:
#   classic:    Debian 12's Docker Engine 20.10 (classic image store), default socket
#   containerd: Debian 13's Docker Engine 26.1 + containerd 1.7 (containerd image store), its own
#               everything under /opt, /etc, /var/lib and /run ebp-engine2 (test/stack/engines.ts)
# Idempotent: on a machine that has everything it only checks and returns.
set -euo pipefail

BUILDX=/usr/libexec/docker/cli-plugins/docker-buildx
PACKAGES=(docker.io docker-registry busybox-static openssl apache2-utils ca-certificates)
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
CLASSIC_HOST=unix:///var/run/docker.sock
ENGINE2=/opt/ebp-engine2
ENGINE2_ETC=/etc/ebp-engine2
ENGINE2_LIB=/var/lib/ebp-engine2
ENGINE2_RUN=/run/ebp-engine2
ENGINE2_HOST=unix://$ENGINE2_RUN/docker.sock
ENGINE2_CONTAINERD=$ENGINE2_RUN/containerd/containerd.sock
ENGINE2_LOG=${ENGINE2_LOG:-/var/log/ebp-engine2}
# Every host the stack's TLS proxy serves: TLS_HOSTS in test/stack/tls.ts (a self-test keeps them equal).
STACK_HOSTS=(
  123456789012.dkr.ecr.eu-west-1.amazonaws.com
  210987654321.dkr.ecr.us-east-1.amazonaws.com
  345678901234.dkr.ecr.ap-southeast-2.amazonaws.com
  public.ecr.aws
  registry.octo.example
)
CERTS_DIR=/etc/docker/certs.d
# "<pid of the classic dockerd> <hosts>" once that daemon started with every host's certs.d directory.
CLASSIC_RECORD=/var/lib/ebp-stack/classic-engine

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

# Debian 13 (trixie) packages come through a private apt directory (the system's sources never see
# trixie) and are unpacked with dpkg -x, without dpkg's bookkeeping: no trixie library is installed.
apt_dir=
trixie_download() {
  if [[ -z $apt_dir ]]; then
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
  fi
  (cd "$apt_dir/deb" && apt-get "${apt_opts[@]}" download -qq "$@") || fail "downloading $* from trixie failed"
}

# buildx is not in bookworm; trixie's docker-buildx is a static binary.
if [[ ! -x $BUILDX ]]; then
  echo "install.sh: installing docker-buildx from Debian trixie"
  trixie_download docker-buildx
  dpkg -x "$apt_dir"/deb/docker-buildx_*.deb / || fail "unpacking docker-buildx failed"
  [[ -x $BUILDX ]] || fail "docker-buildx did not provide $BUILDX"
fi

# Engine 2's binaries: trixie's docker.io needs only libc6 >= 2.34, and Debian 12's runc serves it.
if [[ ! -x $ENGINE2/usr/sbin/dockerd || ! -x $ENGINE2/usr/bin/containerd ]]; then
  echo "install.sh: installing Docker Engine 26.1 and containerd 1.7 from Debian trixie into $ENGINE2"
  started=$SECONDS
  trixie_download docker.io containerd
  rm -rf "$ENGINE2.tmp"
  for deb in "$apt_dir"/deb/docker.io_*.deb "$apt_dir"/deb/containerd_*.deb; do
    dpkg -x "$deb" "$ENGINE2.tmp" || fail "unpacking $deb failed"
  done
  rm -rf "$ENGINE2"
  mv "$ENGINE2.tmp" "$ENGINE2"
  echo "install.sh: engine 2 installed in $((SECONDS - started)) s"
fi

# Starts a daemon in its own session with no file descriptor of ours but stdio: a daemon that kept
# an inherited descriptor of a lock (`flock LOCK bash install.sh`) would hold that lock forever.
daemon() {
  local log=$1
  shift
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      ((fd > 2)) && eval "exec $fd>&-"
    done
    exec setsid nohup "$@" >>"$log" 2>&1 </dev/null
  ) &
}

# Waits up to 30 s for a command to succeed.
wait_for() {
  for _ in $(seq 1 60); do
    "$@" && return 0
    sleep 0.5
  done
  return 1
}

classic_answers() { DOCKER_HOST=$CLASSIC_HOST docker info >/dev/null 2>&1; }
engine2_answers() { DOCKER_HOST=$ENGINE2_HOST docker info >/dev/null 2>&1; }
engine2_containerd_up() { [[ -S $ENGINE2_CONTAINERD ]] && pgrep -f "^$ENGINE2/usr/bin/containerd " >/dev/null; }

# dockerd 20.10's BuildKit lists /etc/docker/certs.d once, when the daemon starts (it reads the CA
# files inside each listed directory at every pull): a host whose directory appears later is never
# trusted for FROM pulls. So the directories exist before the daemon starts and stay (empty while the
# stack is down), and a classic daemon not known to have started after them is restarted, once.
for host in "${STACK_HOSTS[@]}"; do mkdir -p "$CERTS_DIR/$host"; done
classic_record() { echo "$(cat /var/run/docker.pid 2>/dev/null) ${STACK_HOSTS[*]}"; }
if classic_answers && [[ $(cat "$CLASSIC_RECORD" 2>/dev/null) != "$(classic_record)" ]]; then
  pid=$(cat /var/run/docker.pid 2>/dev/null || true)
  echo "install.sh: restarting the classic dockerd (pid ${pid:-?}) so that its BuildKit sees $CERTS_DIR/{${STACK_HOSTS[*]}}"
  if [[ -n $pid ]] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 60); do
      [[ -d /proc/$pid ]] || break
      sleep 0.5
    done
  fi
  classic_answers && fail "the classic dockerd still answers after SIGTERM (not started by this script?)"
fi
if ! classic_answers; then
  echo "install.sh: starting dockerd (log: $DOCKERD_LOG)"
  daemon "$DOCKERD_LOG" dockerd
  wait_for classic_answers || {
    tail -n 20 "$DOCKERD_LOG" >&2
    fail "dockerd did not become ready within 30 s"
  }
fi
mkdir -p "$(dirname "$CLASSIC_RECORD")"
classic_record >"$CLASSIC_RECORD"

# Engine 2 runs beside the classic one with nothing shared but /etc/docker/certs.d (so both trust
# the stack's registry CA): its own config, data root, exec root, pid file, socket and containerd,
# no bridge and no iptables rules.
if ! engine2_answers; then
  echo "install.sh: starting engine 2 (containerd image store) at $ENGINE2_HOST (logs: $ENGINE2_LOG/)"
  mkdir -p "$ENGINE2_ETC" "$ENGINE2_LIB" "$ENGINE2_RUN" "$ENGINE2_LOG"
  cat >"$ENGINE2_ETC/containerd.toml" <<EOF
version = 2
root = "$ENGINE2_LIB/containerd"
state = "$ENGINE2_RUN/containerd"
# No Kubernetes here: the CRI plugin would only cost start-up time and warnings.
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$ENGINE2_CONTAINERD"
[ttrpc]
  address = "$ENGINE2_CONTAINERD.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$ENGINE2_LIB/containerd/opt"
EOF
  echo '{"features":{"containerd-snapshotter":true}}' >"$ENGINE2_ETC/daemon.json"
  # containerd finds its shim and dockerd its init on PATH.
  engine_path=$ENGINE2/usr/bin:$ENGINE2/usr/sbin:$PATH
  if ! engine2_containerd_up; then
    daemon "$ENGINE2_LOG/containerd.log" env PATH="$engine_path" "$ENGINE2/usr/bin/containerd" \
      --config "$ENGINE2_ETC/containerd.toml"
    wait_for engine2_containerd_up || {
      tail -n 20 "$ENGINE2_LOG/containerd.log" >&2
      fail "engine 2's containerd did not open $ENGINE2_CONTAINERD within 30 s"
    }
  fi
  daemon "$ENGINE2_LOG/dockerd.log" env PATH="$engine_path" "$ENGINE2/usr/sbin/dockerd" \
    --config-file "$ENGINE2_ETC/daemon.json" \
    --data-root "$ENGINE2_LIB/docker" \
    --exec-root "$ENGINE2_RUN/exec" \
    --pidfile "$ENGINE2_RUN/dockerd.pid" \
    -H "$ENGINE2_HOST" \
    --containerd "$ENGINE2_CONTAINERD" \
    --bridge none --iptables=false --ip6tables=false
  wait_for engine2_answers || {
    tail -n 20 "$ENGINE2_LOG/dockerd.log" >&2
    fail "engine 2 did not become ready within 30 s"
  }
fi

docker buildx version >/dev/null 2>&1 || fail "docker buildx does not run"
DOCKER_HOST=$ENGINE2_HOST docker info --format '{{json .DriverStatus}}' | grep -q io.containerd.snapshotter.v1 ||
  fail "engine 2 does not use the containerd image store"
