#!/usr/bin/env bash
# Create .venv and install MILMA Match with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "MILMA Match needs Python 3.11 or newer ($python is $("$python" --version 2>&1))" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
pip=(.venv/bin/python -m pip --quiet --disable-pip-version-check)
"${pip[@]}" install --upgrade pip
# torch first and pinned: 2.13.0 is a CPU build; a looser requirement pulls a multi-GB CUDA build.
"${pip[@]}" install torch==2.13.0
"${pip[@]}" install -e ".[test]"
