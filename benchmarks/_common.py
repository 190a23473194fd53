"""Helpers shared by the benchmark scripts (run as scripts, so this folder is on sys.path)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

__all__ = ["git_commit"]


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
