//! The HTML report: one self-contained page, the one people open first. Inline CSS, inline
//! SVG charts drawn here, no script, and nothing loaded from anywhere (the page's
//! Content-Security-Policy allows no source at all), so it opens from an unzipped CI
//! artifact, offline, with JavaScript off. Hover and keyboard focus reveal the judge's
//! reasons through CSS alone.
//!
//! Rendering is minijinja with HTML auto-escaping: every value from a server or a saved
//! report (titles, reasons, transcripts, metric names) reaches the page as text, and no
//! value is ever marked safe. The charts' geometry is computed in Rust (`meter`, `latency`,
//! `categories`, `trend`); the templates only place it. Links pass the same policy as every
//! other report (`untrusted::LinkPolicy`): `https:`, or `http:` to a loopback host.

mod categories;
mod columns;
mod grid;
mod latency;
mod line_chart;
mod meter;
mod page;
mod scale;
mod suite;
mod trend;
mod view;

#[cfg(test)]
mod tests;

use std::io::{self, Write};

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use serde::Serialize;

use crate::outcome::Outcome;

/// The bounds a threshold check states, as the gate writes them (`>= 0.9`, `<= 2.5`).
pub(crate) use scale::bounds as stated_bounds;

/// The page's Content-Security-Policy: nothing may be loaded or run; only the inline style
/// sheet and style attributes apply.
pub const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// Writes the HTML report of an outcome.
pub fn write_html(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    render("report.html", &page::Page::of(outcome), out)
}

/// Writes the trend page of several reports of the same suite file, oldest first.
pub fn write_trend(reports: &[Outcome], out: &mut dyn Write) -> io::Result<()> {
    render("trend.html", &trend::TrendPage::of(reports), out)
}

fn render(name: &str, context: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
    let env = environment().map_err(rendering)?;
    let template = env.get_template(name).map_err(rendering)?;
    let page = template
        .render(minijinja::value::Serde(context))
        .map_err(rendering)?;
    out.write_all(page.as_bytes())
}

/// The templates, all escaping HTML, and strict about undefined values so that a template
/// mistake is an error in the tests rather than an empty spot on the page.
fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Every string is escaped for HTML, and its control characters are shown, not kept.
    // (What a macro of the templates returns is already markup and passes as it is.)
    env.set_formatter(|out, state, value| match value.as_str() {
        Some(text) if !value.is_safe() => {
            let shown = Value::from(crate::untrusted::visible(text).as_ref());
            minijinja::escape_formatter(out, state, &shown)
        }
        _ => minijinja::escape_formatter(out, state, value),
    });
    env.add_template("style.css", include_str!("style.css"))?;
    env.add_template("base.html", include_str!("base.html"))?;
    env.add_template("macros.html", include_str!("macros.html"))?;
    env.add_template("report.html", include_str!("report.html"))?;
    env.add_template("trend.html", include_str!("trend.html"))?;
    Ok(env)
}

fn rendering(error: minijinja::Error) -> io::Error {
    io::Error::other(format!("the HTML report could not be rendered: {error}"))
}
