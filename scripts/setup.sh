#!/usr/bin/env bash
# Installs the Debian packages libtinker needs to build, test and bind. Idempotent:
# it runs `apt-get update` once and only when something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libcurl4-openssl-dev libcjson-dev libevent-dev libzstd-dev libssl-dev zlib1g-dev libsqlite3-dev
  libprotobuf-dev protobuf-compiler
  libcmocka-dev python3 doxygen yard
  libpcre2-dev libutf8proc-dev
  swig golang-go ruby ruby-dev default-jdk-headless junit5
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Node.js and npm run the tokenizer's reference implementations in the oracle test. Any
# installation will do (Debian's packages, or another vendor's "nodejs" that bundles npm).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
