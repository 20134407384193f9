"""Describes a generated demo set, so nobody mistakes it for real data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._calendar import PERIOD_END, PERIOD_START
from ._io import GENERATOR_NAME
from .files import DemoFiles
from .hierarchy import leaf_mask, queue_levels
from .large_table import DUPLICATE_SHARE, LargeTableStats


def hierarchy_summary(hierarchy: pa.Table) -> dict[str, Any]:
    levels = queue_levels(hierarchy)
    return {
        "queues": hierarchy.num_rows,
        "top_level_queues": int((levels == 1).sum()),
        "max_depth": int(levels.max()),
        "queues_per_level": {str(lvl): int((levels == lvl).sum()) for lvl in np.unique(levels)},
        "leaf_queues": int(leaf_mask(hierarchy).sum()),
    }


def tickets_summary(tickets: pa.Table, hierarchy: pa.Table) -> dict[str, Any]:
    unknown = pc.invert(pc.is_in(tickets["queueId"], value_set=hierarchy["queueId"]))
    counts = tickets["new_tickets"]
    total = pc.sum(counts).as_py()
    unknown_total = pc.sum(pc.filter(counts, unknown)).as_py() or 0
    return {
        "rows": tickets.num_rows,
        "total_tickets": total,
        "queues": len(pc.unique(tickets["queueId"])),
        "unknown_queue_ids": len(pc.unique(pc.filter(tickets["queueId"], unknown))),
        "unknown_queue_ticket_share": round(unknown_total / total, 4),
        "days": int((PERIOD_END - PERIOD_START).astype(int)) + 1,
    }


def texts_summary(texts: pa.Table) -> dict[str, Any]:
    topics = sorted(pc.value_counts(texts["label"]).to_pylist(), key=lambda t: -t["counts"])
    return {
        "rows": texts.num_rows,
        "topics": {item["values"]: item["counts"] for item in topics},
        "pii_values": pc.sum(pc.list_value_length(texts["pii_values"])).as_py(),
        "pii_note": "pii_values lists each inserted value without its label word "
        "(phone, e-mail, person name, INC-/request number, contract, account)",
    }


def large_table_summary(stats: LargeTableStats | None) -> dict[str, Any] | None:
    if stats is None:
        return None
    return {
        "rows": stats.rows,
        "row_group_rows": stats.row_group_rows,
        "duplicate_ids": stats.duplicate_ids,
        "note": (
            f"about {DUPLICATE_SHARE:.1%} of ids appear twice: a ticket re-submitted later, "
            "same id and text with a later created_at; all other ids are unique"
        ),
    }


def summarise_tables(tables: dict[str, pa.Table]) -> dict[str, Any]:
    """Manifest sections of the small tables, so the tables can be freed early."""
    return {
        "hierarchy": hierarchy_summary(tables["hierarchy"]),
        "tickets": tickets_summary(tables["tickets"], tables["hierarchy"]),
        "ticket_texts": texts_summary(tables["ticket_texts"]),
    }


def build_manifest(
    seed: int, files: DemoFiles, summaries: dict[str, Any], large: LargeTableStats | None
) -> dict[str, Any]:
    """Manifest contents; deterministic for a seed (no wall-clock fields)."""
    return {
        "synthetic": True,
        "generator": GENERATOR_NAME,
        "seed": seed,
        "description": "Synthetic demo data; no real customers, queues or tickets.",
        "date_range": {"start": str(PERIOD_START), "end": str(PERIOD_END)},
        "files": files.names(),
        **summaries,
        "large_table": large_table_summary(large),
    }
