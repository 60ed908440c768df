"""The demo feed: new synthetic seizures appended "as they happen", so that the live map moves.

Every tick (a second by default) the feed draws a Poisson number of seizures for the time since
the previous tick and writes them in one transaction through
:func:`queries.seizures.insert_seizures`; the store's lock lets the dashboard's readers go on
reading between ticks. The rows come from the demo generator (:func:`queries.demo.generate_seizures`),
so places, items, quantities and channels look like the seeded ones. Only what makes them *new* is
the feed's own: each happened within the last tick, is known to the second, is an open case,
was ingested at the tick, and is marked synthetic with source :data:`FEED_SOURCE`.

Source ids are ``FEED-<start, Beijing time>-<seed>-<n>``, numbered from 0 in the order the seizures
happened, so one run's ids are the contiguous range its summary names; the feed refuses to start
if a run with the same start second and seed already wrote to the file.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

import numpy as np
import pandas as pd

from queries.clock import beijing_now
from queries.demo import DemoGeography, generate_seizures
from queries.seizures import insert_seizures
from queries.store import Store, StoreError, seizures_claim
from queries.stores import write_retrying

FEED_SOURCE = "cordon-feed"
FEED_SOURCE_REF = "SYNTHETIC live demo-feed record, not a real case"
DEFAULT_RATE = 30.0
DEFAULT_INTERVAL_S = 1.0
# Rows generated at a time and then handed out tick by tick: the generator's fixed cost (building
# the border trails, about half a second) is paid once per stock, not once per tick.
STOCK_ROWS = 1000


@dataclass(frozen=True)
class Batch:
    """One tick's write: when it was written, the source ids written, and the run's total so far."""

    at: datetime
    source_ids: list[str]
    total: int


@dataclass
class FeedResult:
    """What a feed run wrote: its period (start to last tick), seed, ids in order, and whether Ctrl-C ended it."""

    started: datetime
    ended: datetime
    seed: int
    source_ids: list[str] = field(default_factory=list)
    batches: int = 0
    interrupted: bool = False

    @property
    def rows(self) -> int:
        return len(self.source_ids)


def fresh_seed() -> int:
    """A new random seed for a run that was given none (printed by the command line, to repeat it)."""
    return secrets.randbelow(1_000_000)


def id_prefix(started: datetime, seed: int) -> str:
    """The source-id prefix of the run started at ``started`` with ``seed``."""
    return f"FEED-{started:%Y%m%dT%H%M%S}-{seed}-"


def check_store(store: Store, prefix: str = "") -> None:
    """Fail with :class:`StoreError` unless the database exists, is current and holds no ``prefix`` ids yet.

    Checked before the first write because ``Store.writing`` would otherwise create an empty file.
    """
    taken = 0
    with store.reading() as con:
        if prefix:
            taken = con.execute(
                "SELECT count(*) FROM seizures WHERE source = $source AND starts_with(source_id, $prefix)",
                {"source": FEED_SOURCE, "prefix": prefix},
            ).fetchone()[0]
    if taken:
        raise StoreError(f"{store.path} already holds {taken} feed records {prefix}*; feed with another --seed")


class _Stock:
    """Generated seizures waiting to be fed, refilled :data:`STOCK_ROWS` at a time from the demo generator."""

    def __init__(self, geo: DemoGeography, seed: int):
        self.geo, self.seed, self.refills = geo, seed, 0
        self.rows = pd.DataFrame()

    def take(self, count: int, end: datetime) -> pd.DataFrame:
        """The next ``count`` rows; a refill generates the day before ``end`` (the generator needs a period)."""
        parts = []
        while count > 0:
            if self.rows.empty:
                chunk_seed = int(np.random.SeedSequence([self.seed, self.refills]).generate_state(1)[0])
                self.rows = generate_seizures(self.geo, max(STOCK_ROWS, count), seed=chunk_seed, end=end,
                                              start=(end - timedelta(days=1)).date())
                self.refills += 1
            parts.append(self.rows.iloc[:count])
            self.rows = self.rows.iloc[count:]
            count -= len(parts[-1])
        return pd.concat(parts, ignore_index=True)


def _stamp(rows: pd.DataFrame, rng: np.random.Generator, since: datetime, until: datetime, prefix: str,
           first: int) -> pd.DataFrame:
    """``rows`` as seizures that happened between ``since`` and ``until`` and were ingested at ``until``.

    Times are exact to the second and ordered; ids run from ``prefix`` + ``first``. Cases are open.
    """
    span = max((until - since).total_seconds(), 0.0)
    occurred = (pd.Timestamp(since) + pd.to_timedelta(np.sort(rng.random(len(rows))) * span, unit="s")).floor("s")
    occurred = occurred.where(occurred >= pd.Timestamp(since), pd.Timestamp(since))
    return rows.assign(
        source=FEED_SOURCE,
        source_id=[f"{prefix}{first + i:07d}" for i in range(len(rows))],
        occurred_at=np.asarray(occurred, dtype="datetime64[us]"),
        time_precision="exact",
        case_status="open",
        source_ref=FEED_SOURCE_REF,
        is_synthetic=True,
        ingested_at=pd.Timestamp(until).as_unit("us"),
    )


def feed(store: Store, geo: DemoGeography, rate_per_minute: float = DEFAULT_RATE, duration_s: float | None = None,
         seed: int | None = None, *, interval_s: float = DEFAULT_INTERVAL_S, now: Callable[[], datetime] = beijing_now,
         sleep: Callable[[float], None] = time.sleep, on_batch: Callable[[Batch], None] | None = None) -> FeedResult:
    """Append synthetic seizures to ``store`` at about ``rate_per_minute`` for ``duration_s`` seconds.

    Without a duration it runs until Ctrl-C, which ends it like the end of its duration: batches
    already written stay (a batch being written is committed first) and the result says
    ``interrupted``. ``now`` (Beijing time, as the store keeps it) and ``sleep`` are injected so
    tests can run a fake clock; the same seed and clock give the same rows. ``on_batch`` is called
    after each committed write; ticks that draw no seizure write nothing.
    """
    for name, value in (("rate_per_minute", rate_per_minute), ("interval_s", interval_s),
                        ("duration_s", 1.0 if duration_s is None else duration_s)):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value}")
    seed = fresh_seed() if seed is None else seed
    started = now()
    prefix = id_prefix(started, seed)
    check_store(store, prefix)
    rng, stock = np.random.default_rng(seed), _Stock(geo, seed)
    result = FeedResult(started=started, ended=started, seed=seed)
    stop = None if duration_s is None else started + timedelta(seconds=duration_s)
    last = started
    try:
        while stop is None or last < stop:
            sleep(interval_s if stop is None else min(interval_s, (stop - last).total_seconds()))
            tick = now()
            count = int(rng.poisson(rate_per_minute / 60 * max((tick - last).total_seconds(), 0.0)))
            if count:
                rows = _stamp(stock.take(count, tick), rng, last, tick, prefix, result.rows)
                try:
                    write_retrying(store, partial(insert_seizures, frame=rows), seizures_claim(FEED_SOURCE))
                except KeyboardInterrupt:  # held until the batch committed (Store.writing)
                    result.interrupted = True
                result.source_ids.extend(rows["source_id"])
                result.batches += 1
                if on_batch is not None:
                    on_batch(Batch(tick, rows["source_id"].tolist(), result.rows))
            last = result.ended = max(last, tick)
            if result.interrupted:
                break
    except KeyboardInterrupt:
        result.interrupted = True
    return result
