//! The inputs the round trip of every model does not reach: a seed at the
//! top of its range, a numeric string choice, an integer choice outside
//! its list, and an input whose shape is not public.

use serde_json::json;

#[cfg(feature = "kling")]
#[test]
fn an_integer_choice_outside_its_list_is_refused() {
    use runcomfy_types::models::kling::kling_1_6::pro::image_to_video as kling_1_6;
    let input = json!({"image_url": "https://example.com/a.png", "duration": 7});
    let error = serde_json::from_value::<kling_1_6::Input>(input).expect_err("7 is no choice");
    assert!(error.to_string().contains("invalid value"), "{error}");
    let input = json!({"image_url": "https://example.com/a.png", "duration": 10});
    let typed: kling_1_6::Input = serde_json::from_value(input).expect("10 is a choice");
    assert_eq!(*typed.duration, 10);
}

#[cfg(feature = "runwayml")]
#[test]
fn a_seed_at_the_top_of_its_range_fits_and_an_unpublished_shape_passes_through() {
    use runcomfy_types::models::runwayml::runway_aleph_2::video_to_video::Input;
    let input = json!({
        "video_url": "https://example.com/a.mp4",
        "prompt": "rain",
        "seed": 4_294_967_295_u64,
        "keyframes": [{"at": 0.5, "anything": ["goes"]}],
    });
    let typed: Input = serde_json::from_value(input.clone()).expect("a valid input");
    assert_eq!(typed.seed, Some(u32::MAX));
    let back = serde_json::to_value(&typed).expect("serializes");
    assert_eq!(back["seed"], input["seed"]);
    assert_eq!(back["keyframes"], input["keyframes"]);
}

#[cfg(feature = "blackforestlabs")]
#[test]
fn a_numeric_string_choice_stays_a_string() {
    use runcomfy_types::models::blackforestlabs::flux_3::image_to_video::{Input, InputDuration};
    let input =
        json!({"image_url": "https://example.com/a.png", "prompt": "a fox", "duration": "6"});
    let typed: Input = serde_json::from_value(input).expect("a valid input");
    assert_eq!(typed.duration, InputDuration::X6);
    let back = serde_json::to_value(&typed).expect("serializes");
    assert_eq!(back["duration"], json!("6"));
    let number =
        json!({"image_url": "https://example.com/a.png", "prompt": "a fox", "duration": 6});
    assert!(
        serde_json::from_value::<Input>(number).is_err(),
        "the schema says a string"
    );
}
