//! Entry points for fuzzers: plain functions that must not panic on any input, and that check
//! what must hold for every body (a decoded model serializes, decodes again, and gives the
//! same JSON; a criteria tree written in the documented shape reads back the same, and its
//! explanation has one line per leaf).
//!
//! The core offers no public constructor of a [`questkit_core::RawResponse`], so the decoders
//! are driven on the bytes with `questkit_core::decode::from_slice`, as `decode_json` (every
//! Nudj call's decoder, `/me/streaks` included) does.
// Fuzz input is arbitrary: no indexing, no unchecked arithmetic.
#![deny(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
// A broken invariant must stop the fuzzer; nothing here runs inside a client.
#![allow(clippy::panic)]

use questkit_core::HasProgress;
use questkit_core::fuzzing::{decode_body as decode, round_trip};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::parse_error_body;
use crate::{
    Achievement, Criteria, CustomEventReceipt, Explanation, LeaderboardConfig, Page, ProgressNode,
    Reward, RewardAsset, RewardEntry, Streak, TrpcError,
};

/// The first byte picks a response decoder (an achievement, each list page, a reward entry,
/// the streaks, a custom-event receipt) or the error-body parser; the rest is the body.
pub fn decoders(data: &[u8]) {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    match selector % 10 {
        0 => {
            if let Some(achievement) = decode::<Achievement>(body) {
                round_trip(body, &achievement);
                let _ = achievement.explain().to_string();
                let _ = achievement.progress();
            }
        }
        1 => model::<Page<Achievement>>(body),
        2 => model::<Page<Reward>>(body),
        3 => model::<Page<RewardAsset>>(body),
        4 => model::<Page<RewardEntry>>(body),
        5 => model::<RewardEntry>(body),
        6 => model::<Page<LeaderboardConfig>>(body),
        // `/me/streaks`: a bare array, or a page should the endpoint adopt one.
        7 => {
            if let Some(page) = decode::<Page<Streak>>(body) {
                round_trip(body, &page.edges);
            }
        }
        8 => model::<CustomEventReceipt>(body),
        _ => error_body(body),
    }
}

/// The input as JSON: a criteria node, or `{"criteria": ..., "userState": ...}` (an
/// achievement's members). The tree is explained against the progress tree.
pub fn criteria(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let (tree, state) = match &value {
        Value::Object(members) if members.contains_key("criteria") => (
            members.get("criteria").cloned().unwrap_or(Value::Null),
            members.get("userState").cloned(),
        ),
        other => (other.clone(), None),
    };
    let criteria = Criteria::from_value(tree);
    assert_eq!(
        Criteria::from_value(criteria.to_value()),
        criteria,
        "the documented shape does not read back the same tree"
    );
    let progress = state.and_then(|s| serde_json::from_value::<ProgressNode>(s).ok());
    let explanation = Explanation::new(&criteria, progress.as_ref(), |alias| {
        Some(alias.to_uppercase())
    });
    assert!(!explanation.lines().is_empty());
    assert_eq!(explanation.leaves().len(), leaves(&criteria));
    let _ = explanation.to_string();
    assert!(serde_json::to_string(&explanation).is_ok());
    if let Ok(achievement) = serde_json::from_value::<Achievement>(value) {
        let _ = achievement.explain().to_string();
        let _ = achievement.progress();
    }
}

/// How many measured conditions a tree holds.
fn leaves(criteria: &Criteria) -> usize {
    match criteria {
        Criteria::Sum { .. } | Criteria::Count { .. } => 1,
        Criteria::Logical { conditions, .. } => {
            conditions.iter().map(leaves).fold(0, usize::saturating_add)
        }
        Criteria::Unknown(_) => 0,
    }
}

/// The transport's error parser and the public tRPC body it is built on.
fn error_body(body: &[u8]) {
    let details = parse_error_body(body);
    let parsed = TrpcError::parse(body);
    assert_eq!(details.is_some(), parsed.is_some());
    if let Some(parsed) = parsed {
        round_trip(body, &parsed);
        let _ = parsed.field_errors();
    }
}

fn model<T: Serialize + DeserializeOwned>(body: &[u8]) {
    if let Some(model) = decode::<T>(body) {
        round_trip(body, &model);
    }
}
