#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| questkit_nudj::fuzzing::criteria(data));
