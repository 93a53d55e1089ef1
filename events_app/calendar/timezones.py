"""VTIMEZONE components that carry their own rules, for clients without a tz database.

Thunderbird falls back to the VTIMEZONE in the file for zones it does not know,
and Outlook always approximates the VTIMEZONE from TZOFFSETFROM/TZOFFSETTO,
DTSTART and RRULE only — it ignores RDATE. icalendar's `Timezone.from_tzid`
writes every transition as an RDATE list (and puts spring-forward onsets one
hour late), so it is not enough for Outlook. Here the transitions of the IANA
zone are read from zoneinfo and compressed into yearly RRULEs wherever they
follow one ("last Sunday of March at 02:00"), which gives Outlook the usual
one-STANDARD-one-DAYLIGHT shape; irregular transitions stay explicit RDATEs.

The result depends only on the zone, the date range and the installed tzdata,
so repeated builds are byte-identical.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import dateutil.rrule
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from events_app.date_range import clamp_to_range

# Zones whose times are written as UTC ("Z") instead of with a TZID.
UTC_ZONE_NAMES = frozenset(
    {
        "UTC",
        "UCT",
        "Universal",
        "Zulu",
        "Etc/UTC",
        "Etc/UCT",
        "Etc/Universal",
        "Etc/Zulu",
    }
)

# Years of rules written before the first and after the last meeting; the
# rules of ongoing zones are open-ended RRULEs anyway, this bounds the scan.
YEARS_BEFORE = 1
YEARS_AFTER = 5

_SCAN_STEP = timedelta(days=1)
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class _ZoneState:
    offset: timedelta
    daylight: bool
    name: str


@dataclass(frozen=True)
class _Transition:
    """A change of offset; `instant` is the first naive-UTC second of the new state."""

    instant: datetime
    before: _ZoneState
    after: _ZoneState

    @property
    def local_onset(self) -> datetime:
        """The onset as RFC 5545 wants it: local time in the offset before it."""
        return self.instant + self.before.offset


def is_utc_zone(tzid: str) -> bool:
    """Whether times in this zone are written as plain UTC ("Z") values."""
    return tzid in UTC_ZONE_NAMES


def vtimezone_for(tzid: str, first_day: date, last_day: date) -> Timezone:
    """A VTIMEZONE for the IANA zone `tzid`, correct for local times in the whole range.

    The rules cover `first_day` .. `last_day` with YEARS_BEFORE/YEARS_AFTER of
    margin; yearly-regular transitions become RRULEs (open-ended when they are
    still in force at the end of the range), others RDATEs. The range is
    clamped to the dates the app serves: the zone's history is scanned day by
    day, so its length must stay bounded whatever the data holds.
    """
    first_day, last_day = clamp_to_range(first_day), clamp_to_range(last_day)
    scan_start_local = datetime(first_day.year - YEARS_BEFORE, 1, 1)
    scan_end_local = datetime(last_day.year + 1 + YEARS_AFTER, 1, 1)
    initial, transitions = _zone_history(tzid, scan_start_local, scan_end_local)

    timezone = Timezone()
    timezone.add("TZID", tzid)
    first_needed_local = datetime(first_day.year, first_day.month, first_day.day)
    if not transitions or transitions[0].local_onset > first_needed_local:
        # Nothing in the file would say which offset applies before the first
        # transition, so state the offset in force at the start of the range.
        timezone.add_component(
            _observance(initial, initial, scan_start_local, rule=None, extra_onsets=())
        )
    final_year = scan_end_local.year - 1
    for group in _group_by_change(transitions):
        _add_observances(
            timezone, group, open_ended=group[-1].instant.year >= final_year
        )
    return timezone


@functools.lru_cache(maxsize=256)
def _zone_history(
    tzid: str, start_local: datetime, end_local: datetime
) -> tuple[_ZoneState, tuple[_Transition, ...]]:
    """The state at `start_local` and every transition up to `end_local` (cached)."""
    zone = ZoneInfo(tzid)
    start = start_local - _offset_near(zone, start_local)
    end = end_local - _offset_near(zone, end_local)
    initial = _state_at(zone, start)
    return initial, tuple(_transitions(zone, start=start, end=end, initial=initial))


def _offset_near(zone: ZoneInfo, local: datetime) -> timedelta:
    return local.replace(tzinfo=zone).utcoffset() or timedelta()


def _state_at(zone: ZoneInfo, instant: datetime) -> _ZoneState:
    local = instant.replace(tzinfo=UTC).astimezone(zone)
    return _ZoneState(
        offset=local.utcoffset() or timedelta(),
        daylight=bool(local.dst()),
        name=local.tzname() or "",
    )


def _transitions(
    zone: ZoneInfo, *, start: datetime, end: datetime, initial: _ZoneState
) -> list[_Transition]:
    """Every change of offset, DST flag or abbreviation between naive-UTC instants."""
    found = []
    instant, state = start, initial
    # The day-by-day scan is most of a cold feed build's VTIMEZONE time (a
    # new worker's first feed): compare plain values, and make a _ZoneState
    # only where something changed.
    state_values = (state.offset, state.daylight, state.name)
    while instant < end:
        probe = instant + _SCAN_STEP
        local = probe.replace(tzinfo=UTC).astimezone(zone)
        if (
            local.utcoffset() or timedelta(),
            bool(local.dst()),
            local.tzname() or "",
        ) == state_values:
            instant = probe
            continue
        low, high = instant, probe
        while high - low > timedelta(seconds=1):
            middle = low + timedelta(seconds=int((high - low).total_seconds()) // 2)
            if _state_at(zone, middle) == state:
                low = middle
            else:
                high = middle
        after = _state_at(zone, high)
        found.append(_Transition(instant=high, before=state, after=after))
        instant, state = high, after
        state_values = (state.offset, state.daylight, state.name)
    return found


def _group_by_change(transitions: Iterable[_Transition]) -> list[list[_Transition]]:
    """Transitions with the same offsets before and after, DST flag and name."""
    groups: dict[tuple, list[_Transition]] = {}
    for transition in transitions:
        key = (transition.before.offset, transition.after)
        groups.setdefault(key, []).append(transition)
    return list(groups.values())


def _add_observances(
    timezone: Timezone, group: list[_Transition], *, open_ended: bool
) -> None:
    """Observances for one kind of transition: yearly-rule runs, then leftovers."""
    before, after = group[0].before, group[0].after
    leftovers: list[_Transition] = []
    index = 0
    while index < len(group):
        rule, length = _longest_yearly_rule(group[index:])
        if length < 2:
            leftovers.append(group[index])
            index += 1
            continue
        run = group[index : index + length]
        index += length
        if not (open_ended and index == len(group)):
            rule["UNTIL"] = run[-1].instant.replace(tzinfo=UTC)
        timezone.add_component(
            _observance(before, after, run[0].local_onset, rule=rule, extra_onsets=())
        )
    if leftovers:
        timezone.add_component(
            _observance(
                before,
                after,
                leftovers[0].local_onset,
                rule=None,
                extra_onsets=[transition.local_onset for transition in leftovers[1:]],
            )
        )


def _longest_yearly_rule(group: list[_Transition]) -> tuple[dict, int]:
    """The yearly rule matching the most consecutive onsets from the first one."""
    best_rule: dict = {}
    best_length = 0
    for rule in _candidate_rules(group[0].local_onset):
        length = _matching_length(rule, [t.local_onset for t in group])
        if length > best_length:
            best_rule, best_length = rule, length
    return best_rule, best_length


def _candidate_rules(onset: datetime) -> Iterable[dict]:
    """Yearly rules Outlook understands that produce this onset.

    "Last weekday" comes before "n-th weekday" for dates in a month's last week,
    since that is how almost every real rule near the end of a month is written.
    """
    weekday = _WEEKDAY_CODES[onset.weekday()]
    nth = (onset.day - 1) // 7 + 1
    in_last_week = (onset + timedelta(days=7)).month != onset.month
    candidates = []
    if in_last_week:
        candidates.append(
            {"FREQ": "YEARLY", "BYMONTH": onset.month, "BYDAY": f"-1{weekday}"}
        )
    if nth <= 4:
        candidates.append(
            {"FREQ": "YEARLY", "BYMONTH": onset.month, "BYDAY": f"{nth}{weekday}"}
        )
    candidates.append(
        {"FREQ": "YEARLY", "BYMONTH": onset.month, "BYMONTHDAY": onset.day}
    )
    return candidates


def _matching_length(rule: dict, onsets: list[datetime]) -> int:
    """How many onsets, from the first, the rule reproduces exactly and in order."""
    text = vRecur(rule).to_ical().decode()
    expansion = dateutil.rrule.rrulestr(text, dtstart=onsets[0])
    length = 0
    for expected, produced in zip(onsets, expansion, strict=False):
        if expected != produced:
            break
        length += 1
    return length


def _observance(
    before: _ZoneState,
    after: _ZoneState,
    onset: datetime,
    *,
    rule: dict | None,
    extra_onsets: Iterable[datetime],
) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if after.daylight else TimezoneStandard()
    observance.add("DTSTART", onset)
    if rule is not None:
        observance.add("RRULE", rule)
    extra_onsets = list(extra_onsets)
    if extra_onsets:
        observance.add("RDATE", extra_onsets)
    if after.name:
        observance.add("TZNAME", after.name)
    observance.add("TZOFFSETFROM", before.offset)
    observance.add("TZOFFSETTO", after.offset)
    return observance
