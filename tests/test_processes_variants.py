"""Milestone variants of an SLA process: the validation rules and the lookups.

A milestone name may repeat in a process only as *variants* for disjoint,
non-empty sets of priorities, with the same recurrence. Each error names the
process, the field (``milestones[i].name`` / ``.priorities`` / ``.recurrence``)
and the offending value.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from entitlements import (
    BookError,
    BusinessDuration,
    BusinessHours,
    CoverageBook,
    MilestoneDefinition,
    ModelError,
    Recurrence,
    SlaProcess,
)


def ms(name: str = "First Response", target: str = "1h", **fields) -> MilestoneDefinition:
    return MilestoneDefinition(name=name, target=target, **fields)


# -- what is allowed ------------------------------------------------------------


def test_variants_for_disjoint_priorities_are_allowed():
    p1 = ms(target="1h", priorities=["P1"])
    p2 = ms(target="4h", priorities=["P2", "P3"])
    process = SlaProcess(id="P", milestones=[p1, p2])
    assert process.milestones == (p1, p2)


def test_variants_may_share_a_non_none_recurrence():
    p1 = ms(target="1h", priorities=["P1"], recurrence="sequential")
    p2 = ms(target="4h", priorities=["P2"], recurrence=Recurrence.SEQUENTIAL)
    process = SlaProcess(id="P", milestones=[p1, p2])
    assert {m.recurrence for m in process.milestones} == {Recurrence.SEQUENTIAL}


def test_variants_may_differ_in_everything_they_promise():
    p1 = ms(target="1h", priorities=["P1"], warnings=[50], calendar="24x7", pause_statuses=[])
    p3 = ms(target="NBD", priorities=["P3"], warnings=[75, 90], pause_statuses=["on hold"])
    process = SlaProcess(id="P", milestones=[p1, p3])
    assert process.variant("First Response", "P1") is p1
    assert process.variant("First Response", "P3") is p3


def test_different_names_never_clash_even_for_every_priority():
    process = SlaProcess(id="P", milestones=[ms("First Response"), ms("Resolution", "8h")])
    assert process.milestone_names == ("First Response", "Resolution")


# -- what is refused ---------------------------------------------------------------


def _error(*milestones: MilestoneDefinition) -> ModelError:
    with pytest.raises(ModelError) as caught:
        SlaProcess(id="P", milestones=list(milestones))
    return caught.value


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({}, {}),  # both for every priority
        ({}, {"priorities": ["P1"]}),  # the first leaves no priority for the second
        ({"priorities": ["P1"]}, {}),  # the second would cover P1 again
    ],
    ids=["both-every-priority", "first-every-priority", "second-every-priority"],
)
def test_a_repeated_name_needs_non_empty_priorities_on_both(first, second):
    error = _error(ms(target="1h", **first), ms(target="2h", **second))
    assert error.field == "milestones[1].name"
    assert "'First Response' appears twice" in error.reason
    assert str(error).startswith("SlaProcess 'P': milestones[1].name: 'First Response'")


def test_overlapping_priorities_name_the_shared_priority():
    error = _error(
        ms(target="1h", priorities=["P1", "P2"]),
        ms(target="2h", priorities=["P2", "P3"]),
    )
    assert error.field == "milestones[1].priorities"
    assert error.reason == "'First Response' is defined twice for priority 'P2'"


def test_the_first_shared_priority_in_sort_order_is_named():
    error = _error(
        ms(target="1h", priorities=["P3", "P2"]),
        ms(target="2h", priorities=["P3", "P2"]),
    )
    assert error.reason == "'First Response' is defined twice for priority 'P2'"


def test_variants_with_different_recurrences_are_refused():
    error = _error(
        ms(target="1h", priorities=["P1"]),
        ms(target="2h", priorities=["P2"], recurrence="independent"),
    )
    assert error.field == "milestones[1].recurrence"
    assert error.reason.startswith("'independent' differs from 'none', the recurrence of another")
    assert "'First Response'" in error.reason


def test_a_third_variant_is_checked_against_every_earlier_one():
    # milestones[1] is another milestone; the clash is between [2] and [0].
    error = _error(
        ms(target="1h", priorities=["P1"]),
        ms("Resolution", "8h"),
        ms(target="2h", priorities=["P2"]),
        ms(target="4h", priorities=["P1"]),
    )
    assert error.field == "milestones[3].priorities"
    assert error.reason == "'First Response' is defined twice for priority 'P1'"


def test_something_other_than_a_milestone_is_refused_by_index():
    error = _error(ms(), "First Response")  # type: ignore[arg-type]
    assert error.field == "milestones[1]"
    assert error.reason == "'First Response' is not a milestone"


def test_a_variant_calendar_must_be_in_the_book():
    process = SlaProcess(
        id="P",
        milestones=[
            ms(priorities=["P1"], calendar="24x7"),
            ms(target="2h", priorities=["P2"], calendar="nights"),
        ],
    )
    with pytest.raises(BookError) as caught:
        CoverageBook(processes=[process], calendars={"24x7": BusinessHours.always_open()})
    assert [(p.collection, p.index, p.field) for p in caught.value.problems] == [
        ("processes", 0, "milestones[1].calendar")
    ]
    assert "'nights' is not a calendar in the book" in str(caught.value)


# -- the lookups --------------------------------------------------------------------


@pytest.fixture
def process() -> SlaProcess:
    return SlaProcess(
        id="P",
        milestones=[
            ms("First Response", "1h", priorities=["P1"]),
            ms("Resolution", "8h"),
            ms("First Response", "4h", priorities=["P2", "P3"]),
            ms("On-site Arrival", "NBD", priorities=["P1"]),
        ],
    )


def test_milestone_names_lists_each_name_once_in_definition_order(process):
    assert process.milestone_names == ("First Response", "Resolution", "On-site Arrival")


def test_variant_picks_the_definition_for_the_priority(process):
    assert process.variant("First Response", "P1") is process.milestones[0]
    assert process.variant("First Response", "P1").target == BusinessDuration(timedelta(hours=1))
    assert process.variant("First Response", "P2") is process.milestones[2]
    assert process.variant("First Response", "P3") is process.milestones[2]
    assert process.variant("Resolution", "P7") is process.milestones[1]  # every priority


def test_variant_is_none_when_no_definition_applies(process):
    assert process.variant("First Response", "P4") is None
    assert process.variant("On-site Arrival", "P2") is None
    assert process.variant("Escalation Call", "P1") is None  # not a milestone at all
    assert process.variant("First Response", "") is None  # a case without a priority


def test_milestones_for_lists_the_variants_in_force_in_definition_order(process):
    names_targets = [(m.name, str(m.target)) for m in process.milestones_for("P1")]
    assert names_targets == [
        ("First Response", "1h"),
        ("Resolution", "8h"),
        ("On-site Arrival", "NBD"),
    ]
    names_targets = [(m.name, str(m.target)) for m in process.milestones_for("P3")]
    assert names_targets == [("Resolution", "8h"), ("First Response", "4h")]


def test_an_empty_process_has_no_names_and_no_variants():
    process = SlaProcess(id="P")
    assert process.milestone_names == ()
    assert process.milestones_for("P1") == ()
    assert process.variant("First Response", "P1") is None
