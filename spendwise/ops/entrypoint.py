"""The container's entrypoint: one image, one command per role.

    python -m spendwise.ops.entrypoint web              # gunicorn on $BIND (0.0.0.0:8000)
    python -m spendwise.ops.entrypoint migrate          # apply migrations, then exit
    python -m spendwise.ops.entrypoint run-scheduled    # recurring payments, alerts; then exit
    python -m spendwise.ops.entrypoint manage <args>    # any manage.py command

Each command replaces this process (``exec``), so the signals ECS sends (SIGTERM, then SIGKILL
after the stop timeout) reach gunicorn or Django directly and the exit code is the command's.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

USAGE = """usage: entrypoint {web|migrate|run-scheduled|manage <command> [args…]}

  web             serve the app with gunicorn on $BIND (default 0.0.0.0:8000)
  migrate         apply database migrations and exit (run as a one-off task before a deploy)
  run-scheduled   post due recurring payments and send alerts, then exit (EventBridge Scheduler)
  manage …        run a Django management command, e.g. `manage createsuperuser`
"""


def command_line(argv: Sequence[str]) -> list[str] | None:
    """The program and arguments to ``exec`` for ``argv``, or ``None`` when it is not a command."""
    if not argv:
        return None
    command, rest = argv[0], list(argv[1:])
    python = sys.executable
    manage = [python, "-m", "django"]
    if command == "web" and not rest:
        return [
            python,
            "-m",
            "gunicorn",
            "--config",
            "python:spendwise.ops.gunicorn_conf",
            "spendwise.wsgi:application",
        ]
    if command == "migrate" and not rest:
        return [*manage, "migrate", "--noinput"]
    if command == "run-scheduled" and not rest:
        return [*manage, "run_scheduled"]
    if command == "manage" and rest:
        return [*manage, *rest]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["-h"], ["--help"], ["help"]):
        sys.stdout.write(USAGE)
        return 0
    program = command_line(args)
    if program is None:
        sys.stderr.write(f"entrypoint: unknown command {' '.join(args) or '(none)'!r}\n{USAGE}")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spendwise.settings")
    if args == ["migrate"]:
        # A migration may legitimately run one long statement (an index on a big table):
        # no statement_timeout for it. lock_timeout stays, so that it never queues, and makes
        # the app's requests queue behind it, for long (docs/resilience.md).
        os.environ["DB_STATEMENT_TIMEOUT_MS"] = "0"
    sys.stdout.flush()
    os.execv(program[0], program)  # noqa: S606 - a fixed program list, no shell


if __name__ == "__main__":
    sys.exit(main())
