"""Deadlines for one alarm call under two service tiers.

Run: python examples/calendar_quickstart.py
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from entitlements import BusinessHours, parse_target

new_york = ZoneInfo("America/New_York")
platinum = BusinessHours.always_open(new_york)  # 2-hour on-site, 24x7
standard = BusinessHours.weekdays("08:00", "17:00", timezone=new_york, holidays="US")

call = datetime(2025, 7, 3, 16, 10, tzinfo=new_york)  # Thursday before Independence Day

on_site = parse_target("2h").due(call, platinum)
next_day = parse_target("NBD").due(call, standard)
print(f"Platinum on-site by {on_site:%a %d %b %H:%M}")
print(f"Standard visit by   {next_day:%a %d %b %H:%M}")
for share in (0.5, 0.75, 0.9):  # escalation instants at 50/75/90 % of the Platinum target
    print(f"  {share:.0%} warning at {platinum.add(call, timedelta(hours=2) * share):%H:%M}")

assert on_site == datetime(2025, 7, 3, 18, 10, tzinfo=new_york)
assert next_day == datetime(2025, 7, 7, 17, 0, tzinfo=new_york)  # skips the 4th and the weekend
