//! An emulator on its own thread and runtime, for synchronous callers.

use std::io::{Read as _, Write as _};

use runcomfy_emulator::{Emulator, EmulatorConfig};

use crate::common::{KLING, TOKEN};

#[test]
fn a_background_emulator_serves_synchronous_callers_and_stops_on_drop() {
    let emulator = Emulator::start_in_background(EmulatorConfig::for_tests()).expect("starts");
    let address = emulator
        .base_url()
        .trim_start_matches("http://")
        .trim_end_matches("/v1")
        .to_owned();
    let mut socket = std::net::TcpStream::connect(&address).expect("connects");
    write!(socket, "GET /v1/models HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n").expect("request");
    let mut answer = String::new();
    socket.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(KLING));
    drop(emulator);
    assert!(
        std::net::TcpStream::connect(&address).is_err(),
        "stopped on drop"
    );
}
