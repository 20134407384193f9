"""Labelled Russian support tickets for the text features (clustering, classifiers, PII)."""

from __future__ import annotations

import random
from typing import Final

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from ._compose import Composer, Draft, topic_weights
from ._random import python_seed
from ._timeline import hourly_cdf, times_at

DEFAULT_TICKET_TEXTS: Final = 10_000
TEXTS_SCHEMA: Final = pa.schema(
    [
        ("id", pa.int64()),
        ("subject", pa.string()),
        ("text", pa.string()),
        ("sender", pa.string()),
        ("created_at", pa.timestamp("us")),
        ("queue_id", pa.int64()),
        ("label", pa.string()),  # the topic; "label" as in a texts upload
        ("pii_values", pa.list_(pa.string())),
    ]
)
_QUEUES_PER_TOPIC: Final = 12
_MISROUTED_SHARE: Final = 0.1


def compose_drafts(rng: np.random.Generator, n: int) -> list[Draft]:
    """``n`` tickets with topics drawn from the imbalanced topic mix."""
    topics = rng.choice(len(topic_weights()), size=n, p=topic_weights())
    composer = Composer(random.Random(python_seed(rng)))
    return [composer.draft(int(topic)) for topic in topics]


def route_to_queues(
    rng: np.random.Generator, topics: NDArray[np.int64], queue_ids: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Each topic lands in its own handful of queues, with some misrouting."""
    n_topics = int(topics.max()) + 1
    per_topic = rng.choice(queue_ids, size=(n_topics, _QUEUES_PER_TOPIC))
    routed = per_topic[topics, rng.integers(0, _QUEUES_PER_TOPIC, topics.size)]
    misrouted = rng.random(topics.size) < _MISROUTED_SHARE
    return np.where(misrouted, rng.choice(queue_ids, size=topics.size), routed)


def make_ticket_texts(
    rng: np.random.Generator, queue_ids: NDArray[np.int64], n: int = DEFAULT_TICKET_TEXTS
) -> pa.Table:
    """Ticket table ordered by time; ids grow with time but are not contiguous."""
    drafts = compose_drafts(rng, n)
    names = [draft.topic for draft in drafts]
    topic_codes = np.unique(np.array(names), return_inverse=True)[1]
    ids = np.sort(rng.choice(np.arange(1_000_000, 10_000_000), size=n, replace=False))
    columns = [
        pa.array(ids.astype(np.int64)),
        pa.array([draft.subject for draft in drafts]),
        pa.array([draft.text for draft in drafts]),
        pa.array([draft.sender for draft in drafts]),
        pa.array(times_at(np.sort(rng.random(n)), hourly_cdf())),
        pa.array(route_to_queues(rng, topic_codes, queue_ids)),
        pa.array(names),
        pa.array([list(draft.pii) for draft in drafts], type=pa.list_(pa.string())),
    ]
    return pa.Table.from_arrays(columns, schema=TEXTS_SCHEMA)
