#!/usr/bin/env bash
# Installs the Debian packages synack needs to build, test, fuzz and benchmark.
# Idempotent and non-interactive: only missing packages are installed, so a
# second run costs one dpkg query. Every make target calls this first.
#
# Usage: scripts/install-deps.sh            (everything to build, test and fuzz)
#        scripts/install-deps.sh --bench    (only the peers `make bench` measures
#                                            beside synack: lwIP, gVisor netstack)
#        SYNACK_SKIP_DEPS=1 make ...        (skip, e.g. on a machine you manage)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libfmt-dev nlohmann-json3-dev libssl-dev libasio-dev
  libpcap-dev libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  clang-19 libclang-rt-19-dev clang-format
  tcpdump tshark libxml2-utils
  iproute2 iputils-ping ethtool curl socat python3 microsocks dante-server
  zsh groff-base
  chromium libcpp-httplib-dev
)

# The peers of bench/peers (docs/benchmarks.md), only when benchmarks are
# requested: lwIP's library, and gVisor's netstack as Debian's Go sources
# (built in GOPATH mode with Debian's Go: nothing is downloaded).
bench_packages=(liblwip-dev golang-go golang-gvisor-gvisor-dev)
npm=1
case "${1:-}" in
  "") ;;
  --bench) packages=("${bench_packages[@]}") npm=0 ;;
  *) echo "install-deps: unknown argument '$1' (use --bench)" >&2; exit 2 ;;
esac

# npm packages of the browser tests (tests/browser: puppeteer-core drives the
# chromium above), exactly as package-lock.json pins them, from the npm
# registry. Skipped when they are installed or there is no npm (Node 20).
install_npm() {
  ((npm)) || return 0
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
  [[ -f "$dir/node_modules/puppeteer-core/package.json" ]] && return 0
  if ! command -v npm >/dev/null; then
    echo "install-deps: npm not found: the browser tests (ctest -L browser) need Node 20 and npm" >&2
    return 0
  fi
  echo "install-deps: npm ci in tests/browser (puppeteer-core)" >&2
  (cd "$dir" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  install_npm
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]} (run as root, or install them yourself)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_npm
