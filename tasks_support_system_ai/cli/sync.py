"""``support-ai minio-sync pull|push``: share the data folder through a MinIO/S3 bucket."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from tasks_support_system_ai.config import S3Settings, get_settings
from tasks_support_system_ai.errors import SupportAIError
from tasks_support_system_ai.storage import sync
from tasks_support_system_ai.storage.sync import Direction, ProgressCallback, SyncPlan, SyncReport

app = typer.Typer(
    help="Pull/push the local data folder from/to a MinIO/S3 bucket; unchanged files are skipped.",
    no_args_is_help=True,
)
console = Console()
progress_console = Console(stderr=True)

LocalDir = Annotated[
    Path | None,
    typer.Option("--dir", file_okay=False, help="local folder [default: <data_dir>, ./data]"),
]
Prefix = Annotated[str, typer.Option(help="only keys starting with this, e.g. demo/")]
Exclude = Annotated[
    list[str] | None,
    typer.Option("--exclude", help="glob on keys to leave out, e.g. '*.db' (repeatable)"),
]
Delete = Annotated[bool, typer.Option("--delete", help="remove what the source does not have")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="print the plan, change nothing")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bars")]
Endpoint = Annotated[
    str | None,
    typer.Option(help="host:port or http(s)://host:port [default: SUPPORT_AI_S3_ENDPOINT]"),
]
Bucket = Annotated[str | None, typer.Option(help="[default: SUPPORT_AI_S3_BUCKET]")]
AccessKey = Annotated[str | None, typer.Option(help="[default: SUPPORT_AI_S3_ACCESS_KEY]")]
SecretKey = Annotated[str | None, typer.Option(help="[default: SUPPORT_AI_S3_SECRET_KEY]")]
Secure = Annotated[
    bool | None, typer.Option("--secure/--insecure", help="HTTPS [default: SUPPORT_AI_S3_SECURE]")
]


def fail(exc: SupportAIError) -> typer.Exit:
    """Like ``cli.data.fail``, but never wrapped: the error stays one line in narrow terminals."""
    console.print(
        f"[red]error[/red] {escape(f'[{exc.code}]')} {escape(exc.message)}", soft_wrap=True
    )
    return typer.Exit(code=2)


def _quiet_retries() -> None:
    """urllib3 logs every retry as a WARNING; the one error line already says what failed."""
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)


def _remote(
    endpoint: str | None,
    bucket: str | None,
    access_key: str | None,
    secret_key: str | None,
    secure: bool | None,
) -> sync.Remote:
    """Settings from the environment, overridden by whichever options were given."""
    _quiet_retries()
    overrides = {
        "endpoint": endpoint,
        "bucket": bucket,
        "access_key": access_key,
        "secret_key": SecretStr(secret_key) if secret_key is not None else None,
        "secure": secure,
    }
    s3: S3Settings = get_settings().s3.model_copy(
        update={k: v for k, v in overrides.items() if v is not None}
    )
    return sync.connect(s3)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def _show_plan(plan: SyncPlan, remote: sync.Remote, root: Path) -> None:
    """Every change, one per line; unchanged files only as a count."""
    verb = "upload" if plan.direction is Direction.PUSH else "download"
    where = f"{root} ↔ s3://{remote.bucket}/{plan.prefix}"
    console.print(f"Plan ({plan.direction.value} {escape(where)}):", soft_wrap=True)
    if plan.create_bucket:
        console.print(f"  create bucket {escape(remote.bucket)}")
    if plan.backup:
        console.print(f"  backup   {len(plan.backup_keys)} object(s) → {escape(plan.backup)}")
    for item in plan.copy:
        console.print(f"  {verb:<8} {escape(item.key)} ({_size(item.size)})", soft_wrap=True)
    for key in plan.delete:
        console.print(f"  delete   {escape(key)}", soft_wrap=True)
    for name in plan.expire:
        console.print(f"  expire   old backup {escape(name)}")
    console.print(
        f"{len(plan.copy)} to {verb} ({_size(plan.copy_bytes)}), {len(plan.skip)} unchanged, "
        f"{len(plan.delete)} to delete, {len(plan.kept)} only at the destination (kept)"
    )
    console.print("Dry run: nothing was changed.")


@contextmanager
def _progress_bar(plan: SyncPlan, quiet: bool) -> Iterator[ProgressCallback | None]:
    """One byte-counting bar for the whole transfer, on stderr."""
    if quiet or not plan.copy:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    verb = "uploading" if plan.direction is Direction.PUSH else "downloading"
    with Progress(*columns, console=progress_console) as bar:
        task = bar.add_task(verb, total=plan.copy_bytes)

        def advance(key: str, nbytes: int) -> None:
            bar.update(task, advance=nbytes, description=f"{verb} {escape(key)}")

        yield advance


def _summary(report: SyncReport, where: str) -> None:
    verb = "uploaded" if report.direction is Direction.PUSH else "downloaded"
    line = (
        f"{where}: {report.copied} {verb} ({_size(report.bytes)}), "
        f"{report.skipped} unchanged skipped, {report.deleted} deleted"
    )
    if report.backup:
        line += f"; backup {report.backup} ({report.backed_up} objects)"
    if report.expired:
        line += f"; {len(report.expired)} old backup(s) removed"
    console.print(escape(line), soft_wrap=True)


def _run(plan: SyncPlan, remote: sync.Remote, root: Path, dry_run: bool, quiet: bool) -> None:
    if dry_run:
        _show_plan(plan, remote, root)
        return
    with _progress_bar(plan, quiet) as progress:
        report = sync.apply_plan(remote, root, plan, progress)
    arrow = "→" if plan.direction is Direction.PUSH else "←"
    _summary(report, f"{root} {arrow} s3://{remote.bucket}/{plan.prefix}")


@app.command()
def pull(
    *,
    local_dir: LocalDir = None,
    prefix: Prefix = "",
    exclude: Exclude = None,
    delete: Delete = False,
    dry_run: DryRun = False,
    quiet: Quiet = False,
    endpoint: Endpoint = None,
    bucket: Bucket = None,
    access_key: AccessKey = None,
    secret_key: SecretKey = None,
    secure: Secure = None,
) -> None:
    """Download the bucket into the local folder; files already identical are not fetched."""
    root = local_dir or get_settings().data_dir
    try:
        remote = _remote(endpoint, bucket, access_key, secret_key, secure)
        plan = sync.plan_pull(remote, root, prefix=prefix, delete=delete, exclude=exclude or ())
        _run(plan, remote, root, dry_run, quiet)
    except SupportAIError as exc:
        raise fail(exc) from None


@app.command()
def push(
    *,
    local_dir: LocalDir = None,
    prefix: Prefix = "",
    exclude: Exclude = None,
    delete: Delete = False,
    keep_backups: Annotated[
        int, typer.Option(min=1, help="backups/<UTC time>/ snapshots to retain")
    ] = sync.DEFAULT_KEEP_BACKUPS,
    create_bucket: Annotated[bool, typer.Option(help="create the bucket if missing")] = False,
    dry_run: DryRun = False,
    quiet: Quiet = False,
    endpoint: Endpoint = None,
    bucket: Bucket = None,
    access_key: AccessKey = None,
    secret_key: SecretKey = None,
    secure: Secure = None,
) -> None:
    """Upload the local folder; the bucket's previous state is kept under backups/ first.

    Nothing changed → nothing uploaded and no new backup.
    """
    root = local_dir or get_settings().data_dir
    try:
        remote = _remote(endpoint, bucket, access_key, secret_key, secure)
        plan = sync.plan_push(
            remote,
            root,
            prefix=prefix,
            delete=delete,
            exclude=exclude or (),
            keep_backups=keep_backups,
            create_bucket=create_bucket,
        )
        _run(plan, remote, root, dry_run, quiet)
    except SupportAIError as exc:
        raise fail(exc) from None
