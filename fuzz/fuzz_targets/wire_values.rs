#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| questkit_core::fuzzing::wire_values(data));
