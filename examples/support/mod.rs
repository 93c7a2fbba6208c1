//! Shared by the examples: each API's client built from the environment when it names the
//! real service, or pointed at the API's built-in mock otherwise.
//!
//! Each `connect` function returns the client and a one-line description of what it talks to
//! (the examples print it first, so a run on the mock always says so); the mock, if any, lives
//! as long as the returned value.
#![allow(dead_code)] // each example uses the APIs it needs

use std::any::Any;

use questkit::giftoin::Giftoin;
use questkit::goals::Goals;
use questkit::nudj::Nudj;
use questkit::trophy::Trophy;
use questkit_mock::{giftoin, goals, nudj, trophy};

/// A client, what it talks to, and the mock it may need.
pub struct Connected<C> {
    /// The client.
    pub client: C,
    /// One line: the real service's URL, or the mock's and why it is used.
    pub description: String,
    /// Whether the client talks to the built-in mock.
    pub mocked: bool,
    _mock: Option<Box<dyn Any + Send>>,
}

impl<C> Connected<C> {
    fn real(client: C, description: String) -> Self {
        Connected {
            client,
            description,
            mocked: false,
            _mock: None,
        }
    }

    fn mock(client: C, description: String, mock: impl Any + Send) -> Self {
        Connected {
            client,
            description,
            mocked: true,
            _mock: Some(Box::new(mock)),
        }
    }
}

/// Ends an example: on error, prints it (one line: status, vendor code and message, request
/// id; never a credential) and exits with status 1.
pub fn finish(result: questkit::Result<()>) {
    if let Err(err) = result {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}

/// An environment variable, unless unset or blank.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Trophy: `TROPHY_API_KEY` (else the mock), `TROPHY_BASE_URL` (default production).
pub async fn trophy() -> questkit::Result<Connected<Trophy>> {
    if let Some(key) = env("TROPHY_API_KEY") {
        let base =
            env("TROPHY_BASE_URL").unwrap_or_else(|| questkit::trophy::DEFAULT_BASE_URL.to_owned());
        let client = Trophy::builder().api_key(key).base_url(&base).build()?;
        return Ok(Connected::real(
            client,
            format!("Calling the Trophy API at {base}"),
        ));
    }
    let mock = trophy::TrophyMock::start().await;
    let client = Trophy::builder()
        .api_key(trophy::DEMO_API_KEY)
        .base_url(mock.uri())
        .build()?;
    let description = format!(
        "TROPHY_API_KEY is not set: using the built-in Trophy mock at {}",
        mock.uri()
    );
    Ok(Connected::mock(client, description, mock))
}

/// Nudj: `NUDJ_API_TOKEN` (else the mock) with `NUDJ_BASE_URL` or `NUDJ_SUBDOMAIN`;
/// `NUDJ_LANGUAGE` optional.
pub async fn nudj() -> questkit::Result<Connected<Nudj>> {
    let mut builder = Nudj::builder();
    if let Some(language) = env("NUDJ_LANGUAGE") {
        builder = builder.language(language);
    }
    if let Some(token) = env("NUDJ_API_TOKEN") {
        builder = builder.api_token(token);
        let description = match (env("NUDJ_BASE_URL"), env("NUDJ_SUBDOMAIN")) {
            (Some(base), _) => {
                builder = builder.base_url(&base);
                format!("Calling the Nudj API at {base}")
            }
            (None, Some(subdomain)) => {
                builder = builder.subdomain(&subdomain);
                format!("Calling the Nudj API of {subdomain}.nudj.cx")
            }
            (None, None) => {
                return Err(questkit::Error::config(
                    "set NUDJ_BASE_URL or NUDJ_SUBDOMAIN along with NUDJ_API_TOKEN",
                ));
            }
        };
        return Ok(Connected::real(builder.build()?, description));
    }
    let mock = nudj::NudjMock::start().await;
    let client = builder
        .api_token(nudj::DEMO_API_TOKEN)
        .base_url(mock.uri())
        .build()?;
    let description = format!(
        "NUDJ_API_TOKEN is not set: using the built-in Nudj mock at {}",
        mock.uri()
    );
    Ok(Connected::mock(client, description, mock))
}

/// Epixel Goals: `EPIXEL_BASE_URL` (else the mock), `EPIXEL_API_KEY`, `EPIXEL_USERNAME` +
/// `EPIXEL_PASSWORD` or `EPIXEL_ACCESS_TOKEN`, `EPIXEL_API_SIGNATURE` (without it no
/// `api-signature` header is sent).
pub async fn goals() -> questkit::Result<Connected<Goals>> {
    if let Some(base) = env("EPIXEL_BASE_URL") {
        let mut builder = Goals::builder()
            .base_url(&base)
            .api_key(env("EPIXEL_API_KEY").unwrap_or_default());
        if let (Some(user), Some(password)) = (env("EPIXEL_USERNAME"), env("EPIXEL_PASSWORD")) {
            builder = builder.login(user, password);
        }
        if let Some(token) = env("EPIXEL_ACCESS_TOKEN") {
            builder = builder.access_token(token);
        }
        let mut description = format!("Calling the Epixel deployment at {base}");
        builder = match env("EPIXEL_API_SIGNATURE") {
            Some(signature) => builder.signature(signature),
            None => {
                description.push_str(" (EPIXEL_API_SIGNATURE is not set: no api-signature header)");
                builder.without_signature()
            }
        };
        return Ok(Connected::real(builder.build()?, description));
    }
    let mock = goals::GoalsMock::start().await;
    let client = Goals::builder()
        .base_url(mock.uri())
        .api_key(goals::DEMO_API_KEY)
        .login(goals::DEMO_USERNAME, goals::DEMO_PASSWORD)
        .signature(goals::DEMO_API_SIGNATURE)
        .build()?;
    let description = format!(
        "EPIXEL_BASE_URL is not set: using the built-in Goals mock at {}",
        mock.uri()
    );
    Ok(Connected::mock(client, description, mock))
}

/// Giftoin: `GIFTOIN_API_KEY` (else the mock), `GIFTOIN_BASE_URL` (default production).
pub async fn giftoin() -> questkit::Result<Connected<Giftoin>> {
    if let Some(key) = env("GIFTOIN_API_KEY") {
        let base = env("GIFTOIN_BASE_URL")
            .unwrap_or_else(|| questkit::giftoin::DEFAULT_BASE_URL.to_owned());
        let client = Giftoin::builder().api_key(key).base_url(&base).build()?;
        return Ok(Connected::real(
            client,
            format!("Calling the Giftoin API at {base}"),
        ));
    }
    let mock = giftoin::GiftoinMock::start().await;
    let client = Giftoin::builder()
        .api_key(giftoin::DEMO_API_KEY)
        .base_url(mock.uri())
        .build()?;
    let description = format!(
        "GIFTOIN_API_KEY is not set: using the built-in Giftoin mock at {}",
        mock.uri()
    );
    Ok(Connected::mock(client, description, mock))
}

/// Trophy with its admin API: `TROPHY_ADMIN_API_KEY` (else the mock), `TROPHY_API_KEY` for the
/// application calls (default: the admin key, which works on both APIs), `TROPHY_BASE_URL` and
/// `TROPHY_ADMIN_BASE_URL` (default production).
pub async fn trophy_admin() -> questkit::Result<Connected<Trophy>> {
    if let Some(admin_key) = env("TROPHY_ADMIN_API_KEY") {
        let base =
            env("TROPHY_BASE_URL").unwrap_or_else(|| questkit::trophy::DEFAULT_BASE_URL.to_owned());
        let admin_base = env("TROPHY_ADMIN_BASE_URL")
            .unwrap_or_else(|| questkit::trophy::DEFAULT_ADMIN_BASE_URL.to_owned());
        let client = Trophy::builder()
            .api_key(env("TROPHY_API_KEY").unwrap_or_else(|| admin_key.clone()))
            .admin_api_key(admin_key)
            .base_url(&base)
            .admin_base_url(&admin_base)
            .build()?;
        return Ok(Connected::real(
            client,
            format!(
                "Calling the Trophy admin API at {admin_base} and the application API at {base}"
            ),
        ));
    }
    let mock = trophy::TrophyMock::start().await;
    let client = Trophy::builder()
        .api_key(trophy::DEMO_API_KEY)
        .admin_api_key(trophy::DEMO_ADMIN_API_KEY)
        .base_url(mock.uri())
        .admin_base_url(mock.admin_uri())
        .build()?;
    let description = format!(
        "TROPHY_ADMIN_API_KEY is not set: using the built-in Trophy mock at {} (admin API at {})",
        mock.uri(),
        mock.admin_uri()
    );
    Ok(Connected::mock(client, description, mock))
}
