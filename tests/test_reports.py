"""The reports, told through the stories: monthly compliance for a cloud provider's 800
accounts, a marine dealer's 90-day renewal list, usage against what was sold, the
upsell list, and a regulated biotech's audit trail -- plus the tables' exports and errors."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from entitlements import (
    Account,
    Asset,
    BusinessHours,
    Case,
    CaseEvent,
    ContractLineItem,
    ContractStatus,
    CoverageBook,
    Entitlement,
    LoadError,
    MilestoneDefinition,
    MissingDependencyError,
    ModelError,
    NaiveDatetimeError,
    Report,
    ServiceContract,
    SlaProcess,
)
from entitlements import reports as r
from entitlements.resolver import Action, Reason
from entitlements.sla import SlaEventKind

UTC = ZoneInfo("UTC")
NY = ZoneInfo("America/New_York")


# -- a cloud provider's monthly compliance, 800 accounts ---------------------------------


def cloud_book(accounts: int) -> CoverageBook:
    return CoverageBook(
        accounts=[Account(id=f"acct-{n:03d}", timezone="UTC") for n in range(accounts)],
        entitlements=[
            Entitlement(id=f"biz-{n:03d}", account=f"acct-{n:03d}", process="cloud")
            for n in range(accounts)
        ],
        processes=[
            SlaProcess(
                id="cloud",
                calendar="24x7",
                milestones=[MilestoneDefinition(name="First Response", target="1h")],
            )
        ],
        calendars={"24x7": BusinessHours.always_open("UTC")},
    )


def cloud_cases(account: str, day: int, month: int = 7) -> list[Case]:
    opened = datetime(2025, month, day, 10, 0, tzinfo=UTC)

    def case(suffix: str, *history: tuple[int, str, str]) -> Case:
        return Case(
            id=f"{account}-{month}-{day}-{suffix}",
            account=account,
            channel="web",
            opened_at=opened,
            history=[
                CaseEvent(at=opened + timedelta(minutes=m), kind=k, value=v) for m, k, v in history
            ],
        )

    return [
        case("fast", (30, "completed", "First Response")),  # met, 30 min to spare
        case("slow", (90, "completed", "First Response")),  # met late, 30 min over
        case("lost", (120, "closed", "")),  # violated at 11:00, stopped at closure: 1h over
    ]


def test_monthly_compliance_for_800_accounts():
    book = cloud_book(800)
    cases = [c for n in range(800) for c in cloud_cases(f"acct-{n:03d}", 1 + n % 28)]
    cases += cloud_cases("acct-007", 3, month=8)
    report = r.compliance(book, cases, datetime(2025, 9, 1, tzinfo=UTC))
    assert len(report) == 801
    july = report[0]
    assert (july.account, july.period) == ("acct-000", "2025-07")
    assert (july.period_start, july.period_end) == (date(2025, 7, 1), date(2025, 7, 31))
    assert (july.total, july.met, july.met_late, july.violated, july.open) == (3, 1, 1, 1, 0)
    assert july.compliance == pytest.approx(100 / 3)
    assert july.mean_to_target == timedelta(minutes=-20)  # (30 - 30 - 60) / 3
    assert july.worst_to_target == timedelta(hours=-1)
    august = [row for row in report if row.period == "2025-08"]
    assert [(row.account, row.total) for row in august] == [("acct-007", 3)]


def test_compliance_as_of_an_instant_counts_what_is_still_open():
    book = cloud_book(1)
    cases = cloud_cases("acct-000", 1)
    opened = datetime(2025, 7, 1, 10, 0, tzinfo=UTC)
    (row,) = r.compliance(book, cases, opened + timedelta(minutes=45))
    assert (row.met, row.open, row.violated) == (1, 2, 0)
    assert row.compliance == 100.0
    (row,) = r.compliance(book, cases, opened + timedelta(minutes=61))
    assert (row.met, row.open, row.violated) == (1, 0, 2)
    assert row.worst_to_target == timedelta(minutes=-1)  # both late ones, 1 min over so far


def test_compliance_by_milestone_and_the_period_in_the_account_zone():
    book = CoverageBook(
        accounts=[Account(id="harbor", timezone="America/New_York")],
        entitlements=[Entitlement(id="platinum", account="harbor", process="alarm")],
        processes=[
            SlaProcess(
                id="alarm",
                milestones=[
                    MilestoneDefinition(name="First Response", target="15m"),
                    MilestoneDefinition(name="On-site", target="2h"),
                ],
            )
        ],
    )
    # 23:30 on 31 July in New York is already August in UTC: it counts in July.
    opened = datetime(2025, 7, 31, 23, 30, tzinfo=NY)
    case = Case(
        id="ALM-1",
        account="harbor",
        channel="phone",
        opened_at=opened,
        history=[
            CaseEvent(at=opened + timedelta(minutes=10), kind="completed", value="First Response"),
            CaseEvent(at=opened + timedelta(hours=3), kind="completed", value="On-site"),
        ],
    )
    report = r.compliance(book, [case], opened + timedelta(days=1), by_milestone=True)
    assert [(row.period, row.milestone, row.met, row.met_late) for row in report] == [
        ("2025-07", "First Response", 1, 0),
        ("2025-07", "On-site", 0, 1),
    ]
    (on_site,) = r.compliance(book, [case], opened + timedelta(days=1), milestone="On-site")
    assert on_site.worst_to_target == timedelta(hours=-1)
    assert report.title == "SLA compliance by account and month and milestone"


# -- a marine dealer's renewal list ------------------------------------------------------


def marine_book() -> CoverageBook:
    def warranty(ident: str, end: date, **extra: object) -> ServiceContract:
        return ServiceContract(
            id=ident,
            account="dock",
            start=date(2024, 1, 1),
            end=end,
            name=f"Warranty {ident}",
            **extra,
        )

    return CoverageBook(
        accounts=[Account(id="dock", timezone="America/New_York")],
        assets=[Asset(id=f"V-{n}", account="dock", product="sportfish-42") for n in range(1, 6)],
        contracts=[
            warranty("W-1", date(2026, 12, 17)),  # 10 days left
            warranty("W-2", date(2027, 3, 7)),  # exactly 90 days left: listed
            warranty("W-3", date(2027, 3, 8)),  # 91 days: not yet
            warranty("W-4", date(2026, 12, 6)),  # ended yesterday: too late for this list
            warranty("W-5", date(2026, 12, 31), auto_renew=True),
            ServiceContract(
                id="W-5R",
                account="dock",
                start=date(2027, 1, 1),
                end=date(2029, 12, 31),
                renews="W-5",
            ),
            warranty("W-6", date(2026, 12, 20), status="cancelled"),
        ],
        line_items=[
            ContractLineItem(id="L-1", contract="W-1", asset="V-1"),
            ContractLineItem(id="L-3", contract="W-3", asset="V-3", end=date(2026, 12, 24)),
        ],
        entitlements=[Entitlement(id="E-1", account="dock", line_item="L-1", name="Dockside")],
    )


def test_the_90_day_renewal_list():
    as_of = datetime(2026, 12, 7, 9, 0, tzinfo=NY)
    report = r.expiring(marine_book(), as_of)
    assert [(row.kind.value, row.id, row.days_left) for row in report] == [
        ("contract", "W-1", 10),
        ("line item", "L-1", 10),
        ("entitlement", "E-1", 10),
        ("line item", "L-3", 17),  # ends before its contract: a renewal lead of its own
        ("contract", "W-5", 24),
        ("contract", "W-2", 90),
    ]
    by_id = {row.id: row for row in report}
    assert by_id["W-5"].renewed
    assert by_id["W-5"].renewal == "W-5R"
    assert by_id["W-5"].auto_renew
    assert not by_id["W-1"].renewed
    assert by_id["W-1"].renewal is None
    assert by_id["L-1"].inherited
    assert not by_id["L-3"].inherited
    assert by_id["E-1"].scope == "asset 'V-1'"
    assert by_id["E-1"].contract == "W-1"


def test_the_renewal_list_reads_today_in_the_account_zone_and_filters():
    # 02:00 UTC on 8 December is still 7 December in New York.
    late = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
    assert r.expiring(marine_book(), late, 10)[0].days_left == 10
    contracts = r.expiring(marine_book(), date(2026, 12, 7), kinds=["contract"])
    assert [row.id for row in contracts] == ["W-1", "W-5", "W-2"]
    everything = r.expiring(marine_book(), date(2026, 12, 7), 30, include_inactive=True)
    assert ("W-6", ContractStatus.CANCELLED) in [(row.id, row.status) for row in everything]


@pytest.mark.parametrize(
    ("within", "message"),
    [
        (timedelta(days=-1), "within: .* is negative"),
        (timedelta(hours=36), "within: .* is not a whole number of days"),
        (2.5, "within: 2.5 is not a whole number of days"),
    ],
)
def test_the_renewal_window_must_be_whole_days(within, message):
    with pytest.raises(ModelError, match=message):
        r.expiring(marine_book(), date(2026, 12, 7), within)


def test_the_renewal_list_refuses_naive_instants_and_unknown_kinds():
    with pytest.raises(NaiveDatetimeError, match="as_of"):
        r.expiring(marine_book(), datetime(2026, 12, 7, 9, 0))
    with pytest.raises(ModelError, match="kinds: 'warranty' is not one of"):
        r.expiring(marine_book(), date(2026, 12, 7), kinds=["warranty"])
    with pytest.raises(ModelError, match="as_of: '2026-12-07' is not"):
        r.expiring(marine_book(), "2026-12-07")  # type: ignore[arg-type]


# -- usage against what was sold, and the upsell list -------------------------------------


def support_book() -> CoverageBook:
    return CoverageBook(
        accounts=[Account(id="lab", timezone="Europe/Paris"), Account(id="gym", timezone="UTC")],
        assets=[
            Asset(id="CT-7", account="lab", product="ct-scanner"),
            Asset(id="MRI-2", account="lab", product="mri"),
        ],
        contracts=[
            ServiceContract(id="SC-1", account="lab", start=date(2025, 1, 1), end=date(2025, 6, 30))
        ],
        line_items=[ContractLineItem(id="LI-1", contract="SC-1", asset="CT-7")],
        entitlements=[
            Entitlement(
                id="remote",
                account="lab",
                line_item="LI-1",
                allowance="10 cases, 5h",
                channels=["phone", "email"],
            )
        ],
    )


def support_cases() -> list[Case]:
    paris = ZoneInfo("Europe/Paris")
    cases = [
        Case(
            id=f"C-{n:02d}",
            account="lab",
            asset="CT-7",
            channel="phone",
            opened_at=datetime(2025, 3, 1 + n, 9, 0, tzinfo=paris),
            worked=timedelta(minutes=20),
        )
        for n in range(12)
    ]
    cases.append(
        Case(
            id="C-late",
            account="lab",
            asset="CT-7",
            channel="phone",
            opened_at=datetime(2025, 7, 1, 9, 0, tzinfo=paris),
        )
    )
    cases.append(
        Case(
            id="C-mri",
            account="lab",
            asset="MRI-2",
            channel="email",
            opened_at=datetime(2025, 3, 2, 9, 0, tzinfo=paris),
        )
    )
    cases.append(
        Case(id="G-1", account="gym", channel="web", opened_at=datetime(2025, 3, 2, tzinfo=UTC))
    )
    return cases


def test_usage_against_what_was_sold():
    report = r.usage(support_book(), support_cases(), datetime(2025, 12, 31, tzinfo=UTC))
    (row,) = report
    assert row.allowance == "10 cases, 5h"
    assert (row.cases_sold, row.cases_used, row.cases_remaining, row.cases_over) == (10, 10, 0, 2)
    assert row.hours_sold == timedelta(hours=5)
    assert row.hours_used == timedelta(minutes=200)
    assert row.hours_remaining == timedelta(minutes=100)
    assert row.hours_over == timedelta(0)
    assert row.percent_used == 100.0


def test_the_upsell_list_groups_requests_not_covered_by_account():
    report = r.non_entitled(support_book(), support_cases())
    assert [(row.account, row.case, row.reason, row.action) for row in report] == [
        ("gym", "G-1", Reason.NO_AGREEMENT, Action.UPSELL),
        ("lab", "C-mri", Reason.ASSET_NOT_COVERED, Action.UPSELL),
        ("lab", "C-10", Reason.ALLOWANCE_USED_UP, Action.UPSELL),
        ("lab", "C-11", Reason.ALLOWANCE_USED_UP, Action.UPSELL),
        ("lab", "C-late", Reason.EXPIRED, Action.RENEW),
    ]
    late = report[-1]
    assert late.expired_on == date(2025, 6, 30)
    assert late.entitlement == "remote"
    assert "10 of 10 cases used" in report[2].detail
    only_march = r.non_entitled(support_book(), support_cases(), datetime(2025, 4, 1, tzinfo=UTC))
    assert "C-late" not in [row.case for row in only_march]


def test_a_stream_is_read_once_and_must_come_in_opening_order():
    cases = sorted(support_cases(), key=lambda c: c.opened_at)
    seen = []

    def reading():
        for case in cases:
            seen.append(case.id)
            yield case

    rows = list(r.iter_non_entitled(support_book(), reading()))
    assert seen == [c.id for c in cases]
    assert len(rows) == 5
    backwards = iter(reversed(cases))
    with pytest.raises(ModelError, match="must come in the order they were opened"):
        r.usage(support_book(), backwards, datetime(2026, 1, 1, tzinfo=UTC))


def test_a_list_with_a_repeated_case_id_is_refused():
    cases = support_cases()
    with pytest.raises(ModelError, match="'C-00' appears twice"):
        r.usage(support_book(), [*cases, cases[0]], datetime(2026, 1, 1, tzinfo=UTC))


def test_progress_is_reported_as_cases_are_read():
    counts: list[int] = []
    r.usage(
        support_book(), support_cases(), datetime(2026, 1, 1, tzinfo=UTC), progress=counts.append
    )
    assert counts == [len(support_cases())]


# -- a regulated biotech's audit trail, with 50/75/90 % escalations -----------------------


def biotech() -> tuple[CoverageBook, Case, datetime]:
    book = CoverageBook(
        accounts=[Account(id="biolab", timezone="Europe/Berlin")],
        entitlements=[Entitlement(id="gxp", account="biolab", process="validated")],
        processes=[
            SlaProcess(
                id="validated",
                calendar="24x7",
                pause_statuses=["waiting on customer"],
                milestones=[
                    MilestoneDefinition(name="Resolution", target="8h", warnings=[50, 75, 90])
                ],
            )
        ],
        calendars={"24x7": BusinessHours.always_open("Europe/Berlin")},
    )
    berlin = ZoneInfo("Europe/Berlin")
    opened = datetime(2025, 3, 3, 8, 0, tzinfo=berlin)
    case = Case(
        id="DEV-42",
        account="biolab",
        channel="email",
        opened_at=opened,
        history=[
            CaseEvent(at=opened + timedelta(hours=1), kind="status", value="waiting on customer"),
            CaseEvent(at=opened + timedelta(hours=3), kind="status", value="in progress"),
            CaseEvent(at=opened + timedelta(hours=9), kind="completed", value="Resolution"),
        ],
    )
    return book, case, opened


def test_the_audit_trail_lists_every_milestone_event():
    book, case, opened = biotech()
    report = r.audit(book, [case], opened + timedelta(days=1))
    berlin = ZoneInfo("Europe/Berlin")
    at = lambda h, m=0: datetime(2025, 3, 3, h, m, tzinfo=berlin)  # noqa: E731
    assert [(row.at, row.kind, row.threshold) for row in report] == [
        (at(8), SlaEventKind.STARTED, None),
        (at(9), SlaEventKind.PAUSED, None),
        (at(11), SlaEventKind.RESUMED, None),
        (at(14), SlaEventKind.WARNING, 50.0),  # 4h of 8h: 1h before the pause, 3h after
        (at(16), SlaEventKind.WARNING, 75.0),
        (at(17), SlaEventKind.MET, None),  # before 90 % (17:12) and the 18:00 deadline
    ]
    assert all(row.target == at(18) for row in report[2:])  # 16:00 moved by the 2h pause
    assert {row.process for row in report} == {"validated"}
    back = Report.from_csv(report.to_csv(), r.AuditRow)
    assert back.rows == report.rows


# -- the tables themselves ----------------------------------------------------------------


def test_a_report_exports_to_csv_json_and_html():
    book, case, opened = biotech()
    report = r.compliance(book, [case], opened + timedelta(days=1))
    csv_text = report.to_csv()
    assert csv_text.splitlines()[0] == ",".join(report.columns)
    assert (
        csv_text.splitlines()[1] == "biolab,2025-03,2025-03-01,2025-03-31,,1,1,0,0,0,0,100.0,1h,1h"
    )
    (data,) = json.loads(report.to_json())
    assert data["compliance"] == 100.0
    assert data["mean_to_target"] == "1h"
    assert data["milestone"] is None
    html = report._repr_html_()
    assert "<table>" in html
    assert "<th>compliance</th>" in html
    assert "100.00" in html
    assert "SLA compliance" in report.to_text().splitlines()[0]


def test_a_report_writes_files_and_streams(tmp_path):
    book, case, opened = biotech()
    report = r.audit(book, [case], opened + timedelta(days=1))
    report.to_csv(tmp_path / "audit.csv")
    assert Report.from_csv((tmp_path / "audit.csv").read_text(), r.AuditRow) == Report(
        title="", row_type=r.AuditRow, rows=report.rows
    )
    import io

    buffer = io.StringIO()
    count = r.write_rows(
        r.iter_audit(book, [case], opened + timedelta(days=1)), r.AuditRow, buffer, "jsonl"
    )
    lines = buffer.getvalue().splitlines()
    assert count == len(lines) == 6
    assert json.loads(lines[3])["kind"] == "warning"


def test_reading_a_report_back_names_the_place_of_each_problem():
    book, case, opened = biotech()
    text = r.audit(book, [case], opened + timedelta(days=1)).to_csv()
    broken = text.replace("warning,50.0", "warning,half", 1).replace(",met,", ",done,", 1)
    with pytest.raises(LoadError) as error:
        Report.from_csv(broken, r.AuditRow)
    problems = error.value.problems
    assert any("line 5, column threshold: 'half' is not a number" in p for p in problems)
    assert any("line 7, column kind: 'done' is not a value of" in p for p in problems)
    with pytest.raises(LoadError, match=r"\$\[0\]: missing column\(s\) 'account', 'case'"):
        Report.from_json('[{"at": "2025-01-01T00:00:00+00:00"}]', r.AuditRow)


def test_a_report_holds_only_rows_of_its_type():
    with pytest.raises(TypeError, match=r"rows\[0\]"):
        Report(title="x", row_type=r.UsageRow, rows=["not a row"])


def test_an_unknown_period_is_refused():
    book, case, opened = biotech()
    with pytest.raises(ModelError, match="period: 'fortnight' is not one of"):
        r.compliance(book, [case], opened, period="fortnight")  # type: ignore[arg-type]
    with pytest.raises(NaiveDatetimeError, match="as_of"):
        r.compliance(book, [case], datetime(2025, 3, 4))


def test_a_report_becomes_a_dataframe():
    pd = pytest.importorskip("pandas")
    book, case, opened = biotech()
    report = r.audit(book, [case], opened + timedelta(days=1))
    frame = report.to_dataframe()
    assert list(frame.columns) == list(report.columns)
    assert list(frame["kind"]) == ["started", "paused", "resumed", "warning", "warning", "met"]
    assert frame["threshold"].iloc[3] == 50.0
    assert isinstance(frame, pd.DataFrame)


def test_without_pandas_the_dataframe_export_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    book, case, opened = biotech()
    with pytest.raises(MissingDependencyError, match=r"pip install 'entitlements\[pandas\]'"):
        r.audit(book, [case], opened).to_dataframe()
