#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| questkit_giftoin::fuzzing::decoders(data));
