//! The two sides of the comparison, making the same calls to the bench server: the questkit
//! clients with their default settings (retries, deadline, redirects handled by questkit,
//! per-attempt spans, body limit, shape checks), and hand-written reqwest + serde clients
//! sending the same headers and decoding into [`crate::hand`]'s structs.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use questkit_core::RawResponse;
use questkit_giftoin::Giftoin;
use questkit_goals::Goals;
use questkit_nudj::Nudj;
use questkit_trophy::Trophy;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::cases::{Case, METRIC, PLATFORM_USER, USER, base};
use crate::hand;

/// An error of either side (the bench stops on the first one).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Which client makes the calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The hand-written reqwest + serde client.
    Hand,
    /// questkit.
    Questkit,
    /// A second, independent hand-written client: compared with the first, it shows the
    /// noise floor of the measurement (a ratio near 1.00 is what the setup can tell apart).
    Control,
}

impl Side {
    /// The name used on the command line and in tables.
    pub fn id(self) -> &'static str {
        match self {
            Side::Hand => "hand",
            Side::Questkit => "questkit",
            Side::Control => "control",
        }
    }

    /// The side with this name.
    pub fn from_id(id: &str) -> Option<Side> {
        [Side::Hand, Side::Questkit, Side::Control]
            .into_iter()
            .find(|s| s.id() == id)
    }
}

/// Every client of both sides, pointed at one bench server.
pub struct Clients {
    trophy: Trophy,
    nudj: Nudj,
    goals: Goals,
    giftoin: Giftoin,
    hand: HandClients,
    control: HandClients,
}

/// The hand-written clients: one `reqwest::Client` per API with its headers set once.
struct HandClients {
    trophy: reqwest::Client,
    nudj: reqwest::Client,
    goals: reqwest::Client,
    giftoin: reqwest::Client,
    origin: String,
}

const KEY: &str = "bench-secret-key";
const TIMEOUT: Duration = Duration::from_secs(30);

impl Clients {
    /// Clients of both sides for the server at `addr`.
    pub fn new(addr: SocketAddr) -> Result<Clients, BoxError> {
        let origin = format!("http://{addr}");
        let trophy = Trophy::builder()
            .api_key(KEY)
            .base_url(format!("{origin}{}", base::TROPHY))
            .build()?;
        let nudj = Nudj::builder()
            .api_token(KEY)
            .base_url(format!("{origin}{}", base::NUDJ))
            .build()?;
        let goals = Goals::builder()
            .api_key(KEY)
            .access_token("bench-access-token")
            .signature("bench-signature")
            .base_url(format!("{origin}{}", base::GOALS))
            .build()?;
        let giftoin = Giftoin::builder()
            .api_key(KEY)
            .base_url(format!("{origin}{}", base::GIFTOIN))
            .build()?;
        let hand = HandClients::new(&origin)?;
        let control = HandClients::new(&origin)?;
        Ok(Clients {
            trophy,
            nudj,
            goals,
            giftoin,
            hand,
            control,
        })
    }

    /// One call of `case` by `side`; returns how many items it decoded.
    pub async fn call(&self, side: Side, case: Case) -> Result<usize, BoxError> {
        match side {
            Side::Questkit => self.questkit(case).await,
            Side::Hand => self.hand.call(case).await,
            Side::Control => self.control.call(case).await,
        }
    }

    async fn questkit(&self, case: Case) -> Result<usize, BoxError> {
        Ok(match case {
            Case::TrophyMetric => {
                let metric = self.trophy.users().single_metric(USER, METRIC).await?;
                metric.achievements.len()
            }
            Case::TrophyAchievements => self.trophy.users().achievements(USER).await?.len(),
            Case::TrophyWrapped => {
                let wrapped = self.trophy.users().wrapped(USER).await?;
                wrapped.activity.entire_year.achievements.len()
                    + wrapped.activity.most_active_day.leaderboards.len()
            }
            Case::NudjAchievements => self.nudj.achievements().list().await?.edges.len(),
            Case::GoalsLeaderboard => {
                let board = self.goals.profiles().goals_leaderboard().await?;
                board.goal_leader_board_user_data.len() + board.course_list.len()
            }
            Case::GiftoinChallenges => {
                let list = self
                    .giftoin
                    .users()
                    .collection_challenges("discord", PLATFORM_USER)
                    .await?;
                list.iter().map(|c| c.cards.len()).sum()
            }
        })
    }
}

impl HandClients {
    /// Hand-written clients for the server at `origin`, with their own connection pools.
    fn new(origin: &str) -> Result<HandClients, BoxError> {
        Ok(HandClients {
            trophy: hand_client(&[("x-api-key", KEY)])?,
            nudj: hand_client(&[("x-api-token", KEY), ("accept", "application/json")])?,
            goals: hand_client(&[
                ("apikey", KEY),
                ("authorization", "Bearer bench-access-token"),
                ("api-signature", "bench-signature"),
            ])?,
            giftoin: hand_client(&[("x-gft-api-key", KEY), ("accept", "application/json")])?,
            origin: origin.to_owned(),
        })
    }

    async fn call(&self, case: Case) -> Result<usize, BoxError> {
        let o = &self.origin;
        let (client, url) = match case {
            Case::TrophyMetric => (
                &self.trophy,
                format!("{o}{}/users/{USER}/metrics/{METRIC}", base::TROPHY),
            ),
            Case::TrophyAchievements => (
                &self.trophy,
                format!("{o}{}/users/{USER}/achievements", base::TROPHY),
            ),
            Case::TrophyWrapped => (
                &self.trophy,
                format!("{o}{}/users/{USER}/wrapped", base::TROPHY),
            ),
            Case::NudjAchievements => (&self.nudj, format!("{o}{}/achievements", base::NUDJ)),
            Case::GoalsLeaderboard => (
                &self.goals,
                format!("{o}{}/profiles/user/goals-leaderboard/", base::GOALS),
            ),
            Case::GiftoinChallenges => (
                &self.giftoin,
                format!(
                    "{o}{}/users/discord/{PLATFORM_USER}/progress/collection-challenges",
                    base::GIFTOIN
                ),
            ),
        };
        // What a careful hand-written client does per call: GET, refuse an error status, read
        // the body, decode it.
        let response = client.get(url).send().await?.error_for_status()?;
        let body = response.bytes().await?;
        hand_decode(case, &body)
    }
}

/// The hand-written decode of a body of `case`; returns how many items it holds.
pub fn hand_decode(case: Case, body: &[u8]) -> Result<usize, BoxError> {
    Ok(match case {
        Case::TrophyMetric => serde_json::from_slice::<hand::Metric>(body)?
            .achievements
            .len(),
        Case::TrophyAchievements => {
            serde_json::from_slice::<Vec<hand::UserAchievementWithStats>>(body)?.len()
        }
        Case::TrophyWrapped => {
            let wrapped: hand::Wrapped = serde_json::from_slice(body)?;
            wrapped.activity.entire_year.achievements.len()
                + wrapped.activity.most_active_day.leaderboards.len()
        }
        Case::NudjAchievements => {
            serde_json::from_slice::<hand::Page<hand::NudjAchievement>>(body)?
                .edges
                .len()
        }
        Case::GoalsLeaderboard => {
            let envelope: hand::GoalsEnvelope<hand::GoalsLeaderboard> =
                serde_json::from_slice(body)?;
            let board = envelope.data.ok_or("no data")?;
            board.goal_leader_board_user_data.len() + board.course_list.len()
        }
        Case::GiftoinChallenges => {
            let envelope: hand::GiftoinEnvelope<Vec<hand::CollectionChallenge>> =
                serde_json::from_slice(body)?;
            envelope.data.iter().map(|c| c.cards.len()).sum()
        }
    })
}

/// A decoder of questkit's: one call value built once, decoding a response the way it does
/// when sent ([`questkit_core::Request::decode`]).
pub type QuestkitDecode = Box<dyn Fn(&RawResponse) -> Result<usize, BoxError>>;

impl Clients {
    /// questkit's decode of a body of `case`, the call built once, outside what is timed.
    pub fn questkit_decoder(&self, case: Case) -> QuestkitDecode {
        match case {
            Case::TrophyMetric => {
                let call = self.trophy.users().single_metric(USER, METRIC);
                Box::new(move |raw| Ok(call.request().decode(raw)?.achievements.len()))
            }
            Case::TrophyAchievements => {
                let call = self.trophy.users().achievements(USER);
                Box::new(move |raw| Ok(call.request().decode(raw)?.len()))
            }
            Case::TrophyWrapped => {
                let call = self.trophy.users().wrapped(USER);
                Box::new(move |raw| {
                    let wrapped = call.request().decode(raw)?;
                    Ok(wrapped.activity.entire_year.achievements.len()
                        + wrapped.activity.most_active_day.leaderboards.len())
                })
            }
            Case::NudjAchievements => {
                let request = self.nudj.achievements().list().to_request();
                Box::new(move |raw| Ok(request.decode(raw)?.edges.len()))
            }
            Case::GoalsLeaderboard => {
                let call = self.goals.profiles().goals_leaderboard();
                Box::new(move |raw| {
                    let board = call.request().decode(raw)?;
                    Ok(board.goal_leader_board_user_data.len() + board.course_list.len())
                })
            }
            Case::GiftoinChallenges => {
                let call = self
                    .giftoin
                    .users()
                    .collection_challenges("discord", PLATFORM_USER);
                Box::new(move |raw| {
                    Ok(call
                        .request()
                        .decode(raw)?
                        .iter()
                        .map(|c| c.cards.len())
                        .sum())
                })
            }
        }
    }
}

/// A 200 response with `case`'s body, as the server sends it.
pub fn response(case: Case) -> RawResponse {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    RawResponse::new(StatusCode::OK, headers, Bytes::from_static(case.body()))
}

/// A reqwest client with its headers built once (the credential marked sensitive), the same
/// user agent, timeouts and redirect policy as questkit's own client.
fn hand_client(headers: &[(&'static str, &str)]) -> Result<reqwest::Client, BoxError> {
    let mut map = HeaderMap::new();
    map.insert(
        USER_AGENT,
        HeaderValue::from_static(questkit_core::transport::USER_AGENT_VALUE),
    );
    for (name, value) in headers {
        let mut value = HeaderValue::from_str(value)?;
        if *name != "accept" {
            value.set_sensitive(true);
        }
        let name = if *name == "accept" {
            ACCEPT
        } else {
            HeaderName::from_static(name)
        };
        map.insert(name, value);
    }
    Ok(reqwest::Client::builder()
        .default_headers(map)
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}
