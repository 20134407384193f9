"""Small, hand-checkable data sets shared by tests.

A 4-week tree (2017-01-02 Monday .. 2017-01-29 Sunday):

    1 Billing ── 2 Refunds ── 4 Refunds tier 2      10 Network ── 11 Outages
              └─ 3 Invoices (no tickets)

Daily tickets: queue 4 → 1 every day; queue 1 (own) → 2 on weekdays; queue 11 → 3 every day;
queue 999 (absent from the tree) → 1 every day. Loads: 4 = 2 = 28, 1 = 68, 10 = 11 = 84, total 180.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HIERARCHY_CSV = b"""queueId,parentId,name
1,,Billing
2,1,Refunds
3,1,Invoices
4,2,Refunds tier 2
10,,Network
11,10,Outages
"""

DAYS = pd.date_range("2017-01-02", "2017-01-29", freq="D")
LOADS = {1: 68, 2: 28, 3: 0, 4: 28, 10: 84, 11: 84}
TOTAL_LOAD = 180
UNKNOWN_QUEUE_TICKETS = 28


def tickets_frame() -> pd.DataFrame:
    weekdays = DAYS[DAYS.day_of_week < 5]
    parts = [
        pd.DataFrame({"queueId": 4, "date": DAYS, "new_tickets": 1}),
        pd.DataFrame({"queueId": 1, "date": weekdays, "new_tickets": 2}),
        pd.DataFrame({"queueId": 11, "date": DAYS, "new_tickets": 3}),
        pd.DataFrame({"queueId": 999, "date": DAYS, "new_tickets": 1}),
    ]
    return pd.concat(parts, ignore_index=True)


def to_csv(frame: pd.DataFrame) -> bytes:
    out = frame.copy()
    if "date" in out:
        out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False).encode()


def tickets_csv() -> bytes:
    return to_csv(tickets_frame())


def seasonal_tickets_frame(days: int = 730, seed: int = 7) -> pd.DataFrame:
    """Two years (2018-2019) of daily tickets on the same tree with a weekend dip; queue 3 empty."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2018-01-01", periods=days, freq="D")
    weekday_factor = np.where(dates.day_of_week >= 5, 0.5, 1.0)
    parts = []
    for queue, level in ((4, 40), (1, 20), (11, 60), (999, 5)):  # queue 3: none
        counts = rng.poisson(level * weekday_factor)
        parts.append(pd.DataFrame({"queueId": queue, "date": dates, "new_tickets": counts}))
    frame = pd.concat(parts, ignore_index=True)
    return frame[frame["new_tickets"] > 0].reset_index(drop=True)


# --- deploy: a tiny labelled texts data set (train a classifier in a second) ---
TEXT_TOPICS = {
    "billing": ["charged twice for my invoice", "refund for the payment", "wrong amount on bill"],
    "internet": ["mobile internet is down", "no connection at home", "router keeps dropping wifi"],
    "roaming": ["roaming does not work abroad", "cannot call from Spain", "data abroad blocked"],
}


def labelled_texts_csv(per_topic: int = 30) -> bytes:
    """English ticket texts with labels (columns subject, text, label); synthetic."""
    rows = [
        {
            "subject": f"Ticket {k}",
            "text": f"{phrases[k % 3]}, please help (case {k})",
            "label": label,
        }
        for label, phrases in TEXT_TOPICS.items()
        for k in range(per_topic)
    ]
    return pd.DataFrame(rows).to_csv(index=False).encode()
