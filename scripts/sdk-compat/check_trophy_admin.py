#!/usr/bin/env python3
"""Calls every admin method of the official Trophy Python SDK (trophy==1.27.0) against the
questkit-mock binary, and fails unless the SDK parses every answer.

Environment:
  QK_MOCK_URL             the mock's root URL (the admin API is at $QK_MOCK_URL/trophy/admin/v1)
  QK_TROPHY_ADMIN_API_KEY the admin key (default: the mock's demo admin key)

Prints one line per method, `OK name` or `FAIL name: error`, and exits 1 when a method fails
or when the SDK has an admin method this script does not call (so a new SDK method cannot be
skipped silently). The calls go in an order the stateful mock can serve: what is created is
then read, updated and deleted by the ID the SDK parsed from the mock's answer.
"""

import datetime
import os
import sys
import uuid

import trophy
from trophy import (
    BatchMetricEvent,
    BatchMetricEventUser,
    CreateAchievementRequestItem,
    CreateApplicationKeyRequestItem,
    CreateAttributeRequestItem,
    CreateLeaderboardRequestItem,
    CreateMetricRequestItem,
    CreatePointsBoostRequestItem,
    CreatePointsLevelRequestItem,
    CreatePointsSystemRequestItem,
    CreatePointsTriggerRequestItem,
    CreateTenantRequestItem,
    PatchPointsBoostsRequestItem,
    PatchPointsLevelsRequestItem,
    PatchPointsTriggersRequestItem,
    StreakSettingsMetric,
    TrophyApi,
    UpdateAchievementRequestItem,
    UpdateAdminSettingsBranding,
    UpdateAttributeRequestItem,
    UpdateLeaderboardRequestItem,
    UpdateMetricRequestItem,
    UpdatePointsSystemRequestItem,
    UpdateTenantRequestItem,
)
from trophy.admin.streaks import (
    CreateStreakFreezesRequestFreezesItem,
    CreateStreakPausesRequestPausesItem,
    ResetStreaksRequestUsersItem,
    RestoreStreaksRequestUsersItem,
)
from trophy.environment import TrophyApiEnvironment

EXPECTED_SDK = "1.27.0"
EXPECTED_METHODS = 58


def main() -> int:
    root = os.environ.get("QK_MOCK_URL", "").rstrip("/")
    if not root:
        print("QK_MOCK_URL is not set (the questkit-mock root URL)", file=sys.stderr)
        return 2
    key = os.environ.get("QK_TROPHY_ADMIN_API_KEY", "trophy_admin_demo_key")
    version = getattr(trophy, "__version__", None)
    try:
        from importlib.metadata import version as installed

        version = installed("trophy")
    except Exception:  # the metadata lookup is only informative
        pass
    print(f"trophy {version} admin API against {root}/trophy/admin/v1")
    if version != EXPECTED_SDK:
        print(f"FAIL: expected trophy=={EXPECTED_SDK}, found {version}")
        return 1

    client = TrophyApi(
        api_key=key,
        environment=TrophyApiEnvironment(api=f"{root}/trophy/v1", admin=f"{root}/trophy/admin/v1"),
        max_retries=0,
        timeout=10,
    )
    admin = client.admin
    called: list[str] = []
    failures: list[str] = []

    def call(name, fn, expect):
        """Runs one SDK method; OK only if it returns an instance of `expect` (a type, or a
        list's item type as `[T]`)."""
        called.append(name)
        try:
            value = fn()
            if isinstance(expect, list):
                ok = isinstance(value, list) and all(isinstance(v, expect[0]) for v in value)
            else:
                ok = isinstance(value, expect)
            if not ok:
                raise TypeError(f"parsed into {type(value).__name__}, expected {expect}")
        except Exception as err:  # any exception is a failure of this method
            message = f"{type(err).__name__}: {err}".replace("\n", " ")[:400]
            print(f"FAIL {name}: {message}")
            failures.append(name)
            return None
        print(f"OK   {name}")
        return value

    t = trophy
    suffix = uuid.uuid4().hex[:8]
    future = datetime.date.today() + datetime.timedelta(days=30)

    # Attributes.
    call("admin.attributes.list", lambda: admin.attributes.list(limit=5), [t.AdminAttribute])
    created = call(
        "admin.attributes.create",
        lambda: admin.attributes.create(
            request=[CreateAttributeRequestItem(name="Plan", key=f"plan-{suffix}", type="user")]
        ),
        t.CreateAttributesResponse,
    )
    attr_id = created.created[0].id if created and created.created else "missing"
    call("admin.attributes.get", lambda: admin.attributes.get(attr_id), t.AdminAttribute)
    call(
        "admin.attributes.update",
        lambda: admin.attributes.update(request=[UpdateAttributeRequestItem(id=attr_id, name="Plan tier")]),
        t.UpdateAttributesResponse,
    )

    # Metrics and batch events.
    metrics = call("admin.metrics.list", lambda: admin.metrics.list(limit=100), [t.CreatedMetric])
    created = call(
        "admin.metrics.create",
        lambda: admin.metrics.create(
            request=[CreateMetricRequestItem(name="Pages read", key=f"pages-{suffix}", unit_type="number")]
        ),
        t.CreateMetricsResponse,
    )
    metric_id = created.created[0].id if created and created.created else "missing"
    call("admin.metrics.get", lambda: admin.metrics.get(metric_id), t.CreatedMetric)
    call(
        "admin.metrics.update",
        lambda: admin.metrics.update(request=[UpdateMetricRequestItem(id=metric_id, units="pages")]),
        t.UpdateMetricsResponse,
    )
    call(
        "admin.metrics.batch_events",
        lambda: admin.metrics.batch_events(
            request=[
                BatchMetricEvent(
                    key="words-written",
                    user=BatchMetricEventUser(id="user-1", tz="Europe/London"),
                    value=750,
                    idempotency_key=str(uuid.uuid4()),
                    attributes={"source": "sdk-compat"},
                )
            ]
        ),
        t.BatchEventsResponse,
    )

    # Achievements.
    call("admin.achievements.list", lambda: admin.achievements.list(), [t.AdminAchievement])
    known_metric = metrics[0].id if metrics else metric_id
    created = call(
        "admin.achievements.create",
        lambda: admin.achievements.create(
            request=[
                CreateAchievementRequestItem(
                    name="Novice", trigger="metric", metric_id=known_metric, metric_value=500
                ),
                CreateAchievementRequestItem(name="Onboarded", trigger="api", key=f"onboarded-{suffix}"),
            ]
        ),
        t.CreateAchievementsResponse,
    )
    ach_id = created.created[0].id if created and created.created else "missing"
    call("admin.achievements.get", lambda: admin.achievements.get(ach_id), t.AdminAchievement)
    call(
        "admin.achievements.update",
        lambda: admin.achievements.update(
            request=[UpdateAchievementRequestItem(id=ach_id, name="Wordsmith", status="active")]
        ),
        t.UpdateAchievementsResponse,
    )

    # Leaderboards.
    call("admin.leaderboards.list", lambda: admin.leaderboards.list(), [t.AdminLeaderboard])
    created = call(
        "admin.leaderboards.create",
        lambda: admin.leaderboards.create(
            request=[
                CreateLeaderboardRequestItem(
                    name="Weekly words", key=f"weekly-{suffix}", rank_by="metric", metric_id=known_metric
                )
            ]
        ),
        t.CreateLeaderboardsResponse,
    )
    board_id = created.created[0].id if created and created.created else "missing"
    call("admin.leaderboards.get", lambda: admin.leaderboards.get(board_id), t.AdminLeaderboard)
    call(
        "admin.leaderboards.update",
        lambda: admin.leaderboards.update(request=[UpdateLeaderboardRequestItem(id=board_id, status="active")]),
        t.UpdateLeaderboardsResponse,
    )

    # Points systems and, under the new one, boosts, levels and triggers.
    points = admin.points
    call("admin.points.systems.list", lambda: points.systems.list(), [t.AdminPointsSystem])
    created = call(
        "admin.points.systems.create",
        lambda: points.systems.create(
            request=[
                CreatePointsSystemRequestItem(
                    name="XP",
                    key=f"xp-{suffix}",
                    levels=[CreatePointsLevelRequestItem(name="Bronze", key="bronze", points=100)],
                    triggers=[CreatePointsTriggerRequestItem(type="user_creation", points=50)],
                )
            ]
        ),
        t.CreatePointsSystemsResponse,
    )
    system_id = created.created[0].id if created and created.created else "missing"
    call("admin.points.systems.get", lambda: points.systems.get(system_id), t.AdminPointsSystem)
    call(
        "admin.points.systems.update",
        lambda: points.systems.update(request=[UpdatePointsSystemRequestItem(id=system_id, max_points=10000)]),
        t.UpdatePointsSystemsResponse,
    )

    call("admin.points.boosts.list", lambda: points.boosts.list(system_id), [t.AdminPointsBoost])
    created = call(
        "admin.points.boosts.create",
        lambda: points.boosts.create(
            system_id,
            request=[CreatePointsBoostRequestItem(name="Double XP", start=str(future), multiplier=2.0)],
        ),
        t.CreatePointsBoostsResponse,
    )
    boost_id = created.created[0].id if created and created.created else "missing"
    call("admin.points.boosts.get", lambda: points.boosts.get(system_id, boost_id), t.AdminPointsBoost)
    call(
        "admin.points.boosts.update",
        lambda: points.boosts.update(system_id, request=[PatchPointsBoostsRequestItem(id=boost_id, multiplier=3.0)]),
        t.PatchPointsBoostsResponse,
    )
    call("admin.points.boosts.delete", lambda: points.boosts.delete(system_id, ids=[boost_id]), t.DeletePointsBoostsResponse)

    call("admin.points.levels.list", lambda: points.levels.list(system_id), [t.AdminPointsLevel])
    created = call(
        "admin.points.levels.create",
        lambda: points.levels.create(
            system_id, request=[CreatePointsLevelRequestItem(name="Gold", key="gold", points=1000)]
        ),
        t.CreatePointsLevelsResponse,
    )
    level_id = created.created[0].id if created and created.created else "missing"
    call("admin.points.levels.get", lambda: points.levels.get(system_id, level_id), t.AdminPointsLevel)
    call(
        "admin.points.levels.update",
        lambda: points.levels.update(system_id, request=[PatchPointsLevelsRequestItem(id=level_id, points=1500)]),
        t.PatchPointsLevelsResponse,
    )
    call("admin.points.levels.delete", lambda: points.levels.delete(system_id, ids=[level_id]), t.DeletePointsLevelsResponse)

    call("admin.points.triggers.list", lambda: points.triggers.list(system_id), [t.AdminPointsTrigger])
    created = call(
        "admin.points.triggers.create",
        lambda: points.triggers.create(
            system_id,
            request=[
                CreatePointsTriggerRequestItem(type="metric", points=5, metric_id=known_metric, metric_threshold=100)
            ],
        ),
        t.CreatePointsTriggersResponse,
    )
    trigger_id = created.created[0].id if created and created.created else "missing"
    call("admin.points.triggers.get", lambda: points.triggers.get(system_id, trigger_id), t.AdminPointsTrigger)
    call(
        "admin.points.triggers.update",
        lambda: points.triggers.update(
            system_id, request=[PatchPointsTriggersRequestItem(id=trigger_id, points=10, status="active")]
        ),
        t.PatchPointsTriggersResponse,
    )
    call(
        "admin.points.triggers.delete",
        lambda: points.triggers.delete(system_id, ids=[trigger_id]),
        t.DeletePointsTriggersResponse,
    )

    # Streaks.
    streaks = admin.streaks
    call(
        "admin.streaks.restore",
        lambda: streaks.restore(users=[RestoreStreaksRequestUsersItem(id="user-1")]),
        t.RestoreStreaksResponse,
    )
    call(
        "admin.streaks.reset",
        lambda: streaks.reset(users=[ResetStreaksRequestUsersItem(id="user-2")]),
        t.ResetStreaksResponse,
    )
    call(
        "admin.streaks.freezes.create",
        lambda: streaks.freezes.create(freezes=[CreateStreakFreezesRequestFreezesItem(user_id="user-1")]),
        t.CreateStreakFreezesResponse,
    )
    created = call(
        "admin.streaks.pauses.create",
        lambda: streaks.pauses.create(
            pauses=[
                CreateStreakPausesRequestPausesItem(
                    user_id="user-1", start=str(future), end=str(future + datetime.timedelta(days=6))
                )
            ]
        ),
        t.CreateStreakPausesResponse,
    )
    pause_id = created.created[0].id if created and created.created else "missing"
    call("admin.streaks.pauses.delete", lambda: streaks.pauses.delete(ids=[pause_id]), t.DeleteStreakPausesResponse)
    call("admin.streaks.settings.get", lambda: streaks.settings.get(), t.StreakSettings)
    call(
        "admin.streaks.settings.update",
        lambda: streaks.settings.update(
            frequency="daily",
            metrics=[StreakSettingsMetric(key="words-written", threshold=500)],
        ),
        t.StreakSettings,
    )

    # Settings, environments, application keys, tenants.
    call("admin.settings.get", lambda: admin.settings.get(), t.AdminSettings)
    call(
        "admin.settings.update",
        lambda: admin.settings.update(
            branding=UpdateAdminSettingsBranding(brand_color="#3366FF"), aggregation_period="monthly"
        ),
        t.AdminSettings,
    )
    call("admin.environments.list", lambda: admin.environments.list(), [t.AdminEnvironment])
    created = call(
        "admin.application_api_keys.create",
        lambda: admin.application_api_keys.create(request=[CreateApplicationKeyRequestItem(user_id="user-1")]),
        t.CreateApplicationKeysResponse,
    )
    app_key_id = created.created[0].id if created and created.created else "missing"
    call(
        "admin.application_api_keys.delete",
        lambda: admin.application_api_keys.delete(ids=[app_key_id]),
        t.DeleteApplicationKeysResponse,
    )
    call("admin.tenants.list", lambda: admin.tenants.list(limit=10, skip=0), [t.AdminTenant])
    created = call(
        "admin.tenants.create",
        lambda: admin.tenants.create(request=[CreateTenantRequestItem(customer_id=f"customer-{suffix}", name="Acme")]),
        t.CreateTenantsResponse,
    )
    tenant_id = created.created[0].id if created and created.created else "missing"
    call("admin.tenants.get", lambda: admin.tenants.get(tenant_id), t.AdminTenant)
    call(
        "admin.tenants.update",
        lambda: admin.tenants.update(request=[UpdateTenantRequestItem(id=tenant_id, name="Acme Corp")]),
        t.UpdateTenantsResponse,
    )

    # Deletes last, so that everything above could use what was created.
    call("admin.tenants.delete", lambda: admin.tenants.delete(ids=[tenant_id]), t.DeleteTenantsResponse)
    call("admin.points.systems.delete", lambda: points.systems.delete(ids=[system_id]), t.DeletePointsSystemsResponse)
    call("admin.leaderboards.delete", lambda: admin.leaderboards.delete(ids=[board_id]), t.DeleteLeaderboardsResponse)
    call("admin.achievements.delete", lambda: admin.achievements.delete(ids=[ach_id]), t.DeleteAchievementsResponse)
    call("admin.metrics.delete", lambda: admin.metrics.delete(ids=[metric_id]), t.DeleteMetricsResponse)
    call("admin.attributes.delete", lambda: admin.attributes.delete(ids=[attr_id]), t.DeleteAttributesResponse)

    # Every admin method of the SDK must have been called.
    sdk_methods = sorted(methods_of(admin, "admin"))
    missing = sorted(set(sdk_methods) - set(called))
    duplicates = sorted({n for n in called if called.count(n) > 1})
    print()
    print(f"{len(called) - len(failures)}/{len(sdk_methods)} admin methods parsed")
    if missing:
        print(f"FAIL: SDK methods not called: {', '.join(missing)}")
    if duplicates:
        print(f"FAIL: methods called twice: {', '.join(duplicates)}")
    if len(sdk_methods) != EXPECTED_METHODS:
        print(f"FAIL: the SDK has {len(sdk_methods)} admin methods, expected {EXPECTED_METHODS}")
    ok = not failures and not missing and not duplicates and len(sdk_methods) == EXPECTED_METHODS
    return 0 if ok else 1


def methods_of(client, path):
    """The dotted names of every public method under an SDK client (sub-clients are
    properties)."""
    out = []
    for name, member in vars(type(client)).items():
        if name.startswith("_") or name == "with_raw_response":
            continue
        if isinstance(member, property):
            out.extend(methods_of(getattr(client, name), f"{path}.{name}"))
        elif callable(member):
            out.append(f"{path}.{name}")
    return out


if __name__ == "__main__":
    sys.exit(main())
