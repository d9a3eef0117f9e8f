"""Run every benchmark (`python -m benchmarks`) or the ones named (`python -m benchmarks synth`);
options after the names go to each named benchmark (`python -m benchmarks synth --persons 1000000`)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from rich.console import Console

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(path.stem.removeprefix("bench_") for path in HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    console = Console()
    arguments = list(sys.argv[1:] if argv is None else argv)
    split = next((i for i, a in enumerate(arguments) if a.startswith("-")), len(arguments))
    names, options = arguments[:split] or available(), arguments[split:]
    unknown = [name for name in names if name.removeprefix("bench_") not in available()]
    if unknown:
        console.print(
            f"[red]没有这个基准 / no such benchmark[/]: {', '.join(unknown)}; available: {', '.join(available())}"
        )
        return 2
    if str(HERE.parent) not in sys.path:
        sys.path.insert(0, str(HERE.parent))
    for name in names:
        module_name = f"benchmarks.bench_{name.removeprefix('bench_')}"
        console.rule(module_name)
        module = importlib.import_module(module_name)
        saved = sys.argv
        sys.argv = [module.__file__ or module_name, *options]  # each benchmark parses its own options
        try:
            module.main()
        finally:
            sys.argv = saved
    return 0


if __name__ == "__main__":
    sys.exit(main())
