//! The event batcher against a server that resets connections after reading a batch (the
//! "processed, then the connection died" case a load balancer or a crash produces, which
//! wiremock cannot): the batch is sent again with the same idempotency keys and delivered,
//! nothing reported failed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use questkit_trophy::Trophy;
use questkit_trophy::admin::batcher::BatcherConfig;
use questkit_trophy::admin::metrics::BatchEvent;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server saw: requests read, connections reset, idempotency keys received.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    resets: AtomicUsize,
    keys: std::sync::Mutex<Vec<String>>,
}

/// Reads one HTTP request (headers and a `content-length` body); `None` when the peer closed.
async fn read_request(socket: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let text = String::from_utf8_lossy(&data).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return Some(text[end + 4..end + 4 + length].to_owned());
            }
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
    }
}

/// Serves batch requests: the first `resets` are read (processed) and answered with a TCP
/// reset; the others get 202 with the number of events.
async fn serve(listener: TcpListener, seen: Arc<Seen>, resets: usize) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let seen = seen.clone();
        tokio::spawn(async move {
            while let Some(body) = read_request(&mut socket).await {
                let events: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
                seen.keys.lock().unwrap().extend(
                    events
                        .iter()
                        .map(|e| e["idempotencyKey"].as_str().unwrap().to_owned()),
                );
                if seen.requests.fetch_add(1, Ordering::SeqCst) < resets {
                    seen.resets.fetch_add(1, Ordering::SeqCst);
                    // SO_LINGER 0: closing sends a RST, not a FIN.
                    socket.set_zero_linger().unwrap();
                    return;
                }
                let answer = format!("{{\"accepted\":{}}}", events.len());
                let response = format!(
                    "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
                    answer.len()
                );
                if socket.write_all(response.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_reset_after_processing_are_sent_again_with_the_same_keys() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    tokio::spawn(serve(listener, seen.clone(), 3));

    let trophy = Trophy::builder()
        .api_key("admin-key")
        .base_url(format!("{base}/v1"))
        .admin_base_url(format!("{base}/admin/v1"))
        .build()
        .unwrap();
    let batcher = trophy
        .admin()
        .metrics()
        .batcher(
            BatcherConfig::default()
                .max_batch_size(50)
                .flush_interval(Duration::from_millis(20))
                .retry_backoff(Duration::from_millis(10), Duration::from_millis(50)),
        )
        .unwrap();
    let mut sent = Vec::new();
    for n in 0..200 {
        let event = BatchEvent::new("words-written", format!("user-{n}"), 1.0);
        sent.push(event.idempotency_key.clone());
        batcher.send(event).await.unwrap();
    }
    let report = batcher.shutdown(Duration::from_secs(30)).await;
    assert!(report.is_complete(), "{:?}", report.failed.first());
    assert_eq!(report.delivered, 200);
    assert_eq!(seen.resets.load(Ordering::SeqCst), 3);
    assert_eq!(
        report.resends, 3,
        "each reset batch sent once more: {report:?}"
    );
    // The server saw every key, the reset batches' keys twice: the same keys, so Trophy
    // counts each event once.
    let keys = seen.keys.lock().unwrap().clone();
    assert_eq!(keys.len(), 200 + 3 * 50);
    let mut distinct = keys.clone();
    distinct.sort();
    distinct.dedup();
    sent.sort();
    assert_eq!(distinct, sent);
}
