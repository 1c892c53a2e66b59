"""`qtqms --help` start-up time: target under 0.3 s."""

from __future__ import annotations

import subprocess
import sys

from benchmarks.common import machine, report, timed

TARGET_SECONDS = 0.3


def main() -> None:
    print(machine())
    command = [sys.executable, "-m", "qtqms", "--help"]
    figures = timed(lambda: subprocess.run(command, check=True, capture_output=True), runs=20, warmup=2)
    report("qtqms --help", figures, target=TARGET_SECONDS)


if __name__ == "__main__":
    main()
