"""The restore drill (scripts/restore-drill), against PostgreSQL and, for the AWS calls, moto.

Local mode runs for real: pg_dump of the test database full of demo data, pg_restore into a
fresh database on the same server, the comparison, the scratch database dropped.

AWS mode talks to moto's RDS (mock_aws): it checks the API calls, the temporary instance's
name, placement and tags, and that the instance is deleted whatever happens. moto has no
database engine behind its instances, so the drill's verification step is injected: the source
"instance" is fingerprinted from the test database and the restored one from a copy restored
locally with pg_restore, which is what the bastion tunnel reaches in a real account.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg.conninfo import make_conninfo

from spendwise.households.models import Household
from spendwise.ledger.models import Account as LedgerAccount
from spendwise.ledger.models import AccountMonth, DailyTotal
from spendwise.ledger.models import Transaction as LedgerTransaction
from spendwise.ops import restore_drill
from spendwise.ops.restore_drill import (
    AccountSum,
    AwsDrill,
    DrillError,
    Endpoint,
    Fingerprint,
    HouseholdSum,
    TunnelFingerprinter,
    compare,
    main,
    run_local_drill,
    take_fingerprint,
)
from spendwise.testing.factories import make_account, make_entry, make_member, make_transfer

ROOT = Path(__file__).resolve().parents[3]

# --- the source database ------------------------------------------------------------------------


def _conninfo(dbname: str | None = None) -> str:
    settings = connection.settings_dict
    return make_conninfo(
        "",
        host=settings["HOST"],
        port=str(settings["PORT"]),
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=dbname or settings["NAME"],
    )


def _databases(pattern: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [pattern])
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def demo_database(transactional_db: None) -> str:
    """The test database, committed, with the demo year plus a second household with a
    transfer in two currencies; returns its conninfo."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore need PostgreSQL")
    call_command("seed_demo", months=3, stdout=io.StringIO())
    member = make_member("second@example.com", currency="EUR")
    checking = make_account(member, "Girokonto", currency="EUR", opening=10_000)
    savings = make_account(member, "Savings", currency="USD", kind="savings")
    make_entry(member, checking, 1_234, category_name="Groceries", tags=("weekly",))
    make_entry(member, checking, 250_000, kind="income", category_name="Salary")
    make_transfer(member, checking, savings, 50_000, received=54_000)
    return _conninfo()


def _tamper(statement: str) -> Callable[[str], None]:
    def change(conninfo: str) -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            # Foreign keys would refuse the delete of a referenced row; the point is a lost row.
            conn.execute("SET session_replication_role = replica")
            conn.execute(statement)

    return change


CHANGE_ONE_AMOUNT = (
    "UPDATE ledger_transaction SET amount = amount - 1 "
    "WHERE id = (SELECT min(id) FROM ledger_transaction)"
)
DELETE_ONE_ROW = (
    "DELETE FROM ledger_transaction WHERE id = (SELECT max(id) FROM ledger_transaction)"
)


# --- local mode ---------------------------------------------------------------------------------


def test_it_restores_the_demo_data_and_reports_a_green_drill(demo_database, tmp_path, capsys):
    code = main(["local", "--database-url", demo_database, "--backup-dir", str(tmp_path)])

    report = capsys.readouterr().out
    assert code == 0, report
    assert "result        OK: the restored copy matches the source" in report
    assert re.search(r"tables +\d{2} checked, [\d,]+ rows", report)
    assert "2 households" in report
    assert "mismatches    0" in report
    assert re.search(r"RTO +[\d.]+ s", report)
    assert re.search(r"RPO +[\d.]+ s", report)
    dumps = list(tmp_path.glob("*.dump"))
    assert len(dumps) == 1
    # The scratch database is gone again.
    assert _databases("%_drill_%") == []


def test_it_checks_every_table_and_the_ledger_of_both_households(demo_database, tmp_path):
    result = run_local_drill(demo_database, backup_dir=tmp_path)

    comparison = result.comparison
    assert result.exit_code == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
        )
        (tables,) = cursor.fetchone()
    assert comparison.tables_checked == tables
    assert comparison.households_checked == Household.objects.count() == 2
    assert comparison.accounts_checked == LedgerAccount.objects.count()
    assert comparison.transactions == LedgerTransaction.objects.count()
    assert comparison.rows >= LedgerTransaction.objects.count()


def test_it_reports_a_changed_amount_in_the_copy_as_a_mismatch(demo_database, tmp_path, capsys):
    code = main(
        ["local", "--database-url", demo_database, "--backup-dir", str(tmp_path)],
        after_restore=_tamper(CHANGE_ONE_AMOUNT),
    )

    report = capsys.readouterr().out
    assert code == 1
    assert "result        MISMATCH" in report
    first = LedgerTransaction.objects.order_by("id").first()
    assert first is not None
    assert f"account {first.account_id}:" in report
    assert f"household {first.household_id}:" in report
    # The copy's rollup no longer matches its own transactions either.
    assert f"rollup household {first.household_id}:" in report
    assert _databases("%_drill_%") == []


def test_it_reports_a_deleted_row_in_the_copy_as_a_mismatch(demo_database, tmp_path):
    transactions = LedgerTransaction.objects.count()

    result = run_local_drill(
        demo_database, backup_dir=tmp_path, after_restore=_tamper(DELETE_ONE_ROW)
    )

    assert result.exit_code == 1
    rows = [d for d in result.comparison.mismatches if d.check == "rows"]
    assert [(d.subject, d.source, d.restored) for d in rows] == [
        ("ledger_transaction", f"{transactions:,} rows", f"{transactions - 1:,} rows")
    ]
    assert {d.check for d in result.comparison.mismatches} >= {"rows", "household", "account"}


def test_it_restores_the_newest_dump_with_use_latest_and_reports_its_age_as_rpo(
    demo_database, tmp_path, capsys
):
    run_local_drill(demo_database, backup_dir=tmp_path)
    (newest,) = tmp_path.glob("*.dump")
    older = tmp_path / "spendwise-20200101T000000Z.dump"
    older.write_bytes(b"not a dump: restoring this one would fail")
    now = time.time()
    os.utime(older, (now - 7200, now - 7200))
    os.utime(newest, (now - 600, now - 600))
    (tmp_path / "spendwise-99990101T000000Z.dump.partial").write_bytes(b"half written")

    result = run_local_drill(demo_database, backup_dir=tmp_path, use_latest=True)

    assert result.exit_code == 0
    assert result.backup == newest
    assert 600 <= result.rpo_seconds < 900
    assert "(age of the newest backup)" in result.report()
    assert len(list(tmp_path.glob("*.dump"))) == 2  # nothing new was dumped

    code = main(
        ["local", "--database-url", demo_database, "--backup-dir", str(tmp_path), "--use-latest"]
    )
    report = capsys.readouterr().out
    assert code == 0
    assert str(newest) in report
    assert re.search(r"RPO +6\d\d\.\d s", report)


def test_it_keeps_the_restored_database_with_keep(demo_database, tmp_path):
    result = run_local_drill(demo_database, backup_dir=tmp_path, keep=True)

    try:
        assert _databases(result.scratch_database) == [result.scratch_database]
        assert "kept (--keep)" in result.report()
    finally:
        with psycopg.connect(_conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{result.scratch_database}" WITH (FORCE)')


def test_it_refuses_use_latest_without_a_dump(tmp_path, capsys):
    code = main(
        [
            "local",
            "--database-url",
            "postgresql://nobody@127.0.0.1:1/spendwise",
            "--backup-dir",
            str(tmp_path),
            "--use-latest",
        ]
    )

    assert code == 2
    assert f"no *.dump file in {tmp_path}" in capsys.readouterr().err


def test_it_refuses_use_latest_without_a_backup_dir(capsys):
    code = main(["local", "--database-url", "postgresql://x@127.0.0.1/db", "--use-latest"])

    assert code == 2
    assert "--use-latest needs --backup-dir" in capsys.readouterr().err


def test_it_names_the_django_tables_it_checksums():
    assert Household._meta.db_table == restore_drill.HOUSEHOLD_TABLE
    assert LedgerAccount._meta.db_table == restore_drill.ACCOUNT_TABLE
    assert LedgerTransaction._meta.db_table == restore_drill.TRANSACTION_TABLE
    assert DailyTotal._meta.db_table == restore_drill.DAILY_TABLE
    assert AccountMonth._meta.db_table == restore_drill.MONTHLY_TABLE


# --- comparison, fingerprint files --------------------------------------------------------------


def _fingerprint(**changes: Any) -> Fingerprint:
    values: dict[str, Any] = {
        "database": "spendwise",
        "taken_at": datetime(2026, 11, 27, 4, 0, tzinfo=UTC),
        "tables": {"ledger_transaction": 3, "ledger_account": 1, "households_household": 1},
        "ledger": True,
        "accounts": {7: AccountSum(1, "USD", 0, 3, -4_500)},
        "households": {1: HouseholdSum(3, -4_500, "ab" * 32)},
        "rollup_problems": {},
    }
    return Fingerprint(**{**values, **changes})


def test_it_accepts_drift_but_not_an_inconsistent_copy_with_allow_drift():
    changed = _fingerprint(
        tables={"ledger_transaction": 2, "ledger_account": 1, "households_household": 1},
        households={1: HouseholdSum(2, -4_000, "cd" * 32)},
    )

    assert not compare(_fingerprint(), changed).ok
    drifted = compare(_fingerprint(), changed, allow_drift=True)
    assert drifted.ok
    assert len(drifted.drift) == 2
    broken = compare(_fingerprint(), _fingerprint(rollup_problems={1: 2}), allow_drift=True)
    assert [str(d) for d in broken.mismatches] == [
        "rollup household 1: source 0 rows off; restored 2 rows off"
    ]


def test_it_notes_a_rollup_that_was_already_wrong_in_the_source():
    wrong = _fingerprint(rollup_problems={1: 2})

    comparison = compare(wrong, wrong)

    assert comparison.ok
    assert "manage.py rebuild_rollup" in comparison.notes[0]


def test_it_compares_fingerprint_files(tmp_path, capsys):
    source, same, other = (tmp_path / name for name in ("source.json", "same.json", "other.json"))
    source.write_text(json.dumps(_fingerprint().to_json()))
    same.write_text(json.dumps(_fingerprint(database="copy").to_json()))
    other.write_text(
        json.dumps(_fingerprint(accounts={7: AccountSum(1, "USD", 0, 3, -4_501)}).to_json())
    )

    assert main(["compare", str(source), str(same)]) == 0
    assert main(["compare", str(source), str(other)]) == 1
    assert "account 7: source 3 transactions, sum -4500 USD" in capsys.readouterr().out
    assert Fingerprint.from_json(_fingerprint().to_json()) == _fingerprint()


def test_it_fingerprints_the_apps_own_database_for_the_task_path(demo_database, tmp_path):
    output = tmp_path / "fingerprint.json"

    assert main(["fingerprint", "--django", "--output", str(output)]) == 0

    written = Fingerprint.from_json(json.loads(output.read_text()))
    assert written.tables["ledger_transaction"] == LedgerTransaction.objects.count()
    with psycopg.connect(demo_database, autocommit=True) as conn:
        direct = take_fingerprint(conn)
    assert compare(direct, written).ok


def test_it_verifies_a_restored_copy_from_inside_a_task(demo_database, tmp_path, capsys):
    result = run_local_drill(demo_database, backup_dir=tmp_path, keep=True)
    copy = ["--restored-host", "127.0.0.1", "--restored-database", result.scratch_database]
    try:
        assert main(["verify", *copy]) == 0
        assert "result        OK" in capsys.readouterr().out

        _tamper(DELETE_ONE_ROW)(_conninfo(result.scratch_database))
        assert main(["verify", *copy]) == 1
        assert "rows ledger_transaction" in capsys.readouterr().out
    finally:
        with psycopg.connect(_conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{result.scratch_database}" WITH (FORCE)')


# --- aws mode (moto) ----------------------------------------------------------------------------

SOURCE_ID = "spendwise-prod"
REGION = "eu-west-1"


class Recorder:
    """Every RDS API call the drill makes, with its parameters."""

    def __init__(self, client: Any) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        client.meta.events.register("provide-client-params.rds.*", self._record)

    def _record(self, params: dict[str, Any], model: Any, **kwargs: Any) -> None:
        self.calls.append((model.name, dict(params)))

    def named(self, operation: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == operation]

    @property
    def operations(self) -> list[str]:
        return [name for name, _ in self.calls]


@contextmanager
def _rds_region_of_moto(mock_aws: Any) -> Iterator[None]:
    """moto's in-process mock, without wiping the rest of moto's state.

    ``with mock_aws():`` resets every backend of this process on entry and exit, including the
    Cognito pool and secrets that the identity, database and Lambda tests keep in the shared
    moto server (spendwise/testing/moto.py) for the whole session. Here only the services and
    region these tests use (RDS, EC2, Secrets Manager in eu-west-1, which no other test uses)
    start and end empty.
    """
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ec2.models import ec2_backends
    from moto.rds.models import rds_backends
    from moto.secretsmanager.models import secretsmanager_backends

    def empty_region() -> None:
        for backends in (rds_backends, ec2_backends, secretsmanager_backends):
            backends[DEFAULT_ACCOUNT_ID][REGION].reset()

    mock = mock_aws()
    mock.start(reset=False)
    empty_region()
    try:
        yield
    finally:
        empty_region()
        mock.stop(remove_data=False)


@pytest.fixture
def aws(monkeypatch) -> Iterator[dict[str, Any]]:
    """moto's RDS with a production-like source: private, Multi-AZ, deletion protection,
    14 days of backups, an RDS-managed master secret."""
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with _rds_region_of_moto(mock_aws):
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=az)[
                "Subnet"
            ]["SubnetId"]
            for i, az in enumerate(("eu-west-1a", "eu-west-1b"), start=1)
        ]
        group = ec2.create_security_group(
            GroupName="spendwise-prod-rds", Description="rds", VpcId=vpc
        )
        rds = boto3.client("rds", region_name=REGION)
        rds.create_db_subnet_group(
            DBSubnetGroupName=SOURCE_ID, DBSubnetGroupDescription="db", SubnetIds=subnets
        )
        rds.create_db_parameter_group(
            DBParameterGroupName=f"{SOURCE_ID}-postgres16",
            DBParameterGroupFamily="postgres16",
            Description="TLS only",
        )
        rds.create_db_instance(
            DBInstanceIdentifier=SOURCE_ID,
            Engine="postgres",
            EngineVersion="16.8",
            DBInstanceClass="db.t4g.micro",
            AllocatedStorage=20,
            DBName="spendwise",
            MasterUsername="spendwise",
            ManageMasterUserPassword=True,
            DBSubnetGroupName=SOURCE_ID,
            VpcSecurityGroupIds=[group["GroupId"]],
            DBParameterGroupName=f"{SOURCE_ID}-postgres16",
            BackupRetentionPeriod=14,
            MultiAZ=True,
            PubliclyAccessible=False,
            DeletionProtection=True,
            StorageEncrypted=True,
            Tags=[{"Key": "Environment", "Value": "prod"}],
        )
        yield {
            "rds": rds,
            "recorder": Recorder(rds),
            "secrets": boto3.client("secretsmanager", region_name=REGION),
            "security_group": group["GroupId"],
        }


@pytest.fixture
def restored_copy(demo_database, tmp_path) -> Iterator[str]:
    """What the tunnel reaches in a real account: the demo database, restored locally."""
    result = run_local_drill(demo_database, backup_dir=tmp_path, keep=True)
    yield _conninfo(result.scratch_database)
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{result.scratch_database}" WITH (FORCE)')


def _local_fingerprints(source: str, restored: str) -> Callable[[Endpoint], Fingerprint]:
    """The injected verification: moto's endpoints mapped to the two local databases."""

    def fingerprint(endpoint: Endpoint) -> Fingerprint:
        conninfo = restored if "-drill-" in endpoint.instance_id else source
        with psycopg.connect(conninfo, autocommit=True) as conn:
            return take_fingerprint(conn)

    return fingerprint


def _drill(aws: dict[str, Any], fingerprint: Callable[[Endpoint], Fingerprint]) -> AwsDrill:
    return AwsDrill(
        aws["rds"], fingerprint=fingerprint, poll_seconds=0, sleep=lambda _: None, log=io.StringIO()
    )


def _instance_ids(rds: Any) -> list[str]:
    return [i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]]


def test_it_restores_rds_to_a_point_in_time_verifies_and_deletes_the_copy(
    aws, demo_database, restored_copy
):
    seen: list[Endpoint] = []
    local = _local_fingerprints(demo_database, restored_copy)

    def fingerprint(endpoint: Endpoint) -> Fingerprint:
        seen.append(endpoint)
        return local(endpoint)

    result = _drill(aws, fingerprint).run(SOURCE_ID)

    assert result.exit_code == 0, result.report()
    assert re.fullmatch(rf"{SOURCE_ID}-drill-\d{{14}}", result.target_id)
    calls = aws["recorder"]
    (restore,) = calls.named("RestoreDBInstanceToPointInTime")
    assert restore["SourceDBInstanceIdentifier"] == SOURCE_ID
    assert restore["TargetDBInstanceIdentifier"] == result.target_id
    # The moment the source was fingerprinted: the copy must hold exactly that.
    assert restore["RestoreTime"] == result.restore_point
    assert abs(result.restore_point - datetime.now(UTC)) < timedelta(minutes=5)
    assert restore["DBSubnetGroupName"] == SOURCE_ID
    assert restore["VpcSecurityGroupIds"] == [aws["security_group"]]
    assert restore["DBParameterGroupName"] == f"{SOURCE_ID}-postgres16"
    assert restore["PubliclyAccessible"] is False
    assert restore["DeletionProtection"] is False
    assert restore["MultiAZ"] is False
    assert {"Key": "Purpose", "Value": "restore-drill"} in restore["Tags"]
    (modify,) = calls.named("ModifyDBInstance")
    assert modify["DBInstanceIdentifier"] == result.target_id
    assert modify["ManageMasterUserPassword"] is True
    (delete,) = calls.named("DeleteDBInstance")
    assert delete == {
        "DBInstanceIdentifier": result.target_id,
        "SkipFinalSnapshot": True,
        "DeleteAutomatedBackups": True,
    }
    assert calls.operations.index("DeleteDBInstance") > calls.operations.index("ModifyDBInstance")
    # Source first, then the copy, each with its own endpoint and secret.
    assert [e.instance_id for e in seen] == [SOURCE_ID, result.target_id]
    assert seen[0].secret_arn != seen[1].secret_arn
    assert all(e.database == "spendwise" and e.host for e in seen)
    assert _instance_ids(aws["rds"]) == [SOURCE_ID]
    snapshots = aws["rds"].describe_db_snapshots(DBInstanceIdentifier=result.target_id)
    assert snapshots["DBSnapshots"] == []
    report = result.report()
    assert "result        OK" in report
    assert re.search(r"RTO +[\d.]+ s \(until available \+ verification\)", report)
    assert re.search(r"RPO +[\d.]+ s \(now - LatestRestorableTime\)", report)
    assert f"{result.target_id} deleted" in report


def test_it_restores_the_newest_automated_snapshot(aws, demo_database, restored_copy):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.rds.models import rds_backends

    # moto makes one automated snapshot at creation; RDS makes one a day.
    rds_backends[DEFAULT_ACCOUNT_ID][REGION].create_auto_snapshot(SOURCE_ID, "rds:newest")
    aws["rds"].create_db_snapshot(DBInstanceIdentifier=SOURCE_ID, DBSnapshotIdentifier="manual")

    result = _drill(aws, _local_fingerprints(demo_database, restored_copy)).run(
        SOURCE_ID, latest_snapshot=True
    )

    assert result.exit_code == 0, result.report()
    (restore,) = aws["recorder"].named("RestoreDBInstanceFromDBSnapshot")
    assert restore["DBSnapshotIdentifier"] == "rds:newest"
    assert restore["DBInstanceIdentifier"] == result.target_id
    assert restore["DeletionProtection"] is False
    assert restore["PubliclyAccessible"] is False
    assert {"Key": "Purpose", "Value": "restore-drill"} in restore["Tags"]
    assert aws["recorder"].named("RestoreDBInstanceToPointInTime") == []
    assert _instance_ids(aws["rds"]) == [SOURCE_ID]


def _pure(restored: Callable[[], Fingerprint]) -> Callable[[Endpoint], Fingerprint]:
    """Fingerprints without a database, for the paths that are about the AWS calls only."""

    def fingerprint(endpoint: Endpoint) -> Fingerprint:
        if "-drill-" in endpoint.instance_id:
            return restored()
        return _fingerprint(taken_at=datetime.now(UTC))

    return fingerprint


def test_it_reports_a_different_copy_as_a_mismatch_and_deletes_it(aws):
    def restored() -> Fingerprint:
        return _fingerprint(accounts={7: AccountSum(1, "USD", 0, 3, -4_501)})

    result = _drill(aws, _pure(restored)).run(SOURCE_ID)

    assert result.exit_code == 1
    assert "MISMATCH" in result.report()
    assert "account 7: source 3 transactions, sum -4500 USD" in result.report()
    assert len(aws["recorder"].named("DeleteDBInstance")) == 1
    assert _instance_ids(aws["rds"]) == [SOURCE_ID]


def test_it_deletes_the_copy_when_the_verification_fails(aws):
    def restored() -> Fingerprint:
        raise DrillError("the tunnel to the copy did not open")

    result = _drill(aws, _pure(restored)).run(SOURCE_ID)

    assert result.exit_code == 2
    assert "FAILED: the tunnel to the copy did not open" in result.report()
    assert len(aws["recorder"].named("DeleteDBInstance")) == 1
    assert _instance_ids(aws["rds"]) == [SOURCE_ID]


def test_it_deletes_the_copy_when_interrupted(aws):
    def restored() -> Fingerprint:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _drill(aws, _pure(restored)).run(SOURCE_ID)

    assert len(aws["recorder"].named("DeleteDBInstance")) == 1
    assert _instance_ids(aws["rds"]) == [SOURCE_ID]


def test_it_creates_nothing_when_the_source_cannot_be_fingerprinted(aws):
    def fingerprint(endpoint: Endpoint) -> Fingerprint:
        raise DrillError("the bastion is off")

    result = _drill(aws, fingerprint).run(SOURCE_ID)

    assert result.exit_code == 2
    assert "could not fingerprint the source: the bastion is off" in result.report()
    assert aws["recorder"].operations == ["DescribeDBInstances"]


def test_it_refuses_to_delete_anything_but_a_drill_instance(aws):
    drill = _drill(aws, _local_fingerprints("", ""))
    untagged = f"{SOURCE_ID}-drill-20260101000000"
    aws["rds"].create_db_instance(
        DBInstanceIdentifier=untagged,
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage=20,
        MasterUsername="spendwise",
        MasterUserPassword="not-a-drill-1234",
    )

    assert drill.delete_drill_instance(SOURCE_ID)[0] is False
    ok, message = drill.delete_drill_instance(untagged)

    assert ok is False
    assert "no Purpose tag" in message
    assert aws["recorder"].named("DeleteDBInstance") == []
    assert sorted(_instance_ids(aws["rds"])) == [SOURCE_ID, untagged]


def test_it_names_the_copy_within_rds_limits():
    at = datetime(2026, 11, 27, 4, 5, 6, tzinfo=UTC)

    assert restore_drill.drill_instance_id("spendwise-prod", at) == (
        "spendwise-prod-drill-20261127040506"
    )
    long = restore_drill.drill_instance_id("a" * 40 + "-" + "b" * 20, at)
    assert len(long) <= 63
    assert "--" not in long


def test_it_documents_the_task_path_instead_of_running_it(capsys):
    code = main(["aws", "--db-instance-id", SOURCE_ID, "--verify-via", "task"])

    assert code == 2
    error = capsys.readouterr().err
    assert "docs/runbooks/restore-drill.md" in error
    assert "Nothing was created" in error


def test_it_needs_the_bastion_for_the_tunnel_path(capsys):
    assert main(["aws", "--db-instance-id", SOURCE_ID]) == 2
    assert "--bastion-id" in capsys.readouterr().err


# --- the tunnel path ----------------------------------------------------------------------------

FAKE_TUNNEL = """
import socket, sys, threading

# Stands in for scripts/db-tunnel: same arguments, forwards the local port to PostgreSQL.
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
target = ("127.0.0.1", {target_port})
listener = socket.create_server(("127.0.0.1", int(args["--local-port"])))

def pipe(a, b):
    try:
        while data := a.recv(65536):
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

while True:
    client, _ = listener.accept()
    server = socket.create_connection(target)
    threading.Thread(target=pipe, args=(client, server), daemon=True).start()
    threading.Thread(target=pipe, args=(server, client), daemon=True).start()
"""


def test_it_fingerprints_through_the_tunnel_with_the_managed_secret(aws, demo_database, tmp_path):
    settings = connection.settings_dict
    script = tmp_path / "fake-db-tunnel"
    script.write_text(FAKE_TUNNEL.replace("{target_port}", str(settings["PORT"])))
    source = aws["rds"].describe_db_instances(DBInstanceIdentifier=SOURCE_ID)["DBInstances"][0]
    endpoint = Endpoint.of(source, settings["NAME"])
    # RDS keeps the master user's name and password in the secret; here: the test server's.
    aws["secrets"].put_secret_value(
        SecretId=endpoint.secret_arn,
        SecretString=json.dumps({"username": settings["USER"], "password": "unused"}),
    )
    started: list[list[str]] = []
    popen = subprocess.Popen

    def record(command, **kwargs):
        started.append(command)
        return popen(command, **kwargs)

    fingerprinter = TunnelFingerprinter(
        bastion_id="i-0123456789abcdef0",
        secrets=aws["secrets"],
        region=REGION,
        tunnel_program=[sys.executable, str(script)],
        sslmode="disable",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(restore_drill.subprocess, "Popen", record)
        through_tunnel = fingerprinter(endpoint)

    with psycopg.connect(demo_database, autocommit=True) as conn:
        direct = take_fingerprint(conn)
    assert compare(direct, through_tunnel).ok
    (command,) = started
    assert command[2:] == [
        "--instance-id",
        "i-0123456789abcdef0",
        "--db-host",
        endpoint.host,
        "--db-port",
        "5432",
        "--local-port",
        command[command.index("--local-port") + 1],
        "--region",
        REGION,
    ]
    local_port = int(command[command.index("--local-port") + 1])
    assert not restore_drill._port_answers(local_port)  # the tunnel was stopped


def test_the_real_tunnel_script_accepts_the_arguments_the_drill_passes():
    result = subprocess.run(
        [
            str(ROOT / "scripts" / "db-tunnel"),
            "--instance-id",
            "i-0123456789abcdef0",
            "--db-host",
            "spendwise-prod-drill-20261127040506.abc.eu-west-1.rds.amazonaws.com",
            "--db-port",
            "5432",
            "--local-port",
            "15433",
            "--region",
            REGION,
            "--dry-run",
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "AWS-StartPortForwardingSessionToRemoteHost" in result.stdout
    assert '"localPortNumber":["15433"]' in result.stdout


def test_it_imports_without_the_test_helpers_the_image_leaves_out():
    # The runbook's one-off ECS task imports this module in the image, which has no
    # spendwise/testing/ (.dockerignore).
    code = (
        "import sys\n"
        "class Hide:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'spendwise.testing' or name.startswith('spendwise.testing.'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Hide())\n"
        "import spendwise.ops.restore_drill as drill\n"
        "print(drill.find_client_program('pg_dump'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("pg_dump")
