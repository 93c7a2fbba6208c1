//! Users: create, identify and update users, and everything Trophy tracks for one user
//! (`/users/...`).

use chrono::NaiveDate;
use questkit_core::Transport;

use crate::achievements::UserAchievementWithStats;
use crate::leaderboards::UserLeaderboardWithHistory;
use crate::metrics::{Aggregation, EventSummaryEntry, Metric};
use crate::points::{PointsBoost, UserPoints};
use crate::preferences::{UpdateUserPreferences, UserPreferences};
use crate::streaks::UserStreak;
use crate::wrapped::Wrapped;

mod models;

pub use models::{UpdatedUser, UpsertedUser, User};

/// The user calls of a [`crate::Trophy`] client (`trophy.users()`).
#[derive(Clone, Copy, Debug)]
pub struct Users<'a> {
    transport: &'a Transport,
}

impl<'a> Users<'a> {
    pub(crate) fn new(transport: &'a Transport) -> Self {
        Users { transport }
    }

    /// `POST /users`: creates a user (Trophy answers 201 with the stored user).
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_trophy::UpsertedUser;
    /// let user = trophy.users().create(UpsertedUser::new("user-1").email("ada@example.com")).await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, user: UpsertedUser) -> CreateUser {
        CreateUser::from(
            self.transport
                .post("users", &[])
                .operation("users.create")
                .json(&user),
        )
    }

    /// `GET /users/{id}`: one user.
    pub fn get(&self, id: &str) -> GetUser {
        GetUser::from(
            self.transport
                .get("users/{id}", &[id])
                .operation("users.get"),
        )
    }

    /// `PUT /users/{id}`: creates the user or replaces the given fields (Trophy's "identify").
    pub fn identify(&self, id: &str, user: UpdatedUser) -> IdentifyUser {
        IdentifyUser::from(
            self.transport
                .put("users/{id}", &[id])
                .operation("users.identify")
                .json(&user),
        )
    }

    /// `PATCH /users/{id}`: updates the given fields of an existing user (404 if unknown).
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_trophy::UpdatedUser;
    /// let user = trophy.users().update("user-1", UpdatedUser::new().name("Ada").clear_tz()).await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: &str, user: UpdatedUser) -> UpdateUser {
        UpdateUser::from(
            self.transport
                .patch("users/{id}", &[id])
                .operation("users.update")
                .json(&user),
        )
    }

    /// `GET /users/{id}/preferences`: notification and streak preferences.
    pub fn get_preferences(&self, id: &str) -> GetPreferences {
        GetPreferences::from(
            self.transport
                .get("users/{id}/preferences", &[id])
                .operation("users.get_preferences"),
        )
    }

    /// `PATCH /users/{id}/preferences`: changes the given preferences (403 when streak
    /// customisation is off for the organisation).
    pub fn update_preferences(
        &self,
        id: &str,
        preferences: UpdateUserPreferences,
    ) -> UpdatePreferences {
        UpdatePreferences::from(
            self.transport
                .patch("users/{id}/preferences", &[id])
                .operation("users.update_preferences")
                .json(&preferences),
        )
    }

    /// `GET /users/{id}/metrics`: the user's totals for every metric, with achievements.
    pub fn all_metrics(&self, id: &str) -> AllMetrics {
        AllMetrics::from(
            self.transport
                .get("users/{id}/metrics", &[id])
                .operation("users.all_metrics"),
        )
    }

    /// `GET /users/{id}/metrics/{key}`: the user's total for one metric, with its achievements.
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// use questkit_core::HasProgress;
    /// let metric = trophy.users().single_metric("user-1", "words-written").await?;
    /// println!("{}: {} ({}% to the next achievement)", metric.name, metric.current, metric.progress().percent());
    /// # Ok(()) }
    /// ```
    pub fn single_metric(&self, id: &str, key: &str) -> SingleMetric {
        SingleMetric::from(
            self.transport
                .get("users/{id}/metrics/{key}", &[id, key])
                .operation("users.single_metric"),
        )
    }

    /// `GET /users/{id}/metrics/{key}/event-summary`: the user's metric totals and changes per
    /// day, week or month between two dates (inclusive).
    pub fn metric_event_summary(
        &self,
        id: &str,
        key: &str,
        aggregation: Aggregation,
        start_date: NaiveDate,
        end_date: NaiveDate,
    ) -> MetricEventSummary {
        MetricEventSummary::from(
            self.transport
                .get("users/{id}/metrics/{key}/event-summary", &[id, key])
                .operation("users.metric_event_summary")
                .query("aggregation", aggregation)
                .query("startDate", start_date)
                .query("endDate", end_date),
        )
    }

    /// `GET /users/{id}/achievements`: the achievements the user completed (and, with
    /// [`UserAchievements::include_incomplete`], the others too).
    ///
    /// ```no_run
    /// # async fn run(trophy: questkit_trophy::Trophy) -> questkit_core::Result<()> {
    /// let all = trophy.users().achievements("user-1").include_incomplete(true).await?;
    /// for a in &all {
    ///     println!("{} {}", if a.is_achieved() { "[x]" } else { "[ ]" }, a.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn achievements(&self, id: &str) -> UserAchievements {
        UserAchievements::from(
            self.transport
                .get("users/{id}/achievements", &[id])
                .operation("users.achievements"),
        )
    }

    /// `GET /users/{id}/streak`: the user's streak, recent periods and pauses.
    pub fn streak(&self, id: &str) -> GetStreak {
        GetStreak::from(
            self.transport
                .get("users/{id}/streak", &[id])
                .operation("users.streak"),
        )
    }

    /// `GET /users/{id}/points/{key}`: the user's points in one system, level and recent awards.
    pub fn points(&self, id: &str, key: &str) -> GetUserPoints {
        GetUserPoints::from(
            self.transport
                .get("users/{id}/points/{key}", &[id, key])
                .operation("users.points"),
        )
    }

    /// `GET /users/{id}/points/{key}/boosts`: the boosts that apply to the user.
    pub fn points_boosts(&self, id: &str, key: &str) -> UserPointsBoosts {
        UserPointsBoosts::from(
            self.transport
                .get("users/{id}/points/{key}/boosts", &[id, key])
                .operation("users.points_boosts"),
        )
    }

    /// `GET /users/{id}/points/{key}/event-summary`: the user's points totals and changes per
    /// day, week or month between two dates (inclusive).
    pub fn points_event_summary(
        &self,
        id: &str,
        key: &str,
        aggregation: Aggregation,
        start_date: NaiveDate,
        end_date: NaiveDate,
    ) -> PointsEventSummary {
        PointsEventSummary::from(
            self.transport
                .get("users/{id}/points/{key}/event-summary", &[id, key])
                .operation("users.points_event_summary")
                .query("aggregation", aggregation)
                .query("startDate", start_date)
                .query("endDate", end_date),
        )
    }

    /// `GET /users/{id}/leaderboards/{key}`: the user's rank on a leaderboard with its daily
    /// history.
    pub fn leaderboard(&self, id: &str, key: &str) -> GetUserLeaderboard {
        GetUserLeaderboard::from(
            self.transport
                .get("users/{id}/leaderboards/{key}", &[id, key])
                .operation("users.leaderboard"),
        )
    }

    /// `GET /users/{id}/wrapped`: the user's year in review.
    pub fn wrapped(&self, id: &str) -> GetWrapped {
        GetWrapped::from(
            self.transport
                .get("users/{id}/wrapped", &[id])
                .operation("users.wrapped"),
        )
    }
}

questkit_core::call! {
    /// The call of [`Users::create`]; await it for the created [`User`].
    pub struct CreateUser -> User;
}

questkit_core::call! {
    /// The call of [`Users::get`]; await it for the [`User`].
    pub struct GetUser -> User;
}

questkit_core::call! {
    /// The call of [`Users::identify`]; await it for the stored [`User`].
    pub struct IdentifyUser -> User;
}

questkit_core::call! {
    /// The call of [`Users::update`]; await it for the updated [`User`].
    pub struct UpdateUser -> User;
}

questkit_core::call! {
    /// The call of [`Users::get_preferences`].
    pub struct GetPreferences -> UserPreferences;
}

questkit_core::call! {
    /// The call of [`Users::update_preferences`]; await it for the preferences after the change.
    pub struct UpdatePreferences -> UserPreferences;
}

questkit_core::call! {
    /// The call of [`Users::all_metrics`].
    pub struct AllMetrics -> Vec<Metric>;
}

questkit_core::call! {
    /// The call of [`Users::single_metric`].
    pub struct SingleMetric -> Metric;
}

questkit_core::call! {
    /// The call of [`Users::metric_event_summary`].
    pub struct MetricEventSummary -> Vec<EventSummaryEntry>;
}

questkit_core::call! {
    /// The call of [`Users::achievements`].
    pub struct UserAchievements -> Vec<UserAchievementWithStats>;
}

impl UserAchievements {
    /// With `true`, also returns the achievements the user has not completed
    /// (`includeIncomplete=true`). Without it (the default, or `false`) only completed ones.
    pub fn include_incomplete(mut self, include: bool) -> Self {
        self.inner = if include {
            self.inner.set_query("includeIncomplete", "true")
        } else {
            self.inner.remove_query("includeIncomplete")
        };
        self
    }
}

questkit_core::call! {
    /// The call of [`Users::streak`].
    pub struct GetStreak -> UserStreak;
}

impl GetStreak {
    /// How many past periods `streakHistory` holds (Trophy's default is 7).
    pub fn history_periods(mut self, periods: u32) -> Self {
        self.inner = self.inner.set_query("historyPeriods", periods);
        self
    }
}

questkit_core::call! {
    /// The call of [`Users::points`].
    pub struct GetUserPoints -> UserPoints;
}

impl GetUserPoints {
    /// How many recent awards to return (1 to 100; Trophy's default is 10).
    pub fn awards(mut self, count: u32) -> Self {
        self.inner = self.inner.set_query("awards", count);
        self
    }
}

questkit_core::call! {
    /// The call of [`Users::points_boosts`].
    pub struct UserPointsBoosts -> Vec<PointsBoost>;
}

questkit_core::call! {
    /// The call of [`Users::points_event_summary`].
    pub struct PointsEventSummary -> Vec<EventSummaryEntry>;
}

questkit_core::call! {
    /// The call of [`Users::leaderboard`].
    pub struct GetUserLeaderboard -> UserLeaderboardWithHistory;
}

impl GetUserLeaderboard {
    /// The run of a recurring leaderboard, by its date (default: the current run).
    pub fn run(mut self, run: NaiveDate) -> Self {
        self.inner = self.inner.set_query("run", run);
        self
    }

    /// How many history entries to return (0 to 100; Trophy's default is 10).
    pub fn num_events(mut self, count: u32) -> Self {
        self.inner = self.inner.set_query("numEvents", count);
        self
    }
}

questkit_core::call! {
    /// The call of [`Users::wrapped`].
    pub struct GetWrapped -> Wrapped;
}

impl GetWrapped {
    /// The year to review (default: the current year).
    pub fn year(mut self, year: i32) -> Self {
        self.inner = self.inner.set_query("year", year);
        self
    }
}
