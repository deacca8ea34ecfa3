//! The probe as a value: cheap to clone, and its future can move between
//! threads.

use std::path::PathBuf;
use std::time::Duration;

use crate::needs::BOTH;
use runcomfy_validate::media::{MediaProbe, MediaSource};

#[test]
fn probe_future_is_send_and_probe_is_cheap_to_clone() {
    fn assert_send<T: Send>(_: &T) {}
    let probe = MediaProbe::new().with_timeout(Duration::from_secs(1));
    let copy = probe.clone();
    let source = MediaSource::File(PathBuf::from("x.png"));
    let future = copy.probe(&source, BOTH, None);
    assert_send(&future);
}
