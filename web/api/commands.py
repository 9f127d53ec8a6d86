"""One way to write an endpoint that changes a case: ``case_command``.

Every such call has the same shape: the case's id in the path, a body (a pydantic command) that
carries the ``expected_version`` its sender last read, the signed-in actor, one service call,
and the same refusals (401, 403, 404, 409 on a stale version, 413, 422), each mapped to its
status by ``web.errors``. ``case_command`` declares the route, the body, the answer and those
responses once, and calls the handler with what it needs::

    @case_command(bp, "POST", "/cases/<int:id>/transitions", body=TakeStep, summary=..., ...)
    def fire_transition(service: Service, actor: Actor, case_id: int, body: TakeStep) -> CaseView:
        return service.take_step(actor, case_id, body)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from apiflask import APIBlueprint
from pydantic import BaseModel

from web.api.auth import current_actor, current_service
from workflow.services.cases import CaseView

AnswerT = TypeVar("AnswerT")
#: ``handler(service, actor, case_id, body, **other_path_parameters)``.
Handler = Callable[..., AnswerT]

#: The refusals of every call on one case.
CASE_RESPONSES: dict[int, str] = {
    401: "Missing or unknown API token",
    404: "No such case, or not one you may see",
}
#: The refusals of every change to a case.
CHANGE_RESPONSES: dict[int, str] = {
    **CASE_RESPONSES,
    403: "Your role may not do this",
    409: "The case changed since you read it (version_conflict)",
    413: "The body is larger than the configured size",
    422: "Invalid input, or the step is blocked (details: every reason) or not available",
}


def case_command(
    bp: APIBlueprint,
    method: str,
    rule: str,
    *,
    body: type[BaseModel],
    summary: str,
    description: str,
    tags: list[str],
    answer: Any = CaseView,
    answer_description: str = "The case, changed",
    responses: Mapping[int, str] | None = None,
    status_code: int = 200,
    location: str = "json",
) -> Callable[[Handler[AnswerT]], Handler[AnswerT]]:
    """Declare ``handler`` as the endpoint ``method rule`` (``rule`` names the case ``<int:id>``)
    taking ``body`` (as JSON; ``location="query"`` for a DELETE) and answering ``answer``;
    ``responses`` add to or reword the usual refusals. The handler is returned as it was, to be
    called from Python too."""

    def declare(handler: Handler[AnswerT]) -> Handler[AnswerT]:
        def view(id: int, body: BaseModel, **path: Any) -> AnswerT:
            return handler(current_service(), current_actor(), id, body, **path)

        # The endpoint is named after the handler (``url_for(".fire_transition")``).
        view.__name__ = view.__qualname__ = handler.__name__
        view.__doc__ = handler.__doc__

        # Wrapped from the inside out, as the decorators would be stacked on a view.
        endpoint: Callable[..., Any] = bp.doc(
            summary=summary,
            description=description,
            tags=tags,
            responses={**CHANGE_RESPONSES, **(responses or {})},
        )(view)
        endpoint = bp.output(answer, status_code=status_code, description=answer_description)(
            endpoint
        )
        endpoint = bp.input(body, location=location, arg_name="body")(endpoint)
        bp.route(rule, methods=[method])(endpoint)
        return handler

    return declare


__all__ = ["CASE_RESPONSES", "CHANGE_RESPONSES", "case_command"]
