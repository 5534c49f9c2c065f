#!/usr/bin/env bash
# The dashboard for many users on one machine, without Docker: a throwaway PostgreSQL cluster,
# N Streamlit processes over it, nginx in front. Debian's postgresql and nginx packages (.ci/install).
#
#   deploy/cluster.sh up [--replicas N] [--dir DIR]   start everything (N defaults to 2)
#   deploy/cluster.sh status [--dir DIR]              what runs, and each process's health
#   deploy/cluster.sh down [--dir DIR]                stop exactly what `up` started, remove nothing else
#
# Everything lives in one folder (default: $VN57_CLUSTER_DIR, else /tmp/vn57-cluster): pg/ (the
# cluster's data and socket), logs/ (postgres.log, app-1.log..., nginx), pids/ (one file per process
# started), nginx/ (the configuration written from deploy/nginx.conf), store.url. Ports: PostgreSQL
# $VN57_PG_PORT (5433: not 5432, where the package's own cluster may run), the app processes on
# consecutive ports from $VN57_APP_PORT (8501, 8502, ...), nginx on $VN57_HTTP_PORT (8080), all on
# 127.0.0.1. deploy/compose.yaml describes the same services and ports for Docker.
#
# PostgreSQL refuses to run as root: as root, initdb and pg_ctl run as the `postgres` user the
# package creates (runuser), in a folder that user owns and can reach; as another user, as yourself.
# Editing: the app processes listen on 127.0.0.1 and nginx on 127.0.0.1 by default, so the app's
# "loopback" rule (whoever reaches it is on this machine) holds. To serve other machines set
# VN57_LISTEN=0.0.0.0 and configure editors first (.streamlit/secrets.toml: [vn57]
# editor_password_hash, or [auth] for st.login); `up` refuses a public address without them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${VN57_PG_PORT:=5433}"
: "${VN57_APP_PORT:=8501}"
: "${VN57_HTTP_PORT:=8080}"
: "${VN57_LISTEN:=127.0.0.1}"
: "${VN57_IMPORT_MAX_MB:=20}"
PYTHON="${PYTHON:-python3}"
DIR="${VN57_CLUSTER_DIR:-/tmp/vn57-cluster}"
REPLICAS=2
COMMAND="${1:-}"
shift || true
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) REPLICAS="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    *) echo "cluster.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$REPLICAS" in ''|*[!0-9]*) echo "cluster.sh: --replicas needs a number" >&2; exit 2 ;; esac

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
DB_USER=vn57
DB_NAME=vn57
URL="postgresql://${DB_USER}@127.0.0.1:${VN57_PG_PORT}/${DB_NAME}"

as_pg() {  # run a PostgreSQL tool as its owner, from a folder that user can enter
  if [ "$(id -u)" -eq 0 ]; then
    (cd /tmp && runuser -u postgres -- "$@")
  else
    (cd /tmp && "$@")
  fi
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

healthy() {  # the Streamlit health endpoint answers "ok"
  "$PYTHON" - "$1" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        sys.exit(0 if r.read().decode().strip() == "ok" else 1)
except OSError:
    sys.exit(1)
PY
}

wait_healthy() {  # url, what, pid file; an app answers once warm (serve.py waits up to 60 s for that)
  for _ in $(seq 1 360); do
    if healthy "$1"; then return 0; fi
    if [ -n "${3:-}" ] && ! alive "$3"; then
      echo "cluster.sh: $2 exited; see $DIR/logs" >&2; return 1
    fi
    sleep 0.5
  done
  echo "cluster.sh: $2 not healthy after 180 s; see $DIR/logs" >&2
  return 1
}

editors_configured() {
  "$PYTHON" - "$ROOT" <<'PY'
import sys, tomllib, pathlib
path = pathlib.Path(sys.argv[1]) / ".streamlit" / "secrets.toml"
conf = tomllib.loads(path.read_text()) if path.exists() else {}
sys.exit(0 if conf.get("auth") or (conf.get("vn57") or {}).get("editor_password_hash") else 1)
PY
}

start_postgres() {
  if [ -z "$PG_BIN" ]; then
    echo "cluster.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1
  fi
  mkdir -p "$DIR/pg"
  chmod 755 "$DIR" "$DIR/pg" "$DIR/logs"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$DIR/pg"
    touch "$DIR/logs/postgres.log" && chown postgres:postgres "$DIR/logs/postgres.log"
  fi
  if [ ! -f "$DIR/pg/data/PG_VERSION" ]; then
    as_pg mkdir -p "$DIR/pg/sockets"
    as_pg "$PG_BIN/initdb" -D "$DIR/pg/data" -U "$DB_USER" -A trust --locale=C.UTF-8 -E UTF8 >"$DIR/logs/initdb.log"
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/logs/postgres.log" -w \
    -o "-k $DIR/pg/sockets -p $VN57_PG_PORT -c listen_addresses=127.0.0.1" start >/dev/null
  head -n 1 "$DIR/pg/data/postmaster.pid" >"$DIR/pids/postgres.pid"
  if ! as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$VN57_PG_PORT" -U "$DB_USER" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$VN57_PG_PORT" -U "$DB_USER" "$DB_NAME"
  fi
  echo "$URL" >"$DIR/store.url"
  echo "postgresql: $URL (data in $DIR/pg/data)"
}

start_app() {  # replica number
  local n="$1" port=$((VN57_APP_PORT + $1 - 1))
  (
    cd "$ROOT"
    VN57_STORE_URL="$URL" STREAMLIT_SERVER_COOKIE_SECRET="$(cat "$DIR/cookie.secret")" \
      VN57_IMPORT_MAX_MB="$VN57_IMPORT_MAX_MB" STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
      setsid "$PYTHON" -m streamlit run serve.py --server.port "$port" --server.address 127.0.0.1 \
      --server.headless true --browser.gatherUsageStats false --server.maxUploadSize "$VN57_IMPORT_MAX_MB" \
      --server.fileWatcherType none </dev/null >"$DIR/logs/app-$n.log" 2>&1 &
    echo $! >"$DIR/pids/app-$n.pid"
  )
}

write_nginx_conf() {
  mkdir -p "$DIR/nginx/logs" "$DIR/nginx/tmp"
  local servers="" n
  for n in $(seq 1 "$REPLICAS"); do
    servers="${servers}        server 127.0.0.1:$((VN57_APP_PORT + n - 1)) max_fails=1 fail_timeout=10s;\n"
  done
  awk -v servers="$servers" -v listen="        listen ${VN57_LISTEN}:${VN57_HTTP_PORT};  # @listen" '
    /# @replicas begin/ { print; printf "%s", servers; skip = 1; next }
    /# @replicas end/ { skip = 0 }
    skip { next }
    /# @listen$/ { print listen; next }
    { print }' "$ROOT/deploy/nginx.conf" >"$DIR/nginx/nginx.conf"
  "$NGINX" -t -q -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -g 'daemon off;'
}

up() {
  if [ -d "$DIR/pids" ] && ls "$DIR"/pids/*.pid >/dev/null 2>&1; then
    for f in "$DIR"/pids/*.pid; do
      if alive "$f"; then echo "cluster.sh: already up ($f); run down first" >&2; exit 1; fi
    done
  fi
  case "$VN57_LISTEN" in
    127.*|localhost|::1) ;;
    *) if ! editors_configured; then
         echo "cluster.sh: VN57_LISTEN=$VN57_LISTEN serves other machines: configure editors first (see the header)" >&2
         exit 1
       fi ;;
  esac
  mkdir -p "$DIR/logs" "$DIR/pids"
  [ -f "$DIR/cookie.secret" ] || "$PYTHON" -c "import secrets; print(secrets.token_hex(32))" >"$DIR/cookie.secret"
  chmod 600 "$DIR/cookie.secret"
  start_postgres
  # create and migrate the store, load the bundled data: once, before the replicas start
  (cd "$ROOT" && "$PYTHON" -c "import sys; from data.store import open_store; open_store(sys.argv[1]).close()" "$URL")
  local n
  for n in $(seq 1 "$REPLICAS"); do start_app "$n"; done
  for n in $(seq 1 "$REPLICAS"); do
    wait_healthy "http://127.0.0.1:$((VN57_APP_PORT + n - 1))/_stcore/health" "app-$n" "$DIR/pids/app-$n.pid"
    echo "app-$n: http://127.0.0.1:$((VN57_APP_PORT + n - 1)) (log $DIR/logs/app-$n.log)"
  done
  write_nginx_conf
  setsid "$NGINX" -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -g 'daemon off;' </dev/null >"$DIR/logs/nginx.log" 2>&1 &
  echo $! >"$DIR/pids/nginx.pid"
  local host="$VN57_LISTEN"
  case "$host" in 0.0.0.0|::) host=127.0.0.1 ;; esac
  wait_healthy "http://$host:$VN57_HTTP_PORT/_stcore/health" "nginx" "$DIR/pids/nginx.pid"
  echo "nginx: http://$host:$VN57_HTTP_PORT  ($REPLICAS replicas; logs and PIDs in $DIR)"
}

status() {
  local any=0 f name
  for f in "$DIR"/pids/*.pid; do
    [ -f "$f" ] || continue
    name="$(basename "$f" .pid)"
    if alive "$f"; then any=1; state="running (pid $(cat "$f"))"; else state="stopped"; fi
    case "$name" in
      app-*) port=$((VN57_APP_PORT + ${name#app-} - 1))
             if healthy "http://127.0.0.1:$port/_stcore/health"; then state="$state, healthy on $port"; fi ;;
      nginx) if healthy "http://127.0.0.1:$VN57_HTTP_PORT/_stcore/health"; then state="$state, healthy on $VN57_HTTP_PORT"; fi ;;
    esac
    echo "$name: $state"
  done
  [ "$any" -eq 1 ] || echo "nothing running from $DIR"
}

stop_pid_file() {  # pid file: TERM the process group the script started, then KILL what is left
  local f="$1" pid
  alive "$f" || { rm -f "$f"; return 0; }
  pid="$(cat "$f")"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$f"
}

down() {
  local f
  [ -f "$DIR/pids/nginx.pid" ] && stop_pid_file "$DIR/pids/nginx.pid"
  for f in "$DIR"/pids/app-*.pid; do [ -f "$f" ] && stop_pid_file "$f"; done
  if [ -f "$DIR/pids/postgres.pid" ]; then
    if alive "$DIR/pids/postgres.pid"; then
      as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -m fast -w stop >/dev/null || stop_pid_file "$DIR/pids/postgres.pid"
    fi
    rm -f "$DIR/pids/postgres.pid"
  fi
  echo "down: stopped what $DIR/pids listed (data and logs kept in $DIR)"
}

case "$COMMAND" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: deploy/cluster.sh up|down|status [--replicas N] [--dir DIR]" >&2; exit 2 ;;
esac
