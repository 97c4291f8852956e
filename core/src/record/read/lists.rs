//! `;`-separated lists in one cell: causes, and exit steps `step:date`.

use super::cells::{date_text, label_text, text_of};
use super::{Cell, Problem};
use crate::date::parse_date;
use crate::enums::{Cause, ExitStepKind, WireEnum};
use crate::error::ErrorCode;
use crate::record::ExitStep;

/// Splits a list cell on `;` or the full-width `；`, by one byte scan (the
/// two-char pattern of `str::split` was a third of reading a list). `；` is
/// EF BC 9B in UTF-8, and EF only ever starts a character, so a cut there
/// is on a character boundary.
pub(crate) fn items(t: &str) -> Items<'_> {
    Items { rest: Some(t) }
}

/// The iterator of [`items`]: what is left of the text, `None` once the
/// last item is given.
pub(crate) struct Items<'a> {
    rest: Option<&'a str>,
}

impl<'a> Items<'a> {
    /// At least as many as the items of `t` (a 9B byte may also be part of
    /// another character), for a `Vec` made at its size.
    pub(crate) fn count_hint(t: &str) -> usize {
        1 + memchr::memchr2_iter(b';', 0x9B, t.as_bytes()).count()
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let t = self.rest?;
        let b = t.as_bytes();
        let mut from = 0;
        while let Some(found) = b.get(from..).and_then(|r| memchr::memchr2(b';', 0xEF, r)) {
            let at = from + found;
            let sep = match b.get(at) {
                Some(b';') => 1,
                _ if b.get(at + 1..at + 3) == Some(&[0xBC, 0x9B][..]) => 3,
                _ => {
                    from = at + 1;
                    continue;
                }
            };
            self.rest = t.get(at + sep..);
            return t.get(..at);
        }
        self.rest = None;
        Some(t)
    }
}

pub(super) fn causes(cell: &Cell) -> Result<Vec<Cause>, Problem> {
    causes_text(text_of(cell, "a list of causes")?, Cause::from_label)
}

/// `;`-separated causes, each read with `read`.
pub(crate) fn causes_text(t: &str, read: fn(&str) -> Option<Cause>) -> Result<Vec<Cause>, Problem> {
    let mut out = Vec::new();
    causes_text_into(t, read, &mut out)?;
    Ok(out)
}

/// [`causes_text`] into `out` (emptied first; the batch path hands over a
/// list that keeps its memory from household to household). On an error
/// `out` holds the causes before the bad one.
pub(crate) fn causes_text_into(
    t: &str,
    read: fn(&str) -> Option<Cause>,
    out: &mut Vec<Cause>,
) -> Result<(), Problem> {
    out.clear();
    out.reserve(Items::count_hint(t));
    for (i, item) in items(t).enumerate() {
        out.push(cause_item(i, item, read)?);
    }
    Ok(())
}

/// The `i`-th cause of a list.
pub(crate) fn cause_item(
    i: usize,
    item: &str,
    read: fn(&str) -> Option<Cause>,
) -> Result<Cause, Problem> {
    label_text(item, read).map_err(|p| p.at(format!("[{i}]")))
}

pub(super) fn exit_steps(cell: &Cell) -> Result<Vec<ExitStep>, Problem> {
    exit_steps_text(
        text_of(cell, "a list of step:date")?,
        ExitStepKind::from_label,
    )
}

/// `;`-separated `step:date` items, steps read with `read`.
pub(crate) fn exit_steps_text(
    t: &str,
    read: fn(&str) -> Option<ExitStepKind>,
) -> Result<Vec<ExitStep>, Problem> {
    let mut out = Vec::new();
    exit_steps_text_into(t, read, &mut out)?;
    Ok(out)
}

/// [`exit_steps_text`] into `out` (emptied first, as for
/// [`causes_text_into`]). On an error `out` holds the steps before the bad
/// one.
pub(crate) fn exit_steps_text_into(
    t: &str,
    read: fn(&str) -> Option<ExitStepKind>,
    out: &mut Vec<ExitStep>,
) -> Result<(), Problem> {
    if plain_exit_steps(t, read, out).is_some() {
        return Ok(());
    }
    out.clear();
    out.reserve(Items::count_hint(t));
    for (i, item) in items(t).enumerate() {
        out.push(exit_step_item(i, item, read)?);
    }
    Ok(())
}

/// The common spelling of an `exit_steps` list read in one pass:
/// `step:YYYY-MM-DD` items joined by single `;` (half-width only). `None`
/// for anything else, which [`exit_steps_text`] then reads item by item
/// (and so gives its error); when this answers, that reading gives the same
/// steps: each item is the text up to the next `;`, cut at its first `:`.
pub(super) fn plain_exit_steps(
    t: &str,
    read: fn(&str) -> Option<ExitStepKind>,
    out: &mut Vec<ExitStep>,
) -> Option<()> {
    let b = t.as_bytes();
    out.clear();
    out.reserve(b.len() / 16 + 1);
    let mut at = 0;
    loop {
        let (step, end) = plain_step_at(t, at, read)?;
        out.push(step);
        match b.get(end) {
            None => return Some(()),
            Some(b';') => at = end + 1,
            Some(_) => return None,
        }
    }
}

/// The `step:YYYY-MM-DD` starting at byte `at` of `t` (the step up to the
/// first `:` after `at`, then a date of exactly ten bytes), and the byte
/// just after its date.
pub(super) fn plain_step_at(
    t: &str,
    at: usize,
    read: fn(&str) -> Option<ExitStepKind>,
) -> Option<(ExitStep, usize)> {
    let colon = at + t.as_bytes().get(at..)?.iter().position(|&c| c == b':')?;
    let step = read(t.get(at..colon)?)?;
    let end = colon + 11;
    let on = parse_date(t.get(colon + 1..end)?)?;
    Some((ExitStep { step, on }, end))
}

/// One item of an exit-step list in the common spelling, `step:YYYY-MM-DD`
/// and nothing more, read in one pass; `None` for anything else, which
/// [`exit_step_item`] then reads (and so gives its error). When this
/// answers, [`exit_step_item`] gives the same step.
pub(crate) fn plain_exit_step(
    item: &str,
    read: fn(&str) -> Option<ExitStepKind>,
) -> Option<ExitStep> {
    let (step, end) = plain_step_at(item, 0, read)?;
    (end == item.len()).then_some(step)
}

/// `step:date` split at its first `:` or full-width `：`, by one byte scan
/// (the two-char pattern was most of reading an exit step). Byte EF only
/// ever starts a character, so a match there is on a character boundary.
pub(super) fn split_step(item: &str) -> Option<(&str, &str)> {
    for (at, b) in item.bytes().enumerate() {
        let sep = match b {
            b':' => 1,
            0xEF if item.get(at..).is_some_and(|r| r.starts_with('：')) => '：'.len_utf8(),
            _ => continue,
        };
        return Some((item.get(..at)?, item.get(at + sep..)?));
    }
    None
}

/// The `i`-th exit step of a list, `step:date` (or `step：date`).
pub(crate) fn exit_step_item(
    i: usize,
    item: &str,
    read: fn(&str) -> Option<ExitStepKind>,
) -> Result<ExitStep, Problem> {
    let Some((step, on)) = split_step(item) else {
        return Err(Problem::new(
            ErrorCode::WrongType,
            format!("invalid exit step {item:?}: expected step:date"),
        )
        .at(format!("[{i}]")));
    };
    let step = label_text(step, read).map_err(|p| p.at(format!("[{i}].step")))?;
    let on = date_text(on).map_err(|p| p.at(format!("[{i}].on")))?;
    Ok(ExitStep { step, on })
}

#[cfg(test)]
mod tests {
    use super::{
        Cause, ExitStep, ExitStepKind, Items, causes_text, causes_text_into, exit_step_item,
        exit_steps_text, exit_steps_text_into, items, plain_exit_step, plain_exit_steps,
        split_step,
    };
    use proptest::prelude::*;

    proptest! {
        /// The byte scan cuts where `str::split` on both semicolons cuts,
        /// and the size hint is never short.
        #[test]
        fn items_splits_as_str_split(t in "([a-z：:；;]|公示|率|盛){0,12}") {
            let got: Vec<&str> = items(&t).collect();
            let want: Vec<&str> = t.split([';', '；']).collect();
            prop_assert!(Items::count_hint(&t) >= want.len());
            prop_assert_eq!(got, want);
        }
    }

    /// [`plain_exit_steps`] into a list that held a step before (as the
    /// batch path's lists do): what it answers must not keep that step.
    fn plain(t: &str, read: fn(&str) -> Option<ExitStepKind>) -> Option<Vec<ExitStep>> {
        let mut out = vec![ExitStep {
            step: ExitStepKind::Announced,
            on: chrono::NaiveDate::MIN,
        }];
        plain_exit_steps(t, read, &mut out).map(|()| out)
    }

    /// The `_into` readers empty the list they are given first: read into a
    /// list that held an item, they give what a new list gets.
    #[test]
    fn list_readers_into_a_used_list_give_what_a_new_list_gets() {
        use crate::enums::WireEnum;
        // Two steps each way of writing them (one pass, item by item).
        for t in [
            "proposed:2020-01-01;verified:2020-01-05",
            "proposed：2020-01-01；verified:2020-01-05",
        ] {
            let mut used = vec![ExitStep {
                step: ExitStepKind::Announced,
                on: chrono::NaiveDate::MIN,
            }];
            let got = exit_steps_text_into(t, ExitStepKind::from_wire, &mut used).map(|()| used);
            let steps: Vec<_> = got
                .ok()
                .unwrap_or_default()
                .iter()
                .map(|s| (s.step, s.on.to_string()))
                .collect();
            assert_eq!(
                steps,
                [
                    (ExitStepKind::Proposed, "2020-01-01".to_owned()),
                    (ExitStepKind::Verified, "2020-01-05".to_owned())
                ],
                "{t}"
            );
            assert!(exit_steps_text(t, ExitStepKind::from_wire).is_ok(), "{t}");
        }
        for t in ["illness;disability", "illness；disability"] {
            let mut used = vec![Cause::Other];
            let got = causes_text_into(t, Cause::from_wire, &mut used).map(|()| used);
            let new = causes_text(t, Cause::from_wire);
            assert_eq!(got.ok(), new.ok(), "{t}");
        }
        let mut used = vec![Cause::Other];
        assert!(causes_text_into("illness;disability", Cause::from_wire, &mut used).is_ok());
        assert_eq!(used, [Cause::Illness, Cause::Disability]);
    }

    proptest! {
        /// Whenever the one-pass reading answers, the item-by-item reading
        /// gives the same steps (both with the wire names and with labels).
        #[test]
        fn plain_exit_steps_agree_with_the_items(
            t in "((proposed|verified|公示|announced|x)[:：]20(19|20)-0[1-9]-[0-3][0-9]x?[;；]?){0,4}",
        ) {
            use crate::enums::WireEnum;
            for read in [ExitStepKind::from_wire, ExitStepKind::from_label] {
                if let Some(steps) = plain(&t, read) {
                    let by_items: Result<Vec<ExitStep>, _> = items(&t)
                        .enumerate()
                        .map(|(i, item)| exit_step_item(i, item, read))
                        .collect();
                    prop_assert_eq!(Some(steps), by_items.ok(), "{}", t);
                }
            }
        }
    }

    proptest! {
        /// Whenever the one-pass reading of a list item answers,
        /// `exit_step_item` gives the same step; and it answers for every
        /// item of the common spelling.
        #[test]
        fn plain_exit_step_agrees_with_exit_step_item(
            t in "(proposed|verified|公示|x)?[:：]?20(19|20)-[01][0-9]-[0-3][0-9]x?([;:]x)?",
        ) {
            use crate::enums::WireEnum;
            for read in [ExitStepKind::from_wire, ExitStepKind::from_label] {
                let item = exit_step_item(0, &t, read).ok();
                match plain_exit_step(&t, read) {
                    Some(step) => prop_assert_eq!(Some(step), item, "{}", t),
                    None => {
                        let common = t.bytes().filter(|&b| b == b':').count() == 1
                            && !t.contains('：')
                            && t.len() == t.find(':').unwrap_or(0) + 11;
                        prop_assert!(!(common && item.is_some()), "{}", t);
                    }
                }
            }
        }
    }

    #[test]
    fn plain_exit_steps_take_only_the_common_spelling() {
        use crate::date::parse_date;
        use crate::enums::WireEnum;
        let read = ExitStepKind::from_wire;
        let on = |t| parse_date(t).unwrap_or_default();
        assert_eq!(
            plain("proposed:2020-01-01;verified:2020-01-05", read),
            Some(vec![
                ExitStep {
                    step: ExitStepKind::Proposed,
                    on: on("2020-01-01")
                },
                ExitStep {
                    step: ExitStepKind::Verified,
                    on: on("2020-01-05")
                },
            ])
        );
        for other in [
            "",
            "proposed:2020-01-01;",
            "proposed:2020-01-01；verified:2020-01-05",
            "proposed：2020-01-01",
            "proposed:2020-01-011",
            "proposed:2020-02-30",
        ] {
            assert_eq!(plain(other, read), None, "{other}");
        }
    }

    #[test]
    fn items_keeps_empty_items_at_either_end() {
        assert_eq!(items("").collect::<Vec<_>>(), [""]);
        assert_eq!(items(";a；").collect::<Vec<_>>(), ["", "a", ""]);
        // 率 is E7 8E 87, 盛 is E7 9B 9B: a 9B byte that is no separator.
        assert_eq!(items("盛;率").collect::<Vec<_>>(), ["盛", "率"]);
    }

    #[test]
    fn split_step_splits_at_the_first_colon_of_either_width() {
        assert_eq!(
            split_step("publicized:2020-01-01"),
            Some(("publicized", "2020-01-01"))
        );
        assert_eq!(split_step("公示：2020-01-01"), Some(("公示", "2020-01-01")));
        assert_eq!(split_step("a：b:c"), Some(("a", "b:c")));
        assert_eq!(split_step("a:b：c"), Some(("a", "b：c")));
        assert_eq!(split_step("公示2020-01-01"), None);
        assert_eq!(split_step(""), None);
    }
}
