//! The report as one self-contained HTML page: every table, plus three
//! charts drawn as inline SVG (incidence by village against the exit line,
//! exit failures by criterion, how hospital bills were split between payers).

use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::{Cell, Report, Section, Table};

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em auto;max-width:1100px;color:#222}\
h1{font-size:1.6em}h2{border-bottom:2px solid #c33;padding-bottom:.2em;margin-top:2em}\
table{border-collapse:collapse;margin:.5em 0 1.2em}th,td{border:1px solid #ccc;padding:.25em .6em}\
th{background:#f4f4f4;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}\
td.no{color:#b00}td.yes{color:#070}caption{text-align:left;font-weight:600;padding:.3em 0}\
.note{color:#555;font-size:.9em}svg{display:block;margin:.5em 0 1.5em}";

/// Bar chart: `(label, value)` bars scaled to the largest, with an optional
/// reference line (value, label). Coordinates are whole pixels computed in
/// decimals (no float anywhere in the crate).
fn bar_chart(
    title: &str,
    bars: &[(String, Decimal)],
    reference: Option<(Decimal, &str)>,
    unit: &str,
) -> String {
    const WIDTH: i64 = 760;
    const LEFT: i64 = 230;
    const ROW: i64 = 26;
    const TOP: i64 = 30;
    let span = Decimal::from(WIDTH - LEFT - 90);
    let height = TOP + ROW * i64::try_from(bars.len()).unwrap_or(0) + 30;
    let max = bars
        .iter()
        .map(|(_, v)| *v)
        .chain(reference.map(|(v, _)| v))
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::new(1, 6));
    let scale = |v: Decimal| -> i64 {
        v.checked_mul(span)
            .and_then(|x| x.checked_div(max))
            .and_then(|x| x.round().to_i64())
            .unwrap_or(0)
            .max(0)
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{t}\">\
         <text x=\"0\" y=\"18\" font-size=\"14\" font-weight=\"600\">{t}</text>",
        t = escape(title)
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = TOP + ROW * i64::try_from(i).unwrap_or(0);
        let w = scale(*v);
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" font-size=\"12\" text-anchor=\"end\">{l}</text>\
             <rect x=\"{LEFT}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"#c33\"/>\
             <text x=\"{vx}\" y=\"{ty}\" font-size=\"12\">{v}{unit}</text>",
            lx = LEFT - 6,
            ty = y + 15,
            l = escape(label),
            h = ROW - 6,
            vx = LEFT + w + 4,
            v = escape(&v.to_string()),
        );
    }
    if let Some((v, label)) = reference {
        let x = LEFT + scale(v);
        let _ = write!(
            svg,
            "<line x1=\"{x}\" y1=\"{y1}\" x2=\"{x}\" y2=\"{y2}\" stroke=\"#06c\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"12\" fill=\"#06c\">{l}</text>",
            y1 = TOP - 6,
            y2 = height - 24,
            tx = x + 4,
            ty = height - 10,
            l = escape(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn cell_html(c: &Cell) -> String {
    let class = match c {
        Cell::Verdict(true) => " class=\"yes\"",
        Cell::Verdict(false) => " class=\"no\"",
        c if c.numeric() => " class=\"n\"",
        _ => "",
    };
    format!("<td{class}>{}</td>", escape(&c.text()))
}

fn table_html(out: &mut String, t: &Table) {
    let _ = write!(
        out,
        "<table id=\"{}\"><caption>{}</caption><tr>",
        escape(&t.name),
        escape(&t.caption.both())
    );
    for c in &t.columns {
        let _ = write!(
            out,
            "<th>{}<br><small>{}</small></th>",
            escape(&c.zh),
            escape(&c.en)
        );
    }
    out.push_str("</tr>");
    for r in &t.rows {
        out.push_str("<tr>");
        for c in r {
            out.push_str(&cell_html(c));
        }
        out.push_str("</tr>");
    }
    if t.rows.is_empty() {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\">无 none</td></tr>",
            t.columns.len().max(1)
        );
    }
    out.push_str("</table>");
}

fn number(c: Option<&Cell>) -> Decimal {
    match c {
        Some(Cell::Int(n)) => Decimal::from(*n),
        Some(Cell::Money(m)) => m.as_decimal(),
        Some(Cell::Percent(Some(p))) => *p,
        _ => Decimal::ZERO,
    }
}

fn text(c: Option<&Cell>) -> String {
    c.map(Cell::text).unwrap_or_default()
}

fn chart_for(s: &Section, threshold_percent: Option<Decimal>) -> Option<String> {
    let t = s.tables.first()?;
    match s.key {
        "incidence" => {
            let bars: Vec<_> = t
                .rows
                .iter()
                .map(|r| (text(r.first()), number(r.get(4))))
                .collect();
            let line = threshold_percent.unwrap_or(Decimal::from(3));
            Some(bar_chart(
                "贫困发生率 incidence by village (%)",
                &bars,
                Some((line, &format!("退出线 exit line {line}%"))),
                "%",
            ))
        }
        "exit" => {
            let t = s.tables.get(1)?;
            let bars: Vec<_> = t
                .rows
                .iter()
                .map(|r| (text(r.first()), number(r.get(1))))
                .collect();
            Some(bar_chart(
                "未通过的退出条件 exit failures by criterion (households)",
                &bars,
                None,
                "",
            ))
        }
        "settlement" => {
            let bars: Vec<_> = t
                .rows
                .iter()
                .take(6)
                .map(|r| (text(r.first()), number(r.get(1))))
                .collect();
            Some(bar_chart(
                "住院费用分担 how hospital bills were split (yuan)",
                &bars,
                None,
                "",
            ))
        }
        _ => None,
    }
}

impl Report {
    /// The report as a self-contained HTML page with charts.
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        let title = escape(&self.title.both());
        let _ = write!(
            out,
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style></head><body>\
             <h1>{title}</h1><p class=\"note\">{} · {}</p>",
            self.as_of,
            escape(&self.policy)
        );
        let threshold = self.village_incidence_line;
        for (i, s) in self.sections.iter().enumerate() {
            let _ = write!(
                out,
                "<section id=\"{}\"><h2>{}. {}</h2>",
                s.key,
                i + 1,
                escape(&s.title.both())
            );
            if let Some(svg) = chart_for(s, threshold) {
                out.push_str(&svg);
            }
            for t in &s.tables {
                table_html(&mut out, t);
            }
            for n in &s.notes {
                let _ = write!(out, "<p class=\"note\">{}</p>", escape(n));
            }
            out.push_str("</section>");
        }
        out.push_str("</body></html>\n");
        out
    }
}
