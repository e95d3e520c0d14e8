"""``make bench-load``: the month-start load and a step test against ``make stack``.

    python bench/load/run.py                 # everything, default (short) settings
    LOAD_USERS_SEEDED=40 LOAD_STEPS=10,20,40,80,120 LOAD_STEP_SECONDS=30 python bench/load/run.py

1. Brings the stack up (``spendwise.ops.stack.up``) unless it already answers; the stack's
   ``STACK_*`` variables choose its directory and ports.
2. Seeds ``LOAD_USERS_SEEDED`` people (``load000@spendwise.local`` …): confirmed Cognito users
   in moto, provisioned like the PostConfirmation Lambda does, each with ``seed_demo``'s year of
   history and this month's budgets (idempotent: existing ones are reused).
3. Runs the month-start scenario (``locustfile.py``) headless for ``LOAD_SCENARIO_SECONDS``.
4. A step test: ``LOAD_STEPS`` simulated users, one Locust run of ``LOAD_STEP_SECONDS`` each
   (statistics reset once every user is spawned), requests/s and p50/p95/p99 per step, until
   errors > 1 % or p99 > 1 s or the last step. The knee is the last step within both limits.
5. The same step test with ``web-2`` stopped (``stack.stop_service``): the capacity of ONE app
   instance; ``web-2`` is started again afterwards.

Locust only ever talks to nginx on 127.0.0.1. Every Locust run is bounded by ``--run-time`` and
a subprocess timeout, the whole run by ``LOAD_TIMEOUT_SECONDS`` (default 1200); the stack is
brought down at the end if this run started it.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PASSWORD = "load-test-2026-Spendwise"  # noqa: S105 - moto users on loopback only
MAX_ERROR_RATE = 0.01
MAX_P99_MS = 1000.0


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_steps() -> list[int]:
    text = os.environ.get("LOAD_STEPS", "10,20,25,30,35,40,50,60")
    return [int(part) for part in text.split(",") if part.strip()]


def email(n: int) -> str:
    return f"load{n:03d}@spendwise.local"


# --- seeding (runs in the app's environment, as ``run.py seed N``) --------------------------


def seed_main(count: int) -> int:
    """N confirmed Cognito users with a provisioned household and a year of history each."""
    sys.path.insert(0, str(ROOT))
    import contextlib

    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction

    from spendwise.households.models import Membership
    from spendwise.identity.actions import provision_user
    from spendwise.ledger.management.commands.seed_demo import add_plans, build_demo
    from spendwise.ledger.models import Transaction
    from spendwise.testing.moto import admin_client

    cognito = admin_client("cognito-idp", settings.AWS_ENDPOINT_URL)
    pool = settings.COGNITO_USER_POOL_ID
    created = 0
    for n in range(count):
        address = email(n)
        with contextlib.suppress(cognito.exceptions.UsernameExistsException):
            cognito.admin_create_user(
                UserPoolId=pool,
                Username=address,
                UserAttributes=[
                    {"Name": "email", "Value": address},
                    {"Name": "email_verified", "Value": "true"},
                ],
                MessageAction="SUPPRESS",
            )
        cognito.admin_set_user_password(
            UserPoolId=pool, Username=address, Password=PASSWORD, Permanent=True
        )
        attributes = cognito.admin_get_user(UserPoolId=pool, Username=address)["UserAttributes"]
        sub = next(a["Value"] for a in attributes if a["Name"] == "sub")
        user = provision_user(email=address, cognito_sub=sub)
        member = Membership.objects.select_related("household", "user").get(user=user)
        if not Transaction.objects.filter(household=member.household).exists():
            with transaction.atomic():
                build_demo(member, end=user.today(), months=12)
                add_plans(member, today=user.today())
            created += 1
    print(json.dumps({"users": count, "seeded_now": created}))
    return 0


# --- Locust runs --------------------------------------------------------------------------------


def cpu_seconds(config: Any, service: str) -> float:
    """CPU time (user + system) used so far by every process of a stack service, the exited
    workers included."""
    from spendwise.ops import stack

    record = stack.StackState.load(config).services.get(service)
    if record is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in stack.session_members(record.pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime + stime, and cutime + cstime: a worker gunicorn recycled (max_requests) and
        # reaped lives on in its master's children's time.
        total += sum(int(value) for value in fields[11:15])
    return total / tick


def proxied_requests(config: Any, since: float, until: float) -> int:
    """Requests nginx passed to an instance between two times (its JSON access log)."""
    from datetime import datetime

    count = 0
    with (config.logs / "nginx-access.log").open() as log:
        for line in log:
            try:
                entry = json.loads(line)
                at = datetime.fromisoformat(entry["time"]).timestamp()
            except (ValueError, KeyError):
                continue
            if since <= at <= until and entry.get("upstream"):
                count += 1
    return count


@dataclass
class Step:
    users: int
    seconds: int
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    cpu_ms_per_request: float = 0.0  # of the measured instance, when one is measured

    @property
    def error_rate(self) -> float:
        return self.failures / self.requests if self.requests else 1.0

    @property
    def within_limits(self) -> bool:
        return self.requests > 0 and self.error_rate <= MAX_ERROR_RATE and self.p99 <= MAX_P99_MS


def run_locust(
    url: str, users_file: Path, users: int, seconds: int, out: Path, *, reset_stats: bool
) -> tuple[Step, list[dict[str, str]]]:
    """One headless Locust run; the aggregated figures and the per-request rows."""
    if not url.startswith("http://127.0.0.1:"):
        raise SystemExit(f"Refusing to load anything but loopback: {url}")
    prefix = out / f"u{users}-{int(time.time())}"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        url,
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 2)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "5",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *(["--reset-stats"] if reset_stats else []),
    ]
    env = {**os.environ, "LOAD_USERS": str(users_file), "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = process.communicate(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        output, _ = process.communicate()
    (out / f"{prefix.name}.log").write_text(output or "")
    with Path(f"{prefix}_stats.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    step = Step(
        users=users,
        seconds=seconds,
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        rps=float(total["Requests/s"]),
        p50=float(total["50%"] or 0),
        p95=float(total["95%"] or 0),
        p99=float(total["99%"] or 0),
    )
    return step, [r for r in rows if r["Name"] != "Aggregated"]


def table(steps: list[Step]) -> str:
    lines = [
        f"{'users':>6} {'requests':>9} {'errors':>7} {'req/s':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7}  within limits"
    ]
    for s in steps:
        lines.append(
            f"{s.users:>6} {s.requests:>9} {s.error_rate:>7.2%} {s.rps:>7.1f} {s.p50:>7.0f} "
            f"{s.p95:>7.0f} {s.p99:>7.0f}  {'yes' if s.within_limits else 'NO'}"
        )
    return "\n".join(lines)


def step_test(
    url: str,
    users_file: Path,
    out: Path,
    steps: list[int],
    seconds: int,
    deadline: float,
    cpu_of: Any = None,
) -> tuple[list[Step], Step | None]:
    """Steps until a limit is crossed, the last step, or the deadline; the knee (the step with
    the most requests/s among those within the limits before the first one that is not)."""
    done: list[Step] = []
    for users in steps:
        if time.monotonic() + seconds + 60 > deadline:
            print(f"  (stopping before {users} users: the overall time limit)")
            break
        began, cpu_before = time.time(), cpu_of() if cpu_of else 0.0
        step, _ = run_locust(url, users_file, users, seconds, out, reset_stats=True)
        if cpu_of is not None:
            used = cpu_of() - cpu_before
            # Whole seconds in the access log: leave a second's margin on each side.
            answered = cpu_of.requests(began - 1, time.time() + 1)
            step.cpu_ms_per_request = 1000 * used / answered if answered else 0.0
        done.append(step)
        print(
            f"  {users:>4} users: {step.rps:6.1f} req/s  p50 {step.p50:.0f}  p95 {step.p95:.0f}"
            f"  p99 {step.p99:.0f} ms  errors {step.error_rate:.2%}"
            + (f"  CPU {step.cpu_ms_per_request:.1f} ms/request" if cpu_of else ""),
            flush=True,
        )
        if not step.within_limits:
            break
    good = [s for s in done if s.within_limits]
    knee = max(good, key=lambda s: s.rps) if good else None
    return done, knee


class _Meter:
    """web-1's CPU seconds, and the requests nginx proxied in a time window."""

    def __init__(self, config: Any) -> None:
        self.config = config

    def __call__(self) -> float:
        return cpu_seconds(self.config, "web-1")

    def requests(self, since: float, until: float) -> int:
        return proxied_requests(self.config, since, until)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from spendwise.ops import stack

    started = time.monotonic()
    deadline = started + _env_int("LOAD_TIMEOUT_SECONDS", 1200)
    seeded = _env_int("LOAD_USERS_SEEDED", 40)
    scenario_seconds = _env_int("LOAD_SCENARIO_SECONDS", 60)
    step_seconds = _env_int("LOAD_STEP_SECONDS", 20)
    steps = _env_steps()
    config = stack.StackConfig.from_env()

    def remaining() -> float:
        return max(1.0, deadline - time.monotonic())

    # A hard stop for everything below, even a hung stack call.
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("overall limit")))
    signal.alarm(int(remaining()) + 1)

    already = all(row.healthy for row in stack.status(config))
    started_here = False
    result: dict[str, Any] = {}
    try:
        if not already:
            print("Starting the stack …", flush=True)
            stack.up(config)
            started_here = True
        url = stack.endpoints(config)["url"]
        print(f"Stack: {url} (started by this run: {started_here})")

        print(f"Seeding {seeded} users with a year of history each …", flush=True)
        aws = stack.StackState.load(config).aws
        began = time.monotonic()
        subprocess.run(
            [sys.executable, __file__, "seed", str(seeded)],
            cwd=ROOT,
            env=stack.app_environment(config, aws),
            check=True,
            timeout=remaining(),
        )
        print(f"  done in {time.monotonic() - began:.0f} s")

        out = Path(tempfile.mkdtemp(prefix="spendwise-load-"))
        users_file = out / "users.json"
        users_file.write_text(
            json.dumps([{"email": email(n), "password": PASSWORD} for n in range(seeded)])
        )

        scenario_users = min(seeded, max(steps[0], 10))
        print(f"\nMonth-start scenario: {scenario_users} users for {scenario_seconds} s")
        total, rows = run_locust(
            url, users_file, scenario_users, scenario_seconds, out, reset_stats=False
        )
        print(f"{'request':<24} {'count':>6} {'fail':>5} {'p50':>5} {'p95':>5} {'p99':>5}")
        for row in rows:
            print(
                f"{row['Name'][:24]:<24} {row['Request Count']:>6} {row['Failure Count']:>5}"
                f" {row['50%']:>5} {row['95%']:>5} {row['99%']:>5}"
            )
        print(table([total]))

        print(f"\nStep test, both instances ({step_seconds} s per step):", flush=True)
        both, knee_both = step_test(url, users_file, out, steps, step_seconds, deadline)
        print(table(both))

        print("\nStep test, ONE instance (web-2 stopped):", flush=True)
        stack.stop_service(config, "web-2")
        try:
            time.sleep(2)
            meter = _Meter(config)
            one, knee_one = step_test(
                url, users_file, out, steps, step_seconds, deadline, cpu_of=meter
            )
        finally:
            stack.start_service(config, "web-2")
        print(table(one))

        for label, knee, done in (("both", knee_both, both), ("one", knee_one, one)):
            if knee is None:
                print(f"knee ({label}): no step within the limits")
            else:
                capped = knee is done[-1] and knee.within_limits
                print(
                    f"knee ({label} instance{'s' if label == 'both' else ''}): {knee.users} users,"
                    f" {knee.rps:.1f} req/s, p99 {knee.p99:.0f} ms"
                    + (" (the last step: a lower bound)" if capped else "")
                )
        if knee_one is not None:
            per_minute = knee_one.rps * 60
            print(
                f"\nCapacity of ONE app instance on this machine: {knee_one.rps:.1f} req/s"
                f" = {per_minute:.0f} req/min; 70 % of it: {0.7 * per_minute:.0f} req/min"
            )
            costs = [s.cpu_ms_per_request for s in one if s.cpu_ms_per_request]
            if costs:
                cost = sorted(costs)[len(costs) // 2]
                print(
                    f"CPU per request (web-1, median of the steps): {cost:.1f} ms"
                    f" -> at most {1000 / cost:.0f} req/s per vCPU"
                )
        result = {
            "scenario": total.__dict__,
            "both": [s.__dict__ for s in both],
            "one": [s.__dict__ for s in one],
            "knee_both": knee_both.__dict__ if knee_both else None,
            "knee_one": knee_one.__dict__ if knee_one else None,
        }
        (out / "result.json").write_text(json.dumps(result, indent=2))
        print(f"\nRaw Locust CSVs and logs: {out}")
    finally:
        signal.alarm(0)
        if started_here:
            print("Stopping the stack this run started …")
            stack.down(config)
    print(f"Took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "seed":
        raise SystemExit(seed_main(int(sys.argv[2])))
    raise SystemExit(main())
