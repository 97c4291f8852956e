//! Writes small `.xlsx` seed workbooks for the `xlsx` fuzz target, so the
//! fuzzer starts from real zip archives rather than having to find the zip
//! header by chance.
//!
//! `cargo +nightly run --example seeds -- OUT_DIR DIR...`: for each DIR
//! holding `households.csv`, `members.csv` and `villages.csv` (as `fupin
//! synth` writes them), writes workbooks of the first rows, with cells typed
//! as a spreadsheet user keeps them (numbers, booleans, dates) and as text.

use std::error::Error;
use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

fn read_csv(path: &Path, rows: usize) -> Result<Vec<Vec<String>>, Box<dyn Error>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .take(rows)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect())
}

fn write_sheet(
    ws: &mut Worksheet,
    rows: &[Vec<String>],
    typed: bool,
) -> Result<(), Box<dyn Error>> {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r)?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c)?;
            if cell.is_empty() {
                continue;
            }
            let is_date =
                cell.len() == 10 && cell.as_bytes()[4] == b'-' && cell.as_bytes()[7] == b'-';
            if typed && r > 0 && is_date {
                ws.write_datetime_with_format(r, c, ExcelDateTime::parse_from_str(cell)?, &date)?;
            } else if typed && r > 0 && cell.parse::<f64>().is_ok() {
                ws.write_number(r, c, cell.parse::<f64>()?)?;
            } else if typed && r > 0 && (cell == "true" || cell == "false") {
                ws.write_boolean(r, c, cell == "true")?;
            } else {
                ws.write_string(r, c, cell)?;
            }
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (out, dirs) = args.split_first().ok_or("usage: seeds OUT_DIR DIR...")?;
    std::fs::create_dir_all(out)?;
    let mut n = 0;
    for dir in dirs {
        let dir = Path::new(dir);
        for (rows, members) in [(2, 4), (4, 16)] {
            let hh = read_csv(&dir.join("households.csv"), rows)?;
            let mm = read_csv(&dir.join("members.csv"), members)?;
            let vv = read_csv(&dir.join("villages.csv"), 3)?;
            for typed in [false, true] {
                for with_villages in [false, true] {
                    let mut wb = Workbook::new();
                    write_sheet(wb.add_worksheet().set_name("households")?, &hh, typed)?;
                    write_sheet(wb.add_worksheet().set_name("members")?, &mm, typed)?;
                    if with_villages {
                        write_sheet(wb.add_worksheet().set_name("villages")?, &vv, typed)?;
                    }
                    n += 1;
                    std::fs::write(
                        Path::new(out).join(format!("seed-{n:02}.xlsx")),
                        wb.save_to_buffer()?,
                    )?;
                }
            }
        }
    }
    // Unnamed sheets: the reader picks the first and the next one.
    let mut wb = Workbook::new();
    write_sheet(
        wb.add_worksheet(),
        &[vec!["id".into()], vec!["H1".into()]],
        false,
    )?;
    write_sheet(
        wb.add_worksheet(),
        &[
            vec![
                "household_id".into(),
                "id".into(),
                "sex".into(),
                "birth_date".into(),
            ],
            vec!["H1".into(), "P1".into(), "male".into(), "1980-01-01".into()],
        ],
        true,
    )?;
    std::fs::write(
        Path::new(out).join("seed-unnamed.xlsx"),
        wb.save_to_buffer()?,
    )?;
    Ok(())
}
