"""Writes one instance of each Trophy application type of the official SDK, every field set.

    python -m pip install trophy==1.27.0
    python scripts/sdk-compat/trophy_sdk_instances.py fixtures/trophy/sdk

For the response types of the 27 application methods, the 18 webhook payloads and the two
user request bodies, the script reads the SDK's own type declarations (field names, aliases,
types) and builds a JSON object with every declared field, optional ones included, each
validated by the SDK before it is written. crates/trophy/tests/fixtures.rs decodes each into the
client's model and checks that no field is lost on the way back to JSON: a field the SDK
declares and the client does not model fails it.
"""

import datetime as dt
import json
import os
import sys
import typing

import pydantic
import trophy.types as T
from trophy.core.pydantic_utilities import parse_obj_as
from trophy.leaderboards.types import LeaderboardsAllResponseItem
from trophy.users.types import UsersMetricEventSummaryResponseItem, UsersPointsEventSummaryResponseItem

# SDK type -> the file it is written to. The Rust test knows which model reads each one.
RESPONSES = [
    T.AchievementWithStatsResponse,
    T.AchievementCompletionResponse,
    T.EventResponse,
    T.User,
    T.UserPreferencesResponse,
    T.MetricResponse,
    UsersMetricEventSummaryResponseItem,
    UsersPointsEventSummaryResponseItem,
    T.UserAchievementWithStatsResponse,
    T.StreakResponse,
    T.BulkStreakResponseItem,
    T.GetUserPointsResponse,
    T.PointsBoost,
    T.UserLeaderboardResponseWithHistory,
    T.WrappedResponse,
    T.PointsRange,
    T.PointsSystemResponse,
    T.PointsLevel,
    T.PointsLevelSummaryResponseItem,
    LeaderboardsAllResponseItem,
    T.LeaderboardResponseWithRankings,
]
WEBHOOKS = [
    getattr(T, name)
    for name in sorted(dir(T))
    if name.startswith("Webhooks") and name.endswith("Payload")
]
REQUESTS = [T.UpsertedUser, T.UpdatedUser]

# Fields the SDK types as `str` that hold a calendar date (the spec says `format: date`).
DATE_FIELDS = {"date", "start", "end", "started", "periodStart", "periodEnd", "expires", "signUpDate"}


def value(annotation, name):
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union:
        concrete = [a for a in args if a is not type(None) and a is not typing.Any]
        return value(concrete[0], name)
    if origin is typing.Literal:
        return args[0]
    if origin in (list, typing.List):
        return [value(args[0], name)]
    if origin in (dict, typing.Dict):
        return {"key-1": value(args[1], name)}
    if hasattr(typing, "Annotated") and origin is typing.Annotated:
        return value(args[0], name)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return instance(annotation)
    if annotation is str:
        return "2025-01-01" if name in DATE_FIELDS else f"{name}-1"
    if annotation is bool:
        return True
    if annotation is int:
        return 1 if name != "month" else 2
    if annotation is float:
        return 1.5
    if annotation is dt.datetime:
        return "2025-01-01T00:00:00Z"
    raise SystemExit(f"no value for {name}: {annotation!r}")


def instance(model):
    out = {}
    for name, field in model.model_fields.items():
        wire = field.alias or name
        out[wire] = value(field.annotation, wire)
    return out


def build(models):
    documents = {}
    for model in models:
        document = instance(model)
        parse_obj_as(model, document)  # the SDK accepts what it declared
        documents[model.__name__] = document
    return documents


def main(directory):
    os.makedirs(directory, exist_ok=True)
    for file, models in [("responses.json", RESPONSES), ("webhooks.json", WEBHOOKS), ("requests.json", REQUESTS)]:
        path = os.path.join(directory, file)
        with open(path, "w") as out:
            json.dump(build(models), out, indent=2, sort_keys=True)
            out.write("\n")
        print(f"wrote {path} ({len(models)} types)")


if __name__ == "__main__":
    main(sys.argv[1])
