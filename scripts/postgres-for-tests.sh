#!/usr/bin/env bash
# Start a local PostgreSQL from Debian's packages for the storage tests and print its URL.
# Used by .ci/run; safe to run again.
set -euo pipefail
cd /  # psql runs as the postgres user, who may not enter the checkout's folder
if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi
read -r version cluster _ < <(pg_lsclusters -h | head -n 1)
$sudo pg_ctlcluster "$version" "$cluster" start >/dev/null 2>&1 || true
for _ in $(seq 30); do
    as_postgres psql -qtAc "SELECT 1" >/dev/null 2>&1 && break
    sleep 1
done
as_postgres psql -qtAc "DROP DATABASE IF EXISTS milma_test" >/dev/null
as_postgres psql -qtAc "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='milma') THEN CREATE ROLE milma LOGIN PASSWORD 'milma'; END IF; END\$\$" >/dev/null
as_postgres psql -qtAc "CREATE DATABASE milma_test OWNER milma" >/dev/null
echo "postgresql+psycopg://milma:milma@127.0.0.1:5432/milma_test"
