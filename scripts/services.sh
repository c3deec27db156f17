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

# Waits up to 5 s until something accepts connections on 127.0.0.1:$1.
wait_for_port() {
  local i
  for i in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then break; fi
    sleep 0.1
  done
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
    wait_for_port "$port"
  fi
  export QKD_TEST_MQTT="mqtt://127.0.0.1:$port"
  echo "== mosquitto on 127.0.0.1:$port (QKD_TEST_MQTT set)" >&2
}

# Debian's openssl 3.x for the tunnel's interoperability tests (issue 15: s_server/s_client -psk against
# `qkd tunnel`). Usually present; installs the Debian package only when missing. No service to start.
ensure_openssl() {
  if ! command -v openssl >/dev/null 2>&1; then
    echo "== installing openssl (Debian)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq openssl >/dev/null
  fi
  echo "== $(openssl version)" >&2
}

# A second Mosquitto listener with TLS (QKD_MQTTS_PORT, default 18831): its own CA, a broker certificate for
# 127.0.0.1, client certificates SAE_A / SAE_B (CN = SAE ID = MQTT user name, required) and an acl_file letting
# SAE_A write only qkd/sealed/SAE_A/# and read its edge acknowledgements qkd/ack/SAE_A/#, and SAE_B the
# reverse. A listener already running from an older ACL gets the current one (SIGHUP reloads it). Exports QKD_TEST_MQTTS (mqtts://127.0.0.1:PORT)
# and QKD_TEST_MQTT_CERTS (the directory: ca.pem, sae_a.pem/.key, sae_b.pem/.key). The plain listener stays.
ensure_mosquitto_tls() {
  local port="${QKD_MQTTS_PORT:-18831}" dir=/tmp/qkd-mosquitto-tls
  ensure_mosquitto
  local bin
  bin="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
  local acl='user SAE_A\ntopic write qkd/sealed/SAE_A/#\ntopic read qkd/ack/SAE_A/#\n\nuser SAE_B\ntopic read qkd/sealed/SAE_A/#\ntopic write qkd/ack/SAE_A/#\n'
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && [ -f "$dir/acl" ] && [ "$(cat "$dir/acl")" != "$(printf "$acl")" ]; then
    printf "$acl" > "$dir/acl"
    pkill -HUP -f "$dir/mosquitto.conf" || true
  fi
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    mkdir -p "$dir"
    if [ ! -f "$dir/ca.pem" ]; then
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 -subj "/CN=qkd MQTT CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
      local name eku san
      for name in broker SAE_A SAE_B; do
        if [ "$name" = broker ]; then eku=serverAuth; san="subjectAltName=IP:127.0.0.1,DNS:localhost"; else eku=clientAuth; san="subjectAltName=DNS:$name"; fi
        local f="$dir/$(echo "$name" | tr '[:upper:]' '[:lower:]')"
        (umask 077; openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$name" -keyout "$f.key" -out "$f.csr" 2>/dev/null)
        printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n%s\n' "$eku" "$san" > "$f.ext"
        openssl x509 -req -in "$f.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 825 -extfile "$f.ext" -out "$f.pem" 2>/dev/null
      done
    fi
    printf 'user SAE_A\ntopic write qkd/sealed/SAE_A/#\n\nuser SAE_B\ntopic read qkd/sealed/SAE_A/#\n' > "$dir/acl"
    # The broker key must be readable by the user mosquitto drops to; the gateway keys stay 0600.
    chmod 755 "$dir"; chmod 644 "$dir/acl" "$dir/broker.key"
    printf 'per_listener_settings false\nlistener %s 127.0.0.1\ncafile %s/ca.pem\ncertfile %s/broker.pem\nkeyfile %s/broker.key\nrequire_certificate true\nuse_identity_as_username true\nallow_anonymous false\nacl_file %s/acl\npersistence false\n' \
      "$port" "$dir" "$dir" "$dir" "$dir" > "$dir/mosquitto.conf"
    chmod 644 "$dir/mosquitto.conf"
    "$bin" -c "$dir/mosquitto.conf" -d
    wait_for_port "$port"
  fi
  export QKD_TEST_MQTTS="mqtts://127.0.0.1:$port" QKD_TEST_MQTT_CERTS="$dir"
  echo "== mosquitto TLS + ACL on 127.0.0.1:$port (QKD_TEST_MQTTS, QKD_TEST_MQTT_CERTS set)" >&2
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
  ensure_openssl
  ensure_mosquitto_tls
  ensure_chromium
}
