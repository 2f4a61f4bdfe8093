"""A persistent cache of API responses in SQLite, shared by runs and processes.

Keys are hashes of everything that decides an answer (provider, base URL and the
full request body: model, messages, parameters), never the API key. Every answer
is committed as soon as it arrives, so a run killed halfway resumes from where it
stopped. WAL mode and a busy timeout let several processes read and write at once.

The cache also keeps the provider batches a run submitted (their ids and request keys),
from the moment they are made, so that a killed run polls the same batch again instead
of paying for a second one; and, once a batch ended, which of its requests failed.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from bench.errors import ExtractorError
from bench.extractors.llm.api import Response

MODES = ("off", "read", "write", "read-write")


def cache_key(identity: dict, payload: dict) -> str:
    text = json.dumps({"identity": identity, "request": payload}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, path: str | Path | None, mode: str = "read-write"):
        if mode not in MODES:
            raise ExtractorError(f"cache mode must be one of {', '.join(MODES)}, got {mode!r}")
        if mode != "off" and not path:
            raise ExtractorError("the cache needs a path (or cache_mode=off)")
        self.path = Path(path) if path else None
        self.reads = mode in ("read", "read-write")
        self.writes = mode in ("write", "read-write")
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            with self._readable():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, response TEXT NOT NULL, "
                           "created REAL NOT NULL)")
                db.execute("CREATE TABLE IF NOT EXISTS batches (batch_id TEXT PRIMARY KEY, identity TEXT NOT NULL, "
                           "keys TEXT NOT NULL, failed TEXT, created REAL NOT NULL)")
            self._db = db
        return self._db

    @contextmanager
    def _readable(self):
        """Errors of a damaged cache file as one ExtractorError that names the file."""
        try:
            yield
        except (sqlite3.DatabaseError, OSError, ValueError, TypeError) as err:
            raise ExtractorError(f"{self.path}: the LLM response cache cannot be read ({err}); move the file "
                                 f"away or set extractor.cache_path to another file") from None

    def get(self, key: str) -> Response | None:
        if not self.reads:
            return None
        with self._readable():
            row = self._connection().execute("SELECT response FROM responses WHERE key = ?", (key,)).fetchone()
            return Response(**json.loads(row[0])) if row else None

    def put(self, key: str, response: Response) -> None:
        """Store ``response``; ASCII JSON, so that any text a server sent (a lone surrogate too) is kept."""
        if self.writes:
            with self._readable():
                self._connection().execute("INSERT OR REPLACE INTO responses VALUES (?, ?, ?)",
                                           (key, json.dumps(response.to_json()), time.time()))

    def record_batch(self, batch_id: str, identity: dict, keys: list[str]) -> None:
        with self._readable():
            self._connection().execute("INSERT INTO batches VALUES (?, ?, ?, NULL, ?)",
                                       (batch_id, _identity(identity), json.dumps(keys), time.time()))

    def open_batches(self, identity: dict) -> list[tuple[str, list[str]]]:
        """Batches submitted from ``identity`` that have not ended yet (as far as this cache knows), oldest first."""
        with self._readable():
            rows = self._connection().execute("SELECT batch_id, keys FROM batches WHERE identity = ? AND failed IS "
                                              "NULL ORDER BY created", (_identity(identity),)).fetchall()
        return [(batch_id, json.loads(keys)) for batch_id, keys in rows]

    def close_batch(self, batch_id: str, failed: dict[str, str]) -> None:
        """Mark a batch ended, with the kind of failure of each request that got no answer."""
        with self._readable():
            self._connection().execute("UPDATE batches SET failed = ? WHERE batch_id = ?",
                                       (json.dumps(failed), batch_id))

    def batch_failures(self, identity: dict) -> dict[str, str]:
        """Request key -> kind of failure, over the ended batches of ``identity`` (the latest batch wins)."""
        with self._readable():
            rows = self._connection().execute("SELECT failed FROM batches WHERE identity = ? AND failed IS NOT NULL "
                                              "ORDER BY created", (_identity(identity),)).fetchall()
        return {key: kind for (failed,) in rows for key, kind in json.loads(failed).items()}

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _identity(identity: dict) -> str:
    return json.dumps(identity, sort_keys=True)
