#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: uv (from PyPI), the locked Python
# environment, the Apache Kafka jars (Maven Central) and the Helm chart's validation tools (Go
# modules), cached outside the repository.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
UV_VERSION="${UV_VERSION:-0.13.8}"

uv_bin=$(command -v uv 2>/dev/null || echo "$MELDCODE_CACHE_DIR/uv/bin/uv")
if [ ! -x "$uv_bin" ]; then
  echo "setup: installing uv $UV_VERSION from PyPI into $MELDCODE_CACHE_DIR/uv" >&2
  if ! python3 -m venv "$MELDCODE_CACHE_DIR/uv" 2>/dev/null; then
    # Debian's own python3 needs python3-venv for that; install it when we may.
    rm -rf "$MELDCODE_CACHE_DIR/uv"
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; fi
    python3 -m venv "$MELDCODE_CACHE_DIR/uv"
  fi
  "$MELDCODE_CACHE_DIR/uv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
for tool in java mvn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "setup: $tool is required (Java 17 with Maven)" >&2; exit 1; }
done
(cd "$MELDCODE_ROOT" && "$uv_bin" sync --frozen --quiet)
bash "$MELDCODE_ROOT/deploy/local/kafka.sh" fetch
# helm and kubeconform for the chart's validation in the fast lane (deploy/helm/validate.sh): built
# once from their pinned Go modules into $MELDCODE_CACHE_DIR/go-tools (needs Go, like Java above).
bash "$MELDCODE_ROOT/deploy/helm/validate.sh" install

# Debian packages for the portal: Node.js/npm (builds its assets) and Chromium (the browser tests).
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq "$@" >/dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null; }
}
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing Debian's nodejs and npm for the portal's assets" >&2
  apt_install nodejs npm
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium for the browser tests" >&2
  apt_install chromium
fi
if ! command -v openssl >/dev/null 2>&1; then
  echo "setup: installing Debian's openssl for the local Kafka's TLS certificates (the TLS tests)" >&2
  apt_install openssl
fi

# The portal's front-end assets, vendored from web/package-lock.json into static/vendor/ (git-ignored;
# no CDN at run time): again only when the lock file changed since the last copy.
web="$MELDCODE_ROOT/web"
vendor_stamp="$web/src/meldcode_web/static/vendor/.package-lock.sha256"
lock_sum=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$vendor_stamp" ] || [ "$(cat "$vendor_stamp")" != "$lock_sum" ]; then
  echo "setup: vendoring the portal's front-end assets (npm ci)" >&2
  (cd "$web" && npm_config_cache="$MELDCODE_CACHE_DIR/npm" npm ci --no-audit --no-fund --loglevel=error \
    && node scripts/vendor-assets.mjs >/dev/null)
  echo "$lock_sum" >"$vendor_stamp"
fi
