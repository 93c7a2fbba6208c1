//! What questkit itself costs per call, next to the network.
//!
//! Run: `cargo bench -p questkit-core --bench overhead` (add `-- --quick` for a short run).
//!
//! 1. Decoding: a 100-item JSON list straight into typed models (what questkit does) against a
//!    detour through `serde_json::Value`.
//! 2. Request overhead: the same GET to a minimal keep-alive HTTP server on 127.0.0.1, once with
//!    a bare `reqwest::Client` and once through a questkit `Transport` (URL building, auth
//!    headers, retry bookkeeping, tracing span, body limit, typed decode). The difference is
//!    the SDK's own cost; loopback is the cheapest network there is, so any real network
//!    makes the share smaller still.
//!
//! The compared cases run alternately, round by round, so that the speed drift of a shared
//! machine hits both alike; the overhead is the median of the per-round differences.

use std::hint::black_box;
use std::time::{Duration, Instant};

use questkit_core::{Auth, Transport};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Deserialize)]
#[allow(dead_code)]
struct Ranking {
    user_id: String,
    user_name: Option<String>,
    rank: u64,
    value: f64,
}

fn body(items: usize) -> Vec<u8> {
    let rankings: Vec<String> = (0..items)
        .map(|i| {
            format!(
                r#"{{"user_id":"user-{i}","user_name":"Player {i}","rank":{},"value":{}.5}}"#,
                i + 1,
                1000 - i
            )
        })
        .collect();
    format!("[{}]", rankings.join(",")).into_bytes()
}

/// A keep-alive HTTP/1.1 server that answers every request with `payload`.
async fn serve(payload: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        payload.len()
    );
    let response: Vec<u8> = [head.as_bytes(), &payload].concat();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut filled = 0;
                loop {
                    match socket.read(&mut buf[filled..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => filled += n,
                    }
                    while let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                        if socket.write_all(&response).await.is_err() {
                            return;
                        }
                        buf.copy_within(end + 4..filled, 0);
                        filled -= end + 4;
                    }
                }
            });
        }
    });
    format!("http://{addr}/v1")
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Runs `a` and `b` alternately, `rounds` times each (swapping which goes first every round),
/// so that drift in the machine's speed hits both alike. Returns the medians of `a`, of `b`
/// and of the per-round difference `b - a`, in microseconds.
fn paired(rounds: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64, f64) {
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        micros(start.elapsed())
    };
    let (mut xs, mut ys, mut diffs) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (x, y) = if round % 2 == 0 {
            let x = time(&mut a);
            (x, time(&mut b))
        } else {
            let y = time(&mut b);
            (time(&mut a), y)
        };
        xs.push(x);
        ys.push(y);
        diffs.push(y - x);
    }
    (median(xs), median(ys), median(diffs))
}

fn report(name: &str, value: f64) {
    println!("{name:<52} median {value:>9.2} µs");
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let iterations = if quick { 300 } else { 3000 };
    let payload = body(100);
    println!(
        "questkit overhead benchmark ({iterations} iterations per case, body {} bytes)\n",
        payload.len()
    );

    // 1. Decoding.
    let raw_bytes = bytes::Bytes::from(payload.clone());
    let (direct, detour, _) = paired(
        iterations,
        || {
            let v: Vec<Ranking> = serde_json::from_slice(black_box(&raw_bytes)).expect("decode");
            black_box(v);
        },
        || {
            let value: serde_json::Value =
                serde_json::from_slice(black_box(&raw_bytes)).expect("value");
            let v: Vec<Ranking> = serde_json::from_value(value).expect("decode");
            black_box(v);
        },
    );
    report("decode 100 rankings: typed (questkit)", direct);
    report("decode 100 rankings: via serde_json::Value", detour);
    println!(
        "  -> the Value detour costs {:.1}x the direct decode\n",
        detour / direct
    );

    // 2. Request overhead over loopback.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let base = rt.block_on(serve(payload));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let transport = Transport::builder("bench")
        .base_url(&base)
        .auth(Auth::header("X-API-KEY", "bench-key"))
        .http_client_unchecked(http.clone())
        .build()
        .expect("transport");
    let url = format!("{base}/leaderboards/weekly");

    let bare_call = || {
        rt.block_on(async {
            let bytes = http
                .get(&url)
                .header("X-API-KEY", "bench-key")
                .send()
                .await
                .expect("send")
                .bytes()
                .await
                .expect("body");
            let v: Vec<Ranking> = serde_json::from_slice(&bytes).expect("decode");
            black_box(v);
        })
    };
    let sdk_call = || {
        rt.block_on(async {
            let v: Vec<Ranking> = transport
                .get("leaderboards/{key}", &["weekly"])
                .await
                .expect("call");
            black_box(v);
        })
    };
    let (bare, sdk, overhead) = paired(iterations, bare_call, sdk_call);
    report("GET + decode, bare reqwest", bare);
    report("GET + decode, questkit Transport", sdk);
    println!(
        "  -> questkit adds {overhead:.2} µs per call over bare reqwest on loopback \
         (median of paired differences; {:.1}% of a loopback call)",
        100.0 * overhead / bare
    );
}
