"""The queue hierarchy: an immutable tree with O(1) structural queries."""

from tasks_support_system_ai.hierarchy.tree import ROOT_ID, QueueTree

__all__ = ["ROOT_ID", "QueueTree"]
