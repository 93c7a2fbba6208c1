//! The `profiles/` resource: the goals overview and the goals leaderboard.

mod models;

pub use models::{
    Course, CurrentGoalDetails, Goal, GoalLeaderboardEntry, GoalStatus, GoalVariant,
    GoalsLeaderboard, Overview, Period, Profile, ProfileLeaderboardEntry,
};

use crate::Goals;
use crate::error::decode_envelope;

/// The goal profiles of the logged-in user: `client.profiles()`.
#[derive(Debug, Clone, Copy)]
pub struct Profiles<'a> {
    client: &'a Goals,
}

impl<'a> Profiles<'a> {
    pub(crate) fn new(client: &'a Goals) -> Self {
        Profiles { client }
    }

    /// `GET profiles/overview/`: the user's goals with their progress (the dashboard widget),
    /// for the default profile or the one set with [`OverviewCall::profile_id`].
    ///
    /// ```no_run
    /// # async fn run(goals: questkit_goals::Goals) -> questkit_core::Result<()> {
    /// use questkit_core::HasProgress;
    ///
    /// let overview = goals.profiles().overview().profile_id("12").await?;
    /// for (key, goal) in &overview.user_goals {
    ///     println!("{key}: {}%", goal.progress().percent());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn overview(&self) -> OverviewCall {
        let request = self
            .client
            .transport()
            .get::<Overview>("profiles/overview/", &[])
            .operation("profiles.overview")
            .decoder(decode_envelope::<Overview>);
        OverviewCall::from(request)
    }

    /// `GET profiles/user/goals-leaderboard/`: the ranking in one goal of one profile, with
    /// learning suggestions. Without options the server picks the profile and goal.
    ///
    /// ```no_run
    /// # async fn run(goals: questkit_goals::Goals) -> questkit_core::Result<()> {
    /// let board = goals
    ///     .profiles()
    ///     .goals_leaderboard()
    ///     .profile("12")
    ///     .goal("team_sales")
    ///     .await?;
    /// for (user_id, row) in board.goal_leader_board_user_data.iter().take(3) {
    ///     println!("{user_id} {} {:?}", row.full_name(), row.value);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn goals_leaderboard(&self) -> GoalsLeaderboardCall {
        let request = self
            .client
            .transport()
            .get::<GoalsLeaderboard>("profiles/user/goals-leaderboard/", &[])
            .operation("profiles.goals_leaderboard")
            .decoder(decode_envelope::<GoalsLeaderboard>);
        GoalsLeaderboardCall::from(request)
    }
}

questkit_core::call! {
    /// The goals overview call; see [`Profiles::overview`].
    pub struct OverviewCall -> Overview;
}

impl OverviewCall {
    /// The goal profile to show (query `profile_id`; IDs come from [`Overview::profiles`]).
    /// An unknown ID is answered with the field error `profile` → "Invalid profile id.".
    pub fn profile_id(mut self, id: impl ToString) -> Self {
        self.inner = self.inner.set_query("profile_id", id);
        self
    }
}

questkit_core::call! {
    /// The goals leaderboard call; see [`Profiles::goals_leaderboard`].
    pub struct GoalsLeaderboardCall -> GoalsLeaderboard;
}

impl GoalsLeaderboardCall {
    /// The goal profile (query `profile`). An unknown ID is answered with the field error
    /// `profile` → "Invalid profile id.".
    pub fn profile(mut self, id: impl ToString) -> Self {
        self.inner = self.inner.set_query("profile", id);
        self
    }

    /// The goal keyword (query `goal`, a key of [`GoalsLeaderboard::goals`]). An unknown
    /// keyword is answered with the field error `goal` → "Invalid goal keyword.".
    pub fn goal(mut self, keyword: impl ToString) -> Self {
        self.inner = self.inner.set_query("goal", keyword);
        self
    }
}
