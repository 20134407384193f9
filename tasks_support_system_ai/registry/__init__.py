"""Model registry: versions, status, stages and safe (skops) artifacts."""

from tasks_support_system_ai.registry.artifacts import dump_artifact, load_artifact
from tasks_support_system_ai.registry.store import STAGES, ModelRecord, ModelRegistry

__all__ = ["STAGES", "ModelRecord", "ModelRegistry", "dump_artifact", "load_artifact"]
