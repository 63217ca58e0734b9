"""The request id of the work in progress, so audit events can name the request that made them."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("opennrm_request_id", default="")
