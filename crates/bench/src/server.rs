//! The loopback server: hyper's HTTP/1.1 server with keep-alive, answering each case's path
//! with its fixed body. It runs in a process of its own (the benchmark binary started with
//! `serve`), pinned to another core than the client where `taskset` works, so that the
//! client's CPU time is the client's alone.

use std::convert::Infallible;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::cases::Case;

/// Serves every case on `listener` until the process ends.
pub async fn serve(listener: TcpListener) {
    let routes: Arc<Vec<(&'static str, Bytes)>> = Arc::new(
        Case::ALL
            .into_iter()
            .map(|case| (case.server_path(), Bytes::from_static(case.body())))
            .collect(),
    );
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let routes = routes.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                let response = respond(&routes, request.uri().path());
                async move { Ok::<_, Infallible>(response) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn respond(routes: &[(&'static str, Bytes)], path: &str) -> Response<Full<Bytes>> {
    let (status, body) = match routes.iter().find(|(p, _)| *p == path) {
        Some((_, body)) => (StatusCode::OK, body.clone()),
        None => (
            StatusCode::NOT_FOUND,
            Bytes::from_static(b"{\"error\":\"no route\"}"),
        ),
    };
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The entry point of the server process: binds 127.0.0.1 on a free port, prints
/// `port N` on stdout, and serves until killed.
pub fn run_process() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        println!("port {}", listener.local_addr()?.port());
        serve(listener).await;
        Ok(())
    })
}

/// The server process, killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Whether it runs pinned to core 0.
    pub pinned: bool,
}

impl ServerProcess {
    /// Starts `exe serve`, under `taskset -c 0` when `pin` is set and taskset works.
    pub fn spawn(exe: &std::path::Path, pin: bool) -> std::io::Result<ServerProcess> {
        let pinned = pin && taskset_works();
        let mut command = if pinned {
            let mut c = Command::new("taskset");
            c.arg("-c").arg("0").arg(exe);
            c
        } else {
            Command::new(exe)
        };
        let mut child = command
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| std::io::Error::other("no server stdout"))?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let port: u16 = line
            .trim()
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("server said {line:?}")))?;
        Ok(ServerProcess {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            pinned,
        })
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `taskset` exists and may set affinities here (containers may refuse).
pub fn taskset_works() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
        && Command::new("taskset")
            .args(["-c", "0", "true"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// Pins this process's main thread (and so the threads it starts later) to core 1.
pub fn pin_self_to_core_1() -> bool {
    taskset_works()
        && Command::new("taskset")
            .args(["-p", "-c", "1", &std::process::id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}
