"""Every script under examples/ runs and its own assertions hold; the alarm sample is generated."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
ALARM_SAMPLE = ROOT / "examples" / "data" / "alarm_company"


def test_there_are_examples():
    assert EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sys, "argv", [str(path)])  # run as `python examples/x.py`, no arguments
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip()


def test_the_checked_in_alarm_sample_is_what_the_generator_writes_for_25_sites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    generator = runpy.run_path(str(ROOT / "examples" / "generate_alarm_sites.py"))
    generator["main"](["--sites", "25", "--out", str(tmp_path)])
    assert "wrote 25 sites" in capsys.readouterr().out
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in ALARM_SAMPLE.iterdir())
    for name in written:
        # compared line by line, so a checkout that changes line ends does not matter
        expected = (ALARM_SAMPLE / name).read_text(encoding="utf-8").splitlines()
        assert (tmp_path / name).read_text(encoding="utf-8").splitlines() == expected, name


def test_the_full_alarm_book_extends_the_sample():
    generator = runpy.run_path(str(ROOT / "examples" / "generate_alarm_sites.py"))
    sample, full = generator["generate_book"](25), generator["generate_book"](2500)
    assert len(full.assets) == 2500
    assert full.assets[:25] == sample.assets
    assert full.accounts[:4] == sample.accounts
    with pytest.raises(ValueError, match="fewer than the 25 sites"):
        generator["generate_book"](24)
