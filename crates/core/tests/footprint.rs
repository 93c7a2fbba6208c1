//! The memory a call's future takes: it is boxed and copied on every `.await` of a request,
//! so it is kept small (issue 13). A regression here costs CPU on every call.

use questkit_core::Transport;

#[test]
fn a_call_future_stays_small() {
    let transport = Transport::builder("test")
        .base_url("http://127.0.0.1:9/")
        .build()
        .unwrap();
    let request = transport.get::<serde_json::Value>("users/{id}", &["u1"]);
    let send = request.clone().send();
    let raw = request.send_raw();
    // 2,672 bytes before the argument copies and match temporaries were taken out of the
    // futures; about 1,560 after (Rust 1.95).
    assert!(
        std::mem::size_of_val(&send) <= 1_800,
        "send() future: {} bytes",
        std::mem::size_of_val(&send)
    );
    assert!(
        std::mem::size_of_val(&raw) <= 1_800,
        "send_raw() future: {} bytes",
        std::mem::size_of_val(&raw)
    );
}
