//! Streaks: consecutive-period activity and the user's standing.

mod models;

pub use models::{Streak, StreakTriggers, StreakUserState};
