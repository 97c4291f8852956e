//! Streaming JSON Lines: one output line per non-blank input line, in input
//! order, with the error line of interfaces.md §4 in place of a bad record.

use std::io::{self, BufRead, Write};

use fupin_core::RecordError;
use serde::Serialize;

/// What happened to the records of one run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Records that gave a result line.
    pub ok: u64,
    /// Records that gave an error line.
    pub failed: u64,
}

impl Tally {
    /// Exit status of interfaces.md §4: 1 if any record failed, else 0.
    pub fn exit_code(self) -> u8 {
        u8::from(self.failed > 0)
    }
}

/// One physical input line: its 1-based number and bytes (BOM and line end removed).
pub struct Line<'a> {
    /// 1-based physical line number.
    pub number: u64,
    /// The line's bytes without its end-of-line.
    pub bytes: &'a [u8],
}

/// `true` for an empty line or one of JSON whitespace only.
pub fn is_blank(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Calls `each` for every non-blank line of `input`, in order. A UTF-8 BOM at
/// the start of the input is skipped.
pub fn for_each_line<R: BufRead>(
    mut input: R,
    mut each: impl FnMut(Line<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut number = 0u64;
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        number += 1;
        let mut bytes: &[u8] = &buf;
        if number == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        if let Some(stripped) = bytes.strip_suffix(b"\n") {
            bytes = stripped;
        }
        if is_blank(bytes) {
            continue;
        }
        each(Line { number, bytes })?;
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    field: Option<&'a str>,
    message: &'a str,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    line: u64,
    id: Option<&'a str>,
    error: ErrorBody<'a>,
}

/// Writes the error line `{"line":N,"id":…,"error":{"code","field","message"}}`.
pub fn write_error_line<W: Write>(out: &mut W, line: u64, e: &RecordError) -> io::Result<()> {
    let body = ErrorLine {
        line,
        id: e.record_id.as_deref(),
        error: ErrorBody {
            code: e.code.as_str(),
            field: e.field.as_deref(),
            message: &e.message,
        },
    };
    serde_json::to_writer(&mut *out, &body)?;
    out.write_all(b"\n")
}

/// Output that is flushed after every line when it goes to a pipe, a socket
/// or a terminal (a downstream reader sees each decision at once), and
/// buffered when it goes to a file.
pub struct LineOut<W: Write> {
    inner: io::BufWriter<W>,
    flush_each_line: bool,
}

impl<W: Write> LineOut<W> {
    /// Wraps `inner`; `flush_each_line` as [`stdout_is_interactive`] says.
    pub fn new(inner: W, flush_each_line: bool) -> Self {
        LineOut {
            inner: io::BufWriter::with_capacity(1 << 16, inner),
            flush_each_line,
        }
    }

    /// The writer to write one line into.
    pub fn writer(&mut self) -> &mut io::BufWriter<W> {
        &mut self.inner
    }

    /// Marks the end of a line.
    pub fn end_line(&mut self) -> io::Result<()> {
        if self.flush_each_line {
            self.inner.flush()?;
        }
        Ok(())
    }

    /// Flushes everything.
    pub fn finish(mut self) -> io::Result<()> {
        self.inner.flush()
    }

    /// Flushes everything and returns the underlying writer.
    #[cfg(test)]
    pub fn into_inner(self) -> io::Result<W> {
        self.inner
            .into_inner()
            .map_err(io::IntoInnerError::into_error)
    }
}

/// `true` when standard output is a pipe, socket or terminal rather than a
/// regular file or `/dev/null`.
pub fn stdout_is_interactive() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        match std::fs::metadata("/dev/stdout") {
            Ok(m) => {
                let t = m.file_type();
                t.is_fifo() || t.is_socket() || io::IsTerminal::is_terminal(&io::stdout())
            }
            Err(_) => true,
        }
    }
    #[cfg(not(unix))]
    {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fupin_core::ErrorCode;

    fn lines(input: &[u8]) -> Vec<(u64, String)> {
        let mut got = Vec::new();
        for_each_line(input, |l| {
            got.push((l.number, String::from_utf8_lossy(l.bytes).into_owned()));
            Ok(())
        })
        .unwrap();
        got
    }

    #[test]
    fn blank_lines_are_skipped_but_counted() {
        let got = lines(b"\xEF\xBB\xBF{\"a\":1}\n\n  \t\r\n{\"b\":2}\r\n{\"c\":3}");
        assert_eq!(
            got,
            vec![
                (1, "{\"a\":1}".to_owned()),
                (4, "{\"b\":2}\r".to_owned()),
                (5, "{\"c\":3}".to_owned())
            ]
        );
    }

    #[test]
    fn a_bom_is_only_skipped_at_the_start() {
        let got = lines(b"{}\n\xEF\xBB\xBF{}\n");
        assert_eq!(got[1].1.as_bytes(), b"\xEF\xBB\xBF{}");
    }

    #[test]
    fn the_error_line_has_the_spec_shape() {
        let e = RecordError::new(ErrorCode::InvalidMoney, Some("income.wage".into()), "bad")
            .with_record_id(Some("H1".into()));
        let mut out = Vec::new();
        write_error_line(&mut out, 3, &e).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"line\":3,\"id\":\"H1\",\"error\":{\"code\":\"invalid_money\",\"field\":\"income.wage\",\"message\":\"bad\"}}\n"
        );
    }
}
