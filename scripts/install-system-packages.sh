#!/usr/bin/env bash
# System packages minsheng needs beyond Python: Chromium for browser tests, CJK fonts for pages and
# PDF notices, Java 17 for Spark's local mode. Idempotent: installs only what is missing.
set -euo pipefail
needed=()
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || needed+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || needed+=(openjdk-17-jre-headless)
if [ ${#needed[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "minsheng: installing system packages: ${needed[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${needed[@]}" fontconfig
