"""The OpenAPI document says what the API really answers: errors, enums, one name per schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from ninja import Schema

from opennrm.api.api import api
from opennrm.api.common import ProblemOpenAPISchema

DECLARED_ERRORS = {"400", "401", "403", "404", "409", "422"}


@pytest.fixture(scope="module")
def document() -> dict:
    return api.get_openapi_schema()


def _operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def test_every_operation_declares_its_problem_responses(document):
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        missing = DECLARED_ERRORS - set(map(str, responses))
        assert not missing, (method, path, missing)
        for status in DECLARED_ERRORS:
            content = responses[int(status)]["content"]
            assert list(content) == ["application/problem+json"], (method, path, status)
            ref = content["application/problem+json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Problem"
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "code", "detail", "errors"} <= set(problem["properties"])


def test_operation_ids_and_paths_are_those_clients_know(document):
    """Splitting a module must not rename an operation: generated clients call them by id."""
    known = Path(__file__).with_name("operations.txt").read_text().split("\n")
    now = sorted(
        f"{method.upper()} {path} {operation['operationId']}"
        for method, path, operation in _operations(document)
    )
    assert now == [line for line in known if line]


def test_schema_names_are_unique():
    """django-ninja keeps the last of two schemas of one name: the document refuses that."""
    seen: dict[str, type] = {}
    clashes = []
    for operation in (op for path in api._routers for op in _router_operations(path[1])):
        for model in _models_of(operation):
            other = seen.setdefault(model.__name__, model)
            if other is not model and not _paged(model):
                clashes.append((model.__qualname__, model.__module__, other.__module__))
    assert clashes == []


def test_two_schemas_of_one_name_are_refused():
    class One(Schema):
        a: int

    class Two(Schema):
        b: str

    schema = ProblemOpenAPISchema.__new__(ProblemOpenAPISchema)
    schema.schemas = {}
    schema.add_schema_definitions({"Same": One.model_json_schema()})
    with pytest.raises(ValueError, match="Same"):
        schema.add_schema_definitions({"Same": Two.model_json_schema()})


def test_case_history_is_documented_as_the_case_history(document):
    operation = document["paths"]["/api/v1/cases/{case_id}/history"]["get"]
    page = operation["responses"][200]["content"]["application/json"]["schema"]["$ref"]
    page_schema = document["components"]["schemas"][page.rsplit("/", 1)[1]]
    item = page_schema["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[1]
    assert item == "CaseHistoryEventOut"
    properties = document["components"]["schemas"][item]["properties"]
    # The case history names the object changed; the referral history names the organization.
    assert {"object_type", "object_id"} <= set(properties)
    assert "organization_name" not in properties
    referral = document["paths"]["/api/v1/referrals/{referral_id}/history"]["get"]
    schema = referral["responses"][200]["content"]["application/json"]["schema"]
    assert "ReferralHistoryEventOut" in str(schema)


def test_choice_fields_are_enums(document):
    schemas = document["components"]["schemas"]

    def values(schema_name: str, field: str) -> list[str]:
        prop = schemas[schema_name]["properties"][field]
        for option in [prop, *prop.get("anyOf", [])]:
            if "$ref" in option:
                option = schemas[option["$ref"].rsplit("/", 1)[1]]
            if "enum" in option:
                return option["enum"]
            if option.get("type") == "array" and "enum" in option["items"]:
                return option["items"]["enum"]
        raise AssertionError(f"{schema_name}.{field} is not an enum: {prop}")

    assert "Active" in values("CaseOut", "status")
    assert values("DecisionProposeIn", "stage") == ["presumed", "identified"]
    assert "planned" in values("ServiceIn", "status")
    assert "Feminine" in values("PersonOut", "gender")
    assert "" in values("CaseOut", "forced_labour_industry")  # may be left unset
    assert "PhysicalThreats" in values("CaseOut", "methods_of_control")  # a list of them


def _router_operations(router):
    for path_view in router.path_operations.values():
        yield from path_view.operations


def _models_of(operation):
    for model in operation.response_models.values():
        if isinstance(model, type):
            for field in model.model_fields.values():
                yield from _nested(field.annotation)
    for model in operation.models:
        for field in model.model_fields.values():
            yield from _nested(field.annotation)


def _nested(annotation, depth: int = 0):
    if depth > 6 or annotation is None:
        return
    if isinstance(annotation, type) and issubclass(annotation, Schema):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _nested(field.annotation, depth + 1)
        return
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _nested(arg, depth + 1)


def _paged(model: type) -> bool:
    return model.__name__.startswith("Paged") or model.__name__.endswith("Response")
