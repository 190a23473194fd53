"""Run the examples of the documentation, so the docs cannot rot.

Every fenced ```python block of every ``docs/*.md`` file (and of the root
``README.md`` when it has any) is executed. The blocks of one file run in
order in one shared namespace, as one test per file. Blocks fenced as
```text, ```console or anything else are not run.

A docs page without a single python block fails, so that a page whose
examples were all re-fenced (or lost) cannot pass silently. The exception is
``docs/performance.md``, which reports measurements and need not hold code.

A failing block is reported under the file name ``docs/page.md:N``, where N is
the line of the block's opening fence; "line k" of the traceback is then the
k-th line below that fence.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"

#: Pages that may have no python block (their blocks, if any, still run).
NO_CODE_REQUIRED = frozenset({"performance.md"})
#: Pages that must exist (the table of contents of docs/index.md).
REQUIRED_PAGES = (
    "index.md",
    "calendar.md",
    "targets.md",
    "coverage.md",
    "milestones.md",
    "loading.md",
    "errors.md",
    "reports.md",
    "tutorial.md",
    "getting-started.md",
    "reference.md",
    "batch.md",
)

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def python_blocks(text: str) -> list[tuple[int, str]]:
    """Return ``(line, source)`` of each ```python block; ``line`` is its opening fence's."""
    blocks: list[tuple[int, str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        words = opening["info"].split()
        language = words[0].lower() if words else ""
        body: list[str] = []
        i += 1
        while i < len(lines):
            closing = _FENCE.match(lines[i])
            if (
                closing is not None
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            line = lines[i]
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))) :])
            i += 1
        if language == "python":
            blocks.append((i - len(body), "\n".join(body) + "\n"))
        i += 1  # past the closing fence
    return blocks


def _pages() -> list[Path]:
    pages = sorted(DOCS.glob("*.md"))
    if README.is_file() and python_blocks(README.read_text(encoding="utf-8")):
        pages.append(README)
    return pages


def test_required_pages_exist() -> None:
    missing = [name for name in REQUIRED_PAGES if not (DOCS / name).is_file()]
    assert not missing, f"docs pages missing: {missing}"


@pytest.mark.parametrize("path", _pages(), ids=lambda path: path.name)
def test_examples_run(path: Path) -> None:
    name = path.relative_to(ROOT).as_posix()
    blocks = python_blocks(path.read_text(encoding="utf-8"))
    if not blocks:
        if path.name in NO_CODE_REQUIRED and path.parent == DOCS:
            pytest.skip(f"{name} has no python block (allowed for this page)")
        pytest.fail(f"{name} has no ```python block: nothing of it is tested")
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for line, source in blocks:
        code = compile(source, f"{name}:{line}", "exec")
        try:
            # The code is this repository's own documentation, reviewed like its source.
            exec(code, namespace)  # noqa: S102
        except Exception as error:
            error.add_note(f"in the ```python block opening at {name}:{line}")
            raise


def test_fence_parser() -> None:
    text = "\n".join(
        [
            "intro",
            "```python",
            "x = 1",
            "```",
            "```text",
            "not code",
            "```",
            "  ```python",
            "  y = x + 1",
            "  ```",
            "````console",
            "$ python",
            "```python",
            "````",
        ]
    )
    assert python_blocks(text) == [(2, "x = 1\n"), (8, "y = x + 1\n")]


def test_the_reference_names_every_public_name() -> None:
    import entitlements

    text = (DOCS / "reference.md").read_text(encoding="utf-8")
    missing = [
        name for name in entitlements.__all__ if f"`{name}`" not in text and f"`{name}(" not in text
    ]
    assert not missing, f"docs/reference.md does not describe: {missing}"
