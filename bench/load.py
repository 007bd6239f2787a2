"""Benchmark: anju under load, served as in production (PostgreSQL, granian, DEBUG off).

    python -m bench.load --households 1000000 --users 32 [--duration 120] [--think 2] \
        [--capacity-seconds 30] [--trivial-seconds 10] [--requests 40000] [--workers 2] \
        [--database postgresql://postgres@127.0.0.1:5432/anju_scale_load]

Builds (or, with the same N, reuses) the synthetic province of ``bench.lists`` in its own
database, adds logged-in users of mixed roles (the province officer, county and township
officers, village clerks — each sees their own region), starts granian on 127.0.0.1 the way
``make serve`` does (WSGI, ``--workers``, one blocking thread, production settings, DEBUG off),
and drives it with a bounded asyncio client (httpx). Each user logs in through the login page.
Each user then walks the journey once, untimed (the warm-up). Then three timed phases, in one
run (ADR 0054):

1. **the walk** (``--duration`` s): each user walks home → household list → a filtered list → a
   name search → a deep page → a household → the house list → the dashboard → the map's points,
   over and over, reading each page for ``--think`` seconds on average (uniform between half and
   one and a half times it) before the next — the latency 32 officers at work see (``list_p50_ms``,
   ``list_p99_ms`` and every kind's p50/p99). ``--think 0`` is a closed loop without pauses.
2. **capacity** (``--capacity-seconds`` s): the same users ask for list pages only (first,
   filtered, searched, deep, house list), without pauses: the most list pages the box serves
   (``list_rps``, and their p50/p99 at saturation).
3. **the trivial view** (``--trivial-seconds`` s): the same users call ``/healthz`` (a trivial
   Django view: the middleware and one ``SELECT 1``) without pauses (``trivial_rps``).

Phases 2 and 3 take turns ``--rounds`` times (a quarter of each, then again), so that their
ratio compares the two under the same conditions of a shared machine.

Traffic goes to 127.0.0.1 only, and stops at ``--requests`` requests whatever the clock says. The
client shares the machine's cores with the server: the figures are what one box does, client
included.

Prints p50/p99 and requests/s per kind, and last one JSON line: households, users, list_p50_ms,
list_p99_ms, list_rps, trivial_rps, errors (and the other kinds). Without PostgreSQL it says why
and exits 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/anju_scale_load"
ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Load-bench-2026"
LIST_KINDS = ("list first", "list filtered", "list search", "list deep", "house list")


@dataclass
class Persona:
    username: str
    role: str
    region: str
    household_ids: list[int]
    names: list[str]
    households: int


@dataclass
class Tally:
    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    requests: int = 0

    def add(self, kind: str, ms: float) -> None:
        self.samples.setdefault(kind, []).append(ms)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _personas(users: int) -> list[Persona]:
    """``users`` load users: 1 in 8 the province officer's role, 2 county, 2 township, 3 village."""
    from argon2 import PasswordHasher  # noqa: F401  (the production hasher must be importable)
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from anju.accounts.models import User, UserRole
    from anju.core.divisions import level_of, prefix_of
    from anju.households.models import Household
    from anju.regions.models import Region

    by_level = {
        level: list(Region.objects.filter(level=level).order_by("code").values_list("code", flat=True))
        for level in (1, 3, 4, 5)
    }
    plan = ["province_officer", "county_officer", "county_officer", "township_officer", "township_officer"]
    plan += ["village_clerk"] * 3
    role_level = {"province_officer": 1, "county_officer": 3, "township_officer": 4, "village_clerk": 5}
    encoded = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    out = []
    for i in range(users):
        role = plan[i % len(plan)]
        codes = by_level[role_level[role]]
        code = codes[(i * 7) % len(codes)]
        username = f"load_{i:03d}"
        user, _ = User.objects.update_or_create(
            username=username, defaults={"region": Region.objects.get(code=code), "password": encoded}
        )
        UserRole.objects.get_or_create(user=user, role=role)
        prefix = prefix_of(code, level_of(code))
        scope = Household.objects.filter(region_code__startswith=prefix)
        rows = list(scope.order_by("?").values_list("pk", "head_name")[:200])
        out.append(Persona(username, role, code, [r[0] for r in rows], [r[1] for r in rows], scope.count()))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(database: str, port: int, workers: int) -> tuple[subprocess.Popen[bytes], Path]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "ANJU_TASKS_BACKEND"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "anju.settings",
        "DATABASE_URL": database,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "ANJU_LOG_LEVEL": "WARNING",
    }
    if not (ROOT / "static_root" / "staticfiles.json").exists():  # as `make serve` does
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
    granian = str(Path(sys.executable).with_name("granian"))
    command = [granian, "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--blocking-threads", "1", "--no-access-log", "anju.wsgi:application"]
    # The server's log goes to a file: a pipe nobody reads fills after ~64 KB of request lines and
    # blocks every worker on its next write.
    log = tempfile.NamedTemporaryFile(prefix="anju-load-", suffix=".log", delete=False)  # noqa: SIM115
    print(f"server log: {log.name}", file=sys.stderr)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), Path(log.name)


def server_errors(log: Path, limit: int = 5) -> list[str]:
    """The server's own account of what went wrong: its error lines (the exception and its
    message, from the JSON log) — what a failed run reports beside the status codes."""
    found: list[str] = []
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return found
    for line in lines:
        if any(word in line for word in ('"ERROR"', '"level": "error"', "Traceback", "Error:", "Exception:")):
            found.append(line.strip()[:800])
            if len(found) >= limit:
                break
    return found


async def _wait_up(base: str, server: subprocess.Popen[bytes]) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(120):
            if server.poll() is not None:
                raise SystemExit("granian exited; its log is named above")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5)
    raise SystemExit("granian did not answer /healthz within 60 s")


async def _login(client: Any, persona: Persona) -> None:
    page = await client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not token:
        raise SystemExit(f"no CSRF token on the login page ({page.status_code}: {page.text[:300]})")
    done = await client.post(
        "/accounts/login/",
        data={"username": persona.username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{client.base_url}accounts/login/"},
    )
    if done.status_code != 302:
        raise SystemExit(f"{persona.username} could not log in ({done.status_code})")


def _walk(persona: Persona, urls: dict[str, str], rnd: random.Random, skip: frozenset[str]) -> list[tuple[str, str]]:
    """One round of what an officer does: (kind, path)."""
    households = urls["households"]
    name = rnd.choice(persona.names) if persona.names else "王"
    pages = max(1, persona.households // 25)
    detail = urls["household"].replace("0", str(rnd.choice(persona.household_ids)), 1) if persona.household_ids else "/"
    after = rnd.choice(persona.household_ids) if persona.household_ids else 0
    walk = [
        ("home", "/"),
        ("list first", households),
        ("list filtered", f"{households}?group=key&structure=brick_wood"),
        ("list search", f"{households}?q={name[:2]}"),
        # Deep in the list as the pager goes there: its 下一页 link carries the last row's key
        # (ADR 0048); past the counted rows (ADR 0051) that is the only way on.
        ("list deep", f"{households}?page={rnd.randint(max(1, pages // 2), pages)}&after={after}"),
        ("detail", detail),
        ("house list", urls["houses"]),
        ("dashboard", urls["dashboard"]),
        ("map points", urls["map_points"]),
    ]
    return [(kind, path) for kind, path in walk if kind not in skip]


async def _user(
    client: Any,
    persona: Persona,
    urls: dict[str, str],
    tally: Tally,
    stop_at: float,
    budget: list[int],
    seed: int,
    skip: frozenset[str],
    think: float = 0.0,
) -> None:
    """One user's walk until ``stop_at``; ``think`` seconds on average between two pages."""
    import httpx

    rnd = random.Random(seed)
    if think:  # users do not all start at the same instant
        await asyncio.sleep(rnd.uniform(0, think))
    while time.monotonic() < stop_at:
        for kind, path in _walk(persona, urls, rnd, skip):
            if time.monotonic() >= stop_at or budget[0] <= 0:
                return
            budget[0] -= 1
            started = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
                if not ok:
                    tally.errors.append(f"{kind} {path} → {response.status_code}")
            except httpx.HTTPError as exc:
                ok = False
                tally.errors.append(f"{kind} {path} → {type(exc).__name__}")
            tally.requests += 1
            if ok:
                tally.add(kind, (time.perf_counter() - started) * 1000)
            if think:
                await asyncio.sleep(min(rnd.uniform(0.5 * think, 1.5 * think), max(0.0, stop_at - time.monotonic())))


async def _warm(client: Any, persona: Persona, urls: dict[str, str], skip: frozenset[str]) -> None:
    for _kind, path in _walk(persona, urls, random.Random(-1), skip):
        await client.get(path)
    await client.get("/healthz")


async def _trivial(clients: list[Any], seconds: float, errors: list[str]) -> int:
    import httpx

    done = [0]
    stop_at = time.monotonic() + seconds

    async def one(client: Any) -> None:
        while time.monotonic() < stop_at:
            try:
                response = await client.get("/healthz")
                if response.status_code == 200:
                    done[0] += 1
                else:
                    errors.append(f"/healthz → {response.status_code}")
            except httpx.HTTPError as exc:
                errors.append(f"/healthz → {type(exc).__name__}")

    await asyncio.gather(*(one(client) for client in clients))
    return done[0]


@dataclass
class Phases:
    walk: Tally
    walk_s: float
    capacity: Tally
    capacity_s: float
    trivial_ok: int
    trivial_errors: list[str]


NOT_LISTS = frozenset({"home", "detail", "dashboard", "map points"})


async def _run(base: str, personas: list[Persona], urls: dict[str, str], args: Any) -> Phases:
    """Log every user in, then the walk, capacity and the trivial view, each timed (ADR 0054)."""
    import httpx

    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.AsyncClient(base_url=base, timeout=120, limits=limits) for _ in personas]
    pairs = list(zip(clients, personas, strict=True))
    try:
        await asyncio.gather(*(_login(c, p) for c, p in pairs))
        # Warm-up, not measured: each user walks the journey once, so that each worker has
        # compiled its templates and opened its connection before the clock runs ("warm", as the
        # single-user figures are). Without it a cold start put ~10 of the walk's first pages
        # at 1–2 s, which is the p99 of ~500 list pages.
        await asyncio.gather(
            *(_warm(c, p, urls, frozenset(k.strip() for k in args.skip.split(",") if k.strip())) for c, p in pairs)
        )
        budget = [args.requests]
        skip = frozenset(k.strip() for k in args.skip.split(",") if k.strip())

        async def phase(seconds: float, skipped: frozenset[str], think: float, turn: int = 0) -> tuple[Tally, float]:
            tally, started = Tally(), time.monotonic()
            if seconds > 0:
                stop_at = started + seconds
                await asyncio.gather(
                    *(
                        _user(c, p, urls, tally, stop_at, budget, seed=1000 * turn + i, skip=skipped, think=think)
                        for i, (c, p) in enumerate(pairs)
                    )
                )
            return tally, max(time.monotonic() - started, 1e-9)

        walk, walk_s = await phase(args.duration, skip, args.think)
        # Capacity and the trivial view take turns, ``--rounds`` times: each ratio compares the
        # two under the same conditions (one 10 s trivial run varied 322–484 req/s on its own).
        capacity, capacity_s = Tally(), 0.0
        trivial_errors: list[str] = []
        trivial_ok = 0
        for turn in range(1, args.rounds + 1):
            part, part_s = await phase(args.capacity_seconds / args.rounds, skip | NOT_LISTS, 0.0, turn)
            capacity.requests += part.requests
            capacity.errors += part.errors
            for kind, samples in part.samples.items():
                capacity.samples.setdefault(kind, []).extend(samples)
            capacity_s += part_s if args.capacity_seconds > 0 else 0.0
            trivial_ok += await _trivial(clients, args.trivial_seconds / args.rounds, trivial_errors)
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return Phases(walk, walk_s, capacity, max(capacity_s, 1e-9), trivial_ok, trivial_errors)


def _urls() -> dict[str, str]:
    from django.urls import reverse

    return {
        "households": reverse("households:household_list"),
        "household": reverse("households:household_detail", args=[0]),
        "houses": reverse("households:house_list"),
        "dashboard": reverse("dashboard:dashboard"),
        "map_points": reverse("dashboard:map_points"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of the walk (a bound)")
    parser.add_argument("--think", type=float, default=2.0, help="seconds a user reads a page, on average (0: none)")
    parser.add_argument("--capacity-seconds", type=float, default=40.0, help="seconds of list pages without pauses")
    parser.add_argument("--requests", type=int, default=40_000, help="requests of the walk and capacity at most")
    parser.add_argument("--trivial-seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=4, help="turns of capacity and the trivial view")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip", default="", help="kinds left out of the walk, comma-separated (e.g. 'home')")
    args = parser.parse_args(argv)
    from bench.lists import open_world

    open_world(args.database, args.households, rebuild=args.rebuild)
    personas = _personas(args.users)
    urls = _urls()
    from django.db import connections

    connections.close_all()  # the server gets the database's connections
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server, log = _serve(args.database, port, args.workers)
    try:
        asyncio.run(_wait_up(base, server))
        phases = asyncio.run(_run(base, personas, urls, args))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    failed = phases.walk.errors or phases.capacity.errors or phases.trivial_errors
    _report(args, personas, phases, server_errors(log) if failed else [])


def _report(args: Any, personas: list[Persona], phases: Phases, logged: list[str]) -> None:
    roles: dict[str, int] = {}
    for p in personas:
        roles[p.role] = roles.get(p.role, 0) + 1
    print(f"{args.households:,} households, {args.users} users {roles}, granian --workers {args.workers}")
    if args.skip:
        print(f"left out of the walk: {args.skip}")
    walk, capacity = phases.walk, phases.capacity
    line: dict[str, Any] = {"households": args.households, "users": args.users, "workers": args.workers}
    line["think_s"] = args.think
    print(
        f"walk ({args.think:g} s to read each page): {walk.requests:,} requests in {phases.walk_s:.1f} s "
        f"({walk.requests / phases.walk_s:.1f} req/s)"
    )
    print(f"{'kind':<16}{'n':>7}{'p50 ms':>10}{'p99 ms':>10}")
    for kind, samples in sorted(walk.samples.items()):
        p50, p99 = percentiles(samples)
        print(f"{kind:<16}{len(samples):>7}{p50:>10.1f}{p99:>10.1f}")
        line[f"{kind.replace(' ', '_')}_p50_ms"] = round(p50, 1)
        line[f"{kind.replace(' ', '_')}_p99_ms"] = round(p99, 1)
    lists = [ms for kind in LIST_KINDS for ms in walk.samples.get(kind, [])]
    list_p50, list_p99 = percentiles(lists) if lists else (float("nan"), float("nan"))
    print(f"lists in the walk: p50 {list_p50:.1f} ms, p99 {list_p99:.1f} ms")
    saturated = [ms for kind in LIST_KINDS for ms in capacity.samples.get(kind, [])]
    sat_p50, sat_p99 = percentiles(saturated) if saturated else (float("nan"), float("nan"))
    list_rps = len(saturated) / phases.capacity_s if args.capacity_seconds > 0 else 0.0
    trivial_rps = phases.trivial_ok / args.trivial_seconds
    print(
        f"capacity (list pages only, no pauses): {list_rps:.1f} list req/s, p50 {sat_p50:.1f} ms, p99 {sat_p99:.1f} ms"
    )
    for kind, samples in sorted(capacity.samples.items()):
        p50, p99 = percentiles(samples)
        print(f"  {kind:<14}{len(samples):>7}{p50:>10.1f}{p99:>10.1f}")
    print(f"trivial view (/healthz): {trivial_rps:.0f} req/s ({len(phases.trivial_errors)} errors)")
    if trivial_rps:
        print(f"list pages ÷ trivial view: {100 * list_rps / trivial_rps:.1f} %")
    errors = walk.errors + capacity.errors + phases.trivial_errors
    for error in errors[:10]:
        print(f"error: {error}")
    for entry in logged:
        print(f"server log: {entry}")
    line |= {
        "requests": walk.requests + capacity.requests,
        "walk_s": round(phases.walk_s, 1),
        "rps": round(walk.requests / phases.walk_s, 1),
        "list_p50_ms": round(list_p50, 1),
        "list_p99_ms": round(list_p99, 1),
        "capacity_s": round(phases.capacity_s, 1) if args.capacity_seconds > 0 else 0.0,
        "rounds": args.rounds,
        "capacity_list_p50_ms": round(sat_p50, 1),
        "capacity_list_p99_ms": round(sat_p99, 1),
        "list_rps": round(list_rps, 1),
        "trivial_rps": round(trivial_rps, 1),
        "list_share_of_trivial": round(list_rps / trivial_rps, 3) if trivial_rps else None,
        "errors": len(errors),
        "error_samples": errors[:5],
        "server_errors": logged,
    }
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
