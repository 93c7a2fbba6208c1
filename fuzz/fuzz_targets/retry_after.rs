#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| questkit_core::fuzzing::retry_after_header(data));
