"""Shapes shared by every part of the API."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class BaseResponse(BaseModel):
    status: str | bool
    message: str


class ErrorResponse(BaseModel):
    status: str = "error"
    code: str
    message: str
    details: dict[str, Any] | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Malformed request"},
    404: {"model": ErrorResponse, "description": "Unknown queue, dataset version, model or job"},
    409: {"model": ErrorResponse, "description": "Not in a state that allows it (e.g. training)"},
    413: {"model": ErrorResponse, "description": "Body, file or stored-data quota too large"},
    422: {"model": ErrorResponse, "description": "Invalid parameters or file"},
    429: {"model": ErrorResponse, "description": "Too many expensive requests at once (busy)"},
    502: {"model": ErrorResponse, "description": "A configured source could not be reached"},
    503: {"model": ErrorResponse, "description": "No data loaded yet"},
}


class Page(BaseModel):
    """``limit`` and ``offset`` of a list route (newest first everywhere)."""

    limit: int = Field(1000, ge=1, le=1000, description="at most this many items")
    offset: int = Field(0, ge=0, le=2**31, description="skip this many items first")

    def of(self, items: list[T]) -> list[T]:
        return items[self.offset : self.offset + self.limit]
