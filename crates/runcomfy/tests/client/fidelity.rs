//! What the provider's own clients know the service answers besides the
//! seeds, through the client against an emulator that says it: every final
//! status word, `canceled`, a result that says `completed`, outputs under
//! other keys, a failure's error of any shape, the cost of a job, a model's
//! price and the account's balance.

use std::collections::BTreeMap;

use runcomfy::{Error, PriceUnit};
use runcomfy_emulator::{
    CancelSpelling, Dialect, EmulatorConfig, FailureError, FinishedStatus, OutputShape, Price,
    SuccessWord,
};

use crate::common::{client, emulator_with, input};

const KLING: &str = "kling/kling-1-6/pro/image-to-video";

fn priced(usd: f64, unit: runcomfy_emulator::PriceUnit) -> BTreeMap<String, Price> {
    BTreeMap::from([(KLING.to_owned(), Price { usd, unit })])
}

#[tokio::test]
async fn every_final_status_word_ends_a_wait_with_the_results_answer() {
    let emulator = emulator_with(|config| {
        config.dialect = Dialect {
            finished_status: FinishedStatus::Outcome,
            success_word: SuccessWord::Completed,
            output_shape: OutputShape::VideoAndPreview,
            ..Dialect::default()
        };
    })
    .await;
    let client = client(&emulator);
    let job = client.submit(&input()).await.expect("submitted");
    let output = job
        .wait()
        .await
        .expect("`succeeded`, then `completed`: a success");
    assert_eq!(
        output.file_urls().len(),
        2,
        "the video and the key the client does not know: {:?}",
        output.raw_output
    );
    assert!(output.raw_output.contains_key("preview"), "kept as given");
    let dir = tempfile::tempdir().expect("dir");
    let files = job.download(&output, dir.path()).await.expect("downloaded");
    assert_eq!(files.len(), 2, "every URL of the output is downloaded");
}

#[tokio::test]
async fn a_failure_said_on_the_status_endpoint_is_the_services_own_words() {
    for shape in [
        FailureError::String,
        FailureError::Object,
        FailureError::List,
    ] {
        let emulator = emulator_with(|config| {
            config.dialect = Dialect {
                finished_status: FinishedStatus::Outcome,
                failure_error: shape,
                ..Dialect::default()
            };
        })
        .await;
        let client = client(&emulator);
        emulator.faults().push(
            runcomfy_emulator::Target::Submit,
            runcomfy_emulator::Fault::JobFails,
        );
        let job = client.submit(&input()).await.expect("submitted");
        match job.wait().await {
            Err(error @ Error::JobFailed { .. }) => {
                let text = error.to_string();
                assert!(text.contains("emulated failure"), "{shape:?}: {text}");
                assert!(
                    !text.contains('{') && !text.contains('['),
                    "the words, not the JSON: {shape:?}: {text}"
                );
            }
            other => panic!("{shape:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn canceled_with_one_l_is_cancelled() {
    let emulator = emulator_with(|config| {
        config.workers = 1;
        config.dialect.cancel_spelling = CancelSpelling::Canceled;
    })
    .await;
    let client = client(&emulator);
    let _running = client.submit(&input()).await.expect("first");
    let queued = client.submit(&input()).await.expect("second");
    assert_eq!(
        queued.cancel().await.expect("cancelled"),
        runcomfy::CancelOutcome::Cancelled
    );
    assert!(matches!(queued.wait().await, Err(Error::Cancelled { .. })));
}

#[tokio::test]
async fn a_job_reports_its_cost_and_a_model_its_price() {
    let emulator = emulator_with(|config| {
        config.prices = priced(0.49, runcomfy_emulator::PriceUnit::Output);
    })
    .await;
    let client = client(&emulator);
    let output = client.run(&input()).await.expect("done");
    assert_eq!(output.cost, Some(0.49), "the charge the service reports");
    let record = client.model(KLING).await.expect("the catalog record");
    let price = record.price().expect("priced");
    assert_eq!((price.usd, price.unit), (0.49, PriceUnit::Output));
    let value = serde_json::to_value(input()).expect("json");
    assert_eq!(
        price.estimate(&value, record.input_schema.as_ref()),
        Some(0.49)
    );
}

#[tokio::test]
async fn without_a_price_the_cost_is_unknown_never_free() {
    let emulator = emulator_with(|_| {}).await;
    let client = client(&emulator);
    let output = client.run(&input()).await.expect("done");
    assert_eq!(output.cost, None);
    assert_eq!(client.model(KLING).await.expect("record").price(), None);
    assert!(matches!(
        client.model("no/such/model").await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn the_balance_pays_for_jobs_until_it_cannot() {
    let emulator = emulator_with(|config| {
        config.prices = priced(0.1, runcomfy_emulator::PriceUnit::Second);
        config.balance_usd = Some(0.75);
    })
    .await;
    let client = runcomfy::Client::builder()
        .token(crate::common::TOKEN)
        .base_url(emulator.base_url())
        .serverless_base_url(emulator.serverless_base_url())
        .build()
        .expect("client");
    let balance = client.balance().await.expect("balance");
    assert!((balance.balance_usd - 0.75).abs() < 1e-9, "{balance:?}");
    assert_eq!(balance.currency, "USD");
    // A 5-second job costs 0.50: one fits, the second does not.
    client.submit(&input()).await.expect("paid for");
    let refused = client.submit(&input()).await.expect_err("out of money");
    assert!(
        matches!(refused, Error::InsufficientBalance { .. }),
        "{refused:?}"
    );
    assert!(
        refused.submit_outcome().is_refused(),
        "nothing to pay twice"
    );
    assert!(refused.to_string().contains("never retried"), "{refused}");
    let left = client.balance().await.expect("balance").balance_usd;
    assert!((left - 0.25).abs() < 1e-9, "{left}");
}

#[test]
fn the_emulator_config_for_tests_has_no_price_and_no_limit() {
    let config = EmulatorConfig::for_tests();
    assert!(config.prices.is_empty());
    assert_eq!(config.balance_usd, None);
}
