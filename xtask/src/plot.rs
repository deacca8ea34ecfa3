//! The polling picture: mean lag against status requests per job, one panel
//! per scenario, the fixed intervals as a curve and our policy as a point.

use std::path::Path;

use plotters::prelude::*;
use serde_json::Value;

/// One scenario's points, from the `polling` benchmark's JSON.
#[derive(Debug, Default, PartialEq)]
pub struct Panel {
    /// The scenario's title.
    pub title: String,
    /// `(requests per job, mean lag s, interval s)` of the fixed intervals.
    pub fixed: Vec<(f64, f64, f64)>,
    /// `(requests per job, mean lag s)` of the adaptive policy at other
    /// aggressiveness values.
    pub curve: Vec<(f64, f64)>,
    /// The default adaptive policy.
    pub default: Option<(f64, f64)>,
}

/// The panels of the benchmark's `scenarios`.
pub fn panels(polling: &Value) -> Vec<Panel> {
    let Some(scenarios) = polling.get("scenarios").and_then(Value::as_array) else {
        return Vec::new();
    };
    scenarios
        .iter()
        .map(|scenario| {
            let mut panel = Panel {
                title: scenario
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                ..Panel::default()
            };
            let rows = scenario.get("rows").and_then(Value::as_array);
            for row in rows.into_iter().flatten() {
                let number = |key: &str| row.get(key).and_then(Value::as_f64);
                let (Some(requests), Some(lag)) =
                    (number("requests_per_job"), number("mean_lag_secs"))
                else {
                    continue;
                };
                match row.get("kind").and_then(Value::as_str) {
                    Some("fixed") => {
                        panel
                            .fixed
                            .push((requests, lag, number("parameter").unwrap_or(f64::NAN)));
                    }
                    Some("adaptive") => panel.curve.push((requests, lag)),
                    Some("default") => panel.default = Some((requests, lag)),
                    _ => {}
                }
            }
            panel.fixed.sort_by(|a, b| a.0.total_cmp(&b.0));
            panel.curve.sort_by(|a, b| a.0.total_cmp(&b.0));
            panel
        })
        .collect()
}

/// Draws the picture as SVG at `path`.
pub fn polling_svg(polling: &Value, path: &Path) -> Result<(), String> {
    let panels = panels(polling);
    if panels.is_empty() {
        return Err("no scenarios in the polling results".into());
    }
    let width = 460 * panels.len() as u32;
    let root = SVGBackend::new(path, (width, 440)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let areas = root.split_evenly((1, panels.len()));
    for (area, panel) in areas.iter().zip(&panels) {
        draw_panel(area, panel).map_err(|e| format!("{}: {e}", panel.title))?;
    }
    root.present().map_err(|e| e.to_string())
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw_panel(area: &Area<'_>, panel: &Panel) -> Result<(), Box<dyn std::error::Error>> {
    let points = panel
        .fixed
        .iter()
        .map(|(x, y, _)| (*x, *y))
        .chain(panel.curve.iter().copied())
        .chain(panel.default);
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, y) in points {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    let blue = RGBColor(31, 119, 180);
    let grey = RGBColor(150, 150, 150);
    let red = RGBColor(214, 39, 40);
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 15))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(52)
        .build_cartesian_2d(
            (x0 / 1.3..x1 * 1.3).log_scale(),
            // Room above the points for the legend.
            (y0 / 1.5..y1 * 3.5).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("status requests per job")
        .y_desc("mean detection lag (s)")
        .x_labels(6)
        .y_labels(12)
        .light_line_style(WHITE)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.2}"))
        .draw()?;
    let fixed: Vec<(f64, f64)> = panel.fixed.iter().map(|(x, y, _)| (*x, *y)).collect();
    chart
        .draw_series(LineSeries::new(fixed.clone(), blue.stroke_width(2)))?
        .label("fixed interval (0.5, 1, 2, 5 s)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], blue.stroke_width(2)));
    chart.draw_series(fixed.iter().map(|p| Circle::new(*p, 4, blue.filled())))?;
    chart.draw_series(
        panel.fixed.iter().map(|(x, y, secs)| {
            Text::new(format!("{secs} s"), (*x, *y * 1.12), ("sans-serif", 12))
        }),
    )?;
    chart
        .draw_series(LineSeries::new(panel.curve.clone(), grey.stroke_width(1)))?
        .label("adaptive, other aggressiveness")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], grey));
    chart.draw_series(
        panel
            .curve
            .iter()
            .map(|p| Circle::new(*p, 2, grey.filled())),
    )?;
    if let Some(point) = panel.default {
        chart
            .draw_series(std::iter::once(Circle::new(point, 6, red.filled())))?
            .label("adaptive (default)")
            .legend(move |(x, y)| Circle::new((x + 9, y), 5, red.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 12))
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn results() -> Value {
        json!({"scenarios": [{
            "title": "Queue",
            "rows": [
                {"kind": "default", "requests_per_job": 130.0, "mean_lag_secs": 0.55, "parameter": 10.0},
                {"kind": "fixed", "requests_per_job": 250.0, "mean_lag_secs": 0.5, "parameter": 1.0},
                {"kind": "fixed", "requests_per_job": 125.0, "mean_lag_secs": 1.0, "parameter": 2.0},
                {"kind": "adaptive", "requests_per_job": 50.0, "mean_lag_secs": 1.4, "parameter": 4.0},
                {"kind": "reference", "requests_per_job": 120.0, "mean_lag_secs": 0.6, "parameter": 10.0},
                {"kind": "fixed"}
            ]
        }]})
    }

    #[test]
    fn panels_sort_the_fixed_curve_and_keep_the_default_apart() {
        let panels = panels(&results());
        assert_eq!(
            panels,
            vec![Panel {
                title: "Queue".into(),
                fixed: vec![(125.0, 1.0, 2.0), (250.0, 0.5, 1.0)],
                curve: vec![(50.0, 1.4)],
                default: Some((130.0, 0.55)),
            }]
        );
    }

    #[test]
    fn the_picture_is_an_svg_with_the_labels() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("polling.svg");
        polling_svg(&results(), &path).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
        for text in [
            "Queue",
            "status requests per job",
            "adaptive (default)",
            "2 s",
        ] {
            assert!(svg.contains(text), "{text} missing");
        }
        assert!(polling_svg(&json!({}), &path).is_err());
    }
}
