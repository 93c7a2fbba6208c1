//! Decoding alone, no HTTP: each case's body into questkit's model (through the call's own
//! decoder, as when it is sent), into the hand-written structs of the same fields, and into
//! `serde_json::Value`.
//!
//! `cargo bench -p questkit-bench --bench decode` (add `-- --quick` for a short run).

use std::hint::black_box;
use std::net::SocketAddr;

use criterion::{Criterion, criterion_group, criterion_main};
use questkit_bench::cases::Case;
use questkit_bench::clients::{Clients, hand_decode, response};

fn decode(c: &mut Criterion) {
    // No request is sent: the clients only build the call values whose decoders run.
    let clients = Clients::new(SocketAddr::from(([127, 0, 0, 1], 9))).expect("clients");
    for case in Case::ALL {
        let raw = response(case);
        let questkit = clients.questkit_decoder(case);
        let mut group = c.benchmark_group(case.id());
        group.bench_function("questkit", |b| {
            b.iter(|| black_box(questkit(black_box(&raw)).expect("questkit decode")))
        });
        group.bench_function("hand-written", |b| {
            b.iter(|| black_box(hand_decode(case, black_box(&raw.body)).expect("hand decode")))
        });
        group.bench_function("serde_json::Value", |b| {
            b.iter(|| {
                black_box(
                    serde_json::from_slice::<serde_json::Value>(black_box(&raw.body))
                        .expect("value"),
                )
            })
        });
        group.finish();
    }
}

criterion_group!(benches, decode);
criterion_main!(benches);
