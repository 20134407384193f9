"""Sign-in for the dashboard (name + password → a session key), sign-out and "who am I"."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from tasks_support_system_ai.api.deps import ContextDep
from tasks_support_system_ai.api.schemas.auth import LoginOut, LoginRequest, WhoAmI
from tasks_support_system_ai.api.schemas.common import ERROR_RESPONSES, ErrorResponse
from tasks_support_system_ai.auth import Principal
from tasks_support_system_ai.auth.key_format import display_prefix
from tasks_support_system_ai.errors import AuthenticationError, ConflictError, RateLimitedError

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=ERROR_RESPONSES)
LOGIN_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorResponse, "description": "Unknown user name or wrong password"},
    403: {"model": ErrorResponse, "description": "Cross-origin sign-in refused"},
    429: {"model": ErrorResponse, "description": "Too many attempts; see Retry-After"},
}


def principal_of(request: Request) -> Principal | None:
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal


@router.post("/login", response_model=LoginOut, responses=LOGIN_ERRORS)
async def login(context: ContextDep, request: Request, body: LoginRequest) -> LoginOut:
    """Exchange a user's name and password for a session key (expires after
    ``SUPPORT_AI_SESSION_TTL_MINUTES``). Attempts are limited per address and name."""
    auth = context.auth
    address = request.client.host if request.client else "unknown"
    limit = context.settings.login_attempts_per_minute
    retry_after = await auth.limiter.hit(f"login:{address}:{body.username}", limit)
    if retry_after is None:
        retry_after = await auth.limiter.hit(f"login:{address}", limit * 5)
    if retry_after is not None:
        raise RateLimitedError(
            f"Too many sign-in attempts; retry in {retry_after} s", retry_after_s=retry_after
        )
    record, key, user = await run_in_threadpool(auth.sign_in, body.username, body.password)
    return LoginOut(
        api_key=key, expires_at=record.expires_at, scope=user.scope, username=user.username
    )


@router.post(
    "/logout",
    status_code=204,
    responses={409: {"model": ErrorResponse, "description": "The key is not a sign-in session"}},
)
async def logout(context: ContextDep, request: Request) -> None:
    """End the sign-in session this request was made with (API keys are revoked by an admin)."""
    principal = principal_of(request)
    if principal is None:  # only with authentication turned off
        raise AuthenticationError("Sign out needs the session key", code="api_key_required")
    if principal.kind != "session":
        raise ConflictError("This key is not a sign-in session", code="not_a_session")
    await run_in_threadpool(context.auth.revoke_key, principal.key_id)


@router.get("/whoami", response_model=WhoAmI)
async def whoami(context: ContextDep, request: Request) -> WhoAmI:
    """The caller's key and scope, and whether reads are public (the dashboard asks this)."""
    principal = principal_of(request)
    settings = context.settings
    common = {"auth_enabled": settings.auth_enabled, "public_reads": settings.public_reads}
    if principal is None:
        return WhoAmI(authenticated=False, scope=None, **common)
    return WhoAmI(
        authenticated=True,
        scope=principal.scope,
        key_prefix=display_prefix(principal.key_id),
        key_name=principal.key_name,
        kind=principal.kind,
        user_id=principal.user_id,
        **common,
    )
