//! questkit's performance benchmark: what a questkit call costs the calling process, next to a
//! hand-written reqwest + serde client of the same call.
//!
//! - [`cases`]: the measured calls (the Trophy seed endpoints and each API's largest response
//!   fixture) and the bodies the server answers with.
//! - [`server`]: the loopback HTTP/1.1 server (hyper, keep-alive, fixed bodies) that runs in a
//!   separate process, so that its CPU time is not the client's.
//! - [`clients`]: the questkit clients and the hand-written ones, making the same calls.
//! - [`hand`]: the hand-written models.
//! - [`measure`]: client CPU time (getrusage), a counting allocator, medians.
//!
//! The binary (`cargo run --release -p questkit-bench`) prints the comparison table;
//! `scripts/bench-instructions` counts instructions per call under callgrind; the criterion
//! bench `decode` times decoding alone.

pub mod cases;
pub mod clients;
pub mod hand;
pub mod measure;
pub mod server;
