//! The report as an `.xlsx` workbook: one sheet per table, with the caption
//! on the first row, Chinese and English headers on the next two, then the
//! rows. Counts and amounts are numbers (amounts formatted `0.00`), so the
//! workbook sums and charts in a spreadsheet.

use fupin_core::report::{Cell, Report};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

fn number(d: Decimal) -> f64 {
    // Display only: the exact figures are in the text, HTML and JSON outputs.
    d.to_f64().unwrap_or_default()
}

/// Renders the report as xlsx bytes.
pub fn report_to_xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    let percent = Format::new().set_num_format("0.00\"%\"");
    for section in &report.sections {
        for table in &section.tables {
            let ws = wb.add_worksheet();
            ws.set_name(table.name.chars().take(31).collect::<String>())?;
            ws.write_string_with_format(
                0,
                0,
                format!("{} — {}", section.title.both(), table.caption.both()),
                &bold,
            )?;
            for (c, col) in table.columns.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                ws.write_string_with_format(1, c, &col.zh, &bold)?;
                ws.write_string_with_format(2, c, &col.en, &bold)?;
                ws.set_column_width(c, 18)?;
            }
            for (r, row) in table.rows.iter().enumerate() {
                let r = u32::try_from(r + 3).unwrap_or(u32::MAX);
                for (c, cell) in row.iter().enumerate() {
                    let c = u16::try_from(c).unwrap_or(u16::MAX);
                    match cell {
                        Cell::Int(n) => {
                            ws.write_number(r, c, number(Decimal::from(*n)))?;
                        }
                        Cell::Money(m) => {
                            ws.write_number_with_format(r, c, number(m.as_decimal()), &money)?;
                        }
                        Cell::Percent(Some(p)) => {
                            ws.write_number_with_format(r, c, number(*p), &percent)?;
                        }
                        other => {
                            ws.write_string(r, c, other.text())?;
                        }
                    }
                }
            }
        }
    }
    wb.save_to_buffer()
}
