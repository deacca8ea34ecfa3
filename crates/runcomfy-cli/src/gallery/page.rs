//! The gallery's HTML: one self-contained page, a card an input line.
//!
//! Its style and script are inline (`page.css`, `page.js`) and it loads
//! nothing from the network: no CDN, no web fonts. A card's media elements
//! wait in a `<template>` until the card nears the view, then load only
//! when seen or played (`loading="lazy"`, `preload="none"`), and off-screen
//! cards are not laid out (`content-visibility`), so a page of thousands
//! opens fast. Without ffmpeg, no frame of a video can be taken: a video's
//! poster is an image output of the same job when it has one, else its
//! start picture inline (`poster`), within a budget a page. Every text
//! from an input or the service goes through [`html`].

use std::fmt::Write as _;

use crate::gallery::card::{Card, Media, MediaKind, State};
use crate::gallery::escape::html;
use crate::money::usd;

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");
/// The characters of inline posters a page may hold: past it, videos go
/// without (a page of thousands of jobs that share a start picture would
/// otherwise carry it thousands of times).
const POSTER_BUDGET: usize = 8 * 1024 * 1024;

/// The page of `cards`; `made` says when and from what, for people.
pub(crate) fn page(cards: &[Card], made: &str) -> String {
    let mut out = String::with_capacity(2048 + cards.len() * 1024);
    let title = format!(
        "runcomfy gallery: {} job{}",
        cards.len(),
        if cards.len() == 1 { "" } else { "s" }
    );
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{title}</h1>\n<p>{made}</p>\n<noscript><p>The outputs show with JavaScript on (the page's own script, inline).</p></noscript>\n",
        made = html(made)
    );
    out.push_str(&filters(cards));
    out.push_str("</header>\n<main id=\"cards\">\n");
    let mut budget = POSTER_BUDGET;
    for card in cards {
        out.push_str(&card_html(card, &mut budget));
    }
    let _ = write!(
        out,
        "</main>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n"
    );
    out
}

/// The state boxes (with their counts) and the search field.
fn filters(cards: &[Card]) -> String {
    let mut out = String::from(
        "<form id=\"filters\" onsubmit=\"return false\">\n<fieldset id=\"states\"><legend hidden>States</legend>\n",
    );
    for state in State::ALL {
        let count = cards.iter().filter(|c| c.state == state).count();
        let name = state.as_str();
        let _ = writeln!(
            out,
            "<label><input type=\"checkbox\" value=\"{name}\" checked> {name} ({count})</label>"
        );
    }
    out.push_str("</fieldset>\n<input id=\"search\" type=\"search\" placeholder=\"Search prompts\" aria-label=\"Search prompts\">\n");
    let _ = writeln!(
        out,
        "<output id=\"shown\">{0} of {0} shown</output>\n</form>",
        cards.len()
    );
    out
}

/// One card: its media, prompt, facts, and for a line that did not
/// succeed the service's words and what a re-run does.
fn card_html(card: &Card, poster_budget: &mut usize) -> String {
    let mut out = String::with_capacity(1024);
    let _ = write!(
        out,
        "<article class=\"card\" data-state=\"{}\" data-line=\"{}\">\n<div class=\"media\">",
        card.state.as_str(),
        card.line
    );
    // Inert until the card nears the view (`page.js`): a media element
    // costs the browser far more to create than a card's text.
    out.push_str("<template>");
    out.push_str(&media_html(card, poster_budget));
    out.push_str("</template></div>\n<div class=\"body\">\n");
    match &card.prompt {
        Some(prompt) => {
            let _ = writeln!(out, "<p class=\"prompt\">{}</p>", html(prompt));
        }
        None => {
            out.push_str("<p class=\"prompt none\">no prompt (its inputs file was not found)</p>\n")
        }
    }
    if card.input_changed {
        out.push_str("<p class=\"changed\">This line of the inputs file changed since the job was sent: the prompt shown is today's.</p>\n");
    }
    out.push_str(&facts(card));
    if card.state != State::Succeeded {
        if let Some(message) = &card.message {
            let _ = writeln!(out, "<p class=\"message\">{}</p>", html(message));
        }
        let _ = writeln!(out, "<p class=\"rerun\">{}</p>", card.state.rerun());
    }
    out.push_str("</div>\n</article>\n");
    out
}

/// The facts of a card as a definition list; an unknown one is left out.
fn facts(card: &Card) -> String {
    let mut rows = vec![
        (
            "state",
            format!("<span class=\"state\">{}</span>", card.state.as_str()),
        ),
        ("line", format!("{}, line {}", html(&card.batch), card.line)),
    ];
    if let Some(model) = &card.model {
        rows.push(("model", html(model)));
    }
    if let Some(id) = &card.request_id {
        rows.push((
            "request id",
            format!("<code class=\"request-id\">{}</code>", html(id)),
        ));
    }
    if let Some(cost) = card.cost {
        rows.push(("cost", usd(cost)));
    }
    if let Some(secs) = card.took_secs {
        rows.push(("took", took(secs)));
    }
    let mut out = String::from("<dl>");
    for (term, value) in rows {
        let _ = write!(out, "<dt>{term}</dt><dd>{value}</dd>");
    }
    out.push_str("</dl>\n");
    out
}

/// Each output file as its element; a missing file as missing.
fn media_html(card: &Card, poster_budget: &mut usize) -> String {
    if card.media.is_empty() {
        let what = if card.state == State::Succeeded {
            "no output files"
        } else {
            "no output"
        };
        return format!("<p class=\"no-output\">{what}</p>");
    }
    let poster = card
        .media
        .iter()
        .find(|m| m.kind == MediaKind::Image && m.href.is_some())
        .and_then(|m| m.href.as_deref())
        .or_else(|| {
            let inline = card.poster.as_deref()?;
            let has_video = card.media.iter().any(|m| m.kind == MediaKind::Video);
            let left = poster_budget
                .checked_sub(inline.len())
                .filter(|_| has_video)?;
            *poster_budget = left;
            Some(inline)
        });
    let mut out = String::new();
    for media in &card.media {
        out.push_str(&element(media, poster));
    }
    out
}

fn element(media: &Media, poster: Option<&str>) -> String {
    let name = html(&media.name);
    let Some(href) = &media.href else {
        return format!("<p class=\"missing\" data-missing=\"{name}\">missing: {name}</p>");
    };
    let href = html(href);
    match media.kind {
        MediaKind::Video => {
            let poster = poster.map_or_else(String::new, |p| format!(" poster=\"{}\"", html(p)));
            format!(
                "<video controls preload=\"none\" src=\"{href}\"{poster} data-name=\"{name}\" title=\"{name}\"></video>"
            )
        }
        MediaKind::Image => format!(
            "<img loading=\"lazy\" decoding=\"async\" src=\"{href}\" alt=\"{name}\" data-name=\"{name}\">"
        ),
        MediaKind::Audio => format!(
            "<audio controls preload=\"none\" src=\"{href}\" data-name=\"{name}\" title=\"{name}\"></audio>"
        ),
        MediaKind::Other => format!("<a href=\"{href}\">{name}</a>"),
    }
}

/// A job's length for people: `12 s`, `3 min 04 s`, `1 h 02 min`.
fn took(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3_600 => format!("{} min {:02} s", secs / 60, secs % 60),
        _ => format!("{} h {:02} min", secs / 3_600, secs % 3_600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(state: State, prompt: &str) -> Card {
        Card {
            prompt: Some(prompt.to_owned()),
            state,
            message: Some("<b>boom</b>".into()),
            ..Card::waiting("in.jsonl.journal", 1)
        }
    }

    #[test]
    fn markup_from_an_input_or_the_service_is_text() {
        let evil = r#""><img src=x onerror="document.body.dataset.pwned=1"><script>x()</script>"#;
        let mut failed = card(State::Failed, evil);
        failed.request_id = Some("<i>id</i>".into());
        failed.media.push(Media {
            kind: MediaKind::Image,
            name: "\"><script>.png".into(),
            href: Some("1/%22%3E.png".into()),
        });
        let page = page(&[failed], "made <now>");
        assert!(!page.contains("<img src=x"), "{page}");
        assert!(!page.contains("<script>x()"), "{page}");
        assert!(!page.contains("<b>boom"), "{page}");
        assert!(!page.contains("<i>id"), "{page}");
        assert!(page.contains("&lt;script&gt;x()&lt;/script&gt;"));
        assert!(page.contains("&lt;b&gt;boom&lt;/b&gt;"));
        assert_eq!(page.matches("<script>").count(), 1, "the page's own only");
    }

    #[test]
    fn each_kind_has_its_element_and_a_missing_file_says_so() {
        let mut done = card(State::Succeeded, "p");
        for (kind, name, href) in [
            (MediaKind::Video, "v.mp4", Some("1/v.mp4")),
            (MediaKind::Image, "i.png", Some("1/i.png")),
            (MediaKind::Audio, "a.wav", Some("1/a.wav")),
            (MediaKind::Image, "gone.png", None),
        ] {
            done.media.push(Media {
                kind,
                name: name.into(),
                href: href.map(str::to_owned),
            });
        }
        let html = card_html(&done, &mut POSTER_BUDGET.clone());
        assert!(
            html.contains("<video controls preload=\"none\" src=\"1/v.mp4\" poster=\"1/i.png\""),
            "{html}"
        );
        assert!(html.contains("<img loading=\"lazy\" decoding=\"async\" src=\"1/i.png\""));
        assert!(html.contains("<audio controls preload=\"none\" src=\"1/a.wav\""));
        assert!(html.contains("missing: gone.png"));
        assert!(
            !html.contains("class=\"message\""),
            "a success has no error"
        );
    }

    #[test]
    fn a_start_picture_is_the_poster_within_the_budget() {
        let mut video = card(State::Succeeded, "p");
        video.media.push(Media {
            kind: MediaKind::Video,
            name: "v.mp4".into(),
            href: Some("1/v.mp4".into()),
        });
        video.poster = Some("data:image/png;base64,AAAA".into());
        let mut budget = 30;
        assert!(card_html(&video, &mut budget).contains("poster=\"data:image/png;base64,AAAA\""));
        assert_eq!(budget, 4);
        assert!(
            !card_html(&video, &mut budget).contains("poster="),
            "over budget"
        );
    }

    #[test]
    fn a_failed_card_says_what_a_rerun_does() {
        let html = card_html(&card(State::Unknown, "p"), &mut 0);
        assert!(html.contains("--resubmit-unknown"), "{html}");
        assert_eq!(took(12), "12 s");
        assert_eq!(took(184), "3 min 04 s");
        assert_eq!(took(3_720), "1 h 02 min");
    }
}
