"""Labeling stages in a child process: outcomes come back as summaries or domain errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from tasks_support_system_ai.config import S3Settings, Settings
from tasks_support_system_ai.context import AppContext
from tasks_support_system_ai.errors import SupportAIError
from tasks_support_system_ai.job_kinds import LABEL_PART, LABEL_PROCESS, PUBLISH_LABELS
from tasks_support_system_ai.jobs.isolated import run_isolated, settings_json
from tasks_support_system_ai.label_process import _NoPandas


def test_a_missing_job_comes_back_as_its_domain_error(context: AppContext) -> None:
    with pytest.raises(SupportAIError) as error:
        run_isolated(context.settings, LABEL_PROCESS, LABEL_PART, "no-such-job", 0)
    assert error.value.code == "job_not_found"
    assert "no-such-job" in error.value.message
    with pytest.raises(SupportAIError):
        run_isolated(context.settings, LABEL_PROCESS, PUBLISH_LABELS, "no-such-job")


def test_child_refuses_pandas_only() -> None:
    finder = _NoPandas()
    with pytest.raises(ModuleNotFoundError):
        finder.find_spec("pandas.core")
    assert finder.find_spec("pandas_like") is None


def test_settings_reach_the_child_unchanged_with_secrets(tmp_path: Path) -> None:
    s3 = S3Settings(endpoint="minio:9000", access_key="ak", secret_key=SecretStr("s3cr3t"))
    settings = Settings(data_dir=tmp_path, s3=s3, _env_file=None)  # type: ignore[call-arg]
    copy = Settings.model_validate_json(settings_json(settings))
    assert copy == settings
    assert copy.s3.secret_key is not None
    assert copy.s3.secret_key.get_secret_value() == "s3cr3t"


def test_job_records_alone_do_not_load_celery(context: AppContext) -> None:
    code = (
        "import sys\n"
        "from tasks_support_system_ai.config import Settings\n"
        "from tasks_support_system_ai.context import build_context\n"
        "from tasks_support_system_ai.labeling import service as labeling\n"
        "settings = Settings.model_validate_json(sys.stdin.read())\n"
        "build_context(settings).jobs.store.records(limit=1)\n"
        "print('celery' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=settings_json(context.settings),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"
