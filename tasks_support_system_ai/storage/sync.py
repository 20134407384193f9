"""Two-way sync of a local folder with a MinIO/S3 bucket (``support-ai minio-sync``).

Work is split so the decision is testable without a server: listings (local scan, bucket
listing) → :func:`plan_sync`, a pure function returning a :class:`SyncPlan` → :func:`apply_plan`.
A key is the file's ``/``-separated path relative to the local folder, so ``data/demo/x.csv``
is object ``demo/x.csv``. Objects under ``backups/`` belong to push's backups and are never
pulled, pushed, deleted or backed up; a local ``backups/`` folder is ignored for the same reason.
Only data and artifacts are shared: the embedded job queue's folder (``jobs/``: queued messages
and worker control files) is one machine's in-flight work, left out both ways.

Unchanged files are skipped by content, not by timestamp (clocks and mtimes differ between team
members): a plain-MD5 ETag (single-part upload) is compared with the file's MD5; otherwise
(multipart uploads) with the SHA-256 that push stores as ``x-amz-meta-sha256``. Anything that
cannot be proven equal is copied.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import certifi
import urllib3
from minio import Minio
from minio.commonconfig import CopySource
from minio.deleteobjects import DeleteObject
from minio.error import InvalidResponseError, MinioException, S3Error
from minio.helpers import check_bucket_name

from tasks_support_system_ai.config import S3Settings
from tasks_support_system_ai.errors import InvalidInputError, NotFoundError, SupportAIError
from tasks_support_system_ai.storage.base import check_key
from tasks_support_system_ai.storage.s3_client import endpoint_url, make_s3_client

BACKUP_PREFIX = "backups/"
MACHINE_LOCAL_PREFIXES = ("jobs/",)
"""The embedded job queue (``Settings.jobs_dir``): never synced."""
DEFAULT_KEEP_BACKUPS = 5
SHA256_META = "x-amz-meta-sha256"
CONNECT_TIMEOUT_S = 3.0
"""Short, so an unreachable endpoint fails in seconds instead of minio's default 5 minutes."""
READ_TIMEOUT_S = 120.0

_BACKUP_NAME = re.compile(r"^backups/\d{8}T\d{6}\.\d{6}Z/$")
_PLAIN_MD5 = re.compile(r"^[0-9a-f]{32}$")
_AUTH_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "InvalidToken",
    "ExpiredToken",
    "InvalidClientTokenId",
}
_TEMP_SUFFIXES = (".part.minio",)  # fget_object's partial downloads
_TEMP_PREFIXES = (".tmp-",)  # LocalObjectStore's atomic writes
_CHUNK = 1024 * 1024

ProgressCallback = Callable[[str, int], None]
"""Called with (key, bytes transferred since the last call); 0 bytes marks a file's start."""


# --- errors ---------------------------------------------------------------------------------


class SyncError(SupportAIError):
    """The sync could not be carried out; nothing after the failing step was changed."""

    code = "sync_failed"


class S3AuthError(SyncError):
    """The server rejected the access key / secret key (or they may not use the bucket)."""

    code = "s3_auth_failed"


class BucketNotFoundError(NotFoundError):
    code = "s3_bucket_not_found"


class S3UnreachableError(SyncError):
    """No S3 server answered at the endpoint (refused, timed out, DNS, TLS)."""

    code = "s3_unreachable"


class LocalDirNotFoundError(NotFoundError):
    code = "local_dir_not_found"


# --- listings -------------------------------------------------------------------------------


class Direction(StrEnum):
    PULL = "pull"
    PUSH = "push"


@dataclass(frozen=True)
class LocalFile:
    """A file under the local folder; digests are filled only where they decide something."""

    key: str
    size: int
    md5: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class RemoteObject:
    key: str
    size: int
    etag: str
    sha256: str | None = None

    @property
    def plain_md5(self) -> str | None:
        """The ETag when it is the content's MD5 (single-part, unencrypted upload)."""
        etag = self.etag.strip('"').lower()
        return etag if _PLAIN_MD5.match(etag) else None


@dataclass(frozen=True)
class Remote:
    """A bucket on a server; ``endpoint`` is the URL used in messages."""

    client: Minio
    bucket: str
    endpoint: str


def same_content(local: LocalFile, remote: RemoteObject) -> bool:
    """True only when equality is proven; unknown digests count as different."""
    if local.size != remote.size:
        return False
    if remote.plain_md5 is not None:
        return local.md5 == remote.plain_md5
    return remote.sha256 is not None and local.sha256 == remote.sha256


def file_digests(path: Path) -> tuple[str, str]:
    """(MD5, SHA-256) hex digests in one read of the file."""
    md5 = hashlib.md5(usedforsecurity=False)
    sha256 = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            md5.update(chunk)
            sha256.update(chunk)
    return md5.hexdigest(), sha256.hexdigest()


def normalise_prefix(prefix: str) -> str:
    """Keys filter; the backup area cannot be synced, so a prefix inside it is rejected."""
    prefix = prefix.lstrip("/")
    if ".." in prefix.split("/") or prefix.startswith(BACKUP_PREFIX):
        raise InvalidInputError(
            f"Invalid prefix {prefix!r}: it must not contain '..' or start with {BACKUP_PREFIX!r}",
            code="invalid_prefix",
        )
    return prefix


def _selected(key: str, prefix: str, exclude: Sequence[str]) -> bool:
    return (
        key.startswith(prefix)
        and not key.startswith((BACKUP_PREFIX, *MACHINE_LOCAL_PREFIXES))
        and not any(fnmatch.fnmatchcase(key, pattern) for pattern in exclude)
    )


def _is_temp(name: str) -> bool:
    return name.startswith(_TEMP_PREFIXES) or name.endswith(_TEMP_SUFFIXES)


def scan_local(root: Path, prefix: str = "", exclude: Sequence[str] = ()) -> dict[str, LocalFile]:
    """Regular files under ``root`` (symlinked folders are not followed), without digests."""
    start = root / prefix.rpartition("/")[0]
    files: dict[str, LocalFile] = {}
    for folder, dirs, names in os.walk(start):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder, name)
            key = path.relative_to(root).as_posix()
            if not _is_temp(name) and path.is_file() and _selected(key, prefix, exclude):
                files[key] = LocalFile(key, path.stat().st_size)
    return files


def _sha256_meta(metadata: Mapping[str, str] | None) -> str | None:
    for name, value in (metadata or {}).items():
        if name.lower() in (SHA256_META, "sha256"):
            return value
    return None


def list_remote(
    remote: Remote, prefix: str = "", exclude: Sequence[str] = ()
) -> dict[str, RemoteObject]:
    """Objects in the bucket, backups excluded; MinIO also returns user metadata here."""
    listing = remote.client.list_objects(
        remote.bucket, prefix=prefix or None, recursive=True, include_user_meta=True
    )
    objects: dict[str, RemoteObject] = {}
    for item in listing:
        key = item.object_name
        if key and not item.is_dir and _selected(key, prefix, exclude):
            objects[key] = RemoteObject(
                key, item.size or 0, item.etag or "", _sha256_meta(item.metadata)
            )
    return objects


def list_backups(remote: Remote) -> list[str]:
    """Backup prefixes written by push, oldest first (the names sort chronologically)."""
    listing = remote.client.list_objects(remote.bucket, prefix=BACKUP_PREFIX, recursive=False)
    return sorted(
        o.object_name for o in listing if o.object_name and _BACKUP_NAME.match(o.object_name)
    )


def fill_digests(
    remote: Remote, root: Path, local: dict[str, LocalFile], objects: dict[str, RemoteObject]
) -> None:
    """Hash only files whose counterpart has the same size; stat only multipart objects.

    Everything else is decided by size alone, so a sync of an unchanged folder reads each file
    once and a sync of a changed one does not read the changed files at all before copying.
    """
    for key in sorted(local.keys() & objects.keys()):
        obj = objects[key]
        if local[key].size != obj.size:
            continue
        md5, sha256 = file_digests(root / key)
        local[key] = replace(local[key], md5=md5, sha256=sha256)
        if obj.plain_md5 is None and obj.sha256 is None:
            stat = remote.client.stat_object(remote.bucket, key)
            objects[key] = replace(obj, sha256=_sha256_meta(stat.metadata))


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    key: str
    size: int


@dataclass(frozen=True)
class SyncPlan:
    """What one pull/push will do; ``--dry-run`` prints it instead of applying it."""

    direction: Direction
    prefix: str = ""
    copy: tuple[Transfer, ...] = ()
    skip: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    """Only at the destination and left alone, because ``delete`` was not asked for."""
    backup: str | None = None
    backup_keys: tuple[str, ...] = ()
    expire: tuple[str, ...] = ()
    create_bucket: bool = False

    @property
    def copy_bytes(self) -> int:
        return sum(t.size for t in self.copy)

    @property
    def changes_files(self) -> bool:
        return bool(self.copy or self.delete)


@dataclass(frozen=True)
class SyncReport:
    """What was done; equal to the plan's counts, because a failure raises instead."""

    direction: Direction
    copied: int
    skipped: int
    deleted: int
    bytes: int
    backup: str | None = None
    backed_up: int = 0
    expired: tuple[str, ...] = ()


def backup_name(now: datetime) -> str:
    """``backups/<UTC timestamp>/``; fixed width, so name order is time order."""
    return f"{BACKUP_PREFIX}{now.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}/"


def plan_sync(
    direction: Direction,
    local: Mapping[str, LocalFile],
    remote: Mapping[str, RemoteObject],
    *,
    delete: bool = False,
    prefix: str = "",
    backups: Sequence[str] = (),
    keep_backups: int = DEFAULT_KEEP_BACKUPS,
    new_backup: str | None = None,
    create_bucket: bool = False,
) -> SyncPlan:
    """Decide every key's fate from the two listings; no I/O.

    A push backs the bucket up only when it will change something and the bucket had something
    to keep, so repeating a push (or a first push into an empty bucket) makes no backup. The
    retention (``keep_backups`` newest) is applied on every push, and never to the backup the
    push itself makes.
    """
    if keep_backups < 1:
        raise InvalidInputError("keep_backups must be at least 1", code="invalid_keep_backups")
    push = direction is Direction.PUSH
    source: Mapping[str, LocalFile | RemoteObject] = local if push else remote
    target: Mapping[str, LocalFile | RemoteObject] = remote if push else local
    copy: list[Transfer] = []
    skip: list[str] = []
    for key in sorted(source):
        if key in local and key in remote and same_content(local[key], remote[key]):
            skip.append(key)
        else:
            copy.append(Transfer(key, source[key].size))
    extra = tuple(sorted(target.keys() - source.keys()))
    plan = SyncPlan(
        direction,
        prefix,
        tuple(copy),
        tuple(skip),
        delete=extra if delete else (),
        kept=() if delete else extra,
        create_bucket=create_bucket,
    )
    return _with_backups(plan, remote, backups, keep_backups, new_backup) if push else plan


def _with_backups(
    plan: SyncPlan,
    remote: Mapping[str, RemoteObject],
    backups: Sequence[str],
    keep: int,
    new_backup: str | None,
) -> SyncPlan:
    backup = new_backup if plan.changes_files and remote and new_backup else None
    names = sorted({*backups, *([backup] if backup else [])})
    expire = tuple(name for name in names[:-keep] if name != backup)
    keys = tuple(sorted(remote)) if backup else ()
    return replace(plan, backup=backup, backup_keys=keys, expire=expire)


# --- connecting and error mapping ------------------------------------------------------------


def _http_pool() -> urllib3.PoolManager:
    """minio's defaults, except a short connect timeout and a single connect retry."""
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT_S, read=READ_TIMEOUT_S),
        maxsize=10,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=urllib3.Retry(
            total=3, connect=1, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]
        ),
    )


def connect(s3: S3Settings) -> Remote:
    """A client for the configured server; makes no request yet."""
    client = make_s3_client(s3, http_client=_http_pool())  # checks the endpoint first
    try:
        check_bucket_name(s3.bucket)
    except ValueError as exc:
        raise InvalidInputError(
            f"Invalid bucket name {s3.bucket!r}: {exc}", code="invalid_bucket_name"
        ) from None
    return Remote(client, s3.bucket, endpoint_url(s3))


def _network_reason(exc: BaseException) -> str:
    cause: BaseException | None = (
        exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
    )
    if isinstance(cause, urllib3.exceptions.SSLError):
        return "TLS handshake failed (is --secure/--insecure right?)"
    if isinstance(cause, urllib3.exceptions.ConnectTimeoutError) and not isinstance(
        cause, urllib3.exceptions.NewConnectionError
    ):
        return f"no answer within {CONNECT_TIMEOUT_S:g} s"
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
        cause = cause.__cause__ or cause.__context__
    return type(exc).__name__


def translate_s3_error(exc: S3Error, remote: Remote) -> SupportAIError:
    """An S3 error code → the domain error a person can act on."""
    if exc.code in _AUTH_CODES:
        return S3AuthError(
            f"{remote.endpoint} rejected the credentials for bucket {remote.bucket!r} "
            f"({exc.code}): check the access key and secret key"
        )
    if exc.code == "NoSuchBucket":
        return BucketNotFoundError(f"Bucket {remote.bucket!r} does not exist at {remote.endpoint}")
    return SyncError(f"{remote.endpoint}: S3 error {exc.code}: {exc.message}", code="s3_error")


@contextmanager
def _errors(remote: Remote) -> Iterator[None]:
    """Map SDK, network and local-disk failures to domain errors, raised once, here."""
    try:
        yield
    except S3Error as exc:
        raise translate_s3_error(exc, remote) from exc
    except InvalidResponseError as exc:
        message = f"{remote.endpoint} did not answer like an S3 server: {exc}"
        raise S3UnreachableError(message.splitlines()[0]) from exc
    except MinioException as exc:
        raise SyncError(f"{remote.endpoint}: {exc}", code="s3_error") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise S3UnreachableError(
            f"Cannot reach the S3 endpoint {remote.endpoint}: {_network_reason(exc)}"
        ) from exc
    except OSError as exc:
        raise SyncError(f"Local file error: {exc}", code="local_io_error") from exc


def _require_bucket(remote: Remote, *, allow_missing: bool = False) -> bool:
    """Whether the bucket exists; missing is an error unless the caller will create it."""
    exists = remote.client.bucket_exists(remote.bucket)
    if not exists and not allow_missing:
        raise BucketNotFoundError(f"Bucket {remote.bucket!r} does not exist at {remote.endpoint}")
    return exists


# --- planning against real listings -----------------------------------------------------------


def plan_pull(
    remote: Remote,
    root: Path,
    *,
    prefix: str = "",
    delete: bool = False,
    exclude: Sequence[str] = (),
) -> SyncPlan:
    """Plan downloading the bucket (or ``prefix``) into ``root``; ``root`` may not exist yet."""
    prefix = normalise_prefix(prefix)
    with _errors(remote):
        _require_bucket(remote)
        objects = list_remote(remote, prefix, exclude)
        for key in objects:
            check_key(key)  # a key like "../x" must never be written outside root
        local = scan_local(root, prefix, exclude) if root.is_dir() else {}
        fill_digests(remote, root, local, objects)
    return plan_sync(Direction.PULL, local, objects, delete=delete, prefix=prefix)


def plan_push(
    remote: Remote,
    root: Path,
    *,
    prefix: str = "",
    delete: bool = False,
    exclude: Sequence[str] = (),
    keep_backups: int = DEFAULT_KEEP_BACKUPS,
    create_bucket: bool = False,
    now: datetime | None = None,
) -> SyncPlan:
    """Plan uploading ``root`` (or ``prefix`` of it), backing up the bucket's previous state."""
    prefix = normalise_prefix(prefix)
    if not root.is_dir():
        raise LocalDirNotFoundError(f"Local folder {root} does not exist")
    with _errors(remote):
        exists = _require_bucket(remote, allow_missing=create_bucket)
        objects = list_remote(remote, prefix, exclude) if exists else {}
        backups = list_backups(remote) if exists else []
        local = scan_local(root, prefix, exclude)
        fill_digests(remote, root, local, objects)
    return plan_sync(
        Direction.PUSH,
        local,
        objects,
        delete=delete,
        prefix=prefix,
        backups=backups,
        keep_backups=keep_backups,
        new_backup=backup_name(now or datetime.now(UTC)),
        create_bucket=not exists,
    )


# --- applying ---------------------------------------------------------------------------------


class _MinioProgress:
    """Adapts minio's ``progress`` object protocol to a plain callback."""

    def __init__(self, key: str, callback: ProgressCallback) -> None:
        self.key = key
        self.callback = callback

    def set_meta(self, object_name: str, total_length: int) -> None:
        self.callback(self.key, 0)

    def update(self, length: int) -> None:
        self.callback(self.key, length)


def _progress(key: str, callback: ProgressCallback | None) -> _MinioProgress | None:
    return _MinioProgress(key, callback) if callback else None


def _remove_objects(remote: Remote, keys: Iterable[str]) -> None:
    errors = list(remote.client.remove_objects(remote.bucket, (DeleteObject(k) for k in keys)))
    if errors:
        first = errors[0]
        raise SyncError(
            f"Could not delete {len(errors)} object(s), e.g. {first.name!r}: {first.message}",
            code="s3_delete_failed",
        )


def _backup(remote: Remote, plan: SyncPlan) -> None:
    for key in plan.backup_keys:
        source = CopySource(remote.bucket, key)
        remote.client.copy_object(remote.bucket, f"{plan.backup}{key}", source)


def _expire(remote: Remote, backups: Sequence[str]) -> None:
    for prefix in backups:
        listing = remote.client.list_objects(remote.bucket, prefix=prefix, recursive=True)
        _remove_objects(remote, [o.object_name for o in listing if o.object_name])


def _push(remote: Remote, root: Path, plan: SyncPlan, progress: ProgressCallback | None) -> None:
    if plan.create_bucket:
        remote.client.make_bucket(remote.bucket)
    if plan.backup:
        _backup(remote, plan)
    for item in plan.copy:
        path = root / item.key
        _, sha256 = file_digests(path)
        remote.client.fput_object(
            remote.bucket,
            item.key,
            str(path),
            metadata={"sha256": sha256},
            progress=_progress(item.key, progress),
        )
    _remove_objects(remote, plan.delete)
    _expire(remote, plan.expire)


def _prune_empty_dirs(root: Path, folder: Path) -> None:
    while folder != root and folder.is_relative_to(root) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _pull(remote: Remote, root: Path, plan: SyncPlan, progress: ProgressCallback | None) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for item in plan.copy:
        target = root / check_key(item.key)
        remote.client.fget_object(
            remote.bucket, item.key, str(target), progress=_progress(item.key, progress)
        )
    for key in plan.delete:
        path = root / check_key(key)
        path.unlink(missing_ok=True)
        _prune_empty_dirs(root, path.parent)


def apply_plan(
    remote: Remote, root: Path, plan: SyncPlan, progress: ProgressCallback | None = None
) -> SyncReport:
    """Carry out a plan: push = create bucket, back up, upload, delete, expire old backups.

    The backup comes first so an interrupted push never loses the previous state; old backups
    are expired last, only after the new state is complete.
    """
    with _errors(remote):
        if plan.direction is Direction.PUSH:
            _push(remote, root, plan, progress)
        else:
            _pull(remote, root, plan, progress)
    return SyncReport(
        plan.direction,
        copied=len(plan.copy),
        skipped=len(plan.skip),
        deleted=len(plan.delete),
        bytes=plan.copy_bytes,
        backup=plan.backup,
        backed_up=len(plan.backup_keys),
        expired=plan.expire,
    )
