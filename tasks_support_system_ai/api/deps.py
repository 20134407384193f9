"""Request dependencies: the process context and the loaded data.

They are ``async def`` on purpose: FastAPI runs plain ``def`` dependencies in a thread pool,
and those hops cost more than the analytics they feed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tasks_support_system_ai.context import AppContext
from tasks_support_system_ai.datasets.active import LoadedData


async def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


async def get_data(context: Annotated[AppContext, Depends(get_context)]) -> LoadedData:
    return context.active.current()


ContextDep = Annotated[AppContext, Depends(get_context)]
DataDep = Annotated[LoadedData, Depends(get_data)]
