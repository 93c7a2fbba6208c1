#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| questkit_trophy::fuzzing::webhook(data));
