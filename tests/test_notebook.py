"""The example notebook runs without Jupyter, checks itself, and shows its objects as HTML.

``examples/reports_notebook.ipynb`` is read as JSON (nbformat is not needed)
and its code cells run in order in one namespace, from the ``examples/``
folder, as a kernel would run them. Like Jupyter, the value of a cell's last
expression is "displayed": the tests collect those values and check that
decisions, SLA states and report tables render as HTML. The notebook's own
asserts check the numbers; a failing cell is named in the error's notes.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from entitlements import CaseSla, Decision, Report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NOTEBOOK = EXAMPLES / "reports_notebook.ipynb"
NAME = "examples/reports_notebook.ipynb"


@attrs.frozen
class Run:
    """What one run of the notebook left: its namespace, what it displayed and printed."""

    namespace: dict[str, Any]
    displayed: list[tuple[int, object]]  # (cell number, value of its last expression)
    stdout: str

    def shown(self, kind: type[Any]) -> list[Any]:
        return [value for _, value in self.displayed if isinstance(value, kind)]


def load_notebook() -> dict[str, Any]:
    notebook: dict[str, Any] = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return notebook


def source_of(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def run_notebook() -> Run:
    """Run every code cell in order in one namespace, in the current working directory."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    displayed: list[tuple[int, object]] = []
    stdout = io.StringIO()
    for number, cell in enumerate(load_notebook()["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        where = f"{NAME} cell {number}"
        tree = ast.parse(source_of(cell), filename=where)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        try:
            with contextlib.redirect_stdout(stdout):
                # The code is this repository's own example notebook, reviewed like its source.
                exec(compile(tree, where, "exec"), namespace)  # noqa: S102
                if last is not None:
                    expression = ast.Expression(last.value)
                    value = eval(compile(expression, where, "eval"), namespace)  # noqa: S307
                    if value is not None:
                        displayed.append((number, value))
        except Exception as error:
            error.add_note(f"in code cell {number} of {NAME} (counting every cell from 1)")
            raise
    return Run(namespace=namespace, displayed=displayed, stdout=stdout.getvalue())


def close_figure(run: Run) -> None:
    figure = run.namespace.get("figure")
    if figure is not None:
        import matplotlib.pyplot as plt

        plt.close(figure)


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    """One run of the notebook from examples/, shared by the tests that only read it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(EXAMPLES)
        result = run_notebook()
    yield result
    close_figure(result)


def test_the_notebook_is_an_nbformat_4_document_without_outputs():
    notebook = load_notebook()
    assert notebook["nbformat"] == 4
    assert notebook["nbformat_minor"] >= 4
    assert notebook["metadata"]["kernelspec"]["language"] == "python"
    cells = notebook["cells"]
    assert cells
    for number, cell in enumerate(cells, start=1):
        assert cell["cell_type"] in ("markdown", "code", "raw"), number
        assert isinstance(cell["metadata"], dict), number
        source = cell["source"]
        assert isinstance(source, str) or all(isinstance(line, str) for line in source), number
        assert source_of(cell).strip(), f"cell {number} is empty"
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"cell {number} has stored outputs"
            assert cell["execution_count"] is None, number
    if notebook["nbformat_minor"] >= 5:  # cells have unique ids from nbformat 4.5 on
        ids = [cell["id"] for cell in cells]
        assert len(set(ids)) == len(ids)
    kinds = [cell["cell_type"] for cell in cells]
    assert kinds[0] == "markdown"  # it opens by saying what it is
    assert kinds.count("markdown") >= kinds.count("code") // 2
    assert NOTEBOOK.read_bytes().endswith(b"\n")


def test_the_notebook_runs_and_checks_itself(run: Run):
    assert "4 customers, 25 sites, 24 entitlements, 13 cases" in run.stdout
    namespace = run.namespace
    assert namespace["decision"].covered
    assert len(namespace["monthly"]) == 6
    assert [row.id for row in namespace["contracts"]] == [
        "EW-0107",
        "EW-0131",
        "EW-1502",
        "EW-0412",
    ]


def test_decisions_show_as_escaped_text(run: Run):
    decisions = run.shown(Decision)
    assert len(decisions) == 2
    for decision in decisions:
        html = decision._repr_html_()
        assert html.startswith("<pre>")
        assert html.endswith("</pre>")
        assert "'" not in html  # the ids' quotes are escaped
        assert "&#x27;ALM-100" in html
    assert "covered by &#x27;ENT-00001&#x27; (Platinum)" in decisions[0]._repr_html_()


def test_sla_states_show_as_tables(run: Run):
    slas = run.shown(CaseSla)
    assert [sla.case for sla in slas] == ["ALM-1003", "ALM-1003"]
    waiting, done = (sla._repr_html_() for sla in slas)
    for html in (waiting, done):
        assert "<table>" in html
        assert "On-site Arrival" in html
    assert "(paused)" in waiting
    assert "<td>met</td>" in done


def test_report_tables_show_as_html_tables(run: Run):
    reports = run.shown(Report)
    titles = [report.title for report in reports]
    assert titles == [
        "SLA compliance by account and month",
        "Requests not covered",
        "Usage against what was sold",
        "Milestone audit trail",
        "Coverage ending within 90 days",
        "Availability against 99.9 %",
    ]
    for report in reports:
        html = report._repr_html_()
        assert "<table>" in html
        assert html.count("<tr>") == len(report) + 1  # the header and each row
    assert "<td>met late</td>" not in reports[0]._repr_html_()  # counts, not states
    assert "<th>compliance</th>" in reports[0]._repr_html_()


def test_the_compliance_chart_is_a_matplotlib_figure(run: Run):
    figure_type = pytest.importorskip("matplotlib.figure").Figure
    figure = run.namespace["figure"]
    assert isinstance(figure, figure_type)
    (axes,) = figure.axes
    assert len(axes.patches) == 3 * 3  # met, met late, violated for each of three accounts
    assert [label.get_text() for label in axes.get_legend().get_texts()] == [
        "met",
        "met late",
        "violated",
    ]
    assert "matplotlib is not installed" not in run.stdout


def test_the_dataframe_when_pandas_is_installed(run: Run):
    pandas = pytest.importorskip("pandas")
    (frame,) = run.shown(pandas.DataFrame)
    assert frame is run.namespace["per_account"]
    assert "<table" in frame._repr_html_()


def test_without_matplotlib_the_notebook_runs_and_says_so(monkeypatch: pytest.MonkeyPatch):
    for module in ("matplotlib", "matplotlib.pyplot", "matplotlib.figure"):
        monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    monkeypatch.chdir(EXAMPLES)
    result = run_notebook()
    assert "matplotlib is not installed (pip install 'entitlements[plot]'): no chart" in (
        result.stdout
    )
    assert result.namespace["figure"] is None


def test_without_pandas_the_notebook_runs_and_says_so(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.chdir(EXAMPLES)
    result = run_notebook()
    close_figure(result)
    assert "skipping the DataFrame" in result.stdout
    assert "pip install 'entitlements[pandas]'" in result.stdout
    assert result.namespace["per_account"] is None


def test_the_notebook_finds_its_data_from_the_repository_root(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)
    result = run_notebook()
    close_figure(result)
    assert result.namespace["DATA"] == Path("examples", "data")
