//! The measured calls: Trophy's two seed endpoints and the largest response fixture of each API.

/// The user, metric and platform IDs the calls use.
pub const USER: &str = "user-1";
/// The metric key of the Trophy metric call.
pub const METRIC: &str = "words-written";
/// The Giftoin platform user.
pub const PLATFORM_USER: &str = "123456789012345678";

/// One kind of call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Trophy `GET users/{id}/metrics/{key}` (seed endpoint).
    TrophyMetric,
    /// Trophy `GET users/{id}/achievements` (seed endpoint).
    TrophyAchievements,
    /// Trophy `GET users/{id}/wrapped` (Trophy's largest response fixture).
    TrophyWrapped,
    /// Nudj `GET achievements` (Nudj's largest response fixture).
    NudjAchievements,
    /// Epixel `GET profiles/user/goals-leaderboard/` (Epixel's largest response fixture).
    GoalsLeaderboard,
    /// Giftoin `GET users/{platform}/{id}/progress/collection-challenges` (Giftoin's largest).
    GiftoinChallenges,
}

impl Case {
    /// Every case, in table order.
    pub const ALL: [Case; 6] = [
        Case::TrophyMetric,
        Case::TrophyAchievements,
        Case::TrophyWrapped,
        Case::NudjAchievements,
        Case::GoalsLeaderboard,
        Case::GiftoinChallenges,
    ];

    /// The short name used on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Case::TrophyMetric => "trophy-metric",
            Case::TrophyAchievements => "trophy-achievements",
            Case::TrophyWrapped => "trophy-wrapped",
            Case::NudjAchievements => "nudj-achievements",
            Case::GoalsLeaderboard => "goals-leaderboard",
            Case::GiftoinChallenges => "giftoin-challenges",
        }
    }

    /// The case with this short name.
    pub fn from_id(id: &str) -> Option<Case> {
        Case::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The row label of the table.
    pub fn label(self) -> &'static str {
        match self {
            Case::TrophyMetric => "trophy users/{id}/metrics/{key}",
            Case::TrophyAchievements => "trophy users/{id}/achievements",
            Case::TrophyWrapped => "trophy users/{id}/wrapped",
            Case::NudjAchievements => "nudj achievements",
            Case::GoalsLeaderboard => "goals goals-leaderboard",
            Case::GiftoinChallenges => "giftoin collection-challenges",
        }
    }

    /// The response body.
    pub fn body(self) -> &'static [u8] {
        match self {
            Case::TrophyMetric => {
                include_bytes!("../../../fixtures/trophy/responses/users_single_metric.json")
            }
            Case::TrophyAchievements => {
                include_bytes!("../../../fixtures/trophy/responses/users_achievements.json")
            }
            Case::TrophyWrapped => {
                include_bytes!("../../../fixtures/trophy/responses/users_wrapped.json")
            }
            Case::NudjAchievements => {
                include_bytes!("../../../fixtures/nudj/achievements_list.json")
            }
            Case::GoalsLeaderboard => {
                include_bytes!("../../../fixtures/goals/goals_leaderboard.json")
            }
            Case::GiftoinChallenges => {
                include_bytes!("../../../fixtures/giftoin/progress_list.enveloped.json")
            }
        }
    }

    /// The path the call reaches on the server (base URL path included, no query).
    pub fn server_path(self) -> &'static str {
        match self {
            Case::TrophyMetric => "/trophy/v1/users/user-1/metrics/words-written",
            Case::TrophyAchievements => "/trophy/v1/users/user-1/achievements",
            Case::TrophyWrapped => "/trophy/v1/users/user-1/wrapped",
            Case::NudjAchievements => "/nudj/api/v2/integration/achievements",
            Case::GoalsLeaderboard => "/goals/api/v1/profiles/user/goals-leaderboard/",
            Case::GiftoinChallenges => {
                "/giftoin/api/v1/users/discord/123456789012345678/progress/collection-challenges"
            }
        }
    }
}

/// The base URL paths of the four APIs on the bench server.
pub mod base {
    /// Trophy.
    pub const TROPHY: &str = "/trophy/v1";
    /// Nudj.
    pub const NUDJ: &str = "/nudj/api/v2/integration";
    /// Epixel Goals.
    pub const GOALS: &str = "/goals/api/v1";
    /// Giftoin.
    pub const GIFTOIN: &str = "/giftoin/api/v1";
}
