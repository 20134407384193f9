"""Request dependencies: the process context and the loaded data."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tasks_support_system_ai.context import AppContext
from tasks_support_system_ai.datasets.active import LoadedData


def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


def get_data(context: Annotated[AppContext, Depends(get_context)]) -> LoadedData:
    return context.active.current()


ContextDep = Annotated[AppContext, Depends(get_context)]
DataDep = Annotated[LoadedData, Depends(get_data)]
