"""``brainfit serve``: a small local web app over ``pipeline.run`` and the week picture.

The page shows the picture ``plan --html`` draws (``picture``) and, beside it, each soft
rule's weight as a slider with a number box. Every change is one request; the server plans
exactly as ``brainfit plan`` would with those flags (``api.load_inputs``, ``pipeline.run``,
``pipeline.schedule_report``) and answers with the picture, the objective by rule and the
comparison with the plan before (``compare.compare``, as ``brainfit compare``). The app adds
no planning logic of its own: what it shows is the report, and "Download .ics" is the
pipeline's exported bytes, the same as ``plan -o`` writes for the same settings.

Requests that arrive while a solve runs replace each other: the newest waits for the running
solve, the older waiting ones are answered ``superseded`` without solving, so dragging a
slider never builds a queue. Every answer carries ``arrival``, the order in which the server
received the request: a client's own sending order is not the server's receiving order. So
the page keeps one request in flight and sends the changes made meanwhile as one, with the
settings of the moment it is sent: the week it draws last is always that of the sliders as
they stand (another page's request overtaking its newest one makes it ask again).

Safety, since a local server is reachable from every page the browser opens:

- it listens on 127.0.0.1 unless ``--host`` says otherwise;
- a request whose Host header is not the served address is refused (403): a DNS-rebinding
  page reaches the port under its own host name;
- every state-changing request (all POSTs: plan, download, upload, save) carries the per-run
  token printed at start (header ``X-Brainfit-Token``), which another origin cannot read;
- it reads only the calendars named on the command line (and the profile's), the rule files
  named with ``--rules`` (chosen in the page by number) and calendars uploaded through the
  page (size-capped, stored under a name the server makes, read by the same reader); it never
  takes a file path from the browser. Bad input is shown as the usual one-paragraph message,
  never as a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import api
from .core.errors import BrainfitError, InfeasibleError, InputError, ProfileError
from .outputs.compare import compare
from .outputs.files import write_files
from .outputs.picture import CSS, body, comparison_section
from .outputs.report import PlanReport
from .outputs.tuning import weight_rows
from .rules.ruleset import RuleSet, load_rules

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
"""The largest calendar the page takes (2 MiB: a decade of a busy person's calendar)."""

TOKEN_HEADER = "x-brainfit-token"
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class ServeConfig:
    """What the command line named: the only files the app ever reads (besides uploads)."""

    calendars: tuple[str | Path, ...] = ()
    profile: Path | None = None
    rules: tuple[Path, ...] = ()  # the rule sets offered; none: the bundled one
    week: str | None = None
    tz: str | None = None
    study: tuple[str | Path, ...] = ()


class PlanBody(BaseModel):
    """A request from the page: settings only, never a path."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, int] = Field(default_factory=dict)
    week: str | None = Field(default=None, max_length=20)
    tz: str | None = Field(default=None, max_length=60)
    rules: int = Field(default=0, ge=0)
    apply: int | None = Field(default=None, ge=0)
    unrelax: bool = False
    reload: bool = False
    fresh: bool = False  # the page's first request: nothing before it to compare with


@dataclass
class _Relaxed:
    """A relaxation applied from the page: the changed profile and rules, and what it is."""

    text: str
    profile: Any
    rules: RuleSet


@dataclass
class State:
    """The one user's session: what the page last planned, for comparing and applying."""

    config: ServeConfig
    uploads: dict[str, Path] = field(default_factory=dict)
    upload_dir: Path | None = None
    previous: PlanReport | None = None
    fixes: list[Any] = field(default_factory=list)
    relaxed: _Relaxed | None = None
    latest: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    loaded: dict[tuple[object, ...], tuple[api.Inputs, tuple[object, ...]]] = field(
        default_factory=dict
    )

    def rule_choices(self) -> list[str]:
        """What the page's rule-set menu shows: each --rules file by its name."""
        return [p.name for p in self.config.rules] or ["bundled brain-health protocol"]

    def rule_file(self, index: int) -> Path | None:
        """The rule file the page chose by number (None: the bundled rules)."""
        if not self.config.rules:
            if index:
                raise ProfileError(f"there is no rule set number {index}", fix="Choose one")
            return None
        if index >= len(self.config.rules):
            raise ProfileError(f"there is no rule set number {index}", fix="Choose one")
        return self.config.rules[index]

    def calendars(self) -> list[str | Path]:
        return [*self.config.calendars, *self.uploads.values()]

    def inputs(self, settings: PlanBody) -> api.Inputs:
        """The inputs ``brainfit plan`` reads for these settings, ``--weight`` included.

        The calendars, profile and rules are read once per week, zone, rule set and
        relaxation, and again when a local file among them changes (or the page's Plan
        button asks): a slider then costs a solve, not a reading of every calendar."""
        profile: Any = self.config.profile
        rules: Any = self.rule_file(settings.rules)
        if self.relaxed is not None:
            profile, rules = self.relaxed.profile, self.relaxed.rules
        week, tz = settings.week or self.config.week, settings.tz or self.config.tz
        relaxed = self.relaxed.text if self.relaxed is not None else None
        key = (settings.rules, week, tz, relaxed, *self.calendars())
        if settings.reload:
            self.loaded.clear()
        cached = self.loaded.get(key)
        if cached is not None and cached[1] == self._stamps(cached[0]):
            base = cached[0]
        else:
            base = api.load_inputs(
                self.calendars(),
                profile=profile,
                rules=rules,
                week=week,
                tz=tz,
                study_calendars=self.config.study,
            )
            self.loaded = {key: (base, self._stamps(base))}
        if not settings.weights:
            return base
        return api.with_weights(base, settings.weights, origin="the page's weights")

    def _stamps(self, inputs: api.Inputs) -> tuple[object, ...]:
        """Every local file the inputs were read from, as it is now."""
        files = [c.source for c in inputs.loaded]
        return tuple(_stamp(f) for f in [*files, self.config.profile, *self.config.rules])

    def hide_uploads(self, text: str) -> str:
        """A message about an upload names it as the user did, not by the server's path."""
        if self.upload_dir is None:
            return text
        return text.replace(f"{self.upload_dir}/", "")


def _stamp(source: str | Path | None) -> tuple[str, int, int]:
    """What tells a changed local file: its modification time and size (URLs: nothing)."""
    if source is None or "://" in str(source):
        return (str(source), 0, 0)
    try:
        info = Path(source).stat()
    except OSError:
        return (str(source), -1, -1)
    return (str(source), info.st_mtime_ns, info.st_size)


def plan(state: State, settings: PlanBody) -> dict[str, Any]:
    """Plan the settings as ``brainfit plan`` does; the page's answer (runs in a thread)."""
    from .pipeline import PlanRequest, infeasible_document, run_one, schedule_report

    started, cpu = time.perf_counter(), time.thread_time()
    if settings.fresh:
        state.previous = None
    if settings.unrelax:
        state.relaxed = None
    if settings.apply is not None:
        if settings.apply >= len(state.fixes):
            raise ProfileError("that relaxation is no longer offered", fix="Plan again")
        fix = state.fixes[settings.apply]
        state.relaxed = _Relaxed(fix.text, fix.changed.profile, fix.changed.rules)
    inputs = state.inputs(settings)
    base = load_rules(state.rule_file(settings.rules))
    answer: dict[str, Any] = {
        "weights": [r.model_dump() for r in weight_rows(inputs.rules, base)],
        "rules": state.rule_choices(),
        "relaxed": state.relaxed.text if state.relaxed else None,
        "uploads": sorted(state.uploads),
    }
    request = PlanRequest(inputs)
    try:
        outcome = run_one(request)
    except InfeasibleError as exc:
        state.fixes = list(exc.fixes)
        report = infeasible_document(exc, request)
        return answer | {
            "status": "INFEASIBLE",
            "week": inputs.horizon.label,
            "picture": body(report),
            "relaxations": [{"text": f.text, "cost": f.cost} for f in exc.fixes],
            "comparison": "",
            "objective": None,
        }
    report = schedule_report(outcome)
    week = report.weeks[0]
    marks: dict[str, str] = {}
    comparison = ""
    before = state.previous
    if before is not None and before.iso_weeks == report.iso_weeks and before.weeks:
        cmp = compare(before.weeks[0], week, label_a="before", label_b="now")
        marks = {c.b.uid: c.change for c in cmp.changes if c.b is not None}
        comparison = comparison_section(cmp)
    state.previous = report
    return answer | {
        "status": report.status,
        "week": week.week,
        "timezone": week.timezone,
        "picture": body(report, marks=marks),
        "comparison": comparison,
        "relaxations": [],
        "objective": report.objective,
        "sessions": len(week.sessions),
        # Wall time, and this thread's CPU time (a loaded machine stretches only the first).
        "server_ms": round((time.perf_counter() - started) * 1000, 1),
        "server_cpu_ms": round((time.thread_time() - cpu) * 1000, 1),
    }


def ics(state: State, settings: PlanBody) -> tuple[bytes, str]:
    """The .ics ``brainfit plan -o`` writes for the settings, and the ISO week."""
    from .pipeline import PlanRequest, run_one

    inputs = state.inputs(settings)
    return run_one(PlanRequest(inputs)).ics, inputs.horizon.label


def save_weights(state: State, weights: dict[str, int], rules_index: int) -> str:
    """Write the weights that differ from the rule file into the profile's ``[weights]``
    table, keeping every comment and other key; a weight back at the rule file's value is
    removed from the table. Atomic: a temporary file renamed over the profile."""
    import tomlkit

    path = state.config.profile
    if path is None:
        raise ProfileError(
            "there is no profile to save the weights into",
            fix="Start brainfit serve with --profile PROFILE.toml",
        )
    defaults = load_rules(state.rule_file(rules_index)).weights()
    unknown = sorted(set(weights) - set(defaults))
    if unknown:
        raise ProfileError(f"unknown soft rule(s) {', '.join(unknown)}", fix="Reload the page")
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, tomlkit.exceptions.TOMLKitError) as exc:
        raise ProfileError(f"cannot read the profile ({exc})", file=path) from exc
    table = document.get("weights")
    if table is None:
        table = tomlkit.table()
        document["weights"] = table
    for rule, value in weights.items():
        if value != defaults[rule]:
            table[rule] = value
        elif rule in table:
            del table[rule]
    write_files([(path, tomlkit.dumps(document).encode())])
    return str(path)


_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def upload_name(filename: str) -> str:
    """A safe file name for an upload: its last part, plain characters, ending in .ics."""
    name = _NAME.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip("._") or "upload"
    return name if name.lower().endswith(".ics") else f"{name}.ics"


def create_app(config: ServeConfig, *, token: str, allowed_host: str) -> Starlette:
    """The ASGI app: the page, and JSON endpoints for planning, download, upload and save."""
    state = State(config)

    def error(text: str, status: int = 400) -> JSONResponse:
        return JSONResponse({"error": state.hide_uploads(text)}, status_code=status)

    async def settings_of(request: Request) -> PlanBody:
        try:
            return PlanBody.model_validate_json(await request.body())
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "request"
            raise InputError(f"{where}: {first['msg']}", fix="Reload the page") from exc

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(PAGE)

    async def plan_endpoint(request: Request) -> Response:
        settings = await settings_of(request)
        state.latest += 1
        mine = state.latest
        async with state.lock:
            if mine != state.latest:  # a newer request arrived while this one waited
                return JSONResponse({"superseded": True, "arrival": mine})
            answer = await run_in_threadpool(plan, state, settings)
        return JSONResponse(answer | {"arrival": mine})

    async def ics_endpoint(request: Request) -> Response:
        settings = await settings_of(request)
        async with state.lock:
            data, label = await run_in_threadpool(ics, state, settings)
        return Response(
            data,
            media_type="text/calendar",
            headers={"content-disposition": f'attachment; filename="brainfit-{label}.ics"'},
        )

    async def save_endpoint(request: Request) -> Response:
        settings = await settings_of(request)
        path = await run_in_threadpool(save_weights, state, settings.weights, settings.rules)
        return JSONResponse({"saved": path})

    async def upload_endpoint(request: Request) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES:
            return error(_too_big(), 413)
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > MAX_UPLOAD_BYTES:
                return error(_too_big(), 413)
        name = upload_name(request.headers.get("x-filename", "upload.ics"))
        if state.upload_dir is None:
            state.upload_dir = Path(tempfile.mkdtemp(prefix="brainfit-serve-"))
        path = state.upload_dir / name
        previous = state.uploads.get(name)
        path.write_bytes(bytes(data))
        state.uploads[name] = path
        try:  # read by the same reader as every calendar: its message if it is bad
            await run_in_threadpool(state.inputs, PlanBody())
        except BrainfitError:
            if previous is None:
                del state.uploads[name]
                path.unlink()
            raise
        return JSONResponse({"uploaded": name})

    def guarded(
        handler: Callable[[Request], Awaitable[Response]], *, post: bool
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            if post and not secrets.compare_digest(request.headers.get(TOKEN_HEADER, ""), token):
                return error(
                    "this request lacks the token brainfit serve printed at start; open the "
                    "address it printed",
                    403,
                )
            try:
                return await handler(request)
            except InfeasibleError as exc:
                return error(exc.render(), 409)
            except BrainfitError as exc:
                return error(exc.render())
            except Exception as exc:  # never a traceback page: the message, as the CLI says it
                return error(
                    f"internal error: {type(exc).__name__}: {exc}. This is a bug in "
                    "brainfit-solver; please report it with the inputs that caused it.",
                    500,
                )

        return endpoint

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if state.upload_dir is not None:  # uploads live as long as the server
            shutil.rmtree(state.upload_dir, ignore_errors=True)

    app = Starlette(
        routes=[
            Route("/", guarded(page, post=False), methods=["GET"]),
            Route("/api/plan", guarded(plan_endpoint, post=True), methods=["POST"]),
            Route("/api/ics", guarded(ics_endpoint, post=True), methods=["POST"]),
            Route("/api/save-weights", guarded(save_endpoint, post=True), methods=["POST"]),
            Route("/api/upload", guarded(upload_endpoint, post=True), methods=["POST"]),
        ],
        lifespan=lifespan,
    )
    return HostCheck(app, allowed_host)  # type: ignore[return-value]


def _too_big() -> str:
    return (
        f"the calendar is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MiB, the most the page "
        "takes; name it on the command line instead (brainfit serve CALENDAR.ics)"
    )


class HostCheck:
    """Refuses any request whose Host header is not the address served (DNS rebinding)."""

    def __init__(self, app: Starlette, allowed_host: str) -> None:
        self.app = app
        self.allowed = allowed_host.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope["headers"]).get(b"host", b"")
            if host != self.allowed:
                response = PlainTextResponse(
                    "brainfit serve answers only requests to the address it printed", 403
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def served_host(host: str, port: int) -> str:
    """The Host header a browser sends for the address served."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


PAGE_CSS = (
    CSS
    + """
main{display:flex;gap:16px;align-items:flex-start}
#picture{flex:1 1 auto;min-width:0}
aside{flex:0 0 360px;position:sticky;top:8px;font-size:13px;max-height:96vh;overflow:auto}
aside select{max-width:100%}
aside table.objective{font-size:11px;width:100%}
aside table.objective th,aside table.objective td{padding:1px 3px}
aside fieldset{border:1px solid #ddd;margin:0 0 10px;padding:6px 8px}
aside label{display:block;margin:4px 0}
.weight{display:grid;grid-template-columns:1fr 60px;gap:2px 6px;align-items:center;margin:4px 0}
.weight span{grid-column:1/3;font-family:monospace}
.weight input[type=number]{width:56px}
button{margin:2px 4px 2px 0}
#message{white-space:pre-wrap;color:#b71c1c}
#busy{color:#757575}
table.objective tr.same td{color:#9e9e9e}
""".strip()
)

PAGE_JS = r"""
const token = new URLSearchParams(location.search).get("token") || "";
const $ = (id) => document.getElementById(id);
let seq = 0, shown = 0, ruleIds = "";
// One plan request in flight at a time: changes made meanwhile wait, merged into one sent
// with the settings of the moment its turn comes. Requests sent together may reach the
// server in another order, and it plans the one it receives last: the week drawn last
// could be that of settings the page has already left.
let inFlight = false, waiting = null;
window.brainfit = {sent: {}, drawn: {}, serverMs: {}};
function settings() {
  const weights = {};
  for (const box of document.querySelectorAll("input.weight-number")) {
    weights[box.dataset.rule] = parseInt(box.value, 10) || 0;
  }
  return {weights, week: $("week").value || null, tz: $("tz").value || null,
          rules: parseInt($("rules").value || "0", 10)};
}
async function post(path, body, raw) {
  const headers = {"x-brainfit-token": token};
  if (!raw) headers["content-type"] = "application/json";
  return fetch(path, {method: "POST", headers, body: raw ? body : JSON.stringify(body)});
}
function sliders(rows) {
  const ids = rows.map(r => r.rule).join(",");
  if (ids === ruleIds) return;
  ruleIds = ids;
  const box = $("weights");
  box.textContent = "";
  for (const r of rows) {
    const div = document.createElement("div");
    div.className = "weight";
    const name = document.createElement("span");
    name.textContent = (r.penalty ? "− " : "+ ") + r.rule;
    name.title = r.description;
    const slider = document.createElement("input");
    const top = Math.max(100, 2 * r.default);
    Object.assign(slider, {type: "range", min: 0, max: top, value: r.weight});
    slider.className = "weight-slider";
    slider.dataset.rule = r.rule;
    slider.setAttribute("aria-label", r.rule);
    const number = document.createElement("input");
    Object.assign(number, {type: "number", min: 0, value: r.weight});
    number.className = "weight-number";
    number.dataset.rule = r.rule;
    slider.addEventListener("input", () => { number.value = slider.value; replan(); });
    number.addEventListener("change", () => { slider.value = number.value; replan(); });
    div.append(name, slider, number);
    box.append(div);
  }
}
function show(answer, mine) {
  if (answer.superseded || mine < shown) return;
  shown = mine;
  if (mine === seq) $("busy").textContent = "";
  if (answer.error) { $("message").textContent = answer.error; return; }
  $("message").textContent = "";
  if (answer.weights) sliders(answer.weights);
  if (answer.rules) {
    const select = $("rules"), current = select.value || "0";
    if (select.options.length !== answer.rules.length) {
      select.textContent = "";
      answer.rules.forEach((text, k) => select.add(new Option(text, String(k))));
      select.value = current;
    }
  }
  if (answer.week) $("week").placeholder = answer.week;
  if (answer.timezone) $("tz").placeholder = answer.timezone;
  $("picture").innerHTML = answer.picture;
  $("comparison").innerHTML = answer.comparison || "<p>Move a weight to compare.</p>";
  $("relaxed").textContent = answer.relaxed ? "Applied: " + answer.relaxed : "";
  $("unrelax").hidden = !answer.relaxed;
  $("uploads").textContent = (answer.uploads || []).join(", ");
  const list = $("relaxations");
  list.textContent = "";
  (answer.relaxations || []).forEach((r, k) => {
    const b = document.createElement("button");
    b.className = "relaxation";
    b.textContent = r.text;
    b.title = r.cost;
    b.addEventListener("click", () => replan({apply: k}));
    const li = document.createElement("li");
    li.append(b);
    list.append(li);
  });
  window.brainfit.drawn[mine] = performance.now();
  window.brainfit.serverMs[mine] = [answer.server_ms, answer.server_cpu_ms];
  document.body.dataset.drawn = String(mine);
}
function replan(extra) {
  const mine = ++seq;
  window.brainfit.sent[mine] = performance.now();
  document.body.dataset.sent = String(mine);
  $("busy").textContent = "planning…";
  if (inFlight) {  // sent when the answer in flight comes, with the settings of then
    waiting = Object.assign(waiting || {}, extra || {});
    return;
  }
  send(mine, extra || {});
}
async function send(mine, extra) {
  inFlight = true;
  let answer = null;
  try {
    const response = await post("/api/plan", Object.assign(settings(), extra));
    answer = await response.json();
  } catch (e) {
    $("message").textContent = String(e);
  }
  inFlight = false;
  if (waiting !== null) {
    const next = waiting;
    waiting = null;
    send(seq, next);
  } else if (answer && answer.superseded) {
    send(mine, extra);  // another page's request overtook it: this one is still the newest
  }
  if (answer) show(answer, mine);
}
async function download() {
  const response = await post("/api/ics", settings());
  if (!response.ok) { $("message").textContent = (await response.json()).error; return; }
  const name = (response.headers.get("content-disposition") || "").split('"')[1] || "plan.ics";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}
async function save() {
  const response = await post("/api/save-weights", settings());
  const answer = await response.json();
  $("message").textContent = answer.error || "";
  $("saved").textContent = answer.saved ? "saved into " + answer.saved : "";
}
async function upload() {
  const file = $("upload").files[0];
  if (!file) return;
  const response = await fetch("/api/upload", {method: "POST", body: file,
    headers: {"x-brainfit-token": token, "x-filename": file.name}});
  const answer = await response.json();
  if (answer.error) { $("message").textContent = answer.error; return; }
  replan();
}
$("settings").addEventListener("submit", (e) => { e.preventDefault(); replan({reload: true}); });
$("rules").addEventListener("change", () => { ruleIds = ""; replan(); });
$("download").addEventListener("click", download);
$("save").addEventListener("click", save);
$("upload").addEventListener("change", upload);
$("unrelax").addEventListener("click", () => replan({unrelax: true}));
if (!token) $("message").textContent = "Open the address brainfit serve printed (with its token).";
else replan({fresh: true});
"""

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>BrainFit</title><style>{PAGE_CSS}</style></head>
<body><main><div id="picture"><p>Planning…</p></div>
<aside>
<form id="settings"><fieldset><legend>Week</legend>
<label>ISO week <input id="week" name="week" placeholder="2026-W49" size="10"/></label>
<label>Time zone <input id="tz" name="tz" placeholder="Europe/Berlin" size="18"/></label>
<label>Rule set <select id="rules"><option value="0">…</option></select></label>
<button type="submit">Plan</button></fieldset></form>
<fieldset><legend>Calendars</legend>
<label>Add a calendar (.ics) <input id="upload" type="file" accept=".ics,text/calendar"/></label>
<div id="uploads"></div></fieldset>
<fieldset><legend>Weights (points per unit)</legend><div id="weights"></div>
<button id="save" type="button">Save weights</button> <span id="saved"></span></fieldset>
<p><button id="download" type="button">Download .ics</button> <span id="busy"></span></p>
<p id="message" role="alert"></p>
<p><span id="relaxed"></span><button id="unrelax" type="button" hidden>Undo</button></p>
<ul id="relaxations"></ul>
<fieldset><legend>Compared with the plan before</legend><div id="comparison"></div></fieldset>
</aside></main>
<script>{PAGE_JS}</script></body></html>
"""
