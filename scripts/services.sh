#!/usr/bin/env bash
# Services the integration tests use. Each ensure_* installs from Debian packages when missing and
# starts the service on loopback; tests find them through the QKD_TEST_* environment variables and
# skip nothing: a missing service is a failed test, not a silent pass.

# PostgreSQL for the Qkd.Kms key-store tests (issue 5). Idempotent: installs the Debian package
# only when missing, creates/starts the default cluster on 127.0.0.1 only, creates the role and
# database once, and exports QKD_TEST_PG (an Npgsql connection string).
ensure_postgres() {
  local port="${QKD_PG_PORT:-5432}" db=qkd_test role=qkd_test password=qkd_test
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "== installing postgresql (Debian)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  local version cluster=main
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {found=1} END {exit !found}'; then
    pg_createcluster -p "$port" "$version" "$cluster" >/dev/null
  fi
  port="$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $3}')"
  if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c && $4=="online" {found=1} END {exit !found}'; then
    pg_ctlcluster "$version" "$cluster" start -o "-c listen_addresses=127.0.0.1 -c max_connections=300"
  fi
  local i
  for i in $(seq 1 60); do
    if su postgres -c "psql -p $port -tAc 'select 1'" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  if ! su postgres -c "psql -p $port -tAc \"select 1 from pg_roles where rolname='$role'\"" | grep -q 1; then
    su postgres -c "psql -p $port -qc \"create role $role login password '$password'\""
  fi
  if ! su postgres -c "psql -p $port -tAc \"select 1 from pg_database where datname='$db'\"" | grep -q 1; then
    su postgres -c "psql -p $port -qc \"create database $db owner $role\""
  fi
  export QKD_TEST_PG="Host=127.0.0.1;Port=$port;Database=$db;Username=$role;Password=$password;Maximum Pool Size=100"
  echo "== postgresql $version on 127.0.0.1:$port (QKD_TEST_PG set)" >&2
}

# Mosquitto for the Qkd.Gateway broker test (gateway demo). Idempotent: installs the Debian package only
# when missing, starts one broker on 127.0.0.1 (port QKD_MQTT_PORT, default 18830) unless one already
# answers there, and exports QKD_TEST_MQTT (mqtt://127.0.0.1:PORT).
ensure_mosquitto() {
  local port="${QKD_MQTT_PORT:-18830}" dir=/tmp/qkd-mosquitto
  if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
    echo "== installing mosquitto (Debian)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq mosquitto >/dev/null
  fi
  local bin
  bin="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    mkdir -p "$dir"
    printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" > "$dir/mosquitto.conf"
    # -d daemonises; when running as root mosquitto drops to its own user, which must read the config.
    chmod 755 "$dir"; chmod 644 "$dir/mosquitto.conf"
    "$bin" -c "$dir/mosquitto.conf" -d
    local i
    for i in $(seq 1 50); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
      sleep 0.1
    done
  fi
  export QKD_TEST_MQTT="mqtt://127.0.0.1:$port"
  echo "== mosquitto on 127.0.0.1:$port (QKD_TEST_MQTT set)" >&2
}

# Chromium for the dashboard's browser test (Qkd.Testbed.Tests, Microsoft.Playwright): Debian's package, launched
# by executable path (QKD_TEST_CHROMIUM), so Playwright downloads no browser. Idempotent: installs only when missing.
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    echo "== installing chromium (Debian)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  fi
  export QKD_TEST_CHROMIUM=/usr/bin/chromium
  echo "== chromium at /usr/bin/chromium (QKD_TEST_CHROMIUM set)" >&2
}

ensure_services() {
  ensure_postgres
  ensure_mosquitto
  ensure_chromium
}
