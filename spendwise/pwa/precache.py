"""What the service worker keeps offline: the static assets the pages use, and a cache version.

In production the static files carry content hashes in their names (whitenoise's
``CompressedManifestStaticFilesStorage``, built by ``collectstatic``), so the list and the version
come from the storage's manifest (``staticfiles.json``): a deploy that changes any asset changes
the version, and the new worker drops the old caches. While developing (plain
``StaticFilesStorage``) the files come from the finders and the version from their contents.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import STATICFILES_STORAGE_ALIAS
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages

# Our own assets (project static folder and this app's); other apps' files (the API docs'
# Swagger bundle, ...) are fetched when a page asks for them, never precached.
PRECACHE_PREFIXES = ("css/", "js/", "img/", "vendor/", "pwa/")
PRECACHE_SUFFIXES = (".css", ".js", ".svg", ".png", ".ico", ".woff2")
IGNORE_PATTERNS = ["CVS", ".*", "*~"]

HERE = Path(__file__).resolve().parent
WORKER_SOURCE = HERE / "service_worker.js"
OFFLINE_TEMPLATE = HERE / "templates" / "pwa" / "offline.html"


@dataclass(frozen=True)
class Precache:
    """``version``: 16 hex digits naming the caches; ``urls``: static URLs, sorted."""

    version: str
    urls: list[str]


def is_precached(name: str) -> bool:
    """Whether the static file ``name`` (e.g. ``css/app.css``) belongs in the precache."""
    return name.startswith(PRECACHE_PREFIXES) and name.endswith(PRECACHE_SUFFIXES)


def static_precache() -> Precache:
    """The static assets to precache and a version that changes whenever one of them does.

    The worker's own source and the offline page's template count towards the version too: a
    deploy that changes only them must still replace the cached offline page.
    """
    storage = storages[STATICFILES_STORAGE_ALIAS]
    if isinstance(storage, ManifestFilesMixin):
        # Hashed files cannot change under a running process: work it out once per storage,
        # not on every /sw.js request (browsers ask for it on every navigation).
        global _computed
        if _computed is None or _computed[0] is not storage:
            _computed = (storage, _compute(storage))
        return _computed[1]
    return _compute(storage)


# (the storage it was computed for, the result) for a manifest storage; see static_precache.
_computed: tuple[Any, Precache] | None = None


def _compute(storage: Any) -> Precache:
    digest = hashlib.sha256()
    if isinstance(storage, ManifestFilesMixin):
        names = sorted(name for name in storage.hashed_files if is_precached(name))
        for name in names:
            digest.update(f"{name}={storage.hashed_files[name]}\n".encode())
    else:
        names = []
        for name, content in sorted(_found_files().items()):
            if is_precached(name):
                names.append(name)
                digest.update(f"{name}={hashlib.sha256(content).hexdigest()}\n".encode())
    digest.update(WORKER_SOURCE.read_bytes())
    digest.update(OFFLINE_TEMPLATE.read_bytes())
    return Precache(version=digest.hexdigest()[:16], urls=[storage.url(name) for name in names])


def _found_files() -> dict[str, bytes]:
    """Static name → contents, from the finders (the first finder with a name wins)."""
    found: dict[str, bytes] = {}
    for finder in finders.get_finders():
        for path, source in finder.list(IGNORE_PATTERNS):
            name = Path(path).as_posix()
            if name not in found and is_precached(name):
                with source.open(path) as handle:
                    found[name] = handle.read()
    return found
