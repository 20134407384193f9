"""Shapes shared by every part of the API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class BaseResponse(BaseModel):
    status: str | bool
    message: str


class ErrorResponse(BaseModel):
    status: str = "error"
    code: str
    message: str
    details: dict[str, Any] | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Unknown queue, dataset version or model"},
    422: {"model": ErrorResponse, "description": "Invalid parameters or file"},
    503: {"model": ErrorResponse, "description": "No data loaded yet"},
}
