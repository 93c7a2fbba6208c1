//! De-duplication keys for webhook deliveries: Trophy delivers at least once and documents no
//! delivery id, so a key is derived from what was delivered.

use std::fmt::{self, Write as _};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest as _, Sha256};

use super::WebhookEvent;

/// What a value may contain unescaped: the URL-unreserved characters. `:` and `=`, the key's
/// separators, are always escaped, so no ID can make two different events share a key.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Marks the start of the body digest in a key.
const DIGEST_PART: &str = ":sha256=";

/// A key that recognises a repeated webhook delivery: the event type and the event's natural
/// keys, then the SHA-256 of the raw body.
///
/// Trophy delivers each webhook at least once and retries on failure, and sends no delivery
/// id. Compute the key of an authenticated delivery, and skip the delivery (answering 2xx, so
/// that Trophy stops retrying) when you have already processed the same key.
///
/// ```
/// use questkit_trophy::webhooks::{DedupKey, WebhookEvent};
///
/// let body = br#"{"type":"achievement.completed","user":{"id":"user-1","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"},"achievement":{"id":"a-1","name":"Novice","trigger":"api","achievedAt":"2025-04-03T14:30:00Z"}}"#;
/// let event = WebhookEvent::from_slice(body)?; // after verifying the signature!
/// let key = DedupKey::new(body, &event);
/// assert_eq!(key.natural_key(), "achievement.completed:user=user-1:achievement=a-1");
/// assert!(key.as_str().starts_with("achievement.completed:user=user-1:achievement=a-1:sha256="));
/// assert_eq!(key, DedupKey::new(body, &event)); // the same delivery again: the same key
/// # Ok::<(), questkit_trophy::WebhookError>(())
/// ```
///
/// # Format
///
/// `{type}:{name}={value}:...:sha256={64 hex digits}`, for example
/// `streak.extended:user=user-1:period=2025-04-03:length=2:sha256=5d41...`. Values are
/// percent-encoded (everything but `A-Z a-z 0-9 - . _ ~`), so the key is plain ASCII, safe
/// as a Redis or SQL key, and a user ID holding `:` or `=` cannot imitate another event. The
/// format may change in a minor release before 1.0; the only effect is that a delivery
/// retried across the upgrade is not recognised. Prefix it as your store needs
/// (`trophy-webhook:...`).
///
/// # What it recognises, and what not
///
/// Two keys are equal exactly when the raw bodies are byte-identical (SHA-256 collisions
/// aside): the natural keys are read from the body, so they add no uniqueness; they make the
/// key readable and let you scope it (per user, per event type). Hence:
///
/// - **A retry of the same body is recognised**, whichever secret signed it (the signature is
///   not part of the key).
/// - **Two distinct deliveries with byte-identical bodies collapse into one.** Many Trophy
///   payloads carry no timestamp or event id (`achievement.completed`, the `streak.*`,
///   `points.changed` and `leaderboard.*` events): if the same user really loses a streak of
///   the same length twice, with the same user record, both deliveries have one key, and the
///   second is skipped if the first is still remembered. Keep keys only as long as you need
///   (see the TTL below), not forever.
/// - **A retry whose body differs is not recognised**: a re-rendered `timestamp`, a user
///   record updated between attempts (`updated`, `attributes`), another field order or
///   whitespace all give a new key. Make the processing itself idempotent on the event's
///   natural keys where it matters (grant a badge with an upsert on user and achievement),
///   or use [`DedupKey::natural_key`] (below) for event types where it names one occurrence.
/// - **Keep keys for longer than Trophy's retry window.** Trophy does not document how long
///   it retries; remember keys for days rather than minutes (with a TTL, so the store stays
///   bounded), and store them where every replica of your service sees them (a database or
///   Redis, not one process's memory).
/// - **Record a key once the delivery is processed.** If you record it first and the handler
///   then fails (answering 5xx), Trophy's retry is skipped and the event is lost. To keep two
///   concurrent copies from both running, claim the key with a short TTL (`SET key 1 NX PX
///   60000`), extend it to the long TTL on success, delete it on failure.
/// - **Only authenticated bodies.** Compute keys after the signature check, or anyone could
///   fill your store with keys that suppress real deliveries.
///
/// # Natural keys
///
/// [`DedupKey::natural_key`] is the key without its digest. It says what the event is about,
/// not which delivery it was: on its own it also collapses retries whose bodies differ, at the
/// cost of merging distinct events that agree on it.
///
/// | event type | natural keys | names one occurrence? |
/// |---|---|---|
/// | `achievement.completed`, `emails.achievement_due` | `user`, `achievement` | yes |
/// | `streak.started`, `streak.extended` | `user`, `period` (period start), `length` | yes |
/// | `emails.streak_reminder_due` | `user`, `period` | yes |
/// | `emails.recap_due` | `user`, `period` (`start..end`) | yes |
/// | `emails.reactivation_due` | `user`, `message` (message number) | within a few days |
/// | `points.boost_started`, `points.boost_finished` | `boost`, `user` (user boosts only) | yes |
/// | `leaderboard.started`, `leaderboard.finished` | `leaderboard`, `run` (run start) | yes |
/// | `leaderboard.changed` | `leaderboard`, `run` | no: many changes per run |
/// | `leaderboard.rank_changed` | `user`, `leaderboard`, `run`, `previous`, `rank` | no: ranks can move back and forth |
/// | `points.changed` | `user`, `points` (system id), `total` | no: a total can recur |
/// | `points.level_changed` | `user`, `points`, `from`, `to` (level ids, absent for none) | no: levels can go back and forth |
/// | `streak.lost` | `user`, `length` | no: the payload has no date |
/// | `streak.freeze_consumed` | `user`, `consumed`, `freezes` | no |
/// | `streak.freeze_earned` | `user`, `earned`, `freezes` | no |
/// | unknown types | the type only | no |
///
/// A natural key that is absent from a payload (a streak without a period) is left out.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DedupKey {
    key: String,
}

impl DedupKey {
    /// The key of a delivery: `body` is the raw body as received, `event` what it parsed into.
    pub fn new(body: &[u8], event: &WebhookEvent) -> Self {
        let mut key = Key::new(event.event_type().as_str());
        natural_keys(event, &mut key);
        let mut key = key.0;
        key.push_str(DIGEST_PART);
        for byte in Sha256::digest(body) {
            // Writing to a String cannot fail.
            let _ = write!(key, "{byte:02x}");
        }
        DedupKey { key }
    }

    /// The whole key, to store.
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// The event type and natural keys, without the body digest (see the table above for
    /// when it names one occurrence).
    pub fn natural_key(&self) -> &str {
        // Values never hold `:` (it is escaped), so the digest part is found exactly.
        match self.key.rsplit_once(DIGEST_PART) {
            Some((natural, _)) => natural,
            None => &self.key,
        }
    }

    /// The hex SHA-256 of the raw body.
    pub fn body_sha256(&self) -> &str {
        match self.key.rsplit_once(DIGEST_PART) {
            Some((_, digest)) => digest,
            None => "",
        }
    }

    /// The key as an owned string.
    pub fn into_string(self) -> String {
        self.key
    }
}

impl fmt::Display for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

impl AsRef<str> for DedupKey {
    fn as_ref(&self) -> &str {
        &self.key
    }
}

impl From<DedupKey> for String {
    fn from(key: DedupKey) -> String {
        key.key
    }
}

/// A key under construction: the encoded type, then `:name=value` parts.
struct Key(String);

impl Key {
    fn new(event_type: &str) -> Self {
        Key(utf8_percent_encode(event_type, KEEP).to_string())
    }

    fn part(&mut self, name: &str, value: &str) {
        let _ = write!(self.0, ":{name}={}", utf8_percent_encode(value, KEEP));
    }

    /// A number or date: its text needs no escaping, but goes through the same path.
    fn display(&mut self, name: &str, value: impl fmt::Display) {
        self.part(name, &value.to_string());
    }

    fn optional(&mut self, name: &str, value: Option<impl fmt::Display>) {
        if let Some(value) = value {
            self.display(name, value);
        }
    }
}

/// The event's natural keys, in a fixed order per type (see the table on [`DedupKey`]).
fn natural_keys(event: &WebhookEvent, key: &mut Key) {
    match event {
        WebhookEvent::AchievementCompleted(e) => {
            key.part("user", &e.user.id);
            key.part("achievement", &e.achievement.id);
        }
        WebhookEvent::AchievementDue(e) => {
            key.part("user", &e.user.id);
            key.part("achievement", &e.achievement.id);
        }
        WebhookEvent::StreakStarted(e) | WebhookEvent::StreakExtended(e) => {
            key.part("user", &e.user.id);
            key.optional("period", e.streak.period_start);
            key.display("length", e.streak.length);
        }
        WebhookEvent::StreakReminderDue(e) => {
            key.part("user", &e.user.id);
            key.optional("period", e.streak.streak.period_start);
        }
        WebhookEvent::RecapDue(e) => {
            key.part("user", &e.user.id);
            key.part(
                "period",
                &format!("{}..{}", e.recap.period_start, e.recap.period_end),
            );
        }
        WebhookEvent::ReactivationDue(e) => {
            key.part("user", &e.user.id);
            key.display("message", e.reactivation.message_number);
        }
        WebhookEvent::PointsBoostStarted(e) | WebhookEvent::PointsBoostFinished(e) => {
            key.part("boost", &e.boost.id);
            if let Some(user) = &e.boost.user_id {
                key.part("user", user);
            }
        }
        WebhookEvent::LeaderboardStarted(e)
        | WebhookEvent::LeaderboardChanged(e)
        | WebhookEvent::LeaderboardFinished(e) => {
            key.part("leaderboard", &e.leaderboard.leaderboard.id);
            key.display("run", e.leaderboard.leaderboard.start);
        }
        WebhookEvent::LeaderboardRankChanged(e) => {
            let board = &e.leaderboard.user_leaderboard;
            key.part("user", &e.user.id);
            key.part("leaderboard", &board.leaderboard.id);
            key.display("run", board.leaderboard.start);
            key.optional("previous", e.leaderboard.previous_rank);
            key.optional("rank", board.rank);
        }
        WebhookEvent::PointsChanged(e) => {
            key.part("user", &e.user.id);
            key.part("points", &e.points.system.id);
            key.display("total", e.points.total);
        }
        WebhookEvent::PointsLevelChanged(e) => {
            key.part("user", &e.user.id);
            key.part("points", &e.points.system.id);
            if let Some(level) = &e.previous_level {
                key.part("from", &level.id);
            }
            if let Some(level) = &e.new_level {
                key.part("to", &level.id);
            }
        }
        WebhookEvent::StreakLost(e) => {
            key.part("user", &e.user.id);
            key.display("length", e.length);
        }
        WebhookEvent::StreakFreezeConsumed(e) => {
            key.part("user", &e.user.id);
            key.display("consumed", e.consumed);
            key.display("freezes", e.freezes);
        }
        WebhookEvent::StreakFreezeEarned(e) => {
            key.part("user", &e.user.id);
            key.display("earned", e.earned);
            key.display("freezes", e.freezes);
        }
        WebhookEvent::Unknown { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(body: &str) -> DedupKey {
        let event = WebhookEvent::from_slice(body.as_bytes()).unwrap();
        DedupKey::new(body.as_bytes(), &event)
    }

    const USER: &str =
        r#"{"id":"u1","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"}"#;

    #[test]
    fn same_body_same_key_and_digest_is_sha256() {
        let body = format!(r#"{{"type":"streak.lost","user":{USER},"length":7}}"#);
        let a = key(&body);
        assert_eq!(a, key(&body));
        assert_eq!(a.natural_key(), "streak.lost:user=u1:length=7");
        // SHA-256 of the exact bytes, in lower-case hex.
        let digest: String = Sha256::digest(body.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(a.body_sha256(), digest);
        assert_eq!(
            a.as_str(),
            format!("streak.lost:user=u1:length=7:sha256={digest}")
        );
        assert_eq!(a.to_string(), a.as_str());
    }

    #[test]
    fn any_byte_of_difference_is_another_key() {
        let body = format!(r#"{{"type":"streak.lost","user":{USER},"length":7}}"#);
        let spaced = format!(r#"{{"type":"streak.lost", "user":{USER},"length":7}}"#);
        let (a, b) = (key(&body), key(&spaced));
        assert_ne!(a, b, "a retry whose bytes differ is not recognised");
        assert_eq!(
            a.natural_key(),
            b.natural_key(),
            "but it is about the same thing"
        );
    }

    #[test]
    fn separators_in_ids_are_escaped() {
        // A user id that looks like more key parts cannot imitate another event.
        let tricky = r#"{"id":"u1:length=7","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"}"#;
        let body = format!(r#"{{"type":"streak.lost","user":{tricky},"length":8}}"#);
        let k = key(&body);
        assert_eq!(k.natural_key(), "streak.lost:user=u1%3Alength%3D7:length=8");
        assert!(k.as_str().is_ascii());
        let odd =
            r#"{"id":"é/ ?#%","created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z"}"#;
        let body = format!(r#"{{"type":"streak.lost","user":{odd},"length":1}}"#);
        assert_eq!(
            key(&body).natural_key(),
            "streak.lost:user=%C3%A9%2F%20%3F%23%25:length=1"
        );
    }

    #[test]
    fn unknown_types_keep_their_type_only() {
        let k = key(r#"{"type":"user.deleted","userId":"u1"}"#);
        assert_eq!(k.natural_key(), "user.deleted");
        let odd = key(r#"{"type":"a:b=c","userId":"u1"}"#);
        assert_eq!(odd.natural_key(), "a%3Ab%3Dc");
        assert_eq!(odd.body_sha256().len(), 64);
    }

    #[test]
    fn optional_keys_are_left_out() {
        let body = format!(
            r#"{{"type":"streak.started","user":{USER},"streak":{{"length":1,"frequency":"daily"}}}}"#
        );
        assert_eq!(key(&body).natural_key(), "streak.started:user=u1:length=1");
    }
}
