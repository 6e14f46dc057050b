#!/usr/bin/env bash
# While 0001 has not been released, it is regenerated from the models. After the first
# release, add a new revision instead: .venv/bin/alembic -c db/alembic.ini -x db=/tmp/x.sqlite3 revision --autogenerate -m "..."
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f db/versions/0001_*.py /tmp/regen.sqlite3
.venv/bin/alembic -c db/alembic.ini -x db=/tmp/regen.sqlite3 revision --autogenerate -m "initial schema" --rev-id 0001 >/dev/null
sed -i '/^Create Date/d' db/versions/0001_*.py
echo "regenerated $(ls db/versions/0001_*.py)"
