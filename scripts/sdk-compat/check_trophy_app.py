"""Trophy's official Python SDK against the questkit mock: every application API method.

Run by run.sh with QK_MOCK_URL set to the mock's server root. Each of the 27 methods is
called with ordinary arguments; it passes when the SDK parses the mock's answer into its
own response type (pydantic validation included). Prints one line per method and exits
non-zero when any method fails, or when the list of methods below is not the 27 the SDK
has.
"""

import os
import sys
import traceback

from trophy import (
    NotificationPreferences,
    StreakMetricPreference,
    StreakPreferences,
    TrophyApi,
    UpsertedUser,
)
from trophy.environment import TrophyApiEnvironment

DEMO_API_KEY = "trophy_demo_key"
USER = "user-123"
METRIC = "words-written"
POINTS = "xp"
LEADERBOARD = "weekly-words"


def client() -> TrophyApi:
    root = os.environ.get("QK_MOCK_URL", "").rstrip("/")
    if not root:
        sys.exit("check_trophy_app: QK_MOCK_URL is not set (run scripts/sdk-compat/run.sh)")
    environment = TrophyApiEnvironment(api=f"{root}/trophy/v1", admin=f"{root}/trophy/admin/v1")
    # No retries: a failing answer should be seen once, not hidden by a second attempt.
    return TrophyApi(api_key=DEMO_API_KEY, environment=environment, max_retries=0, timeout=10)


def calls(trophy: TrophyApi):
    """(SDK method, call) for every application method, in the SDK's resource order."""
    users = trophy.users
    return [
        ("achievements.all_", lambda: trophy.achievements.all_(user_attributes="plan-type:premium")),
        (
            "achievements.complete",
            lambda: trophy.achievements.complete(
                "finish-onboarding", user=UpsertedUser(id=USER, email="ada@example.com")
            ),
        ),
        ("leaderboards.all_", lambda: trophy.leaderboards.all_(include_finished=True)),
        (
            "leaderboards.get",
            lambda: trophy.leaderboards.get(
                LEADERBOARD, offset=0, limit=2, run="2025-01-01", user_attributes="country:GB"
            ),
        ),
        (
            "metrics.event",
            lambda: trophy.metrics.event(
                METRIC,
                user=UpsertedUser(id=USER, tz="Europe/London"),
                value=750.0,
                idempotency_key="sdk-compat-essay-1",
                attributes={"source": "mobile-app"},
            ),
        ),
        ("points.summary", lambda: trophy.points.summary(POINTS, user_attributes="plan-type:premium")),
        ("points.system", lambda: trophy.points.system(POINTS)),
        ("points.boosts", lambda: trophy.points.boosts(POINTS, include_finished=True)),
        ("points.levels", lambda: trophy.points.levels(POINTS)),
        ("points.level_summary", lambda: trophy.points.level_summary(POINTS)),
        ("streaks.list", lambda: trophy.streaks.list(user_ids=[USER, "user-456"])),
        (
            "users.create",
            lambda: users.create(
                id="user-new",
                email="ada@example.com",
                name="Ada",
                tz="Europe/London",
                sign_up_date="2025-01-15",
                device_tokens=["fcm-token-1"],
                subscribe_to_emails=True,
                attributes={"plan-type": "premium"},
            ),
        ),
        ("users.get", lambda: users.get(USER)),
        ("users.identify", lambda: users.identify(USER, name="Ada King", tz="Europe/Paris")),
        ("users.update", lambda: users.update(USER, email="ada@example.org", tz=None)),
        ("users.get_preferences", lambda: users.get_preferences(USER)),
        (
            "users.update_preferences",
            lambda: users.update_preferences(
                USER,
                notifications=NotificationPreferences(streak_reminder=[], recap=["email"]),
                streak=StreakPreferences(
                    enabled=True,
                    evaluation_mode="OR",
                    metrics=[StreakMetricPreference(key=METRIC, threshold=500)],
                    days_off=[0, 6],
                ),
            ),
        ),
        ("users.all_metrics", lambda: users.all_metrics(USER)),
        ("users.single_metric", lambda: users.single_metric(USER, METRIC)),
        (
            "users.metric_event_summary",
            lambda: users.metric_event_summary(
                USER, METRIC, aggregation="daily", start_date="2024-01-01", end_date="2024-01-31"
            ),
        ),
        ("users.achievements", lambda: users.achievements(USER, include_incomplete="true")),
        ("users.streak", lambda: users.streak(USER, history_periods=7)),
        ("users.points", lambda: users.points(USER, POINTS, awards=5)),
        ("users.points_boosts", lambda: users.points_boosts(USER, POINTS)),
        (
            "users.points_event_summary",
            lambda: users.points_event_summary(
                USER, POINTS, aggregation="weekly", start_date="2024-01-01", end_date="2024-03-31"
            ),
        ),
        ("users.leaderboard", lambda: users.leaderboard(USER, LEADERBOARD, run="2025-01-01", num_events=3)),
        ("users.wrapped", lambda: users.wrapped(USER, year=2024)),
    ]


def replayed(event):
    """The second event with the same key must say it was a replay."""
    if event.idempotent_replayed is not True:
        raise AssertionError(f"idempotentReplayed is {event.idempotent_replayed!r}, not True")
    return event


def variants(trophy: TrophyApi):
    """Other answers of the same methods: a replayed event (202), defaults, unknown IDs."""
    users = trophy.users
    replay = lambda: trophy.metrics.event(  # noqa: E731 (the same key twice: 201, then 202)
        METRIC, user=UpsertedUser(id=USER), value=1.0, idempotency_key="sdk-compat-replay"
    )
    return [
        ("metrics.event (first of two)", replay),
        ("metrics.event (replay, 202)", lambda: replayed(replay())),
        ("metrics.event (no key, no attributes)", lambda: trophy.metrics.event(METRIC, user=UpsertedUser(id="user-new"), value=-2.5)),
        ("users.achievements (completed only)", lambda: users.achievements(USER)),
        ("streaks.list (unknown user)", lambda: trophy.streaks.list(user_ids="nobody")),
        ("leaderboards.get (around a user)", lambda: trophy.leaderboards.get(LEADERBOARD, user_id="user-456", limit=1)),
        ("achievements.all_ (no filter)", lambda: trophy.achievements.all_()),
        ("users.update (clear device tokens)", lambda: users.update(USER, device_tokens=None)),
    ]


def sdk_methods(trophy: TrophyApi):
    """The public application methods the SDK has, as `resource.method` (admin excluded)."""
    names = set()
    for resource in ("achievements", "leaderboards", "metrics", "points", "streaks", "users"):
        handle = getattr(trophy, resource)
        for attr in dir(handle):
            if not attr.startswith("_") and attr != "with_raw_response" and callable(getattr(handle, attr)):
                names.add(f"{resource}.{attr}")
    return names


def describe(error: Exception) -> str:
    """What went wrong, without the response body the SDK quotes in its parsing errors."""
    cause = getattr(error, "cause", None)
    status = getattr(error, "status_code", None)
    if cause is not None:
        lines = [line for line in str(cause).splitlines() if "errors.pydantic.dev" not in line]
        return f"{type(error).__name__} (HTTP {status}): " + "\n        ".join(lines)
    if status is not None:
        return f"{type(error).__name__}: HTTP {status}: {getattr(error, 'body', '')}"
    return "".join(traceback.format_exception_only(type(error), error)).strip()


def main() -> int:
    trophy = client()
    table = calls(trophy)
    called = {name for name, _ in table}
    missing = sdk_methods(trophy) - called
    failures = []
    for name, call in table + variants(trophy):
        try:
            result = call()
        except Exception as error:  # the SDK raises its own errors and pydantic's
            failures.append(name)
            print(f"FAILED  {name}: {describe(error)}")
            continue
        if result is None:
            failures.append(name)
            print(f"FAILED  {name}: the SDK returned nothing")
            continue
        what = type(result).__name__
        if isinstance(result, list):
            inner = type(result[0]).__name__ if result else "empty"
            what = f"list[{inner}] of {len(result)}"
        print(f"parsed  {name} -> {what}")
    print()
    methods_failed = [name for name in failures if name in called]
    print(f"{len(table) - len(methods_failed)}/{len(table)} Trophy application methods parsed")
    variant_count = len(variants(trophy))
    print(f"{variant_count - (len(failures) - len(methods_failed))}/{variant_count} other answers parsed")
    if missing:
        print(f"not called: {sorted(missing)}")
    if len(table) != 27:
        print(f"expected 27 application methods, the table has {len(table)}")
    return 1 if failures or missing or len(table) != 27 else 0


if __name__ == "__main__":
    sys.exit(main())
