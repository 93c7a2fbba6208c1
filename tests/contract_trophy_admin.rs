#![cfg(feature = "trophy")]
//! The Trophy admin wire contract: each of the 58 operations of `questkit::trophy::admin`,
//! called once against the admin mock served under `/trophy/admin/v1` on a shared `MockSuite`
//! server (the `questkit-mock` layout). Each row, named as the operation is in
//! `crates/trophy/OPERATIONS.md`, gives the call, the request the mock must receive (method,
//! path relative to `/admin/v1`, query with repeated `ids`, `X-API-KEY`, `Tenant-ID`, JSON
//! body) and checks on the decoded value. The rows run in order on the mock's seeded store:
//! reads first, then writes, deletes last.

mod common;

use chrono::NaiveDate;
use common::{Api, row};
use questkit::trophy::Trophy;
use questkit::trophy::admin::achievements::{AchievementStatus, AchievementUpdate, NewAchievement};
use questkit::trophy::admin::attributes::{AttributeType, AttributeUpdate, NewAttribute};
use questkit::trophy::admin::leaderboards::{
    AdminLeaderboardStatus, LeaderboardUpdate, NewLeaderboard,
};
use questkit::trophy::admin::metrics::{
    BatchEvent, BatchEventUser, BatchOutcome, MetricUnitType, MetricUpdate, NewMetric,
};
use questkit::trophy::admin::points::{
    NewPointsBoost, NewPointsLevel, NewPointsSystem, NewPointsTrigger, PointsBoostUpdate,
    PointsLevelUpdate, PointsSystemUpdate, PointsTriggerUpdate, TriggerTimeUnit,
};
use questkit::trophy::admin::settings::{
    BrandingUpdate, ExperimentationUpdate, FontFamily, SettingsUpdate,
};
use questkit::trophy::admin::streaks::{FreezeSettings, NewStreakPause, StreakSettingsUpdate};
use questkit::trophy::admin::tenants::{NewTenant, TenantUpdate};
use questkit::trophy::admin::{ArchiveStatus, IssueSeverity};
use questkit::trophy::leaderboards::{RankBy, RunUnit};
use questkit::trophy::points::{BoostRounding, BoostStatus, PointsTriggerType};
use questkit::trophy::preferences::StreakEvaluationMode;
use questkit::trophy::streaks::StreakFrequency;
use questkit_mock::MockSuite;
use questkit_mock::trophy::DEMO_ADMIN_API_KEY;
use questkit_mock::trophy_admin::OPERATIONS;
use serde_json::json;

const TENANT: &str = "customer_12345";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

#[tokio::test]
async fn every_trophy_admin_operation_matches_the_mock() {
    let suite = MockSuite::start().await;
    let trophy = Trophy::builder()
        .api_key(DEMO_ADMIN_API_KEY)
        .base_url(suite.trophy.uri())
        .admin_base_url(suite.trophy.admin_uri())
        .tenant_id(TENANT)
        .max_retries(0)
        .build()
        .expect("a client of the mock");
    let api = Api::new(suite.trophy.admin())
        .header("x-api-key", DEMO_ADMIN_API_KEY)
        .header("tenant-id", TENANT);
    let admin = trophy.admin();
    let points = admin.points();
    let xp = "550e8400-e29b-41d4-a716-446655440000";

    let rows = vec![
        // Attributes.
        row(
            "admin.attributes.list",
            admin.attributes().list().limit(1).skip(1),
            [api.get("/attributes", "/attributes")
                .query("limit", "1")
                .query("skip", "1")],
            |page| {
                assert_eq!(page.len(), 1);
                assert_eq!((page[0].key.as_str(), &page[0].kind), ("device", &AttributeType::Event));
            },
        ),
        row(
            "admin.attributes.get",
            admin.attributes().get("550e8400-e29b-41d4-a716-446655440000"),
            [api.get("/attributes/{id}", "/attributes/550e8400-e29b-41d4-a716-446655440000")],
            |attribute| assert_eq!(attribute.key, "plan"),
        ),
        row(
            "admin.attributes.create",
            admin.attributes().create([
                NewAttribute::user("Region", "region"),
                NewAttribute::user("Plan again", "plan"),
            ]),
            [api.post(
                "/attributes",
                "/attributes",
                json!([{"name": "Region", "key": "region", "type": "user"},
                       {"name": "Plan again", "key": "plan", "type": "user"}]),
            )],
            |answer| {
                assert_eq!(answer.created.len(), 1);
                assert_eq!(answer.created[0].key, "region");
                assert_eq!(answer.issues[0].position(), Some(1));
                assert!(answer.issues[0].message.contains("already in use"));
            },
        ),
        row(
            "admin.attributes.update",
            admin
                .attributes()
                .update([AttributeUpdate::rename("550e8400-e29b-41d4-a716-446655440000", "Plan tier")]),
            [api.patch(
                "/attributes",
                "/attributes",
                json!([{"id": "550e8400-e29b-41d4-a716-446655440000", "name": "Plan tier"}]),
            )],
            |answer| {
                assert_eq!(answer.updated[0].name, "Plan tier");
                assert!(answer.issues.is_empty());
            },
        ),
        row(
            "admin.attributes.delete",
            admin
                .attributes()
                .delete(["550e8400-e29b-41d4-a716-446655440001", "no-such-id"]),
            [api.delete("/attributes", "/attributes")
                .query("ids", "550e8400-e29b-41d4-a716-446655440001")
                .query("ids", "no-such-id")],
            |answer| {
                assert_eq!(answer.deleted.len(), 1);
                assert_eq!(answer.issues[0].id.as_ref().map(|i| i.as_str()), Some("no-such-id"));
            },
        ),
        // Metrics.
        row(
            "admin.metrics.list",
            admin.metrics().list(),
            [api.get("/metrics", "/metrics")],
            |metrics| {
                let keys: Vec<_> = metrics.iter().map(|m| m.key.as_str()).collect();
                assert_eq!(keys, ["oldest-metric", "revenue", "words-written"]);
                assert_eq!(metrics[1].unit_type, MetricUnitType::Currency);
            },
        ),
        row(
            "admin.metrics.get",
            admin.metrics().get("550e8400-e29b-41d4-a716-446655440002"),
            [api.get("/metrics/{id}", "/metrics/550e8400-e29b-41d4-a716-446655440002")],
            |metric| assert_eq!((metric.key.as_str(), metric.units.as_str()), ("words-written", "words")),
        ),
        row(
            "admin.metrics.create",
            admin.metrics().create([NewMetric::new("Pages read", "pages-read")
                .unit_type(MetricUnitType::Number)
                .units("pages")]),
            [api.post(
                "/metrics",
                "/metrics",
                json!([{"name": "Pages read", "key": "pages-read", "unitType": "number", "units": "pages"}]),
            )],
            |answer| {
                assert_eq!(answer.created[0].key, "pages-read");
                assert!(!answer.has_errors());
            },
        ),
        row(
            "admin.metrics.update",
            admin
                .metrics()
                .update([MetricUpdate::new("550e8400-e29b-41d4-a716-446655440001").units("EUR")]),
            [api.patch(
                "/metrics",
                "/metrics",
                json!([{"id": "550e8400-e29b-41d4-a716-446655440001", "units": "EUR"}]),
            )],
            |answer| assert_eq!(answer.updated[0].units, "EUR"),
        ),
        row(
            "admin.metrics.delete",
            admin.metrics().delete(["550e8400-e29b-41d4-a716-446655440000"]),
            [api.delete("/metrics", "/metrics").query("ids", "550e8400-e29b-41d4-a716-446655440000")],
            |answer| assert_eq!(answer.deleted[0].id.as_str(), "550e8400-e29b-41d4-a716-446655440000"),
        ),
        row(
            "admin.metrics.batch_events",
            admin.metrics().batch_events([
                BatchEvent::new("words-written", BatchEventUser::new("user-1").tz("Europe/London"), 750.0)
                    .idempotency_key("evt-1")
                    .attribute("source", "contract"),
                BatchEvent::new("words-written", "user-2", -5.0).idempotency_key("evt-2"),
            ]),
            [api.post(
                "/metrics/events",
                "/metrics/events",
                json!([
                    {"key": "words-written", "user": {"id": "user-1", "tz": "Europe/London"},
                     "value": 750.0, "attributes": {"source": "contract"}, "idempotencyKey": "evt-1"},
                    {"key": "words-written", "user": {"id": "user-2"}, "value": -5.0,
                     "idempotencyKey": "evt-2"}
                ]),
            )],
            |outcome| assert_eq!(outcome, BatchOutcome::Complete { accepted: 2 }),
        ),
        // Achievements.
        row(
            "admin.achievements.list",
            admin.achievements().list().limit(2),
            [api.get("/achievements", "/achievements").query("limit", "2")],
            |page| {
                assert_eq!(page.len(), 2);
                assert_eq!(page[0].status, AchievementStatus::Active);
                assert_eq!(page[1].streak_length, Some(7));
            },
        ),
        row(
            "admin.achievements.get",
            admin.achievements().get("550e8400-e29b-41d4-a716-446655440020"),
            [api.get("/achievements/{id}", "/achievements/550e8400-e29b-41d4-a716-446655440020")],
            |achievement| {
                assert_eq!(achievement.metric_value, Some(500.0));
                assert_eq!(achievement.event_attributes.as_ref().map(Vec::len), Some(1));
            },
        ),
        row(
            "admin.achievements.create",
            admin.achievements().create([
                NewAchievement::metric("Novice", "550e8400-e29b-41d4-a716-446655440002", 100.0)
                    .status(AchievementStatus::Active),
                NewAchievement::api("Onboarded again", "finished-onboarding"),
            ]),
            [api.post(
                "/achievements",
                "/achievements",
                json!([
                    {"name": "Novice", "trigger": "metric", "status": "active",
                     "metricId": "550e8400-e29b-41d4-a716-446655440002", "metricValue": 100.0},
                    {"name": "Onboarded again", "trigger": "api", "key": "finished-onboarding"}
                ]),
            )],
            |answer| {
                assert_eq!(answer.created.len(), 1);
                assert!(answer.created[0].user_attributes.is_empty());
                assert_eq!(answer.issues[0].position(), Some(1), "the key is taken");
            },
        ),
        row(
            "admin.achievements.update",
            admin.achievements().update([AchievementUpdate::new("550e8400-e29b-41d4-a716-446655440021")
                .name("Fortnight")
                .streak_length(14)
                .clear_description()]),
            [api.patch(
                "/achievements",
                "/achievements",
                json!([{"id": "550e8400-e29b-41d4-a716-446655440021", "name": "Fortnight",
                        "description": null, "streakLength": 14}]),
            )],
            |answer| {
                let updated = &answer.updated[0];
                assert_eq!((updated.name.as_str(), updated.streak_length), ("Fortnight", Some(14)));
                assert_eq!(updated.description, None);
            },
        ),
        row(
            "admin.achievements.delete",
            admin.achievements().delete(["550e8400-e29b-41d4-a716-446655440024"]),
            [api.delete("/achievements", "/achievements")
                .query("ids", "550e8400-e29b-41d4-a716-446655440024")],
            |answer| assert_eq!(answer.deleted.len(), 1),
        ),
        // Leaderboards.
        row(
            "admin.leaderboards.list",
            admin.leaderboards().list(),
            [api.get("/leaderboards", "/leaderboards")],
            |boards| {
                assert_eq!(boards.len(), 3);
                assert_eq!(boards[2].rank_by, RankBy::Points);
                assert_eq!(boards[2].max_participants, None);
            },
        ),
        row(
            "admin.leaderboards.get",
            admin.leaderboards().get("550e8400-e29b-41d4-a716-446655440100"),
            [api.get("/leaderboards/{id}", "/leaderboards/550e8400-e29b-41d4-a716-446655440100")],
            |board| {
                assert_eq!(board.run_unit, Some(RunUnit::Month));
                assert_eq!(board.breakdown_attributes.len(), 1);
            },
        ),
        row(
            "admin.leaderboards.create",
            admin.leaderboards().create([
                NewLeaderboard::streak("Streak stars", "streak-stars")
                    .start(date(2026, 6, 1))
                    .max_participants(50),
                NewLeaderboard::points("XP board", "xp-board", xp).recurring(RunUnit::Month, 1),
            ]),
            [api.post(
                "/leaderboards",
                "/leaderboards",
                json!([
                    {"name": "Streak stars", "key": "streak-stars", "rankBy": "streak",
                     "maxParticipants": 50, "start": "2026-06-01"},
                    {"name": "XP board", "key": "xp-board", "rankBy": "points",
                     "pointsSystemId": xp, "runUnit": "month", "runInterval": 1}
                ]),
            )],
            |answer| {
                assert_eq!(answer.created.len(), 2);
                assert_eq!(answer.created[0].status, AdminLeaderboardStatus::Inactive);
                assert_eq!(answer.created[1].max_participants, Some(1000));
            },
        ),
        row(
            "admin.leaderboards.update",
            admin.leaderboards().update([LeaderboardUpdate::new("550e8400-e29b-41d4-a716-446655440101")
                .status(AdminLeaderboardStatus::Active)
                .clear_end()
                .clear_max_participants()]),
            [api.patch(
                "/leaderboards",
                "/leaderboards",
                json!([{"id": "550e8400-e29b-41d4-a716-446655440101", "status": "active",
                        "maxParticipants": null, "end": null}]),
            )],
            |answer| {
                assert_eq!(answer.updated[0].status, AdminLeaderboardStatus::Active);
                assert_eq!(answer.updated[0].max_participants, None);
            },
        ),
        row(
            "admin.leaderboards.delete",
            admin.leaderboards().delete(["550e8400-e29b-41d4-a716-4466554400a2"]),
            [api.delete("/leaderboards", "/leaderboards")
                .query("ids", "550e8400-e29b-41d4-a716-4466554400a2")],
            |answer| assert!(answer.issues.is_empty()),
        ),
        // Points systems (the seed system is deleted after its boosts, levels and triggers).
        row(
            "admin.points.systems.list",
            points.systems().list(),
            [api.get("/points", "/points")],
            |systems| assert_eq!(systems[0].key, "xp"),
        ),
        row(
            "admin.points.systems.get",
            points.systems().get(xp),
            [api.get("/points/{id}", "/points/550e8400-e29b-41d4-a716-446655440000")],
            |system| {
                assert_eq!(system.status, ArchiveStatus::Active);
                assert_eq!(system.max_points, None);
            },
        ),
        row(
            "admin.points.systems.create",
            points.systems().create([NewPointsSystem::new("Coins", "coins")
                .level(NewPointsLevel::new("Bronze", "bronze", 100))
                .trigger(NewPointsTrigger::user_creation(10))]),
            [api.post(
                "/points",
                "/points",
                json!([{"name": "Coins", "key": "coins",
                        "levels": [{"name": "Bronze", "key": "bronze", "points": 100}],
                        "triggers": [{"type": "user_creation", "points": 10}]}]),
            )],
            |answer| {
                let coins = &answer.created[0];
                assert_eq!(coins.key, "coins");
                assert_eq!(coins.levels.as_ref().map(Vec::len), Some(1));
                assert_eq!(coins.triggers.as_ref().map(|t| t[0].points), Some(10));
                assert!(coins.boosts.is_none());
            },
        ),
        row(
            "admin.points.systems.update",
            points
                .systems()
                .update([PointsSystemUpdate::new(xp).max_points(100_000).clear_badge()]),
            [api.patch(
                "/points",
                "/points",
                json!([{"id": xp, "badge": null, "maxPoints": 100000}]),
            )],
            |answer| assert_eq!(answer.updated[0].max_points, Some(100_000)),
        ),
        // Boosts of the seed system.
        row(
            "admin.points.boosts.list",
            points.boosts(xp).list(),
            [api.get("/points/{systemId}/boosts", "/points/550e8400-e29b-41d4-a716-446655440000/boosts")],
            |boosts| {
                assert_eq!(boosts.len(), 2);
                assert_eq!(boosts[1].status, BoostStatus::Scheduled);
            },
        ),
        row(
            "admin.points.boosts.get",
            points.boosts(xp).get("550e8400-e29b-41d4-a716-446655440000"),
            [api.get(
                "/points/{systemId}/boosts/{id}",
                "/points/550e8400-e29b-41d4-a716-446655440000/boosts/550e8400-e29b-41d4-a716-446655440000",
            )],
            |boost| assert_eq!(boost.user_id.as_ref().map(|u| u.as_str()), Some("user-123")),
        ),
        row(
            "admin.points.boosts.create",
            points.boosts(xp).create([
                NewPointsBoost::global("Launch week", date(2099, 1, 1), 2.0)
                    .end(date(2099, 1, 7))
                    .rounding(BoostRounding::Up),
                NewPointsBoost::for_user("unknown-user", "Mine", date(2099, 1, 1), 1.5),
            ]),
            [api.post(
                "/points/{systemId}/boosts",
                "/points/550e8400-e29b-41d4-a716-446655440000/boosts",
                json!([
                    {"name": "Launch week", "start": "2099-01-01", "end": "2099-01-07",
                     "multiplier": 2.0, "rounding": "up"},
                    {"userId": "unknown-user", "name": "Mine", "start": "2099-01-01", "multiplier": 1.5}
                ]),
            )],
            |answer| {
                assert_eq!(answer.created[0].status, BoostStatus::Scheduled);
                assert_eq!(answer.issues[0].message, "User does not exist");
            },
        ),
        row(
            "admin.points.boosts.update",
            points.boosts(xp).update([PointsBoostUpdate::new("550e8400-e29b-41d4-a716-4466554400b1")
                .multiplier(3.0)
                .clear_end()]),
            [api.patch(
                "/points/{systemId}/boosts",
                "/points/550e8400-e29b-41d4-a716-446655440000/boosts",
                json!([{"id": "550e8400-e29b-41d4-a716-4466554400b1", "end": null, "multiplier": 3.0}]),
            )],
            |answer| assert_eq!(answer.updated[0].multiplier, 3.0),
        ),
        row(
            "admin.points.boosts.delete",
            points.boosts(xp).delete(["550e8400-e29b-41d4-a716-446655440000"]),
            [api.delete("/points/{systemId}/boosts", "/points/550e8400-e29b-41d4-a716-446655440000/boosts")
                .query("ids", "550e8400-e29b-41d4-a716-446655440000")],
            |answer| assert_eq!(answer.deleted.len(), 1),
        ),
        // Levels of the seed system.
        row(
            "admin.points.levels.list",
            points.levels(xp).list(),
            [api.get("/points/{systemId}/levels", "/points/550e8400-e29b-41d4-a716-446655440000/levels")],
            |levels| assert_eq!(levels.iter().map(|l| l.points).collect::<Vec<_>>(), [100, 500]),
        ),
        row(
            "admin.points.levels.get",
            points.levels(xp).get("660f9500-f30c-42e5-b827-557766550001"),
            [api.get(
                "/points/{systemId}/levels/{id}",
                "/points/550e8400-e29b-41d4-a716-446655440000/levels/660f9500-f30c-42e5-b827-557766550001",
            )],
            |level| assert!(level.badge.is_some()),
        ),
        row(
            "admin.points.levels.create",
            points
                .levels(xp)
                .create([NewPointsLevel::new("Gold", "gold", 1000).description("Top")]),
            [api.post(
                "/points/{systemId}/levels",
                "/points/550e8400-e29b-41d4-a716-446655440000/levels",
                json!([{"name": "Gold", "key": "gold", "points": 1000, "description": "Top"}]),
            )],
            |answer| assert_eq!(answer.created[0].description, "Top"),
        ),
        row(
            "admin.points.levels.update",
            points.levels(xp).update([PointsLevelUpdate::new("550e8400-e29b-41d4-a716-446655440000")
                .points(150)
                .clear_badge()]),
            [api.patch(
                "/points/{systemId}/levels",
                "/points/550e8400-e29b-41d4-a716-446655440000/levels",
                json!([{"id": "550e8400-e29b-41d4-a716-446655440000", "points": 150, "badge": null}]),
            )],
            |answer| assert_eq!(answer.updated[0].points, 150),
        ),
        row(
            "admin.points.levels.delete",
            points.levels(xp).delete(["660f9500-f30c-42e5-b827-557766550001"]),
            [api.delete("/points/{systemId}/levels", "/points/550e8400-e29b-41d4-a716-446655440000/levels")
                .query("ids", "660f9500-f30c-42e5-b827-557766550001")],
            |answer| assert_eq!(answer.deleted.len(), 1),
        ),
        // Triggers of the seed system.
        row(
            "admin.points.triggers.list",
            points.triggers(xp).list().limit(10),
            [api.get("/points/{systemId}/triggers", "/points/550e8400-e29b-41d4-a716-446655440000/triggers")
                .query("limit", "10")],
            |triggers| {
                let kinds: Vec<_> = triggers.iter().map(|t| t.kind.as_str().to_owned()).collect();
                assert_eq!(kinds, ["metric", "time", "achievement", "streak", "user_creation"]);
            },
        ),
        row(
            "admin.points.triggers.get",
            points.triggers(xp).get("550e8400-e29b-41d4-a716-4466554400c1"),
            [api.get(
                "/points/{systemId}/triggers/{id}",
                "/points/550e8400-e29b-41d4-a716-446655440000/triggers/550e8400-e29b-41d4-a716-4466554400c1",
            )],
            |trigger| assert_eq!(trigger.time_unit, Some(TriggerTimeUnit::Days)),
        ),
        row(
            "admin.points.triggers.create",
            points.triggers(xp).create([
                NewPointsTrigger::metric("550e8400-e29b-41d4-a716-446655440002", 100, 5).active(),
                NewPointsTrigger::streak(30, 100),
            ]),
            [api.post(
                "/points/{systemId}/triggers",
                "/points/550e8400-e29b-41d4-a716-446655440000/triggers",
                json!([
                    {"type": "metric", "points": 5, "status": "active",
                     "metricId": "550e8400-e29b-41d4-a716-446655440002", "metricThreshold": 100},
                    {"type": "streak", "points": 100, "streakLength": 30}
                ]),
            )],
            |answer| {
                assert_eq!(answer.created.len(), 2);
                assert_eq!(answer.created[0].event_attributes.as_deref(), Some(&[][..]));
                assert!(!answer.created[1].block_if_out_of_points);
            },
        ),
        row(
            "admin.points.triggers.update",
            points.triggers(xp).update([PointsTriggerUpdate::new("550e8400-e29b-41d4-a716-4466554400c1")
                .kind(PointsTriggerType::Streak)
                .streak_length(3)]),
            [api.patch(
                "/points/{systemId}/triggers",
                "/points/550e8400-e29b-41d4-a716-446655440000/triggers",
                json!([{"id": "550e8400-e29b-41d4-a716-4466554400c1", "type": "streak", "streakLength": 3}]),
            )],
            |answer| {
                let updated = &answer.updated[0];
                assert_eq!((updated.kind.clone(), updated.streak_length), (PointsTriggerType::Streak, Some(3)));
                assert_eq!(updated.time_unit, None, "the time trigger's fields are gone");
            },
        ),
        row(
            "admin.points.triggers.delete",
            points.triggers(xp).delete(["550e8400-e29b-41d4-a716-4466554400c4"]),
            [api.delete("/points/{systemId}/triggers", "/points/550e8400-e29b-41d4-a716-446655440000/triggers")
                .query("ids", "550e8400-e29b-41d4-a716-4466554400c4")],
            |answer| assert_eq!(answer.deleted.len(), 1),
        ),
        row(
            "admin.points.systems.delete",
            points.systems().delete([xp]),
            [api.delete("/points", "/points").query("ids", xp)],
            |answer| assert_eq!(answer.deleted[0].id.as_str(), xp),
        ),
        // Streaks.
        row(
            "admin.streaks.restore",
            admin.streaks().restore(["user-123", "unknown-user"]),
            [api.post(
                "/streaks/restore",
                "/streaks/restore",
                json!({"users": [{"id": "user-123"}, {"id": "unknown-user"}]}),
            )],
            |answer| {
                assert_eq!(answer.restored_users, ["user-123"]);
                assert_eq!(answer.issues[0].user_id.as_ref().map(|u| u.as_str()), Some("unknown-user"));
            },
        ),
        row(
            "admin.streaks.reset",
            admin.streaks().reset(["user-456"]),
            [api.post("/streaks/reset", "/streaks/reset", json!({"users": [{"id": "user-456"}]}))],
            |answer| assert_eq!(answer.reset_users, ["user-456"]),
        ),
        row(
            "admin.streaks.freezes.create",
            admin.streaks().freezes().create(["user-123"; 4]),
            [api.post(
                "/streaks/freezes",
                "/streaks/freezes",
                json!({"freezes": [{"userId": "user-123"}, {"userId": "user-123"},
                                   {"userId": "user-123"}, {"userId": "user-123"}]}),
            )],
            |answer| {
                assert_eq!(answer.issues.len(), 1, "the fourth is over the limit of 3");
                assert_eq!(answer.issues[0].severity, IssueSeverity::Warning);
            },
        ),
        row(
            "admin.streaks.pauses.create",
            admin
                .streaks()
                .pauses()
                .create([NewStreakPause::new("user-123", date(2099, 8, 20), date(2099, 8, 27))]),
            [api.post(
                "/streaks/pauses",
                "/streaks/pauses",
                json!({"pauses": [{"userId": "user-123", "start": "2099-08-20", "end": "2099-08-27"}]}),
            )],
            |answer| {
                assert_eq!(answer.created[0].status, ArchiveStatus::Active);
                assert_eq!(answer.created[0].end.as_str(), "2099-08-27");
            },
        ),
        row(
            "admin.streaks.pauses.delete",
            admin.streaks().pauses().delete(["no-such-pause"]),
            [api.delete("/streaks/pauses", "/streaks/pauses").query("ids", "no-such-pause")],
            |answer| {
                assert!(answer.deleted.is_empty());
                assert!(answer.has_errors());
            },
        ),
        row(
            "admin.streaks.settings.get",
            admin.streaks().settings().get(),
            [api.get("/streaks/settings", "/streaks/settings")],
            |settings| {
                assert_eq!(settings.frequency, StreakFrequency::Daily);
                assert_eq!(settings.freezes.as_ref().map(|f| f.max_count), Some(3));
            },
        ),
        row(
            "admin.streaks.settings.update",
            admin.streaks().settings().update(
                StreakSettingsUpdate::new()
                    .evaluation_mode(StreakEvaluationMode::And)
                    .freezes(FreezeSettings::new(2, 5).auto_earn(7, 1)),
            ),
            [api.patch(
                "/streaks/settings",
                "/streaks/settings",
                json!({"evaluationMode": "AND",
                       "freezes": {"startCount": 2, "maxCount": 5, "autoEarnInterval": 7, "autoEarnAmount": 1}}),
            )],
            |settings| {
                assert_eq!(settings.evaluation_mode, StreakEvaluationMode::And);
                assert_eq!(settings.freezes.map(|f| f.max_count), Some(5));
            },
        ),
        // Settings.
        row(
            "admin.settings.get",
            admin.settings().get(),
            [api.get("/settings", "/settings")],
            |settings| assert_eq!(settings.branding.app_name, "Questkit Demo"),
        ),
        row(
            "admin.settings.update",
            admin.settings().update(
                SettingsUpdate::new()
                    .branding(BrandingUpdate::new().font(FontFamily::RoundedSans).clear_logo())
                    .experimentation(ExperimentationUpdate::new().control_ratio(20)),
            ),
            [api.patch(
                "/settings",
                "/settings",
                json!({"branding": {"font": "ROUNDED_SANS", "logo": null},
                       "experimentation": {"controlRatio": 20}}),
            )],
            |settings| {
                assert_eq!(settings.branding.font, FontFamily::RoundedSans);
                assert_eq!(settings.branding.logo, None);
                assert_eq!(settings.experimentation.control_ratio, 20);
            },
        ),
        // Application keys (live credentials: a sensitive call).
        row(
            "admin.application_api_keys.create",
            admin.application_api_keys().create(["user-123", "unknown-user"]),
            [api.post(
                "/application-api-keys",
                "/application-api-keys",
                json!([{"userId": "user-123"}, {"userId": "unknown-user"}]),
            )],
            |answer| {
                let key = &answer.created[0];
                assert!(key.key.expose().starts_with(&key.prefix));
                assert!(!format!("{key:?}").contains(key.key.expose()), "the key never prints");
                assert_eq!(answer.issues.len(), 1);
            },
        ),
        row(
            "admin.application_api_keys.delete",
            admin.application_api_keys().delete(["no-such-key"]),
            [api.delete("/application-api-keys", "/application-api-keys").query("ids", "no-such-key")],
            |answer| assert_eq!(answer.errors().count(), 1),
        ),
        // Environments.
        row(
            "admin.environments.list",
            admin.environments().list(),
            [api.get("/environments", "/environments")],
            |environments| assert_eq!((environments[0].key.as_str(), environments[0].priority), ("production", 1)),
        ),
        // Tenants.
        row(
            "admin.tenants.list",
            admin.tenants().list().limit(1),
            [api.get("/tenants", "/tenants").query("limit", "1")],
            |tenants| assert_eq!(tenants[0].customer_id.as_str(), TENANT),
        ),
        row(
            "admin.tenants.get",
            admin.tenants().get("550e8400-e29b-41d4-a716-446655440000"),
            [api.get("/tenants/{id}", "/tenants/550e8400-e29b-41d4-a716-446655440000")],
            |tenant| assert!(tenant.created.date_time().is_some()),
        ),
        row(
            "admin.tenants.create",
            admin.tenants().create([
                NewTenant::new("customer_999", "Initech"),
                NewTenant::new(TENANT, "Duplicate"),
            ]),
            [api.post(
                "/tenants",
                "/tenants",
                json!([{"customerId": "customer_999", "name": "Initech"},
                       {"customerId": TENANT, "name": "Duplicate"}]),
            )],
            |answer| {
                assert_eq!(answer.created[0].name, "Initech");
                assert_eq!(answer.issues[0].position(), Some(1));
            },
        ),
        row(
            "admin.tenants.update",
            admin
                .tenants()
                .update([TenantUpdate::new("550e8400-e29b-41d4-a716-446655440001").name("Globex Corporation")]),
            [api.patch(
                "/tenants",
                "/tenants",
                json!([{"id": "550e8400-e29b-41d4-a716-446655440001", "name": "Globex Corporation"}]),
            )],
            |answer| assert_eq!(answer.updated[0].name, "Globex Corporation"),
        ),
        row(
            "admin.tenants.delete",
            admin.tenants().delete(["550e8400-e29b-41d4-a716-446655440001"]),
            [api.delete("/tenants", "/tenants").query("ids", "550e8400-e29b-41d4-a716-446655440001")],
            |answer| assert_eq!(answer.deleted.len(), 1),
        ),
    ];

    let coverage = common::run(&suite, rows).await;
    coverage.assert_exactly(&OPERATIONS);
    assert_eq!(coverage.names.len(), 58);
    assert_eq!(
        suite.trophy.admin().received_requests().await.len(),
        58,
        "the admin mock saw each request once"
    );
    assert_eq!(
        common::recorded(&suite).await,
        [0, 0, 0, 0, 0],
        "no other API was called"
    );

    // Each row is the table's operation of that name (method and path).
    let table = common::trophy_operation_table();
    for (name, requests) in &coverage.rows {
        let entry = table
            .iter()
            .find(|r| r.operation == *name)
            .unwrap_or_else(|| panic!("row {name} is not in crates/trophy/OPERATIONS.md"));
        assert_eq!(entry.base, "admin", "{name}");
        assert_eq!(
            requests,
            &[(entry.method.clone(), entry.path.clone())],
            "{name}"
        );
    }
}
