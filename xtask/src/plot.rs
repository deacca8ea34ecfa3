//! The polling picture: mean lag against status requests per job, one panel
//! per workload in a grid, the fixed intervals as curves and our policy's
//! waits as marked points, with one shared legend.

use std::path::Path;

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use serde_json::Value;

/// `(requests per job, mean lag s)`.
type Xy = (f64, f64);

/// One workload's points, from the `polling` benchmark's JSON.
#[derive(Debug, Default, PartialEq)]
pub struct Panel {
    /// The workload's title.
    pub title: String,
    /// `(requests per job, mean lag s, interval s)` of the fixed intervals
    /// in the batch, by requests.
    pub fixed: Vec<(f64, f64, f64)>,
    /// The same intervals, each job a run of its own, by requests.
    pub fixed_single: Vec<Xy>,
    /// Our policy's points, `(kind, requests, lag)`, in [`OURS`]'s order.
    pub ours: Vec<(&'static str, f64, f64)>,
}

/// Our policy's kinds of waits, as the benchmark names them, with the
/// legend's words for each.
pub const OURS: [(&str, &str); 5] = [
    ("default", "ours, batch (default)"),
    ("unlearned", "ours, batch learning nothing"),
    ("misled", "ours, batch misled (10× off)"),
    ("first", "ours, first run knowing nothing"),
    ("persisted", "ours, runs learning across runs"),
];

const FIXED_LABEL: &str = "fixed intervals, batch";
const FIXED_SINGLE_LABEL: &str = "fixed intervals, single runs";

const BLUE: RGBColor = RGBColor(31, 119, 180);
const DARK: RGBColor = RGBColor(40, 40, 40);
/// One colour for each of [`OURS`].
const OUR_COLOURS: [RGBColor; 5] = [
    RGBColor(214, 39, 40),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(44, 160, 44),
    RGBColor(23, 190, 207),
];

/// The panels of the benchmark's `scenarios`.
pub fn panels(polling: &Value) -> Vec<Panel> {
    let Some(scenarios) = polling.get("scenarios").and_then(Value::as_array) else {
        return Vec::new();
    };
    scenarios.iter().map(panel).collect()
}

fn panel(scenario: &Value) -> Panel {
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
        let (Some(requests), Some(lag)) = (number("requests_per_job"), number("mean_lag_secs"))
        else {
            continue;
        };
        match row.get("kind").and_then(Value::as_str) {
            Some("fixed") => {
                let interval = number("parameter").unwrap_or(f64::NAN);
                panel.fixed.push((requests, lag, interval));
            }
            Some("fixed_single") => panel.fixed_single.push((requests, lag)),
            Some(kind) => {
                if let Some((known, _)) = OURS.iter().find(|(k, _)| *k == kind) {
                    panel.ours.push((known, requests, lag));
                }
            }
            None => {}
        }
    }
    panel.fixed.sort_by(|a, b| a.0.total_cmp(&b.0));
    panel.fixed_single.sort_by(|a, b| a.0.total_cmp(&b.0));
    panel.ours.sort_by_key(|(kind, ..)| rank(kind));
    panel
}

/// A kind's place in [`OURS`].
fn rank(kind: &str) -> usize {
    OURS.iter()
        .position(|(k, _)| *k == kind)
        .unwrap_or(OURS.len())
}

/// Panels a row of the grid holds at most.
const COLUMNS: usize = 4;
const PANEL_WIDTH: u32 = 440;
const PANEL_HEIGHT: u32 = 400;

/// Draws the picture as SVG at `path`: a grid of the panels, the last cell
/// the legend they share.
pub fn polling_svg(polling: &Value, path: &Path) -> Result<(), String> {
    let panels = panels(polling);
    if panels.is_empty() {
        return Err("no scenarios in the polling results".into());
    }
    let cells = panels.len() + 1;
    let columns = cells.min(COLUMNS);
    let rows = cells.div_ceil(columns);
    let size = (
        PANEL_WIDTH * columns as u32,
        PANEL_HEIGHT * rows as u32 + 40,
    );
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let root = root
        .titled(
            "Polling: mean detection lag against status requests per job (log-log)",
            ("sans-serif", 20),
        )
        .map_err(|e| e.to_string())?;
    let areas = root.split_evenly((rows, columns));
    for (area, panel) in areas.iter().zip(&panels) {
        draw_panel(area, panel).map_err(|e| format!("{}: {e}", panel.title))?;
    }
    draw_legend(&areas[panels.len()]).map_err(|e| format!("legend: {e}"))?;
    root.present().map_err(|e| e.to_string())
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type Drawn = Result<(), Box<dyn std::error::Error>>;

/// The smallest box around `points`, widened by `margin` each way (a
/// factor: the axes are logarithmic).
fn bounds(points: impl Iterator<Item = Xy>, margin: f64) -> (Xy, Xy) {
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, y) in points.filter(|(x, y)| *x > 0.0 && *y > 0.0) {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    if x0 > x1 {
        return ((0.1, 10.0), (0.1, 10.0));
    }
    ((x0 / margin, x1 * margin), (y0 / margin, y1 * margin))
}

/// A tick label of a logarithmic axis, with the decimals small values need.
fn tick(value: f64) -> String {
    if value >= 10.0 {
        format!("{value:.0}")
    } else if value >= 1.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

fn draw_panel(area: &Area<'_>, panel: &Panel) -> Drawn {
    let fixed: Vec<Xy> = panel.fixed.iter().map(|(x, y, _)| (*x, *y)).collect();
    let points = fixed
        .iter()
        .chain(&panel.fixed_single)
        .copied()
        .chain(panel.ours.iter().map(|(_, x, y)| (*x, *y)));
    let ((x0, x1), (y0, y1)) = bounds(points, 1.3);
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 15))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("status requests per job")
        .y_desc("mean detection lag (s)")
        .x_labels(12)
        .y_labels(12)
        .light_line_style(WHITE)
        .x_label_formatter(&|x| tick(*x))
        .y_label_formatter(&|y| tick(*y))
        .draw()?;
    chart.draw_series(LineSeries::new(fixed.clone(), BLUE.stroke_width(2)))?;
    chart.draw_series(fixed.iter().map(|p| Circle::new(*p, 3, BLUE.filled())))?;
    chart.draw_series(panel.fixed.iter().map(|(x, y, secs)| {
        Text::new(
            format!("{secs} s"),
            (*x * 1.04, *y * 1.06),
            ("sans-serif", 10),
        )
    }))?;
    chart.draw_series(DashedLineSeries::new(
        panel.fixed_single.clone(),
        5,
        4,
        DARK.stroke_width(1),
    ))?;
    chart.draw_series(
        panel
            .ours
            .iter()
            .map(|(kind, x, y)| EmptyElement::at((*x, *y)) + marker(rank(kind))),
    )?;
    Ok(())
}

/// The marker of our `index`th kind of waits, around the point it marks:
/// a shape and a colour each, so that the kinds stay apart in grey print
/// too.
fn marker(index: usize) -> Polygon<(i32, i32)> {
    let colour = OUR_COLOURS[index % OUR_COLOURS.len()];
    Polygon::new(outline(index), colour.filled())
}

/// The outline of our `index`th marker, around its centre: a disc, a
/// triangle, a diamond, a square, a triangle upside down.
fn outline(index: usize) -> Vec<(i32, i32)> {
    match index % OURS.len() {
        0 => (0..12)
            .map(|i| {
                let angle = f64::from(i) * std::f64::consts::PI / 6.0;
                (
                    (6.0 * angle.cos()).round() as i32,
                    (6.0 * angle.sin()).round() as i32,
                )
            })
            .collect(),
        1 => vec![(0, -7), (7, 5), (-7, 5)],
        2 => vec![(0, -7), (7, 0), (0, 7), (-7, 0)],
        3 => vec![(-5, -5), (5, -5), (5, 5), (-5, 5)],
        _ => vec![(0, 7), (7, -5), (-7, -5)],
    }
}

/// The legend cell: every series of the panels, with no axes.
fn draw_legend(area: &Area<'_>) -> Drawn {
    let mut chart = ChartBuilder::on(area)
        .margin(30)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
    let none = std::iter::empty::<Circle<Xy, i32>>;
    chart
        .draw_series(none())?
        .label(FIXED_LABEL)
        .legend(|(x, y)| {
            EmptyElement::at((x, y))
                + PathElement::new(vec![(0, 0), (18, 0)], BLUE.stroke_width(2))
                + Circle::new((9, 0), 3, BLUE.filled())
        });
    chart
        .draw_series(none())?
        .label(FIXED_SINGLE_LABEL)
        .legend(|(x, y)| {
            DashedPathElement::new(vec![(x, y), (x + 18, y)], 5, 4, DARK.stroke_width(1))
        });
    for (index, (_, label)) in OURS.iter().enumerate() {
        chart
            .draw_series(none())?
            .label(*label)
            .legend(move |(x, y)| EmptyElement::at((x + 9, y)) + marker(index));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::MiddleMiddle)
        .background_style(WHITE)
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .margin(12)
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn results() -> Value {
        let row = |kind: &str, requests: f64, lag: f64, parameter: f64| json!({"kind": kind, "requests_per_job": requests, "mean_lag_secs": lag, "parameter": parameter});
        json!({"scenarios": [
            {"key": "queue", "title": "Queue", "rows": [
                row("persisted", 20.0, 1.2, 0.0),
                row("default", 30.0, 0.55, 0.0),
                row("fixed", 250.0, 0.5, 1.0),
                row("fixed", 125.0, 1.0, 2.0),
                row("fixed_single", 120.0, 1.1, 2.0),
                row("fixed_single", 60.0, 2.1, 4.0),
                row("misled", 40.0, 0.7, 0.0),
                row("reference", 120.0, 0.6, 10.0),
                {"kind": "fixed"}
            ]},
            {"key": "short", "title": "Short jobs", "rows": [
                row("fixed", 10.0, 1.0, 2.0),
                row("first", 8.0, 0.9, 0.0),
                row("unlearned", 9.0, 0.8, 0.0)
            ]}
        ]})
    }

    #[test]
    fn panels_sort_the_curves_and_order_our_points_by_kind() {
        let panels = panels(&results());
        assert_eq!(panels.len(), 2);
        assert_eq!(
            panels[0],
            Panel {
                title: "Queue".into(),
                fixed: vec![(125.0, 1.0, 2.0), (250.0, 0.5, 1.0)],
                fixed_single: vec![(60.0, 2.1), (120.0, 1.1)],
                ours: vec![
                    ("default", 30.0, 0.55),
                    ("misled", 40.0, 0.7),
                    ("persisted", 20.0, 1.2)
                ],
            }
        );
        assert_eq!(
            panels[1].ours,
            vec![("unlearned", 9.0, 0.8), ("first", 8.0, 0.9)]
        );
    }

    #[test]
    fn the_picture_is_an_svg_with_a_panel_per_workload_and_the_legend() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("polling.svg");
        polling_svg(&results(), &path).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
        let legend = OURS.iter().map(|(_, label)| *label);
        for text in ["Queue", "Short jobs", "status requests per job", "2 s"]
            .into_iter()
            .chain([FIXED_LABEL, FIXED_SINGLE_LABEL])
            .chain(legend)
        {
            assert!(svg.contains(text), "{text} missing");
        }
        assert!(polling_svg(&json!({}), &path).is_err());
    }

    #[test]
    fn bounds_widen_by_the_margin_and_survive_no_points() {
        assert_eq!(
            bounds([(2.0, 1.0), (8.0, 4.0)].into_iter(), 2.0),
            ((1.0, 16.0), (0.5, 8.0))
        );
        assert_eq!(bounds(std::iter::empty(), 2.0), ((0.1, 10.0), (0.1, 10.0)));
        assert_eq!(tick(0.123), "0.12");
        assert_eq!(tick(2.5), "2.5");
        assert_eq!(tick(250.0), "250");
    }
}
