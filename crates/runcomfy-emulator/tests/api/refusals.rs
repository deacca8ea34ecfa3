//! Planned error answers with the documented body: a rejected token (401,
//! 400004), an insufficient balance (402, 400002), another user's request
//! (403, 403001), an unknown or expired request (404, 404001), an invalid
//! input (400 or 422, 422001) with each shape of `detail`, and
//! `Retry-After` as an HTTP date on a 429 and a 503.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use runcomfy_emulator::{Detail, EmulatorConfig, Fault, Target};
use serde_json::json;

use crate::common::{error_code, get, input, start, submit, submitted_id};

#[tokio::test]
async fn planned_refusals_carry_the_documented_status_and_code() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let id = submitted_id(&emulator, &input()).await;
    let status_path = format!("/requests/{id}/status");
    for (fault, status, code) in [
        (Fault::Unauthorized, StatusCode::UNAUTHORIZED, 400004),
        (
            Fault::InsufficientBalance,
            StatusCode::PAYMENT_REQUIRED,
            400002,
        ),
        (Fault::Forbidden, StatusCode::FORBIDDEN, 403001),
        (Fault::NotFound, StatusCode::NOT_FOUND, 404001),
    ] {
        emulator.faults().push(Target::Status, fault);
        let answer = get(&emulator, &status_path).await;
        assert_eq!(error_code(&answer), (status, json!(code)), "{fault:?}");
        assert!(answer.2["error_message"].is_string(), "{}", answer.2);
    }
    emulator
        .faults()
        .push(Target::Submit, Fault::InsufficientBalance);
    let (status, body) = submit(&emulator, &input()).await;
    assert_eq!(
        (status, body["error_code"].clone()),
        (StatusCode::PAYMENT_REQUIRED, json!(400002))
    );
    assert_eq!(
        emulator.stats().submits(),
        1,
        "the refused submit queued nothing"
    );
}

#[tokio::test]
async fn an_invalid_input_answer_carries_each_shape_of_detail() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let text = "duration must be one of 5, 10";
    for status in [StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY] {
        for (detail, wanted) in [
            (Detail::Text, json!(text)),
            (Detail::Texts, json!([text, "cfg_scale must be at most 1"])),
            (
                Detail::Fields,
                json!([{"field": "duration", "message": "must be one of 5, 10"}]),
            ),
            (
                Detail::FastApi,
                json!([{"loc": ["body", "duration"], "msg": "must be one of 5, 10", "type": "value_error"}]),
            ),
        ] {
            emulator.faults().push(
                Target::Submit,
                Fault::InvalidInput {
                    status: status.as_u16(),
                    detail,
                },
            );
            let (answered, body) = submit(&emulator, &input()).await;
            assert_eq!(
                (answered, body["error_code"].clone()),
                (status, json!(422001))
            );
            assert_eq!(body["detail"], wanted, "{detail:?}");
        }
    }
    assert_eq!(emulator.stats().submits(), 0);
}

#[tokio::test]
async fn retry_after_can_be_an_http_date_on_a_429_and_a_503() {
    let emulator = start(EmulatorConfig::for_tests()).await;
    let id = submitted_id(&emulator, &input()).await;
    let status_path = format!("/requests/{id}/status");
    for (fault, status) in [
        (
            Fault::RateLimitedUntil {
                retry_after_secs: 30,
            },
            StatusCode::TOO_MANY_REQUESTS,
        ),
        (
            Fault::UnavailableUntil {
                retry_after_secs: 30,
            },
            StatusCode::SERVICE_UNAVAILABLE,
        ),
    ] {
        emulator.faults().push(Target::Status, fault);
        let before = SystemTime::now();
        let (answered, headers, body) = get(&emulator, &status_path).await;
        assert_eq!(answered, status);
        assert!(body["error_code"].is_u64(), "{body}");
        let header = headers["retry-after"].to_str().expect("text");
        let date = httpdate::parse_http_date(header).expect("an HTTP date");
        let wait = date.duration_since(before).expect("in the future");
        assert!(
            (Duration::from_secs(28)..=Duration::from_secs(31)).contains(&wait),
            "{header}: {wait:?}"
        );
    }
}
