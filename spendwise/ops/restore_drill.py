"""Restore drills: prove that a backup comes back as the same data, and time it.

Two modes (``scripts/restore-drill --help``; docs/runbooks/restore-drill.md):

* ``local`` — ``pg_dump -Fc`` the database (or take the newest dump of a backup directory),
  ``pg_restore`` it into a fresh database on the same server, compare, drop the copy.
* ``aws`` — restore the RDS instance to a point in time (or its newest automated snapshot) into a
  temporary instance ``<id>-drill-<timestamp>``, compare it with the source through the bastion
  tunnel (``scripts/db-tunnel``), and always delete the temporary instance.

Both compare a *fingerprint* of each side, computed by the same SQL in one read-only snapshot:
the exact row count of every table of the ``public`` schema; per account the count and sum of
its transactions' signed minor units; per household a SHA-256 over its transactions ordered by
id, ``(id, amount, currency, date)``; and the rollup's consistency (the SQL twin of
``manage.py rebuild_rollup --check``). The report gives RTO (how long the restore took) and
RPO (how old the newest backup was). Exit status: 0 everything matches, 1 a mismatch, 2 the
drill itself failed (a dump, a restore, a connection, a timeout).

Two helpers for the verification without the bastion: ``verify --restored-host`` runs inside
a one-off ECS task and compares the app's own database with a restored copy (the exit status
is the verdict); ``fingerprint`` writes one database's fingerprint as JSON and ``compare``
compares two such files.

No Django here, except ``verify`` and ``fingerprint --django``, which use the app's own
database settings.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

import psycopg
from botocore.exceptions import ClientError
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

if TYPE_CHECKING:
    from mypy_boto3_rds import RDSClient
    from mypy_boto3_rds.type_defs import DBInstanceTypeDef
    from mypy_boto3_secretsmanager import SecretsManagerClient

__all__ = [
    "AwsDrill",
    "AwsDrillResult",
    "Comparison",
    "Difference",
    "DrillError",
    "Endpoint",
    "Fingerprint",
    "LocalDrillResult",
    "TunnelFingerprinter",
    "compare",
    "drill_instance_id",
    "find_client_program",
    "main",
    "run_local_drill",
    "take_fingerprint",
]

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = "docs/runbooks/restore-drill.md"

# Django's table names for the models the checksums read; a test pins them to the models.
HOUSEHOLD_TABLE = "households_household"
ACCOUNT_TABLE = "ledger_account"
TRANSACTION_TABLE = "ledger_transaction"
DAILY_TABLE = "ledger_dailytotal"
MONTHLY_TABLE = "ledger_accountmonth"

EXIT_OK, EXIT_MISMATCH, EXIT_ERROR = 0, 1, 2
DUMP_SUFFIX = ".dump"
SHOWN_DIFFERENCES = 20

DRILL_TAG_KEY, DRILL_TAG_VALUE = "Purpose", "restore-drill"
# RDS states from which an instance never becomes available on its own.
FAILED_STATES = frozenset(
    {
        "failed",
        "incompatible-restore",
        "incompatible-parameters",
        "incompatible-network",
        "inaccessible-encryption-credentials",
        "restore-error",
        "storage-full",
    }
)


class DrillError(RuntimeError):
    """The drill could not run to its verdict (as opposed to a verdict of "mismatch")."""


def _now() -> datetime:
    return datetime.now(UTC)


# --- fingerprints -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSum:
    """One account: its transactions' count and signed sum (minor units of ``currency``)."""

    household_id: int
    currency: str
    opening_balance: int
    count: int
    total: int

    def __str__(self) -> str:
        return (
            f"{self.count} transactions, sum {self.total} {self.currency}, "
            f"opening {self.opening_balance}"
        )


@dataclass(frozen=True)
class HouseholdSum:
    """One household: count and sum of its transactions' minor units (a checksum that adds
    currencies, not an amount of money) and a SHA-256 over (id, amount, currency, date)."""

    count: int
    total: int
    digest: str

    def __str__(self) -> str:
        return f"{self.count} transactions, checksum {self.total}, sha256 {self.digest[:12]}…"


@dataclass(frozen=True)
class Fingerprint:
    """What a database holds, as far as a restore drill compares it."""

    database: str
    taken_at: datetime
    tables: dict[str, int]
    ledger: bool = False  # the ledger tables exist, so the checksums below mean something
    accounts: dict[int, AccountSum] = field(default_factory=dict)
    households: dict[int, HouseholdSum] = field(default_factory=dict)
    # Household id -> rollup rows (DailyTotal, AccountMonth) that disagree with the transactions.
    rollup_problems: dict[int, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def transactions(self) -> int:
        return sum(h.count for h in self.households.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "taken_at": self.taken_at.isoformat(),
            "tables": self.tables,
            "ledger": self.ledger,
            "accounts": {str(k): asdict(v) for k, v in self.accounts.items()},
            "households": {str(k): asdict(v) for k, v in self.households.items()},
            "rollup_problems": {str(k): v for k, v in self.rollup_problems.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fingerprint:
        return cls(
            database=str(data["database"]),
            taken_at=datetime.fromisoformat(data["taken_at"]),
            tables={str(k): int(v) for k, v in data["tables"].items()},
            ledger=bool(data.get("ledger", False)),
            accounts={int(k): AccountSum(**v) for k, v in data.get("accounts", {}).items()},
            households={int(k): HouseholdSum(**v) for k, v in data.get("households", {}).items()},
            rollup_problems={int(k): int(v) for k, v in data.get("rollup_problems", {}).items()},
        )


_TABLES_SQL = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname
"""
_ACCOUNTS_SQL = f"""
    SELECT a.id, a.household_id, a.currency, a.opening_balance, count(t.id),
           coalesce(sum(t.amount), 0)
    FROM {ACCOUNT_TABLE} a LEFT JOIN {TRANSACTION_TABLE} t ON t.account_id = a.id
    GROUP BY a.id ORDER BY a.id
"""  # noqa: S608 - our own table names, no input
_HOUSEHOLDS_SQL = f"""
    SELECT h.id, count(t.id), coalesce(sum(t.amount), 0),
           encode(sha256(convert_to(coalesce(string_agg(
               t.id::text || ',' || t.amount::text || ',' || t.currency || ',' || t.date::text,
               ';' ORDER BY t.id), ''), 'UTF8')), 'hex')
    FROM {HOUSEHOLD_TABLE} h LEFT JOIN {TRANSACTION_TABLE} t ON t.household_id = h.id
    GROUP BY h.id ORDER BY h.id
"""  # noqa: S608 - our own table names, no input
# rollup.differences() in one statement: rows of either side that the other lacks.
_ROLLUP_SQL = f"""
    WITH expected_daily AS (
        SELECT household_id, date AS day, coalesce(category_id, 0) AS category_key, kind,
               currency, sum(amount) AS total, count(*) AS count
        FROM {TRANSACTION_TABLE} GROUP BY 1, 2, 3, 4, 5
    ), stored_daily AS (
        SELECT household_id, day, category_key, kind, currency, total::numeric,
               count::bigint FROM {DAILY_TABLE}
    ), expected_monthly AS (
        SELECT household_id, account_id, date_trunc('month', date)::date AS month,
               sum(amount) AS total, count(*) AS count
        FROM {TRANSACTION_TABLE} GROUP BY 1, 2, 3
    ), stored_monthly AS (
        SELECT household_id, account_id, month, total::numeric, count::bigint
        FROM {MONTHLY_TABLE}
    ), wrong AS (
        (SELECT household_id FROM (SELECT * FROM expected_daily EXCEPT ALL
                                   SELECT * FROM stored_daily) d)
        UNION ALL (SELECT household_id FROM (SELECT * FROM stored_daily EXCEPT ALL
                                             SELECT * FROM expected_daily) d)
        UNION ALL (SELECT household_id FROM (SELECT * FROM expected_monthly EXCEPT ALL
                                             SELECT * FROM stored_monthly) m)
        UNION ALL (SELECT household_id FROM (SELECT * FROM stored_monthly EXCEPT ALL
                                             SELECT * FROM expected_monthly) m)
    )
    SELECT household_id, count(*) FROM wrong GROUP BY household_id ORDER BY household_id
"""  # noqa: S608 - our own table names, no input


@contextmanager
def read_snapshot(
    conn: psycopg.Connection[Any], *, export: bool = False
) -> Iterator[tuple[datetime, str | None]]:
    """A read-only REPEATABLE READ transaction: every query inside sees one moment.

    Yields the server's clock at that moment and, with ``export``, the snapshot id that
    ``pg_dump --snapshot`` can dump from while the transaction stays open.
    """
    if not conn.autocommit:
        raise DrillError("the fingerprint needs a connection in autocommit mode")
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        query = (
            "SELECT clock_timestamp(), pg_export_snapshot()"
            if export
            else ("SELECT clock_timestamp(), NULL")
        )
        row = conn.execute(query).fetchone()
        if row is None:
            raise DrillError("the server returned no clock")
        yield row[0].astimezone(UTC), row[1]
    finally:
        conn.execute("ROLLBACK")  # read only: nothing to keep


def take_fingerprint(conn: psycopg.Connection[Any]) -> Fingerprint:
    """Fingerprint the database of ``conn`` (autocommit) in one consistent snapshot."""
    with read_snapshot(conn) as (taken_at, _):
        return read_fingerprint(conn, taken_at)


def read_fingerprint(conn: psycopg.Connection[Any], taken_at: datetime) -> Fingerprint:
    """The fingerprint, read inside a transaction the caller holds (``read_snapshot``)."""
    names = [row[0] for row in conn.execute(_TABLES_SQL).fetchall()]
    tables: dict[str, int] = {}
    for name in names:
        counted = conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", name))
        ).fetchone()
        tables[name] = int(counted[0]) if counted else 0
    database = str(conn.info.dbname)
    if not {HOUSEHOLD_TABLE, ACCOUNT_TABLE, TRANSACTION_TABLE} <= set(tables):
        return Fingerprint(database=database, taken_at=taken_at, tables=tables)
    accounts = {
        int(r[0]): AccountSum(int(r[1]), str(r[2]), int(r[3]), int(r[4]), int(r[5]))
        for r in conn.execute(_ACCOUNTS_SQL).fetchall()
    }
    households = {
        int(r[0]): HouseholdSum(int(r[1]), int(r[2]), str(r[3]))
        for r in conn.execute(_HOUSEHOLDS_SQL).fetchall()
    }
    rollup_problems: dict[int, int] = {}
    if {DAILY_TABLE, MONTHLY_TABLE} <= set(tables):
        rollup_problems = {int(r[0]): int(r[1]) for r in conn.execute(_ROLLUP_SQL).fetchall()}
    return Fingerprint(
        database=database,
        taken_at=taken_at,
        tables=tables,
        ledger=True,
        accounts=accounts,
        households=households,
        rollup_problems=rollup_problems,
    )


# --- comparison ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    check: str  # rows | account | household | rollup
    subject: str
    source: str
    restored: str

    def __str__(self) -> str:
        return f"{self.check} {self.subject}: source {self.source}; restored {self.restored}"


@dataclass(frozen=True)
class Comparison:
    """The verdict of one drill: what was checked and what differed."""

    tables_checked: int
    rows: int
    households_checked: int
    accounts_checked: int
    transactions: int
    mismatches: list[Difference]
    drift: list[Difference]  # differences reported but accepted (--allow-drift)
    notes: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def compare(source: Fingerprint, restored: Fingerprint, *, allow_drift: bool = False) -> Comparison:
    """Compare two fingerprints. With ``allow_drift`` (the source kept changing after the
    backup) data differences are reported as drift, and only a restored copy whose rollup
    disagrees with its own transactions fails."""
    differences: list[Difference] = []
    for name in sorted(source.tables.keys() | restored.tables.keys()):
        before, after = source.tables.get(name), restored.tables.get(name)
        if before != after:
            differences.append(
                Difference("rows", name, _rows(before), _rows(after)),
            )
    if source.ledger or restored.ledger:
        for account_id in sorted(source.accounts.keys() | restored.accounts.keys()):
            a, b = source.accounts.get(account_id), restored.accounts.get(account_id)
            if a != b:
                differences.append(
                    Difference("account", str(account_id), _text(a), _text(b)),
                )
        for household_id in sorted(source.households.keys() | restored.households.keys()):
            h, k = source.households.get(household_id), restored.households.get(household_id)
            if h != k:
                differences.append(
                    Difference("household", str(household_id), _text(h), _text(k)),
                )
    rollup: list[Difference] = []
    notes: list[str] = []
    for household_id, wrong in sorted(restored.rollup_problems.items()):
        if source.rollup_problems.get(household_id) == wrong:
            notes.append(
                f"household {household_id}: the source's rollup disagrees with its transactions "
                f"too ({wrong} rows); repair it with `manage.py rebuild_rollup`"
            )
        else:
            rollup.append(
                Difference(
                    "rollup",
                    f"household {household_id}",
                    f"{source.rollup_problems.get(household_id, 0)} rows off",
                    f"{wrong} rows off",
                )
            )
    if allow_drift:
        mismatches, drift = rollup, differences
    else:
        mismatches, drift = differences + rollup, []
    return Comparison(
        tables_checked=len(source.tables.keys() | restored.tables.keys()),
        rows=restored.rows,
        households_checked=len(source.households.keys() | restored.households.keys()),
        accounts_checked=len(source.accounts.keys() | restored.accounts.keys()),
        transactions=restored.transactions,
        mismatches=mismatches,
        drift=drift,
        notes=notes,
    )


def _rows(count: int | None) -> str:
    return "missing" if count is None else f"{count:,} rows"


def _text(value: object | None) -> str:
    return "missing" if value is None else str(value)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _seconds(value: float) -> str:
    return f"{value:,.1f} s"


def comparison_lines(comparison: Comparison) -> list[str]:
    """The verification half of a report, shared by every mode."""
    c = comparison
    lines = [
        f"  tables        {c.tables_checked} checked, {c.rows:,} rows (exact counts)",
        f"  ledger        {_count(c.households_checked, 'household')}, "
        f"{_count(c.accounts_checked, 'account')}, "
        f"{_count(c.transactions, 'transaction')} (sums, counts, sha256 per household)",
        f"  mismatches    {len(c.mismatches)}",
    ]
    for difference in c.mismatches[:SHOWN_DIFFERENCES]:
        lines.append(f"    - {difference}")
    if len(c.mismatches) > SHOWN_DIFFERENCES:
        lines.append(f"    … and {len(c.mismatches) - SHOWN_DIFFERENCES} more")
    if c.drift:
        lines.append(f"  drift         {len(c.drift)} differences accepted (--allow-drift)")
        for difference in c.drift[:SHOWN_DIFFERENCES]:
            lines.append(f"    - {difference}")
    for note in c.notes:
        lines.append(f"  note          {note}")
    return lines


def verdict_line(comparison: Comparison) -> str:
    if comparison.ok:
        return "  result        OK: the restored copy matches the source"
    return (
        f"  result        MISMATCH: {len(comparison.mismatches)} difference(s) between the "
        f"source and the restored copy (see {RUNBOOK})"
    )


# --- local mode ---------------------------------------------------------------------------------


def find_client_program(name: str) -> str:
    """``pg_dump``/``pg_restore`` from the directory of the newest ``initdb`` (the same search
    as spendwise.testing.postgres, so the client is never older than the server), else PATH.

    Imported here, not at the top: the image leaves spendwise/testing/ out (.dockerignore), and
    the runbook's one-off task imports this module there to verify a restored copy.
    """
    directory: Path | None
    try:
        from spendwise.testing.postgres import PostgresError, find_postgres_binaries
    except ImportError:
        directory = None
    else:
        try:
            directory = Path(find_postgres_binaries().initdb).parent
        except PostgresError:
            directory = None
    if directory is not None and os.access(directory / name, os.X_OK):
        return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise DrillError(
            f"{name} not found beside initdb or on PATH: install the PostgreSQL client "
            "(Debian: apt-get install postgresql-client, or scripts/ensure-system-deps)"
        )
    return found


@dataclass(frozen=True)
class Database:
    """A libpq connection target, with its password kept out of command lines."""

    params: dict[str, str]

    @classmethod
    def from_url(cls, url: str) -> Database:
        try:
            params = {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
        except psycopg.ProgrammingError as exc:
            raise DrillError(f"not a PostgreSQL URL or conninfo: {exc}") from exc
        if not params.get("dbname"):
            raise DrillError("the database URL names no database (postgresql://…/NAME)")
        return cls(params)

    @property
    def name(self) -> str:
        return self.params["dbname"]

    def other(self, dbname: str) -> Database:
        return Database({**self.params, "dbname": dbname})

    def conninfo(self, *, with_password: bool = True) -> str:
        params = dict(self.params)
        if not with_password:
            params.pop("password", None)
        return make_conninfo("", **params)

    def url(self) -> str:
        """A postgresql:// URL without the password (for hooks and messages)."""
        host = self.params.get("host", "")
        port = f":{self.params['port']}" if self.params.get("port") else ""
        user = f"{self.params['user']}@" if self.params.get("user") else ""
        return f"postgresql://{user}{host}{port}/{self.name}"

    def client_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if "password" in self.params:
            env["PGPASSWORD"] = self.params["password"]
        return env

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.conninfo(), autocommit=True)


@dataclass(frozen=True)
class LocalDrillResult:
    source: str
    scratch_database: str
    backup: Path
    backup_bytes: int
    backup_temporary: bool
    backup_taken_at: datetime
    jobs: int
    rto_seconds: float
    rpo_seconds: float
    comparison: Comparison
    kept: bool

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.comparison.ok else EXIT_MISMATCH

    def report(self) -> str:
        where = " (a temporary directory, removed)" if self.backup_temporary else ""
        lines = [
            f"restore drill (local): {self.source} -> {self.scratch_database}",
            f"  backup        {self.backup}{where}",
            f"                {_size(self.backup_bytes)}, written "
            f"{self.backup_taken_at:%Y-%m-%d %H:%M:%S} UTC",
            f"  restore       pg_restore -j {self.jobs} into {self.scratch_database}: "
            f"{_seconds(self.rto_seconds)}",
            *comparison_lines(self.comparison),
            f"  RTO           {_seconds(self.rto_seconds)} (create database + pg_restore)",
            f"  RPO           {_seconds(self.rpo_seconds)} (age of the newest backup)",
            f"  scratch       {self.scratch_database} "
            + ("kept (--keep): drop it when done" if self.kept else "dropped"),
            verdict_line(self.comparison),
        ]
        return "\n".join(lines)


def _size(count: int) -> str:
    size, unit = float(count), "bytes"
    for larger in ("KiB", "MiB", "GiB"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    return f"{count:,} bytes" if unit == "bytes" else f"{size:,.1f} {unit}"


def run_local_drill(
    database_url: str,
    *,
    backup_dir: Path | None = None,
    use_latest: bool = False,
    keep: bool = False,
    jobs: int | None = None,
    allow_drift: bool = False,
    after_restore: Callable[[str], None] | None = None,
    log: TextIO = sys.stderr,
    clock: Callable[[], datetime] = _now,
) -> LocalDrillResult:
    """Dump (or take the newest dump), restore into a fresh database, compare, drop the copy.

    ``after_restore`` is called with the restored database's libpq conninfo before it is
    fingerprinted: the tests change the copy there to prove that the drill notices.
    """
    source = Database.from_url(database_url)
    if use_latest and backup_dir is None:
        raise DrillError("--use-latest needs --backup-dir (where the dumps are)")
    pg_dump, pg_restore = find_client_program("pg_dump"), find_client_program("pg_restore")
    temporary_dir = None
    if backup_dir is None:
        temporary_dir = Path(tempfile.mkdtemp(prefix="spendwise-restore-drill-"))
        backup_dir = temporary_dir
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
        if use_latest:
            backup = newest_dump(backup_dir)
            print(f"restore-drill: using the newest dump, {backup}", file=log)
        with source.connect() as conn:
            if use_latest:
                source_print = take_fingerprint(conn)
            else:
                backup, source_print = _dump(pg_dump, source, conn, backup_dir, clock(), log)
        backup_stat = backup.stat()
        backup_taken_at = datetime.fromtimestamp(backup_stat.st_mtime, UTC)
        rpo = max(0.0, (clock() - backup_taken_at).total_seconds())
        jobs = jobs or min(4, os.cpu_count() or 1)

        scratch = source.other(_scratch_name(source.name, clock()))
        started = time.monotonic()
        _create_database(source, scratch.name)
        try:
            _restore(pg_restore, backup, scratch, jobs, log)
            rto = time.monotonic() - started
            if after_restore is not None:
                after_restore(scratch.conninfo())
            with scratch.connect() as conn:
                restored_print = take_fingerprint(conn)
        finally:
            if not keep:
                _drop_database(source, scratch.name)
        return LocalDrillResult(
            source=source.url(),
            scratch_database=scratch.name,
            backup=backup,
            backup_bytes=backup_stat.st_size,
            backup_temporary=temporary_dir is not None,
            backup_taken_at=backup_taken_at,
            jobs=jobs,
            rto_seconds=rto,
            rpo_seconds=rpo,
            comparison=compare(source_print, restored_print, allow_drift=allow_drift),
            kept=keep,
        )
    finally:
        if temporary_dir is not None:
            shutil.rmtree(temporary_dir, ignore_errors=True)


def newest_dump(backup_dir: Path) -> Path:
    """The most recently written ``*.dump`` in ``backup_dir``."""
    dumps = [p for p in backup_dir.glob(f"*{DUMP_SUFFIX}") if p.is_file()]
    if not dumps:
        raise DrillError(f"no *{DUMP_SUFFIX} file in {backup_dir}")
    return max(dumps, key=lambda p: (p.stat().st_mtime, p.name))


def _dump(
    pg_dump: str,
    source: Database,
    conn: psycopg.Connection[Any],
    backup_dir: Path,
    at: datetime,
    log: TextIO,
) -> tuple[Path, Fingerprint]:
    """pg_dump from the very snapshot the source is fingerprinted in, so a database that keeps
    changing still compares exactly with its dump."""
    target = backup_dir / f"{source.name}-{at:%Y%m%dT%H%M%SZ}{DUMP_SUFFIX}"
    partial = target.with_name(target.name + ".partial")  # never picked by --use-latest
    with read_snapshot(conn, export=True) as (taken_at, snapshot):
        fingerprint = read_fingerprint(conn, taken_at)
        print(f"restore-drill: pg_dump {source.url()} -> {target}", file=log)
        _run(
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={partial}",
                f"--dbname={source.conninfo(with_password=False)}",
            ],
            "pg_dump",
            source.client_env(),
        )
    partial.rename(target)
    return target, fingerprint


def _restore(pg_restore: str, backup: Path, scratch: Database, jobs: int, log: TextIO) -> None:
    print(f"restore-drill: pg_restore -j {jobs} {backup} -> {scratch.name}", file=log)
    _run(
        [
            pg_restore,
            # The copy belongs to whoever runs the drill: the source's roles and grants need
            # not exist where it is restored.
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--jobs={jobs}",
            f"--dbname={scratch.conninfo(with_password=False)}",
            str(backup),
        ],
        "pg_restore",
        scratch.client_env(),
    )


def _run(command: list[str], what: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip() or "(no output)"
        raise DrillError(f"{what} failed with exit status {result.returncode}:\n{output}")


def _scratch_name(source_name: str, at: datetime) -> str:
    suffix = f"_drill_{at:%Y%m%d%H%M%S}"
    return source_name[: 63 - len(suffix)] + suffix


def _maintenance(source: Database) -> psycopg.Connection[Any]:
    return source.other("postgres").connect()


def _create_database(source: Database, name: str) -> None:
    with _maintenance(source) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))


def _drop_database(source: Database, name: str) -> None:
    with _maintenance(source) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# --- aws mode -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """Where a database answers, and the RDS-managed secret that logs in to it."""

    instance_id: str
    host: str
    port: int
    database: str
    secret_arn: str | None

    @classmethod
    def of(cls, instance: DBInstanceTypeDef, database: str) -> Endpoint:
        endpoint = instance.get("Endpoint") or {}
        secret = instance.get("MasterUserSecret") or {}
        return cls(
            instance_id=instance["DBInstanceIdentifier"],
            host=str(endpoint.get("Address", "")),
            port=int(endpoint.get("Port", 5432)),
            database=database,
            secret_arn=secret.get("SecretArn"),
        )


FingerprintEndpoint = Callable[[Endpoint], Fingerprint]


def drill_instance_id(source_id: str, at: datetime) -> str:
    """``<source>-drill-<UTC timestamp>``, within RDS's 63 characters."""
    suffix = f"-drill-{at:%Y%m%d%H%M%S}"
    return source_id[: 63 - len(suffix)].rstrip("-") + suffix


@dataclass
class AwsDrillResult:
    source_id: str
    target_id: str
    restore_from: str
    restore_point: datetime | None
    rpo_seconds: float
    available_seconds: float = 0.0
    verify_seconds: float = 0.0
    comparison: Comparison | None = None
    error: str | None = None
    cleanup: str = "not needed: nothing was created"
    cleanup_ok: bool = True

    @property
    def rto_seconds(self) -> float:
        return self.available_seconds + self.verify_seconds

    @property
    def exit_code(self) -> int:
        if self.error is not None or not self.cleanup_ok or self.comparison is None:
            return EXIT_ERROR
        return EXIT_OK if self.comparison.ok else EXIT_MISMATCH

    def report(self) -> str:
        point = f"{self.restore_point:%Y-%m-%d %H:%M:%S} UTC" if self.restore_point else "(none)"
        lines = [
            f"restore drill (aws): {self.source_id} -> {self.target_id}",
            f"  restore from  {self.restore_from}, data as of {point}",
            f"  available     {_seconds(self.available_seconds)} after the restore call",
            f"  verification  {_seconds(self.verify_seconds)}",
        ]
        if self.comparison is not None:
            lines.extend(comparison_lines(self.comparison))
        lines += [
            f"  RTO           {_seconds(self.rto_seconds)} (until available + verification)",
            f"  RPO           {_seconds(self.rpo_seconds)} (now - LatestRestorableTime)",
            f"  cleanup       {self.cleanup}",
        ]
        if self.error is not None:
            lines.append(f"  result        FAILED: {self.error}")
        elif not self.cleanup_ok:
            lines.append("  result        FAILED: the temporary instance could not be deleted")
        elif self.comparison is not None:
            lines.append(verdict_line(self.comparison))
        return "\n".join(lines)


class AwsDrill:
    """Restore an RDS instance into a temporary one, compare, and always delete it again.

    ``fingerprint`` reaches a database by its endpoint; the drill calls it for the source
    before it restores anything, then for the restored instance. ``clock``, ``sleep`` and
    ``poll_seconds`` let tests run the waits instantly.
    """

    def __init__(
        self,
        rds: RDSClient,
        *,
        fingerprint: FingerprintEndpoint,
        available_timeout: float = 3600,
        restorable_timeout: float = 900,
        delete_timeout: float = 1800,
        poll_seconds: float = 30,
        clock: Callable[[], datetime] = _now,
        sleep: Callable[[float], None] = time.sleep,
        log: TextIO = sys.stderr,
    ) -> None:
        self.rds = rds
        self.fingerprint = fingerprint
        self.available_timeout = available_timeout
        self.restorable_timeout = restorable_timeout
        self.delete_timeout = delete_timeout
        self.poll_seconds = poll_seconds
        self.clock = clock
        self.sleep = sleep
        self.log = log

    def run(
        self,
        source_id: str,
        *,
        point_in_time: datetime | None = None,
        latest_snapshot: bool = False,
        allow_drift: bool = False,
    ) -> AwsDrillResult:
        if point_in_time is not None and latest_snapshot:
            raise DrillError("give --point-in-time or --latest-snapshot, not both")
        started = self.clock()
        source = self._describe(source_id)
        if source is None:
            raise DrillError(f"no RDS instance {source_id!r} in this account and region")
        if source.get("DBInstanceStatus") != "available":
            raise DrillError(f"{source_id} is {source.get('DBInstanceStatus')!r}, not available")
        if not source.get("BackupRetentionPeriod"):
            raise DrillError(f"{source_id} has no automated backups (BackupRetentionPeriod 0)")
        latest = source.get("LatestRestorableTime")
        rpo = max(0.0, (started - latest).total_seconds()) if latest else float("nan")
        database = source.get("DBName") or "postgres"
        target_id = drill_instance_id(source_id, started)
        result = AwsDrillResult(
            source_id=source_id,
            target_id=target_id,
            restore_from="",
            restore_point=None,
            rpo_seconds=rpo,
        )

        self._say(f"fingerprinting the source {source_id}")
        try:
            source_print = self.fingerprint(Endpoint.of(source, database))
        except Exception as exc:
            result.error = f"could not fingerprint the source: {exc}"
            return result

        options = self._restore_options(source, source_id)
        # Whether the temporary instance may exist: a refused restore call creates nothing
        # (and must not delete a namesake), a call whose answer was lost may have.
        created = False
        maybe_created = False
        try:
            if latest_snapshot:
                snapshot = self._newest_automated_snapshot(source_id)
                result.restore_from = f"automated snapshot {snapshot['DBSnapshotIdentifier']}"
                result.restore_point = snapshot.get("SnapshotCreateTime")
                restore: Callable[[], object] = partial(
                    self.rds.restore_db_instance_from_db_snapshot,
                    DBInstanceIdentifier=target_id,
                    DBSnapshotIdentifier=snapshot["DBSnapshotIdentifier"],
                    **options,
                )
            else:
                if point_in_time is None:
                    # The moment the source was fingerprinted, once it is restorable: the
                    # newest point there is, and the one the fingerprint describes (up to the
                    # microseconds between its snapshot and its clock reading).
                    point_in_time = source_print.taken_at
                    result.restore_from = "point in time (the source fingerprint's moment)"
                    self._wait_restorable(source_id, point_in_time)
                else:
                    result.restore_from = "point in time (--point-in-time)"
                result.restore_point = point_in_time
                restore = partial(
                    self.rds.restore_db_instance_to_point_in_time,
                    SourceDBInstanceIdentifier=source_id,
                    TargetDBInstanceIdentifier=target_id,
                    RestoreTime=point_in_time,
                    **options,
                )
            self._say(f"restoring {source_id} ({result.restore_from}) into {target_id}")
            restore_started = time.monotonic()  # RTO counts from here, not from the waits before
            try:
                restore()
            except ClientError:
                raise
            except BaseException:
                maybe_created = True
                raise
            created = True
            self._wait_available(target_id)
            # A restored instance does not manage its master password (RDS restores keep the
            # old one, unmanaged): have RDS create a secret for the copy, and make sure that
            # nothing (a copied flag) can keep the copy from being deleted.
            secret_key: dict[str, Any] = {}
            if kms_key := (source.get("MasterUserSecret") or {}).get("KmsKeyId"):
                secret_key["MasterUserSecretKmsKeyId"] = kms_key  # the source's secret's key
            self.rds.modify_db_instance(
                DBInstanceIdentifier=target_id,
                ManageMasterUserPassword=True,
                DeletionProtection=False,
                ApplyImmediately=True,
                **secret_key,
            )
            restored = self._wait_available(target_id, secret_active=True)
            result.available_seconds = time.monotonic() - restore_started

            verify_started = time.monotonic()
            self._say(f"fingerprinting the restored copy {target_id}")
            restored_print = self.fingerprint(Endpoint.of(restored, database))
            result.comparison = compare(source_print, restored_print, allow_drift=allow_drift)
            result.verify_seconds = time.monotonic() - verify_started
        except Exception as exc:
            result.error = str(exc) or type(exc).__name__
        finally:
            if created or (maybe_created and self._is_drill_instance(target_id)):
                result.cleanup_ok, result.cleanup = self.delete_drill_instance(target_id)
                self._say(f"cleanup: {result.cleanup}")
        return result

    # --- steps ----------------------------------------------------------------------------------

    def _restore_options(self, source: DBInstanceTypeDef, source_id: str) -> dict[str, Any]:
        """Where the copy lives: the source's subnets, security groups (so the bastion and the
        app tasks reach it) and parameter group (TLS only); private, unprotected, single-AZ."""
        subnet_group = (source.get("DBSubnetGroup") or {}).get("DBSubnetGroupName")
        groups = [g["VpcSecurityGroupId"] for g in source.get("VpcSecurityGroups", [])]
        parameter_groups = [p["DBParameterGroupName"] for p in source.get("DBParameterGroups", [])]
        options: dict[str, Any] = {
            "DBInstanceClass": source["DBInstanceClass"],
            "VpcSecurityGroupIds": groups,
            "PubliclyAccessible": False,
            "DeletionProtection": False,
            "MultiAZ": False,
            "AutoMinorVersionUpgrade": False,
            "CopyTagsToSnapshot": False,
            "Tags": [
                {"Key": DRILL_TAG_KEY, "Value": DRILL_TAG_VALUE},
                {"Key": "RestoreDrillSource", "Value": source_id},
            ],
        }
        if subnet_group:
            options["DBSubnetGroupName"] = subnet_group
        if parameter_groups:
            options["DBParameterGroupName"] = parameter_groups[0]
        return options

    def _newest_automated_snapshot(self, source_id: str) -> Any:
        paginator = self.rds.get_paginator("describe_db_snapshots")
        snapshots = [
            snapshot
            for page in paginator.paginate(DBInstanceIdentifier=source_id, SnapshotType="automated")
            for snapshot in page.get("DBSnapshots", [])
            if snapshot.get("Status") == "available" and snapshot.get("SnapshotCreateTime")
        ]
        if not snapshots:
            raise DrillError(f"{source_id} has no available automated snapshot")
        return max(snapshots, key=lambda s: s["SnapshotCreateTime"])

    def _wait_restorable(self, source_id: str, point: datetime) -> None:
        deadline = time.monotonic() + self.restorable_timeout
        while True:
            source = self._describe(source_id)
            latest = source.get("LatestRestorableTime") if source else None
            if latest is not None and latest >= point:
                return
            if time.monotonic() >= deadline:
                raise DrillError(
                    f"{source_id}'s LatestRestorableTime ({latest}) did not reach "
                    f"{point:%Y-%m-%d %H:%M:%S} UTC within {self.restorable_timeout:g} s"
                )
            self._say("waiting for the fingerprint's moment to become restorable")
            self.sleep(self.poll_seconds)

    def _wait_available(self, target_id: str, *, secret_active: bool = False) -> DBInstanceTypeDef:
        deadline = time.monotonic() + self.available_timeout
        while True:
            instance = self._describe(target_id)
            status = instance.get("DBInstanceStatus") if instance else None
            if status in FAILED_STATES:
                raise DrillError(f"{target_id} went to status {status!r}")
            secret = (instance or {}).get("MasterUserSecret") or {}
            ready = status == "available" and (
                not secret_active or secret.get("SecretStatus") == "active"
            )
            if instance is not None and ready:
                return instance
            if time.monotonic() >= deadline:
                raise DrillError(
                    f"{target_id} was not available within {self.available_timeout:g} s "
                    f"(status {status!r})"
                )
            self._say(f"{target_id}: {status}")
            self.sleep(self.poll_seconds)

    def _describe(self, instance_id: str) -> DBInstanceTypeDef | None:
        try:
            found = self.rds.describe_db_instances(DBInstanceIdentifier=instance_id)
        except self.rds.exceptions.DBInstanceNotFoundFault:
            return None
        instances = found.get("DBInstances", [])
        return instances[0] if instances else None

    def _is_drill_instance(self, instance_id: str) -> bool:
        instance = self._describe(instance_id)
        return instance is not None and _tagged_as_drill(instance)

    def delete_drill_instance(self, target_id: str) -> tuple[bool, str]:
        """Delete the temporary instance (no final snapshot, no retained automated backups)
        and confirm that it is gone or deleting. Refuses anything not made by a drill."""
        if "-drill-" not in target_id:
            return False, f"refused to delete {target_id}: not a drill instance"
        deadline = time.monotonic() + self.delete_timeout
        while True:
            instance = self._describe(target_id)
            if instance is None:
                return True, f"{target_id} deleted"
            if not _tagged_as_drill(instance):
                return False, f"refused to delete {target_id}: no {DRILL_TAG_KEY} tag"
            if instance.get("DBInstanceStatus") == "deleting":
                return True, f"{target_id} is deleting (no final snapshot, no backups kept)"
            try:
                if instance.get("DeletionProtection"):
                    self.rds.modify_db_instance(
                        DBInstanceIdentifier=target_id,
                        DeletionProtection=False,
                        ApplyImmediately=True,
                    )
                self.rds.delete_db_instance(
                    DBInstanceIdentifier=target_id,
                    SkipFinalSnapshot=True,
                    DeleteAutomatedBackups=True,
                )
            except self.rds.exceptions.DBInstanceNotFoundFault:
                return True, f"{target_id} deleted"
            except self.rds.exceptions.InvalidDBInstanceStateFault as exc:
                # E.g. still creating or modifying: RDS accepts the delete a little later.
                if time.monotonic() >= deadline:
                    return False, _delete_by_hand(target_id, str(exc))
                self._say(f"{target_id} cannot be deleted yet; retrying")
                self.sleep(self.poll_seconds)
                continue
            except Exception as exc:
                return False, _delete_by_hand(target_id, str(exc))
            # Loop once more: confirm the state RDS now reports.

    def _say(self, message: str) -> None:
        print(f"restore-drill: {message}", file=self.log, flush=True)


def _tagged_as_drill(instance: DBInstanceTypeDef) -> bool:
    tags = instance.get("TagList")
    if tags is None:  # describe returned no tags at all: rely on the name check
        return True
    return any(t.get("Key") == DRILL_TAG_KEY and t.get("Value") == DRILL_TAG_VALUE for t in tags)


def _delete_by_hand(target_id: str, reason: str) -> str:
    return (
        f"COULD NOT DELETE {target_id} ({reason}); it costs money until deleted: "
        f"aws rds delete-db-instance --db-instance-identifier {target_id} "
        "--skip-final-snapshot --delete-automated-backups"
    )


class TunnelFingerprinter:
    """Fingerprint an RDS database through the bastion: ``scripts/db-tunnel`` forwards a free
    local port to the endpoint, the password comes from the endpoint's RDS-managed secret."""

    def __init__(
        self,
        *,
        bastion_id: str,
        secrets: SecretsManagerClient,
        region: str | None = None,
        tunnel_program: Sequence[str] = (str(ROOT / "scripts" / "db-tunnel"),),
        sslmode: str = "require",
        open_timeout: float = 60,
    ) -> None:
        self.bastion_id = bastion_id
        self.secrets = secrets
        self.region = region
        self.tunnel_program = list(tunnel_program)
        self.sslmode = sslmode
        self.open_timeout = open_timeout

    def __call__(self, endpoint: Endpoint) -> Fingerprint:
        if not endpoint.host:
            raise DrillError(f"{endpoint.instance_id} has no endpoint address yet")
        if not endpoint.secret_arn:
            raise DrillError(f"{endpoint.instance_id} has no RDS-managed master secret")
        secret = json.loads(
            self.secrets.get_secret_value(SecretId=endpoint.secret_arn)["SecretString"]
        )
        with (
            self.tunnel(endpoint) as port,
            psycopg.connect(
                host="127.0.0.1",
                port=port,
                dbname=endpoint.database,
                user=secret["username"],
                password=secret["password"],
                sslmode=self.sslmode,
                connect_timeout=15,
                autocommit=True,
            ) as conn,
        ):
            return take_fingerprint(conn)

    @contextmanager
    def tunnel(self, endpoint: Endpoint) -> Iterator[int]:
        """Run the tunnel program until the local port answers; stop it (its whole process
        group: the AWS CLI and the Session Manager plugin) afterwards."""
        port = _free_port()
        command = [
            *self.tunnel_program,
            "--instance-id",
            self.bastion_id,
            "--db-host",
            endpoint.host,
            "--db-port",
            str(endpoint.port),
            "--local-port",
            str(port),
        ]
        if self.region:
            command += ["--region", self.region]
        with tempfile.TemporaryFile(mode="w+") as output:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                deadline = time.monotonic() + self.open_timeout
                while not _port_answers(port):
                    if process.poll() is not None or time.monotonic() >= deadline:
                        output.seek(0)
                        said = output.read().strip() or "(no output)"
                        raise DrillError(
                            f"the tunnel to {endpoint.instance_id} did not open "
                            f"(exit status {process.poll()}):\n{said}"
                        )
                    time.sleep(0.2)
                yield port
            finally:
                _stop_process_group(process)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _stop_process_group(process: subprocess.Popen[Any]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- command line -------------------------------------------------------------------------------


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time (e.g. 2026-11-27T04:30:00Z)"
        ) from exc
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone: add Z or +00:00")
    return value.astimezone(UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/restore-drill",
        description=(
            "Restore a backup into a fresh database and prove it holds the same data: exact "
            "row counts of every public table, per-account and per-household balance "
            "checksums, rollup consistency. Prints RTO and RPO. Exit status 0: match, "
            f"1: mismatch, 2: the drill failed. Runbook: {RUNBOOK}."
        ),
    )
    modes = parser.add_subparsers(dest="mode", required=True, metavar="MODE")

    local = modes.add_parser(
        "local",
        help="pg_dump -> pg_restore into a fresh database on the same server -> verify",
        description="pg_dump -Fc the database (or use the newest dump with --use-latest), "
        "restore it into a fresh database on the same server, verify, drop it.",
    )
    local.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="postgresql://user@host:port/name of the source (default: $DATABASE_URL)",
    )
    local.add_argument(
        "--backup-dir",
        type=Path,
        help="where dumps are written and found (default: a temporary directory, removed after)",
    )
    local.add_argument(
        "--use-latest",
        action="store_true",
        help="restore the newest *.dump in --backup-dir instead of dumping now",
    )
    local.add_argument("--keep", action="store_true", help="keep the restored database")
    local.add_argument("--jobs", "-j", type=int, help="pg_restore jobs (default: up to 4)")
    _add_allow_drift(local)

    aws = modes.add_parser(
        "aws",
        help="RDS point-in-time (or snapshot) restore into a temporary instance -> verify -> "
        "delete it",
        description="Restore the RDS instance into <id>-drill-<timestamp>, verify it against "
        "the source through the bastion, and always delete it.",
    )
    aws.add_argument("--db-instance-id", required=True, help="the source RDS instance")
    when = aws.add_mutually_exclusive_group()
    when.add_argument(
        "--point-in-time",
        type=_parse_time,
        help="restore to this UTC time (ISO 8601). Default: the moment the source is "
        "fingerprinted, as soon as RDS can restore it (the latest restorable time)",
    )
    when.add_argument(
        "--latest-snapshot",
        action="store_true",
        help="restore the newest automated snapshot instead",
    )
    aws.add_argument(
        "--verify-via",
        choices=("tunnel", "task"),
        default="tunnel",
        help="tunnel: through the bastion with scripts/db-tunnel (default); task: a one-off "
        f"ECS task, by hand (see {RUNBOOK})",
    )
    aws.add_argument(
        "--bastion-id", help="bastion instance id (terraform output bastion_instance_id)"
    )
    aws.add_argument("--region", help="AWS region (default: the AWS CLI's)")
    aws.add_argument(
        "--available-timeout",
        type=float,
        default=3600,
        help="seconds to wait for the restored instance (default: %(default)g)",
    )
    aws.add_argument(
        "--sslmode", default="require", help="libpq sslmode through the tunnel (default: require)"
    )
    _add_allow_drift(aws)

    fingerprint = modes.add_parser(
        "fingerprint",
        help="print one database's fingerprint as JSON (for the task path and `compare`)",
    )
    target = fingerprint.add_mutually_exclusive_group(required=True)
    target.add_argument("--database-url", help="postgresql://… of the database")
    target.add_argument(
        "--django", action="store_true", help="the app's own database (DB_* / DATABASE_URL)"
    )
    fingerprint.add_argument("--output", type=Path, help="write here instead of stdout")

    verify = modes.add_parser(
        "verify",
        help="inside a one-off ECS task: compare the app's database with a restored copy",
        description="Fingerprint the app's own database (its DB_* settings) and the restored "
        "copy at --restored-host with the same user and password, compare, print the report; "
        "the exit status is the verdict. For --verify-via task (" + RUNBOOK + ").",
    )
    verify.add_argument("--restored-host", required=True, help="the restored instance's address")
    verify.add_argument(
        "--restored-database", help="database name in the copy (default: the app's)"
    )
    _add_allow_drift(verify)

    compare_parser = modes.add_parser(
        "compare", help="compare two fingerprint files: the source's and the restored copy's"
    )
    compare_parser.add_argument("source", type=Path)
    compare_parser.add_argument("restored", type=Path)
    _add_allow_drift(compare_parser)
    return parser


def _add_allow_drift(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-drift",
        action="store_true",
        help="the source kept changing after the backup: report data differences as drift, "
        "fail only on a restored copy that is inconsistent in itself",
    )


def main(
    argv: Sequence[str] | None = None, *, after_restore: Callable[[str], None] | None = None
) -> int:
    """The command line; ``after_restore`` is ``run_local_drill``'s hook (tests tamper there)."""
    args = _parser().parse_args(argv)
    try:
        if args.mode == "local":
            return _main_local(args, after_restore)
        if args.mode == "aws":
            return _main_aws(args)
        if args.mode == "fingerprint":
            return _main_fingerprint(args)
        if args.mode == "verify":
            return _main_verify(args)
        return _main_compare(args)
    except DrillError as exc:
        print(f"restore-drill: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _main_local(
    args: argparse.Namespace, after_restore: Callable[[str], None] | None = None
) -> int:
    if not args.database_url:
        raise DrillError("give --database-url postgresql://… (or set DATABASE_URL)")
    try:
        result = run_local_drill(
            args.database_url,
            backup_dir=args.backup_dir,
            use_latest=args.use_latest,
            keep=args.keep,
            jobs=args.jobs,
            allow_drift=args.allow_drift,
            after_restore=after_restore,
        )
    except psycopg.Error as exc:
        raise DrillError(f"database error: {exc}") from exc
    print(result.report())
    return result.exit_code


def _main_aws(args: argparse.Namespace) -> int:
    if args.verify_via == "task":
        raise DrillError(
            "--verify-via task is a manual procedure: restore with the AWS CLI, run "
            "`restore-drill verify --restored-host …` as a one-off ECS task, delete the copy "
            f"({RUNBOOK}, 'Verify through a one-off ECS task'). Nothing was created."
        )
    if not args.bastion_id:
        raise DrillError(
            "--verify-via tunnel needs --bastion-id (enable_bastion = true, then "
            "`terraform output -raw bastion_instance_id`)"
        )
    import boto3  # only the aws mode needs it

    session = boto3.session.Session(region_name=args.region)
    drill = AwsDrill(
        session.client("rds"),
        fingerprint=TunnelFingerprinter(
            bastion_id=args.bastion_id,
            secrets=session.client("secretsmanager"),
            region=session.region_name,
            sslmode=args.sslmode,
        ),
        available_timeout=args.available_timeout,
    )
    # SIGTERM (a CI job cancelled) unwinds like Ctrl-C, so the temporary instance is deleted.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        result = drill.run(
            args.db_instance_id,
            point_in_time=args.point_in_time,
            latest_snapshot=args.latest_snapshot,
            allow_drift=args.allow_drift,
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(result.report())
    return result.exit_code


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _main_fingerprint(args: argparse.Namespace) -> int:
    if args.django:
        fingerprint = _django_fingerprint()
    else:
        with Database.from_url(args.database_url).connect() as conn:
            fingerprint = take_fingerprint(conn)
    text = json.dumps(fingerprint.to_json(), indent=1, sort_keys=True)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return EXIT_OK


def _django_connection() -> Any:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spendwise.settings")
    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise DrillError(f"the app's database is {connection.vendor}, not PostgreSQL")
    connection.ensure_connection()
    return connection


def _django_fingerprint() -> Fingerprint:
    raw: psycopg.Connection[Any] = _django_connection().connection
    return take_fingerprint(raw)


def _main_verify(args: argparse.Namespace) -> int:
    connection = _django_connection()
    source_print = take_fingerprint(connection.connection)
    # The app's own connection settings (the password read from DB_SECRET_ARN included),
    # pointed at the copy: a restored instance keeps the source's master password.
    params = {**connection.get_connection_params(), "host": args.restored_host}
    if args.restored_database:
        params["dbname"] = args.restored_database
    try:
        with psycopg.connect(**params, autocommit=True) as copy:
            restored_print = take_fingerprint(copy)
    except psycopg.Error as exc:
        raise DrillError(f"could not read the copy at {args.restored_host}: {exc}") from exc
    comparison = compare(source_print, restored_print, allow_drift=args.allow_drift)
    print(f"restore drill (verify): {source_print.database} -> {args.restored_host}")
    print("\n".join([*comparison_lines(comparison), verdict_line(comparison)]))
    return EXIT_OK if comparison.ok else EXIT_MISMATCH


def _main_compare(args: argparse.Namespace) -> int:
    prints = []
    for path in (args.source, args.restored):
        try:
            prints.append(Fingerprint.from_json(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DrillError(f"{path} is not a fingerprint file: {exc}") from exc
    comparison = compare(prints[0], prints[1], allow_drift=args.allow_drift)
    print(f"restore drill (compare): {args.source} ({prints[0].database}) -> {args.restored}")
    print("\n".join([*comparison_lines(comparison), verdict_line(comparison)]))
    return EXIT_OK if comparison.ok else EXIT_MISMATCH


if __name__ == "__main__":
    sys.exit(main())
