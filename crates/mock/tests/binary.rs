//! The `questkit-mock` binary: starts on a free port, serves the four APIs to the real clients,
//! and stops cleanly on Ctrl-C.
#![cfg(all(
    feature = "trophy",
    feature = "nudj",
    feature = "goals",
    feature = "giftoin"
))]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use questkit_mock::{giftoin, goals, nudj, trophy};

/// Kills the child if the test fails before stopping it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (Running, String, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_questkit-mock"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    let root = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL on the first line: {first}"))
        .to_owned();
    // The banner: one block per API, Giftoin's last, then the server waits.
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("utf-8");
        let last = line.contains(giftoin::DEMO_API_KEY);
        banner.push(line);
        if last {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    (Running(child), root, banner)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_all_four_apis_to_the_real_clients_and_stops_on_ctrl_c() {
    let (mut running, root, banner) = start(&[]);
    assert!(root.starts_with("http://127.0.0.1:"), "{root}");
    let text = banner.join("\n");
    for (api, key) in [
        ("trophy", trophy::DEMO_API_KEY),
        ("nudj", nudj::DEMO_API_TOKEN),
        ("goals", goals::DEMO_API_KEY),
        ("giftoin", giftoin::DEMO_API_KEY),
    ] {
        assert!(text.contains(&format!("{api} ")), "{text}");
        assert!(
            text.contains(key),
            "the demo key of {api} is printed: {text}"
        );
    }

    let trophy = questkit_trophy::Trophy::builder()
        .api_key(trophy::DEMO_API_KEY)
        .base_url(format!("{root}/trophy/v1"))
        .build()
        .unwrap();
    let metric = trophy
        .users()
        .single_metric("user-1", "words-written")
        .await
        .unwrap();
    assert_eq!(metric.key, "words-written");
    assert!(
        text.contains(&format!("admin API {root}/trophy/admin/v1"))
            && text.contains(trophy::DEMO_ADMIN_API_KEY),
        "the Trophy admin API and its key are printed: {text}"
    );
    let admin = questkit_trophy::Trophy::builder()
        .api_key(trophy::DEMO_ADMIN_API_KEY)
        .base_url(format!("{root}/trophy/v1"))
        .admin_base_url(format!("{root}/trophy/admin/v1"))
        .build()
        .unwrap();
    let metrics = admin.admin().metrics().list().await.unwrap();
    assert!(metrics.iter().any(|m| m.key == "words-written"));

    let nudj = questkit_nudj::Nudj::builder()
        .api_token(nudj::DEMO_API_TOKEN)
        .base_url(format!("{root}/nudj/api/v2/integration"))
        .build()
        .unwrap();
    let achievement = nudj
        .achievements()
        .get(nudj::DEMO_ACHIEVEMENT_ID)
        .await
        .unwrap();
    assert_eq!(achievement.id, nudj::DEMO_ACHIEVEMENT_ID);

    let goals = questkit_goals::Goals::builder()
        .base_url(format!("{root}/goals/api/v1/"))
        .api_key(goals::DEMO_API_KEY)
        .login(goals::DEMO_USERNAME, goals::DEMO_PASSWORD)
        .signature(goals::DEMO_API_SIGNATURE)
        .build()
        .unwrap();
    let overview = goals.profiles().overview().await.unwrap();
    assert!(!overview.user_goals.is_empty());

    let giftoin = questkit_giftoin::Giftoin::builder()
        .api_key(giftoin::DEMO_API_KEY)
        .base_url(format!("{root}/giftoin/api/v1"))
        .build()
        .unwrap();
    let challenges = giftoin
        .users()
        .collection_challenges(questkit_giftoin::Platform::Discord, "123456789012345678")
        .await
        .unwrap();
    assert!(!challenges.is_empty());

    // Ctrl-C: SIGINT to the process, which must exit 0 on its own.
    let pid = running.0.id().to_string();
    let status = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut exited = None;
    for _ in 0..50 {
        if let Some(code) = running.0.try_wait().expect("wait") {
            exited = Some(code);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let code = exited.expect("the server stops within 5 s of Ctrl-C");
    assert!(code.success(), "{code:?}");
    let refused = trophy
        .users()
        .single_metric("user-1", "words-written")
        .max_retries(0)
        .await;
    assert!(refused.is_err(), "nothing listens after the stop");
}

#[test]
fn help_and_bad_arguments() {
    let help = Command::new(env!("CARGO_BIN_EXE_questkit-mock"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("--port") && text.contains("--host") && text.contains("loopback"),
        "{text}"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_questkit-mock"))
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--nope"));
}

#[test]
fn listens_on_the_port_it_is_given() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let (_running, root, _) = start(&["--port", &port.to_string()]);
    assert_eq!(root, format!("http://127.0.0.1:{port}"));
}
