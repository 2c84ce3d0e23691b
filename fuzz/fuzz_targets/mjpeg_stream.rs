#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| helios_wire::fuzzing::mjpeg_stream(data));
