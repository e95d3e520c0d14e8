"""gunicorn settings for the container's ``web`` command (``--config python:<this module>``).

Sync-style gthread workers: Django under an ASGI server was over ten times slower for plain
views in a probe on this kind of machine (docs/performance.md). Every value can be overridden by
an environment variable, so ECS task sizes need no image change.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]


def available_cpus(cgroup_root: Path = Path("/sys/fs/cgroup")) -> float:
    """CPUs this container may use: the cgroup v2 quota when one is set, else the CPU count.

    On Fargate a task with 512 CPU units sees every host CPU in ``os.cpu_count()`` but is
    throttled to half of one; sizing workers from the host count would oversubscribe it.
    """
    try:
        quota, period = (cgroup_root / "cpu.max").read_text().split()
        if quota != "max":
            return max(int(quota) / int(period), 0.25)
    except (OSError, ValueError):
        pass
    return float(os.cpu_count() or 1)


def default_workers(cpus: float) -> int:
    # Two processes per CPU, at least two so one slow request never blocks the instance.
    return max(2, round(cpus * 2))


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    return raw in {"1", "true", "yes", "on"} if raw else default


def json_logs() -> bool:
    """``LOG_FORMAT`` as the app reads it (spendwise/settings.py): JSON unless in debug."""
    chosen = os.environ.get("LOG_FORMAT", "").strip().lower()
    return chosen == "json" if chosen else not _env_bool("DEBUG")


# 0.0.0.0 inside the container only; its security group admits the load balancer alone.
bind = os.environ.get("BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = _env_int("WEB_CONCURRENCY", default_workers(available_cpus()))
threads = _env_int("GUNICORN_THREADS", 4)
# A request taking longer than this is killed and logged; the ALB's idle timeout is 60 s.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# SIGTERM: finish in-flight requests within this, inside ECS's 30-second stop timeout.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 25)
# Longer than the ALB's idle timeout (60 s), so the ALB always closes idle connections first.
keepalive = _env_int("GUNICORN_KEEPALIVE", 75)
# Workers restart after a while, jittered, so a slow leak never takes the instance down.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The root filesystem is read-only; /tmp is the only writable path in the container.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/tmp")  # noqa: S108
# gunicorn 27's control socket lives under $HOME, which does not exist in the image (and would be
# read-only); nothing here uses `gunicornc`, so it stays off.
control_socket_disable = True
# The app writes one JSON line per request itself (spendwise/ops/middleware.py), with its route,
# user and metrics; gunicorn's access log would repeat it. GUNICORN_ACCESS_LOG=true brings it back.
accesslog = "-" if _env_bool("GUNICORN_ACCESS_LOG") else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The app reads the client address from X-Forwarded-For itself (TRUSTED_PROXY_COUNT).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips


class JsonLogger(Logger):
    """gunicorn's own lines (start, stop, ``WORKER TIMEOUT`` of a killed request) as the app's
    JSON lines when ``LOG_FORMAT`` is json, and access log lines (off unless
    ``GUNICORN_ACCESS_LOG``) as one JSON object each.

    The path is logged without its query string: queries may carry search terms or amounts.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if json_logs():
            from spendwise.ops.logging import JsonFormatter

            for handler in self.error_log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.cfg.accesslog:
            return
        headers = {name.lower(): value for name, value in req.headers}
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "type": "access",
            "method": req.method,
            "path": req.path,
            "status": int(str(resp.status).split()[0]),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", 0),
            "request_id": headers.get("x-request-id") or headers.get("x-amzn-trace-id", ""),
            "user_agent": headers.get("user-agent", "")[:200],
        }
        self.access_log.info(json.dumps(record, separators=(",", ":")))


logger_class = JsonLogger


def when_ready(server: Any) -> None:
    server.log.info("spendwise web ready: %s workers x %s threads on %s", workers, threads, bind)
