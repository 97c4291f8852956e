//! The header row: which column each cell of a row belongs to.

use super::{Cell, CellError, RowResult, TableReadError};

/// A table's rows: the header, then numbered data rows (blank rows skipped
/// but counted).
pub(super) struct Rows<I> {
    pub(super) inner: I,
    pub(super) number: usize,
}

impl<I: Iterator<Item = RowResult>> Rows<I> {
    pub(super) fn new(source: impl IntoIterator<IntoIter = I>) -> Self {
        Rows {
            inner: source.into_iter(),
            number: 0,
        }
    }

    pub(super) fn header(&mut self) -> Result<Option<Vec<Cell>>, TableReadError> {
        for row in self.inner.by_ref() {
            let row = row?;
            if !row.iter().all(Cell::is_empty) {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }

    pub(super) fn next_row(&mut self) -> Result<Option<(usize, Vec<Cell>)>, TableReadError> {
        for row in self.inner.by_ref() {
            let row = row?;
            self.number += 1;
            if !row.iter().all(Cell::is_empty) {
                return Ok(Some((self.number, row)));
            }
        }
        Ok(None)
    }
}

/// What a header cell means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot<C> {
    /// A column of the table.
    Known(C),
    /// A header that names no column.
    Unknown,
    /// A column already given by an earlier header.
    Duplicate(C),
}

/// A header cell: its meaning and its text as written.
pub(super) type Header<C> = Vec<(Slot<C>, String)>;

pub(super) fn header_text(cell: &Cell, first: bool) -> String {
    let text = cell.shown();
    let text = if first {
        text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned()
    } else {
        text
    };
    text.trim().to_owned()
}

pub(super) fn read_header<C: Copy + PartialEq>(
    table: &'static str,
    cells: Vec<Cell>,
    from_header: fn(&str) -> Option<C>,
    required: &[C],
    english: fn(C) -> &'static str,
    errors: &mut Vec<CellError>,
) -> Header<C> {
    let mut slots: Header<C> = Vec::with_capacity(cells.len());
    for (i, cell) in cells.iter().enumerate() {
        let text = header_text(cell, i == 0);
        let slot = match from_header(&text) {
            Some(c) if slots.iter().any(|(s, _)| *s == Slot::Known(c)) => {
                errors.push(CellError {
                    table,
                    row: 0,
                    column: text.clone(),
                    value: String::new(),
                    message: format!(
                        "column {} is given twice: this copy is not read, and a row with a \
                         value in it is a duplicate_field error",
                        english(c)
                    ),
                });
                Slot::Duplicate(c)
            }
            Some(c) => Slot::Known(c),
            None if text.is_empty() && cell.is_empty() => Slot::Unknown,
            None => {
                errors.push(CellError {
                    table,
                    row: 0,
                    column: text.clone(),
                    value: String::new(),
                    message: "unknown column: it is not read, and a row with a value in it is \
                              an unknown_field error"
                        .to_owned(),
                });
                Slot::Unknown
            }
        };
        slots.push((slot, text));
    }
    for &c in required {
        if !slots.iter().any(|(s, _)| *s == Slot::Known(c)) {
            errors.push(CellError {
                table,
                row: 0,
                column: english(c).to_owned(),
                value: String::new(),
                message: format!(
                    "the required column {} is missing: every row fails with missing_field",
                    english(c)
                ),
            });
        }
    }
    slots
}

pub(super) fn has_column<C: Copy + PartialEq>(slots: &Header<C>, c: C) -> bool {
    slots.iter().any(|(s, _)| *s == Slot::Known(c))
}

pub(super) fn header_of<C: Copy + PartialEq>(slots: &Header<C>, c: C, fallback: &str) -> String {
    slots
        .iter()
        .find(|(s, _)| *s == Slot::Known(c))
        .map_or_else(|| fallback.to_owned(), |(_, h)| h.clone())
}
