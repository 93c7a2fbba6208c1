#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| questkit_goals::fuzzing::decoders(data));
