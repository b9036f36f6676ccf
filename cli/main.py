"""Entry point of the ``milma`` command: registers every command module, then runs."""

from __future__ import annotations

import importlib
import sys

from cli.app import app, err

# Each module registers its commands on import; this order is the order of the help.
COMMAND_MODULES = ("programme", "recommend", "texts", "analysis", "admin")
for _name in COMMAND_MODULES:
    importlib.import_module(f"cli.{_name}")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
