"""Support cases: what a customer asked for, about what, through which channel, and when."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import field, frozen

from entitlements._fields import (
    check_aware,
    check_duration,
    check_enum,
    check_id,
    check_optional_id,
    check_text,
    fail,
    to_enum,
)
from entitlements.models import Channel

__all__ = ["Case"]


def _channel(value: object) -> object:
    return to_enum(Channel, value)


@frozen(kw_only=True)
class Case:
    """A support request, as the resolver sees it.

    Args:
        id: unique id.
        account: id of the account that raised it.
        asset: id of the asset it concerns, if any.
        component: id of the component of ``asset`` it concerns, if any.
        product: the product it concerns when no asset is named (with an
            asset, the asset's product is used and this must match it).
        channel: how it came in.
        priority: the priority (``"P1"``); milestone criteria match on it.
        opened_at: when it was opened (aware).
        worked: time worked on it so far; counts against an hours allowance.
    """

    id: str = field(validator=check_id)
    account: str = field(validator=check_id)
    channel: Channel = field(converter=_channel, validator=check_enum(Channel))
    opened_at: datetime = field(validator=check_aware)
    asset: str | None = field(default=None, validator=check_optional_id)
    component: str | None = field(default=None, validator=check_optional_id)
    product: str | None = field(default=None, validator=check_optional_id)
    priority: str = field(default="", validator=check_text)
    worked: timedelta = field(default=timedelta(0), validator=check_duration)

    def __attrs_post_init__(self) -> None:
        if self.component is not None and self.asset is None:
            raise fail(self, "component", f"{self.component!r} needs the asset it belongs to")
