//! All four mock APIs on one server, under one prefix each.

use std::net::SocketAddr;
use std::sync::Arc;

use wiremock::MockServer;

use crate::giftoin::GiftoinMock;
use crate::goals::GoalsMock;
use crate::nudj::NudjMock;
use crate::trophy::TrophyMock;

/// The path prefix of each API on a [`MockSuite`] server (the API's own base path follows).
pub const PREFIXES: [(&str, &str); 4] = [
    ("trophy", "/trophy"),
    ("nudj", "/nudj"),
    ("goals", "/goals"),
    ("giftoin", "/giftoin"),
];

/// The four mock APIs on one port: `/trophy/v1` (and `/trophy/admin/v1`),
/// `/nudj/api/v2/integration` (and `/nudj/api/v2/admin`), `/goals/api/v1`, `/giftoin/api/v1`.
///
/// One port is easier to hand to a tool or a container than four; the prefixes keep each API's
/// own base path, so a client only needs its base URL changed.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let suite = questkit_mock::MockSuite::start().await;
/// assert!(suite.trophy.uri().ends_with("/trophy/v1"));
/// assert!(suite.nudj.uri().ends_with("/nudj/api/v2/integration"));
/// # }
/// ```
#[derive(Debug)]
pub struct MockSuite {
    /// The Trophy mock.
    pub trophy: TrophyMock,
    /// The Nudj mock.
    pub nudj: NudjMock,
    /// The Epixel Goals mock.
    pub goals: GoalsMock,
    /// The Giftoin mock.
    pub giftoin: GiftoinMock,
    server: Arc<MockServer>,
}

impl MockSuite {
    /// Starts the four mocks on a free port of 127.0.0.1.
    pub async fn start() -> MockSuite {
        MockSuite::on_server(Arc::new(MockServer::start().await)).await
    }

    /// Starts the four mocks on `addr` (port 0 picks a free one).
    pub async fn bind(addr: SocketAddr) -> std::io::Result<MockSuite> {
        let listener = std::net::TcpListener::bind(addr)?;
        let server = MockServer::builder().listener(listener).start().await;
        Ok(MockSuite::on_server(Arc::new(server)).await)
    }

    async fn on_server(server: Arc<MockServer>) -> MockSuite {
        MockSuite {
            trophy: TrophyMock::on_server(server.clone(), PREFIXES[0].1).await,
            nudj: NudjMock::on_server(server.clone(), PREFIXES[1].1).await,
            goals: GoalsMock::on_server(server.clone(), PREFIXES[2].1).await,
            giftoin: GiftoinMock::on_server(server.clone(), PREFIXES[3].1).await,
            server,
        }
    }

    /// The server's root URL (`http://127.0.0.1:PORT`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The address the server listens on.
    pub fn address(&self) -> &SocketAddr {
        self.server.address()
    }
}
