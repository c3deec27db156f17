#!/usr/bin/env bash
# Sets up what the tests need on a fresh Debian machine with only the .NET SDK, then runs every test.
# Used by .ci/run. Safe to run again: installs only what is missing, reuses running services.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

# shellcheck source=scripts/services.sh
source "$here/scripts/services.sh"
ensure_services

echo "== build" >&2
dotnet build qkd.slnx -c Release -nologo -v q
echo "== test" >&2
dotnet test qkd.slnx -c Release --no-build -nologo \
  --blame-hang-timeout 10m --logger "console;verbosity=minimal" "$@"
