//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) and every crash input the
//! fuzzers found (`fuzz/artifacts/<target>/`) through the same entry points the fuzz targets
//! call, as ordinary tests: no fuzzer build needed, and a fixed crash stays fixed.

#![cfg(all(
    feature = "trophy",
    feature = "nudj",
    feature = "goals",
    feature = "giftoin"
))]

use std::path::Path;

/// A fuzz target's entry point.
type Entry = fn(&[u8]);

/// Every fuzz target and the function it calls.
const TARGETS: &[(&str, Entry)] = &[
    ("retry_after", questkit_core::fuzzing::retry_after_header),
    ("path_segment", questkit_core::fuzzing::path_segment),
    ("wire_values", questkit_core::fuzzing::wire_values),
    ("trophy_decoders", questkit::trophy::fuzzing::decoders),
    ("trophy_webhook", questkit::trophy::fuzzing::webhook),
    ("nudj_decoders", questkit::nudj::fuzzing::decoders),
    ("nudj_criteria", questkit::nudj::fuzzing::criteria),
    ("goals_decoders", questkit::goals::fuzzing::decoders),
    ("goals_envelope", questkit::goals::fuzzing::envelope),
    ("giftoin_decoders", questkit::giftoin::fuzzing::decoders),
    ("giftoin_envelope", questkit::giftoin::fuzzing::envelope),
];

#[test]
fn every_corpus_input_replays_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let declared = std::fs::read_to_string(root.join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let mut replayed = 0;
    for (target, run) in TARGETS {
        assert!(
            declared.contains(&format!("name = \"{target}\"")),
            "{target} is not a fuzz target in fuzz/Cargo.toml"
        );
        let mut inputs = 0;
        for dir in ["corpus", "artifacts"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| run(&data));
                assert!(outcome.is_ok(), "{target}: {} panics", path.display());
                inputs += 1;
            }
        }
        assert!(inputs > 0, "{target} has no committed corpus");
        replayed += inputs;
    }
    // Every target in fuzz/Cargo.toml is replayed here.
    let count = declared.matches("[[bin]]").count();
    assert_eq!(
        count,
        TARGETS.len(),
        "a fuzz target is missing from TARGETS"
    );
    assert!(replayed > 0);
}
