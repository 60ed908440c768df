"""The store's clock: times are Beijing time (UTC+8) without a time zone, as the store keeps them."""

from __future__ import annotations

from datetime import datetime

import pandas as pd


def beijing_now() -> datetime:
    """The current time in Beijing (UTC+8), without a time zone, as the store keeps times."""
    return pd.Timestamp.now(tz="Asia/Shanghai").tz_localize(None).floor("s").to_pydatetime()
