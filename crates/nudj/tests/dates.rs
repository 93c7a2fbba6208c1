//! Nudj documents every timestamp as a plain string: the models keep the server's text exactly
//! (a response never fails on a date, and serializing gives the same text back), and parse it
//! only when asked.

use questkit_nudj::{Achievement, LeaderboardConfig, Reward, RewardAsset, RewardEntry};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Forms a server may write for a string-typed timestamp.
const FORMS: &[&str] = &[
    "2024-05-01T14:00:00+02:00",
    "2024-05-01T12:00:00.000Z",
    "2024-05-01T12:00:00+0000",
    "2025-01-01 05:03:00",
    "2024-05-01",
    "<string>",
    "",
];

/// Reads `json` as `T`, writes it back, and checks the text at each `path` is unchanged.
fn assert_kept<T: DeserializeOwned + Serialize>(json: Value, paths: &[&[&str]], form: &str) {
    let model: T = serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{form:?}: {e}"));
    let back = serde_json::to_value(&model).unwrap();
    for path in paths {
        let at = |v: &Value| path.iter().fold(v.clone(), |v, k| v[*k].clone());
        assert_eq!(at(&back), at(&json), "{form:?} at {path:?}");
    }
}

#[test]
fn achievement_timestamps_keep_the_servers_text() {
    for form in FORMS {
        let json = json!({
            "id": "a1", "startsAt": form, "expiresAt": form, "createdAt": form,
            "updatedAt": form,
            "userState": {"completedAt": form, "updatedAt": form, "progressResetsAt": form}
        });
        assert_kept::<Achievement>(
            json,
            &[
                &["startsAt"],
                &["expiresAt"],
                &["createdAt"],
                &["updatedAt"],
                &["userState", "completedAt"],
                &["userState", "updatedAt"],
                &["userState", "progressResetsAt"],
            ],
            form,
        );
    }
}

#[test]
fn reward_and_leaderboard_timestamps_keep_the_servers_text() {
    for form in FORMS {
        let reward = json!({
            "id": "r1", "drawsAt": form, "startsAt": form, "expiresAt": form, "createdAt": form,
            "redemptionConfig": {"redeemByDate": form},
            "tags": [{"id": "t1", "createdAt": form}],
            "campaigns": [{"id": "c1", "startDate": form, "endDate": form}]
        });
        assert_kept::<Reward>(
            reward,
            &[
                &["drawsAt"],
                &["startsAt"],
                &["redemptionConfig", "redeemByDate"],
            ],
            form,
        );
        let asset = json!({"id": "a", "claimedAt": form, "redeemedAt": form, "expiresAt": form});
        assert_kept::<RewardAsset>(asset, &[&["claimedAt"], &["redeemedAt"]], form);
        let entry = json!({
            "id": "e", "checkByDate": form, "checkedAt": form, "drawnAt": form,
            "entries": [{"createdAt": form}]
        });
        assert_kept::<RewardEntry>(entry, &[&["checkByDate"], &["drawnAt"]], form);
        let board = json!({"id": "l", "startsAt": form, "expiresAt": form, "updatedAt": form});
        assert_kept::<LeaderboardConfig>(board, &[&["startsAt"], &["updatedAt"]], form);
    }
}

#[test]
fn parsed_views_are_offered_on_demand() {
    use chrono::{NaiveDate, TimeZone, Utc};
    use questkit_core::HasProgress;

    let a: Achievement = serde_json::from_value(json!({
        "id": "a1",
        "createdAt": "2024-05-01T14:00:00+02:00",
        "startsAt": "2024-05-01",
        "expiresAt": "when the season ends",
        "userState": {"completedAt": "2025-01-01 05:03:00", "isComplete": true}
    }))
    .unwrap();
    let created = a.created_at.as_ref().unwrap();
    assert_eq!(
        created.date_time(),
        Some(Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap())
    );
    assert_eq!(created.date(), NaiveDate::from_ymd_opt(2024, 5, 1));
    assert_eq!(
        a.starts_at.as_ref().unwrap().date_time(),
        Some(Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap())
    );
    let odd = a.expires_at.as_ref().unwrap();
    assert_eq!(
        (odd.as_str(), odd.date_time()),
        ("when the season ends", None)
    );
    let progress = a.progress();
    assert!(progress.is_completed());
    assert_eq!(
        progress.completed_at,
        Some(Utc.with_ymd_and_hms(2025, 1, 1, 5, 3, 0).unwrap())
    );

    // A completion time that is not a date is kept, but is no proof of completion.
    let state: questkit_nudj::UserState =
        serde_json::from_value(json!({"completedAt": "<string>"})).unwrap();
    assert!(!state.is_completed());
    assert_eq!(state.completed_at.unwrap().as_str(), "<string>");
    // Nudj documents strings: a number where a timestamp belongs is a clear decode error.
    assert!(serde_json::from_value::<Achievement>(json!({"id": "a", "createdAt": 5})).is_err());
}
