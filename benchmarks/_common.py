"""Helpers shared by the benchmark scripts (run as scripts, so this folder is on sys.path)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import date, time
from pathlib import Path
from typing import Any

__all__ = ["fmt_ratio", "fmt_s", "fmt_us", "git_commit", "log", "us_holidays", "weekday_rules"]


def git_commit() -> str:
    """The commit measured (and whether src differs from it), or ''. Read-only git calls."""
    import entitlements

    root = Path(__file__).resolve().parent.parent
    package = Path(entitlements.__file__).resolve().parent
    if package != root / "src" / "entitlements":
        return f"(imported from {package})"
    git = shutil.which("git")
    if git is None:
        return ""

    def run(*args: str) -> str:
        return subprocess.run(  # noqa: S603 - fixed read-only git commands
            [git, *args],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    try:
        head, dirty = run("rev-parse", "--short", "HEAD"), run("status", "--porcelain", "src")
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f"(commit {head}{', src modified' if dirty else ''})"


def us_holidays(years: range) -> list[date]:
    """The dates ``holidays=["US"]`` closes in ``years``, handed to the peers."""
    import holidays

    return sorted(holidays.country_holidays("US", years=years).keys())


def weekday_rules(dates: Sequence[date], zone_name: str) -> Any:
    """businesstimedelta rules: Mon-Fri 08:00-17:00 in ``zone_name``, closed on ``dates``."""
    import businesstimedelta
    import pytz

    tz = pytz.timezone(zone_name)
    return businesstimedelta.Rules(
        [
            businesstimedelta.WorkDayRule(
                start_time=time(8), end_time=time(17), working_days=[0, 1, 2, 3, 4], tz=tz
            ),
            businesstimedelta.HolidayRule(frozenset(dates), tz=tz),
        ]
    )


def log(text: str) -> None:
    """Progress, on stderr (stdout carries the results)."""
    print(text, file=sys.stderr, flush=True)


def fmt_s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def fmt_us(us: float) -> str:
    return f"{us:.1f}" if us < 100 else f"{us:,.0f}"


def fmt_ratio(ratio: float) -> str:
    times = "\N{MULTIPLICATION SIGN}"
    return f"{ratio:,.0f}{times}" if ratio >= 100 else f"{ratio:.1f}{times}"
