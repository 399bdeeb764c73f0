"""The week as a picture: one self-contained HTML file (inline CSS and SVG) or one SVG, drawn
from the report alone (``report.PlanReport``), so ``plan --html``, ``brainfit view`` and the
web app show the same thing and nothing can differ from what was planned and checked.

The grid runs Monday to Sunday. A day's column is as long as the day really is: 23 hours on
the day clocks go forward, 25 when they go back, each hour line labelled with its local time
(so a 25-hour day shows 02:00 twice); a block's height is its real length. Nothing is fetched:
no script, font or image, only system fonts, so the file opens offline and prints as it shows.

Each session's "why" is derived from the report: the window it lies in, the busy or study
blocks around it (and whether the gap is the profile's buffer), the study block a snack leads
into, the preferred and disliked times it meets, and a clock change during it. The output is
deterministic: the same report gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

from .compare import Comparison
from .report import BusyOut, DayOut, PlanReport, Report, SessionOut

UTC = dt.UTC

# Colour per session kind of the bundled rule sets; other kinds get one from FALLBACK by a
# checksum of their id, so a kind keeps its colour from week to week and run to run.
KIND_COLOURS = {
    "zone2": "#2e7d32",
    "resistance": "#1565c0",
    "hiit": "#c62828",
    "vo2max": "#6a1b9a",
    "impact": "#e65100",
    "snack": "#00838f",
    "sprint_snack": "#ad1457",
}
FALLBACK = ("#4e342e", "#37474f", "#558b2f", "#283593", "#00695c", "#9e9d24", "#5d4037")
BUSY_FILL, STUDY_FILL, WINDOW_FILL, OFF_FILL = "#e0e0e0", "#dbe4f5", "#fff8e1", "#f4f4f4"

AXIS_W, COL_W, HEAD_H, SCALE = 46, 150, 44, 1.0  # pixels; SCALE: pixels per minute
NEAR_MIN = 120  # busy blocks further from a session than this are not part of its "why"
CHAR_W = 6.2  # average width of a character at 11 px, to shorten labels that would overflow

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:16px;color:#212121}
section.week{margin-bottom:32px}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:15px;margin:16px 0 6px}
p.status,p.zone,p.note{margin:2px 0;font-size:13px}
p.note{color:#8d6e00}
table.objective{border-collapse:collapse;font-size:13px}
table.objective th,table.objective td{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left}
table.objective td.num{text-align:right;font-variant-numeric:tabular-nums}
table.objective tr.total td{font-weight:bold;border-bottom:none}
ol.why{font-size:12px;padding-left:24px}
ol.why li{margin:2px 0}
.infeasible{border-left:4px solid #c62828;padding:4px 12px}
svg.week{max-width:100%;height:auto}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
@media print{section.week{break-after:page}body{margin:0}}
""".strip()


def kind_colour(kind: str) -> str:
    return KIND_COLOURS.get(kind) or FALLBACK[zlib.crc32(kind.encode()) % len(FALLBACK)]


def _n(value: float) -> str:
    """A coordinate as SVG text: at most one decimal, no trailing zero (deterministic)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _a(text: str) -> str:
    return escape(text, quote=True)


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _short(title: str) -> str:
    """A session's title without its length and modality ("Zone 2 cardio")."""
    return title.split(" — ")[0]


def _fit(text: str, width: float, char_w: float = CHAR_W) -> str:
    most = max(1, int(width // char_w))
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


@dataclass(frozen=True)
class _Day:
    """One local day: its real length in minutes and where its midnight falls."""

    index: int
    date: dt.date
    midnight: dt.datetime  # UTC
    minutes: int
    window: DayOut | None

    def minute(self, moment: dt.datetime) -> int:
        """Real minutes from the day's local midnight (negative before it)."""
        return int((moment.astimezone(UTC) - self.midnight).total_seconds() // 60)


def _days(week: Report) -> list[_Day]:
    tz = ZoneInfo(week.timezone)
    monday = _monday(week)
    windows = {d.date: d for d in week.days}
    days = []
    for k in range(7):
        date = monday + dt.timedelta(days=k)
        start = dt.datetime.combine(date, dt.time(0), tz).astimezone(UTC)
        end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(0), tz).astimezone(UTC)
        minutes = int((end - start).total_seconds() // 60)
        days.append(_Day(k, date, start, minutes, windows.get(date.isoformat())))
    return days


def _monday(week: Report) -> dt.date:
    year, _, number = week.week.partition("-W")
    return dt.date.fromisocalendar(int(year), int(number), 1)


def _pieces(days: Sequence[_Day], start: str, end: str) -> list[tuple[_Day, int, int]]:
    """A block cut at local midnights: (day, first minute, last minute) per day it touches."""
    a, b = _at(start), _at(end)
    out = []
    for day in days:
        lo, hi = max(0, day.minute(a)), min(day.minutes, day.minute(b))
        if lo < hi:
            out.append((day, lo, hi))
    return out


def _span(week: Report, days: Sequence[_Day]) -> tuple[int, int]:
    """The minutes of the day shown: whole hours around every window, block and session."""
    spans = [
        (lo, hi)
        for start, end in [
            *((d.start, d.end) for d in week.days if d.start and d.end),
            *((b.start, b.end) for b in week.busy),
            *((s.start, s.end) for s in week.sessions),
        ]
        for _, lo, hi in _pieces(days, start or "", end or "")
    ]
    if not spans:
        return 0, 24 * 60
    low = min(lo for lo, _ in spans) // 60 * 60
    high = -(-max(hi for _, hi in spans) // 60) * 60
    return low, min(high, max(d.minutes for d in days))


def _gap_name(block: BusyOut) -> str:
    if block.title is None:
        return f"busy time ({block.calendar})"
    return f"the {block.title} study block" if block.study else block.title


def reasons(week: Report, session: SessionOut) -> list[str]:
    """Why a session sits where it does, in words, from the report's data alone."""
    start, end = _at(session.start), _at(session.end)
    local = start.astimezone(ZoneInfo(week.timezone))
    out = []
    day = next((d for d in week.days if d.date == local.date().isoformat()), None)
    if day is not None and day.start and day.end:
        ws, we = _at(day.start), _at(day.end)
        edge = ""
        if start == ws:
            edge = ", from its start"
        elif end == we:
            edge = ", up to its end"
        out.append(f"inside your {ws:%H:%M}–{we:%H:%M} window ({day.set_by}){edge}")
    if session.before_study:
        led = [b for b in week.busy if b.study and b.title == session.before_study]
        later = [_at(b.start) for b in led if _at(b.start) >= end]
        gap = int((min(later) - end).total_seconds() // 60) if later else 0
        if gap == 0:
            out.append(f"leads straight into the {session.before_study} study block")
        else:
            out.append(f"leads into the {session.before_study} study block {gap} min later")
    before = [b for b in week.busy if _at(b.end) <= start]
    after = [b for b in week.busy if _at(b.start) >= end]
    buffer = session.buffer_min
    if before:
        block = max(before, key=lambda b: _at(b.end))
        gap = int((start - _at(block.end)).total_seconds() // 60)
        if gap <= NEAR_MIN:
            when = "right after" if gap == 0 else f"{gap} min after"
            note = f", your {buffer}-min buffer" if buffer and gap == buffer else ""
            out.append(f"starts {when} {_gap_name(block)}{note}")
    if after and not session.before_study:
        block = min(after, key=lambda b: _at(b.start))
        gap = int((_at(block.start) - end).total_seconds() // 60)
        if gap <= NEAR_MIN:
            name = _gap_name(block)
            note = f", your {buffer}-min buffer" if buffer and gap == buffer else ""
            text = f"ends right as {name} begins" if gap == 0 else f"ends {gap} min before {name}"
            out.append(text + note)
    out += _preference_reasons(week, session, local)
    shift = (end.utcoffset() or dt.timedelta()) - (start.utcoffset() or dt.timedelta())
    if shift:
        way = "forward" if shift > dt.timedelta() else "back"
        out.append(f"clocks go {way} {abs(shift).seconds // 60} min during it")
    return out


def _preference_reasons(week: Report, session: SessionOut, local: dt.datetime) -> list[str]:
    wall = local.hour * 60 + local.minute
    wall_end = wall + session.minutes
    out = []
    for pref in week.preferences:
        if pref.kind != session.kind:
            continue
        for text in pref.preferred:
            a, b = _range(text)
            if a <= wall and wall_end <= b:
                shown = text.replace("-", "–")
                out.append(f"inside your preferred {shown} for {_short(session.title)}")
        for text in pref.disliked:
            a, b = _range(text)
            if wall < b and a < wall_end:
                out.append(f"touches your disliked {text.replace('-', '–')} (costs points)")
    return out


def _range(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    (h1, m1), (h2, m2) = (map(int, t.split(":")) for t in (first, last))
    return h1 * 60 + m1, h2 * 60 + m2


def _when(session: SessionOut) -> str:
    start, end = _at(session.start), _at(session.end)
    return f"{start:%a %d %b %H:%M}–{end:%H:%M}"


def session_tooltip(week: Report, session: SessionOut) -> str:
    lines = [f"{session.title} ({session.intensity} intensity)", _when(session)]
    return "\n".join(lines + [f"• {r}" for r in reasons(week, session)])


# ------------------------------------------------------------------------------- the SVG


def _kinds(week: Report) -> list[SessionOut]:
    """One session per kind planned, in the order of KIND_COLOURS, then by kind id."""
    first: dict[str, SessionOut] = {}
    for s in week.sessions:
        first.setdefault(s.kind, s)
    order = list(KIND_COLOURS)
    return sorted(
        first.values(),
        key=lambda s: (order.index(s.kind) if s.kind in order else len(order), s.kind),
    )


@dataclass(frozen=True)
class _Layout:
    days: list[_Day]
    low: int  # first minute of the day shown
    high: int  # last minute shown
    kinds: list[SessionOut]

    @property
    def legend_y(self) -> float:
        return HEAD_H + (self.high - self.low) * SCALE + 16

    @property
    def width(self) -> float:
        return AXIS_W + 7 * COL_W + 1

    @property
    def height(self) -> float:
        return self.legend_y + (-(-(4 + len(self.kinds)) // 3)) * 18 + 6


def _layout(week: Report) -> _Layout:
    days = _days(week)
    low, high = _span(week, days)
    return _Layout(days, low, high, _kinds(week))


def week_svg(week: Report, *, marks: Mapping[str, str] | None = None) -> str:
    """One week as an ``<svg>`` element. ``marks`` maps a session's uid to a change ("moved",
    "added", "resized") drawn as a dashed outline with its word (the web app's comparison)."""
    marks = marks or {}
    layout = _layout(week)
    low, high, width, height = layout.low, layout.high, layout.width, layout.height

    def y(minute: int) -> float:
        return HEAD_H + (minute - low) * SCALE

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="week" data-week="{_a(week.week)}" '
        f'width="{_n(width)}" height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'role="img" aria-label="BrainFit week {_a(week.week)}">',
        f"<title>BrainFit week {_a(week.week)} ({_a(week.timezone)})</title>",
        f'<rect x="0" y="0" width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
    ]
    for minute in range(low, high + 1, 60):
        h, m = divmod(minute, 60)
        out.append(
            f'<text x="{AXIS_W - 4}" y="{_n(y(minute) + 4)}" font-size="10" fill="#757575" '
            f'text-anchor="end">{h:02d}:{m:02d}</text>'
        )
    numbers = {id(s): k + 1 for k, s in enumerate(week.sessions)}
    for day in layout.days:
        out += _day_column(week, day, low, high, y, marks, numbers)
    out += _legend(layout.kinds, layout.legend_y)
    out.append("</svg>")
    return "\n".join(out)


def _day_column(
    week: Report,
    day: _Day,
    low: int,
    high: int,
    y: Callable[[int], float],
    marks: Mapping[str, str],
    numbers: Mapping[int, int],
) -> list[str]:
    x = AXIS_W + day.index * COL_W
    bottom = min(high, day.minutes)
    hours = day.minutes // 60
    label = f"{day.date:%a %d %b}"
    extra = f" · {hours} h" if day.minutes != 24 * 60 else ""
    window = day.window
    out = [
        f'<g class="day" data-date="{day.date.isoformat()}" data-minutes="{day.minutes}" '
        f'data-x="{x}" data-width="{COL_W}">',
        f'<text x="{_n(x + COL_W / 2)}" y="18" font-size="13" font-weight="600" '
        f'text-anchor="middle" fill="#212121">{_a(label)}</text>',
    ]
    sub = "day off"
    if window is not None and window.start and window.end:
        sub = f"window {_at(window.start):%H:%M}–{_at(window.end):%H:%M}"
    out.append(
        f'<text x="{_n(x + COL_W / 2)}" y="34" font-size="10" text-anchor="middle" '
        f'fill="#757575">{_a(sub + extra)}</text>'
    )
    out.append(
        f'<rect class="off" x="{x + 1}" y="{_n(y(low))}" width="{COL_W - 2}" '
        f'height="{_n(y(bottom) - y(low))}" fill="{OFF_FILL}"/>'
    )
    if window is not None and window.start and window.end:
        for _, lo, hi in _pieces([day], window.start, window.end):
            out.append(
                f'<rect class="window" x="{x + 1}" y="{_n(y(lo))}" width="{COL_W - 2}" '
                f'height="{_n(y(hi) - y(lo))}" fill="{WINDOW_FILL}">'
                f"<title>{_a(sub)} ({_a(window.set_by)})</title></rect>"
            )
    if bottom < high:  # a 23-hour day ends before the others
        out.append(
            f'<rect class="no-time" x="{x + 1}" y="{_n(y(bottom))}" width="{COL_W - 2}" '
            f'height="{_n(y(high) - y(bottom))}" fill="#ffffff" stroke="#eeeeee"/>'
        )
    dst = day.minutes != 24 * 60
    labels: list[str] = []
    for minute in range(-(-low // 60) * 60, bottom + 1, 60):
        moment = (day.midnight + dt.timedelta(minutes=minute)).astimezone(ZoneInfo(week.timezone))
        out.append(
            f'<line class="hour" data-time="{moment.isoformat()}" x1="{x}" x2="{x + COL_W}" '
            f'y1="{_n(y(minute))}" y2="{_n(y(minute))}" stroke="#e6e6e6" stroke-width="1"/>'
        )
        if dst:  # the day's own clock, drawn over its blocks so that none hides it
            labels.append(
                f'<text class="clock" x="{x + COL_W - 2}" y="{_n(y(minute) + 9)}" font-size="8" '
                f'text-anchor="end" fill="#616161" stroke="#ffffff" stroke-width="2" '
                f'paint-order="stroke">{moment:%H:%M}</text>'
            )
    for block in week.busy:
        for _, lo, hi in _pieces([day], block.start, block.end):
            out += _busy_block(block, x, y(lo), y(hi))
    for s in week.sessions:
        for _, lo, hi in _pieces([day], s.start, s.end):
            out += _session_block(week, s, x, y(lo), y(hi), marks.get(s.uid), numbers[id(s)])
    out += labels
    out.append(
        f'<rect x="{x}" y="{_n(y(low))}" width="{COL_W}" height="{_n(y(high) - y(low))}" '
        f'fill="none" stroke="#bdbdbd"/>'
    )
    out.append("</g>")
    return out


def _busy_block(block: BusyOut, x: int, top: float, bottom: float) -> list[str]:
    title = block.title if block.title is not None else "busy"
    what = "study" if block.study else "busy"
    fill = STUDY_FILL if block.study else BUSY_FILL
    start, end = _at(block.start), _at(block.end)
    hover = f"{title} ({what}, {block.calendar}) {start:%a %H:%M}–{end:%H:%M}"
    height = bottom - top
    out = [
        f'<g class="{what}" data-start="{_a(block.start)}" data-end="{_a(block.end)}" '
        f'data-title="{_a(title)}">',
        f"<title>{_a(hover)}</title>",
        f'<rect x="{x + 4}" y="{_n(top)}" width="{COL_W - 8}" height="{_n(height)}" '
        f'fill="{fill}" rx="2"/>',
    ]
    if height >= 12:
        out.append(
            f'<text x="{x + 8}" y="{_n(top + min(11, height - 2))}" font-size="10" '
            f'fill="#616161">{_a(_fit(title, COL_W - 16, 5.6))}</text>'
        )
    out.append("</g>")
    return out


def _session_block(
    week: Report,
    s: SessionOut,
    x: int,
    top: float,
    bottom: float,
    mark: str | None,
    number: int,
) -> list[str]:
    colour = kind_colour(s.kind)
    height = bottom - top
    cls = f"session {mark}" if mark else "session"
    out = [
        f'<g class="{cls}" data-uid="{_a(s.uid)}" data-kind="{_a(s.kind)}" '
        f'data-start="{_a(s.start)}" data-end="{_a(s.end)}" data-number="{number}">',
        f"<title>{_a(f'{number}. ' + session_tooltip(week, s))}</title>",
        f'<rect x="{x + 10}" y="{_n(top)}" width="{COL_W - 20}" height="{_n(height)}" '
        f'fill="{colour}" rx="3"/>',
    ]
    inner = COL_W - 28
    lines: list[tuple[str, int, str]] = []
    if height >= 28:
        lines = [
            (f"{number}. {_short(s.title)}", 11, "600"),
            (f"{s.minutes} min · {s.intensity}", 10, "400"),
        ]
    elif height >= 13:
        lines = [(f"{number}. {_short(s.title)} · {s.minutes} min", 10, "600")]
    else:
        lines = [(f"{number}", 8, "600")]
    for k, (text, size, weight) in enumerate(lines):
        baseline = top + size + 1 + k * 12 if height >= 13 else top + height / 2 + 3
        out.append(
            f'<text x="{x + 14}" y="{_n(baseline)}" font-size="{size}" font-weight="{weight}" '
            f'fill="#ffffff">{_a(_fit(text, inner, size * 0.58))}</text>'
        )
    if mark:
        out.append(
            f'<rect x="{x + 7}" y="{_n(top - 3)}" width="{COL_W - 14}" height="{_n(height + 6)}" '
            f'fill="none" stroke="#ff6f00" stroke-width="2" stroke-dasharray="4 2" rx="4"/>'
        )
        # A badge on the outline's top edge, clear of the session's own title.
        out.append(
            f'<rect class="mark" x="{x + COL_W - 56}" y="{_n(top - 9)}" width="46" height="11" '
            f'rx="3" fill="#ff6f00"/><text x="{_n(x + COL_W - 33)}" y="{_n(top - 0.8)}" '
            f'font-size="8.5" text-anchor="middle" fill="#ffffff" font-weight="700">'
            f"{_a(mark)}</text>"
        )
    out.append("</g>")
    return out


def _legend(kinds: Sequence[SessionOut], top: float) -> list[str]:
    entries = [
        ("window", WINDOW_FILL, "your window"),
        ("busy", BUSY_FILL, "busy"),
        ("study", STUDY_FILL, "study block"),
        ("off", OFF_FILL, "outside the window"),
    ]
    entries += [(s.kind, kind_colour(s.kind), f"{_short(s.title)} ({s.intensity})") for s in kinds]
    out = ['<g class="legend">']
    for k, (key, fill, text) in enumerate(entries):
        row, col = divmod(k, 3)
        x, y = AXIS_W + col * 350, top + row * 18
        out.append(
            f'<g class="legend-entry" data-key="{_a(key)}">'
            f'<rect x="{x}" y="{_n(y)}" width="14" height="12" fill="{fill}" stroke="#bdbdbd"/>'
            f'<text x="{x + 20}" y="{_n(y + 10)}" font-size="11" fill="#424242">{_a(text)}</text>'
            "</g>"
        )
    out.append("</g>")
    return out


# ------------------------------------------------------------------------------- HTML


def status_text(week: Report) -> str:
    """The summary's status line without the solve time: that varies from run to run, and
    the picture's bytes must not."""
    if week.status == "OPTIMAL":
        verdict = f"proven optimal (objective {week.objective})"
    else:
        verdict = f"best found: objective {week.objective}, bound {week.bound}, gap {week.gap:.1%}"
    checked = "checked: every hard rule holds" if week.check.ok else "CHECK FAILED"
    if week.check.ok and week.dropped:
        checked = "checked: every hard rule not dropped holds"
    return f"{verdict}; {checked}."


def objective_table(week: Report) -> str:
    rows = [
        '<table class="objective"><thead><tr><th>Rule</th><th>Weight</th><th>Count</th>'
        "<th>Points</th><th>What it rewards</th></tr></thead><tbody>"
    ]
    for t in week.terms:
        rows.append(
            f'<tr data-rule="{_a(t.rule)}"><td>{_a(t.rule)}</td><td class="num">{t.weight}</td>'
            f'<td class="num">{t.raw}</td><td class="num">{t.points:+d}</td>'
            f"<td>{_a(t.description)}</td></tr>"
        )
    rows.append(
        f'<tr class="total"><td>total</td><td></td><td></td>'
        f'<td class="num">{week.objective:+d}</td><td></td></tr></tbody></table>'
    )
    return "".join(rows)


def why_list(week: Report) -> str:
    """The printable footnotes: each session by its number, when, and why it sits there."""
    items = []
    for k, s in enumerate(week.sessions, start=1):
        why = "; ".join(reasons(week, s)) or "the best free time the rules leave"
        items.append(
            f'<li value="{k}" data-uid="{_a(s.uid)}"><b>{_a(_when(s))}</b> {_a(s.title)} '
            f"({_a(s.intensity)}): {_a(why)}.</li>"
        )
    return f'<ol class="why">{"".join(items)}</ol>' if items else "<p>No session planned.</p>"


def week_section(week: Report, *, marks: Mapping[str, str] | None = None) -> str:
    """One week's part of the page: heading, status, picture, objective, footnotes."""
    notes = [
        f'<p class="note">This week\'s plan drops: {_a(d.rule)} ({_a(d.description)}).</p>'
        for d in week.dropped
    ]
    if week.days_before is not None and week.days_before.note:
        notes.append(f'<p class="note">Note: {_a(week.days_before.note)}.</p>')
    why = f": {week.timezone_reason}" if week.timezone_reason else ""
    return "\n".join(
        [
            f'<section class="week" id="week-{_a(week.week)}">',
            f"<h1>BrainFit week {_a(week.week)}</h1>",
            f'<p class="status">{_a(status_text(week))}</p>',
            f'<p class="zone">Times are in {_a(week.timezone)}{_a(why)}.</p>',
            *notes,
            week_svg(week, marks=marks),
            "<h2>Objective by soft rule</h2>",
            objective_table(week),
            "<h2>Why each session sits where it does</h2>",
            why_list(week),
            "</section>",
        ]
    )


def infeasible_section(report: PlanReport) -> str:
    """An impossible week: the explanation and the tested relaxations."""
    info = report.infeasible
    if info is None:
        return ""
    items = "".join(
        f'<li data-setting="{_a(r.setting)}">{_a(r.text)} <i>({_a(r.cost)})</i></li>'
        for r in info.relaxations
    )
    relaxations = f'<h2>Would work</h2><ul class="relaxations">{items}</ul>' if items else ""
    weeks = info.week or ", ".join(report.iso_weeks)
    return (
        f'<section class="infeasible"><h1>No plan for {_a(weeks)}</h1>'
        f"<p>{_a(info.message)}</p>{relaxations}</section>"
    )


def body(report: PlanReport, *, marks: Mapping[str, str] | None = None) -> str:
    """Everything the page shows for a report, without the document around it."""
    parts = [week_section(w, marks=marks) for w in report.weeks]
    if report.infeasible is not None:
        parts.append(infeasible_section(report))
    parts += [f'<p class="note">warning: {_a(w)}</p>' for w in report.warnings]
    return "\n".join(parts)


def _session_when(s: SessionOut | None) -> str:
    return "—" if s is None else f"{_when(s)} ({s.minutes} min)"


def comparison_section(cmp: Comparison) -> str:
    """How plan B differs from plan A (``compare.compare``, as `brainfit compare` prints it):
    the sessions that changed, then every soft rule's weight, count and points side by side."""

    def pair(a: int | None, b: int | None) -> str:
        shown = ["—" if v is None else str(v) for v in (a, b)]
        return shown[0] if a == b else f"{shown[0]}→{shown[1]}"

    verdict = cmp.verdict
    rows = "".join(
        f'<tr class="{c.change}"><td>{c.change}</td><td>{_a(_short(either.title))}</td>'
        f"<td>{_a(_session_when(c.a))}</td><td>{_a(_session_when(c.b))}</td></tr>"
        for c in cmp.changes
        if (either := c.b or c.a) is not None
    )
    sessions = (
        f'<table class="objective sessions"><thead><tr><th>Change</th><th>Session</th>'
        f"<th>{_a(cmp.label_a)}</th><th>{_a(cmp.label_b)}</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        if rows
        else ""
    )
    terms = "".join(
        f'<tr data-rule="{_a(t.rule)}" class="{"changed" if t.changed else "same"}">'
        f'<td>{_a(t.rule)}</td><td class="num">{pair(t.weight_a, t.weight_b)}</td>'
        f'<td class="num">{pair(t.raw_a, t.raw_b)}</td><td class="num">{t.points_a:+d}</td>'
        f'<td class="num">{t.points_b:+d}</td>'
        f'<td class="num">{f"{t.delta:+d}" if t.delta else ""}</td></tr>'
        for t in cmp.terms
    )
    return (
        f'<div class="comparison"><p class="verdict">{_a(verdict)}</p>{sessions}'
        '<table class="objective terms"><thead><tr><th>Rule</th><th>Weight</th><th>Count</th>'
        f"<th>{_a(cmp.label_a)}</th><th>{_a(cmp.label_b)}</th><th>Δ</th></tr></thead>"
        f"<tbody>{terms}</tbody></table></div>"
    )


def page(title: str, style: str, body_html: str) -> bytes:
    """One self-contained HTML document: the style inline, nothing fetched (the week picture
    and the team page alike)."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        f"<title>{_a(title)}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
    ]
    return ("\n".join([*head, body_html, "</body>", "</html>"]) + "\n").encode()


def render_html(report: PlanReport) -> bytes:
    """The whole report as one self-contained HTML file (one section, one printed page, per
    week)."""
    title = ", ".join(report.iso_weeks) or "plan"
    return page(f"BrainFit {title}", CSS, body(report))


def render_svg(report: PlanReport) -> bytes:
    """The weeks as one standalone SVG: each week's picture under the one before, with its
    objective by rule beneath it; an impossible week gives its explanation as text."""
    parts: list[str] = []
    top, width = 0.0, 400.0
    for week in report.weeks:
        layout = _layout(week)
        parts.append(f'<g transform="translate(0 {_n(top)})">{week_svg(week)}</g>')
        top += layout.height
        lines = [f"{week.week}: {status_text(week)}"] + [
            f"{t.rule}: weight {t.weight} × {t.raw} = {t.points:+d}" for t in week.terms
        ]
        parts += _text_lines(lines, AXIS_W, top + 14)
        top += 14 + 15 * len(lines) + 10
        width = max(width, layout.width)
    if report.infeasible is not None:
        info = report.infeasible
        lines = [
            *textwrap.wrap(info.message, 150),
            *(f"would work: {r.text}" for r in info.relaxations),
        ]
        parts += _text_lines(lines, 10, top + 16)
        top += 16 + 15 * len(lines)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(top)}" '
        f'viewBox="0 0 {_n(width)} {_n(top)}">'
        f'<rect x="0" y="0" width="{_n(width)}" height="{_n(top)}" fill="#ffffff"/>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n".join(parts) + "</svg>\n"
    ).encode()


def _text_lines(lines: Iterable[str], x: float, top: float) -> list[str]:
    return [
        f'<text x="{_n(x)}" y="{_n(top + 15 * k)}" font-size="11" fill="#424242" '
        f'font-family="system-ui,sans-serif">{_a(line)}</text>'
        for k, line in enumerate(lines)
    ]
