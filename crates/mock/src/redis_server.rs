//! A real `redis-server` for tests of code that shares a rate limit through Redis: started on
//! a free loopback port, killed by its PID (SIGKILL, as a crash or an OOM kill would) and
//! restarted on the same port, so that a test sees Redis die and come back.
//!
//! It needs the `redis-server` binary on the `PATH` (Debian: `apt-get install redis-server`);
//! without it [`RedisServer::start`] fails, it does not skip.
//!
//! ```no_run
//! use questkit_mock::redis_server::RedisServer;
//!
//! let mut redis = RedisServer::start().expect("redis-server on the PATH");
//! let url = redis.url(); // redis://127.0.0.1:PORT/
//! redis.kill();          // SIGKILL: the limiter sees Redis die
//! redis.restart().unwrap(); // the same port, empty
//! # drop(url);
//! ```

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a started server has to answer `PING`.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A `redis-server` of this process's own (no persistence), killed when dropped.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
}

impl RedisServer {
    /// Starts one on a free loopback port and waits until it answers.
    pub fn start() -> std::io::Result<RedisServer> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut server = RedisServer { child: None, port };
        server.restart()?;
        Ok(server)
    }

    /// `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The port it listens on (the same after a restart).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The PID of the running server, if one runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Kills the server (SIGKILL to its PID) and reaps it. Nothing is saved.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port (empty), after [`RedisServer::kill`].
    pub fn restart(&mut self) -> std::io::Result<()> {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot start redis-server (is it on the PATH?): {e}"),
                )
            })?;
        self.child = Some(child);
        let started = Instant::now();
        while !self.answers_ping() {
            if started.elapsed() > START_TIMEOUT {
                self.kill();
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("redis-server did not answer on port {}", self.port),
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// How many times `command` (lowercase, as `INFO commandstats` names it: `evalsha`,
    /// `script|load`) ran since the server started; 0 when it never did or the server does
    /// not answer.
    pub fn command_calls(&self, command: &str) -> u64 {
        let Some(stats) = self.info("commandstats") else {
            return 0;
        };
        let prefix = format!("cmdstat_{command}:calls=");
        stats
            .lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .and_then(|rest| rest.split(',').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// The text of `INFO section`, read as the bulk string Redis answers (`$len` then the
    /// bytes).
    fn info(&self, section: &str) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        stream
            .write_all(format!("INFO {section}\r\n").as_bytes())
            .ok()?;
        let mut answer = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let header_end = answer.windows(2).position(|w| w == b"\r\n");
            if let Some(end) = header_end {
                let length: usize = std::str::from_utf8(answer.get(1..end)?)
                    .ok()?
                    .parse()
                    .ok()?;
                let body = end.checked_add(2)?;
                if answer.len() >= body.checked_add(length)? {
                    let text = answer.get(body..body.checked_add(length)?)?;
                    return String::from_utf8(text.to_vec()).ok();
                }
            }
            let n = stream.read(&mut chunk).ok()?;
            if n == 0 {
                return None;
            }
            answer.extend_from_slice(chunk.get(..n)?);
        }
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
        let mut answer = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut answer).is_ok()
            && &answer == b"+PONG\r\n"
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_dies_and_comes_back_on_the_same_port() {
        let mut redis = RedisServer::start().unwrap();
        let port = redis.port();
        assert!(redis.answers_ping());
        assert!(redis.pid().is_some());
        redis.kill();
        assert!(!redis.answers_ping(), "killed");
        assert_eq!(redis.pid(), None);
        redis.restart().unwrap();
        assert_eq!(redis.port(), port);
        assert!(redis.answers_ping());
        assert_eq!(redis.url(), format!("redis://127.0.0.1:{port}/"));
        let pings = redis.command_calls("ping");
        assert!(pings >= 1, "the readiness PINGs are counted: {pings}");
        assert_eq!(redis.command_calls("evalsha"), 0);
    }
}
