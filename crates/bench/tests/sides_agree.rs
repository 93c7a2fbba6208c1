//! The two sides of the benchmark make the same calls and read the same data: over the bench
//! server, and decoding alone.

use std::sync::Arc;

use questkit_bench::cases::Case;
use questkit_bench::clients::{Clients, Side, hand_decode, response};

#[test]
fn both_sides_decode_every_case_alike() {
    let clients = Clients::new(([127, 0, 0, 1], 9).into()).unwrap();
    for case in Case::ALL {
        let raw = response(case);
        let questkit = clients.questkit_decoder(case)(&raw).unwrap();
        let hand = hand_decode(case, &raw.body).unwrap();
        assert_eq!(questkit, hand, "{case:?}");
        assert!(questkit > 0, "{case:?} decodes nothing to compare");
    }
}

#[tokio::test]
async fn both_sides_call_the_bench_server_alike() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(questkit_bench::server::serve(listener));
    let clients = Arc::new(Clients::new(addr).unwrap());
    for case in Case::ALL {
        let questkit = clients.call(Side::Questkit, case).await.unwrap();
        let hand = clients.call(Side::Hand, case).await.unwrap();
        assert_eq!(questkit, hand, "{case:?}");
        assert_eq!(questkit, hand_decode(case, case.body()).unwrap());
    }
    server.abort();
}
